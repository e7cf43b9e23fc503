/* region.h - the French département of an address, from the INSEE commune
 * code or, failing it, from the postcode. */
#ifndef REGION_H
#define REGION_H

#include <stddef.h>

/* Longest département code, with its NUL: "2A", "13", "974". */
#define REGION_DEP_MAX 4

/* Writes to dep the département of the INSEE commune code s (n bytes):
 * five characters, "[0-9]{5}" or "2[AB][0-9]{3}" (Corsica); overseas
 * codes (97x, 98x) give three digits.  Returns 1, or 0 when s is not a
 * commune code (dep is then ""). */
int region_from_insee(const char *s, size_t n, char dep[REGION_DEP_MAX]);

/* Same from a postcode, five digits: 20000-20199 is Corse-du-Sud (2A),
 * 20200-20999 Haute-Corse (2B), 97xxx and 98xxx give three digits.
 * Returns 1, or 0 when s is not a postcode. */
int region_from_postcode(const char *s, size_t n, char dep[REGION_DEP_MAX]);

/* Returns 1 when s is a well-formed département code: "01" to "95"
 * (not "20"), "2A", "2B", or "971" to "989". */
int region_valid_dep(const char *s);

#endif
