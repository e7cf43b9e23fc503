/* flow.c - successive shortest paths with potentials over the network
 * application -> reviewer -> sink, its reviewers-only residual graph kept
 * as an exchange matrix (docs/aap-assign.md, "The method"). */
#include <string.h>

#include "flow.h"
#include "mem.h"

__extension__ typedef __int128 cost_t;

#define NONE UINT32_MAX

/* The solver's state. */
struct net {
	const struct flow_problem *p;
	size_t n, r;            /* applications, reviewers */
	unsigned k;             /* reviewers per application */
	cost_t pair[2 * FLOW_SECTOR];  /* cost of an assigned pair, by
					  affinity */
	cost_t inf;             /* above every distance */
	uint32_t *arev, *agot;  /* per application: its reviewers, count */
	uint32_t **rapps;       /* per reviewer: its applications */
	uint32_t *rn, *rcap;    /* their count, room */
	cost_t *pi, pit;        /* potentials of reviewers, of the sink */
	cost_t *x;              /* r * r: cheapest move of one application
				   from reviewer i to reviewer j */
	uint32_t *xa;           /* r * r: that application, or NONE */
	cost_t *d;              /* per reviewer: distance */
	unsigned char *done;    /* per reviewer: settled */
	uint32_t *pred, *pa;    /* per reviewer: previous reviewer (NONE for
				   the entry) and the application moved */
	uint32_t *mark;         /* per reviewer: stamp */
	uint32_t stamp;
	uint32_t *dirty;        /* reviewers whose rows are to redo */
	size_t ndirty;
};

static int16_t aff(const struct net *t, size_t a, size_t r)
{
	return t->p->aff[a * t->r + r];
}

static int assigned(const struct net *t, size_t a, uint32_t r)
{
	unsigned i;

	for (i = 0; i < t->agot[a]; i++)
		if (t->arev[a * t->k + i] == r)
			return 1;
	return 0;
}

/* The cost of the j-th application (from 1) on a reviewer: the loads'
 * sum of squares grows by 2j - 1. */
static cost_t unit_cost(uint32_t j)
{
	return (cost_t)2 * j - 1;
}

/* Recomputes row i of the exchange matrix: for each j, the application of
 * reviewer i whose move to j costs least (ties: the lowest index). */
static void redo_row(struct net *t, uint32_t i)
{
	cost_t *x = t->x + (size_t)i * t->r;
	uint32_t *xa = t->xa + (size_t)i * t->r, q, b, j;
	unsigned g;

	for (j = 0; j < t->r; j++) {
		x[j] = t->inf;
		xa[j] = NONE;
	}
	for (q = 0; q < t->rn[i]; q++) {
		cost_t out;

		b = t->rapps[i][q];
		out = t->pair[aff(t, b, i)];
		t->stamp++;
		for (g = 0; g < t->agot[b]; g++)
			t->mark[t->arev[(size_t)b * t->k + g]] = t->stamp;
		for (j = 0; j < t->r; j++) {
			int16_t v = aff(t, b, j);
			cost_t c;

			if (v < 0 || t->mark[j] == t->stamp)
				continue;
			c = t->pair[v] - out;
			if (c < x[j] || (c == x[j] && b < xa[j])) {
				x[j] = c;
				xa[j] = b;
			}
		}
	}
}

/* Marks every reviewer of application b as a row to redo. */
static void touch(struct net *t, uint32_t b)
{
	unsigned g;

	for (g = 0; g < t->agot[b]; g++) {
		uint32_t r = t->arev[(size_t)b * t->k + g];

		if (t->mark[r] != t->stamp) {
			t->mark[r] = t->stamp;
			t->dirty[t->ndirty++] = r;
		}
	}
}

static int add_app(struct net *t, uint32_t r, uint32_t b)
{
	if (t->rn[r] == t->rcap[r]) {
		uint32_t c = t->rcap[r] ? t->rcap[r] * 2 : 8;
		uint32_t *v = mem_realloc(t->rapps[r], c * sizeof(*v));

		if (v == NULL)
			return -1;
		t->rapps[r] = v;
		t->rcap[r] = c;
	}
	t->rapps[r][t->rn[r]++] = b;
	return 0;
}

