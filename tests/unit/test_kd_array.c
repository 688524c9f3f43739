/*
 * test_kd_array.c -- unit tests of common/kd_array.c: growing a heap array.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "kd_array.h"

static void
test_grow_doubles(void **state)
{
	int *items = NULL;
	size_t capacity = 0;

	(void)state;
	for (size_t count = 0; count < 100; count++) {
		int *grown = kd_array_grow(items, count, &capacity,
			sizeof(*items));
		assert_non_null(grown);
		assert_true(capacity > count);
		items = grown;
		items[count] = (int)count;
	}
	assert_int_equal(capacity, 128);
	for (size_t i = 0; i < 100; i++) {
		assert_int_equal(items[i], (int)i);
	}
	free(items);
}

static void
test_grow_minimum(void **state)
{
	size_t capacity = 0;
	char *items = kd_array_grow(NULL, 0, &capacity, 1);

	(void)state;
	assert_non_null(items);
	assert_int_equal(capacity, KD_ARRAY_MIN);
	free(items);
}

static void
test_grow_below_capacity(void **state)
{
	size_t capacity = 4;
	int *items = calloc(capacity, sizeof(*items));

	(void)state;
	assert_non_null(items);
	for (size_t count = 0; count < 4; count++) {
		assert_ptr_equal(kd_array_grow(items, count, &capacity,
			sizeof(*items)), items);
		assert_int_equal(capacity, 4);
	}
	free(items);
}

static void
test_grow_overflow_keeps_array(void **state)
{
	const size_t size = SIZE_MAX / 4;
	size_t capacity = 8;
	char *items = malloc(16);

	(void)state;
	assert_non_null(items);
	items[0] = 'k';
	assert_null(kd_array_grow(items, 8, &capacity, size));
	assert_int_equal(capacity, 8);
	assert_int_equal(items[0], 'k');

	capacity = SIZE_MAX / 2 + 1;
	assert_null(kd_array_grow(items, capacity, &capacity, 1));
	assert_int_equal(capacity, SIZE_MAX / 2 + 1);
	free(items);
}

static void
test_resize(void **state)
{
	int *items = kd_array_resize(NULL, 1, sizeof(*items));

	(void)state;
	assert_non_null(items);
	items[0] = 7;
	int *grown = kd_array_resize(items, 3, sizeof(*items));
	assert_non_null(grown);
	assert_int_equal(grown[0], 7);
	assert_null(kd_array_resize(grown, SIZE_MAX / sizeof(*grown) + 1,
		sizeof(*grown)));
	assert_int_equal(grown[0], 7);
	free(grown);
}

/* Nothing of 0 bytes reaches realloc(), which may free the array. */
static void
test_zero_bytes_keep_array(void **state)
{
	size_t capacity = 2;
	int *items = kd_array_resize(NULL, 2, sizeof(*items));

	(void)state;
	assert_non_null(items);
	items[0] = 5;
	assert_null(kd_array_resize(items, 0, sizeof(*items)));
	assert_null(kd_array_grow(items, 2, &capacity, 0));
	assert_int_equal(capacity, 2);
	assert_int_equal(items[0], 5);
	free(items);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grow_doubles),
		cmocka_unit_test(test_grow_minimum),
		cmocka_unit_test(test_grow_below_capacity),
		cmocka_unit_test(test_grow_overflow_keeps_array),
		cmocka_unit_test(test_resize),
		cmocka_unit_test(test_zero_bytes_keep_array),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
