/* ruleset.c - rules.csv read into compiled rules: every check of the
 * table and its messages, in one place for every stage that reads it. */
#include <stdint.h>
#include <string.h>

#include "aap.h"
#include "call.h"
#include "diag.h"
#include "mem.h"
#include "norm.h"
#include "region.h"
#include "ruleset.h"
#include "table.h"

enum { NO, MAY, MUST }; /* whether a kind takes a value or another field */

/* What a kind of rule is called, what it takes. */
static const struct kind {
	const char *name;  /* in the rule column */
	int value;         /* NO or MUST */
	int other;         /* NO, MAY or MUST */
} kinds[] = {
	[RULESET_REQUIRED] = { "required", NO, NO },
	[RULESET_MIN] = { "min", MUST, NO },
	[RULESET_MAX] = { "max", MUST, NO },
	[RULESET_ALLOWED] = { "allowed", MUST, NO },
	[RULESET_PATTERN] = { "pattern", MUST, NO },
	[RULESET_CHECKSUM] = { "checksum", MUST, NO },
	[RULESET_UNIQUE] = { "unique", NO, NO },
	[RULESET_REGION] = { "region", MUST, MAY },
	[RULESET_MAX_SHARE] = { "max_share", MUST, MUST },
	[RULESET_NOT_AFTER] = { "not_after", NO, MUST },
	[RULESET_NOT_ABOVE] = { "not_above", NO, MUST },
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ---- ordered values ---- */

static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/* Reads the n digits at s into *v.  Returns 0 or -1. */
static int read_digits(const char *s, size_t n, unsigned *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		*v = *v * 10 + (unsigned)(s[i] - '0');
	}
	return 0;
}

int ruleset_parse_num(const char *s, size_t n, ruleset_wide *v)
{
	size_t i = 0, idig = 0, fdig = 0;
	ruleset_wide ip = 0, frac = 0;
	int neg = n > 0 && s[0] == '-';

	for (i = (size_t)neg; i < n && is_digit(s[i]); i++, idig++)
		if (idig < 20)
			ip = ip * 10 + (s[i] - '0');
	if (idig == 0 || idig > 20)
		return -1;
	if (i < n && (s[i++] != '.' || i == n))
		return -1;
	for (; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		if (fdig == 9 && s[i] != '0')
			return -1;
		if (fdig < 9)
			frac = frac * 10 + (s[i] - '0'), fdig++;
	}
	for (; fdig < 9; fdig++)
		frac *= 10;
	*v = ip * RULESET_SCALE + frac;
	if (neg)
		*v = -*v;
	return 0;
}

/* Reads "YYYY-MM-DD" at s into o.  Returns 0 or -1. */
static int parse_date(const char *s, struct ruleset_ord *o)
{
	unsigned y, m, d;

	if (read_digits(s, 4, &y) < 0 || s[4] != '-' ||
	    read_digits(s + 5, 2, &m) < 0 || s[7] != '-' ||
	    read_digits(s + 8, 2, &d) < 0 || m < 1 || m > 12 || d < 1)
		return -1;
	o->days = days_from_civil(y, m, d);
	return 0;
}

/* Reads "YYYY-MM-DDTHH:MM:SS" and an optional "±HH:MM" into o. */
static int parse_datetime(const char *s, size_t n, struct ruleset_ord *o)
{
	unsigned h, mi, se, oh, om;

	if ((n != 19 && n != 25) || parse_date(s, o) < 0 || s[10] != 'T' ||
	    read_digits(s + 11, 2, &h) < 0 || s[13] != ':' ||
	    read_digits(s + 14, 2, &mi) < 0 || s[16] != ':' ||
	    read_digits(s + 17, 2, &se) < 0)
		return -1;
	o->time = 1;
	o->secs = o->days * 86400 + h * 3600 + mi * 60 + se;
	if (n == 19)
		return 0;
	if ((s[19] != '+' && s[19] != '-') || read_digits(s + 20, 2, &oh) < 0 ||
	    s[22] != ':' || read_digits(s + 23, 2, &om) < 0)
		return -1;
	o->has_off = 1;
	o->off = (long long)(oh * 3600 + om * 60) * (s[19] == '-' ? -1 : 1);
	return 0;
}

int ruleset_ord_of(enum field_type t, const char *s, size_t n,
		   struct ruleset_ord *o)
{
	memset(o, 0, sizeof(*o));
	switch (t) {
	case FIELD_INTEGER:
	case FIELD_DECIMAL:
	case FIELD_MONEY:
	case FIELD_RATE:
		o->num = 1;
		return ruleset_parse_num(s, n, &o->v);
	case FIELD_DATE:
		return n == 10 ? parse_date(s, o) : -1;
	case FIELD_DATETIME:
		return parse_datetime(s, n, o);
	default:
		return -1;
	}
}

