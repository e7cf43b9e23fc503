/* finding.c - the table of finding codes (docs/findings.md is checked
 * against it by tests/unit/test_finding.c), and the writing and reading of
 * the items of a findings list. */
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "finding.h"
#include "mem.h"

#define ERROR FINDING_ERROR
#define INGEST FINDING_BY_INGEST
#define VALIDATE FINDING_BY_VALIDATE
#define SCORE FINDING_BY_SCORE

/* The codes: spelling, default severity, subject, stages, meaning, and
 * the message an item without its own gets in the rejects report. */
static const struct finding_def defs[FINDING_NCODES] = {
	[FINDING_FIELD_COUNT] = { "field_count", ERROR, FINDING_RECORD, INGEST,
		"the source record has more or fewer fields than its header",
		"the source record has a wrong number of fields" },
	[FINDING_BAD_QUOTE] = { "bad_quote", ERROR, FINDING_FIELD_IF_ANY, INGEST,
		"a stray quote, or text after a closing quote, in the source; "
		"the rest of the line was skipped", NULL },
	[FINDING_BAD_NUMBER] = { "bad_number", ERROR, FINDING_FIELD, INGEST,
		"not a number in any accepted spelling",
		"not a number in an accepted spelling" },
	[FINDING_AMBIGUOUS_NUMBER] = { "ambiguous_number", ERROR, FINDING_FIELD,
		INGEST, "a number that can be read two ways",
		"the number can be read two ways" },
	[FINDING_TOO_PRECISE] = { "too_precise", ERROR, FINDING_FIELD, INGEST,
		"more significant decimals than the field's type keeps",
		"more decimals than the field allows" },
	[FINDING_OUT_OF_RANGE] = { "out_of_range", ERROR, FINDING_FIELD, INGEST,
		"outside the range of the field's type",
		"out of the range of the field's type" },
	[FINDING_SCIENTIFIC_NOTATION] = { "scientific_notation", ERROR,
		FINDING_FIELD, INGEST,
		"a number in scientific notation: digits were lost",
		"a number in scientific notation: digits were lost" },
	[FINDING_BAD_DATE] = { "bad_date", ERROR, FINDING_FIELD, INGEST,
		"not a date in an accepted form, or no such day",
		"not a date, or no such day" },
	[FINDING_BAD_DATETIME] = { "bad_datetime", ERROR, FINDING_FIELD, INGEST,
		"not a date and time in an accepted form, or an impossible one",
		"not a date and time, or an impossible one" },
	[FINDING_BAD_BOOLEAN] = { "bad_boolean", ERROR, FINDING_FIELD, INGEST,
		"not one of the yes/no words", "not a yes or no value" },
	[FINDING_BAD_LIST] = { "bad_list", ERROR, FINDING_FIELD, INGEST,
		"a list item contains '|'", "a list item contains '|'" },
	[FINDING_BAD_ENCODING] = { "bad_encoding", ERROR, FINDING_FIELD,
		INGEST | VALIDATE,
		"invalid UTF-8, or a byte undefined in Windows-1252",
		"not valid UTF-8" },
	[FINDING_BAD_TYPE] = { "bad_type", ERROR, FINDING_FIELD, VALIDATE,
		"not in the normal form of the field's type",
		"not in the normal form of the field's type" },
	[FINDING_MISSING] = { "missing", ERROR, FINDING_FIELD, VALIDATE,
		"a required value is empty", "a value is required" },
	[FINDING_BELOW_MIN] = { "below_min", ERROR, FINDING_FIELD, VALIDATE,
		"below the call's minimum", NULL },
	[FINDING_ABOVE_MAX] = { "above_max", ERROR, FINDING_FIELD, VALIDATE,
		"above the call's maximum", NULL },
	[FINDING_NOT_ALLOWED] = { "not_allowed", ERROR, FINDING_FIELD, VALIDATE,
		"a value the call does not allow", NULL },
	[FINDING_NO_MATCH] = { "no_match", ERROR, FINDING_FIELD, VALIDATE,
		"the value does not match the call's pattern", NULL },
	[FINDING_TOO_LONG] = { "too_long", ERROR, FINDING_FIELD, VALIDATE,
		"the value is too long to be matched against a pattern",
		"the value is too long" },
	[FINDING_BAD_CHECKSUM] = { "bad_checksum", ERROR, FINDING_FIELD,
		VALIDATE, "the check digits are wrong", NULL },
	[FINDING_DUPLICATE] = { "duplicate", ERROR, FINDING_FIELD,
		VALIDATE | SCORE,
		"another application of the batch has the same value", NULL },
	[FINDING_OUTSIDE_REGION] = { "outside_region", ERROR, FINDING_FIELD,
		VALIDATE, "the applicant is located outside the call's region",
		NULL },
	[FINDING_UNKNOWN_LOCATION] = { "unknown_location", ERROR, FINDING_FIELD,
		VALIDATE, "no département can be found for the applicant",
		NULL },
	[FINDING_SHARE_ABOVE_MAX] = { "share_above_max", ERROR, FINDING_FIELD,
		VALIDATE, "more than the allowed share of another field",
		NULL },
	[FINDING_AFTER] = { "after", ERROR, FINDING_FIELD, VALIDATE,
		"later than another field", NULL },
	[FINDING_ABOVE] = { "above", ERROR, FINDING_FIELD, VALIDATE,
		"greater than another field", NULL },
	[FINDING_UNREADABLE] = { "unreadable", ERROR, FINDING_FIELD, SCORE,
		"a value the scoring needs cannot be read", NULL },
	[FINDING_FUNDED_EARLIER] = { "funded_earlier", ERROR, FINDING_FIELD,
		SCORE, "the application was funded at an earlier cut-off of "
		"the call", NULL },
};

