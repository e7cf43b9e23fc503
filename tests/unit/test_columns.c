/* test_columns.c - the table of the stream's columns: each stage's
 * columns in pipeline order, the names no field may take, the criteria's
 * columns, and the side files' columns. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "columns.h"

static void stages_add_their_columns_in_pipeline_order(void **state)
{
	static const char *const want[] = { "source_file", "source_line",
		"findings", "admissible", "total", "rank", "rank_reason",
		"decision", "award", "decided_by", "decision_reason",
		"one_reviewer", "one_reviewer_decision", "weight_change",
		"weight_criterion", "weight_decision", "margin" };
	static const size_t count[] = { 3, 1, 5, 2, 6 };
	const char *const *got;
	size_t s, i, n, k = 0;

	(void)state;
	assert_string_equal(columns_name(COLUMN_APPLICATION_ID), "application_id");
	for (s = COLUMNS_INGEST; s <= COLUMNS_SENSITIVITY; s++) {
		got = columns_added((enum columns_stage)s, &n);
		assert_int_equal(n, count[s]);
		for (i = 0; i < n; i++)
			assert_string_equal(got[i], want[k++]);
	}
	assert_int_equal(k, COLUMN_N - 1);
}

static void added_columns_are_reserved(void **state)
{
	size_t c;

	(void)state;
	for (c = COLUMN_SOURCE_FILE; c < COLUMN_N; c++)
		assert_true(columns_reserved(columns_name((enum column)c)));
	assert_true(columns_reserved("score_impact"));
	assert_true(columns_reserved("spread_impact"));
	assert_false(columns_reserved("application_id"));
	assert_false(columns_reserved("scores"));
	assert_false(columns_reserved("ranking"));
}

static void criteria_columns_are_named_and_read_back(void **state)
{
	struct sbuf b;

	(void)state;
	sbuf_init(&b);
	assert_int_equal(columns_score(&b, "impact"), 0);
	assert_string_equal(sbuf_str(&b), "score_impact");
	assert_string_equal(columns_score_criterion(sbuf_str(&b)), "impact");
	sbuf_reset(&b);
	assert_int_equal(columns_spread(&b, "impact"), 0);
	assert_string_equal(sbuf_str(&b), "spread_impact");
	assert_null(columns_score_criterion(sbuf_str(&b)));
	assert_null(columns_score_criterion("total"));
	sbuf_fini(&b);
}

static void side_files_have_their_columns(void **state)
{
	const struct columns_file *f;
	size_t k;

	(void)state;
	f = columns_side(COLUMNS_REVIEWS);
	assert_string_equal(f->role, "reviews");
	assert_int_equal(f->n, 5);
	assert_string_equal(f->names[3], "mark");
	assert_false(f->required[4]);
	f = columns_side(COLUMNS_CONSENSUS);
	assert_string_equal(f->role, "consensus");
	assert_string_equal(f->names[2], "score");
	f = columns_side(COLUMNS_CONFLICTS);
	assert_string_equal(f->role, "conflicts");
	assert_string_equal(f->names[1], "application_id");
	f = columns_side(COLUMNS_ASSIGNMENTS);
	assert_string_equal(f->role, "assignments");
	assert_string_equal(f->names[1], "reviewer");
	assert_false(f->required[2]);
	f = columns_side(COLUMNS_DECISIONS);
	assert_string_equal(f->role, "decisions");
	assert_int_equal(f->n, 6);
	assert_string_equal(f->names[5], "justification");
	for (k = 0; k < COLUMNS_NSIDE; k++)
		assert_true(columns_side((enum columns_side)k)->n <= COLUMNS_SIDE_MAX);
	f = columns_reviewers();
	assert_null(f->role);
	assert_string_equal(f->names[4], "max_load");
	assert_true(f->required[4]);
	f = columns_rejects();
	assert_null(f->role);
	assert_int_equal(f->n, 8);
	assert_string_equal(f->names[0], "source_file");
	assert_string_equal(f->names[7], "value");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stages_add_their_columns_in_pipeline_order),
		cmocka_unit_test(added_columns_are_reserved),
		cmocka_unit_test(criteria_columns_are_named_and_read_back),
		cmocka_unit_test(side_files_have_their_columns),
	};

	return cmocka_run_group_tests_name("columns", tests, NULL, NULL);
}
