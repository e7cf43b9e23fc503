/* test_progress.c - the progress line: its text, and a run that draws it
 * on a pipe and clears it at the end. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "progress.h"

static void line_gives_records_megabytes_and_rate(void **state)
{
	char buf[160];
	size_t n;

	(void)state;
	n = progress_format(buf, sizeof(buf), "aap-push", "storing", 300000,
			    123456789, 40000);
	assert_string_equal(buf, "aap-push: storing: 300000 records, 123.4 MB, "
				 "7500 records/s");
	assert_int_equal(n, strlen(buf));
	progress_format(buf, sizeof(buf), "aap-score", NULL, 1, 99999, 0);
	assert_string_equal(buf, "aap-score: 1 record, 0.0 MB, 0 records/s");
}

static void line_is_cut_to_the_buffer(void **state)
{
	char buf[12];

	(void)state;
	assert_int_equal(progress_format(buf, sizeof(buf), "aap-validate",
					 NULL, 5, 0, 1000), 11);
	assert_string_equal(buf, "aap-validat");
}

/* Started at once on a pipe: the final counts are drawn at the stop, and
 * the line is then blanked out, the cursor back at its start. */
static void asked_for_line_is_drawn_then_cleared(void **state)
{
	int fd[2];
	char got[4096];
	ssize_t n;
	const char *want = "aap-test: counting: 3 records, 1.5 MB, ";

	(void)state;
	assert_int_equal(pipe(fd), 0);
	assert_int_equal(progress_start(fd[1], "aap-test", 0), 0);
	progress_phase("counting");
	progress_add(2, 1000000);
	progress_hide();
	progress_add(1, 500000);
	progress_stop();
	close(fd[1]);
	n = read(fd[0], got, sizeof(got) - 1);
	close(fd[0]);
	assert_true(n > 0);
	got[n] = '\0';
	assert_non_null(strstr(got, want));
	assert_int_equal(got[0], '\r');
	assert_int_equal(got[n - 1], '\r');
	assert_int_equal(got[n - 2], ' ');
}

/* A line that waits for a long run, stopped at once, writes nothing; the
 * counts feed nothing when no line runs. */
static void short_run_draws_nothing(void **state)
{
	int fd[2];
	char got[16];

	(void)state;
	progress_add(5, 5);
	assert_int_equal(pipe(fd), 0);
	assert_int_equal(progress_start(fd[1], "aap-test", 600000), 0);
	progress_add(1, 1);
	progress_stop();
	close(fd[1]);
	assert_int_equal(read(fd[0], got, sizeof(got)), 0);
	close(fd[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(line_gives_records_megabytes_and_rate),
		cmocka_unit_test(line_is_cut_to_the_buffer),
		cmocka_unit_test(asked_for_line_is_drawn_then_cleared),
		cmocka_unit_test(short_run_draws_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
