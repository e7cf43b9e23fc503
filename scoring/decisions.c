/* decisions.c - the committee's decisions: the decisions file read and
 * checked line by line, then applied to the proposal without walking the
 * envelope again from scratch (docs/scoring.md, "Decisions"). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "aap.h"
#include "columns.h"
#include "diag.h"
#include "digest.h"
#include "i18n.h"
#include "mem.h"
#include "norm.h"
#include "reader.h"
#include "decisions.h"
#include "score.h"

#define NO_MSG ((size_t)-1)

/* The actions as the file spells them, in the order of the enum. */
static const char *const action_name[] = { "withdraw", "reduce", "exclude",
	"promote" };

/* How a message names what an action does to an application. */
static const char *const action_done[] = { N_("withdrawn"), N_("reduced"),
	N_("excluded"), N_("promoted") };

void decisions_init(struct decisions *d, const char *path)
{
	const char *b = strrchr(path, '/');

	memset(d, 0, sizeof(*d));
	d->path = path;
	d->name = b != NULL && b[1] ? b + 1 : path;
	sbuf_init(&d->text);
}

void decisions_fini(struct decisions *d)
{
	mem_free(d->l);
	sbuf_fini(&d->text);
	memset(d, 0, sizeof(*d));
}

/* Keeps the message of a bad line (one per line: the first found). */
__attribute__((format(printf, 3, 4)))
static int bad(struct decisions *d, struct decisions_line *l,
	       const char *fmt, ...)
{
	char msg[DIAG_TEXT_MAX];
	va_list ap;

	if (l->msg != NO_MSG)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), _(fmt), ap);
	va_end(ap);
	l->msg = d->text.len;
	d->nbad++;
	return sbuf_add(&d->text, msg, strlen(msg) + 1);
}

/* The columns of the decisions file, in the order of columns_side. */
enum { C_ID, C_ACTION, C_AMOUNT, C_AUTHOR, C_DATE, C_WHY, C_N };

/* What reading the file needs. */
struct rd {
	struct decisions *d;
	size_t napps;
	marks_lookup_fn lookup;
	void *lookup_ctx;
	unsigned long *first;  /* per application: the line deciding it */
	long col[C_N];         /* the columns' places in the file */
	size_t width;          /* fields in the header */
};

/* Field c of rec, trimmed. */
static const char *fld(const struct rd *x, const struct record *rec, int c,
		       size_t *n)
{
	return norm_trim(record_field(rec, (size_t)x->col[c]),
			 record_len(rec, (size_t)x->col[c]), n);
}

/* Maps the header's columns.  Returns 0, or -1 with err set. */
static int header(struct rd *x, const struct record *rec, struct diag *err)
{
	const struct columns_file *f = columns_side(COLUMNS_DECISIONS);
	size_t i, j, n;

	for (j = 0; j < C_N; j++)
		x->col[j] = -1;
	for (i = 0; i < rec->n; i++) {
		const char *h = norm_trim(record_field(rec, i), record_len(rec, i),
					  &n);

		for (j = 0; j < f->n; j++)
			if (strlen(f->names[j]) == n && memcmp(f->names[j], h, n) == 0)
				break;
		if (j == f->n || x->col[j] >= 0) {
			diag_set(err, AAP_EDATA, x->d->path, rec->line,
				 j == f->n ? "unknown column \"%.*s\"" :
				 "column \"%.*s\" appears twice", (int)n, h);
			diag_detail(err, "the columns are documented in "
				    "docs/scoring.md");
			return -1;
		}
		x->col[j] = (long)i;
	}
	for (j = 0; j < C_N; j++)
		if (x->col[j] < 0)
			return diag_set(err, AAP_EDATA, x->d->path, rec->line,
					"missing column \"%s\"", f->names[j]);
	x->width = rec->n;
	return 0;
}

/* Checks the amount of line l: a reduction's is money above 0, the other
 * actions have none. */
