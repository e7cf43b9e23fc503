/* criteria.c - the scoring tables of a call folder (docs/scoring.md):
 * criteria, bands, settings, tie-breaks, rates and the unique keys of
 * rules.csv, loaded and checked before any data is read. */
#include <string.h>

#include "aap.h"
#include "columns.h"
#include "diag.h"
#include "mem.h"
#include "norm.h"
#include "ruleset.h"
#include "sbuf.h"
#include "criteria.h"
#include "table.h"

#define SCORE_LIMIT ((int64_t)1000000000) /* |scale bounds| (units) */

static const char *cell(const struct table *t, size_t row, const char *col)
{
	long c = table_col(t, col);

	return c < 0 ? "" : t->rows[row].cells[c];
}

/* Parses s as a normal decimal at scale into *v; an error names what. */
static int parse_num(const struct table *t, unsigned long line,
		     const char *what, const char *s, unsigned scale,
		     int64_t *v, struct diag *err)
{
	enum norm_status st = norm_parse_fixed(s, strlen(s), scale, v);

	if (st == NORM_OK)
		return 0;
	diag_set(err, AAP_EUSAGE, t->path, line,
		 "%s \"%s\" is not a number with at most %u decimals", what,
		 s, scale);
	if (st == NORM_OUT_OF_RANGE)
		diag_detail(err, "it is out of range");
	return -1;
}

