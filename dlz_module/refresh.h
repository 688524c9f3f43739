/*
 * refresh.h -- bringing the DLZ module's snapshot up to date.
 */
#ifndef KMSDNS_REFRESH_H
#define KMSDNS_REFRESH_H

#include <stdbool.h>
#include "instance.h"
#include "kd_result.h"

/*
 * When the registry changed since the last refresh, rebuild the zones of
 * INST's snapshot whose serial differs, drop removed zones, reload the
 * grants, sites and settings, and queue NOTIFYs of changed zones. FORCE
 * (another file was opened) reads the registry and rebuilds every zone.
 * Everything is read in one read transaction.
 * The caller holds INST->build_lock. Returns KD_OK, or the error in ERR
 * (the old snapshot stays).
 */
kd_result refresh_snapshot(kd_instance *inst, bool force, kd_err *err);

/*
 * Replace zone ZONE of INST's snapshot with what the writer committed;
 * logs a failure (the next poll retries).
 */
void rebuild_committed_zone(kd_instance *inst, const char *zone);

#endif /* KMSDNS_REFRESH_H */