static int amount_of(struct decisions *d, struct decisions_line *l,
		     const char *s, size_t n)
{
	if (l->action != DECISIONS_REDUCE)
		return n == 0 ? 0 : bad(d, l, "an amount with action \"%s\": "
					"only a reduction has one",
					action_name[l->action]);
	if (n == 0)
		return bad(d, l, "a reduction without an amount");
	if (norm_parse_fixed(s, n, SCORE_MONEY_SCALE, &l->amount) != NORM_OK ||
	    l->amount < 0)
		return bad(d, l, "amount \"%.*s\" is not an amount such as 1500.00",
			   (int)n, s);
	if (l->amount == 0)
		return bad(d, l, "a reduction to 0.00: withdraw the application "
			   "instead");
	return 0;
}

/* Reads one data line.  Returns 0, or -1 when memory ran out. */
static int line_of(struct rd *x, const struct record *rec)
{
	struct decisions *d = x->d;
	struct decisions_line *l;
	const char *s, *why;
	size_t n, a, wn;

	if (d->n == d->cap) {
		size_t c = d->cap ? d->cap * 2 : 16;
		struct decisions_line *nl = mem_realloc(d->l, c * sizeof(*nl));

		if (nl == NULL)
			return -1;
		d->l = nl;
		d->cap = c;
	}
	l = &d->l[d->n++];
	memset(l, 0, sizeof(*l));
	l->line = rec->line;
	l->app = -1;
	l->msg = NO_MSG;
	if (rec->n != x->width)
		return bad(d, l, "the line has %zu fields, the header %zu", rec->n,
			   x->width);
	s = fld(x, rec, C_ID, &n);
	if (n == 0)
		return bad(d, l, "no %s", columns_name(COLUMN_APPLICATION_ID));
	if ((l->app = x->lookup(x->lookup_ctx, s, n)) < 0)
		return bad(d, l, "unknown application \"%.*s\": it is not in the "
			   "stream", (int)n, s);
	s = fld(x, rec, C_ACTION, &n);
	for (a = 0; a < sizeof(action_name) / sizeof(action_name[0]); a++)
		if (strlen(action_name[a]) == n && memcmp(action_name[a], s, n) == 0)
			break;
	if (a == sizeof(action_name) / sizeof(action_name[0]))
		return bad(d, l, "unknown action \"%.*s\": withdraw, reduce, "
			   "exclude or promote", (int)n, s);
	l->action = (enum decisions_action)a;
	s = fld(x, rec, C_AMOUNT, &n);
	if (amount_of(d, l, s, n) < 0)
		return -1;
	if (l->msg != NO_MSG)
		return 0;
	fld(x, rec, C_AUTHOR, &n);
	if (n == 0)
		return bad(d, l, "a decision without an author");
	s = fld(x, rec, C_DATE, &n);
	if (n == 0)
		return bad(d, l, "a decision without a date");
	if (!norm_is_date(s, n))
		return bad(d, l, "date \"%.*s\" is not a date such as 2025-06-30",
			   (int)n, s);
	/* The justification is kept as written; only its emptiness is
	 * judged trimmed. */
	why = record_field(rec, (size_t)x->col[C_WHY]);
	wn = record_len(rec, (size_t)x->col[C_WHY]);
	norm_trim(why, wn, &n);
	if (n == 0)
		return bad(d, l, "a decision without a justification");
	if (x->first[l->app] != 0) {
		s = fld(x, rec, C_ID, &n);
		return bad(d, l, "a second decision for application \"%.*s\": the "
			   "first is at line %lu", (int)n, s, x->first[l->app]);
	}
	x->first[l->app] = l->line;
	l->why = d->text.len;
	return sbuf_add(&d->text, why, wn) < 0 ? -1 : sbuf_addc(&d->text, '\0');
}

