/* test_rules.c - the rules engine: rules.csv loaded or refused with its
 * line, each kind of rule on records built in memory, the type of each
 * field, and the findings list sorted without duplicates. */
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
#include "rules.h"
#include "validate.h"
#include "unit.h"

static char dir[64];

static const char fields_csv[] =
	"field,type,required,headers\n"
	"application_id,text,yes,\n"
	"name,text,no,\n"
	"siret,text,no,\n"
	"size,enum,no,\n"
	"amount,money,no,\n"
	"cost,money,no,\n"
	"share,rate,no,\n"
	"insee,text,no,\n"
	"postcode,text,no,\n"
	"submitted,datetime,no,\n"
	"start,date,no,\n"
	"end,date,no,\n"
	"trl_a,integer,no,\n"
	"trl_b,integer,no,\n"
	"tags,list,no,\n"
	"score,decimal,no,\n"
	"ok,boolean,no,\n";

#define NF 17 /* fields */

/* Writes text to the file name of the test's call folder. */
static void put(const char *name, const char *text)
{
	assert_int_equal(unit_put(dir, name, text), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/aap-test-rules-XXXXXX");
	if (unit_dir_new(dir) < 0)
		return -1;
	put("call.csv", "setting,value\nid,t-1\ntitle,Test\n");
	put("fields.csv", fields_csv);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unit_dir_remove(dir);
	return 0;
}

/* A call with the rules in text (NULL: no rules.csv), and its rules. */
struct fixture {
	struct call *call;
	struct rules *rules;
	struct rules_findings f;
	char out[4096];
};

/* Loads the rules in text; returns rules_load's result, err filled. */
static int load(struct fixture *x, const char *text, struct diag *err)
{
	char path[128];

	memset(x, 0, sizeof(*x));
	snprintf(path, sizeof(path), "%s/rules.csv", dir);
	unlink(path);
	if (text != NULL)
		put("rules.csv", text);
	diag_clear(err);
	assert_int_equal(call_load(dir, &x->call, err), 0);
	rules_findings_init(&x->f, 1);
	return rules_load(x->call, &x->rules, err);
}

static void load_ok(struct fixture *x, const char *text)
{
	struct diag err;

	if (load(x, text, &err) != 0)
		fail_msg("%s:%lu: %s", err.file, err.line, err.msg);
}

static void done(struct fixture *x)
{
	rules_free(x->rules);
	rules_findings_fini(&x->f);
	call_free(x->call);
}

/* Checks a record: vals holds "FIELD=value" strings, NULL-terminated;
 * given is its findings column.  Returns the findings written, or NULL
 * with err set when the check failed. */
static const char *check(struct fixture *x, const char *given,
			 const char *const *vals, unsigned long line,
			 struct diag *err)
{
	const char *val[NF];
	size_t len[NF], i;
	struct rules_record rec;
	struct sbuf out;
	const char *eq;
	size_t k;

	for (i = 0; i < NF; i++)
		val[i] = "", len[i] = 0;
	assert_int_equal(x->call->nfields, NF);
	for (; *vals != NULL; vals++) {
		eq = strchr(*vals, '=');
		for (k = 0; k < NF; k++)
			if (strncmp(x->call->fields[k].name, *vals,
				    (size_t)(eq - *vals)) == 0 &&
			    x->call->fields[k].name[eq - *vals] == '\0')
				break;
		assert_true(k < NF);
		val[k] = eq + 1;
		len[k] = strlen(eq + 1);
	}
	rec.val = val;
	rec.len = len;
	rec.file = "in.csv";
	rec.line = line;
	rules_findings_reset(&x->f);
	assert_int_equal(rules_findings_parse(&x->f, x->call, given,
					      strlen(given)), 0);
	diag_clear(err);
	if (rules_check(x->rules, &rec, &x->f, err) < 0)
		return NULL;
	rules_findings_sort(&x->f);
	sbuf_init(&out);
	assert_int_equal(rules_findings_format(&x->f, &out), 0);
	snprintf(x->out, sizeof(x->out), "%s", sbuf_str(&out));
	sbuf_fini(&out);
	return x->out;
}

/* The findings of one record holding vals, given no findings. */
#define FINDINGS(x, ...) \
	check_ok((x), "", (const char *const[]){ __VA_ARGS__, NULL })

static const char *check_ok(struct fixture *x, const char *given,
			    const char *const *vals)
{
	struct diag err;
	const char *s = check(x, given, vals, 2, &err);

	if (s == NULL)
		fail_msg("check failed: %s", err.msg);
	return s;
}

#define S(i) #i
#define V(i, s) S(i) "=" s

static void refuses(const char *text, unsigned long line, const char *msg)
{
	struct fixture x;
	struct diag err;

	assert_int_equal(load(&x, text, &err), -1);
	assert_int_equal(err.status, AAP_EUSAGE);
	assert_int_equal(err.line, line);
	if (strstr(err.msg, msg) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, msg);
	assert_non_null(strstr(err.file, "rules.csv"));
	done(&x);
}

static void sample_call_rules_load(void **state)
{
	struct call *c = NULL;
	struct rules *r = NULL;
	struct diag err;

	(void)state;
	assert_int_equal(call_load("config/calls/sud-ia-2025", &c, &err), 0);
	if (rules_load(c, &r, &err) < 0)
		fail_msg("%s:%lu: %s", err.file, err.line, err.msg);
	assert_string_equal(c->files[c->nfiles - 1].name, "rules.csv");
	rules_free(r);
	call_free(c);
}

static void call_without_rules_checks_types_only(void **state)
{
	struct fixture x;

	(void)state;
	load_ok(&x, NULL);
	assert_string_equal(FINDINGS(&x, V(amount, "1000.00")), "");
	assert_string_equal(FINDINGS(&x, V(amount, "1 000,00")),
			    "error:bad_type:amount:money");
	assert_string_equal(x.call->files[x.call->nfiles - 1].name,
			    "fields.csv");
	done(&x);
}

static void wrong_rules_are_refused_with_their_line(void **state)
{
	(void)state;
	refuses("field,rule\nnope,required\n", 2, "\"nope\", which the call");
	refuses("field,rule\n# c\nname,mandatory\n", 3, "unknown rule");
	refuses("field,rule\nname,type\n", 2, "unknown rule \"type\"");
	refuses("field,rule\nname,required\nname,required\n", 3,
		"given twice, first at line 2");
	refuses("field,rule,value\nname,pattern,\"[a-\"\n", 2,
		"does not compile: missing terminating ] for character class "
		"at offset 3");
	refuses("field,rule,value\namount,max,1.234.5\n", 2,
		"\"1.234.5\" is not a money value");
	refuses("field,rule,value\nname,min,3\n", 2, "needs a number, date");
	refuses("field,rule,value,other\nname,max_share,0.5,cost\n", 2,
		"two integer, decimal or money fields");
	refuses("field,rule,value,other\namount,max_share,150,cost\n", 2,
		"not a rate");
	refuses("field,rule,other\nstart,not_after,amount\n", 2,
		"two numbers or two dates");
	refuses("field,rule\nstart,not_after\n", 2, "needs the other field");
	refuses("field,rule,other\nname,required,cost\n", 2,
		"takes no other field");
	refuses("field,rule,value\nname,required,yes\n", 2, "takes no value");
	refuses("field,rule\nname,allowed\n", 2, "needs a value");
	refuses("field,rule,value\nname,allowed,a||b\n", 2, "an empty value");
	refuses("field,rule,value\nsiret,checksum,nir\n", 2, "unknown checksum");
	refuses("field,rule,value\ninsee,region,13|20\n", 2,
		"\"20\" is not a département code");
	refuses("field,rule,when\nname,required,size\n", 2, "bad condition");
	refuses("field,rule,when\nname,required,nope=a\n", 2, "bad condition");
	refuses("field,rule,severity\nname,required,fatal\n", 2,
		"severity must be error or warning");
	refuses("field,rule,colour\nname,required,red\n", 1,
		"unknown column \"colour\"");
}

static void types_are_checked_on_normal_forms(void **state)
{
	struct fixture x;

	(void)state;
	load_ok(&x, NULL);
	assert_string_equal(FINDINGS(&x, V(amount, "12.5"), V(cost, "-0.50"),
				     V(share, "0.45"), V(start, "2025-01-31"),
				     V(submitted, "2025-03-03T09:12:44+01:00"),
				     V(trl_a, "4"), V(tags, "Espagne|Italie"),
				     V(score, "12.5"), V(ok, "yes")),
			    "error:bad_type:amount:money");
	assert_string_equal(
		FINDINGS(&x, V(share, "45 %"), V(start, "31/01/2025"),
			 V(submitted, "2025-03-03 09:12:44 +0100"),
			 V(trl_a, "04"), V(tags, "Italie|Espagne"),
			 V(score, "12.50"), V(ok, "oui")),
		"error:bad_type:share:rate;error:bad_type:submitted:datetime;"
		"error:bad_type:start:date;error:bad_type:trl_a:integer;"
		"error:bad_type:tags:list;error:bad_type:score:decimal;"
		"error:bad_type:ok:boolean");
	assert_string_equal(FINDINGS(&x, V(submitted, "2025-03-03T09:12:44"),
				     V(score, "-0.000000001"), V(tags, "a")),
			    "");
	done(&x);
}

static void ingest_findings_are_kept_and_not_doubled(void **state)
{
	struct fixture x;
	const char *vals[] = { V(amount, "1 000,5"), NULL };

	(void)state;
	load_ok(&x, "field,rule,value\namount,max,10\n");
	assert_string_equal(check_ok(&x, "error:bad_number:amount;"
					  "error:field_count;"
					  "warning:zz:nope;"
					  "error:bad_number:amount",
				     vals),
			    "error:field_count;error:bad_number:amount;"
			    "warning:zz:nope");
	done(&x);
}

static void required_and_severity(void **state)
{
	struct fixture x;

	(void)state;
	load_ok(&x, "field,rule,value,other,when,severity,message\n"
		    "name,required,,,,warning,\n"
		    "siret,required,,,,error,no SIRET\n");
	assert_string_equal(FINDINGS(&x, V(application_id, "A")),
			    "warning:missing:name;error:missing:siret");
	assert_true(rules_findings_has_error(&x.f));
	assert_string_equal(FINDINGS(&x, V(siret, "x")),
			    "warning:missing:name");
	assert_false(rules_findings_has_error(&x.f));
	done(&x);
}

static void messages_come_from_the_rule_or_the_code(void **state)
{
	struct fixture x;
	struct sbuf m;

	(void)state;
	load_ok(&x, "field,rule,value,other,when,severity,message\n"
		    "siret,required,,,,error,no SIRET\n"
		    "amount,max,300000,,,,\n");
	sbuf_init(&m);
	FINDINGS(&x, V(amount, "300000.01"));
	assert_int_equal(x.f.n, 2);
	assert_int_equal(rules_finding_message(&x.f, 0, &m), 0);
	assert_string_equal(sbuf_str(&m), "no SIRET");
	sbuf_reset(&m);
	assert_int_equal(rules_finding_message(&x.f, 1, &m), 0);
	assert_string_equal(sbuf_str(&m), "above the maximum 300000");
	sbuf_fini(&m);
	done(&x);
}

static void bounds_compare_exactly(void **state)
{
	struct fixture x;

	(void)state;
	load_ok(&x, "field,rule,value\n"
		    "amount,min,\"50 000\"\n"
		    "amount,max,300000.00\n"
		    "share,max,70 %\n"
		    "score,min,-0.000000001\n"
		    "start,min,2025-09-01\n");
	assert_string_equal(FINDINGS(&x, V(amount, "300000.00"),
				     V(share, "0.7"), V(score, "0"),
				     V(start, "2025-09-01")), "");
	assert_string_equal(FINDINGS(&x, V(amount, "300000.01"),
				     V(share, "0.700001"),
				     V(score, "-0.000000002"),
				     V(start, "2025-08-31")),
			    "error:above_max:amount;error:above_max:share;"
			    "error:below_min:start;error:below_min:score");
	assert_string_equal(FINDINGS(&x, V(amount, "49999.99")),
			    "error:below_min:amount");
	done(&x);
}

static void deadline_compares_utc_instants(void **state)
{
	struct fixture x;

	(void)state;
	load_ok(&x, "field,rule,value\n"
		    "submitted,max,2025-03-31T23:59:59+02:00\n");
	assert_string_equal(
		FINDINGS(&x, V(submitted, "2025-03-31T23:59:59+02:00")), "");
	assert_string_equal(
		FINDINGS(&x, V(submitted, "2025-03-31T21:59:59+00:00")), "");
	assert_string_equal(
		FINDINGS(&x, V(submitted, "2025-03-31T22:00:00+00:00")),
		"error:above_max:submitted");
	assert_string_equal(
		FINDINGS(&x, V(submitted, "2025-04-01T00:30:00+02:00")),
		"error:above_max:submitted");
	assert_string_equal(
		FINDINGS(&x, V(submitted, "2025-03-31T18:00:00-04:00")),
		"error:above_max:submitted");
	/* Without an offset: the local time as written. */
	assert_string_equal(
		FINDINGS(&x, V(submitted, "2025-03-31T23:59:59")), "");
	assert_string_equal(
		FINDINGS(&x, V(submitted, "2025-04-01T00:00:00")),
		"error:above_max:submitted");
	done(&x);
}

static void allowed_values_and_lists(void **state)
{
	struct fixture x;

	(void)state;
	load_ok(&x, "field,rule,value\n"
		    "size,allowed,micro|PME|ETI\n"
		    "tags,allowed,Espagne|France|Italie\n");
	assert_string_equal(FINDINGS(&x, V(size, "PME"),
				     V(tags, "Espagne|Italie")), "");
	assert_string_equal(FINDINGS(&x, V(size, "pme"),
				     V(tags, "Espagne|Grèce")),
			    "error:not_allowed:size;error:not_allowed:tags");
	done(&x);
}

static void patterns_match_the_whole_value_in_utf8(void **state)
{
	struct fixture x;

	(void)state;
	load_ok(&x, "field,rule,value\n"
		    "name,pattern,\\p{L}+\n"
		    "siret,pattern,[0-9]+\n");
	assert_string_equal(FINDINGS(&x, V(name, "Hélène"), V(siret, "123")),
			    "");
	assert_string_equal(FINDINGS(&x, V(name, "Hélène2"),
				     V(siret, "123\n")),
			    "error:no_match:name;error:no_match:siret");
	assert_string_equal(FINDINGS(&x, V(siret, "x123")),
			    "error:no_match:siret");
	assert_string_equal(FINDINGS(&x, V(name, "H\xe9l\xe8ne")),
			    "error:bad_encoding:name");
	done(&x);
}

static void exploding_pattern_stops_the_run(void **state)
{
	struct fixture x;
	struct diag err;
	const char *vals[] = {
		V(application_id, "A-7"),
		V(name, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"), NULL
	};

	(void)state;
	load_ok(&x, "field,rule,value\n# c\nname,pattern,(a+)+$\n");
	assert_null(check(&x, "", vals, 12, &err));
	assert_int_equal(err.status, AAP_EUSAGE);
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.msg, "the pattern of field \"name\" is "
					"unsafe: match limit exceeded on "
					"application \"A-7\" (in.csv line 12)"));
	done(&x);
}

