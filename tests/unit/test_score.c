/* test_score.c - the exact arithmetic of aap-score: combination of marks,
 * the rounding rule, the integer square root, normalisation, the award
 * caps and the envelope walk, loading the sample call's tables, and the
 * reviews file read ahead on a thread giving what reading it inline
 * gives. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "aap.h"
#include "call.h"
#include "cap.h"
#include "diag.h"
#include "mem.h"
#include "criteria.h"
#include "envelope.h"
#include "marks.h"
#include "rank.h"
#include "score.h"
#include "unit.h"

static void median_of_even_count_is_mean_of_middle_marks(void **state)
{
	/* Marks 3, 4, 2, 4: the median is 3.5, neither 3 nor 4. */
	const int64_t x[] = { 20000, 30000, 40000, 40000 };

	(void)state;
	assert_int_equal(marks_combine(CRITERIA_MEDIAN, x, 4), 35000);
	assert_int_equal(marks_combine(CRITERIA_MEAN, x, 4), 32500);
	assert_int_equal(marks_combine(CRITERIA_TRIMMED, x, 4), 35000);
}

static void median_of_odd_count_is_the_middle_mark(void **state)
{
	const int64_t x[] = { 10000, 35000, 50000 };

	(void)state;
	assert_int_equal(marks_combine(CRITERIA_MEDIAN, x, 3), 35000);
	assert_int_equal(marks_combine(CRITERIA_MEDIAN, x, 1), 10000);
}

static void trimmed_mean_drops_extremes_from_three_marks(void **state)
{
	const int64_t x[] = { 0, 30000, 35000, 50000 };
	const int64_t two[] = { 0, 50000 };

	(void)state;
	assert_int_equal(marks_combine(CRITERIA_TRIMMED, x, 4), 32500);
	assert_int_equal(marks_combine(CRITERIA_TRIMMED, x, 3), 30000);
	/* Fewer than 3 marks: nothing is dropped. */
	assert_int_equal(marks_combine(CRITERIA_TRIMMED, two, 2), 25000);
}

static void mean_rounds_half_away_from_zero_once(void **state)
{
	/* (3 + 3 + 3.5) / 3 = 3.16666... -> 3.1667. */
	const int64_t x[] = { 30000, 30000, 35000 };
	const int64_t y[] = { 0, 0, 10000 };

	(void)state;
	assert_int_equal(marks_combine(CRITERIA_MEAN, x, 3), 31667);
	assert_int_equal(marks_combine(CRITERIA_MEAN, y, 3), 3333);
	assert_int_equal(score_div_round(5, 2), 3);
	assert_int_equal(score_div_round(-5, 2), -3);
	assert_int_equal(score_div_round(4, 3), 1);
	assert_int_equal(score_div_round(-4, 3), -1);
}

static void integer_square_root_is_the_floor(void **state)
{
	score_wide big = (score_wide)3037000499LL * 3037000499LL;

	(void)state;
	assert_true(marks_isqrt(0) == 0);
	assert_true(marks_isqrt(1) == 1);
	assert_true(marks_isqrt(15) == 3);
	assert_true(marks_isqrt(16) == 4);
	assert_true(marks_isqrt(6000000000LL) == 77459);
	assert_true(marks_isqrt(big) == 3037000499LL);
	assert_true(marks_isqrt(big - 1) == 3037000498LL);
	assert_true(marks_isqrt(big * 1000000) > 0);
}

static struct criteria_item half_points(void)
{
	struct criteria_item it;

	memset(&it, 0, sizeof(it));
	it.min = 0;
	it.max = 50000;
	it.step = 5000;
	return it;
}

static void normalised_mark_is_rounded_to_the_step_and_clamped(void **state)
{
	struct criteria_item it = half_points();

	(void)state;
	assert_int_equal(marks_to_step(&it, 14187, 1), 15000);
	assert_int_equal(marks_to_step(&it, 12499, 1), 10000);
	assert_int_equal(marks_to_step(&it, 12500, 1), 15000);
	assert_int_equal(marks_to_step(&it, -3000, 1), 0);
	assert_int_equal(marks_to_step(&it, 61000, 1), 50000);
	assert_int_equal(marks_to_step(&it, 10, 3), 0);
	assert_true(criteria_on_scale(&it, 35000));
	assert_false(criteria_on_scale(&it, 32500));
	assert_false(criteria_on_scale(&it, 55000));
}

