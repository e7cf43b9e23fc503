/* test_finding.c - the table of finding codes, docs/findings.md checked
 * against it, and the writing and reading of findings items. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "call.h"
#include "finding.h"
#include "norm.h"
#include "sbuf.h"

#define DOCS "docs/findings.md"

/* The stages, as the docs' section titles name them. */
static const struct {
	unsigned bit;
	const char *title;
} stages[] = {
	{ FINDING_BY_INGEST, "## Codes written by `aap-ingest`" },
	{ FINDING_BY_VALIDATE, "## Codes written by `aap-validate`" },
	{ FINDING_BY_SCORE, "## Codes written by `aap-score`" },
};
#define NSTAGES (sizeof(stages) / sizeof(stages[0]))

/* Reads the file path whole into b; fails the test when it cannot. */
static void slurp(const char *path, struct sbuf *b)
{
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		fail_msg("could not open \"%s\" (the unit tests run from the "
			 "top of the repository)", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(sbuf_add(b, chunk, n), 0);
	assert_int_equal(ferror(f), 0);
	fclose(f);
}

/* Appends a line to why. */
static void note(struct sbuf *why, const char *a, const char *b,
		 const char *c)
{
	assert_int_equal(sbuf_adds(why, a), 0);
	assert_int_equal(sbuf_adds(why, b), 0);
	assert_int_equal(sbuf_adds(why, c), 0);
	assert_int_equal(sbuf_addc(why, '\n'), 0);
}

/* The subject a cell of a "field" column states. */
static enum finding_subject subject_of(const char *s, size_t n)
{
	if (n == strlen("—") && memcmp(s, "—", n) == 0)
		return FINDING_RECORD;
	if (n == 3 && memcmp(s, "yes", 3) == 0)
		return FINDING_FIELD;
	return FINDING_FIELD_IF_ANY;
}

/* Checks the docs text against the table: each code of a stage is a row
 * of that stage's section and no other code is; where the section's table
 * has a "field" column, it agrees with the code's subject.  Returns the
 * number of problems, each noted in why. */
static int check_docs(const char *text, struct sbuf *why)
{
	unsigned listed[FINDING_NCODES] = { 0 };
	const char *p = text, *e, *c, *ce;
	unsigned sect = 0;
	int has_field = 0, bad = 0;
	const struct finding_def *d;
	size_t i, k, len;
	char code[64];

	for (; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		len = (size_t)(e - p);
		if (len > 2 && memcmp(p, "##", 2) == 0) {
			sect = 0;
			for (k = 0; k < NSTAGES; k++)
				if (strlen(stages[k].title) == len &&
				    memcmp(stages[k].title, p, len) == 0)
					sect = stages[k].bit;
			has_field = 0;
			continue;
		}
		if (sect == 0 || len < 2 || p[0] != '|')
			continue;
		if (len > 8 && memcmp(p, "| code |", 8) == 0) {
			has_field = len > 16 && memcmp(p + 8, " field |", 8) == 0;
			continue;
		}
		if (memcmp(p, "| `", 3) != 0)
			continue;
		c = p + 3;
		ce = memchr(c, '`', (size_t)(e - c));
		assert_non_null(ce);
		assert_true((size_t)(ce - c) < sizeof(code));
		memcpy(code, c, (size_t)(ce - c));
		code[ce - c] = '\0';
		d = finding_lookup(code, strlen(code));
		if (d == NULL) {
			note(why, "the docs list \"", code, "\", not in the table");
			bad++;
			continue;
		}
		if ((d->stages & sect) == 0) {
			note(why, "the docs list \"", code, "\" for a stage that "
			     "does not write it");
			bad++;
		}
		listed[(size_t)(d - finding_def((enum finding_code)0))] |= sect;
		if (has_field) {
			c = ce + 1;
			c = memchr(c, '|', (size_t)(e - c));
			assert_non_null(c);
			c += 2;
			ce = memchr(c, '|', (size_t)(e - c));
			assert_non_null(ce);
			if (subject_of(c, (size_t)(ce - 1 - c)) != d->subject) {
				note(why, "the docs' field column of \"", code,
				     "\" disagrees with the table");
				bad++;
			}
		}
	}
	for (i = 0; i < FINDING_NCODES; i++) {
		d = finding_def((enum finding_code)i);
		for (k = 0; k < NSTAGES; k++)
			if ((d->stages & stages[k].bit) != 0 &&
			    (listed[i] & stages[k].bit) == 0) {
				note(why, "\"", d->code, "\" is missing from the "
				     "docs' section:");
				note(why, "  ", stages[k].title, "");
				bad++;
			}
	}
	return bad;
}

static void docs_list_every_code_under_its_stages(void **state)
{
	struct sbuf text, why;

	(void)state;
	sbuf_init(&text);
	sbuf_init(&why);
	slurp(DOCS, &text);
	if (check_docs(sbuf_str(&text), &why) != 0)
		fail_msg(DOCS " and lib/finding.c disagree:\n%s", sbuf_str(&why));
	sbuf_fini(&text);
	sbuf_fini(&why);
}

/* Runs check_docs on the docs with the first occurrence of from replaced
 * by to; returns the number of problems. */
static int check_changed(const char *from, const char *to)
{
	struct sbuf text, changed, why;
	const char *at;
	int bad;

	sbuf_init(&text);
	sbuf_init(&changed);
	sbuf_init(&why);
	slurp(DOCS, &text);
	at = strstr(sbuf_str(&text), from);
	assert_non_null(at);
	assert_int_equal(sbuf_add(&changed, text.data,
				  (size_t)(at - text.data)), 0);
	assert_int_equal(sbuf_adds(&changed, to), 0);
	assert_int_equal(sbuf_adds(&changed, at + strlen(from)), 0);
	bad = check_docs(sbuf_str(&changed), &why);
	sbuf_fini(&text);
	sbuf_fini(&changed);
	sbuf_fini(&why);
	return bad;
}

static void docs_check_fails_on_a_missing_an_unknown_or_a_misplaced_code(
	void **state)
{
	(void)state;
	/* bad_quote's row gone. */
	assert_int_equal(check_changed("| `bad_quote` |", "| bad_quote |"), 1);
	/* A code the table lacks. */
	assert_int_equal(check_changed("| `bad_quote` |", "| `bad_quoting` |"),
			 2);
	/* unreadable and funded_earlier listed for aap-validate instead of
	 * aap-score. */
	assert_int_equal(check_changed("## Codes written by `aap-score`",
				       "## Codes written by `aap-validate`"), 5);
	/* A field column that says the wrong thing. */
	assert_int_equal(check_changed("| `field_count` | — |",
				       "| `field_count` | yes |"), 1);
}

static void codes_are_distinct_snake_case_and_found_by_name(void **state)
{
	const struct finding_def *d;
	const char *p;
	size_t i, j;

	(void)state;
	for (i = 0; i < FINDING_NCODES; i++) {
		d = finding_def((enum finding_code)i);
		assert_string_equal(finding_name((enum finding_code)i), d->code);
		assert_non_null(d->meaning);
		assert_true(d->stages != 0);
		for (p = d->code; *p != '\0'; p++)
			assert_true((*p >= 'a' && *p <= 'z') ||
				    (*p >= '0' && *p <= '9') || *p == '_');
		for (j = 0; j < i; j++)
			assert_string_not_equal(d->code,
						finding_name((enum finding_code)j));
		assert_ptr_equal(finding_lookup(d->code, strlen(d->code)), d);
	}
	assert_null(finding_lookup("bad_numbers", 11));
	assert_null(finding_lookup("bad_num", 7));
}

static void normaliser_statuses_are_the_table_s_codes(void **state)
{
	(void)state;
	assert_int_equal(norm_status_finding(NORM_BAD_NUMBER),
			 FINDING_BAD_NUMBER);
	assert_int_equal(norm_status_finding(NORM_SCIENTIFIC),
			 FINDING_SCIENTIFIC_NOTATION);
	assert_int_equal(norm_status_finding(NORM_OK), -1);
	assert_int_equal(norm_status_finding(NORM_EMPTY), -1);
	assert_int_equal(norm_status_finding(NORM_BAD_ARGUMENT), -1);
	assert_int_equal(norm_status_finding((enum norm_status)99), -1);
	assert_string_equal(norm_status_code(NORM_BAD_ENCODING), "bad_encoding");
	assert_string_equal(norm_status_code(NORM_EMPTY), "empty");
}

static void items_are_written_with_their_separators(void **state)
{
	struct sbuf b;

	(void)state;
	sbuf_init(&b);
	assert_int_equal(finding_add(&b, FINDING_ERROR, FINDING_FIELD_COUNT,
				     NULL, NULL), 0);
	assert_int_equal(finding_add(&b, FINDING_WARNING, FINDING_BAD_CHECKSUM,
				     "company_id", "siren"), 0);
	assert_int_equal(finding_add(&b, FINDING_ERROR, FINDING_MISSING,
				     "title", ""), 0);
	assert_string_equal(sbuf_str(&b), "error:field_count;"
			    "warning:bad_checksum:company_id:siren;"
			    "error:missing:title");
	sbuf_reset(&b);
	assert_int_equal(finding_join(&b, "", 0), 0);
	assert_int_equal(finding_join(&b, "error:a:x", 9), 0);
	assert_int_equal(finding_join(&b, "", 0), 0);
	assert_int_equal(finding_join(&b, "error:b:y", 9), 0);
	assert_string_equal(sbuf_str(&b), "error:a:x;error:b:y");
	sbuf_fini(&b);
}

/* Checks that a part is the string want ("" for absent). */
static void part_is(const char *s, size_t n, const char *want)
{
	assert_int_equal(n, strlen(want));
	assert_memory_equal(s, want, n);
}

static void lists_are_read_item_by_item_empty_ones_skipped(void **state)
{
	static const char list[] = ";error:duplicate:siret:12:a:b;;"
				   "warning:bad_type;nocolon;";
	struct finding_item it;
	size_t pos = 0, n = sizeof(list) - 1;

	(void)state;
	assert_int_equal(finding_next(list, n, &pos, &it), 1);
	part_is(it.item, it.len, "error:duplicate:siret:12:a:b");
	assert_int_equal(it.error, 1);
	assert_int_equal(it.sev_len, 5);
	part_is(it.code, it.code_len, "duplicate");
	part_is(it.field, it.field_len, "siret");
	part_is(it.detail, it.detail_len, "12:a:b");
	assert_int_equal(finding_next(list, n, &pos, &it), 1);
	assert_int_equal(it.error, 0);
	assert_int_equal(it.sev_len, 7);
	part_is(it.code, it.code_len, "bad_type");
	part_is(it.field, it.field_len, "");
	part_is(it.detail, it.detail_len, "");
	assert_int_equal(finding_next(list, n, &pos, &it), 1);
	assert_int_equal(it.sev_len, 7);
	part_is(it.code, it.code_len, "");
	assert_int_equal(finding_next(list, n, &pos, &it), 0);
	pos = 0;
	assert_int_equal(finding_next(NULL, 0, &pos, &it), 0);
}

static void default_messages_come_from_the_table(void **state)
{
	struct sbuf b;

	(void)state;
	sbuf_init(&b);
	assert_int_equal(finding_default_message("missing", 7, &b), 0);
	assert_string_equal(sbuf_str(&b), "a value is required");
	sbuf_reset(&b);
	assert_int_equal(finding_default_message("bad_quote", 9, &b), 0);
	assert_string_equal(sbuf_str(&b), "finding bad_quote");
	sbuf_reset(&b);
	assert_int_equal(finding_default_message("made_up", 7, &b), 0);
	assert_string_equal(sbuf_str(&b), "finding made_up");
	sbuf_fini(&b);
}

static void lists_are_sorted_by_field_order_code_detail_each_item_once(
    void **state)
{
	char n0[] = "application_id", n1[] = "title", n2[] = "cost";
	struct call_field fields[3];
	struct call c;
	struct sbuf b;

	(void)state;
	memset(fields, 0, sizeof(fields));
	memset(&c, 0, sizeof(c));
	fields[0].name = n0;
	fields[1].name = n1;
	fields[2].name = n2;
	c.fields = fields;
	c.nfields = 3;
	sbuf_init(&b);
	sbuf_adds(&b, "error:missing:cost;warning:zz:other;error:duplicate:title"
		  ";;error:duplicate:title:2;error:field_count;"
		  "error:missing:cost;error:bad_date:cost");
	assert_int_equal(finding_sort(&b, &c), 0);
	assert_string_equal(sbuf_str(&b), "error:field_count;"
			    "error:duplicate:title;error:duplicate:title:2;"
			    "error:bad_date:cost;error:missing:cost;"
			    "warning:zz:other");
	sbuf_reset(&b);
	assert_int_equal(finding_sort(&b, &c), 0);
	assert_int_equal(b.len, 0);
	sbuf_fini(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(docs_list_every_code_under_its_stages),
		cmocka_unit_test(
		    docs_check_fails_on_a_missing_an_unknown_or_a_misplaced_code),
		cmocka_unit_test(codes_are_distinct_snake_case_and_found_by_name),
		cmocka_unit_test(normaliser_statuses_are_the_table_s_codes),
		cmocka_unit_test(items_are_written_with_their_separators),
		cmocka_unit_test(lists_are_read_item_by_item_empty_ones_skipped),
		cmocka_unit_test(default_messages_come_from_the_table),
		cmocka_unit_test(
		    lists_are_sorted_by_field_order_code_detail_each_item_once),
	};

	return cmocka_run_group_tests_name("finding", tests, NULL, NULL);
}
