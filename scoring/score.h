/* score.h - aap-score (docs/scoring.md): the call's scoring tables, the
 * reviewers' marks and their combination, totals, thresholds, the ranking
 * by tie-break rules and the budget envelope.  Modules: criteria.c (the
 * tables), marks.c (side files, combination, normalisation), rank.c,
 * envelope.c, score.c (the stage). */
#ifndef SCORE_H
#define SCORE_H

#include <stddef.h>
#include <stdint.h>

#include "call.h"
#include "sbuf.h"

struct diag;
struct diag_sink;

/* Scores, marks and totals are integers in units of 10^-SCORE_SCALE. */
#define SCORE_SCALE 4
/* Weights are integers in units of 10^-SCORE_WEIGHT_SCALE. */
#define SCORE_WEIGHT_SCALE 4
/* Rates (the maximum share of the eligible cost): units of 10^-6. */
#define SCORE_RATE_SCALE 6
/* Money: cents. */
#define SCORE_MONEY_SCALE 2

/* 128-bit intermediate products, so that no exact computation overflows. */
__extension__ typedef __int128 score_wide;

/* Where a criterion's score comes from. */
enum criteria_source {
	CRITERIA_REVIEWS, /* reviewers' marks, combined */
	CRITERIA_BAND     /* a band table applied to a field */
};

/* One row of bands.csv. */
struct criteria_band {
	char *value;        /* the value matched exactly, or NULL for a range */
	int has_min;        /* 1: the range has a lower bound */
	int has_max;        /* 1: the range has an upper bound */
	int otherwise;      /* 1: the row matches anything no other row does */
	int64_t min;        /* lower bound, inclusive, at the field's scale */
	int64_t max;        /* upper bound, inclusive, at the field's scale */
	int64_t points;     /* the score given, SCORE_SCALE */
	unsigned long line; /* its line in bands.csv */
};

/* One criterion (a row of criteria.csv). */
struct criteria_item {
	char *id;                    /* [a-z][a-z0-9_]*; column score_<id> */
	char *label;                 /* for people */
	int64_t weight;              /* SCORE_WEIGHT_SCALE */
	int64_t min, max, step;      /* the scale, SCORE_SCALE */
	int has_threshold;           /* 1: threshold is set */
	int64_t threshold;           /* lowest passing score, SCORE_SCALE */
	enum criteria_source source; /* reviews or band */
	char *field;                 /* band: the application field */
	enum field_type ftype;       /* band: that field's type */
	unsigned fscale;             /* band: the scale of its numbers */
	struct criteria_band *bands; /* band: its bands, in table order */
	size_t nbands;               /* how many */
	unsigned long line;          /* its line in criteria.csv */
};

/* How the marks of a reviewed criterion are combined. */
enum criteria_combine {
	CRITERIA_MEAN,    /* the mean */
	CRITERIA_MEDIAN,  /* the median; mean of the two middle marks */
	CRITERIA_TRIMMED  /* the mean without the highest and lowest (n >= 3) */
};

/* The kinds of tie-break steps (tiebreaks.csv). */
enum criteria_tb_kind {
	CRITERIA_TB_SCORE,    /* a criterion's score, higher first */
	CRITERIA_TB_FIELD,    /* a field, ascending or descending */
	CRITERIA_TB_BALANCE,  /* two counts, closer to parity first */
	CRITERIA_TB_COVERAGE, /* new values of a list field, more first */
	CRITERIA_TB_ID        /* the application id, ascending */
};

/* One tie-break step. */
struct criteria_tiebreak {
	enum criteria_tb_kind kind; /* what it compares */
	size_t crit;                /* score: the criterion's index */
	char *field;                /* field, balance, coverage: the field */
	char *field2;               /* balance: the second count */
	enum field_type ftype;      /* field: its type */
	int desc;                   /* field: 1 for descending */
	char *reason;               /* the rank_reason it gives */
};

/* A maximum rate for one value of the rate field (rates.csv). */
struct criteria_rate {
	char *value;  /* the value of the rate field */
	int64_t rate; /* SCORE_RATE_SCALE */
};

/* Everything the call folder says about scoring.  Owned strings. */
struct criteria {
	struct criteria_item *items;   /* criteria.csv, in table order */
	size_t nitems;                 /* how many */
	enum criteria_combine combine; /* how marks combine */
	unsigned min_marks;            /* fewest marks per reviewed criterion */
	int normalise;                 /* 1: marks normalised per reviewer */
	int has_total_threshold;       /* 1: total_threshold is set */
	int64_t total_threshold;       /* SCORE_SCALE */
	int threshold_weighted;        /* 1: on the weighted total */
	int64_t envelope;              /* the budget, cents */
	int walk_stop;                 /* 1: the walk stops at a misfit */
	int partial;                   /* 1: the first misfit gets what is left */
	unsigned long reserve;         /* length of the reserve list */
	int has_max_award;             /* 1: max_award is set */
	int64_t max_award;             /* cap per project, cents */
	int64_t max_rate;              /* default maximum rate */
	char *amount_field;            /* money field: the amount requested */
	char *cost_field;              /* money field: the eligible cost */
	char *rate_field;              /* field choosing the rate, or NULL */
	struct criteria_rate *rates;   /* rates.csv */
	size_t nrates;                 /* how many */
	char **unique;                 /* fields unique in a batch (rules.csv),
					  application_id first */
	size_t nunique;                /* how many */
	struct criteria_tiebreak *tb;  /* tiebreaks.csv, then the id */
	size_t ntb;                    /* how many */
};

