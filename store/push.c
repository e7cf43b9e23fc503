/* push.c - a stream into PostgreSQL as one batch.  Records are written as
 * COPY rows to unlinked temporary files while the stream is read; only once
 * its trailer holds is a transaction begun, the batch row inserted and the
 * rows copied straight into the batch's tables, then committed. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aap.h"
#include "call.h"
#include "diag.h"
#include "digest.h"
#include "i18n.h"
#include "io.h"
#include "mem.h"
#include "pg.h"
#include "progress.h"
#include "prov.h"
#include "push.h"
#include "reader.h"
#include "sbuf.h"
#include "schema.h"
#include "stage.h"

#define COPY_CHUNK 65536

/* The role of side file k in the provenance, and the option that gives
 * it. */
static const char *side_role(size_t k)
{
	return columns_side((enum columns_side)k)->role;
}

/* A file the provenance names, with its bytes once read. */
struct pfile {
	char *role;                      /* call, or a side file's (columns.h) */
	char *name;                      /* base name */
	char sha256[DIGEST_HEX_LEN + 1]; /* the digest the provenance names */
	struct sbuf path;                /* where it is read from */
};

/* COPY rows kept in an unlinked temporary file until the stream they come
 * from is known whole: nothing of a stream reaches the server before. */
struct spool {
	int fd;                  /* the file, or -1 */
	struct sbuf buf;         /* rows not written to it yet */
	unsigned long long rows; /* rows added */
};

/* Where each column of the stream is (-1: absent). */
struct cols {
	long source_file, source_line, findings, admissible;
	long total, rank, rank_reason, decision, award;
	long decided_by, decision_reason; /* with decisions only */
	const char *const *sens;  /* aap-score --sensitivity's column names */
	size_t nsens;             /* how many */
	long sens_col[COLUMN_N];  /* where each is, or -1 */
	long *field;      /* per call field but application_id */
	size_t nfield;    /* how many */
	long *score;      /* score_<criterion> columns */
	long *spread;     /* the matching spread_<criterion>, or -1 */
	size_t nscore;    /* how many criteria */
};

struct push {
	const struct push_opts *o;
	struct stage st;          /* the stream in and out */
	PGconn *db;               /* the connection */
	struct pfile *files;      /* files the provenance names */
	size_t nfiles;
	struct cols c;            /* column positions */
	struct sbuf copy;         /* COPY data waiting to be sent */
	struct spool apps;        /* aap.application rows */
	struct spool scores;      /* aap.criterion_score rows */
	unsigned long long seq;   /* records read */
	int in_tx;                /* a transaction is open */
	char *cutoff;             /* aap-score's cutoff= token, or NULL */
	char *carried;            /* its carried= token, or NULL */
	struct sbuf carry;        /* its carry= tokens, as an array literal */
	char *carried_from;       /* the batch the database finds carried
				     from, or NULL */
};

/* How COPY's text format writes each byte that needs it, NULL for the
 * others. */
static const char *const copy_escape[256] = {
	['\\'] = "\\\\", ['\n'] = "\\n", ['\r'] = "\\r", ['\t'] = "\\t",
};

/* Appends s (n bytes) escaped for COPY's text format. */
static int copy_text(struct sbuf *b, const char *s, size_t n)
{
	size_t i, from = 0;

	for (i = 0; i < n; i++) {
		const char *esc = copy_escape[(unsigned char)s[i]];

		if (esc == NULL)
			continue;
		if (sbuf_add(b, s + from, i - from) < 0 || sbuf_adds(b, esc) < 0)
			return -1;
		from = i + 1;
	}
	return sbuf_add(b, s + from, n - from);
}

/* Appends s (n bytes) as a JSON string.  With for_copy, escaped for COPY's
 * text format too: JSON escapes every control character, so only the
 * backslashes it writes need doubling. */
static int json_string(struct sbuf *b, const char *s, size_t n, int for_copy)
{
	static const char hex[] = "0123456789abcdef";
	const char *backslash = for_copy ? "\\\\" : "\\";
	size_t i, from = 0;

	if (sbuf_addc(b, '"') < 0)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		if (sbuf_add(b, s + from, i - from) < 0 || sbuf_adds(b, backslash) < 0)
			return -1;
		if (c < 0x20) {
			char e[5] = { 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			if (sbuf_add(b, e, 5) < 0)
				return -1;
		} else if (c == '\\' ? sbuf_adds(b, backslash) < 0 :
			   sbuf_addc(b, (char)c) < 0) {
			return -1;
		}
		from = i + 1;
	}
	if (sbuf_add(b, s + from, n - from) < 0)
		return -1;
	return sbuf_addc(b, '"');
}

/* Appends a COPY field: the value, or \N when it is empty and null_empty. */
static int copy_field(struct sbuf *b, const struct record *r, long col,
		      int null_empty, int last)
{
	int rc;

	if (col < 0 || (null_empty && record_len(r, (size_t)col) == 0))
		rc = sbuf_adds(b, "\\N");
	else
		rc = copy_text(b, record_field(r, (size_t)col),
			       record_len(r, (size_t)col));
	return rc < 0 ? -1 : sbuf_addc(b, last ? '\n' : '\t');
}

static void pfiles_free(struct push *p)
{
	size_t i;

	for (i = 0; i < p->nfiles; i++) {
		mem_free(p->files[i].role);
		mem_free(p->files[i].name);
		sbuf_fini(&p->files[i].path);
	}
	mem_free(p->files);
}

/* Adds the file of token t unless it is there already. */
static int add_file(struct push *p, const struct prov_token *t,
		    struct diag *err)
{
	struct prov_file pf;
	struct pfile *f;
	size_t i;

