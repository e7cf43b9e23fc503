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

/* Offers application b, on reviewer i, as the move from i to j (ties:
 * the lowest index). */
static void offer(struct net *t, uint32_t i, uint32_t b, uint32_t j)
{
	size_t e = (size_t)i * t->r + j;
	int16_t v = aff(t, b, j);
	cost_t c;

	if (v < 0 || assigned(t, b, j))
		return;
	c = t->pair[v] - t->pair[aff(t, b, i)];
	if (c < t->x[e] || (c == t->x[e] && b < t->xa[e])) {
		t->x[e] = c;
		t->xa[e] = b;
	}
}

/* Recomputes the cheapest move from reviewer i to reviewer j. */
static void redo_entry(struct net *t, uint32_t i, uint32_t j)
{
	uint32_t q;

	t->x[(size_t)i * t->r + j] = t->inf;
	t->xa[(size_t)i * t->r + j] = NONE;
	for (q = 0; q < t->rn[i]; q++)
		offer(t, i, t->rapps[i][q], j);
}

/* Gives application b to reviewer j, and updates the moves it opens
 * (from j anywhere) and closes (from b's other reviewers to j). */
static int give(struct net *t, uint32_t b, uint32_t j)
{
	uint32_t i, *v;
	unsigned g;

	if (t->rn[j] == t->rcap[j]) {
		uint32_t c = t->rcap[j] ? t->rcap[j] * 2 : 8;

		if ((v = mem_realloc(t->rapps[j], c * sizeof(*v))) == NULL)
			return -1;
		t->rapps[j] = v;
		t->rcap[j] = c;
	}
	t->rapps[j][t->rn[j]++] = b;
	t->arev[(size_t)b * t->k + t->agot[b]++] = j;
	for (i = 0; i < t->r; i++)
		if (i != j)
			offer(t, j, b, i);
	for (g = 0; g < t->agot[b]; g++) {
		i = t->arev[(size_t)b * t->k + g];
		if (i != j && t->xa[(size_t)i * t->r + j] == b)
			redo_entry(t, i, j);
	}
	return 0;
}

/* Takes application b from reviewer i, and updates the moves it closes
 * (b from i) and opens (from b's other reviewers to i). */
static void take(struct net *t, uint32_t b, uint32_t i)
{
	uint32_t q, j, *v = t->arev + (size_t)b * t->k;
	unsigned g;

	for (q = 0; q < t->rn[i]; q++)
		if (t->rapps[i][q] == b) {
			t->rapps[i][q] = t->rapps[i][--t->rn[i]];
			break;
		}
	for (g = 0; g < t->agot[b]; g++)
		if (v[g] == i) {
			v[g] = v[--t->agot[b]];
			break;
		}
	for (j = 0; j < t->r; j++)
		if (t->xa[(size_t)i * t->r + j] == b)
			redo_entry(t, i, j);
	for (g = 0; g < t->agot[b]; g++)
		offer(t, v[g], b, i);
}

/* One shortest path from application a to the sink, and the flow sent
 * along it.  Returns 1 when sent, 0 when the sink cannot be reached, -1
 * when memory ran out. */
static int augment(struct net *t, uint32_t a)
{
	uint32_t r, best, tpred = NONE, i, j;
	cost_t dt = t->inf;

	for (r = 0; r < t->r; r++) {
		int16_t v = aff(t, a, r);

		t->done[r] = 0;
		t->pred[r] = NONE;
		t->d[r] = v < 0 || t->p->cap[r] == 0 || assigned(t, a, r) ?
			  t->inf : t->pair[v] - t->pi[r];
	}
	/* Each settled reviewer's row is relaxed in the pass that finds the
	 * next one to settle. */
	best = NONE;
	for (r = 0; r < t->r; r++)
		if (t->d[r] < t->inf && (best == NONE || t->d[r] < t->d[best]))
			best = r;
	while (best != NONE && (dt >= t->inf || t->d[best] < dt)) {
		const cost_t *x = t->x + (size_t)best * t->r;
		cost_t base = t->d[best] + t->pi[best];
		uint32_t next = NONE;

		t->done[best] = 1;
		if (t->rn[best] < t->p->cap[best]) {
			cost_t c = base + unit_cost(t->rn[best] + 1) - t->pit;

			if (c < dt) {
				dt = c;
				tpred = best;
			}
		}
		for (j = 0; j < t->r; j++) {
			if (t->done[j])
				continue;
			if (x[j] < t->inf) {
				cost_t c = base + x[j] - t->pi[j];

				if (c < t->d[j]) {
					t->d[j] = c;
					t->pred[j] = best;
					t->pa[j] = t->xa[(size_t)best * t->r + j];
				}
			}
			if (t->d[j] < t->inf && (next == NONE || t->d[j] < t->d[next]))
				next = j;
		}
		best = next;
	}
	if (tpred == NONE)
		return 0;
	for (r = 0; r < t->r; r++)
		t->pi[r] += t->done[r] ? t->d[r] : dt;
	t->pit += dt;
	for (j = tpred; t->pred[j] != NONE; j = i) {
		i = t->pred[j];
		take(t, t->pa[j], i);
		if (give(t, t->pa[j], j) < 0)
			return -1;
	}
	if (give(t, a, j) < 0)
		return -1;
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
	res->got = mem_calloc(t.n + 1, sizeof(*res->got));
	res->load = mem_calloc(t.r + 1, sizeof(*res->load));
	if (t.arev == NULL || t.agot == NULL || t.rapps == NULL || t.rn == NULL ||
	    t.rcap == NULL || t.pi == NULL || t.x == NULL || t.xa == NULL ||
	    t.d == NULL || t.done == NULL || t.pred == NULL || t.pa == NULL ||
	    res->got == NULL ||
	    res->load == NULL)
		goto done;
	weights(&t);
	for (r = 0; r < t.r * t.r; r++) {
		t.x[r] = t.inf;
		t.xa[r] = NONE;
	}
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
