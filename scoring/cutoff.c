/* cutoff.c - cutoffs.csv, and the streams of the earlier cut-offs of a
 * call: checked to chain one to the next, the money the last one left
 * carried, the applications they funded kept to be refused. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aap.h"
#include "call.h"
#include "columns.h"
#include "cutoff.h"
#include "diag.h"
#include "fixed.h"
#include "mem.h"
#include "norm.h"
#include "prov.h"
#include "stream.h"
#include "table.h"

/* One stream given with --carry. */
struct carried {
	const char *path;                /* as given */
	size_t cut;                      /* its cut-off, in defs */
	char sha[DIGEST_HEX_LEN + 1];    /* the digest of all its bytes */
	int64_t carried, envelope, left; /* its money, cents */
	struct sbuf chain;               /* its carry= values, each
					    followed by a NUL */
	size_t nchain;                   /* how many */
};

static int parse_money(const char *s, size_t n, int64_t *v)
{
	return norm_parse_fixed(s, n, SCORE_MONEY_SCALE, v) == NORM_OK &&
	       *v >= 0 ? 0 : -1;
}

/* Reads cutoffs.csv into r->defs. */
static int load_table(struct call *c, struct cutoff_run *r, struct diag *err)
{
	static const char *const cols[] = { "cutoff_id", "date", "envelope" };
	static const int need[] = { 1, 1, 1 };
	struct table *t = NULL;
	size_t i, j;
	long ci, cd, ce;
	int rc = -1;

	if (call_table(c, CUTOFF_TABLE, &t, err) < 0 ||
	    table_expect(t, cols, need, 3, err) < 0)
		goto done;
	ci = table_col(t, "cutoff_id");
	cd = table_col(t, "date");
	ce = table_col(t, "envelope");
	if (t->nrows == 0) {
		diag_set(err, AAP_EUSAGE, t->path, t->header_line,
			 "the table lists no cut-off");
		goto done;
	}
	if ((r->defs = mem_calloc(t->nrows, sizeof(*r->defs))) == NULL) {
		diag_oom(err);
		goto done;
	}
	for (i = 0; i < t->nrows; i++) {
		char **cell = t->rows[i].cells;
		struct cutoff_def *d = &r->defs[i];
		unsigned long line = t->rows[i].line;

		d->line = line;
		if (!call_is_id(cell[ci])) {
			diag_set(err, AAP_EUSAGE, t->path, line, "cut-off id \"%s\" "
				 "is not made of letters, digits, '.', '_' and '-'",
				 cell[ci]);
			goto done;
		}
		for (j = 0; j < i; j++)
			if (strcmp(r->defs[j].id, cell[ci]) == 0) {
				diag_set(err, AAP_EUSAGE, t->path, line,
					 "cut-off \"%s\" is listed twice, first at "
					 "line %lu", cell[ci], r->defs[j].line);
				goto done;
			}
		if (!call_is_date(cell[cd], strlen(cell[cd]))) {
			diag_set(err, AAP_EUSAGE, t->path, line, "date \"%s\" is "
				 "not a date YYYY-MM-DD", cell[cd]);
			goto done;
		}
		/* Dates in this form compare as their bytes. */
		if (i > 0 && strcmp(cell[cd], r->defs[i - 1].date) <= 0) {
			diag_set(err, AAP_EUSAGE, t->path, line, "date %s is not "
				 "after %s, the date of cut-off \"%s\": the "
				 "cut-offs are listed by date", cell[cd],
				 r->defs[i - 1].date, r->defs[i - 1].id);
			goto done;
		}
		if (parse_money(cell[ce], strlen(cell[ce]), &d->envelope) < 0) {
			diag_set(err, AAP_EUSAGE, t->path, line, "envelope \"%s\" "
				 "is not an amount with at most 2 decimals",
				 cell[ce]);
			goto done;
		}
		memcpy(d->date, cell[cd], sizeof(d->date));
		if ((d->id = mem_strdup(cell[ci])) == NULL) {
			diag_oom(err);
			goto done;
		}
		r->ndefs++;
	}
	rc = 0;
done:
	table_free(t);
	return rc;
}

/* The cut-off named by the n bytes at s, or ndefs. */
static size_t find_def(const struct cutoff_run *r, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < r->ndefs; i++)
		if (strlen(r->defs[i].id) == n && memcmp(r->defs[i].id, s, n) == 0)
			break;
	return i;
}

/* The key numbered id (htab_key_fn). */
static const void *key_bytes(const void *ctx, size_t id, size_t *n)
{
	const struct cutoff_run *r = ctx;
	const char *k = r->keys.data + r->koff[id];

	*n = strlen(k);
	return k;
}