	if (prov_file_split(t, &pf) < 0)
		return diag_set(err, AAP_EDATA, p->st.src.name, 0,
				"malformed file token in the provenance");
	for (i = 0; i < p->nfiles; i++)
		if (strlen(p->files[i].role) == pf.role_len &&
		    memcmp(p->files[i].role, pf.role, pf.role_len) == 0 &&
		    strlen(p->files[i].name) == pf.name_len &&
		    memcmp(p->files[i].name, pf.name, pf.name_len) == 0 &&
		    strcmp(p->files[i].sha256, pf.sha256) == 0)
			return 0;
	f = mem_realloc(p->files, (p->nfiles + 1) * sizeof(*f));
	if (f == NULL)
		return diag_oom(err);
	p->files = f;
	f += p->nfiles++;
	memset(f, 0, sizeof(*f));
	sbuf_init(&f->path);
	f->role = mem_strndup(pf.role, pf.role_len);
	f->name = mem_strndup(pf.name, pf.name_len);
	memcpy(f->sha256, pf.sha256, DIGEST_HEX_LEN);
	if (f->role == NULL || f->name == NULL)
		return diag_oom(err);
	return 0;
}

/* Keeps the cut-off tokens of aap-score's '#stage' line l: its cut-off,
 * the amount carried and the streams carried from. */
static int take_cutoff(struct push *p, const struct prov_line *l)
{
	const struct prov_token *t = prov_find(l, PROV_NAME);
	size_t k, n = 0;

	if (t == NULL || strcmp(t->value, "aap-score") != 0 ||
	    (t = prov_find(l, PROV_CUTOFF)) == NULL)
		return 0;
	mem_free(p->cutoff);
	mem_free(p->carried);
	p->carried = NULL;
	sbuf_reset(&p->carry);
	if ((p->cutoff = mem_strndup(t->value, t->len)) == NULL ||
	    ((t = prov_find(l, PROV_CARRIED)) != NULL &&
	     (p->carried = mem_strndup(t->value, t->len)) == NULL) ||
	    sbuf_addc(&p->carry, '{') < 0)
		return -1;
	/* A value is CUTOFF:SHA256, the cut-off [A-Za-z0-9._-]: nothing in
	 * it needs quoting in an array literal. */
	for (k = 0; k < l->n; k++)
		if (strcmp(l->tok[k].key, prov_key_name(PROV_CARRY)) == 0 &&
		    ((n++ > 0 && sbuf_addc(&p->carry, ',') < 0) ||
		     sbuf_add(&p->carry, l->tok[k].value, l->tok[k].len) < 0))
			return -1;
	return sbuf_addc(&p->carry, '}');
}

/* Collects the file tokens of every '#stage' line, and refuses a stream a
 * stage read unchecked. */
static int collect_files(struct push *p, struct diag *err)
{
	struct prov_line l;
	size_t i, k;
	int rc = 0;

	prov_line_init(&l);
	for (i = 0; i < stream_in_nprov(p->st.src.in) && rc == 0; i++) {
		const char *line = stream_in_prov(p->st.src.in, i);

		if (prov_kind_of(line) != PROV_STAGE)
			continue;
		if (prov_parse(&l, line, p->st.src.name, i + 1, err) < 0)
			return -1;
		if (prov_unchecked(&l))
			rc = diag_set(err, AAP_EDATA, p->st.src.name, i + 1,
				      "a stage read its input with "
				      "--no-truncation-check: nothing proves "
				      "this stream whole, it cannot be stored");
		for (k = 0; k < l.n && rc == 0; k++)
			if (strcmp(l.tok[k].key, prov_key_name(PROV_FILE)) == 0)
				rc = add_file(p, &l.tok[k], err);
		if (rc == 0 && take_cutoff(p, &l) < 0)
			rc = diag_oom(err);
	}
	prov_line_fini(&l);
	return rc;
}

/* Finds every file the provenance names, checks its digest, and checks
 * that each side file given is named.  The files are read again, and
 * their digests checked again, when they are stored. */
static int check_files(struct push *p, struct diag *err)
{
	char hex[DIGEST_HEX_LEN + 1];
	size_t i, k, used[COLUMNS_NSIDE] = { 0 };
	int rc = 0;

	for (i = 0; i < p->nfiles && rc == 0; i++) {
		struct pfile *f = &p->files[i];

		if (strcmp(f->role, prov_role_call) == 0) {
			rc = sbuf_adds(&f->path, p->o->call->dir) < 0 ||
			     sbuf_addc(&f->path, '/') < 0 ||
			     sbuf_adds(&f->path, f->name) < 0 ? -1 : 0;
		} else {
			for (k = 0; k < COLUMNS_NSIDE &&
				    strcmp(f->role, side_role(k)) != 0; k++)
				;
			if (k == COLUMNS_NSIDE || p->o->side[k] == NULL) {
				diag_set(err, AAP_EUSAGE, NULL, 0, "the stream was made "
					 "with the %s file \"%s\", which was not given",
					 f->role, f->name);
				diag_hint(err, "give it with --%s", k < COLUMNS_NSIDE ?
					  side_role(k) : f->role);
				return -1;
			}
			used[k]++;
			rc = sbuf_adds(&f->path, p->o->side[k]);
		}
		if (rc < 0)
			return diag_oom(err);
		if (digest_file(f->path.data, hex, err) < 0)
			return -1;
		if (strcmp(hex, f->sha256) != 0) {
			diag_set(err, AAP_EUSAGE, NULL, 0, "\"%s\" is not the %s "
				 "file the stream was made with", f->path.data, f->role);
			diag_detail(err, "its sha256 is %s, the provenance names %s",
				    hex, f->sha256);
			return -1;
		}
	}
	for (k = 0; k < COLUMNS_NSIDE; k++)
		if (p->o->side[k] != NULL && used[k] == 0)
			return diag_set(err, AAP_EUSAGE, NULL, 0, "the stream was "
					"not made with a %s file, yet --%s was given",
					side_role(k), side_role(k));
	if (used[COLUMNS_DECISIONS] > 0 && p->o->supersedes == NULL) {
		diag_set(err, AAP_EUSAGE, NULL, 0, "the stream was made with the "
			 "committee's decisions: it corrects a batch, yet "
			 "--supersedes was not given");
		diag_hint(err, "give --supersedes ID, the batch of the proposal "
			  "the decisions correct");
		return -1;
	}
	return 0;
}

