/* test_diag.c - the error record and its GNU form: control characters
 * in values are shown, never sent to the terminal. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "aap.h"
#include "diag.h"
#include "sbuf.h"
#include "visible.h"

static void message_shows_control_characters_as_hex(void **state)
{
	char buf[4096];
	struct diag d;

	(void)state;
	diag_set(&d, AAP_EDATA, "a\tb.csv", 2, "unknown application \"%s\"",
		 "\033]0;pwn\007\033[2J");
	diag_detail(&d, "line\nbreak");
	diag_hint(&d, "del\177");
	diag_format(&d, "aap-score", buf, sizeof(buf));
	assert_string_equal(buf,
		"aap-score:a\\x09b.csv:2: error: unknown application "
		"\"\\x1b]0;pwn\\x07\\x1b[2J\"\n"
		"aap-score: detail: line\\x0abreak\n"
		"aap-score: hint: del\\x7f\n");
	/* What the record holds stays as it was. */
	assert_non_null(strchr(d.msg, '\033'));
}

static void report_cells_keep_line_breaks_and_utf8(void **state)
{
	struct sbuf b;

	(void)state;
	sbuf_init(&b);
	assert_int_equal(visible_add(&b, "R\xc3\xa9gion\n\033[2J\r\0x", 15,
				     VISIBLE_KEEP_LF, VISIBLE_HEX), 0);
	assert_int_equal(b.len, strlen("R\xc3\xa9gion\n\\x1b[2J\\x0d\\x00x"));
	assert_memory_equal(b.data, "R\xc3\xa9gion\n\\x1b[2J\\x0d\\x00x", b.len);
	sbuf_fini(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(message_shows_control_characters_as_hex),
		cmocka_unit_test(report_cells_keep_line_breaks_and_utf8),
	};

	return cmocka_run_group_tests_name("diag", tests, NULL, NULL);
}
