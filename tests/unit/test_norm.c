/* Unit tests of lib/norm: tables of input -> normal form or status, for
 * every field type, the fixed-point helpers and the encoding helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "norm.h"

typedef enum norm_status (*norm_fn)(const char *, size_t, char *, size_t);

/* One case: input, expected status, expected normal form on NORM_OK. */
struct vcase {
	const char *in;
	enum norm_status st;
	const char *out;
};

#define OK(i, o) { (i), NORM_OK, (o) }
#define KO(i, s) { (i), (s), "" }
#define NCASES(t) (sizeof (t) / sizeof (t)[0])

/* Heap copy of s without its NUL and of exactly n bytes, so that the
 * sanitizer catches any read past n. */
static char *exact_copy(const char *s, size_t n)
{
	char *p = malloc(n > 0 ? n : 1);

	assert_non_null(p);
	if (n > 0)
		memcpy(p, s, n);
	return p;
}

/* Every cap too small for want_len bytes and the NUL gives NORM_TOO_LONG
 * and "" (nothing at all when cap is 0), never a write past cap. */
static void check_short_caps(const char *name, norm_fn fn, const char *in,
		size_t n, size_t want_len)
{
	enum norm_status st;
	size_t cap;
	char *out;

	for (cap = 0; cap <= want_len; cap++) {
		out = malloc(cap > 0 ? cap : 1);
		assert_non_null(out);
		out[0] = 'x';
		st = fn(in, n, out, cap);
		if (st != NORM_TOO_LONG || out[0] != (cap > 0 ? '\0' : 'x'))
			fail_msg("%s: cap %zu: got %s", name, cap,
					norm_status_code(st));
		free(out);
	}
}

/* Run a table; with idempotent, each normal form must normalise to
 * itself. */
static void run_cases(const char *name, norm_fn fn, const struct vcase *c,
		size_t nc, int idempotent)
{
	enum norm_status st;
	char out[256], again[256];
	size_t i, n;
	char *in;

	for (i = 0; i < nc; i++) {
		n = strlen(c[i].in);
		in = exact_copy(c[i].in, n);
		st = fn(in, n, out, sizeof out);
		if (st != c[i].st ||
				strcmp(out, st == NORM_OK ? c[i].out : "") != 0)
			fail_msg("%s(\"%s\"): got %s \"%s\", want %s \"%s\"",
					name, c[i].in, norm_status_code(st),
					out, norm_status_code(c[i].st),
					c[i].out);
		if (st == NORM_OK) {
			check_short_caps(name, fn, in, n, strlen(out));
			if (idempotent && (fn(out, strlen(out), again,
					sizeof again) != NORM_OK ||
					strcmp(out, again) != 0))
				fail_msg("%s(\"%s\"): not idempotent", name,
						out);
		}
		free(in);
	}
}

#define RUN(fn, t) run_cases(#fn, fn, t, NCASES(t), 1)

/* ---- trim and text ------------------------------------------------------ */

static void trim_removes_ascii_and_unicode_spaces(void **state)
{
	const char *s = " \t\r\n\xC2\xA0\xE2\x80\xAF\xE2\x80\x89" "abc"
		"\xE2\x80\x89\xE2\x80\xAF\xC2\xA0\n\r\t ";
	size_t len;
	const char *t = norm_trim(s, strlen(s), &len);

	(void)state;
	assert_int_equal(len, 3);
	assert_memory_equal(t, "abc", 3);
}

static void trim_keeps_inner_spaces_and_other_characters(void **state)
{
	static const struct {
		const char *in, *want;
	} c[] = {
		{ " a b ", "a b" },
		{ "\xC2\xA0" "a\xC2\xA0" "b\xE2\x80\xAF", "a\xC2\xA0" "b" },
		{ "\xC3\xA9t\xC3\xA9", "\xC3\xA9t\xC3\xA9" },
		{ "\xA0x\xA0", "\xA0x\xA0" },         /* a lone byte is no NBSP */
		{ "\xE2\x80\x8B" "a", "\xE2\x80\x8B" "a" }, /* zero width space */
		{ "\v a", "\v a" },
	};
	size_t i, len;
	const char *t;

	(void)state;
	for (i = 0; i < NCASES(c); i++) {
		t = norm_trim(c[i].in, strlen(c[i].in), &len);
		assert_int_equal(len, strlen(c[i].want));
		assert_memory_equal(t, c[i].want, len);
	}
}

static void trim_of_white_space_only_is_empty(void **state)
{
	size_t len = 99;

	(void)state;
	norm_trim(" \xE2\x80\x89\t", 5, &len);
	assert_int_equal(len, 0);
	norm_trim(NULL, 0, &len);
	assert_int_equal(len, 0);
}

static void text_trims_only(void **state)
{
	static const struct vcase c[] = {
		OK("  Bonjour  le monde\xC2\xA0", "Bonjour  le monde"),
		OK("\tCr\xC3\xA9" "dit imp\xC3\xB4t\r\n",
				"Cr\xC3\xA9" "dit imp\xC3\xB4t"),
		OK("1 234,56", "1 234,56"),
		OK("a\nb", "a\nb"),
		KO("  ", NORM_EMPTY),
		KO("Cr\xE9" "dit", NORM_BAD_ENCODING),
		KO("\xED\xA0\x80", NORM_BAD_ENCODING),
	};

	(void)state;
	RUN(norm_text, c);
}

/* ---- money -------------------------------------------------------------- */

static const struct vcase money_ok[] = {
	OK("1 234,56 \xE2\x82\xAC", "1234.56"),
	OK("1 234,56", "1234.56"),
	OK("1234,56", "1234.56"),
	OK("1234.56", "1234.56"),
	OK("-12,5", "-12.50"),
	OK("1 234 567,8", "1234567.80"),
	OK("12", "12.00"),
	OK("12,0", "12.00"),
	OK("0,5", "0.50"),
	OK("007", "7.00"),
	OK("-0,00", "0.00"),
	OK("0", "0.00"),
	OK("+12,5", "12.50"),
	OK("\xE2\x88\x92" "12,5", "-12.50"),
	OK("12,5000", "12.50"),
	OK("0,230", "0.23"),
	OK("1 234.50", "1234.50"),
	OK("1.234,56", "1234.56"),
	OK("1,234.56", "1234.56"),
	OK("1.234.567,89", "1234567.89"),
	OK("1,234,567.89", "1234567.89"),
	OK("1.234.567", "1234567.00"),
	OK("123 456 789 012 345", "123456789012345.00"),
	OK("000000000000000000001", "1.00"),
};

static void money_accepts_french_and_english_spellings(void **state)
{
	(void)state;
	RUN(norm_money, money_ok);
}

static void money_accepts_narrow_nbsp_thousands(void **state)
{
	static const struct vcase c[] = {
		OK("1\xE2\x80\xAF" "234,56", "1234.56"),
		OK("1\xE2\x80\xAF" "234\xE2\x80\xAF" "567,89\xE2\x80\xAF"
				"\xE2\x82\xAC", "1234567.89"),
	};

	(void)state;
	RUN(norm_money, c);
}

