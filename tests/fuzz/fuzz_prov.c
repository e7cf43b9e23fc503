/* fuzz_prov.c - libFuzzer harness for the provenance and trailer tokens
 * (lib/prov.c): the data's first line is taken as a '#stage' line, the
 * rest as a trailer; each is parsed, the trailer checked against the
 * '#stage' line, and every value parsed is written again and read back
 * the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aap.h"
#include "diag.h"
#include "prov.h"
#include "sbuf.h"
#include "fuzz.h"

/* Writes each token of l with prov_token_n and parses it again: the
 * value must come back byte for byte. */
static void round_trip(const struct prov_line *l)
{
	struct prov_line back;
	struct diag err;
	struct sbuf b;
	size_t i;

	for (i = 0; i < l->n; i++) {
		sbuf_init(&b);
		prov_line_init(&back);
		if (sbuf_adds(&b, "#stage") < 0 ||
		    prov_token_n(&b, PROV_NAME, l->tok[i].value, l->tok[i].len) < 0)
			abort();
		if (prov_parse(&back, sbuf_str(&b), "fuzz", 1, &err) < 0 ||
		    back.n != 1 || back.tok[0].len != l->tok[i].len ||
		    memcmp(back.tok[0].value, l->tok[i].value, l->tok[i].len) != 0)
			abort();
		prov_line_fini(&back);
		sbuf_fini(&b);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *nl;
	struct prov_line stage, trailer;
	struct diag err;
	int has_stage;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	nl = strchr(s, '\n');
	if (nl != NULL)
		*nl = '\0';
	prov_line_init(&stage);
	prov_line_init(&trailer);
	has_stage = prov_parse(&stage, s, "fuzz", 1, &err) == 0;
	if (has_stage)
		round_trip(&stage);
	if (nl != NULL && prov_parse(&trailer, nl + 1, "fuzz", 2, &err) == 0) {
		round_trip(&trailer);
		if (prov_trailer_check(&trailer, has_stage ? &stage : NULL, "fuzz",
				       2, &err) < 0 && err.status != AAP_EDATA)
			abort();
	}
	prov_line_fini(&stage);
	prov_line_fini(&trailer);
	free(s);
	return 0;
}
