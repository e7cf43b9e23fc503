/* fuzz_scoring.c - libFuzzer harness for aap-score's tables: the first
 * byte chooses which table of a small call the rest replaces
 * (criteria.csv, bands.csv, scoring.csv, tiebreaks.csv, rates.csv or
 * rules.csv's unique rows), the others being good ones; criteria_load
 * reads the folder.  A loaded criterion's bands are then asked for the
 * points of a few values. */
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

/* The call folder, table by table; the fuzzed one replaces its entry. */
static const struct {
	const char *name;
	const char *text;
} tables[] = {
	{ "criteria.csv",
	  "criterion,label,weight,min,max,step,threshold,source,field\n"
	  "excellence,Excellence,1,0,5,0.5,3,reviews,\n"
	  "impact,Impact,1.5,0,5,0.5,,reviews,\n"
	  "maturity,TRL,0.5,0,3,1,,band,trl\n"
	  "sector,Sector,0.5,0,2,1,,band,sector\n"
	  "share,Share,1,0,2,1,,band,rate\n" },
	{ "bands.csv",
	  "criterion,value,min,max,points\n"
	  "maturity,,1,3,1\nmaturity,,4,9,3\n"
	  "sector,Mer,,,2\nsector,Santé,,,1\n"
	  "share,,0,0.4,2\nshare,,0.5,1,1\n" },
	{ "scoring.csv",
	  "setting,value\ncombine,median\nmin_marks,2\nnormalise,yes\n"
	  "total_threshold,5\ntotal_threshold_on,weighted\n"
	  "envelope,600000.00\nwalk,skip\npartial,no\nreserve_list,2\n"
	  "max_award,250000.00\nmax_rate,0.45\nrate_field,size\n"
	  "amount_field,amount\ncost_field,cost\n" },
	{ "tiebreaks.csv",
	  "kind,arg,direction\nscore,excellence,\n"
	  "coverage,countries,\nfield,submitted,asc\n"
	  "balance,women|men,\napplication_id,,\n" },
	{ "rates.csv", "value,max_rate\nmicro,0.7\nPME,0.6\n" },
	{ "rules.csv",
	  "field,rule,value,other,when,severity,message\n"
	  "application_id,unique,,,,,\nsiret,unique,,,,warning,\n" },
	{ "call.csv", "setting,value\nid,fz\ntitle,Fuzz\n" },
	{ "fields.csv",
	  "field,type,required,headers\n"
	  "application_id,text,yes,ID\nsiret,text,no,\nsize,enum,no,\n"
	  "sector,enum,no,\namount,money,yes,\ncost,money,yes,\n"
	  "trl,integer,no,\nrate,rate,no,\nsubmitted,datetime,no,\n"
	  "countries,list,no,\nwomen,integer,no,\nmen,integer,no,\n" },
};
#define NTABLES (sizeof(tables) / sizeof(tables[0]))
#define NFUZZED 6 /* the tables the first byte may choose */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const values[] = { "", "4", "0.5", "Mer", "12.5",
					      "-1", "x" };
	struct diag err;
	struct call *c = NULL;
	struct criteria *k = NULL;
	size_t i, v, which;
	int64_t points;

	static int checked;

	if (!checked) {
		/* The good folder must load, or every input would only
		 * exercise the same error. */
		for (i = 0; i < NTABLES; i++)
			fz_write(tables[i].name, tables[i].text,
				 strlen(tables[i].text));
		diag_clear(&err);
		if (call_load(fz_dir(), &c, &err) < 0 ||
		    criteria_load(c, &k, &err) < 0) {
			fprintf(stderr, "fuzz_scoring: the good tables do not "
				"load: %s:%lu: %s\n", err.file, err.line,
				err.msg);
			abort();
		}
		criteria_free(k);
		call_free(c);
		c = NULL;
		k = NULL;
		checked = 1;
	}
	if (size < 1)
		return 0;
	which = data[0] % NFUZZED;
	for (i = 0; i < NTABLES; i++)
		if (i == which)
			fz_write(tables[i].name, data + 1, size - 1);
		else
			fz_write(tables[i].name, tables[i].text,
				 strlen(tables[i].text));
	diag_clear(&err);
	if (call_load(fz_dir(), &c, &err) < 0)
		abort();
	if (criteria_load(c, &k, &err) < 0) {
		if ((err.status != AAP_EUSAGE && err.status != AAP_ESYS) ||
		    err.msg[0] == '\0' || k != NULL)
			abort();
		call_free(c);
		return 0;
	}
	for (i = 0; i < k->nitems; i++) {
		const struct criteria_item *it = &k->items[i];

		if (it->min > it->max || it->step <= 0)
			abort(); /* a scale the marks can be checked against */
		if (it->source != CRITERIA_BAND)
			continue;
		for (v = 0; v < sizeof(values) / sizeof(values[0]); v++)
			if (criteria_band_points(it, values[v], strlen(values[v]),
						 &points) >= 0 &&
			    (points < it->min || points > it->max))
				abort(); /* a band gives points on the scale */
	}
	criteria_free(k);
	call_free(c);
	return 0;
}
