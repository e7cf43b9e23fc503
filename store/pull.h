/* pull.h - a stored batch read back out of PostgreSQL: its stream byte
 * for byte, checked against the digest stored at the push as it is
 * written, and the call and side files stored with it. */
#ifndef PULL_H
#define PULL_H

#include <stddef.h>

#include <libpq-fe.h>

#include "digest.h"

struct diag;

/* The aap.batch row of a batch.  Every string is owned. */
struct pull_batch {
	char *batch_id;      /* its id */
	char *call_id;       /* its call */
	char *tool_versions; /* the tool versions, as jsonb's text */
	char *header;        /* the column names joined by commas */
	char *provenance;    /* the provenance lines joined by LF */
	char *trailer;       /* the trailer line, without LF */
	char *stream_sha256; /* the digest of the stream pushed */
	unsigned long long record_count; /* its records */
};

/* What a stream rebuilt from the database gave. */
struct pull_sums {
	char body[DIGEST_HEX_LEN + 1];   /* sha256 of every byte before the trailer */
	char stream[DIGEST_HEX_LEN + 1]; /* sha256 of the whole stream */
	unsigned long long records;      /* records written */
};

/* One file stored with a batch (aap.config_file).  Owned strings. */
struct pull_file {
	char *role;    /* call, reviews, consensus, conflicts */
	char *name;    /* its base name */
	char *sha256;  /* the digest stored beside it */
	char *content; /* its bytes, NUL-terminated */
	size_t len;    /* how many */
};

/* Begins the read-only transaction, with one snapshot, that the reads of
 * a batch share.  Returns 0, or -1 with err set (AAP_EDB). */
int pull_begin(PGconn *db, struct diag *err);

/* Reads the aap.batch row of batch_id into b (zeroed first; free with
 * pull_batch_fini).  Returns 0, or -1 with err set: AAP_EUSAGE when there
 * is no such batch, AAP_EDB, AAP_ESYS for memory. */
int pull_batch_load(PGconn *db, const char *batch_id, struct pull_batch *b,
		    struct diag *err);

/* Frees what b holds; b may be zeroed. */
void pull_batch_fini(struct pull_batch *b);

/* Writes batch b to fd (named name in messages) as the stream that was
 * pushed: its provenance, header, records rebuilt from the rows, then its
 * trailer, but only when the SHA-256 of those bytes is b's stream_sha256.
 * s gets the digests of what was rebuilt.  Returns 0, or -1 with err set:
 * AAP_EDIFF when the digests differ (nothing more was written), AAP_EDB,
 * AAP_ESYS for a failed write. */
int pull_stream(PGconn *db, const struct pull_batch *b, int fd,
		const char *name, struct pull_sums *s, struct diag *err);

/* Reads the files stored with batch_id: all of them when role is NULL,
 * else those of role (and of name unless it is NULL), in role and name
 * order.  *files gets an array of *n, owned by the caller (free with
 * pull_files_free).  Returns 0, or -1 with err set (AAP_EDB, AAP_ESYS). */
int pull_files(PGconn *db, const char *batch_id, const char *role,
	       const char *name, struct pull_file **files, size_t *n,
	       struct diag *err);

/* Frees the n files of f; pull_files_free(NULL, 0) does nothing. */
void pull_files_free(struct pull_file *f, size_t n);

/* Checks that f's bytes have the digest stored beside them.  Returns 0,
 * or -1 with err set (AAP_EDIFF, AAP_ESYS). */
int pull_file_check(const struct pull_file *f, struct diag *err);

/* Writes the n bytes at p to the file path, created or replaced.
 * Returns 0, or -1 with err set (AAP_ESYS). */
int pull_write(const char *path, const char *p, size_t n, struct diag *err);

#endif
