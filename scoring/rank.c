/* rank.c - the ranking: by total, each group of equal totals ordered by
 * the call's tie-break chain one placement at a time, so that a coverage
 * step can count only what the applications ranked above leave new. */
#include <stdlib.h>
#include <string.h>

#include "htab.h"
#include "mem.h"
#include "norm.h"
#include "rank.h"

/* A set of byte strings (the values covered so far). */
struct rank_set {
	const char **p;     /* the items (not owned: they live in the batch) */
	size_t *len;        /* their lengths */
	size_t n, cap;      /* used, allocated */
	struct htab index;  /* the items by their bytes */
};

static int item_cmp(const char *a, size_t la, const char *b, size_t lb)
{
	int c = memcmp(a, b, la < lb ? la : lb);

	if (c != 0)
		return c;
	return la < lb ? -1 : la > lb;
}

/* The bytes of item id of the set ctx (htab_key_fn). */
static const void *set_key(const void *ctx, size_t id, size_t *n)
{
	const struct rank_set *s = ctx;

	*n = s->len[id];
	return s->p[id];
}

/* 1 when s holds the n bytes at p. */
static int set_has(const struct rank_set *s, const char *p, size_t n)
{
	return htab_find(&s->index, p, n) != (size_t)-1;
}

static int set_add(struct rank_set *s, const char *p, size_t n)
{
	size_t first;
	int r;

	if (s->n == s->cap) {
		size_t c = s->cap ? s->cap * 2 : 32;
		const char **np = mem_realloc(s->p, c * sizeof(*np));
		size_t *nl;

		if (np == NULL)
			return -1;
		s->p = np;
		if ((nl = mem_realloc(s->len, c * sizeof(*nl))) == NULL)
			return -1;
		s->len = nl;
		s->cap = c;
	}
	if ((r = htab_put(&s->index, p, n, s->n, &first)) != 0)
		return r < 0 ? -1 : 0;
	s->p[s->n] = p;
	s->len[s->n] = n;
	s->n++;
	return 0;
}

int rank_next_item(const char *v, size_t n, size_t *pos, const char **item,
		   size_t *len)
{
	const char *end = v + n, *p, *q, *r;
	int found;

	while (*pos < n) {
		p = v + *pos;
		q = memchr(p, '|', (size_t)(end - p));
		if (q == NULL)
			q = end;
		*pos = (size_t)(q - v) + 1;
		if (q == p)
			continue;
		/* An item repeated in one value counts once. */
		for (found = 0, r = v; !found && r < p;) {
			const char *e = memchr(r, '|', (size_t)(p - r));

			if (e == NULL)
				e = p;
			found = item_cmp(r, (size_t)(e - r), p, (size_t)(q - p)) == 0;
			r = e + 1;
		}
		if (!found) {
			*item = p;
			*len = (size_t)(q - p);
			return 1;
		}
	}
	return 0;
}

/* Counts the items of the list v (n bytes, '|'-separated) not in s, each
 * distinct item once; with add, puts them in s.  Returns the count, or -1
 * when memory ran out. */
static long coverage(struct rank_set *s, const char *v, size_t n, int add)
{
	const char *item;
	size_t pos = 0, len;
	long count = 0;

	while (rank_next_item(v, n, &pos, &item, &len))
		if (!set_has(s, item, len)) {
			count++;
			if (add && set_add(s, item, len) < 0)
				return -1;
		}
	return count;
}

