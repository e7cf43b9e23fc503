/* xlsx.h - the batch as an Excel workbook written with libxlsxwriter:
 * sheets Classement, Irrecevables, Notes, Budget and Provenance. */
#ifndef XLSX_H
#define XLSX_H

struct diag;
struct model;
struct notes;

/* Reads the records of m and writes the workbook to the file path, first
 * as path.part, renamed once whole.  Numbers are numeric cells, every text
 * a string cell (never a formula), the header rows frozen with an
 * autofilter, widths fitted, and the creation date taken from the stream
 * (its latest datetime value), never the clock.  Rows go to temporary
 * files as they come (libxlsxwriter's constant_memory).  The Notes sheet
 * holds the rows of notes (not owned), in their order.  Returns 0, or -1
 * with err set (AAP_EDATA for a bad stream, AAP_ESYS for a failed write
 * or memory). */
int xlsx_write(struct model *m, const struct notes *notes, const char *path,
	       struct diag *err);

#endif