/* Finds the columns of the stream. */
static int find_columns(struct push *p, struct diag *err)
{
	const struct stream_in *in = p->st.src.in;
	const struct record *h = stream_in_header(in);
	const struct call *call = p->o->call;
	struct cols *c = &p->c;
	size_t i, f;

	c->source_file = stream_in_column(in, columns_name(COLUMN_SOURCE_FILE));
	c->source_line = stream_in_column(in, columns_name(COLUMN_SOURCE_LINE));
	c->findings = stream_in_column(in, columns_name(COLUMN_FINDINGS));
	c->admissible = stream_in_column(in, columns_name(COLUMN_ADMISSIBLE));
	c->total = stream_in_column(in, columns_name(COLUMN_TOTAL));
	c->rank = stream_in_column(in, columns_name(COLUMN_RANK));
	c->rank_reason = stream_in_column(in, columns_name(COLUMN_RANK_REASON));
	c->decision = stream_in_column(in, columns_name(COLUMN_DECISION));
	c->award = stream_in_column(in, columns_name(COLUMN_AWARD));
	c->decided_by = stream_in_column(in, columns_name(COLUMN_DECIDED_BY));
	c->decision_reason = stream_in_column(in,
					      columns_name(COLUMN_DECISION_REASON));
	/* aap.application has no columns of their own for them: they are
	 * kept among the fields (docs/database.md). */
	c->sens = columns_added(COLUMNS_SENSITIVITY, &c->nsens);
	for (i = 0; i < c->nsens; i++)
		c->sens_col[i] = stream_in_column(in, c->sens[i]);
	if (c->source_file < 0 || c->source_line < 0 || c->findings < 0 ||
	    c->admissible < 0) {
		diag_set(err, AAP_EDATA, p->st.src.name, 1,
			 "the stream was not validated: it has no column "
			 "\"%s\"", columns_name(COLUMN_ADMISSIBLE));
		diag_hint(err, "push the output of aap-validate or aap-score");
		return -1;
	}
	c->field = mem_calloc(call->nfields, sizeof(*c->field));
	c->score = mem_calloc(h->n, sizeof(*c->score));
	c->spread = mem_calloc(h->n, sizeof(*c->spread));
	if (c->field == NULL || c->score == NULL || c->spread == NULL)
		return diag_oom(err);
	for (f = 1; f < call->nfields; f++)
		c->field[c->nfield++] = stream_in_column(in, call->fields[f].name);
	for (i = 0; i < h->n; i++) {
		const char *crit = columns_score_criterion(record_field(h, i));
		struct sbuf name;

		if (crit == NULL)
			continue;
		sbuf_init(&name);
		if (columns_spread(&name, crit) < 0) {
			sbuf_fini(&name);
			return diag_oom(err);
		}
		c->score[c->nscore] = (long)i;
		c->spread[c->nscore++] = stream_in_column(in, name.data);
		sbuf_fini(&name);
	}
	return 0;
}

/* Appends the JSON object of the record's canonical fields to b, as a
 * COPY field. */
static int fields_json(struct push *p, const struct record *r, struct sbuf *b)
{
	const struct call *call = p->o->call;
	size_t k;

	if (sbuf_addc(b, '{') < 0)
		return -1;
	for (k = 0; k < p->c.nfield + p->c.nsens; k++) {
		long col = k < p->c.nfield ? p->c.field[k] :
			   p->c.sens_col[k - p->c.nfield];
		const char *name = k < p->c.nfield ? call->fields[k + 1].name :
				   p->c.sens[k - p->c.nfield];

		if (col < 0)
			continue;
		if ((b->data[b->len - 1] != '{' && sbuf_addc(b, ',') < 0) ||
		    json_string(b, name, strlen(name), 1) < 0 || sbuf_addc(b, ':') < 0 ||
		    json_string(b, record_field(r, (size_t)col),
				record_len(r, (size_t)col), 1) < 0)
			return -1;
	}
	return sbuf_adds(b, "}\t");
}

/* Adds the aap.application row of the record just read. */
static int application_row(struct push *p, const struct record *r)
{
	struct sbuf *b = &p->apps.buf;
	const struct cols *c = &p->c;
	const char *adm = record_field(r, (size_t)c->admissible);

	p->apps.rows++;
	if (copy_text(b, p->o->batch_id, strlen(p->o->batch_id)) < 0 ||
	    sbuf_addc(b, '\t') < 0 || sbuf_addu(b, p->seq) < 0 ||
	    sbuf_addc(b, '\t') < 0 || copy_field(b, r, 0, 0, 0) < 0 ||
	    fields_json(p, r, b) < 0 ||
	    copy_field(b, r, c->source_file, 0, 0) < 0 ||
	    copy_field(b, r, c->source_line, 1, 0) < 0 ||
	    copy_field(b, r, c->findings, 0, 0) < 0 ||
	    sbuf_adds(b, strcmp(adm, "yes") == 0 ? "t\t" :
			 strcmp(adm, "no") == 0 ? "f\t" : "\\N\t") < 0 ||
	    copy_field(b, r, c->total, 1, 0) < 0 ||
	    copy_field(b, r, c->rank, 1, 0) < 0 ||
	    copy_field(b, r, c->rank_reason, c->rank_reason < 0, 0) < 0 ||
	    copy_field(b, r, c->decision, 1, 0) < 0 ||
	    copy_field(b, r, c->award, 1, 0) < 0 ||
	    copy_field(b, r, c->decided_by, 1, 0) < 0 ||
	    copy_field(b, r, c->decision_reason, 1, 1) < 0)
		return -1;
	return 0;
}

/* Adds the aap.criterion_score rows of the record just read: one per
 * score_<criterion> column, its score and spread NULL when empty. */
static int score_rows(struct push *p, const struct record *r)
{
	const struct record *h = stream_in_header(p->st.src.in);
	struct sbuf *b = &p->scores.buf;
	size_t k;

	for (k = 0; k < p->c.nscore; k++) {
		const char *crit =
			columns_score_criterion(record_field(h, (size_t)p->c.score[k]));

		p->scores.rows++;
		if (copy_text(b, p->o->batch_id, strlen(p->o->batch_id)) < 0 ||
		    sbuf_addc(b, '\t') < 0 || sbuf_addu(b, p->seq) < 0 ||
		    sbuf_addc(b, '\t') < 0 || copy_text(b, crit, strlen(crit)) < 0 ||
		    sbuf_addc(b, '\t') < 0 ||
		    copy_field(b, r, p->c.score[k], 1, 0) < 0 ||
		    copy_field(b, r, p->c.spread[k], 1, 1) < 0)
			return -1;
	}
	return 0;
}

