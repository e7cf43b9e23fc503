/* svg.h - the report's charts as inline SVG, drawn on integer
 * coordinates from exact numbers, so the same data gives the same bytes.
 * Every text in them is given in words by the caller and escaped here. */
#ifndef SVG_H
#define SVG_H

#include <stddef.h>

#include "sbuf.h"

/* The words a chart's axes and marks need, set by the caller; not owned. */
struct svg_words {
	const char *title;     /* the chart's title (its <title>) */
	const char *x;         /* the horizontal axis */
	const char *y;         /* the vertical axis */
	const char *line;      /* the reference line: threshold, envelope */
	const char *count;     /* "dossiers": the unit of a count */
	const char *extra;     /* a second mark: where funding stops */
	const char *extra2;    /* a third: the reserve's cost */
	const char *currency;  /* the currency of amounts */
};

/* The distribution of the n values v (HTML_SCALE) in at most 20 bins of a
 * round width, with the threshold thr drawn when has_thr.  Appends the
 * <svg> to out.  Returns 0 or -1 (memory). */
int svg_histogram(struct sbuf *out, const struct svg_words *w,
		  const long long *v, size_t n, long long thr, int has_thr);

/* One criterion's scores for svg_strips. */
struct svg_strip {
	const char *label;  /* the criterion in words */
	long long min, max; /* its scale, HTML_SCALE */
	long long thr;      /* its threshold, when has_thr */
	int has_thr;        /* 1 when it has one */
	const long long *v; /* the scores, HTML_SCALE; not owned */
	size_t n;           /* how many */
};

/* One box plot a criterion (lowest, quartiles, median, highest) over its
 * scale, each score a dot when there are at most 1,000, the threshold
 * dashed.  Returns 0 or -1. */
int svg_strips(struct sbuf *out, const struct svg_words *w,
	       const struct svg_strip *s, size_t n);

/* What a ranked application is for the envelope. */
enum svg_step_kind {
	SVG_FUNDED,  /* granted its award */
	SVG_RESERVE, /* on the reserve list: its request is what it would cost */
	SVG_OTHER    /* ranked, not funded */
};

/* One ranked application, in rank order. */
struct svg_step {
	long long cents;         /* its award, or its request on the reserve */
	enum svg_step_kind kind; /* which */
};

/* The envelope: the awards added in rank order against the envelope
 * line, where funding stops, and what the reserve list would add.
 * Returns 0 or -1. */
int svg_envelope(struct sbuf *out, const struct svg_words *w,
		 const struct svg_step *s, size_t n, long long envelope);

/* One bar of svg_bars. */
struct svg_bar {
	const char *label;        /* in words; not owned */
	unsigned long long count; /* its length */
};

/* Horizontal bars, longest first as given, each labelled with its count.
 * Returns 0 or -1. */
int svg_bars(struct sbuf *out, const struct svg_words *w,
	     const struct svg_bar *b, size_t n);

#endif
