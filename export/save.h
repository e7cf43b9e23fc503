/* save.h - the one way aap-export writes a file: to FILE.part, renamed
 * to FILE once whole, so that a failed run never leaves a part for a
 * whole. */
#ifndef SAVE_H
#define SAVE_H

struct diag;

/* Writes a document to fd, name being the file to name in messages.
 * Returns 0, or -1 with err set. */
typedef int save_fn(const void *ctx, int fd, const char *name, struct diag *err);

/* Creates path.part, calls fn(ctx, fd, path, err) on it, closes it and
 * renames it path; on any failure removes path.part.  Returns 0, or -1
 * with err set: fn's error, or AAP_ESYS when path.part cannot be
 * created, closed or renamed, or memory ran out. */
int save_file(const char *path, save_fn *fn, const void *ctx,
	      struct diag *err);

#endif
