/* xlsx.c - the committee's workbook: the ranking, the inadmissible
 * applications with their findings, the budget and the provenance. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "aap.h"
#include "call.h"
#include "diag.h"
#include "labels.h"
#include "mem.h"
#include "model.h"
#include "notes.h"
#include "stream.h"
#include "visible.h"
#include "xlsx.h"

#define WIDTH_MAX 60
#define SCALE_MAX 18

/* One sheet being written. */
struct sheet {
	lxw_worksheet *ws; /* the worksheet */
	lxw_row_t row;     /* next row to write */
	lxw_col_t ncols;   /* columns of its table */
	size_t *width;     /* widest value per column, in characters; owned */
};

/* The workbook and its formats. */
struct book {
	lxw_workbook *wb;               /* the workbook */
	lxw_format *bold;               /* headers */
	lxw_format *text;               /* text cells */
	lxw_format *money;              /* amounts */
	lxw_format *date;               /* dates */
	lxw_format *num[SCALE_MAX + 1]; /* numbers by decimals, made lazily */
	lxw_error failed;               /* first libxlsxwriter error */
};

/* Characters of the n bytes of UTF-8 at s. */
static size_t chars(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

static void note(struct book *b, lxw_error e)
{
	if (e != LXW_NO_ERROR && b->failed == LXW_NO_ERROR)
		b->failed = e;
}

static void widen(struct sheet *s, lxw_col_t col, size_t w)
{
	if (col < s->ncols && w > s->width[col])
		s->width[col] = w > WIDTH_MAX ? WIDTH_MAX : w;
}

/* Writes text as a string cell (never a formula). */
static void put_text(struct book *b, struct sheet *s, lxw_col_t col,
		     const char *t, size_t n, struct sbuf *tmp)
{
	if (n == 0)
		return;
	sbuf_reset(tmp);
	if (visible_add(tmp, t, n, VISIBLE_KEEP_LF, VISIBLE_HEX) < 0) {
		note(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
		return;
	}
	note(b, worksheet_write_string(s->ws, s->row, col, sbuf_str(tmp), b->text));
	widen(s, col, chars(t, n));
}

static void put_str(struct book *b, struct sheet *s, lxw_col_t col,
		    const char *t, struct sbuf *tmp)
{
	put_text(b, s, col, t, strlen(t), tmp);
}

/* The format of a number with scale decimals. */
static lxw_format *num_format(struct book *b, unsigned scale)
{
	char code[32] = "[$-40C]0";
	size_t n = strlen(code), i;

	if (scale > SCALE_MAX)
		scale = SCALE_MAX;
	if (b->num[scale] != NULL)
		return b->num[scale];
	if (scale > 0)
		code[n++] = '.';
	for (i = 0; i < scale; i++)
		code[n++] = '0';
	code[n] = '\0';
	b->num[scale] = workbook_add_format(b->wb);
	if (b->num[scale] != NULL)
		format_set_num_format(b->num[scale], code);
	return b->num[scale];
}

/* units / 10^scale as a double: the nearest one to the exact value.  A
 * workbook's numeric cells are IEEE doubles, so this is the one place a
 * fixed-point value becomes one, at the very end; nothing is computed on
 * it.  For |units| < 2^53 (any amount below 90 thousand billion euros),
 * units and 10^scale are held exactly and the one division rounds
 * correctly. */
static double to_double(long long units, unsigned scale)
{
	double p = 1;

	while (scale-- > 0)
		p *= 10;
	return (double)units / p;
}

static void put_number(struct book *b, struct sheet *s, lxw_col_t col,
		       long long units, unsigned scale, int money)
{
	struct sbuf t;

	note(b, worksheet_write_number(s->ws, s->row, col,
				       to_double(units, scale),
				       money ? b->money : num_format(b, scale)));
	sbuf_init(&t);
	if (model_french_number(&t, units, scale) == 0)
		widen(s, col, t.len + (money ? t.len / 3 + 1 : 0));
	sbuf_fini(&t);
}

static void put_cell(struct book *b, struct sheet *s, lxw_col_t col,
		     const struct model_cell *c, struct sbuf *tmp)
{
	switch (c->type) {
	case CELL_EMPTY:
		return;
	case CELL_NUMBER:
		put_number(b, s, col, c->units, c->scale, c->money);
		return;
	case CELL_DATE:
		note(b, worksheet_write_number(s->ws, s->row, col,
					       (double)(model_days(c->y, c->m, c->d) -
							model_days(1899, 12, 30)),
					       b->date));
		widen(s, col, 10);
		return;
	case CELL_TEXT:
		put_text(b, s, col, c->text, c->len, tmp);
		return;
	}
}

/* Starts a sheet named by label key with its header row. */
static int sheet_start(struct book *b, struct sheet *s, const struct labels *l,
		       const char *key, const char *const *headers,
		       size_t n, struct sbuf *tmp)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	s->ws = workbook_add_worksheet(b->wb, labels_find(l, key));
	s->width = mem_calloc(n ? n : 1, sizeof(*s->width));
	if (s->ws == NULL || s->width == NULL)
		return -1;
	s->ncols = (lxw_col_t)n;
	for (i = 0; i < n; i++) {
		if (*headers[i] == '\0')
			continue;
		put_str(b, s, (lxw_col_t)i, headers[i], tmp);
		if (s->ws != NULL)
			note(b, worksheet_write_string(s->ws, 0, (lxw_col_t)i,
						       headers[i], b->bold));
	}
	s->row = 1;
	return 0;
}

/* Freezes the header, adds the autofilter, fits the widths, frees. */
static void sheet_end(struct book *b, struct sheet *s, int table)
{
	lxw_col_t i;

	if (s->ws == NULL)
		return;
	for (i = 0; i < s->ncols; i++)
		note(b, worksheet_set_column(s->ws, i, i,
					     (double)(s->width[i] + 2), NULL));
	if (table && s->ncols > 0) {
		worksheet_freeze_panes(s->ws, 1, 0);
		note(b, worksheet_autofilter(s->ws, 0, 0,
					     s->row > 1 ? s->row - 1 : 0,
					     (lxw_col_t)(s->ncols - 1)));
	}
	mem_free(s->width);
	s->width = NULL;
}

/* 1 when the record last read is inadmissible or incomplete. */
static int is_rejected(struct model *m)
{
	size_t n;
	const char *d;

	if (m->c_decision >= 0) {
		d = model_field(m, m->c_decision, &n);
		return strcmp(d, "inadmissible") == 0 ||
		       strcmp(d, "incomplete") == 0;
	}
	d = model_field(m, m->c_admissible, &n);
	return strcmp(d, "no") == 0;
}

/* One row of Irrecevables per finding of the record last read (one row
 * without a finding when it has none). */
static void rejected_rows(struct book *b, struct sheet *s, struct model *m,
			  struct sbuf *tmp, struct sbuf *key)
{
	const long base[] = { m->c_id, m->c_applicant, m->c_title };
	struct model_finding f;
	struct sbuf item;
	size_t n, i;
	const char *p = model_field(m, m->c_findings, &n);
	const char *d;
	int r, any = 0;

	sbuf_init(&item);
	do {
		r = model_finding_next(&p, &n, &f, &item);
		if (r < 0) {
			note(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
			break;
		}
		if (r == 0 && any)
			break;
		any = 1;
		for (i = 0; i < 3; i++) {
			size_t len;
			const char *v = model_field(m, base[i], &len);

			put_text(b, s, (lxw_col_t)i, v, len, tmp);
		}
		if (m->c_decision >= 0) {
			d = model_field(m, m->c_decision, &i);
			put_str(b, s, 3, labels_word(m->lab, "decision", d, key), tmp);
		}
		if (r == 1) {
			put_str(b, s, 4, labels_word(m->lab, "severity", f.severity, key), tmp);
			put_str(b, s, 5, labels_word(m->lab, "finding", f.code, key), tmp);
			if (*f.field)
				put_str(b, s, 6, labels_word(m->lab, "field", f.field, key), tmp);
			put_str(b, s, 7, f.detail, tmp);
		}
		s->row++;
	} while (r == 1);
	sbuf_fini(&item);
}

/* Budget: the envelope's totals from the trailer and the counts. */
static void budget_rows(struct book *b, struct sheet *s, struct model *m,
			struct sbuf *tmp)
{
	static const enum prov_key money[] = { PROV_ENVELOPE, PROV_GRANTED,
					       PROV_LEFT };
	struct sbuf v, k;
	size_t i;

	sbuf_init(&v);
	sbuf_init(&k);
	for (i = 0; i < 3; i++) {
		const char *t = model_trailer(m, money[i]);
		long long u;
		unsigned sc;

		sbuf_reset(&k);
		if (sbuf_adds(&k, "budget:") < 0 || sbuf_adds(&k, prov_key_name(money[i])) < 0)
			break;
		put_str(b, s, 0, labels_find(m->lab, sbuf_str(&k)), tmp);
		if (t != NULL && model_decimal(t, strlen(t), &u, &sc) == 0)
			put_number(b, s, 1, u, sc, 1);
		s->row++;
	}
	put_str(b, s, 0, labels_find(m->lab, "budget:funded"), tmp);
	put_number(b, s, 1, (long long)m->funded, 0, 0);
	s->row++;
	put_str(b, s, 0, labels_find(m->lab, "budget:reserve"), tmp);
	put_number(b, s, 1, (long long)m->reserve, 0, 0);
	s->row++;
	sbuf_fini(&v);
	sbuf_fini(&k);
}

/* Provenance: the call, the digests, then every stage and file read. */
static void provenance_rows(struct book *b, struct sheet *s, struct model *m,
			    struct sbuf *tmp)
{
	struct sbuf v;
	const char *t;
	size_t i, j;

	sbuf_init(&v);
	put_str(b, s, 0, labels_find(m->lab, "prov:call"), tmp);
	put_str(b, s, 1, m->call->id, tmp);
	s->row++;
	put_str(b, s, 0, labels_find(m->lab, "prov:title"), tmp);
	put_str(b, s, 1, m->call->title, tmp);
	s->row++;
	put_str(b, s, 0, labels_find(m->lab, "prov:records"), tmp);
	put_number(b, s, 1, (long long)stream_in_count(m->src.in), 0, 0);
	s->row++;
	put_str(b, s, 0, labels_find(m->lab, "prov:input"), tmp);
	put_str(b, s, 1, m->digest, tmp);
	s->row++;
	t = model_trailer(m, PROV_INPUT);
	if (t != NULL) {
		put_str(b, s, 0, prov_key_name(PROV_INPUT), tmp);
		put_str(b, s, 1, t, tmp);
		s->row++;
	}
	s->row++;
	put_str(b, s, 0, labels_find(m->lab, "col:stage"), tmp);
	put_str(b, s, 1, labels_find(m->lab, "col:version"), tmp);
	put_str(b, s, 2, labels_find(m->lab, "col:role"), tmp);
	put_str(b, s, 3, labels_find(m->lab, "col:file"), tmp);
	put_str(b, s, 4, labels_find(m->lab, "col:sha256"), tmp);
	s->row++;
	for (i = 0; i < m->nstages; i++) {
		const struct model_stage *st = &m->stages[i];

		for (j = 0; j < st->nfiles || j == 0; j++) {
			put_str(b, s, 0, st->name ? st->name : "", tmp);
			put_str(b, s, 1, st->version ? st->version : "", tmp);
			if (j < st->nfiles) {
				put_str(b, s, 2, st->files[j].role, tmp);
				put_str(b, s, 3, st->files[j].name, tmp);
				put_str(b, s, 4, st->files[j].sha256, tmp);
			}
			s->row++;
		}
	}
	sbuf_fini(&v);
}

/* Notes: each reviewer's mark (id, criterion in words, reviewer, mark,
 * comment), then each consensus score (id, criterion, score, author,
 * justification). */
static void notes_rows(struct book *b, struct sheet *s, struct model *m,
		       const struct notes *n, struct sbuf *tmp, struct sbuf *key)
{
	size_t i;

	for (i = 0; i < n->n; i++) {
		const struct notes_row *r = &n->rows[i];
		lxw_col_t at = r->side == COLUMNS_REVIEWS ? 3 : 5;
		long long u;
		unsigned sc;

		put_str(b, s, 0, r->id, tmp);
		put_str(b, s, 1, labels_word(m->lab, "criterion", r->criterion, key), tmp);
		if (r->side == COLUMNS_REVIEWS)
			put_str(b, s, 2, r->who, tmp);
		if (model_decimal(r->value, strlen(r->value), &u, &sc) == 0)
			put_number(b, s, at, u, sc, 0);
		else
			put_str(b, s, at, r->value, tmp);
		if (r->side == COLUMNS_REVIEWS) {
			put_str(b, s, 4, r->text, tmp);
		} else {
			put_str(b, s, 6, r->who, tmp);
			put_str(b, s, 7, r->text, tmp);
		}
		s->row++;
	}
}

/* The header of a sheet from label keys. */
static int headers_of(const struct labels *l, const char *const *keys,
		      size_t n, const char **out)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((out[i] = labels_find(l, keys[i])) == NULL)
			out[i] = keys[i];
	return 0;
}

int xlsx_write(struct model *m, const struct notes *notes, const char *path,
	       struct diag *err)
{
	static const char *const rej_keys[] = {
		"col:application_id", "col:applicant", "col:title",
		"col:decision", "col:severity", "col:finding", "col:field",
		"col:detail",
	};
	static const char *const marks_keys[] = {
		"col:application_id", "col:criterion", "col:reviewer",
		"col:mark", "col:comment", "col:consensus", "col:author",
		"col:justification",
	};
	static const char *const two_keys[] = { "col:item", "col:amount" };
	static const char *const prov_keys[] = { "col:item", "col:value" };
	lxw_workbook_options opt = { 1, NULL, 0 };
	lxw_doc_properties props;
	struct book b;
	struct sheet rank, rej, marks, budget, prov;
	const char *hdr[16];
	const char **rank_hdr = NULL;
	struct sbuf part, tmp, buf, key;
	struct model_cell cell;
	enum read_result r = READ_ERROR;
	size_t i;
	int fd, rc = -1;

	memset(&b, 0, sizeof(b));
	memset(&rank, 0, sizeof(rank));
	rej = marks = budget = prov = rank;
	sbuf_init(&part);
	sbuf_init(&tmp);
	sbuf_init(&buf);
	sbuf_init(&key);
	if (sbuf_adds(&part, path) < 0 || sbuf_adds(&part, ".part") < 0 ||
	    (rank_hdr = mem_calloc(m->ncols + 1, sizeof(*rank_hdr))) == NULL) {
		diag_oom(err);
		goto done;
	}
	/* libxlsxwriter creates the file only when the workbook is closed:
	 * make sure now that it can be. */
	fd = open(sbuf_str(&part), O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (fd < 0 || close(fd) < 0) {
		diag_set(err, AAP_ESYS, NULL, 0, "could not create \"%s\": %s",
			 sbuf_str(&part), strerror(errno));
		sbuf_reset(&part);
		goto done;
	}
	b.wb = workbook_new_opt(sbuf_str(&part), &opt);
	if (b.wb == NULL) {
		diag_set(err, AAP_ESYS, NULL, 0, "could not create \"%s\"",
			 sbuf_str(&part));
		goto done;
	}
	b.bold = workbook_add_format(b.wb);
	b.text = workbook_add_format(b.wb);
	b.money = workbook_add_format(b.wb);
	b.date = workbook_add_format(b.wb);
	if (b.bold == NULL || b.text == NULL || b.money == NULL || b.date == NULL)
		goto oom;
	format_set_bold(b.bold);
	format_set_num_format(b.text, "@");
	format_set_num_format(b.money, "[$-40C]#,##0.00");
	format_set_num_format(b.date, "[$-40C]dd/mm/yyyy");
	for (i = 0; i < m->ncols; i++)
		rank_hdr[i] = m->cols[i].header;
	headers_of(m->lab, rej_keys, 8, hdr);
	if (sheet_start(&b, &rank, m->lab, "sheet:ranking", rank_hdr, m->ncols, &tmp) < 0 ||
	    sheet_start(&b, &rej, m->lab, "sheet:inadmissible", hdr, 8, &tmp) < 0)
		goto oom;
	headers_of(m->lab, marks_keys, 8, hdr);
	if (sheet_start(&b, &marks, m->lab, "sheet:marks", hdr, 8, &tmp) < 0)
		goto oom;
	headers_of(m->lab, two_keys, 2, hdr);
	if (sheet_start(&b, &budget, m->lab, "sheet:budget", hdr, 2, &tmp) < 0)
		goto oom;
	headers_of(m->lab, prov_keys, 2, hdr);
	hdr[2] = hdr[3] = hdr[4] = "";
	if (sheet_start(&b, &prov, m->lab, "sheet:provenance", hdr, 5, &tmp) < 0)
		goto oom;
	while ((r = model_next(m, err)) == READ_RECORD) {
		for (i = 0; i < m->ncols; i++) {
			if (model_cell(m, &m->cols[i], &cell, &buf) < 0)
				goto oom;
			put_cell(&b, &rank, (lxw_col_t)i, &cell, &tmp);
		}
		rank.row++;
		if (is_rejected(m))
			rejected_rows(&b, &rej, m, &tmp, &key);
		if (b.failed != LXW_NO_ERROR)
			break;
	}
	if (r == READ_ERROR)
		goto done;
	notes_rows(&b, &marks, m, notes, &tmp, &key);
	budget_rows(&b, &budget, m, &tmp);
	provenance_rows(&b, &prov, m, &tmp);
	sheet_end(&b, &rank, 1);
	sheet_end(&b, &rej, 1);
	sheet_end(&b, &marks, 1);
	sheet_end(&b, &budget, 0);
	sheet_end(&b, &prov, 0);
	memset(&props, 0, sizeof(props));
	props.title = (char *)(uintptr_t)m->call->title;
	/* From the stream, never the clock: the same stream, the same bytes. */
	props.created = m->latest > 0 ? (time_t)m->latest : (time_t)315532800;
	note(&b, workbook_set_properties(b.wb, &props));
	if (b.failed != LXW_NO_ERROR) {
		diag_set(err, AAP_ESYS, NULL, 0, "could not write \"%s\": %s",
			 path, lxw_strerror(b.failed));
		goto done;
	}
	r = READ_END;
	{
		lxw_error e = workbook_close(b.wb);

		b.wb = NULL;
		if (e != LXW_NO_ERROR) {
			diag_set(err, AAP_ESYS, NULL, 0, "could not write \"%s\": %s",
				 path, lxw_strerror(e));
			goto done;
		}
	}
	if (rename(sbuf_str(&part), path) < 0) {
		diag_set(err, AAP_ESYS, NULL, 0, "could not rename \"%s\" to \"%s\"",
			 sbuf_str(&part), path);
		goto done;
	}
	rc = 0;
	goto done;
oom:
	diag_oom(err);
done:
	if (b.wb != NULL) {
		workbook_close(b.wb);
	}
	if (rc < 0 && part.len > 0)
		unlink(sbuf_str(&part));
	mem_free(rank.width);
	mem_free(rej.width);
	mem_free(marks.width);
	mem_free(budget.width);
	mem_free(prov.width);
	mem_free(rank_hdr);
	sbuf_fini(&part);
	sbuf_fini(&tmp);
	sbuf_fini(&buf);
	sbuf_fini(&key);
	return rc;
}
