/*
 * skip_log.h -- one log line for every registry row and zone the DLZ
 * module cannot serve.
 *
 * The module skips what it cannot use and serves everything else (see
 * registry_set_skip_handler()); each skipped row is logged once per
 * instance with its zone, its table and key and the reason, not again at
 * every rebuild or ageing that reads it.
 */
#ifndef KMSDNS_SKIP_LOG_H
#define KMSDNS_SKIP_LOG_H

#include "instance.h"
#include "registry.h"

/* Rows remembered as logged; more are still skipped, logged once. */
#define SKIP_LOG_MAX KD_SKIP_LOG_MAX

/* The registry_skip_fn of the module: CTX is the kd_instance. */
void skip_log_row(void *ctx, const registry_skipped_row *row);

/* Log that ZONE is not served because of REASON (once per reason). */
void skip_log_zone(kd_instance *inst, const char *zone, const char *reason);

#endif /* KMSDNS_SKIP_LOG_H */
