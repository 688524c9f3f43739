/*
 * registry_limits.h -- the limits on dynamic updates, stored in the
 * registry's meta table and set with `kmsdns-registry config set`.
 *
 *   max-update-records (default 64): records one UPDATE may carry; a
 *     larger UPDATE is refused at its checks, before any work is done.
 *   max-self-addresses (default 4): A/AAAA records a SELF signer may hold
 *     at its host.
 *   max-srv-answer-bytes (default 1232, the EDNS UDP size BIND uses): the
 *     size of the zone's _vlmcs._tcp SRV answer (header, question, the
 *     SRV records, OPT); an add that makes it larger is refused, so the
 *     answer always fits UDP with EDNS and therefore TCP.
 *
 * A SELF signer holds at most one SRV record per zone: a second one (other
 * port, priority or weight) is refused; its UPDATE deletes the old record
 * first to replace it (kmsdns-publish does).
 */
#ifndef KMSDNS_REGISTRY_LIMITS_H
#define KMSDNS_REGISTRY_LIMITS_H

#include <stddef.h>
#include <stdint.h>

#include "kd_result.h"
#include "registry.h"

/* One limit: its name, meta key, default, range and field. */
typedef struct registry_limit_info {
	const char *name;     /* "max-update-records" */
	const char *key;      /* "max_update_records" (meta key, JSON key) */
	int64_t def, min, max;
	size_t offset;        /* in registry_limits */
	const char *summary;
} registry_limit_info;

/* The limits, NULL-name terminated. */
extern const registry_limit_info registry_limit_table[];

/* The limit called NAME, or NULL. */
const registry_limit_info *registry_limit_find(const char *name);

/* The value of INFO in LIMITS; its default when LIMITS has none (0). */
int64_t registry_limit_value(const registry_limits *limits,
	const registry_limit_info *info);

/* Fill LIMITS with the defaults. */
void registry_limits_default(registry_limits *limits);

/* Read the stored limits of REG into OUT (defaults where none is set). */
kd_result registry_limits_get(registry *reg, registry_limits *out,
	kd_err *err);

/*
 * Set the limit NAME of REG to the decimal VALUE. Returns KD_EINVAL naming
 * an unknown NAME or a VALUE that is not a number, KD_ERANGE naming the
 * range, or the store's error.
 */
kd_result registry_limit_set(registry *reg, const char *name,
	const char *value, kd_err *err);

#endif /* KMSDNS_REGISTRY_LIMITS_H */
