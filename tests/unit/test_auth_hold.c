/*
 * test_auth_hold.c -- unit tests of dlz_module/auth_hold.c: attribution of
 * plain UPDATEs to signers, with the clock passed in (no sleeps).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "auth_hold.h"

#define ZONE "example.test"
#define A "kms-a.example.test"
#define B "kms-b.example.test"
#define MAXREC 64

static const int inst_a = 1; /* stands for a module instance */

typedef struct world {
	auth_holds holds;
	auth_prescan thread1, thread2;
	grants_decision decision;
	char why[512];
} world;

static int
setup(void **state)
{
	static world w;
	memset(&w, 0, sizeof(w));
	w.decision.allowed = true;
	*state = &w;
	return 0;
}

static auth_verdict
check(world *w, auth_prescan *p, const char *signer, int tag, int64_t now)
{
	return auth_hold_check(&w->holds, p, &inst_a, ZONE, signer,
		&w->decision, tag, MAXREC, now, w->why, sizeof(w->why));
}

static bool
take(world *w, int64_t now, char *signer)
{
	grants_decision d;
	return auth_hold_take(&w->holds, ZONE, false, now, signer, &d, w->why,
		sizeof(w->why));
}

/* One UPDATE's checks count as one, however far apart. */
static void
test_one_update_counts_once(void **state)
{
	world *w = *state;
	char signer[REGISTRY_IDENTITY_MAX];
	assert_int_equal(check(w, &w->thread1, A, 0, 1000), AUTH_ALLOWED);
	assert_int_equal(check(w, &w->thread1, A, 0, 1300), AUTH_ALLOWED);
	assert_int_equal(check(w, &w->thread1, A, 0, 1450), AUTH_ALLOWED);
	assert_true(take(w, 1460, signer));
	assert_string_equal(signer, A);
	/* a second transaction has no checked UPDATE behind it */
	assert_false(take(w, 1461, signer));
	assert_non_null(strstr(w->why, "no checked update"));
	auth_hold_release(&w->holds, ZONE, A, 1470);
	/* answered: another signer's UPDATE 1 ms later is accepted */
	assert_int_equal(check(w, &w->thread2, B, 0, 1471), AUTH_ALLOWED);
	assert_true(take(w, 1472, signer));
	assert_string_equal(signer, B);
}

/* While A's UPDATE waits or runs, B is refused and told for how long. */
static void
test_busy_names_holder(void **state)
{
	world *w = *state;
	char signer[REGISTRY_IDENTITY_MAX];
	assert_int_equal(check(w, &w->thread1, A, 0, 1000), AUTH_ALLOWED);
	assert_int_equal(check(w, &w->thread2, B, 0, 1100), AUTH_BUSY);
	char expect[128];
	snprintf(expect, sizeof(expect), "zone held by %s for %d ms more", A,
		AUTH_HOLD_MS - 100);
	assert_non_null(strstr(w->why, expect));
	auth_hold_fail(&w->holds, &w->thread2);
	assert_true(take(w, 1200, signer));
	/* a transaction runs: held however long it takes */
	assert_int_equal(check(w, &w->thread2, B, 0, 1200 + 10 * AUTH_HOLD_MS),
		AUTH_BUSY);
	assert_non_null(strstr(w->why, "while its transaction runs"));
	auth_hold_fail(&w->holds, &w->thread2);
	auth_hold_release(&w->holds, ZONE, A, 1201 + 10 * AUTH_HOLD_MS);
	assert_int_equal(check(w, &w->thread2, B, 0, 1202 + 10 * AUTH_HOLD_MS),
		AUTH_ALLOWED);
}

/* A check whose transaction never comes holds the zone AUTH_HOLD_MS. */
static void
test_orphan_expires(void **state)
{
	world *w = *state;
	char signer[REGISTRY_IDENTITY_MAX];
	assert_int_equal(check(w, &w->thread1, A, 0, 1000), AUTH_ALLOWED);
	assert_int_equal(check(w, &w->thread2, B, 0, 1000 + AUTH_HOLD_MS - 1),
		AUTH_BUSY);
	auth_hold_fail(&w->holds, &w->thread2);
	assert_int_equal(check(w, &w->thread2, B, 0, 1000 + AUTH_HOLD_MS),
		AUTH_ALLOWED);
	assert_true(take(w, 1001 + AUTH_HOLD_MS, signer));
	assert_string_equal(signer, B);
}

/* While the zone is busy with transactions, the holder's UPDATEs may
 * still be queued: the hold lasts; a transaction late but still the
 * holder's takes it; very late (idle AUTH_LATE_MS) it is refused. */
