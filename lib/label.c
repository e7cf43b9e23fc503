/* label.c - folding column labels to matching keys with utf8proc. */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "label.h"

/* What a code point becomes in a key: ' ' for spaces, '\'' for
 * apostrophes, or the code point itself. */
static utf8proc_int32_t fold_point(utf8proc_int32_t c)
{
	switch (c) {
	case 0x09: case 0x0A: case 0x0D: case 0xA0: case 0x2007:
	case 0x2009: case 0x202F: case 0x200A: case 0x2002: case 0x2003:
		return ' ';
	case 0x2018: case 0x2019: case 0x02BC: case 0x2032: case 0x00B4:
		return '\'';
	default:
		return c;
	}
}

int label_key(const char *s, size_t n, struct sbuf *out)
{
	utf8proc_uint8_t *norm = NULL, enc[4];
	utf8proc_ssize_t len, i, k;
	utf8proc_int32_t c;
	int space = 0;

	sbuf_reset(out);
	len = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n,
			   &norm, UTF8PROC_STABLE | UTF8PROC_COMPOSE |
			   UTF8PROC_CASEFOLD);
	if (len == UTF8PROC_ERROR_NOMEM)
		return -1;
	if (len < 0)
		return sbuf_add(out, s, n) < 0 ? -1 : 1;
	for (i = 0; i < len; i += k) {
		k = utf8proc_iterate(norm + i, len - i, &c);
		if (k <= 0)
			break;
		c = fold_point(c);
		if (c == ' ') {
			space = out->len > 0;
			continue;
		}
		if (space && sbuf_addc(out, ' ') < 0)
			goto nomem;
		space = 0;
		if (sbuf_add(out, enc, (size_t)utf8proc_encode_char(c, enc)) < 0)
			goto nomem;
	}
	if (out->data == NULL && sbuf_add(out, "", 0) < 0)
		goto nomem;
	free(norm);
	return 0;
nomem:
	free(norm);
	return -1;
}
