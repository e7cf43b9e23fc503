/* validate.h - admissibility: every application checked against the
 * call's rules, and an `admissible` column added to the stream. */
#ifndef VALIDATE_H
#define VALIDATE_H

#include <stddef.h>

struct call;
struct diag;
struct diag_sink;

/* What to validate and how. */
struct validate_opts {
	const struct call *call;      /* the call, loaded */
	const char *input;            /* input path, NULL or "-" for stdin */
	int check;                    /* 0: --no-truncation-check */
	int plain;                    /* write bare CSV */
	const struct diag_sink *sink; /* warnings */
};

/* Reads the stream, writes it with the `admissible` column.  Returns 0
 * when the output was written whole, or -1 with err set (AAP_EDATA for an
 * unusable stream, AAP_ESYS for I/O or memory); no trailer then. */
int validate_run(const struct validate_opts *o, struct diag *err);

/* Returns 1 when the findings list s (n bytes) holds an error. */
int validate_has_error(const char *s, size_t n);

#endif
