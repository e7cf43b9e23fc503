/* marks.c - the reviewers' side files (reviews, consensus, conflicts),
 * each checked whole, and the exact arithmetic of scores: combination of
 * marks, the one rounding rule, normalisation of harsh and lenient
 * reviewers (docs/scoring.md).  The reviews file can be read ahead, on a
 * thread of its own, while the batch is read (marks_ahead_start). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aap.h"
#include "columns.h"
#include "diag.h"
#include "digest.h"
#include "htab.h"
#include "i18n.h"
#include "keymap.h"
#include "mem.h"
#include "norm.h"
#include "reader.h"
#include "marks.h"

int64_t marks_combine(enum criteria_combine how, const int64_t *x, size_t n)
{
	score_wide sum = 0;
	size_t i, lo = 0, hi = n;

	if (how == CRITERIA_MEDIAN) {
		if (n % 2 == 1)
			return x[n / 2];
		return score_div_round((score_wide)x[n / 2 - 1] + x[n / 2], 2);
	}
	if (how == CRITERIA_TRIMMED && n >= 3) {
		lo = 1;
		hi = n - 1;
	}
	for (i = lo; i < hi; i++)
		sum += x[i];
	return score_div_round(sum, (score_wide)(hi - lo));
}

score_wide marks_isqrt(score_wide v)
{
	__extension__ typedef unsigned __int128 uwide;
	uwide u = (uwide)v, x, y;

	if (v < 2)
		return v < 0 ? 0 : v;
	x = u;
	y = x / 2 + 1;
	while (y < x) {
		x = y;
		y = (x + u / x) / 2;
	}
	return (score_wide)x;
}

int64_t marks_to_step(const struct criteria_item *it, score_wide num,
		      score_wide den)
{
	int64_t k = score_div_round(num - (score_wide)it->min * den,
				    (score_wide)it->step * den);
	int64_t top = (it->max - it->min) / it->step;

	if (k < 0)
		k = 0;
	if (k > top)
		k = top;
	return it->min + k * it->step;
}

void marks_init(struct marks *mk)
{
	memset(mk, 0, sizeof(*mk));
	sbuf_init(&mk->text);
}

static void assigned_free(struct marks_assigned *a);

void marks_fini(struct marks *mk)
{
	assigned_free(mk->asg);
	mem_free(mk->m);
	mem_free(mk->order);
	mem_free(mk->start);
	mem_free(mk->c);
	sbuf_fini(&mk->text);
	memset(mk, 0, sizeof(*mk));
}

/* The key of a (application, criterion or none, name) triple. */
static int make_key(struct sbuf *k, size_t app, size_t crit, size_t who)
{
	uint32_t v[3] = { (uint32_t)app, (uint32_t)crit, (uint32_t)who };

	sbuf_reset(k);
	if (app > UINT32_MAX || crit > UINT32_MAX || who > UINT32_MAX)
		return -1;
	return sbuf_add(k, v, sizeof(v));
}

/* Messages for bad lines of the reviews file, held until its duplicate
 * marks are known (they are found once the whole file is read), so that
 * all come out in line order. */
struct held {
	unsigned long *line;  /* each message's line, ascending */
	size_t *off;          /* where its text starts in text */
	size_t n, cap;        /* messages, allocated */
	struct sbuf text;     /* the messages, each followed by a NUL */
	int failed;           /* 1: memory ran out holding one */
};

/* State shared by the row readers. */
struct state {
	struct keymap reviewers;  /* name -> its offset in the marks' text */
	struct keymap conflicts;  /* (app, 0, reviewer) */
	struct keymap cseen;      /* (app, crit, 0) -> line */
	struct held held;       /* the reviews file's messages */
	struct sbuf key;        /* scratch */
	struct sbuf last_id;    /* the application id looked up last */
	long last_app;          /* what the lookup gave for it */
	int has_last;           /* 1: last_id and last_app are set */
};

/* The offset of reviewer who (n bytes) in mk's text, where each name is
 * kept once: marks and keys then carry a number, not a copy of the name.
 * Returns 0 with *off set, or -1 when memory ran out. */
static int intern(struct marks *mk, struct state *st, const char *who,
		  size_t n, size_t *off)
{
	int r = keymap_put(&st->reviewers, who, n, mk->text.len, off);

	if (r < 0)
		return -1;
	if (r == 0) {
		*off = mk->text.len;
		if (sbuf_add(&mk->text, who, n) < 0)
			return -1;
	}
	return 0;
}

/* One side file being read. */
struct side {
	struct state *st;            /* shared state */
	size_t width;                /* fields in its header */
	const char *path;            /* as given, for messages */
	const char *const *cols;     /* its columns */
	const int *need;             /* which are required */
	size_t ncols;                /* how many */
	long col[COLUMNS_SIDE_MAX];  /* their places in the file, or -1 */
	const struct record *rec;    /* the current row */
	struct held *held;           /* where its messages wait, or NULL
					when they go to the sink at once */
	struct marks_ahead *ahead;   /* the reviews file read ahead: bad
					lines are noted there, or NULL */
	uint64_t run;                /* read ahead: the current row's run of
					application ids, or NO_RUN */
};

static void ahead_note(struct marks_ahead *a, uint64_t run,
		       unsigned long line, const char *msg);

/* Holds the message msg for line. */
static void hold(struct held *h, unsigned long line, const char *msg)
{
	if (h->failed)
		return;
	if (h->n == h->cap) {
		size_t c = h->cap ? h->cap * 2 : 64;
		unsigned long *l = mem_realloc(h->line, c * sizeof(*l));
		size_t *o;

		if (l == NULL) {
			h->failed = 1;
			return;
		}
		h->line = l;
		if ((o = mem_realloc(h->off, c * sizeof(*o))) == NULL) {
			h->failed = 1;
			return;
		}
		h->off = o;
		h->cap = c;
	}
	h->line[h->n] = line;
	h->off[h->n] = h->text.len;
	if (sbuf_add(&h->text, msg, strlen(msg) + 1) < 0) {
		h->failed = 1;
		return;
	}
	h->n++;
}