static void checksums_apply_to_their_field(void **state)
{
	struct fixture x;

	(void)state;
	load_ok(&x, "field,rule,value\nsiret,checksum,siret\n");
	assert_string_equal(FINDINGS(&x, V(siret, "82161143100031")), "");
	assert_string_equal(FINDINGS(&x, V(siret, "35600000041461")), "");
	assert_string_equal(FINDINGS(&x, V(siret, "82161143100039")),
			    "error:bad_checksum:siret");
	done(&x);
}

/* The detail names the checksum only when the field does not. */
static void checksum_detail_does_not_repeat_the_field(void **state)
{
	struct fixture x;

	(void)state;
	load_ok(&x, "field,rule,value\nsiret,checksum,luhn\n");
	assert_string_equal(FINDINGS(&x, V(siret, "82161143100039")),
			    "error:bad_checksum:siret:luhn");
	done(&x);
}

static void region_takes_the_commune_code_then_the_postcode(void **state)
{
	struct fixture x;

	(void)state;
	load_ok(&x, "field,rule,value,other\n"
		    "insee,region,04|05|06|13|83|84|2A,postcode\n");
	assert_string_equal(FINDINGS(&x, V(insee, "13202"),
				     V(postcode, "69002")), "");
	assert_string_equal(FINDINGS(&x, V(insee, "2A004")), "");
	assert_string_equal(FINDINGS(&x, V(postcode, "20167")), "");
	assert_string_equal(FINDINGS(&x, V(postcode, "04100")), "");
	assert_string_equal(FINDINGS(&x, V(insee, "69382"),
				     V(postcode, "13002")),
			    "error:outside_region:insee:69");
	assert_string_equal(FINDINGS(&x, V(insee, "x"), V(postcode, "20200")),
			    "error:outside_region:postcode:2B");
	assert_string_equal(FINDINGS(&x, V(insee, "97411")),
			    "error:outside_region:insee:974");
	assert_string_equal(FINDINGS(&x, V(application_id, "A")),
			    "error:unknown_location:insee");
	done(&x);
}

