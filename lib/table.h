/* table.h - the plain text tables of a call folder: CSV with a header,
 * '#' comment lines and blank lines allowed, cells trimmed. */
#ifndef TABLE_H
#define TABLE_H

#include <stddef.h>

#include "digest.h"

struct diag;

/* One data row of a table. */
struct table_row {
	unsigned long line; /* line where the row starts in the file */
	char **cells;       /* one string per column, owned by the table */
};

/* A table read whole (call tables are small). */
struct table {
	char *path;          /* the path it was read from, for messages */
	char *name;          /* its base name */
	char sha256[DIGEST_HEX_LEN + 1]; /* digest of the file's bytes */
	unsigned long header_line; /* line of the header */
	size_t ncols;        /* columns in the header */
	char **cols;         /* column names */
	size_t nrows;        /* data rows */
	struct table_row *rows; /* the rows, in file order */
};

/* Reads the table at path.  Returns 0 with *out set (owned by the caller,
 * free with table_free), or -1 with err set: AAP_EUSAGE for a table that
 * is malformed (file and line named), AAP_ESYS when it cannot be read. */
int table_load(const char *path, struct table **out, struct diag *err);

/* Frees t; table_free(NULL) does nothing. */
void table_free(struct table *t);

/* Index of column name in t, or -1. */
long table_col(const struct table *t, const char *name);

/* Checks that t has each of the ncols columns in known, that those marked
 * required (need[i] != 0) are there, and that it has no other column.
 * Returns 0, or -1 with err set (AAP_EUSAGE). */
int table_expect(const struct table *t, const char *const *known,
		 const int *need, size_t ncols, struct diag *err);

#endif
