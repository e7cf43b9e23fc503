/* report.c - the committee's report as HTML: the records read once, the
 * ranking and the rejected applications written as rows while the numbers
 * the summary and the charts need are kept; then the page assembled. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "aap.h"
#include "call.h"
#include "cap.h"
#include "columns.h"
#include "diag.h"
#include "html.h"
#include "labels.h"
#include "mem.h"
#include "model.h"
#include "report.h"
#include "stream.h"
#include "svg.h"

/* A missing score in rep->scores. */
#define NONE LLONG_MIN

/* What the charts need of one record. */
struct app {
	long long total;   /* total, HTML_SCALE, when has_total */
	long long plain;   /* the plain sum of the scores, when has_plain */
	long long award;   /* award in cents */
	long long cap;     /* the award the envelope walk would give, cents */
	char has_total, has_plain, ranked, rejected;
	char decision[16]; /* its decision code, cut */
};

/* A reason for inadmissibility and how many applications it concerns. */
struct reason {
	char *code;               /* finding code; owned */
	unsigned long long count; /* applications */
};

/* The report being made. */
struct rep {
	struct model *m;          /* the batch; not owned */
	struct html_call hc;      /* the call's criteria and threshold */
	struct app *apps;         /* one a record; owned */
	size_t n, cap;            /* used, allocated */
	long long *scores;        /* n * hc.ncrit scores, NONE when missing */
	struct reason *reasons;   /* owned */
	size_t nreasons;          /* how many */
	unsigned long long admissible, inadmissible, incomplete, below,
		funded, reserve, not_funded; /* counts */
	long c_rank, c_total, c_award, c_request; /* stream columns, or -1 */
	long c_cost, c_rate;      /* eligible cost, rate field, or -1 */
	long c_sens[6];   /* --sensitivity's columns (columns.h order), or -1 */
	const struct model_col *reason_col;       /* rank_reason, or NULL */
	struct sbuf ranked, others, rejected;     /* table rows */
	struct sbuf fragile;                      /* rows of the fragile ones */
	struct sbuf decided;                      /* rows of the committee's
						     decisions */
	struct sbuf buf, key;                     /* scratch */
};

/* The label of key, escaped, into out. */
static int word(struct sbuf *out, const struct rep *r, const char *key)
{
	const char *t = labels_find(r->m->lab, key);

	return html_texts(out, t ? t : key);
}

/* Rows in a part of a long table.  Chromium lays out a part only when it
 * nears the screen (content-visibility in html.c's style sheet): a report
 * of 10,000 applications opens in a second, not in several. */
#define PART_ROWS 200

/* A column of a long table: the label of key (or the text label), and its
 * share of the width. */
struct col {
	const char *key;   /* labels key, or NULL */
	const char *label; /* the text when key is NULL */
	unsigned weight;   /* share of the table's width */
};

/* The <colgroup> and <thead> of the n columns cols, into o: fixed widths,
 * in tenths of a percent, so the parts of a table line up. */
static int table_head(struct sbuf *o, const struct rep *r, const struct col *cols,
		      size_t n)
{
	unsigned long long sum = 0, w;
	size_t i;
	int rc = sbuf_adds(o, "<colgroup>");

	for (i = 0; i < n; i++)
		sum += cols[i].weight;
	for (i = 0; rc == 0 && i < n; i++) {
		w = sum ? cols[i].weight * 1000ULL / sum : 0;
		rc = sbuf_adds(o, "<col style=\"width:") < 0 ||
		     sbuf_addu(o, w / 10) < 0 || sbuf_addc(o, '.') < 0 ||
		     sbuf_addu(o, w % 10) < 0 || sbuf_adds(o, "%\">") < 0 ? -1 : 0;
	}
	if (rc == 0)
		rc = sbuf_adds(o, "</colgroup>\n<thead><tr>");
	for (i = 0; rc == 0 && i < n; i++)
		rc = sbuf_adds(o, "<th>") < 0 ||
		     (cols[i].key ? word(o, r, cols[i].key) :
				    html_texts(o, cols[i].label)) < 0 ||
		     sbuf_adds(o, "</th>") < 0 ? -1 : 0;
	return rc == 0 ? sbuf_adds(o, "</tr></thead>\n") : -1;
}

