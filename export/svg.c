/* svg.c - the report's four kinds of chart (distribution, box plots,
 * envelope, bars) as inline SVG on integer coordinates; no floating point,
 * so the bytes never depend on the machine. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "mem.h"
#include "svg.h"

#define W 720       /* width of every chart */
#define LEFT 70     /* left margin, for the vertical axis' numbers */
#define RIGHT 24    /* right margin */
#define ONE 10000LL /* 1 at HTML_SCALE */

/* Appends the integer v. */
static int put_int(struct sbuf *out, long long v)
{
	if (v < 0 && sbuf_addc(out, '-') < 0)
		return -1;
	return sbuf_addu(out, v < 0 ? 0ULL - (unsigned long long)v :
			 (unsigned long long)v);
}

/* Appends the strings and integers of a printf-like list: "%d" takes a
 * long long, "%s" a string copied as it is (markup), "%t" a string
 * escaped, "%v" a value at HTML_SCALE in French without trailing zeros,
 * "%c" cents in French with the currency in w. */
static int put(struct sbuf *out, const struct svg_words *w, const char *fmt,
	       ...)
{
	va_list ap;
	const char *p;
	int rc = 0;

	va_start(ap, fmt);
	for (p = fmt; *p && rc == 0; p++) {
		if (*p != '%' || p[1] == '\0') {
			rc = sbuf_addc(out, *p);
			continue;
		}
		switch (*++p) {
		case 'd':
			rc = put_int(out, va_arg(ap, long long));
			break;
		case 's':
			rc = sbuf_adds(out, va_arg(ap, const char *));
			break;
		case 't':
			rc = html_texts(out, va_arg(ap, const char *));
			break;
		case 'v':
			rc = html_short(out, va_arg(ap, long long));
			break;
		case 'c':
			rc = html_money(out, va_arg(ap, long long), w->currency);
			break;
		default:
			rc = sbuf_addc(out, *p);
		}
	}
	va_end(ap);
	return rc;
}

/* Opens the <svg> of height h with its title. */
static int open_svg(struct sbuf *out, const struct svg_words *w, long long h)
{
	return put(out, w, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
		   "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
		   "role=\"img\"><title>%t</title>\n"
		   "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n",
		   (long long)W, h, (long long)W, h, w->title, (long long)W, h);
}

/* at + (v - lo) * span / range, rounded toward zero: v in pixels. */
static long long scale_to(long long at, long long span, long long v,
			  long long lo, long long range)
{
	/* Values stay far below 2^63 / 1000 (ten thousand billion euros in
	 * cents), so the product cannot overflow. */
	if (range <= 0)
		return at;
	return at + (v - lo) * span / range;
}

/* A round step (1, 2 or 5 times a power of ten, in HTML_SCALE units, at
 * least min) that cuts range into at most parts pieces. */
static long long round_step(long long range, long long parts, long long min)
{
	static const long long mant[] = { 1, 2, 5 };
	long long p;
	size_t i;

	for (p = 1; p < 1000000000000000LL; p *= 10)
		for (i = 0; i < 3; i++)
			if (mant[i] * p >= min && range / (mant[i] * p) < parts)
				return mant[i] * p;
	return p;
}

