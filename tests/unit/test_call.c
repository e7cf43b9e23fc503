/* test_call.c - loading a call folder: the sample call, and each way its
 * tables can be wrong (status 2, file and line named). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "aap.h"
#include "call.h"
#include "diag.h"
#include "unit.h"

static char dir[64];

static const char good_call[] = "setting,value\nid,t-1\ntitle,Test\n";
static const char good_fields[] =
	"# a comment\n"
	"field,type,required,headers\n"
	"title,text,yes,Titre du projet|Titre\n"
	"application_id,text,yes,ID\n"
	"\n"
	"amount,money,no,\n";

/* Writes text to the file name of the test's call folder. */
static void put(const char *name, const char *text)
{
	assert_int_equal(unit_put(dir, name, text), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/aap-test-call-XXXXXX");
	return unit_dir_new(dir) < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	unit_dir_remove(dir);
	return 0;
}

/* Loads the folder; returns the status (0 when loaded). */
static int load(struct diag *err, struct call **out)
{
	struct call *c = NULL;
	int rc;

	diag_clear(err);
	rc = call_load(dir, &c, err);
	if (out != NULL)
		*out = c;
	else
		call_free(c);
	return rc < 0 ? err->status : 0;
}

static void loads_fields_with_application_id_first(void **state)
{
	struct diag err;
	struct call *c;

	(void)state;
	put("call.csv", good_call);
	put("fields.csv", good_fields);
	assert_int_equal(load(&err, &c), 0);
	assert_string_equal(c->id, "t-1");
	assert_int_equal(c->nfields, 3);
	assert_string_equal(c->fields[0].name, "application_id");
	assert_string_equal(c->fields[1].name, "title");
	assert_int_equal(c->fields[1].nheaders, 2);
	assert_string_equal(c->fields[1].headers[1], "Titre");
	assert_int_equal(c->fields[2].type, FIELD_MONEY);
	assert_int_equal(c->fields[2].line, 6);
	assert_int_equal(c->nfiles, 2);
	assert_string_equal(c->files[0].name, "call.csv");
	assert_int_equal(strlen(c->files[1].sha256), 64);
	call_free(c);
}

static void loads_the_sample_call(void **state)
{
	struct diag err;
	struct call *c = NULL;

	(void)state;
	diag_clear(&err);
	assert_int_equal(call_load("config/calls/sud-ia-2025", &c, &err), 0);
	assert_string_equal(c->id, "sud-ia-2025");
	assert_non_null(call_field_named(c, "amount_requested"));
	call_free(c);
}

/* Expects the folder to be refused with status 2 at line, saying what. */
static void refused(const char *call_csv, const char *fields_csv,
		    const char *file, unsigned long line, const char *what)
{
	struct diag err;

	put("call.csv", call_csv);
	put("fields.csv", fields_csv);
	assert_int_equal(load(&err, NULL), AAP_EUSAGE);
	assert_non_null(strstr(err.file, file));
	assert_int_equal(err.line, line);
	if (strstr(err.msg, what) == NULL)
		fail_msg("message \"%s\" does not say \"%s\"", err.msg, what);
}

static void refuses_unknown_setting(void **state)
{
	(void)state;
	refused("setting,value\nid,x\ntitle,T\nenvelop,1\n", good_fields,
		"call.csv", 4, "unknown setting \"envelop\"");
}

static void refuses_setting_given_twice(void **state)
{
	(void)state;
	refused("setting,value\nid,x\ntitle,T\nid,y\n", good_fields,
		"call.csv", 4, "given twice");
}

static void refuses_call_without_id(void **state)
{
	(void)state;
	refused("setting,value\ntitle,T\n", good_fields, "call.csv", 0,
		"does not set \"id\"");
}

static void refuses_unknown_type(void **state)
{
	(void)state;
	refused(good_call,
		"field,type,required\napplication_id,text,yes\nx,float,no\n",
		"fields.csv", 3, "unknown type \"float\"");
}

static void refuses_duplicate_field(void **state)
{
	(void)state;
	refused(good_call,
		"field,type,required\napplication_id,text,yes\nx,text,no\nx,text,no\n",
		"fields.csv", 4, "defined twice, first at line 3");
}

static void refuses_reserved_field_name(void **state)
{
	(void)state;
	refused(good_call,
		"field,type,required\napplication_id,text,yes\nfindings,text,no\n",
		"fields.csv", 3, "bad field name");
}

static void refuses_fields_without_application_id(void **state)
{
	(void)state;
	refused(good_call, "field,type,required\nx,text,no\n", "fields.csv",
		0, "no field \"application_id\"");
}

static void refuses_unknown_column(void **state)
{
	(void)state;
	refused(good_call, "field,type,required,colour\napplication_id,text,yes,red\n",
		"fields.csv", 1, "unknown column \"colour\"");
}

static void refuses_short_row(void **state)
{
	(void)state;
	refused(good_call, "field,type,required\napplication_id,text\n",
		"fields.csv", 2, "the row has 2 fields");
}

static void refuses_bad_csv_in_a_table(void **state)
{
	(void)state;
	refused(good_call, "field,type,required\napplication_id,te\"xt,yes\n",
		"fields.csv", 2, "stray quote");
}

static void missing_folder_is_a_configuration_error(void **state)
{
	struct diag err;
	struct call *c = NULL;

	(void)state;
	diag_clear(&err);
	assert_int_equal(call_load("/nonexistent/call", &c, &err), -1);
	assert_int_equal(err.status, AAP_EUSAGE);
	assert_non_null(strstr(err.msg, "could not open \"/nonexistent/call/call.csv\""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loads_fields_with_application_id_first),
		cmocka_unit_test(loads_the_sample_call),
		cmocka_unit_test(refuses_unknown_setting),
		cmocka_unit_test(refuses_setting_given_twice),
		cmocka_unit_test(refuses_call_without_id),
		cmocka_unit_test(refuses_unknown_type),
		cmocka_unit_test(refuses_duplicate_field),
		cmocka_unit_test(refuses_reserved_field_name),
		cmocka_unit_test(refuses_fields_without_application_id),
		cmocka_unit_test(refuses_unknown_column),
		cmocka_unit_test(refuses_short_row),
		cmocka_unit_test(refuses_bad_csv_in_a_table),
		cmocka_unit_test(missing_folder_is_a_configuration_error),
	};

	return cmocka_run_group_tests_name("call", tests, setup, teardown);
}
