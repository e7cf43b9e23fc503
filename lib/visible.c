/* visible.c - control characters made visible (docs/promises.md, 8): one
 * rule of which characters are shown rather than sent, in two forms. */
#include "visible.h"

/* Returns the code point of the control character at s (n > 0 bytes)
 * and sets *len to its length, or returns -1 when s does not start with
 * one. */
static long control_at(const unsigned char *s, size_t n, unsigned keep,
		       size_t *len)
{
	unsigned c = s[0];

	*len = 1;
	if (c == '\n' && (keep & VISIBLE_KEEP_LF))
		return -1;
	if (c == '\t' && (keep & VISIBLE_KEEP_TAB))
		return -1;
	if (c < 0x20 || c == 0x7F)
		return (long)c;
	if (c == 0xC2 && n >= 2 && s[1] >= 0x80 && s[1] <= 0x9F) {
		*len = 2;
		return (long)s[1];
	}
	if (c == 0xE2 && n >= 3 &&
	    ((s[1] == 0x80 && s[2] >= 0xA8 && s[2] <= 0xAE) ||
	     (s[1] == 0x81 && s[2] >= 0xA6 && s[2] <= 0xA9))) {
		*len = 3;
		return (long)(0x2000u | (s[1] & 0x3Fu) << 6 | (s[2] & 0x3Fu));
	}
	return -1;
}

size_t visible_char(const char *s, size_t n, unsigned keep,
		    enum visible_form form, char out[VISIBLE_MAX],
		    size_t *used)
{
	static const char hex[] = "0123456789abcdef", up[] = "0123456789ABCDEF";
	const unsigned char *u = (const unsigned char *)s;
	long cp = control_at(u, n, keep, used);
	size_t i, k = 0;
	int shift;

	if (cp < 0)
		return 0;
	if (form == VISIBLE_HEX) {
		for (i = 0; i < *used; i++) {
			out[k++] = '\\';
			out[k++] = 'x';
			out[k++] = hex[u[i] >> 4];
			out[k++] = hex[u[i] & 15];
		}
		return k;
	}
	if (cp < 0x20 || cp == 0x7F) {
		/* U+2400 + c; DEL's picture is U+2421. */
		out[0] = '\xE2';
		out[1] = '\x90';
		out[2] = (char)(cp == 0x7F ? 0xA1 : 0x80 + cp);
		return 3;
	}
	out[k++] = '<';
	out[k++] = 'U';
	out[k++] = '+';
	for (shift = 12; shift >= 0; shift -= 4)
		out[k++] = up[((unsigned long)cp >> shift) & 0xF];
	out[k++] = '>';
	return k;
}

int visible_add(struct sbuf *out, const char *s, size_t n, unsigned keep,
		enum visible_form form)
{
	char v[VISIBLE_MAX];
	size_t i = 0, run = 0, used, k;

	/* Bytes that need nothing are copied in runs. */
	while (i < n) {
		k = visible_char(s + i, n - i, keep, form, v, &used);
		if (k == 0) {
			i++, run++;
			continue;
		}
		if (sbuf_add(out, s + i - run, run) < 0 ||
		    sbuf_add(out, v, k) < 0)
			return -1;
		run = 0;
		i += used;
	}
	return sbuf_add(out, s + n - run, run);
}
