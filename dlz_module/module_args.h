/*
 * module_args.h -- the arguments of the DLZ module in named.conf.
 *
 *   dlz "kmsdns" {
 *       database "dlopen /usr/lib/bind/dlz_kmsdns.so
 *                 /var/lib/bind/kmsdns/registry.db stale-after=72h";
 *   };
 *
 * BIND splits the database string on white space and passes the words to
 * dlz_create() as ARGV: ARGV[0] is the module path, then the registry path
 * (required), then optional KEY=VALUE words:
 *   stale-after=DURATION     override the registry's stale-after
 *   scavenge-after=DURATION  override the registry's scavenge-after
 *   poll-interval=MS         how often to look for registry changes,
 *                            10-60000 milliseconds (default 250)
 *   notify=yes|no            send NOTIFY after changes (default yes;
 *                            on/off are accepted too)
 *   debug=0..3               log detail (default 0)
 * Durations as in duration.h, more than 0.
 */
#ifndef KMSDNS_MODULE_ARGS_H
#define KMSDNS_MODULE_ARGS_H

#include <stdbool.h>
#include <stdint.h>
#include "kd_result.h"
#include "registry.h"

/* A buffer size for the registry path. */
#define MODULE_ARGS_PATH_MAX 4096

#define MODULE_ARGS_POLL_DEFAULT 250
#define MODULE_ARGS_POLL_MIN 10
#define MODULE_ARGS_POLL_MAX 60000
#define MODULE_ARGS_DEBUG_MAX 3

typedef struct module_args {
	char registry_path[MODULE_ARGS_PATH_MAX];
	int64_t stale_after;     /* seconds; -1: the registry's setting */
	int64_t scavenge_after;  /* seconds; -1: the registry's setting */
	unsigned poll_interval_ms;
	bool notify;
	unsigned debug;
} module_args;

/*
 * Parse the ARGC words of ARGV (ARGV[0] the module path, skipped) into
 * *OUT, which gets the defaults first. Returns KD_OK, or KD_EINVAL with a
 * one-line ERR naming the word and the reason, prefixed "dlz_kmsdns: "
 * ("dlz_kmsdns: argument \"poll-interval=abc\": not a number"). Unknown
 * keys, a key given twice, a second path and a missing path are errors,
 * and so is a scavenge-after shorter than a stale-after given with it.
 */
kd_result module_args_parse(unsigned argc, char *const argv[],
	module_args *out, kd_err *err);

/*
 * Put the overrides of ARGS (those not -1) into SETTINGS, which holds the
 * registry's settings.
 */
void module_args_apply(const module_args *args, registry_settings *settings);

#endif /* KMSDNS_MODULE_ARGS_H */
