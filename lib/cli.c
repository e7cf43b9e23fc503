/* cli.c - helpers for the thin main() of each binary. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "aap.h"
#include "call.h"
#include "cli.h"
#include "i18n.h"
#include "mem.h"
#include "progress.h"

static const char *prog_name = "aap";

/* --progress: 1; --no-progress: 0; neither: -1 (when stderr is a
 * terminal). */
static int progress_wanted = -1;

/* How long a run goes before its progress shows, when not asked for. */
#define CLI_PROGRESS_DELAY_MS 1000

void cli_start(const char *prog)
{
	prog_name = prog;
	i18n_start();
	signal(SIGPIPE, SIG_DFL);
	mem_fail_from_env();
}

void cli_print(const struct diag *d)
{
	char buf[16 * DIAG_TEXT_MAX];

	diag_format(d, prog_name, buf, sizeof(buf));
	progress_hide();
	fputs(buf, stderr);
}

static void print_warning(void *ctx, const struct diag *d)
{
	(void)ctx;
	cli_print(d);
}

const struct diag_sink cli_sink = { print_warning, NULL };

void cli_progress_option(int c)
{
	progress_wanted = c == CLI_OPT_PROGRESS;
}

void cli_progress_begin(void)
{
	if (progress_wanted == 1)
		(void)progress_start(STDERR_FILENO, prog_name, 0);
	else if (progress_wanted == -1 && isatty(STDERR_FILENO))
		(void)progress_start(STDERR_FILENO, prog_name,
				     CLI_PROGRESS_DELAY_MS);
}

void cli_progress_end(void)
{
	progress_stop();
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", prog_name, _("error"));
	va_start(ap, fmt);
	vfprintf(stderr, _(fmt), ap);
	va_end(ap);
	fprintf(stderr, "\n%s: %s: ", prog_name, _("hint"));
	fprintf(stderr, _("try \"%s --help\""), prog_name);
	fputc('\n', stderr);
	return AAP_EUSAGE;
}

int cli_other_option(int c, const char *usage)
{
	if (c == 'h')
		return cli_print_text(usage);
	if (c == 'V') {
		printf("%s %s\n", prog_name, AAP_VERSION);
		return cli_finish(AAP_OK);
	}
	return cli_usage_error("bad option");
}

int cli_one_stream(int argc, char **argv, int optind_, const char **input)
{
	if (argc - optind_ > 1)
		return cli_usage_error("one stream at most");
	*input = optind_ < argc ? argv[optind_] : NULL;
	return 0;
}

int cli_run_call(const char *dir, cli_run_fn run, void *ctx)
{
	struct call *call = NULL;
	struct diag err;
	int failed, status = AAP_OK;

	diag_clear(&err);
	if (call_load(dir, &call, &err) < 0) {
		cli_print(&err);
		return err.status;
	}
	cli_progress_begin();
	failed = run(ctx, call, &err) < 0;
	cli_progress_end();
	if (failed) {
		cli_print(&err);
		status = err.status;
	}
	call_free(call);
	return cli_finish(status);
}

int cli_print_text(const char *text)
{
	fputs(text, stdout);
	return cli_finish(AAP_OK);
}

int cli_finish(int status)
{
	int failed = fflush(stdout) != 0 || ferror(stdout);
	int e = errno;

	if (close(STDOUT_FILENO) != 0 && errno != EBADF) {
		failed = 1;
		e = errno;
	}
	if (failed) {
		fprintf(stderr, "%s: %s: ", prog_name, _("error"));
		fprintf(stderr, _("could not write to standard output: %s"),
			strerror(e));
		fputc('\n', stderr);
		return status == AAP_OK ? AAP_ESYS : status;
	}
	return status;
}