/* Keeps the n bytes at key as funded at cut-off cut. */
static int add_key(struct cutoff_run *r, const char *key, size_t n, size_t cut)
{
	size_t first;
	int put;

	if (r->nkeys == r->capkeys) {
		size_t cap = r->capkeys ? 2 * r->capkeys : 64;
		size_t *o = mem_realloc(r->koff, cap * sizeof(*o));

		if (o == NULL)
			return -1;
		r->koff = o;
		if ((o = mem_realloc(r->kcut, cap * sizeof(*o))) == NULL)
			return -1;
		r->kcut = o;
		r->capkeys = cap;
	}
	r->koff[r->nkeys] = r->keys.len;
	r->kcut[r->nkeys] = cut;
	if (sbuf_add(&r->keys, key, n) < 0 || sbuf_addc(&r->keys, '\0') < 0)
		return -1;
	if ((put = htab_put(&r->funded, key, n, r->nkeys, &first)) < 0)
		return -1;
	if (put == 0)
		r->nkeys++;
	else
		r->keys.len = r->koff[r->nkeys];
	return 0;
}

/* Reports the carried stream at path as unusable: AAP_EDATA, -1. */
#define refuse(path, err, ...) diag_set(err, AAP_EDATA, path, 0, __VA_ARGS__)

/* The amount of money token k of l into *v, or -1 when absent or not an
 * amount. */
static int money_token(const struct prov_line *l, enum prov_key k, int64_t *v)
{
	const struct prov_token *t = prov_find(l, k);

	return t != NULL && parse_money(t->value, t->len, v) == 0 ? 0 : -1;
}

/* Takes what the last '#stage' line st of carried stream s says. */
static int stage_tokens(const struct cutoff_run *r, const struct call *c,
			const struct prov_line *st, struct carried *s,
			struct diag *err)
{
	const struct prov_token *t = prov_find(st, PROV_NAME);
	size_t i;

	if (t == NULL || strcmp(t->value, "aap-score") != 0)
		return refuse(s->path, err, "aap-score did not write this stream "
			      "last");
	t = prov_find(st, PROV_CALL);
	if (t == NULL || strcmp(t->value, c->id) != 0)
		return refuse(s->path, err, "the stream is of the call \"%s\", "
			      "not \"%s\"", t != NULL ? t->value : "", c->id);
	if ((t = prov_find(st, PROV_CUTOFF)) == NULL)
		return refuse(s->path, err, "the stream was scored without "
			      "--cutoff");
	s->cut = find_def(r, t->value, t->len);
	if (s->cut == r->ndefs)
		return refuse(s->path, err, "the stream is of cut-off \"%s\", "
			      "which %s does not list", t->value, CUTOFF_TABLE);
	if (s->cut >= r->at)
		return refuse(s->path, err, "the stream is of cut-off \"%s\", "
			      "not one before \"%s\"", t->value,
			      r->defs[r->at].id);
	if (money_token(st, PROV_CARRIED, &s->carried) < 0)
		return refuse(s->path, err, "the stream's '#stage' line has no "
			      "amount carried");
	for (i = 0; i < st->n; i++)
		if (strcmp(st->tok[i].key, prov_key_name(PROV_CARRY)) == 0) {
			if (sbuf_add(&s->chain, st->tok[i].value,
				     st->tok[i].len) < 0 ||
			    sbuf_addc(&s->chain, '\0') < 0)
				return diag_oom(err);
			s->nchain++;
		}
	return 0;
}

/* Reads the carried stream s whole: its last '#stage' line, the keys it
 * funded, its trailer's money and its digest. */
static int read_carried(struct cutoff_run *r, const struct call *c,
			struct carried *s, struct diag *err)
{
	struct stream_in *in = NULL;
	struct prov_line st, tr;
	enum read_result rr;
	long ck, cdec;
	size_t i;
	int fd, rc = -1, have = 0;