static void share_cap_depends_on_a_condition(void **state)
{
	struct fixture x;

	(void)state;
	load_ok(&x, "field,rule,value,other,when\n"
		    "amount,max_share,0.7,cost,size=micro\n"
		    "amount,max_share,60 %,cost,size=PME\n"
		    "amount,max_share,0.5,cost,size=ETI|GE\n");
	assert_string_equal(FINDINGS(&x, V(size, "micro"),
				     V(amount, "70000.00"),
				     V(cost, "100000.00")), "");
	assert_string_equal(FINDINGS(&x, V(size, "micro"),
				     V(amount, "70000.01"),
				     V(cost, "100000.00")),
			    "error:share_above_max:amount:0.7");
	assert_string_equal(FINDINGS(&x, V(size, "PME"),
				     V(amount, "70000.00"),
				     V(cost, "100000.00")),
			    "error:share_above_max:amount:0.6");
	assert_string_equal(FINDINGS(&x, V(size, "GE"),
				     V(amount, "999999999999999.99"),
				     V(cost, "999999999999999.99")),
			    "error:share_above_max:amount:0.5");
	assert_string_equal(FINDINGS(&x, V(size, "GE"), V(amount, "1.00"),
				     V(cost, "0.00")),
			    "error:share_above_max:amount:0.5");
	/* No size, no cap: a required or allowed rule covers that. */
	assert_string_equal(FINDINGS(&x, V(amount, "9.00"), V(cost, "1.00")),
			    "");
	done(&x);
}

