/* summary.c - the evaluation summaries: the template read and checked
 * once, each record's page filled from it, the pages written once the
 * stream is known whole, and printed to PDF when asked. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aap.h"
#include "call.h"
#include "columns.h"
#include "diag.h"
#include "html.h"
#include "io.h"
#include "labels.h"
#include "mem.h"
#include "model.h"
#include "notes.h"
#include "pdf.h"
#include "summary.h"

/* Where the stream's digest goes in a page until it is known: a byte that
 * html_text never lets through and a template may not hold. */
#define DIGEST_MARK '\x01'

/* The built-in template, in the labels' words. */
static const char default_template[] =
	"<header><h1>{{label:summary:title}}</h1>\n"
	"<p class=\"sub\">{{call}}</p>\n<p class=\"sub\">{{funder}}</p></header>\n"
	"<section><h2>{{label:summary:application}}</h2>\n{{application}}</section>\n"
	"{{scores}}"
	"<section><h2>{{label:summary:result}}</h2>\n{{result}}</section>\n"
	"{{reasons}}"
	"<footer><p class=\"sub\">{{label:summary:source}} "
	"<span class=\"digest\">{{digest}}</span></p></footer>\n";

/* The names a template may use, besides label:KEY. */
static const char *const names[] = {
	"call", "funder", "application_id", "applicant", "project",
	"application", "scores", "result", "reasons", "total", "rank",
	"decision", "award", "decided_by", "decision_reason", "digest",
};

/* One piece of a template: text, or a name to fill. */
struct piece {
	const char *s; /* into the template's text */
	size_t n;      /* its length */
	int name;      /* 1: s is a name, 0: text */
};

/* A page kept until the end. */
struct page {
	char *file; /* its file name in the folder; owned */
	char *html; /* the page, DIGEST_MARK where the digest goes; owned */
	size_t len; /* its length */
};

/* The summaries being made. */
struct sum {
	struct model *m;          /* the batch; not owned */
	const struct notes *notes;/* comments, sorted; not owned */
	struct html_call hc;      /* criteria and thresholds */
	struct sbuf text;         /* the template's bytes */
	const char *tpath;        /* its path, for messages */
	struct piece *pieces;     /* the template cut; owned */
	size_t npieces;           /* how many */
	struct page *pages;       /* owned */
	size_t npages, cap;       /* used, allocated */
	long c_rank, c_total, c_award; /* stream columns, or -1 */
	int rejected;             /* the record last read was rejected */
	const char *decision;     /* its decision (or admissible) code */
	struct sbuf buf, key;     /* scratch */
};

/* The label of key, escaped, into out. */
static int word(struct sbuf *out, const struct sum *s, const char *key)
{
	const char *t = labels_find(s->m->lab, key);

	return html_texts(out, t ? t : key);
}

/* Reads the call's summary.html, or takes the built-in template. */
static int read_template(struct sum *s, struct sbuf *path, struct diag *err)
{
	struct stat st;
	char chunk[8192];
	ssize_t got;
	int fd;

	if (sbuf_adds(path, s->m->call->dir) < 0 ||
	    sbuf_adds(path, "/summary.html") < 0)
		return diag_oom(err);
	s->tpath = sbuf_str(path);
	if (stat(s->tpath, &st) < 0 && errno == ENOENT) {
		s->tpath = NULL;
		return sbuf_adds(&s->text, default_template) < 0 ? diag_oom(err) : 0;
	}
	if ((fd = open(s->tpath, O_RDONLY)) < 0)
		return diag_set(err, AAP_ESYS, NULL, 0, "could not open \"%s\": %s",
				s->tpath, strerror(errno));
	while ((got = io_read(fd, chunk, sizeof(chunk))) > 0)
		if (sbuf_add(&s->text, chunk, (size_t)got) < 0) {
			close(fd);
			return diag_oom(err);
		}
	close(fd);
	if (got < 0)
		return diag_set(err, AAP_ESYS, NULL, 0, "could not read \"%s\": %s",
				s->tpath, strerror(errno));
	return sbuf_adds(&s->text, "") < 0 ? diag_oom(err) : 0;
}

/* The line of byte at in the template. */
static unsigned long line_of(const struct sum *s, const char *at)
{
	unsigned long line = 1;
	const char *p;

	for (p = s->text.data; p < at; p++)
		line += *p == '\n';
	return line;
}

