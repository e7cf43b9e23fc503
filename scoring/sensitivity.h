/* sensitivity.h - which decisions hang by a thread (docs/scoring.md,
 * Sensitivity): one reviewer's marks left out, one criterion's weight
 * changed, and the margin to the funding line. */
#ifndef SENSITIVITY_H
#define SENSITIVITY_H

#include <stddef.h>
#include <stdint.h>

#include "criteria.h"
#include "envelope.h"
#include "rank.h"

/* The largest change of a weight tried, in percent of the weight; the
 * changes tried are every whole percent from 1 up to it, both ways. */
#define SENS_MAX_PERCENT 50

/* An application with a total: ranked, or below a threshold. */
struct sens_app {
	struct rank_app r;        /* as ranked: id, total, scores, tie-break
				     values (not owned) */
	int64_t award;            /* its capped award, cents */
	enum score_decision dec;  /* its decision */
};

/* An application's scores with one reviewer's marks left out. */
struct sens_variant {
	size_t app;               /* the application, an index of the apps */
	const int64_t *score;     /* its criteria scores without those marks
				     (not owned) */
	const char *reviewer;     /* the reviewer, not NUL-terminated (not
				     owned) */
	size_t len;               /* its length */
};

/* What sens_run finds for one application. */
struct sens_result {
	long variant;              /* the variant that changes the decision,
				      or -1 */
	enum score_decision vdec;  /* the decision it gives */
	long crit;                 /* the criterion whose weight change
				      changes the decision, or -1 */
	int percent;               /* that change in percent, signed */
	enum score_decision wdec;  /* the decision it gives */
	int has_margin;            /* 1: margin is set */
	int64_t margin;            /* total minus the funding line */
};

/* For the n applications at a, of which the m at order[] (indices of a,
 * best first) are ranked, as score.c ranked and funded them, and the nv
 * variants at v (grouped by application): sets vdec[j] to the decision
 * variant j would give its application, everything else as it is, and
 * res[i] for every application (only ranked ones get anything but -1 and
 * no margin).  Returns 0, or -1 when memory ran out. */
int sens_run(const struct criteria *k, const struct sens_app *a, size_t n,
	     const size_t *order, size_t m, const struct sens_variant *v,
	     size_t nv, enum score_decision *vdec, struct sens_result *res);

#endif
