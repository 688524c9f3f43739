/*
 * pub_addr.h -- the host's own A/AAAA records (--register-address).
 *
 * A KMS host also needs its address records so that clients can reach the
 * SRV target. The publisher keeps them at the host name in the zone that
 * holds it: for each family with at least one wanted address, when the
 * RRset differs (addresses or TTL) it is replaced in one UPDATE (delete
 * the RRset, add every wanted address). A family without wanted addresses
 * is left alone. The addresses come from --address, or from this machine's
 * interfaces (loopback, link-local and multicast addresses are skipped).
 */
#ifndef KMSDNS_PUB_ADDR_H
#define KMSDNS_PUB_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include "endpoint.h"
#include "kd_result.h"
#include "pub_plan.h"

#define PUB_ADDR_MAX 16

typedef struct pub_address {
	int family;                     /* AF_INET or AF_INET6 */
	char text[INET6_ADDRSTRLEN];    /* canonical (inet_ntop) */
	uint32_t ttl;                   /* of a record read from DNS */
} pub_address;

typedef struct pub_addr_set {
	pub_address addrs[PUB_ADDR_MAX];
	size_t count;
} pub_addr_set;

/* What the UPDATE does per family: [0] A, [1] AAAA. */
typedef struct pub_addr_plan {
	pub_action action;     /* added, updated or unchanged */
	bool replace[2];
} pub_addr_plan;

/*
 * Add the IP address TEXT to SET (canonical form, duplicates ignored).
 * KD_EINVAL names TEXT when it is not an address, KD_EFULL past
 * PUB_ADDR_MAX.
 */
kd_result pub_addr_add(pub_addr_set *set, const char *text, kd_err *err);

/* Fill SET with this machine's global unicast addresses. */
kd_result pub_addr_local(pub_addr_set *set, kd_err *err);

/*
 * Compute PLAN from CURRENT (records at the host name, with TTLs) and
 * WANTED with TTL.
 */
void pub_addr_plan_compute(const pub_addr_set *current,
	const pub_addr_set *wanted, uint32_t ttl, pub_addr_plan *plan);

/* Read the A and AAAA records of HOST at SERVER into SET. */
kd_result pub_addr_read(const endpoint *server, const char *host,
	unsigned timeout_ms, pub_addr_set *set, kd_err *err);

/*
 * Build the unsigned UPDATE of PLAN for HOST in ZONE (fresh random ID) into
 * a new buffer *WIRE of *LEN bytes.
 */
kd_result pub_addr_update_build(const char *zone, const char *host,
	const pub_addr_plan *plan, const pub_addr_set *wanted, uint32_t ttl,
	uint8_t **wire, size_t *len, kd_err *err);

/* The same as an nsupdate script (SERVER "ADDR PORT" or NULL). */
kd_result pub_addr_update_script(const char *server, const char *zone,
	const char *host, const pub_addr_plan *plan, const pub_addr_set *wanted,
	uint32_t ttl, char **text, kd_err *err);

#endif /* KMSDNS_PUB_ADDR_H */
