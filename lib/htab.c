/* htab.c - open addressing with linear probing; the low bits of a key's
 * hash give its first slot, the high 32 bits are kept as its tag. */
#include <string.h>

#include "hash.h"
#include "htab.h"
#include "mem.h"

#define TAG(hv) ((hv) >> 32)
#define ID_MASK ((uint64_t)0xFFFFFFFFu)
#define MIN_CAP ((size_t)64)

void htab_init(struct htab *h, htab_key_fn key, const void *ctx)
{
	memset(h, 0, sizeof(*h));
	h->key = key;
	h->ctx = ctx;
}

void htab_fini(struct htab *h)
{
	mem_free(h->slot);
	h->slot = NULL;
	h->cap = 0;
	h->n = 0;
}

/* The slot holding key (n bytes, hash hv), or the free one where it would
 * go.  h->cap > 0. */
static uint64_t *slot_of(const struct htab *h, const void *key, size_t n,
			 uint64_t hv)
{
	uint64_t tag = TAG(hv), s;
	size_t i = (size_t)hv & (h->cap - 1), len;
	const void *k;

	for (;; i = (i + 1) & (h->cap - 1)) {
		s = h->slot[i];
		if (s == 0)
			return &h->slot[i];
		if (TAG(s) != tag)
			continue;
		k = h->key(h->ctx, (size_t)(s & ID_MASK) - 1, &len);
		if (len == n && memcmp(k, key, n) == 0)
			return &h->slot[i];
	}
}

/* Moves the keys of h into cap slots.  Returns 0 or -1 (memory). */
static int rehash(struct htab *h, size_t cap)
{
	uint64_t *old = h->slot, *s;
	size_t oldcap = h->cap, i, len;
	const void *k;

	if ((h->slot = mem_calloc(cap, sizeof(*h->slot))) == NULL) {
		h->slot = old;
		return -1;
	}
	h->cap = cap;
	for (i = 0; i < oldcap; i++) {
		if (old[i] == 0)
			continue;
		/* Every key is there once: the probe stops at a free slot. */
		k = h->key(h->ctx, (size_t)(old[i] & ID_MASK) - 1, &len);
		for (s = &h->slot[(size_t)hash64(k, len) & (cap - 1)]; *s != 0;
		     s = s + 1 == h->slot + cap ? h->slot : s + 1)
			;
		*s = old[i];
	}
	mem_free(old);
	return 0;
}

int htab_reserve(struct htab *h, size_t n)
{
	size_t cap = h->cap ? h->cap : MIN_CAP;

	while (cap / 2 < n) {
		if (cap > SIZE_MAX / 2 / sizeof(*h->slot))
			return -1;
		cap *= 2;
	}
	return cap == h->cap ? 0 : rehash(h, cap);
}

size_t htab_find(const struct htab *h, const void *key, size_t n)
{
	uint64_t s;

	if (h->cap == 0)
		return (size_t)-1;
	s = *slot_of(h, key, n, hash64(key, n));
	return s == 0 ? (size_t)-1 : (size_t)(s & ID_MASK) - 1;
}

int htab_put(struct htab *h, const void *key, size_t n, size_t id,
	     size_t *found)
{
	uint64_t hv = hash64(key, n), *s;

	if (id > HTAB_ID_MAX)
		return -1;
	if ((h->n + 1) * 4 > h->cap * 3) {
		if (h->cap > SIZE_MAX / 4 / sizeof(*h->slot) ||
		    rehash(h, h->cap ? h->cap * 2 : MIN_CAP) < 0)
			return -1;
	}
	s = slot_of(h, key, n, hv);
	if (*s != 0) {
		*found = (size_t)(*s & ID_MASK) - 1;
		return 1;
	}
	*s = TAG(hv) << 32 | (uint64_t)(id + 1);
	h->n++;
	return 0;
}
