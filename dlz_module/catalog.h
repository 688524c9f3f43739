/*
 * catalog.h -- the image of the catalog zone (RFC 9432 version 2).
 *
 * What the catalog serves, all with TTL 0 (the records are data for
 * secondaries, not for resolvers):
 *   - at the apex one SOA ("invalid. invalid. SERIAL 600 60 2419200 0")
 *     and NS invalid. (RFC 9432 section 4.1);
 *   - version TXT "2" (section 4.2; Knot refuses other versions);
 *   - for each member zone, <id>.zones PTR <zone>. (section 4.3), the id
 *     being the zone's unique id from the registry.
 * No member properties (group, coo, ext): see dlz_kmsdns(8).
 */
#ifndef KMSDNS_CATALOG_H
#define KMSDNS_CATALOG_H

#include <stddef.h>
#include "kd_result.h"
#include "registry_catalog.h"
#include "zonedata.h"

#define CATALOG_SCHEMA_VERSION "2"

/*
 * Build the image of CATALOG listing those of the COUNT ENTRIES that are
 * members into *OUT (free with zone_image_free()). KD_EINVAL naming the
 * catalog and the zone when an entry cannot be listed (an id that is not
 * a DNS label), KD_ENOMEM.
 */
kd_result catalog_image_build(const registry_catalog *catalog,
	const registry_catalog_entry *entries, size_t count, zone_image **out,
	kd_err *err);

#endif /* KMSDNS_CATALOG_H */