static void order_rules_compare_two_fields(void **state)
{
	struct fixture x;

	(void)state;
	load_ok(&x, "field,rule,other\n"
		    "start,not_after,end\n"
		    "submitted,not_after,start\n"
		    "trl_a,not_above,trl_b\n");
	assert_string_equal(FINDINGS(&x, V(start, "2025-01-01"),
				     V(end, "2025-01-01"),
				     V(submitted, "2025-01-01T23:00:00+02:00"),
				     V(trl_a, "4"), V(trl_b, "4")), "");
	assert_string_equal(FINDINGS(&x, V(start, "2025-01-02"),
				     V(end, "2025-01-01"),
				     V(submitted, "2025-01-03T00:00:00+02:00"),
				     V(trl_a, "5"), V(trl_b, "4")),
			    "error:after:submitted:start;error:after:start:end;"
			    "error:above:trl_a:trl_b");
	/* One side missing: nothing to compare. */
	assert_string_equal(FINDINGS(&x, V(start, "2025-01-02")), "");
	done(&x);
}

static void unique_flags_each_copy_after_the_first(void **state)
{
	struct fixture x;
	struct diag err;
	const char *a[] = { V(siret, "82161143100031"), NULL };
	const char *b[] = { V(siret, "44306184100047"), NULL };
	const char *e[] = { V(application_id, "E"), NULL };

	(void)state;
	load_ok(&x, "field,rule\nsiret,unique\n");
	assert_string_equal(check(&x, "", a, 2, &err), "");
	assert_string_equal(check(&x, "", b, 3, &err), "");
	assert_string_equal(check(&x, "", a, 4, &err),
			    "error:duplicate:siret:2");
	assert_string_equal(check(&x, "", a, 9, &err),
			    "error:duplicate:siret:2");
	assert_string_equal(check(&x, "", e, 10, &err), "");
	assert_string_equal(check(&x, "", e, 11, &err), "");
	done(&x);
}

