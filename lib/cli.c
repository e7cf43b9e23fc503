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
#include "mem.h"

static const char *prog_name = "aap";

void cli_start(const char *prog)
{
	prog_name = prog;
	signal(SIGPIPE, SIG_DFL);
	mem_fail_from_env();
}

void cli_print(const struct diag *d)
{
	char buf[16 * DIAG_TEXT_MAX];

	diag_format(d, prog_name, buf, sizeof(buf));
	fputs(buf, stderr);
}

static void print_warning(void *ctx, const struct diag *d)
{
	(void)ctx;
	cli_print(d);
}

const struct diag_sink cli_sink = { print_warning, NULL };

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: error: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s: hint: try \"%s --help\"\n", prog_name, prog_name);
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
	int status = AAP_OK;

	diag_clear(&err);
	if (call_load(dir, &call, &err) < 0) {
		cli_print(&err);
		return err.status;
	}
	if (run(ctx, call, &err) < 0) {
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
		fprintf(stderr, "%s: error: could not write to standard output: %s\n",
			prog_name, strerror(e));
		return status == AAP_OK ? AAP_ESYS : status;
	}
	return status;
}
