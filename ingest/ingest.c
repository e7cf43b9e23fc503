/* ingest.c - source exports to the stream: open every source, map its
 * header to the call's fields, then copy the records across. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "aap.h"
#include "call.h"
#include "columns.h"
#include "diag.h"
#include "digest.h"
#include "finding.h"
#include "htab.h"
#include "i18n.h"
#include "label.h"
#include "mem.h"
#include "norm.h"
#include "progress.h"
#include "prov.h"
#include "reader.h"
#include "sbuf.h"
#include "stream.h"

#include "ingest.h"

/* One source export being read. */
struct source {
	char *name;              /* base name, "-" for stdin; owned */
	int fd;                  /* open descriptor */
	int own_fd;              /* 1: close fd when done */
	struct reader *rd;       /* its records */
	struct digest *digest;   /* every byte read */
	long *map;               /* map[f]: source column of field f, or -1 */
	size_t ncols;            /* columns in its header */
	struct sbuf labels;      /* the header's labels, NUL-separated */
	struct sbuf prov;        /* its provenance tokens */
};

/* Label of column j of s's header, for messages ("" past the header). */
static const char *column_label(const struct source *s, size_t j)
{
	const char *p = s->labels.data;
	size_t i;

	if (j >= s->ncols || p == NULL)
		return "";
	for (i = 0; i < j; i++)
		p += strlen(p) + 1;
	return p;
}

/* The matching keys of every field: its name and its header labels. */
struct keys {
	struct sbuf *key;        /* all keys */
	size_t *field;           /* the field each key belongs to */
	size_t n;                /* how many */
};

static void keys_fini(struct keys *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		sbuf_fini(&k->key[i]);
	mem_free(k->key);
	mem_free(k->field);
}

/* Adds the key of label for field f. */
static int keys_add(struct keys *k, const char *label, size_t f)
{
	struct sbuf *key = mem_realloc(k->key, (k->n + 1) * sizeof(*key));
	size_t *field;

	if (key == NULL)
		return -1;
	k->key = key;
	field = mem_realloc(k->field, (k->n + 1) * sizeof(*field));
	if (field == NULL)
		return -1;
	k->field = field;
	sbuf_init(&key[k->n]);
	field[k->n] = f;
	k->n++;
	return label_key(label, strlen(label), &key[k->n - 1]) < 0 ? -1 : 0;
}

static int keys_init(struct keys *k, const struct call *c)
{
	size_t f, h;

	memset(k, 0, sizeof(*k));
	for (f = 0; f < c->nfields; f++) {
		if (keys_add(k, c->fields[f].name, f) < 0)
			return -1;
		for (h = 0; h < c->fields[f].nheaders; h++)
			if (keys_add(k, c->fields[f].headers[h], f) < 0)
				return -1;
	}
	return 0;
}

/* The field whose key is key, or -1. */
static long keys_find(const struct keys *k, const struct sbuf *key)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		if (k->key[i].len == key->len &&
		    memcmp(k->key[i].data, key->data, key->len) == 0)
			return (long)k->field[i];
	return -1;
}

static void source_close(struct source *s)
{
	reader_free(s->rd);
	digest_free(s->digest);
	if (s->own_fd && s->fd >= 0)
		close(s->fd);
	mem_free(s->map);
	mem_free(s->name);
	sbuf_fini(&s->labels);
	sbuf_fini(&s->prov);
}

/* Opens the source at path ("-": stdin). */
static int source_open(struct source *s, const char *path,
		       const struct ingest_opts *io, struct diag *err)
{
	struct reader_opts o;
	const char *base = strrchr(path, '/');
	size_t f;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	sbuf_init(&s->prov);
	sbuf_init(&s->labels);
	if (strcmp(path, "-") == 0) {
		s->fd = STDIN_FILENO;
	} else {
		s->fd = open(path, O_RDONLY);
		if (s->fd < 0)
			return diag_set(err, AAP_ESYS, NULL, 0,
					"could not open \"%s\": %s", path,
					strerror(errno));
		s->own_fd = 1;
	}
	reader_opts_default(&o);
	o.cr_ends_line = 1;
	o.skip_bom = 1;
	o.recover = 1;
	o.encoding = (enum reader_encoding)io->encoding;
	o.delim = io->delim;
	s->name = mem_strdup(base != NULL && base[1] != '\0' ? base + 1 : path);
	s->map = mem_calloc(io->call->nfields, sizeof(*s->map));
	s->digest = digest_new();
	if (s->name == NULL || s->map == NULL || s->digest == NULL ||
	    (s->rd = reader_new(s->fd, path, &o, err)) == NULL)
		return diag_oom(err);
	(void)digest_background(s->digest); /* else inline, just as well */
	reader_set_tap(s->rd, digest_tap, s->digest);
	reader_read_ahead(s->rd); /* parsing on one core, the rest on the other */
	for (f = 0; f < io->call->nfields; f++)
		s->map[f] = -1;
	return 0;
}

