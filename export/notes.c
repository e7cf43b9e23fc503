/* notes.c - the side files of the Notes sheet: the reviews and consensus
 * files aap-score read, checked against their recorded SHA-256, read with
 * lib's reader by the columns of lib/columns.h, and sorted. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aap.h"
#include "diag.h"
#include "digest.h"
#include "mem.h"
#include "model.h"
#include "norm.h"
#include "notes.h"
#include "reader.h"

void notes_init(struct notes *n)
{
	memset(n, 0, sizeof(*n));
}

void notes_fini(struct notes *n)
{
	size_t i;

	for (i = 0; i < n->n; i++) {
		mem_free(n->rows[i].id);
		mem_free(n->rows[i].criterion);
		mem_free(n->rows[i].who);
		mem_free(n->rows[i].value);
		mem_free(n->rows[i].text);
	}
	mem_free(n->rows);
	notes_init(n);
}

/* The file of role recorded last among m's stages, or NULL. */
static const struct model_file *recorded(const struct model *m,
					 const char *role)
{
	const struct model_file *f = NULL;
	size_t i, j;

	for (i = 0; i < m->nstages; i++)
		for (j = 0; j < m->stages[i].nfiles; j++)
			if (strcmp(m->stages[i].files[j].role, role) == 0)
				f = &m->stages[i].files[j];
	return f;
}

/* Checks that path is the file of its role the stream records. */
static int check_digest(const struct model *m, const char *role,
			const char *path, struct diag *err)
{
	const struct model_file *f = recorded(m, role);
	char sha[DIGEST_HEX_LEN + 1];

	if (f == NULL)
		return diag_set(err, AAP_EDATA, path, 0,
				"the stream's provenance names no %s file: "
				"it was not scored with one", role);
	if (digest_file(path, sha, err) < 0)
		return -1;
	if (strcmp(sha, f->sha256) != 0) {
		diag_set(err, AAP_EDATA, path, 0,
			 "not the %s file the stream was scored with", role);
		diag_detail(err, "its SHA-256 is %s; the stream records %s "
			    "(%s)", sha, f->sha256, f->name);
		return -1;
	}
	return 0;
}

/* Field c of rec (col[c] its index, or -1), trimmed unless keep. */
static char *field_dup(const struct record *rec, const long *col, size_t c,
		       int keep)
{
	const char *s = "";
	size_t n = 0;

	if (col[c] >= 0 && (size_t)col[c] < rec->n) {
		s = record_field(rec, (size_t)col[c]);
		n = record_len(rec, (size_t)col[c]);
		if (!keep)
			s = norm_trim(s, n, &n);
	}
	return mem_strndup(s, n);
}

/* Adds the row rec of side k to n. */
static int add_row(struct notes *n, enum columns_side k,
		   const struct record *rec, const long *col)
{
	struct notes_row *r;
	/* The columns' positions in columns_side(k)->names. */
	static const size_t pos[COLUMNS_NSIDE][5] = {
		[COLUMNS_REVIEWS] = { 0, 2, 1, 3, 4 },
		[COLUMNS_CONSENSUS] = { 0, 1, 3, 2, 4 },
		[COLUMNS_DECISIONS] = { 0, 1, 3, 2, 5 },
	};

	if (n->n == n->cap) {
		size_t cap = n->cap ? 2 * n->cap : 64;

		r = mem_realloc(n->rows, cap * sizeof(*r));
		if (r == NULL)
			return -1;
		n->rows = r;
		n->cap = cap;
	}
	r = &n->rows[n->n];
	memset(r, 0, sizeof(*r));
	r->side = k;
	r->line = rec->line;
	r->id = field_dup(rec, col, pos[k][0], 0);
	r->criterion = field_dup(rec, col, pos[k][1], 0);
	r->who = field_dup(rec, col, pos[k][2], 0);
	r->value = field_dup(rec, col, pos[k][3], 0);
	r->text = field_dup(rec, col, pos[k][4], 1);
	n->n++;
	if (r->id == NULL || r->criterion == NULL || r->who == NULL ||
	    r->value == NULL || r->text == NULL)
		return -1;
	return 0;
}

/* Maps the header rec onto the columns of f into col; -1 with err set
 * when a required one is missing. */
static int map_header(const struct columns_file *f, const struct record *rec,
		      long *col, const char *path, struct diag *err)
{
	size_t i, j, len;
	const char *h;

	for (j = 0; j < f->n; j++)
		col[j] = -1;
	for (i = 0; i < rec->n; i++) {
		h = norm_trim(record_field(rec, i), record_len(rec, i), &len);
		for (j = 0; j < f->n; j++)
			if (col[j] < 0 && strlen(f->names[j]) == len &&
			    memcmp(f->names[j], h, len) == 0)
				col[j] = (long)i;
	}
	for (j = 0; j < f->n; j++)
		if (f->required[j] && col[j] < 0)
			return diag_set(err, AAP_EDATA, path, rec->line,
					"missing column \"%s\"", f->names[j]);
	return 0;
}

int notes_load(struct notes *n, const struct model *m, enum columns_side k,
	       const char *path, struct diag *err)
{
	const struct columns_file *f = columns_side(k);
	long col[COLUMNS_SIDE_MAX];
	struct reader_opts o;
	struct reader *rd;
	const struct record *rec;
	enum read_result rr;
	int fd, rc = -1, header = 1;

	if (check_digest(m, f->role, path, err) < 0)
		return -1;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return diag_set(err, AAP_ESYS, NULL, 0, "could not open \"%s\": %s",
				path, strerror(errno));
	reader_opts_default(&o);
	o.cr_ends_line = 1;
	o.skip_bom = 1;
	if ((rd = reader_new(fd, path, &o, err)) == NULL)
		goto done;
	while ((rr = reader_next(rd, err)) == READ_RECORD) {
		rec = reader_record(rd);
		if (rec->n == 0 || (rec->n == 1 && record_len(rec, 0) == 0))
			continue; /* a blank line */
		if (header) {
			if (map_header(f, rec, col, path, err) < 0)
				goto done;
			header = 0;
		} else if (add_row(n, k, rec, col) < 0) {
			diag_oom(err);
			goto done;
		}
	}
	if (rr == READ_END)
		rc = 0;
done:
	reader_free(rd);
	close(fd);
	return rc;
}

static int row_cmp(const void *a, const void *b)
{
	const struct notes_row *x = a, *y = b;
	int c;

	if (x->side != y->side)
		return x->side < y->side ? -1 : 1;
	if ((c = strcmp(x->id, y->id)) != 0 ||
	    (c = strcmp(x->criterion, y->criterion)) != 0 ||
	    (c = strcmp(x->who, y->who)) != 0 ||
	    (c = strcmp(x->value, y->value)) != 0)
		return c;
	return strcmp(x->text, y->text);
}

void notes_sort(struct notes *n)
{
	if (n->n > 1)
		qsort(n->rows, n->n, sizeof(*n->rows), row_cmp);
}
