/*
 * test_pub_plan.c -- unit tests of nsupdate_tool/pub_plan.c (the change
 * computation) and pub_update.c (the UPDATE it becomes).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <ldns/ldns.h>

#include "pub_addr.h"
#include "pub_plan.h"
#include "pub_update.h"

#define OWNER "_vlmcs._tcp.example.test"

static srv_record
rec(uint16_t priority, uint16_t weight, uint16_t port, const char *target,
	uint32_t ttl)
{
	srv_record r;

	memset(&r, 0, sizeof(r));
	r.priority = priority;
	r.weight = weight;
	r.port = port;
	r.ttl = ttl;
	snprintf(r.target, sizeof(r.target), "%s", target);
	return r;
}

static void
test_add_when_missing(void **state)
{
	srv_record current[] = { rec(0, 100, 1688, "kms0.example.test", 300) };
	srv_record want = rec(10, 50, 1688, "kms1.example.test", 300);
	pub_plan plan;

	(void)state;
	assert_int_equal(pub_plan_compute(current, 1, &want, PUB_MODE_PUBLISH,
		false, &plan, NULL), KD_OK);
	assert_int_equal(plan.action, PUB_ACTION_ADDED);
	assert_int_equal(plan.delete_count, 0);
	assert_true(plan.add);
	assert_int_equal(plan.add_record.weight, 50);
	assert_true(pub_plan_sends(&plan));
	/* an empty RRset too */
	assert_int_equal(pub_plan_compute(NULL, 0, &want, PUB_MODE_PUBLISH,
		false, &plan, NULL), KD_OK);
	assert_int_equal(plan.action, PUB_ACTION_ADDED);
}

static void
test_unchanged_and_refresh(void **state)
{
	srv_record current[] = {
		rec(0, 100, 1688, "kms0.example.test", 300),
		rec(10, 50, 1688, "KMS1.example.test", 300),
	};
	srv_record want = rec(10, 50, 1688, "kms1.example.test", 300);
	pub_plan plan;

	(void)state;
	assert_int_equal(pub_plan_compute(current, 2, &want, PUB_MODE_PUBLISH,
		false, &plan, NULL), KD_OK);
	assert_int_equal(plan.action, PUB_ACTION_UNCHANGED);
	assert_false(pub_plan_sends(&plan));
	/* the DLZ freshness rule: re-add the identical record, delete nothing */
	assert_int_equal(pub_plan_compute(current, 2, &want, PUB_MODE_PUBLISH,
		true, &plan, NULL), KD_OK);
	assert_int_equal(plan.action, PUB_ACTION_REFRESHED);
	assert_int_equal(plan.delete_count, 0);
	assert_true(plan.add);
	assert_string_equal(plan.add_record.target, "kms1.example.test");
}

static void
test_update_replaces_only_ours(void **state)
{
	srv_record current[] = {
		rec(0, 100, 1688, "kms0.example.test", 300),
		rec(10, 50, 1688, "kms1.example.test", 300),
		rec(10, 50, 1688, "kms2.example.test", 300),
	};
	const struct {
		srv_record want;
	} cases[] = {
		{ rec(10, 70, 1688, "kms1.example.test", 300) }, /* weight */
		{ rec(20, 50, 1688, "kms1.example.test", 300) }, /* priority */
		{ rec(10, 50, 1689, "kms1.example.test", 300) }, /* port */
	};
	pub_plan plan;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(pub_plan_compute(current, 3, &cases[i].want,
			PUB_MODE_PUBLISH, false, &plan, NULL), KD_OK);
		assert_int_equal(plan.action, PUB_ACTION_UPDATED);
		assert_int_equal(plan.delete_count, 1);
		assert_string_equal(plan.deletes[0].target,
			"kms1.example.test");
		assert_int_equal(plan.deletes[0].weight, 50);
		assert_true(plan.add);
		assert_memory_equal(&plan.add_record, &cases[i].want,
			sizeof(srv_record));
	}
}

