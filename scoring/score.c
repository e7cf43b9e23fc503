/* score.c - the aap-score stage: holds the batch in memory, checks the
 * side files against it, scores, ranks, walks the envelope and writes
 * the records in rank order (docs/scoring.md). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aap.h"
#include "columns.h"
#include "decisions.h"
#include "diag.h"
#include "finding.h"
#include "htab.h"
#include "mem.h"
#include "norm.h"
#include "prov.h"
#include "marks.h"
#include "rank.h"
#include "score.h"
#include "sensitivity.h"
#include "stage.h"

/* One application of the batch. */
struct app {
	char *blk;               /* offsets (uint32_t, nf + 1), then fields */
	char *extra;             /* findings this stage adds, or NULL */
	int made_inadmissible;   /* 1: this stage found an error */
	enum score_decision dec; /* its decision */
	int has_total;           /* 1: total is set */
	int64_t total;           /* weighted total */
	long rank;               /* 1-based, 0 when unranked */
	long reason;             /* tie-break step, -1 for none */
	int64_t award;           /* cents */
	int64_t cap;             /* capped request, cents */
};

/* An index of the records by the bytes of one column: a record's number
 * is its key's, its value in the column the key. */
struct colindex {
	struct htab index;    /* the records by their value */
	const struct run *r;  /* the run holding the records */
	size_t col;           /* the column */
};

/* The records' blocks are carved from chunks of this size: one
 * allocation for thousands of records, and one free. */
#define CHUNK_BYTES ((size_t)4 << 20)

/* A chunk of record blocks; its bytes follow. */
struct chunk {
	struct chunk *next;  /* the chunk allocated before, or NULL */
	size_t used, cap;    /* bytes used, bytes there */
};

/* Flags of a record's application_id (index_ids). */
#define ID_FIRST 1  /* the copy byid finds */
#define ID_DUP 2    /* a non-empty id that another record has too */

/* The run. */
struct run {
	const struct score_opts *o;
	const struct criteria *k;
	struct stage st;
	size_t nf;               /* columns of the input */
	long c_findings, c_admissible, c_amount, c_cost, c_rate;
	long c_file, c_line;     /* source_file, source_line (or -1) */
	long *c_band;            /* per criterion: its field's column */
	long *c_tb;              /* per tie-break step: two columns */
	long *c_unique;          /* per unique field: its column */
	struct app *a;           /* the batch */
	struct chunk *chunks;    /* where the records' blocks are, the one
				    being filled first */
	size_t n, cap;           /* used, allocated */
	struct colindex byid;    /* application_id; the first copy wins */
	unsigned char *idflag;   /* per record: ID_FIRST, ID_DUP */
	size_t next_id;          /* the record lookup tries first */
	int64_t *score;          /* n * nitems */
	unsigned char *has;      /* n * nitems: score set */
	int64_t *spread;         /* n * nitems */
	unsigned char *has_spread; /* n * nitems */
	struct marks mk;         /* the side files */
	struct marks_ahead *ahead; /* the reviews file, read while the
				      stream is, or NULL */
	int64_t granted, left;   /* the envelope's outcome */
	struct decisions *dec;   /* the committee's decisions, or NULL */
	struct decisions_app *dv; /* per record: what they decided */
	size_t *sidx;            /* --sensitivity: per record, its index in
				    sres, or SIZE_MAX */
	struct sens_result *sres; /* what sens_run found */
	struct sens_variant *svar; /* the variants it was given */
	int64_t *svscore;        /* their scores */
};

static const char *field(const struct run *r, size_t i, size_t col,
			 size_t *len)
{
	const uint32_t *off = (const uint32_t *)(void *)r->a[i].blk;
	const char *base = r->a[i].blk + (r->nf + 1) * sizeof(uint32_t);

	*len = off[col + 1] - off[col] - 1;
	return base + off[col];
}

const char *score_decision_name(enum score_decision d)
{
	static const char *const names[] = { "", "inadmissible", "incomplete",
		"below_threshold", "funded", "reserve", "not_funded", "withdrawn",
		"excluded" };

	return (size_t)d < sizeof(names) / sizeof(names[0]) ? names[d] : "";
}

/* Returns room for n bytes (aligned for the offsets) in r's chunks, or
 * NULL when memory ran out. */
static char *record_room(struct run *r, size_t n)
{
	struct chunk *c = r->chunks, *nc;
	size_t cap;

	n = (n + 7) & ~(size_t)7;
	if (c != NULL && c->cap - c->used >= n) {
		c->used += n;
		return (char *)(c + 1) + c->used - n;
	}
	/* A large record gets a chunk of its own, behind the one being
	 * filled, so that the rest of that one is not lost. */
	cap = n > CHUNK_BYTES / 4 ? n : CHUNK_BYTES;
	if (n > SIZE_MAX - sizeof(*nc) ||
	    (nc = mem_alloc(sizeof(*nc) + cap)) == NULL)
		return NULL;
	nc->used = n;
	nc->cap = cap;
	if (cap == n && c != NULL) {
		nc->next = c->next;
		c->next = nc;
	} else {
		nc->next = c;
		r->chunks = nc;
	}
	return (char *)(nc + 1);
}

/* Stores the current record in one block. */
static int keep_record(struct run *r, struct diag *err)
{
	const struct record *rec = stream_in_record(r->st.src.in);
	size_t i, bytes = 0, head = (r->nf + 1) * sizeof(uint32_t);
	uint32_t *off;
	char *blk;

	for (i = 0; i < rec->n; i++)
		bytes += record_len(rec, i) + 1;
	if (r->n == r->cap) {
		size_t c = r->cap ? r->cap * 2 : 64;
		struct app *na = mem_realloc(r->a, c * sizeof(*na));

		if (na == NULL)
			return diag_oom(err);
		r->a = na;
		r->cap = c;
	}
	if ((blk = record_room(r, head + bytes)) == NULL)
		return diag_oom(err);
	off = (uint32_t *)(void *)blk;
	bytes = 0;
	for (i = 0; i < rec->n; i++) {
		off[i] = (uint32_t)bytes;
		memcpy(blk + head + bytes, record_field(rec, i), record_len(rec, i));
		bytes += record_len(rec, i);
		blk[head + bytes++] = '\0';
	}
	off[rec->n] = (uint32_t)bytes;
	memset(&r->a[r->n], 0, sizeof(r->a[r->n]));
	r->a[r->n].blk = blk;
	r->a[r->n].reason = -1;
	r->n++;
	return 0;
}

