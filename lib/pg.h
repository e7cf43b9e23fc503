/* pg.h - PostgreSQL through libpq: connecting by libpq's conventions,
 * running statements, COPY, and turning server errors into diagnostics
 * that never echo a connection string or a password. */
#ifndef PG_H
#define PG_H

#include <stddef.h>

#include <libpq-fe.h>

struct diag;

/* Checks conninfo (NULL or "": nothing to check) with libpq's parser,
 * without connecting.  Returns 0, or -1 with err set: AAP_EUSAGE for a
 * malformed string, said without quoting any part of it; AAP_ESYS when
 * memory ran out. */
int pg_conninfo_check(const char *conninfo, struct diag *err);

/* Looks with libpq's parser for a password in conninfo (a keyword or a
 * URI's user:password).  Returns 1 and fills warn with a warning that
 * names no part of it, or 0 (none, NULL, "" or malformed: see
 * pg_conninfo_check). */
int pg_conninfo_password(const char *conninfo, struct diag *warn);

/* Connects with conninfo (NULL or "": libpq's PG* environment, service
 * file and password file), checked first by pg_conninfo_check.  Returns
 * the connection, owned by the caller (PQfinish), or NULL with err set
 * (AAP_EDB, or as pg_conninfo_check). */
PGconn *pg_connect(const char *conninfo, struct diag *err);

/* Runs sql with the nparams text parameters (may be NULL for SQL NULL).
 * Returns the result (PQclear it), or NULL with err set (AAP_EDB, the
 * server's message, detail and hint, and its SQLSTATE in *state when
 * state is not NULL: 6 bytes). */
PGresult *pg_exec(PGconn *c, const char *sql, int nparams,
		  const char *const *params, char *state, struct diag *err);

/* Runs sql, which returns no rows.  Returns 0, or -1 as pg_exec. */
int pg_run(PGconn *c, const char *sql, char *state, struct diag *err);

/* Starts COPY ... FROM STDIN given by sql.  Returns 0 or -1 with err. */
int pg_copy_begin(PGconn *c, const char *sql, struct diag *err);

/* Sends n bytes of COPY data.  Returns 0 or -1 with err (the server went
 * away). */
int pg_copy_send(PGconn *c, const void *p, size_t n, struct diag *err);

/* Ends the COPY: normally (why == NULL) or aborting it with why.  Returns
 * the number of rows the server counted, or -1 with err set (for an
 * abort, err is left alone and -1 returned). */
long long pg_copy_end(PGconn *c, const char *why, char *state,
		      struct diag *err);

/* Fills err from a failed result or the connection's last error. */
int pg_error(PGconn *c, const PGresult *r, char *state, struct diag *err);

#endif
