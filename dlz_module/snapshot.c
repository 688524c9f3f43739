/*
 * snapshot.c -- immutable, reference-counted zone tables for lookups.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dname.h"
#include "snapshot.h"

/* ---- zones ------------------------------------------------------------ */

static void *
copy_array(const void *src, size_t count, size_t size)
{
	if (count == 0) {
		return NULL;
	}
	void *dst = calloc(count, size);
	if (dst != NULL) {
		memcpy(dst, src, count * size);
	}
	return dst;
}

kd_result
snapshot_zone_build(const registry_zone *zone, const registry_host *hosts,
	size_t host_count, const registry_address *addrs, size_t addr_count,
	const registry_settings *settings, int64_t now, snapshot_zone **out,
	kd_err *err)
{
	snapshot_zone *sz = calloc(1, sizeof(*sz));
	if (sz == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	atomic_init(&sz->refs, 1);
	sz->serial = zone->serial;
	kd_result res = zone_image_build(zone, hosts, host_count, addrs,
		addr_count, settings, now, &sz->image, err);
	if (res != KD_OK) {
		free(sz);
		return res;
	}
	const registry_peers *peers = &zone->peers;
	registry_peers *copy = &sz->peers;
	*copy = *peers;
	copy->allow_transfer = copy_array(peers->allow_transfer,
		peers->allow_transfer_count, sizeof(*peers->allow_transfer));
	copy->notify = copy_array(peers->notify, peers->notify_count,
		sizeof(*peers->notify));
	if ((copy->allow_transfer_count && copy->allow_transfer == NULL) ||
	    (copy->notify_count && copy->notify == NULL)) {
		snapshot_zone_unref(sz);
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	*out = sz;
	return KD_OK;
}

/* Take one more reference of the counter REFS. */
static void
ref_take(atomic_uint *refs)
{
	atomic_fetch_add_explicit(refs, 1, memory_order_relaxed);
}

/* Drop one reference of REFS; true when it was the last one. */
static bool
ref_drop(atomic_uint *refs)
{
	return atomic_fetch_sub_explicit(refs, 1, memory_order_acq_rel) == 1;
}

void
snapshot_zone_unref(snapshot_zone *zone)
{
	if (zone == NULL || !ref_drop(&zone->refs)) {
		return;
	}
	zone_image_free(zone->image);
	registry_peers_free(&zone->peers);
	free(zone);
}

const char *
snapshot_zone_name(const snapshot_zone *zone)
{
	return zone_image_name(zone->image);
}

/* ---- the zone table ---------------------------------------------------- */

/* FNV-1a over the canonical (lower-case) name. */
static size_t
name_hash(const char *name)
{
	uint64_t h = UINT64_C(14695981039346656037);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		h ^= *p;
		h *= UINT64_C(1099511628211);
	}
	return (size_t)h;
}

static int
compare_zones(const void *a, const void *b)
{
	const snapshot_zone *const *za = a, *const *zb = b;
	return strcmp(snapshot_zone_name(*za), snapshot_zone_name(*zb));
}

/* Sort SNAP's zones and index them in a hash table at most half full. */
static kd_result
snapshot_index(snapshot *snap, kd_err *err)
{
	if (snap->zone_count > 1) { /* no zones: snap->zones may be NULL */
		qsort(snap->zones, snap->zone_count, sizeof(*snap->zones),
			compare_zones);
	}
	size_t n = 16;
	while (n < snap->zone_count * 2) {
		n *= 2;
	}
	snap->buckets = calloc(n, sizeof(*snap->buckets));
	if (snap->buckets == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	snap->bucket_count = n;
	for (size_t i = 0; i < snap->zone_count; i++) {
		size_t b = name_hash(snapshot_zone_name(snap->zones[i])) & (n - 1);
		while (snap->buckets[b] != NULL) {
			b = (b + 1) & (n - 1);
		}
		snap->buckets[b] = snap->zones[i];
	}
	return KD_OK;
}

static kd_result
snapshot_set_policy(snapshot *snap, const registry_grant *grants,
	size_t grant_count, const registry_site_prefix *sites,
	size_t site_count, const registry_settings *settings, kd_err *err)
{
	snap->settings = *settings;
	snap->grants = copy_array(grants, grant_count, sizeof(*grants));
	if (grant_count && snap->grants == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	snap->grant_count = grant_count;
	snap->site_prefixes = copy_array(sites, site_count, sizeof(*sites));
	if (site_count && snap->site_prefixes == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	snap->site_prefix_count = site_count;
	return sites_table_build(sites, site_count, &snap->sites, err);
}

/*
 * End the build of SNAP, which went as RES says: index it and hand it to
 * *OUT, or free it. Returns RES or the indexing's error.
 */
static kd_result
snapshot_finish(snapshot *snap, kd_result res, snapshot **out, kd_err *err)
{
	if (res == KD_OK) {
		res = snapshot_index(snap, err);
	}
	if (res != KD_OK) {
		snapshot_unref(snap);
		return res;
	}
	*out = snap;
	return KD_OK;
}

static snapshot *
snapshot_alloc(size_t zone_capacity)
{
	snapshot *snap = calloc(1, sizeof(*snap));
	if (snap == NULL) {
		return NULL;
	}
	atomic_init(&snap->refs, 1);
	if (zone_capacity) {
		snap->zones = calloc(zone_capacity, sizeof(*snap->zones));
		if (snap->zones == NULL) {
			free(snap);
			return NULL;
		}
	}
	return snap;
}

kd_result
snapshot_build(const registry_dataset *ds, const registry_settings *settings,
	int64_t now, snapshot_skip_fn skip, void *ctx, snapshot **out,
	kd_err *err)
{
	snapshot *snap = snapshot_alloc(ds->zone_count);
	if (snap == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	kd_result res = snapshot_set_policy(snap, ds->grants, ds->grant_count,
		ds->sites, ds->site_count, settings, err);

	/* Hosts and addresses come grouped by zone, in zone order. */
	size_t h = 0, a = 0;
	for (size_t z = 0; res == KD_OK && z < ds->zone_count; z++) {
		const char *name = ds->zones[z].name;
		size_t h0 = h, a0 = a;
		while (h < ds->host_count &&
		       strcmp(ds->hosts[h].zone, name) == 0) {
			h++;
		}
		while (a < ds->address_count &&
		       strcmp(ds->addresses[a].zone, name) == 0) {
			a++;
		}
		res = snapshot_zone_build(&ds->zones[z], ds->hosts + h0, h - h0,
			ds->addresses + a0, a - a0, settings, now,
			&snap->zones[snap->zone_count], err);
		if (res == KD_OK) {
			snap->zone_count++;
		} else if (res == KD_EINVAL && skip != NULL) {
			skip(ctx, name, err->text);
			res = KD_OK;
		}
	}
	if (res == KD_OK && (h != ds->host_count || a != ds->address_count)) {
		res = kd_err_set(err, KD_ESTORE,
			"registry data is not grouped by zone (host %zu/%zu, "
			"address %zu/%zu)", h, ds->host_count, a,
			ds->address_count);
	}
	return snapshot_finish(snap, res, out, err);
}

static bool
name_in_list(const char *name, const char *const *list, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		if (strcmp(name, list[i]) == 0) {
			return true;
		}
	}
	return false;
}

static bool
zone_in_list(const char *name, snapshot_zone *const *zones, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		if (strcmp(name, snapshot_zone_name(zones[i])) == 0) {
			return true;
		}
	}
	return false;
}

/* Add ZONE to the zones of SNAP, which takes a reference of it. */
static void
snapshot_hold(snapshot *snap, snapshot_zone *zone)
{
	ref_take(&zone->refs);
	snap->zones[snap->zone_count++] = zone;
}

kd_result
snapshot_derive(const snapshot *old, snapshot_zone *const *changed,
	size_t changed_count, const char *const *removed, size_t removed_count,
	const registry_dataset *policy, const registry_settings *settings,
	snapshot **out, kd_err *err)
{
	size_t old_count = old ? old->zone_count : 0;
	snapshot *snap = snapshot_alloc(old_count + changed_count);
	if (snap == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	kd_result res;
	if (policy != NULL) {
		res = snapshot_set_policy(snap, policy->grants,
			policy->grant_count, policy->sites, policy->site_count,
			settings, err);
	} else if (old != NULL) {
		res = snapshot_set_policy(snap, old->grants, old->grant_count,
			old->site_prefixes, old->site_prefix_count, settings, err);
	} else {
		res = snapshot_set_policy(snap, NULL, 0, NULL, 0, settings, err);
	}
	for (size_t i = 0; res == KD_OK && i < old_count; i++) {
		const char *name = snapshot_zone_name(old->zones[i]);
		if (name_in_list(name, removed, removed_count) ||
		    zone_in_list(name, changed, changed_count)) {
			continue;
		}
		snapshot_hold(snap, old->zones[i]);
	}
	for (size_t i = 0; res == KD_OK && i < changed_count; i++) {
		snapshot_hold(snap, changed[i]);
	}
	return snapshot_finish(snap, res, out, err);
}

void
snapshot_ref(snapshot *snap)
{
	ref_take(&snap->refs);
}

void
snapshot_unref(snapshot *snap)
{
	if (snap == NULL || !ref_drop(&snap->refs)) {
		return;
	}
	for (size_t i = 0; i < snap->zone_count; i++) {
		snapshot_zone_unref(snap->zones[i]);
	}
	free(snap->zones);
	free(snap->buckets);
	free(snap->grants);
	free(snap->site_prefixes);
	sites_table_free(snap->sites);
	free(snap);
}

snapshot_zone *
snapshot_find(const snapshot *snap, const char *name)
{
	if (snap->bucket_count == 0) {
		return NULL;
	}
	size_t mask = snap->bucket_count - 1;
	for (size_t b = name_hash(name) & mask; snap->buckets[b] != NULL;
	     b = (b + 1) & mask) {
		if (strcmp(snapshot_zone_name(snap->buckets[b]), name) == 0) {
			return snap->buckets[b];
		}
	}
	return NULL;
}

snapshot_zone *
snapshot_find_enclosing(const snapshot *snap, const char *name)
{
	char canon[DNAME_BUF_SIZE];
	size_t len = strlen(name);
	if (len >= sizeof(canon)) {
		return NULL;
	}
	memcpy(canon, name, len + 1);
	dname_strip_dot(canon);
	dname_tolower(canon);
	for (const char *p = canon; *p != '\0'; p = dname_parent(p)) {
		snapshot_zone *zone = snapshot_find(snap, p);
		if (zone != NULL) {
			return zone;
		}
		if (strcmp(p, ".") == 0) {
			break;
		}
	}
	return NULL;
}
