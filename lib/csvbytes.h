/* csvbytes.h - finds, eight bytes at a time, the bytes that matter to CSV
 * quoting: the delimiter, '"', CR and LF.  Shared by the reader's scanner
 * and by the writer's quoting test. */
#ifndef CSVBYTES_H
#define CSVBYTES_H

#include <stdint.h>
#include <string.h>

/* The high bit of each byte of w equal to the byte repeated in c; below
 * the lowest one, exact (a borrow only runs upwards). */
static inline uint64_t csv_bytes_equal(uint64_t w, uint64_t c)
{
	const uint64_t ones = 0x0101010101010101ULL;
	uint64_t x = w ^ c;

	return (x - ones) & ~x & 0x8080808080808080ULL;
}

/* The first byte in [p, e) that is delim, '"', CR or LF; e when there is
 * none.  A word at a time on little-endian machines, where the lowest
 * match of a word is its first; one byte at a time elsewhere. */
static inline const unsigned char *csv_special(const unsigned char *p,
					       const unsigned char *e,
					       unsigned char delim)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t ones = 0x0101010101010101ULL;
	uint64_t w, m;

	for (; e - p >= 8; p += 8) {
		memcpy(&w, p, 8);
		m = csv_bytes_equal(w, delim * ones) |
		    csv_bytes_equal(w, '"' * ones) |
		    csv_bytes_equal(w, '\n' * ones) |
		    csv_bytes_equal(w, '\r' * ones);
		if (m != 0)
			return p + __builtin_ctzll(m) / 8;
	}
#endif
	for (; p < e; p++)
		if (*p == delim || *p == '"' || *p == '\n' || *p == '\r')
			break;
	return p;
}

#endif
