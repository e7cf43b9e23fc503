/* test_sensitivity.c - aap-score --sensitivity against brute force: on
 * random small batches, each moved application's decision is the one a
 * whole new ranking and envelope walk give, and each weight change found
 * is the first of the search that changes the decision. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "criteria.h"
#include "envelope.h"
#include "rank.h"
#include "sensitivity.h"
#include "unit.h"

#define MAXN 9   /* applications per batch */
#define NC 2     /* criteria */
#define MAXV 40  /* variants per batch */

static uint64_t seed = 88172645463325252ULL;

/* xorshift64: the same batches on every run. */
static unsigned pick(unsigned n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (unsigned)(seed % n);
}

/* A random call: two criteria 0 to 5 in half points, a chain of a
 * score step (or none) then the id, a random envelope walk. */
struct batch {
	struct criteria k;
	struct criteria_item items[NC];
	struct criteria_tiebreak tb[3];
	char ids[MAXN][4];
	const char *v[MAXN][6];
	size_t vl[MAXN][6];
	int64_t score[MAXN][NC];
	struct sens_app a[MAXN];
	size_t n;
};

static int coverage;

static void make_batch(struct batch *b)
{
	static char c0[] = "c0", c1[] = "c1", rs[] = "score:c0", ri[] = "id",
		    rc[] = "coverage:countries";
	static const char *const lists[] = { "", "fr", "it", "fr|it", "it|es", "es" };
	size_t i, c, s;

	memset(b, 0, sizeof(*b));
	b->items[0].id = c0;
	b->items[1].id = c1;
	for (c = 0; c < NC; c++) {
		b->items[c].weight = 5000 + 5000 * (int64_t)pick(3);
		b->items[c].max = 50000;
		b->items[c].step = 5000;
		b->items[c].has_threshold = pick(3) == 0;
		b->items[c].threshold = 10000;
	}
	b->k.items = b->items;
	b->k.nitems = NC;
	b->k.has_total_threshold = pick(3) == 0;
	b->k.threshold_weighted = pick(2) == 1;
	b->k.total_threshold = 30000;
	b->k.envelope = 100 * (int64_t)(1 + pick(20));
	b->k.walk_stop = pick(3) == 0;
	b->k.partial = pick(4) == 0;
	b->k.reserve = pick(3);
	s = 0;
	if (pick(2)) {
		b->tb[s].kind = CRITERIA_TB_SCORE;
		b->tb[s].crit = 0;
		b->tb[s++].reason = rs;
	}
	if (coverage && pick(2)) {
		b->tb[s].kind = CRITERIA_TB_COVERAGE;
		b->tb[s++].reason = rc;
	}
	b->tb[s].kind = CRITERIA_TB_ID;
	b->tb[s++].reason = ri;
	b->k.tb = b->tb;
	b->k.ntb = s;
	b->n = 2 + pick(MAXN - 1);
	for (i = 0; i < b->n; i++) {
		b->ids[i][0] = 'A';
		b->ids[i][1] = (char)('0' + i);
		for (s = 0; s < 6; s++) {
			b->v[i][s] = lists[pick(6)];
			b->vl[i][s] = strlen(b->v[i][s]);
		}
		for (c = 0; c < NC; c++)
			b->score[i][c] = 5000 * (int64_t)pick(1 + 10 * pick(2));
		b->a[i].r.id = b->ids[i];
		b->a[i].r.idlen = 2;
		b->a[i].r.score = b->score[i];
		b->a[i].r.v = b->v[i];
		b->a[i].r.vlen = b->vl[i];
		b->a[i].award = 100 * (int64_t)(1 + pick(8));
	}
}

/* Decisions of every application of b, application moved (when not
 * SIZE_MAX) given the scores sc, under the weights w (NULL: the call's),
 * from a whole new ranking and walk; *order and *m get the ranking. */
static void brute(const struct batch *b, size_t moved, const int64_t *sc,
		  const int64_t *w, enum score_decision *dec, size_t *order,
		  size_t *m)
{
	struct rank_app ra[MAXN] = { { NULL, 0, 0, NULL, NULL, NULL } };
	size_t idx[MAXN], ord[MAXN], i, r = 0;
	long reason[MAXN];
	int64_t award[MAXN], granted[MAXN], left;
	enum score_decision wd[MAXN];

	for (i = 0; i < b->n; i++) {
		struct rank_app x = b->a[i].r;

		dec[i] = SCORE_BELOW;
		if (i == moved)
			x.score = sc;
		if (!criteria_judge(&b->k, x.score, w, &x.total))
			continue;
		ra[r] = x;
		idx[r++] = i;
	}
	assert_int_equal(rank_order(&b->k, ra, r, ord, reason), 0);
	for (i = 0; i < r; i++)
		award[i] = b->a[idx[ord[i]]].award;
	envelope_walk(&b->k, award, r, wd, granted, &left);
	for (i = 0; i < r; i++) {
		dec[idx[ord[i]]] = wd[i];
		if (order != NULL)
			order[i] = idx[ord[i]];
	}
	if (m != NULL)
		*m = r;
}