static int valid_id(const char *s)
{
	size_t i;

	if (s[0] < 'a' || s[0] > 'z')
		return 0;
	for (i = 1; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return i <= 64;
}

/* The field named name, or an error at t:line. */
static const struct call_field *need_field(const struct call *c,
					   const struct table *t,
					   unsigned long line,
					   const char *name, struct diag *err)
{
	const struct call_field *f = call_field_named(c, name);

	if (f == NULL)
		diag_set(err, AAP_EUSAGE, t->path, line,
			 "\"%s\" is not a field of the call", name);
	return f;
}

void criteria_free(struct criteria *k)
{
	size_t i, j;

	if (k == NULL)
		return;
	for (i = 0; i < k->nitems; i++) {
		mem_free(k->items[i].id);
		mem_free(k->items[i].label);
		mem_free(k->items[i].field);
		for (j = 0; j < k->items[i].nbands; j++)
			mem_free(k->items[i].bands[j].value);
		mem_free(k->items[i].bands);
	}
	mem_free(k->items);
	for (i = 0; i < k->ntb; i++) {
		mem_free(k->tb[i].field);
		mem_free(k->tb[i].field2);
		mem_free(k->tb[i].reason);
	}
	mem_free(k->tb);
	for (i = 0; i < k->nrates; i++)
		mem_free(k->rates[i].value);
	mem_free(k->rates);
	for (i = 0; i < k->nunique; i++)
		mem_free(k->unique[i]);
	mem_free(k->unique);
	mem_free(k->amount_field);
	mem_free(k->cost_field);
	mem_free(k->rate_field);
	mem_free(k);
}

long criteria_find(const struct criteria *k, const char *id, size_t n)
{
	size_t i;

	for (i = 0; i < k->nitems; i++)
		if (strlen(k->items[i].id) == n && memcmp(k->items[i].id, id, n) == 0)
			return (long)i;
	return -1;
}

int criteria_on_scale(const struct criteria_item *it, int64_t v)
{
	return v >= it->min && v <= it->max && (v - it->min) % it->step == 0;
}

/* The scale at which the numbers of a field of type ty are compared. */
static int numeric_scale(enum field_type ty, unsigned *scale)
{
	switch (ty) {
	case FIELD_INTEGER:
		*scale = 0;
		return 1;
	case FIELD_MONEY:
		*scale = SCORE_MONEY_SCALE;
		return 1;
	case FIELD_RATE:
		*scale = SCORE_RATE_SCALE;
		return 1;
	case FIELD_DECIMAL:
		*scale = NORM_DECIMAL_MAX_DECIMALS;
		return 1;
	default:
		return 0;
	}
}

int criteria_band_points(const struct criteria_item *it, const char *s,
			 size_t n, int64_t *points)
{
	unsigned scale;
	int64_t v = 0;
	size_t i;
	int numeric = numeric_scale(it->ftype, &scale);

	*points = it->min;
	if (n > 0 && numeric &&
	    norm_parse_fixed(s, n, scale, &v) != NORM_OK)
		return -1;
	for (i = 0; i < it->nbands && n > 0; i++) {
		const struct criteria_band *b = &it->bands[i];

		if (b->otherwise)
			continue;
		if (b->value != NULL) {
			if (strlen(b->value) == n && memcmp(b->value, s, n) == 0) {
				*points = b->points;
				return 0;
			}
			continue;
		}
		if ((!b->has_min || v >= b->min) && (!b->has_max || v <= b->max)) {
			*points = b->points;
			return 0;
		}
	}
	for (i = 0; i < it->nbands; i++)
		if (it->bands[i].otherwise)
			*points = it->bands[i].points;
	return 1;
}

/* Reads one row of criteria.csv into it. */
static int take_item(struct call *c, const struct table *t, size_t r,
		     struct criteria_item *it, struct diag *err)
{
	unsigned long line = t->rows[r].line;
	const char *id = cell(t, r, "criterion"), *src = cell(t, r, "source");
	const char *th = cell(t, r, "threshold"), *fd = cell(t, r, "field");

	it->line = line;
	if (!valid_id(id))
		return diag_set(err, AAP_EUSAGE, t->path, line,
				"criterion \"%s\" is not a name of the form "
				"[a-z][a-z0-9_]*", id);
	if ((it->id = mem_strdup(id)) == NULL ||
	    (it->label = mem_strdup(cell(t, r, "label"))) == NULL)
		return diag_oom(err);
	if (parse_num(t, line, "weight", cell(t, r, "weight"),
		      SCORE_WEIGHT_SCALE, &it->weight, err) < 0 ||
	    parse_num(t, line, "min", cell(t, r, "min"), SCORE_SCALE,
		      &it->min, err) < 0 ||
	    parse_num(t, line, "max", cell(t, r, "max"), SCORE_SCALE,
		      &it->max, err) < 0 ||
	    parse_num(t, line, "step", cell(t, r, "step"), SCORE_SCALE,
		      &it->step, err) < 0)
		return -1;
	if (it->weight < 0)
		return diag_set(err, AAP_EUSAGE, t->path, line,
				"weight is negative");
	if (it->min < -SCORE_LIMIT || it->max > SCORE_LIMIT ||
	    it->min >= it->max)
		return diag_set(err, AAP_EUSAGE, t->path, line,
				"the scale must have min below max, both "
				"within -100000 and 100000");
	if (it->step <= 0 || (it->max - it->min) % it->step != 0)
		return diag_set(err, AAP_EUSAGE, t->path, line,
				"step must be positive and divide max - min");
	if (th[0] != '\0') {
		if (parse_num(t, line, "threshold", th, SCORE_SCALE,
			      &it->threshold, err) < 0)
			return -1;
		if (it->threshold < it->min || it->threshold > it->max)
			return diag_set(err, AAP_EUSAGE, t->path, line,
					"threshold \"%s\" is off the scale", th);
		it->has_threshold = 1;
	}
	if (strcmp(src, "reviews") == 0) {
		it->source = CRITERIA_REVIEWS;
		if (fd[0] != '\0')
			return diag_set(err, AAP_EUSAGE, t->path, line,
					"a reviewed criterion has no field");
		return 0;
	}
	if (strcmp(src, "band") != 0)
		return diag_set(err, AAP_EUSAGE, t->path, line,
				"source \"%s\" is neither \"reviews\" nor "
				"\"band\"", src);
	it->source = CRITERIA_BAND;
	{
		const struct call_field *f = need_field(c, t, line, fd, err);

		if (f == NULL)
			return -1;
		if (f->type == FIELD_LIST || f->type == FIELD_DATE ||
		    f->type == FIELD_DATETIME)
			return diag_set(err, AAP_EUSAGE, t->path, line,
					"field \"%s\" is a %s: bands take "
					"numbers and single values", fd,
					call_type_name(f->type));
		it->ftype = f->type;
		if (!numeric_scale(f->type, &it->fscale))
			it->fscale = 0;
	}
	if ((it->field = mem_strdup(fd)) == NULL)
		return diag_oom(err);
	return 0;
}

/* Reads one row of bands.csv into its criterion. */
static int take_band(struct criteria *k, const struct table *t, size_t r,
		     struct diag *err)
{
	unsigned long line = t->rows[r].line;
	const char *id = cell(t, r, "criterion"), *val = cell(t, r, "value");
	const char *lo = cell(t, r, "min"), *hi = cell(t, r, "max");
	long ci = criteria_find(k, id, strlen(id));
	struct criteria_item *it;
	struct criteria_band *b;
	size_t j;

	if (ci < 0 || k->items[ci].source != CRITERIA_BAND)
		return diag_set(err, AAP_EUSAGE, t->path, line,
				"\"%s\" is not a band criterion of "
				"criteria.csv", id);
	it = &k->items[ci];
	b = mem_realloc(it->bands, (it->nbands + 1) * sizeof(*b));
	if (b == NULL)
		return diag_oom(err);
	it->bands = b;
	b += it->nbands;
	memset(b, 0, sizeof(*b));
	b->line = line;
	it->nbands++;
	if (parse_num(t, line, "points", cell(t, r, "points"), SCORE_SCALE,
		      &b->points, err) < 0)
		return -1;
	if (!criteria_on_scale(it, b->points))
		return diag_set(err, AAP_EUSAGE, t->path, line,
				"points \"%s\" are off the scale or the step "
				"of criterion \"%s\"", cell(t, r, "points"), id);
	if (val[0] != '\0') {
		if (lo[0] != '\0' || hi[0] != '\0')
			return diag_set(err, AAP_EUSAGE, t->path, line,
					"a band has a value or a range, not both");
		if ((b->value = mem_strdup(val)) == NULL)
			return diag_oom(err);
	} else if (lo[0] == '\0' && hi[0] == '\0') {
		b->otherwise = 1;
	} else {
		unsigned sc;

		if (!numeric_scale(it->ftype, &sc))
			return diag_set(err, AAP_EUSAGE, t->path, line,
					"field \"%s\" is not a number: its "
					"bands take values", it->field);
		if (lo[0] != '\0') {
			if (parse_num(t, line, "min", lo, sc, &b->min, err) < 0)
				return -1;
			b->has_min = 1;
		}
		if (hi[0] != '\0') {
			if (parse_num(t, line, "max", hi, sc, &b->max, err) < 0)
				return -1;
			b->has_max = 1;
		}
		if (b->has_min && b->has_max && b->min > b->max)
			return diag_set(err, AAP_EUSAGE, t->path, line,
					"the band's min is above its max");
	}
	/* Bands never overlap, so their order does not matter. */
	for (j = 0; j + 1 < it->nbands; j++) {
		const struct criteria_band *o = &it->bands[j];
		int clash;

		if (b->otherwise || o->otherwise)
			clash = b->otherwise && o->otherwise;
		else if (b->value != NULL || o->value != NULL)
			clash = b->value != NULL && o->value != NULL &&
				strcmp(b->value, o->value) == 0;
		else
			clash = (!b->has_min || !o->has_max || b->min <= o->max) &&
				(!o->has_min || !b->has_max || o->min <= b->max);
		if (clash)
			return diag_set(err, AAP_EUSAGE, t->path, line,
					"the band overlaps the one at line %lu",
					o->line);
	}
	return 0;
}

static int load_criteria(struct call *c, struct criteria *k,
			 struct diag *err)
{
	static const char *const cols[] = { "criterion", "label", "weight",
		"min", "max", "step", "threshold", "source", "field" };
	static const int need[] = { 1, 0, 1, 1, 1, 1, 0, 1, 0 };
	struct table *t = NULL;
	size_t r, j;
	int rc = -1, bands = 0;

	if (call_table(c, "criteria.csv", &t, err) < 0 ||
	    table_expect(t, cols, need, 9, err) < 0)
		goto done;
	if (t->nrows == 0) {
		diag_set(err, AAP_EUSAGE, t->path, 0, "the call has no criterion");
		goto done;
	}
	k->items = mem_calloc(t->nrows, sizeof(*k->items));
	if (k->items == NULL) {
		diag_oom(err);
		goto done;
	}
	for (r = 0; r < t->nrows; r++) {
		if (take_item(c, t, r, &k->items[k->nitems++], err) < 0)
			goto done;
		for (j = 0; j + 1 < k->nitems; j++)
			if (strcmp(k->items[j].id, k->items[r].id) == 0) {
				diag_set(err, AAP_EUSAGE, t->path, t->rows[r].line,
					 "criterion \"%s\" is defined twice, "
					 "first at line %lu", k->items[r].id,
					 k->items[j].line);
				goto done;
			}
		bands |= k->items[r].source == CRITERIA_BAND;
	}
	table_free(t);
	t = NULL;
	if (bands) {
		static const char *const bcols[] = { "criterion", "value",
			"min", "max", "points" };
		static const int bneed[] = { 1, 0, 0, 0, 1 };

		if (call_table(c, "bands.csv", &t, err) < 0 ||
		    table_expect(t, bcols, bneed, 5, err) < 0)
			goto done;
		for (r = 0; r < t->nrows; r++)
			if (take_band(k, t, r, err) < 0)
				goto done;
		for (j = 0; j < k->nitems; j++)
			if (k->items[j].source == CRITERIA_BAND &&
			    k->items[j].nbands == 0) {
				diag_set(err, AAP_EUSAGE, t->path, 0,
					 "criterion \"%s\" has no band",
					 k->items[j].id);
				goto done;
			}
	}
	rc = 0;
done:
	table_free(t);
	return rc;
}

/* Parses "yes" or "no". */
static int yes_no(const struct table *t, unsigned long line, const char *key,
		  const char *v, int *out, struct diag *err)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0) {
		*out = v[0] == 'y';
		return 0;
	}
	return diag_set(err, AAP_EUSAGE, t->path, line,
			"setting \"%s\" must be \"yes\" or \"no\", not \"%s\"",
			key, v);
}