static void held_fini(struct held *h)
{
	mem_free(h->line);
	mem_free(h->off);
	sbuf_fini(&h->text);
	memset(h, 0, sizeof(*h));
}

/* Sends the message msg at path:line to the sink. */
static void emit(const struct marks_ctx *x, const char *path,
		 unsigned long line, const char *msg)
{
	struct diag d;

	diag_clear(&d);
	diag_set(&d, AAP_EDATA, path, line, "%s", msg);
	if (x->sink != NULL && x->sink->fn != NULL)
		x->sink->fn(x->sink->ctx, &d);
}

/* Reports a bad line of a side file. */
__attribute__((format(printf, 5, 6)))
static void bad(struct marks *mk, const struct marks_ctx *x,
		const struct side *sd, unsigned long line, const char *fmt, ...)
{
	struct diag d;
	va_list ap;

	diag_clear(&d);
	diag_set(&d, AAP_EDATA, sd->path, line, "%s", "");
	va_start(ap, fmt);
	vsnprintf(d.msg, sizeof(d.msg), _(fmt), ap);
	va_end(ap);
	/* Read ahead, the message waits for the batch (resolve). */
	if (sd->ahead != NULL) {
		ahead_note(sd->ahead, sd->run, line, d.msg);
		return;
	}
	mk->nbad++;
	if (sd->held != NULL)
		hold(sd->held, line, d.msg);
	else if (x->sink != NULL && x->sink->fn != NULL)
		x->sink->fn(x->sink->ctx, &d);
}

/* Field c of the current row, trimmed (the comments are kept whole). */
static const char *fld(const struct side *sd, size_t c, size_t *n, int trim)
{
	const char *s;

	if (sd->col[c] < 0) {
		*n = 0;
		return "";
	}
	s = record_field(sd->rec, (size_t)sd->col[c]);
	*n = record_len(sd->rec, (size_t)sd->col[c]);
	return trim ? norm_trim(s, *n, n) : s;
}

typedef int (*row_fn)(struct marks *mk, const struct marks_ctx *x,
		      struct side *sd, struct diag *err);

/* Reads the side file sd->path, calling fn for each row. */
static int read_side(struct marks *mk, const struct marks_ctx *x,
		     struct side *sd, row_fn fn, char sha[65],
		     struct diag *err)
{
	struct reader_opts o;
	struct reader *rd = NULL;
	struct digest *d = digest_new();
	enum read_result rr;
	int fd, rc = -1, header = 1;
	size_t i, j;

	if (d == NULL)
		return diag_oom(err);
	fd = open(sd->path, O_RDONLY);
	if (fd < 0) {
		digest_free(d);
		return diag_set(err, AAP_ESYS, NULL, 0,
				"could not open \"%s\": %s", sd->path,
				strerror(errno));
	}
	reader_opts_default(&o);
	o.cr_ends_line = 1;
	o.skip_bom = 1;
	if ((rd = reader_new(fd, sd->path, &o, err)) == NULL)
		goto done;
	(void)digest_background(d); /* else inline, just as well */
	reader_set_tap(rd, digest_tap, d);
	while ((rr = reader_next(rd, err)) == READ_RECORD) {
		sd->rec = reader_record(rd);
		/* What is not text would only fail later, in the database. */
		if (record_check_text(sd->rec, NULL, sd->path, AAP_EDATA, err) < 0)
			goto done;
		if (sd->rec->n == 0 || (sd->rec->n == 1 && record_len(sd->rec, 0) == 0))
			continue; /* a blank line */
		if (!header) {
			if (fn(mk, x, sd, err) < 0)
				goto done;
			if (sd->held != NULL && sd->held->failed) {
				diag_oom(err);
				goto done;
			}
			continue;
		}
		header = 0;
		for (j = 0; j < sd->ncols; j++)
			sd->col[j] = -1;
		for (i = 0; i < sd->rec->n; i++) {
			size_t n;
			const char *h = norm_trim(record_field(sd->rec, i),
						  record_len(sd->rec, i), &n);

			for (j = 0; j < sd->ncols; j++)
				if (strlen(sd->cols[j]) == n &&
				    memcmp(sd->cols[j], h, n) == 0)
					break;
			if (j == sd->ncols || sd->col[j] >= 0) {
				diag_set(err, AAP_EDATA, sd->path, sd->rec->line,
					 j == sd->ncols ? "unknown column \"%.*s\""
					 : "column \"%.*s\" appears twice",
					 (int)n, h);
				diag_detail(err, "the columns are documented in "
					    "docs/scoring.md");
				goto done;
			}
			sd->col[j] = (long)i;
		}
		for (j = 0; j < sd->ncols; j++)
			if (sd->need[j] && sd->col[j] < 0) {
				diag_set(err, AAP_EDATA, sd->path, sd->rec->line,
					 "missing column \"%s\"", sd->cols[j]);
				goto done;
			}
		sd->width = sd->rec->n;
	}
	if (rr == READ_ERROR)
		goto done;
	if (header) {
		diag_set(err, AAP_EDATA, sd->path, 0, "the file has no header");
		goto done;
	}
	if (digest_peek(d, sha) < 0) {
		diag_set(err, AAP_ESYS, NULL, 0, "could not hash \"%s\"", sd->path);
		goto done;
	}
	rc = 0;
done:
	reader_free(rd);
	digest_free(d);
	close(fd);
	return rc;
}

