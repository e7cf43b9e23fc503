/* assign.c - the aap-assign stage: the call's assign.csv, the reviewers,
 * the conflicts and the admissible applications of the stream made into
 * a flow problem, solved, checked and written (docs/aap-assign.md). */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "aap.h"
#include "assign.h"
#include "call.h"
#include "columns.h"
#include "diag.h"
#include "flow.h"
#include "i18n.h"
#include "keymap.h"
#include "label.h"
#include "mem.h"
#include "norm.h"
#include "stage.h"
#include "table.h"
#include "writer.h"

#define NONE ((size_t)-1)
#define MAX_LOAD_DIGITS 9
#define DEFAULT_K 3

/* The number of the n bytes at s in d, added when new (its number is
 * then its value); *isnew says which.  Returns 0, or -1 when memory ran
 * out. */
static int dict_put(struct keymap *d, const char *s, size_t n, size_t *id,
		    int *isnew)
{
	int r = keymap_put(d, s, n, d->n, id);

	if (r < 0)
		return -1;
	*isnew = r == 0;
	if (r == 0)
		*id = d->n - 1;
	return 0;
}

/* The number of the n bytes at s in d, or NONE. */
static size_t dict_find(const struct keymap *d, const char *s, size_t n)
{
	return keymap_find(d, s, n) - 1;
}

/* The bytes of entry id of d. */
static const char *dict_str(const struct keymap *d, size_t id, size_t *n)
{
	*n = d->len[id];
	return d->keys.data + d->off[id];
}

/* One reviewer of reviewers.csv. */
struct reviewer {
	size_t id;            /* its id in the run's names */
	char siren[10];       /* its organisation's SIREN, "" for none */
	uint32_t cap;         /* its maximum load */
	size_t item, nitem;   /* its expertise items in the run's */
	unsigned long line;   /* its line */
};

/* An expertise item: its whole key (a sector) and its words. */
struct item {
	size_t key;           /* in the run's item keys */
	size_t word, nword;   /* its words in the run's item words */
};

/* One record of the stream. */
struct app {
	size_t id;            /* in the run's names */
	int admissible;       /* 1: admissible yes */
	int dup;              /* 1: another record has its id */
	size_t sector;        /* its sector's key among the item keys, NONE */
	size_t word, nword;   /* its words that some item has */
	char siren[10];       /* its SIREN, "" for none */
};

/* The run. */
struct run {
	const struct assign_opts *o;
	unsigned k;                   /* reviewers per application */
	long c_sector, c_siret;       /* columns, or -1 */
	long *c_kw;                   /* keyword columns */
	size_t nkw;
	struct keymap names;            /* reviewer and application ids */
	struct keymap keys;             /* the items' whole keys */
	struct keymap words;            /* the items' words */
	struct reviewer *rv;          /* the reviewers, by id */
	size_t nrv;
	struct item *it;              /* their items */
	size_t nit, capit;
	size_t *iw;                   /* the items' words */
	size_t niw, capiw;
	struct app *ap;               /* the stream's records */
	size_t nap, capap;
	size_t *aw;                   /* the records' words */
	size_t naw, capaw;
	size_t *byname;               /* per name: its reviewer + 1, or 0 */
	size_t nbyname;               /* names when the reviewers were read */
	size_t *recname;              /* per name: its record + 1, or 0 */
	size_t *sel;                  /* the applications to assign, by id */
	size_t nsel;
	int16_t *aff;                 /* nsel * nrv */
	unsigned long nbad;           /* bad lines */
	struct sbuf key, tmp;         /* scratch */
};

/* Grows the array *v of *cap elements of size sz to hold n + 1. */
static int grow(void *v, size_t *cap, size_t n, size_t sz)
{
	void **p = v;
	size_t c;
	void *nv;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 64;
	if ((nv = mem_realloc(*p, c * sz)) == NULL)
		return -1;
	*p = nv;
	*cap = c;
	return 0;
}

