/* sensitivity.c - how fragile each decision is (docs/scoring.md,
 * Sensitivity): an application moved alone, placed among the others as
 * the ranking's rules place it, the envelope walked again only where its
 * move changes the walk; and the whole batch re-ranked for each weight. */
#include <string.h>

#include "htab.h"
#include "mem.h"
#include "sensitivity.h"

/* The first two positions of the ranking whose list value holds an item
 * of one coverage step, by item. */
struct cover {
	const char **p;       /* the items (not owned: in the batch) */
	size_t *len;          /* their lengths */
	size_t *first;        /* the first position covering each */
	size_t *second;       /* the next one, or SIZE_MAX */
	size_t n, cap;        /* used, allocated */
	struct htab index;    /* the items by their bytes */
};

/* Everything the placement of one moved application needs. */
struct ctx {
	const struct criteria *k;
	const struct sens_app *a;
	const size_t *order;             /* the ranking, m entries */
	size_t m;
	size_t steps;                    /* rank_static_steps */
	struct cover *cov;               /* per tie-break step (coverage) */
	struct envelope_state *base;     /* m + 1: the walk before each
					    position */
	size_t *gap;                     /* m + 1: the first position from
					    there that the walk did not fund
					    whole, or m */
};

static const void *cover_key(const void *ctx, size_t id, size_t *n)
{
	const struct cover *c = ctx;

	*n = c->len[id];
	return c->p[id];
}

/* Records that position pos covers the item (n bytes at p). */
static int cover_add(struct cover *c, const char *p, size_t n, size_t pos)
{
	size_t id, first;
	int r;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		const char **np = mem_realloc(c->p, cap * sizeof(*np));
		size_t *nl, *nf, *ns;

		if (np == NULL)
			return -1;
		c->p = np;
		if ((nl = mem_realloc(c->len, cap * sizeof(*nl))) == NULL)
			return -1;
		c->len = nl;
		if ((nf = mem_realloc(c->first, cap * sizeof(*nf))) == NULL)
			return -1;
		c->first = nf;
		if ((ns = mem_realloc(c->second, cap * sizeof(*ns))) == NULL)
			return -1;
		c->second = ns;
		c->cap = cap;
	}
	c->p[c->n] = p;
	c->len[c->n] = n;
	if ((r = htab_put(&c->index, p, n, c->n, &first)) < 0)
		return -1;
	if (r == 0) {
		id = c->n++;
		c->first[id] = pos;
		c->second[id] = SIZE_MAX;
	} else if (c->second[first] == SIZE_MAX && c->first[first] != pos) {
		c->second[first] = pos;
	}
	return 0;
}

/* The items of list value v (n bytes) that no position before before,
 * other than skip, covers: the coverage count there. */
static long cover_count(const struct cover *c, const char *v, size_t n,
			size_t before, size_t skip)
{
	const char *item;
	size_t pos = 0, len, id, at;
	long count = 0;

	while (rank_next_item(v, n, &pos, &item, &len)) {
		id = htab_find(&c->index, item, len);
		if (id == (size_t)-1) {
			count++;
			continue;
		}
		at = c->first[id] != skip ? c->first[id] : c->second[id];
		count += at >= before;
	}
	return count;
}

/* Where x, application i of the ranking at position self moved, goes
 * among the others: how many of them rank above it.  The others keep
 * their order; among those it ties with on total and on the steps before
 * the first coverage step, it goes before the first one it precedes by
 * the rest of the chain, the coverage counted against everything above
 * that place. */