/* The application of the current row, or -1 after reporting it. */
static long app_of(struct marks *mk, const struct marks_ctx *x,
		   struct side *sd, size_t c)
{
	struct state *st = sd->st;
	size_t n;
	const char *id = fld(sd, c, &n, 1);
	long a = -1;

	/* The rows of one application usually follow each other. */
	if (n > 0 && st->has_last && st->last_id.len == n &&
	    memcmp(st->last_id.data, id, n) == 0) {
		a = st->last_app;
	} else if (n > 0) {
		a = x->lookup(x->lookup_ctx, id, n);
		sbuf_reset(&st->last_id);
		st->has_last = sbuf_add(&st->last_id, id, n) == 0;
		st->last_app = a;
	}
	if (n == 0)
		bad(mk, x, sd, sd->rec->line, "no %s", sd->cols[c]);
	else if (a < 0)
		bad(mk, x, sd, sd->rec->line,
		    "unknown application \"%.*s\": it is not in the stream",
		    (int)n, id);
	return a;
}

/* The reviewed criterion of the current row, or -1 after reporting it. */
static long crit_of(struct marks *mk, const struct marks_ctx *x,
		    struct side *sd, size_t c)
{
	size_t n;
	const char *id = fld(sd, c, &n, 1);
	long ci = criteria_find(x->k, id, n);

	if (ci < 0)
		bad(mk, x, sd, sd->rec->line, "unknown criterion \"%.*s\"",
		    (int)n, id);
	else if (x->k->items[ci].source != CRITERIA_REVIEWS)
		bad(mk, x, sd, sd->rec->line,
		    "criterion \"%.*s\" is computed from the application, "
		    "not reviewed", (int)n, id);
	else
		return ci;
	return -1;
}

/* Reads the mark or score in column c on criterion ci into *v, or
 * reports it. */
static int value_of(struct marks *mk, const struct marks_ctx *x,
		    struct side *sd, size_t c, long ci, int64_t *v)
{
	const struct criteria_item *it = &x->k->items[ci];
	const char *what = sd->cols[c];
	size_t n;
	const char *s = fld(sd, c, &n, 1);
	char lo[48], hi[48], st[48];

	if (norm_parse_fixed(s, n, SCORE_SCALE, v) != NORM_OK) {
		bad(mk, x, sd, sd->rec->line,
		    "%s \"%.*s\" is not a number such as 3.5", what, (int)n, s);
		return -1;
	}
	/* The scale is written out only for a message: most marks are good. */
	if (*v < it->min || *v > it->max) {
		norm_format_fixed(it->min, SCORE_SCALE, lo, sizeof(lo));
		norm_format_fixed(it->max, SCORE_SCALE, hi, sizeof(hi));
		bad(mk, x, sd, sd->rec->line,
		    "%s %.*s is off the scale of criterion \"%s\" (%s to %s)",
		    what, (int)n, s, it->id, lo, hi);
		return -1;
	}
	if (!criteria_on_scale(it, *v)) {
		norm_format_fixed(it->min, SCORE_SCALE, lo, sizeof(lo));
		norm_format_fixed(it->step, SCORE_SCALE, st, sizeof(st));
		bad(mk, x, sd, sd->rec->line,
		    "%s %.*s is off the step of criterion \"%s\" (%s from %s)",
		    what, (int)n, s, it->id, st, lo);
		return -1;
	}
	return 0;
}

static int fields_ok(struct marks *mk, const struct marks_ctx *x,
		     struct side *sd)
{
	if (sd->rec->n == sd->width)
		return 1;
	bad(mk, x, sd, sd->rec->line, "the line has %zu fields, the header %zu",
	    sd->rec->n, sd->width);
	return 0;
}

static int conflict_row(struct marks *mk, const struct marks_ctx *x,
			struct side *sd, struct diag *err)
{
	size_t n, dummy, off;
	const char *who;
	long a;

	if (!fields_ok(mk, x, sd))
		return 0;
	who = fld(sd, 0, &n, 1);
	if (n == 0) {
		bad(mk, x, sd, sd->rec->line, "no %s", sd->cols[0]);
		return 0;
	}
	if ((a = app_of(mk, x, sd, 1)) < 0)
		return 0;
	if (intern(mk, sd->st, who, n, &off) < 0 ||
	    make_key(&sd->st->key, (size_t)a, 0, off) < 0 ||
	    keymap_put(&sd->st->conflicts, sd->st->key.data, sd->st->key.len, 0, &dummy) < 0)
		return diag_oom(err);
	return 0;
}

/* The assignments file: its pairs, each keyed by the application's
 * index (4 bytes) and the reviewer's name. */
struct marks_assigned {
	struct keymap pairs;            /* key -> its line */
	const unsigned char *scored;  /* per application: marks checked */
	char *path;                   /* the file, for messages */
	struct sbuf key;              /* scratch */
};

static void assigned_free(struct marks_assigned *a)
{
	if (a == NULL)
		return;
	keymap_fini(&a->pairs);
	sbuf_fini(&a->key);
	mem_free(a->path);
	mem_free(a);
}

/* Makes a->key the key of (app, the n bytes of name at who). */
static int pair_key(struct marks_assigned *a, size_t app, const char *who,
		    size_t n)
{
	uint32_t v = (uint32_t)app;

	sbuf_reset(&a->key);
	return sbuf_add(&a->key, &v, sizeof(v)) < 0 ? -1 :
	       sbuf_add(&a->key, who, n);
}

/* 1 when the reviewer (n bytes at who) is assigned to application app,
 * or app's marks are not checked; 0 otherwise; -1 when memory ran out. */
static int may_mark(struct marks_assigned *a, size_t app, const char *who,
		    size_t n)
{
	if (!a->scored[app])
		return 1;
	if (pair_key(a, app, who, n) < 0)
		return -1;
	return keymap_find(&a->pairs, a->key.data, a->key.len) != 0;
}

