/* envelope.h - the decisions an application can get and the budget
 * envelope walked in rank order. */
#ifndef ENVELOPE_H
#define ENVELOPE_H

#include <stddef.h>
#include <stdint.h>

#include "criteria.h"

/* Decisions an application can get. */
enum score_decision {
	SCORE_PENDING = 0,     /* passed the thresholds, not yet walked */
	SCORE_INADMISSIBLE,    /* from validation or a duplicate key */
	SCORE_INCOMPLETE,      /* too few marks on a reviewed criterion */
	SCORE_BELOW,           /* below a threshold */
	SCORE_FUNDED,          /* granted its award */
	SCORE_RESERVE,         /* on the reserve list */
	SCORE_NOT_FUNDED,      /* ranked, neither funded nor in reserve */
	SCORE_WITHDRAWN,       /* a committee decision: given up, rank kept */
	SCORE_EXCLUDED         /* a committee decision: out of the ranking */
};

/* Where the walk is, before an application. */
struct envelope_state {
	int64_t rest;            /* what is left of the envelope, cents */
	int walking;             /* 0: the walk has ended (stop, partial) */
	unsigned long unfunded;  /* applications not funded so far */
};

/* Sets st to the start of the walk: the whole envelope of k left. */
void envelope_start(const struct criteria *k, struct envelope_state *st);

/* One step of the walk: the next application in rank order, whose capped
 * award (cents) is award.  Returns its decision (SCORE_FUNDED,
 * SCORE_RESERVE or SCORE_NOT_FUNDED), sets *granted (cents) and moves st
 * past it. */
enum score_decision envelope_step(const struct criteria *k,
				  struct envelope_state *st, int64_t award,
				  int64_t *granted);

/* The envelope walk over n ranked applications, best first, whose
 * capped awards (cents) are award[]: sets dec[] (SCORE_FUNDED,
 * SCORE_RESERVE or SCORE_NOT_FUNDED) and granted[] (cents), and *left. */
void envelope_walk(const struct criteria *k, const int64_t *award, size_t n,
		   enum score_decision *dec, int64_t *granted, int64_t *left);

#endif
