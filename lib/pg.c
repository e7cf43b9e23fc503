/* pg.c - libpq helpers: connect, execute, COPY, server errors. */
#include <stdio.h>
#include <string.h>

#include "aap.h"
#include "diag.h"
#include "i18n.h"
#include "pg.h"

/* Copies the text of libpq's message without its final newline, each
 * line break within it (and the tabs after it) made one space. */
static void strip(char *dst, size_t cap, const char *src)
{
	size_t n = src ? strlen(src) : 0, i, k = 0;

	while (n > 0 && (src[n - 1] == '\n' || src[n - 1] == ' '))
		n--;
	for (i = 0; i < n && k + 1 < cap; i++) {
		if (src[i] == '\n') {
			while (i + 1 < n && src[i + 1] == '\t')
				i++;
			dst[k++] = ' ';
		} else {
			dst[k++] = src[i];
		}
	}
	dst[k] = '\0';
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

/* The beginnings of libpq's messages for a connection string it cannot
 * parse, and what to say instead: libpq's own quote the string, and with
 * it, it may be, part of a password. */
static const struct {
	const char *libpq; /* how libpq's message begins */
	const char *say;   /* what is wrong, quoting nothing */
} parse_errors[] = {
	{ "missing \"=\" after", N_("a word is not followed by \"=\"") },
	{ "invalid connection option", N_("a keyword is not one of libpq's") },
	{ "unterminated quoted string", N_("a quoted value has no closing quote") },
	{ "invalid percent-encoded token",
	  /* xgettext:no-c-format */
	  N_("a '%' is not followed by two hex digits") },
	{ "forbidden value %00", N_("a value holds %00") },
	{ "end of string reached when looking for matching \"]\"",
	  N_("an IPv6 host address has no closing \"]\"") },
	{ "IPv6 host address may not be empty", N_("an IPv6 host address is empty") },
	{ "unexpected character", N_("the URI has a character out of place") },
	{ "extra key/value separator", N_("a URI parameter has two \"=\"") },
	{ "missing key/value separator", N_("a URI parameter has no \"=\"") },
	{ "invalid URI query parameter", N_("a URI parameter is not one of libpq's") },
};

/* What libpq's parse message msg (may be NULL) means, quoting nothing. */
static const char *parse_error(const char *msg)
{
	size_t i;

	for (i = 0; msg != NULL && i < sizeof(parse_errors) / sizeof(*parse_errors); i++)
		if (strncmp(msg, parse_errors[i].libpq,
			    strlen(parse_errors[i].libpq)) == 0)
			return _(parse_errors[i].say);
	return _("libpq cannot parse it");
}

int pg_conninfo_check(const char *conninfo, struct diag *err)
{
	char *msg = NULL;
	PQconninfoOption *o;

	if (conninfo == NULL || conninfo[0] == '\0')
		return 0;
	o = PQconninfoParse(conninfo, &msg);
	if (o != NULL) {
		PQconninfoFree(o);
		return 0;
	}
	if (msg == NULL)
		return diag_oom(err);
	diag_set(err, AAP_EUSAGE, NULL, 0,
		 "the connection string is malformed: %s", parse_error(msg));
	PQfreemem(msg);
	diag_hint(err, "a value holding spaces or quotes goes between single "
		       "quotes, or is percent-encoded in a URI; the password is "
		       "best in ~/.pgpass, never in --db");
	return -1;
}

int pg_conninfo_password(const char *conninfo, struct diag *warn)
{
	PQconninfoOption *o, *i;
	int found = 0;

	if (conninfo == NULL || conninfo[0] == '\0' ||
	    (o = PQconninfoParse(conninfo, NULL)) == NULL)
		return 0;
	for (i = o; i->keyword != NULL; i++)
		if (strcmp(i->keyword, "password") == 0 && i->val != NULL &&
		    i->val[0] != '\0')
			found = 1;
	PQconninfoFree(o);
	if (!found)
		return 0;
	diag_set(warn, AAP_EUSAGE, NULL, 0, "--db holds a password, which "
		 "any user of this machine can read on the command line");
	diag_hint(warn, "put the password in the password file (~/.pgpass) "
		  "or in a service file (--db service=NAME)");
	warn->warning = 1;
	return 1;
}

/* Has libpq's own messages (text domain "libpq5-<major>") come in UTF-8
 * like aap's: LC_CTYPE stays "C" (lib/i18n.c), and without this gettext
 * would turn their accented letters into '?'. */
static void pq_messages_utf8(void)
{
	char domain[32];

	snprintf(domain, sizeof(domain), "libpq5-%d", PQlibVersion() / 10000);
	(void)bind_textdomain_codeset(domain, "UTF-8");
}

PGconn *pg_connect(const char *conninfo, struct diag *err)
{
	PGconn *c;
	char text[DIAG_TEXT_MAX];

	/* libpq's own message for a malformed string quotes it: it is
	 * parsed here first, and said without it. */
	if (pg_conninfo_check(conninfo, err) < 0)
		return NULL;
	pq_messages_utf8();
	c = PQconnectdb(conninfo ? conninfo : "");
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
