/* stream.c - reading and writing the stream between stages: provenance,
 * header, records and the trailer that proves the stream whole. */
#include <string.h>

#include "aap.h"
#include "columns.h"
#include "diag.h"
#include "i18n.h"
#include "mem.h"
#include "progress.h"
#include "prov.h"
#include "stream.h"
#include "writer.h"

struct stream_in {
	struct reader *rd;        /* the CSV underneath */
	struct digest *digest;    /* every byte read */
	char *name;               /* name in messages, owned */
	int check;                /* demand a stream and its trailer */
	int bare;                 /* the input is bare CSV */
	int ended;                /* READ_END was returned */
	char **prov;              /* provenance lines, owned */
	size_t nprov;             /* how many */
	struct record header;     /* a copy of the header */
	unsigned long long count; /* records read */
	unsigned long long fed;   /* bytes told to the progress line */
	char digest_hex[DIGEST_HEX_LEN + 1]; /* after the end */
	struct sbuf trailer;      /* the trailer line */
};

/* Returns 1 when name is a valid column name: [a-z0-9_]+. */
static int stream_valid_column(const char *name, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return 0;
	}
	return 1;
}

void stream_in_free(struct stream_in *s)
{
	size_t i;

	if (s == NULL)
		return;
	reader_free(s->rd);
	digest_free(s->digest);
	for (i = 0; i < s->nprov; i++)
		mem_free(s->prov[i]);
	mem_free(s->prov);
	record_fini(&s->header);
	sbuf_fini(&s->trailer);
	mem_free(s->name);
	mem_free(s);
}

/* Keeps a copy of a provenance line. */
static int keep_prov(struct stream_in *s, const char *line, size_t n,
		     struct diag *err)
{
	char **p;

	if (s->nprov == STREAM_PROV_MAX)
		return diag_set(err, AAP_EDATA, s->name, reader_line(s->rd),
				"more than %d '#' lines before the header",
				STREAM_PROV_MAX);
	p = mem_realloc(s->prov, (s->nprov + 1) * sizeof(*p));
	if (p == NULL)
		return diag_oom(err);
	s->prov = p;
	if ((p[s->nprov] = mem_strndup(line, n)) == NULL)
		return diag_oom(err);
	s->nprov++;
	return 0;
}

/* Copies rec into the header and checks the column names. */
static int keep_header(struct stream_in *s, const struct record *rec,
		       struct diag *err)
{
	const char *key = columns_name(COLUMN_APPLICATION_ID);
	size_t i, j;
	struct record *h = &s->header;

	h->off = mem_calloc(rec->n ? rec->n : 1, sizeof(*h->off));
	h->len = mem_calloc(rec->n ? rec->n : 1, sizeof(*h->len));
	if (h->off == NULL || h->len == NULL ||
	    sbuf_add(&h->data, rec->data.data, rec->data.len) < 0)
		return diag_oom(err);
	if (rec->n > 0) {
		memcpy(h->off, rec->off, rec->n * sizeof(*h->off));
		memcpy(h->len, rec->len, rec->n * sizeof(*h->len));
	}
	h->n = h->cap = rec->n;
	h->line = rec->line;
	if (h->n == 0 || strcmp(record_field(h, 0), key) != 0)
		return diag_set(err, AAP_EDATA, s->name, h->line,
				"the first column is not \"%s\"", key);
	for (i = 0; i < h->n; i++) {
		if (!stream_valid_column(record_field(h, i), record_len(h, i)))
			return diag_set(err, AAP_EDATA, s->name, h->line,
					"bad column name \"%s\"",
					record_field(h, i));
		for (j = 0; j < i; j++)
			if (strcmp(record_field(h, i), record_field(h, j)) == 0)
				return diag_set(err, AAP_EDATA, s->name,
						h->line,
						"column \"%s\" appears twice",
						record_field(h, i));
	}
	return 0;
}