/* Reports the required fields no column maps to. */
static int check_required(const struct source *s, const struct call *c,
			  unsigned long line, struct diag *err)
{
	struct sbuf looked;
	size_t f, h;

	for (f = 0; f < c->nfields; f++) {
		if (s->map[f] >= 0 || !c->fields[f].required)
			continue;
		sbuf_init(&looked);
		sbuf_addc(&looked, '"');
		sbuf_adds(&looked, c->fields[f].name);
		sbuf_addc(&looked, '"');
		for (h = 0; h < c->fields[f].nheaders; h++) {
			sbuf_adds(&looked, ", \"");
			sbuf_adds(&looked, c->fields[f].headers[h]);
			sbuf_addc(&looked, '"');
		}
		diag_set(err, AAP_EDATA, reader_name(s->rd), line,
			 "no column for the required field \"%s\"",
			 c->fields[f].name);
		diag_detail(err, "headers looked for: %s", sbuf_str(&looked));
		sbuf_fini(&looked);
		return -1;
	}
	return 0;
}

/* The unmapped labels' keys of one header, each listed once. */
struct seen {
	struct sbuf text; /* the keys, one after the other */
	size_t *end;      /* key i ends at end[i] and starts where i - 1 ends */
	size_t n, cap;    /* keys, room in end */
	struct htab h;    /* the keys by their bytes */
};

/* htab_key_fn of struct seen. */
static const void *seen_key(const void *ctx, size_t id, size_t *n)
{
	const struct seen *sn = ctx;
	size_t b = id > 0 ? sn->end[id - 1] : 0;

	*n = sn->end[id] - b;
	return sn->text.data + b;
}

static void seen_init(struct seen *sn)
{
	memset(sn, 0, sizeof(*sn));
	sbuf_init(&sn->text);
	htab_init(&sn->h, seen_key, sn);
}

static void seen_fini(struct seen *sn)
{
	htab_fini(&sn->h);
	mem_free(sn->end);
	sbuf_fini(&sn->text);
}

/* Adds key to sn unless it is there.  Returns 1 when it was new, 0 when
 * it was there, -1 when memory ran out. */
static int seen_add(struct seen *sn, const struct sbuf *key)
{
	size_t found, len = sn->text.len;
	int rc;

	if (sn->n == sn->cap) {
		size_t cap = sn->cap ? 2 * sn->cap : 64;
		size_t *e = mem_realloc(sn->end, cap * sizeof(*e));

		if (e == NULL)
			return -1;
		sn->end = e;
		sn->cap = cap;
	}
	if (sbuf_add(&sn->text, key->data, key->len) < 0)
		return -1;
	sn->end[sn->n] = sn->text.len;
	rc = htab_put(&sn->h, key->data, key->len, sn->n, &found);
	if (rc != 0) {
		sn->text.len = len;
		return rc < 0 ? -1 : 0;
	}
	sn->n++;
	return 1;
}

/* Maps column j, labelled label, of the header. */
static int map_column(struct source *s, const struct call *c,
		      const struct keys *k, const struct record *h, size_t j,
		      struct sbuf *key, struct seen *seen, struct diag *err)
{
	const char *label = record_field(h, j);
	int rc = label_key(label, record_len(h, j), key);
	long f;