/* Loads criteria.csv, bands.csv (when a criterion needs it),
 * scoring.csv, tiebreaks.csv (optional), rates.csv (when rate_field is
 * set) and rules.csv (optional, only its "unique" rows) of call c through
 * call_table, so they are in the provenance.  Returns 0 with *out set
 * (free with criteria_free), or -1 with err set: AAP_EUSAGE for a table
 * that is wrong (file and line named), AAP_ESYS. */
int criteria_load(struct call *c, struct criteria **out, struct diag *err);

/* Frees k; criteria_free(NULL) does nothing. */
void criteria_free(struct criteria *k);

/* Index of the criterion id, or -1. */
long criteria_find(const struct criteria *k, const char *id, size_t n);

/* Returns 1 when v (SCORE_SCALE) is on item's scale and step. */
int criteria_on_scale(const struct criteria_item *it, int64_t v);

/* The points of band criterion it for the field value s (n bytes), into
 * *points.  Returns 0; 1 when the value is empty or matches no band (the
 * scale's minimum is given, or the otherwise row's points); -1 when a
 * number was needed and s is not one. */
int criteria_band_points(const struct criteria_item *it, const char *s,
			 size_t n, int64_t *points);

/* Divides num by den (den > 0), rounding half away from zero: the one
 * rounding rule of scoring. */
int64_t score_div_round(score_wide num, score_wide den);

/* Writes v (at scale) into b as a normal decimal.  Returns 0 or -1. */
int score_format(struct sbuf *b, int64_t v, unsigned scale);

/* Combines the n marks at x (SCORE_SCALE, sorted ascending, n >= 1) as
 * how says.  Returns the score, rounded once. */
int64_t marks_combine(enum criteria_combine how, const int64_t *x, size_t n);

/* One reviewer's mark, after the checks. */
struct marks_mark {
	uint32_t app;         /* the application's index in the batch */
	uint32_t crit;        /* the criterion's index */
	uint32_t roff, rlen;  /* the reviewer, in the marks' text arena (each
				 name is kept there once) */
	int64_t raw;          /* the mark given, SCORE_SCALE */
	int64_t value;        /* the mark used: raw, or normalised */
	uint32_t line;        /* its line in the reviews file */
};

/* A consensus score. */
struct marks_consensus {
	size_t app;          /* the application */
	size_t crit;         /* the criterion */
	int64_t score;       /* SCORE_SCALE */
	unsigned long line;  /* its line in the consensus file */
};

/* The side files, read and checked. */
struct marks {
	struct marks_mark *m;          /* the marks, in file order */
	size_t n, cap;                 /* used, allocated */
	uint32_t *order;               /* the n marks' indices grouped by
					  application, each group sorted by
					  criterion, reviewer and line; NULL
					  without a reviews file */
	uint32_t *start;               /* napps + 1 entries: application a's
					  marks are order[start[a]] up to
					  order[start[a + 1]] (exclusive) */
	struct marks_consensus *c;     /* consensus scores */
	size_t nc, capc;               /* used, allocated */
	struct sbuf text;              /* reviewers' names */
	unsigned long nbad;            /* bad lines found */
};

/* Looks an application id up: returns its index in the batch, or -1. */
typedef long (*marks_lookup_fn)(void *ctx, const char *id, size_t n);

/* What the side file readers need. */
struct marks_ctx {
	const struct criteria *k;      /* the criteria */
	size_t napps;                  /* applications in the batch */
	marks_lookup_fn lookup;        /* application ids: an index below
					  napps, or -1 */
	void *lookup_ctx;              /* passed back to lookup */
	const struct diag_sink *sink;  /* every bad line, as an error */
};

/* Makes mk empty.  marks_fini frees what it holds. */
void marks_init(struct marks *mk);
void marks_fini(struct marks *mk);

/* The reviews file read ahead of the batch: its rows checked as far as
 * they can be without it, kept by runs of equal application ids.  Opaque;
 * marks_read takes its rows. */
struct marks_ahead;

/* Starts reading the reviews file path for the criteria k (which must
 * outlive it): on a thread of its own when background is 1, path is a
 * regular file and a thread can be had; otherwise marks_read reads it when
 * it needs it, with the same results.  Nothing is reported here: bad lines
 * and errors wait for marks_read.  Returns a reader owned by the caller
 * (free with marks_ahead_free), or NULL when memory ran out (marks_read
 * then reads the file itself). */