/* The server keeps one TTL per RRset: ours follows it, never rewrites it. */
static void
test_rrset_ttl_kept(void **state)
{
	srv_record current[] = {
		rec(0, 100, 1688, "kms0.example.test", 300),
		rec(10, 50, 1688, "kms1.example.test", 300),
	};
	srv_record want = rec(10, 50, 1688, "kms1.example.test", 600);
	char note[PUB_PLAN_NOTE_MAX];
	pub_plan plan;

	(void)state;
	/* only the TTL differs: unchanged, and the note says why */
	assert_int_equal(pub_plan_compute(current, 2, &want, PUB_MODE_PUBLISH,
		false, &plan, NULL), KD_OK);
	assert_int_equal(plan.action, PUB_ACTION_UNCHANGED);
	assert_false(pub_plan_sends(&plan));
	assert_true(plan.ttl_kept);
	pub_plan_ttl_note(&plan, note, sizeof(note));
	assert_string_equal(note, "ttl=300, the RRset's; --ttl 600 not applied");
	/* a refresh re-adds with the RRset's TTL, not ours */
	assert_int_equal(pub_plan_compute(current, 2, &want, PUB_MODE_PUBLISH,
		true, &plan, NULL), KD_OK);
	assert_int_equal(plan.action, PUB_ACTION_REFRESHED);
	assert_int_equal(plan.add_record.ttl, 300);
	/* a new weight is applied with the RRset's TTL */
	want.weight = 70;
	assert_int_equal(pub_plan_compute(current, 2, &want, PUB_MODE_PUBLISH,
		false, &plan, NULL), KD_OK);
	assert_int_equal(plan.action, PUB_ACTION_UPDATED);
	assert_int_equal(plan.add_record.ttl, 300);
	assert_int_equal(plan.add_record.weight, 70);
	/* joining another host's RRset: added with its TTL */
	assert_int_equal(pub_plan_compute(current, 1, &want, PUB_MODE_PUBLISH,
		false, &plan, NULL), KD_OK);
	assert_int_equal(plan.action, PUB_ACTION_ADDED);
	assert_int_equal(plan.add_record.ttl, 300);
	assert_true(plan.ttl_kept);
	/* a new RRset gets our TTL, and no note */
	assert_int_equal(pub_plan_compute(NULL, 0, &want, PUB_MODE_PUBLISH,
		false, &plan, NULL), KD_OK);
	assert_int_equal(plan.add_record.ttl, 600);
	assert_false(plan.ttl_kept);
	pub_plan_ttl_note(&plan, note, sizeof(note));
	assert_string_equal(note, "");
	/* the same TTL: no note */
	want.ttl = 300;
	assert_int_equal(pub_plan_compute(current, 2, &want, PUB_MODE_PUBLISH,
		false, &plan, NULL), KD_OK);
	assert_false(plan.ttl_kept);
}

static void
test_duplicates_of_ours_cleaned(void **state)
{
	srv_record current[] = {
		rec(10, 50, 1688, "kms1.example.test", 300),
		rec(0, 0, 1688, "kms1.example.test", 300),
	};
	srv_record want = rec(10, 50, 1688, "kms1.example.test", 300);
	pub_plan plan;

	(void)state;
	assert_int_equal(pub_plan_compute(current, 2, &want, PUB_MODE_PUBLISH,
		false, &plan, NULL), KD_OK);
	/* the stale extra record of ours goes; the right one is re-added */
	assert_int_equal(plan.action, PUB_ACTION_UPDATED);
	assert_int_equal(plan.delete_count, 1);
	assert_int_equal(plan.deletes[0].priority, 0);
	assert_true(plan.add);
}

static void
test_withdraw(void **state)
{
	srv_record current[] = {
		rec(0, 100, 1688, "kms0.example.test", 300),
		rec(10, 50, 1688, "kms1.example.test", 300),
	};
	srv_record want = rec(99, 99, 1688, "kms1.example.test", 300);
	pub_plan plan;

	(void)state;
	assert_int_equal(pub_plan_compute(current, 2, &want, PUB_MODE_WITHDRAW,
		true, &plan, NULL), KD_OK);
	assert_int_equal(plan.action, PUB_ACTION_WITHDRAWN);
	assert_int_equal(plan.delete_count, 1);
	assert_string_equal(plan.deletes[0].target, "kms1.example.test");
	assert_false(plan.add);
	assert_int_equal(pub_plan_compute(current, 1, &want, PUB_MODE_WITHDRAW,
		true, &plan, NULL), KD_OK);
	assert_int_equal(plan.action, PUB_ACTION_UNCHANGED);
	assert_false(pub_plan_sends(&plan));
}