static int bytes_cmp(const char *a, size_t la, const char *b, size_t lb)
{
	int c = memcmp(a, b, la < lb ? la : lb);

	if (c != 0)
		return c;
	return la < lb ? -1 : la > lb;
}

static const struct run *sort_r;

/* The value of record id in the column of the index ctx (htab_key_fn). */
static const void *colindex_key(const void *ctx, size_t id, size_t *n)
{
	const struct colindex *ix = ctx;

	return field(ix->r, id, ix->col, n);
}

/* Makes ix an empty index of column col with room for the r->n records;
 * ix must not move while it is in use.  Returns 0, or -1 when memory ran
 * out. */
static int colindex_init(const struct run *r, struct colindex *ix, size_t col)
{
	ix->r = r;
	ix->col = col;
	htab_init(&ix->index, colindex_key, ix);
	return htab_reserve(&ix->index, r->n);
}

static long lookup(void *ctx, const char *id, size_t n)
{
	struct run *r = ctx;
	size_t g = r->next_id, len, i;

	/* The side files mostly list the applications in the order of the
	 * stream: the record after the one found last is tried first, which
	 * is read in order, where the index is a cache miss a lookup. */
	if (g < r->n && (r->idflag[g] & ID_FIRST)) {
		const char *w = field(r, g, 0, &len);

		if (len == n && memcmp(w, id, n) == 0) {
			r->next_id = g + 1;
			return (long)g;
		}
	}
	i = htab_find(&r->byid.index, id, n);
	if (i == (size_t)-1)
		return -1;
	r->next_id = i + 1;
	return (long)i;
}

/* Indexes the batch by application_id, the first copy of a duplicated id
 * winning (every copy is inadmissible anyway), and flags the records in
 * r->idflag.  Returns 0, or -1 when memory ran out. */
static int index_ids(struct run *r, struct diag *err)
{
	size_t i, len, first;
	const char *id;
	int put;

	if (colindex_init(r, &r->byid, 0) < 0 ||
	    (r->idflag = mem_calloc(r->n + 1, 1)) == NULL)
		return diag_oom(err);
	for (i = 0; i < r->n; i++) {
		id = field(r, i, 0, &len);
		if ((put = htab_put(&r->byid.index, id, len, i, &first)) < 0)
			return diag_oom(err);
		if (put == 0) {
			r->idflag[i] = ID_FIRST;
		} else if (len > 0) {
			r->idflag[i] |= ID_DUP;
			r->idflag[first] |= ID_DUP;
		}
	}
	return 0;
}

/* Adds the finding error:CODE:FIELD to application i unless its findings
 * already hold it (with or without a detail), and makes it inadmissible. */
static int add_finding(struct run *r, size_t i, enum finding_code code,
		       const char *name, struct diag *err)
{
	struct sbuf f;
	struct finding_item it;
	size_t pos = 0, len;
	const char *have = field(r, i, (size_t)r->c_findings, &len);
	const char *spelt = finding_name(code);

	r->a[i].made_inadmissible = 1;
	/* The same finding with a detail counts as the same. */
	while (finding_next(have, len, &pos, &it))
		if (it.error && it.code_len == strlen(spelt) &&
		    memcmp(it.code, spelt, it.code_len) == 0 &&
		    it.field_len == strlen(name) &&
		    memcmp(it.field, name, it.field_len) == 0)
			return 0;
	sbuf_init(&f);
	if ((r->a[i].extra != NULL && sbuf_adds(&f, r->a[i].extra) < 0) ||
	    finding_add(&f, FINDING_ERROR, code, name, NULL) < 0) {
		sbuf_fini(&f);
		return diag_oom(err);
	}
	mem_free(r->a[i].extra);
	r->a[i].extra = f.data;
	return 0;
}

/* Sets dup[i] for every record i whose non-empty value of column col
 * another record has too.  Returns 0, or -1 when memory ran out. */
static int find_copies(const struct run *r, size_t col, unsigned char *dup)
{
	struct colindex ix;
	size_t i, len, first;
	int put;

	memset(dup, 0, r->n);
	/* index_ids found the copies of application_id already. */
	if (col == r->byid.col) {
		for (i = 0; i < r->n; i++)
			dup[i] = (r->idflag[i] & ID_DUP) != 0;
		return 0;
	}
	if (colindex_init(r, &ix, col) < 0)
		return -1;
	for (i = 0; i < r->n; i++) {
		const char *v = field(r, i, ix.col, &len);

		if (len == 0)
			continue;
		if ((put = htab_put(&ix.index, v, len, i, &first)) < 0) {
			htab_fini(&ix.index);
			return -1;
		}
		if (put == 1) {
			dup[i] = 1;
			dup[first] = 1;
		}
	}
	htab_fini(&ix.index);
	return 0;
}

/* Every copy of a duplicated non-empty key is inadmissible.  Each record
 * gets one finding per key at most, so the order in which they are found
 * does not show. */
static int check_unique(struct run *r, struct diag *err)
{
	unsigned char *dup = mem_calloc(r->n + 1, 1);
	size_t u, i;
	int rc = -1;

	if (dup == NULL)
		return diag_oom(err);
	for (u = 0; u < r->k->nunique; u++) {
		if (find_copies(r, (size_t)r->c_unique[u], dup) < 0) {
			diag_oom(err);
			goto done;
		}
		for (i = 0; i < r->n; i++)
			if (dup[i] && add_finding(r, i, FINDING_DUPLICATE,
						  r->k->unique[u], err) < 0)
				goto done;
	}
	rc = 0;
done:
	mem_free(dup);
	return rc;
}

