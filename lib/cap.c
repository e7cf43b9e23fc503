/* cap.c - the cap on an award (cap.h): one rule for the envelope walk and
 * for the pages that show what the walk would give. */
#include <string.h>

#include "cap.h"

int64_t cap_rate(const struct cap_rate *rates, size_t nrates, int64_t dflt,
		 const char *v, size_t n)
{
	size_t i;

	for (i = 0; i < nrates; i++)
		if (strlen(rates[i].value) == n && memcmp(rates[i].value, v, n) == 0)
			return rates[i].rate;
	return dflt;
}

int64_t cap_award(int64_t requested, int64_t cost, int has_max,
		  int64_t max_award, int64_t rate)
{
	int64_t a = requested < 0 ? 0 : requested;

	if (has_max && a > max_award)
		a = max_award;
	if (rate < CAP_RATE_ONE) {
		/* Rounded down: the cap is never exceeded. */
		__extension__ typedef __int128 wide;
		int64_t c = (int64_t)((wide)(cost < 0 ? 0 : cost) * rate /
				      CAP_RATE_ONE);

		if (a > c)
			a = c;
	}
	return a;
}
