/* keymap.c - byte strings to numbers, over the one hash table. */
#include <string.h>

#include "keymap.h"
#include "mem.h"

/* The bytes of entry id of the map ctx (htab_key_fn). */
static const void *keymap_key(const void *ctx, size_t id, size_t *n)
{
	const struct keymap *m = ctx;

	*n = m->len[id];
	return m->keys.data + m->off[id];
}

void keymap_init(struct keymap *m)
{
	memset(m, 0, sizeof(*m));
	htab_init(&m->index, keymap_key, m);
	sbuf_init(&m->keys);
}

void keymap_fini(struct keymap *m)
{
	htab_fini(&m->index);
	mem_free(m->off);
	mem_free(m->len);
	mem_free(m->val);
	sbuf_fini(&m->keys);
	memset(m, 0, sizeof(*m));
}

size_t keymap_find(const struct keymap *m, const void *key, size_t n)
{
	return htab_find(&m->index, key, n) + 1;
}

int keymap_put(struct keymap *m, const void *key, size_t n, size_t v,
	       size_t *val)
{
	size_t e;
	int r;

	if (m->n == m->ecap) {
		size_t c = m->ecap ? m->ecap * 2 : 64;
		size_t *o = mem_realloc(m->off, c * sizeof(*o));

		if (o == NULL)
			return -1;
		m->off = o;
		if ((o = mem_realloc(m->len, c * sizeof(*o))) == NULL)
			return -1;
		m->len = o;
		if ((o = mem_realloc(m->val, c * sizeof(*o))) == NULL)
			return -1;
		m->val = o;
		m->ecap = c;
	}
	if ((r = htab_put(&m->index, key, n, m->n, &e)) != 0) {
		if (r == 1)
			*val = m->val[e];
		return r;
	}
	m->off[m->n] = m->keys.len;
	m->len[m->n] = n;
	m->val[m->n] = v;
	if (sbuf_add(&m->keys, key, n) < 0)
		return -1;
	m->n++;
	return 0;
}
