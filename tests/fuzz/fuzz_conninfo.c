/* fuzz_conninfo.c - libFuzzer harness for the connection-string check
 * (lib/pg.c): libpq's parser on any bytes, no server.  A string it
 * refuses must be said without 12 bytes in a row of it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aap.h"
#include "diag.h"
#include "pg.h"
#include "fuzz.h"

/* 1 when text holds a run of n bytes of s (len bytes). */
static int quotes(const char *text, const char *s, size_t len, size_t n)
{
	char w[32];
	size_t i;

	for (i = 0; i + n <= len && n < sizeof(w); i++) {
		memcpy(w, s + i, n);
		w[n] = '\0';
		if (strstr(text, w) != NULL)
			return 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct diag err;
	size_t len;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	len = strlen(s);
	diag_clear(&err);
	if (pg_conninfo_check(s, &err) < 0) {
		if (err.status != AAP_EUSAGE && err.status != AAP_ESYS)
			abort();
		if (quotes(err.msg, s, len, 12) || quotes(err.detail, s, len, 12) ||
		    quotes(err.hint, s, len, 12))
			abort();
	}
	free(s);
	return 0;
}
