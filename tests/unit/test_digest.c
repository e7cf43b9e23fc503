/* test_digest.c - SHA-256 digests, inline and on their own thread. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "digest.h"

static void known_vectors(void **state)
{
	char hex[DIGEST_HEX_LEN + 1];

	(void)state;
	assert_int_equal(digest_bytes("abc", 3, hex), 0);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
				 "b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(digest_bytes("", 0, hex), 0);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb924"
				 "27ae41e4649b934ca495991b7852b855");
}

/* A peek with bytes is the digest of what was fed and those bytes, and
 * leaves the digest as it was. */
static void peek_with_adds_bytes_without_feeding_them(void **state)
{
	char hex[DIGEST_HEX_LEN + 1], want[DIGEST_HEX_LEN + 1];
	struct digest *d = digest_new();

	(void)state;
	assert_non_null(d);
	assert_int_equal(digest_update(d, "ab", 2), 0);
	assert_int_equal(digest_peek_with(d, "c", 1, hex), 0);
	assert_int_equal(digest_bytes("abc", 3, want), 0);
	assert_string_equal(hex, want);
	assert_int_equal(digest_peek(d, hex), 0);
	assert_int_equal(digest_bytes("ab", 2, want), 0);
	assert_string_equal(hex, want);
	digest_free(d);
}

/* Feeds the same bytes, in the same uneven pieces, to an inline digest
 * and to one hashing on its thread, peeking at both now and then: every
 * peek agrees, across the edges of its buffer (1 MiB) and of its chunks. */
static void background_hashing_gives_the_same_digests(void **state)
{
	size_t size = (3u << 20) + 12345, at = 0, piece, peeks = 0;
	unsigned char *data = malloc(size);
	struct digest *a = digest_new(), *b = digest_new();
	char ha[DIGEST_HEX_LEN + 1], hb[DIGEST_HEX_LEN + 1];
	uint64_t x = 7;
	size_t i;

	(void)state;
	assert_non_null(data);
	assert_non_null(a);
	assert_non_null(b);
	for (i = 0; i < size; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		data[i] = (unsigned char)(x >> 56);
	}
	assert_int_equal(digest_background(b), 0);
	assert_int_equal(digest_background(b), 0); /* once is enough */
	while (at < size) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		/* From 1 byte to more than the whole buffer at once. */
		piece = (size_t)(x >> 40) % ((x >> 20) % 4 == 0 ? (3u << 20) :
								  70000) + 1;
		if (piece > size - at)
			piece = size - at;
		assert_int_equal(digest_update(a, data + at, piece), 0);
		assert_int_equal(digest_update(b, data + at, piece), 0);
		at += piece;
		if ((x >> 8) % 5 == 0 || at == size) {
			assert_int_equal(digest_peek(a, ha), 0);
			assert_int_equal(digest_peek(b, hb), 0);
			assert_string_equal(ha, hb);
			peeks++;
		}
	}
	assert_true(peeks > 2);
	/* Freed with bytes still waiting: the thread ends cleanly. */
	assert_int_equal(digest_update(b, data, size), 0);
	digest_free(a);
	digest_free(b);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_vectors),
		cmocka_unit_test(peek_with_adds_bytes_without_feeding_them),
		cmocka_unit_test(background_hashing_gives_the_same_digests),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
