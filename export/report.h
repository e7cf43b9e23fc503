/* report.h - the committee's report: one self-contained HTML page with the
 * summary, the ranking, the charts, the inadmissible applications and
 * the provenance of a batch. */
#ifndef REPORT_H
#define REPORT_H

struct diag;
struct model;

/* Reads the records of m and writes the report to path (NULL or "-":
 * standard output; else through path.part, renamed once whole).  The
 * records are kept in memory until the end, for the summary and charts
 * that come before the ranking.  The same stream gives the same bytes: no
 * clock, no locale.  Returns 0, or -1 with err set (AAP_EDATA for a bad
 * stream, AAP_EUSAGE for a wrong call table, AAP_ESYS for a failed write
 * or memory). */
int report_write(struct model *m, const char *path, struct diag *err);

#endif
