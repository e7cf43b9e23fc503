/* export.h - the aap-export stage: a call's labels, the model of the
 * batch, and the module of the format asked for. */
#ifndef EXPORT_H
#define EXPORT_H

struct call;
struct diag;
struct diag_sink;

/* The formats of documents. */
enum export_format {
	EXPORT_CSV, /* the ranking for a French spreadsheet */
	EXPORT_XLSX, /* the workbook */
	EXPORT_HTML, /* the committee's report */
	EXPORT_SUMMARIES, /* one evaluation summary per application */
	EXPORT_SCDL  /* the open-data file of the funded applications */
};

/* What a run is asked to do. */
struct export_opts {
	struct call *call;          /* the call; not owned */
	enum export_format format;  /* the document */
	const char *output;         /* file to write; NULL or "-": stdout (csv) */
	const char *lang;           /* "fr", "en", or NULL: the call's */
	const char *input;          /* the stream; NULL or "-": stdin */
	int check;                  /* 0: --no-truncation-check */
	const char *reviews;        /* the reviews file for Notes, or NULL */
	const char *consensus;      /* the consensus file for Notes, or NULL */
	const char *decisions;      /* the committee's decisions file, or NULL */
	const char *out_dir;        /* summaries: the folder to write into */
	int pdf;                    /* 1: html and summaries printed to PDF */
	const char *decision_date;  /* scdl: the decision's date, or NULL */
	const char *decision_ref;   /* scdl: the decision's reference, or NULL */
	const struct diag_sink *sink; /* scdl: where each application that
					 cannot be published is said */
};

/* Sets *f from its name ("csv", "xlsx", "html", "summaries",
 * "scdl").  Returns 0, or -1 when unknown. */
int export_format_parse(const char *name, enum export_format *f);

/* Returns 0 when code is a language of the labels, else -1. */
int export_lang_check(const char *code);

/* Loads the labels (o->lang, else the call's lang setting, else French),
 * reads the stream and writes the document: csv to o->output, or to
 * standard output; xlsx to o->output, whole or not at all, its Notes
 * sheet from o->reviews and o->consensus; html to o->output or standard
 * output; summaries into o->out_dir, their comments from o->reviews and
 * o->consensus; with o->decisions, each committee's decision
 * with its action and author; with o->pdf, each page also printed to PDF; scdl as csv,
 * nothing at all when an application cannot be published (see scdl.h).
 * Returns 0, or -1 with err set: AAP_EUSAGE for a wrong labels.csv or
 * lang setting, or a call that lacks what scdl needs, AAP_EDATA for an
 * unusable stream or a side file that is not the one the stream records,
 * AAP_ESYS for I/O or memory. */
int export_run(const struct export_opts *o, struct diag *err);

#endif
