/* test_stage.c - lib/stage: a stage between its input stream and the
 * output it is given: the provenance carried and extended, the columns
 * added, the trailer chained to the input's digest, and the inputs it
 * refuses. */
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
#include "reader.h"
#include "stage.h"
#include "stream.h"
#include "unit.h"

static char dir[64];
static char in_path[128];
static struct call *call;

static int setup(void **state)
{
	char path[128], *files[1] = { path };
	struct ingest_opts o;
	struct diag err;
	FILE *f;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/aap-test-stage-XXXXXX");
	if (unit_dir_new(dir) < 0 ||
	    unit_put(dir, "call.csv", "setting,value\nid,t-stage\n"
		     "title,Test\n") < 0 ||
	    unit_put(dir, "fields.csv", "field,type,required,headers\n"
		     "application_id,text,yes,ID\n"
		     "title,text,yes,Titre\n") < 0 ||
	    unit_put(dir, "apps.csv", "ID,Titre\nA-1,Un\nA-2,Deux\n") < 0)
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
	if (ingest_run(&o, files, 1, &err) < 0)
		return -1;
	return fclose(f);
}

static int teardown(void **state)
{
	(void)state;
	call_free(call);
	unit_dir_remove(dir);
	return 0;
}

/* Runs a stage named aap-test over path, adding the column add (NULL:
 * none) and copying each record with "x" in it; finish: 0 to close it
 * without its trailer.  Its output goes to out (rewound).  Returns what
 * the first call that failed returned, with err set, or 0. */
static int run(const char *path, const char *add, int finish, int out,
	       struct diag *err)
{
	const char *const adds[1] = { add };
	struct stage st;
	enum read_result r;
	size_t i;
	int rc;

	diag_clear(err);
	rc = stage_open(&st, "aap-test", call, path, out, "out", 1, 0, err);
	if (rc == 0)
		rc = stage_begin(&st, NULL, adds, add != NULL, err);
	while (rc == 0 && (r = stream_in_next(st.src.in, err)) == READ_RECORD) {
		const struct record *rec = stream_in_record(st.src.in);

		for (i = 0; i < rec->n; i++)
			stream_out_field(st.out, record_field(rec, i),
					 record_len(rec, i));
		if (add != NULL)
			stream_out_field(st.out, "x", 1);
		stream_out_end_record(st.out);
	}
	if (rc == 0 && r == READ_ERROR)
		rc = -1;
	if (rc == 0 && finish)
		rc = stage_finish(&st, NULL, err);
	stage_close(&st);
	return rc;
}

/* The n-th line (from 0) of text into line, without its end. */
static void nth_line(const char *text, int n, char *line, size_t cap)
{
	const char *e;

	while (n-- > 0) {
		text = strchr(text, '\n');
		assert_non_null(text);
		text++;
	}
	e = strchr(text, '\n');
	assert_non_null(e);
	assert_true((size_t)(e - text) < cap);
	memcpy(line, text, (size_t)(e - text));
	line[e - text] = '\0';
}