	if (rc < 0)
		return diag_oom(err);
	if (rc > 0)
		return diag_set(err, AAP_EDATA, reader_name(s->rd), h->line,
				"header label %zu is not valid UTF-8", j + 1);
	if (key->len == 0)
		return diag_set(err, AAP_EDATA, reader_name(s->rd), h->line,
				"column %zu has a blank header label", j + 1);
	f = keys_find(k, key);
	if (f >= 0) {
		if (s->map[f] >= 0)
			return diag_set(err, AAP_EDATA, reader_name(s->rd),
					h->line, "columns \"%s\" and \"%s\" "
					"both map to the field \"%s\"",
					record_field(h, (size_t)s->map[f]),
					label, c->fields[f].name);
		s->map[f] = (long)j;
		return 0;
	}
	/* Unmapped: listed once in the provenance, whatever its copies. */
	rc = seen_add(seen, key);
	if (rc < 0 || (rc > 0 && prov_token_n(&s->prov, PROV_UNMAPPED, label,
					       record_len(h, j)) < 0))
		return diag_oom(err);
	return 0;
}

/* Reads the header of s and maps its columns to the fields of c. */
static int read_header(struct source *s, const struct call *c,
		       const struct keys *k, struct diag *err)
{
	enum read_result rr = reader_next(s->rd, err);
	const struct record *h;
	struct sbuf key;
	struct seen seen;
	char delim[2] = { 0, 0 };
	size_t j;
	int rc = 0;

	if (rr == READ_ERROR)
		return -1;
	if (rr == READ_END)
		return diag_set(err, AAP_EDATA, reader_name(s->rd), 0,
				"the file is empty: not even a header");
	h = reader_record(s->rd);
	s->ncols = h->n;
	if (sbuf_add(&s->labels, h->data.data, h->data.len) < 0)
		return diag_oom(err);
	delim[0] = (char)reader_delim(s->rd);
	if (prov_token(&s->prov, PROV_SOURCE, s->name) < 0 ||
	    prov_token(&s->prov, PROV_DELIMITER, delim) < 0)
		return diag_oom(err);
	sbuf_init(&key);
	seen_init(&seen);
	if (h->n == 0)
		rc = diag_set(err, AAP_EDATA, reader_name(s->rd), h->line,
			      "the header is a blank line");
	for (j = 0; j < h->n && rc == 0; j++)
		rc = map_column(s, c, k, h, j, &key, &seen, err);
	sbuf_fini(&key);
	seen_fini(&seen);
	if (rc < 0)
		return -1;
	return check_required(s, c, h->line, err);
}

/* Writes the provenance lines and the header of the stream. */
static int write_head(struct stream_out *out, const struct call *c,
		      struct source *src, size_t nsrc, struct diag *err)
{
	struct sbuf line;
	size_t i, nadd;
	const char *const *added = columns_added(COLUMNS_INGEST, &nadd);
	int rc;

	sbuf_init(&line);
	rc = prov_stage_line(&line, "aap-ingest", c);
	for (i = 0; i < nsrc && rc == 0; i++) {
		rc = sbuf_add(&line, sbuf_str(&src[i].prov), src[i].prov.len);
		/* Never write what the next stage's reader would refuse. */
		if (rc == 0 && line.len + 1 > STREAM_LINE_MAX) {
			sbuf_fini(&line);
			diag_set(err, AAP_EDATA, reader_name(src[i].rd), 1,
				 "the header's labels would make a '#stage' line "
				 "longer than %zu bytes, more than a stage reads",
				 (size_t)STREAM_LINE_MAX);
			diag_hint(err, "each label that maps to no field is listed "
				       "in it: remove the columns the call does "
				       "not use");
			return -1;
		}
	}
	if (rc < 0) {
		sbuf_fini(&line);
		return diag_oom(err);
	}
	stream_out_line(out, STREAM_MAGIC, strlen(STREAM_MAGIC));
	stream_out_line(out, line.data, line.len);
	sbuf_fini(&line);
	for (i = 0; i < c->nfields; i++)
		stream_out_field(out, c->fields[i].name, strlen(c->fields[i].name));
	for (i = 0; i < nadd; i++)
		stream_out_field(out, added[i], strlen(added[i]));
	stream_out_end_record(out);
	return 0;
}