/* 1 when the m2 applications at o2 are the m at o without moved, in the
 * same order. */
static int others_keep_order(const size_t *o, size_t m, const size_t *o2,
			     size_t m2, size_t moved)
{
	size_t i, j = 0;

	for (i = 0; i < m2; i++) {
		if (o2[i] == moved)
			continue;
		while (j < m && o[j] == moved)
			j++;
		if (j == m || o[j++] != o2[i])
			return 0;
	}
	return 1;
}

/* Random batches, with a coverage step in the chain when cov is 1: each
 * variant's decision against a new ranking and walk; with coverage, only
 * where that ranking keeps the others in their order (docs/scoring.md:
 * they keep it by definition). */
static void check_moves(int cov)
{
	struct batch b;
	struct sens_variant v[MAXV];
	int64_t vs[MAXV][NC];
	enum score_decision vdec[MAXV], dec[MAXN], got[MAXN];
	struct sens_result res[MAXN];
	size_t order[MAXN], o2[MAXN], m, m2, nv, i, j, c, round;
	size_t checked = 0, changed = 0;

	coverage = cov;
	for (round = 0; round < 1500; round++) {
		make_batch(&b);
		brute(&b, SIZE_MAX, NULL, NULL, dec, order, &m);
		for (i = 0; i < b.n; i++) {
			criteria_judge(&b.k, b.score[i], NULL, &b.a[i].r.total);
			b.a[i].dec = dec[i];
		}
		nv = 0;
		for (j = 0; j < m; j++)
			for (i = 0; i < 1 + pick(3) && nv < MAXV; i++, nv++) {
				for (c = 0; c < NC; c++)
					vs[nv][c] = 5000 * (int64_t)pick(1 + 10 * pick(2));
				v[nv].app = order[j];
				v[nv].score = vs[nv];
				v[nv].reviewer = "r";
				v[nv].len = 1;
			}
		assert_int_equal(sens_run(&b.k, b.a, b.n, order, m, v, nv, vdec,
					  res), 0);
		for (j = 0; j < nv; j++) {
			brute(&b, v[j].app, v[j].score, NULL, got, o2, &m2);
			if (!others_keep_order(order, m, o2, m2, v[j].app))
				continue;
			if (got[v[j].app] != vdec[j])
				fail_msg("round %zu, variant %zu of A%zu: %d, brute "
					 "force %d", round, j, v[j].app, vdec[j],
					 got[v[j].app]);
			checked++;
			changed += vdec[j] != dec[v[j].app];
		}
	}
	/* The batches are not all trivial. */
	assert_true(checked > 4000);
	assert_true(changed > 400);
}

static void moved_application_gets_what_a_new_ranking_gives(void **state)
{
	(void)state;
	check_moves(0);
}

static void with_coverage_the_others_keep_their_order(void **state)
{
	(void)state;
	check_moves(1);
}

static void weight_change_found_is_the_first_that_changes(void **state)
{
	struct batch b;
	enum score_decision dec[MAXN], got[MAXN];
	struct sens_result res[MAXN];
	size_t order[MAXN], m, i, round, found = 0;
	int64_t w[NC];
	int pct, sign;
	size_t c;

	(void)state;
	coverage = 1;
	for (round = 0; round < 150; round++) {
		make_batch(&b);
		brute(&b, SIZE_MAX, NULL, NULL, dec, order, &m);
		for (i = 0; i < b.n; i++) {
			criteria_judge(&b.k, b.score[i], NULL, &b.a[i].r.total);
			b.a[i].dec = dec[i];
		}
		assert_int_equal(sens_run(&b.k, b.a, b.n, order, m, NULL, 0, NULL,
					  res), 0);
		for (i = 0; i < b.n; i++) {
			int stop = 0;

			for (pct = 1; pct <= SENS_MAX_PERCENT && !stop; pct++)
				for (c = 0; c < NC && !stop; c++)
					for (sign = -1; sign <= 1 && !stop; sign += 2) {
						w[0] = b.items[0].weight;
						w[1] = b.items[1].weight;
						w[c] += sign * score_div_round(
							(score_wide)w[c] * pct, 100);
						brute(&b, SIZE_MAX, NULL, w, got, NULL, NULL);
						if (got[i] == dec[i])
							continue;
						stop = 1;
						if (dec[i] == SCORE_BELOW) {
							assert_int_equal(res[i].crit, -1);
							continue;
						}
						assert_int_equal(res[i].crit, (long)c);
						assert_int_equal(res[i].percent, sign * pct);
						assert_int_equal(res[i].wdec, got[i]);
						found++;
					}
			if (!stop)
				assert_int_equal(res[i].crit, -1);
		}
	}
	assert_true(found > 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(moved_application_gets_what_a_new_ranking_gives),
		cmocka_unit_test(with_coverage_the_others_keep_their_order),
		cmocka_unit_test(weight_change_found_is_the_first_that_changes),
	};

	return cmocka_run_group_tests_name("sensitivity", tests, NULL, NULL);
}