static void harsh_and_lenient_reviewers_are_normalised(void **state)
{
	/* The harsh reviewer gives 1, 2, 3 and the lenient one 3, 4, 5:
	 * m = 3, s = 1.2909, m_r = 2 or 4, s_r = 0.8164.  1 becomes
	 * 3 + 1.2909 * (1 - 2) / 0.8164 = 1.4188, i.e. 1.5 on the step. */
	struct criteria_item it = half_points();
	const int64_t raw[] = { 10000, 20000, 30000, 30000, 40000, 50000 };
	const int64_t want[] = { 15000, 30000, 45000, 15000, 30000, 45000 };
	unsigned char use[8] = { 1, 1, 1, 1, 1, 1, 1, 0 };
	struct marks mk;
	size_t i;

	(void)state;
	marks_init(&mk);
	assert_int_equal(sbuf_adds(&mk.text, "harshlenientshy"), 0);
	mk.m = mem_calloc(8, sizeof(*mk.m));
	assert_non_null(mk.m);
	mk.cap = 8;
	for (i = 0; i < 6; i++) {
		mk.m[i].app = (uint32_t)i;
		mk.m[i].raw = mk.m[i].value = raw[i];
		mk.m[i].roff = i < 3 ? 0 : 5;
		mk.m[i].rlen = i < 3 ? 5 : 7;
		mk.m[i].line = (uint32_t)(i + 2);
	}
	/* A reviewer with fewer than 3 marks is left as marked. */
	mk.m[6].app = 6;
	mk.m[6].raw = mk.m[6].value = 20000;
	mk.m[6].roff = 12;
	mk.m[6].rlen = 3;
	/* A mark on an application not scored counts for nothing. */
	mk.m[7].app = 7;
	mk.m[7].raw = mk.m[7].value = 0;
	mk.m[7].roff = 0;
	mk.m[7].rlen = 5;
	mk.n = 8;
	assert_int_equal(marks_normalise(&mk, &it, 0, use), 0);
	/* The shy reviewer's mark changes m and s slightly but stays. */
	assert_int_equal(mk.m[6].value, 20000);
	assert_int_equal(mk.m[7].value, 0);
	for (i = 0; i < 6; i++) {
		assert_int_equal(mk.m[i].raw, raw[i]);
		assert_int_equal(mk.m[i].value, want[i]);
	}
	marks_fini(&mk);
}

static void award_is_capped_and_rounded_down(void **state)
{
	(void)state;
	/* 45 % of 1234.57 is 555.5565: 555.55, never 555.56. */
	assert_int_equal(cap_award(100000, 123457, 0, 0, 450000), 55555);
	assert_int_equal(cap_award(30000000, 90000000, 1, 25000000, 450000),
			 25000000);
	assert_int_equal(cap_award(7500000, 11000000, 1, 25000000, 700000),
			 7500000);
	assert_int_equal(cap_award(7500000, 0, 0, 0, 1000000), 7500000);
}

static void rate_is_its_line_or_the_default(void **state)
{
	char micro[] = "micro", pme[] = "PME";
	struct cap_rate rates[] = { { micro, 700000 }, { pme, 600000 } };

	(void)state;
	assert_int_equal(cap_rate(rates, 2, 450000, "PME", 3), 600000);
	assert_int_equal(cap_rate(rates, 2, 450000, "PMEx", 4), 450000);
	assert_int_equal(cap_rate(rates, 2, 450000, "PM", 2), 450000);
	assert_int_equal(cap_rate(rates, 0, 450000, "micro", 5), 450000);
}

static void walk(int stop, int partial, unsigned long reserve,
		 const int64_t *award, size_t n, enum score_decision *dec,
		 int64_t *granted, int64_t *left)
{
	struct criteria k;

	memset(&k, 0, sizeof(k));
	k.envelope = 100000;
	k.walk_stop = stop;
	k.partial = partial;
	k.reserve = reserve;
	envelope_walk(&k, award, n, dec, granted, left);
}

static void envelope_skip_takes_an_exact_fit(void **state)
{
	const int64_t award[] = { 80000, 30000, 20000, 10000 };
	enum score_decision dec[4];
	int64_t granted[4], left;

	(void)state;
	walk(0, 0, 1, award, 4, dec, granted, &left);
	assert_int_equal(dec[0], SCORE_FUNDED);
	assert_int_equal(dec[1], SCORE_RESERVE);
	assert_int_equal(dec[2], SCORE_FUNDED);
	assert_int_equal(dec[3], SCORE_NOT_FUNDED);
	assert_int_equal(granted[2], 20000);
	assert_int_equal(granted[1], 0);
	assert_int_equal(left, 0);
}

