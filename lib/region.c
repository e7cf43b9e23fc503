/* region.c - départements from commune codes and postcodes. */
#include <string.h>

#include "region.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Writes the first n characters of s to dep, NUL-terminated. */
static int put(char dep[REGION_DEP_MAX], const char *s, size_t n)
{
	memcpy(dep, s, n);
	dep[n] = '\0';
	return 1;
}

int region_from_insee(const char *s, size_t n, char dep[REGION_DEP_MAX])
{
	size_t i;

	dep[0] = '\0';
	if (n != 5)
		return 0;
	if (s[0] == '2' && (s[1] == 'A' || s[1] == 'B')) {
		for (i = 2; i < 5; i++)
			if (!is_digit(s[i]))
				return 0;
		return put(dep, s, 2);
	}
	for (i = 0; i < 5; i++)
		if (!is_digit(s[i]))
			return 0;
	if (s[0] == '9' && (s[1] == '7' || s[1] == '8'))
		return put(dep, s, 3);
	/* 20xxx is no longer a commune code: Corsica is 2A or 2B. */
	if (memcmp(s, "00", 2) == 0 || memcmp(s, "20", 2) == 0)
		return 0;
	return put(dep, s, 2);
}

int region_from_postcode(const char *s, size_t n, char dep[REGION_DEP_MAX])
{
	size_t i;

	dep[0] = '\0';
	if (n != 5)
		return 0;
	for (i = 0; i < 5; i++)
		if (!is_digit(s[i]))
			return 0;
	if (memcmp(s, "00", 2) == 0)
		return 0;
	if (memcmp(s, "20", 2) == 0)
		return put(dep, s[2] < '2' ? "2A" : "2B", 2);
	if (s[0] == '9' && (s[1] == '7' || s[1] == '8'))
		return put(dep, s, 3);
	return put(dep, s, 2);
}

int region_valid_dep(const char *s)
{
	size_t n = strlen(s);

	if (n == 2 && s[0] == '2' && (s[1] == 'A' || s[1] == 'B'))
		return 1;
	if (n == 2 && is_digit(s[0]) && is_digit(s[1]))
		return strcmp(s, "00") != 0 && strcmp(s, "20") != 0 &&
		       strcmp(s, "96") < 0;
	return n == 3 && s[0] == '9' && (s[1] == '7' || s[1] == '8') &&
	       is_digit(s[2]) && s[2] != '0';
}
