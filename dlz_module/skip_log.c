/*
 * skip_log.c -- logging each registry row and zone the DLZ module skips
 * once.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <isc/log.h>

#include "instance.h"
#include "registry.h"
#include "skip_log.h"

/* FNV-1a of the parts of what was logged. */
static uint64_t
hash_parts(const char *const *parts, size_t count)
{
	uint64_t h = UINT64_C(14695981039346656037);
	for (size_t i = 0; i < count; i++) {
		for (const unsigned char *p = (const unsigned char *)parts[i];
		    p != NULL && *p; p++) {
			h ^= *p;
			h *= UINT64_C(1099511628211);
		}
		h ^= 0xff; /* separator */
		h *= UINT64_C(1099511628211);
	}
	return h != 0 ? h : 1;
}

/*
 * True the first time HASH is seen by INST; after SKIP_LOG_MAX different
 * ones, true once more (for a last line saying so) and then false.
 */
static bool
first_time(kd_instance *inst, uint64_t hash, bool *full)
{
	bool first = true;
	*full = false;
	pthread_mutex_lock(&inst->skip_lock);
	for (size_t i = 0; i < inst->skip_count && first; i++) {
		first = inst->skip_seen[i] != hash;
	}
	if (first && inst->skip_count < SKIP_LOG_MAX) {
		inst->skip_seen[inst->skip_count++] = hash;
	} else if (first) {
		first = !inst->skip_full;
		*full = first;
		inst->skip_full = true;
	}
	pthread_mutex_unlock(&inst->skip_lock);
	return first;
}

void
skip_log_row(void *ctx, const registry_skipped_row *row)
{
	kd_instance *inst = ctx;
	const char *parts[] = { row->table, row->key, row->reason };
	bool full = false;
	if (!first_time(inst, hash_parts(parts, 3), &full)) {
		return;
	}
	if (full) {
		KD_LOG(inst, ISC_LOG_WARNING, "more than %d registry rows "
			"skipped: no more are logged (kmsdns-registry verify "
			"lists them all)", SKIP_LOG_MAX);
		return;
	}
	const bool zone_row = strcmp(row->table, "zones") == 0;
	KD_LOG(inst, ISC_LOG_ERROR, "%s%s%stable %s, row %s: %s; %s",
		row->zone != NULL ? "zone " : "",
		row->zone != NULL ? row->zone : "",
		row->zone != NULL ? ": " : "", row->table, row->key,
		row->reason, zone_row ? "zone not served" : "row skipped");
}

void
skip_log_zone(kd_instance *inst, const char *zone, const char *reason)
{
	const char *parts[] = { "zone", zone, reason };
	bool full = false;
	if (first_time(inst, hash_parts(parts, 3), &full) && !full) {
		KD_LOG(inst, ISC_LOG_ERROR, "zone %s: not served: %s", zone,
			reason);
	}
}