/* Passes the record through to the output. */
static int pass_through(struct push *p, const struct record *r,
			struct diag *err)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		stream_out_field(p->st.out, record_field(r, i), record_len(r, i));
	stream_out_end_record(p->st.out);
	return stream_out_failed(p->st.out, err);
}

/* Sends the COPY data waiting: all of it, or (all == 0) once there is a
 * chunk's worth. */
static int copy_flush(struct push *p, int all, struct diag *err)
{
	if (!all && p->copy.len < COPY_CHUNK)
		return 0;
	if (pg_copy_send(p->db, sbuf_str(&p->copy), p->copy.len, err) < 0)
		return -1;
	sbuf_reset(&p->copy);
	return 0;
}

static void spool_init(struct spool *s)
{
	s->fd = -1;
	sbuf_init(&s->buf);
	s->rows = 0;
}

static void spool_fini(struct spool *s)
{
	if (s->fd >= 0)
		close(s->fd);
	sbuf_fini(&s->buf);
}

/* Creates the spool's file in $TMPDIR (default /tmp), and unlinks it at
 * once so that it goes away with the process, however that ends. */
static int spool_open(struct spool *s, struct diag *err)
{
	const char *dir = getenv("TMPDIR");
	struct sbuf path;
	int e;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	sbuf_init(&path);
	if (sbuf_adds(&path, dir) < 0 || sbuf_adds(&path, "/aap-push.XXXXXX") < 0) {
		sbuf_fini(&path);
		return diag_oom(err);
	}
	s->fd = mkstemp(path.data);
	e = errno;
	if (s->fd >= 0)
		unlink(path.data);
	sbuf_fini(&path);
	if (s->fd < 0)
		return diag_set(err, AAP_ESYS, NULL, 0, "could not create a "
				"temporary file in \"%s\": %s", dir, strerror(e));
	return 0;
}

/* Writes the rows waiting to the spool's file: all of them, or (all == 0)
 * once there is a chunk's worth. */
static int spool_flush(struct spool *s, int all, struct diag *err)
{
	if (!all && s->buf.len < COPY_CHUNK)
		return 0;
	if (io_write_all(s->fd, s->buf.data, s->buf.len) < 0) {
		diag_set(err, AAP_ESYS, NULL, 0, "could not write to a "
			 "temporary file: %s", strerror(errno));
		diag_hint(err, "the rows of a batch wait in $TMPDIR (or /tmp) "
			       "until the stream is whole: give it room for "
			       "about twice the stream");
		return -1;
	}
	sbuf_reset(&s->buf);
	return 0;
}

/* Sends the spool's rows as the data of the COPY sql, and checks that
 * the server counted every one. */
static int spool_send(struct push *p, struct spool *s, const char *sql,
		      struct diag *err)
{
	char buf[COPY_CHUNK];
	ssize_t n;
	long long rows;

