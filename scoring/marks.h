/* marks.h - the reviewers' side files (reviews, consensus, conflicts),
 * read and checked, and how marks combine and are normalised. */
#ifndef MARKS_H
#define MARKS_H

#include <stddef.h>
#include <stdint.h>

#include "criteria.h"
#include "fixed.h"
#include "sbuf.h"

struct diag;
struct diag_sink;

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
	struct marks_assigned *asg;    /* the assignments file, or NULL */
};

/* The assignments file, read (opaque). */
struct marks_assigned;

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

/* Reads the assignments file path (application_id, reviewer, affinity)
 * into mk before marks_read: from then on, a mark on an application with
 * scored[app] != 0 from a reviewer not assigned to it is a bad line.
 * scored (x->napps entries) must outlive mk's reading.  Bad lines of the
 * file (an unknown application, no reviewer, a pair given twice, another
 * number of fields) go to x->sink and count in mk->nbad.  Its SHA-256 is
 * written to sha.  Returns 0, or -1 with err set: AAP_EDATA when the
 * file is not CSV or lacks a column, AAP_ESYS. */
int marks_read_assignments(struct marks *mk, const struct marks_ctx *x,
			   const char *path, const unsigned char *scored,
			   char sha[65], struct diag *err);

/* After marks_read: reports as a warning to x->sink, at its line of the
 * assignments file, every assigned reviewer of a scored application who
 * gave it no mark.  Returns how many, or -1 when memory ran out. */
long marks_unmarked(const struct marks *mk, const struct marks_ctx *x);

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

#endif