static void money_accepts_nbsp_and_thin_space_thousands(void **state)
{
	static const struct vcase c[] = {
		OK("1\xC2\xA0" "234,56\xC2\xA0\xE2\x82\xAC", "1234.56"),
		OK("1\xE2\x80\x89" "234,56", "1234.56"),
		OK("\xC2\xA0 12,30 \xE2\x82\xAC\xC2\xA0", "12.30"),
	};

	(void)state;
	RUN(norm_money, c);
}

static void money_accepts_one_currency_before_or_after(void **state)
{
	static const struct vcase c[] = {
		OK("\xE2\x82\xAC" "1 234,56", "1234.56"),
		OK("\xE2\x82\xAC 12", "12.00"),
		OK("12\xE2\x82\xAC", "12.00"),
		OK("EUR 12", "12.00"),
		OK("12 EUR", "12.00"),
		OK("12 eur", "12.00"),
		OK("Eur12,5", "12.50"),
		OK("\xE2\x82\xAC -12", "-12.00"),
		OK("-12 \xE2\x82\xAC", "-12.00"),
		KO("\xE2\x82\xAC" "12\xE2\x82\xAC", NORM_BAD_NUMBER),
		KO("EUR 12 EUR", NORM_BAD_NUMBER),
		KO("\xE2\x82\xAC", NORM_BAD_NUMBER),
		KO("-\xE2\x82\xAC" "12", NORM_BAD_NUMBER),
		KO("12 euros", NORM_BAD_NUMBER),
		KO("12 k\xE2\x82\xAC", NORM_BAD_NUMBER),
		KO("$12", NORM_BAD_NUMBER),
	};

	(void)state;
	RUN(norm_money, c);
}

static void money_never_rounds_a_third_decimal(void **state)
{
	static const struct vcase c[] = {
		KO("12,345", NORM_AMBIGUOUS),
		KO("0,234", NORM_TOO_PRECISE),
		KO("1234,567", NORM_TOO_PRECISE),
		KO("1 234,567", NORM_TOO_PRECISE),
		KO("12,3456", NORM_TOO_PRECISE),
		KO("-0,001", NORM_TOO_PRECISE),
		KO("0,0000000001", NORM_TOO_PRECISE),
		OK("0,10000000000000000000", "0.10"),
	};

	(void)state;
	RUN(norm_money, c);
}

static void money_reports_single_separator_with_three_digits_as_ambiguous(
		void **state)
{
	static const struct vcase c[] = {
		KO("1.234", NORM_AMBIGUOUS),
		KO("1,234", NORM_AMBIGUOUS),
		KO("12.345", NORM_AMBIGUOUS),
		KO("123,456", NORM_AMBIGUOUS),
		KO("12,500", NORM_AMBIGUOUS),
		KO("-1,234 \xE2\x82\xAC", NORM_AMBIGUOUS),
	};

	(void)state;
	RUN(norm_money, c);
}

static void money_rejects_malformed_or_mixed_grouping(void **state)
{
	static const struct vcase c[] = {
		KO("1 23,4", NORM_BAD_NUMBER),
		KO("1.23.4", NORM_BAD_NUMBER),
		KO("12 34", NORM_BAD_NUMBER),
		KO("1234 567", NORM_BAD_NUMBER),
		KO("01 234", NORM_BAD_NUMBER),
		KO("1  234", NORM_BAD_NUMBER),
		KO("1 234.567,89", NORM_BAD_NUMBER),
		KO("1.234 567", NORM_BAD_NUMBER),
		KO("1,234.567.8", NORM_BAD_NUMBER),
		KO("1.234.56", NORM_BAD_NUMBER),
		KO("1\t234", NORM_BAD_NUMBER),
		KO("1'234", NORM_BAD_NUMBER),
	};

	(void)state;
	RUN(norm_money, c);
}

static void money_rejects_what_is_not_a_number(void **state)
{
	static const struct vcase c[] = {
		KO("1,", NORM_BAD_NUMBER),
		KO(",5", NORM_BAD_NUMBER),
		KO(".5", NORM_BAD_NUMBER),
		KO("1,,5", NORM_BAD_NUMBER),
		KO("-", NORM_BAD_NUMBER),
		KO("+-1", NORM_BAD_NUMBER),
		KO("- 12", NORM_BAD_NUMBER),
		KO("(12)", NORM_BAD_NUMBER),
		KO("abc", NORM_BAD_NUMBER),
		KO("12abc", NORM_BAD_NUMBER),
		KO("0x1F", NORM_BAD_NUMBER),
		KO("1,2E", NORM_BAD_NUMBER),
		KO("E5", NORM_BAD_NUMBER),
		KO("1 E5", NORM_BAD_NUMBER),
		KO("N/A", NORM_BAD_NUMBER),
	};

	(void)state;
	RUN(norm_money, c);
}

static void money_reports_scientific_notation(void **state)
{
	static const struct vcase c[] = {
		KO("1,23457E+13", NORM_SCIENTIFIC),
		KO("1.23457E+13", NORM_SCIENTIFIC),
		KO("1E5", NORM_SCIENTIFIC),
		KO("1.5e-3", NORM_SCIENTIFIC),
		KO("-2,5E+06 \xE2\x82\xAC", NORM_SCIENTIFIC),
	};

	(void)state;
	RUN(norm_money, c);
}

static void money_rejects_more_than_15_integer_digits(void **state)
{
	static const struct vcase c[] = {
		OK("999 999 999 999 999,99", "999999999999999.99"),
		KO("1 234 567 890 123 456", NORM_OUT_OF_RANGE),
		KO("1234567890123456", NORM_OUT_OF_RANGE),
	};

	(void)state;
	RUN(norm_money, c);
}

static void money_normal_form_round_trips_through_fixed_point(void **state)
{
	char out[64], back[64];
	int64_t v;
	size_t i;

	(void)state;
	for (i = 0; i < NCASES(money_ok); i++) {
		assert_int_equal(norm_money(money_ok[i].in,
				strlen(money_ok[i].in), out, sizeof out),
				NORM_OK);
		assert_int_equal(norm_parse_fixed(out, strlen(out), 2, &v),
				NORM_OK);
		assert_int_equal(norm_format_fixed(v, 2, back, sizeof back),
				NORM_OK);
		assert_string_equal(back, out);
	}
}

/* ---- decimal and integer ------------------------------------------------ */

static void decimal_strips_trailing_zeros_and_keeps_the_rest(void **state)
{
	static const struct vcase c[] = {
		OK("1234.56", "1234.56"),
		OK("12,50", "12.5"),
		OK("1,0", "1"),
		OK("0,000", "0"),
		OK("0,234", "0.234"),
		OK("0.234", "0.234"),
		OK("1234,567", "1234.567"),
		OK("1 234,567", "1234.567"),
		OK("1.234,5678", "1234.5678"),
		OK("-0,5", "-0.5"),
		OK("-0", "0"),
		OK("+3", "3"),
		OK("123456789,123456789", "123456789.123456789"),
		OK("0,1234567890000", "0.123456789"),
		OK("1.234.567", "1234567"),
		OK("1,234,567", "1234567"),
		OK("999999999999999", "999999999999999"),
	};

	(void)state;
	run_cases("norm_decimal", norm_decimal, c, NCASES(c), 0);
}

