/* rank.h - the ranking: totals ordered by the call's tie-break chain. */
#ifndef RANK_H
#define RANK_H

#include <stddef.h>
#include <stdint.h>

#include "criteria.h"

/* What the ranking knows of one application. */
struct rank_app {
	const char *id;           /* application_id */
	size_t idlen;             /* its length */
	int64_t total;            /* the total */
	const int64_t *score;     /* its criteria scores */
	const char *const *v;     /* per tie-break step s: v[2s] the field's
				     value, v[2s + 1] the second count's */
	const size_t *vlen;       /* their lengths */
};

/* Orders the n applications at a by total and the tie-break chain of k:
 * writes their indices, best first, to order[] and for each position the
 * step index that placed it before the next (or -1) to reason[].  Returns
 * 0, or -1 when memory ran out. */
int rank_order(const struct criteria *k, const struct rank_app *a, size_t n,
	       size_t *order, long *reason);

#endif