/* Reports a stream that ended before its trailer. */
static int cut_off(struct stream_in *s, const char *where, struct diag *err)
{
	diag_set(err, AAP_EDATA, s->name, reader_line(s->rd),
		 "the stream ends %s without its trailer: it was cut off",
		 _(where));
	diag_hint(err, "the stage that wrote it failed or was stopped; its "
		       "own message says why");
	return -1;
}

/* Reads the first item: the magic line, or bare CSV's header. */
static int read_magic(struct stream_in *s, struct diag *err)
{
	enum read_result rr = reader_next(s->rd, err);
	const char *line;

	if (rr == READ_ERROR)
		return -1;
	if (rr == READ_END)
		return diag_set(err, AAP_EDATA, s->name, 0, "the input is empty");
	if (rr == READ_HASH) {
		line = reader_hash_line(s->rd, NULL);
		if (strcmp(line, STREAM_MAGIC) == 0)
			return keep_prov(s, line, strlen(line), err);
		if (strcmp(line, STREAM_MAGIC "\r") == 0) {
			diag_set(err, AAP_EDATA, s->name, 1, "the stream's lines "
				 "end with CRLF: a stream's end with LF alone");
			diag_hint(err, "something converted its line ends (a "
				       "Windows editor or transfer); convert "
				       "them back, or run the stages again");
			return -1;
		}
		if (strncmp(line, STREAM_WORD " ", sizeof(STREAM_WORD)) == 0)
			return diag_set(err, AAP_EDATA, s->name, 1,
					"unsupported stream version \"%s\"",
					line + sizeof(STREAM_WORD));
		return diag_set(err, AAP_EDATA, s->name, 1,
				"the input is not an aap stream");
	}
	if (s->check) {
		diag_set(err, AAP_EDATA, s->name, 1,
			 "the input is bare CSV, not an aap stream: nothing "
			 "proves it whole");
		diag_hint(err, "give --no-truncation-check to take it as it is");
		return -1;
	}
	s->bare = 1;
	reader_set_hash_lines(s->rd, 0);
	return keep_header(s, reader_record(s->rd), err);
}

struct stream_in *stream_in_open(int fd, const char *name, int check,
				 struct diag *err)
{
	struct stream_in *s = mem_calloc(1, sizeof(*s));
	struct reader_opts o;
	enum read_result rr;

	reader_opts_default(&o);
	o.hash_lines = 1;
	if (s == NULL || (s->name = mem_strdup(name)) == NULL ||
	    (s->digest = digest_new()) == NULL ||
	    (s->rd = reader_new(fd, name, &o, err)) == NULL) {
		stream_in_free(s);
		diag_oom(err);
		return NULL;
	}
	s->check = check;
	sbuf_init(&s->trailer);
	(void)digest_background(s->digest); /* else inline, just as well */
	reader_set_tap(s->rd, digest_tap, s->digest);
	if (read_magic(s, err) < 0)
		goto fail;
	while (!s->bare) {
		rr = reader_next(s->rd, err);
		if (rr == READ_ERROR)
			goto fail;
		if (rr == READ_END) {
			cut_off(s, "before its header", err);
			goto fail;
		}
		if (rr == READ_RECORD) {
			if (keep_header(s, reader_record(s->rd), err) < 0)
				goto fail;
			break;
		}
		if (keep_prov(s, reader_hash_line(s->rd, NULL),
			      strlen(reader_hash_line(s->rd, NULL)), err) < 0)
			goto fail;
	}
	/* The records are scanned on a thread of their own, ahead of the
	 * stage's work on them. */
	reader_read_ahead(s->rd);
	return s;
fail:
	stream_in_free(s);
	return NULL;
}

const struct record *stream_in_header(const struct stream_in *s)
{
	return &s->header;
}

long stream_in_column(const struct stream_in *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->header.n; i++)
		if (strcmp(record_field(&s->header, i), name) == 0)
			return (long)i;
	return -1;
}