/* 1 when the n bytes at name are a name a template may use. */
static int known(const struct sum *s, const char *name, size_t n)
{
	struct sbuf k;
	size_t i;
	int ok;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && memcmp(names[i], name, n) == 0)
			return 1;
	if (n <= 6 || memcmp(name, "label:", 6) != 0)
		return 0;
	sbuf_init(&k);
	ok = sbuf_add(&k, name + 6, n - 6) == 0 &&
	     labels_find(s->m->lab, sbuf_str(&k)) != NULL;
	sbuf_fini(&k);
	return ok;
}

/* Cuts the template into pieces, checking each name. */
static int cut(struct sum *s, struct diag *err)
{
	const char *p = s->text.data, *end = p + s->text.len, *o, *c;
	const char *file = s->tpath ? s->tpath : "(built-in template)";

	if (memchr(p, DIGEST_MARK, s->text.len) != NULL)
		return diag_set(err, AAP_EUSAGE, file,
				line_of(s, memchr(p, DIGEST_MARK, s->text.len)),
				"the template holds a control character U+0001");
	s->pieces = mem_calloc(s->text.len + 1, sizeof(*s->pieces));
	if (s->pieces == NULL)
		return diag_oom(err);
	while (p < end) {
		o = strstr(p, "{{");
		if (o == NULL)
			o = end;
		if (o > p) {
			s->pieces[s->npieces++] = (struct piece){ p, (size_t)(o - p), 0 };
		}
		if (o == end)
			break;
		c = strstr(o + 2, "}}");
		if (c == NULL)
			return diag_set(err, AAP_EUSAGE, file, line_of(s, o),
					"\"{{\" without \"}}\"");
		if (!known(s, o + 2, (size_t)(c - o - 2))) {
			diag_set(err, AAP_EUSAGE, file, line_of(s, o),
				 "unknown name \"%.*s\"", (int)(c - o - 2), o + 2);
			diag_hint(err, "the names are listed in docs/aap-export.md");
			return -1;
		}
		s->pieces[s->npieces++] = (struct piece){ o + 2, (size_t)(c - o - 2), 1 };
		p = c + 2;
	}
	return 0;
}

/* An escaped field of the record last read. */
static int field(struct sbuf *o, struct sum *s, long idx)
{
	size_t n;
	const char *v = model_field(s->m, idx, &n);

	return html_text(o, v, n);
}

/* A French number from the field idx, or its text. */
static int number(struct sbuf *o, struct sum *s, long idx)
{
	size_t n;
	const char *v = model_field(s->m, idx, &n);
	long long u;
	unsigned sc;

	if (model_decimal(v, n, &u, &sc) == 0)
		return html_number(o, u, sc);
	return html_text(o, v, n);
}

/* The award, in money. */
static int award(struct sbuf *o, struct sum *s)
{
	size_t n;
	const char *v = model_field(s->m, s->c_award, &n);
	long long u;

	if (n == 0 || html_fix(v, n, &u) < 0)
		return html_text(o, v, n);
	return html_money(o, u / 100, s->hc.currency);
}

/* A row of a two-column table. */
static int kv_open(struct sbuf *o, const struct sum *s, const char *key)
{
	return sbuf_adds(o, "<tr><th scope=\"row\">") < 0 || word(o, s, key) < 0 ||
	       sbuf_adds(o, "</th><td>") < 0 ? -1 : 0;
}

/* The first row of side k for id and criterion crit in the sorted notes,
 * or n->n. */