/* Reads the money field col of application i into *v (cents). */
static int money(const struct run *r, size_t i, long col, int64_t *v)
{
	size_t len;
	const char *s = field(r, i, (size_t)col, &len);

	return len > 0 && norm_parse_fixed(s, len, SCORE_MONEY_SCALE, v) ==
	       NORM_OK && *v >= 0 ? 0 : -1;
}

/* Decides what validation and the values allow, and caps the awards. */
static int admit(struct run *r, struct diag *err)
{
	const struct criteria *k = r->k;
	size_t i, c, len;
	int64_t req, cost = 0, pts, rate;

	for (i = 0; i < r->n; i++) {
		const char *adm = field(r, i, (size_t)r->c_admissible, &len);
		int need_cost = k->max_rate < 1000000 || k->rate_field != NULL;

		if (!(len == 3 && memcmp(adm, "yes", 3) == 0))
			r->a[i].dec = SCORE_INADMISSIBLE;
		for (c = 0; c < k->nitems; c++) {
			const char *s;

			if (k->items[c].source != CRITERIA_BAND)
				continue;
			s = field(r, i, (size_t)r->c_band[c], &len);
			if (criteria_band_points(&k->items[c], s, len, &pts) < 0 &&
			    add_finding(r, i, FINDING_UNREADABLE, k->items[c].field,
					err) < 0)
				return -1;
		}
		if (money(r, i, r->c_amount, &req) < 0 &&
		    add_finding(r, i, FINDING_UNREADABLE, k->amount_field, err) < 0)
			return -1;
		if (need_cost && money(r, i, r->c_cost, &cost) < 0 &&
		    add_finding(r, i, FINDING_UNREADABLE, k->cost_field, err) < 0)
			return -1;
		if (r->a[i].made_inadmissible)
			r->a[i].dec = SCORE_INADMISSIBLE;
		if (r->a[i].dec == SCORE_INADMISSIBLE)
			continue;
		rate = k->max_rate;
		if (r->c_rate >= 0) {
			const char *v = field(r, i, (size_t)r->c_rate, &len);

			rate = cap_rate(k->rates, k->nrates, rate, v, len);
		}
		r->a[i].cap = cap_award(req, cost, k->has_max_award,
					k->max_award, rate);
	}
	return 0;
}

static int by_value(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;

	return (a > b) - (a < b);
}

/* Sorts the n values at x ascending. */
static void sort_values(int64_t *x, size_t n)
{
	size_t i, j;
	int64_t t;

	if (n > 16) {
		qsort(x, n, sizeof(*x), by_value);
		return;
	}
	for (i = 1; i < n; i++) {
		t = x[i];
		for (j = i; j > 0 && x[j - 1] > t; j--)
			x[j] = x[j - 1];
		x[j] = t;
	}
}

/* Combines the marks of application a (grouped by criterion in
 * r->mk.order) into its scores and spreads; x has room for them. */
static void combine_marks(struct run *r, size_t a, int64_t *x)
{
	const struct marks *mk = &r->mk;
	size_t nc = r->k->nitems, i, e, end = mk->start[a + 1];

	for (i = mk->start[a]; i < end; i = e) {
		const struct marks_mark *m = &mk->m[mk->order[i]];
		size_t at = a * nc + m->crit;
		int64_t lo, hi;

		lo = hi = m->raw;
		for (e = i; e < end && mk->m[mk->order[e]].crit == m->crit; e++) {
			const struct marks_mark *q = &mk->m[mk->order[e]];

			x[e - i] = q->value;
			if (q->raw < lo)
				lo = q->raw;
			if (q->raw > hi)
				hi = q->raw;
		}
		r->spread[at] = hi - lo;
		r->has_spread[at] = 1;
		if (e - i >= r->k->min_marks) {
			sort_values(x, e - i);
			r->score[at] = marks_combine(r->k->combine, x, e - i);
			r->has[at] = 1;
		}
	}
}

/* Scores, totals and threshold decisions. */
static int score_all(struct run *r, struct diag *err)
{
	const struct criteria *k = r->k;
	size_t nc = k->nitems, i, j, c, len, most = 0;
	int64_t *x = NULL;
	unsigned char *use = mem_calloc(r->n + 1, 1);
	int rc = -1;

	r->score = mem_calloc(r->n * nc + 1, sizeof(*r->score));
	r->has = mem_calloc(r->n * nc + 1, 1);
	r->spread = mem_calloc(r->n * nc + 1, sizeof(*r->spread));
	r->has_spread = mem_calloc(r->n * nc + 1, 1);
	for (i = 0; i < r->n && r->mk.start != NULL; i++)
		if (r->mk.start[i + 1] - r->mk.start[i] > most)
			most = r->mk.start[i + 1] - r->mk.start[i];
	x = mem_calloc(most + 1, sizeof(*x));
	if (x == NULL || use == NULL || r->score == NULL ||
	    r->has == NULL || r->spread == NULL || r->has_spread == NULL) {
		diag_oom(err);
		goto done;
	}
	for (i = 0; i < r->n; i++)
		use[i] = r->a[i].dec != SCORE_INADMISSIBLE;
	for (c = 0; c < nc && k->normalise; c++)
		if (k->items[c].source == CRITERIA_REVIEWS &&
		    marks_normalise(&r->mk, &k->items[c], c, use) < 0) {
			diag_oom(err);
			goto done;
		}
	for (i = 0; i < r->n && r->mk.start != NULL; i++)
		if (use[i])
			combine_marks(r, i, x);
	for (j = 0; j < r->mk.nc; j++) {
		const struct marks_consensus *q = &r->mk.c[j];

		r->score[q->app * nc + q->crit] = q->score;
		r->has[q->app * nc + q->crit] = 1;
	}
	for (i = 0; i < r->n; i++) {
		int64_t pts;
		int missing = 0;

		if (!use[i]) {
			memset(r->has + i * nc, 0, nc);
			memset(r->has_spread + i * nc, 0, nc);
			continue;
		}
		for (c = 0; c < nc; c++) {
			const struct criteria_item *it = &k->items[c];

			if (it->source == CRITERIA_BAND) {
				const char *s = field(r, i, (size_t)r->c_band[c], &len);

				criteria_band_points(it, s, len, &pts);
				r->score[i * nc + c] = pts;
				r->has[i * nc + c] = 1;
			}
			if (!r->has[i * nc + c])
				missing = 1;
		}
		if (missing) {
			r->a[i].dec = SCORE_INCOMPLETE;
			continue;
		}
		r->a[i].has_total = 1;
		r->a[i].dec = criteria_judge(k, r->score + i * nc, NULL,
					     &r->a[i].total) ? SCORE_PENDING :
			      SCORE_BELOW;
	}
	rc = 0;
done:
	mem_free(x);
	mem_free(use);
	return rc;
}