/* Parses a whole number from 0 to max. */
static int whole(const struct table *t, unsigned long line, const char *key,
		 const char *v, int64_t max, int64_t *out, struct diag *err)
{
	if (norm_parse_fixed(v, strlen(v), 0, out) != NORM_OK || *out < 0 ||
	    *out > max)
		return diag_set(err, AAP_EUSAGE, t->path, line,
				"setting \"%s\" must be a whole number from 0 "
				"to %lld, not \"%s\"", key, (long long)max, v);
	return 0;
}

static int money_field(const struct call *c, const struct table *t,
		       unsigned long line, const char *name, struct diag *err)
{
	const struct call_field *f = need_field(c, t, line, name, err);

	if (f == NULL)
		return -1;
	if (f->type != FIELD_MONEY)
		return diag_set(err, AAP_EUSAGE, t->path, line,
				"field \"%s\" is not money", name);
	return 0;
}

static int take_setting(struct call *c, struct criteria *k,
			const struct table *t, size_t r, struct diag *err)
{
	unsigned long line = t->rows[r].line;
	const char *key = cell(t, r, "setting"), *v = cell(t, r, "value");
	int64_t n;

	if (strcmp(key, "combine") == 0) {
		if (strcmp(v, "mean") == 0)
			k->combine = CRITERIA_MEAN;
		else if (strcmp(v, "median") == 0)
			k->combine = CRITERIA_MEDIAN;
		else if (strcmp(v, "trimmed_mean") == 0)
			k->combine = CRITERIA_TRIMMED;
		else
			return diag_set(err, AAP_EUSAGE, t->path, line,
					"combine must be \"mean\", \"median\" "
					"or \"trimmed_mean\", not \"%s\"", v);
	} else if (strcmp(key, "min_marks") == 0) {
		if (whole(t, line, key, v, 1000, &n, err) < 0)
			return -1;
		if (n < 1)
			return diag_set(err, AAP_EUSAGE, t->path, line,
					"min_marks must be at least 1");
		k->min_marks = (unsigned)n;
	} else if (strcmp(key, "normalise") == 0) {
		return yes_no(t, line, key, v, &k->normalise, err);
	} else if (strcmp(key, "total_threshold") == 0) {
		if (parse_num(t, line, key, v, SCORE_SCALE, &k->total_threshold,
			      err) < 0)
			return -1;
		k->has_total_threshold = 1;
	} else if (strcmp(key, "total_threshold_on") == 0) {
		if (strcmp(v, "weighted") != 0 && strcmp(v, "unweighted") != 0)
			return diag_set(err, AAP_EUSAGE, t->path, line,
					"total_threshold_on must be \"weighted\" "
					"or \"unweighted\", not \"%s\"", v);
		k->threshold_weighted = v[0] == 'w';
	} else if (strcmp(key, "envelope") == 0) {
		if (parse_num(t, line, key, v, SCORE_MONEY_SCALE, &k->envelope,
			      err) < 0)
			return -1;
		if (k->envelope < 0)
			return diag_set(err, AAP_EUSAGE, t->path, line,
					"the envelope is negative");
	} else if (strcmp(key, "walk") == 0) {
		if (strcmp(v, "skip") != 0 && strcmp(v, "stop") != 0)
			return diag_set(err, AAP_EUSAGE, t->path, line,
					"walk must be \"skip\" or \"stop\", not "
					"\"%s\"", v);
		k->walk_stop = strcmp(v, "stop") == 0;
	} else if (strcmp(key, "partial") == 0) {
		return yes_no(t, line, key, v, &k->partial, err);
	} else if (strcmp(key, "reserve_list") == 0) {
		if (whole(t, line, key, v, 1000000, &n, err) < 0)
			return -1;
		k->reserve = (unsigned long)n;
	} else if (strcmp(key, "max_award") == 0) {
		if (parse_num(t, line, key, v, SCORE_MONEY_SCALE, &k->max_award,
			      err) < 0)
			return -1;
		k->has_max_award = 1;
	} else if (strcmp(key, "max_rate") == 0) {
		if (parse_num(t, line, key, v, SCORE_RATE_SCALE, &k->max_rate,
			      err) < 0)
			return -1;
		if (k->max_rate < 0 || k->max_rate > 1000000)
			return diag_set(err, AAP_EUSAGE, t->path, line,
					"max_rate must be from 0 to 1");
	} else if (strcmp(key, "amount_field") == 0 ||
		   strcmp(key, "cost_field") == 0) {
		char **dst = key[0] == 'a' ? &k->amount_field : &k->cost_field;

		if (money_field(c, t, line, v, err) < 0)
			return -1;
		mem_free(*dst);
		if ((*dst = mem_strdup(v)) == NULL)
			return diag_oom(err);
	} else if (strcmp(key, "rate_field") == 0) {
		if (need_field(c, t, line, v, err) == NULL)
			return -1;
		if ((k->rate_field = mem_strdup(v)) == NULL)
			return diag_oom(err);
	} else {
		return diag_set(err, AAP_EUSAGE, t->path, line,
				"unknown setting \"%s\"", key);
	}
	return 0;
}

