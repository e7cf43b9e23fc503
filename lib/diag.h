/* diag.h - the error record library code fills instead of printing, and the
 * sink through which it reports problems that do not stop the run. */
#ifndef DIAG_H
#define DIAG_H

#include <stdarg.h>
#include <stddef.h>

#define DIAG_TEXT_MAX 1024

/* One diagnostic: a failure that stops the run (status != 0), or a warning
 * handed to a sink.  Plain storage, no allocation: it can be filled when
 * memory has run out. */
struct diag {
	int status;                  /* AAP_E* exit status class; 0 when unset */
	int warning;                 /* 1: a warning, not an error */
	char file[512];              /* file the problem is in, "" if none */
	unsigned long line;          /* line in that file, 0 if none */
	char msg[DIAG_TEXT_MAX];     /* what failed, lower case, no period */
	char detail[DIAG_TEXT_MAX];  /* optional detail line, "" if none */
	char hint[DIAG_TEXT_MAX];    /* optional hint line, "" if none */
};

/* Where library code sends diagnostics that do not stop the run (a record
 * carried with findings, for instance).  fn may be NULL: they are dropped. */
struct diag_sink {
	void (*fn)(void *ctx, const struct diag *d); /* called once per report */
	void *ctx;                                   /* passed back to fn */
};

/* Clears d: no error, no location, no text. */
void diag_clear(struct diag *d);

/* Fills d with an error of class status at file:line (file may be NULL,
 * line may be 0), message formatted from fmt.  Returns -1 so callers can
 * write "return diag_set(...)".  Detail and hint are cleared. */
int diag_set(struct diag *d, int status, const char *file, unsigned long line,
	     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Fills d with "out of memory", class AAP_ESYS.  Returns -1. */
int diag_oom(struct diag *d);

/* Sets the detail line of d, formatted from fmt. */
void diag_detail(struct diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Sets the hint line of d, formatted from fmt. */
void diag_hint(struct diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Reports d to sink as a warning (d->warning is set on a copy). */
void diag_report(const struct diag_sink *sink, const struct diag *d);

/* Formats d in GNU form for program prog into buf (cap bytes, always
 * NUL-terminated): "prog:file:line: error: msg" (or "warning"; a note, with
 * status 0 and no warning flag, is just "prog: msg"), then "prog: detail: ..."
 * and "prog: hint: ..." lines, each ending with a newline; every control
 * character of the file name and the texts made visible (visible_char,
 * VISIBLE_HEX).  Returns the length written. */
size_t diag_format(const struct diag *d, const char *prog, char *buf,
		   size_t cap);

#endif