static void say(const struct run *r, int status, int warning,
		const char *file, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Sends a message to the sink: an error (status), a warning, or a note
 * (status 0). */
static void say(const struct run *r, int status, int warning,
		const char *file, unsigned long line, const char *fmt, ...)
{
	struct diag d;
	va_list ap;

	diag_clear(&d);
	if (file != NULL)
		snprintf(d.file, sizeof(d.file), "%s", file);
	d.line = line;
	d.status = status;
	d.warning = warning;
	va_start(ap, fmt);
	vsnprintf(d.msg, sizeof(d.msg), _(fmt), ap);
	va_end(ap);
	if (r->o->sink != NULL && r->o->sink->fn != NULL)
		r->o->sink->fn(r->o->sink->ctx, &d);
}

/* Appends to out (reset first) the words of the n bytes at s, each
 * followed by a NUL: the runs of letters, marks and digits of its
 * matching key (label.h).  Returns the number of words, or -1 when memory
 * ran out. */
static long words_of(struct run *r, const char *s, size_t n, struct sbuf *out)
{
	utf8proc_ssize_t i, k, len;
	utf8proc_int32_t c;
	const utf8proc_uint8_t *p;
	long nw = 0;
	int in = 0;

	sbuf_reset(out);
	if (label_key(s, n, &r->tmp) < 0)
		return -1;
	p = (const utf8proc_uint8_t *)r->tmp.data;
	len = (utf8proc_ssize_t)r->tmp.len;
	for (i = 0; i < len; i += k) {
		utf8proc_category_t cat;

		k = utf8proc_iterate(p + i, len - i, &c);
		if (k <= 0) {
			k = 1;
			c = ' ';
		}
		cat = utf8proc_category(c);
		if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO) {
			if (sbuf_add(out, p + i, (size_t)k) < 0)
				return -1;
			in = 1;
		} else if (in) {
			if (sbuf_addc(out, '\0') < 0)
				return -1;
			nw++;
			in = 0;
		}
	}
	if (in) {
		if (sbuf_addc(out, '\0') < 0)
			return -1;
		nw++;
	}
	return nw;
}

/* The SIREN of the n bytes at s (spaces left out): the first 9 digits
 * of a SIRET, or a SIREN; "" otherwise.  Returns 1 for a SIREN or SIRET,
 * 0 for anything else. */
static int siren_of(const char *s, size_t n, char out[10])
{
	size_t i, d = 0;
	char dig[15];

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (s[i] == ' ')
			continue;
		if (s[i] < '0' || s[i] > '9' || d == 14)
			return 0;
		dig[d++] = s[i];
	}
	if (d != 9 && d != 14)
		return 0;
	memcpy(out, dig, 9);
	out[9] = '\0';
	return 1;
}

/* Reads assign.csv when the call has it: per_application, sector_field,
 * keyword_fields, siret_field. */
