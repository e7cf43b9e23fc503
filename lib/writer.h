/* writer.h - buffered, checked CSV output to a file descriptor, hashing
 * every byte it writes. */
#ifndef WRITER_H
#define WRITER_H

#include <stddef.h>

#include "digest.h"

struct diag;
struct writer;

/* Returns a writer to fd (not closed by it), named name in messages, or
 * NULL when memory has run out. */
struct writer *writer_new(int fd, const char *name);

/* Frees w without flushing; writer_free(NULL) does nothing. */
void writer_free(struct writer *w);

/* Writes n raw bytes.  Returns 0, or -1 once any write has failed (the
 * failure is kept for writer_flush). */
int writer_bytes(struct writer *w, const void *p, size_t n);

/* Writes one CSV field, preceded by a comma unless it is the first of its
 * record.  The field is quoted when it holds a comma, a quote, CR or LF, or
 * begins with '#'; quotes inside are doubled.  Returns 0 or -1. */
int writer_field(struct writer *w, const char *s, size_t n);

/* Ends the current record with LF.  Returns 0 or -1. */
int writer_end_record(struct writer *w);

/* Writes the SHA-256 of every byte written so far to hex.  Returns 0 or -1. */
int writer_digest(struct writer *w, char hex[DIGEST_HEX_LEN + 1]);

/* Writes to hex the SHA-256 of every byte written so far followed by the n
 * bytes at p, which are not written.  Returns 0 or -1. */
int writer_digest_with(struct writer *w, const void *p, size_t n,
		       char hex[DIGEST_HEX_LEN + 1]);

/* Returns 0, or -1 with err set (AAP_ESYS) if a write has failed so far;
 * writes nothing. */
int writer_failed(const struct writer *w, struct diag *err);

/* Writes out what is buffered.  Returns 0, or -1 with err set (AAP_ESYS)
 * if this or any earlier write failed. */
int writer_flush(struct writer *w, struct diag *err);

#endif