/* The end of the row that begins at p (its "</tr>\n"), or end. */
static const char *row_end(const char *p, const char *end)
{
	const char *q;

	while (p < end && (q = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (q - p >= 5 && memcmp(q - 5, "</tr>", 5) == 0)
			return q + 1;
		p = q + 1;
	}
	return end;
}

/* A long table of class cls: head (from table_head) and rows (each ending
 * "</tr>\n"), into o, in parts of PART_ROWS rows, one part at least. */
static int long_table(struct sbuf *o, const char *cls, const struct sbuf *head,
		      const struct sbuf *rows)
{
	const char *p = rows->data ? rows->data : "", *end = p + rows->len, *q;
	size_t k;
	int rc = sbuf_adds(o, "<div class=\"parts\">\n");

	do {
		for (q = p, k = 0; k < PART_ROWS && q < end; k++)
			q = row_end(q, end);
		rc = rc < 0 || sbuf_adds(o, "<div class=\"part\"><table") < 0 ||
		     (cls && (sbuf_adds(o, " class=\"") < 0 || sbuf_adds(o, cls) < 0 ||
			      sbuf_addc(o, '"') < 0)) ||
		     sbuf_adds(o, ">\n") < 0 || sbuf_add(o, head->data, head->len) < 0 ||
		     sbuf_adds(o, "<tbody>\n") < 0 || sbuf_add(o, p, (size_t)(q - p)) < 0 ||
		     sbuf_adds(o, "</tbody></table></div>\n") < 0 ? -1 : 0;
		p = q;
	} while (rc == 0 && p < end);
	return rc == 0 ? sbuf_adds(o, "</div>\n") : -1;
}

/* A cell with the field idx of the record last read, escaped. */
static int text_cell(struct sbuf *out, struct rep *r, long idx)
{
	size_t n;
	const char *s = model_field(r->m, idx, &n);

	return sbuf_adds(out, "<td>") < 0 || html_text(out, s, n) < 0 ||
	       sbuf_adds(out, "</td>") < 0 ? -1 : 0;
}

/* The value s (n bytes) as a French number when it is one, else as text. */
static int number(struct sbuf *out, const char *s, size_t n)
{
	long long u;
	unsigned sc;

	if (model_decimal(s, n, &u, &sc) == 0)
		return html_number(out, u, sc);
	return html_text(out, s, n);
}

/* Cents of the money value s, or 0. */
static long long cents(const char *s, size_t n)
{
	long long v;

	return html_fix(s, n, &v) == 0 ? v / 100 : 0;
}

/* Counts code among the reasons, once per application (seen: the codes
 * of this application so far, NUL-separated). */
static int count_reason(struct rep *r, const char *code, struct sbuf *seen)
{
	struct reason *x;
	size_t i;
	const char *p;

	for (p = seen->data; p != NULL && p < seen->data + seen->len;
	     p += strlen(p) + 1)
		if (strcmp(p, code) == 0)
			return 0;
	if (sbuf_add(seen, code, strlen(code) + 1) < 0)
		return -1;
	for (i = 0; i < r->nreasons; i++)
		if (strcmp(r->reasons[i].code, code) == 0) {
			r->reasons[i].count++;
			return 0;
		}
	x = mem_realloc(r->reasons, (r->nreasons + 1) * sizeof(*x));
	if (x == NULL)
		return -1;
	r->reasons = x;
	if ((x[r->nreasons].code = mem_strdup(code)) == NULL)
		return -1;
	x[r->nreasons++].count = 1;
	return 0;
}

/* The row of a rejected record: id, applicant, project, decision, and
 * each finding in words. */
static int rejected_row(struct rep *r, const char *decision)
{
	struct sbuf *o = &r->rejected, item, seen, whole;
	struct model_finding f;
	size_t n;
	const char *p = model_field(r->m, r->m->c_findings, &n);
	int k, rc = 0, any = 0;

	sbuf_init(&item);
	sbuf_init(&seen);
	sbuf_init(&whole);
	if (sbuf_adds(o, "<tr>") < 0 || text_cell(o, r, r->m->c_id) < 0 ||
	    text_cell(o, r, r->m->c_applicant) < 0 ||
	    text_cell(o, r, r->m->c_title) < 0 || sbuf_adds(o, "<td>") < 0 ||
	    html_texts(o, labels_word(r->m->lab, r->m->c_decision >= 0 ?
				      "decision" : "admissible", decision,
				      &r->key)) < 0 ||
	    sbuf_adds(o, "</td><td><ul class=\"reasons\">") < 0)
		rc = -1;
	while (rc == 0 && (k = model_finding_next(&p, &n, &f, &item)) != 0) {
		if (k < 0) {
			rc = -1;
			break;
		}
		any = 1;
		/* model_finding_next cut the item at its colons: put it back
		 * whole for model_findings_words. */
		sbuf_reset(&r->buf);
		sbuf_reset(&whole);
		rc = sbuf_adds(&whole, f.severity) < 0 ||
		     sbuf_addc(&whole, ':') < 0 || sbuf_adds(&whole, f.code) < 0 ||
		     (*f.field && (sbuf_addc(&whole, ':') < 0 ||
				   sbuf_adds(&whole, f.field) < 0 ||
				   (*f.detail && (sbuf_addc(&whole, ':') < 0 ||
						  sbuf_adds(&whole, f.detail) < 0)))) ||
		     model_findings_words(r->m, whole.data, whole.len, "",
					  &r->buf) < 0 ? -1 : 0;
		if (rc == 0 && (sbuf_adds(o, "<li>") < 0 ||
				html_text(o, r->buf.data, r->buf.len) < 0 ||
				sbuf_adds(o, "</li>") < 0))
			rc = -1;
		if (rc == 0 && strcmp(f.severity, "error") == 0)
			rc = count_reason(r, f.code, &seen);
	}
	if (rc == 0 && !any)
		rc = sbuf_adds(o, "<li>–</li>");
	if (rc == 0)
		rc = sbuf_adds(o, "</ul></td></tr>\n");
	sbuf_fini(&item);
	sbuf_fini(&seen);
	sbuf_fini(&whole);
	return rc;
}

/* What decided the record last read, in words, and the committee's
 * justification when there is one, escaped, into o. */
static int decided_cell(struct sbuf *o, struct rep *r)
{
	size_t n;
	const char *s = model_field(r->m, r->m->c_decided_by, &n);

	sbuf_reset(&r->buf);
	if (model_decided_words(r->m, s, n, &r->buf) < 0 ||
	    html_text(o, r->buf.data, r->buf.len) < 0)
		return -1;
	s = model_field(r->m, r->m->c_decision_reason, &n);
	if (n == 0)
		return 0;
	return sbuf_adds(o, "<br><span class=\"text\">« ") < 0 ||
	       html_text(o, s, n) < 0 || sbuf_adds(o, " »</span>") < 0 ? -1 : 0;
}

/* The ranking's row of the record last read, into o. */
static int ranking_row(struct rep *r, struct sbuf *o, const char *decision)
{
	struct model_cell cell;
	struct sbuf flags;
	size_t i, n;
	const char *s;
	int rc = 0, wide = 0;

	sbuf_init(&flags);
	for (i = 0; i < r->hc.ncrit && rc == 0; i++) {
		const struct html_crit *c = &r->hc.crit[i];
		long long sp;

		s = model_field(r->m, c->spread_col, &n);
		if (c->spread_col < 0 || n == 0 || html_fix(s, n, &sp) < 0 ||
		    !html_wide_spread(c, sp))
			continue;
		wide = 1;
		sbuf_reset(&r->buf);
		sbuf_reset(&r->key);
		rc = (flags.len > 0 && sbuf_adds(&flags, "<br>") < 0) ||
		     sbuf_adds(&flags, "<span class=\"flag\">⚑</span> ") < 0 ||
		     html_texts(&flags, c->label) < 0 ||
		     sbuf_adds(&flags, " (") < 0 ||
		     html_short(&r->key, sp) < 0 ||
		     labels_fill(r->m->lab, "report:spread", r->key.data, &r->buf) < 0 ||
		     html_text(&flags, r->buf.data, r->buf.len) < 0 ||
		     sbuf_addc(&flags, ')') < 0 ? -1 : 0;
	}
	if (rc == 0)
		rc = sbuf_adds(o, wide ? "<tr class=\"wide\">" : "<tr>");
	s = model_field(r->m, r->c_rank, &n);
	if (rc == 0 && (sbuf_adds(o, "<td class=\"n\">") < 0 || number(o, s, n) < 0 ||
			sbuf_adds(o, "</td>") < 0 || text_cell(o, r, r->m->c_id) < 0 ||
			text_cell(o, r, r->m->c_applicant) < 0 ||
			text_cell(o, r, r->m->c_title) < 0))
		rc = -1;
	for (i = 0; i < r->hc.ncrit && rc == 0; i++) {
		const struct html_crit *c = &r->hc.crit[i];
		long long sp;
		size_t m;
		const char *t = model_field(r->m, c->spread_col, &m);
		int w = c->spread_col >= 0 && m > 0 && html_fix(t, m, &sp) == 0 &&
			html_wide_spread(c, sp);

		if (c->col < 0)
			continue;
		s = model_field(r->m, c->col, &n);
		rc = sbuf_adds(o, w ? "<td class=\"n wide\">" : "<td class=\"n\">") < 0 ||
		     number(o, s, n) < 0 ||
		     (w && sbuf_adds(o, " ⚑") < 0) ||
		     sbuf_adds(o, "</td>") < 0 ? -1 : 0;
	}
	s = model_field(r->m, r->c_total, &n);
	if (rc == 0 && (sbuf_adds(o, "<td class=\"n\">") < 0 || number(o, s, n) < 0 ||
			sbuf_adds(o, "</td><td>") < 0 ||
			html_texts(o, labels_word(r->m->lab, r->m->c_decision >= 0 ?
						  "decision" : "admissible",
						  decision, &r->key)) < 0 ||
			sbuf_adds(o, "</td><td class=\"n\">") < 0))
		rc = -1;
	s = model_field(r->m, r->c_award, &n);
	if (rc == 0 && n > 0 && html_money(o, cents(s, n), r->hc.currency) < 0)
		rc = -1;
	if (rc == 0 && sbuf_adds(o, "</td><td>") < 0)
		rc = -1;
	if (rc == 0 && r->reason_col != NULL) {
		if (model_cell(r->m, r->reason_col, &cell, &r->buf) < 0 ||
		    html_text(o, cell.text ? cell.text : "", cell.len) < 0)
			rc = -1;
	}
	if (rc == 0 && r->m->c_decided_by >= 0 &&
	    (sbuf_adds(o, "</td><td>") < 0 || decided_cell(o, r) < 0))
		rc = -1;
	if (rc == 0 && (sbuf_adds(o, "</td><td>") < 0 ||
			sbuf_add(o, flags.data, flags.len) < 0 ||
			sbuf_adds(o, "</td></tr>\n") < 0))
		rc = -1;
	sbuf_fini(&flags);
	return rc;
}

/* The row of the record last read among the committee's decisions, when
 * a line of its decisions file decided it: rank, id, applicant, decision,
 * award, what decided it and the justification. */
static int decided_row(struct rep *r, const char *decision)
{
	struct sbuf *o = &r->decided;
	size_t n;
	const char *s = model_field(r->m, r->m->c_decided_by, &n);

	if (!model_decided_by_committee(s, n))
		return 0;
	s = model_field(r->m, r->c_rank, &n);
	if (sbuf_adds(o, "<tr><td class=\"n\">") < 0 || number(o, s, n) < 0 ||
	    sbuf_adds(o, "</td>") < 0 || text_cell(o, r, r->m->c_id) < 0 ||
	    text_cell(o, r, r->m->c_applicant) < 0 || sbuf_adds(o, "<td>") < 0 ||
	    html_texts(o, labels_word(r->m->lab, "decision", decision, &r->key)) < 0 ||
	    sbuf_adds(o, "</td><td class=\"n\">") < 0)
		return -1;
	s = model_field(r->m, r->c_award, &n);
	if (n > 0 && html_money(o, cents(s, n), r->hc.currency) < 0)
		return -1;
	sbuf_reset(&r->buf);
	s = model_field(r->m, r->m->c_decided_by, &n);
	if (sbuf_adds(o, "</td><td>") < 0 ||
	    model_decided_words(r->m, s, n, &r->buf) < 0 ||
	    html_text(o, r->buf.data, r->buf.len) < 0 ||
	    sbuf_adds(o, "</td><td class=\"text\">") < 0)
		return -1;
	s = model_field(r->m, r->m->c_decision_reason, &n);
	return html_text(o, s, n) < 0 || sbuf_adds(o, "</td></tr>\n") < 0 ? -1 : 0;
}

/* The text of the record last read in column col, escaped, into o;
 * nothing when col is -1. */
static int raw_cell(struct sbuf *o, struct rep *r, long col)
{
	size_t n;
	const char *s = col >= 0 ? model_field(r->m, col, &n) : "";

	return col >= 0 ? html_text(o, s, n) : 0;
}

/* The name in words of the criterion whose id is in column col of the
 * record last read, escaped, into o. */
static int criterion_cell(struct sbuf *o, struct rep *r, long col)
{
	size_t n, i;
	const char *id = model_field(r->m, col, &n);

	for (i = 0; i < r->hc.ncrit; i++)
		if (strlen(r->hc.crit[i].id) == n &&
		    memcmp(r->hc.crit[i].id, id, n) == 0)
			return html_texts(o, r->hc.crit[i].label);
	return html_text(o, id, n);
}

/* The row of the record last read among the fragile decisions, when
 * aap-score --sensitivity found one reviewer or one weight that changes
 * its decision: rank, id, applicant, decision, the reviewer and the
 * decision without them, the weight change, its criterion and the
 * decision then, the margin. */
static int fragile_row(struct rep *r, const char *decision)
{
	struct sbuf *o = &r->fragile;
	size_t n1, n2, i;
	const char *s;

	if (r->c_sens[0] < 0)
		return 0;
	model_field(r->m, r->c_sens[0], &n1);
	model_field(r->m, r->c_sens[2], &n2);
	if (n1 == 0 && n2 == 0)
		return 0;
	s = model_field(r->m, r->c_rank, &n1);
	if (sbuf_adds(o, "<tr><td class=\"n\">") < 0 || number(o, s, n1) < 0 ||
	    sbuf_adds(o, "</td>") < 0 || text_cell(o, r, r->m->c_id) < 0 ||
	    text_cell(o, r, r->m->c_applicant) < 0 || sbuf_adds(o, "<td>") < 0 ||
	    html_texts(o, labels_word(r->m->lab, "decision", decision, &r->key)) < 0)
		return -1;
	for (i = 0; i < 2; i++) {
		/* The reviewer (or the change and its criterion), then the
		 * decision it gives. */
		long what = r->c_sens[i == 0 ? 0 : 2];
		long dec = r->c_sens[i == 0 ? 1 : 4];

		model_field(r->m, what, &n1);
		if (sbuf_adds(o, "</td><td>") < 0)
			return -1;
		if (n1 == 0)
			continue;
		s = model_field(r->m, dec, &n2);
		sbuf_reset(&r->buf);
		if (i == 1) {
			/* The change, a fraction of the weight, in percent. */
			const char *f = model_field(r->m, what, &n1);
			long long v;

			if (html_fix(f, n1, &v) < 0 || html_short(o, v * 100) < 0 ||
			    sbuf_adds(o, " %") < 0)
				return -1;
		} else if (raw_cell(o, r, what) < 0) {
			return -1;
		}
		if ((i == 1 && (sbuf_adds(o, " (") < 0 ||
				criterion_cell(o, r, r->c_sens[3]) < 0 ||
				sbuf_addc(o, ')') < 0)) ||
		    sbuf_adds(o, " → ") < 0 ||
		    sbuf_add(&r->buf, s, n2) < 0 ||
		    html_texts(o, labels_word(r->m->lab, "decision", sbuf_str(&r->buf),
					      &r->key)) < 0)
			return -1;
	}
	s = model_field(r->m, r->c_sens[5], &n1);
	return sbuf_adds(o, "</td><td class=\"n\">") < 0 || number(o, s, n1) < 0 ||
	       sbuf_adds(o, "</td></tr>\n") < 0 ? -1 : 0;
}

/* The award the envelope walk would give the record last read: its
 * amount requested, capped as aap-score caps it. */
static long long cap_of(const struct rep *r)
{
	const struct html_call *c = &r->hc;
	const char *s;
	size_t n;
	long long req, cost = 0;
	int64_t rate = c->max_rate;

	s = model_field(r->m, r->c_request, &n);
	req = cents(s, n);
	if (r->c_cost >= 0) {
		s = model_field(r->m, r->c_cost, &n);
		cost = cents(s, n);
	}
	if (r->c_rate >= 0) {
		s = model_field(r->m, r->c_rate, &n);
		rate = cap_rate(c->rates, c->nrates, rate, s, n);
	}
	return cap_award(req, cost, c->has_max_award, c->max_award, rate);
}

/* Keeps what the charts need of the record last read and writes its
 * rows. */
static int take(struct rep *r)
{
	struct app *a;
	long long *sc, v;
	size_t i, n, k = r->hc.ncrit;
	const char *s;
	const char *d = "";

	if (r->n == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 64;
		struct app *na = mem_realloc(r->apps, nc * sizeof(*na));
		long long *ns;

		if (na == NULL)
			return -1;
		r->apps = na;
		ns = mem_realloc(r->scores, (k > 0 ? nc * k : 1) * sizeof(*ns));
		if (ns == NULL)
			return -1;
		r->scores = ns;
		r->cap = nc;
	}
	a = &r->apps[r->n];
	sc = r->scores + r->n * k;
	memset(a, 0, sizeof(*a));
	if (r->m->c_decision >= 0)
		d = model_field(r->m, r->m->c_decision, &n);
	else if (r->m->c_admissible >= 0)
		d = model_field(r->m, r->m->c_admissible, &n);
	n = strlen(d);
	memcpy(a->decision, d, n < sizeof(a->decision) ? n : sizeof(a->decision) - 1);
	if (r->m->c_decision >= 0)
		a->rejected = strcmp(d, "inadmissible") == 0 ||
			      strcmp(d, "incomplete") == 0;
	else
		a->rejected = strcmp(d, "no") == 0;
	s = model_field(r->m, r->c_rank, &n);
	a->ranked = n > 0;
	s = model_field(r->m, r->c_total, &n);
	a->has_total = n > 0 && html_fix(s, n, &a->total) == 0;
	s = model_field(r->m, r->c_award, &n);
	a->award = cents(s, n);
	a->cap = cap_of(r);
	a->has_plain = k > 0;
	for (i = 0; i < k; i++) {
		s = model_field(r->m, r->hc.crit[i].col, &n);
		sc[i] = n > 0 && html_fix(s, n, &v) == 0 ? v : NONE;
		if (sc[i] == NONE)
			a->has_plain = 0;
		else
			a->plain += sc[i];
	}
	r->n++;
	r->funded += strcmp(d, "funded") == 0;
	r->reserve += strcmp(d, "reserve") == 0;
	r->not_funded += strcmp(d, "not_funded") == 0;
	r->below += strcmp(d, "below_threshold") == 0;
	r->inadmissible += strcmp(d, "inadmissible") == 0 || strcmp(d, "no") == 0;
	r->incomplete += strcmp(d, "incomplete") == 0;
	if (r->m->c_admissible >= 0) {
		s = model_field(r->m, r->m->c_admissible, &n);
		r->admissible += strcmp(s, "yes") == 0;
	}
	if (a->rejected)
		return rejected_row(r, d);
	if (a->ranked && fragile_row(r, d) < 0)
		return -1;
	if (r->m->c_decided_by >= 0 && decided_row(r, d) < 0)
		return -1;
	return ranking_row(r, a->ranked ? &r->ranked : &r->others, d);
}

/* A row of a two-column table: the label of key, then the value html. */
static int kv(struct sbuf *o, const struct rep *r, const char *key,
	      const char *html, const char *cls)
{
	return sbuf_adds(o, "<tr><th scope=\"row\">") < 0 || word(o, r, key) < 0 ||
	       sbuf_adds(o, cls ? "</th><td class=\"" : "</th><td") < 0 ||
	       (cls && (sbuf_adds(o, cls) < 0 || sbuf_addc(o, '"') < 0)) ||
	       sbuf_addc(o, '>') < 0 || sbuf_adds(o, html) < 0 ||
	       sbuf_adds(o, "</td></tr>\n") < 0 ? -1 : 0;
}

/* kv with a count. */
static int kv_count(struct sbuf *o, struct rep *r, const char *key,
		    unsigned long long v)
{
	sbuf_reset(&r->buf);
	if (html_number(&r->buf, (long long)v, 0) < 0)
		return -1;
	return kv(o, r, key, r->buf.data, "n");
}

/* The summary: the call, the digest, the counts, the envelope. */
static int summary(struct sbuf *o, struct rep *r)
{
	static const enum prov_key money[] = { PROV_ENVELOPE, PROV_GRANTED, PROV_LEFT };
	static const char *const money_key[] = { "budget:envelope",
						  "budget:granted", "budget:left" };
	struct model *m = r->m;
	size_t i;
	int rc;

	rc = sbuf_adds(o, "<section id=\"synthese\"><h2>") < 0 ||
	     word(o, r, "report:summary") < 0 ||
	     sbuf_adds(o, "</h2>\n<table class=\"kv\">\n") < 0 ? -1 : 0;
	sbuf_reset(&r->buf);
	if (rc == 0 && (html_texts(&r->buf, m->call->id) < 0 ||
			kv(o, r, "prov:call", r->buf.data, NULL) < 0))
		rc = -1;
	sbuf_reset(&r->buf);
	if (rc == 0 && (sbuf_adds(&r->buf, m->digest) < 0 ||
			kv(o, r, "prov:input", r->buf.data, "digest") < 0))
		rc = -1;
	if (rc == 0)
		rc = kv_count(o, r, "report:received", stream_in_count(m->src.in));
	if (rc == 0 && m->c_admissible >= 0)
		rc = kv_count(o, r, "report:admissible", r->admissible);
	if (rc == 0)
		rc = kv_count(o, r, "report:inadmissible", r->inadmissible);
	if (rc == 0 && m->c_decision >= 0)
		rc = kv_count(o, r, "report:incomplete", r->incomplete) < 0 ||
		     kv_count(o, r, "report:below_threshold", r->below) < 0 ||
		     kv_count(o, r, "report:funded", r->funded) < 0 ||
		     kv_count(o, r, "report:reserve", r->reserve) < 0 ||
		     kv_count(o, r, "report:not_funded", r->not_funded) < 0 ? -1 : 0;
	for (i = 0; rc == 0 && i < 3; i++) {
		const char *t = model_trailer(m, money[i]);

		if (t == NULL)
			continue;
		sbuf_reset(&r->buf);
		rc = html_money(&r->buf, cents(t, strlen(t)), r->hc.currency) < 0 ||
		     kv(o, r, money_key[i], r->buf.data, "n") < 0 ? -1 : 0;
	}
	return rc == 0 ? sbuf_adds(o, "</table>\n</section>\n") : -1;
}

/* The head of the ranking's tables (table_head), into o. */
static int ranking_head(struct sbuf *o, struct rep *r)
{
	static const struct col first[] = {
		{ "col:rank", NULL, 8 }, { "col:application_id", NULL, 18 },
		{ "col:applicant", NULL, 20 }, { "col:title", NULL, 22 } };
	const struct col last[] = {
		{ "col:total", NULL, 13 },
		{ r->m->c_decision >= 0 ? "col:decision" : "col:admissible", NULL, 15 },
		{ "col:award", NULL, 19 }, { "col:rank_reason", NULL, 14 },
		{ "col:decided_by", NULL, 24 }, { "report:wide", NULL, 20 } };
	size_t nf = sizeof(first) / sizeof(first[0]);
	size_t nl = sizeof(last) / sizeof(last[0]), i, n = 0;
	struct col *cols = mem_calloc(nf + r->hc.ncrit + nl, sizeof(*cols));
	int rc;

	if (cols == NULL)
		return -1;
	for (i = 0; i < nf; i++)
		cols[n++] = first[i];
	for (i = 0; i < r->hc.ncrit; i++)
		if (r->hc.crit[i].col >= 0) {
			cols[n].label = r->hc.crit[i].label;
			cols[n++].weight = 15;
		}
	for (i = 0; i < nl; i++)
		if (r->m->c_decided_by >= 0 || strcmp(last[i].key, "col:decided_by") != 0)
			cols[n++] = last[i];
	rc = table_head(o, r, cols, n);
	mem_free(cols);
	return rc;
}

/* The fragile decisions, first, when the stream has aap-score
 * --sensitivity's columns and any decision is fragile. */
static int fragile(struct sbuf *o, struct rep *r)
{
	static const struct col head[] = {
		{ "col:rank", NULL, 4 }, { "col:application_id", NULL, 8 },
		{ "col:applicant", NULL, 16 }, { "col:decision", NULL, 10 },
		{ "report:one_reviewer", NULL, 20 },
		{ "report:weight_change", NULL, 24 }, { "report:margin", NULL, 8 } };

	if (r->fragile.len == 0)
		return 0;
	sbuf_reset(&r->buf);
	return sbuf_adds(o, "<section id=\"fragiles\"><h2>") < 0 ||
	       word(o, r, "report:fragile") < 0 || sbuf_adds(o, "</h2>\n<p class=\"sub\">") < 0 ||
	       word(o, r, "report:fragile_note") < 0 || sbuf_adds(o, "</p>\n") < 0 ||
	       table_head(&r->buf, r, head, sizeof(head) / sizeof(head[0])) < 0 ||
	       long_table(o, "ranking", &r->buf, &r->fragile) < 0 ||
	       sbuf_adds(o, "</section>\n") < 0 ? -1 : 0;
}

/* The committee's decisions, after the ranking, when the stream was
 * scored with aap-score --decisions. */
static int decided(struct sbuf *o, struct rep *r)
{
	static const struct col head[] = {
		{ "col:rank", NULL, 5 }, { "col:application_id", NULL, 9 },
		{ "col:applicant", NULL, 15 }, { "col:decision", NULL, 10 },
		{ "col:award", NULL, 11 }, { "col:decided_by", NULL, 24 },
		{ "col:decision_reason", NULL, 26 } };
	int rc;

	if (r->m->c_decided_by < 0)
		return 0;
	rc = sbuf_adds(o, "<section id=\"decisions\"><h2>") < 0 ||
	     word(o, r, "report:decisions") < 0 || sbuf_adds(o, "</h2>\n") < 0 ? -1 : 0;
	if (rc == 0 && r->decided.len == 0)
		return sbuf_adds(o, "<p>") < 0 || word(o, r, "report:no_decision") < 0 ||
		       sbuf_adds(o, "</p>\n</section>\n") < 0 ? -1 : 0;
	sbuf_reset(&r->buf);
	return rc == 0 && table_head(&r->buf, r, head, sizeof(head) / sizeof(head[0])) == 0 &&
	       long_table(o, "ranking", &r->buf, &r->decided) == 0 &&
	       sbuf_adds(o, "</section>\n") == 0 ? 0 : -1;
}

/* The ranking, then the applications scored but not ranked. */
static int ranking(struct sbuf *o, struct rep *r)
{
	int rc;

	sbuf_reset(&r->buf);
	rc = sbuf_adds(o, "<section id=\"classement\"><h2>") < 0 ||
	     word(o, r, "sheet:ranking") < 0 || sbuf_adds(o, "</h2>\n") < 0 ||
	     ranking_head(&r->buf, r) < 0 ||
	     long_table(o, "ranking", &r->buf, &r->ranked) < 0 ||
	     sbuf_adds(o, "<p class=\"sub\">") < 0 ||
	     word(o, r, "report:wide_note") < 0 ||
	     sbuf_adds(o, "</p>\n") < 0 ? -1 : 0;
	if (rc == 0 && r->others.len > 0)
		rc = sbuf_adds(o, "<h3>") < 0 || word(o, r, "report:others") < 0 ||
		     sbuf_adds(o, "</h3>\n") < 0 ||
		     long_table(o, "ranking", &r->buf, &r->others) < 0 ? -1 : 0;
	return rc == 0 ? sbuf_adds(o, "</section>\n") : -1;
}

/* Opens a figure whose heading is the label of key. */
static int figure(struct sbuf *o, const struct rep *r, const char *key)
{
	return sbuf_adds(o, "<figure><h3>") < 0 || word(o, r, key) < 0 ||
	       sbuf_adds(o, "</h3>\n") < 0 ? -1 : 0;
}

/* Closes a figure, saying when it had nothing to draw. */
static int end_figure(struct sbuf *o, const struct rep *r, int empty)
{
	if (empty && (sbuf_adds(o, "<p class=\"sub\">") < 0 ||
		      word(o, r, "report:no_data") < 0 || sbuf_adds(o, "</p>") < 0))
		return -1;
	return sbuf_adds(o, "</figure>\n");
}

static int reason_cmp(const void *a, const void *b)
{
	const struct svg_bar *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->label, y->label);
}