/* Days from 0000-03-01 of a proleptic Gregorian date. */
static int64_t days(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	return 365 * y + y / 4 - y / 100 + y / 400 +
	       (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
}

static int digits(const char *s, size_t n, int64_t *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* A datetime's instant in seconds ("YYYY-MM-DDTHH:MM:SS", optionally
 * "+HH:MM"; without an offset it is read as UTC). */
static int instant(const char *s, size_t n, int64_t *t)
{
	int64_t y, mo, d, h, mi, se, oh = 0, om = 0;

	if ((n != 19 && n != 25) || s[4] != '-' || s[7] != '-' ||
	    s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
	    digits(s, 4, &y) < 0 || digits(s + 5, 2, &mo) < 0 ||
	    digits(s + 8, 2, &d) < 0 || digits(s + 11, 2, &h) < 0 ||
	    digits(s + 14, 2, &mi) < 0 || digits(s + 17, 2, &se) < 0)
		return -1;
	if (n == 25) {
		if ((s[19] != '+' && s[19] != '-') || s[22] != ':' ||
		    digits(s + 20, 2, &oh) < 0 || digits(s + 23, 2, &om) < 0)
			return -1;
		if (s[19] == '-') {
			oh = -oh;
			om = -om;
		}
	}
	*t = days(y, mo, d) * 86400 + h * 3600 + mi * 60 + se -
	     oh * 3600 - om * 60;
	return 0;
}

/* A field value as a comparable number: 0 when it is one. */
static int field_key(enum field_type ty, const char *s, size_t n, int64_t *v)
{
	unsigned scale;

	switch (ty) {
	case FIELD_INTEGER:
		scale = 0;
		break;
	case FIELD_MONEY:
		scale = 2;
		break;
	case FIELD_RATE:
		scale = 6;
		break;
	case FIELD_DECIMAL:
		scale = 9;
		break;
	case FIELD_DATETIME:
		return instant(s, n, v);
	default:
		return 1;
	}
	return norm_parse_fixed(s, n, scale, v) == NORM_OK ? 0 : -1;
}

int rank_step_cmp(const struct criteria *k, size_t s,
		  const struct rank_app *x, const struct rank_app *y, long cx,
		  long cy)
{
	const struct criteria_tiebreak *t = &k->tb[s];
	const char *vi = x->v[2 * s], *vj = y->v[2 * s];
	size_t li = x->vlen[2 * s], lj = y->vlen[2 * s];
	int64_t p, q;
	int ri, rj, c;

	switch (t->kind) {
	case CRITERIA_TB_SCORE:
		p = x->score[t->crit];
		q = y->score[t->crit];
		return p > q ? -1 : p < q;
	case CRITERIA_TB_COVERAGE:
		return cx > cy ? -1 : cx < cy;
	case CRITERIA_TB_ID:
		return item_cmp(x->id, x->idlen, y->id, y->idlen);
	case CRITERIA_TB_FIELD:
		/* Empty or unreadable values go last, whatever the direction. */
		if (li == 0 || lj == 0)
			return (li == 0) - (lj == 0);
		ri = field_key(t->ftype, vi, li, &p);
		rj = field_key(t->ftype, vj, lj, &q);
		if (ri < 0 || rj < 0)
			return (ri < 0) - (rj < 0);
		if (ri == 0)
			c = p < q ? -1 : p > q;
		else
			c = item_cmp(vi, li, vj, lj);
		return t->desc ? -c : c;
	case CRITERIA_TB_BALANCE: {
		int64_t wi, wj, mi, mj;
		int oki, okj;
		score_wide di, dj;

		oki = norm_parse_fixed(vi, li, 0, &wi) == NORM_OK &&
		      norm_parse_fixed(x->v[2 * s + 1], x->vlen[2 * s + 1],
				       0, &mi) == NORM_OK &&
		      wi >= 0 && mi >= 0 && wi + mi > 0;
		okj = norm_parse_fixed(vj, lj, 0, &wj) == NORM_OK &&
		      norm_parse_fixed(y->v[2 * s + 1], y->vlen[2 * s + 1],
				       0, &mj) == NORM_OK &&
		      wj >= 0 && mj >= 0 && wj + mj > 0;
		if (!oki || !okj)
			return !oki - !okj;
		/* |w - m| / (w + m), compared by cross-multiplication. */
		di = (score_wide)(wi > mi ? wi - mi : mi - wi) * (wj + mj);
		dj = (score_wide)(wj > mj ? wj - mj : mj - wj) * (wi + mi);
		return di < dj ? -1 : di > dj;
	}
	}
	return 0;
}

/* The first step at which i and j differ; *c gets its verdict. */
static long first_diff(const struct criteria *k, const struct rank_app *a,
		       size_t i, size_t j, long *const *cov, int *c)
{
	size_t s;

	for (s = 0; s < k->ntb; s++) {
		*c = rank_step_cmp(k, s, &a[i], &a[j],
				   cov[s] != NULL ? cov[s][i] : 0,
				   cov[s] != NULL ? cov[s][j] : 0);
		if (*c != 0)
			return (long)s;
	}
	*c = 0;
	return -1;
}

static const struct rank_app *sort_a;
static const struct criteria *sort_k;
static size_t sort_steps;

static int by_total(const void *pa, const void *pb)
{
	const struct rank_app *a = &sort_a[*(const size_t *)pa];
	const struct rank_app *b = &sort_a[*(const size_t *)pb];

	if (a->total != b->total)
		return a->total > b->total ? -1 : 1;
	return item_cmp(a->id, a->idlen, b->id, b->idlen);
}

/* Orders by the steps before the first coverage step (they never change
 * as applications are placed), then by id. */
static int by_static(const void *pa, const void *pb)
{
	size_t i = *(const size_t *)pa, j = *(const size_t *)pb, s;
	int c;

	for (s = 0; s < sort_steps; s++)
		if ((c = rank_step_cmp(sort_k, s, &sort_a[i], &sort_a[j], 0,
				       0)) != 0)
			return c;
	return item_cmp(sort_a[i].id, sort_a[i].idlen, sort_a[j].id,
			sort_a[j].idlen);
}

/* 1 when i and j agree on the steps before the first coverage step. */
static int same_static(const struct criteria *k, const struct rank_app *a,
		       size_t steps, size_t i, size_t j)
{
	size_t s;

	for (s = 0; s < steps; s++)
		if (rank_step_cmp(k, s, &a[i], &a[j], 0, 0) != 0)
			return 0;
	return 1;
}

size_t rank_static_steps(const struct criteria *k)
{
	size_t s = 0;

	while (s < k->ntb && k->tb[s].kind != CRITERIA_TB_COVERAGE)
		s++;
	return s;
}

int rank_cmp_static(const struct criteria *k, const struct rank_app *x,
		    const struct rank_app *y)
{
	size_t s, steps = rank_static_steps(k);
	int c;

	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	for (s = 0; s < steps; s++)
		if ((c = rank_step_cmp(k, s, x, y, 0, 0)) != 0)
			return c;
	return 0;
}

/* Places order[sg..se), candidates of one group that agree on every step
 * before the first coverage step, one at a time: the coverage counts are
 * worked out afresh before each placement.  reason[] gets what placed
 * each one before the next.  Returns 0, or -1 when memory ran out. */
static int place(const struct criteria *k, const struct rank_app *a,
		 size_t *order, size_t sg, size_t se, struct rank_set *sets,
		 long *const *cov, long *diff, long *reason)
{
	size_t pos, i, s;
	int c;

	for (pos = sg; pos < se; pos++) {
		size_t best = pos;

		for (s = 0; s < k->ntb; s++) {
			if (cov[s] == NULL)
				continue;
			for (i = pos; i < se; i++) {
				long v = coverage(&sets[s],
						  a[order[i]].v[2 * s],
						  a[order[i]].vlen[2 * s], 0);

				if (v < 0)
					return -1;
				cov[s][order[i]] = v;
			}
		}
		for (i = pos + 1; i < se; i++) {
			first_diff(k, a, order[i], order[best], cov, &c);
			if (c < 0)
				best = i;
		}
		if (best != pos) {
			size_t t = order[pos];

			order[pos] = order[best];
			order[best] = t;
		}
		/* What placed the previous one before this one was
		 * decided when it was placed. */
		if (pos > sg)
			reason[pos - 1] = diff[order[pos]];
		reason[pos] = -1;
		for (i = pos + 1; i < se; i++)
			diff[order[i]] = first_diff(k, a, order[pos],
						    order[i], cov, &c);
		for (s = 0; s < k->ntb; s++)
			if (cov[s] != NULL &&
			    coverage(&sets[s], a[order[pos]].v[2 * s],
				     a[order[pos]].vlen[2 * s], 1) < 0)
				return -1;
	}
	return 0;
}

int rank_order(const struct criteria *k, const struct rank_app *a, size_t n,
	       size_t *order, long *reason)
{
	struct rank_set *sets = mem_calloc(k->ntb + 1, sizeof(*sets));
	long **cov = mem_calloc(k->ntb + 1, sizeof(*cov));
	long *diff = mem_calloc(n + 1, sizeof(*diff));
	size_t g, e, sg, se, i, s, steps;
	int rc = -1, c;

	if (sets == NULL || cov == NULL || diff == NULL)
		goto done;
	for (s = 0; s < k->ntb; s++)
		htab_init(&sets[s].index, set_key, &sets[s]);
	for (s = 0; s < k->ntb; s++)
		if (k->tb[s].kind == CRITERIA_TB_COVERAGE &&
		    (cov[s] = mem_calloc(n + 1, sizeof(**cov))) == NULL)
			goto done;
	for (i = 0; i < n; i++)
		order[i] = i;
	sort_a = a;
	sort_k = k;
	qsort(order, n, sizeof(*order), by_total);
	/* The steps before the first coverage step (all of them without one)
	 * order the candidates of a group once and for all: whoever comes
	 * next is among those that lead on them.  Only these few are
	 * compared afresh after each placement. */
	steps = rank_static_steps(k);
	sort_steps = steps;
	for (g = 0; g < n; g = e) {
		for (e = g; e < n && a[order[e]].total == a[order[g]].total; e++)
			;
		if (e - g > 1)
			qsort(order + g, e - g, sizeof(*order), by_static);
		for (sg = g; sg < e; sg = se) {
			for (se = sg + 1; se < e &&
			     same_static(k, a, steps, order[sg], order[se]); se++)
				;
			/* A step before coverage tells this one from the last. */
			if (sg > g)
				reason[sg - 1] = first_diff(k, a, order[sg - 1],
							    order[sg], cov, &c);
			if (place(k, a, order, sg, se, sets, cov, diff,
				  reason) < 0)
				goto done;
		}
	}
	rc = 0;
done:
	for (s = 0; sets != NULL && s < k->ntb; s++) {
		htab_fini(&sets[s].index);
		mem_free(sets[s].p);
		mem_free(sets[s].len);
	}
	for (s = 0; cov != NULL && s < k->ntb; s++)
		mem_free(cov[s]);
	mem_free(sets);
	mem_free(cov);
	mem_free(diff);
	return rc;
}
