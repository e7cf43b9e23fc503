/* cap.h - the cap on an award: the amount requested, at most max_award and
 * at most a rate of the eligible cost (docs/scoring.md).  aap-score's
 * envelope walk and aap-export's envelope chart both cap through here. */
#ifndef AAP_CAP_H
#define AAP_CAP_H

#include <stddef.h>
#include <stdint.h>

/* A rate of 1 (rates have 6 decimals). */
#define CAP_RATE_ONE 1000000

/* A line of rates.csv: the applications whose rate field holds value may
 * get at most rate of their eligible cost. */
struct cap_rate {
	char *value;  /* the value of the rate field */
	int64_t rate; /* 6 decimals, 0 to CAP_RATE_ONE */
};

/* The rate of an application whose rate field holds v (n bytes): the rate
 * of its line among the nrates rates, or dflt when none lists it. */
int64_t cap_rate(const struct cap_rate *rates, size_t nrates, int64_t dflt,
		 const char *v, size_t n);

/* The award of an application asking requested (cents) for an eligible
 * cost of cost (cents, ignored when rate is CAP_RATE_ONE), capped by
 * max_award (when has_max) and by rate of the cost, rounded down to the
 * cent so the cap is never exceeded. */
int64_t cap_award(int64_t requested, int64_t cost, int has_max,
		  int64_t max_award, int64_t rate);

#endif
