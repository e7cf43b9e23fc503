/* keymap.h - a map from byte strings to numbers: the keys kept once in
 * an arena, numbered in the order first met, found through the project's
 * one hash table (htab.h). */
#ifndef KEYMAP_H
#define KEYMAP_H

#include <stddef.h>

#include "htab.h"
#include "sbuf.h"

/* A map.  Entry e's key is keys.data + off[e], len[e] bytes; its value
 * val[e]. */
struct keymap {
	struct htab index;  /* entry numbers by key */
	size_t *off, *len;  /* each entry's key in keys */
	size_t *val;        /* each entry's value */
	size_t n, ecap;     /* entries, allocated */
	struct sbuf keys;   /* the keys' bytes */
};

/* Makes m an empty map without allocating; m must not move while it is
 * in use. */
void keymap_init(struct keymap *m);

/* Frees what m holds and makes it empty. */
void keymap_fini(struct keymap *m);

/* The entry number + 1 of the n bytes at key, or 0 when m has none. */
size_t keymap_find(const struct keymap *m, const void *key, size_t n);

/* Looks the n bytes at key up: returns 1 with *val set to its value when
 * m has them; otherwise adds them as entry m->n with value v and returns
 * 0; -1 when memory ran out. */
int keymap_put(struct keymap *m, const void *key, size_t n, size_t v,
	       size_t *val);

#endif
