/* pull.c - a stored batch back out as the stream that was pushed: one
 * query gives every record's fields in the header's order, written in the
 * stream's canonical form and hashed as they go. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aap.h"
#include "columns.h"
#include "diag.h"
#include "io.h"
#include "mem.h"
#include "pg.h"
#include "pull.h"
#include "sbuf.h"
#include "writer.h"

int pull_begin(PGconn *db, struct diag *err)
{
	return pg_run(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
		      NULL, err);
}

/* A copy of column k of row i of r, or NULL when memory ran out. */
static char *value(const PGresult *r, int i, int k)
{
	return mem_strndup(PQgetvalue(r, i, k), (size_t)PQgetlength(r, i, k));
}

int pull_batch_load(PGconn *db, const char *batch_id, struct pull_batch *b,
		    struct diag *err)
{
	const char *params[1] = { batch_id };
	PGresult *r;
	char **dst[7];
	size_t k;

	memset(b, 0, sizeof(*b));
	r = pg_exec(db, "SELECT batch_id, call_id, tool_versions::text, header, "
		    "provenance, trailer, stream_sha256, record_count "
		    "FROM aap.batch WHERE batch_id = $1", 1, params, NULL, err);
	if (r == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return diag_set(err, AAP_EUSAGE, NULL, 0, "there is no batch "
				"\"%s\"", batch_id);
	}
	dst[0] = &b->batch_id;
	dst[1] = &b->call_id;
	dst[2] = &b->tool_versions;
	dst[3] = &b->header;
	dst[4] = &b->provenance;
	dst[5] = &b->trailer;
	dst[6] = &b->stream_sha256;
	for (k = 0; k < 7; k++)
		if ((*dst[k] = value(r, 0, (int)k)) == NULL) {
			PQclear(r);
			return diag_oom(err);
		}
	b->record_count = strtoull(PQgetvalue(r, 0, 7), NULL, 10);
	PQclear(r);
	return 0;
}

void pull_batch_fini(struct pull_batch *b)
{
	mem_free(b->batch_id);
	mem_free(b->call_id);
	mem_free(b->tool_versions);
	mem_free(b->header);
	mem_free(b->provenance);
	mem_free(b->trailer);
	mem_free(b->stream_sha256);
	memset(b, 0, sizeof(*b));
}

/* The query being built: its text and its parameters, $1 the batch. */
struct query {
	struct sbuf sql;       /* the select list, then the rest */
	const char **params;   /* owned array of pointers into the header */
	const char **crit;     /* criteria met so far (point into header) */
	size_t *crit_param;    /* the parameter of each */
	size_t nparams;        /* parameters so far */
	size_t ncrit;          /* criteria met so far */
};

/* Appends "$n" for a new parameter p. */
static int param(struct query *q, struct sbuf *b, const char *p)
{
	q->params[q->nparams++] = p;
	return sbuf_addc(b, '$') < 0 || sbuf_addu(b, q->nparams) < 0 ? -1 : 0;
}

/* Appends the value of column col (score or spread) of criterion c as
 * a lookup by the key of aap.criterion_score: one index probe a record,
 * whatever the planner knows of the tables. */
static int criterion_value(struct query *q, const char *c, const char *col,
			   struct sbuf *b)
{
	size_t k;

	for (k = 0; k < q->ncrit && strcmp(q->crit[k], c) != 0; k++)
		;
	if (k == q->ncrit) {
		q->crit[q->ncrit++] = c;
		q->crit_param[k] = q->nparams + 1;
		q->params[q->nparams++] = c;
	}
	return sbuf_adds(b, "(SELECT c.") < 0 || sbuf_adds(b, col) < 0 ||
	       sbuf_adds(b, "::text FROM aap.criterion_score AS c WHERE "
			 "c.batch_id = a.batch_id AND c.seq = a.seq AND "
			 "c.criterion = $") < 0 ||
	       sbuf_addu(b, q->crit_param[k]) < 0 || sbuf_addc(b, ')') < 0 ? -1 : 0;
}

/* The columns of aap.application that hold a stream column as text. */
static const struct {
	enum column c;    /* the stream's column */
	const char *expr; /* the value as the stream writes it */
} app_columns[] = {
	{ COLUMN_APPLICATION_ID, "a.application_id" },
	{ COLUMN_SOURCE_FILE, "a.source_file" },
	{ COLUMN_SOURCE_LINE, "a.source_line::text" },
	{ COLUMN_FINDINGS, "a.findings" },
	{ COLUMN_ADMISSIBLE, "CASE WHEN a.admissible THEN 'yes' ELSE 'no' END" },
	{ COLUMN_TOTAL, "a.total::text" },
	{ COLUMN_RANK, "a.rank::text" },
	{ COLUMN_RANK_REASON, "a.rank_reason" },
	{ COLUMN_DECISION, "a.decision" },
	{ COLUMN_AWARD, "a.award::text" },
	{ COLUMN_DECIDED_BY, "a.decided_by" },
	{ COLUMN_DECISION_REASON, "a.decision_reason" },
};

