/* mem.h - the project's allocator: plain malloc underneath, with a counter
 * so tests can make the Nth allocation fail (fault injection). */
#ifndef MEM_H
#define MEM_H

#include <stddef.h>

/* Allocates n bytes (n == 0 allocates 1).  Returns NULL when memory has run
 * out or an injected failure fires.  The caller owns the block and frees it
 * with mem_free. */
void *mem_alloc(size_t n);

/* Allocates n zeroed objects of size sz, NULL on overflow or failure. */
void *mem_calloc(size_t n, size_t sz);

/* Resizes p to n bytes like realloc; on failure returns NULL and p is left
 * as it was.  Usable as libcsv's realloc hook. */
void *mem_realloc(void *p, size_t n);

/* Frees p; mem_free(NULL) does nothing. */
void mem_free(void *p);

/* Returns a copy of the n bytes at s with a NUL added, owned by the caller;
 * NULL when memory has run out. */
char *mem_strndup(const char *s, size_t n);

/* Returns a copy of the string s, owned by the caller, or NULL. */
char *mem_strdup(const char *s);

/* Makes allocation number n (counted from now, 1-based) and every later one
 * fail; n == 0 turns injection off.  For tests. */
void mem_fail_at(unsigned long n);

/* Reads AAP_FAIL_ALLOC from the environment and arms mem_fail_at with it.
 * Called by every main(); a no-op when the variable is unset. */
void mem_fail_from_env(void);

#endif
