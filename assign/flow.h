/* flow.h - the exact assignment of reviewers to applications as a
 * min-cost flow (docs/aap-assign.md): each application gets k distinct
 * reviewers, no reviewer above its load, the total affinity highest and
 * then the loads most even. */
#ifndef FLOW_H
#define FLOW_H

#include <stddef.h>
#include <stdint.h>

/* An affinity that bars the pair: a conflict of interest. */
#define FLOW_BARRED (-1)

/* An affinity is FLOW_SECTOR times the sector match (0 or 1) plus the
 * shared keywords (below FLOW_SECTOR). */
#define FLOW_SECTOR 1000

/* The problem, applications and reviewers each in the order of their ids:
 * ties are settled by that order. */
struct flow_problem {
	size_t napps;         /* applications */
	size_t nrev;          /* reviewers */
	const int16_t *aff;   /* napps * nrev affinities, a row per
				 application; FLOW_BARRED for a barred pair */
	const uint32_t *cap;  /* per reviewer: its maximum load */
	unsigned k;           /* reviewers per application, at least 1 */
};

/* What the flow found. */
struct flow_result {
	uint32_t *rev;    /* napps * k: each application's reviewers in
			     ascending order, the first got[a] of its row */
	uint32_t *got;    /* per application: reviewers it got */
	uint32_t *load;   /* per reviewer: applications it got */
	size_t uncovered; /* applications with fewer than k reviewers */
};

/* Solves p into res (flow_result_fini frees it).  Applications are
 * covered in order: one that no augmenting path reaches stays short
 * (res->uncovered counts them) and the others are still covered; when
 * none is short, the assignment is optimal.  Returns 0, or -1 when memory
 * ran out. */
int flow_solve(const struct flow_problem *p, struct flow_result *res);

/* Frees what res holds; a zeroed result is empty. */
void flow_result_fini(struct flow_result *res);

#endif