static void envelope_stop_ends_at_the_first_misfit(void **state)
{
	const int64_t award[] = { 80000, 30000, 20000 };
	enum score_decision dec[3];
	int64_t granted[3], left;

	(void)state;
	walk(1, 0, 0, award, 3, dec, granted, &left);
	assert_int_equal(dec[0], SCORE_FUNDED);
	assert_int_equal(dec[1], SCORE_NOT_FUNDED);
	assert_int_equal(dec[2], SCORE_NOT_FUNDED);
	assert_int_equal(left, 20000);
}

static void envelope_partial_gives_what_is_left_and_ends(void **state)
{
	const int64_t award[] = { 80000, 30000, 20000 };
	enum score_decision dec[3];
	int64_t granted[3], left;

	(void)state;
	walk(0, 1, 5, award, 3, dec, granted, &left);
	assert_int_equal(dec[1], SCORE_FUNDED);
	assert_int_equal(granted[1], 20000);
	assert_int_equal(dec[2], SCORE_RESERVE);
	assert_int_equal(granted[2], 0);
	assert_int_equal(left, 0);
}

static void sample_call_scoring_tables_load(void **state)
{
	struct call *c = NULL;
	struct criteria *k = NULL;
	struct diag err;
	int64_t pts;

	(void)state;
	diag_clear(&err);
	assert_int_equal(call_load("config/calls/sud-ia-2025", &c, &err), 0);
	assert_int_equal(criteria_load(c, &k, &err), 0);
	assert_int_equal(k->nitems, 5);
	assert_int_equal(k->items[1].weight, 15000);
	assert_int_equal(k->envelope, 60000000);
	assert_int_equal(k->tb[k->ntb - 1].kind, CRITERIA_TB_ID);
	assert_int_equal(criteria_band_points(&k->items[3], "5", 1, &pts), 0);
	assert_int_equal(pts, 30000);
	assert_int_equal(criteria_band_points(&k->items[3], "", 0, &pts), 1);
	assert_int_equal(pts, 0);
	assert_int_equal(criteria_band_points(&k->items[3], "x", 1, &pts), -1);
	assert_int_equal(criteria_band_points(&k->items[4], "Mer", 3, &pts), 0);
	assert_int_equal(pts, 20000);
	criteria_free(k);
	call_free(c);
}

/* Side files read by marks_read, with and without a reader ahead. */

/* The batch the side files are checked against. */
static const char *const batch[] = { "H-01", "H-02", "H-03", "H-04" };

static long batch_lookup(void *ctx, const char *id, size_t n)
{
	size_t i;

	(void)ctx;
	for (i = 0; i < sizeof(batch) / sizeof(batch[0]); i++)
		if (strlen(batch[i]) == n && memcmp(batch[i], id, n) == 0)
			return (long)i;
	return -1;
}

/* Collects every message as "line: text\n". */
static void collect(void *ctx, const struct diag *d)
{
	struct sbuf *b = ctx;

	assert_int_equal(sbuf_addu(b, d->line), 0);
	assert_int_equal(sbuf_adds(b, ": "), 0);
	assert_int_equal(sbuf_adds(b, d->msg), 0);
	assert_int_equal(sbuf_addc(b, '\n'), 0);
}

/* What one way of reading gave. */
struct outcome {
	int rc;             /* marks_read's return */
	struct diag err;    /* its error */
	struct sbuf msgs;   /* the messages, in order */
	struct marks mk;    /* the marks */
	char sha[65];       /* the reviews file's digest */
};

/* How the reviews file is read. */
enum way {
	INLINE,     /* by marks_read, no reader given */
	NO_THREAD,  /* a reader without a thread (the fallback) */
	THREAD      /* a reader on a thread of its own */
};

/* Reads reviews and conflicts (which may be NULL) of the call at dir
 * against the batch, the way w says, into o. */
