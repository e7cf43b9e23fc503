/* writer.c - buffered CSV output with a running SHA-256. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "aap.h"
#include "csvbytes.h"
#include "diag.h"
#include "io.h"
#include "mem.h"
#include "writer.h"

#define WRITER_BUF 65536

struct writer {
	int fd;                  /* output, not owned */
	char *name;              /* name in messages, owned */
	struct digest *digest;   /* everything written */
	int error;               /* errno of the first failed write, or 0 */
	int in_record;           /* a field was written in this record */
	size_t len;              /* bytes in buf */
	size_t hashed;           /* bytes of buf already hashed */
	char buf[WRITER_BUF];    /* pending output */
};

struct writer *writer_new(int fd, const char *name)
{
	struct writer *w = mem_alloc(sizeof(*w));

	if (w == NULL)
		return NULL;
	w->fd = fd;
	w->error = 0;
	w->in_record = 0;
	w->len = w->hashed = 0;
	w->name = mem_strdup(name);
	w->digest = digest_new();
	if (w->name == NULL || w->digest == NULL) {
		writer_free(w);
		return NULL;
	}
	(void)digest_background(w->digest); /* else inline, just as well */
	return w;
}

void writer_free(struct writer *w)
{
	if (w == NULL)
		return;
	digest_free(w->digest);
	mem_free(w->name);
	mem_free(w);
}

/* Hashes the part of buf not hashed yet. */
static int hash_pending(struct writer *w)
{
	if (digest_update(w->digest, w->buf + w->hashed, w->len - w->hashed) < 0)
		return -1;
	w->hashed = w->len;
	return 0;
}

/* Hashes and writes out buf; keeps the first failure. */
static int drain(struct writer *w)
{
	if (hash_pending(w) < 0 && w->error == 0)
		w->error = ENOMEM;
	if (w->error == 0 && io_write_all(w->fd, w->buf, w->len) < 0)
		w->error = errno;
	w->len = w->hashed = 0;
	return w->error ? -1 : 0;
}

int writer_bytes(struct writer *w, const void *p, size_t n)
{
	const char *s = p;

	if (n <= WRITER_BUF - w->len) {
		/* The usual case: it fits. */
		memcpy(w->buf + w->len, s, n);
		w->len += n;
		if (w->len == WRITER_BUF && drain(w) < 0)
			return -1;
		return w->error ? -1 : 0;
	}

	while (n > 0) {
		size_t room = WRITER_BUF - w->len, k = n < room ? n : room;

		memcpy(w->buf + w->len, s, k);
		w->len += k;
		s += k;
		n -= k;
		if (w->len == WRITER_BUF && drain(w) < 0)
			return -1;
	}
	return w->error ? -1 : 0;
}

/* 1 when the n bytes at s hold a byte that forces quoting. */
static int needs_quotes(const unsigned char *s, size_t n)
{
	return csv_special(s, s + n, ',') != s + n;
}

int writer_field(struct writer *w, const char *s, size_t n)
{
	const char *q;
	size_t i, from;
	int quote = n > 0 && s[0] == '#';

	if (!quote)
		quote = needs_quotes((const unsigned char *)s, n);
	/* The usual case: no quotes, and the delimiter and the field fit. */
	if (!quote && n < WRITER_BUF - w->len) {
		if (w->in_record)
			w->buf[w->len++] = ',';
		w->in_record = 1;
		if (n > 0)
			memcpy(w->buf + w->len, s, n);
		w->len += n;
		if (w->len == WRITER_BUF && drain(w) < 0)
			return -1;
		return w->error ? -1 : 0;
	}
	if (w->in_record && writer_bytes(w, ",", 1) < 0)
		return -1;
	w->in_record = 1;
	if (!quote)
		return writer_bytes(w, s, n);
	if (writer_bytes(w, "\"", 1) < 0)
		return -1;
	/* Each quote is written, then written again: doubled. */
	for (from = 0; (q = memchr(s + from, '"', n - from)) != NULL; from = i + 1) {
		i = (size_t)(q - s);
		if (writer_bytes(w, s + from, i + 1 - from) < 0 ||
		    writer_bytes(w, "\"", 1) < 0)
			return -1;
	}
	if (writer_bytes(w, s + from, n - from) < 0)
		return -1;
	return writer_bytes(w, "\"", 1);
}

int writer_end_record(struct writer *w)
{
	w->in_record = 0;
	return writer_bytes(w, "\n", 1);
}

int writer_digest(struct writer *w, char hex[DIGEST_HEX_LEN + 1])
{
	if (hash_pending(w) < 0)
		return -1;
	return digest_peek(w->digest, hex);
}

int writer_digest_with(struct writer *w, const void *p, size_t n,
		       char hex[DIGEST_HEX_LEN + 1])
{
	if (hash_pending(w) < 0)
		return -1;
	return digest_peek_with(w->digest, p, n, hex);
}

int writer_failed(const struct writer *w, struct diag *err)
{
	if (w->error == 0)
		return 0;
	if (w->error == ENOMEM)
		return diag_oom(err);
	return diag_set(err, AAP_ESYS, NULL, 0, "could not write to %s: %s",
			w->name, strerror(w->error));
}

int writer_flush(struct writer *w, struct diag *err)
{
	drain(w);
	return writer_failed(w, err);
}