/* Fills ra with what the ranking knows of application i; its tie-break
 * values go to v and vl (2 * ntb of each, zeroed). */
static void rank_view(const struct run *r, size_t i, struct rank_app *ra,
		      const char **v, size_t *vl)
{
	const struct criteria *k = r->k;
	size_t s;

	ra->id = field(r, i, 0, &ra->idlen);
	ra->total = r->a[i].total;
	ra->score = r->score + i * k->nitems;
	ra->v = v;
	ra->vlen = vl;
	for (s = 0; s < 2 * k->ntb; s++)
		v[s] = r->c_tb[s] >= 0 ? field(r, i, (size_t)r->c_tb[s], &vl[s]) : "";
}

/* Ranks what passed the thresholds and walks the envelope. */
static int rank_and_fund(struct run *r, size_t *out, size_t *nout,
			 struct diag *err)
{
	const struct criteria *k = r->k;
	size_t i, m = 0, *order = NULL, *who = NULL;
	struct rank_app *ra = NULL;
	const char **v = NULL;
	size_t *vl = NULL;
	long *reason = NULL;
	int64_t *award = NULL, *granted = NULL;
	enum score_decision *dec = NULL;
	int rc = -1;

	for (i = 0; i < r->n; i++)
		m += r->a[i].dec == SCORE_PENDING;
	ra = mem_calloc(m + 1, sizeof(*ra));
	who = mem_calloc(m + 1, sizeof(*who));
	order = mem_calloc(m + 1, sizeof(*order));
	reason = mem_calloc(m + 1, sizeof(*reason));
	award = mem_calloc(m + 1, sizeof(*award));
	granted = mem_calloc(m + 1, sizeof(*granted));
	dec = mem_calloc(m + 1, sizeof(*dec));
	v = mem_calloc(m * 2 * k->ntb + 1, sizeof(*v));
	vl = mem_calloc(m * 2 * k->ntb + 1, sizeof(*vl));
	if (ra == NULL || who == NULL || order == NULL || reason == NULL ||
	    award == NULL || granted == NULL || dec == NULL || v == NULL ||
	    vl == NULL) {
		diag_oom(err);
		goto done;
	}
	m = 0;
	for (i = 0; i < r->n; i++) {
		if (r->a[i].dec != SCORE_PENDING)
			continue;
		who[m] = i;
		rank_view(r, i, &ra[m], v + m * 2 * k->ntb, vl + m * 2 * k->ntb);
		m++;
	}
	if (rank_order(k, ra, m, order, reason) < 0) {
		diag_oom(err);
		goto done;
	}
	for (i = 0; i < m; i++)
		award[i] = r->a[who[order[i]]].cap;
	envelope_walk(k, award, m, dec, granted, &r->left);
	r->granted = 0;
	for (i = 0; i < m; i++) {
		struct app *p = &r->a[who[order[i]]];

		p->rank = (long)i + 1;
		p->reason = reason[i];
		p->dec = dec[i];
		p->award = granted[i];
		r->granted += granted[i];
		out[i] = who[order[i]];
	}
	*nout = m;
	rc = 0;
done:
	mem_free(ra);
	mem_free(who);
	mem_free(order);
	mem_free(reason);
	mem_free(award);
	mem_free(granted);
	mem_free(dec);
	mem_free(v);
	mem_free(vl);
	return rc;
}

/* Applies the committee's decisions to the proposal rank_and_fund made:
 * out and *nout as rank_and_fund sets them, the ranking made again when
 * an application is excluded (docs/scoring.md, "Decisions"). */
static int decide(struct run *r, size_t *out, size_t *nout, struct diag *err)
{
	struct decisions_app *v = mem_calloc(r->n + 1, sizeof(*v));
	int64_t left = r->left;
	size_t i;

	if ((r->dv = v) == NULL)
		return diag_oom(err);
	for (i = 0; i < r->n; i++) {
		v[i].dec = r->a[i].dec;
		v[i].award = r->a[i].award;
		v[i].cap = r->a[i].cap;
		v[i].id = field(r, i, 0, &v[i].idlen);
	}
	if (decisions_check(r->dec, v) < 0)
		return diag_oom(err);
	if (r->dec->nbad == 0 && decisions_exclude(r->dec, v) > 0) {
		/* The others ranked as if the excluded had never been. */
		for (i = 0; i < r->n; i++)
			if (v[i].dec == SCORE_EXCLUDED) {
				r->a[i].dec = SCORE_EXCLUDED;
				r->a[i].rank = 0;
				r->a[i].reason = -1;
			} else if (r->a[i].rank > 0) {
				r->a[i].dec = SCORE_PENDING;
			}
		if (rank_and_fund(r, out, nout, err) < 0)
			return -1;
	}
	if (r->dec->nbad == 0 &&
	    decisions_apply(r->dec, r->k, v, out, *nout, &left) < 0)
		return diag_oom(err);
	if (r->dec->nbad > 0) {
		decisions_report(r->dec, r->o->sink);
		diag_set(err, AAP_EDATA, NULL, 0, "%lu bad line%s in the "
			 "decisions file: nothing was decided", r->dec->nbad,
			 r->dec->nbad > 1 ? "s" : "");
		diag_hint(err, "correct the lines above");
		return -1;
	}
	r->left = left;
	r->granted = 0;
	for (i = 0; i < r->n; i++) {
		if (r->a[i].rank > 0 || v[i].dec == SCORE_EXCLUDED) {
			r->a[i].dec = v[i].dec;
			r->a[i].award = v[i].award;
		}
		r->granted += r->a[i].award;
	}
	return 0;
}

