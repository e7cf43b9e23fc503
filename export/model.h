/* model.h - the batch as the committee's documents show it, one model for
 * every format: the stream read record by record, each value of a shown
 * column turned into a typed cell (text, exact number, date, words), and
 * the provenance and totals of the batch. */
#ifndef MODEL_H
#define MODEL_H

#include <stddef.h>

#include "prov.h"
#include "reader.h"
#include "sbuf.h"
#include "stage.h"

struct call;
struct diag;
struct labels;
struct notes;
struct stream_in;

/* What a column of the ranking holds. */
enum model_kind {
	MODEL_TEXT,      /* text as it is, identifiers included */
	MODEL_NUMBER,    /* an exact decimal (integer, score, decimal) */
	MODEL_MONEY,     /* an amount in cents, two decimals */
	MODEL_DATE,      /* a date, or the date a datetime states */
	MODEL_DECISION,  /* a decision code, shown in words */
	MODEL_REASON,    /* a rank reason, shown in words */
	MODEL_YESNO,     /* admissible yes/no, in words */
	MODEL_FINDINGS,  /* the findings list, in words */
	MODEL_DECIDED_BY /* what decided it (aap-score --decisions), in words */
};

/* One column of the ranking. */
struct model_col {
	long idx;              /* its index in the stream's header */
	enum model_kind kind;  /* how its values are shown */
	char *header;          /* its header in words; owned */
};

/* What a cell holds once typed. */
enum model_cell_type {
	CELL_EMPTY,  /* nothing */
	CELL_TEXT,   /* text: never a number or a formula */
	CELL_NUMBER, /* units / 10^scale, exactly */
	CELL_DATE    /* y-m-d */
};

/* One typed value. */
struct model_cell {
	enum model_cell_type type; /* which of the fields below hold */
	const char *text;          /* CELL_TEXT: the bytes (not NUL-ended) */
	size_t len;                /* CELL_TEXT: how many */
	long long units;           /* CELL_NUMBER: the value in units */
	unsigned scale;            /* CELL_NUMBER: decimals */
	int money;                 /* CELL_NUMBER: 1 for an amount */
	int y, m, d;               /* CELL_DATE */
};

/* One file a stage read, from its '#stage' line. */
struct model_file {
	char *role;   /* call, reviews, consensus, conflicts; owned */
	char *name;   /* base name; owned */
	char *sha256; /* hex digest; owned */
};

/* One '#stage' line. */
struct model_stage {
	char *name;               /* aap-ingest, ...; owned */
	char *version;            /* owned */
	struct model_file *files; /* files it read, in order; owned */
	size_t nfiles;            /* how many */
};

/* The batch being read. */
struct model {
	struct call *call;            /* the call; not owned */
	const struct labels *lab;     /* the words; not owned */
	struct stage_input src;       /* the stream, checked to be of call */
	struct model_col *cols;       /* the ranking's columns; owned */
	size_t ncols;                 /* how many */
	long c_id;                    /* application_id */
	long c_applicant;             /* the applicant's name, or -1 */
	long c_title;                 /* the project's title, or -1 */
	long c_findings;              /* findings, or -1 */
	long c_admissible;            /* admissible, or -1 */
	long c_decision;              /* decision, or -1 (not scored) */
	long c_decided_by;            /* decided_by, or -1 (no --decisions) */
	long c_decision_reason;       /* decision_reason, or -1 */
	const struct notes *decisions; /* the committee's decisions file
					 (aap-export --decisions), or NULL;
					 not owned */
	struct model_stage *stages;   /* the '#stage' lines; owned */
	size_t nstages;               /* how many */
	unsigned long long funded;    /* records read with decision funded */
	unsigned long long reserve;   /* with decision reserve */
	long long latest;             /* latest instant of a datetime value
					 read, seconds since 1970; 0 none */
	struct prov_line trailer;     /* after the end: the trailer parsed */
	char digest[65];              /* after the end: the input's SHA-256 */
	struct sbuf scratch;          /* for keys of labels */
};

/* Opens the stream at path (NULL or "-": standard input) for call, in
 * the words of lab: reads its provenance and header, checks it is a
 * stream of that call, and sets the ranking's columns.  check: 0 for
 * --no-truncation-check.  Returns 0, or -1 with err set (AAP_ESYS when
 * it cannot be opened or memory ran out, AAP_EDATA when it is not a
 * stream of the call).  Close m with model_close in either case. */
int model_open(struct model *m, struct call *call, const struct labels *lab,
	       const char *path, int check, struct diag *err);

/* Reads the next record (see stream_in_next); at READ_END the trailer's
 * tokens and the digest are in m. */
enum read_result model_next(struct model *m, struct diag *err);

/* The record last read. */
const struct record *model_record(const struct model *m);

/* Field idx of the record last read, its length in *n; "" for idx < 0. */
const char *model_field(const struct model *m, long idx, size_t *n);

/* Types the value of the record last read in column c into *cell; words
 * (decisions, reasons, findings) are written into buf, which the cell
 * then points into.  Returns 0, or -1 when memory ran out. */
int model_cell(struct model *m, const struct model_col *c,
	       struct model_cell *cell, struct sbuf *buf);

/* Appends the findings list s (n bytes) in words to out, one item per
 * line when sep is "\n" or separated by sep.  Items: "severity: finding
 * (field, detail)".  Returns 0 or -1. */
int model_findings_words(struct model *m, const char *s, size_t n,
			 const char *sep, struct sbuf *out);

/* Appends to out, in words, what decided an application whose decided_by
 * is s (n bytes): the ranking, the money the committee freed, or the
 * committee's line (its file and line, and with m->decisions its action
 * and author).  Returns 0 or -1. */
int model_decided_words(struct model *m, const char *s, size_t n,
			struct sbuf *out);

/* 1 when the decided_by value s (n bytes) names a line of the committee's
 * decisions file. */
int model_decided_by_committee(const char *s, size_t n);

/* One item of a findings list, split. */
struct model_finding {
	const char *severity, *code, *field, *detail; /* NUL-ended, in buf */
};

/* Splits the next item of the findings list at *s (n bytes left in *n)
 * into *f, using buf for its strings; advances *s and *n.  Returns 1 when
 * an item was read, 0 at the end, -1 when memory ran out. */
int model_finding_next(const char **s, size_t *n, struct model_finding *f,
		       struct sbuf *buf);

/* After the end: the decoded value of the trailer's token key
 * (PROV_ENVELOPE, PROV_GRANTED, ...), or NULL when it has none.  Owned by
 * m. */
const char *model_trailer(const struct model *m, enum prov_key key);

/* Parses the exact decimal at s (n bytes: [-]digits[.digits], at most 18
 * digits) into *units and *scale.  Returns 0, or -1 when it is not one. */
int model_decimal(const char *s, size_t n, long long *units, unsigned *scale);

/* Appends units / 10^scale with a decimal comma ("-12,50"), never through
 * the locale.  Returns 0 or -1. */
int model_french_number(struct sbuf *out, long long units, unsigned scale);

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
long long model_days(int y, int m, int d);

/* Frees what m holds and closes its input. */
void model_close(struct model *m);

#endif