static size_t first_note(const struct notes *n, enum columns_side k,
			 const char *id, const char *crit)
{
	size_t lo = 0, hi = n->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct notes_row *r = &n->rows[mid];
		int c = r->side != k ? (r->side < k ? -1 : 1) : strcmp(r->id, id);

		if (c == 0)
			c = strcmp(r->criterion, crit);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The comments on criterion c of the application id: each reviewer's that
 * is not empty, then the consensus' score and justification. */
static int comments(struct sbuf *o, struct sum *s, const char *id,
		    const char *crit)
{
	const struct notes *n = s->notes;
	size_t i;
	int any = 0, rc = 0;

	for (i = first_note(n, COLUMNS_REVIEWS, id, crit);
	     rc == 0 && i < n->n && n->rows[i].side == COLUMNS_REVIEWS &&
	     strcmp(n->rows[i].id, id) == 0 &&
	     strcmp(n->rows[i].criterion, crit) == 0; i++) {
		if (*n->rows[i].text == '\0')
			continue;
		rc = sbuf_adds(o, any ? "<li class=\"text\">" :
			       "<ul class=\"reasons\"><li class=\"text\">") < 0 ||
		     html_texts(o, n->rows[i].text) < 0 ||
		     sbuf_adds(o, "</li>") < 0 ? -1 : 0;
		any = 1;
	}
	for (i = first_note(n, COLUMNS_CONSENSUS, id, crit);
	     rc == 0 && i < n->n && n->rows[i].side == COLUMNS_CONSENSUS &&
	     strcmp(n->rows[i].id, id) == 0 &&
	     strcmp(n->rows[i].criterion, crit) == 0; i++) {
		long long u;
		unsigned sc;

		rc = sbuf_adds(o, any ? "<li class=\"text\"><strong>" :
			       "<ul class=\"reasons\"><li class=\"text\"><strong>") < 0 ||
		     word(o, s, "col:consensus") < 0 || sbuf_adds(o, " : ") < 0 ? -1 : 0;
		if (rc == 0)
			rc = model_decimal(n->rows[i].value, strlen(n->rows[i].value),
					   &u, &sc) == 0 ? html_number(o, u, sc) :
				html_texts(o, n->rows[i].value);
		if (rc == 0)
			rc = sbuf_adds(o, "</strong>. ") < 0 ||
			     word(o, s, "col:justification") < 0 ||
			     sbuf_adds(o, " : ") < 0 ||
			     html_texts(o, n->rows[i].text) < 0 ||
			     sbuf_adds(o, "</li>") < 0 ? -1 : 0;
		any = 1;
	}
	if (rc == 0 && any)
		rc = sbuf_adds(o, "</ul>");
	return rc;
}

/* {{scores}}: each criterion's score, threshold and comments. */
static int scores(struct sbuf *o, struct sum *s)
{
	size_t i, n, len;
	const char *id = model_field(s->m, s->m->c_id, &len);
	struct sbuf idz;
	int rc = 0, any = 0;

	if (s->rejected)
		return 0;
	for (i = 0; i < s->hc.ncrit; i++)
		any |= s->hc.crit[i].col >= 0;
	if (!any)
		return 0;
	sbuf_init(&idz);
	if (sbuf_add(&idz, id, len) < 0 || sbuf_adds(&idz, "") < 0 ||
	    sbuf_adds(o, "<section><h2>") < 0 || word(o, s, "summary:scores") < 0 ||
	    sbuf_adds(o, "</h2>\n<table>\n<thead><tr><th>") < 0 ||
	    word(o, s, "col:criterion") < 0 || sbuf_adds(o, "</th><th>") < 0 ||
	    word(o, s, "col:mark") < 0 || sbuf_adds(o, "</th><th>") < 0 ||
	    word(o, s, "report:threshold") < 0 || sbuf_adds(o, "</th><th>") < 0 ||
	    word(o, s, "summary:comments") < 0 ||
	    sbuf_adds(o, "</th></tr></thead>\n<tbody>\n") < 0)
		rc = -1;
	for (i = 0; rc == 0 && i < s->hc.ncrit; i++) {
		const struct html_crit *c = &s->hc.crit[i];
		const char *v;
		long long x;

		if (c->col < 0)
			continue;
		v = model_field(s->m, c->col, &n);
		rc = sbuf_adds(o, "<tr><td>") < 0 || html_texts(o, c->label) < 0 ||
		     sbuf_adds(o, "</td><td class=\"n\">") < 0 ||
		     number(o, s, c->col) < 0 ? -1 : 0;
		if (rc == 0 && c->has_thr && n > 0 && html_fix(v, n, &x) == 0 &&
		    x < c->thr)
			rc = sbuf_adds(o, " <span class=\"flag\">(") < 0 ||
			     word(o, s, "summary:below") < 0 ||
			     sbuf_adds(o, ")</span>") < 0 ? -1 : 0;
		if (rc == 0)
			rc = sbuf_adds(o, "</td><td class=\"n\">");
		if (rc == 0 && c->has_thr)
			rc = html_short(o, c->thr);
		if (rc == 0)
			rc = sbuf_adds(o, "</td><td>") < 0 ||
			     comments(o, s, sbuf_str(&idz), c->id) < 0 ||
			     sbuf_adds(o, "</td></tr>\n") < 0 ? -1 : 0;
	}
	sbuf_fini(&idz);
	return rc == 0 ? sbuf_adds(o, "</tbody></table>\n</section>\n") : -1;
}

/* {{application}}: the id, the applicant, the project. */
static int application(struct sbuf *o, struct sum *s)
{
	return sbuf_adds(o, "<table class=\"kv\">\n") < 0 ||
	       kv_open(o, s, "col:application_id") < 0 || field(o, s, s->m->c_id) < 0 ||
	       sbuf_adds(o, "</td></tr>\n") < 0 ||
	       kv_open(o, s, "col:applicant") < 0 || field(o, s, s->m->c_applicant) < 0 ||
	       sbuf_adds(o, "</td></tr>\n") < 0 ||
	       kv_open(o, s, "col:title") < 0 || field(o, s, s->m->c_title) < 0 ||
	       sbuf_adds(o, "</td></tr>\n</table>\n") < 0 ? -1 : 0;
}

/* The decision (or admissibility) in words. */
static int decision(struct sbuf *o, struct sum *s)
{
	return html_texts(o, labels_word(s->m->lab, s->m->c_decision >= 0 ?
					 "decision" : "admissible",
					 s->decision, &s->key));
}

/* What decided it, in words, when the stream was scored with aap-score
 * --decisions; nothing otherwise. */
static int decided_by(struct sbuf *o, struct sum *s)
{
	size_t n;
	const char *v = model_field(s->m, s->m->c_decided_by, &n);

	if (s->m->c_decided_by < 0)
		return 0;
	sbuf_reset(&s->buf);
	return model_decided_words(s->m, v, n, &s->buf) < 0 ||
	       html_text(o, s->buf.data, s->buf.len) < 0 ? -1 : 0;
}

/* The committee's justification, escaped; nothing when none. */
static int decision_reason(struct sbuf *o, struct sum *s)
{
	size_t n;
	const char *v = model_field(s->m, s->m->c_decision_reason, &n);

	return html_text(o, v, n);
}

/* {{result}}: total, rank, decision, award, and with aap-score
 * --decisions what decided it and the committee's justification. */
static int result(struct sbuf *o, struct sum *s)
{
	size_t n;
	int rc = sbuf_adds(o, "<table class=\"kv\">\n");

	if (rc == 0 && s->c_total >= 0 && (model_field(s->m, s->c_total, &n), n > 0))
		rc = kv_open(o, s, "col:total") < 0 || number(o, s, s->c_total) < 0 ||
		     sbuf_adds(o, "</td></tr>\n") < 0 ? -1 : 0;
	if (rc == 0 && s->c_rank >= 0 && (model_field(s->m, s->c_rank, &n), n > 0))
		rc = kv_open(o, s, "col:rank") < 0 || number(o, s, s->c_rank) < 0 ||
		     sbuf_adds(o, "</td></tr>\n") < 0 ? -1 : 0;
	if (rc == 0)
		rc = kv_open(o, s, s->m->c_decision >= 0 ? "col:decision" :
			     "col:admissible") < 0 || decision(o, s) < 0 ||
		     sbuf_adds(o, "</td></tr>\n") < 0 ? -1 : 0;
	if (rc == 0 && s->c_award >= 0)
		rc = kv_open(o, s, "col:award") < 0 || award(o, s) < 0 ||
		     sbuf_adds(o, "</td></tr>\n") < 0 ? -1 : 0;
	if (rc == 0 && s->m->c_decided_by >= 0)
		rc = kv_open(o, s, "col:decided_by") < 0 || decided_by(o, s) < 0 ||
		     sbuf_adds(o, "</td></tr>\n") < 0 ? -1 : 0;
	if (rc == 0 && (model_field(s->m, s->m->c_decision_reason, &n), n > 0))
		rc = kv_open(o, s, "col:decision_reason") < 0 ||
		     sbuf_adds(o, "<span class=\"text\">") < 0 ||
		     decision_reason(o, s) < 0 ||
		     sbuf_adds(o, "</span></td></tr>\n") < 0 ? -1 : 0;
	return rc == 0 ? sbuf_adds(o, "</table>\n") : -1;
}

/* {{reasons}}: for a rejected application, each finding in words. */
static int reasons(struct sbuf *o, struct sum *s)
{
	size_t n;
	const char *p = model_field(s->m, s->m->c_findings, &n);
	const char *e;
	int rc;

	if (!s->rejected)
		return 0;
	sbuf_reset(&s->buf);
	if (model_findings_words(s->m, p, n, "\n", &s->buf) < 0)
		return -1;
	rc = sbuf_adds(o, "<section><h2>") < 0 || word(o, s, "summary:reasons") < 0 ||
	     sbuf_adds(o, "</h2>\n<ul class=\"reasons\">\n") < 0 ? -1 : 0;
	for (p = s->buf.data; rc == 0 && p != NULL && *p; p = e ? e + 1 : NULL) {
		e = strchr(p, '\n');
		rc = sbuf_adds(o, "<li>") < 0 ||
		     html_text(o, p, e ? (size_t)(e - p) : strlen(p)) < 0 ||
		     sbuf_adds(o, "</li>\n") < 0 ? -1 : 0;
	}
	return rc == 0 ? sbuf_adds(o, "</ul>\n</section>\n") : -1;
}

/* Fills the piece named name (n bytes) into o. */
static int fill(struct sbuf *o, struct sum *s, const char *name, size_t n)
{
#define IS(x) (n == sizeof(x) - 1 && memcmp(name, x, n) == 0)
	const char *funder = call_setting(s->m->call, "funder");

	if (n > 6 && memcmp(name, "label:", 6) == 0) {
		int rc;

		sbuf_reset(&s->key);
		rc = sbuf_add(&s->key, name + 6, n - 6) < 0 ||
		     html_texts(o, labels_find(s->m->lab, sbuf_str(&s->key))) < 0;
		return rc ? -1 : 0;
	}
	if (IS("call"))
		return html_texts(o, s->m->call->title ? s->m->call->title :
				  s->m->call->id);
	if (IS("funder"))
		return html_texts(o, funder ? funder : "");
	if (IS("application_id"))
		return field(o, s, s->m->c_id);
	if (IS("applicant"))
		return field(o, s, s->m->c_applicant);
	if (IS("project"))
		return field(o, s, s->m->c_title);
	if (IS("application"))
		return application(o, s);
	if (IS("scores"))
		return scores(o, s);
	if (IS("result"))
		return result(o, s);
	if (IS("reasons"))
		return reasons(o, s);
	if (IS("total"))
		return number(o, s, s->c_total);
	if (IS("rank"))
		return number(o, s, s->c_rank);
	if (IS("decision"))
		return decision(o, s);
	if (IS("award"))
		return award(o, s);
	if (IS("decided_by"))
		return decided_by(o, s);
	if (IS("decision_reason"))
		return decision_reason(o, s);
	if (IS("digest"))
		return sbuf_addc(o, DIGEST_MARK);
	return 0;
#undef IS
}

/* The safe file name of the application id (n bytes), ".html" added. */
static int file_name(struct sbuf *o, const char *id, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)id[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9') || c == '_' || c == '-';

		if (ok ? sbuf_addc(o, (char)c) < 0 :
		    (sbuf_addc(o, '%') < 0 || sbuf_addc(o, hex[c >> 4]) < 0 ||
		     sbuf_addc(o, hex[c & 15]) < 0))
			return -1;
	}
	return sbuf_adds(o, n == 0 ? "%.html" : ".html");
}

