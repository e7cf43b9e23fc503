/* stage.h - the plumbing every stage that reads a stream shares: open
 * and check the input, copy its provenance and add a '#stage' line, write
 * the header with the stage's columns, and end with a trailer that chains
 * to the input's digest. */
#ifndef STAGE_H
#define STAGE_H

#include <stddef.h>

#include "sbuf.h"
#include "stream.h"

struct call;
struct diag;

/* A stage's input: a stream of its call, from a file or stdin. */
struct stage_input {
	struct stream_in *in; /* the stream */
	char *name;           /* base name of the input, "-" for stdin */
	int fd;               /* its descriptor */
	int own_fd;           /* 1: close fd at the end */
};

/* A stage between its input stream and its output stream. */
struct stage {
	const char *name;        /* the program, for the '#stage' line */
	const struct call *call; /* the call it runs for */
	struct stage_input src;  /* the input */
	struct stream_out *out;  /* the output */
	int check;               /* 0: --no-truncation-check */
	int finished;            /* the trailer was written */
};

/* Opens the input path (NULL or "-": stdin) into si, reads its provenance
 * and header, and checks that it is a stream of call holding every field
 * of it.  check: 0 for --no-truncation-check.  Returns 0, or -1 with err
 * set (AAP_ESYS when the input cannot be opened, AAP_EDATA when it is not
 * a fitting stream); close si with stage_input_close either way. */
int stage_input_open(struct stage_input *si, const struct call *call,
		     const char *path, int check, struct diag *err);

/* Frees what si holds and closes its descriptor if it opened it. */
void stage_input_close(struct stage_input *si);

/* Opens the input path (NULL or "-": stdin) of stage name for call, reads
 * its provenance and header, and checks that it is a stream of that call
 * holding every field of it; the output stream goes to the descriptor
 * out, named out_name in messages (not owned: the caller closes it).
 * check: 0 for --no-truncation-check.  plain: write bare CSV.  Returns 0,
 * or -1 with err set (AAP_ESYS when the input cannot be opened, AAP_EDATA
 * when it is not a fitting stream). */
int stage_open(struct stage *st, const char *name, const struct call *call,
	       const char *path, int out, const char *out_name, int check,
	       int plain, struct diag *err);

/* Writes the provenance (the input's, then this stage's '#stage' line
 * with the call's files, the tokens given in extra, which may be NULL,
 * and truncation-check=off when unchecked) and the header: the input's
 * columns and the nadd columns in add, which the input must not have.
 * Returns 0 or -1 with err set (AAP_EDATA for a column already there). */
int stage_begin(struct stage *st, const struct sbuf *extra,
		const char *const *add, size_t nadd, struct diag *err);

/* After the input's READ_END: writes the trailer, with input=NAME:SHA256
 * and the tokens in extra (may be NULL), and flushes.  Returns 0 or -1
 * with err set. */
int stage_finish(struct stage *st, const struct sbuf *extra,
		 struct diag *err);

/* Frees what st holds; when the trailer was not written, what was
 * written goes out without one. */
void stage_close(struct stage *st);

#endif
