/* audit.h - a stored batch checked and re-run: its stream against the
 * digests stored with it, its scoring run again by the installed
 * aap-score, its source (when given) by aap-ingest and aap-validate, and
 * the chain across batches; each difference named. */
#ifndef AUDIT_H
#define AUDIT_H

#include <stddef.h>

struct diag;

/* What to audit, and where to say it. */
struct audit_opts {
	const char *conninfo;        /* libpq connection string, or NULL */
	const char *const *batch;    /* the batches to audit */
	size_t nbatch;               /* how many (0 with chain only) */
	const char *const *source;   /* --source files, in order */
	size_t nsource;              /* how many */
	const char *expect;          /* --expect SHA256, or NULL */
	int chain;                   /* --chain */
	const char *expect_head;     /* --expect-head SHA256, or NULL */
	const char *report;          /* --report FILE, NULL: stderr */
	const char *differences;     /* --differences FILE, or NULL */
	const char *bindir;          /* where the stages are, NULL: beside this
					program, else PATH */
};

/* Audits what o asks for, read-only, writing the report and the list of
 * differences.  Returns 0 when everything matches, or -1 with err set:
 * AAP_EDIFF when anything differs (err says how many), AAP_EUSAGE for no
 * such batch, AAP_ESYS, AAP_EDB. */
int audit_run(const struct audit_opts *o, struct diag *err);

#endif