static int load_settings(struct call *c, struct criteria *k,
			 struct diag *err)
{
	static const char *const cols[] = { "setting", "value" };
	static const int need[] = { 1, 1 };
	struct table *t = NULL;
	size_t r, j;
	int rc = -1, has_envelope = 0;

	k->combine = CRITERIA_MEAN;
	k->min_marks = 1;
	k->threshold_weighted = 1;
	k->max_rate = 1000000;
	if ((k->amount_field = mem_strdup("amount_requested")) == NULL ||
	    (k->cost_field = mem_strdup("eligible_cost")) == NULL)
		return diag_oom(err);
	if (call_table(c, "scoring.csv", &t, err) < 0 ||
	    table_expect(t, cols, need, 2, err) < 0)
		goto done;
	for (r = 0; r < t->nrows; r++) {
		for (j = 0; j < r; j++)
			if (strcmp(t->rows[j].cells[table_col(t, "setting")],
				   t->rows[r].cells[table_col(t, "setting")]) == 0) {
				diag_set(err, AAP_EUSAGE, t->path, t->rows[r].line,
					 "setting \"%s\" is set twice, first at "
					 "line %lu", cell(t, r, "setting"),
					 t->rows[j].line);
				goto done;
			}
		if (take_setting(c, k, t, r, err) < 0)
			goto done;
		has_envelope |= strcmp(cell(t, r, "setting"), "envelope") == 0;
	}
	if (!has_envelope) {
		diag_set(err, AAP_EUSAGE, t->path, 0,
			 "the setting \"envelope\" is required");
		goto done;
	}
	if (money_field(c, t, 0, k->amount_field, err) < 0)
		goto done;
	if ((k->rate_field != NULL || k->max_rate < 1000000) &&
	    money_field(c, t, 0, k->cost_field, err) < 0)
		goto done;
	rc = 0;
done:
	table_free(t);
	return rc;
}

