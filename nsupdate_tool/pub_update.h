/*
 * pub_update.h -- the RFC 2136 UPDATE for a plan, as wire bytes (ldns) and
 * as the nsupdate script --dry-run prints.
 */
#ifndef KMSDNS_PUB_UPDATE_H
#define KMSDNS_PUB_UPDATE_H

#include <stddef.h>
#include <stdint.h>
#include <ldns/ldns.h>
#include "kd_result.h"
#include "pub_plan.h"

/*
 * Build the unsigned UPDATE of PLAN for OWNER in ZONE into a new buffer
 * *WIRE (caller frees) of *LEN bytes: each delete as class NONE TTL 0 with
 * full rdata, then the add (class IN). The message ID is fresh and random
 * at every call, so a retry is never a byte-identical replay.
 */
kd_result pub_update_build(const char *zone, const char *owner,
	const pub_plan *plan, uint8_t **wire, size_t *len, kd_err *err);

/*
 * Wrap UPDATES (the update section; freed here) in an UPDATE of ZONE with a
 * fresh random ID and RD clear, written to a new buffer *WIRE (caller
 * frees) of *LEN bytes. WHAT names the message in errors ("the UPDATE for
 * zone example.test").
 */
kd_result pub_update_wire(const char *zone, ldns_rr_list *updates,
	const char *what, uint8_t **wire, size_t *len, kd_err *err);

/*
 * Write PLAN as an nsupdate script for SERVER ("ADDR PORT", or NULL to omit
 * the server line) and ZONE into a new string *TEXT (caller frees).
 */
kd_result pub_update_script(const char *server, const char *zone,
	const char *owner, const pub_plan *plan, char **text, kd_err *err);

#endif /* KMSDNS_PUB_UPDATE_H */
