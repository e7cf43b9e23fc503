/* test_reader.c - the CSV reader: line ends, quoting, line numbers, '#'
 * lines, caps and the errors libcsv is set to report. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <signal.h>
#include <unistd.h>

#include "aap.h"
#include "diag.h"
#include "reader.h"
#include "unit.h"

struct fixture {
	int fd;
	struct reader *r;
	struct diag err;
};

static struct fixture fx;

/* Opens a reader of s (n bytes) with the options o. */
static struct reader *open_with(const char *s, size_t n,
				const struct reader_opts *o)
{
	fx.fd = unit_fd(s, n);
	diag_clear(&fx.err);
	fx.r = reader_new(fx.fd, "t.csv", o, &fx.err);
	assert_non_null(fx.r);
	return fx.r;
}

/* Opens a reader of s with the source options (CR/LF, BOM) or not. */
static struct reader *open_str(const char *s, size_t n, int source,
			       int hash_lines)
{
	struct reader_opts o;

	reader_opts_default(&o);
	o.cr_ends_line = source;
	o.skip_bom = source;
	o.hash_lines = hash_lines;
	return open_with(s, n, &o);
}

static int teardown(void **state)
{
	(void)state;
	reader_free(fx.r);
	fx.r = NULL;
	if (fx.fd >= 0)
		close(fx.fd);
	fx.fd = -1;
	return 0;
}

/* Reads the next record and checks its fields, joined with '|'. */
static void expect(struct reader *r, const char *joined, unsigned long line)
{
	char buf[256] = "";
	size_t i, len = 0;
	const struct record *rec;

	assert_int_equal(reader_next(r, &fx.err), READ_RECORD);
	rec = reader_record(r);
	for (i = 0; i < rec->n; i++) {
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
					i ? "|" : "", record_field(rec, i));
	}
	assert_string_equal(buf, joined);
	assert_int_equal(rec->line, line);
}

static void crlf_lf_and_no_final_newline(void **state)
{
	static const char s[] = "a,b\r\nc,d\ne,f";
	struct reader *r = open_str(s, sizeof(s) - 1, 1, 0);

	(void)state;
	expect(r, "a|b", 1);
	expect(r, "c|d", 2);
	expect(r, "e|f", 3);
	assert_int_equal(reader_next(r, &fx.err), READ_END);
}

static void cr_only_line_ends(void **state)
{
	static const char s[] = "a,b\rc,d\r";
	struct reader *r = open_str(s, sizeof(s) - 1, 1, 0);

	(void)state;
	expect(r, "a|b", 1);
	expect(r, "c|d", 2);
	assert_int_equal(reader_next(r, &fx.err), READ_END);
}

static void bom_is_dropped(void **state)
{
	static const char s[] = "\xEF\xBB\xBF\"ID\",x\n1,2\n";
	struct reader *r = open_str(s, sizeof(s) - 1, 1, 0);

	(void)state;
	expect(r, "ID|x", 1);
	expect(r, "1|2", 2);
}

static void quoted_line_breaks_keep_line_numbers(void **state)
{
	static const char s[] = "a,\"one\r\ntwo\nthree\"\nb,c\n";
	struct reader *r = open_str(s, sizeof(s) - 1, 1, 0);

	(void)state;
	expect(r, "a|one\r\ntwo\nthree", 1);
	expect(r, "b|c", 4);
}

static void spaces_are_kept(void **state)
{
	static const char s[] = " a , b\t\n";
	struct reader *r = open_str(s, sizeof(s) - 1, 1, 0);

	(void)state;
	expect(r, " a | b\t", 1);
}

static void blank_line_is_a_record_of_no_field(void **state)
{
	static const char s[] = "a\n\nb\n";
	struct reader *r = open_str(s, sizeof(s) - 1, 1, 0);

	(void)state;
	expect(r, "a", 1);
	assert_int_equal(reader_next(r, &fx.err), READ_RECORD);
	assert_int_equal(reader_record(r)->n, 0);
	expect(r, "b", 3);
}