static void decimal_rejects_currency_ambiguity_and_excess(void **state)
{
	static const struct vcase c[] = {
		KO("1.234", NORM_AMBIGUOUS),
		KO("1,234", NORM_AMBIGUOUS),
		KO("12.345", NORM_AMBIGUOUS),
		KO("\xE2\x82\xAC 12", NORM_BAD_NUMBER),
		KO("12 EUR", NORM_BAD_NUMBER),
		KO("1 234,56 \xE2\x82\xAC", NORM_BAD_NUMBER),
		KO("12 %", NORM_BAD_NUMBER),
		KO("0,1234567891", NORM_TOO_PRECISE),
		KO("1234567890123456", NORM_OUT_OF_RANGE),
		KO("1,5E3", NORM_SCIENTIFIC),
		KO("", NORM_EMPTY),
	};

	(void)state;
	RUN(norm_decimal, c);
}

static void decimal_with_three_decimals_does_not_read_back(void **state)
{
	char out[32], again[32];

	/* The normal form is for norm_parse_fixed, not for a second pass. */
	(void)state;
	assert_int_equal(norm_decimal("1,2340", 6, out, sizeof out), NORM_OK);
	assert_string_equal(out, "1.234");
	assert_int_equal(norm_decimal(out, strlen(out), again, sizeof again),
			NORM_AMBIGUOUS);
}

static void integer_accepts_grouped_digits(void **state)
{
	static const struct vcase c[] = {
		OK("12", "12"),
		OK("1 234", "1234"),
		OK("1\xE2\x80\xAF" "234", "1234"),
		OK("1\xC2\xA0" "234\xC2\xA0" "567", "1234567"),
		OK("-5", "-5"),
		OK("+5", "5"),
		OK("-0", "0"),
		OK("0012", "12"),
		OK("1.234.567", "1234567"),
		OK("999999999999999", "999999999999999"),
	};

	(void)state;
	RUN(norm_integer, c);
}

static void integer_rejects_any_decimal_mark(void **state)
{
	static const struct vcase c[] = {
		KO("12,0", NORM_BAD_NUMBER),
		KO("12.5", NORM_BAD_NUMBER),
		KO("0,5", NORM_BAD_NUMBER),
		KO("1.234,0", NORM_BAD_NUMBER),
		KO("1 234,56", NORM_BAD_NUMBER),
		KO("1,234.56", NORM_BAD_NUMBER),
		KO("1.234", NORM_AMBIGUOUS),
		KO("12,000", NORM_AMBIGUOUS),
		KO("1,5E3", NORM_SCIENTIFIC),
		KO("1234567890123456", NORM_OUT_OF_RANGE),
		KO("12 \xE2\x82\xAC", NORM_BAD_NUMBER),
	};

	(void)state;
	RUN(norm_integer, c);
}

/* ---- rate --------------------------------------------------------------- */

static void rate_divides_percent_by_100_exactly(void **state)
{
	static const struct vcase c[] = {
		OK("45 %", "0.45"),
		OK("45%", "0.45"),
		OK("45,5 %", "0.455"),
		OK("45\xC2\xA0%", "0.45"),
		OK("45\xE2\x80\xAF%", "0.45"),
		OK("100 %", "1"),
		OK("100,00%", "1"),
		OK("0 %", "0"),
		OK("-0 %", "0"),
		OK("5 %", "0.05"),
		OK("50 %", "0.5"),
		OK("0,5 %", "0.005"),
		OK("12,3456 %", "0.123456"),
		OK("007 %", "0.07"),
	};

	(void)state;
	RUN(norm_rate, c);
}

static void rate_accepts_a_bare_fraction(void **state)
{
	static const struct vcase c[] = {
		OK("0,45", "0.45"),
		OK("0.45", "0.45"),
		OK("0,5", "0.5"),
		OK("0.500", "0.5"),
		OK("1", "1"),
		OK("1,0", "1"),
		OK("0", "0"),
		OK("0,123456", "0.123456"),
	};

	(void)state;
	RUN(norm_rate, c);
}

static void rate_reports_bare_number_above_one_as_ambiguous(void **state)
{
	static const struct vcase c[] = {
		KO("45", NORM_AMBIGUOUS),
		KO("1,5", NORM_AMBIGUOUS),
		KO("1,01", NORM_AMBIGUOUS),
		KO("100", NORM_AMBIGUOUS),
		KO("1,234 %", NORM_AMBIGUOUS),
	};

	(void)state;
	RUN(norm_rate, c);
}

static void rate_rejects_negatives_and_more_than_100_percent(void **state)
{
	static const struct vcase c[] = {
		KO("101 %", NORM_OUT_OF_RANGE),
		KO("100,5 %", NORM_OUT_OF_RANGE),
		KO("-5 %", NORM_OUT_OF_RANGE),
		KO("-0,1", NORM_OUT_OF_RANGE),
		KO("150", NORM_OUT_OF_RANGE),
		KO("100,01", NORM_OUT_OF_RANGE),
	};

	(void)state;
	RUN(norm_rate, c);
}

static void rate_rejects_more_than_six_decimals(void **state)
{
	static const struct vcase c[] = {
		KO("12,34567 %", NORM_TOO_PRECISE),
		KO("0,1234567", NORM_TOO_PRECISE),
		OK("0,12345600", "0.123456"),
	};

	(void)state;
	RUN(norm_rate, c);
}

static void rate_rejects_other_signs_and_words(void **state)
{
	static const struct vcase c[] = {
		KO("%", NORM_BAD_NUMBER),
		KO("45 %%", NORM_BAD_NUMBER),
		KO("% 45", NORM_BAD_NUMBER),
		KO("abc %", NORM_BAD_NUMBER),
		KO("45 pour cent", NORM_BAD_NUMBER),
		KO("0,45 \xE2\x82\xAC", NORM_BAD_NUMBER),
		KO(" ", NORM_EMPTY),
	};

	(void)state;
	RUN(norm_rate, c);
}

/* ---- dates -------------------------------------------------------------- */

static void date_accepts_french_and_iso_forms(void **state)
{
	static const struct vcase c[] = {
		OK("15/01/2025", "2025-01-15"),
		OK("15/1/2025", "2025-01-15"),
		OK("5/1/2025", "2025-01-05"),
		OK("05/01/2025", "2025-01-05"),
		OK("2025-01-15", "2025-01-15"),
		OK(" 2025-01-15\xC2\xA0", "2025-01-15"),
		OK("0001-01-01", "0001-01-01"),
		OK("31/12/9999", "9999-12-31"),
	};

	(void)state;
	RUN(norm_date, c);
}

static void date_checks_the_calendar(void **state)
{
	static const struct vcase c[] = {
		OK("29/02/2024", "2024-02-29"),
		OK("29/02/2000", "2000-02-29"),
		KO("29/02/2025", NORM_BAD_DATE),
		KO("29/02/1900", NORM_BAD_DATE),
		KO("2025-02-30", NORM_BAD_DATE),
		OK("30/04/2025", "2025-04-30"),
		KO("31/04/2025", NORM_BAD_DATE),
		KO("31/06/2025", NORM_BAD_DATE),
		KO("31/09/2025", NORM_BAD_DATE),
		KO("31/11/2025", NORM_BAD_DATE),
		OK("31/12/2025", "2025-12-31"),
		KO("32/01/2025", NORM_BAD_DATE),
		KO("00/01/2025", NORM_BAD_DATE),
		KO("15/13/2025", NORM_BAD_DATE),
		KO("15/00/2025", NORM_BAD_DATE),
		KO("0000-01-01", NORM_BAD_DATE),
	};

	(void)state;
	RUN(norm_date, c);
}

