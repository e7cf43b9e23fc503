/* test_labels.c - the words people read: every finding code of lib/finding
 * and every decision of aap-score has a label in each language, and a call's
 * labels.csv overrides the built-in ones. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "call.h"
#include "diag.h"
#include "finding.h"
#include "labels.h"
#include "sbuf.h"
#include "score.h"

#define CALL "config/calls/sud-ia-2025"

static struct labels *load(struct call **call, enum labels_lang lang)
{
	struct labels *l = NULL;
	struct diag err;

	diag_clear(&err);
	assert_int_equal(call_load(CALL, call, &err), 0);
	assert_int_equal(labels_load(*call, lang, &l, &err), 0);
	return l;
}

static void every_finding_code_has_a_label_in_each_language(void **state)
{
	static const enum labels_lang langs[] = { LABELS_FR, LABELS_EN };
	struct sbuf key;
	size_t i, c;

	(void)state;
	sbuf_init(&key);
	for (i = 0; i < 2; i++) {
		struct call *call = NULL;
		struct labels *l = load(&call, langs[i]);

		for (c = 0; c < FINDING_NCODES; c++) {
			sbuf_reset(&key);
			assert_int_equal(sbuf_adds(&key, "finding:"), 0);
			assert_int_equal(sbuf_adds(&key, finding_name((enum finding_code)c)), 0);
			if (labels_find(l, sbuf_str(&key)) == NULL)
				fail_msg("no label for %s", sbuf_str(&key));
		}
		labels_free(l);
		call_free(call);
	}
	sbuf_fini(&key);
}

static void every_decision_has_a_label_in_each_language(void **state)
{
	static const enum labels_lang langs[] = { LABELS_FR, LABELS_EN };
	struct sbuf key;
	size_t i;
	int d;

	(void)state;
	sbuf_init(&key);
	for (i = 0; i < 2; i++) {
		struct call *call = NULL;
		struct labels *l = load(&call, langs[i]);

		for (d = SCORE_INADMISSIBLE; d <= SCORE_EXCLUDED; d++) {
			sbuf_reset(&key);
			assert_int_equal(sbuf_adds(&key, "decision:"), 0);
			assert_int_equal(sbuf_adds(&key, score_decision_name((enum score_decision)d)), 0);
			if (labels_find(l, sbuf_str(&key)) == NULL)
				fail_msg("no label for %s", sbuf_str(&key));
		}
		labels_free(l);
		call_free(call);
	}
	sbuf_fini(&key);
}

static void decisions_are_in_french_by_default(void **state)
{
	struct call *call = NULL;
	struct labels *l = load(&call, LABELS_FR);

	(void)state;
	assert_string_equal(labels_find(l, "decision:below_threshold"),
			    "Sous le seuil");
	assert_string_equal(labels_find(l, "decision:funded"), "Financé");
	labels_free(l);
	call_free(call);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_finding_code_has_a_label_in_each_language),
		cmocka_unit_test(every_decision_has_a_label_in_each_language),
		cmocka_unit_test(decisions_are_in_french_by_default),
	};

	return cmocka_run_group_tests_name("labels", tests, NULL, NULL);
}
