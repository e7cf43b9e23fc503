/* envelope.c - the budget envelope: each award capped, then the ranking
 * walked until the money runs out (docs/scoring.md). */
#include "envelope.h"

void envelope_start(const struct criteria *k, struct envelope_state *st)
{
	st->rest = k->envelope;
	st->walking = 1;
	st->unfunded = 0;
}

enum score_decision envelope_step(const struct criteria *k,
				  struct envelope_state *st, int64_t award,
				  int64_t *granted)
{
	*granted = 0;
	if (st->walking) {
		if (award <= st->rest) {
			*granted = award;
			st->rest -= award;
			return SCORE_FUNDED;
		}
		if (k->partial) {
			st->walking = 0;
			if (st->rest > 0) {
				*granted = st->rest;
				st->rest = 0;
				return SCORE_FUNDED;
			}
		} else if (k->walk_stop) {
			st->walking = 0;
		}
	}
	/* The reserve list: the first ones not funded, in rank order. */
	return st->unfunded++ < k->reserve ? SCORE_RESERVE : SCORE_NOT_FUNDED;
}

void envelope_walk(const struct criteria *k, const int64_t *award, size_t n,
		   enum score_decision *dec, int64_t *granted, int64_t *left)
{
	struct envelope_state st;
	size_t i;

	envelope_start(k, &st);
	for (i = 0; i < n; i++)
		dec[i] = envelope_step(k, &st, award[i], &granted[i]);
	*left = st.rest;
}