#define CMP(a, b) (((a) > (b)) - ((a) < (b)))

int ruleset_ord_cmp(const struct ruleset_ord *a, const struct ruleset_ord *b)
{
	if (a->num)
		return CMP(a->v, b->v);
	if (!a->time || !b->time)
		return CMP(a->days, b->days);
	if (a->has_off && b->has_off)
		return CMP(a->secs - a->off, b->secs - b->off);
	return CMP(a->secs, b->secs);
}

static int type_numeric(enum field_type t)
{
	return t == FIELD_INTEGER || t == FIELD_DECIMAL || t == FIELD_MONEY ||
	       t == FIELD_RATE;
}

static int type_temporal(enum field_type t)
{
	return t == FIELD_DATE || t == FIELD_DATETIME;
}

/* The normaliser of type t; NULL for text, enum and decimal. */
static enum norm_status (*normaliser(enum field_type t))(const char *,
							  size_t, char *,
							  size_t)
{
	switch (t) {
	case FIELD_INTEGER:
		return norm_integer;
	case FIELD_MONEY:
		return norm_money;
	case FIELD_RATE:
		return norm_rate;
	case FIELD_DATE:
		return norm_date;
	case FIELD_DATETIME:
		return norm_datetime;
	case FIELD_BOOLEAN:
		return norm_boolean;
	default:
		return NULL;
	}
}

/* ---- sets of strings ---- */


static void set_fini(struct ruleset_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		mem_free(s->v[i]);
	mem_free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* Splits text at '|' into s, each item trimmed of spaces.  Returns 0, 1
 * when an item is empty, -1 when memory ran out. */
static int set_parse(struct ruleset_set *s, const char *text)
{
	const char *p = text, *e;
	size_t n, cnt = 1;
	char **v;

	for (e = text; *e; e++)
		cnt += *e == '|';
	if ((s->v = mem_calloc(cnt, sizeof(*s->v))) == NULL)
		return -1;
	for (;;) {
		e = strchr(p, '|');
		n = e ? (size_t)(e - p) : strlen(p);
		while (n > 0 && *p == ' ')
			p++, n--;
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (n == 0)
			return 1;
		v = &s->v[s->n];
		if ((*v = mem_strndup(p, n)) == NULL)
			return -1;
		s->n++;
		if (e == NULL)
			return 0;
		p = e + 1;
	}
}

int ruleset_set_has(const struct ruleset_set *s, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strlen(s->v[i]) == n && memcmp(s->v[i], p, n) == 0)
			return 1;
	return 0;
}

/* ---- loading ---- */

static void rule_fini(struct ruleset_rule *ru)
{
	set_fini(&ru->when_in);
	set_fini(&ru->set);
	mem_free(ru->when_text);
	mem_free(ru->value);
	mem_free(ru->message);
	pcre2_code_free(ru->re);
}

/* Compiles the pattern of ru, once and for all (a stage that matches it
 * adds JIT). */
static int compile_pattern(struct ruleset *r, struct ruleset_rule *ru,
			   struct diag *err)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	int code;

	ru->re = pcre2_compile((PCRE2_SPTR)ru->value, PCRE2_ZERO_TERMINATED,
			       PCRE2_UTF | PCRE2_UCP | PCRE2_ANCHORED |
			       PCRE2_ENDANCHORED | PCRE2_NEVER_BACKSLASH_C,
			       &code, &off, NULL);
	if (ru->re == NULL) {
		pcre2_get_error_message(code, msg, sizeof(msg));
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"the pattern of field \"%s\" does not compile: "
				"%s at offset %zu", r->call->fields[ru->field].name,
				(const char *)msg, (size_t)off);
	}
	return 0;
}

/* Normalises the bound of a min or max rule by its field's type. */
static int take_bound(struct ruleset *r, struct ruleset_rule *ru, struct diag *err)
{
	const struct call_field *fd = &r->call->fields[ru->field];
	enum norm_status (*fn)(const char *, size_t, char *, size_t);
	char buf[64];
	size_t n = strlen(ru->value);

	fn = normaliser(fd->type);
	if (fd->type == FIELD_DECIMAL)
		fn = norm_decimal;
	if (!type_numeric(fd->type) && !type_temporal(fd->type))
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"rule \"%s\" needs a number, date or datetime "
				"field; \"%s\" is %s", kinds[ru->kind].name,
				fd->name, call_type_name(fd->type));
	if (fn(ru->value, n, buf, sizeof(buf)) != NORM_OK ||
	    ruleset_ord_of(fd->type, buf, strlen(buf), &ru->bound) < 0)
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"the bound \"%s\" is not a %s value", ru->value,
				call_type_name(fd->type));
	return 0;
}

