/* html.h - what the committee's HTML pages share: the one escaping of
 * text for HTML, numbers and amounts in French, the page's head with its
 * Content-Security-Policy and style sheet, the call's criteria and
 * threshold, and a page saved whole. */
#ifndef HTML_H
#define HTML_H

#include "cap.h"
#include <stddef.h>

#include "sbuf.h"

struct call;
struct diag;
struct labels;

/* Decimals of the fixed-point numbers the pages compute on. */
#define HTML_SCALE 4

/* Appends the n bytes of UTF-8 at s to out as HTML text, safe in an
 * element and in a quoted attribute: & < > " ' as references; control
 * characters (C0 but tab and line feed, DEL, C1) and the bidirectional
 * controls shown as visible text (ESC is "␛", U+0085 "<U+0085>"), so
 * whatever an applicant typed is read as it is and never acts.  Returns
 * 0, or -1 when memory ran out. */
int html_text(struct sbuf *out, const char *s, size_t n);

/* html_text of the C string s. */
int html_texts(struct sbuf *out, const char *s);

/* Appends units / 10^scale in French: decimal comma, thousands grouped by
 * a narrow no-break space ("-1 234,50"), never through the locale.
 * Returns 0 or -1. */
int html_number(struct sbuf *out, long long units, unsigned scale);

/* html_number of v at HTML_SCALE, its needless decimals dropped ("2,5",
 * "10").  Returns 0 or -1. */
int html_short(struct sbuf *out, long long v);

/* html_number of an amount in cents, then a no-break space and the
 * currency ("75 000,00 €"; "€" for EUR, else the code as it is).
 * Returns 0 or -1. */
int html_money(struct sbuf *out, long long cents, const char *currency);

/* Parses the exact decimal at s (n bytes) into *v in units of
 * 10^-HTML_SCALE, decimals beyond dropped.  Returns 0, or -1 when it is
 * not a number or is out of range. */
int html_fix(const char *s, size_t n, long long *v);

/* Appends the page's start, up to and including <body>: the doctype, lang,
 * charset, the Content-Security-Policy that forbids every script and
 * request (default-src 'none'; style-src 'unsafe-inline'; img-src data:),
 * the title (escaped) and the style sheet, print included.  Returns 0 or
 * -1. */
int html_head(struct sbuf *out, const char *lang, const char *title);

/* Appends the page's end.  Returns 0 or -1. */
int html_tail(struct sbuf *out);

/* Writes doc to path (NULL or "-": standard output), first to path.part
 * then renamed, so that a failed run leaves no file.  Returns 0, or -1
 * with err set (AAP_ESYS). */
int html_save(const struct sbuf *doc, const char *path, struct diag *err);

/* One criterion of the call, from criteria.csv. */
struct html_crit {
	char *id;          /* its name; owned */
	const char *label; /* in words; owned by the labels */
	long long min;     /* lowest score, HTML_SCALE */
	long long max;     /* highest score, HTML_SCALE */
	long long thr;     /* threshold, HTML_SCALE, when has_thr */
	int has_thr;       /* 1 when it has a threshold */
	long col;          /* score_<id> in the stream, or -1 */
	long spread_col;   /* spread_<id> in the stream, or -1 */
};

/* What the pages show of the call's scoring. */
struct html_call {
	struct html_crit *crit; /* criteria.csv's rows, in order; owned */
	size_t ncrit;           /* how many */
	long long thr;          /* scoring.csv's total_threshold, HTML_SCALE */
	int has_thr;            /* 1 when there is one */
	int thr_weighted;       /* 1: on total; 0: on the plain sum */
	const char *currency;   /* call.csv's currency, or "EUR" */
	const char *amount;     /* the amount requested's field */
	int has_max_award;      /* 1: scoring.csv has a max_award */
	long long max_award;    /* it, in cents */
	long long max_rate;     /* its max_rate, 6 decimals (CAP_RATE_ONE) */
	char *cost_field;       /* the eligible cost's field; owned */
	char *rate_field;       /* the rate field, or NULL; owned */
	struct cap_rate *rates; /* rates.csv's lines; owned */
	size_t nrates;          /* how many */
};

/* Loads c from call's criteria.csv, scoring.csv and rates.csv (when it
 * has them),
 * in the words of lab; wrong numbers are left out of the charts rather
 * than refused (aap-score refuses them).  Returns 0, or -1 with err set
 * (AAP_EUSAGE, AAP_ESYS).  Free with html_call_fini in either case. */
int html_call_load(struct html_call *c, struct call *call,
		   const struct labels *lab, struct diag *err);

/* Frees what c holds. */
void html_call_fini(struct html_call *c);

/* 1 when a spread of s (HTML_SCALE) on criterion c is wide: at least two
 * fifths of the criterion's scale, max - min. */
int html_wide_spread(const struct html_crit *c, long long s);

#endif
