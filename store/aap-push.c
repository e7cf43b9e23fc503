/* aap-push - stores a stream in PostgreSQL as one batch, whole or not at
 * all, once only (docs/aap-push.md). */
#include <getopt.h>
#include <stdio.h>

#include "aap.h"
#include "call.h"
#include "cli.h"
#include "push.h"

static const char usage_text[] =
	"Usage: aap-push --batch ID --call DIR [OPTION]... [STREAM]\n"
	"Store the stream in PostgreSQL as batch ID, in one transaction, and\n"
	"pass it through to standard output (its trailer once committed).\n"
	"With no STREAM, or when STREAM is -, read standard input.\n"
	"\n"
	"  -b, --batch ID        the batch's id ([A-Za-z0-9._-]+)\n"
	"  -c, --call DIR        the call folder the stream was made with\n"
	"      --reviews FILE    the reviews file aap-score read\n"
	"      --consensus FILE  the consensus file aap-score read\n"
	"      --conflicts FILE  the conflicts file aap-score read\n"
	"      --assignments FILE\n"
	"                        the assignments file aap-score read\n"
	"      --decisions FILE  the decisions file aap-score read (with\n"
	"                        --supersedes)\n"
	"      --supersedes ID   the batch this one corrects\n"
	"      --db CONNINFO     libpq connection string or service=NAME\n"
	"                        (default: the PG* environment variables)\n"
	"      --plain           pass the stream through as bare CSV\n"
	"      --progress        show the progress and phase on stderr\n"
	"                        (default: when it is a terminal and the run\n"
	"                        is long)\n"
	"      --no-progress     never show the progress\n"
	"  -h, --help            show this help and exit\n"
	"  -V, --version         show the version and exit\n"
	"\n"
	"Exit status: 0 stored (or already stored with this stream), 1 unusable\n"
	"or conflicting stream, 2 usage or files that do not match the stream,\n"
	"3 system failure, 4 database failure.\n";

/* Pushes the stream with the call loaded. */
static int run(void *ctx, struct call *call, struct diag *err)
{
	struct push_opts *o = ctx;

	o->call = call;
	return push_run(o, err);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "batch", required_argument, NULL, 'b' },
		{ "call", required_argument, NULL, 'c' },
		{ "reviews", required_argument, NULL, 'r' },
		{ "consensus", required_argument, NULL, 's' },
		{ "conflicts", required_argument, NULL, 'k' },
		{ "assignments", required_argument, NULL, 'a' },
		{ "decisions", required_argument, NULL, 'D' },
		{ "supersedes", required_argument, NULL, 'S' },
		{ "db", required_argument, NULL, 'd' },
		{ "plain", no_argument, NULL, 'p' },
		{ "no-truncation-check", no_argument, NULL, 'n' },
		CLI_LONGOPTS_END,
	};
	struct push_opts o = { NULL, NULL, NULL, NULL, { NULL, NULL, NULL, NULL },
			       NULL, 0, &cli_sink };
	const char *dir = NULL;
	int c, status = AAP_OK;

	cli_start("aap-push");
	while ((c = getopt_long(argc, argv, "b:c:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': o.batch_id = optarg; break;
		case 'c': dir = optarg; break;
		case 'r': o.side[COLUMNS_REVIEWS] = optarg; break;
		case 's': o.side[COLUMNS_CONSENSUS] = optarg; break;
		case 'k': o.side[COLUMNS_CONFLICTS] = optarg; break;
		case 'a': o.side[COLUMNS_ASSIGNMENTS] = optarg; break;
		case 'D': o.side[COLUMNS_DECISIONS] = optarg; break;
		case 'S': o.supersedes = optarg; break;
		case 'd': o.conninfo = optarg; break;
		case 'p': o.plain = 1; break;
		case CLI_OPT_PROGRESS:
		case CLI_OPT_NO_PROGRESS: cli_progress_option(c); break;
		case 'n':
			return cli_usage_error("aap-push refuses --no-truncation-check: "
					       "a batch is only stored from a whole stream");
		default:
			return cli_other_option(c, usage_text);
		}
	}
	if (o.batch_id == NULL || dir == NULL)
		return cli_usage_error("--batch ID and --call DIR are required");
	if ((status = cli_one_stream(argc, argv, optind, &o.input)) != 0)
		return status;
	return cli_run_call(dir, run, &o);
}