struct marks_ahead *marks_ahead_start(const struct criteria *k,
				      const char *path, int background);

/* Returns 1 when a is being read on a thread of its own. */
int marks_ahead_threaded(const struct marks_ahead *a);

/* Stops a's thread if it still runs (its rows are dropped), waits for it
 * and frees a; marks_ahead_free(NULL) does nothing. */
void marks_ahead_free(struct marks_ahead *a);

/* Reads the side files (any path may be NULL) into mk, checking every
 * line: each bad one goes to x->sink as an error at path:line, in line
 * order within each file, and counts in mk->nbad.  ahead is NULL, or the
 * reviews file started with marks_ahead_start for the same path: its rows
 * are taken from it (waiting for its thread), and it can only be freed
 * afterwards.  Whether it was read ahead or not changes nothing of the
 * outcome.  With a reviews file, mk->order and mk->start group the marks
 * by application.  The SHA-256 of each file read is written to the
 * matching hex buffer.  Returns 0 (check mk->nbad), or -1 with err set:
 * AAP_EDATA when a file is not CSV or lacks a column, AAP_ESYS. */
int marks_read(struct marks *mk, const struct marks_ctx *x,
	       const char *reviews, struct marks_ahead *ahead,
	       const char *consensus, const char *conflicts, char rev_sha[65],
	       char con_sha[65], char cfl_sha[65], struct diag *err);

/* Normalises the marks of criterion crit whose application has
 * use[app] != 0 (docs/scoring.md): sets value for every such mark.
 * Returns 0, or -1 when memory ran out. */
int marks_normalise(struct marks *mk, const struct criteria_item *it,
		    size_t crit, const unsigned char *use);

/* Rounds a normalised mark num/den to the step of it and clamps it to its
 * scale. */
int64_t marks_to_step(const struct criteria_item *it, score_wide num,
		      score_wide den);

/* Integer square root: the largest r with r * r <= v. */
score_wide marks_isqrt(score_wide v);

/* Decisions an application can get. */
enum score_decision {
	SCORE_PENDING = 0,     /* passed the thresholds, not yet walked */
	SCORE_INADMISSIBLE,    /* from validation or a duplicate key */
	SCORE_INCOMPLETE,      /* too few marks on a reviewed criterion */
	SCORE_BELOW,           /* below a threshold */
	SCORE_FUNDED,          /* granted its award */
	SCORE_RESERVE,         /* on the reserve list */
	SCORE_NOT_FUNDED       /* ranked, neither funded nor in reserve */
};

/* Returns the name of decision d ("funded", ...). */
const char *score_decision_name(enum score_decision d);

/* The envelope walk over n ranked applications, best first, whose
 * capped awards (cents) are award[]: sets dec[] (SCORE_FUNDED,
 * SCORE_RESERVE or SCORE_NOT_FUNDED) and granted[] (cents), and *left. */
void envelope_walk(const struct criteria *k, const int64_t *award, size_t n,
		   enum score_decision *dec, int64_t *granted, int64_t *left);

/* The award of an application asking requested (cents) for an eligible
 * cost of cost (cents, ignored when rate is 10^6), capped by max_award
 * (when has_max) and by rate (SCORE_RATE_SCALE) of the cost, rounded down
 * to the cent. */
int64_t envelope_cap(int64_t requested, int64_t cost, int has_max,
		     int64_t max_award, int64_t rate);

/* What the ranking knows of one application. */
struct rank_app {
	const char *id;           /* application_id */
	size_t idlen;             /* its length */
	int64_t total;            /* the total */
	const int64_t *score;     /* its criteria scores */
	const char *const *v;     /* per tie-break step s: v[2s] the field's
				     value, v[2s + 1] the second count's */
	const size_t *vlen;       /* their lengths */
};

/* Orders the n applications at a by total and the tie-break chain of k:
 * writes their indices, best first, to order[] and for each position the
 * step index that placed it before the next (or -1) to reason[].  Returns
 * 0, or -1 when memory ran out. */
int rank_order(const struct criteria *k, const struct rank_app *a, size_t n,
	       size_t *order, long *reason);

/* What to score and how. */
struct score_opts {
	struct call *call;            /* the call, loaded */
	const struct criteria *k;     /* its scoring tables */
	const char *input;            /* input path, NULL or "-" for stdin */
	const char *reviews;          /* side files, NULL when not given */
	const char *consensus;
	const char *conflicts;
	int check;                    /* 0: --no-truncation-check */
	int plain;                    /* write bare CSV */
	const struct diag_sink *sink; /* bad side-file lines, as errors */
};

/* Reads the stream, scores, ranks and funds, writes the stream with the
 * scoring columns.  Returns 0, or -1 with err set (AAP_EDATA for an
 * unusable stream or side file, AAP_ESYS); no trailer then. */
int score_run(const struct score_opts *o, struct diag *err);

#endif