static void read_marks(const char *dir, const char *reviews,
		       const char *conflicts, enum way w, struct outcome *o)
{
	struct call *c = NULL;
	struct criteria *k = NULL;
	struct marks_ahead *a = NULL;
	struct diag_sink sink = { collect, NULL };
	struct marks_ctx x;
	char cs[65] = "", fs[65] = "";

	memset(o, 0, sizeof(*o));
	sbuf_init(&o->msgs);
	marks_init(&o->mk);
	diag_clear(&o->err);
	sink.ctx = &o->msgs;
	assert_int_equal(call_load(dir, &c, &o->err), 0);
	assert_int_equal(criteria_load(c, &k, &o->err), 0);
	if (w != INLINE) {
		a = marks_ahead_start(k, reviews, w == THREAD);
		assert_non_null(a);
		assert_int_equal(marks_ahead_threaded(a), w == THREAD);
	}
	x.k = k;
	x.napps = sizeof(batch) / sizeof(batch[0]);
	x.lookup = batch_lookup;
	x.lookup_ctx = NULL;
	x.sink = &sink;
	o->rc = marks_read(&o->mk, &x, reviews, a, NULL, conflicts, o->sha,
			   cs, fs, &o->err);
	marks_ahead_free(a);
	criteria_free(k);
	call_free(c);
}

static void outcome_fini(struct outcome *o)
{
	sbuf_fini(&o->msgs);
	marks_fini(&o->mk);
}

/* o and p are the same in every respect that shows. */
static void assert_same_outcome(const struct outcome *o, const struct outcome *p)
{
	size_t i;

	assert_int_equal(o->rc, p->rc);
	assert_int_equal(o->err.status, p->err.status);
	assert_string_equal(o->err.file, p->err.file);
	assert_int_equal(o->err.line, p->err.line);
	assert_string_equal(o->err.msg, p->err.msg);
	assert_string_equal(sbuf_str(&o->msgs), sbuf_str(&p->msgs));
	assert_int_equal(o->mk.nbad, p->mk.nbad);
	assert_int_equal(o->mk.n, p->mk.n);
	assert_int_equal(o->mk.text.len, p->mk.text.len);
	assert_memory_equal(sbuf_str(&o->mk.text), sbuf_str(&p->mk.text),
			    o->mk.text.len);
	for (i = 0; i < o->mk.n; i++) {
		assert_int_equal(o->mk.m[i].app, p->mk.m[i].app);
		assert_int_equal(o->mk.m[i].crit, p->mk.m[i].crit);
		assert_int_equal(o->mk.m[i].roff, p->mk.m[i].roff);
		assert_int_equal(o->mk.m[i].rlen, p->mk.m[i].rlen);
		assert_int_equal(o->mk.m[i].raw, p->mk.m[i].raw);
		assert_int_equal(o->mk.m[i].value, p->mk.m[i].value);
		assert_int_equal(o->mk.m[i].line, p->mk.m[i].line);
		assert_int_equal(o->mk.order[i], p->mk.order[i]);
	}
	for (i = 0; o->mk.start != NULL && i <= sizeof(batch) / sizeof(batch[0]); i++)
		assert_int_equal(o->mk.start[i], p->mk.start[i]);
	assert_true((o->mk.start == NULL) == (p->mk.start == NULL));
	if (o->rc == 0)
		assert_string_equal(o->sha, p->sha);
}

/* Every kind of bad line, in the order of the messages a line can get:
 * the application is looked up before the reviewer, the criterion and
 * the mark are checked, so "X-9" with no reviewer says the application
 * is unknown.  Runs of one id are broken and taken up again, and an id
 * written with spaces is found trimmed but named as written. */
static const char reviews_text[] =
	"application_id,reviewer,criterion,mark,comment\n"
	"H-01,r1,excellence,4,good\n"
	"H-01,r1,impact,3.5,\n"
	"H-01,r2,excellence,4.5,\"long, with a comma\"\n"
	"X-9,,excellence,4,unknown application before no reviewer\n"
	"H-02,,excellence,4,no reviewer\n"
	"H-02,r2,originality,4,unknown criterion\n"
	"H-02,r2,impact,5.5,off the scale\n"
	"H-02,r2,impact,3.25,off the step\n"
	",r2,impact,3,no application\n"
	"H-02,r2,impact,3\n"
	"H-01,r1,excellence,2,duplicate\n"
	" H-03 ,r3,impact,4,in conflict\n"
	"H-03,r1,impact,4,\n"
	"\n"
	"H-04,r1,implementation,1,\n"
	"H-02,r1,implementation,2.5,\n"
	"H-02,r2,implementation,2,\n";

