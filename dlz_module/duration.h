/*
 * duration.h -- durations in the short text form admins write.
 *
 * "3600" (seconds), "90s", "15m", "72h", "14d", "2w": a decimal count and
 * at most one unit letter, lower case, nothing else. Used for the freshness
 * settings (stale-after, scavenge-after) in the registry tool and in the
 * DLZ module arguments.
 */
#ifndef KMSDNS_DURATION_H
#define KMSDNS_DURATION_H

#include <stddef.h>
#include <stdint.h>
#include "kd_result.h"

/*
 * The longest duration accepted: 2^31-1 seconds (about 68 years). It keeps
 * NOW plus any duration far inside int64_t, so time arithmetic never
 * overflows.
 */
#define DURATION_MAX_SECONDS INT64_C(2147483647)

/* A buffer size that holds every text duration_format() writes. */
#define DURATION_TEXT_MAX 24

/*
 * Parse TEXT into *SECONDS. Returns KD_OK, or KD_EINVAL for empty text, a
 * sign, junk or an unknown unit, and KD_ERANGE for more than
 * DURATION_MAX_SECONDS; ERR names TEXT and the reason
 * ("duration \"5x\": unknown unit 'x' (use s, m, h, d or w)").
 * *SECONDS is unchanged on failure. Zero is accepted.
 */
kd_result duration_parse(const char *text, int64_t *seconds, kd_err *err);

/*
 * Write SECONDS to OUT (LEN bytes, DURATION_TEXT_MAX is enough) with the
 * largest unit among d, h, m, s that divides it exactly: 259200 -> "3d",
 * 1209600 -> "14d", 3600 -> "1h", 90 -> "90s", 0 -> "0s". Weeks are never
 * written (admins read "14d" faster than "2w"), but duration_parse() reads
 * them. Negative values are written as plain seconds ("-5s"). The result
 * is truncated (still terminated) when LEN is too small.
 */
void duration_format(int64_t seconds, char *out, size_t len);

#endif /* KMSDNS_DURATION_H */