size_t stream_in_nprov(const struct stream_in *s)
{
	return s->nprov;
}

const char *stream_in_prov(const struct stream_in *s, size_t i)
{
	return s->prov[i];
}

int stream_in_bare(const struct stream_in *s)
{
	return s->bare;
}

const struct record *stream_in_record(const struct stream_in *s)
{
	return reader_record(s->rd);
}

unsigned long stream_in_line(const struct stream_in *s)
{
	return reader_line(s->rd);
}

unsigned long long stream_in_count(const struct stream_in *s)
{
	return s->count;
}

const char *stream_in_digest(const struct stream_in *s)
{
	return s->digest_hex;
}

const char *stream_in_trailer(const struct stream_in *s)
{
	return sbuf_str(&s->trailer);
}

/* Parses the last '#stage' line of s into l; *found is 0 when there is
 * none. */
static int last_stage(const struct stream_in *s, struct prov_line *l,
		      int *found, struct diag *err)
{
	size_t i = s->nprov;

	*found = 0;
	while (i-- > 0)
		if (prov_kind_of(s->prov[i]) == PROV_STAGE) {
			*found = 1;
			return prov_parse(l, s->prov[i], s->name, i + 1, err);
		}
	return 0;
}

/* Checks the trailer line against what was read. */
static int check_trailer(struct stream_in *s, struct diag *err)
{
	char hex[DIGEST_HEX_LEN + 1];
	const char *line = reader_hash_line(s->rd, NULL);
	unsigned long line_no = reader_line(s->rd);
	const struct prov_token *t;
	struct prov_line l, stage;
	struct sbuf count;
	int rc = 0, found;

	if (digest_peek(s->digest, hex) < 0)
		return diag_set(err, AAP_ESYS, NULL, 0, "could not hash the input");
	if (prov_kind_of(line) != PROV_TRAILER)
		return diag_set(err, AAP_EDATA, s->name, line_no,
				"a '#' line among the records that is not the "
				"trailer");
	if (sbuf_adds(&s->trailer, line) < 0)
		return diag_oom(err);
	prov_line_init(&l);
	if (prov_parse(&l, line, s->name, line_no, err) < 0) {
		if (err->status == AAP_EDATA)
			diag_set(err, AAP_EDATA, s->name, line_no, "the trailer "
				 "is malformed: the stream was altered");
		return -1;
	}
	prov_line_init(&stage);
	if (last_stage(s, &stage, &found, err) < 0 ||
	    prov_trailer_check(&l, found ? &stage : NULL, s->name, line_no,
			       err) < 0) {
		prov_line_fini(&stage);
		prov_line_fini(&l);
		return -1;
	}
	prov_line_fini(&stage);
	sbuf_init(&count);
	t = prov_find(&l, PROV_RECORDS);
	if (sbuf_addu(&count, s->count) < 0)
		rc = diag_oom(err);
	else if (t == NULL || t->len != count.len ||
		 memcmp(t->value, count.data, count.len) != 0)
		rc = diag_set(err, AAP_EDATA, s->name, line_no,
			      "the trailer does not count the %s records read: "
			      "the stream was altered", count.data);
	t = prov_find(&l, PROV_SHA256);
	if (rc == 0 && (t == NULL || t != &l.tok[l.n - 1] ||
			t->len != DIGEST_HEX_LEN || strcmp(t->value, hex) != 0))
		rc = diag_set(err, AAP_EDATA, s->name, line_no,
			      "the trailer's sha256 does not match the stream: "
			      "it was altered");
	sbuf_fini(&count);
	prov_line_fini(&l);
	return rc;
}

/* The input has ended as it should: keeps its digest and says READ_END. */
static enum read_result reached_end(struct stream_in *s, struct diag *err)
{
	if (digest_peek(s->digest, s->digest_hex) < 0) {
		diag_set(err, AAP_ESYS, NULL, 0, "could not hash the input");
		return READ_ERROR;
	}
	s->ended = 1;
	return READ_END;
}

