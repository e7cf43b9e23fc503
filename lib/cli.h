/* cli.h - what every main() shares: start-up, messages on stderr, and a
 * checked close of stdout. */
#ifndef CLI_H
#define CLI_H

#include "diag.h"

/* Sets the program name for messages, restores SIGPIPE's default action
 * (a stage whose reader has gone ends quietly) and arms fault injection
 * from AAP_FAIL_ALLOC. */
void cli_start(const char *prog);

/* Prints d on stderr in GNU form. */
void cli_print(const struct diag *d);

/* A sink that prints warnings on stderr. */
extern const struct diag_sink cli_sink;

/* Prints "prog: error: msg" for a usage error, then a pointer to --help.
 * Returns AAP_EUSAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints text on stdout (for --help and --version) and returns the status
 * of cli_finish(AAP_OK). */
int cli_print_text(const char *text);

/* Closes stdout and reports a failed write.  Returns status, or AAP_ESYS
 * when stdout could not be written. */
int cli_finish(int status);

#endif