int decisions_read(struct decisions *d, size_t napps, marks_lookup_fn lookup,
		   void *lookup_ctx, char sha[65], struct diag *err)
{
	struct rd x;
	struct reader_opts o;
	struct reader *rd = NULL;
	struct digest *dg = digest_new();
	enum read_result rr;
	int fd, rc = -1, head = 1;

	memset(&x, 0, sizeof(x));
	x.d = d;
	x.napps = napps;
	x.lookup = lookup;
	x.lookup_ctx = lookup_ctx;
	x.first = mem_calloc(napps + 1, sizeof(*x.first));
	if (dg == NULL || x.first == NULL) {
		digest_free(dg);
		mem_free(x.first);
		return diag_oom(err);
	}
	if ((fd = open(d->path, O_RDONLY)) < 0) {
		diag_set(err, AAP_ESYS, NULL, 0, "could not open \"%s\": %s",
			 d->path, strerror(errno));
		digest_free(dg);
		mem_free(x.first);
		return -1;
	}
	reader_opts_default(&o);
	o.cr_ends_line = 1;
	o.skip_bom = 1;
	if ((rd = reader_new(fd, d->path, &o, err)) == NULL)
		goto done;
	reader_set_tap(rd, digest_tap, dg);
	while ((rr = reader_next(rd, err)) == READ_RECORD) {
		const struct record *rec = reader_record(rd);

		if (rec->n == 0 || (rec->n == 1 && record_len(rec, 0) == 0))
			continue; /* a blank line */
		if (head) {
			head = 0;
			if (header(&x, rec, err) < 0)
				goto done;
		} else if (line_of(&x, rec) < 0) {
			diag_oom(err);
			goto done;
		}
	}
	if (rr == READ_ERROR)
		goto done;
	if (head) {
		diag_set(err, AAP_EDATA, d->path, 0, "the file has no header");
		goto done;
	}
	if (digest_peek(dg, sha) < 0) {
		diag_set(err, AAP_ESYS, NULL, 0, "could not hash \"%s\"", d->path);
		goto done;
	}
	rc = 0;
done:
	reader_free(rd);
	digest_free(dg);
	mem_free(x.first);
	close(fd);
	return rc;
}

/* 1 when the proposal ranked an application with decision dec. */
static int ranked(enum score_decision dec)
{
	return dec == SCORE_FUNDED || dec == SCORE_RESERVE ||
	       dec == SCORE_NOT_FUNDED;
}

int decisions_check(struct decisions *d, const struct decisions_app *v)
{
	char a[48], b[48];
	size_t i;

	for (i = 0; i < d->n; i++) {
		struct decisions_line *l = &d->l[i];
		const struct decisions_app *p;
		int ok;

		if (l->msg != NO_MSG)
			continue;
		p = &v[l->app];
		switch (l->action) {
		case DECISIONS_REDUCE:
			ok = p->dec == SCORE_FUNDED;
			break;
		case DECISIONS_PROMOTE:
			ok = p->dec == SCORE_RESERVE;
			break;
		default:
			ok = ranked(p->dec);
			break;
		}
		if (!ok) {
			if (bad(d, l, "application \"%.*s\" cannot be %s: its proposed "
				"decision is %s", (int)p->idlen, p->id,
				_(action_done[l->action]),
				p->dec == SCORE_PENDING ? _("none") :
				score_decision_name(p->dec)) < 0)
				return -1;
			continue;
		}
		if (l->action == DECISIONS_REDUCE && l->amount >= p->award) {
			norm_format_fixed(l->amount, SCORE_MONEY_SCALE, a, sizeof(a));
			norm_format_fixed(p->award, SCORE_MONEY_SCALE, b, sizeof(b));
			if (bad(d, l, "the reduction to %s is not below the proposed "
				"award of %s", a, b) < 0)
				return -1;
		}
	}
	return 0;
}

size_t decisions_exclude(const struct decisions *d, struct decisions_app *v)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		if (d->l[i].msg == NO_MSG && d->l[i].action == DECISIONS_EXCLUDE) {
			v[d->l[i].app].dec = SCORE_EXCLUDED;
			n++;
		}
	return n;
}

/* Funds the reserve list, then walks what freed money is left over the
 * reserve list in rank order by the call's rules. */
