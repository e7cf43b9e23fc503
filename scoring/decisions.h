/* decisions.h - the committee's decisions (docs/scoring.md, "Decisions"):
 * the decisions file read and checked, and applied to the proposal the
 * ranking and the envelope walk made. */
#ifndef DECISIONS_H
#define DECISIONS_H

#include <stddef.h>
#include <stdint.h>

#include "criteria.h"
#include "envelope.h"
#include "marks.h"
#include "sbuf.h"

struct diag;
struct diag_sink;

/* What a line of the decisions file does. */
enum decisions_action {
	DECISIONS_WITHDRAW, /* the applicant gives up: award 0, rank kept */
	DECISIONS_REDUCE,   /* the award becomes the line's amount */
	DECISIONS_EXCLUDE,  /* the application leaves the ranking */
	DECISIONS_PROMOTE   /* a reserve funded out of turn */
};

/* One data line of the decisions file. */
struct decisions_line {
	unsigned long line;           /* its line in the file */
	long app;                     /* the application's index in the
					 batch, -1 when unknown */
	enum decisions_action action; /* when the line is good */
	int64_t amount;               /* reduce: the new award, cents */
	size_t why;                   /* its justification in the text */
	size_t msg;                   /* its message in the text, or
					 (size_t)-1 for a good line */
};

/* The decisions file, read and checked. */
struct decisions {
	const char *path;             /* as given (not owned) */
	const char *name;             /* its base name, in path */
	struct decisions_line *l;     /* the lines, in file order */
	size_t n, cap;                /* used, allocated */
	struct sbuf text;             /* justifications and messages, each
					 followed by a NUL */
	unsigned long nbad;           /* bad lines */
};

/* One application as the decisions see it, indexed as in the batch. */
struct decisions_app {
	enum score_decision dec;  /* the proposed decision, then the decided */
	int64_t award;            /* the proposed award, then the decided */
	int64_t cap;              /* its capped award (cents) */
	const char *id;           /* application_id, for messages */
	size_t idlen;             /* its length */
	struct decisions_line *by; /* out: the line deciding it, or NULL */
	int freed;                /* out: 1 when freed money funded it */
};

/* Makes d empty for the file at path (kept, not copied); decisions_fini
 * frees what it holds. */
void decisions_init(struct decisions *d, const char *path);
void decisions_fini(struct decisions *d);

/* Reads d's file and checks each line as far as it can be without the
 * proposal: its fields, the application (looked up with lookup, an index
 * below napps or -1), the action, amount, author, date and justification,
 * and that no application has two lines.  Bad lines are kept with their
 * message (decisions_report says them) and counted in d->nbad.  Writes
 * the file's SHA-256 to sha.  Returns 0, or -1 with err set: AAP_EDATA
 * when the file is not CSV or lacks a column, AAP_ESYS. */
int decisions_read(struct decisions *d, size_t napps, marks_lookup_fn lookup,
		   void *lookup_ctx, char sha[65], struct diag *err);

/* Checks each good line against the proposal in v (one per application
 * of the batch): whether its action is allowed for the proposed decision
 * and a reduction is below the proposed award.  Bad lines are kept and
 * counted as by decisions_read.  Returns 0, or -1 (memory). */
int decisions_check(struct decisions *d, const struct decisions_app *v);

/* Marks each application a line excludes as SCORE_EXCLUDED in v (its
 * award is kept, to be freed by decisions_apply).  Returns how many. */
size_t decisions_exclude(const struct decisions *d, struct decisions_app *v);

/* Applies d, whose lines are all good, to v: order holds the m ranked
 * applications (excluded ones left out) in rank order, left what the
 * proposal left of the envelope.  Sets each application's decided dec,
 * award, by and freed, and *left.  A promotion the money left does not
 * cover is a bad line (counted).  Returns 0, or -1 (memory). */
int decisions_apply(struct decisions *d, const struct criteria *k,
		    struct decisions_app *v, const size_t *order, size_t m,
		    int64_t *left);

/* Sends the message of every bad line to sink, in line order, as an
 * error at the file's path and the line. */
void decisions_report(const struct decisions *d, const struct diag_sink *sink);

/* Appends to b what decided application p: its line as NAME:LINE, or
 * "freed", or "ranking" (columns.h).  Returns 0 or -1 (memory). */
int decisions_by(const struct decisions *d, const struct decisions_app *p,
		 struct sbuf *b);

/* The justification of the line that decided p, "" when none (owned by
 * d). */
const char *decisions_reason(const struct decisions *d,
			     const struct decisions_app *p);

#endif
