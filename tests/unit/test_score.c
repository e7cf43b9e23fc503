/* test_score.c - the exact arithmetic of aap-score: combination of marks,
 * the rounding rule, the integer square root, normalisation, the award
 * caps and the envelope walk, and loading the sample call's tables. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "aap.h"
#include "call.h"
#include "diag.h"
#include "mem.h"
#include "score.h"

static void median_of_even_count_is_mean_of_middle_marks(void **state)
{
	/* Marks 3, 4, 2, 4: the median is 3.5, neither 3 nor 4. */
	const int64_t x[] = { 20000, 30000, 40000, 40000 };

	(void)state;
	assert_int_equal(marks_combine(CRITERIA_MEDIAN, x, 4), 35000);
	assert_int_equal(marks_combine(CRITERIA_MEAN, x, 4), 32500);
	assert_int_equal(marks_combine(CRITERIA_TRIMMED, x, 4), 35000);
}

static void median_of_odd_count_is_the_middle_mark(void **state)
{
	const int64_t x[] = { 10000, 35000, 50000 };

	(void)state;
	assert_int_equal(marks_combine(CRITERIA_MEDIAN, x, 3), 35000);
	assert_int_equal(marks_combine(CRITERIA_MEDIAN, x, 1), 10000);
}

static void trimmed_mean_drops_extremes_from_three_marks(void **state)
{
	const int64_t x[] = { 0, 30000, 35000, 50000 };
	const int64_t two[] = { 0, 50000 };

	(void)state;
	assert_int_equal(marks_combine(CRITERIA_TRIMMED, x, 4), 32500);
	assert_int_equal(marks_combine(CRITERIA_TRIMMED, x, 3), 30000);
	/* Fewer than 3 marks: nothing is dropped. */
	assert_int_equal(marks_combine(CRITERIA_TRIMMED, two, 2), 25000);
}

static void mean_rounds_half_away_from_zero_once(void **state)
{
	/* (3 + 3 + 3.5) / 3 = 3.16666... -> 3.1667. */
	const int64_t x[] = { 30000, 30000, 35000 };
	const int64_t y[] = { 0, 0, 10000 };

	(void)state;
	assert_int_equal(marks_combine(CRITERIA_MEAN, x, 3), 31667);
	assert_int_equal(marks_combine(CRITERIA_MEAN, y, 3), 3333);
	assert_int_equal(score_div_round(5, 2), 3);
	assert_int_equal(score_div_round(-5, 2), -3);
	assert_int_equal(score_div_round(4, 3), 1);
	assert_int_equal(score_div_round(-4, 3), -1);
}

static void integer_square_root_is_the_floor(void **state)
{
	score_wide big = (score_wide)3037000499LL * 3037000499LL;

	(void)state;
	assert_true(marks_isqrt(0) == 0);
	assert_true(marks_isqrt(1) == 1);
	assert_true(marks_isqrt(15) == 3);
	assert_true(marks_isqrt(16) == 4);
	assert_true(marks_isqrt(6000000000LL) == 77459);
	assert_true(marks_isqrt(big) == 3037000499LL);
	assert_true(marks_isqrt(big - 1) == 3037000498LL);
	assert_true(marks_isqrt(big * 1000000) > 0);
}

static struct criteria_item half_points(void)
{
	struct criteria_item it;

	memset(&it, 0, sizeof(it));
	it.min = 0;
	it.max = 50000;
	it.step = 5000;
	return it;
}

static void normalised_mark_is_rounded_to_the_step_and_clamped(void **state)
{
	struct criteria_item it = half_points();

	(void)state;
	assert_int_equal(marks_to_step(&it, 14187, 1), 15000);
	assert_int_equal(marks_to_step(&it, 12499, 1), 10000);
	assert_int_equal(marks_to_step(&it, 12500, 1), 15000);
	assert_int_equal(marks_to_step(&it, -3000, 1), 0);
	assert_int_equal(marks_to_step(&it, 61000, 1), 50000);
	assert_int_equal(marks_to_step(&it, 10, 3), 0);
	assert_true(criteria_on_scale(&it, 35000));
	assert_false(criteria_on_scale(&it, 32500));
	assert_false(criteria_on_scale(&it, 55000));
}

static void harsh_and_lenient_reviewers_are_normalised(void **state)
{
	/* The harsh reviewer gives 1, 2, 3 and the lenient one 3, 4, 5:
	 * m = 3, s = 1.2909, m_r = 2 or 4, s_r = 0.8164.  1 becomes
	 * 3 + 1.2909 * (1 - 2) / 0.8164 = 1.4188, i.e. 1.5 on the step. */
	struct criteria_item it = half_points();
	const int64_t raw[] = { 10000, 20000, 30000, 30000, 40000, 50000 };
	const int64_t want[] = { 15000, 30000, 45000, 15000, 30000, 45000 };
	unsigned char use[8] = { 1, 1, 1, 1, 1, 1, 1, 0 };
	struct marks mk;
	size_t i;

	(void)state;
	marks_init(&mk);
	assert_int_equal(sbuf_adds(&mk.text, "harshlenientshy"), 0);
	mk.m = mem_calloc(8, sizeof(*mk.m));
	assert_non_null(mk.m);
	mk.cap = 8;
	for (i = 0; i < 6; i++) {
		mk.m[i].app = (uint32_t)i;
		mk.m[i].raw = mk.m[i].value = raw[i];
		mk.m[i].roff = i < 3 ? 0 : 5;
		mk.m[i].rlen = i < 3 ? 5 : 7;
		mk.m[i].line = (uint32_t)(i + 2);
	}
	/* A reviewer with fewer than 3 marks is left as marked. */
	mk.m[6].app = 6;
	mk.m[6].raw = mk.m[6].value = 20000;
	mk.m[6].roff = 12;
	mk.m[6].rlen = 3;
	/* A mark on an application not scored counts for nothing. */
	mk.m[7].app = 7;
	mk.m[7].raw = mk.m[7].value = 0;
	mk.m[7].roff = 0;
	mk.m[7].rlen = 5;
	mk.n = 8;
	assert_int_equal(marks_normalise(&mk, &it, 0, use), 0);
	/* The shy reviewer's mark changes m and s slightly but stays. */
	assert_int_equal(mk.m[6].value, 20000);
	assert_int_equal(mk.m[7].value, 0);
	for (i = 0; i < 6; i++) {
		assert_int_equal(mk.m[i].raw, raw[i]);
		assert_int_equal(mk.m[i].value, want[i]);
	}
	marks_fini(&mk);
}

