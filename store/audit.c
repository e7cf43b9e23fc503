/* audit.c - re-runs a stored batch and compares: the stream rebuilt by
 * pull.c, the files against the provenance, the installed stages run
 * again in a private folder on what the database holds, every value
 * compared, and the chain of links across batches. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aap.h"
#include "audit.h"
#include "columns.h"
#include "diag.h"
#include "digest.h"
#include "htab.h"
#include "io.h"
#include "mem.h"
#include "pg.h"
#include "prov.h"
#include "pull.h"
#include "sbuf.h"
#include "schema.h"
#include "stream.h"
#include "writer.h"

extern char **environ;

/* The stages an audit runs again. */
static const char stage_ingest[] = "aap-ingest";
static const char stage_validate[] = "aap-validate";
static const char stage_score[] = "aap-score";

/* The table of each side file's rows (columns.h gives their columns). */
static const char *const side_table[COLUMNS_NSIDE] = {
	[COLUMNS_REVIEWS] = "review",
	[COLUMNS_CONSENSUS] = "consensus",
	[COLUMNS_CONFLICTS] = "conflict",
	[COLUMNS_ASSIGNMENTS] = "assignment",
	[COLUMNS_DECISIONS] = "decision",
};

/* One '#stage' line of the batch's provenance. */
struct stage_line {
	struct prov_line l;   /* its tokens */
	const char *name;     /* its name token, owned by l ("" if none) */
	const char *version;  /* its version token, owned by l ("" if none) */
	size_t index;         /* its place among the provenance lines */
};

struct audit {
	const struct audit_opts *o;
	PGconn *db;             /* the connection */
	FILE *out;              /* the report */
	struct writer *diffs;   /* the differences, or NULL */
	int diffs_fd;           /* its file, or -1 */
	unsigned long ndiff;    /* differences found, every batch */
	struct sbuf tmp;        /* the private folder */
	struct sbuf bindir;     /* the folder of this program, "" if unknown */
	const struct pull_batch *b; /* the batch being audited */
	const char *id;         /* the batch of the differences found now */
	struct stage_line *st;  /* its '#stage' lines */
	size_t nst;             /* how many */
};

/* Writes one line of the report. */
static void say(struct audit *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say(struct audit *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(a->out, fmt, ap);
	va_end(ap);
	fputc('\n', a->out);
}

/* Appends the n bytes at s to b in double quotes, the control characters,
 * the quote and the backslash written as \xNN so that a value from an
 * applicant shows as it is. */
static int visible(struct sbuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;
	int rc = sbuf_addc(b, '"');

	for (i = 0; i < n && rc == 0; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
			char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

			rc = sbuf_add(b, e, 4);
		} else {
			rc = sbuf_addc(b, (char)c);
		}
	}
	return rc < 0 ? -1 : sbuf_addc(b, '"');
}

/* Records a difference: a row of the differences file and a line of the
 * report.  seq 0 and app NULL when it is not of one record. */
static int differ(struct audit *a, unsigned long long seq, const char *app,
		  size_t app_len, const char *table, const char *column,
		  const char *stored, size_t stored_len, const char *again,
		  size_t again_len, struct diag *err)
{
	struct sbuf line, n;
	int rc = 0;

	a->ndiff++;
	sbuf_init(&line);
	sbuf_init(&n);
	if (seq > 0 && sbuf_addu(&n, seq) < 0)
		rc = -1;
	if (rc == 0 && a->diffs != NULL) {
		writer_field(a->diffs, a->id, strlen(a->id));
		writer_field(a->diffs, sbuf_str(&n), n.len);
		writer_field(a->diffs, app != NULL ? app : "", app != NULL ? app_len : 0);
		writer_field(a->diffs, table, strlen(table));
		writer_field(a->diffs, column, strlen(column));
		writer_field(a->diffs, stored, stored_len);
		writer_field(a->diffs, again, again_len);
		writer_end_record(a->diffs);
	}
	if (rc == 0 && seq > 0)
		rc = sbuf_adds(&line, "record ") < 0 || sbuf_addu(&line, seq) < 0 ||
		     sbuf_adds(&line, " (application ") < 0 ||
		     visible(&line, app, app_len) < 0 ||
		     sbuf_adds(&line, "): ") < 0 ? -1 : 0;
	if (rc == 0)
		rc = sbuf_adds(&line, table) < 0 || sbuf_addc(&line, '.') < 0 ||
		     sbuf_adds(&line, column) < 0 || sbuf_adds(&line, " stored ") < 0 ||
		     visible(&line, stored, stored_len) < 0 ||
		     sbuf_adds(&line, ", recomputed ") < 0 ||
		     visible(&line, again, again_len) < 0 ? -1 : 0;
	if (rc == 0)
		say(a, "difference: %s", line.data);
	sbuf_fini(&line);
	sbuf_fini(&n);
	return rc < 0 ? diag_oom(err) : 0;
}

/* differ() for two strings, out of any record. */
static int differ_s(struct audit *a, const char *table, const char *column,
		    const char *stored, const char *again, struct diag *err)
{
	return differ(a, 0, NULL, 0, table, column, stored, strlen(stored),
		      again, strlen(again), err);
}

/* Sets p to the private folder's path of name (sub may be NULL). */
static int tmp_path(struct audit *a, struct sbuf *p, const char *sub,
		    const char *name)
{
	sbuf_reset(p);
	return sbuf_add(p, a->tmp.data, a->tmp.len) < 0 || sbuf_addc(p, '/') < 0 ||
	       (sub != NULL && (sbuf_adds(p, sub) < 0 || sbuf_addc(p, '/') < 0)) ||
	       sbuf_adds(p, name) < 0 ? -1 : 0;
}

/* Removes the folder path and what is in it, depth first. */
static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	struct sbuf p;
	struct stat sb;

	if (d == NULL) {
		unlink(path);
		return;
	}
	sbuf_init(&p);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		sbuf_reset(&p);
		if (sbuf_adds(&p, path) < 0 || sbuf_addc(&p, '/') < 0 ||
		    sbuf_adds(&p, e->d_name) < 0)
			continue;
		if (lstat(p.data, &sb) == 0 && S_ISDIR(sb.st_mode))
			remove_tree(p.data);
		else
			unlink(p.data);
	}
	closedir(d);
	sbuf_fini(&p);
	rmdir(path);
}

/* Runs the installed stage with args (NULL-terminated, after its name),
 * standard input from in (NULL: /dev/null), output to out and errors to
 * errs.  *status gets its exit status (-1: it could not be run, 128+N: a
 * signal).  Returns 0, or -1 with err set (AAP_ESYS). */