static void date_rejects_two_digit_years_and_other_forms(void **state)
{
	static const struct vcase c[] = {
		KO("15/01/25", NORM_BAD_DATE),
		KO("25-01-15", NORM_BAD_DATE),
		KO("15/01/20250", NORM_BAD_DATE),
		KO("015/01/2025", NORM_BAD_DATE),
		KO("2025-1-15", NORM_BAD_DATE),
		KO("2025/01/15", NORM_BAD_DATE),
		KO("15-01-2025", NORM_BAD_DATE),
		KO("15.01.2025", NORM_BAD_DATE),
		KO("15/01/2025 14:52", NORM_BAD_DATE),
		KO("2025-01-15T00:00:00", NORM_BAD_DATE),
		KO("45672", NORM_BAD_DATE),
		KO("15 janvier 2025", NORM_BAD_DATE),
		KO("", NORM_EMPTY),
	};

	(void)state;
	RUN(norm_date, c);
}

static void datetime_accepts_demarches_simplifiees_and_iso_forms(
		void **state)
{
	static const struct vcase c[] = {
		OK("2024-01-15 14:52:35 +0100", "2024-01-15T14:52:35+01:00"),
		OK("2024-01-15T14:52:35+01:00", "2024-01-15T14:52:35+01:00"),
		OK("2024-01-15 14:52:35+0100", "2024-01-15T14:52:35+01:00"),
		OK("2024-01-15T14:52:35 +01:00", "2024-01-15T14:52:35+01:00"),
		OK("2024-01-15T14:52:35+05", "2024-01-15T14:52:35+05:00"),
		OK("2024-06-15 14:52:35 -0430", "2024-06-15T14:52:35-04:30"),
		OK("2024-06-15 00:00:00 +1400", "2024-06-15T00:00:00+14:00"),
		OK("2024-06-15 23:59:59 -1400", "2024-06-15T23:59:59-14:00"),
	};

	(void)state;
	RUN(norm_datetime, c);
}

static void datetime_without_offset_is_kept_without_offset(void **state)
{
	static const struct vcase c[] = {
		OK("2024-01-15 14:52:35", "2024-01-15T14:52:35"),
		OK("2024-01-15T14:52", "2024-01-15T14:52:00"),
		OK("15/01/2025 14:52", "2025-01-15T14:52:00"),
		OK("15/01/2025 9:05", "2025-01-15T09:05:00"),
		OK("5/1/2025 14:52:35", "2025-01-05T14:52:35"),
	};

	(void)state;
	RUN(norm_datetime, c);
}

static void datetime_writes_z_as_plus_zero_offset(void **state)
{
	static const struct vcase c[] = {
		OK("2024-01-15T14:52:35Z", "2024-01-15T14:52:35+00:00"),
		OK("2024-01-15 14:52:35 Z", "2024-01-15T14:52:35+00:00"),
		OK("2024-01-15T14:52:35-00:00", "2024-01-15T14:52:35-00:00"),
	};

	(void)state;
	RUN(norm_datetime, c);
}

static void datetime_rejects_impossible_or_malformed_values(void **state)
{
	static const struct vcase c[] = {
		KO("2024-01-15", NORM_BAD_DATETIME),
		KO("2024-02-30 10:00", NORM_BAD_DATETIME),
		KO("15/01/25 14:52", NORM_BAD_DATETIME),
		KO("2024-01-15 24:00:00", NORM_BAD_DATETIME),
		KO("2024-01-15 14:60", NORM_BAD_DATETIME),
		KO("2024-01-15 14:52:60", NORM_BAD_DATETIME),
		KO("2024-01-15 14:5", NORM_BAD_DATETIME),
		KO("2024-01-15 14", NORM_BAD_DATETIME),
		KO("2024-01-15 114:52", NORM_BAD_DATETIME),
		KO("2024-01-15  14:52", NORM_BAD_DATETIME),
		KO("2024-01-15t14:52", NORM_BAD_DATETIME),
		KO("2024-01-15 14:52:35.123", NORM_BAD_DATETIME),
		KO("2024-01-15 14:52:35 +1", NORM_BAD_DATETIME),
		KO("2024-01-15 14:52:35 +01:0", NORM_BAD_DATETIME),
		KO("2024-01-15 14:52:35 +01:60", NORM_BAD_DATETIME),
		KO("2024-01-15 14:52:35 +1401", NORM_BAD_DATETIME),
		KO("2024-01-15 14:52:35 +01:00x", NORM_BAD_DATETIME),
		KO("2024-01-15 14:52:35 CET", NORM_BAD_DATETIME),
		KO("2024-01-15 14:52:35  +0100", NORM_BAD_DATETIME),
		KO("2024-01-15 14:52:35z", NORM_BAD_DATETIME),
		KO("\t", NORM_EMPTY),
	};

	(void)state;
	RUN(norm_datetime, c);
}

/* ---- boolean, list ------------------------------------------------------ */

static void boolean_accepts_french_and_english_words_in_any_case(
		void **state)
{
	static const struct vcase c[] = {
		OK("oui", "yes"), OK("Oui", "yes"), OK("OUI", "yes"),
		OK("non", "no"), OK("Non", "no"), OK("NON", "no"),
		OK("yes", "yes"), OK("No", "no"),
		OK("true", "yes"), OK("FALSE", "no"),
		OK("vrai", "yes"), OK("VRAI", "yes"), OK("Faux", "no"),
		OK("1", "yes"), OK("0", "no"),
		OK(" oui\xC2\xA0", "yes"),
	};

	(void)state;
	RUN(norm_boolean, c);
}

static void boolean_rejects_other_words(void **state)
{
	static const struct vcase c[] = {
		KO("o", NORM_BAD_BOOLEAN), KO("n", NORM_BAD_BOOLEAN),
		KO("y", NORM_BAD_BOOLEAN), KO("ouii", NORM_BAD_BOOLEAN),
		KO("2", NORM_BAD_BOOLEAN), KO("01", NORM_BAD_BOOLEAN),
		KO("on", NORM_BAD_BOOLEAN), KO("oui non", NORM_BAD_BOOLEAN),
		KO("O\xC3\xBA", NORM_BAD_BOOLEAN),
		KO("", NORM_EMPTY),
	};

	(void)state;
	RUN(norm_boolean, c);
}

/* The separators of a Démarches Simplifiées multiple choice export. */
static enum norm_status list_comma_semicolon(const char *in, size_t n,
		char *out, size_t cap)
{
	return norm_list(in, n, ",;", out, cap);
}

static enum norm_status list_pipe(const char *in, size_t n, char *out,
		size_t cap)
{
	return norm_list(in, n, "|", out, cap);
}