static void walk_freed(const struct criteria *k, struct decisions_app *v,
		       const size_t *order, size_t m, int64_t *rest)
{
	size_t i;

	/* A partially funded application is topped up first. */
	for (i = 0; i < m && *rest > 0; i++) {
		struct decisions_app *p = &v[order[i]];
		int64_t add = p->cap - p->award;

		if (p->dec != SCORE_FUNDED || p->by != NULL || add <= 0)
			continue;
		if (add > *rest)
			add = *rest;
		p->award += add;
		p->freed = 1;
		*rest -= add;
	}
	for (i = 0; i < m && *rest > 0; i++) {
		struct decisions_app *p = &v[order[i]];

		if (p->dec != SCORE_RESERVE || p->by != NULL)
			continue;
		if (p->cap <= *rest) {
			p->dec = SCORE_FUNDED;
			p->award = p->cap;
			p->freed = 1;
			*rest -= p->cap;
		} else if (k->partial) {
			p->dec = SCORE_FUNDED;
			p->award = *rest;
			p->freed = 1;
			*rest = 0;
		} else if (k->walk_stop) {
			break;
		}
	}
}

int decisions_apply(struct decisions *d, const struct criteria *k,
		    struct decisions_app *v, const size_t *order, size_t m,
		    int64_t *left)
{
	int64_t rest = *left;
	char a[48], b[48];
	size_t i;

	for (i = 0; i < d->n; i++) {
		struct decisions_line *l = &d->l[i];
		struct decisions_app *p = &v[l->app];

		p->by = l;
		switch (l->action) {
		case DECISIONS_WITHDRAW:
			p->dec = SCORE_WITHDRAWN;
			/* fall through */
		case DECISIONS_EXCLUDE:
			rest += p->award;
			p->award = 0;
			break;
		case DECISIONS_REDUCE:
			rest += p->award - l->amount;
			p->award = l->amount;
			break;
		case DECISIONS_PROMOTE:
			break;
		}
	}
	/* Promotions in rank order, so that the order of the lines never
	 * shows. */
	for (i = 0; i < m; i++) {
		struct decisions_app *p = &v[order[i]];
		struct decisions_line *l = p->by;

		if (l == NULL || l->action != DECISIONS_PROMOTE)
			continue;
		if (p->cap > rest) {
			norm_format_fixed(p->cap, SCORE_MONEY_SCALE, a, sizeof(a));
			norm_format_fixed(rest, SCORE_MONEY_SCALE, b, sizeof(b));
			if (bad(d, l, "promoting application \"%.*s\" needs %s, but "
				"only %s is left after the withdrawals, reductions, "
				"exclusions and the promotions ranked above it",
				(int)p->idlen, p->id, a, b) < 0)
				return -1;
			continue;
		}
		p->dec = SCORE_FUNDED;
		p->award = p->cap;
		rest -= p->cap;
	}
	if (d->nbad == 0)
		walk_freed(k, v, order, m, &rest);
	*left = rest;
	return 0;
}

void decisions_report(const struct decisions *d, const struct diag_sink *sink)
{
	struct diag e;
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->l[i].msg == NO_MSG)
			continue;
		diag_clear(&e);
		diag_set(&e, AAP_EDATA, d->path, d->l[i].line, "%s",
			 d->text.data + d->l[i].msg);
		if (sink != NULL && sink->fn != NULL)
			sink->fn(sink->ctx, &e);
	}
}

int decisions_by(const struct decisions *d, const struct decisions_app *p,
		 struct sbuf *b)
{
	if (p->by != NULL)
		return sbuf_adds(b, d->name) < 0 || sbuf_addc(b, ':') < 0 ? -1 :
		       sbuf_addu(b, p->by->line);
	return sbuf_adds(b, p->freed ? columns_by_freed : columns_by_ranking);
}

const char *decisions_reason(const struct decisions *d,
			     const struct decisions_app *p)
{
	return p->by != NULL ? d->text.data + p->by->why : "";
}
