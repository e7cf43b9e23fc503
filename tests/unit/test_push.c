/* test_push.c - store/push: what aap-push refuses before it connects (a
 * stream that nothing proves whole, files that are not those the stream
 * was made with), and a connection that fails without the password in
 * its message.  Storing itself is tested against a real server
 * (tests/cli/t-push.sh, tests/db). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "aap.h"
#include "call.h"
#include "diag.h"
#include "digest.h"
#include "ingest.h"
#include "prov.h"
#include "push.h"
#include "reader.h"
#include "sbuf.h"
#include "stream.h"
#include "unit.h"

/* A server that is not there: a socket folder that does not exist. */
#define NOWHERE "host=/nonexistent-aap-test dbname=aap connect_timeout=2"

static char dir[64];
static char in_path[128];
static char stream[8192];
static struct call *call;

static const char call_csv[] = "setting,value\nid,t-push\ntitle,Test\n";

static int setup(void **state)
{
	char path[128], *files[1] = { path };
	struct ingest_opts o;
	struct diag err;
	FILE *f;
	int fd;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/aap-test-push-XXXXXX");
	if (unit_dir_new(dir) < 0 || unit_put(dir, "call.csv", call_csv) < 0 ||
	    unit_put(dir, "fields.csv", "field,type,required,headers\n"
		     "application_id,text,yes,ID\n"
		     "title,text,yes,Titre\n") < 0 ||
	    unit_put(dir, "apps.csv", "ID,Titre\nA-1,Un\n") < 0 ||
	    unit_put(dir, "reviews.csv", "application_id,reviewer,criterion,"
		     "mark,comment\nA-1,r1,merit,3,\n") < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/apps.csv", dir);
	snprintf(in_path, sizeof(in_path), "%s/in.stream", dir);
	diag_clear(&err);
	if (call_load(dir, &call, &err) < 0 ||
	    (f = fopen(in_path, "w")) == NULL)
		return -1;
	memset(&o, 0, sizeof(o));
	o.call = call;
	o.encoding = READER_AUTO;
	o.out_fd = fileno(f);
	if (ingest_run(&o, files, 1, &err) < 0 || fclose(f) != 0)
		return -1;
	fd = open(in_path, O_RDONLY);
	if (fd < 0)
		return -1;
	unit_slurp(fd, stream, sizeof(stream));
	return close(fd);
}

static int teardown(void **state)
{
	(void)state;
	call_free(call);
	unit_dir_remove(dir);
	return 0;
}

/* push_run of path to the server conninfo, with a reviews file or NULL. */
static int push(const char *path, const char *conninfo, const char *reviews,
		struct diag *err)
{
	struct push_opts o;

	memset(&o, 0, sizeof(o));
	o.batch_id = "b1";
	o.conninfo = conninfo;
	o.call = call;
	o.side[COLUMNS_REVIEWS] = reviews;
	o.input = path;
	diag_clear(err);
	return push_run(&o, err);
}

/* Writes the stream as aap-validate leaves it (its header and record gain
 * admissible), with the '#' line extra (NULL: none; else an aap-score
 * line) after its provenance and a trailer that holds, with the tokens
 * of the last '#stage' line's stage (read back to check it), to the file
 * name; its path into path. */
static void put_validated(const char *name, const char *extra, char *path,
			  size_t cap)
{
	static char text[8192];
	char hex[DIGEST_HEX_LEN + 1];
	struct stream_in *in;
	enum read_result rr;
	struct diag err;
	struct sbuf t, tok;
	char *h, *r, *end, *tr;
	int n, fd;

	h = strstr(stream, "\napplication_id,");
	assert_non_null(h);
	r = strchr(h + 1, '\n');
	assert_non_null(r);
	end = strchr(r + 1, '\n');
	assert_non_null(end);
	n = snprintf(text, sizeof(text), "%.*s%s%s%.*s,admissible%.*s,yes\n",
		     (int)(h - stream + 1), stream, extra ? extra : "",
		     extra ? "\n" : "", (int)(r - h - 1), h + 1,
		     (int)(end - r), r);
	assert_true(n > 0 && (size_t)n < sizeof(text));
	assert_int_equal(digest_bytes(text, (size_t)n, hex), 0);
	sbuf_init(&tok);
	if (extra == NULL) {
		/* The last '#stage' line is aap-ingest's: its trailer's
		 * inputs. */
		tr = strstr(stream, "\n#trailer records=");
		assert_non_null(tr);
		tr = strchr(tr + 1, ' ');
		tr = strchr(tr + 1, ' ');
		assert_non_null(tr);
		assert_int_equal(sbuf_add(&tok, tr, (size_t)(strstr(tr, " sha256=") - tr)), 0);
	} else {
		assert_int_equal(prov_token_input(&tok, "validated.stream", hex), 0);
		assert_int_equal(sbuf_adds(&tok, " envelope=100.00 granted=0.00 left=100.00"), 0);
	}
	sbuf_init(&t);
	assert_int_equal(prov_trailer_line(&t, 1, &tok, hex), 0);
	sbuf_fini(&tok);
	assert_true((size_t)n + t.len < sizeof(text));
	memcpy(text + n, t.data, t.len + 1);
	sbuf_fini(&t);
	fd = unit_fd_str(text);
	in = stream_in_open(fd, name, 1, &err);
	assert_non_null(in);
	while ((rr = stream_in_next(in, &err)) == READ_RECORD)
		;
	if (rr != READ_END)
		fail_msg("%s", err.msg);
	stream_in_free(in);
	close(fd);
	assert_int_equal(unit_put(dir, name, text), 0);
	snprintf(path, cap, "%s/%s", dir, name);
}

/* Writes, as put_validated does, the stream aap-score would make of it
 * with the reviews file whose digest is hex (NULL: that of reviews.csv),
 * its path into path; the path of reviews.csv into reviews. */
static void put_scored(const char *hex, char *path, char *reviews, size_t cap)
{
	char line[256], own[DIGEST_HEX_LEN + 1];
	struct diag err;

	snprintf(reviews, cap, "%s/reviews.csv", dir);
	if (hex == NULL) {
		assert_int_equal(digest_file(reviews, own, &err), 0);
		hex = own;
	}
	snprintf(line, sizeof(line), "#stage name=aap-score version=%s "
		 "call=t-push file=reviews:reviews.csv:%s", AAP_VERSION, hex);
	put_validated("scored.stream", line, path, cap);
}

static void refuses_an_unchecked_stream_before_connecting(void **state)
{
	static char text[8192];
	char path[128], *p;
	struct diag err;

	(void)state;
	p = strstr(stream, "\napplication_id,");
	assert_non_null(p);
	snprintf(text, sizeof(text), "%.*s truncation-check=off%s",
		 (int)(p - stream), stream, p);
	assert_int_equal(unit_put(dir, "unchecked.stream", text), 0);
	snprintf(path, sizeof(path), "%s/unchecked.stream", dir);
	assert_int_equal(push(path, NOWHERE, NULL, &err), -1);
	assert_int_equal(err.status, AAP_EDATA);
	assert_non_null(strstr(err.msg, "--no-truncation-check"));
}

static void refuses_a_call_file_changed_since_the_stream(void **state)
{
	struct diag err;

	(void)state;
	assert_int_equal(unit_put(dir, "call.csv", "setting,value\nid,t-push\n"
				  "title,Test changed\n"), 0);
	assert_int_equal(push(in_path, NOWHERE, NULL, &err), -1);
	assert_int_equal(unit_put(dir, "call.csv", call_csv), 0);
	assert_int_equal(err.status, AAP_EUSAGE);
	assert_non_null(strstr(err.msg, "is not the call file"));
}

static void refuses_a_side_file_the_stream_was_not_made_with(void **state)
{
	char path[128];
	struct diag err;

	(void)state;
	snprintf(path, sizeof(path), "%s/reviews.csv", dir);
	assert_int_equal(push(in_path, NOWHERE, path, &err), -1);
	assert_int_equal(err.status, AAP_EUSAGE);
	assert_non_null(strstr(err.msg, "not made with a reviews file"));
}

static void refuses_a_stream_not_validated_before_connecting(void **state)
{
	struct diag err;

	(void)state;
	assert_int_equal(push(in_path, NOWHERE, NULL, &err), -1);
	assert_int_equal(err.status, AAP_EDATA);
	assert_non_null(strstr(err.msg, "not validated"));
}

static void a_failed_connection_is_a_database_error_without_password(
	void **state)
{
	char path[128];
	struct diag err;

	(void)state;
	put_validated("valid.stream", NULL, path, sizeof(path));
	assert_int_equal(push(path, NOWHERE " password=S3cretPw", NULL,
			      &err), -1);
	if (err.status != AAP_EDB)
		fail_msg("%s", err.msg);
	assert_null(strstr(err.msg, "S3cretPw"));
	assert_null(strstr(err.detail, "S3cretPw"));
	assert_null(strstr(err.hint, "S3cretPw"));
}

static void refuses_a_stream_cut_off_before_its_header_before_connecting(
	void **state)
{
	static char text[8192];
	char path[128], *h;
	struct diag err;

	(void)state;
	h = strstr(stream, "\napplication_id,");
	assert_non_null(h);
	snprintf(text, sizeof(text), "%.*s", (int)(h - stream + 1), stream);
	assert_int_equal(unit_put(dir, "cut.stream", text), 0);
	snprintf(path, sizeof(path), "%s/cut.stream", dir);
	assert_int_equal(push(path, NOWHERE, NULL, &err), -1);
	assert_int_equal(err.status, AAP_EDATA);
	assert_non_null(strstr(err.msg, "cut off"));
}

static void refuses_bare_csv_before_connecting(void **state)
{
	char path[128];
	struct diag err;

	(void)state;
	assert_int_equal(unit_put(dir, "bare.csv", "application_id,title,"
				  "source_file,source_line,findings,admissible\n"
				  "A-1,Un,apps.csv,2,,yes\n"), 0);
	snprintf(path, sizeof(path), "%s/bare.csv", dir);
	assert_int_equal(push(path, NOWHERE, NULL, &err), -1);
	assert_int_equal(err.status, AAP_EDATA);
	assert_non_null(strstr(err.msg, "bare CSV"));
}

static void refuses_a_malformed_file_token_before_connecting(void **state)
{
	char path[128], line[256];
	struct diag err;

	(void)state;
	snprintf(line, sizeof(line), "#stage name=aap-score version=%s "
		 "call=t-push file=reviews", AAP_VERSION);
	put_validated("badtoken.stream", line, path, sizeof(path));
	assert_int_equal(push(path, NOWHERE, NULL, &err), -1);
	assert_int_equal(err.status, AAP_EDATA);
	assert_non_null(strstr(err.msg, "malformed file token"));
}

static void refuses_a_side_file_the_stream_names_when_not_given(void **state)
{
	char path[128], reviews[128];
	struct diag err;

	(void)state;
	put_scored(NULL, path, reviews, sizeof(path));
	assert_int_equal(push(path, NOWHERE, NULL, &err), -1);
	assert_int_equal(err.status, AAP_EUSAGE);
	assert_non_null(strstr(err.msg, "which was not given"));
	assert_non_null(strstr(err.hint, "--reviews"));
}

static void refuses_a_side_file_whose_digest_differs_before_connecting(
	void **state)
{
	char path[128], reviews[128], hex[DIGEST_HEX_LEN + 1];
	struct diag err;

	(void)state;
	assert_int_equal(digest_bytes("other", 5, hex), 0);
	put_scored(hex, path, reviews, sizeof(path));
	assert_int_equal(push(path, NOWHERE, reviews, &err), -1);
	assert_int_equal(err.status, AAP_EUSAGE);
	assert_non_null(strstr(err.msg, "is not the reviews file"));
	assert_non_null(strstr(err.detail, hex));
}

static void refuses_a_side_file_that_is_not_there(void **state)
{
	char path[128], reviews[128];
	struct diag err;

	(void)state;
	put_scored(NULL, path, reviews, sizeof(path));
	snprintf(reviews, sizeof(reviews), "%s/absent.csv", dir);
	assert_int_equal(push(path, NOWHERE, reviews, &err), -1);
	assert_int_equal(err.status, AAP_ESYS);
	assert_non_null(strstr(err.msg, "absent.csv"));
}

static void a_side_file_that_matches_goes_on_to_the_connection(void **state)
{
	char path[128], reviews[128];
	struct diag err;

	(void)state;
	put_scored(NULL, path, reviews, sizeof(path));
	assert_int_equal(push(path, NOWHERE, reviews, &err), -1);
	if (err.status != AAP_EDB)
		fail_msg("%s", err.msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refuses_an_unchecked_stream_before_connecting),
		cmocka_unit_test(refuses_a_call_file_changed_since_the_stream),
		cmocka_unit_test(
		    refuses_a_side_file_the_stream_was_not_made_with),
		cmocka_unit_test(
		    refuses_a_stream_not_validated_before_connecting),
		cmocka_unit_test(
		    a_failed_connection_is_a_database_error_without_password),
		cmocka_unit_test(
		    refuses_a_stream_cut_off_before_its_header_before_connecting),
		cmocka_unit_test(refuses_bare_csv_before_connecting),
		cmocka_unit_test(
		    refuses_a_malformed_file_token_before_connecting),
		cmocka_unit_test(
		    refuses_a_side_file_the_stream_names_when_not_given),
		cmocka_unit_test(
		    refuses_a_side_file_whose_digest_differs_before_connecting),
		cmocka_unit_test(refuses_a_side_file_that_is_not_there),
		cmocka_unit_test(
		    a_side_file_that_matches_goes_on_to_the_connection),
	};

	return cmocka_run_group_tests_name("push", tests, setup, teardown);
}