/* The four charts. */
static int charts(struct sbuf *o, struct rep *r)
{
	const struct labels *l = r->m->lab;
	struct svg_words w;
	struct svg_strip *st = NULL;
	struct svg_step *steps = NULL;
	struct svg_bar *bars = NULL;
	long long *v = NULL;
	const char *env = model_trailer(r->m, PROV_ENVELOPE);
	size_t i, j, n = 0, k = r->hc.ncrit;
	int plain = r->hc.has_thr && !r->hc.thr_weighted, rc;
	struct sbuf *keys = NULL;

	memset(&w, 0, sizeof(w));
	w.count = labels_find(l, "report:unit");
	w.currency = r->hc.currency;
	w.y = labels_find(l, "report:axis_count");
	w.line = labels_find(l, "report:threshold");
	rc = sbuf_adds(o, "<section id=\"graphiques\" class=\"page\"><h2>") < 0 ||
	     word(o, r, "report:charts") < 0 || sbuf_adds(o, "</h2>\n") < 0 ? -1 : 0;
	/* The totals, or the plain sums when the threshold is on them. */
	v = mem_calloc(r->n ? r->n : 1, sizeof(*v));
	st = mem_calloc(k ? k : 1, sizeof(*st));
	steps = mem_calloc(r->n ? r->n : 1, sizeof(*steps));
	bars = mem_calloc(r->nreasons ? r->nreasons : 1, sizeof(*bars));
	keys = mem_calloc(r->nreasons ? r->nreasons : 1, sizeof(*keys));
	if (v == NULL || st == NULL || steps == NULL || bars == NULL || keys == NULL)
		rc = -1;
	for (i = 0; rc == 0 && i < r->n; i++)
		if (!r->apps[i].rejected && (plain ? r->apps[i].has_plain :
					     r->apps[i].has_total))
			v[n++] = plain ? r->apps[i].plain : r->apps[i].total;
	w.title = labels_find(l, plain ? "report:chart_plain" : "report:chart_totals");
	w.x = plain ? labels_find(l, "report:axis_plain") : labels_find(l, "col:total");
	if (rc == 0)
		rc = figure(o, r, plain ? "report:chart_plain" : "report:chart_totals");
	if (rc == 0 && n > 0)
		rc = svg_histogram(o, &w, v, n, r->hc.thr, r->hc.has_thr);
	if (rc == 0)
		rc = end_figure(o, r, n == 0);
	/* Each criterion's scores. */
	for (j = 0; rc == 0 && j < k; j++) {
		st[j].label = r->hc.crit[j].label;
		st[j].min = r->hc.crit[j].min;
		st[j].max = r->hc.crit[j].max;
		st[j].thr = r->hc.crit[j].thr;
		st[j].has_thr = r->hc.crit[j].has_thr;
	}
	if (rc == 0)
		rc = figure(o, r, "report:chart_criteria");
	{
		long long *all = k ? mem_calloc(r->n * k + 1, sizeof(*all)) : NULL;
		size_t ns = 0;

		if (k > 0 && all == NULL)
			rc = -1;
		for (j = 0; rc == 0 && j < k; j++) {
			st[j].v = all + j * r->n;
			for (i = 0; i < r->n; i++) {
				long long s = r->scores[i * k + j];

				if (s != NONE && !r->apps[i].rejected)
					all[j * r->n + st[j].n++] = s;
			}
			ns += st[j].n;
		}
		w.title = labels_find(l, "report:chart_criteria");
		if (rc == 0 && ns > 0)
			rc = svg_strips(o, &w, st, k);
		if (rc == 0)
			rc = end_figure(o, r, ns == 0);
		mem_free(all);
	}
	/* The envelope. */
	n = 0;
	for (i = 0; rc == 0 && i < r->n; i++) {
		const struct app *a = &r->apps[i];

		if (!a->ranked)
			continue;
		steps[n].kind = strcmp(a->decision, "funded") == 0 ? SVG_FUNDED :
			strcmp(a->decision, "reserve") == 0 ? SVG_RESERVE : SVG_OTHER;
		steps[n].cents = steps[n].kind == SVG_FUNDED ? a->award :
			steps[n].kind == SVG_RESERVE ? a->cap : 0;
		n++;
	}
	w.title = labels_find(l, "report:chart_envelope");
	w.x = labels_find(l, "col:rank");
	w.line = labels_find(l, "budget:envelope");
	w.extra = labels_find(l, "report:stop");
	w.extra2 = labels_find(l, "report:reserve_cost");
	if (rc == 0)
		rc = figure(o, r, "report:chart_envelope");
	if (rc == 0 && n > 0 && env != NULL)
		rc = svg_envelope(o, &w, steps, n, cents(env, strlen(env)));
	if (rc == 0)
		rc = end_figure(o, r, n == 0 || env == NULL);
	/* The reasons for inadmissibility. */
	for (i = 0; rc == 0 && i < r->nreasons; i++) {
		sbuf_init(&keys[i]);
		bars[i].label = labels_word(l, "finding", r->reasons[i].code, &keys[i]);
		if (bars[i].label == r->reasons[i].code || keys[i].data == NULL)
			bars[i].label = r->reasons[i].code;
		bars[i].count = r->reasons[i].count;
	}
	if (rc == 0)
		qsort(bars, r->nreasons, sizeof(*bars), reason_cmp);
	w.title = labels_find(l, "report:chart_reasons");
	if (rc == 0)
		rc = figure(o, r, "report:chart_reasons");
	if (rc == 0 && r->nreasons > 0)
		rc = svg_bars(o, &w, bars, r->nreasons);
	if (rc == 0)
		rc = end_figure(o, r, r->nreasons == 0);
	if (rc == 0)
		rc = sbuf_adds(o, "</section>\n");
	for (i = 0; keys != NULL && i < r->nreasons; i++)
		sbuf_fini(&keys[i]);
	mem_free(keys);
	mem_free(v);
	mem_free(st);
	mem_free(steps);
	mem_free(bars);
	return rc;
}

