/* fixed.c - the rounding rule and the decimal form of scoring's
 * fixed-point numbers. */
#include "fixed.h"
#include "norm.h"

int64_t score_div_round(score_wide num, score_wide den)
{
	score_wide q = num / den, r = num % den;

	if (r < 0)
		r = -r;
	if (2 * r >= den)
		q += num < 0 ? -1 : 1;
	return (int64_t)q;
}

int score_format(struct sbuf *b, int64_t v, unsigned scale)
{
	char buf[48];

	if (norm_format_fixed(v, scale, buf, sizeof(buf)) != NORM_OK)
		return -1;
	return sbuf_adds(b, buf);
}