static void list_sorts_dedups_and_joins_with_pipe(void **state)
{
	static const struct vcase c[] = {
		OK("France, Italie, Espagne", "Espagne|France|Italie"),
		OK("b;a;b", "a|b"),
		OK(" a , , b ;", "a|b"),
		OK("a", "a"),
		OK("a, a, a", "a"),
		OK("\xC3\x89nergie, Eau", "Eau|\xC3\x89nergie"),
		OK("b, a b, a", "a|a b|b"),
		OK("ab,a", "a|ab"),
		OK("b,B,a", "B|a|b"),
		OK("x\xC2\xA0, \xE2\x80\xAFy", "x|y"),
		OK("Recherche et d\xC3\xA9veloppement; Formation",
				"Formation|Recherche et d\xC3\xA9veloppement"),
	};

	(void)state;
	run_cases("norm_list", list_comma_semicolon, c, NCASES(c), 0);
}

static void list_rejects_items_containing_pipe(void **state)
{
	static const struct vcase c[] = {
		KO("a|b, c", NORM_BAD_LIST),
		KO("a, |", NORM_BAD_LIST),
		KO(" , ; ", NORM_EMPTY),
		KO(",", NORM_EMPTY),
		KO("", NORM_EMPTY),
		KO("a,\xFF", NORM_BAD_ENCODING),
	};

	(void)state;
	run_cases("norm_list", list_comma_semicolon, c, NCASES(c), 0);
}

static void list_normal_form_is_stable_with_pipe_separator(void **state)
{
	static const struct vcase c[] = {
		OK("c|a|b|a", "a|b|c"),
		OK("a b|a", "a|a b"),
	};

	(void)state;
	RUN(list_pipe, c);
}

static void list_rejects_unusable_separators(void **state)
{
	char out[16];

	(void)state;
	assert_int_equal(norm_list("a,b", 3, NULL, out, sizeof out),
			NORM_BAD_ARGUMENT);
	assert_int_equal(norm_list("a,b", 3, "", out, sizeof out),
			NORM_BAD_ARGUMENT);
	assert_int_equal(norm_list("a,b", 3, "\xC2\xA0", out, sizeof out),
			NORM_BAD_ARGUMENT);
	assert_string_equal(out, "");
}

/* ---- all normalisers ---------------------------------------------------- */

static const struct {
	const char *name;
	norm_fn fn;
} all_fns[] = {
	{ "text", norm_text }, { "money", norm_money },
	{ "decimal", norm_decimal }, { "integer", norm_integer },
	{ "rate", norm_rate }, { "date", norm_date },
	{ "datetime", norm_datetime }, { "boolean", norm_boolean },
	{ "list", list_comma_semicolon },
};

static void every_normaliser_reports_empty_after_trim(void **state)
{
	static const char *const blanks[] = {
		"", " ", "\t\r\n", "\xC2\xA0", "\xE2\x80\xAF \xE2\x80\x89",
	};
	char out[8];
	size_t i, j;

	(void)state;
	for (i = 0; i < NCASES(all_fns); i++) {
		for (j = 0; j < NCASES(blanks); j++) {
			out[0] = 'x';
			if (all_fns[i].fn(blanks[j], strlen(blanks[j]), out,
					sizeof out) != NORM_EMPTY ||
					out[0] != '\0')
				fail_msg("%s: blank %zu is not empty",
						all_fns[i].name, j);
		}
	}
}

static void every_normaliser_reads_only_n_bytes(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(norm_money("12,5xyz", 4, out, sizeof out), NORM_OK);
	assert_string_equal(out, "12.50");
	assert_int_equal(norm_rate("45 %%", 4, out, sizeof out), NORM_OK);
	assert_string_equal(out, "0.45");
	assert_int_equal(norm_date("15/01/20251", 10, out, sizeof out),
			NORM_OK);
	assert_string_equal(out, "2025-01-15");
	assert_int_equal(norm_boolean("nonsense", 3, out, sizeof out),
			NORM_OK);
	assert_string_equal(out, "no");
	assert_int_equal(norm_text(" ab ", 2, out, sizeof out), NORM_OK);
	assert_string_equal(out, "a");
	assert_int_equal(norm_integer("12\xC2\xA0", 3, out, sizeof out),
			NORM_BAD_NUMBER);
}

static void status_codes_are_distinct_snake_case(void **state)
{
	const char *code[NORM_BAD_ARGUMENT + 1];
	size_t i, j;
	const char *p;

	(void)state;
	for (i = 0; i <= NORM_BAD_ARGUMENT; i++) {
		code[i] = norm_status_code((enum norm_status)i);
		assert_non_null(code[i]);
		assert_true(code[i][0] != '\0');
		for (p = code[i]; *p != '\0'; p++)
			assert_true((*p >= 'a' && *p <= 'z') || *p == '_');
		for (j = 0; j < i; j++)
			assert_string_not_equal(code[i], code[j]);
	}
	assert_string_equal(norm_status_code(NORM_OK), "ok");
	assert_string_equal(norm_status_code(NORM_BAD_NUMBER), "bad_number");
	assert_string_equal(norm_status_code(NORM_AMBIGUOUS),
			"ambiguous_number");
	assert_string_equal(norm_status_code(NORM_SCIENTIFIC),
			"scientific_notation");
	assert_string_equal(norm_status_code((enum norm_status)99),
			"unknown_status");
}

/* ---- fixed point -------------------------------------------------------- */

struct fixed_case {
	const char *in;
	unsigned scale;
	enum norm_status st;
	int64_t v;
};

static void parse_fixed_scales_exactly_or_refuses(void **state)
{
	static const struct fixed_case c[] = {
		{ "1234.56", 2, NORM_OK, 123456 },
		{ "1234", 2, NORM_OK, 123400 },
		{ "-12.5", 2, NORM_OK, -1250 },
		{ "0", 2, NORM_OK, 0 },
		{ "-0", 2, NORM_OK, 0 },
		{ "007", 0, NORM_OK, 7 },
		{ "0.000001", 6, NORM_OK, 1 },
		{ "0.455", 6, NORM_OK, 455000 },
		{ "12.50", 1, NORM_OK, 125 },
		{ "12.500", 2, NORM_OK, 1250 },
		{ "12.345", 2, NORM_TOO_PRECISE, 0 },
		{ "0.5", 0, NORM_TOO_PRECISE, 0 },
		{ "9223372036854775807", 0, NORM_OK, INT64_MAX },
		{ "-9223372036854775807", 0, NORM_OK, -INT64_MAX },
		{ "92233720368547758.07", 2, NORM_OK, INT64_MAX },
		{ "9223372036854775808", 0, NORM_OUT_OF_RANGE, 0 },
		{ "-9223372036854775808", 0, NORM_OUT_OF_RANGE, 0 },
		{ "92233720368547758.08", 2, NORM_OUT_OF_RANGE, 0 },
		{ "99999999999999999999999", 0, NORM_OUT_OF_RANGE, 0 },
		{ "1", 18, NORM_OK, 1000000000000000000 },
		{ "10", 18, NORM_OUT_OF_RANGE, 0 },
		{ "1", 19, NORM_BAD_ARGUMENT, 0 },
		{ "", 2, NORM_BAD_NUMBER, 0 },
		{ "-", 2, NORM_BAD_NUMBER, 0 },
		{ "+1", 2, NORM_BAD_NUMBER, 0 },
		{ "1.", 2, NORM_BAD_NUMBER, 0 },
		{ ".5", 2, NORM_BAD_NUMBER, 0 },
		{ "1,5", 2, NORM_BAD_NUMBER, 0 },
		{ " 1", 2, NORM_BAD_NUMBER, 0 },
		{ "1 ", 2, NORM_BAD_NUMBER, 0 },
		{ "1e3", 2, NORM_BAD_NUMBER, 0 },
		{ "--1", 2, NORM_BAD_NUMBER, 0 },
		{ "1.2.3", 2, NORM_BAD_NUMBER, 0 },
		{ "1 234", 2, NORM_BAD_NUMBER, 0 },
	};
	enum norm_status st;
	size_t i, n;
	int64_t v;
	char *in;

	(void)state;
	for (i = 0; i < NCASES(c); i++) {
		n = strlen(c[i].in);
		in = exact_copy(c[i].in, n);
		v = 42;
		st = norm_parse_fixed(in, n, c[i].scale, &v);
		if (st != c[i].st || v != (st == NORM_OK ? c[i].v : 42))
			fail_msg("parse_fixed(\"%s\", %u): got %s",
					c[i].in, c[i].scale,
					norm_status_code(st));
		free(in);
	}
}

