/* cli.h - what every main() shares: start-up, messages on stderr, and a
 * checked close of stdout. */
#ifndef CLI_H
#define CLI_H

#include "diag.h"

/* The end of the --help text of a stage that reads a stream: the options
 * every such stage has. */
#define CLI_HELP_STREAM \
	"      --no-truncation-check accept bare CSV or a stream without trailer\n" \
	"      --progress            show the progress on stderr (default: when\n" \
	"                            it is a terminal and the run is long)\n" \
	"      --no-progress         never show the progress\n" \
	"  -h, --help                show this help and exit\n" \
	"  -V, --version             show the version and exit\n"

/* The codes getopt_long gives for --progress and --no-progress. */
#define CLI_OPT_PROGRESS 0x100
#define CLI_OPT_NO_PROGRESS 0x101

/* The last entries of every program's long options: --progress,
 * --no-progress, --help, --version and the end of the table. */
#define CLI_LONGOPTS_END \
	{ "progress", no_argument, NULL, CLI_OPT_PROGRESS }, \
	{ "no-progress", no_argument, NULL, CLI_OPT_NO_PROGRESS }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }, \
	{ NULL, 0, NULL, 0 }

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

/* The options every program shares, for the default case of its option
 * loop: c 'h' prints usage and 'V' "prog version"; anything else is a
 * usage error.  Returns the status to exit with. */
int cli_other_option(int c, const char *usage);

/* Takes the operands argv[optind..argc) of a program that reads one
 * stream: sets *input to it, or NULL when there is none.  Returns 0, or
 * the usage status (said on stderr) when there are more. */
int cli_one_stream(int argc, char **argv, int optind_, const char **input);

/* Takes --progress (c CLI_OPT_PROGRESS) or --no-progress (c
 * CLI_OPT_NO_PROGRESS); the last one given wins. */
void cli_progress_option(int c);

/* Starts the progress line on stderr (lib/progress.h): when --progress
 * was given, at once; when neither option was, only if stderr is a
 * terminal and after about a second.  cli_run_call calls it. */
void cli_progress_begin(void);

/* Stops the progress line and clears it. */
void cli_progress_end(void);

struct call;

/* What a program does once its call folder is loaded: 0, or -1 with err
 * set. */
typedef int (*cli_run_fn)(void *ctx, struct call *call, struct diag *err);

/* Loads the call folder dir, runs run(ctx, call, err), frees the call and
 * closes stdout.  A failure is said on stderr.  Returns the exit status. */
int cli_run_call(const char *dir, cli_run_fn run, void *ctx);

/* Prints text on stdout (for --help and --version) and returns the status
 * of cli_finish(AAP_OK). */
int cli_print_text(const char *text);

/* Closes stdout and reports a failed write.  Returns status, or AAP_ESYS
 * when stdout could not be written. */
int cli_finish(int status);

#endif
