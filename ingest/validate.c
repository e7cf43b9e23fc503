/* validate.c - the admissibility stage: records in, the same records out
 * with their findings completed by the call's rules and `admissible`
 * decided from them; optionally a report of every finding for people. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "aap.h"
#include "call.h"
#include "columns.h"
#include "diag.h"
#include "mem.h"
#include "rules.h"
#include "sbuf.h"
#include "stage.h"
#include "validate.h"
#include "visible.h"
#include "writer.h"

/* One run of the stage. */
struct run {
	struct stage st;           /* input and output streams */
	const struct call *call;   /* the call */
	struct rules *rules;       /* its rules, compiled */
	struct rules_findings f;   /* the findings of the current record */
	struct sbuf joined;        /* its findings column */
	struct sbuf cell;          /* a cell of the rejects report */
	const char **val;          /* its values, by field of the call */
	size_t *len;               /* their lengths */
	long *col;                 /* stream column of each field */
	long c_findings;           /* stream column of findings */
	long c_file;               /* of source_file, or -1 */
	long c_line;               /* of source_line, or -1 */
	const char *rej_path;      /* the rejects report, or NULL */
	int rej_fd;                /* its descriptor, or -1 */
	struct writer *rej;        /* its writer */
	unsigned long long bad;    /* applications not admissible */
};

int validate_neutralise(const char *cell, size_t n, struct sbuf *out)
{
	if (n > 0 && cell[0] != '\0' && strchr("=+-@\t\r", cell[0]) != NULL &&
	    sbuf_addc(out, '\'') < 0)
		return -1;
	return visible_add(out, cell, n, VISIBLE_KEEP_LF, VISIBLE_HEX);
}

/* The source line in s (n bytes), or 0 when it is not a number. */
static unsigned long line_of(const char *s, size_t n)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0 || n > 18)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	return v;
}

/* Finds the columns the run needs in the input's header. */
static int map_columns(struct run *v, struct diag *err)
{
	size_t i, n = v->call->nfields;

	v->c_findings = stream_in_column(v->st.src.in, columns_name(COLUMN_FINDINGS));
	if (v->c_findings < 0)
		return diag_set(err, AAP_EDATA, v->st.src.name, 1,
				"the stream has no column \"%s\"",
				columns_name(COLUMN_FINDINGS));
	v->c_file = stream_in_column(v->st.src.in, columns_name(COLUMN_SOURCE_FILE));
	v->c_line = stream_in_column(v->st.src.in, columns_name(COLUMN_SOURCE_LINE));
	v->val = mem_calloc(n, sizeof(*v->val));
	v->len = mem_calloc(n, sizeof(*v->len));
	v->col = mem_calloc(n, sizeof(*v->col));
	if (v->val == NULL || v->len == NULL || v->col == NULL)
		return diag_oom(err);
	/* stage_open has checked that every field is there. */
	for (i = 0; i < n; i++)
		v->col[i] = stream_in_column(v->st.src.in, v->call->fields[i].name);
	return 0;
}

/* Writes one cell of the rejects report, neutralised.  Returns 0, or -1
 * when memory ran out (a failed write is kept by the writer). */
static int reject_cell(struct run *v, const char *s, size_t n)
{
	sbuf_reset(&v->cell);
	if (validate_neutralise(s, n, &v->cell) < 0)
		return -1;
	writer_field(v->rej, sbuf_str(&v->cell), v->cell.len);
	return 0;
}

/* Writes the rows of the rejects report for the current record. */
static int write_rejects(struct run *v, const struct record *r,
			 const struct rules_record *rec, struct diag *err)
{
	const struct rules_findings *f = &v->f;
	const struct rules_finding *it;
	const char *t = f->text.data;
	size_t i, sev;
	char num[24];
	int n, rc = 0;

	for (i = 0; i < f->n; i++) {
		it = &f->item[i];
		sev = it->code_len > 0 ? it->code_off - it->off - 1 : it->len;
		rc |= reject_cell(v, rec->file, strlen(rec->file));
		if (v->c_line >= 0) {
			rc |= reject_cell(v, record_field(r, (size_t)v->c_line),
					  record_len(r, (size_t)v->c_line));
		} else {
			n = snprintf(num, sizeof(num), "%lu", rec->line);
			rc |= reject_cell(v, num, (size_t)n);
		}
		rc |= reject_cell(v, v->val[0], v->len[0]);
		rc |= reject_cell(v, t + it->field_off, it->field_len);
		rc |= reject_cell(v, t + it->code_off, it->code_len);
		rc |= reject_cell(v, t + it->off, sev);
		sbuf_reset(&v->joined);
		rc |= rules_finding_message(f, i, &v->joined);
		rc |= reject_cell(v, sbuf_str(&v->joined), v->joined.len);
		if (it->rank >= 1 && it->rank <= v->call->nfields)
			rc |= reject_cell(v, v->val[it->rank - 1],
					  v->len[it->rank - 1]);
		else
			rc |= reject_cell(v, "", 0);
		writer_end_record(v->rej);
		if (rc != 0)
			return diag_oom(err);
	}
	return writer_failed(v->rej, err);
}

