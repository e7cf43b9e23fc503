/* visible.h - the one rule for making control characters visible: which
 * characters of a value are shown rather than sent, and how they look in
 * a message (hex escapes) or on a page (control pictures). */
#ifndef VISIBLE_H
#define VISIBLE_H

#include <stddef.h>

#include "sbuf.h"

/* Control characters a caller keeps as they are (a set of these bits). */
#define VISIBLE_KEEP_LF 1u  /* line feed: a report's cell keeps its lines */
#define VISIBLE_KEEP_TAB 2u /* tab: harmless on a page */

/* How a control character looks. */
enum visible_form {
	VISIBLE_HEX,    /* each of its bytes as "\xNN", lower-case: ESC is
			   "\x1b", U+0085 "\xc2\x85"; plain ASCII, for
			   messages, logs and text cells */
	VISIBLE_PICTURE /* C0 and DEL as their control pictures (U+2400 + c,
			   ESC is "␛", DEL "␡"), the others as "<U+0085>":
			   for pages people read */
};

/* The longest visible form of one character, in bytes. */
#define VISIBLE_MAX 12

/* Looks at the character at s (n > 0 bytes).  When it is a control
 * character to show rather than send -- C0 (below 0x20) but those keep
 * names, DEL, C1 (U+0080 to U+009F) and the bidirectional controls
 * (U+202A to U+202E, U+2066 to U+2069) and line separators (U+2028,
 * U+2029) in UTF-8 -- writes its visible form into out (no NUL), sets
 * *used to its length in s (1 to 3 bytes) and returns the bytes written.
 * Otherwise sets *used to 1 and returns 0: the byte stays as it is. */
size_t visible_char(const char *s, size_t n, unsigned keep,
		    enum visible_form form, char out[VISIBLE_MAX],
		    size_t *used);

/* Appends the n bytes at s to out, every control character (visible_char)
 * in its visible form.  Returns 0, or -1 when memory ran out. */
int visible_add(struct sbuf *out, const char *s, size_t n, unsigned keep,
		enum visible_form form);

#endif
