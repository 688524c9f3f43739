/*
 * transaction.h -- UPDATE transactions of the DLZ module.
 *
 * BIND runs an UPDATE as dlz_newversion(), dlz_addrdataset() and
 * dlz_subrdataset() per change, and dlz_closeversion(). A transaction
 * (kd_version) holds the writer for its whole duration, ties itself to
 * its signer at its first change (update_auth.h), checks each change
 * against the grants of that signer and the limits (update_limits.h) and
 * writes it to the registry; it is committed when BIND bumps the SOA
 * serial. A transaction whose only change is its tag stores nothing and
 * keeps the serial.
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
#include "rdata.h"
#include "registry.h"
#include "version_view.h"
#include "zonedata.h"

/* Foreign SRV records a SELF signer may touch in one TTL rewrite. */
#define KD_PENDING_MAX 64
/* Deletes a transaction holds back until it commits (TTL rewrites). */
#define KD_DEFERRED_MAX 64
#define KD_VERSION_MAGIC 0x6b6d7376u /* "kmsv" */

/* One UPDATE transaction. */
typedef struct kd_version {
	unsigned magic;
	kd_instance *inst;
	char zone[DNAME_BUF_SIZE];
	/* Who the transaction belongs to: decided at its first change (a
	 * transaction tag, or the plain hold of the zone; update_auth.h). */
	bool attributed;
	bool authorised;
	bool tagged;             /* by its transaction tag */
	bool plain_taken;        /* took a plain hold */
	char signer[REGISTRY_IDENTITY_MAX];
	char refusal[GRANTS_REASON_MAX]; /* why not authorised */
	grants_decision decision;
	registry_limits limits;
	registry_dataset data;   /* the zone at the start */
	version_view view;       /* the zone as the transaction sees it */
	size_t changes;
	size_t refreshed;        /* registrations refreshed by this UPDATE */
	size_t committed_changes;   /* CHANGES and REFRESHED already */
	size_t committed_refreshes; /* committed by commit_at_serial() */
	rdata_record pending[KD_PENDING_MAX]; /* foreign SRV subtracted */
	size_t pending_count;
	/* Records BIND subtracted: a TTL-only rewrite of an RRset deletes
	 * and re-adds each record, and a re-add must keep the row (origin,
	 * signer, times). Those not re-added are deleted before the commit. */
	rdata_record deferred[KD_DEFERRED_MAX];
	size_t deferred_count;
} kd_version;

/* BIND's entry points of a transaction. */
dlz_dlopen_newversion_t dlz_newversion;
dlz_dlopen_closeversion_t dlz_closeversion;
dlz_dlopen_addrdataset_t dlz_addrdataset;
dlz_dlopen_subrdataset_t dlz_subrdataset;

/*
 * Emit the records at RELNAME as the transaction VER sees them (its own
 * changes included) to FN with CTX: KD_ENOENT when the name does not
 * exist. Costs the size of one node.
 */
kd_result version_lookup(const kd_version *ver, const char *relname,
	zone_rr_fn fn, void *ctx);

#endif /* KMSDNS_TRANSACTION_H */
