/*
 * srv.h -- the SRV record model and RFC 2782 target selection.
 *
 * A client sorts SRV records into priority groups (lowest first). Within a
 * group it repeatedly arranges the remaining records with the weight-0 ones
 * first, draws a uniform number between 0 and the sum of weights inclusive,
 * and picks the first record whose running sum is at least that number.
 *
 * The arrangement before the weight-0-first rule is "any order"; we model a
 * client that sees records in random order (DNS servers rotate RRsets), so
 * srv_order_rfc2782() shuffles each group with the same random source, and
 * srv_first_contact_shares() computes the exact odds under that model,
 * including the well-known extra share of the first-placed record that the
 * inclusive draw causes (weights {1,1} give 2/3 and 1/3 for a fixed order;
 * 1/2 each once the order is random).
 */
#ifndef KMSDNS_SRV_H
#define KMSDNS_SRV_H

#include <stddef.h>
#include <stdint.h>
#include "dname.h"
#include "kd_result.h"

/* The KMS service owner label and its default port. */
#define SRV_KMS_SERVICE "_vlmcs._tcp"
#define SRV_KMS_PORT 1688

/* One SRV record. TARGET is canonical (dname.h), or "." for "no service". */
typedef struct srv_record {
	uint16_t priority;
	uint16_t weight;
	uint16_t port;
	uint32_t ttl;
	char target[DNAME_BUF_SIZE];
} srv_record;

/*
 * A source of uniform random integers: return a number in [0, BOUND]
 * inclusive. CTX is the caller's state. Tests inject a seeded generator.
 */
typedef uint32_t (*srv_random_fn)(void *ctx, uint32_t bound);

/* A seeded generator (xorshift/splitmix style) usable as srv_random_fn. */
typedef struct srv_rng {
	uint64_t state;
} srv_rng;

/* Seed RNG with SEED. */
void srv_rng_seed(srv_rng *rng, uint64_t seed);

/* srv_random_fn over a srv_rng passed as CTX; unbiased in [0, BOUND]. */
uint32_t srv_rng_uniform(void *ctx, uint32_t bound);

/*
 * Parse the SRV rdata text "PRIORITY WEIGHT PORT TARGET" (TARGET with or
 * without trailing dot; "." is allowed) into REC (ttl left unchanged).
 * Returns KD_EINVAL/KD_ERANGE with ERR naming the field.
 */
kd_result srv_parse_rdata(const char *text, srv_record *rec, kd_err *err);

/*
 * Write REC's rdata as "PRIORITY WEIGHT PORT TARGET." (absolute target with
 * trailing dot; "." for the root) to OUT of OUTLEN bytes.
 * Returns KD_EFULL when OUTLEN is too small.
 */
kd_result srv_format_rdata(const srv_record *rec, char *out, size_t outlen);

/* True when A and B have the same rdata (TTL ignored, target any case). */
bool srv_same_rdata(const srv_record *a, const srv_record *b);

/* Order RECS (N records) by priority ascending; stable within a priority. */
void srv_sort_by_priority(srv_record *recs, size_t n);

/*
 * Reorder RECS in place into the order a RFC 2782 client contacts them:
 * priority groups ascending; within a group, random arrangement, weight-0
 * first, then running-sum weighted selection, one record at a time.
 * RANDOM/CTX supply the randomness.
 */
void srv_order_rfc2782(srv_record *recs, size_t n, srv_random_fn random,
	void *ctx);

/*
 * Compute into SHARES (N doubles) the exact probability that each record of
 * RECS is the first one a client contacts, under the model above. Records
 * outside the lowest priority group get 0. The shares sum to 1 (for N > 0).
 * A single record with target "." gets 0 (service declared unavailable).
 */
void srv_first_contact_shares(const srv_record *recs, size_t n,
	double *shares);

#endif /* KMSDNS_SRV_H */
