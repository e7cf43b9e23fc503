/* test_stream.c - the stream between stages: round trip, quoting, '#'
 * lines, the trailer, and cuts at every byte. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "aap.h"
#include "diag.h"
#include "prov.h"
#include "stream.h"
#include "unit.h"

/* A digest for an input token. */
#define ZERO_DIGEST "0000000000000000000000000000000000000000000000000000000000000000"

/* Writes a small stream with awkward fields into buf; returns its length. */
static size_t make_stream(char *buf, size_t cap, int plain)
{
	static const char *const rows[][3] = {
		{ "application_id", "title", "findings" },
		{ "A-1", "plain", "" },
		{ "#A-2", "a \"quoted\" word, and a comma", "" },
		{ "A-3", "two\nlines\n#trailer records=0 sha256=00", "x" },
		{ "A-4", "carriage\rreturn", "" },
	};
	FILE *f = tmpfile();
	int fd = dup(fileno(f));
	struct stream_out *out = stream_out_new(fd, "test", plain);
	struct sbuf tok;
	struct diag err;
	size_t i, j, len;

	assert_non_null(out);
	sbuf_init(&tok);
	assert_int_equal(prov_token_input(&tok, "a b%c", ZERO_DIGEST), 0);
	stream_out_line(out, STREAM_MAGIC, strlen(STREAM_MAGIC));
	stream_out_line(out, "#stage name=test", 16);
	for (i = 0; i < 5; i++) {
		for (j = 0; j < 3; j++)
			stream_out_field(out, rows[i][j], strlen(rows[i][j]));
		stream_out_end_record(out);
	}
	assert_int_equal(stream_out_finish(out, &tok, &err), 0);
	assert_int_equal(stream_out_count(out), 4);
	stream_out_free(out);
	sbuf_fini(&tok);
	len = unit_slurp(fd, buf, cap);
	close(fd);
	fclose(f);
	return len;
}

/* Reads the whole stream in buf[0, n): returns the status of the outcome
 * (0 when read whole) and the number of records in *count. */
static int read_stream(const char *buf, size_t n, int check,
		       unsigned long long *count, struct diag *err)
{
	int fd = unit_fd(buf, n);
	struct stream_in *in;
	enum read_result rr;
	int status = 0;

	assert_true(fd >= 0);
	diag_clear(err);
	in = stream_in_open(fd, "-", check, err);
	if (in == NULL) {
		close(fd);
		return err->status;
	}
	while ((rr = stream_in_next(in, err)) == READ_RECORD)
		;
	if (rr == READ_ERROR)
		status = err->status;
	if (count != NULL)
		*count = stream_in_count(in);
	stream_in_free(in);
	close(fd);
	return status;
}

static void round_trip_keeps_every_field(void **state)
{
	char buf[4096];
	size_t n = make_stream(buf, sizeof(buf), 0);
	int fd = unit_fd(buf, n);
	struct stream_in *in;
	const struct record *r;
	struct diag err;

	(void)state;
	in = stream_in_open(fd, "-", 1, &err);
	assert_non_null(in);
	assert_int_equal(stream_in_nprov(in), 2);
	assert_string_equal(stream_in_prov(in, 1), "#stage name=test");
	assert_int_equal(stream_in_column(in, "findings"), 2);
	assert_int_equal(stream_in_next(in, &err), READ_RECORD);
	assert_int_equal(stream_in_next(in, &err), READ_RECORD);
	r = stream_in_record(in);
	assert_string_equal(record_field(r, 0), "#A-2");
	assert_string_equal(record_field(r, 1), "a \"quoted\" word, and a comma");
	assert_int_equal(stream_in_next(in, &err), READ_RECORD);
	r = stream_in_record(in);
	assert_string_equal(record_field(r, 1), "two\nlines\n#trailer records=0 sha256=00");
	assert_int_equal(r->line, 6);
	assert_int_equal(stream_in_next(in, &err), READ_RECORD);
	assert_string_equal(record_field(stream_in_record(in), 1), "carriage\rreturn");
	assert_int_equal(stream_in_line(in), 9);
	assert_int_equal(stream_in_next(in, &err), READ_END);
	assert_int_equal(stream_in_count(in), 4);
	assert_non_null(strstr(stream_in_trailer(in), " input=a%20b%25c:" ZERO_DIGEST " sha256="));
	assert_int_equal(strlen(stream_in_digest(in)), 64);
	stream_in_free(in);
	close(fd);
}

static void writer_quotes_only_what_needs_it(void **state)
{
	char buf[4096];

	(void)state;
	make_stream(buf, sizeof(buf), 0);
	assert_non_null(strstr(buf, "\nA-1,plain,\n"));
	assert_non_null(strstr(buf, "\n\"#A-2\",\"a \"\"quoted\"\" word, and a comma\",\n"));
	assert_non_null(strstr(buf, "\"carriage\rreturn\""));
}

static void digest_covers_whole_input(void **state)
{
	char buf[4096], hex[DIGEST_HEX_LEN + 1];
	size_t n = make_stream(buf, sizeof(buf), 0);
	int fd = unit_fd(buf, n);
	struct diag err;
	struct stream_in *in = stream_in_open(fd, "-", 1, &err);

	(void)state;
	while (stream_in_next(in, &err) == READ_RECORD)
		;
	assert_int_equal(digest_bytes(buf, n, hex), 0);
	assert_string_equal(stream_in_digest(in), hex);
	stream_in_free(in);
	close(fd);
}