/* A reviewer of one application: where the name is in the marks' text. */
struct who {
	uint32_t roff, rlen;  /* the name in the marks' text arena */
};

static const char *sort_text;

static int by_name(const void *pa, const void *pb)
{
	const struct who *a = pa, *b = pb;

	return bytes_cmp(sort_text + a->roff, a->rlen, sort_text + b->roff,
			 b->rlen);
}

/* Appends to r->svar (and r->svscore, room for nv more being there) the
 * variants of ranked application i: its scores with the marks of one of
 * its reviewers left out, for each reviewer (by name) whose marks count
 * in a score, unless a criterion would be left with fewer than min_marks.
 * cons flags the scores set by a consensus; x and w have room for the
 * application's marks. */
static void variants(struct run *r, size_t i, size_t si,
		     const unsigned char *cons, int64_t *x, struct who *w,
		     size_t *nv)
{
	const struct marks *mk = &r->mk;
	size_t nc = r->k->nitems, lo = mk->start[i], hi = mk->start[i + 1];
	size_t j, e, q, nw = 0, cnt;

	for (j = lo; j < hi; j++) {
		w[nw].roff = mk->m[mk->order[j]].roff;
		w[nw++].rlen = mk->m[mk->order[j]].rlen;
	}
	sort_text = mk->text.data;
	qsort(w, nw, sizeof(*w), by_name);
	for (q = 0; q < nw; q++) {
		int64_t *sc = r->svscore + *nv * nc;
		int changed = 0, ok = 1;

		/* Each name is kept once in the arena: equal names, equal
		 * offsets. */
		if (q > 0 && w[q].roff == w[q - 1].roff)
			continue;
		memcpy(sc, r->score + i * nc, nc * sizeof(*sc));
		for (j = lo; j < hi && ok; j = e) {
			uint32_t crit = mk->m[mk->order[j]].crit;

			cnt = 0;
			for (e = j; e < hi && mk->m[mk->order[e]].crit == crit; e++)
				if (mk->m[mk->order[e]].roff != w[q].roff)
					x[cnt++] = mk->m[mk->order[e]].value;
			if (cnt == e - j || cons[i * nc + crit])
				continue;
			changed = 1;
			if (cnt < r->k->min_marks) {
				ok = 0;
				continue;
			}
			sort_values(x, cnt);
			sc[crit] = marks_combine(r->k->combine, x, cnt);
		}
		if (!ok || !changed)
			continue;
		r->svar[*nv].app = si;
		r->svar[*nv].score = sc;
		r->svar[*nv].reviewer = mk->text.data + w[q].roff;
		r->svar[*nv].len = w[q].rlen;
		(*nv)++;
	}
}

/* --sensitivity: what each ranked application's decision hangs on
 * (sens_run), into r->sidx and r->sres.  out holds the nranked ranked
 * records in rank order. */
static int sensitivity(struct run *r, const size_t *out, size_t nranked,
		       struct diag *err)
{
	const struct criteria *k = r->k;
	size_t nc = k->nitems, i, j, n = 0, most = 0, nmarks, nv = 0;
	struct sens_app *sa = NULL;
	size_t *order = NULL;
	const char **v = NULL;
	size_t *vl = NULL;
	unsigned char *cons = NULL;
	int64_t *x = NULL;
	struct who *w = NULL;
	enum score_decision *vdec = NULL;
	int rc = -1;

	nmarks = r->mk.start != NULL ? r->mk.n : 0;
	for (i = 0; i < r->n && r->mk.start != NULL; i++)
		if (r->mk.start[i + 1] - r->mk.start[i] > most)
			most = r->mk.start[i + 1] - r->mk.start[i];
	r->sidx = mem_calloc(r->n + 1, sizeof(*r->sidx));
	sa = mem_calloc(r->n + 1, sizeof(*sa));
	order = mem_calloc(nranked + 1, sizeof(*order));
	v = mem_calloc(r->n * 2 * k->ntb + 1, sizeof(*v));
	vl = mem_calloc(r->n * 2 * k->ntb + 1, sizeof(*vl));
	cons = mem_calloc(r->n * nc + 1, 1);
	x = mem_calloc(most + 1, sizeof(*x));
	w = mem_calloc(most + 1, sizeof(*w));
	/* A variant per reviewer and application: at most one per mark. */
	r->svar = mem_calloc(nmarks + 1, sizeof(*r->svar));
	r->svscore = mem_calloc(nmarks * nc + 1, sizeof(*r->svscore));
	vdec = mem_calloc(nmarks + 1, sizeof(*vdec));
	if (r->sidx == NULL || sa == NULL || order == NULL || v == NULL ||
	    vl == NULL || cons == NULL || x == NULL || w == NULL ||
	    r->svar == NULL || r->svscore == NULL || vdec == NULL)
		goto oom;
	for (j = 0; j < r->mk.nc; j++)
		cons[r->mk.c[j].app * nc + r->mk.c[j].crit] = 1;
	for (i = 0; i < r->n; i++) {
		r->sidx[i] = SIZE_MAX;
		if (!r->a[i].has_total)
			continue;
		r->sidx[i] = n;
		rank_view(r, i, &sa[n].r, v + n * 2 * k->ntb, vl + n * 2 * k->ntb);
		sa[n].award = r->a[i].cap;
		sa[n].dec = r->a[i].dec;
		n++;
	}
	for (j = 0; j < nranked; j++) {
		order[j] = r->sidx[out[j]];
		if (r->mk.start != NULL)
			variants(r, out[j], order[j], cons, x, w, &nv);
	}
	if ((r->sres = mem_calloc(n + 1, sizeof(*r->sres))) == NULL ||
	    sens_run(k, sa, n, order, nranked, r->svar, nv, vdec, r->sres) < 0)
		goto oom;
	rc = 0;
	goto done;
oom:
	diag_oom(err);
done:
	mem_free(sa);
	mem_free(order);
	mem_free(v);
	mem_free(vl);
	mem_free(cons);
	mem_free(x);
	mem_free(w);
	mem_free(vdec);
	return rc;
}