static void
test_too_many_of_ours(void **state)
{
	srv_record current[PUB_PLAN_MAX_DELETES + 1];
	srv_record want = rec(1, 1, 1688, "kms1.example.test", 300);
	pub_plan plan;
	kd_err err;

	(void)state;
	for (size_t i = 0; i < PUB_PLAN_MAX_DELETES + 1; i++)
		current[i] = rec(2, (uint16_t)i, 1688, "kms1.example.test",
			300);
	assert_int_equal(pub_plan_compute(current, PUB_PLAN_MAX_DELETES + 1,
		&want, PUB_MODE_PUBLISH, false, &plan, &err), KD_EFULL);
	assert_string_equal(err.text,
		"more than 16 SRV records name kms1.example.test");
}

static void
test_action_names(void **state)
{
	(void)state;
	assert_string_equal(pub_action_name(PUB_ACTION_ADDED), "added");
	assert_string_equal(pub_action_name(PUB_ACTION_UPDATED), "updated");
	assert_string_equal(pub_action_name(PUB_ACTION_UNCHANGED),
		"unchanged");
	assert_string_equal(pub_action_name(PUB_ACTION_REFRESHED),
		"refreshed");
	assert_string_equal(pub_action_name(PUB_ACTION_WITHDRAWN),
		"withdrawn");
}

static void
test_update_wire(void **state)
{
	srv_record current[] = { rec(10, 50, 1688, "kms1.example.test", 300) };
	srv_record want = rec(10, 70, 1688, "kms1.example.test", 600);
	ldns_pkt *pkt = NULL;
	ldns_rr_list *ups;
	uint8_t *wire, *wire2;
	size_t len, len2;
	pub_plan plan;
	char *text;

	(void)state;
	assert_int_equal(pub_plan_compute(current, 1, &want, PUB_MODE_PUBLISH,
		false, &plan, NULL), KD_OK);
	assert_int_equal(pub_update_build("example.test", OWNER, &plan, &wire,
		&len, NULL), KD_OK);
	assert_int_equal(ldns_wire2pkt(&pkt, wire, len), LDNS_STATUS_OK);
	assert_int_equal(ldns_pkt_get_opcode(pkt), LDNS_PACKET_UPDATE);
	assert_false(ldns_pkt_rd(pkt));
	assert_int_equal(ldns_update_zocount(pkt), 1);
	assert_int_equal(ldns_update_prcount(pkt), 0);
	assert_int_equal(ldns_update_upcount(pkt), 2);
	ups = ldns_pkt_authority(pkt);
	text = ldns_rr2str(ldns_rr_list_rr(ups, 0));
	assert_string_equal(text, "_vlmcs._tcp.example.test.\t0\tNONE\tSRV\t"
		"10 50 1688 kms1.example.test.\n");
	free(text);
	text = ldns_rr2str(ldns_rr_list_rr(ups, 1));
	/* the RRset's TTL, not the desired 600 (pub_plan.h) */
	assert_string_equal(text, "_vlmcs._tcp.example.test.\t300\tIN\tSRV\t"
		"10 70 1688 kms1.example.test.\n");
	free(text);
	ldns_pkt_free(pkt);
	/* a rebuild (retry) gets another ID: 16 tries all equal is ~2^-240 */
	{
		bool differs = false;

		for (int i = 0; i < 16 && !differs; i++) {
			assert_int_equal(pub_update_build("example.test",
				OWNER, &plan, &wire2, &len2, NULL), KD_OK);
			differs = memcmp(wire, wire2, 2) != 0;
			free(wire2);
		}
		assert_true(differs);
	}
	free(wire);
}

static void
test_update_script(void **state)
{
	srv_record current[] = { rec(10, 50, 1688, "kms1.example.test", 300) };
	srv_record want = rec(10, 70, 1688, "kms1.example.test", 300);
	pub_plan plan;
	char *text;

	(void)state;
	assert_int_equal(pub_plan_compute(current, 1, &want, PUB_MODE_PUBLISH,
		false, &plan, NULL), KD_OK);
	assert_int_equal(pub_update_script("127.0.0.1 5353", "example.test",
		OWNER, &plan, &text, NULL), KD_OK);
	assert_string_equal(text,
		"server 127.0.0.1 5353\n"
		"zone example.test.\n"
		"update delete _vlmcs._tcp.example.test. SRV 10 50 1688 kms1.example.test.\n"
		"update add _vlmcs._tcp.example.test. 300 SRV 10 70 1688 kms1.example.test.\n"
		"send\n");
	free(text);
}

