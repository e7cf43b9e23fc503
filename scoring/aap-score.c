/* aap-score - scores the validated applications from the reviewers' marks
 * and the call's criteria, ranks them and walks the budget envelope
 * (docs/aap-score.md, docs/scoring.md). */
#include <getopt.h>
#include <stdio.h>

#include "aap.h"
#include "call.h"
#include "cli.h"
#include "score.h"

static const char usage_text[] =
	"Usage: aap-score --call DIR --reviews FILE [--consensus FILE]\n"
	"                 [--conflicts FILE] [--assignments FILE]\n"
	"                 [--decisions FILE | --sensitivity] [--plain]\n"
	"                 [--no-truncation-check] [STREAM]\n"
	"Score, rank and fund the applications of a validated stream.\n"
	"With no STREAM, or when STREAM is -, read standard input.\n"
	"\n"
	"  -c, --call DIR            the call folder\n"
	"  -r, --reviews FILE        the reviewers' marks (CSV)\n"
	"      --consensus FILE      consensus scores (CSV)\n"
	"      --conflicts FILE      reviewers' conflicts of interest (CSV)\n"
	"      --assignments FILE    who reviews what (aap-assign's CSV): a mark\n"
	"                            from a reviewer not assigned is refused\n"
	"      --decisions FILE      the committee's decisions (CSV)\n"
	"      --sensitivity         add what each ranked decision hangs on: one\n"
	"                            reviewer, one weight, the margin to the line\n"
	"      --plain               write bare CSV, without provenance and trailer\n"
	CLI_HELP_STREAM
	"\n"
	"Exit status: 0 done, 1 unusable stream or side file, 2 usage or call\n"
	"folder, 3 system failure.\n";

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "call", required_argument, NULL, 'c' },
		{ "reviews", required_argument, NULL, 'r' },
		{ "consensus", required_argument, NULL, 'k' },
		{ "conflicts", required_argument, NULL, 'f' },
		{ "assignments", required_argument, NULL, 'a' },
		{ "decisions", required_argument, NULL, 'D' },
		{ "plain", no_argument, NULL, 'p' },
		{ "sensitivity", no_argument, NULL, 's' },
		{ "no-truncation-check", no_argument, NULL, 'n' },
		CLI_LONGOPTS_END,
	};
	struct score_opts o = { NULL, NULL, NULL, NULL, NULL, NULL, 1, 0,
				&cli_sink, NULL, NULL, 0 };
	const char *dir = NULL;
	struct call *call = NULL;
	struct criteria *k = NULL;
	struct diag err;
	size_t i;
	int c, failed, status = AAP_OK;

	cli_start("aap-score");
	diag_clear(&err);
	while ((c = getopt_long(argc, argv, "c:r:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			dir = optarg;
			break;
		case 'r':
			o.reviews = optarg;
			break;
		case 'k':
			o.consensus = optarg;
			break;
		case 'f':
			o.conflicts = optarg;
			break;
		case 'a':
			o.assignments = optarg;
			break;
		case 'D':
			o.decisions = optarg;
			break;
		case 'p':
			o.plain = 1;
			break;
		case 's':
			o.sensitivity = 1;
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
	if (o.decisions != NULL && o.sensitivity)
		return cli_usage_error("--sensitivity is for the proposal, "
				       "not with --decisions");
	if ((status = cli_one_stream(argc, argv, optind, &o.input)) != 0)
		return status;
	if (call_load(dir, &call, &err) < 0 || criteria_load(call, &k, &err) < 0) {
		cli_print(&err);
		call_free(call);
		return err.status;
	}
	for (i = 0; i < k->nitems && o.reviews == NULL; i++)
		if (k->items[i].source == CRITERIA_REVIEWS) {
			criteria_free(k);
			call_free(call);
			return cli_usage_error("--reviews FILE is required: the "
					       "call has reviewed criteria");
		}
	o.call = call;
	o.k = k;
	cli_progress_begin();
	failed = score_run(&o, &err) < 0;
	cli_progress_end();
	if (failed) {
		cli_print(&err);
		status = err.status;
	}
	criteria_free(k);
	call_free(call);
	return cli_finish(status);
}