static void unique_keys_survive_growth(void **state)
{
	struct fixture x;
	struct diag err;
	char v[32];
	const char *vals[] = { v, NULL };
	unsigned long i;

	(void)state;
	load_ok(&x, "field,rule\nname,unique\n");
	for (i = 0; i < 5000; i++) {
		snprintf(v, sizeof(v), "name=k%lu", i);
		assert_string_equal(check(&x, "", vals, i + 2, &err), "");
	}
	snprintf(v, sizeof(v), "name=k%d", 4321);
	assert_string_equal(check(&x, "", vals, 9999, &err),
			    "error:duplicate:name:4323");
	done(&x);
}

/* Keys are kept exactly when short or all digits, and hashed otherwise:
 * values that differ only by a leading zero, by length or in the bytes a
 * hash would mix are never taken for the same key, in every form. */
static void unique_keys_of_every_form_stay_apart(void **state)
{
	static const char *const distinct[] = {
		"0", "00", "1", "01", "a", "a\x01", "abcdefghijk",
		"abcdefghijk\x01", "abcdefghijl",         /* 11 bytes, exact */
		"123456789012", "0123456789012", "1234567890123",
		"82161143100031", "082161143100031", "8216114310003",
		"9999999999999999999", "1000000000000000000",
		"18446744073709551615",                   /* 20 digits: hashed */
		"18446744073709551616", "12345678901a",
		"jean.dupont@example.fr", "jean.dupont@example.fs",
		"FR7630006000011234567890189",
	};
	struct fixture x;
	struct diag err;
	char v[64];
	const char *vals[] = { v, NULL };
	size_t i, n = sizeof(distinct) / sizeof(distinct[0]);
	char want[64];

	(void)state;
	load_ok(&x, "field,rule\nname,unique\n");
	for (i = 0; i < n; i++) {
		snprintf(v, sizeof(v), "name=%s", distinct[i]);
		assert_string_equal(check(&x, "", vals, i + 2, &err), "");
	}
	/* Each one again: a duplicate of its own first copy only. */
	for (i = 0; i < n; i++) {
		snprintf(v, sizeof(v), "name=%s", distinct[i]);
		snprintf(want, sizeof(want), "error:duplicate:name:%zu", i + 2);
		assert_string_equal(check(&x, "", vals, n + i + 2, &err),
				    want);
	}
	done(&x);
}

