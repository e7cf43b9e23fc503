/* html.c - the pieces every HTML page of aap-export is made of: escaping,
 * French numbers, the head with its policy and style sheet, the call's
 * criteria, and the page written whole. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
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
#include "norm.h"
#include "table.h"

/* U+202F NARROW NO-BREAK SPACE, between groups of thousands. */
#define THIN "\xE2\x80\xAF"
/* U+00A0 NO-BREAK SPACE, before a currency. */
#define NBSP "\xC2\xA0"

/* Appends "<U+XXXX>", escaped, for code point cp. */
static int visible_code(struct sbuf *out, unsigned cp)
{
	static const char hex[] = "0123456789ABCDEF";
	char b[16] = "&lt;U+";
	size_t n = 6;
	int shift;

	for (shift = cp > 0xFFFF ? 20 : 12; shift >= 0; shift -= 4)
		b[n++] = hex[(cp >> shift) & 0xF];
	if (sbuf_add(out, b, n) < 0)
		return -1;
	return sbuf_adds(out, "&gt;");
}

int html_text(struct sbuf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	/* Bytes that need nothing are copied in runs. */
	while (i < n) {
		unsigned c = p[i];
		const char *rep = NULL;
		size_t len = 1;
		unsigned cp = 0;

		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
				cp = c;
			} else if (c == 0xC2 && i + 1 < n && p[i + 1] >= 0x80 &&
				   p[i + 1] <= 0x9F) {
				cp = p[i + 1], len = 2;
			} else if (c == 0xE2 && i + 2 < n &&
				   ((p[i + 1] == 0x80 && p[i + 2] >= 0xAA &&
				     p[i + 2] <= 0xAE) ||
				    (p[i + 1] == 0x81 && p[i + 2] >= 0xA6 &&
				     p[i + 2] <= 0xA9) ||
				    (p[i + 1] == 0x80 && (p[i + 2] == 0xA8 ||
							  p[i + 2] == 0xA9)))) {
				/* U+202A-202E, U+2066-2069, U+2028-2029 */
				cp = 0x2000u | ((p[i + 1] & 0x3Fu) << 6) |
				     (p[i + 2] & 0x3Fu);
				len = 3;
			}
		}
		if (rep == NULL && len == 1 && cp == 0 && c != 0) {
			i++, run++;
			continue;
		}
		if (sbuf_add(out, s + i - run, run) < 0)
			return -1;
		run = 0;
		if (rep != NULL) {
			if (sbuf_adds(out, rep) < 0)
				return -1;
		} else if (cp < 0x20) {
			/* The control pictures, U+2400 + c: ESC is ␛. */
			char pic[3] = { '\xE2', '\x90', (char)(0x80 + cp) };

			if (sbuf_add(out, pic, 3) < 0)
				return -1;
		} else if (cp == 0x7F) {
			if (sbuf_adds(out, "\xE2\x90\xA1") < 0)
				return -1;
		} else if (visible_code(out, cp) < 0) {
			return -1;
		}
		i += len;
	}
	return sbuf_add(out, s + n - run, run);
}

int html_texts(struct sbuf *out, const char *s)
{
	return html_text(out, s, strlen(s));
}

int html_number(struct sbuf *out, long long units, unsigned scale)
{
	struct sbuf plain;
	size_t i, ints, start;
	int rc = 0;

	sbuf_init(&plain);
	if (model_french_number(&plain, units, scale) < 0) {
		sbuf_fini(&plain);
		return -1;
	}
	start = plain.data[0] == '-';
	for (ints = start; ints < plain.len && plain.data[ints] != ','; ints++)
		;
	for (i = 0; i < plain.len && rc == 0; i++) {
		if (i > start && i < ints && (ints - i) % 3 == 0)
			rc = sbuf_adds(out, THIN);
		if (rc == 0)
			rc = sbuf_addc(out, plain.data[i]);
	}
	sbuf_fini(&plain);
	return rc;
}

int html_short(struct sbuf *out, long long v)
{
	unsigned sc = HTML_SCALE;

	while (sc > 0 && v % 10 == 0)
		v /= 10, sc--;
	return html_number(out, v, sc);
}

int html_money(struct sbuf *out, long long cents, const char *currency)
{
	if (html_number(out, cents, 2) < 0 || sbuf_adds(out, NBSP) < 0)
		return -1;
	if (currency == NULL || *currency == '\0' || strcmp(currency, "EUR") == 0)
		return sbuf_adds(out, "\xE2\x82\xAC");
	return html_texts(out, currency);
}

