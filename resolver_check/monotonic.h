/*
 * monotonic.h -- milliseconds of the monotonic clock, for timeouts.
 */
#ifndef KMSDNS_MONOTONIC_H
#define KMSDNS_MONOTONIC_H

#include <stdint.h>
#include <time.h>

/* Milliseconds since an arbitrary fixed point (CLOCK_MONOTONIC). */
static inline uint64_t
monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Milliseconds from NOW until DEADLINE as a poll() timeout (0 if past). */
static inline int
monotonic_until(uint64_t now, uint64_t deadline)
{
	return deadline > now ? (int)(deadline - now) : 0;
}

#endif /* KMSDNS_MONOTONIC_H */
