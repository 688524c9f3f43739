/*
 * auth_hold.h -- which plain UPDATE a transaction belongs to.
 *
 * BIND checks the records of an UPDATE (dlz_ssumatch) one after the other
 * on the thread that received it, then queues the transaction on the
 * zone's thread; nothing ties a check to its transaction (see
 * shared/reference/dlz-update-flow.md). For a tagged UPDATE (txn_tag.h)
 * the transaction names its signer itself. For a plain UPDATE (nsupdate,
 * Windows) one signer at a time may hold a zone:
 *
 *  - the checks of one UPDATE run back to back on one thread; the caller
 *    keeps an auth_prescan per thread, so all checks of one UPDATE count
 *    as one, however far apart they are;
 *  - a signer's hold of a zone lasts while such a transaction runs, and
 *    while UPDATEs it passed wait for their transactions, until the zone
 *    has been idle (no check of the holder, no transaction of the zone
 *    starting or ending) for AUTH_HOLD_MS: BIND may drop an UPDATE after
 *    its checks without telling the module (an orphan), but it runs a
 *    zone's transactions in the order they were queued, so while the zone
 *    is busy the holder's transactions may still be queued behind;
 *    meanwhile other signers' checks in the zone are refused;
 *  - a transaction that changes something takes one waiting UPDATE of the
 *    holder; with none waiting (or the last activity older than
 *    AUTH_LATE_MS) it is refused.
 *
 * Pure logic: the caller passes the clock and holds the lock.
 */
#ifndef KMSDNS_AUTH_HOLD_H
#define KMSDNS_AUTH_HOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dname.h"
#include "grants.h"
#include "registry.h"

/* How long a checked plain UPDATE holds its zone waiting for its
 * transaction (BIND queues it right after the checks). */
#define AUTH_HOLD_MS 1000
/* A waiting UPDATE older than this is not given to any transaction. */
#define AUTH_LATE_MS 10000
/* Zones held at the same time. */
#define AUTH_HOLD_SLOTS 64

/* One zone held by one signer. */
typedef struct auth_hold {
	bool used;
	char zone[DNAME_BUF_SIZE];
	char signer[REGISTRY_IDENTITY_MAX];
	grants_decision decision;
	int64_t last_check_ms; /* the latest check that counted */
	int64_t last_activity_ms; /* that, or a transaction of the zone */
	unsigned pending;      /* UPDATEs checked, transaction not started */
	unsigned open;         /* transactions taken, not yet closed */
	unsigned merged;       /* checks that may have been another UPDATE */
} auth_hold;

typedef struct auth_holds {
	auth_hold slot[AUTH_HOLD_SLOTS];
} auth_holds;

/* The UPDATE whose checks run on one thread (one per thread). */
typedef struct auth_prescan {
	bool active;
	const void *owner;   /* the module instance */
	char zone[DNAME_BUF_SIZE];
	char signer[REGISTRY_IDENTITY_MAX];
	bool tagged;         /* opened by a transaction tag */
	bool held;           /* counted in the zone's hold */
	unsigned records;    /* checks of this UPDATE so far */
} auth_prescan;

/* The answer to a check. */
typedef enum auth_verdict {
	AUTH_ALLOWED,
	AUTH_BUSY,       /* another signer holds the zone */
	AUTH_FULL,       /* every slot in use */
	AUTH_TOO_LARGE,  /* more than MAX_RECORDS checks in the UPDATE */
	AUTH_BAD_TAG,    /* a closing tag without its opening tag */
} auth_verdict;

/*
 * A check by SIGNER in ZONE of instance OWNER, allowed by the grants
 * (DECISION), made at NOW_MS on the thread whose UPDATE state is P. TAG is
 * 0 for an ordinary record, 1 for an opening and 2 for a closing
 * transaction tag of SIGNER. Counts the check in its UPDATE (refused past
 * MAX_RECORDS) and, for a plain UPDATE, in the zone's hold. On a refusal,
 * WHY (WHYLEN bytes) says why: "zone held by S for 420 ms more (retry)".
 */
auth_verdict auth_hold_check(auth_holds *holds, auth_prescan *p,
	const void *owner, const char *zone, const char *signer,
	const grants_decision *decision, int tag, unsigned max_records,
	int64_t now_ms, char *why, size_t whylen);

/*
 * A check on the thread of P was refused (by the grants or by
 * auth_hold_check()): BIND refuses the whole UPDATE, so what its earlier
 * checks counted in a hold is taken back.
 */
void auth_hold_fail(auth_holds *holds, auth_prescan *p);

/*
 * A plain transaction in ZONE changes something at NOW_MS: take one
 * waiting UPDATE of the zone's holder. True with its signer in SIGNER
 * (REGISTRY_IDENTITY_MAX bytes) and its DECISION; false with the reason in
 * WHY ("no checked update is waiting in the zone"). When none waits but
 * the transaction's first change is an ADD, it may take a check of the
 * live holder that was counted as part of an earlier UPDATE of the same
 * signer on the same thread: BIND checks every add, and while the zone is
 * held no other signer's plain UPDATE passes its checks, so such an add
 * is the holder's (an unchecked transaction only deletes).
 */
bool auth_hold_take(auth_holds *holds, const char *zone, bool add,
	int64_t now_ms, char *signer, grants_decision *decision, char *why,
	size_t whylen);

/* A transaction of ZONE started or ended at NOW_MS: the zone is busy. */
void auth_hold_activity(auth_holds *holds, const char *zone, int64_t now_ms);

/*
 * A transaction taken with auth_hold_take() for SIGNER in ZONE closed at
 * NOW_MS.
 */
void auth_hold_release(auth_holds *holds, const char *zone,
	const char *signer, int64_t now_ms);

#endif /* KMSDNS_AUTH_HOLD_H */