static int assignment_row(struct marks *mk, const struct marks_ctx *x,
			  struct side *sd, struct diag *err)
{
	struct marks_assigned *a = mk->asg;
	size_t n, first;
	const char *who;
	long app;
	int r;

	if (!fields_ok(mk, x, sd) || (app = app_of(mk, x, sd, 0)) < 0)
		return 0;
	who = fld(sd, 1, &n, 1);
	if (n == 0) {
		bad(mk, x, sd, sd->rec->line, "no %s", sd->cols[1]);
		return 0;
	}
	if (pair_key(a, (size_t)app, who, n) < 0)
		return diag_oom(err);
	r = keymap_put(&a->pairs, a->key.data, a->key.len, sd->rec->line, &first);
	if (r < 0)
		return diag_oom(err);
	if (r == 1)
		bad(mk, x, sd, sd->rec->line, "reviewer \"%.*s\" is assigned to "
		    "this application already, at line %zu", (int)n, who, first);
	return 0;
}

/* Points sd at the columns of side file k. */
static void side_columns(struct side *sd, enum columns_side k)
{
	const struct columns_file *f = columns_side(k);

	sd->cols = f->names;
	sd->need = f->required;
	sd->ncols = f->n;
}

/* A row of the reviews file read ahead: one that passed every check that
 * needs no batch (a mark whose application is not known yet), or a bad
 * line.  The rows wait in an array of slots that becomes the marks, in
 * place, once the batch is known (resolve): no second array of them. */
struct ahead_row {
	uint64_t line;  /* its line */
	uint64_t run;   /* its run of equal application ids, or NO_RUN */
	int64_t raw;    /* the mark, SCORE_SCALE; a bad line: its note */
	uint32_t crit;  /* the criterion, or BAD_LINE */
	uint32_t who;   /* the reviewer, numbered in the reader's own table */
};

#define NO_RUN UINT64_MAX
#define BAD_LINE UINT32_MAX

union ahead_slot {
	struct ahead_row row;    /* as read */
	struct marks_mark mark;  /* once resolved */
};

_Static_assert(sizeof(union ahead_slot) == sizeof(struct marks_mark),
	       "a row read ahead becomes a mark in place");

struct marks_ahead {
	const struct criteria *k;  /* the criteria (not owned) */
	char *path;                /* the file, as given */
	union ahead_slot *slot;    /* the rows, in line order */
	size_t n, cap;             /* used, allocated */
	struct sbuf ids;           /* each run's application_id as written
				      (untrimmed), followed by a NUL */
	size_t *run_off, *run_len; /* each run's id in ids */
	size_t nrun, caprun;       /* runs, allocated */
	struct keymap reviewers;     /* trimmed name -> its number, which is
				      its entry's */
	struct held notes;         /* the bad lines' messages; a bad row's
				      raw is its index */
	char sha[65];              /* the file's SHA-256, once read */
	int rc;                    /* 0, or -1 with err set */
	struct diag err;           /* what stopped the reading */
	int done;                  /* 1: read, whole or up to err */
	int threaded;              /* 1: a thread reads it, not yet joined */
	pthread_t thread;          /* that thread */
	atomic_int stop;           /* 1: the thread is to stop early, its
				      rows are no longer wanted */
};

/* A new row at the end of a's rows, or NULL when memory ran out. */
static struct ahead_row *ahead_add(struct marks_ahead *a)
{
	if (a->n == a->cap) {
		size_t c = a->cap ? a->cap * 2 : 256;
		union ahead_slot *s = mem_realloc(a->slot, c * sizeof(*s));

		if (s == NULL)
			return NULL;
		a->slot = s;
		a->cap = c;
	}
	return &a->slot[a->n++].row;
}

/* Notes the message msg of a bad line, read ahead: it is reported at
 * resolve, unless the line's run (NO_RUN for none) names an application
 * that is not in the batch, which is said instead. */
static void ahead_note(struct marks_ahead *a, uint64_t run,
		       unsigned long line, const char *msg)
{
	size_t i = a->notes.n;
	struct ahead_row *r;

	hold(&a->notes, line, msg);
	if (a->notes.failed)
		return;
	if ((r = ahead_add(a)) == NULL) {
		a->notes.failed = 1; /* read_side says memory ran out */
		return;
	}
	r->line = line;
	r->run = run;
	r->raw = (int64_t)i;
	r->crit = BAD_LINE;
	r->who = 0;
}

/* Sets sd->run to the run of the current row's application_id as written:
 * the last row's when it is the same, else a new one.  Returns 0, or -1
 * when memory ran out. */
static int ahead_run(struct marks_ahead *a, struct side *sd, struct diag *err)
{
	const char *id = record_field(sd->rec, (size_t)sd->col[0]);
	size_t n = record_len(sd->rec, (size_t)sd->col[0]), last = a->nrun - 1;

	/* The rows of one application usually follow each other. */
	if (a->nrun > 0 && a->run_len[last] == n &&
	    memcmp(a->ids.data + a->run_off[last], id, n) == 0) {
		sd->run = last;
		return 0;
	}
	if (a->nrun == a->caprun) {
		size_t c = a->caprun ? a->caprun * 2 : 256;
		size_t *o = mem_realloc(a->run_off, c * sizeof(*o));

		if (o == NULL)
			return diag_oom(err);
		a->run_off = o;
		if ((o = mem_realloc(a->run_len, c * sizeof(*o))) == NULL)
			return diag_oom(err);
		a->run_len = o;
		a->caprun = c;
	}
	a->run_off[a->nrun] = a->ids.len;
	a->run_len[a->nrun] = n;
	if (sbuf_add(&a->ids, id, n) < 0 || sbuf_addc(&a->ids, '\0') < 0)
		return diag_oom(err);
	sd->run = a->nrun++;
	return 0;
}