static void award_is_capped_and_rounded_down(void **state)
{
	(void)state;
	/* 45 % of 1234.57 is 555.5565: 555.55, never 555.56. */
	assert_int_equal(envelope_cap(100000, 123457, 0, 0, 450000), 55555);
	assert_int_equal(envelope_cap(30000000, 90000000, 1, 25000000, 450000),
			 25000000);
	assert_int_equal(envelope_cap(7500000, 11000000, 1, 25000000, 700000),
			 7500000);
	assert_int_equal(envelope_cap(7500000, 0, 0, 0, 1000000), 7500000);
}

static void walk(int stop, int partial, unsigned long reserve,
		 const int64_t *award, size_t n, enum score_decision *dec,
		 int64_t *granted, int64_t *left)
{
	struct criteria k;

	memset(&k, 0, sizeof(k));
	k.envelope = 100000;
	k.walk_stop = stop;
	k.partial = partial;
	k.reserve = reserve;
	envelope_walk(&k, award, n, dec, granted, left);
}

static void envelope_skip_takes_an_exact_fit(void **state)
{
	const int64_t award[] = { 80000, 30000, 20000, 10000 };
	enum score_decision dec[4];
	int64_t granted[4], left;

	(void)state;
	walk(0, 0, 1, award, 4, dec, granted, &left);
	assert_int_equal(dec[0], SCORE_FUNDED);
	assert_int_equal(dec[1], SCORE_RESERVE);
	assert_int_equal(dec[2], SCORE_FUNDED);
	assert_int_equal(dec[3], SCORE_NOT_FUNDED);
	assert_int_equal(granted[2], 20000);
	assert_int_equal(granted[1], 0);
	assert_int_equal(left, 0);
}

static void envelope_stop_ends_at_the_first_misfit(void **state)
{
	const int64_t award[] = { 80000, 30000, 20000 };
	enum score_decision dec[3];
	int64_t granted[3], left;

	(void)state;
	walk(1, 0, 0, award, 3, dec, granted, &left);
	assert_int_equal(dec[0], SCORE_FUNDED);
	assert_int_equal(dec[1], SCORE_NOT_FUNDED);
	assert_int_equal(dec[2], SCORE_NOT_FUNDED);
	assert_int_equal(left, 20000);
}

static void envelope_partial_gives_what_is_left_and_ends(void **state)
{
	const int64_t award[] = { 80000, 30000, 20000 };
	enum score_decision dec[3];
	int64_t granted[3], left;

	(void)state;
	walk(0, 1, 5, award, 3, dec, granted, &left);
	assert_int_equal(dec[1], SCORE_FUNDED);
	assert_int_equal(granted[1], 20000);
	assert_int_equal(dec[2], SCORE_RESERVE);
	assert_int_equal(granted[2], 0);
	assert_int_equal(left, 0);
}

static void sample_call_scoring_tables_load(void **state)
{
	struct call *c = NULL;
	struct criteria *k = NULL;
	struct diag err;
	int64_t pts;

	(void)state;
	diag_clear(&err);
	assert_int_equal(call_load("config/calls/sud-ia-2025", &c, &err), 0);
	assert_int_equal(criteria_load(c, &k, &err), 0);
	assert_int_equal(k->nitems, 5);
	assert_int_equal(k->items[1].weight, 15000);
	assert_int_equal(k->envelope, 60000000);
	assert_int_equal(k->tb[k->ntb - 1].kind, CRITERIA_TB_ID);
	assert_int_equal(criteria_band_points(&k->items[3], "5", 1, &pts), 0);
	assert_int_equal(pts, 30000);
	assert_int_equal(criteria_band_points(&k->items[3], "", 0, &pts), 1);
	assert_int_equal(pts, 0);
	assert_int_equal(criteria_band_points(&k->items[3], "x", 1, &pts), -1);
	assert_int_equal(criteria_band_points(&k->items[4], "Mer", 3, &pts), 0);
	assert_int_equal(pts, 20000);
	criteria_free(k);
	call_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(median_of_even_count_is_mean_of_middle_marks),
		cmocka_unit_test(median_of_odd_count_is_the_middle_mark),
		cmocka_unit_test(trimmed_mean_drops_extremes_from_three_marks),
		cmocka_unit_test(mean_rounds_half_away_from_zero_once),
		cmocka_unit_test(integer_square_root_is_the_floor),
		cmocka_unit_test(normalised_mark_is_rounded_to_the_step_and_clamped),
		cmocka_unit_test(harsh_and_lenient_reviewers_are_normalised),
		cmocka_unit_test(award_is_capped_and_rounded_down),
		cmocka_unit_test(envelope_skip_takes_an_exact_fit),
		cmocka_unit_test(envelope_stop_ends_at_the_first_misfit),
		cmocka_unit_test(envelope_partial_gives_what_is_left_and_ends),
		cmocka_unit_test(sample_call_scoring_tables_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