/* The unranked, by application_id, then their other columns, so that the
 * order of the input never shows. */
static int by_record(const void *pa, const void *pb)
{
	size_t i = *(const size_t *)pa, j = *(const size_t *)pb, c, li, lj;
	int d;

	for (c = 0; c < sort_r->nf; c++) {
		const char *x, *y;

		if ((long)c == sort_r->c_file || (long)c == sort_r->c_line)
			continue;
		x = field(sort_r, i, c, &li);
		y = field(sort_r, j, c, &lj);
		if ((d = bytes_cmp(x, li, y, lj)) != 0)
			return d;
	}
	for (c = 0; c < 2; c++) {
		long col = c == 0 ? sort_r->c_file : sort_r->c_line;
		const char *x, *y;

		if (col < 0)
			continue;
		x = field(sort_r, i, (size_t)col, &li);
		y = field(sort_r, j, (size_t)col, &lj);
		if (c == 1 && li != lj)
			return li < lj ? -1 : 1;
		if ((d = bytes_cmp(x, li, y, lj)) != 0)
			return d;
	}
	return (i > j) - (i < j);
}

/* An unranked record, with the first bytes of its application_id (the
 * first column by_record compares) big-endian, zero-padded: two different
 * keys order two records as by_record does, without reading them. */
struct unranked {
	uint64_t key;  /* the id's first 8 bytes */
	size_t i;      /* the record */
};

static int by_unranked(const void *pa, const void *pb)
{
	const struct unranked *a = pa, *b = pb;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return by_record(&a->i, &b->i);
}

/* Sorts the n records at rest by by_record.  Returns 0, or -1 when memory
 * ran out. */
static int sort_unranked(struct run *r, size_t *rest, size_t n)
{
	struct unranked *u = mem_calloc(n + 1, sizeof(*u));
	/* by_record starts with the first column unless that is a source
	 * column: then every key is 0 and by_record decides alone. */
	int keyed = r->c_file != 0 && r->c_line != 0;
	size_t i, j, len;

	if (u == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		const char *id = field(r, rest[i], 0, &len);

		u[i].i = rest[i];
		for (j = 0; keyed && j < 8; j++)
			u[i].key = u[i].key << 8 |
				   (j < len ? (unsigned char)id[j] : 0u);
	}
	sort_r = r;
	qsort(u, n, sizeof(*u), by_unranked);
	for (i = 0; i < n; i++)
		rest[i] = u[i].i;
	mem_free(u);
	return 0;
}

static void put(struct run *r, const char *s, size_t n)
{
	stream_out_field(r->st.out, s, n);
}

static void put_num(struct run *r, struct sbuf *b, int has, int64_t v,
		    unsigned scale)
{
	sbuf_reset(b);
	if (has)
		score_format(b, v, scale);
	put(r, sbuf_str(b), b->len);
}

/* The sensitivity columns of record i: empty unless it is ranked. */
static void write_sensitivity(struct run *r, size_t i, struct sbuf *b)
{
	const struct sens_result *q;
	const char *s;
	size_t c, n;

	if (r->a[i].rank == 0) {
		columns_added(COLUMNS_SENSITIVITY, &n);
		for (c = 0; c < n; c++)
			put(r, "", 0);
		return;
	}
	q = &r->sres[r->sidx[i]];
	if (q->variant >= 0) {
		put(r, r->svar[q->variant].reviewer, r->svar[q->variant].len);
		s = score_decision_name(q->vdec);
		put(r, s, strlen(s));
	} else {
		put(r, "", 0);
		put(r, "", 0);
	}
	if (q->crit >= 0) {
		put_num(r, b, 1, q->percent, 2);
		s = r->k->items[q->crit].id;
		put(r, s, strlen(s));
		s = score_decision_name(q->wdec);
		put(r, s, strlen(s));
	} else {
		put(r, "", 0);
		put(r, "", 0);
		put(r, "", 0);
	}
	put_num(r, b, q->has_margin, q->margin, SCORE_SCALE);
}

static int write_record(struct run *r, size_t i, struct sbuf *b,
			struct diag *err)
{
	const struct criteria *k = r->k;
	const struct app *p = &r->a[i];
	size_t c, len, nc = k->nitems;
	const char *s;

	for (c = 0; c < r->nf; c++) {
		s = field(r, i, c, &len);
		if ((long)c == r->c_findings && p->extra != NULL) {
			sbuf_reset(b);
			if (finding_join(b, s, len) < 0 ||
			    finding_join(b, p->extra, strlen(p->extra)) < 0)
				return diag_oom(err);
			put(r, b->data, b->len);
		} else if ((long)c == r->c_admissible && p->made_inadmissible) {
			put(r, "no", 2);
		} else {
			put(r, s, len);
		}
	}
	for (c = 0; c < nc; c++) {
		put_num(r, b, r->has[i * nc + c], r->score[i * nc + c],
			SCORE_SCALE);
		if (k->items[c].source == CRITERIA_REVIEWS)
			put_num(r, b, r->has_spread[i * nc + c],
				r->spread[i * nc + c], SCORE_SCALE);
	}
	put_num(r, b, p->has_total, p->total, SCORE_SCALE);
	sbuf_reset(b);
	if (p->rank > 0 && sbuf_addu(b, (unsigned long long)p->rank) < 0)
		return diag_oom(err);
	put(r, sbuf_str(b), b->len);
	s = p->reason >= 0 ? k->tb[p->reason].reason : "";
	put(r, s, strlen(s));
	s = score_decision_name(p->dec);
	put(r, s, strlen(s));
	put_num(r, b, 1, p->award, SCORE_MONEY_SCALE);
	if (r->dec != NULL) {
		sbuf_reset(b);
		if (decisions_by(r->dec, &r->dv[i], b) < 0)
			return diag_oom(err);
		put(r, sbuf_str(b), b->len);
		s = decisions_reason(r->dec, &r->dv[i]);
		put(r, s, strlen(s));
	}
	if (r->o->sensitivity)
		write_sensitivity(r, i, b);
	stream_out_end_record(r->st.out);
	return stream_out_failed(r->st.out, err);
}

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');

	return b != NULL && b[1] ? b + 1 : path;
}