/* A row of the reviews file, read ahead: the checks of a line in the
 * order of the messages, all but those the batch is needed for (is the
 * application in it, is the reviewer in conflict with it), which resolve
 * makes.  mk is NULL and x gives only the criteria. */
static int review_scan(struct marks *mk, const struct marks_ctx *x,
		       struct side *sd, struct diag *err)
{
	struct marks_ahead *a = sd->ahead;
	struct ahead_row *row;
	size_t n, who;
	const char *name;
	long ci;
	int64_t v;

	if (atomic_load_explicit(&a->stop, memory_order_relaxed))
		return diag_set(err, AAP_ESYS, sd->path, sd->rec->line,
				"reading stopped: the batch could not be read");
	sd->run = NO_RUN;
	if (!fields_ok(mk, x, sd))
		return 0;
	fld(sd, 0, &n, 1);
	if (n == 0) {
		bad(mk, x, sd, sd->rec->line, "no %s", sd->cols[0]);
		return 0;
	}
	if (ahead_run(a, sd, err) < 0)
		return -1;
	name = fld(sd, 1, &n, 1);
	if (n == 0) {
		bad(mk, x, sd, sd->rec->line, "no %s", sd->cols[1]);
		return 0;
	}
	if ((ci = crit_of(mk, x, sd, 2)) < 0 ||
	    value_of(mk, x, sd, 3, ci, &v) < 0)
		return 0;
	/* Each name numbered once, in the order met (resolve keeps each once
	 * in the marks): a new one gets the next number. */
	who = a->reviewers.n;
	if (keymap_put(&a->reviewers, name, n, who, &who) < 0 ||
	    (row = ahead_add(a)) == NULL)
		return diag_oom(err);
	row->line = sd->rec->line;
	row->run = sd->run;
	row->raw = v;
	row->crit = (uint32_t)ci;
	row->who = (uint32_t)who;
	return 0;
}

/* Reads a's file whole (or up to an error, kept in a). */
static void ahead_read(struct marks_ahead *a)
{
	struct marks_ctx tx;
	struct side sd;

	memset(&tx, 0, sizeof(tx));
	tx.k = a->k;
	memset(&sd, 0, sizeof(sd));
	sd.path = a->path;
	side_columns(&sd, COLUMNS_REVIEWS);
	sd.held = &a->notes;
	sd.ahead = a;
	sd.run = NO_RUN;
	a->rc = read_side(NULL, &tx, &sd, review_scan, a->sha, &a->err);
	a->done = 1;
}

static void *ahead_thread(void *arg)
{
	ahead_read(arg);
	return NULL;
}

struct marks_ahead *marks_ahead_start(const struct criteria *k,
				      const char *path, int background)
{
	struct marks_ahead *a = mem_calloc(1, sizeof(*a));
	struct stat sb;

	if (a == NULL)
		return NULL;
	if ((a->path = mem_strdup(path)) == NULL) {
		mem_free(a);
		return NULL;
	}
	a->k = k;
	sbuf_init(&a->ids);
	sbuf_init(&a->notes.text);
	keymap_init(&a->reviewers);
	diag_clear(&a->err);
	atomic_init(&a->stop, 0);
	/* A regular file only: a pipe may be the stream itself (/dev/stdin),
	 * or be written by a program that first waits for the stream to be
	 * read; it is read after the stream, as it always was. */
	if (background && stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    pthread_create(&a->thread, NULL, ahead_thread, a) == 0)
		a->threaded = 1;
	return a;
}

int marks_ahead_threaded(const struct marks_ahead *a)
{
	return a != NULL && a->threaded;
}

/* Waits until a's file is read: joins its thread, or reads it now when
 * it has none. */
static void ahead_wait(struct marks_ahead *a)
{
	if (a->threaded) {
		pthread_join(a->thread, NULL);
		a->threaded = 0;
	} else if (!a->done) {
		ahead_read(a);
	}
}

/* Frees the rows and tables a holds. */
static void ahead_drop(struct marks_ahead *a)
{
	mem_free(a->slot);
	a->slot = NULL;
	a->n = a->cap = 0;
	sbuf_fini(&a->ids);
	mem_free(a->run_off);
	mem_free(a->run_len);
	a->run_off = a->run_len = NULL;
	a->nrun = a->caprun = 0;
	keymap_fini(&a->reviewers);
	held_fini(&a->notes);
}

void marks_ahead_free(struct marks_ahead *a)
{
	if (a == NULL)
		return;
	if (a->threaded) {
		atomic_store(&a->stop, 1);
		pthread_join(a->thread, NULL);
	}
	ahead_drop(a);
	mem_free(a->path);
	mem_free(a);
}

/* Files the rows of a, read ahead from the reviews file sd->path, into mk
 * as reading it line by line would have: in line order, looks each run's
 * application up, says which are not in the batch and which reviewers are
 * in conflict, and holds every message in sd->held.  The rows become mk's
 * marks in place.  Returns 0, or -1 with err set (memory, or a line
 * number too large): the rows before it are filed. */
static int resolve(struct marks *mk, const struct marks_ctx *x,
		   struct side *sd, struct marks_ahead *a, struct diag *err)
{
	struct state *st = sd->st;
	union ahead_slot *s = a->slot;
	size_t *roff, i, j = 0, idn = 0, off;
	uint64_t run = NO_RUN;
	const char *id = "";
	long app = -1;
	int rc = -1, allowed;