static void output_carries_provenance_adds_a_stage_and_chains_the_trailer(
	void **state)
{
	static char out[8192], in[8192], line[4096];
	struct prov_line l;
	struct diag err;
	const struct prov_token *t;
	char want[256], hex[DIGEST_HEX_LEN + 1];
	int fd = unit_fd("", 0), infd = open(in_path, O_RDONLY);
	size_t inlen;

	(void)state;
	assert_true(fd >= 0 && infd >= 0);
	inlen = unit_slurp(infd, in, sizeof(in));
	close(infd);
	assert_int_equal(run(in_path, "extra", 1, fd, &err), 0);
	unit_slurp(fd, out, sizeof(out));
	close(fd);
	/* The input's two '#' lines, then this stage's. */
	nth_line(in, 0, want, sizeof(want));
	nth_line(out, 0, line, sizeof(line));
	assert_string_equal(line, want);
	nth_line(in, 1, line, sizeof(line));
	assert_true(strncmp(out + strlen(want) + 1, line, strlen(line)) == 0);
	nth_line(out, 2, line, sizeof(line));
	prov_line_init(&l);
	assert_int_equal(prov_parse(&l, line, "out", 3, &err), 0);
	assert_int_equal(l.kind, PROV_STAGE);
	assert_string_equal(prov_find(&l, PROV_NAME)->value, "aap-test");
	assert_string_equal(prov_find(&l, PROV_VERSION)->value, AAP_VERSION);
	assert_string_equal(prov_find(&l, PROV_CALL)->value, "t-stage");
	assert_non_null(prov_find(&l, PROV_FILE));
	/* The header gains the column, each record its value. */
	nth_line(out, 3, line, sizeof(line));
	assert_true(strlen(line) > 6 &&
		    strcmp(line + strlen(line) - 6, ",extra") == 0);
	nth_line(out, 4, line, sizeof(line));
	assert_true(strncmp(line, "A-1,Un,", 7) == 0);
	assert_true(strcmp(line + strlen(line) - 2, ",x") == 0);
	/* The trailer: two records, the input named with its digest. */
	nth_line(out, 6, line, sizeof(line));
	assert_int_equal(prov_parse(&l, line, "out", 7, &err), 0);
	assert_int_equal(l.kind, PROV_TRAILER);
	assert_string_equal(prov_find(&l, PROV_RECORDS)->value, "2");
	assert_int_equal(digest_bytes(in, inlen, hex), 0);
	snprintf(want, sizeof(want), "in.stream:%s", hex);
	t = prov_find(&l, PROV_INPUT);
	assert_non_null(t);
	assert_string_equal(t->value, want);
	prov_line_fini(&l);
	/* Read back, the output is a whole stream. */
	fd = unit_fd_str(out);
	{
		struct stream_in *s = stream_in_open(fd, "out", 1, &err);
		enum read_result r;

		assert_non_null(s);
		while ((r = stream_in_next(s, &err)) == READ_RECORD)
			;
		assert_int_equal(r, READ_END);
		stream_in_free(s);
	}
	close(fd);
}

/* The output of a run over the input stream, adding a column, into out. */
static void output_of_a_run(char *out, size_t cap)
{
	struct diag err;
	int fd = unit_fd("", 0);

	assert_true(fd >= 0);
	assert_int_equal(run(in_path, "extra", 1, fd, &err), 0);
	unit_slurp(fd, out, cap);
	close(fd);
}

static void stage_line_names_each_file_of_the_call(void **state)
{
	static char out[8192], line[4096];
	struct prov_line l;
	struct diag err;
	char want[256];
	size_t i, k, nfile = 0;

	(void)state;
	output_of_a_run(out, sizeof(out));
	nth_line(out, 2, line, sizeof(line));
	prov_line_init(&l);
	assert_int_equal(prov_parse(&l, line, "out", 3, &err), 0);
	for (k = 0; k < l.n; k++)
		nfile += strcmp(l.tok[k].key, prov_key_name(PROV_FILE)) == 0;
	assert_int_equal(nfile, call->nfiles);
	for (i = 0; i < call->nfiles; i++) {
		snprintf(want, sizeof(want), "%s:%s:%s", prov_role_call,
			 call->files[i].name, call->files[i].sha256);
		for (k = 0; k < l.n && strcmp(l.tok[k].value, want) != 0; k++)
			;
		if (k == l.n)
			fail_msg("no token file=%s", want);
	}
	prov_line_fini(&l);
}

static void trailer_sha256_is_that_of_every_byte_before_it(void **state)
{
	static char out[8192];
	struct prov_line l;
	struct diag err;
	char hex[DIGEST_HEX_LEN + 1];
	const char *trailer;
	size_t n;

	(void)state;
	output_of_a_run(out, sizeof(out));
	trailer = strstr(out, "\n#trailer ");
	assert_non_null(trailer);
	trailer++;
	/* The trailer is the last line: drop its LF to parse it. */
	n = strlen(out);
	assert_true(out[n - 1] == '\n');
	out[n - 1] = '\0';
	prov_line_init(&l);
	assert_int_equal(prov_parse(&l, trailer, "out", 7, &err), 0);
	assert_int_equal(l.kind, PROV_TRAILER);
	assert_int_equal(digest_bytes(out, (size_t)(trailer - out), hex), 0);
	assert_non_null(prov_find(&l, PROV_SHA256));
	assert_string_equal(prov_find(&l, PROV_SHA256)->value, hex);
	assert_ptr_equal(prov_find(&l, PROV_SHA256), &l.tok[l.n - 1]);
	prov_line_fini(&l);
}

