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

/* What tie-break step s of k says of x against y: < 0 when x goes
 * first, 0 when the step cannot tell them apart.  cx and cy are their
 * coverage counts when the step is a coverage step (ignored otherwise). */
int rank_step_cmp(const struct criteria *k, size_t s,
		  const struct rank_app *x, const struct rank_app *y, long cx,
		  long cy);

/* The number of steps of k before its first coverage step (all of them
 * without one): those that never change as applications are placed. */
size_t rank_static_steps(const struct criteria *k);

/* Compares x and y by total, higher first, then by the steps before the
 * first coverage step: < 0 when x goes first, 0 when those agree (never
 * for two applications when k has no coverage step, since the chain ends
 * with the id). */
int rank_cmp_static(const struct criteria *k, const struct rank_app *x,
		    const struct rank_app *y);

/* The next distinct item of the list v (n bytes, '|'-separated) from
 * *pos on, an item repeated earlier in v skipped, and empty items too:
 * returns 1 with *item (pointing into v) and *len set and *pos moved
 * past it, or 0 at the end.  Start with *pos = 0. */
int rank_next_item(const char *v, size_t n, size_t *pos, const char **item,
		   size_t *len);

#endif