static int settings(struct run *r, struct diag *err)
{
	static const char *const cols[] = { "setting", "value" };
	static const int need[] = { 1, 1 };
	const struct call *call = r->o->call;
	const char *sector = NULL, *kw = NULL, *siret = NULL;
	struct table *t = NULL;
	long per = 0;
	size_t i;
	int rc = -1;

	if (call_has_table(call, "assign.csv")) {
		if (call_table(r->o->call, "assign.csv", &t, err) < 0 ||
		    table_expect(t, cols, need, 2, err) < 0)
			goto done;
		for (i = 0; i < t->nrows; i++) {
			const char *k = t->rows[i].cells[table_col(t, "setting")];
			const char *v = t->rows[i].cells[table_col(t, "value")];
			const char **slot = NULL;
			size_t j;

			if (strcmp(k, "per_application") == 0) {
				per = 0;
				for (j = 0; v[j] >= '0' && v[j] <= '9' && j < 4; j++)
					per = per * 10 + (v[j] - '0');
				if (v[j] != '\0' || per < 1) {
					diag_set(err, AAP_EUSAGE, t->path, t->rows[i].line,
						 "per_application \"%s\" is not a whole "
						 "number from 1 to 9999", v);
					goto done;
				}
				continue;
			}
			if (strcmp(k, "sector_field") == 0)
				slot = &sector;
			else if (strcmp(k, "keyword_fields") == 0)
				slot = &kw;
			else if (strcmp(k, "siret_field") == 0)
				slot = &siret;
			if (slot == NULL) {
				diag_set(err, AAP_EUSAGE, t->path, t->rows[i].line,
					 "unknown setting \"%s\"", k);
				goto done;
			}
			*slot = v;
		}
	}
	if (r->o->per_application > 0)
		per = r->o->per_application;
	r->k = per > 0 ? (unsigned)per : DEFAULT_K;
	r->c_sector = r->c_siret = -1;
	if (sector != NULL && *sector != '\0' &&
	    call_field_named(call, sector) == NULL) {
		diag_set(err, AAP_EUSAGE, t->path, 0, "sector_field \"%s\" is "
			 "not a field of the call", sector);
		goto done;
	}
	if (siret == NULL && call_field_named(call, "siret") != NULL)
		siret = "siret";
	if (siret != NULL && *siret != '\0' && call_field_named(call, siret) == NULL) {
		diag_set(err, AAP_EUSAGE, t->path, 0, "siret_field \"%s\" is "
			 "not a field of the call", siret);
		goto done;
	}
	/* The fields are looked up in the stream once it is open. */
	sbuf_reset(&r->key);
	if (sbuf_adds(&r->key, sector ? sector : "") < 0 ||
	    sbuf_addc(&r->key, '\0') < 0 ||
	    sbuf_adds(&r->key, siret ? siret : "") < 0 ||
	    sbuf_addc(&r->key, '\0') < 0 || sbuf_adds(&r->key, kw ? kw : "") < 0) {
		diag_oom(err);
		goto done;
	}
	rc = 0;
done:
	table_free(t);
	return rc;
}

/* Adds the expertise of one reviewer: items separated by '|'. */
static int add_items(struct run *r, struct reviewer *v, const char *s,
		     const char *path, struct diag *err)
{
	const char *p = s, *bar;
	size_t n, id, w;
	long nw;
	int isnew;

	v->item = r->nit;
	v->nitem = 0;
	while (*p != '\0') {
		bar = strchr(p, '|');
		n = bar != NULL ? (size_t)(bar - p) : strlen(p);
		if ((nw = words_of(r, p, n, &r->key)) < 0)
			return diag_oom(err);
		if (nw == 0) {
			say(r, AAP_EDATA, 0, path, v->line, "expertise item \"%.*s\" "
			    "has no letter or digit", (int)n, p);
			r->nbad++;
		} else {
			const char *wd = r->key.data;
			struct item *it;

			if (grow(&r->it, &r->capit, r->nit, sizeof(*r->it)) < 0)
				return diag_oom(err);
			it = &r->it[r->nit++];
			it->word = r->niw;
			it->nword = (size_t)nw;
			for (w = 0; w < (size_t)nw; w++, wd += strlen(wd) + 1) {
				if (grow(&r->iw, &r->capiw, r->niw, sizeof(*r->iw)) < 0 ||
				    dict_put(&r->words, wd, strlen(wd), &id, &isnew) < 0)
					return diag_oom(err);
				r->iw[r->niw++] = id;
			}
			/* The whole key: the words, one space between. */
			for (wd = r->key.data, w = 0; w < (size_t)nw; w++) {
				size_t l = strlen(wd);

				r->key.data[wd - r->key.data + (ptrdiff_t)l] =
					w + 1 < (size_t)nw ? ' ' : '\0';
				wd += l + 1;
			}
			if (dict_put(&r->keys, r->key.data, strlen(r->key.data),
				     &it->key, &isnew) < 0)
				return diag_oom(err);
			v->nitem++;
		}
		if (v->nitem >= FLOW_SECTOR) {
			say(r, AAP_EDATA, 0, path, v->line, "more than %d expertise "
			    "items", FLOW_SECTOR - 1);
			r->nbad++;
			break;
		}
		p += n + (bar != NULL);
	}
	return 0;
}

static const struct run *sort_run;

/* Orders names x and y bytewise. */
static int by_name(size_t x, size_t y)
{
	size_t la, lb;
	const char *a = dict_str(&sort_run->names, x, &la);
	const char *b = dict_str(&sort_run->names, y, &lb);
	int c = memcmp(a, b, la < lb ? la : lb);

	if (c != 0)
		return c;
	return la < lb ? -1 : la > lb;
}

