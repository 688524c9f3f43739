/*
 * catalog_refresh.h -- the catalog zone's part of a snapshot refresh.
 *
 * The catalog is served like a member zone (lookups, allow-transfer,
 * NOTIFY) from the snapshot, marked is_catalog. It is rebuilt only when
 * its serial in the registry differs from the one served, which the
 * registry raises whenever the set of member zones or the catalog's own
 * settings change.
 */
#ifndef KMSDNS_CATALOG_REFRESH_H
#define KMSDNS_CATALOG_REFRESH_H

#include <stdbool.h>
#include <stddef.h>
#include "dname.h"
#include "kd_result.h"
#include "registry.h"
#include "snapshot.h"

/*
 * Read REG's catalog and, when OLD does not serve it at its current
 * serial (or with FORCE: another file at the path may hold other members
 * under the same serial), build it into *CHANGED (one reference; NULL when nothing is to
 * be built). KEEP gets the name of the catalog the new snapshot serves
 * ("" for none), so that the caller does not drop it as a removed zone.
 * ZONES are the COUNT names (sorted) of the zones the new snapshot serves:
 * a catalog with one of their names is not served, and while a member is
 * not among them (added after they were read) OLD's catalog stays, so
 * that no secondary is sent to a zone not served yet; the next refresh
 * builds it. On an error, *CHANGED is NULL, KEEP names the catalog OLD
 * serves (it stays as it was) and ERR says why.
 */
kd_result catalog_refresh(registry *reg, const snapshot *old, bool force,
	const char (*zones)[DNAME_BUF_SIZE], size_t count,
	snapshot_zone **changed, char keep[DNAME_BUF_SIZE], kd_err *err);

#endif /* KMSDNS_CATALOG_REFRESH_H */
