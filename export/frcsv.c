/* frcsv.c - the ranking as a French spreadsheet's CSV, a row written as
 * each record is read. */
#include <string.h>

#include "aap.h"
#include "diag.h"
#include "labels.h"
#include "model.h"
#include "visible.h"
#include "frcsv.h"
#include "writer.h"

int frcsv_text(struct sbuf *out, const char *s, size_t n)
{
	size_t i, j, digits = 0;
	int quote = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == ';' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			quote = 1;
		digits += s[i] >= '0' && s[i] <= '9';
	}
	if (n > 0 && (s[0] == ' ' || s[0] == '\t'))
		quote = 1;
	if (quote && sbuf_addc(out, '"') < 0)
		return -1;
	/* OWASP: a cell a spreadsheet would take for a formula starts with a
	 * quote; an identifier made of digits starts with a tab, so that it
	 * stays text with its leading zeros. */
	if (n > 0 && strchr("=+-@\t\r", s[0]) != NULL) {
		if (sbuf_addc(out, '\'') < 0)
			return -1;
	} else if (n > 0 && digits == n) {
		if (sbuf_addc(out, '\t') < 0)
			return -1;
	}
	/* Quotes doubled, the runs between them made visible. */
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && s[j] != '"'; j++)
			;
		if (visible_add(out, s + i, j - i, VISIBLE_KEEP_LF,
				VISIBLE_HEX) < 0 ||
		    (j < n && sbuf_add(out, "\"\"", 2) < 0))
			return -1;
		j += j < n;
	}
	if (quote && sbuf_addc(out, '"') < 0)
		return -1;
	return 0;
}

/* Appends cell c as a field. */
static int put_cell(struct sbuf *out, const struct model_cell *c)
{
	long long u = c->units;
	unsigned scale = c->scale;
	char date[11];

	switch (c->type) {
	case CELL_EMPTY:
		return 0;
	case CELL_NUMBER:
		for (; c->money && scale < 2; scale++)
			u *= 10;
		return model_french_number(out, u, scale);
	case CELL_DATE:
		date[0] = (char)('0' + c->d / 10);
		date[1] = (char)('0' + c->d % 10);
		date[2] = '/';
		date[3] = (char)('0' + c->m / 10);
		date[4] = (char)('0' + c->m % 10);
		date[5] = '/';
		date[6] = (char)('0' + c->y / 1000 % 10);
		date[7] = (char)('0' + c->y / 100 % 10);
		date[8] = (char)('0' + c->y / 10 % 10);
		date[9] = (char)('0' + c->y % 10);
		return sbuf_add(out, date, 10);
	case CELL_TEXT:
		break;
	}
	return frcsv_text(out, c->text, c->len);
}

int frcsv_write(struct model *m, int fd, const char *name, struct diag *err)
{
	struct writer *w = writer_new(fd, name);
	struct sbuf line, buf;
	struct model_cell cell;
	enum read_result r;
	const char *motifs;
	size_t i;
	int rc = -1;

	sbuf_init(&line);
	sbuf_init(&buf);
	if (w == NULL) {
		diag_oom(err);
		goto done;
	}
	motifs = labels_find(m->lab, "col:findings");
	if (sbuf_adds(&line, "\xEF\xBB\xBF") < 0)
		goto oom;
	for (i = 0; i < m->ncols; i++)
		if ((i > 0 && sbuf_addc(&line, ';') < 0) ||
		    frcsv_text(&line, m->cols[i].header, strlen(m->cols[i].header)) < 0)
			goto oom;
	if (m->c_findings >= 0 &&
	    (sbuf_addc(&line, ';') < 0 ||
	     frcsv_text(&line, motifs, strlen(motifs)) < 0))
		goto oom;
	if (sbuf_adds(&line, "\r\n") < 0)
		goto oom;
	while ((r = model_next(m, err)) == READ_RECORD) {
		if (writer_bytes(w, line.data, line.len) < 0)
			break;
		sbuf_reset(&line);
		for (i = 0; i < m->ncols; i++)
			if ((i > 0 && sbuf_addc(&line, ';') < 0) ||
			    model_cell(m, &m->cols[i], &cell, &buf) < 0 ||
			    put_cell(&line, &cell) < 0)
				goto oom;
		if (m->c_findings >= 0) {
			size_t n;
			const char *f = model_field(m, m->c_findings, &n);

			sbuf_reset(&buf);
			if (sbuf_addc(&line, ';') < 0 ||
			    model_findings_words(m, f, n, " ; ", &buf) < 0 ||
			    frcsv_text(&line, buf.data ? buf.data : "", buf.len) < 0)
				goto oom;
		}
		if (sbuf_adds(&line, "\r\n") < 0)
			goto oom;
	}
	if (r == READ_ERROR)
		goto done;
	/* The last row goes out only once the stream is known whole. */
	if (writer_bytes(w, line.data, line.len) < 0 || writer_flush(w, err) < 0) {
		writer_flush(w, err);
		goto done;
	}
	rc = 0;
	goto done;
oom:
	diag_oom(err);
done:
	if (rc < 0 && err->status == 0)
		writer_flush(w, err);
	writer_free(w);
	sbuf_fini(&line);
	sbuf_fini(&buf);
	return rc;
}
