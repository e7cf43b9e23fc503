/* test_visible.c - the one rule for making control characters visible,
 * in its two forms. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sbuf.h"
#include "visible.h"

/* Asserts that visible_add of in (n bytes) gives want. */
static void shows(const char *in, size_t n, unsigned keep,
		  enum visible_form form, const char *want)
{
	struct sbuf b;

	sbuf_init(&b);
	assert_int_equal(visible_add(&b, in, n, keep, form), 0);
	assert_int_equal(b.len, strlen(want));
	assert_memory_equal(b.data, want, b.len);
	sbuf_fini(&b);
}

static void hex_form_escapes_every_byte_of_c0_del_c1_and_bidi(void **state)
{
	(void)state;
	shows("a\033[2J\t\n\x7f", 8, 0, VISIBLE_HEX,
	      "a\\x1b[2J\\x09\\x0a\\x7f");
	shows("\xc2\x85x\xe2\x80\xaey\xe2\x81\xa6", 10, 0, VISIBLE_HEX,
	      "\\xc2\\x85x\\xe2\\x80\\xaey\\xe2\\x81\\xa6");
	shows("\0z", 2, VISIBLE_KEEP_LF, VISIBLE_HEX, "\\x00z");
}

static void picture_form_uses_control_pictures_and_code_points(
    void **state)
{
	(void)state;
	shows("\033\x7f\r", 3, 0, VISIBLE_PICTURE,
	      "\xe2\x90\x9b\xe2\x90\xa1\xe2\x90\x8d");
	shows("\xc2\x85\xe2\x80\xa8", 5, 0, VISIBLE_PICTURE,
	      "<U+0085><U+2028>");
}

static void kept_characters_and_other_utf8_stay_as_they_are(void **state)
{
	(void)state;
	shows("R\xc3\xa9gion\n\t\xe2\x80\xaf\xc2\xa0", 14,
	      VISIBLE_KEEP_LF | VISIBLE_KEEP_TAB, VISIBLE_PICTURE,
	      "R\xc3\xa9gion\n\t\xe2\x80\xaf\xc2\xa0");
	shows("\n\t", 2, VISIBLE_KEEP_LF, VISIBLE_HEX, "\n\\x09");
	/* A sequence cut short is not a control. */
	shows("\xe2\x80", 2, 0, VISIBLE_HEX, "\xe2\x80");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    hex_form_escapes_every_byte_of_c0_del_c1_and_bidi),
		cmocka_unit_test(
		    picture_form_uses_control_pictures_and_code_points),
		cmocka_unit_test(kept_characters_and_other_utf8_stay_as_they_are),
	};

	return cmocka_run_group_tests_name("visible", tests, NULL, NULL);
}