static void rejects_stray_quote(void **state)
{
	static const char s[] = "a,b\nc,d\"e\nf,g\n";
	struct reader *r = open_str(s, sizeof(s) - 1, 1, 0);

	(void)state;
	expect(r, "a|b", 1);
	assert_int_equal(reader_next(r, &fx.err), READ_ERROR);
	assert_int_equal(fx.err.status, AAP_EDATA);
	assert_int_equal(fx.err.line, 2);
	assert_non_null(strstr(fx.err.msg, "stray quote"));
}

static void rejects_text_after_closing_quote(void **state)
{
	static const char s[] = "x,y\n\"a\"b,c\n";
	struct reader *r = open_str(s, sizeof(s) - 1, 1, 0);

	(void)state;
	expect(r, "x|y", 1);
	assert_int_equal(reader_next(r, &fx.err), READ_ERROR);
	assert_int_equal(fx.err.line, 2);
	assert_non_null(strstr(fx.err.msg, "after the closing quote"));
}

static void rejects_unterminated_quote(void **state)
{
	static const char s[] = "x,y\na,\"open\nstill open\n";
	struct reader *r = open_str(s, sizeof(s) - 1, 1, 0);

	(void)state;
	expect(r, "x|y", 1);
	assert_int_equal(reader_next(r, &fx.err), READ_ERROR);
	assert_int_equal(fx.err.line, 2);
	assert_non_null(strstr(fx.err.msg, "unterminated"));
}

static void hash_lines_only_at_record_starts(void **state)
{
	static const char s[] = "#one\na,\"b\n#not a line\"\n#two\n";
	struct reader *r = open_str(s, sizeof(s) - 1, 0, 1);
	size_t n;

	(void)state;
	assert_int_equal(reader_next(r, &fx.err), READ_HASH);
	assert_string_equal(reader_hash_line(r, &n), "#one");
	assert_int_equal(n, 4);
	expect(r, "a|b\n#not a line", 2);
	assert_int_equal(reader_next(r, &fx.err), READ_HASH);
	assert_string_equal(reader_hash_line(r, NULL), "#two");
	assert_int_equal(reader_line(r), 4);
	assert_int_equal(reader_next(r, &fx.err), READ_END);
}

static void stream_mode_refuses_a_cr_outside_quotes(void **state)
{
	static const char s[] = "\"a\rb\",c\nd\re,f\n";
	struct reader *r = open_str(s, sizeof(s) - 1, 0, 1);

	(void)state;
	expect(r, "a\rb|c", 1);
	assert_int_equal(reader_next(r, &fx.err), READ_ERROR);
	assert_int_equal(fx.err.status, AAP_EDATA);
	assert_int_equal(fx.err.line, 2);
	assert_non_null(strstr(fx.err.msg, "carriage return outside a quoted field"));
}

static void stream_mode_refuses_a_last_line_without_end(void **state)
{
	static const char s[] = "a,b\nc,d";
	struct reader *r = open_str(s, sizeof(s) - 1, 0, 1);

	(void)state;
	expect(r, "a|b", 1);
	assert_int_equal(reader_next(r, &fx.err), READ_ERROR);
	assert_int_equal(fx.err.status, AAP_EDATA);
}

static void field_over_the_cap_is_refused(void **state)
{
	struct reader_opts o;
	static const char s[] = "short,0123456789abcdef\n";

	(void)state;
	reader_opts_default(&o);
	o.field_max = 10;
	fx.fd = unit_fd(s, sizeof(s) - 1);
	fx.r = reader_new(fx.fd, "t.csv", &o, &fx.err);
	assert_int_equal(reader_next(fx.r, &fx.err), READ_ERROR);
	assert_non_null(strstr(fx.err.msg, "field 2 is longer than 10 bytes"));
}