	/* Each reviewer's offset in mk's text, + 1; 0 until it is met. */
	if ((roff = mem_calloc(a->reviewers.n + 1, sizeof(*roff))) == NULL)
		return diag_oom(err);
	mem_free(mk->m);
	mk->m = (struct marks_mark *)(void *)s;
	mk->cap = a->cap;
	mk->n = 0;
	a->slot = NULL;
	a->cap = 0;
	for (i = 0; i < a->n; i++) {
		struct ahead_row w = s[i].row;
		struct marks_mark *m;
		const char *name;
		size_t len;

		if (w.run != NO_RUN && w.run != run) {
			run = w.run;
			id = norm_trim(a->ids.data + a->run_off[run],
				       a->run_len[run], &idn);
			app = x->lookup(x->lookup_ctx, id, idn);
		}
		if (w.run != NO_RUN && app < 0) {
			bad(mk, x, sd, (unsigned long)w.line,
			    "unknown application \"%.*s\": it is not in the "
			    "stream", (int)idn, id);
		} else if (w.crit == BAD_LINE) {
			bad(mk, x, sd, (unsigned long)w.line, "%s",
			    a->notes.text.data + a->notes.off[w.raw]);
		} else {
			name = a->reviewers.keys.data + a->reviewers.off[w.who];
			len = a->reviewers.len[w.who];
			if (roff[w.who] == 0) {
				if (intern(mk, st, name, len, &off) < 0)
					goto oom;
				roff[w.who] = off + 1;
			}
			off = roff[w.who] - 1;
			if (make_key(&st->key, (size_t)app, 0, off) < 0)
				goto oom;
			if (st->conflicts.n > 0 &&
			    keymap_find(&st->conflicts, st->key.data, st->key.len) != 0) {
				bad(mk, x, sd, (unsigned long)w.line,
				    "reviewer \"%.*s\" is in conflict with "
				    "application \"%s\"", (int)len, name,
				    a->ids.data + a->run_off[run]);
			} else if (mk->asg != NULL &&
				   (allowed = may_mark(mk->asg, (size_t)app, name,
						       len)) <= 0) {
				if (allowed < 0)
					goto oom;
				bad(mk, x, sd, (unsigned long)w.line,
				    "reviewer \"%.*s\" is not assigned to "
				    "application \"%s\"", (int)len, name,
				    a->ids.data + a->run_off[run]);
			} else if ((unsigned long)app > UINT32_MAX ||
				   off > UINT32_MAX || len > UINT32_MAX ||
				   w.line > UINT32_MAX) {
				diag_set(err, AAP_EDATA, NULL, 0, "a reviews file "
					 "of more than 4294967295 lines cannot "
					 "be held");
				goto done;
			} else {
				/* Duplicates are found once every row is
				 * filed (settle). */
				m = &s[j++].mark;
				m->app = (uint32_t)app;
				m->crit = w.crit;
				m->roff = (uint32_t)off;
				m->rlen = (uint32_t)len;
				m->raw = m->value = w.raw;
				m->line = (uint32_t)w.line;
				mk->n = j;
			}
		}
		if (sd->held->failed)
			goto oom;
	}
	rc = 0;
	goto done;
oom:
	diag_oom(err);
done:
	mem_free(roff);
	return rc;
}

static int consensus_row(struct marks *mk, const struct marks_ctx *x,
			 struct side *sd, struct diag *err)
{
	size_t n, first;
	long a, ci;
	int64_t v;
	struct marks_consensus *c;
	int r;

	if (!fields_ok(mk, x, sd))
		return 0;
	if ((a = app_of(mk, x, sd, 0)) < 0 || (ci = crit_of(mk, x, sd, 1)) < 0 ||
	    value_of(mk, x, sd, 2, ci, &v) < 0)
		return 0;
	fld(sd, 3, &n, 1);
	if (n == 0) {
		bad(mk, x, sd, sd->rec->line, "a consensus without an author");
		return 0;
	}
	fld(sd, 4, &n, 1);
	if (n == 0) {
		bad(mk, x, sd, sd->rec->line,
		    "a consensus without a justification");
		return 0;
	}
	if (make_key(&sd->st->key, (size_t)a, (size_t)ci, 0) < 0)
		return diag_oom(err);
	r = keymap_put(&sd->st->cseen, sd->st->key.data, sd->st->key.len, sd->rec->line,
		     &first);
	if (r < 0)
		return diag_oom(err);
	if (r == 1) {
		bad(mk, x, sd, sd->rec->line,
		    "duplicate consensus on criterion \"%s\" of this "
		    "application, first at line %zu", x->k->items[ci].id, first);
		return 0;
	}
	if (mk->nc == mk->capc) {
		size_t cp = mk->capc ? mk->capc * 2 : 64;

		if ((c = mem_realloc(mk->c, cp * sizeof(*c))) == NULL)
			return diag_oom(err);
		mk->c = c;
		mk->capc = cp;
	}
	c = &mk->c[mk->nc++];
	c->app = (size_t)a;
	c->crit = (size_t)ci;
	c->score = v;
	c->line = sd->rec->line;
	return 0;
}

/* The marks being sorted (qsort has no context argument). */
static const struct marks *sort_mk;

/* Orders two marks (by their index in sort_mk) by criterion, reviewer
 * and index, which is the order of their lines. */
static int by_crit_reviewer(const void *pa, const void *pb)
{
	uint32_t i = *(const uint32_t *)pa, j = *(const uint32_t *)pb;
	const struct marks_mark *a = &sort_mk->m[i], *b = &sort_mk->m[j];

	if (a->crit != b->crit)
		return a->crit < b->crit ? -1 : 1;
	/* Each name is kept once: one offset, one reviewer. */
	if (a->roff != b->roff)
		return a->roff < b->roff ? -1 : 1;
	return (i > j) - (i < j);
}

/* Groups the marks by application into mk->order and mk->start (a
 * counting sort: linear, and no table larger than the marks), each group
 * sorted by criterion, reviewer and line.  Every mark's app must be below
 * napps.  Returns 0, or -1 when memory ran out. */