int svg_histogram(struct sbuf *out, const struct svg_words *w,
		  const long long *v, size_t n, long long thr, int has_thr)
{
	const long long h = 300, top = 20, bottom = h - 50;
	const long long right = W - RIGHT;
	long long lo = 0, hi = 0, step, ymax = 1, nb, x, i, tick;
	unsigned long long *cnt;
	size_t k;
	int rc = 0;

	for (k = 0; k < n; k++) {
		if (k == 0 || v[k] < lo)
			lo = v[k];
		if (k == 0 || v[k] > hi)
			hi = v[k];
	}
	if (n == 0 || lo > 0)
		lo = 0;
	if (has_thr && thr > hi)
		hi = thr;
	if (has_thr && thr < lo)
		lo = thr;
	step = round_step(hi - lo, 20, ONE / 10);
	lo = lo >= 0 ? lo / step * step : -((-lo + step - 1) / step * step);
	nb = (hi - lo) / step + 1;
	if ((cnt = mem_calloc((size_t)nb, sizeof(*cnt))) == NULL)
		return -1;
	for (k = 0; k < n; k++)
		cnt[(v[k] - lo) / step]++;
	for (i = 0; i < nb; i++)
		if ((long long)cnt[i] > ymax)
			ymax = (long long)cnt[i];
	rc = open_svg(out, w, h);
	/* Horizontal grid: counts. */
	tick = ymax <= 5 ? 1 : (ymax + 4) / 5;
	for (i = 0; rc == 0 && i <= ymax; i += tick) {
		long long y = bottom - i * (bottom - top) / ymax;

		rc = put(out, w, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
			 "stroke=\"#e2e2e2\"/><text x=\"%d\" y=\"%d\" "
			 "font-size=\"11\" text-anchor=\"end\">%d</text>\n",
			 (long long)LEFT, y, right, y, (long long)LEFT - 6, y + 4, i);
	}
	for (i = 0; rc == 0 && i < nb; i++) {
		long long x0 = LEFT + i * (right - LEFT) / nb;
		long long x1 = LEFT + (i + 1) * (right - LEFT) / nb;
		long long y = bottom - (long long)cnt[i] * (bottom - top) / ymax;

		if (cnt[i] > 0)
			rc = put(out, w, "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
				 "height=\"%d\" fill=\"#1f4e79\"><title>%v – %v : "
				 "%d %t</title></rect>\n", x0 + 1, y, x1 - x0 - 2,
				 bottom - y, lo + i * step, lo + (i + 1) * step,
				 (long long)cnt[i], w->count);
		if (rc == 0 && (nb <= 10 || i % 2 == 0))
			rc = put(out, w, "<text x=\"%d\" y=\"%d\" font-size=\"11\" "
				 "text-anchor=\"middle\">%v</text>\n", x0,
				 bottom + 16, lo + i * step);
	}
	if (rc == 0)
		rc = put(out, w, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
			 "stroke=\"#1b1b1b\"/>\n<text x=\"%d\" y=\"%d\" "
			 "font-size=\"12\" text-anchor=\"middle\">%t</text>\n"
			 "<text x=\"14\" y=\"%d\" font-size=\"12\" "
			 "transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\">"
			 "%t</text>\n", (long long)LEFT, bottom, right, bottom,
			 (LEFT + right) / 2, h - 10, w->x, (top + bottom) / 2,
			 (top + bottom) / 2, w->y);
	if (rc == 0 && has_thr) {
		x = scale_to(LEFT, right - LEFT, thr, lo, nb * step);
		rc = put(out, w, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
			 "stroke=\"#b00020\" stroke-width=\"2\" "
			 "stroke-dasharray=\"6 4\"/>\n<text x=\"%d\" y=\"%d\" "
			 "font-size=\"12\" fill=\"#b00020\">%t : %v</text>\n",
			 x, top - 6, x, bottom, x + 4, top + 8, w->line, thr);
	}
	if (rc == 0)
		rc = sbuf_adds(out, "</svg>\n");
	mem_free(cnt);
	return rc;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* One row of svg_strips, its top at y. */
static int strip(struct sbuf *out, const struct svg_words *w,
		 const struct svg_strip *s, long long y)
{
	const long long right = W - RIGHT, mid = y + 34;
	long long *v = NULL, q[5], t, x;
	size_t i;
	int rc;

	rc = put(out, w, "<text x=\"%d\" y=\"%d\" font-size=\"12\" "
		 "font-weight=\"bold\">%t</text>\n<line x1=\"%d\" y1=\"%d\" "
		 "x2=\"%d\" y2=\"%d\" stroke=\"#c8c8c8\"/>\n", (long long)LEFT,
		 y + 12, s->label, (long long)LEFT, mid, right, mid);
	/* The scale's ends and its middle. */
	for (i = 0; rc == 0 && i < 3; i++) {
		t = s->min + (s->max - s->min) * (long long)i / 2;
		x = scale_to(LEFT, right - LEFT, t, s->min, s->max - s->min);
		rc = put(out, w, "<text x=\"%d\" y=\"%d\" font-size=\"10\" "
			 "text-anchor=\"middle\" fill=\"#5a5a5a\">%v</text>\n",
			 x, mid + 26, t);
	}
	if (rc == 0 && s->n > 0) {
		if ((v = mem_alloc(s->n * sizeof(*v))) == NULL)
			return -1;
		memcpy(v, s->v, s->n * sizeof(*v));
		qsort(v, s->n, sizeof(*v), cmp_ll);
		for (i = 0; i < 5; i++)
			q[i] = v[(s->n - 1) * i / 4];
		rc = put(out, w, "<g><title>%t</title>", s->label);
		if (rc == 0)
			rc = put(out, w, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" "
				 "y2=\"%d\" stroke=\"#1b1b1b\"/>",
				 scale_to(LEFT, right - LEFT, q[0], s->min, s->max - s->min),
				 mid, scale_to(LEFT, right - LEFT, q[4], s->min,
					       s->max - s->min), mid);
		if (rc == 0) {
			long long x1 = scale_to(LEFT, right - LEFT, q[1], s->min,
						s->max - s->min);
			long long x3 = scale_to(LEFT, right - LEFT, q[3], s->min,
						s->max - s->min);

			rc = put(out, w, "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
				 "height=\"16\" fill=\"#dbe6f1\" stroke=\"#1f4e79\"/>"
				 "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
				 "stroke=\"#1f4e79\" stroke-width=\"3\"/></g>\n",
				 x1, mid - 8, x3 - x1 > 1 ? x3 - x1 : 1,
				 scale_to(LEFT, right - LEFT, q[2], s->min, s->max - s->min),
				 mid - 10,
				 scale_to(LEFT, right - LEFT, q[2], s->min, s->max - s->min),
				 mid + 10);
		}
		for (i = 0; rc == 0 && s->n <= 1000 && i < s->n; i++)
			rc = put(out, w, "<circle cx=\"%d\" cy=\"%d\" r=\"3\" "
				 "fill=\"#1b1b1b\" fill-opacity=\"0.45\"/>\n",
				 scale_to(LEFT, right - LEFT, s->v[i], s->min,
					  s->max - s->min),
				 mid - 6 + (long long)(i * 7 % 13));
		mem_free(v);
	}
	if (rc == 0 && s->has_thr) {
		x = scale_to(LEFT, right - LEFT, s->thr, s->min, s->max - s->min);
		rc = put(out, w, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
			 "stroke=\"#b00020\" stroke-width=\"2\" "
			 "stroke-dasharray=\"4 3\"><title>%t : %v</title></line>\n",
			 x, mid - 14, x, mid + 14, w->line, s->thr);
	}
	return rc;
}

int svg_strips(struct sbuf *out, const struct svg_words *w,
	       const struct svg_strip *s, size_t n)
{
	const long long row = 74;
	size_t i;
	int rc = open_svg(out, w, row * (long long)n + 10);

	for (i = 0; rc == 0 && i < n; i++)
		rc = strip(out, w, &s[i], 4 + row * (long long)i);
	return rc == 0 ? sbuf_adds(out, "</svg>\n") : -1;
}

int svg_envelope(struct sbuf *out, const struct svg_words *w,
		 const struct svg_step *s, size_t n, long long envelope)
{
	const long long h = 340, top = 24, bottom = h - 50, left = 110;
	const long long right = W - RIGHT;
	long long granted = 0, all = 0, hi, stop = -1, x, y, xs, step;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		all += s[i].cents;
		if (s[i].kind == SVG_FUNDED)
			granted += s[i].cents, stop = (long long)i;
	}
	hi = all > envelope ? all : envelope;
	if (hi <= 0)
		hi = 100;
	step = round_step(hi + hi / 20, 5, 100);
	hi = ((hi + hi / 20) / step + 1) * step;
	rc = open_svg(out, w, h);
	for (i = 0; rc == 0 && (long long)i * step <= hi; i++) {
		long long v = step * (long long)i;

		y = scale_to(bottom, top - bottom, v, 0, hi);
		rc = put(out, w, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
			 "stroke=\"#e2e2e2\"/><text x=\"%d\" y=\"%d\" "
			 "font-size=\"10\" text-anchor=\"end\">%c</text>\n",
			 left, y, right, y, left - 6, y + 4, v);
	}
	/* The cumulative awards, and beyond them what the reserve would add:
	 * one step a ranked application. */
	if (rc == 0)
		rc = put(out, w, "<polyline fill=\"none\" stroke=\"#9a3b00\" "
			 "stroke-width=\"2\" stroke-dasharray=\"5 3\" points=\"%d,%d",
			 left, bottom);
	for (i = 0, all = 0; rc == 0 && i < n; i++) {
		all += s[i].cents;
		x = scale_to(left, right - left, (long long)i + 1, 0, (long long)n);
		y = scale_to(bottom, top - bottom, all, 0, hi);
		rc = put(out, w, " %d,%d", x, y);
	}
	if (rc == 0)
		rc = put(out, w, "\"/>\n<polyline fill=\"none\" stroke=\"#1f4e79\" "
			 "stroke-width=\"3\" points=\"%d,%d", left, bottom);
	for (i = 0, all = 0; rc == 0 && i < n; i++) {
		if (s[i].kind == SVG_FUNDED)
			all += s[i].cents;
		x = scale_to(left, right - left, (long long)i + 1, 0, (long long)n);
		y = scale_to(bottom, top - bottom, all, 0, hi);
		rc = put(out, w, " %d,%d", x, y);
	}
	if (rc == 0)
		rc = sbuf_adds(out, "\"/>\n");
	for (i = 0; rc == 0 && n <= 200 && i < n; i++) {
		static const char *const fill[] = { "#1f4e79", "#9a3b00", "#9a9a9a" };

		x = scale_to(left, right - left, (long long)i + 1, 0, (long long)n);
		rc = put(out, w, "<circle cx=\"%d\" cy=\"%d\" r=\"3\" fill=\"%s\"/>\n",
			 x, bottom, fill[s[i].kind]);
	}
	y = scale_to(bottom, top - bottom, envelope, 0, hi);
	if (rc == 0)
		rc = put(out, w, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
			 "stroke=\"#b00020\" stroke-width=\"2\" "
			 "stroke-dasharray=\"6 4\"/>\n<text x=\"%d\" y=\"%d\" "
			 "font-size=\"12\" fill=\"#b00020\">%t : %c</text>\n",
			 left, y, right, y, left + 6, y - 6, w->line, envelope);
	if (rc == 0 && stop >= 0) {
		xs = scale_to(left, right - left, stop + 1, 0, (long long)n);
		rc = put(out, w, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
			 "stroke=\"#2e6b30\" stroke-width=\"2\"/>\n<text x=\"%d\" "
			 "y=\"%d\" font-size=\"12\" fill=\"#2e6b30\" "
			 "text-anchor=\"%s\">%t %d : %c</text>\n", xs, top, xs,
			 bottom, xs + (xs > W / 2 ? -6 : 6), bottom - 28,
			 xs > W / 2 ? "end" : "start", w->extra, stop + 1, granted);
	}
	if (rc == 0) {
		long long reserve = 0;

		for (i = 0; i < n; i++)
			reserve += s[i].kind == SVG_RESERVE ? s[i].cents : 0;
		if (reserve > 0)
			rc = put(out, w, "<text x=\"%d\" y=\"%d\" font-size=\"12\" "
				 "fill=\"#9a3b00\">%t : %c</text>\n", left + 6,
				 top + 10, w->extra2, reserve);
	}
	if (rc == 0)
		rc = put(out, w, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
			 "stroke=\"#1b1b1b\"/>\n<text x=\"%d\" y=\"%d\" "
			 "font-size=\"12\" text-anchor=\"middle\">%t</text>\n"
			 "<text x=\"%d\" y=\"%d\" font-size=\"10\" "
			 "text-anchor=\"middle\">1</text><text x=\"%d\" y=\"%d\" "
			 "font-size=\"10\" text-anchor=\"middle\">%d</text>\n"
			 "</svg>\n", left, bottom, right, bottom,
			 (left + right) / 2, h - 10, w->x,
			 scale_to(left, right - left, 1, 0, (long long)(n ? n : 1)),
			 bottom + 14, right, bottom + 14, (long long)n);
	return rc;
}

int svg_bars(struct sbuf *out, const struct svg_words *w,
	     const struct svg_bar *b, size_t n)
{
	const long long row = 36, right = W - 60;
	unsigned long long most = 1;
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		if (b[i].count > most)
			most = b[i].count;
	rc = open_svg(out, w, row * (long long)(n ? n : 1) + 8);
	for (i = 0; rc == 0 && i < n; i++) {
		long long y = 4 + row * (long long)i;
		long long len = (long long)(b[i].count * (unsigned long long)(right - 20) /
					    most);

		rc = put(out, w, "<text x=\"20\" y=\"%d\" font-size=\"12\">%t"
			 "</text>\n<rect x=\"20\" y=\"%d\" width=\"%d\" "
			 "height=\"14\" fill=\"#9a3b00\"><title>%t : %d %t</title>"
			 "</rect><text x=\"%d\" y=\"%d\" font-size=\"12\">%d</text>\n",
			 y + 12, b[i].label, y + 17, len > 1 ? len : 1, b[i].label,
			 (long long)b[i].count, w->count, 20 + len + 6, y + 29,
			 (long long)b[i].count);
	}
	return rc == 0 ? sbuf_adds(out, "</svg>\n") : -1;
}
