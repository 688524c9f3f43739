/*
 * transaction.h -- UPDATE transactions of the DLZ module.
 *
 * BIND runs an UPDATE as dlz_newversion(), dlz_addrdataset() and
 * dlz_subrdataset() per change, and dlz_closeversion(). A transaction
 * (kd_version) holds the writer for its whole duration, checks each change
 * against the grants of its signer and writes it to the registry; it is
 * committed when BIND bumps the SOA serial.
 */
#ifndef KMSDNS_TRANSACTION_H
#define KMSDNS_TRANSACTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dns/dlz_dlopen.h>

#include "grants.h"
#include "instance.h"
#include "kd_result.h"
#include "registry.h"
#include "zonedata.h"

/* Foreign SRV records a SELF signer may touch in one TTL rewrite. */
#define KD_PENDING_MAX 64
#define KD_VERSION_MAGIC 0x6b6d7376u /* "kmsv" */

/* One UPDATE transaction. */
typedef struct kd_version {
	unsigned magic;
	kd_instance *inst;
	char zone[DNAME_BUF_SIZE];
	char signer[REGISTRY_IDENTITY_MAX];
	bool authorised;
	char refusal[256];       /* why not authorised */
	int64_t started_ms;
	grants_decision decision;
	registry_dataset data;   /* the zone as the transaction sees it */
	zone_image *image;       /* built from DATA when not DIRTY */
	bool dirty;
	size_t changes;
	size_t refreshed;        /* registrations refreshed by this UPDATE */
	size_t committed_changes;   /* CHANGES and REFRESHED already */
	size_t committed_refreshes; /* committed by commit_at_serial() */
	srv_record pending[KD_PENDING_MAX]; /* foreign SRV subtracted */
	size_t pending_count;
} kd_version;

/* BIND's entry points of a transaction. */
dlz_dlopen_newversion_t dlz_newversion;
dlz_dlopen_closeversion_t dlz_closeversion;
dlz_dlopen_addrdataset_t dlz_addrdataset;
dlz_dlopen_subrdataset_t dlz_subrdataset;

/*
 * The zone as the transaction VER sees it (its own writes included),
 * rebuilt after a change. NULL on failure, with the reason in ERR.
 */
const zone_image *version_image(kd_version *ver, kd_err *err);

#endif /* KMSDNS_TRANSACTION_H */
