/*
 * test_clock.c -- unit tests of common/clock.c: the monotonic clock and
 * poll() timeouts from it.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <cmocka.h>

#include "clock.h"

static void
test_clock_advances(void **state)
{
	const uint64_t us = kd_clock_us();
	const uint64_t ms = kd_clock_ms();

	(void)state;
	assert_true(kd_clock_us() >= us);
	assert_true(kd_clock_ms() >= ms);
	assert_true(ms + 1 >= us / 1000);
}

static void
test_clock_until(void **state)
{
	(void)state;
	assert_int_equal(kd_clock_until(100, 250), 150);
	assert_int_equal(kd_clock_until(250, 250), 0);
	assert_int_equal(kd_clock_until(300, 250), 0);
	assert_int_equal(kd_clock_until(0, UINT64_MAX), INT_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clock_advances),
		cmocka_unit_test(test_clock_until),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
