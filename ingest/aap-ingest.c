/* aap-ingest - reads application exports and writes the stream the other
 * stages read (docs/aap-ingest.1). */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "aap.h"
#include "call.h"
#include "cli.h"
#include "ingest.h"
#include "reader.h"

static const char usage_text[] =
	"Usage: aap-ingest --call DIR [OPTION]... [FILE...]\n"
	"Read application exports (CSV with a header) and write the stream.\n"
	"With no FILE, or when FILE is -, read standard input.\n"
	"\n"
	"  -c, --call DIR   the call folder (call.csv, fields.csv, ...)\n"
	"  -e, --encoding ENC  utf-8 or windows-1252 (default: detected per file)\n"
	"  -d, --delimiter D   ',', ';' or tab (default: detected per file)\n"
	"      --plain      write bare CSV, without provenance and trailer\n"
	"      --progress   show the progress on stderr (default: when it is\n"
	"                   a terminal and the run is long)\n"
	"      --no-progress  never show the progress\n"
	"  -h, --help       show this help and exit\n"
	"  -V, --version    show the version and exit\n"
	"\n"
	"Exit status: 0 done, 1 unusable input, 2 usage or call folder,\n"
	"3 system failure.\n";

/* What aap-ingest runs on: its options and the exports named. */
struct job {
	struct ingest_opts o; /* the options */
	char **paths;         /* the exports, none for stdin */
	size_t npaths;        /* how many */
};

/* Ingests the exports with the call loaded. */
static int run(void *ctx, struct call *call, struct diag *err)
{
	struct job *j = ctx;

	j->o.call = call;
	return ingest_run(&j->o, j->paths, j->npaths, err);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "call", required_argument, NULL, 'c' },
		{ "plain", no_argument, NULL, 'p' },
		{ "encoding", required_argument, NULL, 'e' },
		{ "delimiter", required_argument, NULL, 'd' },
		CLI_LONGOPTS_END,
	};
	struct job j = { { NULL, 0, READER_AUTO, 0, STDOUT_FILENO, &cli_sink },
			 NULL, 0 };
	int enc;
	const char *dir = NULL;
	int c;

	cli_start("aap-ingest");
	while ((c = getopt_long(argc, argv, "c:e:d:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'e':
			if ((enc = ingest_parse_encoding(optarg)) < 0)
				return cli_usage_error("unknown encoding \"%s\": "
						       "utf-8 or windows-1252", optarg);
			j.o.encoding = enc;
			break;
		case 'd':
			if ((j.o.delim = ingest_parse_delim(optarg)) == 0)
				return cli_usage_error("bad delimiter \"%s\": ',', "
						       "';' or tab", optarg);
			break;
		case 'c':
			dir = optarg;
			break;
		case 'p':
			j.o.plain = 1;
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
	j.paths = argv + optind;
	j.npaths = (size_t)(argc - optind);
	return cli_run_call(dir, run, &j);
}