/* The page of the record last read, kept in s->pages. */
static int take(struct sum *s)
{
	struct sbuf page, title, name;
	struct page *pg;
	size_t i, n;
	const char *id = model_field(s->m, s->m->c_id, &n);
	const char *d = "";
	int rc;

	if (s->m->c_decision >= 0)
		d = model_field(s->m, s->m->c_decision, &i);
	else if (s->m->c_admissible >= 0)
		d = model_field(s->m, s->m->c_admissible, &i);
	s->decision = d;
	s->rejected = s->m->c_decision >= 0 ?
		strcmp(d, "inadmissible") == 0 || strcmp(d, "incomplete") == 0 :
		strcmp(d, "no") == 0;
	if (s->npages == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 64;
		struct page *np = mem_realloc(s->pages, nc * sizeof(*np));

		if (np == NULL)
			return -1;
		s->pages = np;
		s->cap = nc;
	}
	sbuf_init(&page);
	sbuf_init(&title);
	sbuf_init(&name);
	rc = sbuf_adds(&title, labels_find(s->m->lab, "summary:title")) < 0 ||
	     sbuf_adds(&title, " — ") < 0 || sbuf_add(&title, id, n) < 0 ||
	     html_head(&page, labels_lang(s->m->lab) == LABELS_FR ? "fr" : "en",
		       sbuf_str(&title)) < 0 ||
	     file_name(&name, id, n) < 0 ? -1 : 0;
	for (i = 0; rc == 0 && i < s->npieces; i++) {
		const struct piece *p = &s->pieces[i];

		rc = p->name ? fill(&page, s, p->s, p->n) : sbuf_add(&page, p->s, p->n);
	}
	if (rc == 0)
		rc = html_tail(&page);
	if (rc == 0) {
		pg = &s->pages[s->npages++];
		pg->file = name.data ? name.data : mem_strdup("");
		pg->html = page.data;
		pg->len = page.len;
		sbuf_init(&name);
		sbuf_init(&page);
	}
	sbuf_fini(&page);
	sbuf_fini(&title);
	sbuf_fini(&name);
	return rc;
}