static void refuses_a_column_the_input_has(void **state)
{
	struct diag err;
	int fd = unit_fd("", 0);

	(void)state;
	assert_int_equal(run(in_path, "title", 1, fd, &err), -1);
	assert_int_equal(err.status, AAP_EDATA);
	assert_non_null(strstr(err.msg, "did aap-test run twice?"));
	close(fd);
}

/* Runs the stage over the input with its first "from" changed to "to"
 * (as long), written as the file name. */
static int run_altered(const char *from, const char *to, const char *name,
		       struct diag *err)
{
	static char in[8192];
	char path[128], *p;
	int fd = unit_fd("", 0), infd = open(in_path, O_RDONLY), rc;

	assert_true(fd >= 0 && infd >= 0 && strlen(from) == strlen(to));
	unit_slurp(infd, in, sizeof(in));
	close(infd);
	p = strstr(in, from);
	assert_non_null(p);
	memcpy(p, to, strlen(to));
	assert_int_equal(unit_put(dir, name, in), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	rc = run(path, NULL, 1, fd, err);
	close(fd);
	return rc;
}

static void refuses_a_stream_of_another_call(void **state)
{
	struct diag err;

	(void)state;
	assert_int_equal(run_altered("call=t-stage", "call=t-other",
				     "other.stream", &err), -1);
	assert_int_equal(err.status, AAP_EDATA);
	assert_non_null(strstr(err.msg, "of the call \"t-other\""));
}

static void refuses_a_stream_missing_a_field_of_the_call(void **state)
{
	struct diag err;

	(void)state;
	assert_int_equal(run_altered("\napplication_id,title,",
				     "\napplication_id,dummy,",
				     "nofield.stream", &err), -1);
	assert_int_equal(err.status, AAP_EDATA);
	assert_non_null(strstr(err.msg, "no column \"title\", a field of the call"));
}

static void cannot_open_a_missing_input(void **state)
{
	struct diag err;
	int fd = unit_fd("", 0);

	(void)state;
	assert_int_equal(run("/nonexistent/aap/in.stream", NULL, 1, fd, &err), -1);
	assert_int_equal(err.status, AAP_ESYS);
	close(fd);
}

static void closed_without_finish_leaves_a_cut_off_stream(void **state)
{
	static char out[8192];
	struct stream_in *s;
	struct diag err;
	enum read_result r;
	int fd = unit_fd("", 0);

	(void)state;
	assert_int_equal(run(in_path, "extra", 0, fd, &err), 0);
	unit_slurp(fd, out, sizeof(out));
	close(fd);
	assert_null(strstr(out, "#trailer"));
	fd = unit_fd_str(out);
	s = stream_in_open(fd, "out", 1, &err);
	assert_non_null(s);
	while ((r = stream_in_next(s, &err)) == READ_RECORD)
		;
	assert_int_equal(r, READ_ERROR);
	assert_int_equal(err.status, AAP_EDATA);
	stream_in_free(s);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    output_carries_provenance_adds_a_stage_and_chains_the_trailer),
		cmocka_unit_test(stage_line_names_each_file_of_the_call),
		cmocka_unit_test(
		    trailer_sha256_is_that_of_every_byte_before_it),
		cmocka_unit_test(refuses_a_column_the_input_has),
		cmocka_unit_test(refuses_a_stream_of_another_call),
		cmocka_unit_test(refuses_a_stream_missing_a_field_of_the_call),
		cmocka_unit_test(cannot_open_a_missing_input),
		cmocka_unit_test(closed_without_finish_leaves_a_cut_off_stream),
	};

	return cmocka_run_group_tests_name("stage", tests, setup, teardown);
}
