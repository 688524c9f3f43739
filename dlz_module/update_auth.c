/*
 * update_auth.c -- authorisation of dynamic updates: dlz_ssumatch(), the
 * transaction tag and the plain holds that carry a check's decision to the
 * transaction (see update_auth.h, auth_hold.h, txn_tag.h).
 */
#include "config.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <isc/log.h>

#include "auth_hold.h"
#include "grants.h"
#include "instance.h"
#include "registry_limits.h"
#include "snapshot.h"
#include "transaction.h"
#include "txn_tag.h"
#include "update_auth.h"

/*
 * The UPDATE whose records this thread is checking. BIND checks all
 * records of one UPDATE in a row on the thread that received it, so this
 * is exact for one UPDATE (see auth_hold.h).
 */
static _Thread_local auth_prescan kd_prescan;

/* The grant decision for SIGNER's SRV records in ZONE (what a tag stands for). */
static bool
tag_decide(const snapshot *snap, const char *zone, const char *signer,
	grants_decision *decision)
{
	char owner[DNAME_BUF_SIZE * 2];
	snprintf(owner, sizeof(owner), "_vlmcs._tcp.%s", zone);
	return grants_decide(snap->grants, snap->grant_count, zone, signer,
		owner, "SRV", decision);
}

/*
 * Check the transaction tag NAME of TYPE in ZONE for the verified SIGNER:
 * its name must encode SIGNER, and SIGNER must hold a grant in ZONE. Sets
 * *CLOSING; false with the reason in DECISION->reason.
 */
static bool
tag_check(const snapshot *snap, const char *zone, const char *signer,
	const char *name, const char *type, bool *closing,
	grants_decision *decision)
{
	char identity[REGISTRY_IDENTITY_MAX], canon[REGISTRY_IDENTITY_MAX];
	kd_err err;

	memset(decision, 0, sizeof(*decision));
	if (strcmp(type, "TXT") != 0) {
		snprintf(decision->reason, sizeof(decision->reason), "a "
			"transaction tag must be TXT, not %s", type);
		return false;
	}
	if (txn_tag_parse(name, zone, identity, sizeof(identity), closing,
		    &err) != KD_OK ||
	    txn_tag_canonical(signer, canon, sizeof(canon), &err) != KD_OK) {
		snprintf(decision->reason, sizeof(decision->reason), "%s",
			err.text);
		return false;
	}
	if (strcmp(identity, canon) != 0) {
		snprintf(decision->reason, sizeof(decision->reason), "the "
			"transaction tag names %.200s, not the signer",
			identity);
		return false;
	}
	return tag_decide(snap, zone, signer, decision);
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
		pthread_mutex_lock(&inst->auth_lock);
		auth_hold_fail(&inst->holds, &kd_prescan);
		pthread_mutex_unlock(&inst->auth_lock);
		return false;
	}
	snapshot *snap = snapshot_acquire(inst);
	const snapshot_zone *sz = snapshot_find_enclosing(snap, name);
	grants_decision decision;
	bool allowed = false;
	char zone[DNAME_BUF_SIZE] = "";
	int tag = 0;
	const char *who = plain[0] ? plain : "(unsigned)";
	const registry_limit_info *max_records =
		registry_limit_find("max-update-records");
	const unsigned limit = (unsigned)registry_limit_value(
		&snap->settings.limits, max_records);
	if (sz == NULL) {
		KD_LOG(inst, ISC_LOG_NOTICE, "update of %s %s from %s refused: "
			"not in a kmsdns zone", name, type, tcpaddr);
	} else {
		snprintf(zone, sizeof(zone), "%s", snapshot_zone_name(sz));
		bool closing = false;
		if (txn_tag_is_tag(name, zone)) {
			allowed = tag_check(snap, zone, plain, name, type,
				&closing, &decision);
			tag = closing ? 2 : 1;
		} else {
			allowed = grants_decide(snap->grants, snap->grant_count,
				zone, plain, name, type, &decision);
		}
		if (!allowed) {
			KD_LOG(inst, ISC_LOG_NOTICE, "zone %s: update of %s %s by "
				"%s from %s refused: %s", zone, name, type, who,
				tcpaddr, decision.reason);
		}
	}
	snapshot_unref(snap);
	char why[GRANTS_REASON_MAX];
	pthread_mutex_lock(&inst->auth_lock);
	auth_verdict verdict = AUTH_ALLOWED;
	if (allowed) {
		verdict = auth_hold_check(&inst->holds, &kd_prescan, inst, zone,
			plain, &decision, tag, limit, kd_now_ms(), why,
			sizeof(why));
	}
	if (!allowed || verdict != AUTH_ALLOWED) {
		auth_hold_fail(&inst->holds, &kd_prescan);
	}
	pthread_mutex_unlock(&inst->auth_lock);
	if (!allowed) {
		return false;
	}
	if (verdict != AUTH_ALLOWED) {
		KD_LOG(inst, ISC_LOG_NOTICE, "zone %s: update of %s %s by %s "
			"from %s refused: %s", zone, name, type, who, tcpaddr,
			why);
		return false;
	}
	KD_LOG(inst, 2, "zone %s: update of %s %s by %s from %s allowed (%s%s)",
		zone, name, type, plain, tcpaddr,
		decision.scope == REGISTRY_SCOPE_ANY ? "any" : "self",
		kd_prescan.tagged || tag == 2 ? ", tagged" : "");
	return true;
}

kd_result
auth_take_tag(kd_instance *inst, kd_version *ver, const char *owner,
	kd_err *err)
{
	char identity[REGISTRY_IDENTITY_MAX];
	bool closing = false;
	kd_result res = txn_tag_parse(owner, ver->zone, identity,
		sizeof(identity), &closing, err);
	if (res != KD_OK) {
		return kd_err_set(err, KD_EPERM, "%s", err->text);
	}
	if (closing) {
		return kd_err_set(err, KD_EPERM, "the update opens with a "
			"closing transaction tag");
	}
	snapshot *snap = snapshot_acquire(inst);
	grants_decision decision;
	const bool allowed = tag_decide(snap, ver->zone, identity, &decision);
	snapshot_unref(snap);
	if (!allowed) {
		return kd_err_set(err, KD_EPERM, "tag of %.200s: %s", identity,
			decision.reason);
	}
	snprintf(ver->signer, sizeof(ver->signer), "%s", identity);
	ver->decision = decision;
	ver->authorised = true;
	ver->tagged = true;
	return KD_OK;
}

void
auth_take_plain(kd_instance *inst, kd_version *ver, bool add)
{
	pthread_mutex_lock(&inst->auth_lock);
	ver->authorised = auth_hold_take(&inst->holds, ver->zone, add,
		kd_now_ms(),
		ver->signer, &ver->decision, ver->refusal,
		sizeof(ver->refusal));
	pthread_mutex_unlock(&inst->auth_lock);
	ver->plain_taken = ver->authorised;
}

void
auth_zone_activity(kd_instance *inst, const kd_version *ver)
{
	pthread_mutex_lock(&inst->auth_lock);
	auth_hold_activity(&inst->holds, ver->zone, kd_now_ms());
	pthread_mutex_unlock(&inst->auth_lock);
}

void
auth_release(kd_instance *inst, const kd_version *ver)
{
	if (!ver->plain_taken) {
		return;
	}
	pthread_mutex_lock(&inst->auth_lock);
	auth_hold_release(&inst->holds, ver->zone, ver->signer, kd_now_ms());
	pthread_mutex_unlock(&inst->auth_lock);
}
