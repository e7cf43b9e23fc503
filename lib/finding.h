/* finding.h - the findings of the stream (docs/findings.md): the one table
 * of finding codes, and the one way to write and to read an item
 * SEVERITY:CODE[:FIELD[:DETAIL]] of a findings list (items joined by ';'). */
#ifndef FINDING_H
#define FINDING_H

#include <stddef.h>

#include "sbuf.h"

struct call;

/* Every finding code a stage writes; finding_name gives its spelling. */
enum finding_code {
	FINDING_FIELD_COUNT,
	FINDING_BAD_QUOTE,
	FINDING_BAD_NUMBER,
	FINDING_AMBIGUOUS_NUMBER,
	FINDING_TOO_PRECISE,
	FINDING_OUT_OF_RANGE,
	FINDING_SCIENTIFIC_NOTATION,
	FINDING_BAD_DATE,
	FINDING_BAD_DATETIME,
	FINDING_BAD_BOOLEAN,
	FINDING_BAD_LIST,
	FINDING_BAD_ENCODING,
	FINDING_BAD_TYPE,
	FINDING_MISSING,
	FINDING_BELOW_MIN,
	FINDING_ABOVE_MAX,
	FINDING_NOT_ALLOWED,
	FINDING_NO_MATCH,
	FINDING_TOO_LONG,
	FINDING_BAD_CHECKSUM,
	FINDING_DUPLICATE,
	FINDING_OUTSIDE_REGION,
	FINDING_UNKNOWN_LOCATION,
	FINDING_SHARE_ABOVE_MAX,
	FINDING_AFTER,
	FINDING_ABOVE,
	FINDING_UNREADABLE,
	FINDING_FUNDED_EARLIER,
	FINDING_NCODES /* how many codes; not a code */
};

/* The severities, as the error flag of an item says them. */
#define FINDING_WARNING 0
#define FINDING_ERROR 1

/* What an item of a code is about. */
enum finding_subject {
	FINDING_RECORD,      /* the record as a whole: no FIELD */
	FINDING_FIELD,       /* always a field */
	FINDING_FIELD_IF_ANY /* a field when the place found maps to one */
};

/* The stages that write a code (a set of these bits). */
#define FINDING_BY_INGEST 1u
#define FINDING_BY_VALIDATE 2u
#define FINDING_BY_SCORE 4u

/* One code of the table. */
struct finding_def {
	const char *code;              /* stable spelling, [a-z0-9_]+ */
	int error;                     /* default severity: FINDING_ERROR or
					  FINDING_WARNING */
	enum finding_subject subject;  /* whether it concerns a field */
	unsigned stages;               /* FINDING_BY_* of the stages writing it */
	const char *meaning;           /* what it means, in English words */
	const char *message;           /* the message for people an item
					  without its own gets, or NULL */
};

/* One item of a findings list, as finding_parse splits it.  The pointers
 * point into the parsed text; a part that is absent has length 0 (and
 * points at the item's end). */
struct finding_item {
	const char *item;   /* the whole item */
	size_t len;         /* its length */
	size_t sev_len;     /* SEVERITY: the bytes before the first ':', or
			       the whole item when it has none */
	int error;          /* 1: SEVERITY is "error" */
	const char *code;   /* CODE */
	size_t code_len;
	const char *field;  /* FIELD */
	size_t field_len;
	const char *detail; /* DETAIL: the rest, whatever it holds */
	size_t detail_len;
};

/* Returns the table's row of code (static, never NULL for a code of the
 * enum). */
const struct finding_def *finding_def(enum finding_code code);

/* Returns the spelling of code (static). */
const char *finding_name(enum finding_code code);

/* Returns the row of the code spelt by the n bytes at s, or NULL when the
 * table has no such code. */
const struct finding_def *finding_lookup(const char *s, size_t n);

/* Appends to out the item "SEVERITY:CODE[:FIELD[:DETAIL]]": SEVERITY is
 * "error" when error is FINDING_ERROR, "warning" when FINDING_WARNING;
 * field NULL for an item about the record as a whole; detail NULL or ""
 * for none.  No separator is written.  Returns 0, or -1 when memory ran
 * out. */
int finding_write(struct sbuf *out, int error, enum finding_code code,
		  const char *field, const char *detail);

/* Appends the item as finding_write does to the findings list in list,
 * after a ';' when the list is not empty.  Returns 0 or -1 (memory). */
int finding_add(struct sbuf *list, int error, enum finding_code code,
		const char *field, const char *detail);

/* Appends the findings list items (n bytes) to the findings list in list,
 * with a ';' between them when both are non-empty.  Returns 0 or -1
 * (memory). */
int finding_join(struct sbuf *list, const char *items, size_t n);

/* Splits the item s (n bytes, no ';') into *it.  Never fails: whatever s
 * holds is split at its first three ':'. */
void finding_parse(const char *s, size_t n, struct finding_item *it);

/* Reads the next non-empty item of the findings list s (n bytes) from
 * *pos, which starts at 0, into *it, and moves *pos past it.  Returns 1,
 * or 0 when the list has no more items. */
int finding_next(const char *s, size_t n, size_t *pos,
		 struct finding_item *it);

/* Returns the rank of the item's field in the order of a findings list:
 * 0 for an item about the record as a whole, 1 + i for field i of the
 * call c, c->nfields + 1 for a field c lacks. */
size_t finding_rank(const struct finding_item *it, const struct call *c);

/* Compares the items a and b, whose fields have the ranks ra and rb
 * (finding_rank), in the one order of a findings list (docs/stream.md):
 * by rank, then field, code, detail, and last the whole item, all as
 * bytes.  Returns < 0, 0 (the same bytes) or > 0. */
int finding_cmp(const struct finding_item *a, size_t ra,
		const struct finding_item *b, size_t rb);

/* Puts the items of the findings list in list in the order of
 * finding_cmp, fields ranked by the call c, each item once.  Returns 0,
 * or -1 when memory ran out (list is then unchanged). */
int finding_sort(struct sbuf *list, const struct call *c);

/* Appends to out the message for people an item with code (n bytes at s)
 * gets when it carries none: the table's, else "finding CODE".  Returns 0
 * or -1 (memory). */
int finding_default_message(const char *s, size_t n, struct sbuf *out);

#endif