static const char conflicts_text[] = "reviewer,application_id\nr3,H-03\n";

static const char reviews_msgs[] =
	"5: unknown application \"X-9\": it is not in the stream\n"
	"6: no reviewer\n"
	"7: unknown criterion \"originality\"\n"
	"8: mark 5.5 is off the scale of criterion \"impact\" (0.0000 to 5.0000)\n"
	"9: mark 3.25 is off the step of criterion \"impact\" (0.5000 from 0.0000)\n"
	"10: no application_id\n"
	"11: the line has 4 fields, the header 5\n"
	"12: duplicate mark: reviewer \"r1\" already marked criterion "
	"\"excellence\" of this application at line 2\n"
	"13: reviewer \"r3\" is in conflict with application \" H-03 \"\n";

static void reviews_read_ahead_give_what_reading_inline_gives(void **state)
{
	char dir[] = "/tmp/aap-unit-XXXXXX", rev[300], cfl[300];
	struct outcome o[3];
	size_t i;

	(void)state;
	assert_int_equal(unit_dir_new(dir), 0);
	assert_int_equal(unit_put(dir, "reviews.csv", reviews_text), 0);
	assert_int_equal(unit_put(dir, "conflicts.csv", conflicts_text), 0);
	snprintf(rev, sizeof(rev), "%s/reviews.csv", dir);
	snprintf(cfl, sizeof(cfl), "%s/conflicts.csv", dir);
	read_marks("tests/data/calls/horizon-ria", rev, cfl, INLINE, &o[0]);
	read_marks("tests/data/calls/horizon-ria", rev, cfl, NO_THREAD, &o[1]);
	read_marks("tests/data/calls/horizon-ria", rev, cfl, THREAD, &o[2]);
	assert_int_equal(o[0].rc, 0);
	assert_string_equal(sbuf_str(&o[0].msgs), reviews_msgs);
	assert_int_equal(o[0].mk.nbad, 9);
	/* Lines 2, 3, 4, 14, 16, 17, 18: the duplicate is dropped. */
	assert_int_equal(o[0].mk.n, 7);
	assert_int_equal(o[0].mk.start[1] - o[0].mk.start[0], 3);
	assert_int_equal(o[0].mk.start[2] - o[0].mk.start[1], 2);
	assert_int_equal(o[0].mk.start[3] - o[0].mk.start[2], 1);
	assert_int_equal(o[0].mk.start[4] - o[0].mk.start[3], 1);
	assert_int_equal(o[0].mk.m[o[0].mk.order[o[0].mk.start[3]]].line, 16);
	assert_int_equal(o[0].mk.m[o[0].mk.order[o[0].mk.start[3]]].raw, 10000);
	assert_int_equal(strlen(o[0].sha), 64);
	for (i = 1; i < 3; i++)
		assert_same_outcome(&o[0], &o[i]);
	for (i = 0; i < 3; i++)
		outcome_fini(&o[i]);
	unit_dir_remove(dir);
}

static void reviews_error_comes_after_the_lines_before_it_either_way(void **state)
{
	/* A quote left open: the file is not CSV from line 4 on.  The bad
	 * lines before it are reported (the unknown application too, which
	 * only the batch tells), then the error stops the run. */
	static const char text[] =
		"application_id,reviewer,criterion,mark,comment\n"
		"H-01,r1,excellence,4,\n"
		"X-9,r1,excellence,4,\n"
		"H-01,r1,excellence,3,\n"
		"H-02,r1,impact,4,\"never closed\n"
		"H-02,r2,impact,4,\n";
	char dir[] = "/tmp/aap-unit-XXXXXX", rev[300];
	struct outcome o[3];
	size_t i;

	(void)state;
	assert_int_equal(unit_dir_new(dir), 0);
	assert_int_equal(unit_put(dir, "reviews.csv", text), 0);
	snprintf(rev, sizeof(rev), "%s/reviews.csv", dir);
	read_marks("tests/data/calls/horizon-ria", rev, NULL, INLINE, &o[0]);
	read_marks("tests/data/calls/horizon-ria", rev, NULL, NO_THREAD, &o[1]);
	read_marks("tests/data/calls/horizon-ria", rev, NULL, THREAD, &o[2]);
	assert_int_equal(o[0].rc, -1);
	assert_int_equal(o[0].err.status, AAP_EDATA);
	assert_int_equal(o[0].err.line, 5);
	assert_string_equal(sbuf_str(&o[0].msgs),
			    "3: unknown application \"X-9\": it is not in the stream\n"
			    "4: duplicate mark: reviewer \"r1\" already marked "
			    "criterion \"excellence\" of this application at line 2\n");
	for (i = 1; i < 3; i++)
		assert_same_outcome(&o[0], &o[i]);
	for (i = 0; i < 3; i++)
		outcome_fini(&o[i]);
	/* A file that cannot be opened: the same error, read ahead or not. */
	snprintf(rev, sizeof(rev), "%s/missing.csv", dir);
	read_marks("tests/data/calls/horizon-ria", rev, NULL, INLINE, &o[0]);
	read_marks("tests/data/calls/horizon-ria", rev, NULL, NO_THREAD, &o[1]);
	assert_int_equal(o[0].rc, -1);
	assert_int_equal(o[0].err.status, AAP_ESYS);
	assert_non_null(strstr(o[0].err.msg, "could not open"));
	assert_same_outcome(&o[0], &o[1]);
	outcome_fini(&o[0]);
	outcome_fini(&o[1]);
	unit_dir_remove(dir);
}