static int by_reviewer(const void *pa, const void *pb)
{
	const struct reviewer *a = pa, *b = pb;

	return by_name(a->id, b->id);
}

static int by_app(const void *pa, const void *pb)
{
	const size_t *a = pa, *b = pb;

	return by_name(sort_run->ap[*a].id, sort_run->ap[*b].id);
}

/* Reads reviewers.csv. */
static int reviewers(struct run *r, struct diag *err)
{
	const struct columns_file *f = columns_reviewers();
	const char *path = r->o->reviewers;
	struct table *t = NULL;
	long c[5];
	size_t i, j;
	int isnew, rc = -1;

	if (table_load(path, &t, err) < 0 ||
	    table_expect(t, f->names, f->required, f->n, err) < 0) {
		if (err->status == AAP_EUSAGE)
			err->status = AAP_EDATA;
		goto done;
	}
	for (j = 0; j < f->n; j++)
		c[j] = table_col(t, f->names[j]);
	if ((r->rv = mem_calloc(t->nrows + 1, sizeof(*r->rv))) == NULL) {
		diag_oom(err);
		goto done;
	}
	for (i = 0; i < t->nrows; i++) {
		char **cell = t->rows[i].cells;
		unsigned long line = t->rows[i].line;
		struct reviewer *v = &r->rv[r->nrv];
		const char *s = cell[c[0]];
		uint64_t cap = 0;

		v->line = line;
		if (*s == '\0') {
			say(r, AAP_EDATA, 0, path, line, "no reviewer");
			r->nbad++;
			continue;
		}
		if (dict_put(&r->names, s, strlen(s), &v->id, &isnew) < 0)
			return diag_oom(err);
		if (!isnew) {
			say(r, AAP_EDATA, 0, path, line, "reviewer \"%s\" appears "
			    "twice", s);
			r->nbad++;
			continue;
		}
		s = cell[c[4]];
		for (j = 0; s[j] >= '0' && s[j] <= '9' && j < MAX_LOAD_DIGITS; j++)
			cap = cap * 10 + (uint64_t)(s[j] - '0');
		if (j == 0 || s[j] != '\0') {
			say(r, AAP_EDATA, 0, path, line, "max_load \"%s\" is not a "
			    "whole number of at most %d digits", s, MAX_LOAD_DIGITS);
			r->nbad++;
			continue;
		}
		v->cap = (uint32_t)cap;
		s = c[2] >= 0 ? cell[c[2]] : "";
		if (*s != '\0' && !siren_of(s, strlen(s), v->siren)) {
			say(r, AAP_EDATA, 0, path, line, "organisation \"%s\" is not "
			    "a SIREN (9 digits) or a SIRET (14)", s);
			r->nbad++;
			continue;
		}
		if (add_items(r, v, c[3] >= 0 ? cell[c[3]] : "", path, err) < 0)
			goto done;
		r->nrv++;
	}
	sort_run = r;
	qsort(r->rv, r->nrv, sizeof(*r->rv), by_reviewer);
	if ((r->byname = mem_calloc(r->names.n + 1, sizeof(*r->byname))) == NULL) {
		diag_oom(err);
		goto done;
	}
	r->nbyname = r->names.n;
	for (i = 0; i < r->nrv; i++)
		r->byname[r->rv[i].id] = i + 1;
	rc = 0;
done:
	table_free(t);
	return rc;
}

/* Keeps what assigning needs of the current record. */
static int keep(struct run *r, const struct stream_in *in, long c_adm,
		struct diag *err)
{
	const struct record *rec = stream_in_record(in);
	struct app *a;
	size_t n, i, id;
	int isnew;
	long nw;

