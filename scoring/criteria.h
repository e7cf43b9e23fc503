/* criteria.h - the call's scoring tables (docs/scoring.md): criteria and
 * their bands, how marks combine, tie-breaks, rates, the envelope's rules. */
#ifndef CRITERIA_H
#define CRITERIA_H

#include <stddef.h>
#include <stdint.h>

#include "call.h"
#include "cap.h"
#include "fixed.h"

struct diag;

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
	struct cap_rate *rates;        /* rates.csv */
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

/* The total of the scores at score (SCORE_SCALE, one per criterion of k)
 * weighted by w (SCORE_WEIGHT_SCALE, one per criterion; NULL for k's
 * weights), rounded once, into *total.  Returns 1 when the scores meet
 * every criterion's threshold and the total threshold (on that total or
 * on the plain sum, as k says), 0 when they do not. */
int criteria_judge(const struct criteria *k, const int64_t *score,
		   const int64_t *w, int64_t *total);

#endif