static void reader_ahead_freed_unread_stops_its_thread(void **state)
{
	/* The stream failed: the rows read ahead are dropped unreported. */
	struct call *c = NULL;
	struct criteria *k = NULL;
	struct marks_ahead *a;
	struct diag err;
	char dir[] = "/tmp/aap-unit-XXXXXX", rev[300];
	struct sbuf big;
	int i;

	(void)state;
	diag_clear(&err);
	sbuf_init(&big);
	assert_int_equal(sbuf_adds(&big, "application_id,reviewer,criterion,"
				   "mark,comment\n"), 0);
	for (i = 0; i < 20000; i++)
		assert_int_equal(sbuf_adds(&big, "H-01,r1,excellence,4,x\n"), 0);
	assert_int_equal(unit_dir_new(dir), 0);
	assert_int_equal(unit_put(dir, "reviews.csv", sbuf_str(&big)), 0);
	snprintf(rev, sizeof(rev), "%s/reviews.csv", dir);
	assert_int_equal(call_load("tests/data/calls/horizon-ria", &c, &err), 0);
	assert_int_equal(criteria_load(c, &k, &err), 0);
	a = marks_ahead_start(k, rev, 1);
	assert_non_null(a);
	assert_int_equal(marks_ahead_threaded(a), 1);
	marks_ahead_free(a);
	/* Without a thread, nothing was read and nothing is left. */
	a = marks_ahead_start(k, rev, 0);
	assert_non_null(a);
	assert_int_equal(marks_ahead_threaded(a), 0);
	marks_ahead_free(a);
	/* Nor is a pipe read ahead: it might be the stream itself. */
	snprintf(rev, sizeof(rev), "%s/pipe", dir);
	assert_int_equal(mkfifo(rev, 0600), 0);
	a = marks_ahead_start(k, rev, 1);
	assert_non_null(a);
	assert_int_equal(marks_ahead_threaded(a), 0);
	marks_ahead_free(a);
	criteria_free(k);
	call_free(c);
	sbuf_fini(&big);
	unit_dir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(median_of_even_count_is_mean_of_middle_marks),
		cmocka_unit_test(median_of_odd_count_is_the_middle_mark),
		cmocka_unit_test(trimmed_mean_drops_extremes_from_three_marks),
		cmocka_unit_test(mean_rounds_half_away_from_zero_once),
		cmocka_unit_test(integer_square_root_is_the_floor),
		cmocka_unit_test(normalised_mark_is_rounded_to_the_step_and_clamped),
		cmocka_unit_test(harsh_and_lenient_reviewers_are_normalised),
		cmocka_unit_test(award_is_capped_and_rounded_down),
		cmocka_unit_test(rate_is_its_line_or_the_default),
		cmocka_unit_test(envelope_skip_takes_an_exact_fit),
		cmocka_unit_test(envelope_stop_ends_at_the_first_misfit),
		cmocka_unit_test(envelope_partial_gives_what_is_left_and_ends),
		cmocka_unit_test(sample_call_scoring_tables_load),
		cmocka_unit_test(reviews_read_ahead_give_what_reading_inline_gives),
		cmocka_unit_test(reviews_error_comes_after_the_lines_before_it_either_way),
		cmocka_unit_test(reader_ahead_freed_unread_stops_its_thread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
