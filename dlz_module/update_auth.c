/*
 * update_auth.c -- authorisation of dynamic updates: dlz_ssumatch() and the
 * authorisation slots that carry its decision to the transaction.
 */
#include "config.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <isc/log.h>

#include "grants.h"
#include "instance.h"
#include "snapshot.h"
#include "transaction.h"
#include "update_auth.h"

/* How long an authorisation waits for its transactions at most. */
#define KD_AUTH_TTL_MS 3000
/* How long it stays active after a transaction of it closed. */
#define KD_AUTH_GRACE_MS 2
/* Checks on one thread closer than this belong to one UPDATE. */
#define KD_AUTH_SAME_UPDATE_US 300

/* The latest allowed check made on the calling thread. */
static _Thread_local struct {
	const void *inst;
	char zone[DNAME_BUF_SIZE];
	char signer[REGISTRY_IDENTITY_MAX];
	int64_t us;
} kd_last_check;

static bool
auth_live(const kd_auth_slot *slot, int64_t now_ms)
{
	if (!slot->used)
		return false;
	return slot->open > 0 || now_ms - slot->closed_ms < KD_AUTH_GRACE_MS ||
		(slot->pending > 0 &&
		 now_ms - slot->last_ms < KD_AUTH_TTL_MS);
}

/*
 * Record that SIGNER may update ZONE under DECISION. False when another
 * signer's authorisation of ZONE is active (its signer is copied to
 * BUSY_SIGNER of BUSY_LEN bytes) or when every slot is in use
 * (BUSY_SIGNER "").
 */
static bool
auth_store(kd_instance *inst, const char *zone, const char *signer,
	const grants_decision *decision, char *busy_signer, size_t busy_len)
{
	const int64_t now_us = kd_now_us();
	const int64_t now_ms = now_us / 1000;
	const bool same_update = kd_last_check.inst == inst &&
		now_us - kd_last_check.us < KD_AUTH_SAME_UPDATE_US &&
		strcmp(kd_last_check.zone, zone) == 0 &&
		strcmp(kd_last_check.signer, signer) == 0;
	busy_signer[0] = '\0';
	pthread_mutex_lock(&inst->auth_lock);
	kd_auth_slot *slot = NULL;
	kd_auth_slot *free_slot = NULL;
	bool busy = false;
	kd_auth_slot *expired = NULL; /* this signer's, no longer active */
	for (size_t i = 0; i < KD_AUTH_SLOTS && !busy; i++) {
		kd_auth_slot *cur = &inst->auth[i];
		if (!auth_live(cur, now_ms)) {
			if (cur->used && strcmp(cur->zone, zone) == 0 &&
			    strcmp(cur->signer, signer) == 0)
				expired = cur;
			else if (free_slot == NULL)
				free_slot = cur;
			continue;
		}
		if (strcmp(cur->zone, zone) != 0)
			continue;
		if (strcmp(cur->signer, signer) == 0) {
			slot = cur;
		} else {
			busy = true;
			snprintf(busy_signer, busy_len, "%s", cur->signer);
		}
	}
	if (!busy && slot == NULL && expired != NULL) {
		slot = expired;
		slot->pending = 0; /* what is left are UPDATEs BIND dropped */
	} else if (!busy && slot == NULL && free_slot != NULL) {
		slot = free_slot;
		memset(slot, 0, sizeof(*slot));
		slot->used = true;
		snprintf(slot->zone, sizeof(slot->zone), "%s", zone);
		snprintf(slot->signer, sizeof(slot->signer), "%s", signer);
	}
	/* A further record of the UPDATE whose check is already counted. */
	const bool counted = same_update && slot != NULL && slot->pending > 0;
	if (!busy && slot != NULL) {
		if (!counted)
			slot->pending++;
		slot->decision = *decision;
		slot->last_ms = now_ms;
	}
	pthread_mutex_unlock(&inst->auth_lock);
	if (busy || slot == NULL)
		return false;
	kd_last_check.inst = inst;
	kd_last_check.us = now_us;
	snprintf(kd_last_check.zone, sizeof(kd_last_check.zone), "%s", zone);
	snprintf(kd_last_check.signer, sizeof(kd_last_check.signer), "%s",
		signer);
	return true;
}

/*
 * A check of SIGNER in ZONE failed: BIND refuses that UPDATE, so when
 * earlier records of it were allowed, it no longer counts as pending.
 */
static void
auth_drop(kd_instance *inst, const char *zone, const char *signer)
{
	const bool same_update = kd_last_check.inst == inst &&
		kd_now_us() - kd_last_check.us < KD_AUTH_SAME_UPDATE_US &&
		strcmp(kd_last_check.zone, zone) == 0 &&
		strcmp(kd_last_check.signer, signer) == 0;
	kd_last_check.inst = NULL;
	if (!same_update)
		return;
	pthread_mutex_lock(&inst->auth_lock);
	for (size_t i = 0; i < KD_AUTH_SLOTS; i++) {
		kd_auth_slot *slot = &inst->auth[i];
		if (slot->used && slot->pending > 0 &&
		    strcmp(slot->zone, zone) == 0 &&
		    strcmp(slot->signer, signer) == 0)
			slot->pending--;
	}
	pthread_mutex_unlock(&inst->auth_lock);
}

