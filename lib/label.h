/* label.h - matching keys for column labels: what people vary without
 * meaning to (case, spaces, Unicode composition, apostrophes) is folded. */
#ifndef LABEL_H
#define LABEL_H

#include <stddef.h>

#include "sbuf.h"

/* Writes to out (reset first) the matching key of the n bytes of UTF-8 at
 * s: NFC, case-folded, typographic apostrophes and quotes made straight,
 * no-break and other spaces made ASCII spaces, runs of spaces folded to
 * one, and surrounding spaces dropped.  Returns 0, 1 when s is not valid
 * UTF-8 (out then holds the bytes as they are), or -1 when memory has run
 * out. */
int label_key(const char *s, size_t n, struct sbuf *out);

#endif