	if (grow(&r->ap, &r->capap, r->nap, sizeof(*r->ap)) < 0)
		return diag_oom(err);
	a = &r->ap[r->nap];
	memset(a, 0, sizeof(*a));
	a->sector = NONE;
	a->word = r->naw;
	if (dict_put(&r->names, record_field(rec, 0), record_len(rec, 0),
		     &a->id, &isnew) < 0)
		return diag_oom(err);
	a->admissible = record_len(rec, (size_t)c_adm) == 3 &&
			memcmp(record_field(rec, (size_t)c_adm), "yes", 3) == 0;
	if (r->c_siret >= 0)
		siren_of(record_field(rec, (size_t)r->c_siret),
			 record_len(rec, (size_t)r->c_siret), a->siren);
	if (r->c_sector >= 0) {
		if ((nw = words_of(r, record_field(rec, (size_t)r->c_sector),
				   record_len(rec, (size_t)r->c_sector), &r->key)) < 0)
			return diag_oom(err);
		for (i = 0; i + 1 < r->key.len; i++)
			if (r->key.data[i] == '\0')
				r->key.data[i] = ' ';
		if (nw > 0)
			a->sector = dict_find(&r->keys, r->key.data,
					      strlen(r->key.data));
	}
	for (i = 0; i < r->nkw; i++) {
		const char *wd;

		n = (size_t)r->c_kw[i];
		if ((nw = words_of(r, record_field(rec, n), record_len(rec, n),
				   &r->key)) < 0)
			return diag_oom(err);
		for (wd = r->key.data; nw-- > 0; wd += strlen(wd) + 1) {
			id = dict_find(&r->words, wd, strlen(wd));
			if (id == NONE)
				continue;
			if (grow(&r->aw, &r->capaw, r->naw, sizeof(*r->aw)) < 0)
				return diag_oom(err);
			r->aw[r->naw++] = id;
		}
	}
	a->nword = r->naw - a->word;
	r->nap++;
	return 0;
}

/* Finds the stream's columns from the settings kept in r->key. */
static int columns(struct run *r, const struct stage_input *si,
		   struct diag *err)
{
	const char *sector = r->key.data, *siret = sector + strlen(sector) + 1;
	const char *kw = siret + strlen(siret) + 1, *p, *bar;
	struct sbuf name;
	size_t n;

	if (*sector != '\0')
		r->c_sector = stream_in_column(si->in, sector);
	if (*siret != '\0')
		r->c_siret = stream_in_column(si->in, siret);
	if ((r->c_kw = mem_calloc(strlen(kw) + 1, sizeof(*r->c_kw))) == NULL)
		return diag_oom(err);
	sbuf_init(&name);
	for (p = kw; *p != '\0'; p += n + (bar != NULL)) {
		bar = strchr(p, '|');
		n = bar != NULL ? (size_t)(bar - p) : strlen(p);
		sbuf_reset(&name);
		if (sbuf_add(&name, p, n) < 0) {
			sbuf_fini(&name);
			return diag_oom(err);
		}
		if (call_field_named(r->o->call, sbuf_str(&name)) == NULL) {
			diag_set(err, AAP_EUSAGE, NULL, 0, "keyword_fields: \"%s\" is "
				 "not a field of the call", sbuf_str(&name));
			sbuf_fini(&name);
			return -1;
		}
		r->c_kw[r->nkw++] = stream_in_column(si->in, sbuf_str(&name));
	}
	sbuf_fini(&name);
	return 0;
}

