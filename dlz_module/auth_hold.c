/*
 * auth_hold.c -- one signer at a time per zone for plain UPDATEs, and the
 * per-thread state of the UPDATE being checked (see auth_hold.h).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "auth_hold.h"

static bool
hold_live(const auth_hold *h, int64_t now_ms)
{
	return h->used && (h->open > 0 ||
		(h->pending > 0 && now_ms - h->last_activity_ms < AUTH_HOLD_MS));
}

static auth_hold *
hold_find(auth_holds *holds, const char *zone)
{
	for (size_t i = 0; i < AUTH_HOLD_SLOTS; i++) {
		if (holds->slot[i].used &&
		    strcmp(holds->slot[i].zone, zone) == 0) {
			return &holds->slot[i];
		}
	}
	return NULL;
}

static auth_hold *
hold_free_slot(auth_holds *holds, int64_t now_ms)
{
	for (size_t i = 0; i < AUTH_HOLD_SLOTS; i++) {
		if (!hold_live(&holds->slot[i], now_ms)) {
			return &holds->slot[i];
		}
	}
	return NULL;
}

static bool
prescan_same(const auth_prescan *p, const void *owner, const char *zone,
	const char *signer)
{
	return p->active && p->owner == owner && strcmp(p->zone, zone) == 0 &&
		strcmp(p->signer, signer) == 0;
}

static void
prescan_start(auth_prescan *p, const void *owner, const char *zone,
	const char *signer, bool tagged)
{
	p->active = true;
	p->owner = owner;
	snprintf(p->zone, sizeof(p->zone), "%s", zone);
	snprintf(p->signer, sizeof(p->signer), "%s", signer);
	p->tagged = tagged;
	p->held = false;
	p->records = 0;
}

/* Count a plain UPDATE's first check in the zone's hold. */
static auth_verdict
hold_enter(auth_holds *holds, auth_prescan *p,
	const grants_decision *decision, int64_t now_ms, char *why,
	size_t whylen)
{
	auth_hold *h = hold_find(holds, p->zone);

	if (h != NULL && hold_live(h, now_ms) &&
	    strcmp(h->signer, p->signer) != 0) {
		if (h->open > 0) {
			snprintf(why, whylen, "zone held by %s while its "
				"transaction runs (retry)", h->signer);
		} else {
			snprintf(why, whylen, "zone held by %s for %" PRId64
				" ms more (retry)", h->signer, AUTH_HOLD_MS -
				(now_ms - h->last_activity_ms));
		}
		return AUTH_BUSY;
	}
	if (h == NULL || strcmp(h->signer, p->signer) != 0) {
		if (h == NULL) {
			h = hold_free_slot(holds, now_ms);
		}
		if (h == NULL) {
			snprintf(why, whylen, "%d zones are held by updates in "
				"progress (retry)", AUTH_HOLD_SLOTS);
			return AUTH_FULL;
		}
		memset(h, 0, sizeof(*h));
		h->used = true;
		snprintf(h->zone, sizeof(h->zone), "%s", p->zone);
		snprintf(h->signer, sizeof(h->signer), "%s", p->signer);
	} else if (h->pending > 0 && !hold_live(h, now_ms)) {
		h->pending = 0; /* UPDATEs BIND dropped after their checks */
	}
	h->pending++;
	h->decision = *decision;
	h->last_check_ms = now_ms;
	h->last_activity_ms = now_ms;
	p->held = true;
	return AUTH_ALLOWED;
}

auth_verdict
auth_hold_check(auth_holds *holds, auth_prescan *p, const void *owner,
	const char *zone, const char *signer, const grants_decision *decision,
	int tag, unsigned max_records, int64_t now_ms, char *why,
	size_t whylen)
{
	bool same = prescan_same(p, owner, zone, signer);

	why[0] = '\0';
	if (tag == 1) {
		/* An opening tag starts an UPDATE, whatever came before. */
		if (same) {
			auth_hold_fail(holds, p);
		}
		prescan_start(p, owner, zone, signer, true);
		same = true;
	} else if (tag == 2 && !(same && p->tagged)) {
		snprintf(why, whylen, "closing transaction tag without its "
			"opening tag");
		return AUTH_BAD_TAG;
	}
	if (same && p->held && !p->tagged) {
		/* Its transaction took the count: a new UPDATE of the signer. */
		const auth_hold *h = hold_find(holds, zone);
		if (h == NULL || h->pending == 0 ||
		    strcmp(h->signer, signer) != 0) {
			same = false;
		}
	}
	if (!same) {
		prescan_start(p, owner, zone, signer, false);
	}
	if (++p->records > max_records) {
		snprintf(why, whylen, "the update has more than %u records "
			"(limit max-update-records)", max_records);
		return AUTH_TOO_LARGE;
	}
	if (tag == 2) {
		p->active = false; /* the UPDATE ends here */
		return AUTH_ALLOWED;
	}
	if (p->tagged) {
		return AUTH_ALLOWED;
	}
	if (p->held) {
		auth_hold *h = hold_find(holds, zone);
		h->last_check_ms = now_ms;
		h->last_activity_ms = now_ms;
		h->merged++;
		return AUTH_ALLOWED;
	}
	return hold_enter(holds, p, decision, now_ms, why, whylen);
}

void
auth_hold_fail(auth_holds *holds, auth_prescan *p)
{
	if (p->active && p->held) {
		auth_hold *h = hold_find(holds, p->zone);
		if (h != NULL && h->pending > 0 &&
		    strcmp(h->signer, p->signer) == 0) {
			h->pending--;
		}
	}
	p->active = false;
}

bool
auth_hold_take(auth_holds *holds, const char *zone, bool add, int64_t now_ms,
	char *signer, grants_decision *decision, char *why, size_t whylen)
{
	auth_hold *h = hold_find(holds, zone);

	if (h != NULL && h->pending == 0 && add && h->merged > 0 &&
	    now_ms - h->last_activity_ms < AUTH_HOLD_MS) {
		h->merged--;
		h->pending++;
	}
	if (h == NULL || h->pending == 0) {
		snprintf(why, whylen, "no checked update is waiting in the zone "
			"(a change BIND did not check, or one of two UPDATEs "
			"counted as one)");
		return false;
	}
	if (now_ms - h->last_activity_ms >= AUTH_LATE_MS) {
		snprintf(why, whylen, "the check of %s is %" PRId64 " ms old "
			"and the zone was idle since, longer than %d ms",
			h->signer, now_ms - h->last_check_ms, AUTH_LATE_MS);
		h->pending = 0;
		return false;
	}
	h->pending--;
	h->open++;
	snprintf(signer, REGISTRY_IDENTITY_MAX, "%s", h->signer);
	*decision = h->decision;
	return true;
}

void
auth_hold_activity(auth_holds *holds, const char *zone, int64_t now_ms)
{
	auth_hold *h = hold_find(holds, zone);

	if (h != NULL && hold_live(h, now_ms)) {
		h->last_activity_ms = now_ms;
	}
}

void
auth_hold_release(auth_holds *holds, const char *zone, const char *signer,
	int64_t now_ms)
{
	auth_hold *h = hold_find(holds, zone);

	if (h != NULL && h->open > 0 && strcmp(h->signer, signer) == 0) {
		h->open--;
		h->last_activity_ms = now_ms;
	}
}
