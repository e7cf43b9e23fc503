/* aap-validate - checks every application of the stream against the
 * call's rules and adds the `admissible` column (docs/stream.md). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "aap.h"
#include "call.h"
#include "cli.h"
#include "validate.h"

static const char usage_text[] =
	"Usage: aap-validate --call DIR [--rejects FILE] [--plain]\n"
	"                    [--no-truncation-check] [STREAM]\n"
	"Check every application of the stream against the rules of the call,\n"
	"add what is found to findings and add the column admissible.\n"
	"With no STREAM, or when STREAM is -, read standard input.\n"
	"\n"
	"  -c, --call DIR            the call folder\n"
	"  -r, --rejects FILE        write every finding to FILE, a CSV report\n"
	"      --plain               write bare CSV, without provenance and trailer\n"
	CLI_HELP_STREAM
	"\n"
	"Exit status: 0 done, 1 unusable input, 2 usage, call folder or rules\n"
	"(a pattern that does not compile or proves unsafe), 3 system failure.\n";

/* Validates the stream with the call loaded. */
static int run(void *ctx, struct call *call, struct diag *err)
{
	struct validate_opts *o = ctx;

	o->call = call;
	return validate_run(o, err);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "call", required_argument, NULL, 'c' },
		{ "rejects", required_argument, NULL, 'r' },
		{ "plain", no_argument, NULL, 'p' },
		{ "no-truncation-check", no_argument, NULL, 'n' },
		CLI_LONGOPTS_END,
	};
	struct validate_opts o = { NULL, NULL, NULL, 1, 0, &cli_sink };
	const char *dir = NULL;
	int c, status = AAP_OK;

	cli_start("aap-validate");
	while ((c = getopt_long(argc, argv, "c:r:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			dir = optarg;
			break;
		case 'r':
			o.rejects = optarg;
			break;
		case 'p':
			o.plain = 1;
			break;
		case 'n':
			o.check = 0;
			break;
		case CLI_OPT_PROGRESS:
		case CLI_OPT_NO_PROGRESS:
			cli_progress_option(c);
			break;
		default:
			return cli_other_option(c, usage_text);
		}
	}
	if (dir == NULL)
		return cli_usage_error("--call DIR is required");
	if ((status = cli_one_stream(argc, argv, optind, &o.input)) != 0)
		return status;
	if (o.rejects != NULL && (strcmp(o.rejects, "-") == 0 || *o.rejects == '\0'))
		return cli_usage_error("--rejects needs a file: standard output "
				       "carries the stream");
	return cli_run_call(dir, run, &o);
}
