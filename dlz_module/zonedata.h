/*
 * zonedata.h -- a zone as the module serves it, built from registry data.
 *
 * A zone image is immutable once built: lookups from many BIND threads may
 * read it at the same time without locks. It holds one node per owner name
 * that exists in the zone, keyed by the name relative to the zone as BIND
 * passes it to dlz_lookup(): "@" for the apex, "_tcp", "_vlmcs._tcp",
 * "kms1", "kms1.site", all lower case. Each node holds its records as text
 * ready for BIND's putrr(): names absolute with a trailing dot, because
 * BIND reads relative names against the zone origin.
 *
 * What is served:
 *   - at the apex exactly one SOA and every NS of the zone;
 *   - at _vlmcs._tcp the SRV registrations that are active at NOW
 *     (registry_state_at(); static ones always); without any the name
 *     does not exist (NXDOMAIN), as on a secondary fed by the AXFR;
 *   - A/AAAA of in-zone name servers, and the registry's active addresses
 *     of names inside the zone (addresses outside the zone are not ours);
 *   - the marker _kmsdns TXT "v=kmsdns1" "stale-after=SECONDS" (zone TTL),
 *     which tells a publisher that this is a kmsdns zone, whose dynamic
 *     registrations go stale after SECONDS unless an UPDATE refreshes them
 *     (also when the record did not change);
 *   - empty non-terminals as nodes without records: "_tcp" and every
 *     ancestor between an in-zone name and the apex ("site" for
 *     kms1.site.<zone>), only above a name that has records: exactly the
 *     names a secondary derives from the AXFR.
 * Identical records at one owner are served once, with the lowest TTL.
 *
 * Nodes are kept in DNS canonical order (RFC 4034 section 6.1: apex first,
 * then by labels from the right), which is also the order of AXFR and of
 * the master-file export; lookups are binary searches in it. Records of a
 * node come as SOA, NS, SRV, A, AAAA, TXT, PTR, each sorted by value.
 */
#ifndef KMSDNS_ZONEDATA_H
#define KMSDNS_ZONEDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "kd_result.h"
#include "module_args.h"
#include "registry.h"

/* The owner (relative) and first string of the marker TXT record. */
#define ZONE_MARKER_OWNER "_kmsdns"
#define ZONE_MARKER_VERSION "v=kmsdns1"

/* A buffer size for any rdata text zone_rr_format_srv() writes. */
#define ZONE_SRV_RDATA_MAX 280

/* One record. For SRV records, PRIORITY and SITE are set too. */
typedef struct zone_rr {
	const char *type;   /* "SOA", "NS", "SRV", "A", "AAAA", "TXT", "PTR" */
	uint32_t ttl;
	const char *rdata;  /* "0 100 1688 kms1.example.test." */
	uint16_t priority;  /* SRV: the stored priority */
	const char *site;   /* SRV: site of the registration, "" for none */
} zone_rr;

/* One owner name and its records (none for empty non-terminals). */
typedef struct zone_node {
	const char *name;    /* relative, lower case: "@", "_vlmcs._tcp" */
	const zone_rr *rrs;
	size_t rr_count;
} zone_node;

/* The image of one zone (opaque, immutable). */
typedef struct zone_image zone_image;

/*
 * Called by the emitting functions for every record: OWNER relative ("@",
 * "kms1"), TYPE, TTL and RDATA as in zone_rr. A result other than KD_OK
 * stops the walk and is passed back to the caller.
 */
typedef kd_result (*zone_rr_fn)(void *ctx, const char *owner,
	const char *type, uint32_t ttl, const char *rdata);

/*
 * Build the image of ZONE into *OUT (free with zone_image_free()) from the
 * HOST_COUNT SRV registrations HOSTS and the ADDR_COUNT addresses ADDRS of
 * that zone, serving what is active at NOW under SETTINGS (see above).
 * Returns KD_ENOMEM, or KD_EINVAL with ERR naming the zone and the culprit
 * when a host or address belongs to another zone or holds an unusable
 * value (an address that does not parse, a name longer than DNS allows
 * once made absolute).
 */