/* Scratch space for one record. */
struct scratch {
	struct sbuf findings; /* the record's findings */
	struct sbuf value;    /* a normalised value */
	const char *unread;   /* the record's first field whose value could
				 not be normalised, or NULL */
};

/* The records whose values could not all be normalised, for the warning
 * at the end of the run. */
struct unread {
	unsigned long long records; /* records written */
	unsigned long long bad;     /* of which with such a value */
	const char *file;           /* the first one's source */
	unsigned long line;         /* its line */
	const char *field;          /* its first such field */
};

/* Normalises v (n bytes) as field f's type into sc->value.  Returns
 * NORM_OK (value set), NORM_EMPTY, or the failure. */
static enum norm_status normalise(const struct call_field *f, const char *v,
				  size_t n, struct scratch *sc)
{
	char *out;
	size_t cap = n + 32, len;
	const char *t;

	if (sbuf_grow(&sc->value, cap) < 0)
		return NORM_TOO_LONG;
	out = sc->value.data;
	sc->value.len = 0;
	switch (f->type) {
	case FIELD_MONEY:
		return norm_money(v, n, out, cap);
	case FIELD_DECIMAL:
		return norm_decimal(v, n, out, cap);
	case FIELD_INTEGER:
		return norm_integer(v, n, out, cap);
	case FIELD_RATE:
		return norm_rate(v, n, out, cap);
	case FIELD_DATE:
		return norm_date(v, n, out, cap);
	case FIELD_DATETIME:
		return norm_datetime(v, n, out, cap);
	case FIELD_BOOLEAN:
		return norm_boolean(v, n, out, cap);
	case FIELD_LIST:
		return norm_list(v, n, ",;", out, cap);
	case FIELD_TEXT:
	case FIELD_ENUM:
	default:
		t = norm_trim(v, n, &len);
		memcpy(out, t, len);
		out[len] = '\0';
		return len > 0 ? NORM_OK : NORM_EMPTY;
	}
}

/* Writes field f's value v (n bytes), normalised, noting a failure. */
static int write_value(struct stream_out *out, const struct call_field *f,
		       const char *v, size_t n, struct scratch *sc)
{
	enum norm_status st;
	const char *t;
	size_t len;
	int code;

	if (f->type == FIELD_TEXT || f->type == FIELD_ENUM) {
		/* Trimmed only: written from where it is, not copied first. */
		t = norm_trim(v, n, &len);
		return stream_out_field(out, t, len);
	}
	st = normalise(f, v, n, sc);
	if (st == NORM_OK)
		return stream_out_field(out, sc->value.data, strlen(sc->value.data));
	if (st == NORM_EMPTY)
		return stream_out_field(out, "", 0);
	/* Kept as it was, for validation to judge. */
	stream_out_field(out, v, n);
	if (sc->unread == NULL)
		sc->unread = f->name;
	code = norm_status_finding(st);
	/* Never negative: normalise passes the normalisers valid parameters. */
	return finding_add(&sc->findings, FINDING_ERROR,
			   code >= 0 ? (enum finding_code)code : FINDING_BAD_TYPE,
			   f->name, NULL);
}

/* Reports a record carried with a problem. */
static void carried(const struct diag_sink *sink, const struct source *s,
		    unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void carried(const struct diag_sink *sink, const struct source *s,
		    unsigned long line, const char *fmt, ...)
{
	struct diag warn;
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), _(fmt), ap);
	va_end(ap);
	diag_set(&warn, AAP_EDATA, reader_name(s->rd), line, "%s: carried "
		 "with a finding", msg);
	diag_report(sink, &warn);
}

/* The field the source column j maps to, or NULL. */
static const struct call_field *field_of(const struct call *c,
					 const struct source *s, size_t j)
{
	size_t f;

	for (f = 0; f < c->nfields; f++)
		if (s->map[f] == (long)j)
			return &c->fields[f];
	return NULL;
}