static void format_fixed_writes_exactly_scale_decimals(void **state)
{
	static const struct {
		int64_t v;
		unsigned scale;
		const char *want;
	} c[] = {
		{ 123456, 2, "1234.56" },
		{ 123400, 2, "1234.00" },
		{ -1250, 2, "-12.50" },
		{ 5, 2, "0.05" },
		{ -5, 2, "-0.05" },
		{ 0, 0, "0" },
		{ 0, 3, "0.000" },
		{ 455000, 6, "0.455000" },
		{ INT64_MAX, 0, "9223372036854775807" },
		{ INT64_MIN, 0, "-9223372036854775808" },
		{ INT64_MIN, 18, "-9.223372036854775808" },
		{ 1, 18, "0.000000000000000001" },
	};
	char out[32];
	size_t i;

	(void)state;
	for (i = 0; i < NCASES(c); i++) {
		assert_int_equal(norm_format_fixed(c[i].v, c[i].scale, out,
				sizeof out), NORM_OK);
		assert_string_equal(out, c[i].want);
	}
	assert_int_equal(norm_format_fixed(1, 19, out, sizeof out),
			NORM_BAD_ARGUMENT);
}

static void format_fixed_reports_too_long_without_overrun(void **state)
{
	char *out;
	size_t cap;

	(void)state;
	for (cap = 0; cap <= 7; cap++) {
		out = malloc(cap > 0 ? cap : 1);
		assert_non_null(out);
		assert_int_equal(norm_format_fixed(123456, 2, out, cap),
				NORM_TOO_LONG);
		if (cap > 0)
			assert_int_equal(out[0], '\0');
		free(out);
	}
	out = malloc(8);
	assert_non_null(out);
	assert_int_equal(norm_format_fixed(123456, 2, out, 8), NORM_OK);
	assert_string_equal(out, "1234.56");
	free(out);
}

/* ---- CP1252 and UTF-8 --------------------------------------------------- */

static void cp1252_maps_0x80_to_0x9f_per_microsoft_table(void **state)
{
	static const struct {
		unsigned char byte;
		const char *utf8;
	} c[] = {
		{ 0x80, "\xE2\x82\xAC" }, { 0x82, "\xE2\x80\x9A" },
		{ 0x83, "\xC6\x92" }, { 0x84, "\xE2\x80\x9E" },
		{ 0x85, "\xE2\x80\xA6" }, { 0x86, "\xE2\x80\xA0" },
		{ 0x87, "\xE2\x80\xA1" }, { 0x88, "\xCB\x86" },
		{ 0x89, "\xE2\x80\xB0" }, { 0x8A, "\xC5\xA0" },
		{ 0x8B, "\xE2\x80\xB9" }, { 0x8C, "\xC5\x92" },
		{ 0x8E, "\xC5\xBD" }, { 0x91, "\xE2\x80\x98" },
		{ 0x92, "\xE2\x80\x99" }, { 0x93, "\xE2\x80\x9C" },
		{ 0x94, "\xE2\x80\x9D" }, { 0x95, "\xE2\x80\xA2" },
		{ 0x96, "\xE2\x80\x93" }, { 0x97, "\xE2\x80\x94" },
		{ 0x98, "\xCB\x9C" }, { 0x99, "\xE2\x84\xA2" },
		{ 0x9A, "\xC5\xA1" }, { 0x9B, "\xE2\x80\xBA" },
		{ 0x9C, "\xC5\x93" }, { 0x9E, "\xC5\xBE" },
		{ 0x9F, "\xC5\xB8" },
	};
	char out[8];
	size_t i, len;

	(void)state;
	for (i = 0; i < NCASES(c); i++) {
		assert_int_equal(norm_cp1252_to_utf8(&c[i].byte, 1, out,
				sizeof out, &len, NULL), NORM_OK);
		assert_int_equal(len, strlen(c[i].utf8));
		assert_string_equal(out, c[i].utf8);
	}
}

static void cp1252_maps_a0_to_ff_to_the_same_code_points(void **state)
{
	unsigned char b;
	unsigned cp;
	char out[4];
	size_t len;

	(void)state;
	for (cp = 0xA0; cp <= 0xFF; cp++) {
		b = (unsigned char)cp;
		assert_int_equal(norm_cp1252_to_utf8(&b, 1, out, sizeof out,
				&len, NULL), NORM_OK);
		assert_int_equal(len, 2);
		assert_int_equal((unsigned char)out[0], 0xC0 | (cp >> 6));
		assert_int_equal((unsigned char)out[1], 0x80 | (cp & 0x3F));
	}
}

static void cp1252_rejects_undefined_bytes_with_their_offset(void **state)
{
	static const unsigned char undefined[] = {
		0x81, 0x8D, 0x8F, 0x90, 0x9D
	};
	unsigned char in[4] = { 'a', 'b', 0, 'c' };
	size_t i, len, bad;
	char out[16];

	(void)state;
	for (i = 0; i < NCASES(undefined); i++) {
		in[2] = undefined[i];
		bad = 99;
		assert_int_equal(norm_cp1252_to_utf8(in, 4, out, sizeof out,
				&len, &bad), NORM_BAD_ENCODING);
		assert_int_equal(bad, 2);
		assert_int_equal(len, 2);
		assert_string_equal(out, "ab");
	}
}

static void cp1252_decodes_a_french_excel_sample(void **state)
{
	static const char in[] = "Cr\xE9" "dit \x80;\x93" "c\x9C" "ur\x94;"
		"1\xA0" "234,56";
	static const char want[] = "Cr\xC3\xA9" "dit \xE2\x82\xAC;"
		"\xE2\x80\x9C" "c\xC5\x93" "ur\xE2\x80\x9D;1\xC2\xA0" "234,56";
	char out[64];
	size_t len;

	(void)state;
	assert_int_equal(norm_cp1252_to_utf8((const unsigned char *)in,
			sizeof in - 1, out, sizeof out, &len, NULL), NORM_OK);
	assert_int_equal(len, sizeof want - 1);
	assert_string_equal(out, want);
	assert_int_equal(norm_utf8_check((const unsigned char *)out, len,
			NULL), NORM_OK);
}