/* The rejected applications with their reasons. */
static int rejected(struct sbuf *o, struct rep *r)
{
	static const struct col head[] = {
		{ "col:application_id", NULL, 9 }, { "col:applicant", NULL, 17 },
		{ "col:title", NULL, 26 }, { "col:decision", NULL, 10 },
		{ "col:findings", NULL, 38 } };
	int rc = sbuf_adds(o, "<section id=\"irrecevables\" class=\"page\"><h2>") < 0 ||
		 word(o, r, "report:rejected") < 0 || sbuf_adds(o, "</h2>\n") < 0 ? -1 : 0;

	if (rc == 0 && r->rejected.len == 0)
		return sbuf_adds(o, "<p>") < 0 || word(o, r, "report:none") < 0 ||
		       sbuf_adds(o, "</p>\n</section>\n") < 0 ? -1 : 0;
	sbuf_reset(&r->buf);
	return rc == 0 && table_head(&r->buf, r, head, sizeof(head) / sizeof(head[0])) == 0 &&
	       long_table(o, NULL, &r->buf, &r->rejected) == 0 &&
	       sbuf_adds(o, "</section>\n") == 0 ? 0 : -1;
}

/* A cell of escaped text. */
static int td(struct sbuf *o, const char *s, const char *cls)
{
	return sbuf_adds(o, cls ? "<td class=\"" : "<td") < 0 ||
	       (cls && (sbuf_adds(o, cls) < 0 || sbuf_addc(o, '"') < 0)) ||
	       sbuf_addc(o, '>') < 0 || html_texts(o, s ? s : "") < 0 ||
	       sbuf_adds(o, "</td>") < 0 ? -1 : 0;
}

