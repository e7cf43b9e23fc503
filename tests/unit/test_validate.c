/* test_validate.c - aap-validate's module through validate_run: the
 * `admissible` column, findings added to those ingest carried, the
 * rejects report, the closing summary, and streams or rules refused. */
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
#include "reader.h"
#include "validate.h"
#include "unit.h"

static char dir[64];
static char stream_path[128];
static char rejects_path[128];

static const char apps_csv[] =
	"ID,Titre du projet,Montant de l'aide demandée,Remarque\n"
	"A-1,Un,5000,r\n"
	"A-2,Deux,beaucoup,r\n"
	"A-3,Trois,200,\n";

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/aap-test-validate-XXXXXX");
	if (unit_dir_new(dir) < 0 ||
	    unit_put(dir, "call.csv", "setting,value\nid,t-validate\n"
		     "title,Test\n") < 0 ||
	    unit_put(dir, "fields.csv", "field,type,required,headers\n"
		     "application_id,text,yes,ID\n"
		     "title,text,yes,Titre du projet\n"
		     "amount,money,yes,Montant de l'aide demandée\n"
		     "note,text,no,Remarque\n") < 0 ||
	    unit_put(dir, "rules.csv",
		     "field,rule,value,other,when,severity,message\n"
		     "amount,min,1000,,,,\n"
		     "note,required,,,,warning,\n") < 0)
		return -1;
	snprintf(stream_path, sizeof(stream_path), "%s/stream", dir);
	snprintf(rejects_path, sizeof(rejects_path), "%s/rejects.csv", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unit_dir_remove(dir);
	return 0;
}

/* Writes the stream aap-ingest makes of apps (plain: bare CSV) to the
 * file stream_path. */
static void make_stream(const char *apps, int plain)
{
	char path[128], *files[1] = { path };
	struct ingest_opts o;
	struct call *c;
	struct diag err;
	FILE *f;

	assert_int_equal(unit_put(dir, "apps.csv", apps), 0);
	snprintf(path, sizeof(path), "%s/apps.csv", dir);
	assert_int_equal(call_load(dir, &c, &err), 0);
	f = fopen(stream_path, "w");
	assert_non_null(f);
	memset(&o, 0, sizeof(o));
	o.call = c;
	o.plain = plain;
	o.encoding = READER_AUTO;
	o.out_fd = fileno(f);
	assert_int_equal(ingest_run(&o, files, 1, &err), 0);
	assert_int_equal(fclose(f), 0);
	call_free(c);
}

/* What the sink was told, one a line. */
struct seen {
	char text[2048];
	size_t len;
};

static void collect(void *ctx, const struct diag *d)
{
	struct seen *s = ctx;
	int k = snprintf(s->text + s->len, sizeof(s->text) - s->len, "%s\n",
			 d->msg);

	if (k > 0 && (size_t)k < sizeof(s->text) - s->len)
		s->len += (size_t)k;
}

/* One run of validate_run over the file stream_path, its standard output
 * kept in out. */
struct run {
	int rc;
	struct diag err;
	struct seen seen;
	char out[8192];
};

static void validate(struct run *r, int check, int plain, const char *rejects)
{
	struct diag_sink sink = { collect, &r->seen };
	struct validate_opts o;
	struct call *c;
	int fd = unit_fd("", 0), saved = dup(STDOUT_FILENO);

	memset(r, 0, sizeof(*r));
	assert_true(fd >= 0 && saved >= 0);
	assert_int_equal(call_load(dir, &c, &r->err), 0);
	memset(&o, 0, sizeof(o));
	o.call = c;
	o.input = stream_path;
	o.rejects = rejects;
	o.check = check;
	o.plain = plain;
	o.sink = &sink;
	assert_true(dup2(fd, STDOUT_FILENO) >= 0);
	r->rc = validate_run(&o, &r->err);
	assert_true(dup2(saved, STDOUT_FILENO) >= 0);
	close(saved);
	unit_slurp(fd, r->out, sizeof(r->out));
	close(fd);
	call_free(c);
}

