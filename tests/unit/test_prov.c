/* test_prov.c - the provenance tokens: what the writer writes the reader
 * reads back, percent-decoding, file tokens, and malformed lines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "aap.h"
#include "call.h"
#include "diag.h"
#include "prov.h"

static const char sha_a[] =
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
static const char sha_b[] =
	"fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

/* Parses line, expecting success. */
static void parse_ok(struct prov_line *l, const char *line)
{
	struct diag err;

	diag_clear(&err);
	assert_int_equal(prov_parse(l, line, "in", 3, &err), 0);
}

/* Parses line, expecting it refused as malformed with message msg. */
static void parse_bad(const char *line, const char *msg)
{
	struct prov_line l;
	struct diag err;

	prov_line_init(&l);
	diag_clear(&err);
	assert_int_equal(prov_parse(&l, line, "in", 3, &err), -1);
	assert_int_equal(err.status, AAP_EDATA);
	assert_string_equal(err.file, "in");
	assert_int_equal(err.line, 3);
	assert_string_equal(err.msg, msg);
	assert_int_equal(l.n, 0);
	prov_line_fini(&l);
}

static void stage_line_round_trips(void **state)
{
	static char name_a[] = "fields.csv", name_b[] = "odd name:1.csv";
	struct call_file files[2] = { { name_a, "" }, { name_b, "" } };
	struct call c;
	struct sbuf b;
	struct prov_line l;
	struct prov_file f;
	const struct prov_token *t;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.id = "sud ia%2025";
	c.files = files;
	c.nfiles = 2;
	memcpy(files[0].sha256, sha_a, sizeof(sha_a));
	memcpy(files[1].sha256, sha_b, sizeof(sha_b));
	sbuf_init(&b);
	prov_line_init(&l);
	assert_int_equal(prov_stage_line(&b, "aap-test", &c), 0);
	assert_int_equal(prov_token_unchecked(&b), 0);
	assert_int_equal(prov_token_n(&b, PROV_UNMAPPED, "a\0b", 3), 0);
	assert_string_equal(sbuf_str(&b),
		"#stage name=aap-test version=" AAP_VERSION
		" call=sud%20ia%252025 file=call:fields.csv:"
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		" file=call:odd%20name:1.csv:"
		"fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
		" truncation-check=off unmapped=a%00b");
	parse_ok(&l, sbuf_str(&b));
	assert_int_equal(l.kind, PROV_STAGE);
	assert_int_equal(l.n, 7);
	assert_string_equal(prov_find(&l, PROV_NAME)->value, "aap-test");
	assert_string_equal(prov_find(&l, PROV_CALL)->value, "sud ia%2025");
	assert_true(prov_unchecked(&l));
	t = prov_find(&l, PROV_UNMAPPED);
	assert_int_equal(t->len, 3);
	assert_memory_equal(t->value, "a\0b", 3);
	assert_null(prov_find(&l, PROV_BATCH));
	/* The first file token is found first; the second keeps the ':' of
	 * its name, since the role ends at the first ':' and the digest is
	 * the last 64 bytes. */
	assert_int_equal(prov_file_split(&l.tok[3], &f), 0);
	assert_int_equal(f.role_len, 4);
	assert_memory_equal(f.role, "call", 4);
	assert_int_equal(f.name_len, 10);
	assert_memory_equal(f.name, "fields.csv", 10);
	assert_string_equal(f.sha256, sha_a);
	assert_int_equal(prov_file_split(&l.tok[4], &f), 0);
	assert_int_equal(f.name_len, 14);
	assert_memory_equal(f.name, "odd name:1.csv", 14);
	assert_string_equal(f.sha256, sha_b);
	prov_line_fini(&l);
	sbuf_fini(&b);
}