static void drop_app(struct net *t, uint32_t r, uint32_t b)
{
	uint32_t q;

	for (q = 0; q < t->rn[r]; q++)
		if (t->rapps[r][q] == b) {
			t->rapps[r][q] = t->rapps[r][--t->rn[r]];
			return;
		}
}

/* Moves application b from reviewer i to reviewer j. */
static int move(struct net *t, uint32_t b, uint32_t i, uint32_t j)
{
	unsigned g;

	drop_app(t, i, b);
	for (g = 0; g < t->agot[b]; g++)
		if (t->arev[(size_t)b * t->k + g] == i)
			t->arev[(size_t)b * t->k + g] = j;
	return add_app(t, j, b);
}

/* One shortest path from application a to the sink, and the flow sent
 * along it.  Returns 1 when sent, 0 when the sink cannot be reached, -1
 * when memory ran out. */
static int augment(struct net *t, uint32_t a)
{
	uint32_t r, best, tpred = NONE, i, j;
	cost_t dt = t->inf;
	size_t q;

	for (r = 0; r < t->r; r++) {
		int16_t v = aff(t, a, r);

		t->done[r] = 0;
		t->pred[r] = NONE;
		t->d[r] = v < 0 || t->p->cap[r] == 0 || assigned(t, a, r) ?
			  t->inf : t->pair[v] - t->pi[r];
	}
	for (;;) {
		best = NONE;
		for (r = 0; r < t->r; r++)
			if (!t->done[r] && t->d[r] < t->inf &&
			    (best == NONE || t->d[r] < t->d[best]))
				best = r;
		if (best == NONE || (dt < t->inf && t->d[best] >= dt))
			break;
		t->done[best] = 1;
		if (t->rn[best] < t->p->cap[best]) {
			cost_t c = t->d[best] + unit_cost(t->rn[best] + 1) +
				   t->pi[best] - t->pit;

			if (c < dt) {
				dt = c;
				tpred = best;
			}
		}
		for (j = 0; j < t->r; j++) {
			cost_t xc = t->x[(size_t)best * t->r + j], c;

			if (t->done[j] || xc >= t->inf)
				continue;
			c = t->d[best] + xc + t->pi[best] - t->pi[j];
			if (c < t->d[j]) {
				t->d[j] = c;
				t->pred[j] = best;
				t->pa[j] = t->xa[(size_t)best * t->r + j];
			}
		}
	}
	if (tpred == NONE)
		return 0;
	for (r = 0; r < t->r; r++)
		t->pi[r] += t->done[r] ? t->d[r] : dt;
	t->pit += dt;
	/* The rows of every reviewer of an application that moves, before
	 * and after, are redone. */
	t->stamp++;
	t->ndirty = 0;
	touch(t, a);
	for (j = tpred; t->pred[j] != NONE; j = t->pred[j])
		touch(t, t->pa[j]);
	for (j = tpred; t->pred[j] != NONE; j = i) {
		i = t->pred[j];
		if (move(t, t->pa[j], i, j) < 0)
			return -1;
	}
	t->arev[(size_t)a * t->k + t->agot[a]++] = j;
	if (add_app(t, j, a) < 0)
		return -1;
	t->stamp++;
	for (q = 0; q < t->ndirty; q++)
		t->mark[t->dirty[q]] = t->stamp;
	touch(t, a);
	for (j = tpred; t->pred[j] != NONE; j = t->pred[j])
		touch(t, t->pa[j]);
	for (q = 0; q < t->ndirty; q++)
		redo_row(t, t->dirty[q]);
	return 1;
}

/* The costs: an assigned pair costs -(ws * sector + wk * keywords), a
 * reviewer's j-th application 2j - 1, with weights that make the order
 * lexicographic: wk above any difference of the loads' sum of squares
 * (at most t * most, t the units, most the largest load), ws above any
 * difference of wk * keywords. */
static void weights(struct net *t)
{
	cost_t units = (cost_t)t->n * t->k, most = 0, wk, ws;
	int kw = 0;
	size_t i;
	int v;

	for (i = 0; i < t->r; i++)
		if ((cost_t)t->p->cap[i] > most)
			most = t->p->cap[i];
	if (most > (cost_t)t->n)
		most = (cost_t)t->n;
	for (i = 0; i < t->n * t->r; i++)
		if (t->p->aff[i] >= 0 && t->p->aff[i] % FLOW_SECTOR > kw)
			kw = t->p->aff[i] % FLOW_SECTOR;
	wk = units * most + 1;
	ws = wk * (units * kw + 1);
	for (v = 0; v < 2 * FLOW_SECTOR; v++)
		t->pair[v] = -(ws * (v / FLOW_SECTOR) + wk * (v % FLOW_SECTOR));
	/* Far above any distance or potential, which stay within a few
	 * times r * ws. */
	t->inf = (cost_t)1 << 120;
}

