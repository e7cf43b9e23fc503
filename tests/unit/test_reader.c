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

/* A source's options: ';' found from the header, the encoding decided
 * while reading, recovery on, a field cap of 64 bytes. */
static void source_opts(struct reader_opts *o)
{
	reader_opts_default(o);
	o->cr_ends_line = 1;
	o->skip_bom = 1;
	o->recover = 1;
	o->encoding = READER_AUTO;
	o->delim = 0;
	o->field_max = 64;
}

/* What two readers of the same bytes gave, item for item. */
struct both {
	enum read_result rr;      /* the last item: READ_END or READ_ERROR */
	struct diag err;          /* its error, as the first reader said it */
	size_t items;             /* records */
	size_t broken;            /* records cut short by bad quoting */
	unsigned char delim;      /* the delimiter at the end */
	enum reader_encoding enc; /* the encoding at the end */
};

/* Reads s[0, n) with oa (read ahead when ahead_a) and with ob (ahead_b),
 * and checks that both give the same items: records, lines, broken
 * records, the delimiter and encoding as known at each item, offsets (but
 * past an error), and the same error at the same place; and the same end
 * or error when asked again. */
static void read_same(const char *s, size_t n, const struct reader_opts *oa,
		      int ahead_a, const struct reader_opts *ob, int ahead_b,
		      struct both *out)
{
	struct reader *ra, *rb;
	struct diag e2;
	const struct record *a, *b;
	enum read_result r2;
	int fd1 = unit_fd(s, n), fd2 = unit_fd(s, n);
	size_t i;

	memset(out, 0, sizeof(*out));
	diag_clear(&out->err);
	diag_clear(&e2);
	ra = reader_new(fd1, "t.csv", oa, &out->err);
	rb = reader_new(fd2, "t.csv", ob, &e2);
	assert_non_null(ra);
	assert_non_null(rb);
	if (ahead_a)
		reader_read_ahead(ra);
	if (ahead_b)
		reader_read_ahead(rb);
	do {
		out->rr = reader_next(ra, &out->err);
		r2 = reader_next(rb, &e2);
		assert_int_equal(out->rr, r2);
		assert_int_equal(reader_line(ra), reader_line(rb));
		assert_int_equal(reader_delim(ra), reader_delim(rb));
		assert_int_equal(reader_encoding(ra), reader_encoding(rb));
		if (out->rr == READ_ERROR)
			break; /* the offset past an error is not defined */
		assert_int_equal(reader_offset(ra), reader_offset(rb));
		if (out->rr != READ_RECORD)
			break;
		a = reader_record(ra);
		b = reader_record(rb);
		assert_int_equal(a->n, b->n);
		assert_int_equal(a->line, b->line);
		assert_int_equal(a->broken, b->broken);
		out->broken += a->broken != 0;
		for (i = 0; i < a->n; i++) {
			assert_int_equal(record_len(a, i), record_len(b, i));
			assert_memory_equal(record_field(a, i), record_field(b, i),
					    record_len(a, i) + 1);
		}
		out->items++;
	} while (1);
	if (out->rr == READ_ERROR) {
		assert_string_equal(out->err.msg, e2.msg);
		assert_string_equal(out->err.detail, e2.detail);
		assert_int_equal(out->err.line, e2.line);
		assert_true(e2.msg[0] != '\0');
	}
	out->delim = reader_delim(rb);
	out->enc = reader_encoding(rb);
	/* asked again: the same end, or the same error */
	diag_clear(&e2);
	assert_int_equal(reader_next(rb, &e2), out->rr);
	if (out->rr == READ_ERROR)
		assert_string_equal(out->err.msg, e2.msg);
	reader_free(ra);
	reader_free(rb);
	close(fd1);
	close(fd2);
}

/* A source read ahead on a thread gives, item for item, what it gives read
 * inline (read_same), the encoding being decided far in. */
static void read_ahead_gives_what_inline_gives(void **state)
{
	static char big[2000000];
	struct reader_opts o;
	struct both got;
	size_t len = 0, i, items = 0, broken = 0;
	int pass;

	(void)state;
	source_opts(&o);
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
		read_same(big, n, &o, 0, &o, 1, &got);
		assert_int_equal(got.rr, pass == 0 ? READ_END : READ_ERROR);
		assert_int_equal(got.enc, READER_CP1252);
		assert_int_equal(got.delim, ';');
		items += got.items;
		broken += got.broken;
	}
	assert_true(items > 2 * 40000);
	assert_true(broken >= 2 * 40);
}

/* A source read without recovery (the call's tables, the reviews file)
 * goes through the reader's own scanner, and gives, item for item, what
 * libcsv gives (read_same): CR, LF and CRLF line ends, outside quotes and
 * inside them, cut by the reads at every place; blank lines; a byte order
 * mark; a last line with no end; and the same error where one stops the
 * file: a record over the cap in the piece where a field is over its own
 * cap too, text after a closing quote, a quoted field left open. */
static void scanner_gives_what_libcsv_gives_for_a_source(void **state)
{
	static const char *const ends[] = { "\r\n", "\n", "\r" };
	static const char *const tails[] = {
		"", "9,r9,\"last line\",with no end",
		"9,r9,\"", "9,r9,\"a\"b\r\n",
		"9,r9,0123456789,\"one\r\n0123456789012345678901234\"\r\n",
	};
	static char big[1500000];
	struct reader_opts lib, own;
	struct both got;
	size_t len, i, t;

	(void)state;
	reader_opts_default(&own);
	own.cr_ends_line = 1;
	own.skip_bom = 1;
	own.record_max = 40;
	own.field_max = 24;
	lib = own;
	lib.libcsv = 1;
	len = (size_t)snprintf(big, sizeof(big),
			       "\xEF\xBB\xBF" "application_id,reviewer,mark,"
			       "comment\r\n");
	for (i = 0; i < 30000; i++) {
		const char *end = ends[i % 3], *in = ends[(i / 3) % 3];

		if (i % 89 == 0)
			len += (size_t)snprintf(big + len, sizeof(big) - len,
						"%s", end); /* blank */
		else
			len += (size_t)snprintf(big + len, sizeof(big) - len,
						"%zu,r%zu,%zu,\"a%sb\"\"c\"%s",
						i % 1000, i % 7, i % 5, in, end);
	}
	for (t = 0; t < sizeof(tails) / sizeof(tails[0]); t++) {
		size_t n = len + (size_t)snprintf(big + len, sizeof(big) - len,
						  "%s", tails[t]);

		read_same(big, n, &own, 0, &lib, 0, &got);
		assert_true(got.items > 30000);
		assert_int_equal(got.rr, t < 2 ? READ_END : READ_ERROR);
		if (t == 2)
			assert_non_null(strstr(got.err.msg, "unterminated"));
		if (t == 3)
			assert_non_null(strstr(got.err.msg, "after the closing"));
		if (t == 4)
			assert_non_null(strstr(got.err.msg, "record longer"));
	}
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
	struct reader_opts o;
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
	source_opts(&o);
	diag_clear(&err);
	r = reader_new(p[0], "t.csv", &o, &err);
	assert_non_null(r);
	reader_read_ahead(r);
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
		cmocka_unit_test(scanner_gives_what_libcsv_gives_for_a_source),
		cmocka_unit_test(read_ahead_stops_while_waiting_for_input),
	};

	return cmocka_run_group_tests_name("reader", tests, NULL, NULL);
}