/* Checks the two fields of a max_share or not_after rule. */
static int take_pair(struct ruleset *r, struct ruleset_rule *ru, struct diag *err)
{
	const struct call_field *a = &r->call->fields[ru->field];
	const struct call_field *b = &r->call->fields[ru->other];
	int num = ru->kind == RULESET_MAX_SHARE;

	if (num && (!type_numeric(a->type) || a->type == FIELD_RATE ||
		    !type_numeric(b->type) || b->type == FIELD_RATE))
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"rule \"max_share\" needs two integer, decimal "
				"or money fields");
	if (!num && !((type_numeric(a->type) && type_numeric(b->type)) ||
		      (type_temporal(a->type) && type_temporal(b->type))))
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"rule \"%s\" compares two numbers or two dates; "
				"\"%s\" is %s, \"%s\" is %s",
				kinds[ru->kind].name, a->name,
				call_type_name(a->type), b->name,
				call_type_name(b->type));
	if (num && (norm_rate(ru->value, strlen(ru->value), ru->share,
			      sizeof(ru->share)) != NORM_OK ||
		    ruleset_parse_num(ru->share, strlen(ru->share), &ru->rate) < 0))
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"the share \"%s\" is not a rate (0.6 or 60 %%)",
				ru->value);
	return 0;
}

/* Compiles what the kind of ru needs from its value. */
static int take_kind(struct ruleset *r, struct ruleset_rule *ru, struct diag *err)
{
	size_t i;
	int rc;

	switch (ru->kind) {
	case RULESET_MIN:
	case RULESET_MAX:
		return take_bound(r, ru, err);
	case RULESET_PATTERN:
		return compile_pattern(r, ru, err);
	case RULESET_CHECKSUM:
		ru->sum = checksum_named(ru->value);
		if (ru->sum == NULL)
			return diag_set(err, AAP_EUSAGE, r->path, ru->line,
					"unknown checksum \"%s\"", ru->value);
		return 0;
	case RULESET_ALLOWED:
	case RULESET_REGION:
		rc = set_parse(&ru->set, ru->value);
		if (rc < 0)
			return diag_oom(err);
		if (rc > 0)
			return diag_set(err, AAP_EUSAGE, r->path, ru->line,
					"an empty value in \"%s\"", ru->value);
		for (i = 0; ru->kind == RULESET_REGION && i < ru->set.n; i++)
			if (!region_valid_dep(ru->set.v[i]))
				return diag_set(err, AAP_EUSAGE, r->path,
						ru->line, "\"%s\" is not a "
						"département code", ru->set.v[i]);
		return 0;
	case RULESET_MAX_SHARE:
	case RULESET_NOT_AFTER:
	case RULESET_NOT_ABOVE:
		return take_pair(r, ru, err);
	default:
		return 0;
	}
}

/* Reads the when cell "FIELD=V1|V2" of ru. */
static int take_when(struct ruleset *r, struct ruleset_rule *ru, const char *when,
		     struct diag *err)
{
	const char *eq = strchr(when, '=');
	int rc;

	ru->when = -1;
	if (*when == '\0')
		return 0;
	if (eq == NULL ||
	    (ru->when = call_field_index(r->call, when, (size_t)(eq - when))) < 0)
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"bad condition \"%s\": FIELD=VALUE|VALUE... with "
				"a field of the call", when);
	rc = set_parse(&ru->when_in, eq + 1);
	if (rc < 0)
		return diag_oom(err);
	if (rc > 0)
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"an empty value in the condition \"%s\"", when);
	return 0;
}

/* The cell of column name in row, "" when the table has no such column. */
static const char *cell(const struct table *t, const struct table_row *row,
			const char *name)
{
	long c = table_col(t, name);

	return c >= 0 ? row->cells[c] : "";
}

/* Reads the severity cell into ru->error. */
static int take_severity(struct ruleset *r, struct ruleset_rule *ru, const char *sev,
			 struct diag *err)
{
	if (*sev == '\0' || strcmp(sev, "error") == 0)
		ru->error = 1;
	else if (strcmp(sev, "warning") == 0)
		ru->error = 0;
	else
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"severity must be error or warning, not \"%s\"",
				sev);
	return 0;
}

