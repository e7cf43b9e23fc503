/* test_scdl.c - the SCDL file's share of the eligible cost, exact and
 * rounded half up, with its bounds; the dates and periods of the call's
 * settings. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include "call.h"
#include "scdl.h"

/* The share of award in cost (cents) as text, or "out" when refused. */
static const char *share(long long award, long long cost, char *buf)
{
	struct sbuf b;
	int rc;

	sbuf_init(&b);
	rc = scdl_share(award, cost, &b);
	assert_int_not_equal(rc, -1);
	if (rc == 1) {
		assert_int_equal(b.len, 0);
		memcpy(buf, "out", 4);
	} else {
		memcpy(buf, b.data, b.len);
		buf[b.len] = '\0';
	}
	sbuf_fini(&b);
	return buf;
}

static void share_rounds_half_up_with_four_decimals(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(share(7500000, 11000000, buf), "0.6818");
	assert_string_equal(share(1234500, 10000000, buf), "0.1235");
	assert_string_equal(share(1234499, 10000000, buf), "0.1234");
	assert_string_equal(share(100, 300, buf), "0.3333");
	assert_string_equal(share(200, 300, buf), "0.6667");
	assert_string_equal(share(1, 8, buf), "0.1250");
}

static void share_carries_into_the_units(void **state)
{
	char buf[32];

	(void)state;
	/* 0.99995 exactly: rounds up to 1. */
	assert_string_equal(share(19999, 20000, buf), "1.0000");
	assert_string_equal(share(99999, 100000, buf), "1.0000");
	assert_string_equal(share(5000, 5000, buf), "1.0000");
}

static void share_is_bounded_by_one_percent_and_one(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(share(100, 10000, buf), "0.0100");
	assert_string_equal(share(99, 10000, buf), "out");
	/* 1/101 is below 1 %, though it would round to 0.0099. */
	assert_string_equal(share(1, 101, buf), "out");
	/* 2/199 is above 1 % and rounds to 0.0101. */
	assert_string_equal(share(2, 199, buf), "0.0101");
	assert_string_equal(share(10001, 10000, buf), "out");
	assert_string_equal(share(0, 10000, buf), "out");
	assert_string_equal(share(1, 0, buf), "out");
	assert_string_equal(share(-1, 100, buf), "out");
	assert_string_equal(share(1, LLONG_MAX, buf), "out");
}

static void share_is_exact_for_the_largest_amounts(void **state)
{
	char buf[32];
	long long cost = LLONG_MAX / 10;

	(void)state;
	assert_string_equal(share(cost / 2, cost, buf), "0.5000");
	assert_string_equal(share(cost - 1, cost, buf), "1.0000");
}

static void dates_exist_and_periods_are_in_order(void **state)
{
	(void)state;
	assert_true(call_is_date("2024-02-29", 10));
	assert_false(call_is_date("2025-02-29", 10));
	assert_false(call_is_date("1900-02-29", 10));
	assert_true(call_is_date("2000-02-29", 10));
	assert_false(call_is_date("2025-04-31", 10));
	assert_false(call_is_date("2025-4-30", 9));
	assert_false(call_is_date("2025/04/30", 10));
	assert_true(call_is_period("2025-07-01", 10));
	assert_true(call_is_period("2025-07-01/2025-07-01", 21));
	assert_true(call_is_period("2025-07-01/2027-12-31", 21));
	assert_false(call_is_period("2025-07-01/2025-06-30", 21));
	assert_false(call_is_period("2025-07-01/", 11));
	assert_false(call_is_period("2025-07-01;2025-08-01", 21));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(share_rounds_half_up_with_four_decimals),
		cmocka_unit_test(share_carries_into_the_units),
		cmocka_unit_test(share_is_bounded_by_one_percent_and_one),
		cmocka_unit_test(share_is_exact_for_the_largest_amounts),
		cmocka_unit_test(dates_exist_and_periods_are_in_order),
	};

	return cmocka_run_group_tests_name("scdl", tests, NULL, NULL);
}