static void record_over_the_cap_is_refused(void **state)
{
	struct reader_opts o;
	char s[200];

	(void)state;
	memset(s, 'x', sizeof(s));
	reader_opts_default(&o);
	o.record_max = 100;
	fx.fd = unit_fd(s, sizeof(s)); /* a line with no end */
	fx.r = reader_new(fx.fd, "t.csv", &o, &fx.err);
	assert_int_equal(reader_next(fx.r, &fx.err), READ_ERROR);
	assert_non_null(strstr(fx.err.msg, "longer than 100 bytes"));
}

static void long_input_crosses_buffer_boundaries(void **state)
{
	static char big[300000];
	size_t len = 0;
	unsigned long i;
	struct reader *r;

	(void)state;
	for (i = 0; i < 10000; i++)
		len += (size_t)snprintf(big + len, sizeof(big) - len,
					"%lu,\"x\ny\",z\n", i);
	r = open_str(big, len, 0, 0);
	for (i = 0; i < 10000; i++) {
		assert_int_equal(reader_next(r, &fx.err), READ_RECORD);
		assert_int_equal(reader_record(r)->line, 2 * i + 1);
		assert_int_equal(strtoul(record_field(reader_record(r), 0), NULL, 10), i);
	}
	assert_int_equal(reader_next(r, &fx.err), READ_END);
	assert_int_equal(reader_offset(r), len);
}

/* Opens a source reader of s (n bytes) that decides its encoding. */
static struct reader *open_auto(const char *s, size_t n)
{
	struct reader_opts o;

	reader_opts_default(&o);
	o.cr_ends_line = 1;
	o.encoding = READER_AUTO;
	return open_with(s, n, &o);
}

/* A long UTF-8 source, with characters of two, three and four bytes cut
 * at every place by the reader's reads: every field comes back whole,
 * and an invalid byte far in is reported at its line. */
static void long_utf8_source_is_checked_across_reads(void **state)
{
	static char big[400000];
	static const char *const chars[] = { "\xC3\xA9", "\xE2\x82\xAC",
					     "\xF0\x9D\x84\x9E" };
	char want[64];
	size_t len = 0, wl;
	unsigned long i;
	struct reader *r;

	(void)state;
	for (i = 0; i < 12000; i++)
		len += (size_t)snprintf(big + len, sizeof(big) - len,
					"%lu,%.*s%s%s\r\n", i, (int)(i % 7),
					"abcdefg", chars[i % 3], chars[(i + 1) % 3]);
	/* An invalid byte on the last line. */
	len += (size_t)snprintf(big + len, sizeof(big) - len, "x,\xC3(\n");
	r = open_auto(big, len);
	/* Each chunk is checked whole when read: the error stops the reading
	 * a little before its line (the stage stops there, status 1). */
	for (i = 0; reader_next(r, &fx.err) == READ_RECORD; i++) {
		assert_int_equal(reader_record(r)->line, i + 1);
		wl = (size_t)snprintf(want, sizeof(want), "%.*s%s%s", (int)(i % 7),
				      "abcdefg", chars[i % 3], chars[(i + 1) % 3]);
		assert_int_equal(record_len(reader_record(r), 1), wl);
		assert_memory_equal(record_field(reader_record(r), 1), want, wl);
	}
	assert_true(i > 9000);
	assert_int_equal(fx.err.line, 12001);
	assert_string_equal(fx.err.msg, "byte 0xC3 is not valid UTF-8");
	assert_int_equal(reader_encoding(r), READER_UTF8);
}

/* A long Windows-1252 source is decoded to UTF-8 across reads. */
static void long_cp1252_source_is_decoded_across_reads(void **state)
{
	static char big[200000];
	size_t len = 0;
	unsigned long i;
	struct reader *r;

	(void)state;
	for (i = 0; i < 12000; i++)
		len += (size_t)snprintf(big + len, sizeof(big) - len,
					"%lu,caf\xE9 \x80%lu\n", i, i);
	r = open_auto(big, len);
	for (i = 0; i < 12000; i++) {
		char want[64];

		assert_int_equal(reader_next(r, &fx.err), READ_RECORD);
		snprintf(want, sizeof(want), "caf\xC3\xA9 \xE2\x82\xAC%lu", i);
		assert_string_equal(record_field(reader_record(r), 1), want);
	}
	assert_int_equal(reader_next(r, &fx.err), READ_END);
	assert_int_equal(reader_encoding(r), READER_CP1252);
}