/* The provenance: the call, the digests, every stage and file. */
static int provenance(struct sbuf *o, struct rep *r)
{
	static const char *const head[] = { "col:stage", "col:version", "col:role",
					    "col:file", "col:sha256" };
	struct model *m = r->m;
	const char *t = model_trailer(m, PROV_INPUT);
	size_t i, j;
	int rc = sbuf_adds(o, "<section id=\"provenance\" class=\"page\"><h2>") < 0 ||
		 word(o, r, "sheet:provenance") < 0 ||
		 sbuf_adds(o, "</h2>\n<p class=\"sub\">") < 0 ||
		 word(o, r, "report:prov_note") < 0 ||
		 sbuf_adds(o, "</p>\n<table class=\"kv\">\n") < 0 ? -1 : 0;

	sbuf_reset(&r->buf);
	if (rc == 0 && (html_texts(&r->buf, m->call->id) < 0 ||
			kv(o, r, "prov:call", r->buf.data, NULL) < 0))
		rc = -1;
	sbuf_reset(&r->buf);
	if (rc == 0 && (html_texts(&r->buf, m->call->title ? m->call->title : "") < 0 ||
			kv(o, r, "prov:title", r->buf.data, NULL) < 0))
		rc = -1;
	if (rc == 0)
		rc = kv_count(o, r, "prov:records", stream_in_count(m->src.in));
	sbuf_reset(&r->buf);
	if (rc == 0 && (sbuf_adds(&r->buf, m->digest) < 0 ||
			kv(o, r, "prov:input", r->buf.data, "digest") < 0))
		rc = -1;
	if (rc == 0 && t != NULL) {
		sbuf_reset(&r->buf);
		rc = sbuf_adds(o, "<tr><th scope=\"row\">") < 0 ||
		     html_texts(o, prov_key_name(PROV_INPUT)) < 0 ||
		     sbuf_adds(o, "</th>") < 0 || td(o, t, "digest") < 0 ||
		     sbuf_adds(o, "</tr>\n") < 0 ? -1 : 0;
	}
	if (rc == 0)
		rc = sbuf_adds(o, "</table>\n<table>\n<thead><tr>");
	for (i = 0; rc == 0 && i < 5; i++)
		rc = sbuf_adds(o, "<th>") < 0 || word(o, r, head[i]) < 0 ||
		     sbuf_adds(o, "</th>") < 0 ? -1 : 0;
	if (rc == 0)
		rc = sbuf_adds(o, "</tr></thead>\n<tbody>\n");
	for (i = 0; rc == 0 && i < m->nstages; i++) {
		const struct model_stage *s = &m->stages[i];

		for (j = 0; rc == 0 && (j < s->nfiles || j == 0); j++) {
			const struct model_file *f = j < s->nfiles ? &s->files[j] : NULL;

			rc = sbuf_adds(o, "<tr>") < 0 || td(o, s->name, NULL) < 0 ||
			     td(o, s->version, NULL) < 0 ||
			     td(o, f ? f->role : "", NULL) < 0 ||
			     td(o, f ? f->name : "", NULL) < 0 ||
			     td(o, f ? f->sha256 : "", "digest") < 0 ||
			     sbuf_adds(o, "</tr>\n") < 0 ? -1 : 0;
		}
	}
	return rc == 0 ? sbuf_adds(o, "</tbody></table>\n</section>\n") : -1;
}

