/*
 * check_limits.h -- how much work kmsdns-check does at most, whatever the
 * zones and servers it asks say (kmsdns-check(1), LIMITS).
 *
 * SRV records, targets, NS names and addresses come from the zone: a
 * hostile or broken zone could otherwise make the checker send any number
 * of queries to any address, or spin on what it reads. Each cap that is
 * hit is a finding; nothing is cut silently. CNAME chains are capped in
 * dns_answer.h (DNS_ANSWER_CHAIN_MAX).
 */
#ifndef KMSDNS_CHECK_LIMITS_H
#define KMSDNS_CHECK_LIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* SRV records taken from one answer (the best priorities first). */
#define CHECK_SRV_MAX 64
/* Distinct targets of one suffix whose addresses are looked up and probed. */
#define CHECK_TARGET_MAX 32
/* NS names taken for one zone (in name order). */
#define CHECK_NS_MAX 8
/* Addresses taken for one name (target or NS name). */
#define CHECK_ADDRESS_MAX 8

/* The run's deadline, in --timeout units: a fixed part plus one per suffix. */
#define CHECK_DEADLINE_ROUNDS 8
#define CHECK_DEADLINE_ROUNDS_AUTHORITATIVE 24

/*
 * How long a whole run may take with TIMEOUT_MS per query or probe and
 * SUFFIX_COUNT suffixes: TIMEOUT_MS x (8 + SUFFIX_COUNT), or x (24 +
 * SUFFIX_COUNT) with --authoritative. Queries and probes still running
 * then are not checked, and the report says so.
 */
static inline uint64_t
check_deadline_budget_ms(unsigned timeout_ms, size_t suffix_count,
	bool authoritative)
{
	return (uint64_t)timeout_ms * ((authoritative ?
		CHECK_DEADLINE_ROUNDS_AUTHORITATIVE : CHECK_DEADLINE_ROUNDS) +
		(uint64_t)suffix_count);
}

#endif /* KMSDNS_CHECK_LIMITS_H */