static int load_rates(struct call *c, struct criteria *k, struct diag *err)
{
	static const char *const cols[] = { "value", "max_rate" };
	static const int need[] = { 1, 1 };
	struct table *t = NULL;
	size_t r, j;
	int rc = -1;

	if (call_table(c, "rates.csv", &t, err) < 0 ||
	    table_expect(t, cols, need, 2, err) < 0)
		goto done;
	k->rates = mem_calloc(t->nrows + 1, sizeof(*k->rates));
	if (k->rates == NULL) {
		diag_oom(err);
		goto done;
	}
	for (r = 0; r < t->nrows; r++) {
		struct cap_rate *q = &k->rates[k->nrates];
		unsigned long line = t->rows[r].line;

		for (j = 0; j < k->nrates; j++)
			if (strcmp(k->rates[j].value, cell(t, r, "value")) == 0) {
				diag_set(err, AAP_EUSAGE, t->path, line,
					 "value \"%s\" is listed twice",
					 cell(t, r, "value"));
				goto done;
			}
		if (parse_num(t, line, "max_rate", cell(t, r, "max_rate"),
			      SCORE_RATE_SCALE, &q->rate, err) < 0)
			goto done;
		if (q->rate < 0 || q->rate > 1000000) {
			diag_set(err, AAP_EUSAGE, t->path, line,
				 "max_rate must be from 0 to 1");
			goto done;
		}
		if ((q->value = mem_strdup(cell(t, r, "value"))) == NULL) {
			diag_oom(err);
			goto done;
		}
		k->nrates++;
	}
	rc = 0;
done:
	table_free(t);
	return rc;
}