static void
test_busy_zone_keeps_hold(void **state)
{
	world *w = *state;
	char signer[REGISTRY_IDENTITY_MAX];
	assert_int_equal(check(w, &w->thread1, A, 0, 1000), AUTH_ALLOWED);
	assert_int_equal(check(w, &w->thread1, A, 0, 1000), AUTH_ALLOWED);
	auth_prescan other = { 0 };
	assert_int_equal(check(w, &other, A, 0, 1001), AUTH_ALLOWED);
	/* tagged transactions of the zone run meanwhile */
	auth_hold_activity(&w->holds, ZONE, 1000 + AUTH_HOLD_MS - 1);
	auth_hold_activity(&w->holds, ZONE, 1000 + 2 * AUTH_HOLD_MS - 2);
	assert_int_equal(check(w, &w->thread2, B, 0, 1000 + 2 * AUTH_HOLD_MS),
		AUTH_BUSY);
	auth_hold_fail(&w->holds, &w->thread2);
	assert_true(take(w, 1000 + 2 * AUTH_HOLD_MS, signer));
	assert_string_equal(signer, A);
	auth_hold_release(&w->holds, ZONE, A, 1000 + 2 * AUTH_HOLD_MS + 5);
	/* the second waiting UPDATE comes very late: refused */
	assert_false(take(w, 1005 + 2 * AUTH_HOLD_MS + AUTH_LATE_MS, signer));
	assert_non_null(strstr(w->why, "idle since"));
}

/* A later check of the UPDATE fails: BIND refuses it, the zone is free. */
static void
test_failed_check_releases(void **state)
{
	world *w = *state;
	char signer[REGISTRY_IDENTITY_MAX];
	assert_int_equal(check(w, &w->thread1, A, 0, 1000), AUTH_ALLOWED);
	auth_hold_fail(&w->holds, &w->thread1); /* its 2nd record refused */
	assert_int_equal(check(w, &w->thread2, B, 0, 1001), AUTH_ALLOWED);
	assert_true(take(w, 1002, signer));
	assert_string_equal(signer, B);
	assert_false(take(w, 1003, signer));
}

/* Tagged UPDATEs hold nothing: plain and tagged signers overlap. */
static void
test_tagged_holds_nothing(void **state)
{
	world *w = *state;
	char signer[REGISTRY_IDENTITY_MAX];
	assert_int_equal(check(w, &w->thread1, A, 1, 1000), AUTH_ALLOWED);
	assert_int_equal(check(w, &w->thread1, A, 0, 1001), AUTH_ALLOWED);
	assert_int_equal(check(w, &w->thread2, B, 0, 1002), AUTH_ALLOWED);
	assert_int_equal(check(w, &w->thread1, A, 0, 1003), AUTH_ALLOWED);
	assert_int_equal(check(w, &w->thread1, A, 2, 1004), AUTH_ALLOWED);
	/* the plain transaction of B is B's, the tagged one took nothing */
	assert_true(take(w, 1005, signer));
	assert_string_equal(signer, B);
	auth_hold_release(&w->holds, ZONE, B, 1006);
	/* after the closing tag the thread's next check is a new UPDATE */
	assert_int_equal(check(w, &w->thread1, A, 0, 1007), AUTH_ALLOWED);
	assert_true(take(w, 1008, signer));
	assert_string_equal(signer, A);
}

/* A closing tag without its opening tag is refused. */
static void
test_closing_tag_alone(void **state)
{
	world *w = *state;
	assert_int_equal(check(w, &w->thread1, A, 2, 1000), AUTH_BAD_TAG);
	assert_non_null(strstr(w->why, "without its opening tag"));
	/* another signer's opening tag does not open A's UPDATE */
	assert_int_equal(check(w, &w->thread1, B, 1, 1001), AUTH_ALLOWED);
	assert_int_equal(check(w, &w->thread1, A, 2, 1002), AUTH_BAD_TAG);
}

/* More records than max-update-records: refused, the hold taken back. */
static void
test_too_many_records(void **state)
{
	world *w = *state;
	for (int i = 0; i < MAXREC; i++)
		assert_int_equal(check(w, &w->thread1, A, 0, 1000 + i),
			AUTH_ALLOWED);
	assert_int_equal(check(w, &w->thread1, A, 0, 1100), AUTH_TOO_LARGE);
	assert_non_null(strstr(w->why, "max-update-records"));
	auth_hold_fail(&w->holds, &w->thread1);
	assert_int_equal(check(w, &w->thread2, B, 0, 1101), AUTH_ALLOWED);
	/* a tagged UPDATE is counted too */
	assert_int_equal(check(w, &w->thread1, A, 1, 1200), AUTH_ALLOWED);
	for (int i = 1; i < MAXREC; i++)
		assert_int_equal(check(w, &w->thread1, A, 0, 1200),
			AUTH_ALLOWED);
	assert_int_equal(check(w, &w->thread1, A, 2, 1200), AUTH_TOO_LARGE);
}

