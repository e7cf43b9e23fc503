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

/* The envelope walk over n ranked applications, best first, whose
 * capped awards (cents) are award[]: sets dec[] (SCORE_FUNDED,
 * SCORE_RESERVE or SCORE_NOT_FUNDED) and granted[] (cents), and *left. */
void envelope_walk(const struct criteria *k, const int64_t *award, size_t n,
		   enum score_decision *dec, int64_t *granted, int64_t *left);

/* The award of an application asking requested (cents) for an eligible
 * cost of cost (cents, ignored when rate is 10^6), capped by max_award
 * (when has_max) and by rate (SCORE_RATE_SCALE) of the cost, rounded down
 * to the cent. */
int64_t envelope_cap(int64_t requested, int64_t cost, int has_max,
		     int64_t max_award, int64_t rate);

#endif
