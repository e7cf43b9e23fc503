/* fuzz_sidefiles.c - libFuzzer harness for aap-score's side files: the
 * first byte chooses whether the rest is the reviews, the consensus or the
 * conflicts file (the others being good ones) of a small call's batch of
 * three applications; marks_read reads them and, when no line was bad,
 * the marks of each criterion are normalised. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "aap.h"
#include "call.h"
#include "diag.h"
#include "criteria.h"
#include "envelope.h"
#include "marks.h"
#include "rank.h"
#include "score.h"
#include "fuzz.h"

static const struct {
	const char *name;
	const char *text;
} files[] = {
	{ "reviews.csv",
	  "application_id,reviewer,criterion,mark,comment\n"
	  "A-1,r1,excellence,4,\"Bien, solide\"\nA-1,r2,excellence,4.5,\n"
	  "A-2,r1,excellence,2,\nA-2,r3,excellence,3,\n"
	  "A-3,r2,impact,5,\nA-3,r3,impact,0.5,\n" },
	{ "consensus.csv",
	  "application_id,criterion,score,author,justification\n"
	  "A-3,impact,4.5,Comité,Après discussion\n" },
	{ "conflicts.csv", "reviewer,application_id\nr3,A-1\n" },
	{ "call.csv", "setting,value\nid,fz\ntitle,Fuzz\n" },
	{ "fields.csv",
	  "field,type,required,headers\napplication_id,text,yes,ID\n"
	  "amount,money,yes,\ncost,money,yes,\n" },
	{ "criteria.csv",
	  "criterion,label,weight,min,max,step,threshold,source,field\n"
	  "excellence,Excellence,1,0,5,0.5,3,reviews,\n"
	  "impact,Impact,1.5,0,5,0.5,,reviews,\n" },
	{ "scoring.csv",
	  "setting,value\ncombine,trimmed_mean\nmin_marks,1\nnormalise,yes\n"
	  "envelope,1000.00\namount_field,amount\ncost_field,cost\n" },
};
#define NFILES (sizeof(files) / sizeof(files[0]))

static const char *const apps[] = { "A-1", "A-2", "A-3" };

static long lookup(void *ctx, const char *id, size_t n)
{
	size_t i;

	(void)ctx;
	for (i = 0; i < sizeof(apps) / sizeof(apps[0]); i++)
		if (strlen(apps[i]) == n && memcmp(apps[i], id, n) == 0)
			return (long)i;
	return -1;
}

static void count_bad(void *ctx, const struct diag *d)
{
	if (d->msg[0] == '\0' || d->line == 0)
		abort(); /* every bad line is named, with its line */
	++*(unsigned long *)ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct call *c;
	static struct criteria *k;
	static const unsigned char use[3] = { 1, 1, 1 };
	unsigned long reported = 0;
	struct diag_sink sink = { count_bad, &reported };
	struct marks_ctx x;
	struct marks mk;
	struct diag err;
	char path[3][128], sha[3][65];
	size_t i, which;

	if (size < 1)
		return 0;
	if (c == NULL) {
		for (i = 3; i < NFILES; i++)
			fz_write(files[i].name, files[i].text,
				 strlen(files[i].text));
		diag_clear(&err);
		if (call_load(fz_dir(), &c, &err) < 0 ||
		    criteria_load(c, &k, &err) < 0)
			abort();
	}
	which = data[0] % 3;
	for (i = 0; i < 3; i++) {
		if (i == which)
			fz_write(files[i].name, data + 1, size - 1);
		else
			fz_write(files[i].name, files[i].text,
				 strlen(files[i].text));
		snprintf(path[i], sizeof(path[i]), "%s/%s", fz_dir(),
			 files[i].name);
	}
	x.k = k;
	x.napps = sizeof(apps) / sizeof(apps[0]);
	x.lookup = lookup;
	x.lookup_ctx = NULL;
	x.sink = &sink;
	marks_init(&mk);
	diag_clear(&err);
	if (marks_read(&mk, &x, path[0], NULL, path[1], path[2], sha[0],
		       sha[1], sha[2], &err) < 0) {
		if ((err.status != AAP_EDATA && err.status != AAP_ESYS) ||
		    err.msg[0] == '\0')
			abort();
	} else if (mk.nbad != reported) {
		abort(); /* nothing bad goes unreported */
	} else if (mk.nbad == 0) {
		for (i = 0; i < mk.n; i++)
			if (mk.m[i].app >= 3 || mk.m[i].crit >= k->nitems ||
			    !criteria_on_scale(&k->items[mk.m[i].crit],
					       mk.m[i].raw))
				abort(); /* a mark taken is a checked one */
		for (i = 0; i < k->nitems; i++)
			if (marks_normalise(&mk, &k->items[i], i, use) < 0)
				abort();
		for (i = 0; i < mk.n; i++)
			if (!criteria_on_scale(&k->items[mk.m[i].crit],
					       mk.m[i].value))
				abort(); /* normalised onto the step */
	}
	marks_fini(&mk);
	return 0;
}