/*
 * Attribute the transaction VER to the active signer of its zone or, when
 * none is active, to the only signer checked in the zone within
 * KD_AUTH_TTL_MS (two UPDATEs of one signer counted as one).
 */
void
auth_take(kd_instance *inst, kd_version *ver)
{
	kd_auth_slot *active = NULL;
	kd_auth_slot *recent = NULL;
	const kd_auth_slot *other = NULL;
	pthread_mutex_lock(&inst->auth_lock);
	for (size_t i = 0; i < KD_AUTH_SLOTS; i++) {
		kd_auth_slot *slot = &inst->auth[i];
		if (!slot->used || strcmp(slot->zone, ver->zone) != 0 ||
		    ver->started_ms - slot->last_ms >= KD_AUTH_TTL_MS)
			continue;
		if (auth_live(slot, ver->started_ms))
			active = slot;
		if (recent == NULL)
			recent = slot;
		else if (strcmp(slot->signer, recent->signer) != 0)
			other = slot;
	}
	kd_auth_slot *found = active != NULL ? active :
		other == NULL ? recent : NULL;
	if (found != NULL) {
		snprintf(ver->signer, sizeof(ver->signer), "%s", found->signer);
		ver->decision = found->decision;
		ver->authorised = true;
		if (found->pending > 0)
			found->pending--;
		found->open++;
	} else if (other != NULL) {
		snprintf(ver->refusal, sizeof(ver->refusal), "updates by "
			"%.100s and %.100s cannot be told apart (retry)",
			recent->signer, other->signer);
	} else {
		snprintf(ver->refusal, sizeof(ver->refusal),
			"no authorised signer for this update");
	}
	pthread_mutex_unlock(&inst->auth_lock);
}

/* The transaction VER is closed. */
void
auth_release(kd_instance *inst, const kd_version *ver)
{
	if (!ver->authorised)
		return;
	pthread_mutex_lock(&inst->auth_lock);
	for (size_t i = 0; i < KD_AUTH_SLOTS; i++) {
		kd_auth_slot *slot = &inst->auth[i];
		if (slot->used && slot->open > 0 &&
		    strcmp(slot->zone, ver->zone) == 0 &&
		    strcmp(slot->signer, ver->signer) == 0) {
			slot->open--;
			slot->closed_ms = kd_now_ms();
			break;
		}
	}
	pthread_mutex_unlock(&inst->auth_lock);
}


bool
dlz_ssumatch(const char *signer, const char *name, const char *tcpaddr,
	const char *type, const char *key, uint32_t keydatalen,
	unsigned char *keydata, void *dbdata)
{
	(void)key;
	(void)keydatalen;
	(void)keydata;
	kd_instance *inst = dbdata;
	char plain[REGISTRY_IDENTITY_MAX];
	kd_err err;
	if (grants_signer_unescape(signer ? signer : "", plain, sizeof(plain),
		    &err) != KD_OK) {
		KD_LOG(inst, ISC_LOG_NOTICE, "update of %s %s from %s refused: %s",
			name, type, tcpaddr, err.text);
		return false;
	}
	snapshot *snap = snapshot_acquire(inst);
	const snapshot_zone *sz = snapshot_find_enclosing(snap, name);
	grants_decision decision;
	bool allowed = false;
	char zone[DNAME_BUF_SIZE] = "";
	if (sz == NULL) {
		KD_LOG(inst, ISC_LOG_NOTICE, "update of %s %s from %s refused: "
			"not in a kmsdns zone", name, type, tcpaddr);
	} else {
		snprintf(zone, sizeof(zone), "%s", snapshot_zone_name(sz));
		allowed = grants_decide(snap->grants, snap->grant_count, zone,
			plain, name, type, &decision);
		if (!allowed)
			KD_LOG(inst, ISC_LOG_NOTICE, "zone %s: update of %s %s by "
				"%s from %s refused: %s", zone, name, type,
				plain[0] ? plain : "(unsigned)", tcpaddr,
				decision.reason);
	}
	snapshot_unref(snap);
	if (!allowed) {
		if (zone[0] != '\0')
			auth_drop(inst, zone, plain);
		return false;
	}
	KD_LOG(inst, 2, "zone %s: update of %s %s by %s from %s allowed (%s)",
		zone, name, type, plain, tcpaddr,
		decision.scope == REGISTRY_SCOPE_ANY ? "any" : "self");
	char busy[REGISTRY_IDENTITY_MAX];
	if (!auth_store(inst, zone, plain, &decision, busy, sizeof(busy))) {
		KD_LOG(inst, ISC_LOG_NOTICE, "zone %s: update of %s %s by %s "
			"from %s refused: %s%s%s", zone, name, type, plain,
			tcpaddr, busy[0] ? "an update by " : "too many updates in "
			"progress", busy, busy[0] ? " is in progress (retry)" :
			"");
		return false;
	}
	return true;
}
