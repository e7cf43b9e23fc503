/* summary.h - each applicant's evaluation summary: one HTML page per
 * application, from the call folder's summary.html template or the
 * built-in one. */
#ifndef SUMMARY_H
#define SUMMARY_H

struct diag;
struct model;
struct notes;

/* Reads the records of m and writes one page per application into the
 * folder dir (made when missing), named after its application id (bytes
 * outside [A-Za-z0-9_-] as %XX, so any id gives one safe name): the
 * applicant, the project, each criterion's score and threshold with the
 * reviewers' comments of notes (never their names) and the consensus'
 * justification, the total, rank, decision and award, or the reasons of
 * an inadmissible application.  The pages are kept until the stream has
 * been read whole and checked, then each is written through NAME.part;
 * with pdf, each is also printed to NAME.pdf.  Returns 0, or -1 with err
 * set (AAP_EUSAGE for a wrong template, named with its line, AAP_EDATA for
 * a bad stream, AAP_ESYS for I/O, memory or Chromium). */
int summary_write(struct model *m, const struct notes *notes, const char *dir,
		  int pdf, struct diag *err);

#endif