/* Checks the current record and writes it with its verdict. */
static int take_record(struct run *v, struct diag *err)
{
	const struct record *r = stream_in_record(v->st.src.in);
	struct rules_record rec;
	size_t i;
	int bad;

	for (i = 0; i < v->call->nfields; i++) {
		v->val[i] = record_field(r, (size_t)v->col[i]);
		v->len[i] = record_len(r, (size_t)v->col[i]);
	}
	rec.val = v->val;
	rec.len = v->len;
	rec.file = v->c_file >= 0 ? record_field(r, (size_t)v->c_file)
				  : v->st.src.name;
	rec.line = v->c_line >= 0 ? line_of(record_field(r, (size_t)v->c_line),
					    record_len(r, (size_t)v->c_line))
				  : 0;
	if (rec.line == 0)
		rec.line = stream_in_line(v->st.src.in);
	rules_findings_reset(&v->f);
	if (rules_findings_parse(&v->f, v->call,
				 record_field(r, (size_t)v->c_findings),
				 record_len(r, (size_t)v->c_findings)) < 0)
		return diag_oom(err);
	if (rules_check(v->rules, &rec, &v->f, err) < 0)
		return -1;
	rules_findings_sort(&v->f);
	sbuf_reset(&v->joined);
	if (rules_findings_format(&v->f, &v->joined) < 0)
		return diag_oom(err);
	for (i = 0; i < r->n; i++)
		if ((long)i == v->c_findings)
			stream_out_field(v->st.out, sbuf_str(&v->joined),
					 v->joined.len);
		else
			stream_out_field(v->st.out, record_field(r, i),
					 record_len(r, i));
	bad = rules_findings_has_error(&v->f);
	v->bad += (unsigned long long)bad;
	stream_out_field(v->st.out, bad ? "no" : "yes", bad ? 2 : 3);
	stream_out_end_record(v->st.out);
	if (v->rej != NULL && write_rejects(v, r, &rec, err) < 0)
		return -1;
	return stream_out_failed(v->st.out, err);
}

/* Creates the rejects report and writes its header. */
static int open_rejects(struct run *v, struct diag *err)
{
	const struct columns_file *cols = columns_rejects();
	size_t i;

	v->rej_fd = open(v->rej_path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (v->rej_fd < 0)
		return diag_set(err, AAP_ESYS, NULL, 0,
				"could not open \"%s\": %s", v->rej_path,
				strerror(errno));
	v->rej = writer_new(v->rej_fd, v->rej_path);
	if (v->rej == NULL)
		return diag_oom(err);
	for (i = 0; i < cols->n; i++)
		writer_field(v->rej, cols->names[i], strlen(cols->names[i]));
	writer_end_record(v->rej);
	return writer_failed(v->rej, err);
}

/* Flushes and closes the rejects report. */
static int close_rejects(struct run *v, struct diag *err)
{
	int rc = 0;

	if (v->rej != NULL && writer_flush(v->rej, err) < 0)
		rc = -1;
	writer_free(v->rej);
	v->rej = NULL;
	if (v->rej_fd >= 0 && close(v->rej_fd) != 0 && rc == 0)
		rc = diag_set(err, AAP_ESYS, NULL, 0,
			      "could not write \"%s\": %s", v->rej_path,
			      strerror(errno));
	v->rej_fd = -1;
	return rc;
}

/* Reads every record, then ends both outputs. */
static int run_records(struct run *v, const struct validate_opts *o,
		       struct diag *err)
{
	size_t nadd;
	const char *const *added = columns_added(COLUMNS_VALIDATE, &nadd);
	enum read_result rr;

	if (stage_open(&v->st, "aap-validate", o->call, o->input, STDOUT_FILENO,
		       "standard output", o->check, o->plain, err) < 0 ||
	    map_columns(v, err) < 0 ||
	    (v->rej_path != NULL && open_rejects(v, err) < 0) ||
	    stage_begin(&v->st, NULL, added, nadd, err) < 0)
		return -1;
	while ((rr = stream_in_next(v->st.src.in, err)) == READ_RECORD)
		if (take_record(v, err) < 0)
			return -1;
	if (rr == READ_ERROR || close_rejects(v, err) < 0)
		return -1;
	return stage_finish(&v->st, NULL, err);
}

int validate_run(const struct validate_opts *o, struct diag *err)
{
	struct run v;
	struct diag summary;
	int rc;

	memset(&v, 0, sizeof(v));
	v.call = o->call;
	v.rej_path = o->rejects;
	v.rej_fd = -1;
	rules_findings_init(&v.f, o->rejects != NULL);
	sbuf_init(&v.joined);
	sbuf_init(&v.cell);
	/* The rules are compiled before any data is read. */
	rc = rules_load(o->call, &v.rules, err);
	if (rc == 0)
		rc = run_records(&v, o, err);
	if (rc == 0 && v.bad > 0) {
		diag_set(&summary, AAP_OK, NULL, 0,
			 "%llu of %llu applications are not admissible", v.bad,
			 stream_in_count(v.st.src.in));
		diag_report(o->sink, &summary);
	}
	if (v.rej_fd >= 0)
		close_rejects(&v, &summary); /* a failed run: what was found */
	stage_close(&v.st);
	rules_free(v.rules);
	rules_findings_fini(&v.f);
	sbuf_fini(&v.joined);
	sbuf_fini(&v.cell);
	mem_free(v.val);
	mem_free(v.len);
	mem_free(v.col);
	return rc;
}
