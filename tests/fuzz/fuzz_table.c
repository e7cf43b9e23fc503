/* fuzz_table.c - libFuzzer harness for the call folder's tables: the
 * first byte chooses what the rest becomes: a table read by table_load,
 * or call.csv or fields.csv of a call folder read by call_load (the other
 * table being a good one). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "aap.h"
#include "call.h"
#include "diag.h"
#include "table.h"
#include "fuzz.h"

static const char good_call[] = "setting,value\nid,fz\ntitle,Fuzz\n";
static const char good_fields[] =
	"field,type,required,headers\n"
	"application_id,text,yes,ID|Numéro de dossier\n"
	"amount,money,yes,Montant\n"
	"note,text,no,\n";

/* A failure must have a configuration or system class and a message. */
static void check_err(const struct diag *err)
{
	if ((err->status != AAP_EUSAGE && err->status != AAP_ESYS) ||
	    err->msg[0] == '\0') {
		fprintf(stderr, "fuzz_table: status %d, \"%s:%lu: %s\"\n",
			err->status, err->file, err->line, err->msg);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag err;
	struct table *t = NULL;
	struct call *c = NULL;
	char path[128];
	size_t i, j;

	if (size < 1)
		return 0;
	diag_clear(&err);
	switch (data[0] % 3) {
	case 0:
		fz_write("t.csv", data + 1, size - 1);
		snprintf(path, sizeof(path), "%s/t.csv", fz_dir());
		if (table_load(path, &t, &err) < 0) {
			check_err(&err);
			break;
		}
		/* Every cell is trimmed.  (A NUL byte in a cell is taken, and
		 * the cell ends there for its readers: see docs/promises.md,
		 * so such inputs are left out of this check.) */
		for (i = 0; memchr(data + 1, 0, size - 1) == NULL && i < t->nrows; i++)
			for (j = 0; j < t->ncols; j++) {
				const char *s = t->rows[i].cells[j];
				size_t n = strlen(s);

				if (n > 0 && (s[0] == ' ' || s[0] == '\t' ||
					      s[n - 1] == ' ' || s[n - 1] == '\t'))
					abort();
			}
		if (strlen(t->sha256) != 64)
			abort();
		table_free(t);
		break;
	case 1:
	case 2:
		fz_write("call.csv", data[0] % 3 == 1 ? (const void *)(data + 1) :
			 good_call, data[0] % 3 == 1 ? size - 1 : strlen(good_call));
		fz_write("fields.csv", data[0] % 3 == 2 ? (const void *)(data + 1) :
			 good_fields, data[0] % 3 == 2 ? size - 1 : strlen(good_fields));
		if (call_load(fz_dir(), &c, &err) < 0) {
			check_err(&err);
			if (c != NULL)
				abort();
			break;
		}
		/* What a loaded call promises its stages. */
		if (c->nfields == 0 || strcmp(c->fields[0].name,
					      "application_id") != 0 ||
		    c->id == NULL || c->title == NULL)
			abort();
		call_free(c);
		break;
	}
	return 0;
}