/* Appends a tie-break step; reason is built from its kind and names. */
static int add_tb(struct criteria *k, const struct criteria_tiebreak *s,
		  const char *a, const char *b, struct diag *err)
{
	struct criteria_tiebreak *tb = mem_realloc(k->tb, (k->ntb + 1) * sizeof(*tb));
	static const char *const prefix[] = { "score:", "field:", "balance:",
		"coverage:", "application_id" };
	struct sbuf r;

	if (tb == NULL)
		return diag_oom(err);
	k->tb = tb;
	tb += k->ntb;
	*tb = *s;
	tb->field = tb->field2 = tb->reason = NULL;
	k->ntb++;
	sbuf_init(&r);
	if (sbuf_adds(&r, prefix[s->kind]) < 0 ||
	    (a != NULL && sbuf_adds(&r, a) < 0) ||
	    (b != NULL && (sbuf_addc(&r, ':') < 0 || sbuf_adds(&r, b) < 0))) {
		sbuf_fini(&r);
		return diag_oom(err);
	}
	tb->reason = r.data != NULL ? r.data :
		     mem_strdup(columns_name(COLUMN_APPLICATION_ID));
	if (tb->reason == NULL ||
	    (s->kind != CRITERIA_TB_SCORE && a != NULL &&
	     (tb->field = mem_strdup(a)) == NULL) ||
	    (b != NULL && (tb->field2 = mem_strdup(b)) == NULL))
		return diag_oom(err);
	return 0;
}