static void adds_the_admissible_column_and_the_findings(void **state)
{
	struct run r;

	(void)state;
	make_stream(apps_csv, 1);
	validate(&r, 0, 1, NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "application_id,title,amount,note,"
			    "source_file,source_line,findings,admissible\n"
			    "A-1,Un,5000.00,r,apps.csv,2,,yes\n"
			    "A-2,Deux,beaucoup,r,apps.csv,3,"
			    "error:bad_number:amount,no\n"
			    "A-3,Trois,200.00,,apps.csv,4,"
			    "error:below_min:amount;warning:missing:note,no\n");
}

static void a_warning_alone_leaves_an_application_admissible(void **state)
{
	struct run r;

	(void)state;
	make_stream("ID,Titre du projet,Montant de l'aide demandée,Remarque\n"
		    "A-1,Un,5000,\n", 1);
	validate(&r, 0, 1, NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "\nA-1,Un,5000.00,,apps.csv,2,"
			       "warning:missing:note,yes\n"));
	assert_string_equal(r.seen.text, "");
}

static void says_how_many_applications_are_not_admissible(void **state)
{
	struct run r;

	(void)state;
	make_stream(apps_csv, 1);
	validate(&r, 0, 1, NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.seen.text,
			    "2 of 3 applications are not admissible\n");
}

static void passes_the_stream_on_with_its_stage_and_trailer(void **state)
{
	struct run r;

	(void)state;
	make_stream(apps_csv, 0);
	validate(&r, 1, 0, NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "\n#stage name=aap-ingest "));
	assert_non_null(strstr(r.out, "\n#stage name=aap-validate "));
	assert_non_null(strstr(r.out, " file=call:rules.csv:"));
	assert_non_null(strstr(r.out, "\n#trailer records=3 input=stream:"));
}

static void writes_the_rejects_report(void **state)
{
	struct run r;
	char rej[4096];
	int fd;

	(void)state;
	make_stream(apps_csv, 1);
	validate(&r, 0, 1, rejects_path);
	assert_int_equal(r.rc, 0);
	fd = open(rejects_path, O_RDONLY);
	assert_true(fd >= 0);
	unit_slurp(fd, rej, sizeof(rej));
	close(fd);
	assert_non_null(strstr(rej, "A-2"));
	assert_non_null(strstr(rej, "bad_number"));
	assert_non_null(strstr(rej, "A-3"));
	assert_null(strstr(rej, "A-1,"));
}

static void refuses_a_stream_cut_off_before_its_trailer(void **state)
{
	struct run r;
	char text[8192];
	int fd;
	char *t;

	(void)state;
	make_stream(apps_csv, 0);
	fd = open(stream_path, O_RDONLY);
	assert_true(fd >= 0);
	unit_slurp(fd, text, sizeof(text));
	close(fd);
	t = strstr(text, "#trailer ");
	assert_non_null(t);
	*t = '\0';
	assert_int_equal(unit_put(dir, "stream", text), 0);
	validate(&r, 1, 0, NULL);
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.err.status, AAP_EDATA);
	assert_non_null(strstr(r.err.msg, "it was cut off"));
	assert_null(strstr(r.out, "#trailer"));
}

static void refuses_a_rule_on_a_field_the_call_lacks(void **state)
{
	struct run r;

	(void)state;
	make_stream(apps_csv, 1);
	assert_int_equal(unit_put(dir, "rules.csv",
				  "field,rule,value,other,when,severity,message\n"
				  "colour,required,,,,,\n"), 0);
	validate(&r, 0, 1, NULL);
	assert_int_equal(unit_put(dir, "rules.csv",
				  "field,rule,value,other,when,severity,message\n"
				  "amount,min,1000,,,,\n"
				  "note,required,,,,warning,\n"), 0);
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.err.status, AAP_EUSAGE);
	assert_int_equal(r.err.line, 2);
	assert_string_equal(r.out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(adds_the_admissible_column_and_the_findings),
		cmocka_unit_test(a_warning_alone_leaves_an_application_admissible),
		cmocka_unit_test(says_how_many_applications_are_not_admissible),
		cmocka_unit_test(passes_the_stream_on_with_its_stage_and_trailer),
		cmocka_unit_test(writes_the_rejects_report),
		cmocka_unit_test(refuses_a_stream_cut_off_before_its_trailer),
		cmocka_unit_test(refuses_a_rule_on_a_field_the_call_lacks),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
