/*
 * snapshot.h -- the immutable in-memory view the DLZ module serves from.
 *
 * Lookups never touch SQLite: they read a snapshot, a table of zone images
 * plus the grants, sites and settings, built from the registry. A change
 * builds a new snapshot that shares the unchanged zones with the old one
 * and is swapped in; readers hold a reference while they use a snapshot,
 * so the old one is freed when its last reader is done.
 */
#ifndef KMSDNS_SNAPSHOT_H
#define KMSDNS_SNAPSHOT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kd_result.h"
#include "registry.h"
#include "sites.h"
#include "zonedata.h"

/* One served zone: its image and what transfer and NOTIFY need. */
typedef struct snapshot_zone {
	atomic_uint refs;
	zone_image *image;
	uint32_t serial;
	registry_peers peers;
	bool is_catalog;     /* the catalog zone (catalog_refresh.h) */
} snapshot_zone;

typedef struct snapshot {
	atomic_uint refs;
	snapshot_zone **zones;   /* sorted by name */
	size_t zone_count;
	snapshot_zone **buckets; /* open-addressing hash of ZONES by name */
	size_t bucket_count;
	registry_grant *grants;
	size_t grant_count;
	registry_site_prefix *site_prefixes;
	size_t site_prefix_count;
	sites_table *sites;      /* built from SITE_PREFIXES */
	registry_settings settings;
} snapshot;

/*
 * Build the served zone ZONE from its registrations, the HOST_COUNT HOSTS
 * and ADDR_COUNT ADDRS, as served at NOW with SETTINGS: its image
 * (zone_image_build()), serial, allow-transfer and NOTIFY lists. The new
 * zone has one reference. KD_EINVAL when the data cannot be served,
 * KD_ENOMEM.
 */
kd_result snapshot_zone_build(const registry_zone *zone,
	const registry_host *hosts, size_t host_count,
	const registry_address *addrs, size_t addr_count,
	const registry_settings *settings, int64_t now, snapshot_zone **out,
	kd_err *err);

/*
 * Drop a reference of ZONE, freeing it at zero (NULL is fine). A snapshot
 * takes its own references of the zones it holds.
 */
void snapshot_zone_unref(snapshot_zone *zone);

/* The name of ZONE. */
const char *snapshot_zone_name(const snapshot_zone *zone);

/* Told about a zone left out of a snapshot and why. */
typedef void (*snapshot_skip_fn)(void *ctx, const char *zone,
	const char *reason);

/*
 * Build a whole snapshot from DS (everything in the registry, as loaded by
 * registry_load(reg, NULL, ...)), as served at NOW. SETTINGS overrides the
 * dataset's settings (module arguments applied). A zone that cannot be
 * built from its data (KD_EINVAL) is left out and reported to SKIP with
 * CTX; the others are served. Without SKIP such a zone fails the build.
 * KD_ESTORE when the hosts and addresses of DS are not grouped by zone.
 */
kd_result snapshot_build(const registry_dataset *ds,
	const registry_settings *settings, int64_t now, snapshot_skip_fn skip,
	void *ctx, snapshot **out, kd_err *err);

/*
 * Build a snapshot from OLD (may be NULL) with the CHANGED_COUNT zones of
 * CHANGED added or replacing zones of the same name (each gains a
 * reference), the REMOVED_COUNT zones named in REMOVED dropped, the grants
 * and sites of POLICY (when not NULL; else OLD's) and SETTINGS. Unchanged
 * zones are shared with OLD.
 */
kd_result snapshot_derive(const snapshot *old, snapshot_zone *const *changed,
	size_t changed_count, const char *const *removed, size_t removed_count,
	const registry_dataset *policy, const registry_settings *settings,
	snapshot **out, kd_err *err);

/* Reference counting of snapshots (unref frees at zero; NULL is fine). */
void snapshot_ref(snapshot *snap);
void snapshot_unref(snapshot *snap);

/* The zone named NAME (canonical), or NULL. */
snapshot_zone *snapshot_find(const snapshot *snap, const char *name);

/*
 * The zone that holds NAME (absolute, any case, trailing dot optional):
 * the longest zone name NAME is equal to or below, or NULL.
 */
snapshot_zone *snapshot_find_enclosing(const snapshot *snap,
	const char *name);

#endif /* KMSDNS_SNAPSHOT_H */