	prov_line_init(&st);
	prov_line_init(&tr);
	if ((fd = open(s->path, O_RDONLY)) < 0)
		return diag_set(err, AAP_ESYS, NULL, 0, "could not open \"%s\": %s",
				s->path, strerror(errno));
	if ((in = stream_in_open(fd, s->path, 1, err)) == NULL)
		goto done;
	for (i = 0; i < stream_in_nprov(in); i++) {
		const char *line = stream_in_prov(in, i);

		if (prov_kind_of(line) != PROV_STAGE)
			continue;
		if (prov_parse(&st, line, s->path, i + 1, err) < 0)
			goto done;
		have = 1;
	}
	if (!have) {
		refuse(s->path, err, "aap-score did not write this stream "
		       "last");
		goto done;
	}
	if (stage_tokens(r, c, &st, s, err) < 0)
		goto done;
	ck = stream_in_column(in, r->key);
	cdec = stream_in_column(in, columns_name(COLUMN_DECISION));
	if (ck < 0 || cdec < 0) {
		refuse(s->path, err, "the stream has no column \"%s\"",
		       ck < 0 ? r->key : columns_name(COLUMN_DECISION));
		goto done;
	}
	while ((rr = stream_in_next(in, err)) == READ_RECORD) {
		const struct record *rec = stream_in_record(in);
		size_t n = record_len(rec, (size_t)ck);

		if (n > 0 && record_len(rec, (size_t)cdec) == 6 &&
		    memcmp(record_field(rec, (size_t)cdec), "funded", 6) == 0 &&
		    add_key(r, record_field(rec, (size_t)ck), n, s->cut) < 0) {
			diag_oom(err);
			goto done;
		}
	}
	if (rr == READ_ERROR ||
	    prov_parse(&tr, stream_in_trailer(in), s->path, 0, err) < 0)
		goto done;
	if (money_token(&tr, PROV_ENVELOPE, &s->envelope) < 0 ||
	    money_token(&tr, PROV_LEFT, &s->left) < 0) {
		refuse(s->path, err, "the stream's trailer has no envelope");
		goto done;
	}
	memcpy(s->sha, stream_in_digest(in), sizeof(s->sha));
	rc = 0;
done:
	stream_in_free(in);
	close(fd);
	prov_line_fini(&st);
	prov_line_fini(&tr);
	return rc;
}

/* Appends carry=CUTOFF:SHA256 of stream s to b. */
static int carry_value(const struct cutoff_run *r, const struct carried *s,
		       struct sbuf *b)
{
	return sbuf_adds(b, r->defs[s->cut].id) < 0 || sbuf_addc(b, ':') < 0 ||
	       sbuf_adds(b, s->sha) < 0 ? -1 : 0;
}

/* Formats the amount v (cents) into b, reset first. */
static const char *amount(struct sbuf *b, int64_t v)
{
	sbuf_reset(b);
	return score_format(b, v, SCORE_MONEY_SCALE) < 0 ? "?" : sbuf_str(b);
}

/* Checks that the streams s (n, sorted by cut-off) are one per earlier
 * cut-off and that each follows the one before: it names every earlier
 * stream by its digest and carried what the one before left. */
static int check_chain(const struct cutoff_run *r, struct carried **s,
		       size_t n, struct diag *err)
{
	struct sbuf want, a, b;
	size_t i, j;
	const char *have;
	int rc = -1;

	sbuf_init(&want);
	sbuf_init(&a);
	sbuf_init(&b);
	for (i = 0; i < r->at; i++) {
		if (i >= n || s[i]->cut != i) {
			if (i < n && s[i]->cut < i)
				refuse(s[i]->path, err, "the stream is of cut-off "
				       "\"%s\", as \"%s\" is", r->defs[s[i]->cut].id,
				       s[i - 1]->path);
			else
				diag_set(err, AAP_EDATA, NULL, 0, "no stream of "
					 "cut-off \"%s\", before \"%s\", was given",
					 r->defs[i].id, r->defs[r->at].id);
			diag_hint(err, "give with --carry the scored stream of "
				  "each earlier cut-off of the call");
			goto done;
		}
		if (s[i]->envelope != r->defs[i].envelope + s[i]->carried) {
			refuse(s[i]->path, err, "the stream walked an envelope of "
			       "%s, not its cut-off's in %s and what it carried",
			       amount(&a, s[i]->envelope), CUTOFF_TABLE);
			goto done;
		}
		if (s[i]->carried != (i > 0 ? s[i - 1]->left : 0)) {
			refuse(s[i]->path, err, "the stream carried %s, not what "
			       "the cut-off before left (%s)",
			       amount(&a, s[i]->carried),
			       amount(&b, i > 0 ? s[i - 1]->left : 0));
			goto done;
		}
		have = s[i]->chain.data;
		for (j = 0; j < i; j++, have += strlen(have) + 1) {
			sbuf_reset(&want);
			if (carry_value(r, s[j], &want) < 0) {
				diag_oom(err);
				goto done;
			}
			if (j >= s[i]->nchain || strcmp(have, want.data) != 0)
				break;
		}
		if (j < i || s[i]->nchain != i) {
			refuse(s[i]->path, err, "the stream was scored from other "
			       "streams of the earlier cut-offs than those given");
			goto done;
		}
	}
	rc = 0;
done:
	sbuf_fini(&want);
	sbuf_fini(&a);
	sbuf_fini(&b);
	return rc;
}