static int group(struct marks *mk, size_t napps)
{
	uint32_t *start, *order, *g, t;
	size_t i, a, n, j;

	mem_free(mk->order);
	mem_free(mk->start);
	mk->order = mk->start = NULL;
	start = mem_calloc(napps + 2, sizeof(*start));
	order = mem_calloc(mk->n + 1, sizeof(*order));
	if (start == NULL || order == NULL) {
		mem_free(start);
		mem_free(order);
		return -1;
	}
	for (i = 0; i < mk->n; i++)
		start[mk->m[i].app + 2]++;
	for (a = 2; a < napps + 2; a++)
		start[a] += start[a - 1];
	for (i = 0; i < mk->n; i++)
		order[start[mk->m[i].app + 1]++] = (uint32_t)i;
	/* start[a] is now where application a's marks begin. */
	sort_mk = mk;
	for (a = 0; a < napps; a++) {
		g = order + start[a];
		n = start[a + 1] - start[a];
		if (n > 16) {
			qsort(g, n, sizeof(*g), by_crit_reviewer);
			continue;
		}
		for (i = 1; i < n; i++) {
			t = g[i];
			for (j = i; j > 0 && by_crit_reviewer(&g[j - 1], &t) > 0; j--)
				g[j] = g[j - 1];
			g[j] = t;
		}
	}
	mk->order = order;
	mk->start = start;
	return 0;
}

/* A duplicate mark. */
struct dup {
	uint32_t i;      /* its index in the marks */
	uint32_t first;  /* the line of the first mark it repeats */
};

static int by_index(const void *pa, const void *pb)
{
	const struct dup *a = pa, *b = pb;

	return (a->i > b->i) - (a->i < b->i);
}

/* After the reviews file (read whole, or up to an error): groups the
 * marks, finds the duplicates (same application, criterion and reviewer:
 * neighbours once grouped) and drops them from mk, and sends the held
 * messages and one for each duplicate to the sink in line order.
 * Returns 0, or -1 when memory ran out. */
static int settle(struct marks *mk, const struct marks_ctx *x,
		  const struct side *sd, const struct held *h)
{
	struct dup *dup = NULL, *nd;
	size_t ndup = 0, cap = 0, a, i, j, e;
	int rc = -1;

	if (group(mk, x->napps) < 0)
		return -1;
	for (a = 0; a < x->napps; a++) {
		for (i = mk->start[a]; i < mk->start[a + 1]; i = e) {
			const struct marks_mark *f = &mk->m[mk->order[i]];

			for (e = i + 1; e < mk->start[a + 1] &&
			     mk->m[mk->order[e]].crit == f->crit &&
			     mk->m[mk->order[e]].roff == f->roff; e++) {
				if (ndup == cap) {
					cap = cap ? cap * 2 : 16;
					nd = mem_realloc(dup, cap * sizeof(*dup));
					if (nd == NULL)
						goto done;
					dup = nd;
				}
				dup[ndup].i = mk->order[e];
				dup[ndup++].first = f->line;
			}
		}
	}
	/* The marks were added in line order. */
	if (ndup > 1)
		qsort(dup, ndup, sizeof(*dup), by_index);
	for (i = j = 0; i < h->n || j < ndup;) {
		const struct marks_mark *m;
		struct diag d;

		if (j == ndup || (i < h->n && h->line[i] < mk->m[dup[j].i].line)) {
			emit(x, sd->path, h->line[i], h->text.data + h->off[i]);
			i++;
			continue;
		}
		m = &mk->m[dup[j++].i];
		diag_clear(&d);
		diag_set(&d, AAP_EDATA, sd->path, m->line,
			 "duplicate mark: reviewer \"%.*s\" already marked "
			 "criterion \"%s\" of this application at line %lu",
			 (int)m->rlen, mk->text.data + m->roff,
			 x->k->items[m->crit].id,
			 (unsigned long)dup[j - 1].first);
		emit(x, sd->path, m->line, d.msg);
		mk->nbad++;
	}
	if (ndup > 0) {
		for (i = e = j = 0; i < mk->n; i++) {
			if (j < ndup && dup[j].i == i) {
				j++;
				continue;
			}
			mk->m[e++] = mk->m[i];
		}
		mk->n = e;
		if (group(mk, x->napps) < 0)
			goto done;
	}
	rc = 0;
done:
	mem_free(dup);
	return rc;
}

int marks_read(struct marks *mk, const struct marks_ctx *x,
	       const char *reviews, struct marks_ahead *ahead,
	       const char *consensus, const char *conflicts, char rev_sha[65],
	       char con_sha[65], char cfl_sha[65], struct diag *err)
{
	struct marks_ahead *own = NULL, *a = reviews != NULL ? ahead : NULL;
	struct state st;
	struct side sd;
	int rc = 0;

	memset(&st, 0, sizeof(st));
	keymap_init(&st.reviewers);
	keymap_init(&st.conflicts);
	keymap_init(&st.cseen);
	sbuf_init(&st.key);
	sbuf_init(&st.last_id);
	if (conflicts != NULL) {
		memset(&sd, 0, sizeof(sd));
		sd.st = &st;
		sd.path = conflicts;
		side_columns(&sd, COLUMNS_CONFLICTS);
		rc = read_side(mk, x, &sd, conflict_row, cfl_sha, err);
	}
	/* Without a reader started ahead, the file is read here. */
	if (rc == 0 && reviews != NULL && a == NULL &&
	    (a = own = marks_ahead_start(x->k, reviews, 0)) == NULL)
		rc = diag_oom(err);
	if (rc == 0 && a != NULL) {
		memset(&sd, 0, sizeof(sd));
		sd.st = &st;
		sd.path = reviews;
		sd.held = &st.held;
		sd.run = NO_RUN;
		ahead_wait(a);
		rc = resolve(mk, x, &sd, a, err);
		if (rc == 0 && a->rc < 0) {
			*err = a->err;
			rc = -1;
		} else if (rc == 0) {
			memcpy(rev_sha, a->sha, sizeof(a->sha));
		}
		ahead_drop(a);
		/* Even after an error, the lines before it are reported. */
		if (settle(mk, x, &sd, &st.held) < 0 && rc == 0)
			rc = diag_oom(err);
	}
	marks_ahead_free(own);
	if (rc == 0 && consensus != NULL) {
		memset(&sd, 0, sizeof(sd));
		sd.st = &st;
		sd.path = consensus;
		side_columns(&sd, COLUMNS_CONSENSUS);
		rc = read_side(mk, x, &sd, consensus_row, con_sha, err);
	}
	keymap_fini(&st.reviewers);
	keymap_fini(&st.conflicts);
	keymap_fini(&st.cseen);
	held_fini(&st.held);
	sbuf_fini(&st.key);
	sbuf_fini(&st.last_id);
	return rc;
}