int html_fix(const char *s, size_t n, long long *v)
{
	long long u;
	unsigned sc;

	if (model_decimal(s, n, &u, &sc) < 0)
		return -1;
	for (; sc > HTML_SCALE; sc--)
		u /= 10;
	for (; sc < HTML_SCALE; sc++) {
		if (u > 922337203685477LL || u < -922337203685477LL)
			return -1;
		u *= 10;
	}
	*v = u;
	return 0;
}

/* The style sheet of every page: on screen, then in print, where the
 * report reads as the meeting's minutes. */
static const char style[] =
	":root{--ink:#1b1b1b;--muted:#5a5a5a;--line:#c8c8c8;--band:#f3f3f0;"
	"--accent:#1f4e79;--warn:#9a3b00;--ok:#2e6b30}\n"
	"body{font-family:\"DejaVu Sans\",\"Liberation Sans\",Arial,sans-serif;"
	"color:var(--ink);margin:2rem auto;max-width:90rem;padding:0 1rem;"
	"line-height:1.4;font-size:15px}\n"
	"h1{font-size:1.6rem;margin:0 0 .3rem}h2{font-size:1.25rem;"
	"border-bottom:2px solid var(--accent);padding-bottom:.2rem;margin-top:2rem}\n"
	"h3{font-size:1.05rem;margin:1.2rem 0 .4rem}\n"
	".sub{color:var(--muted);margin:.1rem 0}\n"
	/* Separate borders, one a side: collapsed ones cost Chromium
	 * twice the time on a table of thousands of rows. */
	"table{border-collapse:separate;border-spacing:0;margin:.5rem 0 1rem;"
	"font-size:.9rem;border-top:1px solid var(--line);"
	"border-left:1px solid var(--line)}\n"
	"th,td{border-right:1px solid var(--line);"
	"border-bottom:1px solid var(--line);padding:.25rem .45rem;"
	"vertical-align:top;text-align:left}\n"
	"th{background:var(--band)}\n"
	"td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}\n"
	"tr.wide td{background:#fff4e5}\n"
	"td.wide{font-weight:bold;color:var(--warn)}\n"
	".flag{color:var(--warn);font-weight:bold}\n"
	".ctl{color:var(--warn)}\n"
	".text{white-space:pre-line}\n"
	".digest{font-family:\"DejaVu Sans Mono\",\"Liberation Mono\",monospace;"
	"font-size:.8rem;word-break:break-all}\n"
	"figure{margin:1rem 0 1.5rem;break-inside:avoid}\n"
	"figcaption{color:var(--muted);font-size:.85rem}\n"
	"svg{max-width:100%;height:auto;font-family:\"DejaVu Sans\","
	"\"Liberation Sans\",Arial,sans-serif}\n"
	"svg text{fill:var(--ink)}\n"
	"ul.reasons{margin:.2rem 0;padding-left:1.2rem}\n"
	/* A long table comes in parts of a few hundred rows.  On screen a
	 * part is laid out only when it nears the view (the height it is
	 * given until then is a guess), its columns have set widths so the
	 * parts line up, and its head is shown once; in print each part
	 * fits its columns to its text, which takes fewer pages. */
	".parts{margin:.5rem 0 1rem}\n"
	".part table{width:100%;margin:0}\n"
	".part+.part table{border-top:0}\n"
	"@media screen{.part{content-visibility:auto;"
	"contain-intrinsic-size:auto 8000px}\n"
	".part table{table-layout:fixed}.part+.part thead{display:none}\n"
	".part th,.part td{overflow-wrap:break-word;hyphens:auto;padding:.25rem .3rem}}\n"
	"@media print{@page{size:A4 landscape;margin:12mm}\n"
	"body{margin:0;max-width:none;font-size:10pt}\n"
	"section.page{break-before:page}\n"
	"table{font-size:8.5pt}thead{display:table-header-group}\n"
	"tr{break-inside:avoid}h2,h3{break-after:avoid}}\n";

int html_head(struct sbuf *out, const char *lang, const char *title)
{
	if (sbuf_adds(out, "<!DOCTYPE html>\n<html lang=\"") < 0 ||
	    html_texts(out, lang) < 0 ||
	    sbuf_adds(out, "\">\n<head>\n<meta charset=\"utf-8\">\n"
		      "<meta http-equiv=\"Content-Security-Policy\" "
		      "content=\"default-src 'none'; style-src 'unsafe-inline'; "
		      "img-src data:\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, "
		      "initial-scale=1\">\n<title>") < 0 ||
	    html_texts(out, title) < 0 ||
	    sbuf_adds(out, "</title>\n<style>\n") < 0 ||
	    sbuf_adds(out, style) < 0 ||
	    sbuf_adds(out, "</style>\n</head>\n<body>\n") < 0)
		return -1;
	return 0;
}

