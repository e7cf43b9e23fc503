/* table.c - reading a call folder table with the CSV reader. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "aap.h"
#include "diag.h"
#include "mem.h"
#include "reader.h"
#include "norm.h"
#include "table.h"

#define TABLE_ROWS_MAX 100000

void table_free(struct table *t)
{
	size_t i, j;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows; i++) {
		for (j = 0; j < t->ncols; j++)
			mem_free(t->rows[i].cells[j]);
		mem_free(t->rows[i].cells);
	}
	for (j = 0; j < t->ncols; j++)
		mem_free(t->cols[j]);
	mem_free(t->rows);
	mem_free(t->cols);
	mem_free(t->path);
	mem_free(t->name);
	mem_free(t);
}

/* Copies the fields of rec, trimmed of ASCII spaces and tabs, into a new
 * array of n strings. */
static char **copy_cells(const struct record *rec, size_t n)
{
	char **cells = mem_calloc(n, sizeof(*cells));
	size_t i;

	if (cells == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		const char *s = record_field(rec, i);
		size_t len = record_len(rec, i);

		while (len > 0 && (*s == ' ' || *s == '\t'))
			s++, len--;
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		cells[i] = mem_strndup(s, len);
		if (cells[i] == NULL) {
			while (i-- > 0)
				mem_free(cells[i]);
			mem_free(cells);
			return NULL;
		}
	}
	return cells;
}

/* Adds rec as the header or as a row. */
static int take_record(struct table *t, const struct record *rec,
		       struct diag *err)
{
	struct table_row *rows;
	size_t i;

	if (record_check_text(rec, NULL, t->path, AAP_EUSAGE, err) < 0)
		return -1;

	if (t->cols == NULL) {
		t->cols = copy_cells(rec, rec->n);
		if (t->cols == NULL)
			return diag_oom(err);
		t->ncols = rec->n;
		t->header_line = rec->line;
		for (i = 0; i < t->ncols; i++)
			if (t->cols[i][0] == '\0')
				return diag_set(err, AAP_EUSAGE, t->path,
						rec->line,
						"column %zu has no name", i + 1);
		return 0;
	}
	if (rec->n != t->ncols)
		return diag_set(err, AAP_EUSAGE, t->path, rec->line,
				"the row has %zu fields, the header %zu",
				rec->n, t->ncols);
	if (t->nrows == TABLE_ROWS_MAX)
		return diag_set(err, AAP_EUSAGE, t->path, rec->line,
				"more than %d rows", TABLE_ROWS_MAX);
	rows = mem_realloc(t->rows, (t->nrows + 1) * sizeof(*rows));
	if (rows == NULL)
		return diag_oom(err);
	t->rows = rows;
	rows[t->nrows].line = rec->line;
	rows[t->nrows].cells = copy_cells(rec, rec->n);
	if (rows[t->nrows].cells == NULL)
		return diag_oom(err);
	t->nrows++;
	return 0;
}

/* Reads every record of rd into t. */
static int read_all(struct table *t, struct reader *rd, struct diag *err)
{
	enum read_result rr;

	while ((rr = reader_next(rd, err)) != READ_END) {
		if (rr == READ_ERROR) {
			if (err->status == AAP_EDATA)
				err->status = AAP_EUSAGE;
			return -1;
		}
		if (rr == READ_HASH)
			continue; /* a comment */
		if (reader_record(rd)->n == 0)
			continue; /* a blank line */
		if (take_record(t, reader_record(rd), err) < 0)
			return -1;
	}
	if (t->cols == NULL)
		return diag_set(err, AAP_EUSAGE, t->path, 0,
				"the table has no header");
	return 0;
}

int table_load(const char *path, struct table **out, struct diag *err)
{
	struct table *t = mem_calloc(1, sizeof(*t));
	const char *base = strrchr(path, '/');
	struct reader_opts o;
	struct reader *rd = NULL;
	struct digest *d = digest_new();
	int fd = -1, rc = -1;

	*out = NULL;
	if (t == NULL || d == NULL || (t->path = mem_strdup(path)) == NULL ||
	    (t->name = mem_strdup(base ? base + 1 : path)) == NULL) {
		diag_oom(err);
		goto done;
	}
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		diag_set(err, errno == ENOENT ? AAP_EUSAGE : AAP_ESYS, NULL, 0,
			 "could not open \"%s\": %s", path, strerror(errno));
		goto done;
	}
	reader_opts_default(&o);
	o.hash_lines = 1;
	o.cr_ends_line = 1;
	o.skip_bom = 1;
	rd = reader_new(fd, path, &o, err);
	if (rd == NULL)
		goto done;
	reader_set_tap(rd, digest_tap, d);
	if (read_all(t, rd, err) < 0)
		goto done;
	if (digest_peek(d, t->sha256) < 0) {
		diag_set(err, AAP_ESYS, NULL, 0, "could not hash \"%s\"", path);
		goto done;
	}
	*out = t;
	t = NULL;
	rc = 0;
done:
	reader_free(rd);
	digest_free(d);
	if (fd >= 0)
		close(fd);
	table_free(t);
	return rc;
}

long table_col(const struct table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i], name) == 0)
			return (long)i;
	return -1;
}

int table_expect(const struct table *t, const char *const *known,
		 const int *need, size_t ncols, struct diag *err)
{
	size_t i, j;

	for (i = 0; i < t->ncols; i++) {
		for (j = 0; j < ncols && strcmp(t->cols[i], known[j]) != 0; j++)
			;
		if (j == ncols)
			return diag_set(err, AAP_EUSAGE, t->path, t->header_line,
					"unknown column \"%s\"", t->cols[i]);
		if (table_col(t, t->cols[i]) != (long)i)
			return diag_set(err, AAP_EUSAGE, t->path, t->header_line,
					"column \"%s\" appears twice",
					t->cols[i]);
	}
	for (j = 0; j < ncols; j++)
		if (need[j] && table_col(t, known[j]) < 0)
			return diag_set(err, AAP_EUSAGE, t->path, t->header_line,
					"missing column \"%s\"", known[j]);
	return 0;
}