kd_result zone_image_build(const registry_zone *zone,
	const registry_host *hosts, size_t host_count,
	const registry_address *addrs, size_t addr_count,
	const registry_settings *settings, int64_t now, zone_image **out,
	kd_err *err);

/*
 * Load ZONE from REG into *DS (free it with registry_dataset_free(); it is
 * empty after a failure) and build its image into *OUT with
 * zone_image_build(), as served at NOW under the registry's settings with
 * the overrides of ARGS (NULL: none): the zone as the DLZ module serves
 * it. KD_ENOENT when ZONE does not exist, else as registry_load() and
 * zone_image_build().
 */
kd_result zone_image_load(registry *reg, const char *zone,
	const module_args *args, int64_t now, registry_dataset *ds,
	zone_image **out, kd_err *err);

/* One record for zone_image_build_records(). */
typedef struct zone_record {
	const char *owner;  /* relative: "@", "version", "x.zones" */
	const char *type;   /* "SOA", "NS", "A", "AAAA", "TXT" or "PTR" */
	uint32_t ttl;
	const char *rdata;  /* names absolute with the trailing dot */
} zone_record;

/*
 * Build the image of zone NAME, serving SERIAL with zone TTL TTL, from the
 * COUNT given RECORDS (the caller includes one SOA at "@"; sorting, empty
 * non-terminals and duplicates are handled as above). For zones that are
 * not built from registrations, such as the catalog. KD_EINVAL naming the
 * zone for a bad NAME or an SRV or unknown type, KD_ENOMEM.
 */
kd_result zone_image_build_records(const char *name, uint32_t serial,
	uint32_t ttl, const zone_record *records, size_t count,
	zone_image **out, kd_err *err);

/* Free IMG (NULL is fine). */
void zone_image_free(zone_image *img);

/* The zone name of IMG (canonical, no trailing dot). */
const char *zone_image_name(const zone_image *img);

/* The SOA serial IMG serves. */
uint32_t zone_image_serial(const zone_image *img);

/*
 * The node of IMG named RELNAME (relative as in dlz_lookup(); case does not
 * matter), or NULL when the name does not exist (NXDOMAIN). O(log n).
 */
const zone_node *zone_image_find(const zone_image *img, const char *relname);

/* The number of nodes of IMG, and node I of them in canonical order. */
size_t zone_image_node_count(const zone_image *img);
const zone_node *zone_image_node(const zone_image *img, size_t i);

/*
 * Write the rdata of the SRV record RR with priority PRIORITY instead of
 * its own to OUT of OUTLEN bytes (ZONE_SRV_RDATA_MAX is enough). Returns
 * KD_EINVAL when RR is not SRV, KD_EFULL when OUT is too small.
 */
kd_result zone_rr_format_srv(const zone_rr *rr, uint16_t priority,
	char *out, size_t outlen);

/*
 * Emit the records of NODE to FN, SRV priorities adjusted for a client of
 * site CLIENT_SITE (NULL: none) as described in sites.h. OWNER passed to
 * FN is NODE's name. This is what dlz_lookup() needs.
 */
kd_result zone_node_emit(const zone_node *node, const char *client_site,
	zone_rr_fn fn, void *ctx);

/*
 * Emit every record of IMG to FN in canonical owner order, all records of
 * one owner in a row, owners relative, SRV priorities as stored. The SOA
 * comes first. This is what dlz_allnodes() needs.
 */
kd_result zone_image_foreach(const zone_image *img, zone_rr_fn fn,
	void *ctx);

/*
 * Write IMG as a master file to OUT: "$ORIGIN <zone>.", "$TTL <zone TTL>",
 * then every record with its absolute owner, tab-separated
 * ("kms1.example.test.\t3600\tIN\tA\t192.0.2.10"), SOA first, in canonical
 * order. Returns KD_EIO with ERR when writing fails.
 */
kd_result zone_image_format_master(const zone_image *img, FILE *out,
	kd_err *err);

#endif /* KMSDNS_ZONEDATA_H */
