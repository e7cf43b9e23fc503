/* export.c - one run of aap-export: the language chosen, the labels
 * loaded, the stream opened as the model of the batch, the format's
 * module called. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "aap.h"
#include "call.h"
#include "diag.h"
#include "export.h"
#include "frcsv.h"
#include "labels.h"
#include "model.h"
#include "notes.h"
#include "pdf.h"
#include "report.h"
#include "sbuf.h"
#include "scdl.h"
#include "summary.h"
#include "xlsx.h"

int export_format_parse(const char *name, enum export_format *f)
{
	if (strcmp(name, "csv") == 0)
		*f = EXPORT_CSV;
	else if (strcmp(name, "xlsx") == 0)
		*f = EXPORT_XLSX;
	else if (strcmp(name, "html") == 0)
		*f = EXPORT_HTML;
	else if (strcmp(name, "summaries") == 0)
		*f = EXPORT_SUMMARIES;
	else if (strcmp(name, "scdl") == 0)
		*f = EXPORT_SCDL;
	else
		return -1;
	return 0;
}

int export_lang_check(const char *code)
{
	enum labels_lang l;

	return labels_lang_parse(code, &l);
}

/* The csv or scdl file to fd. */
static int write_to(const struct export_opts *o, struct model *m, int fd,
		    const char *name, struct diag *err)
{
	if (o->format == EXPORT_SCDL)
		return scdl_write(m, o, fd, name, err);
	return frcsv_write(m, fd, name, err);
}

/* The csv or scdl file to o->output (through output.part, renamed once
 * whole) or to standard output. */
static int write_csv(const struct export_opts *o, struct model *m,
		     struct diag *err)
{
	struct sbuf part;
	int fd, rc;

	if (o->output == NULL || strcmp(o->output, "-") == 0)
		return write_to(o, m, STDOUT_FILENO, "standard output", err);
	sbuf_init(&part);
	if (sbuf_adds(&part, o->output) < 0 || sbuf_adds(&part, ".part") < 0) {
		sbuf_fini(&part);
		return diag_oom(err);
	}
	fd = open(sbuf_str(&part), O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (fd < 0) {
		diag_set(err, AAP_ESYS, NULL, 0, "could not create \"%s\": %s",
			 sbuf_str(&part), strerror(errno));
		sbuf_fini(&part);
		return -1;
	}
	rc = write_to(o, m, fd, o->output, err);
	if (close(fd) < 0 && rc == 0)
		rc = diag_set(err, AAP_ESYS, NULL, 0, "could not write \"%s\": %s",
			      o->output, strerror(errno));
	if (rc == 0 && rename(sbuf_str(&part), o->output) < 0)
		rc = diag_set(err, AAP_ESYS, NULL, 0,
			      "could not rename \"%s\" to \"%s\": %s",
			      sbuf_str(&part), o->output, strerror(errno));
	if (rc < 0)
		unlink(sbuf_str(&part));
	sbuf_fini(&part);
	return rc;
}

/* The report, and its PDF beside it when asked. */
static int write_html(const struct export_opts *o, struct model *m,
		      struct diag *err)
{
	struct sbuf pdf;
	int rc = report_write(m, o->output, err);

	if (rc < 0 || !o->pdf)
		return rc;
	sbuf_init(&pdf);
	if (pdf_name(&pdf, o->output) < 0)
		rc = diag_oom(err);
	else
		rc = pdf_print(o->output, sbuf_str(&pdf), err);
	sbuf_fini(&pdf);
	return rc;
}

/* The document of o->format. */
static int write_format(const struct export_opts *o, struct model *m,
			const struct notes *notes, struct diag *err)
{
	switch (o->format) {
	case EXPORT_CSV:
	case EXPORT_SCDL:
		return write_csv(o, m, err);
	case EXPORT_XLSX:
		return xlsx_write(m, notes, o->output, err);
	case EXPORT_HTML:
		return write_html(o, m, err);
	case EXPORT_SUMMARIES:
		return summary_write(m, notes, o->out_dir, o->pdf, err);
	}
	return 0;
}

int export_run(const struct export_opts *o, struct diag *err)
{
	const char *code = o->lang ? o->lang : call_setting(o->call, "lang");
	enum labels_lang lang = LABELS_FR;
	struct labels *lab = NULL;
	struct model m;
	struct notes notes, dec;
	int rc;

	if (code != NULL && *code && labels_lang_parse(code, &lang) < 0)
		return diag_set(err, AAP_EUSAGE, o->call->dir, 0,
				"setting \"lang\" is \"%s\", not fr or en", code);
	if (o->format == EXPORT_SCDL &&
	    scdl_check_call(o->call, o->decision_date, err) < 0)
		return -1;
	if (labels_load(o->call, lang, &lab, err) < 0)
		return -1;
	notes_init(&notes);
	notes_init(&dec);
	rc = model_open(&m, o->call, lab, o->input, o->check, err);
	if (rc == 0 && o->decisions != NULL &&
	    (rc = notes_load(&dec, &m, COLUMNS_DECISIONS, o->decisions, err)) == 0)
		m.decisions = &dec;
	if (rc == 0 && o->reviews != NULL)
		rc = notes_load(&notes, &m, COLUMNS_REVIEWS, o->reviews, err);
	if (rc == 0 && o->consensus != NULL)
		rc = notes_load(&notes, &m, COLUMNS_CONSENSUS, o->consensus, err);
	notes_sort(&notes);
	if (rc == 0)
		rc = write_format(o, &m, &notes, err);
	notes_fini(&notes);
	notes_fini(&dec);
	model_close(&m);
	labels_free(lab);
	return rc;
}
