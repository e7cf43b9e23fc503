/* htab.h - the hash table of every stage: open addressing over 8-byte
 * slots, keys numbered and kept by the caller (in an arena, in records, in
 * an array), each slot holding 32 bits of its key's hash beside the key's
 * number, so that a probe reads a key only when the hash bits agree. */
#ifndef HTAB_H
#define HTAB_H

#include <stddef.h>
#include <stdint.h>

/* Largest number a key can have. */
#define HTAB_ID_MAX ((size_t)0xFFFFFFFEu)

/* The bytes of the key numbered id: returns them and sets *n to their
 * length.  They must stay the same while the key is in the table. */
typedef const void *(*htab_key_fn)(const void *ctx, size_t id, size_t *n);

/* A table of keys: byte strings, each kept by the caller under a number
 * from 0 to HTAB_ID_MAX. */
struct htab {
	uint64_t *slot;     /* hash tag << 32 | id + 1; 0 when free */
	size_t cap;         /* slots, a power of two; 0 before the first key */
	size_t n;           /* keys */
	htab_key_fn key;    /* the bytes of a key */
	const void *ctx;    /* key's first argument */
};

/* Makes h an empty table whose keys key gives (ctx its first argument).
 * Allocates nothing. */
void htab_init(struct htab *h, htab_key_fn key, const void *ctx);

/* Frees what h holds and makes it empty. */
void htab_fini(struct htab *h);

/* Makes room for n keys in all with h at most half full, so that they go
 * in without h growing and are found in the fewest probes.  Returns 0, or
 * -1 when memory ran out (h unchanged). */
int htab_reserve(struct htab *h, size_t n);

/* Returns the number of the key equal to the n bytes at key, or -1 cast
 * to size_t when h holds none. */
size_t htab_find(const struct htab *h, const void *key, size_t n);

/* Looks up the n bytes at key: when h holds an equal key, sets *found to
 * its number and returns 1; else adds them as key number id (whose bytes
 * key must give from now on, equal to these) and returns 0.  Returns -1,
 * h unchanged, when memory ran out or id is above HTAB_ID_MAX.  The table
 * grows when it is more than 3/4 full. */
int htab_put(struct htab *h, const void *key, size_t n, size_t id,
	     size_t *found);

#endif
