/* fuzz_conninfo.c - libFuzzer harness for the connection-string check
 * (lib/pg.c): libpq's parser on any bytes, no server.  A string it
 * refuses must be said without 12 bytes in a row of it that are not in
 * what is said of every malformed string of one kind. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aap.h"
#include "diag.h"
#include "pg.h"
#include "fuzz.h"

/* One malformed string of each kind libpq tells apart. */
static const char *const kinds[] = {
	"a b", "nosuch=1", "a='b", "postgresql://h/d?x=%zz",
	"postgresql://h/d?x=%00", "postgresql://[::1/d", "postgresql://[]/d",
	"postgresql://h/d?a", "postgresql://h/d?a=b=c", "postgresql://h/d?no=1",
	"postgresql://h:5432x/d",
};

/* What is said of them all, each message and hint. */
static char said[8192];

static void say_kinds(void)
{
	struct diag err;
	size_t i, n = 0;

	for (i = 0; i < sizeof(kinds) / sizeof(*kinds); i++) {
		if (pg_conninfo_check(kinds[i], &err) == 0)
			continue;
		n += (size_t)snprintf(said + n, sizeof(said) - n, "%s\n%s\n",
				      err.msg, err.hint);
		if (n >= sizeof(said))
			abort();
	}
}

/* 1 when text holds a run of n bytes of s (len bytes) that is not in
 * what is said of every string of a kind. */
static int quotes(const char *text, const char *s, size_t len, size_t n)
{
	char w[32];
	size_t i;

	for (i = 0; i + n <= len && n < sizeof(w); i++) {
		memcpy(w, s + i, n);
		w[n] = '\0';
		if (strstr(text, w) != NULL && strstr(said, w) == NULL)
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
	if (said[0] == '\0')
		say_kinds();
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
