/*
 * refresh.c -- bringing the DLZ module's snapshot up to date with the
 * registry: building zones, deriving and installing snapshots.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <isc/log.h>

#include "catalog_refresh.h"
#include "heap.h"
#include "instance.h"
#include "maintenance.h"
#include "refresh.h"
#include "registry.h"
#include "skip_log.h"
#include "snapshot.h"

/* A rebuild of this many zones frees enough to give memory back. */
#define KD_RELEASE_AFTER_ZONES 256

/* ---- building snapshots ------------------------------------------------ */

/* Load and build one zone from REG. KD_ENOENT when it no longer exists. */
static kd_result
build_zone(kd_instance *inst, registry *reg, const char *zone,
	const registry_settings *settings, snapshot_zone **out, kd_err *err)
{
	registry_dataset ds;
	memset(&ds, 0, sizeof(ds));
	kd_result res = registry_load(reg, zone, &ds, err);
	if (res == KD_OK && ds.zone_count != 1) {
		res = kd_err_set(err, KD_ENOENT, "zone %s does not exist", zone);
	}
	if (res == KD_OK) {
		res = snapshot_zone_build(&ds.zones[0], ds.hosts, ds.host_count,
			ds.addresses, ds.address_count, settings, kd_now(), out,
			err);
	}
	registry_dataset_free(&ds);
	(void)inst;
	return res;
}

static bool
serial_known(const snapshot *snap, const char *zone, uint32_t serial)
{
	const snapshot_zone *sz = snapshot_find(snap, zone);
	return sz != NULL && sz->serial == serial;
}

/*
 * Bring the snapshot up to date with the registry when it changed:
 * rebuild the zones whose serial differs, drop removed zones, reload the
 * grants, sites and settings. Runs with BUILD_LOCK held.
 */
static kd_result refresh_from(kd_instance *inst, uint64_t counter,
	bool every_zone, kd_err *err);

kd_result
refresh_snapshot(kd_instance *inst, bool force, kd_err *err)
{
	uint64_t counter = 0;
	if (inst->reader == NULL) { /* a reopen failed (watch.h) */
		return kd_err_set(err, KD_ESTORE, "registry %s is not open",
			inst->args.registry_path);
	}
	kd_result res = registry_change_counter(inst->reader, &counter, err);
	if (res != KD_OK || (!force && counter == inst->last_counter)) {
		return res;
	}
	/*
	 * One read transaction for the whole snapshot, so it never mixes two
	 * commits. The counter is read again inside it, before any data: a
	 * commit in between makes the next poll refresh once more, never
	 * miss a change.
	 */
	res = registry_read_begin(inst->reader, err);
	if (res == KD_OK) {
		res = registry_change_counter(inst->reader, &counter, err);
	}
	if (res == KD_OK) {
		res = refresh_from(inst, counter, force, err);
	}
	registry_read_end(inst->reader);
	return res;
}