static int run_stage(struct audit *a, const char *stage,
		     const char *const *args, const char *in, const char *out,
		     const char *errs, int *status, struct diag *err)
{
	posix_spawn_file_actions_t fa;
	struct sbuf prog;
	char **argv;
	size_t n = 0, i;
	pid_t pid;
	int rc = -1, ws, e;

	while (args[n] != NULL)
		n++;
	sbuf_init(&prog);
	argv = mem_calloc(n + 2, sizeof(*argv));
	if (argv == NULL)
		return diag_oom(err);
	if (a->bindir.len > 0 &&
	    (sbuf_add(&prog, a->bindir.data, a->bindir.len) < 0 ||
	     sbuf_addc(&prog, '/') < 0 || sbuf_adds(&prog, stage) < 0)) {
		mem_free(argv);
		return diag_oom(err);
	}
	if (prog.len == 0 || access(prog.data, X_OK) != 0) {
		sbuf_reset(&prog);
		if (sbuf_adds(&prog, stage) < 0) {
			mem_free(argv);
			return diag_oom(err);
		}
	}
	/* posix_spawn's argv is not const, though it is left alone. */
	argv[0] = prog.data;
	for (i = 0; i < n; i++)
		memcpy(&argv[i + 1], &args[i], sizeof(argv[i + 1]));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, in != NULL ? in : "/dev/null",
					 O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, 2, errs, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	e = posix_spawnp(&pid, prog.data, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (e != 0) {
		*status = -1;
		rc = 0;
	} else if (waitpid(pid, &ws, 0) < 0) {
		diag_set(err, AAP_ESYS, NULL, 0, "could not wait for %s: %s",
			 stage, strerror(errno));
	} else {
		*status = WIFEXITED(ws) ? WEXITSTATUS(ws) :
			  WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : -1;
		rc = 0;
	}
	mem_free(argv);
	sbuf_fini(&prog);
	return rc;
}

/* Reads the first line of the file at path into b, without its LF. */
static void first_line(const char *path, struct sbuf *b)
{
	char buf[1024];
	ssize_t n;
	int fd = open(path, O_RDONLY);
	char *nl;

	sbuf_reset(b);
	if (fd < 0)
		return;
	n = io_read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	if ((nl = strchr(buf, '\n')) != NULL)
		*nl = '\0';
	sbuf_adds(b, buf);
}

/* Runs stage, whose run's files are named after it in the private folder
 * (NAME.out, NAME.err); says in the report when it failed.  Returns 0 and
 * *ok 1 when it ran and exited 0, 0 and *ok 0 when it failed (a
 * difference, counted), -1 on a system failure. */
static int rerun(struct audit *a, const char *stage, const char *const *args,
		 const char *in, struct sbuf *out, int *ok, struct diag *err)
{
	struct sbuf errs, line, name;
	int status, rc = 0;

	*ok = 0;
	sbuf_init(&errs);
	sbuf_init(&line);
	sbuf_init(&name);
	if (sbuf_adds(&name, stage) < 0 || sbuf_adds(&name, ".out") < 0 ||
	    tmp_path(a, out, NULL, name.data) < 0 ||
	    (sbuf_reset(&name), sbuf_adds(&name, stage) < 0) ||
	    sbuf_adds(&name, ".err") < 0 || tmp_path(a, &errs, NULL, name.data) < 0) {
		rc = diag_oom(err);
		goto done;
	}
	if (run_stage(a, stage, args, in, out->data, errs.data, &status, err) < 0) {
		rc = -1;
		goto done;
	}
	if (status == 0) {
		*ok = 1;
		goto done;
	}
	first_line(errs.data, &line);
	say(a, "%s: run again, it failed (status %d): %s", stage, status,
	    sbuf_str(&line));
	sbuf_reset(&name);
	if (sbuf_addu(&name, (unsigned long long)(status < 0 ? 0 : status)) < 0)
		rc = diag_oom(err);
	else
		rc = differ_s(a, "batch", stage, "exit status 0",
			      sbuf_str(&name), err);
done:
	sbuf_fini(&errs);
	sbuf_fini(&line);
	sbuf_fini(&name);
	return rc;
}

/* The installed version of stage into v ("" when it cannot be run). */
static int installed_version(struct audit *a, const char *stage,
			     struct sbuf *v, struct diag *err)
{
	static const char *const args[] = { "--version", NULL };
	struct sbuf out, errs;
	int status = -1, rc = 0;
	const char *sp;

	sbuf_init(&out);
	sbuf_init(&errs);
	sbuf_reset(v);
	if (tmp_path(a, &out, NULL, "version.out") < 0 ||
	    tmp_path(a, &errs, NULL, "version.err") < 0)
		rc = diag_oom(err);
	else if (run_stage(a, stage, args, NULL, out.data, errs.data, &status,
			   err) < 0)
		rc = -1;
	else if (status == 0) {
		first_line(out.data, &errs);
		sp = strchr(sbuf_str(&errs), ' ');
		if (sp != NULL && sbuf_adds(v, sp + 1) < 0)
			rc = diag_oom(err);
	}
	sbuf_fini(&out);
	sbuf_fini(&errs);
	return rc;
}

/* The last '#stage' line of stage, or NULL. */
static struct stage_line *find_stage(struct audit *a, const char *stage)
{
	size_t i = a->nst;

	while (i-- > 0)
		if (strcmp(a->st[i].name, stage) == 0)
			return &a->st[i];
	return NULL;
}

static void stages_free(struct audit *a)
{
	size_t i;

	for (i = 0; i < a->nst; i++)
		prov_line_fini(&a->st[i].l);
	mem_free(a->st);
	a->st = NULL;
	a->nst = 0;
}

/* Parses the '#stage' lines of the batch's provenance. */
static int parse_stages(struct audit *a, struct diag *err)
{
	const char *p = a->b->provenance, *nl;
	const struct prov_token *t;
	struct stage_line *s;
	struct sbuf line;
	size_t index = 0;
	int rc = 0;

	sbuf_init(&line);
	for (; rc == 0 && *p != '\0'; index++, p = nl != NULL ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		sbuf_reset(&line);
		if (sbuf_add(&line, p, nl != NULL ? (size_t)(nl - p) : strlen(p)) < 0) {
			rc = diag_oom(err);
			break;
		}
		if (prov_kind_of(line.data) != PROV_STAGE)
			continue;
		s = mem_realloc(a->st, (a->nst + 1) * sizeof(*s));
		if (s == NULL) {
			rc = diag_oom(err);
			break;
		}
		a->st = s;
		s += a->nst;
		prov_line_init(&s->l);
		s->index = index;
		if (prov_parse(&s->l, line.data, "provenance", index + 1, err) < 0) {
			rc = -1;
			break;
		}
		a->nst++;
		t = prov_find(&s->l, PROV_NAME);
		s->name = t != NULL ? t->value : "";
		t = prov_find(&s->l, PROV_VERSION);
		s->version = t != NULL ? t->value : "";
	}
	sbuf_fini(&line);
	return rc;
}

/* 1. The tools: an installed stage of another version than the one that
 * made the batch is said first. */
static int check_tools(struct audit *a, struct diag *err)
{
	static const char *const stages[] = { stage_ingest, stage_validate,
					      stage_score };
	struct stage_line *s;
	struct sbuf v;
	size_t i;
	int rc = 0;

	sbuf_init(&v);
	for (i = 0; i < 3 && rc == 0; i++) {
		if ((s = find_stage(a, stages[i])) == NULL)
			continue;
		if ((rc = installed_version(a, stages[i], &v, err)) < 0)
			break;
		if (strcmp(v.data != NULL ? v.data : "", s->version) == 0)
			say(a, "tools: %s %s made the batch and is installed",
			    stages[i], s->version);
		else
			say(a, "tools: %s %s made the batch; the installed %s is %s: "
			    "a difference may come from the version", stages[i],
			    s->version, stages[i], v.len > 0 ? v.data : "not found");
	}
	sbuf_fini(&v);
	return rc;
}

/* 2. The stored stream: rebuilt into stored.stream, against stream_sha256,
 * the trailer and the digest expected. */
static int check_stream(struct audit *a, struct diag *err)
{
	const struct pull_batch *b = a->b;
	struct pull_sums s;
	struct prov_line t;
	const struct prov_token *tok;
	struct sbuf path, n;
	int fd, rc = 0;

	sbuf_init(&path);
	sbuf_init(&n);
	prov_line_init(&t);
	if (tmp_path(a, &path, NULL, "stored.stream") < 0)
		return diag_oom(err);
	fd = open(path.data, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		rc = diag_set(err, AAP_ESYS, NULL, 0, "could not create \"%s\": %s",
			      path.data, strerror(errno));
		goto done;
	}
	if (pull_stream(a->db, b, fd, path.data, &s, err) < 0) {
		if (err->status != AAP_EDIFF) {
			rc = -1;
			close(fd);
			goto done;
		}
		diag_clear(err);
	}
	close(fd);
	say(a, "stream: rebuilt from the database, %llu records, sha256 %s: %s",
	    s.records, s.stream, strcmp(s.stream, b->stream_sha256) == 0 ?
	    "matches aap.batch.stream_sha256" : "differs from aap.batch.stream_sha256");
	if (strcmp(s.stream, b->stream_sha256) != 0 &&
	    (rc = differ_s(a, "batch", "stream_sha256", b->stream_sha256,
			   s.stream, err)) < 0)
		goto done;
	if (prov_parse(&t, b->trailer, "trailer", 0, err) < 0) {
		rc = -1;
		goto done;
	}
	tok = prov_find(&t, PROV_RECORDS);
	if (sbuf_addu(&n, s.records) < 0) {
		rc = diag_oom(err);
		goto done;
	}
	if (tok == NULL || strcmp(tok->value, n.data) != 0)
		rc = differ_s(a, "batch", "trailer.records",
			      tok != NULL ? tok->value : "", n.data, err);
	tok = prov_find(&t, PROV_SHA256);
	if (rc == 0) {
		int same = tok != NULL && strcmp(tok->value, s.body) == 0;

		say(a, "trailer: records=%s, sha256 of the bytes before it %s: %s",
		    n.data, s.body, same ? "matches" : "differs");
		if (!same)
			rc = differ_s(a, "batch", "trailer.sha256",
				      tok != NULL ? tok->value : "", s.body, err);
	}
	if (rc == 0 && a->o->expect != NULL) {
		int same = strcmp(a->o->expect, b->stream_sha256) == 0 &&
			   strcmp(a->o->expect, s.stream) == 0;

		say(a, "expected: %s: %s", a->o->expect, same ? "matches" : "differs");
		if (!same)
			rc = differ_s(a, "batch", "stream_sha256", b->stream_sha256,
				      a->o->expect, err);
	}
done:
	prov_line_fini(&t);
	sbuf_fini(&path);
	sbuf_fini(&n);
	return rc;
}

/* 1 when name can be a file of the private folder. */
static int safe_name(const char *name)
{
	return *name != '\0' && strchr(name, '/') == NULL &&
	       strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/* The folder of the call files stage line k read: "call-K". */
static int call_folder(struct sbuf *b, size_t k)
{
	sbuf_reset(b);
	return sbuf_adds(b, "call-") < 0 || sbuf_addu(b, k) < 0 ? -1 : 0;
}

/* Checks one file token against the stored files, and writes the call
 * files into the stage's folder. */
static int check_file(struct audit *a, const struct prov_token *tok,
		      const char *folder, unsigned *matched, struct diag *err)
{
	struct prov_file pf;
	struct pull_file *f = NULL, *use = NULL;
	struct sbuf role, name, label, path;
	char hex[DIGEST_HEX_LEN + 1] = "";
	size_t i, n = 0;
	int rc = 0;

	if (prov_file_split(tok, &pf) < 0)
		return differ_s(a, "batch", "provenance", tok->value, "", err);
	sbuf_init(&role);
	sbuf_init(&name);
	sbuf_init(&label);
	sbuf_init(&path);
	if (sbuf_add(&role, pf.role, pf.role_len) < 0 ||
	    sbuf_add(&name, pf.name, pf.name_len) < 0 ||
	    sbuf_add(&label, pf.role, pf.role_len) < 0 || sbuf_addc(&label, ':') < 0 ||
	    sbuf_add(&label, pf.name, pf.name_len) < 0) {
		rc = diag_oom(err);
		goto done;
	}
	if (pull_files(a->db, a->b->batch_id, role.data, name.data, &f, &n, err) < 0) {
		rc = -1;
		goto done;
	}
	for (i = 0; i < n && use == NULL; i++)
		if (strcmp(f[i].sha256, pf.sha256) == 0)
			use = &f[i];
	if (use == NULL && n > 0)
		use = &f[0];
	if (use != NULL && digest_bytes(use->content, use->len, hex) < 0) {
		rc = diag_oom(err);
		goto done;
	}
	if (use == NULL || strcmp(hex, pf.sha256) != 0) {
		say(a, "file %s: the provenance names sha256 %s, the stored file's "
		    "is %s", label.data, pf.sha256, use != NULL ? hex : "missing");
		rc = differ_s(a, "config_file", label.data, pf.sha256, hex, err);
	} else {
		(*matched)++;
	}
	if (rc == 0 && use != NULL && strcmp(role.data, prov_role_call) == 0 &&
	    safe_name(use->name)) {
		if (tmp_path(a, &path, folder, use->name) < 0)
			rc = diag_oom(err);
		else
			rc = pull_write(path.data, use->content, use->len, err);
	}
done:
	pull_files_free(f, n);
	sbuf_fini(&role);
	sbuf_fini(&name);
	sbuf_fini(&label);
	sbuf_fini(&path);
	return rc;
}

/* 3. The files each stage read: stored, with the digests its line names;
 * the call files are written to the stage's own folder. */
static int check_files(struct audit *a, struct diag *err)
{
	struct sbuf folder, path;
	unsigned matched, named;
	size_t i, k;
	int rc = 0;

	sbuf_init(&folder);
	sbuf_init(&path);
	for (i = 0; i < a->nst && rc == 0; i++) {
		matched = named = 0;
		if (call_folder(&folder, i) < 0 || tmp_path(a, &path, NULL, folder.data) < 0) {
			rc = diag_oom(err);
			break;
		}
		if (mkdir(path.data, 0700) < 0 && errno != EEXIST) {
			rc = diag_set(err, AAP_ESYS, NULL, 0, "could not create \"%s\": "
				      "%s", path.data, strerror(errno));
			break;
		}
		for (k = 0; k < a->st[i].l.n && rc == 0; k++) {
			if (strcmp(a->st[i].l.tok[k].key, prov_key_name(PROV_FILE)) != 0)
				continue;
			named++;
			rc = check_file(a, &a->st[i].l.tok[k], folder.data, &matched, err);
		}
		if (rc == 0)
			say(a, "files of %s: %u named, %u stored with that sha256",
			    a->st[i].name, named, matched);
	}
	sbuf_fini(&folder);
	sbuf_fini(&path);
	return rc;
}

/* 1 when the column name is one aap-score adds. */
static int score_column(const char *name)
{
	static const enum columns_stage by_score[] = {
		COLUMNS_SCORE, COLUMNS_DECIDE, COLUMNS_SENSITIVITY };
	const char *const *added;
	size_t i, k, n;

	if (columns_score_criterion(name) != NULL ||
	    columns_spread_criterion(name) != NULL)
		return 1;
	for (k = 0; k < sizeof(by_score) / sizeof(by_score[0]); k++) {
		added = columns_added(by_score[k], &n);
		for (i = 0; i < n; i++)
			if (strcmp(name, added[i]) == 0)
				return 1;
	}
	return 0;
}

/* The table a stream column is stored in. */
static const char *column_table(const char *name)
{
	if (columns_score_criterion(name) != NULL ||
	    columns_spread_criterion(name) != NULL)
		return "criterion_score";
	return "application";
}

/* Opens the stream at path; check as stream_in_open.  *fd gets its file. */
static struct stream_in *open_stream(const char *path, int check, int *fd,
				     struct diag *err)
{
	struct stream_in *s;

	*fd = open(path, O_RDONLY);
	if (*fd < 0) {
		diag_set(err, AAP_ESYS, NULL, 0, "could not open \"%s\": %s", path,
			 strerror(errno));
		return NULL;
	}
	if ((s = stream_in_open(*fd, path, check, err)) == NULL) {
		close(*fd);
		*fd = -1;
	}
	return s;
}

/* Which columns of the stored stream to compare with the recomputed one,
 * by position in each (-1: absent from it). */
struct pairs {
	long *stored;  /* position in the stored stream */
	long *again;   /* position in the recomputed one */
	size_t n;      /* how many */
};

/* Pairs the columns of old and again that keep(name, scored) selects;
 * a column either lacks is a difference. */
static int pair_columns(struct audit *a, const struct stream_in *old,
			const struct stream_in *again, int score_side,
			int scored, struct pairs *p, struct diag *err)
{
	const struct record *h = stream_in_header(score_side ? old : again);
	size_t i;
	int rc = 0;

	p->stored = mem_calloc(h->n + 1, sizeof(long));
	p->again = mem_calloc(h->n + 1, sizeof(long));
	p->n = 0;
	if (p->stored == NULL || p->again == NULL)
		return diag_oom(err);
	for (i = 0; i < h->n && rc == 0; i++) {
		const char *name = record_field(h, i);
		int both = !strcmp(name, columns_name(COLUMN_FINDINGS)) ||
			   !strcmp(name, columns_name(COLUMN_ADMISSIBLE));
		long s, g;

		/* The scoring's re-run is compared on what aap-score writes;
		 * the source's on the rest, and on the findings too when aap-score
		 * did not run after it. */
		if (score_side ? !(score_column(name) || both) :
		    (score_column(name) || (both && scored)))
			continue;
		s = stream_in_column(old, name);
		g = stream_in_column(again, name);
		if (s < 0 || g < 0) {
			rc = differ_s(a, "stream", name, s < 0 ? "" : "column",
				      g < 0 ? "" : "column", err);
			continue;
		}
		p->stored[p->n] = s;
		p->again[p->n++] = g;
	}
	return rc;
}

/* The records a stage wrote again, kept by their place in the source
 * (source_file and source_line, which every stage carries): aap-score
 * writes its records ranked, so places, not positions, pair them. */
struct again {
	struct sbuf arena;    /* keys, then values, each NUL-terminated */
	size_t *off;          /* per record: its key, then its nval values */
	size_t *len;          /* the same, their lengths */
	unsigned char *seen;  /* per record: a stored record has it */
	size_t n;             /* records */
	size_t cap;           /* records room was made for */
	size_t nval;          /* values kept per record */
	struct htab h;        /* key -> record */
};

static const void *again_key(const void *ctx, size_t id, size_t *n)
{
	const struct again *g = ctx;

	*n = g->len[id * (g->nval + 1)];
	return g->arena.data + g->off[id * (g->nval + 1)];
}

/* Appends the key of record r (columns f and l) to b. */
static int place(struct sbuf *b, const struct record *r, long f, long l)
{
	return sbuf_add(b, record_field(r, (size_t)f), record_len(r, (size_t)f)) < 0 ||
	       sbuf_addc(b, ':') < 0 ||
	       sbuf_add(b, record_field(r, (size_t)l), record_len(r, (size_t)l)) < 0 ?
	       -1 : 0;
}

/* Adds n bytes at p to g's arena as item k of its last record. */
static int again_add(struct again *g, size_t k, const char *p, size_t n)
{
	size_t at = (g->n - 1) * (g->nval + 1) + k;

	g->off[at] = g->arena.len;
	g->len[at] = n;
	return sbuf_add(&g->arena, p, n) < 0 || sbuf_addc(&g->arena, '\0') < 0 ? -1 : 0;
}

/* Reads the records of in into g: their place and the values p pairs. */
static int again_load(struct again *g, struct stream_in *in, const struct pairs *p,
		      long f, long l, struct diag *err)
{
	enum read_result rr;
	struct sbuf key;
	unsigned char *seen;
	size_t k, found;

	sbuf_init(&key);
	g->nval = p->n;
	while ((rr = stream_in_next(in, err)) == READ_RECORD) {
		const struct record *r = stream_in_record(in);

		if (g->n == g->cap) {
			size_t cap = g->cap ? 2 * g->cap : 64, w = cap * (g->nval + 1);
			size_t *off = mem_realloc(g->off, w * sizeof(*off));

			if (off != NULL)
				g->off = off;
			off = off != NULL ? mem_realloc(g->len, w * sizeof(*off)) : NULL;
			if (off != NULL)
				g->len = off;
			seen = off != NULL ? mem_realloc(g->seen, cap) : NULL;
			if (seen == NULL)
				goto nomem;
			g->seen = seen;
			g->cap = cap;
		}
		g->seen[g->n++] = 0;
		sbuf_reset(&key);
		if (place(&key, r, f, l) < 0 || again_add(g, 0, key.data, key.len) < 0)
			goto nomem;
		for (k = 0; k < p->n; k++)
			if (again_add(g, k + 1, record_field(r, (size_t)p->again[k]),
				      record_len(r, (size_t)p->again[k])) < 0)
				goto nomem;
		if (htab_put(&g->h, key.data, key.len, g->n - 1, &found) < 0)
			goto nomem;
	}
	sbuf_fini(&key);
	return rr == READ_END ? 0 : -1;
nomem:
	sbuf_fini(&key);
	return diag_oom(err);
}

static void again_fini(struct again *g)
{
	sbuf_fini(&g->arena);
	mem_free(g->off);
	mem_free(g->len);
	mem_free(g->seen);
	htab_fini(&g->h);
}

/* Compares the records of the stored stream with those of the stream a
 * stage wrote again at path, value by value, on the columns
 * pair_columns selects, each stored record with the one from the same
 * place in the source.  Says what it compared as what. */
static int compare(struct audit *a, const char *path, int score_side,
		   int scored, const char *what, struct diag *err)
{
	struct sbuf stored_path, key;
	struct stream_in *old = NULL, *again = NULL;
	struct pairs p = { NULL, NULL, 0 };
	struct again g;
	unsigned long long seq = 0;
	unsigned long before = a->ndiff;
	enum read_result rr;
	const char *fname = columns_name(COLUMN_SOURCE_FILE);
	const char *lname = columns_name(COLUMN_SOURCE_LINE);
	long f1, l1, f2, l2;
	int fd1 = -1, fd2 = -1, rc = -1;
	size_t k, i, base;

	memset(&g, 0, sizeof(g));
	htab_init(&g.h, again_key, &g);
	sbuf_init(&stored_path);
	sbuf_init(&key);
	if (tmp_path(a, &stored_path, NULL, "stored.stream") < 0) {
		diag_oom(err);
		goto done;
	}
	if ((old = open_stream(stored_path.data, 0, &fd1, err)) == NULL ||
	    (again = open_stream(path, 1, &fd2, err)) == NULL)
		goto done;
	f1 = stream_in_column(old, fname);
	l1 = stream_in_column(old, lname);
	f2 = stream_in_column(again, fname);
	l2 = stream_in_column(again, lname);
	if (f1 < 0 || l1 < 0 || f2 < 0 || l2 < 0) {
		diag_set(err, AAP_EDATA, NULL, 0, "%s: a stream has no column \"%s\" "
			 "or \"%s\"", what, fname, lname);
		goto done;
	}
	if (pair_columns(a, old, again, score_side, scored, &p, err) < 0)
		goto done;
	if (again_load(&g, again, &p, f2, l2, err) < 0) {
		say(a, "%s: its output is unusable: %s", what, err->msg);
		diag_clear(err);
		rc = differ_s(a, "batch", what, "a whole stream", "unusable", err);
		goto done;
	}
	while ((rr = stream_in_next(old, err)) == READ_RECORD) {
		const struct record *x = stream_in_record(old);

		seq++;
		sbuf_reset(&key);
		if (place(&key, x, f1, l1) < 0) {
			diag_oom(err);
			goto done;
		}
		i = htab_find(&g.h, key.data, key.len);
		if (i == (size_t)-1) {
			if (differ(a, seq, record_field(x, 0), record_len(x, 0),
				   "application", "source_line", key.data, key.len,
				   "", 0, err) < 0)
				goto done;
			continue;
		}
		g.seen[i] = 1;
		base = i * (g.nval + 1) + 1;
		for (k = 0; k < p.n; k++) {
			size_t s = (size_t)p.stored[k];
			const char *v = g.arena.data + g.off[base + k];

			if (record_len(x, s) == g.len[base + k] &&
			    memcmp(record_field(x, s), v, g.len[base + k]) == 0)
				continue;
			if (differ(a, seq, record_field(x, 0), record_len(x, 0),
				   column_table(record_field(stream_in_header(old), s)),
				   record_field(stream_in_header(old), s),
				   record_field(x, s), record_len(x, s),
				   v, g.len[base + k], err) < 0)
				goto done;
		}
	}
	if (rr == READ_ERROR)
		goto done;
	for (i = 0; i < g.n; i++)
		if (!g.seen[i] &&
		    differ(a, 0, NULL, 0, "application", "source_line", "", 0,
			   g.arena.data + g.off[i * (g.nval + 1)],
			   g.len[i * (g.nval + 1)], err) < 0)
			goto done;
	say(a, "%s: %llu records compared, %lu values differ", what, seq,
	    a->ndiff - before);
	rc = 0;
done:
	again_fini(&g);
	stream_in_free(old);
	stream_in_free(again);
	if (fd1 >= 0)
		close(fd1);
	if (fd2 >= 0)
		close(fd2);
	mem_free(p.stored);
	mem_free(p.again);
	sbuf_fini(&stored_path);
	sbuf_fini(&key);
	return rc;
}

/* Writes the stream aap-score read, rebuilt from the stored one: the
 * provenance before aap-score's line and the columns it did not add,
 * without a trailer (aap-validate's was not stored). */
static int rebuild_score_input(struct audit *a, const struct stage_line *s,
			       struct sbuf *path, struct diag *err)
{
	struct sbuf stored_path;
	struct stream_in *in = NULL;
	struct writer *w = NULL;
	const struct record *h;
	char body[DIGEST_HEX_LEN + 1];
	const char *p = a->b->provenance, *nl;
	unsigned char *keep = NULL;
	size_t i, index;
	int fd = -1, out = -1, rc = -1;
	enum read_result rr;

	sbuf_init(&stored_path);
	if (tmp_path(a, &stored_path, NULL, "stored.stream") < 0 ||
	    tmp_path(a, path, NULL, "score-input.stream") < 0) {
		diag_oom(err);
		goto done;
	}
	if ((in = open_stream(stored_path.data, 0, &fd, err)) == NULL)
		goto done;
	out = open(path->data, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (out < 0 || (w = writer_new(out, path->data)) == NULL) {
		diag_set(err, AAP_ESYS, NULL, 0, "could not create \"%s\"", path->data);
		goto done;
	}
	for (index = 0; index < s->index && *p != '\0'; index++, p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		writer_bytes(w, p, (size_t)(nl - p) + 1);
	}
	h = stream_in_header(in);
	if ((keep = mem_calloc(h->n + 1, 1)) == NULL) {
		diag_oom(err);
		goto done;
	}
	for (i = 0; i < h->n; i++)
		if ((keep[i] = !score_column(record_field(h, i))) != 0)
			writer_field(w, record_field(h, i), record_len(h, i));
	writer_end_record(w);
	while ((rr = stream_in_next(in, err)) == READ_RECORD) {
		const struct record *r = stream_in_record(in);

		for (i = 0; i < r->n; i++)
			if (keep[i])
				writer_field(w, record_field(r, i), record_len(r, i));
		writer_end_record(w);
	}
	if (rr == READ_ERROR)
		goto done;
	/* No trailer: aap-validate's is not stored, and a trailer holds the
	 * digest of its stage's input, which cannot be known here; aap-score
	 * reads this stream, whole by construction, with
	 * --no-truncation-check. */
	if (writer_digest(w, body) < 0) {
		diag_oom(err);
		goto done;
	}
	if (writer_flush(w, err) < 0)
		goto done;
	say(a, "scoring input: rebuilt from the stored records, sha256 of the "
	    "bytes before its trailer %s; aap-score writes its records ranked "
	    "and aap-validate's trailer is not stored, so the input digest "
	    "aap-score recorded is checked with --source", body);
	rc = 0;
done:
	writer_free(w);
	if (out >= 0)
		close(out);
	stream_in_free(in);
	if (fd >= 0)
		close(fd);
	mem_free(keep);
	sbuf_fini(&stored_path);
	return rc;
}

/* Writes side file k, as aap-score is to read it again, from the rows of
 * its table: aap-score is run on what the database holds. */
static int write_side(struct audit *a, size_t k, const char *path,
		      struct diag *err)
{
	const struct columns_file *f = columns_side((enum columns_side)k);
	const char *params[1] = { a->b->batch_id };
	struct writer *w = NULL;
	struct sbuf sql;
	PGresult *r = NULL;
	size_t i;
	int row, fd, rc = -1;

	sbuf_init(&sql);
	if (sbuf_adds(&sql, "SELECT ") < 0) {
		sbuf_fini(&sql);
		return diag_oom(err);
	}
	for (i = 0; i < f->n; i++)
		if ((i > 0 && sbuf_adds(&sql, ", ") < 0) ||
		    sbuf_adds(&sql, f->names[i]) < 0 || sbuf_adds(&sql, "::text") < 0) {
			sbuf_fini(&sql);
			return diag_oom(err);
		}
	if (sbuf_adds(&sql, " FROM aap.") < 0 || sbuf_adds(&sql, side_table[k]) < 0 ||
	    sbuf_adds(&sql, " WHERE batch_id = $1 ORDER BY seq") < 0) {
		sbuf_fini(&sql);
		return diag_oom(err);
	}
	r = pg_exec(a->db, sql.data, 1, params, NULL, err);
	sbuf_fini(&sql);
	if (r == NULL)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || (w = writer_new(fd, path)) == NULL) {
		diag_set(err, AAP_ESYS, NULL, 0, "could not create \"%s\"", path);
		goto done;
	}
	for (i = 0; i < f->n; i++)
		writer_field(w, f->names[i], strlen(f->names[i]));
	writer_end_record(w);
	for (row = 0; row < PQntuples(r); row++) {
		for (i = 0; i < f->n; i++)
			writer_field(w, PQgetvalue(r, row, (int)i),
				     (size_t)PQgetlength(r, row, (int)i));
		writer_end_record(w);
	}
	rc = writer_flush(w, err);
done:
	writer_free(w);
	if (fd >= 0)
		close(fd);
	PQclear(r);
	return rc;
}

/* Writes the file of role and name stored with the batch to path, in a
 * folder of its own made first, once its bytes are checked against the
 * digest stored beside them. */
static int write_stored(struct audit *a, const char *role, const char *name,
			const char *path, struct diag *err)
{
	struct pull_file *f = NULL;
	struct sbuf dir;
	size_t n = 0;
	int rc = -1;

	sbuf_init(&dir);
	if (sbuf_add(&dir, path, (size_t)(strrchr(path, '/') - path)) < 0) {
		sbuf_fini(&dir);
		return diag_oom(err);
	}
	if (mkdir(dir.data, 0700) < 0 && errno != EEXIST)
		diag_set(err, AAP_ESYS, NULL, 0, "could not create \"%s\"", dir.data);
	else if (pull_files(a->db, a->b->batch_id, role, name, &f, &n, err) == 0) {
		if (n != 1)
			diag_set(err, AAP_EDIFF, NULL, 0, "the %s file \"%s\" is not "
				 "stored with batch \"%s\"", role, name, a->b->batch_id);
		else if (pull_file_check(&f[0], err) == 0)
			rc = pull_write(path, f[0].content, f[0].len, err);
	}
	pull_files_free(f, n);
	sbuf_fini(&dir);
	return rc;
}

/* Writes to path the stored batch of the audited batch's call whose
 * stream has the digest sha (carry=CUTOFF:SHA256 of aap-score's line):
 * the stream of an earlier cut-off, rebuilt and checked as aap-pull
 * does. */
static int write_carried(struct audit *a, const char *sha, const char *path,
			 struct diag *err)
{
	const char *params[2] = { a->b->call_id, sha };
	struct pull_batch b;
	struct pull_sums sums;
	PGresult *r;
	int fd, rc = -1;

	memset(&b, 0, sizeof(b));
	r = pg_exec(a->db, "SELECT batch_id FROM aap.batch WHERE call_id = $1 "
		    "AND stream_sha256 = $2", 2, params, NULL, err);
	if (r == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return diag_set(err, AAP_EDIFF, NULL, 0, "batch \"%s\" carries "
				"from the stream %s, which no stored batch of call "
				"\"%s\" is", a->b->batch_id, sha, a->b->call_id);
	}
	rc = pull_batch_load(a->db, PQgetvalue(r, 0, 0), &b, err);
	PQclear(r);
	if (rc < 0)
		return -1;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0) {
		diag_set(err, AAP_ESYS, NULL, 0, "could not create \"%s\": %s",
			 path, strerror(errno));
	} else {
		rc = pull_stream(a->db, &b, fd, path, &sums, err);
		if (close(fd) < 0 && rc == 0)
			rc = diag_set(err, AAP_ESYS, NULL, 0, "could not write "
				      "\"%s\": %s", path, strerror(errno));
	}
	pull_batch_fini(&b);
	return fd < 0 ? -1 : rc;
}

/* Adds to args (at *n) the --cutoff and one --carry for each carry token
 * of aap-score's line s, each stream written to the private folder and
 * its path kept in paths. */
static int carried_args(struct audit *a, const struct stage_line *s,
			const char **args, size_t *n, struct sbuf *paths,
			size_t *npaths, struct diag *err)
{
	const struct prov_token *t = prov_find(&s->l, PROV_CUTOFF);
	size_t i;

	if (t == NULL)
		return 0;
	args[(*n)++] = "--cutoff";
	args[(*n)++] = t->value;
	for (i = 0; i < s->l.n; i++) {
		const struct prov_token *c = &s->l.tok[i];
		struct sbuf *p = &paths[*npaths];
		struct sbuf name;
		const char *colon = memchr(c->value, ':', c->len);

		if (strcmp(c->key, prov_key_name(PROV_CARRY)) != 0)
			continue;
		if (colon == NULL || strlen(colon + 1) != DIGEST_HEX_LEN)
			return diag_set(err, AAP_EDIFF, NULL, 0, "batch \"%s\": "
					"malformed carry token", a->b->batch_id);
		sbuf_init(&name);
		if (sbuf_adds(&name, "carry-") < 0 ||
		    sbuf_add(&name, c->value, (size_t)(colon - c->value)) < 0 ||
		    !safe_name(name.data) || tmp_path(a, p, NULL, name.data) < 0) {
			sbuf_fini(&name);
			return diag_set(err, AAP_EDIFF, NULL, 0, "batch \"%s\": "
					"malformed carry token", a->b->batch_id);
		}
		sbuf_fini(&name);
		(*npaths)++;
		if (write_carried(a, colon + 1, p->data, err) < 0)
			return -1;
		args[(*n)++] = "--carry";
		args[(*n)++] = p->data;
	}
	return 0;
}

/* 1 when the header (names joined by commas) has the column name. */
static int header_has(const char *header, const char *name)
{
	size_t n = strlen(name);
	const char *p = header;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == header || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

/* 4. The scoring: aap-score run again on its input (rebuilt from the
 * stored records, or the source's when given) with the call files its
 * line names and the side files' stored rows; compared value by value. */
static int rerun_score(struct audit *a, const char *input, struct diag *err)
{
	struct stage_line *s = find_stage(a, stage_score);
	const char **args = NULL;
	struct sbuf rebuilt, folder, side[COLUMNS_NSIDE], out, *carry = NULL;
	size_t i, k, n = 0, ncarry = 0;
	int ok, rc = -1;

	if (s == NULL)
		return 0;
	/* Room for every token as a --carry, and the other options. */
	args = mem_calloc(2 * s->l.n + 2 * COLUMNS_NSIDE + 8, sizeof(*args));
	carry = mem_calloc(s->l.n + 1, sizeof(*carry));
	if (args == NULL || carry == NULL) {
		mem_free(args);
		mem_free(carry);
		return diag_oom(err);
	}
	for (i = 0; i < s->l.n; i++)
		sbuf_init(&carry[i]);
	sbuf_init(&rebuilt);
	sbuf_init(&folder);
	sbuf_init(&out);
	for (k = 0; k < COLUMNS_NSIDE; k++)
		sbuf_init(&side[k]);
	if (input == NULL) {
		if (rebuild_score_input(a, s, &rebuilt, err) < 0)
			goto done;
		input = rebuilt.data;
		args[n++] = "--no-truncation-check";
	}
	if (call_folder(&out, (size_t)(s - a->st)) < 0 ||
	    tmp_path(a, &folder, NULL, out.data) < 0)
		goto nomem;
	args[n++] = "--call";
	args[n++] = folder.data;
	for (i = 0; i < s->l.n; i++) {
		struct prov_file pf;
		struct sbuf name;

		if (strcmp(s->l.tok[i].key, prov_key_name(PROV_FILE)) != 0 ||
		    prov_file_split(&s->l.tok[i], &pf) < 0)
			continue;
		for (k = 0; k < COLUMNS_NSIDE; k++) {
			const char *role = columns_side((enum columns_side)k)->role;

			if (side[k].len > 0 || strlen(role) != pf.role_len ||
			    memcmp(role, pf.role, pf.role_len) != 0)
				continue;
			sbuf_init(&name);
			if (k == COLUMNS_DECISIONS) {
				/* Its lines are named in the records
				 * (decisions.csv:LINE): the stored file
				 * itself, under its own name. */
				if (sbuf_add(&name, pf.name, pf.name_len) < 0 ||
				    tmp_path(a, &side[k], "decisions", name.data) < 0) {
					sbuf_fini(&name);
					goto nomem;
				}
				rc = safe_name(name.data) ?
				     write_stored(a, role, name.data, side[k].data, err) : 0;
				sbuf_fini(&name);
				if (rc < 0)
					goto done;
				rc = -1;
				continue;
			}
			if (sbuf_adds(&name, "side-") < 0 ||
			    sbuf_add(&name, pf.name, pf.name_len) < 0 ||
			    tmp_path(a, &side[k], NULL, name.data) < 0) {
				sbuf_fini(&name);
				goto nomem;
			}
			sbuf_fini(&name);
			if (!safe_name(side[k].data + a->tmp.len + 1) ||
			    write_side(a, k, side[k].data, err) < 0)
				goto done;
		}
	}
	for (k = 0; k < COLUMNS_NSIDE; k++) {
		static const char *const opt[COLUMNS_NSIDE] = {
			[COLUMNS_REVIEWS] = "--reviews",
			[COLUMNS_CONSENSUS] = "--consensus",
			[COLUMNS_CONFLICTS] = "--conflicts",
			[COLUMNS_ASSIGNMENTS] = "--assignments",
			[COLUMNS_DECISIONS] = "--decisions" };

		if (side[k].len == 0)
			continue;
		args[n++] = opt[k];
		args[n++] = side[k].data;
	}
	if (header_has(a->b->header, columns_added(COLUMNS_SENSITIVITY, &i)[0]))
		args[n++] = "--sensitivity";
	if (carried_args(a, s, args, &n, carry, &ncarry, err) < 0)
		goto done;
	args[n] = NULL;
	if (rerun(a, stage_score, args, input, &out, &ok, err) < 0)
		goto done;
	if (ok && compare(a, out.data, 1, 1, "scoring, aap-score run again", err) < 0)
		goto done;
	rc = 0;
	goto done;
nomem:
	diag_oom(err);
done:
	sbuf_fini(&rebuilt);
	sbuf_fini(&folder);
	sbuf_fini(&out);
	for (k = 0; k < COLUMNS_NSIDE; k++)
		sbuf_fini(&side[k]);
	for (i = 0; i < s->l.n; i++)
		sbuf_fini(&carry[i]);
	mem_free(carry);
	mem_free(args);
	return rc;
}

/* The digest the stored trailer gives as its stage's input, or NULL. */
static int trailer_input(struct audit *a, struct sbuf *hex, struct diag *err)
{
	struct prov_line t;
	const struct prov_token *tok;

	prov_line_init(&t);
	if (prov_parse(&t, a->b->trailer, "trailer", 0, err) < 0)
		return -1;
	tok = prov_find(&t, PROV_INPUT);
	if (tok != NULL && tok->len >= DIGEST_HEX_LEN &&
	    sbuf_add(hex, tok->value + tok->len - DIGEST_HEX_LEN, DIGEST_HEX_LEN) < 0) {
		prov_line_fini(&t);
		return diag_oom(err);
	}
	prov_line_fini(&t);
	return 0;
}

/* 5. The source: aap-ingest and aap-validate run again on the files
 * given, with the call files their lines name; the stream they write must
 * be the one aap-score read (or the one pushed), value by value.  *out
 * gets the stream they wrote, empty when they failed. */
static int rerun_source(struct audit *a, struct sbuf *out, struct diag *err)
{
	struct stage_line *ing = find_stage(a, stage_ingest);
	struct stage_line *val = find_stage(a, stage_validate);
	const char **args = NULL;
	struct sbuf f1, f2, ingested, want, hex;
	char got[DIGEST_HEX_LEN + 1];
	int scored = find_stage(a, stage_score) != NULL, ok, rc = -1;
	size_t i, n = 0;

	sbuf_init(&f1);
	sbuf_init(&f2);
	sbuf_init(&ingested);
	sbuf_init(&want);
	sbuf_init(&hex);
	sbuf_reset(out);
	if (ing == NULL || val == NULL) {
		say(a, "source: the batch was not made by aap-ingest and "
		    "aap-validate: nothing to run again");
		rc = differ_s(a, "batch", "provenance", "", "aap-ingest, aap-validate", err);
		goto done;
	}
	args = mem_calloc(a->o->nsource + 4, sizeof(*args));
	if (args == NULL || call_folder(&hex, (size_t)(ing - a->st)) < 0 ||
	    tmp_path(a, &f1, NULL, hex.data) < 0 ||
	    call_folder(&hex, (size_t)(val - a->st)) < 0 ||
	    tmp_path(a, &f2, NULL, hex.data) < 0)
		goto nomem;
	args[n++] = "--call";
	args[n++] = f1.data;
	for (i = 0; i < a->o->nsource; i++)
		args[n++] = a->o->source[i];
	args[n] = NULL;
	if (rerun(a, stage_ingest, args, NULL, &ingested, &ok, err) < 0)
		goto done;
	if (!ok) {
		rc = 0;
		goto done;
	}
	args[1] = f2.data;
	args[2] = NULL;
	if (rerun(a, stage_validate, args, ingested.data, out, &ok, err) < 0)
		goto done;
	if (!ok) {
		sbuf_reset(out);
		rc = 0;
		goto done;
	}
	if (digest_file(out->data, got, err) < 0)
		goto done;
	sbuf_reset(&hex);
	if (scored ? trailer_input(a, &want, err) < 0 :
	    sbuf_adds(&want, a->b->stream_sha256) < 0)
		goto done;
	say(a, "source: aap-ingest and aap-validate run again on %zu file%s: "
	    "sha256 %s: %s %s", a->o->nsource, a->o->nsource > 1 ? "s" : "", got,
	    strcmp(got, sbuf_str(&want)) == 0 ? "matches" : "differs from",
	    scored ? "the input aap-score recorded" : "aap.batch.stream_sha256");
	if (strcmp(got, sbuf_str(&want)) != 0 &&
	    differ_s(a, "batch", scored ? "aap-score.input" : "stream_sha256",
		     sbuf_str(&want), got, err) < 0)
		goto done;
	rc = compare(a, out->data, 0, scored, "source, aap-ingest and aap-validate "
		     "run again", err);
	goto done;
nomem:
	diag_oom(err);
done:
	mem_free((void *)args);
	sbuf_fini(&f1);
	sbuf_fini(&f2);
	sbuf_fini(&ingested);
	sbuf_fini(&want);
	sbuf_fini(&hex);
	return rc;
}

/* Audits one batch. */
static int audit_batch(struct audit *a, const char *id, struct diag *err)
{
	struct pull_batch b;
	struct sbuf validated;
	unsigned long before = a->ndiff;
	int rc = -1;

	sbuf_init(&validated);
	if (pull_batch_load(a->db, id, &b, err) < 0)
		return -1;
	a->b = &b;
	a->id = b.batch_id;
	say(a, "batch \"%s\" of call \"%s\": %llu records", b.batch_id,
	    b.call_id, b.record_count);
	if (parse_stages(a, err) < 0 || check_tools(a, err) < 0 ||
	    check_stream(a, err) < 0 || check_files(a, err) < 0)
		goto done;
	if (a->o->nsource > 0 && rerun_source(a, &validated, err) < 0)
		goto done;
	if (find_stage(a, stage_score) != NULL &&
	    rerun_score(a, validated.len > 0 ? validated.data : NULL, err) < 0)
		goto done;
	if (a->ndiff == before)
		say(a, "batch \"%s\": no difference", b.batch_id);
	else
		say(a, "batch \"%s\": %lu difference%s", b.batch_id,
		    a->ndiff - before, a->ndiff - before > 1 ? "s" : "");
	rc = 0;
done:
	stages_free(a);
	sbuf_fini(&validated);
	pull_batch_fini(&b);
	a->b = NULL;
	return rc;
}

/* Checks every link of the chain and its head; names the first batch
 * where it breaks. */
static int audit_chain(struct audit *a, struct diag *err)
{
	char prev[DIGEST_HEX_LEN + 1], want[DIGEST_HEX_LEN + 1], both[2 * DIGEST_HEX_LEN];
	PGresult *r;
	long long pos;
	int i, rows, broken = 0, rc = 0, found = 0;

	memset(prev, '0', DIGEST_HEX_LEN);
	prev[DIGEST_HEX_LEN] = '\0';
	r = pg_exec(a->db, "SELECT c.position, c.batch_id, c.chain_sha256, "
		    "coalesce(b.stream_sha256, '') FROM aap.chain AS c "
		    "LEFT JOIN aap.batch AS b USING (batch_id) ORDER BY c.position",
		    0, NULL, NULL, err);
	if (r == NULL)
		return -1;
	rows = PQntuples(r);
	for (i = 0; i < rows && rc == 0; i++) {
		const char *link = PQgetvalue(r, i, 2), *stream = PQgetvalue(r, i, 3);

		a->id = PQgetvalue(r, i, 1);
		pos = strtoll(PQgetvalue(r, i, 0), NULL, 10);
		memcpy(both, prev, DIGEST_HEX_LEN);
		memcpy(both + DIGEST_HEX_LEN, stream,
		       strlen(stream) == DIGEST_HEX_LEN ? DIGEST_HEX_LEN : 0);
		if (digest_bytes(both, strlen(stream) == DIGEST_HEX_LEN ?
				 sizeof(both) : DIGEST_HEX_LEN, want) < 0) {
			rc = diag_oom(err);
			break;
		}
		if (pos != i + 1 || strcmp(link, want) != 0) {
			if (!broken++)
				say(a, "chain: broken first at link %lld, batch \"%s\": "
				    "its link is %s, sha256 of the link before and its "
				    "stream_sha256 is %s", pos, a->id, link, want);
			rc = differ_s(a, "chain", "chain_sha256", link, want, err);
		}
		if (a->o->expect_head != NULL && strcmp(link, a->o->expect_head) == 0)
			found = i + 1;
		memcpy(prev, link, DIGEST_HEX_LEN);
	}
	PQclear(r);
	a->id = "";
	if (rc == 0 && (r = pg_exec(a->db, "SELECT b.batch_id FROM aap.batch AS b "
				    "WHERE NOT EXISTS (SELECT 1 FROM aap.chain AS c "
				    "WHERE c.batch_id = b.batch_id) ORDER BY 1",
				    0, NULL, NULL, err)) == NULL)
		rc = -1;
	for (i = 0; rc == 0 && i < PQntuples(r); i++) {
		a->id = PQgetvalue(r, i, 0);
		say(a, "chain: batch \"%s\" has no link", a->id);
		rc = differ_s(a, "chain", "batch_id", "", a->id, err);
	}
	PQclear(r);
	a->id = "";
	if (rc == 0 && (r = pg_exec(a->db, "SELECT position, chain_sha256 FROM "
				    "aap.chain_head", 0, NULL, NULL, err)) == NULL)
		rc = -1;
	if (rc == 0) {
		const char *head = PQntuples(r) == 1 ? PQgetvalue(r, 0, 1) : "";

		if (strcmp(head, prev) != 0)
			rc = differ_s(a, "chain_head", "chain_sha256", head, prev, err);
		say(a, "chain: %d links, head %s: %s", rows, prev,
		    broken == 0 && strcmp(head, prev) == 0 ? "every link holds" :
		    "broken");
		PQclear(r);
	}
	if (rc == 0 && a->o->expect_head != NULL) {
		if (found == 0) {
			say(a, "chain: the head expected, %s, is no link of the chain",
			    a->o->expect_head);
			rc = differ_s(a, "chain_head", "chain_sha256", prev,
				      a->o->expect_head, err);
		} else {
			say(a, "chain: the head expected is link %d of %d", found, rows);
		}
	}
	a->id = NULL;
	return rc;
}

/* The folder this program is in, for the stages beside it. */
static void find_bindir(struct audit *a)
{
	char buf[4096];
	ssize_t n;
	char *slash;

	if (a->o->bindir != NULL) {
		sbuf_adds(&a->bindir, a->o->bindir);
		return;
	}
	n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n <= 0)
		return;
	buf[n] = '\0';
	if ((slash = strrchr(buf, '/')) != NULL) {
		*slash = '\0';
		sbuf_adds(&a->bindir, buf);
	}
}

/* Makes the private folder. */
static int make_tmp(struct audit *a, struct diag *err)
{
	const char *dir = getenv("TMPDIR");

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	if (sbuf_adds(&a->tmp, dir) < 0 || sbuf_adds(&a->tmp, "/aap-audit.XXXXXX") < 0)
		return diag_oom(err);
	if (mkdtemp(a->tmp.data) == NULL) {
		diag_set(err, AAP_ESYS, NULL, 0, "could not create a folder in "
			 "\"%s\": %s", dir, strerror(errno));
		sbuf_reset(&a->tmp);
		return -1;
	}
	return 0;
}

/* Opens the report and the differences file. */
static int open_outputs(struct audit *a, struct diag *err)
{
	static const char *const head[] = { "batch_id", "seq", "application_id",
					    "table", "column", "stored",
					    "recomputed" };
	size_t i;

	a->out = stderr;
	if (a->o->report != NULL && (a->out = fopen(a->o->report, "w")) == NULL) {
		a->out = stderr;
		return diag_set(err, AAP_ESYS, NULL, 0, "could not create \"%s\": "
				"%s", a->o->report, strerror(errno));
	}
	if (a->o->differences == NULL)
		return 0;
	a->diffs_fd = open(a->o->differences, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (a->diffs_fd < 0)
		return diag_set(err, AAP_ESYS, NULL, 0, "could not create \"%s\": "
				"%s", a->o->differences, strerror(errno));
	if ((a->diffs = writer_new(a->diffs_fd, a->o->differences)) == NULL)
		return diag_oom(err);
	for (i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		writer_field(a->diffs, head[i], strlen(head[i]));
	writer_end_record(a->diffs);
	return 0;
}

/* Closes the outputs; a failed write is a failure. */
static int close_outputs(struct audit *a, int rc, struct diag *err)
{
	struct diag ignored;

	if (a->diffs != NULL && writer_flush(a->diffs, rc < 0 ? &ignored : err) < 0)
		rc = -1;
	writer_free(a->diffs);
	if (a->diffs_fd >= 0 && close(a->diffs_fd) < 0 && rc == 0)
		rc = diag_set(err, AAP_ESYS, NULL, 0, "could not write to \"%s\": %s",
			      a->o->differences, strerror(errno));
	if (a->out != stderr && a->out != NULL && fclose(a->out) != 0 && rc == 0)
		rc = diag_set(err, AAP_ESYS, NULL, 0, "could not write to \"%s\": %s",
			      a->o->report, strerror(errno));
	return rc;
}

int audit_run(const struct audit_opts *o, struct diag *err)
{
	struct audit a;
	size_t i;
	int rc = -1;

	memset(&a, 0, sizeof(a));
	a.o = o;
	a.diffs_fd = -1;
	sbuf_init(&a.tmp);
	sbuf_init(&a.bindir);
	find_bindir(&a);
	if (open_outputs(&a, err) < 0 || make_tmp(&a, err) < 0)
		goto done;
	if ((a.db = pg_connect(o->conninfo, err)) == NULL ||
	    schema_check(a.db, "audit as a member of aap_auditor", err) < 0 ||
	    pull_begin(a.db, err) < 0)
		goto done;
	for (i = 0; i < o->nbatch; i++)
		if (audit_batch(&a, o->batch[i], err) < 0)
			goto done;
	if (o->chain && audit_chain(&a, err) < 0)
		goto done;
	if (a.ndiff > 0) {
		say(&a, "audit: %lu difference%s", a.ndiff, a.ndiff > 1 ? "s" : "");
		diag_set(err, AAP_EDIFF, NULL, 0, "the audit found %lu difference%s",
			 a.ndiff, a.ndiff > 1 ? "s" : "");
	} else {
		say(&a, "audit: no difference");
		rc = 0;
	}
done:
	if (a.db != NULL)
		PQfinish(a.db);
	if (a.tmp.len > 0)
		remove_tree(a.tmp.data);
	rc = close_outputs(&a, rc, err);
	sbuf_fini(&a.tmp);
	sbuf_fini(&a.bindir);
	return rc;
}
