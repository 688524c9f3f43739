/*
 * pub_plan.h -- what one domain's UPDATE must do: a pure computation.
 *
 * Input: the SRV RRset found at _vlmcs._tcp.<domain> and the record this
 * host wants there. "Ours" are the records whose target is our host; the
 * others belong to other KMS hosts and are never touched. Output: the
 * records to delete (each exactly, RFC 2136 class NONE) and the record to
 * add, in one UPDATE, and the action the report shows.
 */
#ifndef KMSDNS_PUB_PLAN_H
#define KMSDNS_PUB_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include "kd_result.h"
#include "srv.h"

/* Most of our own records we delete in one UPDATE. */
#define PUB_PLAN_MAX_DELETES 16

typedef enum pub_action {
	PUB_ACTION_ADDED,      /* ours was missing: add */
	PUB_ACTION_UPDATED,    /* ours differed: delete old, add new */
	PUB_ACTION_UNCHANGED,  /* nothing to send */
	PUB_ACTION_REFRESHED,  /* identical, re-added to mark it fresh */
	PUB_ACTION_WITHDRAWN,  /* ours deleted */
} pub_action;

typedef enum pub_mode {
	PUB_MODE_PUBLISH,
	PUB_MODE_WITHDRAW,
} pub_mode;

typedef struct pub_plan {
	pub_action action;
	srv_record deletes[PUB_PLAN_MAX_DELETES];
	size_t delete_count;
	bool add;
	srv_record add_record;
} pub_plan;

/*
 * Compute into PLAN the change for CURRENT (COUNT records, the RRset's TTL
 * in each) given DESIRED (our record: target = our host) and MODE. With
 * REFRESH an unchanged record is re-added (action refreshed), as the kmsdns
 * DLZ module needs to keep a registration fresh. A TTL that differs from
 * the RRset's counts as a difference. Returns KD_EFULL when more than
 * PUB_PLAN_MAX_DELETES records are ours.
 */
kd_result pub_plan_compute(const srv_record *current, size_t count,
	const srv_record *desired, pub_mode mode, bool refresh,
	pub_plan *plan, kd_err *err);

/* True when PLAN needs an UPDATE to be sent. */
bool pub_plan_sends(const pub_plan *plan);

/* The report word for ACTION ("added"). */
const char *pub_action_name(pub_action action);

#endif /* KMSDNS_PUB_PLAN_H */