int html_tail(struct sbuf *out)
{
	return sbuf_adds(out, "</body>\n</html>\n");
}

int html_save(const struct sbuf *doc, const char *path, struct diag *err)
{
	struct sbuf part;
	int fd, rc = 0;

	if (path == NULL || strcmp(path, "-") == 0) {
		if (io_write_all(STDOUT_FILENO, doc->data, doc->len) < 0)
			return diag_set(err, AAP_ESYS, NULL, 0,
					"could not write to standard output: %s",
					strerror(errno));
		return 0;
	}
	sbuf_init(&part);
	if (sbuf_adds(&part, path) < 0 || sbuf_adds(&part, ".part") < 0) {
		sbuf_fini(&part);
		return diag_oom(err);
	}
	fd = open(sbuf_str(&part), O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (fd < 0) {
		diag_set(err, AAP_ESYS, NULL, 0, "could not create \"%s\": %s",
			 sbuf_str(&part), strerror(errno));
		sbuf_fini(&part);
		return -1;
	}
	if (io_write_all(fd, doc->data, doc->len) < 0)
		rc = diag_set(err, AAP_ESYS, NULL, 0, "could not write \"%s\": %s",
			      path, strerror(errno));
	if (close(fd) < 0 && rc == 0)
		rc = diag_set(err, AAP_ESYS, NULL, 0, "could not write \"%s\": %s",
			      path, strerror(errno));
	if (rc == 0 && rename(sbuf_str(&part), path) < 0)
		rc = diag_set(err, AAP_ESYS, NULL, 0,
			      "could not rename \"%s\" to \"%s\": %s",
			      sbuf_str(&part), path, strerror(errno));
	if (rc < 0)
		unlink(sbuf_str(&part));
	sbuf_fini(&part);
	return rc;
}

/* The number in cell name of row r of t into *v; 0, or -1 when absent. */
static int cell_fix(const struct table *t, size_t r, const char *name,
		    long long *v)
{
	long c = table_col(t, name);
	const char *s;

	if (c < 0)
		return -1;
	s = t->rows[r].cells[c];
	return *s ? html_fix(s, strlen(s), v) : -1;
}

/* The value of setting key in a setting,value table, or NULL. */
static const char *setting_of(const struct table *t, const char *key)
{
	long k = table_col(t, "setting"), v = table_col(t, "value");
	size_t i;

	for (i = 0; k >= 0 && v >= 0 && i < t->nrows; i++)
		if (strcmp(t->rows[i].cells[k], key) == 0)
			return t->rows[i].cells[v];
	return NULL;
}

/* criteria.csv into c->crit. */
static int load_criteria(struct html_call *c, struct call *call,
			 const struct labels *lab, struct diag *err)
{
	struct table *t = NULL;
	struct sbuf key;
	long cc;
	size_t i;
	int rc = 0;

	if (!call_has_table(call, "criteria.csv"))
		return 0;
	if (call_table(call, "criteria.csv", &t, err) < 0)
		return -1;
	cc = table_col(t, "criterion");
	c->crit = mem_calloc(t->nrows ? t->nrows : 1, sizeof(*c->crit));
	if (c->crit == NULL) {
		table_free(t);
		return diag_oom(err);
	}
	sbuf_init(&key);
	for (i = 0; cc >= 0 && i < t->nrows && rc == 0; i++) {
		struct html_crit *k = &c->crit[c->ncrit];
		const char *id = t->rows[i].cells[cc];

		if ((k->id = mem_strdup(id)) == NULL) {
			rc = diag_oom(err);
			break;
		}
		c->ncrit++;
		sbuf_reset(&key);
		if (sbuf_adds(&key, "criterion:") < 0 || sbuf_adds(&key, id) < 0) {
			rc = diag_oom(err);
			break;
		}
		k->label = labels_find(lab, sbuf_str(&key));
		if (k->label == NULL)
			k->label = k->id;
		if (cell_fix(t, i, "min", &k->min) < 0)
			k->min = 0;
		if (cell_fix(t, i, "max", &k->max) < 0 || k->max <= k->min)
			k->max = k->min + 10000;
		k->has_thr = cell_fix(t, i, "threshold", &k->thr) == 0;
		k->col = k->spread_col = -1;
	}
	sbuf_fini(&key);
	table_free(t);
	return rc;
}

/* The caps on an award from scoring.csv (its settings t) and rates.csv,
 * as cap_award takes them. */
static int load_caps(struct html_call *c, struct call *call,
		     const struct table *t, struct diag *err)
{
	struct table *r = NULL;
	const char *v;
	int64_t x;
	long vc, rc;
	size_t i;

	c->max_rate = CAP_RATE_ONE;
	if ((v = setting_of(t, "max_award")) != NULL &&
	    norm_parse_fixed(v, strlen(v), NORM_MONEY_DECIMALS, &x) == NORM_OK) {
		c->has_max_award = 1;
		c->max_award = x;
	}
	if ((v = setting_of(t, "max_rate")) != NULL &&
	    norm_parse_fixed(v, strlen(v), NORM_RATE_MAX_DECIMALS, &x) == NORM_OK)
		c->max_rate = x;
	v = setting_of(t, "cost_field");
	if ((c->cost_field = mem_strdup(v && *v ? v : "eligible_cost")) == NULL)
		return diag_oom(err);
	if ((v = setting_of(t, "rate_field")) != NULL && *v &&
	    (c->rate_field = mem_strdup(v)) == NULL)
		return diag_oom(err);
	if (c->rate_field == NULL || !call_has_table(call, "rates.csv"))
		return 0;
	if (call_table(call, "rates.csv", &r, err) < 0)
		return -1;
	vc = table_col(r, "value");
	rc = table_col(r, "max_rate");
	c->rates = mem_calloc(r->nrows + 1, sizeof(*c->rates));
	if (c->rates == NULL) {
		table_free(r);
		return diag_oom(err);
	}
	for (i = 0; vc >= 0 && rc >= 0 && i < r->nrows; i++) {
		const char *s = r->rows[i].cells[rc];

		if (norm_parse_fixed(s, strlen(s), NORM_RATE_MAX_DECIMALS, &x) != NORM_OK)
			continue;
		if ((c->rates[c->nrates].value = mem_strdup(r->rows[i].cells[vc])) == NULL) {
			table_free(r);
			return diag_oom(err);
		}
		c->rates[c->nrates++].rate = x;
	}
	table_free(r);
	return 0;
}

int html_call_load(struct html_call *c, struct call *call,
		   const struct labels *lab, struct diag *err)
{
	struct table *t = NULL;
	const char *v;

	memset(c, 0, sizeof(*c));
	c->thr_weighted = 1;
	c->max_rate = CAP_RATE_ONE;
	c->currency = call_setting(call, "currency");
	if (c->currency == NULL || *c->currency == '\0')
		c->currency = "EUR";
	c->amount = "amount_requested";
	if (load_criteria(c, call, lab, err) < 0)
		return -1;
	if (!call_has_table(call, "scoring.csv"))
		return 0;
	if (call_table(call, "scoring.csv", &t, err) < 0)
		return -1;
	if ((v = setting_of(t, "total_threshold")) != NULL && *v)
		c->has_thr = html_fix(v, strlen(v), &c->thr) == 0;
	if ((v = setting_of(t, "total_threshold_on")) != NULL)
		c->thr_weighted = strcmp(v, "unweighted") != 0;
	/* The settings' strings live as long as the call's tables do not: the
	 * field's name is kept only when it is the default's. */
	if ((v = setting_of(t, "amount_field")) != NULL && *v &&
	    strcmp(v, c->amount) != 0) {
		const struct call_field *f = call_field_named(call, v);

		c->amount = f != NULL ? f->name : NULL;
	}
	if (load_caps(c, call, t, err) < 0) {
		table_free(t);
		return -1;
	}
	table_free(t);
	return 0;
}

void html_call_fini(struct html_call *c)
{
	size_t i;

	for (i = 0; i < c->ncrit; i++)
		mem_free(c->crit[i].id);
	mem_free(c->crit);
	for (i = 0; i < c->nrates; i++)
		mem_free(c->rates[i].value);
	mem_free(c->rates);
	mem_free(c->cost_field);
	mem_free(c->rate_field);
	memset(c, 0, sizeof(*c));
}

int html_wide_spread(const struct html_crit *c, long long s)
{
	return 5 * s >= 2 * (c->max - c->min);
}
