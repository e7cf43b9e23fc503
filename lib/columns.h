/* columns.h - the columns of the stream's contract (docs/stream.md): the
 * key, the columns each stage adds and their order, and the columns of
 * the side files aap-score reads and of aap-validate's rejects report. */
#ifndef COLUMNS_H
#define COLUMNS_H

#include <stddef.h>

#include "sbuf.h"

/* The stream's named columns, in the order the stages add them. */
enum column {
	COLUMN_APPLICATION_ID, /* the key, first in every stream */
	COLUMN_SOURCE_FILE,    /* aap-ingest, after the call's other fields */
	COLUMN_SOURCE_LINE,    /* aap-ingest */
	COLUMN_FINDINGS,       /* aap-ingest; later stages extend it */
	COLUMN_ADMISSIBLE,     /* aap-validate */
	COLUMN_TOTAL,          /* aap-score, after the criteria's columns */
	COLUMN_RANK,           /* aap-score */
	COLUMN_RANK_REASON,    /* aap-score */
	COLUMN_DECISION,       /* aap-score */
	COLUMN_AWARD,          /* aap-score */
	COLUMN_DECIDED_BY,     /* aap-score --decisions: what decided it */
	COLUMN_DECISION_REASON, /* aap-score --decisions: the line's
				   justification */
	COLUMN_ONE_REVIEWER,   /* aap-score --sensitivity, after award */
	COLUMN_ONE_REVIEWER_DECISION, /* aap-score --sensitivity */
	COLUMN_WEIGHT_CHANGE,  /* aap-score --sensitivity */
	COLUMN_WEIGHT_CRITERION, /* aap-score --sensitivity */
	COLUMN_WEIGHT_DECISION, /* aap-score --sensitivity */
	COLUMN_MARGIN,         /* aap-score --sensitivity */
	COLUMN_N
};

/* The stages that add columns; COLUMNS_DECIDE and COLUMNS_SENSITIVITY:
 * what aap-score adds after its own with --decisions, --sensitivity (the
 * two are not given together). */
enum columns_stage {
	COLUMNS_INGEST,
	COLUMNS_VALIDATE,
	COLUMNS_SCORE,
	COLUMNS_DECIDE,
	COLUMNS_SENSITIVITY
};

/* The side files aap-score reads (and aap-push stores). */
enum columns_side {
	COLUMNS_REVIEWS,   /* the reviewers' marks */
	COLUMNS_CONSENSUS, /* the scores agreed after review */
	COLUMNS_CONFLICTS, /* who may not review what */
	COLUMNS_ASSIGNMENTS, /* who reviews what (aap-assign's output) */
	COLUMNS_DECISIONS, /* the committee's decisions */
	COLUMNS_NSIDE
};

#define COLUMNS_SIDE_MAX 6 /* the most columns a side file has */

/* The columns of a CSV file beside the stream. */
struct columns_file {
	const char *role;          /* its role in file tokens, NULL if none */
	const char *const *names;  /* its columns, in order */
	const int *required;       /* 1 for those the file must have */
	size_t n;                  /* how many */
};

/* Returns the name of column c. */
const char *columns_name(enum column c);

/* Returns the fixed columns stage s adds, in order (aap-score's come after
 * its score_ and spread_ columns), *n set to how many.  Owned by the
 * table. */
const char *const *columns_added(enum columns_stage s, size_t *n);

/* Appends the name of criterion's score column, score_<criterion>, to b.
 * Returns 0 or -1 (memory). */
int columns_score(struct sbuf *b, const char *criterion);

/* Appends the name of criterion's spread column, spread_<criterion>, to
 * b.  Returns 0 or -1 (memory). */
int columns_spread(struct sbuf *b, const char *criterion);

/* The criterion named by column name when it is a score column, pointing
 * into name; NULL otherwise. */
const char *columns_score_criterion(const char *name);

/* The criterion named by column name when it is a spread column,
 * pointing into name; NULL otherwise. */
const char *columns_spread_criterion(const char *name);

/* 1 when a stage adds a column called name, so no field may take it. */
int columns_reserved(const char *name);

/* Returns the columns of side file k. */
const struct columns_file *columns_side(enum columns_side k);

/* Returns the columns of reviewers.csv, the pool aap-assign reads. */
const struct columns_file *columns_reviewers(void);
/* The values of the decided_by column other than a decisions file's
 * NAME:LINE. */
extern const char columns_by_ranking[];
extern const char columns_by_freed[];

/* Returns the columns of aap-validate's rejects report. */
const struct columns_file *columns_rejects(void);

#endif