/* Reads the stream: every record, the admissible ones kept to assign. */
static int read_stream(struct run *r, struct diag *err)
{
	struct stage_input si;
	enum read_result rr;
	long c_adm;
	size_t i, id;
	int rc = -1;

	if (stage_input_open(&si, r->o->call, r->o->input, r->o->check, err) < 0)
		goto done;
	c_adm = stream_in_column(si.in, columns_name(COLUMN_ADMISSIBLE));
	if (c_adm < 0) {
		diag_set(err, AAP_EDATA, si.name, 1, "the stream has no column "
			 "\"%s\": did aap-validate run?",
			 columns_name(COLUMN_ADMISSIBLE));
		goto done;
	}
	if (columns(r, &si, err) < 0)
		goto done;
	while ((rr = stream_in_next(si.in, err)) == READ_RECORD)
		if (keep(r, si.in, c_adm, err) < 0)
			goto done;
	if (rr == READ_ERROR)
		goto done;
	r->recname = mem_calloc(r->names.n + 1, sizeof(*r->recname));
	r->sel = mem_calloc(r->nap + 1, sizeof(*r->sel));
	if (r->recname == NULL || r->sel == NULL) {
		diag_oom(err);
		goto done;
	}
	for (i = 0; i < r->nap; i++) {
		id = r->ap[i].id;
		if (r->recname[id] != 0)
			r->ap[i].dup = r->ap[r->recname[id] - 1].dup = 1;
		else
			r->recname[id] = i + 1;
	}
	for (i = 0; i < r->nap; i++) {
		size_t n;
		const char *s = dict_str(&r->names, r->ap[i].id, &n);

		if (r->ap[i].dup && r->recname[r->ap[i].id] == i + 1 &&
		    r->ap[i].admissible)
			say(r, AAP_EDATA, 1, si.name, 0, "application \"%.*s\" "
			    "appears more than once: none of its copies is "
			    "assigned", (int)n, s);
		if (r->ap[i].admissible && !r->ap[i].dup)
			r->sel[r->nsel++] = i;
	}
	sort_run = r;
	qsort(r->sel, r->nsel, sizeof(*r->sel), by_app);
	rc = 0;
done:
	stage_input_close(&si);
	return rc;
}

/* The affinity of application a with reviewer v (flow.h). */
static int16_t affinity(struct run *r, const struct app *a,
			const struct reviewer *v, const uint32_t *mark,
			uint32_t stamp)
{
	size_t i, w;
	int sector = 0, kw = 0;

	if (a->siren[0] != '\0' && strcmp(a->siren, v->siren) == 0)
		return FLOW_BARRED;
	for (i = v->item; i < v->item + v->nitem; i++) {
		const struct item *it = &r->it[i];

		if (it->key == a->sector) {
			sector = 1;
			continue;
		}
		for (w = 0; w < it->nword && mark[r->iw[it->word + w]] == stamp; w++)
			;
		kw += w == it->nword;
	}
	return (int16_t)(sector * FLOW_SECTOR + kw);
}

/* Reads the conflicts file and fills r->aff. */
static int build(struct run *r, struct diag *err)
{
	const struct columns_file *f = columns_side(COLUMNS_CONFLICTS);
	const char *path = r->o->conflicts;
	struct table *t = NULL;
	uint32_t *mark = NULL, stamp = 0;
	size_t *pos = NULL, i, j, w;
	int rc = -1;

	r->aff = mem_calloc(r->nsel * r->nrv + 1, sizeof(*r->aff));
	mark = mem_calloc(r->words.n + 1, sizeof(*mark));
	pos = mem_calloc(r->nap + 1, sizeof(*pos));
	if (r->aff == NULL || mark == NULL || pos == NULL) {
		diag_oom(err);
		goto done;
	}
	for (i = 0; i < r->nsel; i++) {
		const struct app *a = &r->ap[r->sel[i]];

		pos[r->sel[i]] = i + 1;
		stamp++;
		for (w = 0; w < a->nword; w++)
			mark[r->aw[a->word + w]] = stamp;
		for (j = 0; j < r->nrv; j++)
			r->aff[i * r->nrv + j] = affinity(r, a, &r->rv[j], mark, stamp);
	}
	if (path != NULL) {
		if (table_load(path, &t, err) < 0 ||
		    table_expect(t, f->names, f->required, f->n, err) < 0) {
			if (err->status == AAP_EUSAGE)
				err->status = AAP_EDATA;
			goto done;
		}
		for (i = 0; i < t->nrows; i++) {
			const char *who = t->rows[i].cells[table_col(t, f->names[0])];
			const char *id = t->rows[i].cells[table_col(t, f->names[1])];
			size_t nv = dict_find(&r->names, who, strlen(who));
			size_t na = dict_find(&r->names, id, strlen(id));

			if (nv == NONE || nv >= r->nbyname || r->byname[nv] == 0) {
				say(r, AAP_EDATA, 0, path, t->rows[i].line, "unknown "
				    "reviewer \"%s\": it is not in %s", who,
				    r->o->reviewers);
				r->nbad++;
			} else if (na == NONE || na >= r->names.n ||
				   r->recname[na] == 0) {
				say(r, AAP_EDATA, 0, path, t->rows[i].line, "unknown "
				    "application \"%s\": it is not in the stream", id);
				r->nbad++;
			} else if (pos[r->recname[na] - 1] != 0) {
				r->aff[(pos[r->recname[na] - 1] - 1) * r->nrv +
				       r->byname[nv] - 1] = FLOW_BARRED;
			}
		}
	}
	rc = 0;
done:
	table_free(t);
	mem_free(mark);
	mem_free(pos);
	return rc;
}