const struct finding_def *finding_def(enum finding_code code)
{
	return &defs[code];
}

const char *finding_name(enum finding_code code)
{
	return defs[code].code;
}

const struct finding_def *finding_lookup(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < FINDING_NCODES; i++)
		if (strlen(defs[i].code) == n && memcmp(defs[i].code, s, n) == 0)
			return &defs[i];
	return NULL;
}

int finding_write(struct sbuf *out, int error, enum finding_code code,
		  const char *field, const char *detail)
{
	if (sbuf_adds(out, error ? "error:" : "warning:") < 0 ||
	    sbuf_adds(out, defs[code].code) < 0)
		return -1;
	if (field != NULL && (sbuf_addc(out, ':') < 0 ||
			      sbuf_adds(out, field) < 0))
		return -1;
	if (detail != NULL && *detail != '\0' &&
	    (sbuf_addc(out, ':') < 0 || sbuf_adds(out, detail) < 0))
		return -1;
	return 0;
}

int finding_add(struct sbuf *list, int error, enum finding_code code,
		const char *field, const char *detail)
{
	if (list->len > 0 && sbuf_addc(list, ';') < 0)
		return -1;
	return finding_write(list, error, code, field, detail);
}

int finding_join(struct sbuf *list, const char *items, size_t n)
{
	if (n == 0)
		return 0;
	if (list->len > 0 && sbuf_addc(list, ';') < 0)
		return -1;
	return sbuf_add(list, items, n);
}

void finding_parse(const char *s, size_t n, struct finding_item *it)
{
	const char *end = s + n, *p, *e;
	const char **part[3];
	size_t *plen[3];
	size_t k;

	it->item = s;
	it->len = n;
	it->error = n >= 6 && memcmp(s, "error:", 6) == 0;
	it->code = it->field = it->detail = end;
	it->code_len = it->field_len = it->detail_len = 0;
	part[0] = &it->code, plen[0] = &it->code_len;
	part[1] = &it->field, plen[1] = &it->field_len;
	part[2] = &it->detail, plen[2] = &it->detail_len;
	p = memchr(s, ':', n);
	it->sev_len = p != NULL ? (size_t)(p - s) : n;
	for (k = 0; k < 3 && p != NULL; k++) {
		p++;
		*part[k] = p;
		e = k < 2 ? memchr(p, ':', (size_t)(end - p)) : NULL;
		*plen[k] = (size_t)((e != NULL ? e : end) - p);
		p = e;
	}
}