	if (spool_flush(s, 1, err) < 0)
		return -1;
	if (lseek(s->fd, 0, SEEK_SET) < 0)
		return diag_set(err, AAP_ESYS, NULL, 0, "could not read a "
				"temporary file: %s", strerror(errno));
	if (pg_copy_begin(p->db, sql, err) < 0)
		return -1;
	while ((n = io_read(s->fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			diag_set(err, AAP_ESYS, NULL, 0, "could not read a "
				 "temporary file: %s", strerror(errno));
			pg_copy_end(p->db, "a temporary file could not be read",
				    NULL, err);
			return -1;
		}
		if (pg_copy_send(p->db, buf, (size_t)n, err) < 0)
			return -1;
	}
	rows = pg_copy_end(p->db, NULL, NULL, err);
	if (rows < 0)
		return -1;
	if ((unsigned long long)rows != s->rows)
		return diag_set(err, AAP_EDB, NULL, 0, "the server counted %lld "
				"rows, %llu were sent", rows, s->rows);
	return 0;
}

/* Reads the records through to the output and into the spools. */
static int read_records(struct push *p, struct diag *err)
{
	enum read_result rr;

	if (spool_open(&p->apps, err) < 0 ||
	    (p->c.nscore > 0 && spool_open(&p->scores, err) < 0))
		return -1;
	while ((rr = stream_in_next(p->st.src.in, err)) == READ_RECORD) {
		const struct record *r = stream_in_record(p->st.src.in);

		p->seq++;
		if (application_row(p, r) < 0 || score_rows(p, r) < 0) {
			diag_oom(err);
			return -1;
		}
		if (pass_through(p, r, err) < 0 ||
		    spool_flush(&p->apps, 0, err) < 0 ||
		    (p->c.nscore > 0 && spool_flush(&p->scores, 0, err) < 0))
			return -1;
	}
	/* A cut-off stream or a failed write: nothing was sent. */
	return rr == READ_END ? 0 : -1;
}

/* The outcome of looking for the batch id and the stream digest. */
enum found { FOUND_NONE, FOUND_SAME, FOUND_CONFLICT };

/* Looks for a batch with this id or this stream. */
static int look_up(struct push *p, enum found *found, struct diag *err)
{
	const char *params[2] = { p->o->batch_id, stream_in_digest(p->st.src.in) };
	PGresult *r = pg_exec(p->db, "SELECT batch_id, stream_sha256 FROM aap.batch "
			      "WHERE batch_id = $1 OR stream_sha256 = $2", 2,
			      params, NULL, err);
	int i;

	if (r == NULL)
		return -1;
	*found = FOUND_NONE;
	for (i = 0; i < PQntuples(r); i++) {
		int same_id = strcmp(PQgetvalue(r, i, 0), params[0]) == 0;
		int same_stream = strcmp(PQgetvalue(r, i, 1), params[1]) == 0;

		if (same_id && same_stream) {
			*found = FOUND_SAME;
		} else if (same_id) {
			diag_set(err, AAP_EDATA, NULL, 0, "batch \"%s\" is already "
				 "stored with another stream", params[0]);
			diag_hint(err, "a correction is a new batch: give it a new "
				       "id and --supersedes %s", params[0]);
			*found = FOUND_CONFLICT;
		} else {
			diag_set(err, AAP_EDATA, NULL, 0, "this stream is already "
				 "stored as batch \"%s\"", PQgetvalue(r, i, 0));
			*found = FOUND_CONFLICT;
		}
		if (*found == FOUND_CONFLICT)
			break;
	}
	PQclear(r);
	return 0;
}

/* Builds the tool versions object from the '#stage' lines, which
 * collect_files has found well formed. */
static int tool_versions(struct push *p, struct sbuf *j, struct diag *err)
{
	const struct prov_token *name, *version;
	struct prov_line l;
	size_t i;
	int rc = sbuf_addc(j, '{') < 0 ? diag_oom(err) : 0, n = 0;

	prov_line_init(&l);
	for (i = 0; i < stream_in_nprov(p->st.src.in) && rc == 0; i++) {
		const char *line = stream_in_prov(p->st.src.in, i);

		if (prov_kind_of(line) != PROV_STAGE)
			continue;
		if (prov_parse(&l, line, p->st.src.name, i + 1, err) < 0)
			rc = -1;
		else if ((name = prov_find(&l, PROV_NAME)) != NULL &&
			 (version = prov_find(&l, PROV_VERSION)) != NULL &&
			 ((n++ > 0 && sbuf_addc(j, ',') < 0) ||
			  json_string(j, name->value, name->len, 0) < 0 ||
			  sbuf_addc(j, ':') < 0 ||
			  json_string(j, version->value, version->len, 0) < 0))
			rc = diag_oom(err);
	}
	if (rc == 0 && sbuf_addc(j, '}') < 0)
		rc = diag_oom(err);
	prov_line_fini(&l);
	return rc;
}

/* The name of the call's field with that role, or NULL when none has it. */
static const char *role_field(const struct call *call, enum field_role role)
{
	const struct call_field *f = call_field_with_role(call, role);

	return f != NULL ? f->name : NULL;
}

/* Inserts the batch row.  *state gets the SQLSTATE of a failure. */
static int insert_batch(struct push *p, char *state, struct diag *err)
{
	const struct record *h = stream_in_header(p->st.src.in);
	static const enum prov_key money_key[3] = { PROV_ENVELOPE, PROV_GRANTED,
						    PROV_LEFT };
	const struct prov_token *money;
	struct sbuf header, prov, tools, count;
	struct prov_line trailer;
	const char *params[17];
	size_t i;
	PGresult *r;
	int rc = 0;

	state[0] = '\0';
	prov_line_init(&trailer);
	sbuf_init(&header);
	sbuf_init(&prov);
	sbuf_init(&tools);
	sbuf_init(&count);
	for (i = 0; i < h->n; i++)
		rc |= (i > 0 ? sbuf_addc(&header, ',') : 0) |
		      sbuf_add(&header, record_field(h, i), record_len(h, i));
	for (i = 0; i < stream_in_nprov(p->st.src.in); i++)
		rc |= (i > 0 ? sbuf_addc(&prov, '\n') : 0) |
		      sbuf_adds(&prov, stream_in_prov(p->st.src.in, i));
	rc |= sbuf_addu(&count, stream_in_count(p->st.src.in));
	if (rc != 0)
		rc = diag_oom(err);
	else if (tool_versions(p, &tools, err) < 0 ||
		 prov_parse(&trailer, stream_in_trailer(p->st.src.in),
			    p->st.src.name, 0, err) < 0)
		rc = -1;
	params[0] = p->o->batch_id;
	params[1] = p->o->call->id;
	params[2] = p->o->supersedes;
	params[3] = sbuf_str(&tools);
	params[4] = sbuf_str(&header);
	params[5] = sbuf_str(&prov);
	params[6] = stream_in_trailer(p->st.src.in);
	params[7] = stream_in_digest(p->st.src.in);
	params[8] = sbuf_str(&count);
	for (i = 0; i < 3; i++) {
		money = prov_find(&trailer, money_key[i]);
		params[9 + i] = money != NULL && money->len > 0 ? money->value : NULL;
	}
	params[12] = role_field(p->o->call, ROLE_APPLICANT);
	params[13] = role_field(p->o->call, ROLE_TITLE);
	params[14] = p->cutoff;
	params[15] = p->cutoff != NULL && p->carried == NULL ? "0" : p->carried;
	params[16] = p->carried_from;
	if (rc == 0) {
		r = pg_exec(p->db, "INSERT INTO aap.batch (batch_id, call_id, "
			    "supersedes, tool_versions, header, provenance, trailer, "
			    "stream_sha256, record_count, envelope, granted, remaining, "
			    "applicant_field, title_field, cutoff_id, carried, "
			    "carried_from) "
			    "VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10, "
			    "$11, $12, $13, $14, $15, $16, $17)", 17, params, state,
			    err);
		rc = r == NULL ? -1 : 0;
		PQclear(r);
	}
	sbuf_fini(&header);
	sbuf_fini(&prov);
	sbuf_fini(&tools);
	sbuf_fini(&count);
	prov_line_fini(&trailer);
	return rc;
}

/* Appends a field of COPY's binary format: its length, 32 bits big-endian,
 * then its n bytes (s may be NULL to append the length only). */
static int binary_field(struct sbuf *b, const char *s, size_t n)
{
	char len[4] = { (char)(n >> 24), (char)(n >> 16), (char)(n >> 8), (char)n };

	if (sbuf_add(b, len, 4) < 0)
		return -1;
	return s == NULL ? 0 : sbuf_add(b, s, n);
}

/* The most PostgreSQL keeps in one text value: 1 GB less a byte. */
#define TEXT_MAX 0x3fffffffL

/* Says that the file at path is no longer the one checked. */
static int changed(const char *path, struct diag *err)
{
	return diag_set(err, AAP_EUSAGE, NULL, 0, "\"%s\" changed while it "
			"was being stored", path);
}

/* Streams one file into aap.config_file as one COPY row, hashing it on
 * the way: a file that changed since it was checked is refused.  COPY's
 * binary format, so that neither side escapes or scans the text: the
 * server checks it is UTF-8 all the same. */
static int copy_file(struct push *p, const struct pfile *f, struct diag *err)
{
	/* Signature, no flags, no header extension; then one row of 5 fields. */
	static const char head[21] = "PGCOPY\n\377\r\n\0" "\0\0\0\0" "\0\0\0\0" "\0\5";
	char buf[65536], hex[DIGEST_HEX_LEN + 1];
	struct digest *d = digest_new();
	struct stat sb;
	off_t left;
	ssize_t n;
	int fd, rc = -1;

	if (d == NULL)
		return diag_oom(err);
	fd = open(f->path.data, O_RDONLY);
	if (fd < 0 || fstat(fd, &sb) < 0) {
		diag_set(err, AAP_ESYS, NULL, 0, "could not open \"%s\": %s",
			 f->path.data, strerror(errno));
		goto done;
	}
	if (sb.st_size > TEXT_MAX) {
		diag_set(err, AAP_EDATA, NULL, 0, "\"%s\" is too large to be "
			 "stored: %lld bytes", f->path.data, (long long)sb.st_size);
		diag_detail(err, "PostgreSQL keeps at most %ld bytes in one text "
			    "value", TEXT_MAX);
		goto done;
	}
	sbuf_reset(&p->copy);
	if (pg_copy_begin(p->db, "COPY aap.config_file (batch_id, role, name, "
			  "sha256, content) FROM STDIN (FORMAT binary)", err) < 0)
		goto done;
	if (sbuf_add(&p->copy, head, sizeof(head)) < 0 ||
	    binary_field(&p->copy, p->o->batch_id, strlen(p->o->batch_id)) < 0 ||
	    binary_field(&p->copy, f->role, strlen(f->role)) < 0 ||
	    binary_field(&p->copy, f->name, strlen(f->name)) < 0 ||
	    binary_field(&p->copy, f->sha256, DIGEST_HEX_LEN) < 0 ||
	    binary_field(&p->copy, NULL, (size_t)sb.st_size) < 0)
		goto nomem;
	if (copy_flush(p, 1, err) < 0)
		goto done;
	/* Exactly the length announced; then a read that must find the end. */
	for (left = sb.st_size;;) {
		n = io_read(fd, buf, left > 0 && (size_t)left < sizeof(buf) ?
			    (size_t)left : sizeof(buf));
		if (n < 0) {
			diag_set(err, AAP_ESYS, NULL, 0, "could not read \"%s\": %s",
				 f->path.data, strerror(errno));
			goto abort;
		}
		if (n == 0 || left == 0)
			break;
		left -= n;
		if (digest_update(d, buf, (size_t)n) < 0)
			goto nomem;
		if (pg_copy_send(p->db, buf, (size_t)n, err) < 0)
			goto done;
	}
	if (digest_peek(d, hex) < 0)
		goto nomem;
	if (left != 0 || n != 0 || strcmp(hex, f->sha256) != 0) {
		changed(f->path.data, err);
		goto abort;
	}
	if (pg_copy_send(p->db, "\377\377", 2, err) < 0 ||
	    pg_copy_end(p->db, NULL, NULL, err) < 0)
		goto done;
	rc = 0;
	goto done;
nomem:
	diag_oom(err);
abort:
	pg_copy_end(p->db, "the file could not be stored", NULL, err);
done:
	sbuf_reset(&p->copy);
	digest_free(d);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Stores the files the provenance names. */
static int insert_files(struct push *p, struct diag *err)
{
	size_t i;

	for (i = 0; i < p->nfiles; i++)
		if (copy_file(p, &p->files[i], err) < 0)
			return -1;
	return 0;
}

/* Copies the records' rows into the batch's tables. */
static int insert_rows(struct push *p, struct diag *err)
{
	if (spool_send(p, &p->apps, "COPY aap.application (batch_id, seq, "
		       "application_id, fields, source_file, source_line, "
		       "findings, admissible, total, rank, rank_reason, decision, "
		       "award, decided_by, decision_reason) FROM STDIN", err) < 0)
		return -1;
	if (p->c.nscore > 0 &&
	    spool_send(p, &p->scores, "COPY aap.criterion_score (batch_id, "
		       "seq, criterion, score, spread) FROM STDIN", err) < 0)
		return -1;
	return 0;
}

/* How each side file's rows are stored: the table's columns after
 * batch_id and seq are the file's (columns.h), in its order. */
static const char *const side_copy_sql[COLUMNS_NSIDE] = {
	"COPY aap.review (batch_id, seq, application_id, reviewer, criterion, "
	"mark, comment) FROM STDIN",
	"COPY aap.consensus (batch_id, seq, application_id, criterion, score, "
	"author, justification) FROM STDIN",
	"COPY aap.conflict (batch_id, seq, reviewer, application_id) FROM STDIN",
	"COPY aap.assignment (batch_id, seq, application_id, reviewer, affinity) "
	"FROM STDIN",
	"COPY aap.decision (batch_id, seq, application_id, action, amount, "
	"author, date, justification) FROM STDIN",
};

/* Maps the side file's header to the file's columns. */
static int side_header(const struct record *h, const struct columns_file *s,
		       long *map, const char *path, struct diag *err)
{
	size_t i, k;

	for (k = 0; k < s->n; k++) {
		map[k] = -1;
		for (i = 0; i < h->n; i++)
			if (strcmp(record_field(h, i), s->names[k]) == 0)
				map[k] = (long)i;
		if (map[k] < 0)
			return diag_set(err, AAP_EDATA, path, h->line,
					"no column \"%s\"", s->names[k]);
	}
	return 0;
}

/* The digest the provenance names for side file k (check_files found it
 * named, and the file given to be that one). */
static const char *side_sha256(const struct push *p, size_t k)
{
	size_t i;

	for (i = 0; i < p->nfiles; i++)
		if (strcmp(p->files[i].role, side_role(k)) == 0)
			break;
	return p->files[i].sha256;
}

/* Copies the rows of one side file, read again from path and hashed on the
 * way: rows of a file that changed since it was checked are refused, as
 * its text is by copy_file. */
static int copy_side(struct push *p, size_t k, struct diag *err)
{
	const struct columns_file *s = columns_side((enum columns_side)k);
	const char *path = p->o->side[k];
	char hex[DIGEST_HEX_LEN + 1];
	struct reader_opts o;
	struct reader *rd = NULL;
	struct digest *d = digest_new();
	enum read_result rr;
	unsigned long long seq = 0;
	long map[COLUMNS_SIDE_MAX];
	size_t i;
	int fd, rc = -1, header = 1;

	if (d == NULL)
		return diag_oom(err);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		digest_free(d);
		return diag_set(err, AAP_ESYS, NULL, 0, "could not open \"%s\": %s",
				path, strerror(errno));
	}
	reader_opts_default(&o);
	o.cr_ends_line = 1;
	o.skip_bom = 1;
	rd = reader_new(fd, path, &o, err);
	if (rd == NULL || pg_copy_begin(p->db, side_copy_sql[k], err) < 0)
		goto done;
	(void)digest_background(d); /* else inline, just as well */
	reader_set_tap(rd, digest_tap, d);
	sbuf_reset(&p->copy);
	while ((rr = reader_next(rd, err)) == READ_RECORD) {
		const struct record *r = reader_record(rd);

		if (r->n == 0)
			continue;
		if (header) {
			header = 0;
			if (side_header(r, s, map, path, err) < 0)
				goto abort;
			continue;
		}
		if (copy_text(&p->copy, p->o->batch_id, strlen(p->o->batch_id)) < 0 ||
		    sbuf_addc(&p->copy, '\t') < 0 || sbuf_addu(&p->copy, ++seq) < 0)
			goto nomem;
		for (i = 0; i < s->n; i++) {
			if (sbuf_addc(&p->copy, '\t') < 0)
				goto nomem;
			/* A decision's amount is a number, or none. */
			if (k == COLUMNS_DECISIONS && i == 2 &&
			    ((size_t)map[i] >= r->n || record_len(r, (size_t)map[i]) == 0)) {
				if (sbuf_adds(&p->copy, "\\N") < 0)
					goto nomem;
				continue;
			}
			if ((size_t)map[i] < r->n &&
			    copy_text(&p->copy, record_field(r, (size_t)map[i]),
				      record_len(r, (size_t)map[i])) < 0)
				goto nomem;
		}
		if (sbuf_addc(&p->copy, '\n') < 0)
			goto nomem;
		if (copy_flush(p, 0, err) < 0)
			goto done;
	}
	if (rr == READ_ERROR)
		goto abort;
	if (digest_peek(d, hex) < 0)
		goto nomem;
	if (strcmp(hex, side_sha256(p, k)) != 0) {
		changed(path, err);
		goto abort;
	}
	if (copy_flush(p, 1, err) < 0 || pg_copy_end(p->db, NULL, NULL, err) < 0)
		goto done;
	rc = 0;
	goto done;
nomem:
	diag_oom(err);
abort:
	pg_copy_end(p->db, "the side file could not be read", NULL, err);
done:
	reader_free(rd);
	digest_free(d);
	close(fd);
	return rc;
}

/* Reports the problem the database found with the batch's cut-off, in
 * column col of r's first row, unless it is null. */
static int cutoff_problem(struct push *p, PGresult *r, int col,
			  struct diag *err)
{
	if (PQntuples(r) != 1 || PQgetisnull(r, 0, col))
		return 0;
	diag_set(err, AAP_EDATA, NULL, 0, "batch \"%s\" of cut-off \"%s\" "
		 "cannot be stored: %s", p->o->batch_id, p->cutoff,
		 PQgetvalue(r, 0, col));
	diag_hint(err, "score it with --carry the stored batches of the "
		  "earlier cut-offs, as aap-pull writes them");
	return -1;
}

/* Checks what the batch carries against the stored batches of the
 * earlier cut-offs of its call, and keeps the batch it carries from. */
static int check_carry(struct push *p, struct diag *err)
{
	const char *params[5] = { p->o->call->id, p->cutoff,
				  p->carried != NULL ? p->carried : "0",
				  sbuf_str(&p->carry), p->o->supersedes };
	PGresult *r = pg_exec(p->db, "SELECT carried_from, problem FROM "
			      "aap.cutoff_carry($1, $2, $3::numeric, $4::text[], $5)",
			      5, params, NULL, err);
	int rc;

	if (r == NULL)
		return -1;
	rc = cutoff_problem(p, r, 1, err);
	if (rc == 0 && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0) &&
	    (p->carried_from = mem_strdup(PQgetvalue(r, 0, 0))) == NULL)
		rc = diag_oom(err);
	PQclear(r);
	return rc;
}

