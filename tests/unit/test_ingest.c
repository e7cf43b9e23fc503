/* test_ingest.c - aap-ingest's module through ingest_run: source headers
 * mapped to the call's fields, bad records carried with their finding,
 * sources refused before anything is written, encodings and delimiters. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "aap.h"
#include "call.h"
#include "diag.h"
#include "ingest.h"
#include "reader.h"
#include "unit.h"

static char dir[64];
static struct call *call;

static const char header[] =
	"application_id,title,amount,note,source_file,source_line,findings\n";

static int setup(void **state)
{
	struct diag err;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/aap-test-ingest-XXXXXX");
	if (unit_dir_new(dir) < 0 ||
	    unit_put(dir, "call.csv", "setting,value\nid,t-ingest\n"
		     "title,Test\n") < 0 ||
	    unit_put(dir, "fields.csv", "field,type,required,headers\n"
		     "application_id,text,yes,ID|Numéro de dossier\n"
		     "title,text,yes,Titre du projet\n"
		     "amount,money,yes,Montant de l'aide demandée\n"
		     "note,text,no,Remarque\n") < 0)
		return -1;
	return call_load(dir, &call, &err) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	call_free(call);
	unit_dir_remove(dir);
	return 0;
}

/* The warnings reported to the sink, one a line. */
struct seen {
	char text[2048];
	size_t len;
	int n;
};

static void collect(void *ctx, const struct diag *d)
{
	struct seen *s = ctx;
	int k = snprintf(s->text + s->len, sizeof(s->text) - s->len, "%s:%lu: %s\n",
			 d->file, d->line, d->msg);

	if (k > 0 && (size_t)k < sizeof(s->text) - s->len)
		s->len += (size_t)k;
	s->n++;
}

/* One run of ingest_run over the sources given as (name, text) pairs,
 * bare CSV out unless stream is set. */
struct run {
	int rc;
	struct diag err;
	struct seen seen;
	char out[8192];
};

static void ingest(struct run *r, int stream, size_t n, ...)
{
	char paths[4][128], *files[4];
	struct diag_sink sink = { collect, &r->seen };
	struct ingest_opts o;
	va_list ap;
	size_t i;
	int fd = unit_fd("", 0);

	assert_true(n <= 4);
	assert_true(fd >= 0);
	memset(r, 0, sizeof(*r));
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		const char *name = va_arg(ap, const char *);
		const char *text = va_arg(ap, const char *);

		assert_int_equal(unit_put(dir, name, text), 0);
		snprintf(paths[i], sizeof(paths[i]), "%s/%s", dir, name);
		files[i] = paths[i];
	}
	va_end(ap);
	memset(&o, 0, sizeof(o));
	o.call = call;
	o.plain = !stream;
	o.encoding = READER_AUTO;
	o.out_fd = fd;
	o.sink = &sink;
	r->rc = ingest_run(&o, files, n, &r->err);
	unit_slurp(fd, r->out, sizeof(r->out));
	close(fd);
}

static void maps_source_headers_to_the_calls_fields(void **state)
{
	struct run r;

	(void)state;
	ingest(&r, 0, 1, "a.csv",
	       "Remarque,Montant de l'aide demandée,Titre du projet,ID\n"
	       "r,\"1 000,00 €\",Un,A-1\n");
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "application_id,title,amount,note,"
			    "source_file,source_line,findings\n"
			    "A-1,Un,1000.00,r,a.csv,2,\n");
	assert_int_equal(r.seen.n, 0);
}

static void any_of_a_fields_headers_maps_to_it(void **state)
{
	struct run r;

	(void)state;
	ingest(&r, 0, 1, "a.csv",
	       "Numéro de dossier,Titre du projet,Montant de l'aide demandée\n"
	       "A-1,Un,2\n");
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "\nA-1,Un,2.00,,a.csv,2,\n"));
}

static void carries_a_bad_value_with_its_finding(void **state)
{
	struct run r;

	(void)state;
	ingest(&r, 0, 1, "a.csv",
	       "ID,Titre du projet,Montant de l'aide demandée\n"
	       "A-1,Un,beaucoup\n"
	       "A-2,Deux,3\n");
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "\nA-1,Un,beaucoup,,a.csv,2,"
			       "error:bad_number:amount\n"));
	assert_non_null(strstr(r.out, "\nA-2,Deux,3.00,,a.csv,3,\n"));
}

static void carries_a_record_of_the_wrong_length_with_a_warning(void **state)
{
	struct run r;

	(void)state;
	ingest(&r, 0, 1, "x.csv",
	       "ID,Titre du projet,Montant de l'aide demandée\n"
	       "A-1,Un,2,extra\n"
	       "A-2,Deux,3\n");
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "\nA-1,Un,2.00,,x.csv,2,"
			       "error:field_count\n"));
	assert_non_null(strstr(r.out, "\nA-2,Deux,3.00,,x.csv,3,\n"));
	assert_int_equal(r.seen.n, 1);
	assert_non_null(strstr(r.seen.text, "x.csv:2: the record has 4 "
			       "fields, the header 3: carried with a finding"));
}