/* Says why no assignment exists when it is plain: an application with
 * fewer than k reviewers free of conflict, or loads too small in all.
 * Returns the number of reasons given. */
static size_t plain_reasons(struct run *r)
{
	uint64_t room = 0, need = (uint64_t)r->nsel * r->k;
	size_t i, j, free_, n, found = 0;

	for (j = 0; j < r->nrv; j++)
		room += r->rv[j].cap < r->nsel ? r->rv[j].cap : r->nsel;
	for (i = 0; i < r->nsel; i++) {
		const char *s = dict_str(&r->names, r->ap[r->sel[i]].id, &n);

		for (j = free_ = 0; j < r->nrv; j++)
			free_ += r->aff[i * r->nrv + j] >= 0 && r->rv[j].cap > 0;
		if (free_ < r->k) {
			say(r, AAP_EDATA, 0, NULL, 0, "application \"%.*s\" cannot "
			    "be covered: %zu reviewer%s free of conflict with it "
			    "and with a load above 0, %u needed", (int)n, s, free_,
			    free_ == 1 ? _(" is") : _("s are"), r->k);
			found++;
		}
	}
	if (room < need) {
		say(r, AAP_EDATA, 0, NULL, 0, "the reviewers' maximum loads "
		    "allow %llu assignments, %zu applications times %u need "
		    "%llu", (unsigned long long)room, r->nsel, r->k,
		    (unsigned long long)need);
		found++;
	}
	return found;
}

static int write_out(struct run *r, const struct flow_result *fr,
		     struct diag *err)
{
	const struct columns_file *f = columns_side(COLUMNS_ASSIGNMENTS);
	struct writer *w = writer_new(r->o->out, r->o->out_name);
	char num[16];
	size_t i, j, n;
	int rc = -1;

	if (w == NULL)
		return diag_oom(err);
	for (j = 0; j < f->n; j++)
		writer_field(w, f->names[j], strlen(f->names[j]));
	writer_end_record(w);
	for (i = 0; i < r->nsel; i++) {
		const char *id = dict_str(&r->names, r->ap[r->sel[i]].id, &n);

		for (j = 0; j < r->k; j++) {
			uint32_t v = fr->rev[i * r->k + j];
			size_t ln;
			const char *who = dict_str(&r->names, r->rv[v].id, &ln);
			int l = snprintf(num, sizeof(num), "%d",
					 r->aff[i * r->nrv + v]);

			writer_field(w, id, n);
			writer_field(w, who, ln);
			writer_field(w, num, (size_t)l);
			writer_end_record(w);
		}
	}
	if (writer_flush(w, err) == 0)
		rc = 0;
	writer_free(w);
	return rc;
}

