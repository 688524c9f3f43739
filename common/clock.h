/*
 * clock.h -- the monotonic clock, for timeouts and intervals.
 */
#ifndef KMSDNS_CLOCK_H
#define KMSDNS_CLOCK_H

#include <stdint.h>

/* Microseconds since an arbitrary fixed point (CLOCK_MONOTONIC). */
uint64_t kd_clock_us(void);

/* Milliseconds since an arbitrary fixed point (CLOCK_MONOTONIC). */
uint64_t kd_clock_ms(void);

/* Milliseconds from NOW until DEADLINE as a poll() timeout (0 if past). */
int kd_clock_until(uint64_t now, uint64_t deadline);

#endif /* KMSDNS_CLOCK_H */