/* The rebuild of refresh_snapshot(), in its read transaction. */
static kd_result
refresh_from(kd_instance *inst, uint64_t counter, bool every_zone,
	kd_err *err)
{
	char (*names)[DNAME_BUF_SIZE] = NULL;
	uint32_t *serials = NULL;
	size_t count = 0;
	registry_dataset policy;
	memset(&policy, 0, sizeof(policy));
	kd_result res = registry_load_serials(inst->reader, &names, &serials,
		&count, err);
	if (res == KD_OK) {
		res = registry_load_policy(inst->reader, &policy, err);
	}
	if (res != KD_OK) {
		free(names);
		free(serials);
		registry_dataset_free(&policy);
		return res;
	}

	snapshot *old = snapshot_acquire(inst);
	registry_settings settings = effective_settings(inst, &policy.settings);
	/* One more for the catalog. */
	snapshot_zone **changed = calloc(count + 1, sizeof(*changed));
	const char **removed = calloc(old->zone_count ? old->zone_count : 1,
		sizeof(*removed));
	size_t changed_count = 0, removed_count = 0;
	if (changed == NULL || removed == NULL) {
		res = kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	/* Other freshness settings change what every zone serves. */
	const bool settings_changed =
		settings.stale_after != old->settings.stale_after ||
		settings.scavenge_after != old->settings.scavenge_after;
	for (size_t i = 0; res == KD_OK && i < count; i++) {
		if (!every_zone && !settings_changed &&
		    serial_known(old, names[i], serials[i])) {
			continue;
		}
		res = build_zone(inst, inst->reader, names[i], &settings,
			&changed[changed_count], err);
		if (res == KD_ENOENT) { /* removed since the serials were read */
			res = KD_OK;
			continue;
		}
		if (res == KD_EINVAL) { /* its data cannot be served */
			skip_log_zone(inst, names[i], err->text);
			res = KD_OK;
			continue;
		}
		if (res == KD_OK) {
			changed_count++;
		}
	}
	char catalog[DNAME_BUF_SIZE] = "";
	if (res == KD_OK) {
		kd_err cat_err;
		if (catalog_refresh(inst->reader, old, every_zone,
			(const char (*)[DNAME_BUF_SIZE])names, count,
			&changed[changed_count], catalog, &cat_err) != KD_OK) {
			KD_LOG(inst, ISC_LOG_ERROR, "%s (the catalog stays as "
				"served)", cat_err.text);
		} else if (changed[changed_count] != NULL) {
			changed_count++;
		}
	}
	/* Zones in the snapshot that the registry no longer has. */
	for (size_t z = 0; res == KD_OK && z < old->zone_count; z++) {
		const char *name = snapshot_zone_name(old->zones[z]);
		bool present = strcmp(name, catalog) == 0;
		for (size_t i = 0; i < count && !present; i++) {
			present = strcmp(names[i], name) == 0;
		}
		if (!present) {
			removed[removed_count++] = name;
		}
	}
	snapshot *snap = NULL;
	if (res == KD_OK) {
		res = snapshot_derive(old, changed, changed_count, removed,
			removed_count, &policy, &settings, &snap, err);
	}
	if (res == KD_OK) {
		if (settings_changed) {
			KD_LOG(inst, ISC_LOG_INFO, "freshness settings changed: "
				"stale-after %llds, scavenge-after %llds; %zu zones "
				"rebuilt", (long long)settings.stale_after,
				(long long)settings.scavenge_after, changed_count);
		}
		for (size_t i = 0; i < changed_count; i++) {
			const char *name = snapshot_zone_name(changed[i]);
			const snapshot_zone *prev = snapshot_find(old, name);
			/* NOTIFY only when secondaries have something to fetch. */
			if (prev != NULL && prev->serial == changed[i]->serial) {
				continue;
			}
			if (prev != NULL) {
				KD_LOG(inst, ISC_LOG_INFO, "zone %s changed, "
					"serial %u", name, changed[i]->serial);
			} else if (changed[i]->is_catalog) {
				KD_LOG(inst, ISC_LOG_INFO, "catalog zone %s added, "
					"serial %u", name, changed[i]->serial);
			} else {
				KD_LOG(inst, ISC_LOG_NOTICE, "zone %s added, serial "
					"%u: served now; dynamic updates to it start "
					"after `rndc reconfig` (until then BIND "
					"answers them NOTAUTH)", name,
					changed[i]->serial);
			}
			/* A new catalog too: its secondaries wait for it. */
			if (prev != NULL || changed[i]->is_catalog) {
				notify_enqueue(inst, name);
			}
		}
		for (size_t i = 0; i < removed_count; i++) {
			KD_LOG(inst, ISC_LOG_INFO, "zone %s removed", removed[i]);
		}
		snapshot_install(inst, snap);
		inst->last_counter = counter;
	}
	for (size_t i = 0; i < changed_count; i++) {
		snapshot_zone_unref(changed[i]);
	}
	free(changed);
	free(removed);
	free(names);
	free(serials);
	registry_dataset_free(&policy);
	snapshot_unref(old);
	if (changed_count >= KD_RELEASE_AFTER_ZONES) {
		heap_release_free(); /* the old images of a large rebuild */
	}
	return res;
}

/* Replace zone ZONE of the snapshot with what the writer committed. */
void
rebuild_committed_zone(kd_instance *inst, const char *zone)
{
	kd_err err;
	pthread_mutex_lock(&inst->build_lock);
	snapshot *old = snapshot_acquire(inst);
	snapshot_zone *sz = NULL;
	snapshot *snap = NULL;
	kd_result res = inst->reader == NULL ?
		kd_err_set(&err, KD_ESTORE, "registry %s is not open",
			inst->args.registry_path) :
		build_zone(inst, inst->reader, zone, &old->settings, &sz, &err);
	if (res == KD_OK) {
		res = snapshot_derive(old, &sz, 1, NULL, 0, NULL, &old->settings,
			&snap, &err);
	}
	if (res == KD_OK) {
		snapshot_install(inst, snap);
	} else {
		KD_LOG(inst, ISC_LOG_ERROR,
			"zone %s: cannot rebuild after an update: %s (the next "
			"registry poll retries)", zone, err.text);
	}
	snapshot_zone_unref(sz);
	snapshot_unref(old);
	pthread_mutex_unlock(&inst->build_lock);
}
