/* aap-pull - writes a stored batch back out as the stream that was
 * pushed, byte for byte, or one of its stored files (docs/aap-pull.md). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aap.h"
#include "cli.h"
#include "mem.h"
#include "pg.h"
#include "prov.h"
#include "pull.h"
#include "sbuf.h"

static const char usage_text[] =
	"Usage: aap-pull --batch ID [OPTION]...\n"
	"Write the stored batch ID to standard output as the stream that was\n"
	"pushed, checking as it goes that it has the SHA-256 stored at the push;\n"
	"or write one of the files stored with it.\n"
	"\n"
	"  -b, --batch ID         the batch's id\n"
	"      --file ROLE:NAME   write the stored file NAME of ROLE (call,\n"
	"                         reviews, consensus, conflicts) instead\n"
	"      --call-dir DIR     write the stored call folder into DIR instead\n"
	"      --db CONNINFO      libpq connection string or service=NAME\n"
	"                         (default: the PG* environment variables)\n"
	"  -h, --help             show this help and exit\n"
	"  -V, --version          show the version and exit\n"
	"\n"
	"Exit status: 0 written, 1 two stored versions of the file, 2 usage or\n"
	"no such batch, 3 system failure, 4 database failure, 5 what is stored\n"
	"is not what was pushed (no trailer is written).\n";

/* What to pull. */
struct pull_opts {
	const char *batch_id; /* --batch */
	const char *file;     /* --file ROLE:NAME, or NULL */
	const char *call_dir; /* --call-dir, or NULL */
	const char *conninfo; /* --db, or NULL */
};

/* Writes the one file named ROLE:NAME to standard output. */
static int pull_one_file(PGconn *db, const struct pull_opts *o,
			 struct diag *err)
{
	const char *colon = strchr(o->file, ':');
	struct pull_file *f = NULL;
	size_t n = 0;
	char *role;
	int rc = -1;

	if (colon == NULL || colon == o->file || colon[1] == '\0')
		return diag_set(err, AAP_EUSAGE, NULL, 0, "--file takes ROLE:NAME, "
				"not \"%s\"", o->file);
	if ((role = mem_strndup(o->file, (size_t)(colon - o->file))) == NULL)
		return diag_oom(err);
	if (pull_files(db, o->batch_id, role, colon + 1, &f, &n, err) < 0)
		goto done;
	if (n == 0)
		diag_set(err, AAP_EUSAGE, NULL, 0, "batch \"%s\" has no stored "
			 "file %s", o->batch_id, o->file);
	else if (n > 1)
		diag_set(err, AAP_EDATA, NULL, 0, "batch \"%s\" has %zu versions "
			 "of the file %s: its stages read different ones",
			 o->batch_id, n, o->file);
	else if (pull_file_check(&f[0], err) == 0 &&
		 pull_write("/dev/stdout", f[0].content, f[0].len, err) == 0)
		rc = 0;
done:
	pull_files_free(f, n);
	mem_free(role);
	return rc;
}

/* Writes every stored call file into the folder o->call_dir, made when
 * it does not exist. */
static int pull_call_dir(PGconn *db, const struct pull_opts *o,
			 struct diag *err)
{
	struct pull_file *f = NULL;
	struct sbuf path;
	size_t i, n = 0;
	int rc = 0;

	if (mkdir(o->call_dir, 0777) < 0 && errno != EEXIST)
		return diag_set(err, AAP_ESYS, NULL, 0, "could not create \"%s\": "
				"%s", o->call_dir, strerror(errno));
	if (pull_files(db, o->batch_id, prov_role_call, NULL, &f, &n, err) < 0)
		return -1;
	sbuf_init(&path);
	for (i = 0; i < n && rc == 0; i++) {
		if (i > 0 && strcmp(f[i].name, f[i - 1].name) == 0) {
			rc = diag_set(err, AAP_EDATA, NULL, 0, "batch \"%s\" has two "
				      "versions of the call file \"%s\": its "
				      "stages read different ones",
				      o->batch_id, f[i].name);
			break;
		}
		sbuf_reset(&path);
		if (sbuf_adds(&path, o->call_dir) < 0 || sbuf_addc(&path, '/') < 0 ||
		    sbuf_adds(&path, f[i].name) < 0)
			rc = diag_oom(err);
		else if (pull_file_check(&f[i], err) < 0 ||
			 pull_write(path.data, f[i].content, f[i].len, err) < 0)
			rc = -1;
	}
	sbuf_fini(&path);
	pull_files_free(f, n);
	return rc;
}

/* Connects, and writes what o asks for. */
static int run(const struct pull_opts *o, struct diag *err)
{
	struct pull_batch b;
	struct pull_sums s;
	PGconn *db;
	int rc = -1;

	memset(&b, 0, sizeof(b));
	if ((db = pg_connect(o->conninfo, err)) == NULL)
		return -1;
	if (pull_begin(db, err) < 0 || pull_batch_load(db, o->batch_id, &b, err) < 0)
		goto done;
	if (o->file != NULL)
		rc = pull_one_file(db, o, err);
	else if (o->call_dir != NULL)
		rc = pull_call_dir(db, o, err);
	else
		rc = pull_stream(db, &b, STDOUT_FILENO, "standard output", &s, err);
done:
	pull_batch_fini(&b);
	PQfinish(db);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "batch", required_argument, NULL, 'b' },
		{ "file", required_argument, NULL, 'f' },
		{ "call-dir", required_argument, NULL, 'C' },
		{ "db", required_argument, NULL, 'd' },
		CLI_LONGOPTS_END,
	};
	struct pull_opts o = { NULL, NULL, NULL, NULL };
	struct diag err;
	int c;

	cli_start("aap-pull");
	while ((c = getopt_long(argc, argv, "b:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': o.batch_id = optarg; break;
		case 'f': o.file = optarg; break;
		case 'C': o.call_dir = optarg; break;
		case 'd': o.conninfo = optarg; break;
		default:
			return cli_other_option(c, usage_text);
		}
	}
	if (o.batch_id == NULL)
		return cli_usage_error("--batch ID is required");
	if (o.file != NULL && o.call_dir != NULL)
		return cli_usage_error("--file and --call-dir do not go together");
	if (optind < argc)
		return cli_usage_error("unexpected operand \"%s\"", argv[optind]);
	diag_clear(&err);
	if (run(&o, &err) < 0) {
		cli_print(&err);
		return cli_finish(err.status);
	}
	return cli_finish(AAP_OK);
}