/* The added columns' names, in one buffer; *names points into it. */
static int added_columns(const struct criteria *k, int decided,
			 int sensitivity, struct sbuf *buf, const char ***names,
			 size_t *n)
{
	size_t c, i, cnt = 0, ntail, ndec, nsens = 0;
	const char *const *tail = columns_added(COLUMNS_SCORE, &ntail);
	const char *const *dec = columns_added(COLUMNS_DECIDE, &ndec);
	const char *const *sens = columns_added(COLUMNS_SENSITIVITY, &nsens);
	const char **nm;
	const char *p;

	sbuf_reset(buf);
	for (c = 0; c < k->nitems; c++) {
		if (columns_score(buf, k->items[c].id) < 0 ||
		    sbuf_addc(buf, '\0') < 0)
			return -1;
		cnt++;
		if (k->items[c].source == CRITERIA_REVIEWS) {
			if (columns_spread(buf, k->items[c].id) < 0 ||
			    sbuf_addc(buf, '\0') < 0)
				return -1;
			cnt++;
		}
	}
	for (i = 0; i < ntail + (decided ? ndec : 0); i++) {
		if (sbuf_adds(buf, i < ntail ? tail[i] : dec[i - ntail]) < 0 ||
		    sbuf_addc(buf, '\0') < 0)
			return -1;
		cnt++;
	}
	for (i = 0; sensitivity && i < nsens; i++) {
		if (sbuf_adds(buf, sens[i]) < 0 || sbuf_addc(buf, '\0') < 0)
			return -1;
		cnt++;
	}
	if ((nm = mem_calloc(cnt, sizeof(*nm))) == NULL)
		return -1;
	for (i = 0, p = buf->data; i < cnt; i++, p += strlen(p) + 1)
		nm[i] = p;
	*names = nm;
	*n = cnt;
	return 0;
}

/* Finds the columns the scoring needs. */
static int columns(struct run *r, struct diag *err)
{
	const struct criteria *k = r->k;
	size_t c;
	long *tb;

	r->nf = stream_in_header(r->st.src.in)->n;
	r->c_findings = stream_in_column(r->st.src.in, columns_name(COLUMN_FINDINGS));
	r->c_admissible = stream_in_column(r->st.src.in,
					   columns_name(COLUMN_ADMISSIBLE));
	r->c_file = stream_in_column(r->st.src.in, columns_name(COLUMN_SOURCE_FILE));
	r->c_line = stream_in_column(r->st.src.in, columns_name(COLUMN_SOURCE_LINE));
	if (r->c_findings < 0 || r->c_admissible < 0)
		return diag_set(err, AAP_EDATA, r->st.src.name, 1,
				"the stream has no column \"%s\": did "
				"aap-validate run?", columns_name(r->c_findings < 0 ?
				COLUMN_FINDINGS : COLUMN_ADMISSIBLE));
	r->c_amount = stream_in_column(r->st.src.in, k->amount_field);
	r->c_cost = stream_in_column(r->st.src.in, k->cost_field);
	r->c_rate = k->rate_field ? stream_in_column(r->st.src.in, k->rate_field) : -1;
	r->c_band = mem_calloc(k->nitems, sizeof(*r->c_band));
	r->c_tb = tb = mem_calloc(2 * k->ntb + 1, sizeof(*r->c_tb));
	r->c_unique = mem_calloc(k->nunique + 1, sizeof(*r->c_unique));
	if (r->c_band == NULL || tb == NULL || r->c_unique == NULL)
		return diag_oom(err);
	for (c = 0; c < k->nitems; c++)
		r->c_band[c] = k->items[c].field ?
			stream_in_column(r->st.src.in, k->items[c].field) : -1;
	for (c = 0; c < k->ntb; c++) {
		tb[2 * c] = k->tb[c].field ?
			stream_in_column(r->st.src.in, k->tb[c].field) : -1;
		tb[2 * c + 1] = k->tb[c].field2 ?
			stream_in_column(r->st.src.in, k->tb[c].field2) : -1;
	}
	for (c = 0; c < k->nunique; c++)
		r->c_unique[c] = stream_in_column(r->st.src.in, k->unique[c]);
	/* stage_open checked that every field of the call is a column. */
	return 0;
}

static int side_files(struct run *r, struct sbuf *extra, struct diag *err)
{
	const struct score_opts *o = r->o;
	const char *path[COLUMNS_NSIDE];
	struct marks_ctx x;
	char sha[COLUMNS_NSIDE][65] = { "", "", "", "" };
	unsigned char *scored = NULL;
	size_t k;
	int rc = -1;

	x.k = r->k;
	x.napps = r->n;
	x.lookup = lookup;
	x.lookup_ctx = r;
	x.sink = o->sink;
	/* Only the marks of the applications that are scored must come from
	 * their assigned reviewers. */
	if (o->assignments != NULL) {
		if ((scored = mem_calloc(r->n + 1, 1)) == NULL)
			return diag_oom(err);
		for (k = 0; k < r->n; k++)
			scored[k] = r->a[k].dec != SCORE_INADMISSIBLE;
		if (marks_read_assignments(&r->mk, &x, o->assignments, scored,
					   sha[COLUMNS_ASSIGNMENTS], err) < 0)
			goto done;
	}
	if (marks_read(&r->mk, &x, o->reviews, r->ahead, o->consensus,
		       o->conflicts, sha[COLUMNS_REVIEWS], sha[COLUMNS_CONSENSUS],
		       sha[COLUMNS_CONFLICTS], err) < 0)
		goto done;
	if (r->dec != NULL &&
	    decisions_read(r->dec, r->n, lookup, r, sha[COLUMNS_DECISIONS],
			   err) < 0)
		goto done;
	if (r->mk.nbad > 0) {
		unsigned long nbad = r->mk.nbad + (r->dec ? r->dec->nbad : 0);

		if (r->dec != NULL)
			decisions_report(r->dec, o->sink);
		diag_set(err, AAP_EDATA, NULL, 0,
			 "%lu bad line%s in the side files: nothing was scored",
			 nbad, nbad > 1 ? "s" : "");
		diag_hint(err, "a ranking built on a wrong mark is worse than "
			  "none; correct the lines above");
		goto done;
	}
	if (marks_unmarked(&r->mk, &x) < 0) {
		diag_oom(err);
		goto done;
	}
	path[COLUMNS_REVIEWS] = o->reviews;
	path[COLUMNS_CONSENSUS] = o->consensus;
	path[COLUMNS_CONFLICTS] = o->conflicts;
	path[COLUMNS_ASSIGNMENTS] = o->assignments;
	path[COLUMNS_DECISIONS] = o->decisions;
	for (k = 0; k < COLUMNS_NSIDE; k++)
		if (path[k] != NULL &&
		    prov_token_file(extra, columns_side((enum columns_side)k)->role,
				    base_name(path[k]), sha[k]) < 0) {
			diag_oom(err);
			goto done;
		}
	rc = 0;
done:
	mem_free(scored);
	return rc;
}