/* Refuses a batch that funds an application an earlier cut-off funded,
 * by the call's cutoff_key. */
static int check_refunded(struct push *p, struct diag *err)
{
	const char *key = call_setting(p->o->call, "cutoff_key");
	const char *params[2] = { p->o->batch_id, NULL };
	PGresult *r;
	int rc;

	if (key != NULL && strcmp(key, "siret") == 0)
		params[1] = role_field(p->o->call, ROLE_SIRET);
	r = pg_exec(p->db, "SELECT aap.cutoff_refunded($1, $2)", 2, params,
		    NULL, err);
	if (r == NULL)
		return -1;
	rc = cutoff_problem(p, r, 0, err);
	PQclear(r);
	return rc;
}

/* Stores the batch once the stream has been read whole: returns 0, 1 when
 * the same stream is already stored under this id, -1 on failure. */
static int store(struct push *p, struct diag *err)
{
	enum found found;
	char state[6];
	size_t k;

	if (look_up(p, &found, err) < 0)
		return -1;
	if (found == FOUND_CONFLICT)
		return -1;
	if (found == FOUND_SAME)
		return 1;
	if (p->cutoff != NULL && check_carry(p, err) < 0)
		return -1;
	if (insert_batch(p, state, err) < 0) {
		if (strcmp(state, "23505") != 0)
			return -1;
		/* Another push of this batch won the race: see what it stored. */
		pg_run(p->db, "ROLLBACK", NULL, err);
		p->in_tx = 0;
		if (look_up(p, &found, err) < 0 || found == FOUND_CONFLICT)
			return -1;
		return found == FOUND_SAME ? 1 : -1;
	}
	if (insert_files(p, err) < 0 || insert_rows(p, err) < 0)
		return -1;
	for (k = 0; k < COLUMNS_NSIDE; k++)
		if (p->o->side[k] != NULL && copy_side(p, k, err) < 0)
			return -1;
	if (p->cutoff != NULL && check_refunded(p, err) < 0)
		return -1;
	return 0;
}