/* Opens a reader of the source in fd, read ahead or inline; ';' found from
 * the header, the encoding decided while reading, recovery on, a field
 * cap of 64 bytes. */
static struct reader *open_source(int fd, int ahead)
{
	struct reader_opts o;
	struct diag err;
	struct reader *r;

	reader_opts_default(&o);
	o.cr_ends_line = 1;
	o.skip_bom = 1;
	o.recover = 1;
	o.encoding = READER_AUTO;
	o.delim = 0;
	o.field_max = 64;
	diag_clear(&err);
	r = reader_new(fd, "t.csv", &o, &err);
	assert_non_null(r);
	if (ahead)
		reader_read_ahead(r);
	return r;
}

/* A source read ahead on a thread gives, item for item, what it gives read
 * inline: records, lines, broken records, the delimiter and encoding as
 * known at each item (the encoding is decided far in), offsets, and the
 * same error at the same place; the end and the error are given again when
 * asked again. */
static void read_ahead_gives_what_inline_gives(void **state)
{
	static char big[2000000];
	struct reader *in, *ah;
	struct diag e1, e2;
	enum read_result r1, r2;
	const struct record *a, *b;
	size_t len = 0, i, items = 0, broken = 0;
	int fd1, fd2, pass;

	(void)state;
	len += (size_t)snprintf(big + len, sizeof(big) - len, "id;name;note\r\n");
	for (i = 0; i < 40000; i++) {
		if (i == 30000) /* a Windows-1252 byte: the encoding is decided */
			len += (size_t)snprintf(big + len, sizeof(big) - len,
						"%zu;caf\xE9;x\r\n", i);
		else if (i % 997 == 0) /* bad quoting, recovered */
			len += (size_t)snprintf(big + len, sizeof(big) - len,
						"%zu;a\"b;c\r\n", i);
		else if (i % 101 == 0) /* a blank line */
			len += (size_t)snprintf(big + len, sizeof(big) - len,
						"\r\n");
		else
			len += (size_t)snprintf(big + len, sizeof(big) - len,
						"%zu;\"n;%zu\r\nsecond\";%.*s\r\n",
						i, i, (int)(i % 40),
						"0123456789012345678901234567890123456789");
	}
	for (pass = 0; pass < 2; pass++) {
		/* pass 1: a field over the cap at the end stops both */
		size_t n = len;

		if (pass == 1)
			n += (size_t)snprintf(big + len, sizeof(big) - len,
					      "x;%0100d;y\r\n", 0);
		fd1 = unit_fd(big, n);
		fd2 = unit_fd(big, n);
		in = open_source(fd1, 0);
		ah = open_source(fd2, 1);
		diag_clear(&e1);
		diag_clear(&e2);
		do {
			r1 = reader_next(in, &e1);
			r2 = reader_next(ah, &e2);
			assert_int_equal(r1, r2);
			assert_int_equal(reader_line(in), reader_line(ah));
			assert_int_equal(reader_delim(in), reader_delim(ah));
			assert_int_equal(reader_encoding(in), reader_encoding(ah));
			assert_int_equal(reader_offset(in), reader_offset(ah));
			if (r1 != READ_RECORD)
				break;
			a = reader_record(in);
			b = reader_record(ah);
			assert_int_equal(a->n, b->n);
			assert_int_equal(a->line, b->line);
			assert_int_equal(a->broken, b->broken);
			broken += a->broken != 0;
			for (i = 0; i < a->n; i++) {
				assert_int_equal(record_len(a, i), record_len(b, i));
				assert_memory_equal(record_field(a, i),
						    record_field(b, i),
						    record_len(a, i) + 1);
			}
			items++;
		} while (1);
		assert_int_equal(r1, pass == 0 ? READ_END : READ_ERROR);
		if (pass == 1) {
			assert_string_equal(e1.msg, e2.msg);
			assert_int_equal(e1.line, e2.line);
			assert_true(e2.msg[0] != '\0');
		}
		assert_int_equal(reader_encoding(ah), READER_CP1252);
		assert_int_equal(reader_delim(ah), ';');
		/* asked again: the same end, or the same error */
		diag_clear(&e2);
		assert_int_equal(reader_next(ah, &e2), r1);
		if (pass == 1)
			assert_string_equal(e1.msg, e2.msg);
		reader_free(in);
		reader_free(ah);
		close(fd1);
		close(fd2);
	}
	assert_true(items > 2 * 40000);
	assert_true(broken >= 2 * 40);
}