/* Writes the pages into dir with the digest in them, and their PDFs. */
static int write_pages(struct sum *s, const char *dir, int pdf,
		       struct diag *err)
{
	struct sbuf doc, path, out;
	size_t i, j;
	int rc = 0;

	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		return diag_set(err, AAP_ESYS, NULL, 0, "could not create \"%s\": %s",
				dir, strerror(errno));
	sbuf_init(&doc);
	sbuf_init(&path);
	sbuf_init(&out);
	for (i = 0; rc == 0 && i < s->npages; i++) {
		const struct page *p = &s->pages[i];

		sbuf_reset(&doc);
		sbuf_reset(&path);
		sbuf_reset(&out);
		for (j = 0; rc == 0 && j < p->len; j++)
			rc = p->html[j] == DIGEST_MARK ? sbuf_adds(&doc, s->m->digest) :
				sbuf_addc(&doc, p->html[j]);
		if (rc < 0 || sbuf_adds(&path, dir) < 0 || sbuf_addc(&path, '/') < 0 ||
		    sbuf_adds(&path, p->file) < 0 || pdf_name(&out, sbuf_str(&path)) < 0) {
			rc = diag_oom(err);
			break;
		}
		rc = html_save(&doc, sbuf_str(&path), err);
		if (rc == 0 && pdf)
			rc = pdf_print(sbuf_str(&path), sbuf_str(&out), err);
	}
	sbuf_fini(&doc);
	sbuf_fini(&path);
	sbuf_fini(&out);
	return rc;
}