/* Two UPDATEs of A on one thread: the second counts once the first's
 * transaction took its count. */
static void
test_next_update_same_thread(void **state)
{
	world *w = *state;
	char signer[REGISTRY_IDENTITY_MAX];
	assert_int_equal(check(w, &w->thread1, A, 0, 1000), AUTH_ALLOWED);
	assert_true(take(w, 1001, signer));
	assert_int_equal(check(w, &w->thread1, A, 0, 1002), AUTH_ALLOWED);
	auth_hold_release(&w->holds, ZONE, A, 1003);
	assert_true(take(w, 1004, signer));
	assert_string_equal(signer, A);
}

/* Two UPDATEs of A checked back to back on one thread count as one; the
 * second transaction's add may take the merged check, a delete may not. */
static void
test_merged_updates(void **state)
{
	world *w = *state;
	char signer[REGISTRY_IDENTITY_MAX];
	grants_decision d;
	assert_int_equal(check(w, &w->thread1, A, 0, 1000), AUTH_ALLOWED);
	assert_int_equal(check(w, &w->thread1, A, 0, 1001), AUTH_ALLOWED);
	assert_true(take(w, 1002, signer));
	auth_hold_release(&w->holds, ZONE, A, 1003);
	/* an unchecked transaction only deletes: refused */
	assert_false(auth_hold_take(&w->holds, ZONE, false, 1004, signer, &d,
		w->why, sizeof(w->why)));
	assert_true(auth_hold_take(&w->holds, ZONE, true, 1005, signer, &d,
		w->why, sizeof(w->why)));
	assert_string_equal(signer, A);
	auth_hold_release(&w->holds, ZONE, A, 1006);
	assert_false(auth_hold_take(&w->holds, ZONE, true, 1007, signer, &d,
		w->why, sizeof(w->why)));
}

/* Nobody checked: nothing to take. Other zones are independent. */
static void
test_nothing_to_take(void **state)
{
	world *w = *state;
	char signer[REGISTRY_IDENTITY_MAX];
	grants_decision d;
	assert_false(take(w, 1000, signer));
	assert_int_equal(auth_hold_check(&w->holds, &w->thread1, &inst_a,
		"other.test", A, &w->decision, 0, MAXREC, 1000, w->why,
		sizeof(w->why)), AUTH_ALLOWED);
	assert_false(take(w, 1001, signer));
	assert_int_equal(check(w, &w->thread2, B, 0, 1002), AUTH_ALLOWED);
	assert_true(auth_hold_take(&w->holds, "other.test", false, 1003, signer,
		&d, w->why, sizeof(w->why)));
	assert_string_equal(signer, A);
}

/* Every slot in use: refused, and says so. */
static void
test_slots_full(void **state)
{
	world *w = *state;
	auth_prescan p;
	char zone[64];
	for (int i = 0; i < AUTH_HOLD_SLOTS; i++) {
		memset(&p, 0, sizeof(p));
		snprintf(zone, sizeof(zone), "z%d.test", i);
		assert_int_equal(auth_hold_check(&w->holds, &p, &inst_a, zone,
			A, &w->decision, 0, MAXREC, 1000, w->why,
			sizeof(w->why)), AUTH_ALLOWED);
	}
	assert_int_equal(check(w, &w->thread1, A, 0, 1001), AUTH_FULL);
	/* once the holds expired, slots are reused */
	assert_int_equal(check(w, &w->thread2, A, 0, 1000 + AUTH_HOLD_MS),
		AUTH_ALLOWED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_one_update_counts_once, setup),
		cmocka_unit_test_setup(test_busy_names_holder, setup),
		cmocka_unit_test_setup(test_orphan_expires, setup),
		cmocka_unit_test_setup(test_busy_zone_keeps_hold, setup),
		cmocka_unit_test_setup(test_failed_check_releases, setup),
		cmocka_unit_test_setup(test_tagged_holds_nothing, setup),
		cmocka_unit_test_setup(test_closing_tag_alone, setup),
		cmocka_unit_test_setup(test_too_many_records, setup),
		cmocka_unit_test_setup(test_next_update_same_thread, setup),
		cmocka_unit_test_setup(test_merged_updates, setup),
		cmocka_unit_test_setup(test_nothing_to_take, setup),
		cmocka_unit_test_setup(test_slots_full, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
