/* envelope.c - the budget envelope: each award capped, then the ranking
 * walked until the money runs out (docs/scoring.md). */
#include "envelope.h"

int64_t envelope_cap(int64_t requested, int64_t cost, int has_max,
		     int64_t max_award, int64_t rate)
{
	int64_t a = requested < 0 ? 0 : requested;

	if (has_max && a > max_award)
		a = max_award;
	if (rate < 1000000) {
		/* Rounded down: the cap is never exceeded. */
		int64_t c = (int64_t)((score_wide)(cost < 0 ? 0 : cost) * rate /
				      1000000);

		if (a > c)
			a = c;
	}
	return a;
}

void envelope_walk(const struct criteria *k, const int64_t *award, size_t n,
		   enum score_decision *dec, int64_t *granted, int64_t *left)
{
	int64_t rest = k->envelope;
	unsigned long reserve = 0;
	size_t i;
	int walking = 1;

	for (i = 0; i < n; i++) {
		dec[i] = SCORE_NOT_FUNDED;
		granted[i] = 0;
		if (!walking)
			continue;
		if (award[i] <= rest) {
			dec[i] = SCORE_FUNDED;
			granted[i] = award[i];
			rest -= award[i];
		} else if (k->partial) {
			if (rest > 0) {
				dec[i] = SCORE_FUNDED;
				granted[i] = rest;
				rest = 0;
			}
			walking = 0;
		} else if (k->walk_stop) {
			walking = 0;
		}
	}
	for (i = 0; i < n; i++)
		if (dec[i] == SCORE_NOT_FUNDED && reserve < k->reserve) {
			dec[i] = SCORE_RESERVE;
			reserve++;
		}
	*left = rest;
}