/* Commits; a connection lost once COMMIT was sent leaves the outcome
 * unknown, and says so. */
static int commit(struct push *p, struct diag *err)
{
	PGresult *r = PQexec(p->db, "COMMIT");
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;

	p->in_tx = 0;
	if (st == PGRES_COMMAND_OK) {
		PQclear(r);
		return 0;
	}
	if (PQstatus(p->db) == CONNECTION_BAD) {
		PQclear(r);
		diag_set(err, AAP_EDB, NULL, 0, "the connection was lost after "
			 "COMMIT was sent: whether batch \"%s\" was stored is "
			 "unknown", p->o->batch_id);
		diag_hint(err, "push the same stream again: it will find the batch "
			       "if it was stored, and store it otherwise");
		return -1;
	}
	pg_error(p->db, r, NULL, err);
	PQclear(r);
	return -1;
}

/* Adds the batch's link to the chain now rather than at commit, so that
 * the head is known before the commit and the head's lock is held only
 * from here to the commit; head gets the link. */
static int link_chain(struct push *p, char head[DIGEST_HEX_LEN + 1],
		      struct diag *err)
{
	const char *params[1] = { p->o->batch_id };
	PGresult *r;

	if (pg_run(p->db, "SET CONSTRAINTS aap.link_chain IMMEDIATE", NULL, err) < 0)
		return -1;
	r = pg_exec(p->db, "SELECT chain_sha256 FROM aap.chain WHERE batch_id = $1",
		    1, params, NULL, err);
	if (r == NULL)
		return -1;
	if (PQntuples(r) != 1 || PQgetlength(r, 0, 0) != DIGEST_HEX_LEN) {
		PQclear(r);
		return diag_set(err, AAP_EDB, NULL, 0, "batch \"%s\" has no link "
				"in the chain", p->o->batch_id);
	}
	memcpy(head, PQgetvalue(r, 0, 0), DIGEST_HEX_LEN + 1);
	PQclear(r);
	return 0;
}