static void trailer_line_round_trips(void **state)
{
	struct sbuf b, extra;
	struct prov_line l;

	(void)state;
	sbuf_init(&b);
	sbuf_init(&extra);
	prov_line_init(&l);
	assert_int_equal(prov_token_input(&extra, "in put.csv", sha_b), 0);
	assert_int_equal(prov_token(&extra, PROV_GRANTED, "1200.50"), 0);
	assert_int_equal(prov_trailer_line(&b, 42, &extra, sha_a), 0);
	assert_string_equal(sbuf_str(&b), "#trailer records=42 input=in%20put.csv:"
			    "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
			    " granted=1200.50 sha256="
			    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n");
	b.data[--b.len] = '\0';
	parse_ok(&l, sbuf_str(&b));
	assert_int_equal(l.kind, PROV_TRAILER);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.tok[0].key, "records");
	assert_string_equal(l.tok[0].value, "42");
	assert_string_equal(prov_find(&l, PROV_INPUT)->value, "in put.csv:" "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210");
	assert_ptr_equal(prov_find(&l, PROV_SHA256), &l.tok[3]);
	assert_false(prov_unchecked(&l));
	sbuf_reset(&b);
	assert_int_equal(prov_trailer_line(&b, 0, NULL, sha_a), 0);
	assert_string_equal(sbuf_str(&b), "#trailer records=0 sha256="
			    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n");
	prov_line_fini(&l);
	sbuf_fini(&extra);
	sbuf_fini(&b);
}

static void values_are_percent_decoded(void **state)
{
	struct sbuf b, d;
	struct prov_line l;

	(void)state;
	sbuf_init(&b);
	sbuf_init(&d);
	prov_line_init(&l);
	assert_int_equal(prov_token(&b, PROV_UNMAPPED, "Téléphone fixe 100%\t\x7f"), 0);
	assert_string_equal(sbuf_str(&b), " unmapped=Téléphone%20fixe%20100%25%09%7F");
	assert_int_equal(prov_decode(b.data + 10, b.len - 10, &d), 0);
	assert_string_equal(sbuf_str(&d), "Téléphone fixe 100%\t\x7f");
	sbuf_reset(&d);
	/* Lower-case hex is read too; a '%' without two hex digits is not. */
	assert_int_equal(prov_decode("%2c%2C", 6, &d), 0);
	assert_string_equal(sbuf_str(&d), ",,");
	assert_int_equal(prov_decode("%4", 2, &d), -1);
	assert_int_equal(prov_decode("%g0", 3, &d), -1);
	parse_ok(&l, "#stage delimiter=%3b source=a=b empty=");
	assert_int_equal(l.kind, PROV_STAGE);
	assert_string_equal(prov_find(&l, PROV_DELIMITER)->value, ";");
	/* The key ends at the first '='. */
	assert_string_equal(prov_find(&l, PROV_SOURCE)->value, "a=b");
	assert_string_equal(l.tok[2].key, "empty");
	assert_int_equal(l.tok[2].len, 0);
	prov_line_fini(&l);
	sbuf_fini(&b);
	sbuf_fini(&d);
}

static void lines_are_told_apart_by_their_word(void **state)
{
	struct prov_line l;

	(void)state;
	prov_line_init(&l);
	assert_int_equal(prov_kind_of("#stage name=x"), PROV_STAGE);
	assert_int_equal(prov_kind_of("#stage"), PROV_STAGE);
	assert_int_equal(prov_kind_of("#trailer records=1"), PROV_TRAILER);
	assert_int_equal(prov_kind_of("#stages name=x"), PROV_OTHER);
	assert_int_equal(prov_kind_of("#aap-stream format=1"), PROV_OTHER);
	parse_ok(&l, "#aap-stream format=1");
	assert_int_equal(l.kind, PROV_OTHER);
	assert_string_equal(l.tok[0].key, "format");
	parse_ok(&l, "#stage");
	assert_int_equal(l.n, 0);
	/* Unknown keys are kept: another stage may add its own. */
	parse_ok(&l, "#stage x.y-2=1");
	assert_string_equal(l.tok[0].key, "x.y-2");
	prov_line_fini(&l);
}

static void malformed_tokens_are_refused(void **state)
{
	(void)state;
	parse_bad("#stage name=a%zz", "malformed name token in the provenance");
	parse_bad("#stage file=call:x:%4", "malformed file token in the provenance");
	parse_bad("#stage name=a bare", "malformed token in the provenance");
	parse_bad("#stage name=a  call=b", "malformed token in the provenance");
	parse_bad("#stage name=a ", "malformed token in the provenance");
	parse_bad("#stage =a", "malformed token in the provenance");
	parse_bad("#stage Name=a", "malformed token in the provenance");
	parse_bad("#trailer records=1 sha_256=0", "malformed token in the provenance");
}

static void file_tokens_need_a_role_and_a_digest(void **state)
{
	static const char *const bad[] = {
		"callfields.csv",
		"call:fields.csv:0123",
		"call:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"call:x;0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	};
	struct prov_token t;
	struct prov_file f;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t.key = "file";
		t.value = bad[i];
		t.len = strlen(bad[i]);
		assert_int_equal(prov_file_split(&t, &f), -1);
	}
	/* An empty name is still ROLE:NAME:SHA256. */
	t.value = "call::0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	t.len = strlen(t.value);
	assert_int_equal(prov_file_split(&t, &f), 0);
	assert_int_equal(f.name_len, 0);
}

#define HEX_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define HEX_B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

/* Checks trailer against the '#stage' line stage (NULL: none); returns
 * the outcome, the message in err. */
static int trailer_check(const char *trailer, const char *stage,
			 struct diag *err)
{
	struct prov_line t, st;
	int rc;

	prov_line_init(&t);
	prov_line_init(&st);
	diag_clear(err);
	rc = prov_parse(&t, trailer, "s", 9, err);
	if (rc == 0 && stage != NULL)
		assert_int_equal(prov_parse(&st, stage, "s", 2, err), 0);
	if (rc == 0)
		rc = prov_trailer_check(&t, stage ? &st : NULL, "s", 9, err);
	prov_line_fini(&t);
	prov_line_fini(&st);
	return rc;
}

