/* assign.h - aap-assign (docs/aap-assign.md): the reviewers of each
 * admissible application, chosen exactly, written as assignments.csv. */
#ifndef ASSIGN_H
#define ASSIGN_H

struct call;
struct diag;
struct diag_sink;

/* What to assign and where to write it. */
struct assign_opts {
	struct call *call;            /* the call, loaded; its assign.csv is
					 read into it */
	const char *input;            /* the stream, NULL or "-" for stdin */
	const char *reviewers;        /* reviewers.csv */
	const char *conflicts;        /* conflicts.csv, NULL when not given */
	long per_application;         /* reviewers per application; 0: the
					 call's */
	int check;                    /* 0: --no-truncation-check */
	int out;                      /* where assignments.csv goes */
	const char *out_name;         /* its name in messages */
	const struct diag_sink *sink; /* bad lines and the applications that
					 cannot be covered (errors), warnings,
					 and the summary (notes, status 0) */
};

/* Reads the reviewers, the conflicts and the stream, assigns, and writes
 * assignments.csv to o->out, its rows by application_id then reviewer.
 * Nothing is written unless every admissible application is covered.
 * Returns 0, or -1 with err set: AAP_EUSAGE for a wrong assign.csv,
 * AAP_EDATA for an unusable stream or side file or when no assignment
 * exists (the reasons went to the sink), AAP_ESYS. */
int assign_run(const struct assign_opts *o, struct diag *err);

#endif
