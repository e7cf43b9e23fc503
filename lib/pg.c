/* pg.c - libpq helpers: connect, execute, COPY, server errors. */
#include <string.h>

#include "aap.h"
#include "diag.h"
#include "pg.h"

/* Copies the text of libpq's message without its final newline. */
static void strip(char *dst, size_t cap, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	while (n > 0 && (src[n - 1] == '\n' || src[n - 1] == ' '))
		n--;
	if (n >= cap)
		n = cap - 1;
	if (n > 0)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

int pg_error(PGconn *c, const PGresult *r, char *state, struct diag *err)
{
	const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *code = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	char text[DIAG_TEXT_MAX];

	if (state != NULL) {
		memset(state, 0, 6);
		if (code != NULL)
			memcpy(state, code, strlen(code) < 5 ? strlen(code) : 5);
	}
	strip(text, sizeof(text), primary ? primary : PQerrorMessage(c));
	if (text[0] == '\0')
		strip(text, sizeof(text), "the server connection failed");
	diag_set(err, AAP_EDB, NULL, 0, "database: %s", text);
	if (r != NULL && PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) != NULL) {
		strip(text, sizeof(text), PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL));
		diag_detail(err, "%s", text);
	}
	if (r != NULL && PQresultErrorField(r, PG_DIAG_MESSAGE_HINT) != NULL) {
		strip(text, sizeof(text), PQresultErrorField(r, PG_DIAG_MESSAGE_HINT));
		diag_hint(err, "%s", text);
	}
	return -1;
}

PGconn *pg_connect(const char *conninfo, struct diag *err)
{
	PGconn *c = PQconnectdb(conninfo ? conninfo : "");
	char text[DIAG_TEXT_MAX];

	if (c == NULL) {
		diag_set(err, AAP_EDB, NULL, 0, "could not connect to the database: out of memory");
		return NULL;
	}
	if (PQstatus(c) != CONNECTION_OK) {
		strip(text, sizeof(text), PQerrorMessage(c));
		diag_set(err, AAP_EDB, NULL, 0, "could not connect to the database: %s", text);
		diag_hint(err, "the connection comes from --db or the PG* environment "
			       "variables (PGHOST, PGPORT, PGDATABASE, PGUSER, "
			       "PGSERVICE); passwords from ~/.pgpass");
		PQfinish(c);
		return NULL;
	}
	PQsetClientEncoding(c, "UTF8");
	return c;
}

PGresult *pg_exec(PGconn *c, const char *sql, int nparams,
		  const char *const *params, char *state, struct diag *err)
{
	PGresult *r = PQexecParams(c, sql, nparams, NULL, params, NULL, NULL, 0);
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;

	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return r;
	pg_error(c, r, state, err);
	PQclear(r);
	return NULL;
}

int pg_run(PGconn *c, const char *sql, char *state, struct diag *err)
{
	PGresult *r = pg_exec(c, sql, 0, NULL, state, err);

	if (r == NULL)
		return -1;
	PQclear(r);
	return 0;
}

int pg_copy_begin(PGconn *c, const char *sql, struct diag *err)
{
	PGresult *r = PQexec(c, sql);
	int rc = 0;

	if (r == NULL || PQresultStatus(r) != PGRES_COPY_IN)
		rc = pg_error(c, r, NULL, err);
	PQclear(r);
	return rc;
}

int pg_copy_send(PGconn *c, const void *p, size_t n, struct diag *err)
{
	if (n > 0x7fffffff || PQputCopyData(c, p, (int)n) != 1)
		return pg_error(c, NULL, NULL, err);
	return 0;
}

long long pg_copy_end(PGconn *c, const char *why, char *state,
		      struct diag *err)
{
	PGresult *r;
	long long rows = -1;
	const char *t;

	if (PQputCopyEnd(c, why) != 1) {
		if (why == NULL)
			pg_error(c, NULL, state, err);
		return -1;
	}
	while ((r = PQgetResult(c)) != NULL) {
		if (PQresultStatus(r) == PGRES_COMMAND_OK && why == NULL) {
			rows = 0;
			for (t = PQcmdTuples(r); *t >= '0' && *t <= '9'; t++)
				rows = rows * 10 + (*t - '0');
		} else if (why == NULL && rows < 0) {
			pg_error(c, r, state, err);
		}
		PQclear(r);
	}
	return why == NULL ? rows : -1;
}
