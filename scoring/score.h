/* score.h - aap-score (docs/scoring.md): the stage that scores a
 * stream, ranks it and walks the envelope over it. */
#ifndef SCORE_H
#define SCORE_H

#include "call.h"
#include "criteria.h"
#include "cutoff.h"
#include "envelope.h"

struct diag;
struct diag_sink;

/* Returns the name of decision d ("funded", ...). */
const char *score_decision_name(enum score_decision d);

/* What to score and how. */
struct score_opts {
	struct call *call;            /* the call, loaded */
	const struct criteria *k;     /* its scoring tables */
	const char *input;            /* input path, NULL or "-" for stdin */
	const char *reviews;          /* side files, NULL when not given */
	const char *consensus;
	const char *conflicts;
	int check;                    /* 0: --no-truncation-check */
	int plain;                    /* write bare CSV */
	const struct diag_sink *sink; /* bad side-file lines, as errors;
					 assigned reviewers without a mark, as
					 warnings */
	const char *assignments;      /* aap-assign's assignments.csv, or
					 NULL */
	const char *decisions;        /* the committee's decisions, or NULL */
	int sensitivity;              /* 1: add the sensitivity columns */
	const struct cutoff_run *cut; /* the batch's cut-off and what the
					 earlier ones carry, or NULL */
};

/* Reads the stream, scores, ranks and funds, writes the stream with the
 * scoring columns.  Returns 0, or -1 with err set (AAP_EDATA for an
 * unusable stream or side file, AAP_ESYS); no trailer then. */
int score_run(const struct score_opts *o, struct diag *err);

#endif
