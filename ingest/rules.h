/* rules.h - the admissibility rules of a call (rules.csv, docs/config.md):
 * loaded and compiled once, before any data is read, then checked against
 * one record at a time, every problem added to a list of findings. */
#ifndef RULES_H
#define RULES_H

#include <stddef.h>

#include "finding.h"
#include "sbuf.h"

struct call;
struct diag;
struct rules;

/* Longest value a pattern is matched against; a longer one is a
 * finding (too_long), never matched. */
#define RULES_SUBJECT_MAX ((size_t)64 << 10)

/* One item of a findings list, "SEVERITY:CODE[:FIELD[:DETAIL]]".  Every
 * part is an offset and a length in the list's text. */
struct rules_finding {
	size_t off, len;               /* the whole item */
	size_t code_off, code_len;     /* CODE */
	size_t field_off, field_len;   /* FIELD; length 0 when none */
	size_t detail_off, detail_len; /* DETAIL; length 0 when none */
	size_t msg_off, msg_len;       /* a message for people; length 0:
					  rules_finding_message's default */
	size_t rank;    /* finding_rank of its field (the sort key) */
	int error;      /* 1: SEVERITY is "error" */
};

/* The findings of one record.  Reset and reused from record to record, so
 * the hot path allocates nothing once the buffers have grown. */
struct rules_findings {
	struct sbuf text;              /* the items and messages */
	struct rules_finding *item;    /* the items */
	size_t n;                      /* how many */
	size_t cap;                    /* slots in item */
	int messages;                  /* 1: rules write messages (for
					  --rejects), 0: they need not */
};

/* A record as the rules see it. */
struct rules_record {
	const char *const *val;  /* value of each field of the call, in the
				    call's order (application_id first) */
	const size_t *len;       /* their lengths */
	const char *file;        /* source_file, "" when unknown */
	unsigned long line;      /* source_line, or the stream's line */
};

/* Loads and compiles the rules of call c from its rules.csv, recorded
 * among c's files for the provenance; a call without rules.csv has no
 * rules besides the type of each field.  Returns 0 with *out set (owned
 * by the caller, free with rules_free), or -1 with err set: AAP_EUSAGE for
 * a table that is wrong or a pattern that does not compile (rules.csv and
 * the line named), AAP_ESYS for I/O or memory.  c must outlive *out. */
int rules_load(struct call *c, struct rules **out, struct diag *err);

/* Frees r; rules_free(NULL) does nothing. */
void rules_free(struct rules *r);

/* Checks rec against every rule of r, and each non-empty value against
 * the normal form of its field's type, unless f already holds an error
 * about that field (a value aap-ingest could not normalise).  Adds what
 * it finds to f.  Returns 0, or -1 with err set: AAP_EUSAGE when a
 * pattern hits a bound of the matcher (the rule is unsafe: rules.csv and
 * its line named, with the application and field), AAP_ESYS when memory
 * ran out. */
int rules_check(struct rules *r, const struct rules_record *rec,
		struct rules_findings *f, struct diag *err);

/* Makes f empty; messages: whether rules write messages. */
void rules_findings_init(struct rules_findings *f, int messages);

/* Frees what f holds. */
void rules_findings_fini(struct rules_findings *f);

/* Empties f, keeping its memory. */
void rules_findings_reset(struct rules_findings *f);

/* Adds the items of the findings column s (n bytes, items separated by
 * ';') to f, fields ranked by their order in c.  Returns 0, or -1 when
 * memory ran out. */
int rules_findings_parse(struct rules_findings *f, const struct call *c,
			 const char *s, size_t n);

/* Adds the item of code (finding_write) to f: error 1 for an error, 0
 * for a warning; field is the index of a field of c or -1 for the record
 * as a whole, detail may be NULL, msg (msglen bytes) may be NULL for the
 * default.  Returns 0 or -1 (memory). */
int rules_findings_add(struct rules_findings *f, const struct call *c,
		       int error, enum finding_code code, long field,
		       const char *detail, const char *msg, size_t msglen);

/* Sorts f in the order of finding_cmp (finding.h), the order of every
 * findings list, and removes exact duplicates. */
void rules_findings_sort(struct rules_findings *f);

/* Appends the items of f, joined by ';', to out.  Returns 0 or -1. */
int rules_findings_format(const struct rules_findings *f, struct sbuf *out);

/* Returns 1 when f holds an error item. */
int rules_findings_has_error(const struct rules_findings *f);

/* Appends to out the message of item i of f for people: the one the rule
 * wrote, or the default of its code.  Returns 0 or -1 (memory). */
int rules_finding_message(const struct rules_findings *f, size_t i,
			  struct sbuf *out);

#endif
