/*
 * registry_catalog.h -- the catalog zone in the registry (RFC 9432).
 *
 * A registry has at most one catalog zone: a zone, served by the DLZ
 * module beside the registry's zones, that lists them so that secondaries
 * configured with the catalog alone add and remove member zones by
 * themselves (BIND catalog-zones, Knot catalog-role: interpret). The
 * registry keeps its name, its serial, and its own allow-transfer and
 * notify lists; every zone is a member unless it opted out, and has a
 * unique id that names its entry in the catalog. The id is random, made
 * when the zone is added, kept for the zone's lifetime, and new when the
 * zone is removed and added again (RFC 9432 section 4.4).
 *
 * The catalog's serial goes up in the transaction that changes the set
 * of member zones (a member added or removed, a membership changed) and
 * whenever registry_catalog_set() changes the catalog itself; a change of
 * what a member zone serves leaves it alone.
 */
#ifndef KMSDNS_REGISTRY_CATALOG_H
#define KMSDNS_REGISTRY_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "dname.h"
#include "kd_result.h"
#include "registry.h"

/* A member's unique id: 16 lower-case hex digits, one DNS label. */
#define REGISTRY_CATALOG_ID_MAX 17

/*
 * The longest catalog name: "<id>.zones.<name>" must fit in a DNS name
 * (253 characters without the final dot).
 */
#define REGISTRY_CATALOG_NAME_MAX (DNAME_TEXT_MAX - 16 - 7)

typedef struct registry_catalog {
	char name[DNAME_BUF_SIZE];                  /* canonical */
	uint32_t serial;
	registry_peers peers;
} registry_catalog;

/* One zone of the registry as the catalog sees it. */
typedef struct registry_catalog_entry {
	char zone[DNAME_BUF_SIZE];
	char id[REGISTRY_CATALOG_ID_MAX];
	bool member;
} registry_catalog_entry;

/*
 * Make CATALOG the registry's catalog zone (replacing the one set before,
 * if any): its name, and its allow-transfer prefixes and notify endpoints
 * (checked and made canonical as by registry_prefix_normalize() and
 * registry_endpoint_normalize()). Its serial becomes NOW, or the old
 * serial plus one when that is higher. KD_EEXIST when a zone of the
 * registry has the name, KD_EINVAL for a bad name or one longer than
 * REGISTRY_CATALOG_NAME_MAX, or a bad list item.
 */
kd_result registry_catalog_set(registry *reg, const registry_catalog *catalog,
	int64_t now, kd_err *err);

/* Remove the catalog zone. KD_ENOENT when none is set. */
kd_result registry_catalog_unset(registry *reg, kd_err *err);

/*
 * Read the catalog zone into OUT (free with registry_catalog_free());
 * *FOUND is false, and OUT empty, when none is set (always, for a reader
 * of a file older than schema version 4). Values are checked as they are
 * read: a bad row goes to the skip handler (registry.h) or fails.
 */
kd_result registry_catalog_get(registry *reg, registry_catalog *out,
	bool *found, kd_err *err);

/* Free the lists of CATALOG (NULL is fine). */
void registry_catalog_free(registry_catalog *catalog);

/*
 * Every zone of the registry with its id and membership, sorted by name,
 * into *OUT (free()) of *COUNT items; with MEMBERS_ONLY, the members only.
 * None for a reader of a file older than schema version 4.
 */
kd_result registry_catalog_entries(registry *reg, bool members_only,
	registry_catalog_entry **out, size_t *count, kd_err *err);

/*
 * Make zone ZONE a member of the catalog, or not (MEMBER). KD_ENOENT when
 * the zone does not exist. Setting what is already set changes nothing.
 */
kd_result registry_set_zone_catalog(registry *reg, const char *zone,
	bool member, kd_err *err);

/*
 * Check that the catalog can be served as stored: its row and list rows
 * pass the checks of reading (a bad one is skipped and logged by the DLZ
 * module), every member row has a valid id, no zone of the registry has
 * the catalog's name, no two zones share an id. REPORT is called with one
 * line per problem ("catalog zone ...: reason"); *PROBLEMS gets their
 * number. A registry without a catalog has none. For `verify`.
 */
typedef void (*registry_catalog_report_fn)(void *ctx, const char *problem);
kd_result registry_catalog_check(registry *reg,
	registry_catalog_report_fn report, void *ctx, size_t *problems,
	kd_err *err);

#endif /* KMSDNS_REGISTRY_CATALOG_H */
