/* push.h - storing a stream in PostgreSQL as one batch: whole or not at
 * all, once only, with every file that produced it. */
#ifndef PUSH_H
#define PUSH_H

#include "columns.h"

struct call;
struct diag;
struct diag_sink;

/* What to push and where. */
struct push_opts {
	const char *batch_id;         /* the batch's id */
	const char *supersedes;       /* the batch it corrects, or NULL */
	const char *conninfo;         /* libpq connection string, or NULL */
	struct call *call;            /* the call, loaded */
	const char *side[COLUMNS_NSIDE]; /* side file paths, NULL when not given */
	const char *input;            /* the stream, NULL or "-" for stdin */
	int plain;                    /* write the stream out as bare CSV */
	const struct diag_sink *sink; /* notes: stored, already stored */
};

/* Reads the stream, passes it through to standard output, and stores it
 * as one batch in one transaction; the output's trailer is written only
 * once the batch is committed.  Pushing the same stream again under the
 * same id stores nothing and succeeds.  Returns 0, or -1 with err set:
 * AAP_EDATA for a cut-off or altered stream or a conflicting reuse of an
 * id or a stream, AAP_EUSAGE when the files given do not match the
 * provenance, AAP_ESYS for I/O, AAP_EDB for the database. */
int push_run(const struct push_opts *o, struct diag *err);

#endif
