/* aap-audit - re-runs stored batches and says exactly where they differ
 * from what is stored; checks the chain across batches
 * (docs/aap-audit.md). */
#include <getopt.h>
#include <stdio.h>

#include "aap.h"
#include "audit.h"
#include "cli.h"
#include "i18n.h"
#include "mem.h"

static const char usage_text[] =
	"Usage: aap-audit --batch ID [OPTION]...\n"
	"   or: aap-audit --chain [--expect-head SHA256] [OPTION]...\n"
	"Rebuild each stored batch's stream and check it against the digests\n"
	"stored with it, run the installed stages again on what the database\n"
	"holds, and compare every value; or check the chain across batches.\n"
	"\n"
	"  -b, --batch ID           audit batch ID (may be given again)\n"
	"      --source FILE        the original export, run again through\n"
	"                           aap-ingest and aap-validate (may be given\n"
	"                           again, in the order of the first run)\n"
	"      --expect SHA256      the stream's digest written elsewhere\n"
	"      --chain              check every link of the chain\n"
	"      --expect-head SHA256 a head of the chain written elsewhere\n"
	"      --report FILE        write the report to FILE, not standard error\n"
	"      --differences FILE   write one CSV row per difference to FILE\n"
	"      --db CONNINFO        libpq connection string or service=NAME\n"
	"                           (default: the PG* environment variables)\n"
	"  -h, --help               show this help and exit\n"
	"  -V, --version            show the version and exit\n"
	"\n"
	"Exit status: 0 everything matches, 1 unusable data, 2 usage or no such\n"
	"batch, 3 system failure, 4 database failure, 5 something differs.\n";

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "batch", required_argument, NULL, 'b' },
		{ "source", required_argument, NULL, 's' },
		{ "expect", required_argument, NULL, 'e' },
		{ "chain", no_argument, NULL, 'c' },
		{ "expect-head", required_argument, NULL, 'H' },
		{ "report", required_argument, NULL, 'r' },
		{ "differences", required_argument, NULL, 'D' },
		{ "db", required_argument, NULL, 'd' },
		CLI_LONGOPTS_END,
	};
	struct audit_opts o = { NULL, NULL, 0, NULL, 0, NULL, 0, NULL, NULL,
				NULL, NULL };
	const char **batch, **source;
	struct diag err;
	int c, status = AAP_OK;

	cli_start("aap-audit");
	batch = mem_calloc((size_t)argc + 1, sizeof(*batch));
	source = mem_calloc((size_t)argc + 1, sizeof(*source));
	if (batch == NULL || source == NULL) {
		fprintf(stderr, "aap-audit: %s: %s\n", _("error"), _("out of memory"));
		return AAP_ESYS;
	}
	while ((c = getopt_long(argc, argv, "b:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': batch[o.nbatch++] = optarg; break;
		case 's': source[o.nsource++] = optarg; break;
		case 'e': o.expect = optarg; break;
		case 'c': o.chain = 1; break;
		case 'H': o.expect_head = optarg; break;
		case 'r': o.report = optarg; break;
		case 'D': o.differences = optarg; break;
		case 'd': o.conninfo = optarg; break;
		default:
			status = cli_other_option(c, usage_text);
			goto done;
		}
	}
	o.batch = batch;
	o.source = source;
	if (o.nbatch == 0 && !o.chain)
		status = cli_usage_error("--batch ID or --chain is required");
	else if ((o.nsource > 0 || o.expect != NULL) && o.nbatch != 1)
		status = cli_usage_error("--source and --expect go with one --batch");
	else if (o.expect_head != NULL && !o.chain)
		status = cli_usage_error("--expect-head goes with --chain");
	else if (optind < argc)
		status = cli_usage_error("unexpected operand \"%s\"", argv[optind]);
	if (status != AAP_OK)
		goto done;
	diag_clear(&err);
	if (audit_run(&o, &err) < 0) {
		cli_print(&err);
		status = err.status;
	}
	status = cli_finish(status);
done:
	mem_free((void *)batch);
	mem_free((void *)source);
	return status;
}
