/* fuzz_rules.c - libFuzzer harness for aap-validate's rules.csv: the data
 * is the rules table of a small call, loaded and compiled by rules_load
 * (every pattern included), then checked against a few records, so the
 * matcher's bounds are fuzzed too. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "aap.h"
#include "call.h"
#include "diag.h"
#include "rules.h"
#include "fuzz.h"

static const char good_call[] = "setting,value\nid,fz\ntitle,Fuzz\n";
static const char good_fields[] =
	"field,type,required,headers\n"
	"application_id,text,yes,ID\n"
	"name,text,no,\n"
	"siret,text,no,\n"
	"iban,text,no,\n"
	"size,enum,no,\n"
	"amount,money,no,\n"
	"cost,money,no,\n"
	"insee,text,no,\n"
	"postcode,text,no,\n"
	"submitted,datetime,no,\n"
	"start,date,no,\n"
	"end,date,no,\n"
	"trl,integer,no,\n"
	"rate,rate,no,\n"
	"ok,boolean,no,\n"
	"countries,list,no,\n";
#define NFIELDS 16

/* Records the rules are checked against, one value per field above. */
static const char *const records[][NFIELDS] = {
	{ "A-1", "Mistral Iode", "82161143100031", "FR7630006000011234567890189",
	  "PME", "180000.00", "400000.00", "13202", "13002",
	  "2025-03-03T09:12:44+01:00", "2025-09-01", "2027-08-31", "4",
	  "0.45", "yes", "Espagne|Italie" },
	{ "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "" },
	{ "A-1", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!",
	  "1234", "XX", "GE", "1.234", "-1", "2A004", "20000",
	  "2025-03-03 09:12", "31/04/2025", "0000-01-01", "x", "45", "maybe",
	  "a|" },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int written;
	struct call *c = NULL;
	struct diag err;
	struct rules *r = NULL;
	struct rules_findings f;
	struct rules_record rec;
	size_t len[NFIELDS], i, k;

	if (!written) {
		fz_write("call.csv", good_call, strlen(good_call));
		fz_write("fields.csv", good_fields, strlen(good_fields));
		written = 1;
	}
	fz_write("rules.csv", data, size);
	diag_clear(&err);
	if (call_load(fz_dir(), &c, &err) < 0 || c->nfields != NFIELDS)
		abort();
	if (rules_load(c, &r, &err) < 0) {
		if ((err.status != AAP_EUSAGE && err.status != AAP_ESYS) ||
		    err.msg[0] == '\0')
			abort();
		call_free(c);
		return 0;
	}
	rules_findings_init(&f, 1);
	for (k = 0; k < sizeof(records) / sizeof(records[0]); k++) {
		for (i = 0; i < NFIELDS; i++)
			len[i] = strlen(records[k][i]);
		rec.val = records[k];
		rec.len = len;
		rec.file = "fuzz.csv";
		rec.line = k + 2;
		rules_findings_reset(&f);
		diag_clear(&err);
		if (rules_check(r, &rec, &f, &err) < 0) {
			if ((err.status != AAP_EUSAGE && err.status != AAP_ESYS) ||
			    err.msg[0] == '\0')
				abort();
			continue;
		}
		rules_findings_sort(&f);
	}
	rules_findings_fini(&f);
	rules_free(r);
	call_free(c);
	return 0;
}