static void run_free(struct run *r)
{
	struct chunk *c, *next;
	size_t i;

	for (i = 0; i < r->n; i++)
		mem_free(r->a[i].extra);
	for (c = r->chunks; c != NULL; c = next) {
		next = c->next;
		mem_free(c);
	}
	mem_free(r->a);
	htab_fini(&r->byid.index);
	mem_free(r->idflag);
	mem_free(r->c_band);
	mem_free(r->c_tb);
	mem_free(r->c_unique);
	mem_free(r->score);
	mem_free(r->has);
	mem_free(r->spread);
	mem_free(r->has_spread);
	marks_ahead_free(r->ahead);
	marks_fini(&r->mk);
	if (r->dec != NULL)
		decisions_fini(r->dec);
	mem_free(r->dv);
	mem_free(r->sidx);
	mem_free(r->sres);
	mem_free(r->svar);
	mem_free(r->svscore);
}

int score_run(const struct score_opts *o, struct diag *err)
{
	struct run r;
	struct sbuf extra, names, b;
	const char **cols = NULL;
	size_t ncols = 0, nranked = 0, i, *out = NULL, *rest = NULL, nrest = 0;
	enum read_result rr;
	struct diag early;
	struct decisions dec;
	int rc = -1, early_rc;

	memset(&r, 0, sizeof(r));
	r.o = o;
	r.k = o->k;
	marks_init(&r.mk);
	if (o->decisions != NULL) {
		decisions_init(&dec, o->decisions);
		r.dec = &dec;
	}
	/* The reviews file is the larger input: it is parsed while the
	 * stream is read.  What it says waits for the stream (side_files),
	 * and without a thread it is read there. */
	if (o->reviews != NULL)
		r.ahead = marks_ahead_start(r.k, o->reviews, 1);
	sbuf_init(&extra);
	sbuf_init(&names);
	sbuf_init(&b);
	if (stage_open(&r.st, "aap-score", o->call, o->input, STDOUT_FILENO,
		       "standard output", o->check, o->plain, err) < 0 || columns(&r, err) < 0)
		goto done;
	if (added_columns(r.k, o->decisions != NULL, o->sensitivity, &names,
			  &cols, &ncols) < 0) {
		diag_oom(err);
		goto done;
	}
	for (i = 0; i < ncols; i++)
		if (stream_in_column(r.st.src.in, cols[i]) >= 0) {
			diag_set(err, AAP_EDATA, r.st.src.name, 1,
				 "the stream already has a column \"%s\": did "
				 "aap-score run twice?", cols[i]);
			goto done;
		}
	while ((rr = stream_in_next(r.st.src.in, err)) == READ_RECORD)
		if (keep_record(&r, err) < 0)
			goto done;
	if (rr == READ_ERROR || index_ids(&r, err) < 0)
		goto done;
	/* What needs only the batch is done while the reviews file may still
	 * be read.  It fails only when memory runs out, and that is said
	 * after the side files' messages, where it always was. */
	diag_clear(&early);
	early_rc = check_unique(&r, &early) < 0 || admit(&r, &early) < 0 ? -1 : 0;
	if (side_files(&r, &extra, err) < 0)
		goto done;
	if (early_rc < 0) {
		*err = early;
		goto done;
	}
	if (score_all(&r, err) < 0)
		goto done;
	out = mem_calloc(r.n + 1, sizeof(*out));
	if (out == NULL) {
		diag_oom(err);
		goto done;
	}
	if (rank_and_fund(&r, out, &nranked, err) < 0 ||
	    (r.dec != NULL && decide(&r, out, &nranked, err) < 0) ||
	    (o->sensitivity && sensitivity(&r, out, nranked, err) < 0))
		goto done;
	rest = out + nranked;
	for (i = 0; i < r.n; i++)
		if (r.a[i].rank == 0)
			rest[nrest++] = i;
	if (sort_unranked(&r, rest, nrest) < 0) {
		diag_oom(err);
		goto done;
	}
	if (nranked == 0)
		r.left = r.k->envelope;
	if (stage_begin(&r.st, &extra, cols, ncols, err) < 0)
		goto done;
	for (i = 0; i < r.n; i++)
		if (write_record(&r, out[i], &b, err) < 0)
			goto done;
	sbuf_reset(&extra);
	sbuf_reset(&b);
	if (score_format(&b, r.k->envelope, 2) < 0 ||
	    prov_token(&extra, PROV_ENVELOPE, b.data) < 0)
		goto oom;
	sbuf_reset(&b);
	if (score_format(&b, r.granted, 2) < 0 ||
	    prov_token(&extra, PROV_GRANTED, b.data) < 0)
		goto oom;
	sbuf_reset(&b);
	if (score_format(&b, r.left, 2) < 0 ||
	    prov_token(&extra, PROV_LEFT, b.data) < 0)
		goto oom;
	rc = stage_finish(&r.st, &extra, err);
	goto done;
oom:
	diag_oom(err);
done:
	stage_close(&r.st);
	run_free(&r);
	mem_free(out);
	mem_free(cols);
	sbuf_fini(&extra);
	sbuf_fini(&names);
	sbuf_fini(&b);
	return rc;
}