/* Appends the expression of column name, which points into a copy of the
 * header the query keeps. */
static int column_expr(struct query *q, const char *name)
{
	struct sbuf *b = &q->sql;
	const char *crit;
	size_t k;

	for (k = 0; k < sizeof(app_columns) / sizeof(app_columns[0]); k++)
		if (strcmp(name, columns_name(app_columns[k].c)) == 0)
			return sbuf_adds(b, app_columns[k].expr);
	if ((crit = columns_score_criterion(name)) != NULL)
		return criterion_value(q, crit, "score", b);
	if ((crit = columns_spread_criterion(name)) != NULL)
		return criterion_value(q, crit, "spread", b);
	return sbuf_adds(b, "a.fields ->> ") < 0 || param(q, b, name) < 0 ? -1 : 0;
}

/* Builds the query of the records of b, whose header is split in place
 * in cols (ncols names). */
static int build_query(struct query *q, const char *batch_id, char **cols,
		       size_t ncols)
{
	size_t i;

	q->params = mem_calloc(2 * ncols + 1, sizeof(*q->params));
	q->crit = mem_calloc(ncols + 1, sizeof(*q->crit));
	q->crit_param = mem_calloc(ncols + 1, sizeof(*q->crit_param));
	if (q->params == NULL || q->crit == NULL || q->crit_param == NULL)
		return -1;
	q->params[q->nparams++] = batch_id;
	if (sbuf_adds(&q->sql, "SELECT a.seq") < 0)
		return -1;
	for (i = 0; i < ncols; i++)
		if (sbuf_adds(&q->sql, ", ") < 0 || column_expr(q, cols[i]) < 0)
			return -1;
	if (sbuf_adds(&q->sql, " FROM aap.application AS a") < 0 ||
	    sbuf_adds(&q->sql, " WHERE a.batch_id = $1 ORDER BY a.seq") < 0)
		return -1;
	return 0;
}

/* Splits header (a copy, changed in place) on commas into cols. */
static size_t split_header(char *header, char **cols)
{
	size_t n = 0;
	char *p = header, *comma;

	for (;;) {
		cols[n++] = p;
		if ((comma = strchr(p, ',')) == NULL)
			return n;
		*comma = '\0';
		p = comma + 1;
	}
}

/* Writes the records, one row of the query at a time. */
static int write_records(PGconn *db, struct query *q, size_t ncols,
			 struct writer *w, struct pull_sums *s, struct diag *err)
{
	PGresult *r;
	int failed = 0;
	size_t i;

