/* test_flow.c - the exact assignment (assign/flow.c): the optimum where
 * a greedy choice misses it, barred pairs never used, loads kept and
 * evened, and the applications left short when no assignment exists. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "flow.h"

#define B FLOW_BARRED
#define S FLOW_SECTOR

static void solve(const int16_t *aff, const uint32_t *cap, size_t n,
		  size_t r, unsigned k, struct flow_result *res)
{
	struct flow_problem p = { n, r, aff, cap, k };

	assert_int_equal(flow_solve(&p, res), 0);
}

static void beats_the_greedy_choice(void **state)
{
	/* Application 0 taken first would get reviewer 0 (its best), leaving
	 * application 1 without a sector match; the optimum gives 0 reviewer
	 * 1 and 1 reviewer 0: two sector matches. */
	static const int16_t aff[] = { S + 1, S, S, 0 };
	static const uint32_t cap[] = { 1, 1 };
	struct flow_result res;

	(void)state;
	solve(aff, cap, 2, 2, 1, &res);
	assert_int_equal(res.uncovered, 0);
	assert_int_equal(res.rev[0], 1);
	assert_int_equal(res.rev[1], 0);
	flow_result_fini(&res);
}

static void never_uses_a_barred_pair_and_evens_the_loads(void **state)
{
	/* Four applications, two reviewers each, three reviewers of equal
	 * affinity but reviewer 2 barred from application 0: loads 3, 3, 2
	 * (sum of squares 22) rather than 4, 4, 0. */
	static const int16_t aff[] = {
		S, S, B,
		S, S, S,
		S, S, S,
		S, S, S,
	};
	static const uint32_t cap[] = { 4, 4, 4 };
	struct flow_result res;
	size_t a;
	unsigned i;

	(void)state;
	solve(aff, cap, 4, 3, 2, &res);
	assert_int_equal(res.uncovered, 0);
	for (a = 0; a < 4; a++) {
		assert_int_equal(res.got[a], 2);
		assert_true(res.rev[a * 2] < res.rev[a * 2 + 1]);
		for (i = 0; i < 2; i++)
			assert_true(aff[a * 3 + res.rev[a * 2 + i]] != B);
	}
	assert_int_equal(res.load[0] * res.load[0] + res.load[1] * res.load[1] +
			 res.load[2] * res.load[2], 22);
	flow_result_fini(&res);
}

static void keywords_count_after_sectors(void **state)
{
	/* One reviewer: a sector match without keywords beats keywords
	 * without the sector. */
	static const int16_t aff[] = { S, 7 };
	static const uint32_t cap[] = { 1, 1 };
	struct flow_result res;

	(void)state;
	solve(aff, cap, 1, 2, 1, &res);
	assert_int_equal(res.rev[0], 0);
	flow_result_fini(&res);
}

static void leaves_short_what_cannot_be_covered(void **state)
{
	/* Both applications can only have reviewer 0, whose load is 1. */
	static const int16_t aff[] = { S, B, S, B };
	static const uint32_t cap[] = { 1, 5 };
	struct flow_result res;

	(void)state;
	solve(aff, cap, 2, 2, 1, &res);
	assert_int_equal(res.uncovered, 1);
	assert_int_equal(res.got[0], 1);
	assert_int_equal(res.got[1], 0);
	assert_int_equal(res.load[0], 1);
	flow_result_fini(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(beats_the_greedy_choice),
		cmocka_unit_test(never_uses_a_barred_pair_and_evens_the_loads),
		cmocka_unit_test(keywords_count_after_sectors),
		cmocka_unit_test(leaves_short_what_cannot_be_covered),
	};

	return cmocka_run_group_tests_name("flow", tests, NULL, NULL);
}
