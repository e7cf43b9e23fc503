/* pdf.h - an HTML page printed to PDF by headless Chromium, run as a
 * child process with a private, throw-away profile. */
#ifndef PDF_H
#define PDF_H

struct diag;
struct sbuf;

/* Prints the HTML file html to the PDF file pdf (through pdf.part, renamed
 * once whole) with the program AAP_CHROMIUM names, else "chromium" from
 * PATH: headless, no header or footer (they would carry the date), no
 * network, a profile in a temporary folder removed afterwards, the
 * sandbox off only when run as root (Chromium refuses it then).  The
 * browser's own messages are dropped.  Returns 0, or -1 with err set
 * (AAP_ESYS: it could not be run, failed, or wrote nothing). */
int pdf_print(const char *html, const char *pdf, struct diag *err);

/* Appends to out the name of the PDF beside the page path: its ".html" or
 * ".htm" replaced by ".pdf", else ".pdf" added.  Returns 0 or -1. */
int pdf_name(struct sbuf *out, const char *path);

#endif
