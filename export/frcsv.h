/* frcsv.h - the ranking as CSV for a spreadsheet as French users have it:
 * ';', UTF-8 with a byte order mark, CRLF, decimal comma, dates
 * JJ/MM/AAAA, neutralised against CSV injection. */
#ifndef FRCSV_H
#define FRCSV_H

#include "sbuf.h"

struct diag;
struct model;

/* Appends the cell text s (n bytes) to out as one field: neutralised when
 * it begins with '=', '+', '-', '@', tab or CR (a "'" put before it), a
 * run of digits kept text (a tab put before it), quoted when it holds
 * ';', '"', CR, LF or begins with a space or tab.  Returns 0 or -1. */
int frcsv_text(struct sbuf *out, const char *s, size_t n);

/* Reads the records of m as they come and writes one row each, after a
 * header row, to fd (named name in messages); memory stays bounded.
 * Returns 0, or -1 with err set (AAP_EDATA for a bad stream, AAP_ESYS
 * for a failed write or memory). */
int frcsv_write(struct model *m, int fd, const char *name, struct diag *err);

#endif