/* The summary, as notes. */
static void summary(struct run *r, const struct flow_result *fr)
{
	unsigned long long sectors = 0, kw = 0, sq = 0;
	uint32_t lo = UINT32_MAX, hi = 0;
	size_t i, j, used = 0;

	for (i = 0; i < r->nsel; i++)
		for (j = 0; j < r->k; j++) {
			int v = r->aff[i * r->nrv + fr->rev[i * r->k + j]];

			sectors += (unsigned)v / FLOW_SECTOR;
			kw += (unsigned)v % FLOW_SECTOR;
		}
	for (j = 0; j < r->nrv; j++) {
		uint32_t l = fr->load[j];

		sq += (unsigned long long)l * l;
		used += l > 0;
		if (l < lo)
			lo = l;
		if (l > hi)
			hi = l;
	}
	if (r->nrv == 0)
		lo = 0;
	say(r, 0, 0, NULL, 0, "%zu applications assigned %u reviewers each: "
	    "%zu assignments to %zu of %zu reviewers (%zu records not "
	    "admissible or repeated, not assigned)", r->nsel, r->k,
	    r->nsel * r->k, used, r->nrv, r->nap - r->nsel);
	say(r, 0, 0, NULL, 0, "total affinity %llu: %llu sector matches, %llu "
	    "shared keywords", sectors * FLOW_SECTOR + kw, sectors, kw);
	say(r, 0, 0, NULL, 0, "loads from %lu to %lu, sum of squares %llu",
	    (unsigned long)lo, (unsigned long)hi, sq);
}

static void run_fini(struct run *r)
{
	keymap_fini(&r->names);
	keymap_fini(&r->keys);
	keymap_fini(&r->words);
	mem_free(r->c_kw);
	mem_free(r->rv);
	mem_free(r->it);
	mem_free(r->iw);
	mem_free(r->ap);
	mem_free(r->aw);
	mem_free(r->byname);
	mem_free(r->recname);
	mem_free(r->sel);
	mem_free(r->aff);
	sbuf_fini(&r->key);
	sbuf_fini(&r->tmp);
}

int assign_run(const struct assign_opts *o, struct diag *err)
{
	struct run r;
	struct flow_problem fp;
	struct flow_result fr;
	uint32_t *cap = NULL;
	size_t i, n;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	memset(&fr, 0, sizeof(fr));
	r.o = o;
	keymap_init(&r.names);
	keymap_init(&r.keys);
	keymap_init(&r.words);
	sbuf_init(&r.key);
	sbuf_init(&r.tmp);
	if (settings(&r, err) < 0)
		goto done;
	/* The settings wait in r.key until the stream is open. */
	{
		struct sbuf keep = r.key;

		sbuf_init(&r.key);
		if (reviewers(&r, err) < 0) {
			sbuf_fini(&keep);
			goto done;
		}
		sbuf_fini(&r.key);
		r.key = keep;
	}
	if (read_stream(&r, err) < 0 || build(&r, err) < 0)
		goto done;
	if (r.nbad > 0) {
		diag_set(err, AAP_EDATA, NULL, 0, "%lu bad line%s in the side "
			 "files: nothing was assigned", r.nbad,
			 r.nbad > 1 ? "s" : "");
		goto done;
	}
	if ((n = plain_reasons(&r)) > 0) {
		diag_set(err, AAP_EDATA, NULL, 0, "no assignment exists: "
			 "nothing was written");
		goto done;
	}
	if ((cap = mem_calloc(r.nrv + 1, sizeof(*cap))) == NULL) {
		diag_oom(err);
		goto done;
	}
	for (i = 0; i < r.nrv; i++)
		cap[i] = r.rv[i].cap;
	fp.napps = r.nsel;
	fp.nrev = r.nrv;
	fp.aff = r.aff;
	fp.cap = cap;
	fp.k = r.k;
	if (flow_solve(&fp, &fr) < 0) {
		diag_oom(err);
		goto done;
	}
	if (fr.uncovered > 0) {
		for (i = 0; i < r.nsel; i++) {
			const char *s = dict_str(&r.names, r.ap[r.sel[i]].id, &n);

			if (fr.got[i] < r.k)
				say(&r, AAP_EDATA, 0, NULL, 0, "application \"%.*s\" "
				    "cannot be covered: %lu of %u reviewers found; "
				    "those free of conflict with it are fully "
				    "loaded by the other applications", (int)n, s,
				    (unsigned long)fr.got[i], r.k);
		}
		diag_set(err, AAP_EDATA, NULL, 0, "no assignment exists: "
			 "nothing was written");
		goto done;
	}
	if (write_out(&r, &fr, err) < 0)
		goto done;
	summary(&r, &fr);
	rc = 0;
done:
	flow_result_fini(&fr);
	mem_free(cap);
	run_fini(&r);
	return rc;
}