static int take_tiebreak(struct call *c, struct criteria *k,
			 const struct table *t, size_t r, struct diag *err)
{
	unsigned long line = t->rows[r].line;
	const char *kind = cell(t, r, "kind"), *arg = cell(t, r, "arg");
	const char *dir = cell(t, r, "direction");
	struct criteria_tiebreak s;
	const struct call_field *f;

	memset(&s, 0, sizeof(s));
	if (strcmp(kind, "field") != 0 && dir[0] != '\0')
		return diag_set(err, AAP_EUSAGE, t->path, line,
				"only a \"field\" step has a direction");
	if (strcmp(kind, "score") == 0) {
		long ci = criteria_find(k, arg, strlen(arg));

		if (ci < 0)
			return diag_set(err, AAP_EUSAGE, t->path, line,
					"\"%s\" is not a criterion", arg);
		s.kind = CRITERIA_TB_SCORE;
		s.crit = (size_t)ci;
		return add_tb(k, &s, arg, NULL, err);
	}
	if (strcmp(kind, "field") == 0) {
		if ((f = need_field(c, t, line, arg, err)) == NULL)
			return -1;
		if (strcmp(dir, "asc") != 0 && strcmp(dir, "desc") != 0)
			return diag_set(err, AAP_EUSAGE, t->path, line,
					"direction must be \"asc\" or \"desc\", "
					"not \"%s\"", dir);
		if (f->type == FIELD_LIST)
			return diag_set(err, AAP_EUSAGE, t->path, line,
					"field \"%s\" is a list: use a coverage "
					"step", arg);
		s.kind = CRITERIA_TB_FIELD;
		s.ftype = f->type;
		s.desc = dir[0] == 'd';
		return add_tb(k, &s, arg, NULL, err);
	}
	if (strcmp(kind, "balance") == 0) {
		const char *bar = strchr(arg, '|');
		char a[128], b[128];
		size_t la = bar ? (size_t)(bar - arg) : 0;
		const struct call_field *f2;

		if (bar == NULL || la >= sizeof(a) || strlen(bar + 1) >= sizeof(b))
			return diag_set(err, AAP_EUSAGE, t->path, line,
					"a balance step names two count fields "
					"as FIELD|FIELD, not \"%s\"", arg);
		memcpy(a, arg, la);
		a[la] = '\0';
		memcpy(b, bar + 1, strlen(bar + 1) + 1);
		if ((f = need_field(c, t, line, a, err)) == NULL ||
		    (f2 = need_field(c, t, line, b, err)) == NULL)
			return -1;
		if (f->type != FIELD_INTEGER || f2->type != FIELD_INTEGER)
			return diag_set(err, AAP_EUSAGE, t->path, line,
					"a balance step's fields must be "
					"integers");
		s.kind = CRITERIA_TB_BALANCE;
		return add_tb(k, &s, a, b, err);
	}
	if (strcmp(kind, "coverage") == 0) {
		if ((f = need_field(c, t, line, arg, err)) == NULL)
			return -1;
		if (f->type != FIELD_LIST && f->type != FIELD_ENUM &&
		    f->type != FIELD_TEXT)
			return diag_set(err, AAP_EUSAGE, t->path, line,
					"a coverage step needs a list field");
		s.kind = CRITERIA_TB_COVERAGE;
		return add_tb(k, &s, arg, NULL, err);
	}
	if (strcmp(kind, "application_id") == 0) {
		if (arg[0] != '\0')
			return diag_set(err, AAP_EUSAGE, t->path, line,
					"an application_id step has no arg");
		s.kind = CRITERIA_TB_ID;
		return add_tb(k, &s, NULL, NULL, err);
	}
	return diag_set(err, AAP_EUSAGE, t->path, line,
			"unknown kind \"%s\"", kind);
}

static int load_tiebreaks(struct call *c, struct criteria *k,
			  struct diag *err)
{
	static const char *const cols[] = { "kind", "arg", "direction" };
	static const int need[] = { 1, 0, 0 };
	struct criteria_tiebreak id;
	struct table *t = NULL;
	size_t r;
	int rc = -1;