static int by_cut(const void *pa, const void *pb)
{
	const struct carried *a = *(struct carried *const *)pa;
	const struct carried *b = *(struct carried *const *)pb;

	return (a->cut > b->cut) - (a->cut < b->cut);
}

/* The '#stage' tokens of the batch. */
static int make_tokens(struct cutoff_run *r, struct carried **s)
{
	struct sbuf v;
	size_t i;
	int rc = 0;

	sbuf_init(&v);
	rc |= prov_token(&r->tokens, PROV_CUTOFF, r->defs[r->at].id);
	for (i = 0; i < r->at && rc == 0; i++) {
		sbuf_reset(&v);
		rc |= carry_value(r, s[i], &v);
		rc |= prov_token_n(&r->tokens, PROV_CARRY, v.data, v.len);
	}
	sbuf_reset(&v);
	rc |= score_format(&v, r->carried, SCORE_MONEY_SCALE);
	rc |= prov_token(&r->tokens, PROV_CARRIED, sbuf_str(&v));
	sbuf_fini(&v);
	return rc;
}

/* Sets r->key, the column of the call's cutoff_key. */
static int key_column(const struct call *c, struct cutoff_run *r,
		      struct diag *err)
{
	const char *k = call_setting(c, "cutoff_key");
	const struct call_field *f;

	if (k == NULL || *k == '\0' || strcmp(k, "application_id") == 0) {
		r->key = c->fields[0].name;
		return 0;
	}
	if ((f = call_field_with_role(c, ROLE_SIRET)) == NULL)
		return diag_set(err, AAP_EUSAGE, NULL, 0, "the call's cutoff_key "
				"is \"siret\", yet no field of the call has the "
				"role siret");
	r->key = f->name;
	return 0;
}

int cutoff_load(struct call *c, const char *id, const char *const *carry,
		size_t n, int64_t *envelope, struct cutoff_run **out,
		struct diag *err)
{
	struct cutoff_run *r = mem_calloc(1, sizeof(*r));
	struct carried *s = mem_calloc(n + 1, sizeof(*s));
	struct carried **order = mem_calloc(n + 1, sizeof(*order));
	size_t i;
	int rc = -1;

	*out = NULL;
	if (r == NULL || s == NULL || order == NULL) {
		mem_free(r);
		r = NULL;
		diag_oom(err);
		goto done;
	}
	sbuf_init(&r->keys);
	sbuf_init(&r->tokens);
	htab_init(&r->funded, key_bytes, r);
	for (i = 0; i < n; i++) {
		sbuf_init(&s[i].chain);
		s[i].path = carry[i];
		order[i] = &s[i];
	}
	if (load_table(c, r, err) < 0 || key_column(c, r, err) < 0)
		goto done;
	if ((r->at = find_def(r, id, strlen(id))) == r->ndefs) {
		diag_set(err, AAP_EUSAGE, NULL, 0, "the call has no cut-off "
			 "\"%s\"", id);
		diag_hint(err, "the cut-offs are listed in the call's %s",
			  CUTOFF_TABLE);
		goto done;
	}
	for (i = 0; i < n; i++)
		if (read_carried(r, c, &s[i], err) < 0)
			goto done;
	qsort(order, n, sizeof(*order), by_cut);
	if (check_chain(r, order, n, err) < 0)
		goto done;
	if (n > r->at) {
		refuse(order[r->at]->path, err, "the stream is of cut-off "
		       "\"%s\", as \"%s\" is", r->defs[order[r->at]->cut].id,
		       order[r->at - 1]->path);
		goto done;
	}
	r->carried = r->at > 0 ? order[r->at - 1]->left : 0;
	*envelope = r->defs[r->at].envelope + r->carried;
	if (make_tokens(r, order) < 0) {
		diag_oom(err);
		goto done;
	}
	*out = r;
	r = NULL;
	rc = 0;
done:
	for (i = 0; s != NULL && i < n; i++)
		sbuf_fini(&s[i].chain);
	mem_free(s);
	mem_free(order);
	cutoff_free(r);
	return rc;
}

long cutoff_funded(const struct cutoff_run *r, const char *key, size_t n)
{
	size_t i = htab_find(&r->funded, key, n);

	return i == (size_t)-1 ? -1 : (long)r->kcut[i];
}

void cutoff_free(struct cutoff_run *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->ndefs; i++)
		mem_free(r->defs[i].id);
	mem_free(r->defs);
	mem_free(r->koff);
	mem_free(r->kcut);
	sbuf_fini(&r->keys);
	sbuf_fini(&r->tokens);
	htab_fini(&r->funded);
	mem_free(r);
}
