/*
 * catalog_refresh.c -- reading the catalog zone from the registry into
 * the DLZ module's snapshot.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "catalog_refresh.h"
#include "registry_catalog.h"

/* The catalog OLD serves, or NULL. */
static const snapshot_zone *
served_catalog(const snapshot *old)
{
	for (size_t i = 0; i < old->zone_count; i++) {
		if (old->zones[i]->is_catalog) {
			return old->zones[i];
		}
	}
	return NULL;
}

/*
 * True when every one of the COUNT member ENTRIES is among the ZONE_COUNT
 * ZONES (both sorted by name, as the registry reads them).
 */
static bool
members_served(const registry_catalog_entry *entries, size_t count,
	const char (*zones)[DNAME_BUF_SIZE], size_t zone_count)
{
	size_t z = 0;

	for (size_t i = 0; i < count; i++) {
		while (z < zone_count && strcmp(zones[z], entries[i].zone) < 0) {
			z++;
		}
		if (z == zone_count || strcmp(zones[z], entries[i].zone) != 0) {
			return false;
		}
	}
	return true;
}

/*
 * Build the snapshot zone of CAT, taking over its lists, into *OUT; NULL
 * when a member is not among ZONES: it was added after they were read, and
 * the catalog must not send secondaries to a zone not served yet. The
 * commit that added it makes the next refresh try again.
 */
static kd_result
build(registry *reg, registry_catalog *cat,
	const char (*zones)[DNAME_BUF_SIZE], size_t zone_count,
	snapshot_zone **out, kd_err *err)
{
	registry_catalog_entry *entries = NULL;
	size_t count = 0;
	zone_image *img = NULL;
	kd_result ret = registry_catalog_entries(reg, true, &entries, &count,
		err);

	if (ret == KD_OK &&
	    !members_served(entries, count, zones, zone_count)) {
		free(entries);
		return KD_OK;
	}
	if (ret == KD_OK) {
		ret = catalog_image_build(cat, entries, count, &img, err);
	}
	free(entries);
	snapshot_zone *sz = ret == KD_OK ? calloc(1, sizeof(*sz)) : NULL;
	if (ret == KD_OK && sz == NULL) {
		ret = kd_err_set(err, KD_ENOMEM, "catalog zone %s: out of memory",
			cat->name);
	}
	if (ret != KD_OK) {
		zone_image_free(img);
		return ret;
	}
	atomic_init(&sz->refs, 1);
	sz->image = img;
	sz->serial = cat->serial;
	sz->is_catalog = true;
	sz->peers = cat->peers; /* moved */
	cat->peers = (registry_peers){ 0 };
	*out = sz;
	return KD_OK;
}

kd_result
catalog_refresh(registry *reg, const snapshot *old, bool force,
	const char (*zones)[DNAME_BUF_SIZE], size_t count,
	snapshot_zone **changed, char keep[DNAME_BUF_SIZE], kd_err *err)
{
	const snapshot_zone *served = served_catalog(old);
	registry_catalog cat;
	bool found = false;
	kd_result ret = registry_catalog_get(reg, &cat, &found, err);

	*changed = NULL;
	keep[0] = '\0';
	for (size_t i = 0; ret == KD_OK && found && i < count; i++) {
		if (strcmp(zones[i], cat.name) == 0) {
			ret = kd_err_set(err, KD_EEXIST, "catalog zone %s: a zone "
				"of the registry has this name; the catalog is "
				"not served", cat.name);
			served = NULL; /* the zone is served, not the catalog */
		}
	}
	if (ret == KD_OK && found) {
		const bool current = !force && served != NULL &&
			strcmp(snapshot_zone_name(served), cat.name) == 0 &&
			served->serial == cat.serial;
		if (!current) {
			ret = build(reg, &cat, zones, count, changed, err);
		}
		if (ret == KD_OK && (current || *changed != NULL)) {
			(void)snprintf(keep, DNAME_BUF_SIZE, "%s", cat.name);
		}
	}
	if (keep[0] == '\0' && served != NULL && (ret != KD_OK || found)) {
		(void)snprintf(keep, DNAME_BUF_SIZE, "%s",
			snapshot_zone_name(served));
	}
	registry_catalog_free(&cat);
	return ret;
}