static void push_fini(struct push *p)
{
	if (p->db != NULL) {
		if (p->in_tx)
			PQclear(PQexec(p->db, "ROLLBACK"));
		PQfinish(p->db);
	}
	stage_close(&p->st);
	pfiles_free(p);
	mem_free(p->c.field);
	mem_free(p->c.score);
	mem_free(p->c.spread);
	sbuf_fini(&p->copy);
	sbuf_fini(&p->carry);
	mem_free(p->cutoff);
	mem_free(p->carried);
	mem_free(p->carried_from);
	spool_fini(&p->apps);
	spool_fini(&p->scores);
}

/* Says what happened. */
static void note(const struct push *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note(const struct push *p, const char *fmt, ...)
{
	struct diag d;
	va_list ap;

	diag_clear(&d);
	va_start(ap, fmt);
	vsnprintf(d.msg, sizeof(d.msg), _(fmt), ap);
	va_end(ap);
	if (p->o->sink != NULL && p->o->sink->fn != NULL)
		p->o->sink->fn(p->o->sink->ctx, &d);
}

int push_run(const struct push_opts *o, struct diag *err)
{
	struct push p;
	struct sbuf extra;
	char head[DIGEST_HEX_LEN + 1] = "";
	struct diag warn;
	int rc = -1, stored;

	memset(&p, 0, sizeof(p));
	p.o = o;
	sbuf_init(&p.copy);
	sbuf_init(&p.carry);
	spool_init(&p.apps);
	spool_init(&p.scores);
	sbuf_init(&extra);
	/* A malformed --db is a bad option: said before any input is read. */
	if (pg_conninfo_check(o->conninfo, err) < 0)
		goto done;
	if (pg_conninfo_password(o->conninfo, &warn))
		diag_report(o->sink, &warn);
	if (stage_open(&p.st, "aap-push", o->call, o->input, STDOUT_FILENO,
		       "standard output", 1, o->plain, err) < 0 ||
	    collect_files(&p, err) < 0 || check_files(&p, err) < 0 ||
	    find_columns(&p, err) < 0)
		goto done;
	if (prov_token(&extra, PROV_BATCH, o->batch_id) < 0) {
		diag_oom(err);
		goto done;
	}
	progress_phase(N_("connecting"));
	if ((p.db = pg_connect(o->conninfo, err)) == NULL ||
	    schema_check(p.db, "push as a member of aap_loader", err) < 0)
		goto done;
	progress_phase(N_("reading"));
	if (stage_begin(&p.st, &extra, NULL, 0, err) < 0 ||
	    read_records(&p, err) < 0 ||
	    pg_run(p.db, "BEGIN", NULL, err) < 0)
		goto done;
	p.in_tx = 1;
	progress_phase(N_("storing"));
	if ((stored = store(&p, err)) < 0)
		goto done;
	progress_phase(N_("committing"));
	if (stored == 0 && (link_chain(&p, head, err) < 0 || commit(&p, err) < 0))
		goto done;
	progress_phase(NULL);
	if (stage_finish(&p.st, NULL, err) < 0) {
		diag_detail(err, "batch \"%s\" is stored%s; only writing the "
			    "stream out failed", o->batch_id,
			    stored == 0 ? _(" and committed") : _(" already"));
		goto done;
	}
	if (stored == 0) {
		note(&p, "stored batch \"%s\": %llu applications", o->batch_id,
		     stream_in_count(p.st.src.in));
		note(&p, "chain head: %s", head);
	} else
		note(&p, "batch \"%s\" is already stored with this stream: "
		     "nothing changed", o->batch_id);
	rc = 0;
done:
	sbuf_fini(&extra);
	push_fini(&p);
	return rc;
}
