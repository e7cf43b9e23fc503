/* test_htab.c - the hash table: keys found by their bytes through growth,
 * the first number of a key kept, room made ahead, numbers out of range
 * refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "htab.h"

#define NKEYS 50000

/* The keys of a test, kept by the test as a caller keeps them. */
struct keys {
	char text[NKEYS][16];  /* key i */
	size_t len[NKEYS];     /* its length */
};

static struct keys keys;

static const void *key_of(const void *ctx, size_t id, size_t *n)
{
	const struct keys *k = ctx;

	*n = k->len[id];
	return k->text[id];
}

/* Writes key i: its number in decimal, so that keys are prefixes of
 * others ("1", "10", "100"). */
static void make_keys(void)
{
	size_t i;
	int n;

	for (i = 0; i < NKEYS; i++) {
		n = snprintf(keys.text[i], sizeof(keys.text[i]), "%zu", i);
		keys.len[i] = (size_t)n;
	}
}

static void empty_table_finds_nothing_and_holds_no_memory(void **state)
{
	struct htab h;

	(void)state;
	make_keys();
	htab_init(&h, key_of, &keys);
	assert_int_equal(htab_find(&h, "1", 1), (size_t)-1);
	assert_int_equal(htab_find(&h, "", 0), (size_t)-1);
	assert_null(h.slot);
	htab_fini(&h);
}

static void keys_are_found_by_their_bytes_through_growth(void **state)
{
	struct htab h;
	size_t i, found;
	char other[16];

	(void)state;
	make_keys();
	htab_init(&h, key_of, &keys);
	for (i = 0; i < NKEYS; i++)
		assert_int_equal(htab_put(&h, keys.text[i], keys.len[i], i,
					  &found), 0);
	assert_int_equal(h.n, NKEYS);
	assert_true(h.n * 4 <= h.cap * 3);
	for (i = 0; i < NKEYS; i++)
		assert_int_equal(htab_find(&h, keys.text[i], keys.len[i]), i);
	/* "0" is a key, "00" and "" are not. */
	assert_int_equal(htab_find(&h, "00", 2), (size_t)-1);
	assert_int_equal(htab_find(&h, "", 0), (size_t)-1);
	for (i = NKEYS; i < 2 * NKEYS; i += 7) {
		int n = snprintf(other, sizeof(other), "%zu", i);

		assert_int_equal(htab_find(&h, other, (size_t)n), (size_t)-1);
	}
	htab_fini(&h);
	assert_null(h.slot);
	assert_int_equal(h.n, 0);
}

static void a_key_met_again_gives_its_first_number(void **state)
{
	struct htab h;
	size_t found = 0, cap;

	(void)state;
	make_keys();
	htab_init(&h, key_of, &keys);
	assert_int_equal(htab_put(&h, keys.text[12], keys.len[12], 12, &found),
			 0);
	cap = h.cap;
	/* The same bytes, elsewhere, under another number. */
	assert_int_equal(htab_put(&h, "12", 2, 40, &found), 1);
	assert_int_equal(found, 12);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.cap, cap);
	htab_fini(&h);
}

static void reserved_room_takes_its_keys_without_growing(void **state)
{
	struct htab h;
	size_t i, found, cap;

	(void)state;
	make_keys();
	htab_init(&h, key_of, &keys);
	assert_int_equal(htab_reserve(&h, 1000), 0);
	cap = h.cap;
	assert_true(cap >= 2000);
	for (i = 0; i < 1000; i++)
		assert_int_equal(htab_put(&h, keys.text[i], keys.len[i], i,
					  &found), 0);
	assert_int_equal(h.cap, cap);
	/* Reserving less than there is room for changes nothing. */
	assert_int_equal(htab_reserve(&h, 10), 0);
	assert_int_equal(h.cap, cap);
	for (i = 0; i < 1000; i++)
		assert_int_equal(htab_find(&h, keys.text[i], keys.len[i]), i);
	htab_fini(&h);
}

static void a_number_above_the_largest_is_refused(void **state)
{
	struct htab h;
	size_t found;

	(void)state;
	make_keys();
	htab_init(&h, key_of, &keys);
	assert_int_equal(htab_put(&h, "7", 1, HTAB_ID_MAX + 1, &found), -1);
	assert_int_equal(h.n, 0);
	assert_int_equal(htab_find(&h, "7", 1), (size_t)-1);
	htab_fini(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_table_finds_nothing_and_holds_no_memory),
		cmocka_unit_test(keys_are_found_by_their_bytes_through_growth),
		cmocka_unit_test(a_key_met_again_gives_its_first_number),
		cmocka_unit_test(reserved_room_takes_its_keys_without_growing),
		cmocka_unit_test(a_number_above_the_largest_is_refused),
	};

	return cmocka_run_group_tests_name("htab", tests, NULL, NULL);
}