/* Notes what is wrong with the shape of rec. */
static int shape_findings(const struct call *c, const struct source *s,
			  const struct record *rec, struct scratch *sc,
			  const struct diag_sink *sink)
{
	const struct call_field *f;

	if (rec->broken) {
		f = field_of(c, s, rec->n);
		if (rec->broken == READER_STRAY_QUOTE)
			carried(sink, s, rec->line, "stray quote in field \"%s\" "
				"(column %zu); the rest of its line was skipped",
				column_label(s, rec->n), rec->n + 1);
		else
			carried(sink, s, rec->line, "text after the closing "
				"quote of field \"%s\" (column %zu); the rest of "
				"its line was skipped", column_label(s, rec->n),
				rec->n + 1);
		return finding_add(&sc->findings, FINDING_ERROR,
				   FINDING_BAD_QUOTE, f != NULL ? f->name : NULL,
				   NULL);
	}
	if (rec->n != s->ncols) {
		carried(sink, s, rec->line, "the record has %zu fields, the "
			"header %zu", rec->n, s->ncols);
		return finding_add(&sc->findings, FINDING_ERROR,
				   FINDING_FIELD_COUNT, NULL, NULL);
	}
	return 0;
}

/* Refuses a NUL byte in any field: such a file is not text. */
static int check_nul(const struct source *s, const struct record *rec,
		     struct diag *err)
{
	size_t i;

	for (i = 0; i < rec->n; i++)
		if (memchr(record_field(rec, i), '\0', record_len(rec, i)) != NULL) {
			diag_set(err, AAP_EDATA, reader_name(s->rd), rec->line,
				 "NUL byte in field \"%s\" (column %zu): this is "
				 "not a text export", column_label(s, i), i + 1);
			diag_hint(err, "a UTF-16 file? Save it as \"CSV UTF-8\"");
			return -1;
		}
	return 0;
}

/* Writes one record of s. */
static int write_record(struct stream_out *out, const struct call *c,
			struct source *s, const struct record *rec,
			struct scratch *sc, const struct diag_sink *sink,
			struct diag *err)
{
	char num[24];
	size_t f, k = sizeof(num);
	unsigned long line = rec->line;
	long j;
	int rc = 0;

	if (check_nul(s, rec, err) < 0)
		return -1;
	sbuf_reset(&sc->findings);
	sc->unread = NULL;
	rc |= shape_findings(c, s, rec, sc, sink);
	for (f = 0; f < c->nfields; f++) {
		j = s->map[f];
		if (j >= 0 && (size_t)j < rec->n)
			rc |= write_value(out, &c->fields[f],
					  record_field(rec, (size_t)j),
					  record_len(rec, (size_t)j), sc);
		else
			stream_out_field(out, "", 0);
	}
	if (rc < 0)
		return diag_oom(err);
	stream_out_field(out, s->name, strlen(s->name));
	do {
		num[--k] = (char)('0' + line % 10);
		line /= 10;
	} while (line > 0);
	stream_out_field(out, num + k, sizeof(num) - k);
	stream_out_field(out, sbuf_str(&sc->findings), sc->findings.len);
	stream_out_end_record(out);
	return stream_out_failed(out, err);
}

/* Copies the records of s to out, counting in u those with a value that
 * could not be normalised. */
static int copy_records(struct stream_out *out, const struct call *c,
			struct source *s, struct unread *u,
			const struct diag_sink *sink, struct diag *err)
{
	enum read_result rr;
	struct scratch sc;
	struct diag warn;
	unsigned long long fed = 0;
	int rc = 0;

	sbuf_init(&sc.findings);
	sbuf_init(&sc.value);
	sc.unread = NULL;
	while (rc == 0 && (rr = reader_next(s->rd, err)) != READ_END) {
		if (rr == READ_ERROR) {
			rc = -1;
		} else if (reader_record(s->rd)->n == 0 &&
			   !reader_record(s->rd)->broken) {
			diag_set(&warn, AAP_EDATA, reader_name(s->rd),
				 reader_line(s->rd), "blank line skipped");
			diag_report(sink, &warn);
		} else {
			rc = write_record(out, c, s, reader_record(s->rd),
					  &sc, sink, err);
			u->records++;
			if (sc.unread != NULL && u->bad++ == 0) {
				u->file = reader_name(s->rd);
				u->line = reader_line(s->rd);
				u->field = sc.unread;
			}
			progress_add(1, reader_offset(s->rd) - fed);
			fed = reader_offset(s->rd);
		}
	}
	sbuf_fini(&sc.findings);
	sbuf_fini(&sc.value);
	return rc;
}