static void
test_address_plan(void **state)
{
	pub_addr_set current, wanted;
	pub_addr_plan plan;
	kd_err err;
	char *text;
	uint8_t *wire;
	size_t len;
	ldns_pkt *pkt = NULL;

	(void)state;
	memset(&current, 0, sizeof(current));
	memset(&wanted, 0, sizeof(wanted));
	assert_int_equal(pub_addr_add(&wanted, "192.0.2.10", &err), KD_OK);
	assert_int_equal(pub_addr_add(&wanted, "2001:DB8:0::10", &err), KD_OK);
	assert_int_equal(pub_addr_add(&wanted, "192.0.2.10", &err), KD_OK);
	assert_int_equal(wanted.count, 2);
	assert_string_equal(wanted.addrs[1].text, "2001:db8::10");
	assert_int_equal(pub_addr_add(&wanted, "192.0.2", &err), KD_EINVAL);
	assert_string_equal(err.text, "\"192.0.2\" is not an IP address");

	pub_addr_plan_compute(&current, &wanted, 300, &plan);
	assert_int_equal(plan.action, PUB_ACTION_ADDED);
	assert_true(plan.replace[0] && plan.replace[1]);

	/* the same addresses and TTL: nothing to do */
	current = wanted;
	current.addrs[0].ttl = current.addrs[1].ttl = 300;
	pub_addr_plan_compute(&current, &wanted, 300, &plan);
	assert_int_equal(plan.action, PUB_ACTION_UNCHANGED);
	/* another TTL replaces */
	pub_addr_plan_compute(&current, &wanted, 600, &plan);
	assert_int_equal(plan.action, PUB_ACTION_UPDATED);
	/* an extra stale A replaces the A RRset only */
	assert_int_equal(pub_addr_add(&current, "192.0.2.99", &err), KD_OK);
	current.addrs[2].ttl = 300;
	pub_addr_plan_compute(&current, &wanted, 300, &plan);
	assert_int_equal(plan.action, PUB_ACTION_UPDATED);
	assert_true(plan.replace[0]);
	assert_false(plan.replace[1]);
	/* no wanted IPv6: the AAAA RRset is left alone */
	memset(&wanted, 0, sizeof(wanted));
	assert_int_equal(pub_addr_add(&wanted, "192.0.2.10", &err), KD_OK);
	pub_addr_plan_compute(&current, &wanted, 300, &plan);
	assert_true(plan.replace[0]);
	assert_false(plan.replace[1]);

	assert_int_equal(pub_addr_update_script("127.0.0.1 53", "example.test",
		"kms1.example.test", &plan, &wanted, 300, &text, &err), KD_OK);
	assert_string_equal(text, "server 127.0.0.1 53\n"
		"zone example.test.\n"
		"update delete kms1.example.test. A\n"
		"update add kms1.example.test. 300 A 192.0.2.10\n"
		"send\n");
	free(text);
	assert_int_equal(pub_addr_update_build("example.test",
		"kms1.example.test", &plan, &wanted, 300, &wire, &len, &err),
		KD_OK);
	assert_int_equal(ldns_wire2pkt(&pkt, wire, len), LDNS_STATUS_OK);
	assert_int_equal(ldns_update_upcount(pkt), 2);
	assert_int_equal(ldns_rr_get_class(ldns_rr_list_rr(
		ldns_pkt_authority(pkt), 0)), LDNS_RR_CLASS_ANY);
	assert_int_equal(ldns_rr_rd_count(ldns_rr_list_rr(
		ldns_pkt_authority(pkt), 0)), 0);
	ldns_pkt_free(pkt);
	free(wire);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_when_missing),
		cmocka_unit_test(test_unchanged_and_refresh),
		cmocka_unit_test(test_update_replaces_only_ours),
		cmocka_unit_test(test_rrset_ttl_kept),
		cmocka_unit_test(test_duplicates_of_ours_cleaned),
		cmocka_unit_test(test_withdraw),
		cmocka_unit_test(test_too_many_of_ours),
		cmocka_unit_test(test_action_names),
		cmocka_unit_test(test_update_wire),
		cmocka_unit_test(test_update_script),
		cmocka_unit_test(test_address_plan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
