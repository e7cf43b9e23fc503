/* mem.c - allocation with a failure counter for fault injection. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

static unsigned long fail_at;  /* 0: never fail */
/* Allocations since mem_fail_at; atomic, as threads allocate too (the
 * reviews file is read on one while the stream is on another). */
static atomic_ulong count;

/* Counts one allocation; returns 1 when it must fail. */
static int must_fail(void)
{
	if (fail_at == 0)
		return 0;
	return atomic_fetch_add_explicit(&count, 1, memory_order_relaxed) + 1 >=
	       fail_at;
}

void *mem_alloc(size_t n)
{
	if (must_fail())
		return NULL;
	return malloc(n ? n : 1);
}

void *mem_calloc(size_t n, size_t sz)
{
	if (sz != 0 && n > SIZE_MAX / sz)
		return NULL;
	if (must_fail())
		return NULL;
	return calloc(n ? n : 1, sz ? sz : 1);
}

void *mem_realloc(void *p, size_t n)
{
	if (must_fail())
		return NULL;
	return realloc(p, n ? n : 1);
}

void mem_free(void *p)
{
	free(p);
}

char *mem_strndup(const char *s, size_t n)
{
	char *c = mem_alloc(n + 1);

	if (c == NULL)
		return NULL;
	memcpy(c, s, n);
	c[n] = '\0';
	return c;
}

char *mem_strdup(const char *s)
{
	return mem_strndup(s, strlen(s));
}

void mem_fail_at(unsigned long n)
{
	fail_at = n;
	atomic_store(&count, 0);
}

void mem_fail_from_env(void)
{
	const char *v = getenv("AAP_FAIL_ALLOC");
	unsigned long n = 0;

	if (v == NULL)
		return;
	for (; *v >= '0' && *v <= '9'; v++)
		n = n * 10 + (unsigned long)(*v - '0');
	mem_fail_at(n);
}