/* Builds the trailer's tokens: each source's digest. */
static int trailer_tokens(struct source *src, size_t nsrc, struct sbuf *t,
			  struct diag *err)
{
	char hex[DIGEST_HEX_LEN + 1];
	size_t i;
	int rc = 0;

	for (i = 0; i < nsrc && rc == 0; i++) {
		if (digest_peek(src[i].digest, hex) < 0 ||
		    prov_token_input(t, src[i].name, hex) < 0 ||
		    prov_token(t, PROV_ENCODING,
				 reader_encoding(src[i].rd) == READER_CP1252 ?
				 prov_encoding_cp1252 : prov_encoding_utf8) < 0)
			rc = diag_oom(err);
	}
	return rc;
}

/* Says, once at the end, how many records have a value that could not be
 * normalised, and where the first is: each was carried with its finding. */
static void warn_unread(const struct unread *u, const struct diag_sink *sink)
{
	struct diag warn;

	diag_set(&warn, AAP_OK, NULL, 0, "%llu of %llu applications have a "
		 "value that could not be read: carried with a finding",
		 u->bad, u->records);
	diag_detail(&warn, "the first is line %lu of \"%s\", field \"%s\"",
		    u->line, u->file, u->field);
	diag_report(sink, &warn);
}

int ingest_run(const struct ingest_opts *o, char *const *files,
	       size_t nfiles, struct diag *err)
{
	static char dash[] = "-";
	static char *const stdin_only[] = { dash };
	struct source *src = NULL;
	struct stream_out *out = NULL;
	struct keys keys;
	struct sbuf tokens;
	struct unread u;
	size_t i, opened = 0, nstdin = 0;
	int rc = -1;

	memset(&u, 0, sizeof(u));
	sbuf_init(&tokens);
	if (nfiles == 0) {
		files = stdin_only;
		nfiles = 1;
	}
	for (i = 0; i < nfiles; i++)
		nstdin += strcmp(files[i], "-") == 0;
	if (nstdin > 1)
		return diag_set(err, AAP_EUSAGE, NULL, 0,
				"standard input (\"-\") is named more than once");
	if (keys_init(&keys, o->call) < 0) {
		keys_fini(&keys);
		return diag_oom(err);
	}
	src = mem_calloc(nfiles, sizeof(*src));
	out = stream_out_new(o->out_fd, "standard output", o->plain);
	if (src == NULL || out == NULL) {
		diag_oom(err);
		goto done;
	}
	for (i = 0; i < nfiles; i++) {
		opened++;
		if (source_open(&src[i], files[i], o, err) < 0 ||
		    read_header(&src[i], o->call, &keys, err) < 0)
			goto done;
	}
	if (write_head(out, o->call, src, nfiles, err) < 0)
		goto done;
	for (i = 0; i < nfiles; i++)
		if (copy_records(out, o->call, &src[i], &u, o->sink, err) < 0)
			goto done;
	if (trailer_tokens(src, nfiles, &tokens, err) < 0)
		goto done;
	rc = stream_out_finish(out, &tokens, err);
	if (rc == 0 && u.bad > 0)
		warn_unread(&u, o->sink);
done:
	if (rc < 0 && out != NULL)
		stream_out_abandon(out);
	for (i = 0; i < opened; i++)
		source_close(&src[i]);
	mem_free(src);
	stream_out_free(out);
	keys_fini(&keys);
	sbuf_fini(&tokens);
	return rc;
}

int ingest_parse_encoding(const char *s)
{
	if (strcasecmp(s, "utf-8") == 0 || strcasecmp(s, "utf8") == 0)
		return READER_UTF8;
	if (strcasecmp(s, "windows-1252") == 0 || strcasecmp(s, "cp1252") == 0)
		return READER_CP1252;
	return -1;
}

unsigned char ingest_parse_delim(const char *s)
{
	if (strcmp(s, ",") == 0 || strcmp(s, ";") == 0 || strcmp(s, "\t") == 0)
		return (unsigned char)s[0];
	if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0)
		return '\t';
	return 0;
}