static const char ingest_stage[] = "#stage name=aap-ingest version=0.1.0 "
	"call=c source=a.csv delimiter=, source=b%20c.csv delimiter=;";
static const char ingest_trailer[] = "#trailer records=12 input=a.csv:" HEX_A
	" encoding=UTF-8 input=b%20c.csv:" HEX_B " encoding=WINDOWS-1252"
	" sha256=" HEX_A;
static const char score_stage[] = "#stage name=aap-score version=0.1.0 call=c";
static const char score_trailer[] = "#trailer records=0 input=-:" HEX_B
	" envelope=1000.00 granted=999.50 left=0.50 sha256=" HEX_B;

static void trailers_of_each_stage_hold_exactly_their_tokens(void **state)
{
	struct diag err;

	(void)state;
	assert_int_equal(trailer_check(ingest_trailer, ingest_stage, &err), 0);
	assert_int_equal(trailer_check(score_trailer, score_stage, &err), 0);
	assert_int_equal(trailer_check("#trailer records=3 input=s:" HEX_A
				       " sha256=" HEX_A, "#stage name=aap-validate",
				       &err), 0);
	/* A writer aap does not know: a trailer's keys, well formed. */
	assert_int_equal(trailer_check("#trailer records=3 sha256=" HEX_A,
				       NULL, &err), 0);
	assert_int_equal(trailer_check("#trailer records=3 granted=1.00 input=x:"
				       HEX_A " sha256=" HEX_A,
				       "#stage name=elsewhere", &err), 0);
	assert_int_equal(trailer_check("#trailer records=3 grxnted=1.00 sha256="
				       HEX_A, "#stage name=elsewhere", &err), -1);
	assert_string_equal(err.msg, "the trailer holds an unknown token "
			    "\"grxnted\": the stream was altered");
	assert_int_equal(trailer_check("#trailer records=0 input=-:" HEX_B
				       " envelope=1000.00 grxnted=999.50 left=0.50"
				       " sha256=" HEX_B, score_stage, &err), -1);
	assert_int_equal(err.status, AAP_EDATA);
	assert_string_equal(err.msg, "the trailer holds an unknown token "
			    "\"grxnted\": the stream was altered");
	assert_int_equal(trailer_check("#trailer records=0 input=-:" HEX_B
				       " envelope=1000.00 left=0.50 sha256=" HEX_B,
				       score_stage, &err), -1);
	assert_string_equal(err.msg, "the trailer lacks its token \"granted\": "
			    "the stream was altered");
	assert_int_equal(trailer_check("#trailer records=0 input=-:" HEX_B
				       " input=-:" HEX_B " sha256=" HEX_B,
				       "#stage name=aap-validate", &err), -1);
	assert_string_equal(err.msg, "the trailer holds a repeated token "
			    "\"input\": the stream was altered");
	assert_int_equal(trailer_check("#trailer records=01 input=-:" HEX_B
				       " sha256=" HEX_B, "#stage name=aap-push",
				       &err), -1);
	assert_string_equal(err.msg, "the trailer has a malformed token "
			    "\"records\": the stream was altered");
}

/* Each byte of trailer made each of a few others in turn: every change
 * must be refused, but for the bytes [keep, keep+n) and for a hex digit
 * made another (a count or a digest that only the stream's own digest
 * and count can check). */
static void sweep(const char *trailer, const char *stage, size_t keep,
		  size_t n)
{
	static const char with[] = "Z0a.-:=% ";
	static const char hex[] = "0123456789abcdef";
	char line[512];
	struct diag err;
	size_t i, j, len = strlen(trailer);

	assert_true(len < sizeof(line));
	for (i = strlen("#trailer"); i < len; i++) {
		if (i >= keep && i < keep + n)
			continue;
		for (j = 0; j < sizeof(with) - 1; j++) {
			if (trailer[i] == with[j] ||
			    (strchr(hex, trailer[i]) && strchr(hex, with[j])))
				continue;
			memcpy(line, trailer, len + 1);
			line[i] = with[j];
			if (trailer_check(line, stage, &err) == 0)
				fail_msg("accepted: %s", line);
		}
	}
}

static void every_byte_of_a_trailer_changed_is_refused(void **state)
{
	(void)state;
	sweep(ingest_trailer, ingest_stage, 0, 0);
	/* The name of the stream a stage read is said nowhere else. */
	sweep(score_trailer, score_stage, strlen("#trailer records=0 input="), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stage_line_round_trips),
		cmocka_unit_test(trailer_line_round_trips),
		cmocka_unit_test(values_are_percent_decoded),
		cmocka_unit_test(lines_are_told_apart_by_their_word),
		cmocka_unit_test(malformed_tokens_are_refused),
		cmocka_unit_test(file_tokens_need_a_role_and_a_digest),
		cmocka_unit_test(trailers_of_each_stage_hold_exactly_their_tokens),
		cmocka_unit_test(every_byte_of_a_trailer_changed_is_refused),
	};

	return cmocka_run_group_tests_name("prov", tests, NULL, NULL);
}