	if (call_has_table(c, "tiebreaks.csv")) {
		if (call_table(c, "tiebreaks.csv", &t, err) < 0 ||
		    table_expect(t, cols, need, 3, err) < 0)
			goto done;
		for (r = 0; r < t->nrows; r++) {
			if (k->ntb > 0 && k->tb[k->ntb - 1].kind == CRITERIA_TB_ID) {
				diag_set(err, AAP_EUSAGE, t->path, t->rows[r].line,
					 "no step can follow \"application_id\", "
					 "which never ties");
				goto done;
			}
			if (take_tiebreak(c, k, t, r, err) < 0)
				goto done;
		}
	}
	/* No tie is ever left to input order. */
	memset(&id, 0, sizeof(id));
	id.kind = CRITERIA_TB_ID;
	if ((k->ntb == 0 || k->tb[k->ntb - 1].kind != CRITERIA_TB_ID) &&
	    add_tb(k, &id, NULL, NULL, err) < 0)
		goto done;
	rc = 0;
done:
	table_free(t);
	return rc;
}

static int add_unique(struct criteria *k, const char *name, struct diag *err)
{
	char **u;
	size_t i;

	for (i = 0; i < k->nunique; i++)
		if (strcmp(k->unique[i], name) == 0)
			return 0;
	u = mem_realloc(k->unique, (k->nunique + 1) * sizeof(*u));
	if (u == NULL)
		return diag_oom(err);
	k->unique = u;
	if ((u[k->nunique] = mem_strdup(name)) == NULL)
		return diag_oom(err);
	k->nunique++;
	return 0;
}

/* The unique rules of rules.csv, read by aap-validate's loader (a table
 * aap-validate refuses is refused here with the same message); only those
 * of severity error matter here (a warning makes no copy inadmissible).
 * A unique rule with a "when" condition is refused rather than applied to
 * every application. */
static int load_unique(struct call *c, struct criteria *k, struct diag *err)
{
	struct ruleset *rs = NULL;
	const struct ruleset_rule *ru;
	size_t r;
	int rc = -1;

	if (add_unique(k, columns_name(COLUMN_APPLICATION_ID), err) < 0 ||
	    ruleset_load(c, &rs, err) < 0)
		return -1;
	for (r = 0; r < rs->n; r++) {
		ru = &rs->rule[r];
		if (ru->kind != RULESET_UNIQUE || !ru->error)
			continue;
		if (ru->when >= 0) {
			diag_set(err, AAP_EUSAGE, rs->path, ru->line,
				 "aap-score cannot apply a unique rule with a "
				 "condition (when)");
			goto done;
		}
		if (add_unique(k, c->fields[ru->field].name, err) < 0)
			goto done;
	}
	rc = 0;
done:
	ruleset_free(rs);
	return rc;
}

int criteria_load(struct call *c, struct criteria **out, struct diag *err)
{
	struct criteria *k = mem_calloc(1, sizeof(*k));

	*out = NULL;
	if (k == NULL)
		return diag_oom(err);
	if (load_criteria(c, k, err) < 0 || load_settings(c, k, err) < 0 ||
	    (k->rate_field != NULL && load_rates(c, k, err) < 0) ||
	    load_tiebreaks(c, k, err) < 0 || load_unique(c, k, err) < 0) {
		criteria_free(k);
		return -1;
	}
	*out = k;
	return 0;
}

int criteria_judge(const struct criteria *k, const int64_t *score,
		   const int64_t *w, int64_t *total)
{
	score_wide wsum = 0;
	int64_t plain = 0;
	size_t c;
	int pass = 1;

	for (c = 0; c < k->nitems; c++) {
		const struct criteria_item *it = &k->items[c];

		wsum += (score_wide)score[c] * (w != NULL ? w[c] : it->weight);
		plain += score[c];
		if (it->has_threshold && score[c] < it->threshold)
			pass = 0;
	}
	*total = score_div_round(wsum, 10000);
	if (k->has_total_threshold &&
	    (k->threshold_weighted ? *total : plain) < k->total_threshold)
		pass = 0;
	return pass;
}
