/*
 * update_auth.h -- which signer a dynamic update belongs to.
 *
 * dlz_ssumatch() checks each record of an UPDATE against the grants. A
 * tagged UPDATE (txn_tag.h: kmsdns-publish) names its signer in its first
 * record, and the transaction learns the signer from that record
 * (auth_take_tag()). A plain UPDATE holds its zone for its signer while it
 * waits for its transaction (auth_hold.h), and the transaction takes that
 * hold (auth_take_plain()). A change that cannot be tied exactly to a
 * checked signer is refused.
 */
#ifndef KMSDNS_UPDATE_AUTH_H
#define KMSDNS_UPDATE_AUTH_H

#include <stdbool.h>

#include <dns/dlz_dlopen.h>

#include "instance.h"
#include "transaction.h"

/* BIND's entry point: may the signer update this record? */
dlz_dlopen_ssumatch_t dlz_ssumatch;

/*
 * The transaction VER's first change is the transaction tag OWNER: set
 * VER's signer and decision from it (VER->tagged). Returns KD_OK, or
 * KD_EPERM with the reason in ERR (malformed tag, signer without grant).
 */
kd_result auth_take_tag(kd_instance *inst, kd_version *ver, const char *owner,
	kd_err *err);

/*
 * The plain transaction VER changes something (its first change is an
 * add when ADD): attribute it to the signer holding its zone. Sets
 * VER->authorised, its signer and decision, or VER->refusal.
 */
void auth_take_plain(kd_instance *inst, kd_version *ver, bool add);

/* A transaction of VER's zone starts or ends: its plain hold is busy. */
void auth_zone_activity(kd_instance *inst, const kd_version *ver);

/* The transaction VER is closed: a plain hold it took may end. */
void auth_release(kd_instance *inst, const kd_version *ver);

#endif /* KMSDNS_UPDATE_AUTH_H */