static void rejects_a_source_without_a_required_column(void **state)
{
	struct run r;

	(void)state;
	ingest(&r, 0, 1, "nr.csv", "Titre du projet\nx\n");
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.err.status, AAP_EDATA);
	assert_int_equal(r.err.line, 1);
	assert_string_equal(r.err.msg, "no column for the required field "
			    "\"application_id\"");
	assert_string_equal(r.out, "");
}

static void checks_every_header_before_writing_anything(void **state)
{
	struct run r;

	(void)state;
	ingest(&r, 1, 2, "good.csv",
	       "ID,Titre du projet,Montant de l'aide demandée\nA-1,Un,2\n",
	       "bad.csv", "ID,Montant de l'aide demandée\nA-2,3\n");
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.err.status, AAP_EDATA);
	assert_non_null(strstr(r.err.file, "bad.csv"));
	assert_string_equal(r.out, "");
}

static void rejects_unterminated_quote(void **state)
{
	struct run r;

	(void)state;
	ingest(&r, 1, 1, "q.csv",
	       "ID,Titre du projet,Montant de l'aide demandée\nA-1,\"open,1\n");
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.err.status, AAP_EDATA);
	assert_int_equal(r.err.line, 2);
	assert_string_equal(r.err.msg, "unterminated quoted field");
	assert_null(strstr(r.out, "#trailer"));
}

static void writes_a_stream_with_provenance_and_trailer(void **state)
{
	struct run r;
	const char *body;

	(void)state;
	ingest(&r, 1, 1, "a.csv",
	       "ID,Titre du projet,Montant de l'aide demandée\nA-1,Un,2\n");
	assert_int_equal(r.rc, 0);
	assert_memory_equal(r.out, "#aap-stream format=1\n#stage name=aap-ingest ",
			    strlen("#aap-stream format=1\n#stage name=aap-ingest "));
	assert_non_null(strstr(r.out, " call=t-ingest "));
	assert_non_null(strstr(r.out, " source=a.csv delimiter=,\n"));
	body = strstr(r.out, header);
	assert_non_null(body);
	assert_non_null(strstr(body, "\nA-1,Un,2.00,,a.csv,2,\n#trailer records=1 "));
}

static void several_sources_make_one_stream_in_order(void **state)
{
	struct run r;

	(void)state;
	ingest(&r, 0, 2, "a.csv",
	       "ID,Titre du projet,Montant de l'aide demandée\nA-1,Un,1\n",
	       "b.csv", "Titre du projet;ID;Montant de l'aide demandée\n"
	       "Deux;B-1;2\n");
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "application_id,title,amount,note,"
			    "source_file,source_line,findings\n"
			    "A-1,Un,1.00,,a.csv,2,\n"
			    "B-1,Deux,2.00,,b.csv,2,\n");
}

static void reads_windows_1252_with_semicolons_and_crlf(void **state)
{
	struct run r;

	(void)state;
	ingest(&r, 0, 1, "c.csv",
	       "ID;Titre du projet;Montant de l'aide demand\xe9" "e\r\n"
	       "A-4;L\x92" "aide;4\r\n");
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "\nA-4,L\xe2\x80\x99" "aide,4.00,,c.csv,2,\n"));
}

static void parses_the_encodings_it_names(void **state)
{
	(void)state;
	assert_int_equal(ingest_parse_encoding("utf-8"), READER_UTF8);
	assert_int_equal(ingest_parse_encoding("UTF-8"), READER_UTF8);
	assert_int_equal(ingest_parse_encoding("windows-1252"), READER_CP1252);
	assert_int_equal(ingest_parse_encoding("cp1252"), READER_CP1252);
	assert_int_equal(ingest_parse_encoding("latin-9"), -1);
}

static void parses_the_delimiters_it_names(void **state)
{
	(void)state;
	assert_int_equal(ingest_parse_delim(","), ',');
	assert_int_equal(ingest_parse_delim(";"), ';');
	assert_int_equal(ingest_parse_delim("tab"), '\t');
	assert_int_equal(ingest_parse_delim("\t"), '\t');
	assert_int_equal(ingest_parse_delim("|"), 0);
	assert_int_equal(ingest_parse_delim(",,"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(maps_source_headers_to_the_calls_fields),
		cmocka_unit_test(any_of_a_fields_headers_maps_to_it),
		cmocka_unit_test(carries_a_bad_value_with_its_finding),
		cmocka_unit_test(carries_a_record_of_the_wrong_length_with_a_warning),
		cmocka_unit_test(rejects_a_source_without_a_required_column),
		cmocka_unit_test(checks_every_header_before_writing_anything),
		cmocka_unit_test(rejects_unterminated_quote),
		cmocka_unit_test(writes_a_stream_with_provenance_and_trailer),
		cmocka_unit_test(several_sources_make_one_stream_in_order),
		cmocka_unit_test(reads_windows_1252_with_semicolons_and_crlf),
		cmocka_unit_test(parses_the_encodings_it_names),
		cmocka_unit_test(parses_the_delimiters_it_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
