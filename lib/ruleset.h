/* ruleset.h - the admissibility rules of a call (rules.csv, docs/config.md)
 * as a table: read, checked and compiled once, before any data is read, for
 * every stage that reads them (aap-validate applies them, aap-score takes
 * its unique keys from them). */
#ifndef RULESET_H
#define RULESET_H

#include <stddef.h>

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

#include "call.h"
#include "checksum.h"

struct diag;

/* Numbers are compared as value × 10^9. */
#define RULESET_SCALE 1000000000

/* Exact numbers wide enough for 15 integer digits, 9 decimals and one
 * product of two of them. */
__extension__ typedef __int128 ruleset_wide;

/* The kinds of rule. */
enum ruleset_kind {
	RULESET_REQUIRED,
	RULESET_MIN,
	RULESET_MAX,
	RULESET_ALLOWED,
	RULESET_PATTERN,
	RULESET_CHECKSUM,
	RULESET_UNIQUE,
	RULESET_REGION,
	RULESET_MAX_SHARE,
	RULESET_NOT_AFTER,
	RULESET_NOT_ABOVE
};

/* A set of strings, for allowed values and départements. */
struct ruleset_set {
	char **v;  /* the strings, owned */
	size_t n;  /* how many */
};

/* A value that can be ordered: a number, a date or a date and time. */
struct ruleset_ord {
	int num;          /* 1: a number (num), 0: a date or datetime */
	ruleset_wide v;   /* number × 10^9 */
	long long days;   /* calendar day as written, days since 1970-01-01 */
	long long secs;   /* local time as written, seconds since 1970 */
	int time;         /* 1: a datetime, 0: a date */
	int has_off;      /* the datetime has an offset */
	long long off;    /* the offset, seconds east of UTC */
};

/* One row of rules.csv, compiled. */
struct ruleset_rule {
	enum ruleset_kind kind;
	size_t field;           /* the field the rule is about */
	long other;             /* the other field, or -1 */
	int error;              /* 1: error, 0: warning */
	long when;              /* the field of the condition, or -1 */
	struct ruleset_set when_in; /* the values for which the rule applies */
	char *when_text;        /* the when cell, for duplicate rules */
	char *value;            /* the value cell */
	char *message;          /* the message cell, "" for the default */
	unsigned long line;     /* its line in rules.csv */
	struct ruleset_ord bound; /* min, max */
	ruleset_wide rate;      /* max_share, × 10^9 */
	char share[16];         /* max_share, the rate's normal form */
	struct ruleset_set set; /* allowed values, départements of region */
	pcre2_code *re;         /* pattern, compiled without JIT */
	checksum_fn sum;        /* checksum */
};

/* The rules of a call. */
struct ruleset {
	const struct call *call;   /* the call, which outlives the ruleset */
	char *path;                /* rules.csv as named in messages; NULL
				      when the call has none */
	struct ruleset_rule *rule; /* the rules, in file order */
	size_t n;                  /* how many */
};

/* Reads and compiles the rules of call c from its rules.csv, recorded
 * among c's files for the provenance; a call without rules.csv has none.
 * Returns 0 with *out set (owned by the caller, free with ruleset_free),
 * or -1 with err set: AAP_EUSAGE for a table that is wrong or a pattern
 * that does not compile (rules.csv and the line named), AAP_ESYS for I/O
 * or memory. */
int ruleset_load(struct call *c, struct ruleset **out, struct diag *err);

/* Frees rs; ruleset_free(NULL) does nothing. */
void ruleset_free(struct ruleset *rs);

/* Returns the name of kind k in the rule column ("min", ...). */
const char *ruleset_kind_name(enum ruleset_kind k);

/* Returns 1 when the n bytes at p are one of the strings of s. */
int ruleset_set_has(const struct ruleset_set *s, const char *p, size_t n);

/* Reads a normal decimal "-?[0-9]+(\.[0-9]+)?" into *v = value × 10^9;
 * decimals beyond the ninth must be zeros.  Returns 0 or -1. */
int ruleset_parse_num(const char *s, size_t n, ruleset_wide *v);

/* Reads the normal form s (n bytes) of a field of type t into o.
 * Returns 0, or -1 when it is not one or t is not ordered. */
int ruleset_ord_of(enum field_type t, const char *s, size_t n,
		   struct ruleset_ord *o);

/* Compares two values of the same family: <0, 0, >0.  A date and a
 * datetime compare on the day the datetime states; two datetimes on their
 * UTC instant when both have an offset, else on the local times as
 * written. */
int ruleset_ord_cmp(const struct ruleset_ord *a, const struct ruleset_ord *b);

#endif
