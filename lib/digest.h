/* digest.h - SHA-256 through OpenSSL's EVP interface, as lower-case hex. */
#ifndef DIGEST_H
#define DIGEST_H

#include <stddef.h>

#define DIGEST_HEX_LEN 64

struct diag;

/* A running SHA-256.  Opaque. */
struct digest;

/* Returns a new running digest owned by the caller (free with digest_free),
 * or NULL when memory has run out. */
struct digest *digest_new(void);

/* Frees d; digest_free(NULL) does nothing. */
void digest_free(struct digest *d);

/* From now on, hashes what d is fed on a thread of its own: digest_update
 * copies the bytes into a buffer (1 MiB) and returns, and digest_peek
 * waits for the thread to catch up.  For long streams, so that hashing
 * runs beside the caller's work.  Returns 0, or -1 when no thread or
 * buffer could be had: d then goes on hashing inline, just as well. */
int digest_background(struct digest *d);

/* Feeds n bytes at p to d.  Returns 0, or -1 on a library failure. */
int digest_update(struct digest *d, const void *p, size_t n);

/* digest_update for a reader's tap (reader_set_tap): d is the digest. */
int digest_tap(void *d, const void *p, size_t n);

/* Writes the hex digest of everything fed so far to hex (65 bytes, with
 * the NUL), leaving d able to take more bytes.  Returns 0 or -1. */
int digest_peek(struct digest *d, char hex[DIGEST_HEX_LEN + 1]);

/* Writes to hex the digest of everything fed so far followed by the n
 * bytes at p, leaving d as it was: the digest a stream would have with
 * those bytes, before they are written.  Returns 0 or -1. */
int digest_peek_with(struct digest *d, const void *p, size_t n,
		     char hex[DIGEST_HEX_LEN + 1]);

/* Hashes the whole file at path into hex.  Returns 0, or -1 with err set
 * (AAP_ESYS, naming the file) when it cannot be read. */
int digest_file(const char *path, char hex[DIGEST_HEX_LEN + 1],
		struct diag *err);

/* Hashes n bytes at p into hex in one go.  Returns 0 or -1. */
int digest_bytes(const void *p, size_t n, char hex[DIGEST_HEX_LEN + 1]);

#endif