/* The page's header: the title, the call, its funder. */
static int page_header(struct sbuf *o, struct rep *r)
{
	const char *funder = call_setting(r->m->call, "funder");

	return sbuf_adds(o, "<header><h1>") < 0 || word(o, r, "report:title") < 0 ||
	       sbuf_adds(o, "</h1>\n<p class=\"sub\">") < 0 ||
	       html_texts(o, r->m->call->title ? r->m->call->title : r->m->call->id) < 0 ||
	       sbuf_adds(o, "</p>\n") < 0 ||
	       (funder && *funder && (sbuf_adds(o, "<p class=\"sub\">") < 0 ||
				      html_texts(o, funder) < 0 ||
				      sbuf_adds(o, "</p>\n") < 0)) ||
	       sbuf_adds(o, "</header>\n") < 0 ? -1 : 0;
}

/* The stream's columns the report reads. */
static int columns(struct rep *r)
{
	struct stream_in *in = r->m->src.in;
	struct sbuf name;
	size_t i;

	r->c_rank = stream_in_column(in, columns_name(COLUMN_RANK));
	r->c_total = stream_in_column(in, columns_name(COLUMN_TOTAL));
	r->c_award = stream_in_column(in, columns_name(COLUMN_AWARD));
	r->c_request = r->hc.amount ? stream_in_column(in, r->hc.amount) : -1;
	r->c_cost = r->hc.cost_field ? stream_in_column(in, r->hc.cost_field) : -1;
	r->c_rate = r->hc.rate_field ? stream_in_column(in, r->hc.rate_field) : -1;
	{
		size_t ns;
		const char *const *sens = columns_added(COLUMNS_SENSITIVITY, &ns);

		for (i = 0; i < 6; i++)
			r->c_sens[i] = i < ns ? stream_in_column(in, sens[i]) : -1;
	}
	for (i = 0; i < r->m->ncols; i++)
		if (r->m->cols[i].kind == MODEL_REASON)
			r->reason_col = &r->m->cols[i];
	sbuf_init(&name);
	for (i = 0; i < r->hc.ncrit; i++) {
		sbuf_reset(&name);
		if (columns_score(&name, r->hc.crit[i].id) < 0) {
			sbuf_fini(&name);
			return -1;
		}
		r->hc.crit[i].col = stream_in_column(in, sbuf_str(&name));
		sbuf_reset(&name);
		if (columns_spread(&name, r->hc.crit[i].id) < 0) {
			sbuf_fini(&name);
			return -1;
		}
		r->hc.crit[i].spread_col = stream_in_column(in, sbuf_str(&name));
	}
	sbuf_fini(&name);
	return 0;
}

