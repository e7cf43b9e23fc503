/* test_checksum.c - check digits: the published SIREN, SIRET (La Poste
 * included) and IBAN vectors, and what each checksum refuses; the
 * départements of commune codes and postcodes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "checksum.h"
#include "region.h"

/* One vector: a value and whether it passes. */
struct vec {
	const char *s;
	int ok;
};

static void run(checksum_fn fn, const struct vec *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (fn(v[i].s, strlen(v[i].s)) != v[i].ok)
			fail_msg("\"%s\" should %s", v[i].s,
				 v[i].ok ? "pass" : "fail");
	}
}

#define RUN(fn, v) run((fn), (v), sizeof(v) / sizeof((v)[0]))

static void siret_holds_the_published_vectors(void **state)
{
	static const struct vec v[] = {
		{ "82161143100031", 1 },
		{ "82161143100039", 0 },
		{ "35600000041461", 1 }, /* La Poste: digits sum to 30 */
		{ "35600000041462", 0 },
		{ "35600000000048", 1 }, /* La Poste's head office, Luhn */
		{ "73282932000074", 1 },
		{ "44306184100047", 1 },
	};

	(void)state;
	RUN(checksum_siret, v);
}

static void siret_refuses_wrong_lengths_and_non_digits(void **state)
{
	static const struct vec v[] = {
		{ "", 0 },
		{ "8216114310003", 0 },
		{ "821611431000310", 0 },
		{ "8216114310003A", 0 },
		{ "821 611 431 00031", 0 },
		{ "00000000000000", 1 }, /* all zeros pass Luhn: a pattern
					    is the place to refuse them */
		{ "51234567800015", 0 },
		{ "51234567900017", 1 },
	};

	(void)state;
	RUN(checksum_siret, v);
}

static void siret_needs_its_siren_to_pass_too(void **state)
{
	/* The 14 digits pass Luhn, the SIREN 512345678 does not. */
	(void)state;
	assert_true(checksum_luhn("51234567800019", 14));
	assert_false(checksum_siren("512345678", 9));
	assert_false(checksum_siret("51234567800019", 14));
}

static void la_poste_rule_applies_to_la_poste_only(void **state)
{
	/* Digits summing to 15, Luhn fails: La Poste's only. */
	(void)state;
	assert_true(checksum_siret("35600000000010", 14));
	assert_false(checksum_luhn("35600000000010", 14));
	assert_false(checksum_siret("73282932000013", 14));
	assert_false(checksum_luhn("73282932000013", 14));
}

static void siren_holds_the_published_vectors(void **state)
{
	static const struct vec v[] = {
		{ "732829320", 1 },
		{ "123456789", 0 },
		{ "356000000", 1 },
		{ "821611431", 1 },
		{ "73282932", 0 },
		{ "7328293200", 0 },
		{ "73282932O", 0 },
	};

	(void)state;
	RUN(checksum_siren, v);
}

static void iban_holds_the_published_vectors(void **state)
{
	static const struct vec v[] = {
		{ "FR7630006000011234567890189", 1 },
		{ "FR7630006000011234567890188", 0 },
		{ "FR76 3000 6000 0112 3456 7890 189", 1 },
		{ "GB82WEST12345698765432", 1 },
		{ "DE89370400440532013000", 1 },
		{ "fr7630006000011234567890189", 0 },
		{ "FR76  3000 6000 0112 3456 7890 189", 0 },
		{ " FR7630006000011234567890189", 0 },
		{ "FR7630006000011234567890189 ", 0 },
		{ "FR76300060000112345678901", 0 },
		{ "FR", 0 },
		{ "", 0 },
		{ "7630006000011234567890189FR", 0 },
		{ "FR7630006000011234567890189000000000", 0 },
	};

	(void)state;
	RUN(checksum_iban, v);
}

static void luhn_needs_digits(void **state)
{
	(void)state;
	assert_true(checksum_luhn("79927398713", 11));
	assert_false(checksum_luhn("79927398710", 11));
	assert_false(checksum_luhn("", 0));
	assert_false(checksum_luhn("7992739871-3", 12));
	/* Only n bytes are read. */
	assert_true(checksum_luhn("799273987139", 11));
}

static void checksums_are_found_by_name(void **state)
{
	(void)state;
	assert_ptr_equal(checksum_named("siret"), checksum_siret);
	assert_ptr_equal(checksum_named("siren"), checksum_siren);
	assert_ptr_equal(checksum_named("iban"), checksum_iban);
	assert_ptr_equal(checksum_named("luhn"), checksum_luhn);
	assert_null(checksum_named("SIRET"));
	assert_null(checksum_named("nir"));
}

static void departement_comes_from_the_commune_code(void **state)
{
	static const struct {
		const char *code;
		const char *dep;
	} v[] = {
		{ "13202", "13" }, { "04112", "04" }, { "2A004", "2A" },
		{ "2B033", "2B" }, { "97411", "974" }, { "97611", "976" },
		{ "69382", "69" }, { "20004", "" }, { "1320", "" },
		{ "132020", "" }, { "2C004", "" }, { "13A02", "" },
		{ "00100", "" },
	};
	char dep[REGION_DEP_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(region_from_insee(v[i].code, strlen(v[i].code),
						   dep), v[i].dep[0] != '\0');
		assert_string_equal(dep, v[i].dep);
	}
}

static void departement_comes_from_the_postcode(void **state)
{
	static const struct {
		const char *code;
		const char *dep;
	} v[] = {
		{ "13002", "13" }, { "04100", "04" }, { "20000", "2A" },
		{ "20167", "2A" }, { "20200", "2B" }, { "20600", "2B" },
		{ "97400", "974" }, { "06560", "06" }, { "1300", "" },
		{ "13 002", "" }, { "00100", "" },
	};
	char dep[REGION_DEP_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(region_from_postcode(v[i].code,
						      strlen(v[i].code), dep),
				 v[i].dep[0] != '\0');
		assert_string_equal(dep, v[i].dep);
	}
}

static void departement_codes_are_checked(void **state)
{
	(void)state;
	assert_true(region_valid_dep("04"));
	assert_true(region_valid_dep("2A"));
	assert_true(region_valid_dep("971"));
	assert_true(region_valid_dep("95"));
	assert_false(region_valid_dep("20"));
	assert_false(region_valid_dep("00"));
	assert_false(region_valid_dep("4"));
	assert_false(region_valid_dep("970"));
	assert_false(region_valid_dep("2C"));
	assert_false(region_valid_dep(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(siret_holds_the_published_vectors),
		cmocka_unit_test(siret_refuses_wrong_lengths_and_non_digits),
		cmocka_unit_test(siret_needs_its_siren_to_pass_too),
		cmocka_unit_test(la_poste_rule_applies_to_la_poste_only),
		cmocka_unit_test(siren_holds_the_published_vectors),
		cmocka_unit_test(iban_holds_the_published_vectors),
		cmocka_unit_test(luhn_needs_digits),
		cmocka_unit_test(checksums_are_found_by_name),
		cmocka_unit_test(departement_comes_from_the_commune_code),
		cmocka_unit_test(departement_comes_from_the_postcode),
		cmocka_unit_test(departement_codes_are_checked),
	};

	return cmocka_run_group_tests_name("checksum", tests, NULL, NULL);
}
