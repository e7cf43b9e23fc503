/* sbuf.h - the one growable byte buffer of the project, always kept
 * NUL-terminated so its text can be used as a C string. */
#ifndef SBUF_H
#define SBUF_H

#include <stddef.h>

/* A growable buffer.  Zero-initialised or sbuf_init'ed, it is empty. */
struct sbuf {
	char *data; /* the bytes, NUL-terminated once anything was added; owned */
	size_t len; /* bytes in use, the NUL excluded */
	size_t cap; /* bytes allocated */
};

/* Makes b empty without allocating. */
void sbuf_init(struct sbuf *b);

/* Frees what b holds and makes it empty. */
void sbuf_fini(struct sbuf *b);

/* Empties b, keeping its allocation. */
void sbuf_reset(struct sbuf *b);

/* Makes room for n more bytes (and the NUL).  Returns 0, or -1 when memory
 * has run out (b unchanged). */
int sbuf_grow(struct sbuf *b, size_t n);

/* Appends n bytes at p.  Returns 0, or -1 when memory has run out. */
int sbuf_add(struct sbuf *b, const void *p, size_t n);

/* Appends the string s.  Returns 0 or -1. */
int sbuf_adds(struct sbuf *b, const char *s);

/* Appends one byte.  Returns 0 or -1. */
int sbuf_addc(struct sbuf *b, char c);

/* Appends the decimal form of v.  Returns 0 or -1. */
int sbuf_addu(struct sbuf *b, unsigned long long v);

/* Returns b's text: never NULL, "" when empty.  Owned by b. */
const char *sbuf_str(const struct sbuf *b);

#endif
