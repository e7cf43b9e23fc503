/* aap-export - writes what the committee opens from a stream: the
 * ranking as a French spreadsheet's CSV or as an xlsx workbook, the
 * committee's HTML report, or each applicant's evaluation summary; and
 * the open-data file of the awards (SCDL). */
#include <getopt.h>
#include <string.h>

#include "aap.h"
#include "call.h"
#include "cli.h"
#include "export.h"
#include "i18n.h"

static const char usage_text[] =
	"Usage: aap-export --call DIR --format FORMAT [-o FILE] [--lang LANG]\n"
	"                  [--reviews FILE] [--consensus FILE] [--decisions FILE]\n"
	"                  [--out-dir DIR]\n"
	"                  [--pdf] [--decision-date DATE] [--decision-ref REF]\n"
	"                  [--no-truncation-check] [STREAM]\n"
	"Write the batch of the stream as a document for people: csv, the\n"
	"ranking for a spreadsheet in French (';', decimal comma); xlsx, a\n"
	"workbook (ranking, inadmissible applications, marks, budget,\n"
	"provenance); html, the committee's report (summary, ranking, charts,\n"
	"inadmissible applications, provenance); summaries, one evaluation\n"
	"summary per application, as HTML pages in a folder; or scdl, the\n"
	"open-data file of the funded applications (SCDL « subventions »\n"
	"2.1.1).\n"
	"With no STREAM, or when STREAM is -, read standard input.\n"
	"\n"
	"  -c, --call DIR            the call folder\n"
	"  -f, --format FORMAT       csv, xlsx, html, summaries or scdl\n"
	"  -o, --output FILE         write to FILE (required for xlsx; csv, html\n"
	"                            and scdl go to standard output without it)\n"
	"  -l, --lang LANG           fr or en (default: the call's lang, else fr)\n"
	"  -r, --reviews FILE        xlsx, summaries: the reviewers' marks and\n"
	"                            comments, the file aap-score read\n"
	"      --consensus FILE      xlsx, summaries: the consensus scores and\n"
	"                            justifications, the file aap-score read\n"
	"      --decisions FILE      csv, xlsx, html, summaries: the committee's\n"
	"                            decisions file aap-score read, for each\n"
	"                            decision's action and author\n"
	"  -d, --out-dir DIR         summaries: the folder of the pages (made\n"
	"                            when missing)\n"
	"      --pdf                 html, summaries: print each page to PDF\n"
	"                            too, with headless Chromium\n"
	"      --decision-date DATE  scdl: the date of the decision, YYYY-MM-DD\n"
	"                            (default: the call's decision_date)\n"
	"      --decision-ref REF    scdl: the reference of the decision\n"
	"                            (default: the call's decision_ref)\n"
	CLI_HELP_STREAM
	"\n"
	"Exit status: 0 done, 1 unusable input, 2 usage or call folder,\n"
	"3 system failure.\n";

/* Writes the document with the call loaded. */
static int run(void *ctx, struct call *call, struct diag *err)
{
	struct export_opts *o = ctx;

	o->call = call;
	return export_run(o, err);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "call", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "lang", required_argument, NULL, 'l' },
		{ "reviews", required_argument, NULL, 'r' },
		{ "consensus", required_argument, NULL, 'k' },
		{ "decisions", required_argument, NULL, 'e' },
		{ "out-dir", required_argument, NULL, 'd' },
		{ "pdf", no_argument, NULL, 'p' },
		{ "no-truncation-check", no_argument, NULL, 'n' },
		{ "decision-date", required_argument, NULL, 'D' },
		{ "decision-ref", required_argument, NULL, 'R' },
		CLI_LONGOPTS_END,
	};
	struct export_opts o = { .format = EXPORT_CSV, .check = 1 };
	const char *dir = NULL, *format = NULL;
	int c, status = AAP_OK;

	cli_start("aap-export");
	while ((c = getopt_long(argc, argv, "c:f:o:l:r:d:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			dir = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'o':
			o.output = optarg;
			break;
		case 'l':
			o.lang = optarg;
			break;
		case 'r':
			o.reviews = optarg;
			break;
		case 'k':
			o.consensus = optarg;
			break;
		case 'e':
			o.decisions = optarg;
			break;
		case 'n':
			o.check = 0;
			break;
		case 'd':
			o.out_dir = optarg;
			break;
		case 'p':
			o.pdf = 1;
			break;
		case CLI_OPT_PROGRESS:
		case CLI_OPT_NO_PROGRESS:
			cli_progress_option(c);
			break;
		case 'D':
			o.decision_date = optarg;
			break;
		case 'R':
			o.decision_ref = optarg;
			break;
		default:
			return cli_other_option(c, usage_text);
		}
	}
	if (dir == NULL)
		return cli_usage_error("--call DIR is required");
	if (format == NULL)
		return cli_usage_error("--format FORMAT is required");
	if (export_format_parse(format, &o.format) < 0)
		return cli_usage_error("unknown format \"%s\": csv, xlsx, html, "
				       "summaries or scdl", format);
	if (o.lang != NULL && export_lang_check(o.lang) < 0)
		return cli_usage_error("unknown language \"%s\": fr or en", o.lang);
	if ((o.format == EXPORT_CSV || o.format == EXPORT_HTML) &&
	    (o.reviews != NULL || o.consensus != NULL))
		return cli_usage_error("--reviews and --consensus are for xlsx and "
				       "summaries: the %s is the ranking only",
				       format);
	if ((o.format == EXPORT_SUMMARIES) != (o.out_dir != NULL))
		return cli_usage_error(o.out_dir ? "--out-dir is for summaries" :
				       N_("summaries need --out-dir DIR"));
	if (o.format == EXPORT_SUMMARIES && o.output != NULL)
		return cli_usage_error("summaries are written into --out-dir DIR, "
				       "not to --output");
	if (o.pdf && o.format != EXPORT_HTML && o.format != EXPORT_SUMMARIES)
		return cli_usage_error("--pdf is for html and summaries");
	if (o.pdf && o.format == EXPORT_HTML &&
	    (o.output == NULL || strcmp(o.output, "-") == 0))
		return cli_usage_error("--pdf needs --output FILE: the PDF is "
				       "written beside it");
	if (o.format == EXPORT_SCDL && (o.reviews != NULL || o.consensus != NULL))
		return cli_usage_error("--reviews and --consensus are for xlsx and "
				       "summaries: the SCDL file lists the awards "
				       "only");
	if (o.format == EXPORT_SCDL && o.decisions != NULL)
		return cli_usage_error("--decisions is for csv, xlsx, html and "
				       "summaries");
	if (o.format != EXPORT_SCDL &&
	    (o.decision_date != NULL || o.decision_ref != NULL))
		return cli_usage_error("--decision-date and --decision-ref are "
				       "for scdl");
	if (o.decision_date != NULL &&
	    !call_is_date(o.decision_date, strlen(o.decision_date)))
		return cli_usage_error("--decision-date \"%s\" is not a date "
				       "YYYY-MM-DD", o.decision_date);
	o.sink = &cli_sink;
	if ((status = cli_one_stream(argc, argv, optind, &o.input)) != 0)
		return status;
	if (o.output != NULL && *o.output == '\0')
		return cli_usage_error("--output needs a file name");
	if (o.out_dir != NULL && *o.out_dir == '\0')
		return cli_usage_error("--out-dir needs a folder name");
	if (o.format == EXPORT_XLSX &&
	    (o.output == NULL || strcmp(o.output, "-") == 0))
		return cli_usage_error("xlsx needs --output FILE: a workbook is "
				       "not written to standard output");
	return cli_run_call(dir, run, &o);
}