int summary_write(struct model *m, const struct notes *notes, const char *dir,
		  int pdf, struct diag *err)
{
	struct sum s;
	struct sbuf tpath, name;
	enum read_result rd;
	size_t i;
	int rc = -1;

	memset(&s, 0, sizeof(s));
	s.m = m;
	s.notes = notes;
	sbuf_init(&tpath);
	sbuf_init(&name);
	if (html_call_load(&s.hc, m->call, m->lab, err) < 0 ||
	    read_template(&s, &tpath, err) < 0 || cut(&s, err) < 0)
		goto done;
	s.c_rank = stream_in_column(m->src.in, columns_name(COLUMN_RANK));
	s.c_total = stream_in_column(m->src.in, columns_name(COLUMN_TOTAL));
	s.c_award = stream_in_column(m->src.in, columns_name(COLUMN_AWARD));
	for (i = 0; i < s.hc.ncrit; i++) {
		sbuf_reset(&name);
		if (columns_score(&name, s.hc.crit[i].id) < 0) {
			diag_oom(err);
			goto done;
		}
		s.hc.crit[i].col = stream_in_column(m->src.in, sbuf_str(&name));
	}
	while ((rd = model_next(m, err)) == READ_RECORD)
		if (take(&s) < 0) {
			diag_oom(err);
			goto done;
		}
	if (rd == READ_ERROR)
		goto done;
	rc = write_pages(&s, dir, pdf, err);
done:
	for (i = 0; i < s.npages; i++) {
		mem_free(s.pages[i].file);
		mem_free(s.pages[i].html);
	}
	mem_free(s.pages);
	mem_free(s.pieces);
	sbuf_fini(&s.text);
	sbuf_fini(&s.buf);
	sbuf_fini(&s.key);
	sbuf_fini(&tpath);
	sbuf_fini(&name);
	html_call_fini(&s.hc);
	return rc;
}