int finding_next(const char *s, size_t n, size_t *pos,
		 struct finding_item *it)
{
	const char *p, *e;
	size_t len;

	while (*pos < n) {
		p = s + *pos;
		e = memchr(p, ';', n - *pos);
		len = e != NULL ? (size_t)(e - p) : n - *pos;
		*pos += e != NULL ? len + 1 : len;
		if (len > 0) {
			finding_parse(p, len, it);
			return 1;
		}
	}
	return 0;
}

size_t finding_rank(const struct finding_item *it, const struct call *c)
{
	long idx;

	if (it->field_len == 0)
		return 0;
	idx = call_field_index(c, it->field, it->field_len);
	return idx >= 0 ? (size_t)idx + 1 : c->nfields + 1;
}

/* Compares the n bytes at a with the m bytes at b: memcmp, then the
 * shorter first. */
static int bytes_cmp(const char *a, size_t n, const char *b, size_t m)
{
	int c = memcmp(a, b, n < m ? n : m);

	return c != 0 ? c : (n > m) - (n < m);
}

int finding_cmp(const struct finding_item *a, size_t ra,
		const struct finding_item *b, size_t rb)
{
	int c;

	if (ra != rb)
		return ra < rb ? -1 : 1;
	if ((c = bytes_cmp(a->field, a->field_len, b->field,
			   b->field_len)) != 0 ||
	    (c = bytes_cmp(a->code, a->code_len, b->code, b->code_len)) != 0 ||
	    (c = bytes_cmp(a->detail, a->detail_len, b->detail,
			   b->detail_len)) != 0)
		return c;
	return bytes_cmp(a->item, a->len, b->item, b->len);
}

/* An item of a list being sorted, with its field's rank. */
struct ranked {
	struct finding_item it; /* the item, pointing into the list */
	size_t rank;            /* finding_rank */
};

static int ranked_cmp(const void *pa, const void *pb)
{
	const struct ranked *a = pa, *b = pb;

	return finding_cmp(&a->it, a->rank, &b->it, b->rank);
}

int finding_sort(struct sbuf *list, const struct call *c)
{
	struct finding_item it;
	struct ranked *v;
	struct sbuf out;
	size_t pos = 0, n = 0, i;

	while (finding_next(list->data, list->len, &pos, &it))
		n++;
	if (n == 0)
		return 0;
	if ((v = mem_calloc(n, sizeof(*v))) == NULL)
		return -1;
	for (pos = 0, i = 0; finding_next(list->data, list->len, &pos, &it); i++) {
		v[i].it = it;
		v[i].rank = finding_rank(&it, c);
	}
	qsort(v, n, sizeof(*v), ranked_cmp);
	sbuf_init(&out);
	for (i = 0; i < n; i++) {
		if (i > 0 && ranked_cmp(&v[i - 1], &v[i]) == 0)
			continue;
		if (finding_join(&out, v[i].it.item, v[i].it.len) < 0) {
			sbuf_fini(&out);
			mem_free(v);
			return -1;
		}
	}
	mem_free(v);
	sbuf_fini(list);
	*list = out;
	return 0;
}

int finding_default_message(const char *s, size_t n, struct sbuf *out)
{
	const struct finding_def *d = finding_lookup(s, n);

	if (d != NULL && d->message != NULL)
		return sbuf_adds(out, d->message);
	if (sbuf_adds(out, "finding ") < 0)
		return -1;
	return sbuf_add(out, s, n);
}
