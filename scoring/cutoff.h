/* cutoff.h - a call's cut-off dates (docs/scoring.md, "Cut-offs"): the
 * call's cutoffs.csv read and checked, and the scored streams of the
 * earlier cut-offs read for what they leave: the money and the
 * applications funded. */
#ifndef CUTOFF_H
#define CUTOFF_H

#include <stddef.h>
#include <stdint.h>

#include "htab.h"
#include "sbuf.h"

struct call;
struct diag;

/* The table of the call folder that lists the cut-offs. */
#define CUTOFF_TABLE "cutoffs.csv"

/* One row of cutoffs.csv. */
struct cutoff_def {
	char *id;            /* cutoff_id, [A-Za-z0-9._-]+; owned */
	char date[11];       /* YYYY-MM-DD */
	int64_t envelope;    /* its own envelope, cents */
	unsigned long line;  /* its line in the file */
};

/* A batch's cut-off and what the earlier ones carry into it. */
struct cutoff_run {
	struct cutoff_def *defs; /* the cut-offs, by date */
	size_t ndefs;            /* how many */
	size_t at;               /* the batch's own, in defs */
	int64_t carried;         /* what the earlier ones left, cents */
	const char *key;         /* the column that says an application is
				    the same (application_id or the SIRET
				    field), owned by the call */
	struct sbuf keys;        /* the keys funded earlier, each followed
				    by a NUL */
	size_t *koff;            /* each key's offset in keys */
	size_t *kcut;            /* each key's cut-off, in defs */
	size_t nkeys, capkeys;   /* used, allocated */
	struct htab funded;      /* the keys, by their bytes */
	struct sbuf tokens;      /* the '#stage' tokens: cutoff=, one
				    carry= per earlier cut-off, carried= */
};

/* Reads call c's cutoffs.csv (recorded among c's files) and the n scored
 * streams at carry[] (paths, one per earlier cut-off, in any order) for
 * the cut-off id.  *envelope gets the envelope to walk: the cut-off's
 * own and what the earlier ones left.  *out gets the run (owned by the
 * caller, free with cutoff_free).  Returns 0, or -1 with err set:
 * AAP_EUSAGE for cutoffs.csv (file and line named), an unknown id or a
 * cutoff_key the fields cannot serve; AAP_EDATA for a carried stream
 * that is not whole, not of this call, not of an earlier cut-off, does
 * not chain to the others, or when an earlier cut-off has no stream;
 * AAP_ESYS. */
int cutoff_load(struct call *c, const char *id, const char *const *carry,
		size_t n, int64_t *envelope, struct cutoff_run **out,
		struct diag *err);

/* The index of the cut-off where the application whose key is the n
 * bytes at key was funded, or -1 when none funded it. */
long cutoff_funded(const struct cutoff_run *r, const char *key, size_t n);

/* Frees r; cutoff_free(NULL) does nothing. */
void cutoff_free(struct cutoff_run *r);

#endif
