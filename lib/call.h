/* call.h - a call folder (docs/config.md): the call's settings and its
 * field table, loaded and checked before any data is read. */
#ifndef CALL_H
#define CALL_H

#include <stddef.h>

#include "digest.h"

struct diag;
struct table;

/* Types a field can have; each has its normal form (docs/config.md). */
enum field_type {
	FIELD_TEXT,
	FIELD_INTEGER,
	FIELD_DECIMAL,
	FIELD_MONEY,
	FIELD_RATE,
	FIELD_DATE,
	FIELD_DATETIME,
	FIELD_BOOLEAN,
	FIELD_ENUM,
	FIELD_LIST
};

/* What a field is for people, from fields.csv's role column: the
 * documents for the committee (aap-export) show the applicant's name, the
 * project's title, the fields marked show and the applicant's
 * identifiers; the open-data file (SCDL) takes its values from the roles.
 * Every role but show is given to one field at most. */
enum field_role {
	ROLE_NONE,         /* not shown */
	ROLE_APPLICANT,    /* the applicant's name */
	ROLE_TITLE,        /* the project's title */
	ROLE_SHOW,         /* shown beside them */
	ROLE_SIRET,        /* the applicant's SIRET; shown */
	ROLE_RNA,          /* an association's RNA number; shown */
	ROLE_ELIGIBLE_COST,/* the project's eligible cost */
	ROLE_PAYMENT_DATES /* the date or period of payment of the award */
};

/* One canonical field of the call. */
struct call_field {
	char *name;           /* canonical name, [a-z][a-z0-9_]* */
	enum field_type type; /* how values are normalised */
	int required;         /* 1: a source must have a column for it */
	enum field_role role; /* what it is for people */
	char **headers;       /* source header labels that map to it */
	size_t nheaders;      /* how many */
	unsigned long line;   /* its line in fields.csv */
};

/* A file of the call folder that was read, for provenance. */
struct call_file {
	char *name;                       /* base name */
	char sha256[DIGEST_HEX_LEN + 1];  /* digest of its bytes */
};

/* A loaded call. */
struct call {
	char *dir;                /* the folder as given */
	const char *id;           /* setting "id", owned by settings */
	const char *title;        /* setting "title", owned by settings */
	struct table *settings;   /* call.csv as read */
	struct call_field *fields;/* fields.csv; application_id first */
	size_t nfields;           /* how many */
	struct call_file *files;  /* files read, in reading order */
	size_t nfiles;            /* how many */
};

/* Loads the call folder dir: call.csv and fields.csv.  Returns 0 with
 * *out set (owned by the caller, free with call_free), or -1 with err set:
 * AAP_EUSAGE for a folder or table that is wrong (file and line named),
 * AAP_ESYS when a file cannot be read. */
int call_load(const char *dir, struct call **out, struct diag *err);

/* Loads the table name (a base name such as "rules.csv") of the call's
 * folder into *t (owned by the caller, free with table_free) and records
 * it among c->files, so the stage's '#stage' line names it with its
 * digest.  Returns 0, or -1 with err set as table_load does (a missing
 * file is AAP_EUSAGE). */
int call_table(struct call *c, const char *name, struct table **t,
	       struct diag *err);

/* Returns 1 when the call folder has a file called name. */
int call_has_table(const struct call *c, const char *name);

/* Frees c; call_free(NULL) does nothing. */
void call_free(struct call *c);

/* Returns the value of setting key, or NULL when the call does not set
 * it.  Owned by c. */
const char *call_setting(const struct call *c, const char *key);

/* Returns 1 when the documents for the committee show a field of role r
 * beside the applicant and the title (show, siret, rna), else 0. */
int call_role_shown(enum field_role r);


/* Returns 1 when s is an id as a call's or a cut-off's: [A-Za-z0-9._-]+,
 * else 0. */
int call_is_id(const char *s);

/* Returns 1 when the n bytes at s are a date YYYY-MM-DD that exists
 * (proleptic Gregorian), else 0. */
int call_is_date(const char *s, size_t n);

/* Returns 1 when the n bytes at s are a date or a period of dates,
 * YYYY-MM-DD or YYYY-MM-DD/YYYY-MM-DD, the second not before the first,
 * else 0. */
int call_is_period(const char *s, size_t n);

/* Returns the name of type t ("money", ...). */
const char *call_type_name(enum field_type t);

/* Returns the field named name, or NULL. */
const struct call_field *call_field_named(const struct call *c,
					  const char *name);

/* Returns the field with role (any but ROLE_NONE and ROLE_SHOW: one field
 * at most has it), or NULL when none has it. */
const struct call_field *call_field_with_role(const struct call *c,
					      enum field_role role);

/* Returns the index of the field whose name is the n bytes at name, or
 * -1 when the call has none. */
long call_field_index(const struct call *c, const char *name, size_t n);

#endif