	if (!PQsendQueryParams(db, sbuf_str(&q->sql), (int)q->nparams, NULL,
			       q->params, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(db))
		return pg_error(db, NULL, NULL, err);
	while ((r = PQgetResult(db)) != NULL) {
		ExecStatusType st = PQresultStatus(r);

		if (st == PGRES_SINGLE_TUPLE && !failed) {
			s->records++;
			for (i = 0; i < ncols; i++)
				writer_field(w, PQgetvalue(r, 0, (int)i + 1),
					     (size_t)PQgetlength(r, 0, (int)i + 1));
			if (writer_end_record(w) < 0)
				failed = writer_failed(w, err);
		} else if (st != PGRES_TUPLES_OK && st != PGRES_SINGLE_TUPLE &&
			   !failed) {
			failed = pg_error(db, r, NULL, err);
		}
		PQclear(r);
	}
	return failed;
}

/* Writes what comes before the records: the provenance and the header. */
static int write_head(const struct pull_batch *b, struct writer *w)
{
	return writer_bytes(w, b->provenance, strlen(b->provenance)) < 0 ||
	       writer_bytes(w, "\n", 1) < 0 ||
	       writer_bytes(w, b->header, strlen(b->header)) < 0 ||
	       writer_bytes(w, "\n", 1) < 0 ? -1 : 0;
}

int pull_stream(PGconn *db, const struct pull_batch *b, int fd,
		const char *name, struct pull_sums *s, struct diag *err)
{
	struct writer *w = writer_new(fd, name);
	char *header = mem_strdup(b->header);
	char **cols = mem_calloc(strlen(b->header) / 2 + 2, sizeof(*cols));
	struct query q;
	struct sbuf trailer;
	size_t ncols;
	int rc = -1;

	memset(s, 0, sizeof(*s));
	memset(&q, 0, sizeof(q));
	sbuf_init(&q.sql);
	sbuf_init(&trailer);
	if (w == NULL || header == NULL || cols == NULL) {
		diag_oom(err);
		goto done;
	}
	ncols = split_header(header, cols);
	if (build_query(&q, b->batch_id, cols, ncols) < 0 ||
	    sbuf_adds(&trailer, b->trailer) < 0 || sbuf_addc(&trailer, '\n') < 0) {
		diag_oom(err);
		goto done;
	}
	if (write_head(b, w) < 0) {
		writer_failed(w, err);
		goto done;
	}
	if (write_records(db, &q, ncols, w, s, err) < 0)
		goto done;
	if (writer_digest(w, s->body) < 0 ||
	    writer_digest_with(w, trailer.data, trailer.len, s->stream) < 0) {
		diag_oom(err);
		goto done;
	}
	if (strcmp(s->stream, b->stream_sha256) != 0) {
		writer_flush(w, err);
		diag_set(err, AAP_EDIFF, NULL, 0, "batch \"%s\" rebuilt from the "
			 "database is not the stream that was pushed",
			 b->batch_id);
		diag_detail(err, "its sha256 is %s, aap.batch.stream_sha256 is %s",
			    s->stream, b->stream_sha256);
		diag_hint(err, "a stored value was changed after the push: "
			       "aap-audit --batch %s names it", b->batch_id);
		goto done;
	}
	if (writer_bytes(w, trailer.data, trailer.len) < 0 ||
	    writer_flush(w, err) < 0) {
		writer_failed(w, err);
		goto done;
	}
	rc = 0;
done:
	writer_free(w);
	mem_free(header);
	mem_free(cols);
	mem_free((void *)q.params);
	mem_free((void *)q.crit);
	mem_free(q.crit_param);
	sbuf_fini(&q.sql);
	sbuf_fini(&trailer);
	return rc;
}

int pull_files(PGconn *db, const char *batch_id, const char *role,
	       const char *name, struct pull_file **files, size_t *n,
	       struct diag *err)
{
	const char *params[3] = { batch_id, role, name };
	struct pull_file *f;
	PGresult *r;
	int i, rows;

	*files = NULL;
	*n = 0;
	r = pg_exec(db, "SELECT role, name, sha256, content FROM aap.config_file "
		    "WHERE batch_id = $1 AND ($2::text IS NULL OR role = $2) "
		    "AND ($3::text IS NULL OR name = $3) ORDER BY role, name, sha256",
		    3, params, NULL, err);
	if (r == NULL)
		return -1;
	rows = PQntuples(r);
	f = mem_calloc((size_t)rows + 1, sizeof(*f));
	if (f == NULL) {
		PQclear(r);
		return diag_oom(err);
	}
	*files = f;
	for (i = 0; i < rows; i++, (*n)++) {
		f[i].role = value(r, i, 0);
		f[i].name = value(r, i, 1);
		f[i].sha256 = value(r, i, 2);
		f[i].content = value(r, i, 3);
		f[i].len = (size_t)PQgetlength(r, i, 3);
		if (f[i].role == NULL || f[i].name == NULL ||
		    f[i].sha256 == NULL || f[i].content == NULL) {
			(*n)++;
			PQclear(r);
			return diag_oom(err);
		}
	}
	PQclear(r);
	return 0;
}

void pull_files_free(struct pull_file *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		mem_free(f[i].role);
		mem_free(f[i].name);
		mem_free(f[i].sha256);
		mem_free(f[i].content);
	}
	mem_free(f);
}

int pull_file_check(const struct pull_file *f, struct diag *err)
{
	char hex[DIGEST_HEX_LEN + 1];

	if (digest_bytes(f->content, f->len, hex) < 0)
		return diag_oom(err);
	if (strcmp(hex, f->sha256) == 0)
		return 0;
	diag_set(err, AAP_EDIFF, NULL, 0, "the stored %s file \"%s\" is not "
		 "the one stored at the push", f->role, f->name);
	diag_detail(err, "its sha256 is %s, the digest stored beside it %s",
		    hex, f->sha256);
	return -1;
}

int pull_write(const char *path, const char *p, size_t n, struct diag *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);

	if (fd < 0)
		return diag_set(err, AAP_ESYS, NULL, 0, "could not create \"%s\": "
				"%s", path, strerror(errno));
	if (io_write_all(fd, p, n) < 0) {
		diag_set(err, AAP_ESYS, NULL, 0, "could not write to \"%s\": %s",
			 path, strerror(errno));
		close(fd);
		return -1;
	}
	if (close(fd) < 0)
		return diag_set(err, AAP_ESYS, NULL, 0, "could not write to "
				"\"%s\": %s", path, strerror(errno));
	return 0;
}