/* The trailer was read: nothing may follow it. */
static enum read_result after_trailer(struct stream_in *s, struct diag *err)
{
	enum read_result rr = reader_next(s->rd, err);

	if (rr == READ_ERROR)
		return READ_ERROR;
	if (rr != READ_END) {
		diag_set(err, AAP_EDATA, s->name, reader_line(s->rd),
			 "data after the trailer");
		diag_hint(err, "streams cannot be concatenated; give each to a "
			       "stage of its own");
		return READ_ERROR;
	}
	return reached_end(s, err);
}

enum read_result stream_in_next(struct stream_in *s, struct diag *err)
{
	enum read_result rr;
	const struct record *rec;

	if (s->ended)
		return READ_END;
	rr = reader_next(s->rd, err);
	if (rr == READ_ERROR)
		return READ_ERROR;
	if (rr == READ_HASH) {
		if (check_trailer(s, err) < 0)
			return READ_ERROR;
		return after_trailer(s, err);
	}
	if (rr == READ_END) {
		if (s->check && !s->bare) {
			cut_off(s, "after its last record", err);
			return READ_ERROR;
		}
		return reached_end(s, err);
	}
	rec = reader_record(s->rd);
	if (rec->n != s->header.n) {
		diag_set(err, AAP_EDATA, s->name, rec->line,
			 "the record has %zu fields, the header %zu", rec->n,
			 s->header.n);
		return READ_ERROR;
	}
	if (record_check_text(rec, &s->header, s->name, AAP_EDATA, err) < 0)
		return READ_ERROR;
	s->count++;
	progress_add(1, reader_offset(s->rd) - s->fed);
	s->fed = reader_offset(s->rd);
	return READ_RECORD;
}

struct stream_out {
	struct writer *w;         /* the output */
	int plain;                /* no '#' lines */
	int header_done;          /* the header was ended */
	unsigned long long count; /* records ended after the header */
};

struct stream_out *stream_out_new(int fd, const char *name, int plain)
{
	struct stream_out *s = mem_calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->w = writer_new(fd, name);
	if (s->w == NULL) {
		mem_free(s);
		return NULL;
	}
	s->plain = plain;
	return s;
}

void stream_out_free(struct stream_out *s)
{
	if (s == NULL)
		return;
	writer_free(s->w);
	mem_free(s);
}

int stream_out_line(struct stream_out *s, const char *line, size_t n)
{
	if (s->plain)
		return 0;
	if (writer_bytes(s->w, line, n) < 0)
		return -1;
	return writer_bytes(s->w, "\n", 1);
}

int stream_out_field(struct stream_out *s, const char *p, size_t n)
{
	return writer_field(s->w, p, n);
}

int stream_out_end_record(struct stream_out *s)
{
	if (s->header_done)
		s->count++;
	s->header_done = 1;
	return writer_end_record(s->w);
}

int stream_out_failed(const struct stream_out *s, struct diag *err)
{
	return writer_failed(s->w, err);
}

void stream_out_abandon(struct stream_out *s)
{
	struct diag ignored;

	writer_flush(s->w, &ignored);
}

unsigned long long stream_out_count(const struct stream_out *s)
{
	return s->count;
}

int stream_out_finish(struct stream_out *s, const struct sbuf *tokens,
		      struct diag *err)
{
	char hex[DIGEST_HEX_LEN + 1];
	struct sbuf t;
	int rc = 0;

	if (!s->plain) {
		sbuf_init(&t);
		if (writer_digest(s->w, hex) < 0 ||
		    prov_trailer_line(&t, s->count, tokens, hex) < 0)
			rc = diag_oom(err);
		else
			writer_bytes(s->w, t.data, t.len);
		sbuf_fini(&t);
		if (rc < 0)
			return rc;
	}
	return writer_flush(s->w, err);
}