/* Reads the field, rule and other cells of row into ru. */
static int take_names(struct ruleset *r, struct ruleset_rule *ru, const char *field,
		      const char *kind, const char *other, struct diag *err)
{
	const struct kind *k;
	long idx;

	for (k = kinds; k < kinds + NKINDS && strcmp(k->name, kind) != 0; k++)
		;
	if (k == kinds + NKINDS) {
		diag_set(err, AAP_EUSAGE, r->path, ru->line,
			 "unknown rule \"%s\"", kind);
		diag_hint(err, "rules: required, min, max, allowed, pattern, "
			       "checksum, unique, region, max_share, not_after, "
			       "not_above; a field's type is in fields.csv");
		return -1;
	}
	ru->kind = (enum ruleset_kind)(k - kinds);
	if ((idx = call_field_index(r->call, field, strlen(field))) < 0)
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"rule \"%s\" names the field \"%s\", which the "
				"call does not have", kind, field);
	ru->field = (size_t)idx;
	ru->other = -1;
	if (*other == '\0' && k->other == MUST)
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"rule \"%s\" needs the other field", kind);
	if (*other != '\0' && k->other == NO)
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"rule \"%s\" takes no other field", kind);
	if (*other != '\0' &&
	    (ru->other = call_field_index(r->call, other, strlen(other))) < 0)
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"rule \"%s\" names the other field \"%s\", which "
				"the call does not have", kind, other);
	return 0;
}

/* Reads one row of rules.csv into ru. */
static int take_rule(struct ruleset *r, const struct table *t,
		     const struct table_row *row, struct ruleset_rule *ru,
		     struct diag *err)
{
	const char *value = cell(t, row, "value");

	ru->line = row->line;
	if (take_names(r, ru, cell(t, row, "field"), cell(t, row, "rule"),
		       cell(t, row, "other"), err) < 0 ||
	    take_severity(r, ru, cell(t, row, "severity"), err) < 0)
		return -1;
	if ((ru->value = mem_strdup(value)) == NULL ||
	    (ru->message = mem_strdup(cell(t, row, "message"))) == NULL ||
	    (ru->when_text = mem_strdup(cell(t, row, "when"))) == NULL)
		return diag_oom(err);
	if (kinds[ru->kind].value == MUST && *value == '\0')
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"rule \"%s\" needs a value", kinds[ru->kind].name);
	if (kinds[ru->kind].value == NO && *value != '\0')
		return diag_set(err, AAP_EUSAGE, r->path, ru->line,
				"rule \"%s\" takes no value", kinds[ru->kind].name);
	if (take_when(r, ru, ru->when_text, err) < 0)
		return -1;
	return take_kind(r, ru, err);
}

/* Refuses a rule given twice: same field, kind, other field, condition. */
static int check_duplicate(struct ruleset *r, const struct ruleset_rule *ru,
			   struct diag *err)
{
	const struct ruleset_rule *o;

	for (o = r->rule; o < ru; o++)
		if (o->field == ru->field && o->kind == ru->kind &&
		    o->other == ru->other &&
		    strcmp(o->when_text, ru->when_text) == 0)
			return diag_set(err, AAP_EUSAGE, r->path, ru->line,
					"rule \"%s\" of field \"%s\" is given "
					"twice, first at line %lu",
					kinds[ru->kind].name,
					r->call->fields[ru->field].name, o->line);
	return 0;
}

static int load_table(struct ruleset *r, struct call *c, struct diag *err)
{
	static const char *const cols[] = { "field", "rule", "value", "other",
					    "when", "severity", "message" };
	static const int need[] = { 1, 1, 0, 0, 0, 0, 0 };
	struct table *t = NULL;
	size_t i;
	int rc = -1;

	if (call_table(c, "rules.csv", &t, err) < 0 ||
	    table_expect(t, cols, need, 7, err) < 0)
		goto done;
	if ((r->path = mem_strdup(t->path)) == NULL ||
	    (r->rule = mem_calloc(t->nrows, sizeof(*r->rule))) == NULL) {
		diag_oom(err);
		goto done;
	}
	for (i = 0; i < t->nrows; i++) {
		r->n++;
		if (take_rule(r, t, &t->rows[i], &r->rule[i], err) < 0 ||
		    check_duplicate(r, &r->rule[i], err) < 0)
			goto done;
	}
	rc = 0;
done:
	table_free(t);
	return rc;
}

int ruleset_load(struct call *c, struct ruleset **out, struct diag *err)
{
	struct ruleset *r = mem_calloc(1, sizeof(*r));

	*out = NULL;
	if (r == NULL)
		return diag_oom(err);
	r->call = c;
	if (call_has_table(c, "rules.csv") && load_table(r, c, err) < 0) {
		ruleset_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

void ruleset_free(struct ruleset *rs)
{
	size_t i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->n; i++)
		rule_fini(&rs->rule[i]);
	mem_free(rs->rule);
	mem_free(rs->path);
	mem_free(rs);
}

const char *ruleset_kind_name(enum ruleset_kind k)
{
	return kinds[k].name;
}