static void every_cut_is_detected(void **state)
{
	char buf[4096];
	size_t n = make_stream(buf, sizeof(buf), 0), k;
	unsigned long long count;
	struct diag err;

	(void)state;
	assert_int_equal(read_stream(buf, n, 1, &count, &err), 0);
	assert_int_equal(count, 4);
	for (k = 0; k < n; k++) {
		int status = read_stream(buf, k, 1, NULL, &err);

		if (status != AAP_EDATA)
			fail_msg("a stream cut after %zu of %zu bytes was taken "
				 "as whole (status %d)", k, n, status);
	}
}

static void missing_trailer_is_reported_as_cut(void **state)
{
	char buf[4096];
	size_t n = make_stream(buf, sizeof(buf), 0);
	char *t = strstr(buf, "#trailer records=4");
	struct diag err;

	(void)state;
	assert_non_null(t);
	n = (size_t)(t - buf);
	assert_int_equal(read_stream(buf, n, 1, NULL, &err), AAP_EDATA);
	assert_non_null(strstr(err.msg, "without its trailer"));
	/* Unchecked, the same input is taken as it is. */
	assert_int_equal(read_stream(buf, n, 0, NULL, &err), 0);
}

static void altered_record_breaks_the_digest(void **state)
{
	char buf[4096];
	size_t n = make_stream(buf, sizeof(buf), 0);
	char *p = strstr(buf, "plain");
	struct diag err;

	(void)state;
	p[0] = 'P';
	assert_int_equal(read_stream(buf, n, 1, NULL, &err), AAP_EDATA);
	assert_non_null(strstr(err.msg, "sha256"));
	/* A wrong trailer is an error even unchecked: it is not missing. */
	assert_int_equal(read_stream(buf, n, 0, NULL, &err), AAP_EDATA);
}

static void wrong_record_count_is_refused(void **state)
{
	char buf[4096];
	size_t n = make_stream(buf, sizeof(buf), 0);
	char *p = strstr(buf, "#trailer records=4");
	struct diag err;

	(void)state;
	p[17] = '5';
	assert_int_equal(read_stream(buf, n, 1, NULL, &err), AAP_EDATA);
	assert_non_null(strstr(err.msg, "does not count"));
}

static void data_after_trailer_is_refused(void **state)
{
	char buf[8192];
	size_t n = make_stream(buf, sizeof(buf), 0);
	struct diag err;

	(void)state;
	memcpy(buf + n, "A-5,late,\n", 10);
	assert_int_equal(read_stream(buf, n + 10, 1, NULL, &err), AAP_EDATA);
	assert_non_null(strstr(err.msg, "after the trailer"));
	/* Two streams one after the other are refused too. */
	memcpy(buf + n, buf, n);
	assert_int_equal(read_stream(buf, 2 * n, 1, NULL, &err), AAP_EDATA);
}

static void bare_csv_needs_the_unchecked_mode(void **state)
{
	static const char bare[] = "application_id,title\nA-1,x\nA-2,y\n";
	unsigned long long count = 0;
	struct diag err;

	(void)state;
	assert_int_equal(read_stream(bare, sizeof(bare) - 1, 1, NULL, &err), AAP_EDATA);
	assert_non_null(strstr(err.hint, "--no-truncation-check"));
	assert_int_equal(read_stream(bare, sizeof(bare) - 1, 0, &count, &err), 0);
	assert_int_equal(count, 2);
}

static void plain_output_has_no_hash_lines(void **state)
{
	char buf[4096];

	(void)state;
	make_stream(buf, sizeof(buf), 1);
	assert_memory_equal(buf, "application_id,title,findings\n", 30);
	assert_null(strstr(buf, "#aap-stream"));
	assert_null(strstr(buf, "#stage"));
	assert_null(strstr(buf, "#trailer records=4"));
}

static void header_must_start_with_application_id(void **state)
{
	static const char s[] = STREAM_MAGIC "\nid,title\n";
	struct diag err;

	(void)state;
	assert_int_equal(read_stream(s, sizeof(s) - 1, 1, NULL, &err), AAP_EDATA);
	assert_non_null(strstr(err.msg, "application_id"));
}

static void record_with_wrong_field_count_is_refused(void **state)
{
	static const char s[] = STREAM_MAGIC "\napplication_id,title\nA,b,c\n";
	struct diag err;

	(void)state;
	assert_int_equal(read_stream(s, sizeof(s) - 1, 1, NULL, &err), AAP_EDATA);
	assert_int_equal(err.line, 3);
}

static void other_stream_versions_are_refused(void **state)
{
	static const char s[] = "#aap-stream format=2\napplication_id\n";
	struct diag err;

	(void)state;
	assert_int_equal(read_stream(s, sizeof(s) - 1, 1, NULL, &err), AAP_EDATA);
	assert_non_null(strstr(err.msg, "unsupported"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip_keeps_every_field),
		cmocka_unit_test(writer_quotes_only_what_needs_it),
		cmocka_unit_test(digest_covers_whole_input),
		cmocka_unit_test(every_cut_is_detected),
		cmocka_unit_test(missing_trailer_is_reported_as_cut),
		cmocka_unit_test(altered_record_breaks_the_digest),
		cmocka_unit_test(wrong_record_count_is_refused),
		cmocka_unit_test(data_after_trailer_is_refused),
		cmocka_unit_test(bare_csv_needs_the_unchecked_mode),
		cmocka_unit_test(plain_output_has_no_hash_lines),
		cmocka_unit_test(header_must_start_with_application_id),
		cmocka_unit_test(record_with_wrong_field_count_is_refused),
		cmocka_unit_test(other_stream_versions_are_refused),
	};

	return cmocka_run_group_tests_name("stream", tests, NULL, NULL);
}