int marks_read_assignments(struct marks *mk, const struct marks_ctx *x,
			   const char *path, const unsigned char *scored,
			   char sha[65], struct diag *err)
{
	struct state st;
	struct side sd;
	int rc;

	assigned_free(mk->asg);
	if ((mk->asg = mem_calloc(1, sizeof(*mk->asg))) == NULL)
		return diag_oom(err);
	keymap_init(&mk->asg->pairs);
	sbuf_init(&mk->asg->key);
	mk->asg->scored = scored;
	if ((mk->asg->path = mem_strdup(path)) == NULL)
		return diag_oom(err);
	memset(&st, 0, sizeof(st));
	memset(&sd, 0, sizeof(sd));
	sd.st = &st;
	sd.path = path;
	side_columns(&sd, COLUMNS_ASSIGNMENTS);
	rc = read_side(mk, x, &sd, assignment_row, sha, err);
	sbuf_fini(&st.last_id);
	return rc;
}

long marks_unmarked(const struct marks *mk, const struct marks_ctx *x)
{
	const struct marks_assigned *a = mk->asg;
	size_t e, i, app, n, line;
	long count = 0;

	for (e = 0; a != NULL && e < a->pairs.n; e++) {
		const char *k = a->pairs.keys.data + a->pairs.off[e], *who;
		uint32_t v;
		int found = 0;

		memcpy(&v, k, sizeof(v));
		app = v;
		who = k + sizeof(v);
		n = a->pairs.len[e] - sizeof(v);
		line = a->pairs.val[e];
		if (!a->scored[app])
			continue;
		for (i = mk->start != NULL ? mk->start[app] : 0;
		     mk->start != NULL && i < mk->start[app + 1] && !found; i++) {
			const struct marks_mark *m = &mk->m[mk->order[i]];

			found = m->rlen == n &&
				memcmp(mk->text.data + m->roff, who, n) == 0;
		}
		if (!found) {
			struct diag d;

			diag_clear(&d);
			diag_set(&d, AAP_EDATA, a->path, line, "reviewer \"%.*s\" "
				 "is assigned to this application and gave it "
				 "no mark", (int)n, who);
			diag_report(x->sink, &d);
			count++;
		}
	}
	return count;
}

/* For sorting the marks of one criterion by reviewer. */
static int by_reviewer(const void *pa, const void *pb)
{
	const struct marks_mark *a = &sort_mk->m[*(const size_t *)pa];
	const struct marks_mark *b = &sort_mk->m[*(const size_t *)pb];
	size_t n = a->rlen < b->rlen ? a->rlen : b->rlen;
	int c = memcmp(sort_mk->text.data + a->roff,
		       sort_mk->text.data + b->roff, n);

	if (c != 0)
		return c;
	if (a->rlen != b->rlen)
		return a->rlen < b->rlen ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

int marks_normalise(struct marks *mk, const struct criteria_item *it,
		    size_t crit, const unsigned char *use)
{
	size_t *ix, n = 0, i, j, g;
	score_wide N, S = 0, Q = 0, s;

	ix = mem_calloc(mk->n + 1, sizeof(*ix));
	if (ix == NULL)
		return -1;
	for (i = 0; i < mk->n; i++)
		if (mk->m[i].crit == crit && use[mk->m[i].app]) {
			ix[n++] = i;
			S += mk->m[i].raw;
			Q += (score_wide)mk->m[i].raw * mk->m[i].raw;
		}
	if (n == 0) {
		mem_free(ix);
		return 0;
	}
	N = (score_wide)n;
	s = marks_isqrt(N * Q - S * S) / N;
	sort_mk = mk;
	qsort(ix, n, sizeof(*ix), by_reviewer);
	for (i = 0; i < n; i = j) {
		const struct marks_mark *a = &mk->m[ix[i]];
		score_wide nr, Sr = 0, Qr = 0, sr;

		for (j = i; j < n && mk->m[ix[j]].rlen == a->rlen &&
		     memcmp(mk->text.data + mk->m[ix[j]].roff,
			    mk->text.data + a->roff, a->rlen) == 0; j++) {
			Sr += mk->m[ix[j]].raw;
			Qr += (score_wide)mk->m[ix[j]].raw * mk->m[ix[j]].raw;
		}
		nr = (score_wide)(j - i);
		sr = marks_isqrt(nr * Qr - Sr * Sr) / nr;
		if (nr < 3 || sr == 0)
			continue;
		for (g = i; g < j; g++) {
			struct marks_mark *m = &mk->m[ix[g]];
			score_wide num = S * nr * sr + N * s * (nr * m->raw - Sr);

			m->value = marks_to_step(it, num, N * nr * sr);
		}
	}
	mem_free(ix);
	return 0;
}
