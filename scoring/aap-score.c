/* aap-score - scores the validated applications from the reviewers' marks
 * and the call's criteria, ranks them and walks the budget envelope
 * (docs/aap-score.md, docs/scoring.md). */
#include <getopt.h>
#include <stdio.h>

#include "aap.h"
#include "call.h"
#include "cli.h"
#include "mem.h"
#include "score.h"

static const char usage_text[] =
	"Usage: aap-score --call DIR --reviews FILE [--consensus FILE]\n"
	"                 [--conflicts FILE] [--assignments FILE]\n"
	"                 [--decisions FILE | --sensitivity]\n"
	"                 [--cutoff ID [--carry FILE]...] [--plain]\n"
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
	"      --cutoff ID           the batch's cut-off (the call's cutoffs.csv):\n"
	"                            its envelope is walked\n"
	"      --carry FILE          the scored stream of an earlier cut-off, one\n"
	"                            for each: what the last left is carried, the\n"
	"                            applications they funded are refused\n"
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
		{ "cutoff", required_argument, NULL, 'C' },
		{ "carry", required_argument, NULL, 'y' },
		CLI_LONGOPTS_END,
	};
	struct score_opts o = { NULL, NULL, NULL, NULL, NULL, NULL, 1, 0,
				&cli_sink, NULL, NULL, 0, NULL };
	const char *dir = NULL, *cutoff = NULL;
	const char **carry = NULL;
	size_t ncarry = 0;
	struct cutoff_run *cut = NULL;
	struct call *call = NULL;
	struct criteria *k = NULL;
	struct diag err;
	size_t i;
	int c, failed, status = AAP_OK;

	cli_start("aap-score");
	diag_clear(&err);
	/* Room for every --carry the arguments can hold. */
	if ((carry = mem_calloc((size_t)argc + 1, sizeof(*carry))) == NULL) {
		diag_oom(&err);
		cli_print(&err);
		return err.status;
	}
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
		case 'C':
			cutoff = optarg;
			break;
		case 'y':
			carry[ncarry++] = optarg;
			break;
		case CLI_OPT_PROGRESS:
		case CLI_OPT_NO_PROGRESS:
			cli_progress_option(c);
			break;
		default:
			mem_free(carry);
			return cli_other_option(c, usage_text);
		}
	}
	if (dir == NULL || (o.decisions != NULL && o.sensitivity) ||
	    (ncarry > 0 && cutoff == NULL)) {
		mem_free(carry);
		if (dir == NULL)
			return cli_usage_error("--call DIR is required");
		if (cutoff == NULL && ncarry > 0)
			return cli_usage_error("--carry is for a cut-off: give "
					       "--cutoff ID");
		return cli_usage_error("--sensitivity is for the proposal, "
				       "not with --decisions");
	}
	if ((status = cli_one_stream(argc, argv, optind, &o.input)) != 0) {
		mem_free(carry);
		return status;
	}
	if (call_load(dir, &call, &err) < 0 || criteria_load(call, &k, &err) < 0 ||
	    (cutoff != NULL && cutoff_load(call, cutoff, carry, ncarry,
					   &k->envelope, &cut, &err) < 0)) {
		cli_print(&err);
		mem_free(carry);
		criteria_free(k);
		call_free(call);
		return err.status;
	}
	mem_free(carry);
	if (cutoff == NULL && call_has_table(call, CUTOFF_TABLE)) {
		criteria_free(k);
		call_free(call);
		return cli_usage_error("--cutoff ID is required: the call has "
				       "cut-offs");
	}
	o.cut = cut;
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
	cutoff_free(cut);
	criteria_free(k);
	call_free(call);
	return cli_finish(status);
}
