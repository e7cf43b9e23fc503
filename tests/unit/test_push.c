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
#include "ingest.h"
#include "push.h"
#include "reader.h"
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
	static char text[8192];
	char path[128], *h, *r;
	struct diag err;

	(void)state;
	/* The stream as aap-validate leaves it, as far as the checks made
	 * before connecting read it: its header and record gain admissible. */
	h = strstr(stream, "\napplication_id,");
	assert_non_null(h);
	h = strchr(h + 1, '\n');
	r = strchr(h + 1, '\n');
	assert_true(h != NULL && r != NULL);
	snprintf(text, sizeof(text), "%.*s,admissible%.*s,yes%s",
		 (int)(h - stream), stream, (int)(r - h), h, r);
	assert_int_equal(unit_put(dir, "valid.stream", text), 0);
	snprintf(path, sizeof(path), "%s/valid.stream", dir);
	assert_int_equal(push(path, NOWHERE " password=S3cretPw", NULL,
			      &err), -1);
	if (err.status != AAP_EDB)
		fail_msg("%s", err.msg);
	assert_null(strstr(err.msg, "S3cretPw"));
	assert_null(strstr(err.detail, "S3cretPw"));
	assert_null(strstr(err.hint, "S3cretPw"));
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
	};

	return cmocka_run_group_tests_name("push", tests, setup, teardown);
}