/* The test has failed, stuck where no return is possible. */
static void no_answer(int sig)
{
	static const char msg[] = "read_ahead_stops_while_waiting_for_input: "
		"no answer in 20 s: records held back, or reader_free "
		"waiting for input that never came\n";

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(1);
	_exit(1);
}

/* A reader that reads ahead from a pipe that stays open gives the records
 * it has before it waits for more, and can be freed at once: its thread is
 * stopped while it waits for input. */
static void read_ahead_stops_while_waiting_for_input(void **state)
{
	char line[64];
	struct reader *r;
	struct diag err;
	int p[2], i;
	size_t n;

	(void)state;
	assert_int_equal(pipe(p), 0);
	/* fewer lines than the thread reads ahead: it goes on to wait */
	for (i = 0; i < 100; i++) {
		n = (size_t)snprintf(line, sizeof(line), "%d,x\n", i);
		assert_int_equal(write(p[1], line, n), (ssize_t)n);
	}
	signal(SIGALRM, no_answer);
	alarm(20);
	r = open_source(p[0], 1);
	/* the records come before the input ends */
	for (i = 0; i < 10; i++)
		assert_int_equal(reader_next(r, &err), READ_RECORD);
	reader_free(r);
	alarm(0);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(crlf_lf_and_no_final_newline, teardown),
		cmocka_unit_test_teardown(cr_only_line_ends, teardown),
		cmocka_unit_test_teardown(bom_is_dropped, teardown),
		cmocka_unit_test_teardown(quoted_line_breaks_keep_line_numbers, teardown),
		cmocka_unit_test_teardown(spaces_are_kept, teardown),
		cmocka_unit_test_teardown(blank_line_is_a_record_of_no_field, teardown),
		cmocka_unit_test_teardown(rejects_stray_quote, teardown),
		cmocka_unit_test_teardown(rejects_text_after_closing_quote, teardown),
		cmocka_unit_test_teardown(rejects_unterminated_quote, teardown),
		cmocka_unit_test_teardown(hash_lines_only_at_record_starts, teardown),
		cmocka_unit_test_teardown(stream_mode_refuses_a_cr_outside_quotes, teardown),
		cmocka_unit_test_teardown(stream_mode_refuses_a_last_line_without_end, teardown),
		cmocka_unit_test_teardown(field_over_the_cap_is_refused, teardown),
		cmocka_unit_test_teardown(record_over_the_cap_is_refused, teardown),
		cmocka_unit_test_teardown(long_input_crosses_buffer_boundaries, teardown),
		cmocka_unit_test_teardown(long_utf8_source_is_checked_across_reads, teardown),
		cmocka_unit_test_teardown(long_cp1252_source_is_decoded_across_reads, teardown),
		cmocka_unit_test(read_ahead_gives_what_inline_gives),
		cmocka_unit_test(read_ahead_stops_while_waiting_for_input),
	};

	return cmocka_run_group_tests_name("reader", tests, NULL, NULL);
}
