/*
 * update_auth.h -- which signer a dynamic update belongs to.
 *
 * dlz_ssumatch() checks each record of an UPDATE against the grants and
 * keeps what it allowed in an authorisation slot of the instance (see
 * kd_auth_slot in instance.h); the transaction that follows takes the
 * authorisation with auth_take() and gives it back with auth_release().
 */
#ifndef KMSDNS_UPDATE_AUTH_H
#define KMSDNS_UPDATE_AUTH_H

#include <dns/dlz_dlopen.h>

#include "instance.h"
#include "transaction.h"

/* BIND's entry point: may the signer update this record? */
dlz_dlopen_ssumatch_t dlz_ssumatch;

/*
 * Attribute the transaction VER to the active signer of its zone or, when
 * none is active, to the only signer checked in the zone recently. Sets
 * VER->authorised, its signer and decision, or VER->refusal.
 */
void auth_take(kd_instance *inst, kd_version *ver);

/* The transaction VER is closed: its authorisation may end. */
void auth_release(kd_instance *inst, const kd_version *ver);

#endif /* KMSDNS_UPDATE_AUTH_H */