static size_t place(const struct ctx *c, const struct rank_app *x,
		    size_t self)
{
	size_t lo = 0, hi = c->m - 1, mid, t, s, pos;
	size_t lo2, hi2;

	/* Others strictly above x: a prefix of the ranking without self. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		pos = mid < self ? mid : mid + 1;
		if (rank_cmp_static(c->k, &c->a[c->order[pos]].r, x) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (c->steps == c->k->ntb)
		return lo;
	lo2 = lo;
	hi2 = c->m - 1;
	while (lo2 < hi2) {
		mid = lo2 + (hi2 - lo2) / 2;
		pos = mid < self ? mid : mid + 1;
		if (rank_cmp_static(c->k, &c->a[c->order[pos]].r, x) <= 0)
			lo2 = mid + 1;
		else
			hi2 = mid;
	}
	for (t = lo; t < lo2; t++) {
		const struct rank_app *o;
		int cmp = 0;

		pos = t < self ? t : t + 1;
		o = &c->a[c->order[pos]].r;
		for (s = c->steps; s < c->k->ntb && cmp == 0; s++) {
			long cx = 0, co = 0;

			if (c->k->tb[s].kind == CRITERIA_TB_COVERAGE) {
				cx = cover_count(&c->cov[s], x->v[2 * s],
						 x->vlen[2 * s], pos, self);
				co = cover_count(&c->cov[s], o->v[2 * s],
						 o->vlen[2 * s], pos, self);
			}
			cmp = rank_step_cmp(c->k, s, x, o, cx, co);
		}
		if (cmp < 0)
			return t;
	}
	return lo2;
}

/* The walk's state before the idx-th of the ranking without position
 * self: the walk of the ranking itself up to self, then walked again
 * from there without self.  It skips a stretch the walk funded whole
 * while it has at least as much left (it funds that stretch whole too),
 * and stops walking once it is in the state the walk was in. */
static struct envelope_state state_before(const struct ctx *c, size_t self,
					  size_t idx)
{
	struct envelope_state st;
	size_t j, end = idx + 1, g;
	int64_t granted;

	if (idx <= self)
		return c->base[idx];
	st = c->base[self];
	for (j = self + 1; j < end;) {
		const struct envelope_state *b = &c->base[j];

		if (!st.walking) {
			/* Nothing more is funded. */
			st.unfunded += end - j;
			break;
		}
		if (st.rest == b->rest && st.walking == b->walking) {
			unsigned long off = st.unfunded - b->unfunded;

			st = c->base[end];
			st.unfunded += off;
			return st;
		}
		if (st.walking && b->walking && st.rest >= b->rest &&
		    (g = c->gap[j]) > j) {
			if (g > end)
				g = end;
			st.rest = c->base[g].rest + (st.rest - b->rest);
			j = g;
			continue;
		}
		envelope_step(c->k, &st, c->a[c->order[j]].award, &granted);
		j++;
	}
	return st;
}

/* The decision x (application self of the ranking, moved) gets. */
static enum score_decision decide(const struct ctx *c, const struct rank_app *x,
				  size_t self)
{
	struct envelope_state st = state_before(c, self, place(c, x, self));
	int64_t granted;

	return envelope_step(c->k, &st, c->a[c->order[self]].award, &granted);
}

/* Fills c's index of coverage and the walk before each position. */
static int prepare(struct ctx *c)
{
	const struct criteria *k = c->k;
	size_t s, p, pos, len;
	const char *item;
	int64_t granted;

	c->steps = rank_static_steps(k);
	c->cov = mem_calloc(k->ntb + 1, sizeof(*c->cov));
	c->base = mem_calloc(c->m + 1, sizeof(*c->base));
	c->gap = mem_calloc(c->m + 1, sizeof(*c->gap));
	if (c->cov == NULL || c->base == NULL || c->gap == NULL)
		return -1;
	for (s = 0; s < k->ntb; s++)
		htab_init(&c->cov[s].index, cover_key, &c->cov[s]);
	for (s = 0; s < k->ntb; s++) {
		if (k->tb[s].kind != CRITERIA_TB_COVERAGE)
			continue;
		for (p = 0; p < c->m; p++) {
			const struct rank_app *r = &c->a[c->order[p]].r;

			pos = 0;
			while (rank_next_item(r->v[2 * s], r->vlen[2 * s], &pos,
					      &item, &len))
				if (cover_add(&c->cov[s], item, len, p) < 0)
					return -1;
		}
	}
	envelope_start(k, &c->base[0]);
	for (p = 0; p < c->m; p++) {
		int64_t w = c->a[c->order[p]].award;

		c->base[p + 1] = c->base[p];
		envelope_step(k, &c->base[p + 1], w, &granted);
		c->gap[p] = granted == w && c->base[p].walking ? 1 : 0;
	}
	/* gap[p]: from a flag to the first position from p not funded whole. */
	c->gap[c->m] = c->m;
	for (p = c->m; p-- > 0;)
		c->gap[p] = c->gap[p] ? c->gap[p + 1] : p;
	return 0;
}

static void ctx_fini(struct ctx *c)
{
	size_t s;

	for (s = 0; c->cov != NULL && s < c->k->ntb; s++) {
		htab_fini(&c->cov[s].index);
		mem_free(c->cov[s].p);
		mem_free(c->cov[s].len);
		mem_free(c->cov[s].first);
		mem_free(c->cov[s].second);
	}
	mem_free(c->cov);
	mem_free(c->base);
	mem_free(c->gap);
}

static int64_t distance(int64_t x, int64_t y)
{
	return x > y ? x - y : y - x;
}

static int bytes_cmp(const char *a, size_t la, const char *b, size_t lb)
{
	int c = memcmp(a, b, la < lb ? la : lb);

	if (c != 0)
		return c;
	return la < lb ? -1 : la > lb;
}

/* One reviewer left out, for every variant; res[] gets, per application,
 * the variant that changes its decision and moves its total furthest
 * (then the reviewer first bytewise). */
static void reviewers(const struct ctx *c, const size_t *where,
		      const struct sens_variant *v, size_t nv,
		      enum score_decision *vdec, int64_t *vtotal,
		      struct sens_result *res)
{
	size_t j;

	for (j = 0; j < nv; j++) {
		const struct sens_app *p = &c->a[v[j].app];
		struct rank_app x = p->r;
		struct sens_result *r = &res[v[j].app];
		int64_t total;

		vdec[j] = p->dec;
		if (where[v[j].app] == SIZE_MAX)
			continue;
		if (!criteria_judge(c->k, v[j].score, NULL, &total)) {
			vdec[j] = SCORE_BELOW;
		} else {
			x.total = total;
			x.score = v[j].score;
			vdec[j] = decide(c, &x, where[v[j].app]);
		}
		vtotal[j] = total;
		if (vdec[j] == p->dec)
			continue;
		if (r->variant >= 0) {
			const struct sens_variant *w = &v[r->variant];
			int64_t dj = distance(total, p->r.total);
			int64_t dw = distance(vtotal[r->variant], p->r.total);

			if (dj < dw || (dj == dw &&
			    bytes_cmp(v[j].reviewer, v[j].len, w->reviewer,
				      w->len) >= 0))
				continue;
		}
		r->variant = (long)j;
		r->vdec = vdec[j];
	}
}

/* The k-th largest (0-based) of the n values at x, which it reorders. */
static int64_t kth_largest(int64_t *x, size_t n, size_t k)
{
	size_t lo = 0, hi = n, lt, gt, i;
	int64_t pivot, t;

	/* The answer is in x[lo..hi); each round splits it three ways:
	 * above the pivot, equal to it, below it. */
	while (hi - lo > 1) {
		pivot = x[lo + (hi - lo) / 2];
		lt = i = lo;
		gt = hi;
		while (i < gt) {
			if (x[i] > pivot) {
				t = x[i];
				x[i++] = x[lt];
				x[lt++] = t;
			} else if (x[i] < pivot) {
				t = x[i];
				x[i] = x[--gt];
				x[gt] = t;
			} else {
				i++;
			}
		}
		if (k < lt)
			hi = lt;
		else if (k < gt)
			return pivot;
		else
			lo = gt;
	}
	return x[lo];
}

/* Scratch room for reweigh, n of each. */
struct scratch {
	struct rank_app *ra;
	size_t *pass, *idx, *ord;
	int64_t *total, *tmp, *granted;
	long *reason;
	enum score_decision *wdec;
};

/* The whole batch under the weights w: dec[] gets each application's
 * decision; only the nc candidates at cand can pass the thresholds.  Only
 * the top of the ranking is ranked: the fewest whole groups of equal
 * total from the top after which the walk has stopped, or what is left
 * fits no award further down (and nothing is given partially), and the
 * reserve list is full; below them nothing can be funded or in reserve,
 * whatever their order.  Returns 0, or -1 when memory ran out. */
static int reweigh(const struct criteria *k, const struct sens_app *a,
		   size_t n, const size_t *cand, size_t nc, const int64_t *w,
		   struct scratch *x, enum score_decision *dec)
{
	size_t i, j, np = 0, m, want = 4;
	struct envelope_state st;

	for (i = 0; i < n; i++)
		dec[i] = SCORE_BELOW;
	for (j = 0; j < nc; j++) {
		i = cand[j];
		if (criteria_judge(k, a[i].r.score, w, &x->total[np]))
			x->pass[np++] = i;
	}
	for (;;) {
		int64_t cut = INT64_MIN, least = INT64_MAX;

		if (want < np) {
			memcpy(x->tmp, x->total, np * sizeof(*x->tmp));
			cut = kth_largest(x->tmp, np, want - 1);
		}
		for (m = 0, j = 0; j < np; j++) {
			i = x->pass[j];
			if (x->total[j] >= cut) {
				x->ra[m] = a[i].r;
				x->ra[m].total = x->total[j];
				x->idx[m++] = i;
			} else if (a[i].award < least) {
				least = a[i].award;
			}
		}
		if (rank_order(k, x->ra, m, x->ord, x->reason) < 0)
			return -1;
		envelope_start(k, &st);
		for (j = 0; j < m; j++)
			x->wdec[j] = envelope_step(k, &st, a[x->idx[x->ord[j]]].award,
						   &x->granted[j]);
		if (m == np || ((!st.walking || (st.rest < least &&
		     (!k->partial || st.rest == 0))) && st.unfunded >= k->reserve))
			break;
		want *= 4;
	}
	for (j = 0; j < np; j++)
		dec[x->pass[j]] = SCORE_NOT_FUNDED;
	for (j = 0; j < m; j++)
		dec[x->idx[x->ord[j]]] = x->wdec[j];
	return 0;
}

/* One weight changed at a time, by 1 % of it, then 2 %, ... up to
 * SENS_MAX_PERCENT, each criterion in table order, down before up: the
 * first change that alters a ranked application's decision is its. */
static int weights(const struct criteria *k, const struct sens_app *a,
		   size_t n, const size_t *where, size_t m,
		   struct sens_result *res)
{
	size_t nc = k->nitems, c, i, open = m, ncand = 0;
	size_t *cand = mem_calloc(n + 1, sizeof(*cand));
	int64_t *w = mem_calloc(nc + 1, sizeof(*w));
	enum score_decision *dec = mem_calloc(n + 1, sizeof(*dec));
	struct scratch x;
	int pct, sign, rc = -1;

	x.ra = mem_calloc(n + 1, sizeof(*x.ra));
	x.pass = mem_calloc(n + 1, sizeof(*x.pass));
	x.idx = mem_calloc(n + 1, sizeof(*x.idx));
	x.ord = mem_calloc(n + 1, sizeof(*x.ord));
	x.total = mem_calloc(n + 1, sizeof(*x.total));
	x.tmp = mem_calloc(n + 1, sizeof(*x.tmp));
	x.granted = mem_calloc(n + 1, sizeof(*x.granted));
	x.reason = mem_calloc(n + 1, sizeof(*x.reason));
	x.wdec = mem_calloc(n + 1, sizeof(*x.wdec));
	if (cand == NULL || w == NULL || dec == NULL || x.ra == NULL ||
	    x.pass == NULL || x.idx == NULL || x.ord == NULL ||
	    x.total == NULL || x.tmp == NULL ||
	    x.granted == NULL || x.reason == NULL || x.wdec == NULL)
		goto done;
	for (c = 0; c < nc; c++)
		w[c] = k->items[c].weight;
	/* Below a criterion's threshold or an unweighted total threshold,
	 * an application stays below whatever the weights. */
	for (i = 0; i < n; i++)
		if (a[i].dec != SCORE_BELOW || (k->has_total_threshold &&
						 k->threshold_weighted))
			cand[ncand++] = i;
	for (pct = 1; pct <= SENS_MAX_PERCENT && open > 0; pct++)
		for (c = 0; c < nc && open > 0; c++)
			for (sign = -1; sign <= 1 && open > 0; sign += 2) {
				int64_t d = score_div_round((score_wide)w[c] * pct, 100);

				if (d == 0)
					continue;
				w[c] += sign * d;
				if (reweigh(k, a, n, cand, ncand, w, &x, dec) < 0)
					goto done;
				w[c] = k->items[c].weight;
				for (i = 0; i < n; i++) {
					if (where[i] == SIZE_MAX || res[i].crit >= 0 ||
					    dec[i] == a[i].dec)
						continue;
					res[i].crit = (long)c;
					res[i].percent = sign * pct;
					res[i].wdec = dec[i];
					open--;
				}
			}
	rc = 0;
done:
	mem_free(cand);
	mem_free(w);
	mem_free(dec);
	mem_free(x.ra);
	mem_free(x.pass);
	mem_free(x.idx);
	mem_free(x.ord);
	mem_free(x.total);
	mem_free(x.tmp);
	mem_free(x.granted);
	mem_free(x.reason);
	mem_free(x.wdec);
	return rc;
}

/* The margin of each ranked application to the funding line: the total
 * of the last application funded in rank order; when every ranked one is
 * funded, the weighted total threshold if there is one; else none. */
static void margins(const struct criteria *k, const struct sens_app *a,
		    const size_t *order, size_t m, struct sens_result *res)
{
	size_t p, last = SIZE_MAX, funded = 0;
	int64_t line;

	for (p = 0; p < m; p++)
		if (a[order[p]].dec == SCORE_FUNDED) {
			last = p;
			funded++;
		}
	if (last == SIZE_MAX)
		return;
	if (funded == m) {
		if (!k->has_total_threshold || !k->threshold_weighted)
			return;
		line = k->total_threshold;
	} else {
		line = a[order[last]].r.total;
	}
	for (p = 0; p < m; p++) {
		res[order[p]].has_margin = 1;
		res[order[p]].margin = a[order[p]].r.total - line;
	}
}

int sens_run(const struct criteria *k, const struct sens_app *a, size_t n,
	     const size_t *order, size_t m, const struct sens_variant *v,
	     size_t nv, enum score_decision *vdec, struct sens_result *res)
{
	struct ctx c;
	size_t i, *where = mem_calloc(n + 1, sizeof(*where));
	int64_t *vtotal = mem_calloc(nv + 1, sizeof(*vtotal));
	int rc = -1;

	memset(&c, 0, sizeof(c));
	c.k = k;
	c.a = a;
	c.order = order;
	c.m = m;
	if (where == NULL || vtotal == NULL || prepare(&c) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		where[i] = SIZE_MAX;
		res[i].variant = -1;
		res[i].crit = -1;
		res[i].percent = 0;
		res[i].has_margin = 0;
		res[i].margin = 0;
	}
	for (i = 0; i < m; i++)
		where[order[i]] = i;
	reviewers(&c, where, v, nv, vdec, vtotal, res);
	if (weights(k, a, n, where, m, res) < 0)
		goto done;
	margins(k, a, order, m, res);
	rc = 0;
done:
	ctx_fini(&c);
	mem_free(where);
	mem_free(vtotal);
	return rc;
}
