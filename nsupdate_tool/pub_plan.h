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
#include <stdint.h>
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
	/* The RRset exists with another TTL than the desired one: its TTL is
	 * kept (ADD_RECORD carries it) and the report says so. */
	bool ttl_kept;
	uint32_t rrset_ttl;    /* the RRset's TTL when TTL_KEPT */
	uint32_t desired_ttl;  /* the TTL that was asked for */
	srv_record deletes[PUB_PLAN_MAX_DELETES];
	size_t delete_count;
	bool add;
	srv_record add_record;
} pub_plan;

/*
 * Compute into PLAN the change for CURRENT (COUNT records, the RRset's TTL
 * in each) given DESIRED (our record: target = our host) and MODE. With
 * REFRESH an unchanged record is re-added (action refreshed), as the kmsdns
 * DLZ module needs to keep a registration fresh.
 *
 * The TTL rule: a server keeps one TTL per RRset, and an added record of
 * another TTL rewrites the whole RRset. So records are compared by their
 * rdata only; when the RRset exists, its TTL (the first record's) is the
 * one every add uses, and a DESIRED TTL that differs is not applied
 * (PLAN->ttl_kept). Only a new RRset gets DESIRED's TTL. Two hosts with
 * different TTLs, or a static registration with its own TTL, so settle in
 * one run. Returns KD_EFULL when more than PUB_PLAN_MAX_DELETES records
 * are ours.
 */
kd_result pub_plan_compute(const srv_record *current, size_t count,
	const srv_record *desired, pub_mode mode, bool refresh,
	pub_plan *plan, kd_err *err);

/*
 * Write the report note of a kept RRset TTL into BUF of LEN bytes
 * ("ttl=300, the RRset's; --ttl 600 not applied"); "" when PLAN applies
 * the desired TTL. PUB_PLAN_NOTE_MAX bytes always suffice.
 */
#define PUB_PLAN_NOTE_MAX 80
void pub_plan_ttl_note(const pub_plan *plan, char *buf, size_t len);

/* True when PLAN needs an UPDATE to be sent. */
bool pub_plan_sends(const pub_plan *plan);

/* The report word for ACTION ("added"). */
const char *pub_action_name(pub_action action);

#endif /* KMSDNS_PUB_PLAN_H */
