/* notes.h - the reviewers' marks and the consensus scores of the Notes
 * sheet, read from the side files aap-score read, each checked against the
 * SHA-256 its '#stage' line recorded, and sorted. */
#ifndef NOTES_H
#define NOTES_H

#include <stddef.h>

#include "columns.h"

struct diag;
struct model;

/* One row of a side file: a mark (COLUMNS_REVIEWS), a consensus score
 * (COLUMNS_CONSENSUS) or a committee's decision (COLUMNS_DECISIONS: its
 * action in criterion, its author in who, its amount in value, its
 * justification in text).  Every string owned, trimmed but for the
 * comment. */
struct notes_row {
	enum columns_side side; /* which file it comes from */
	char *id;               /* application_id */
	char *criterion;        /* the criterion's name */
	char *who;              /* the reviewer, or the consensus' author */
	char *value;            /* the mark or the score, as written */
	char *text;             /* the comment, or the justification */
	unsigned long line;     /* its line in the file */
};

/* The rows of the Notes sheet. */
struct notes {
	struct notes_row *rows; /* owned */
	size_t n, cap;          /* used, allocated */
};

/* Sets n empty. */
void notes_init(struct notes *n);

/* Reads side file k at path into n, after checking that its SHA-256 is the
 * one a '#stage' line of m records for a file of k's role.  Returns 0, or
 * -1 with err set: AAP_EDATA, naming the file, when the stream's
 * provenance names no file of that role, when the digest differs, or when
 * the file lacks a column; AAP_ESYS when it cannot be read or memory ran
 * out. */
int notes_load(struct notes *n, const struct model *m, enum columns_side k,
	       const char *path, struct diag *err);

/* Sorts n: the marks, then the consensus scores, each by application id,
 * criterion, then reviewer (or author), then value and text, so that the
 * order of the files' rows does not matter. */
void notes_sort(struct notes *n);

/* Frees what n holds. */
void notes_fini(struct notes *n);

#endif