static void when_skips_rules_whose_condition_fails(void **state)
{
	struct fixture x;

	(void)state;
	load_ok(&x, "field,rule,when\nname,required,size=micro|PME\n");
	assert_string_equal(FINDINGS(&x, V(size, "ETI")), "");
	assert_string_equal(FINDINGS(&x, V(size, "PME")),
			    "error:missing:name");
	done(&x);
}

static void rejects_cells_are_neutralised_per_owasp(void **state)
{
	static const char *const v[][2] = {
		{ "=1+2", "'=1+2" }, { "+33", "'+33" }, { "-12.00", "'-12.00" },
		{ "@SUM(A1)", "'@SUM(A1)" }, { "\tx", "'\tx" }, { "\rx", "'\rx" },
		{ "a=1", "a=1" }, { "", "" }, { " =1", " =1" },
	};
	struct sbuf b;
	size_t i;

	(void)state;
	sbuf_init(&b);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		sbuf_reset(&b);
		assert_int_equal(validate_neutralise(v[i][0], strlen(v[i][0]),
						     &b), 0);
		assert_string_equal(sbuf_str(&b), v[i][1]);
	}
	sbuf_fini(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sample_call_rules_load),
		cmocka_unit_test(call_without_rules_checks_types_only),
		cmocka_unit_test(wrong_rules_are_refused_with_their_line),
		cmocka_unit_test(types_are_checked_on_normal_forms),
		cmocka_unit_test(ingest_findings_are_kept_and_not_doubled),
		cmocka_unit_test(required_and_severity),
		cmocka_unit_test(messages_come_from_the_rule_or_the_code),
		cmocka_unit_test(bounds_compare_exactly),
		cmocka_unit_test(deadline_compares_utc_instants),
		cmocka_unit_test(allowed_values_and_lists),
		cmocka_unit_test(patterns_match_the_whole_value_in_utf8),
		cmocka_unit_test(exploding_pattern_stops_the_run),
		cmocka_unit_test(checksums_apply_to_their_field),
		cmocka_unit_test(checksum_detail_does_not_repeat_the_field),
		cmocka_unit_test(region_takes_the_commune_code_then_the_postcode),
		cmocka_unit_test(share_cap_depends_on_a_condition),
		cmocka_unit_test(order_rules_compare_two_fields),
		cmocka_unit_test(unique_flags_each_copy_after_the_first),
		cmocka_unit_test(unique_keys_survive_growth),
		cmocka_unit_test(unique_keys_of_every_form_stay_apart),
		cmocka_unit_test(when_skips_rules_whose_condition_fails),
		cmocka_unit_test(rejects_cells_are_neutralised_per_owasp),
	};

	return cmocka_run_group_tests_name("rules", tests, setup, teardown);
}
