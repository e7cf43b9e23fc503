/* fixed.h - the fixed-point units of scoring (scores, weights, rates,
 * money) and its one rounding rule. */
#ifndef FIXED_H
#define FIXED_H

#include <stdint.h>

#include "sbuf.h"

/* Scores, marks and totals are integers in units of 10^-SCORE_SCALE. */
#define SCORE_SCALE 4
/* Weights are integers in units of 10^-SCORE_WEIGHT_SCALE. */
#define SCORE_WEIGHT_SCALE 4
/* Rates (the maximum share of the eligible cost): units of 10^-6. */
#define SCORE_RATE_SCALE 6
/* Money: cents. */
#define SCORE_MONEY_SCALE 2

/* 128-bit intermediate products, so that no exact computation overflows. */
__extension__ typedef __int128 score_wide;

/* Divides num by den (den > 0), rounding half away from zero: the one
 * rounding rule of scoring. */
int64_t score_div_round(score_wide num, score_wide den);

/* Writes v (at scale) into b as a normal decimal.  Returns 0 or -1. */
int score_format(struct sbuf *b, int64_t v, unsigned scale);

#endif