int report_write(struct model *m, const char *path, struct diag *err)
{
	struct rep r;
	struct sbuf doc, title;
	enum read_result rd;
	size_t i;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	r.m = m;
	sbuf_init(&doc);
	sbuf_init(&title);
	if (html_call_load(&r.hc, m->call, m->lab, err) < 0)
		goto done;
	if (columns(&r) < 0)
		goto oom;
	while ((rd = model_next(m, err)) == READ_RECORD)
		if (take(&r) < 0)
			goto oom;
	if (rd == READ_ERROR)
		goto done;
	/* html_head escapes the title: it is given as text. */
	if (sbuf_adds(&title, labels_find(m->lab, "report:title")) < 0 ||
	    sbuf_adds(&title, " — ") < 0 ||
	    sbuf_adds(&title, m->call->title ? m->call->title : m->call->id) < 0 ||
	    html_head(&doc, labels_lang(m->lab) == LABELS_FR ? "fr" : "en",
		      sbuf_str(&title)) < 0 ||
	    page_header(&doc, &r) < 0 || summary(&doc, &r) < 0 ||
	    fragile(&doc, &r) < 0 || ranking(&doc, &r) < 0 || decided(&doc, &r) < 0 ||
	    charts(&doc, &r) < 0 ||
	    rejected(&doc, &r) < 0 || provenance(&doc, &r) < 0 ||
	    html_tail(&doc) < 0)
		goto oom;
	rc = html_save(&doc, path, err);
	goto done;
oom:
	diag_oom(err);
done:
	for (i = 0; i < r.nreasons; i++)
		mem_free(r.reasons[i].code);
	mem_free(r.reasons);
	mem_free(r.apps);
	mem_free(r.scores);
	sbuf_fini(&r.ranked);
	sbuf_fini(&r.others);
	sbuf_fini(&r.rejected);
	sbuf_fini(&r.fragile);
	sbuf_fini(&r.decided);
	sbuf_fini(&r.buf);
	sbuf_fini(&r.key);
	sbuf_fini(&doc);
	sbuf_fini(&title);
	html_call_fini(&r.hc);
	return rc;
}