static void net_fini(struct net *t)
{
	size_t r;

	for (r = 0; t->rapps != NULL && r < t->r; r++)
		mem_free(t->rapps[r]);
	mem_free(t->rapps);
	mem_free(t->agot);
	mem_free(t->rn);
	mem_free(t->rcap);
	mem_free(t->pi);
	mem_free(t->x);
	mem_free(t->xa);
	mem_free(t->d);
	mem_free(t->done);
	mem_free(t->pred);
	mem_free(t->pa);
	mem_free(t->mark);
	mem_free(t->dirty);
}

int flow_solve(const struct flow_problem *p, struct flow_result *res)
{
	struct net t;
	size_t a, r;
	unsigned u;
	int rc = -1, got;

	memset(res, 0, sizeof(*res));
	memset(&t, 0, sizeof(t));
	t.p = p;
	t.n = p->napps;
	t.r = p->nrev;
	t.k = p->k;
	t.arev = res->rev = mem_calloc(t.n * t.k + 1, sizeof(*t.arev));
	t.agot = mem_calloc(t.n + 1, sizeof(*t.agot));
	t.rapps = mem_calloc(t.r + 1, sizeof(*t.rapps));
	t.rn = mem_calloc(t.r + 1, sizeof(*t.rn));
	t.rcap = mem_calloc(t.r + 1, sizeof(*t.rcap));
	t.pi = mem_calloc(t.r + 1, sizeof(*t.pi));
	t.x = mem_calloc(t.r * t.r + 1, sizeof(*t.x));
	t.xa = mem_calloc(t.r * t.r + 1, sizeof(*t.xa));
	t.d = mem_calloc(t.r + 1, sizeof(*t.d));
	t.done = mem_calloc(t.r + 1, 1);
	t.pred = mem_calloc(t.r + 1, sizeof(*t.pred));
	t.pa = mem_calloc(t.r + 1, sizeof(*t.pa));
	t.mark = mem_calloc(t.r + 1, sizeof(*t.mark));
	t.dirty = mem_calloc(t.r + 1, sizeof(*t.dirty));
	res->got = mem_calloc(t.n + 1, sizeof(*res->got));
	res->load = mem_calloc(t.r + 1, sizeof(*res->load));
	if (t.arev == NULL || t.agot == NULL || t.rapps == NULL || t.rn == NULL ||
	    t.rcap == NULL || t.pi == NULL || t.x == NULL || t.xa == NULL ||
	    t.d == NULL || t.done == NULL || t.pred == NULL || t.pa == NULL ||
	    t.mark == NULL || t.dirty == NULL || res->got == NULL ||
	    res->load == NULL)
		goto done;
	weights(&t);
	for (r = 0; r < t.r; r++)
		redo_row(&t, (uint32_t)r);
	for (a = 0; a < t.n; a++) {
		for (u = 0; u < t.k; u++) {
			if ((got = augment(&t, (uint32_t)a)) < 0)
				goto done;
			if (got == 0)
				break;
		}
		if (t.agot[a] < t.k)
			res->uncovered++;
	}
	for (a = 0; a < t.n; a++) {
		uint32_t *v = res->rev + a * t.k, x;
		unsigned i, j;

		res->got[a] = t.agot[a];
		for (i = 1; i < t.agot[a]; i++) {
			x = v[i];
			for (j = i; j > 0 && v[j - 1] > x; j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
	}
	for (r = 0; r < t.r; r++)
		res->load[r] = t.rn[r];
	rc = 0;
done:
	net_fini(&t);
	if (rc < 0)
		flow_result_fini(res);
	return rc;
}

void flow_result_fini(struct flow_result *res)
{
	mem_free(res->rev);
	mem_free(res->got);
	mem_free(res->load);
	memset(res, 0, sizeof(*res));
}