static void cp1252_output_is_always_valid_utf8(void **state)
{
	unsigned char all[256];
	char out[3 * 256 + 1];
	size_t i, len, bad;

	(void)state;
	for (i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	assert_int_equal(norm_cp1252_to_utf8(all, 0x81, out, sizeof out,
			&len, &bad), NORM_OK);
	assert_int_equal(norm_utf8_check((const unsigned char *)out, len,
			&bad), NORM_OK);
	assert_int_equal(norm_cp1252_to_utf8(all, 256, out, sizeof out,
			&len, &bad), NORM_BAD_ENCODING);
	assert_int_equal(bad, 0x81);
}

static void cp1252_reports_too_long_at_the_byte_that_did_not_fit(
		void **state)
{
	const unsigned char in[] = { 'a', 0xE9 };
	size_t len, bad;
	char out[8];

	(void)state;
	assert_int_equal(norm_cp1252_to_utf8(in, 2, out, 3, &len, &bad),
			NORM_TOO_LONG);
	assert_int_equal(bad, 1);
	assert_int_equal(len, 1);
	assert_string_equal(out, "a");
	assert_int_equal(norm_cp1252_to_utf8(in, 2, out, 4, &len, &bad),
			NORM_OK);
	assert_string_equal(out, "a\xC3\xA9");
	assert_int_equal(norm_cp1252_to_utf8(in, 2, out, 0, NULL, &bad),
			NORM_TOO_LONG);
	assert_int_equal(bad, 0);
}

struct utf8_case {
	const char *s;
	size_t n;
	enum norm_status st;
	size_t bad;
};

#define U8(s, st, bad) { (s), sizeof (s) - 1, (st), (bad) }

static void utf8_check_is_strict(void **state)
{
	static const struct utf8_case c[] = {
		U8("", NORM_OK, 0),
		U8("abc", NORM_OK, 0),
		U8("\xC2\x80", NORM_OK, 0),
		U8("\xDF\xBF", NORM_OK, 0),
		U8("\xE0\xA0\x80", NORM_OK, 0),
		U8("\xED\x9F\xBF", NORM_OK, 0),
		U8("\xEE\x80\x80", NORM_OK, 0),
		U8("\xEF\xBF\xBF", NORM_OK, 0),
		U8("\xF0\x90\x80\x80", NORM_OK, 0),
		U8("\xF4\x8F\xBF\xBF", NORM_OK, 0),
		U8("ab\xC0\x80", NORM_BAD_ENCODING, 2),
		U8("\xC1\xBF", NORM_BAD_ENCODING, 0),
		U8("\xE0\x80\x80", NORM_BAD_ENCODING, 0),
		U8("\xE0\x9F\xBF", NORM_BAD_ENCODING, 0),
		U8("\xF0\x80\x80\x80", NORM_BAD_ENCODING, 0),
		U8("\xF0\x8F\xBF\xBF", NORM_BAD_ENCODING, 0),
		U8("\xED\xA0\x80", NORM_BAD_ENCODING, 0),
		U8("a\xED\xBF\xBF", NORM_BAD_ENCODING, 1),
		U8("\xF4\x90\x80\x80", NORM_BAD_ENCODING, 0),
		U8("\xF5\x80\x80\x80", NORM_BAD_ENCODING, 0),
		U8("\xFF", NORM_BAD_ENCODING, 0),
		U8("\x80", NORM_BAD_ENCODING, 0),
		U8("\xC3", NORM_BAD_ENCODING, 0),
		U8("\xE2\x82", NORM_BAD_ENCODING, 0),
		U8("\xC3\xA9\x80", NORM_BAD_ENCODING, 2),
		U8("\xC3\x28", NORM_BAD_ENCODING, 0),
		U8("Cr\xE9" "dit", NORM_BAD_ENCODING, 2),
	};
	enum norm_status st;
	size_t i, bad;
	char *s;

	(void)state;
	for (i = 0; i < NCASES(c); i++) {
		s = exact_copy(c[i].s, c[i].n);
		bad = 99;
		st = norm_utf8_check((const unsigned char *)s, c[i].n, &bad);
		if (st != c[i].st || (st != NORM_OK && bad != c[i].bad))
			fail_msg("utf8_check case %zu: got %s at %zu", i,
					norm_status_code(st), bad);
		free(s);
	}
}

static void utf8_has_multibyte_detects_high_bytes(void **state)
{
	(void)state;
	assert_int_equal(norm_utf8_has_multibyte((const unsigned char *)"", 0),
			0);
	assert_int_equal(norm_utf8_has_multibyte(
			(const unsigned char *)"abc;1", 5), 0);
	assert_int_equal(norm_utf8_has_multibyte(
			(const unsigned char *)"\xC3\xA9", 2), 1);
	assert_int_equal(norm_utf8_has_multibyte(
			(const unsigned char *)"a\xE9", 2), 1);
}

static void guess_encoding_tells_utf8_from_cp1252(void **state)
{
	static const struct {
		const char *s;
		enum norm_encoding want;
	} c[] = {
		{ "abc;1,5", NORM_ENC_ASCII },
		{ "Cr\xC3\xA9" "dit", NORM_ENC_UTF8 },
		{ "Cr\xC3\xA9" "dit \xE2\x82", NORM_ENC_UTF8 },
		{ "Cr\xE9" "dit", NORM_ENC_CP1252 },
		{ "\x80 12", NORM_ENC_CP1252 },
		{ "abc\xE9", NORM_ENC_CP1252 },
		{ "Cr\xC3", NORM_ENC_CP1252 },
		{ "Cr\xC3\xA9" "dit \xE9t\xE9", NORM_ENC_CP1252 },
		{ "\x81", NORM_ENC_UNKNOWN },
		{ "Cr\xE9" "dit \x9D", NORM_ENC_UNKNOWN },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NCASES(c); i++)
		if (norm_guess_encoding((const unsigned char *)c[i].s,
				strlen(c[i].s)) != c[i].want)
			fail_msg("guess_encoding case %zu", i);
}

/* The one-pass recognisers of normal forms agree with "the normaliser gives
 * it back unchanged" on every value near a normal form: each sample, then
 * a fixed-seed series of edits of it (a byte replaced, inserted or
 * removed, from the bytes these forms are made of). */
static void normal_form_checks_agree_with_the_normalisers(void **state)
{
	static const struct {
		norm_fn fn;
		int (*is)(const char *, size_t);
		const char *sample[8];
	} t[] = {
		{ norm_integer, norm_is_integer,
		  { "0", "-5", "1234", "999999999999999", "-10", NULL } },
		{ norm_money, norm_is_money,
		  { "0.00", "-12.50", "1234.56", "999999999999999.99", "10.05",
		    NULL } },
		{ norm_rate, norm_is_rate,
		  { "0", "1", "0.45", "0.123456", "0.5", NULL } },
		{ norm_date, norm_is_date,
		  { "2025-01-15", "2024-02-29", "1900-02-28", "0001-01-01",
		    "9999-12-31", "2000-02-29", NULL } },
		{ norm_datetime, norm_is_datetime,
		  { "2024-01-15T14:52:35", "2024-01-15T14:52:35+01:00",
		    "2024-06-15T23:59:59-04:30", "2024-02-29T00:00:00+14:00",
		    "2024-01-15T14:52:35-00:00", NULL } },
		{ norm_boolean, norm_is_boolean, { "yes", "no", NULL } },
	};
	static const char alphabet[] = "0123456789-.:T+Z /,yesnoa\xc2\xa0";
	char in[64], out[128];
	uint64_t x = 42;
	size_t k, j, e, n, at;

	(void)state;
	for (k = 0; k < NCASES(t); k++)
		for (j = 0; t[k].sample[j] != NULL; j++)
			for (e = 0; e < 20000; e++) {
				n = strlen(t[k].sample[j]);
				memcpy(in, t[k].sample[j], n);
				/* Up to three random edits. */
				for (int m = (int)(e % 4); m > 0; m--) {
					x = x * 6364136223846793005ULL +
					    1442695040888963407ULL;
					at = n > 0 ? (size_t)(x >> 33) % n : 0;
					char c = alphabet[(x >> 20) %
							  (sizeof(alphabet) - 1)];
					switch ((x >> 40) % 3) {
					case 0:
						if (n > 0)
							in[at] = c;
						break;
					case 1:
						if (n + 1 < sizeof(in)) {
							memmove(in + at + 1, in + at,
								n - at);
							in[at] = c;
							n++;
						}
						break;
					default:
						if (n > 0) {
							memmove(in + at, in + at + 1,
								n - at - 1);
							n--;
						}
					}
				}
				int slow = t[k].fn(in, n, out, sizeof(out)) ==
						   NORM_OK &&
					   strlen(out) == n &&
					   memcmp(out, in, n) == 0;
				if (t[k].is(in, n) != slow)
					fail_msg("type %zu, \"%.*s\": one pass says "
						 "%d, the normaliser %d",
						 k, (int)n, in, !slow, slow);
			}
}

/* A decimal's normal form is checked on its own: norm_decimal does not
 * give it back (1.234 would be ambiguous), norm_parse_fixed reads it. */
static void decimal_normal_forms(void **state)
{
	static const char *const yes[] = {
		"0", "1", "-5", "12.5", "-0.5", "0.000000001", "1234.567",
		"999999999999999", "999999999999999.999999999",
	};
	static const char *const no[] = {
		"", "-", "-0", "01", "-01", "1.", ".5", "1.50", "1.0", "1,5",
		"+1", " 1", "1 ", "1e3", "0.0000000001", "1000000000000000",
		"1.2.3", "--1",
	};
	size_t i;

	(void)state;
	for (i = 0; i < NCASES(yes); i++)
		if (!norm_is_decimal(yes[i], strlen(yes[i])))
			fail_msg("\"%s\" is a decimal normal form", yes[i]);
	for (i = 0; i < NCASES(no); i++)
		if (norm_is_decimal(no[i], strlen(no[i])))
			fail_msg("\"%s\" is no decimal normal form", no[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(trim_removes_ascii_and_unicode_spaces),
		cmocka_unit_test(trim_keeps_inner_spaces_and_other_characters),
		cmocka_unit_test(trim_of_white_space_only_is_empty),
		cmocka_unit_test(text_trims_only),
		cmocka_unit_test(money_accepts_french_and_english_spellings),
		cmocka_unit_test(money_accepts_narrow_nbsp_thousands),
		cmocka_unit_test(money_accepts_nbsp_and_thin_space_thousands),
		cmocka_unit_test(money_accepts_one_currency_before_or_after),
		cmocka_unit_test(money_never_rounds_a_third_decimal),
		cmocka_unit_test(
			money_reports_single_separator_with_three_digits_as_ambiguous),
		cmocka_unit_test(money_rejects_malformed_or_mixed_grouping),
		cmocka_unit_test(money_rejects_what_is_not_a_number),
		cmocka_unit_test(money_reports_scientific_notation),
		cmocka_unit_test(money_rejects_more_than_15_integer_digits),
		cmocka_unit_test(
			money_normal_form_round_trips_through_fixed_point),
		cmocka_unit_test(
			decimal_strips_trailing_zeros_and_keeps_the_rest),
		cmocka_unit_test(decimal_rejects_currency_ambiguity_and_excess),
		cmocka_unit_test(decimal_with_three_decimals_does_not_read_back),
		cmocka_unit_test(integer_accepts_grouped_digits),
		cmocka_unit_test(integer_rejects_any_decimal_mark),
		cmocka_unit_test(rate_divides_percent_by_100_exactly),
		cmocka_unit_test(rate_accepts_a_bare_fraction),
		cmocka_unit_test(rate_reports_bare_number_above_one_as_ambiguous),
		cmocka_unit_test(
			rate_rejects_negatives_and_more_than_100_percent),
		cmocka_unit_test(rate_rejects_more_than_six_decimals),
		cmocka_unit_test(rate_rejects_other_signs_and_words),
		cmocka_unit_test(date_accepts_french_and_iso_forms),
		cmocka_unit_test(date_checks_the_calendar),
		cmocka_unit_test(date_rejects_two_digit_years_and_other_forms),
		cmocka_unit_test(
			datetime_accepts_demarches_simplifiees_and_iso_forms),
		cmocka_unit_test(datetime_without_offset_is_kept_without_offset),
		cmocka_unit_test(datetime_writes_z_as_plus_zero_offset),
		cmocka_unit_test(
			datetime_rejects_impossible_or_malformed_values),
		cmocka_unit_test(
			boolean_accepts_french_and_english_words_in_any_case),
		cmocka_unit_test(boolean_rejects_other_words),
		cmocka_unit_test(list_sorts_dedups_and_joins_with_pipe),
		cmocka_unit_test(list_rejects_items_containing_pipe),
		cmocka_unit_test(list_normal_form_is_stable_with_pipe_separator),
		cmocka_unit_test(list_rejects_unusable_separators),
		cmocka_unit_test(every_normaliser_reports_empty_after_trim),
		cmocka_unit_test(every_normaliser_reads_only_n_bytes),
		cmocka_unit_test(status_codes_are_distinct_snake_case),
		cmocka_unit_test(parse_fixed_scales_exactly_or_refuses),
		cmocka_unit_test(format_fixed_writes_exactly_scale_decimals),
		cmocka_unit_test(format_fixed_reports_too_long_without_overrun),
		cmocka_unit_test(cp1252_maps_0x80_to_0x9f_per_microsoft_table),
		cmocka_unit_test(cp1252_maps_a0_to_ff_to_the_same_code_points),
		cmocka_unit_test(
			cp1252_rejects_undefined_bytes_with_their_offset),
		cmocka_unit_test(cp1252_decodes_a_french_excel_sample),
		cmocka_unit_test(cp1252_output_is_always_valid_utf8),
		cmocka_unit_test(
			cp1252_reports_too_long_at_the_byte_that_did_not_fit),
		cmocka_unit_test(utf8_check_is_strict),
		cmocka_unit_test(utf8_has_multibyte_detects_high_bytes),
		cmocka_unit_test(guess_encoding_tells_utf8_from_cp1252),
		cmocka_unit_test(normal_form_checks_agree_with_the_normalisers),
		cmocka_unit_test(decimal_normal_forms),
	};

	return cmocka_run_group_tests_name("norm", tests, NULL, NULL);
}
