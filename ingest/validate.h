/* validate.h - admissibility: every application checked against the
 * call's rules (rules.csv), its findings completed and sorted, and an
 * `admissible` column added to the stream. */
#ifndef VALIDATE_H
#define VALIDATE_H

#include <stddef.h>

struct call;
struct diag;
struct diag_sink;
struct sbuf;

/* What to validate and how. */
struct validate_opts {
	struct call *call;            /* the call, loaded; validate_run adds
					 rules.csv to its files */
	const char *input;            /* input path, NULL or "-" for stdin */
	const char *rejects;          /* --rejects report path, or NULL */
	int check;                    /* 0: --no-truncation-check */
	int plain;                    /* write bare CSV */
	const struct diag_sink *sink; /* the closing summary */
};

/* Loads the call's rules, then reads the stream and writes it with every
 * finding added and the `admissible` column; with o->rejects, writes the
 * report of findings there.  When some applications are not admissible,
 * reports "N of M applications are not admissible" to o->sink at the end.
 * Returns 0 when the output was written whole, or -1 with err set:
 * AAP_EUSAGE for bad rules or a pattern that proved unsafe, AAP_EDATA for
 * an unusable stream, AAP_ESYS for I/O or memory; no trailer then. */
int validate_run(const struct validate_opts *o, struct diag *err);

/* Appends cell (n bytes) to out neutralised for a spreadsheet, as OWASP
 * recommends against CSV injection: a cell that begins with '=', '+',
 * '-', '@', a tab or a CR gets a leading "'"; its control characters
 * but LF made visible (visible_add, VISIBLE_HEX).  Returns 0 or -1. */
int validate_neutralise(const char *cell, size_t n, struct sbuf *out);

#endif
