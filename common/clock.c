/*
 * clock.c -- the monotonic clock.
 */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <time.h>

#include "clock.h"

uint64_t
kd_clock_us(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t
kd_clock_ms(void)
{
	return kd_clock_us() / 1000;
}

int
kd_clock_until(uint64_t now, uint64_t deadline)
{
	if (deadline <= now) {
		return 0;
	}
	return deadline - now > INT_MAX ? INT_MAX : (int)(deadline - now);
}
