/* aap-assign - assigns reviewers to the admissible applications of a
 * validated stream, exactly (docs/aap-assign.md). */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "aap.h"
#include "assign.h"
#include "call.h"
#include "cli.h"

static const char usage_text[] =
	"Usage: aap-assign --call DIR --reviewers FILE [--conflicts FILE]\n"
	"                  [--per-application K] [--no-truncation-check] [STREAM]\n"
	"Assign reviewers to the admissible applications of a validated stream\n"
	"and write assignments.csv on standard output, a summary on standard\n"
	"error.  With no STREAM, or when STREAM is -, read standard input.\n"
	"\n"
	"  -c, --call DIR            the call folder\n"
	"  -r, --reviewers FILE      the reviewers: ids, organisations, expertise,\n"
	"                            maximum loads (CSV)\n"
	"      --conflicts FILE      reviewers' conflicts of interest (CSV)\n"
	"  -k, --per-application K   reviewers per application (default: the\n"
	"                            call's assign.csv, else 3)\n"
	CLI_HELP_STREAM
	"\n"
	"Exit status: 0 done, 1 unusable stream or side file, or no assignment\n"
	"exists, 2 usage or call folder, 3 system failure.\n";

/* Assigns with the call loaded. */
static int run(void *ctx, struct call *call, struct diag *err)
{
	struct assign_opts *o = ctx;

	o->call = call;
	return assign_run(o, err);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "call", required_argument, NULL, 'c' },
		{ "reviewers", required_argument, NULL, 'r' },
		{ "conflicts", required_argument, NULL, 'f' },
		{ "per-application", required_argument, NULL, 'k' },
		{ "no-truncation-check", no_argument, NULL, 'n' },
		CLI_LONGOPTS_END,
	};
	struct assign_opts o = { NULL, NULL, NULL, NULL, 0, 1, STDOUT_FILENO,
				 "standard output", &cli_sink };
	const char *dir = NULL, *s;
	int c, status;

	cli_start("aap-assign");
	while ((c = getopt_long(argc, argv, "c:r:k:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			dir = optarg;
			break;
		case 'r':
			o.reviewers = optarg;
			break;
		case 'f':
			o.conflicts = optarg;
			break;
		case 'k':
			o.per_application = 0;
			for (s = optarg; *s >= '0' && *s <= '9' && s - optarg < 4; s++)
				o.per_application = o.per_application * 10 + (*s - '0');
			if (*s != '\0' || o.per_application < 1)
				return cli_usage_error("--per-application \"%s\" is not a "
						       "whole number from 1 to 9999",
						       optarg);
			break;
		case 'n':
			o.check = 0;
			break;
		default:
			return cli_other_option(c, usage_text);
		}
	}
	if (dir == NULL || o.reviewers == NULL)
		return cli_usage_error("--call DIR and --reviewers FILE are required");
	if ((status = cli_one_stream(argc, argv, optind, &o.input)) != 0)
		return status;
	return cli_run_call(dir, run, &o);
}
