/*
 * test_catalog.c -- unit tests of the catalog zone: its storage in the
 * registry (registry_catalog.c, schema version 4 and the upgrade to it)
 * and its image (catalog.c).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "catalog.h"
#include "kd_result.h"
#include "registry.h"
#include "registry_catalog.h"
#include "registry_fixture.h"
#include "zonedata.h"

#define T0 INT64_C(1700000000)
#define CATALOG "catalog.example.test"

static kd_result
add_zone(registry *reg, const char *name, kd_err *err)
{
	registry_ns ns;
	registry_zone zone;

	memset(&ns, 0, sizeof(ns));
	memset(&zone, 0, sizeof(zone));
	(void)snprintf(ns.name, sizeof(ns.name), "ns1.%s", name);
	(void)snprintf(zone.name, sizeof(zone.name), "%s", name);
	zone.ns = &ns;
	zone.ns_count = 1;
	zone.ttl = zone.minimum = 3600;
	zone.refresh = 3600;
	zone.retry = 600;
	zone.expire = 1209600;
	return registry_add_zone(reg, &zone, T0, err);
}

static kd_result
set_catalog(registry *reg, const char *name, kd_err *err)
{
	registry_catalog cat;
	char notify[1][REGISTRY_ENDPOINT_MAX] = { "192.0.2.1" };

	memset(&cat, 0, sizeof(cat));
	(void)snprintf(cat.name, sizeof(cat.name), "%s", name);
	cat.peers.notify = notify;
	cat.peers.notify_count = 1;
	return registry_catalog_set(reg, &cat, T0, err);
}

static uint32_t
catalog_serial(registry *reg)
{
	registry_catalog cat;
	bool found = false;
	kd_err err = { "" };

	assert_ok(registry_catalog_get(reg, &cat, &found, &err), &err);
	assert_true(found);
	registry_catalog_free(&cat);
	return cat.serial;
}

/* The id of ZONE, "" when it is not in the registry. */
static void
zone_id(registry *reg, const char *zone, char id[REGISTRY_CATALOG_ID_MAX],
	bool *member)
{
	registry_catalog_entry *entries = NULL;
	size_t count = 0;
	kd_err err = { "" };

	assert_ok(registry_catalog_entries(reg, false, &entries, &count, &err),
		&err);
	id[0] = '\0';
	for (size_t i = 0; i < count; i++) {
		if (strcmp(entries[i].zone, zone) == 0) {
			(void)snprintf(id, REGISTRY_CATALOG_ID_MAX, "%s",
				entries[i].id);
			*member = entries[i].member;
		}
	}
	free(entries);
}

/* ---- storage ---------------------------------------------------------- */

static void
test_set_get_unset(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	registry_catalog cat;
	bool found = true;

	assert_ok(registry_catalog_get(f->reg, &cat, &found, &err), &err);
	assert_false(found);
	assert_ok(set_catalog(f->reg, "Catalog.Example.TEST.", &err), &err);
	assert_ok(registry_catalog_get(f->reg, &cat, &found, &err), &err);
	assert_true(found);
	assert_string_equal(cat.name, CATALOG);
	assert_int_equal(cat.serial, (uint32_t)T0);
	assert_int_equal(cat.peers.notify_count, 1);
	assert_string_equal(cat.peers.notify[0], "192.0.2.1#53");
	assert_int_equal(cat.peers.allow_transfer_count, 0);
	registry_catalog_free(&cat);

	/* Set again (same time): the serial still goes up. */
	assert_ok(set_catalog(f->reg, CATALOG, &err), &err);
	assert_int_equal(catalog_serial(f->reg), (uint32_t)T0 + 1);

	assert_ok(registry_catalog_unset(f->reg, &err), &err);
	assert_int_equal(registry_catalog_unset(f->reg, &err), KD_ENOENT);
	assert_string_equal(err.text, "no catalog zone is set");
}

static void
test_name_conflicts(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	char longname[DNAME_BUF_SIZE];

	assert_ok(add_zone(f->reg, "example.test", &err), &err);
	assert_int_equal(set_catalog(f->reg, "example.test", &err), KD_EEXIST);
	assert_string_equal(err.text, "catalog zone example.test: a zone of "
		"the registry has this name");
	assert_ok(set_catalog(f->reg, CATALOG, &err), &err);
	assert_int_not_equal(add_zone(f->reg, CATALOG, &err), KD_OK);
	assert_non_null(strstr(err.text,
		"a zone cannot have the name of the catalog zone"));

	/* 231 characters: "<16 hex>.zones." no longer fits in front. */
	memset(longname, 0, sizeof(longname));
	for (size_t i = 0; i < 4; i++) {
		memset(longname + i * 58, 'a', 57);
		longname[i * 58 + 57] = '.';
	}
	memcpy(longname + 232, "test", 4); /* 236 characters */
	assert_int_equal(set_catalog(f->reg, longname, &err), KD_EINVAL);
	assert_non_null(strstr(err.text, "name longer than 230 characters"));
}

static void
test_ids_and_serial(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	char id_a[REGISTRY_CATALOG_ID_MAX], id_b[REGISTRY_CATALOG_ID_MAX];
	char id_again[REGISTRY_CATALOG_ID_MAX];
	bool member = false;

	assert_ok(set_catalog(f->reg, CATALOG, &err), &err);
	uint32_t serial = catalog_serial(f->reg);
	assert_ok(add_zone(f->reg, "a.test", &err), &err);
	assert_int_equal(catalog_serial(f->reg), ++serial);
	assert_ok(add_zone(f->reg, "b.test", &err), &err);
	assert_int_equal(catalog_serial(f->reg), ++serial);
	zone_id(f->reg, "a.test", id_a, &member);
	assert_true(member);
	zone_id(f->reg, "b.test", id_b, &member);
	assert_int_equal(strlen(id_a), 16);
	assert_int_equal(strspn(id_a, "0123456789abcdef"), 16);
	assert_string_not_equal(id_a, id_b);

	/* What a member serves does not change the catalog. */
	assert_ok(registry_set_serial(f->reg, "a.test", 7, &err), &err);
	assert_int_equal(catalog_serial(f->reg), serial);

	/* Membership: a change counts, setting it again does not. */
	assert_ok(registry_set_zone_catalog(f->reg, "B.test.", false, &err),
		&err);
	assert_int_equal(catalog_serial(f->reg), ++serial);
	zone_id(f->reg, "b.test", id_again, &member);
	assert_false(member);
	assert_string_equal(id_again, id_b); /* the id stays */
	assert_ok(registry_set_zone_catalog(f->reg, "b.test", false, &err),
		&err);
	assert_int_equal(catalog_serial(f->reg), serial);
	assert_int_equal(registry_set_zone_catalog(f->reg, "c.test", true,
		&err), KD_ENOENT);

	/* Removing a non-member changes nothing; a member does. */
	assert_ok(registry_remove_zone(f->reg, "b.test", &err), &err);
	assert_int_equal(catalog_serial(f->reg), serial);
	assert_ok(registry_remove_zone(f->reg, "a.test", &err), &err);
	assert_int_equal(catalog_serial(f->reg), ++serial);

	/* Added again: a new id (RFC 9432 section 4.4). */
	assert_ok(add_zone(f->reg, "a.test", &err), &err);
	zone_id(f->reg, "a.test", id_again, &member);
	assert_true(member);
	assert_string_not_equal(id_again, id_a);
}

static void
test_entries_members_only(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	registry_catalog_entry *entries = NULL;
	size_t count = 0;

	assert_ok(add_zone(f->reg, "b.test", &err), &err);
	assert_ok(add_zone(f->reg, "a.test", &err), &err);
	assert_ok(add_zone(f->reg, "c.test", &err), &err);
	assert_ok(registry_set_zone_catalog(f->reg, "b.test", false, &err),
		&err);
	assert_ok(registry_catalog_entries(f->reg, true, &entries, &count,
		&err), &err);
	assert_int_equal(count, 2);
	assert_string_equal(entries[0].zone, "a.test");
	assert_string_equal(entries[1].zone, "c.test");
	free(entries);
	assert_ok(registry_catalog_entries(f->reg, false, &entries, &count,
		&err), &err);
	assert_int_equal(count, 3);
	assert_false(entries[1].member);
	free(entries);
}

/* ---- the upgrade from schema version 1 -------------------------------- */

static void
test_upgrade_from_v1(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	registry *ro = NULL;
	char id[REGISTRY_CATALOG_ID_MAX];
	bool member = false;

	assert_ok(add_zone(f->reg, "a.test", &err), &err);
	registry_close(f->reg);
	f->reg = NULL;
	/* Back to version 1: what the registry was before the catalog. */
	raw_sql(f->path, TEST_REGISTRY_TO_V1_SQL);

	/* A reader reads it as it is: no catalog, no ids yet. */
	registry_catalog cat;
	registry_catalog_entry *entries = NULL;
	size_t count = 1;
	bool found = true;
	assert_ok(registry_open(f->path, true, &ro, &err), &err);
	assert_ok(registry_catalog_get(ro, &cat, &found, &err), &err);
	assert_false(found);
	assert_ok(registry_catalog_entries(ro, false, &entries, &count, &err),
		&err);
	assert_int_equal(count, 0);
	registry_close(ro);
	/* A writer upgrades it through version 2 to 4; the triggers work. */
	assert_ok(registry_open(f->path, false, &f->reg, &err), &err);
	zone_id(f->reg, "a.test", id, &member);
	assert_int_equal(strlen(id), 16);
	assert_true(member);
	assert_ok(set_catalog(f->reg, CATALOG, &err), &err);
	assert_ok(add_zone(f->reg, "b.test", &err), &err);
	assert_int_equal(catalog_serial(f->reg), (uint32_t)T0 + 1);
	assert_ok(registry_open(f->path, true, &ro, &err), &err);
	registry_close(ro);
}

/* ---- the consistency check --------------------------------------------- */

static void
count_report(void *ctx, const char *problem)
{
	char *last = ctx;

	(void)snprintf(last, KD_ERR_TEXT_MAX, "%s", problem);
}

static void
test_check(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	char last[KD_ERR_TEXT_MAX] = "";
	size_t problems = 99;

	assert_ok(add_zone(f->reg, "a.test", &err), &err);
	assert_ok(add_zone(f->reg, "b.test", &err), &err);
	assert_ok(registry_catalog_check(f->reg, count_report, last, &problems,
		&err), &err);
	assert_int_equal(problems, 0); /* no catalog: nothing to check */
	assert_ok(set_catalog(f->reg, CATALOG, &err), &err);
	assert_ok(registry_catalog_check(f->reg, count_report, last, &problems,
		&err), &err);
	assert_int_equal(problems, 0);

	/* Bad rows: each is a problem, and left out as the module does. */
	raw_sql(f->path, "DROP INDEX zones_by_catalog_id;"
		"UPDATE zones SET catalog_id = 'x_y';"
		"UPDATE catalog_notify SET endpoint = '192.0.2.1 53';");
	assert_ok(registry_catalog_check(f->reg, count_report, last, &problems,
		&err), &err);
	assert_int_equal(problems, 3); /* notify, two bad ids */
	assert_string_equal(last, "catalog zone: table zones (catalog), row "
		"name=\"b.test\": catalog_id \"x_y\" is not 16 lower-case hex "
		"digits (left out of the catalog)");

	/* Rows good alone, not together. */
	raw_sql(f->path, "UPDATE zones SET catalog_id = '0011223344556677';"
		"UPDATE catalog_notify SET endpoint = '192.0.2.1';");
	assert_ok(registry_catalog_check(f->reg, count_report, last, &problems,
		&err), &err);
	assert_int_equal(problems, 1);
	assert_string_equal(last, "catalog zone " CATALOG ": zones a.test and "
		"b.test share the id 0011223344556677");
}

/* ---- the image ---------------------------------------------------------- */

typedef struct collected {
	char text[2048];
} collected;

static kd_result
collect_rr(void *ctx, const char *owner, const char *type, uint32_t ttl,
	const char *rdata)
{
	collected *c = ctx;
	const size_t len = strlen(c->text);

	(void)snprintf(c->text + len, sizeof(c->text) - len, "%s %u %s %s\n",
		owner, ttl, type, rdata);
	return KD_OK;
}

static void
test_image(void **state)
{
	registry_catalog cat;
	registry_catalog_entry entries[3] = {
		{ "a.test", "00112233aabbccdd", true },
		{ "b.test", "0011223344556677", false },
		{ "c.test", "ffeeddccbbaa9988", true },
	};
	zone_image *img = NULL;
	collected out = { "" };
	kd_err err = { "" };

	(void)state;
	memset(&cat, 0, sizeof(cat));
	(void)snprintf(cat.name, sizeof(cat.name), CATALOG);
	cat.serial = 42;
	assert_ok(catalog_image_build(&cat, entries, 3, &img, &err), &err);
	assert_string_equal(zone_image_name(img), CATALOG);
	assert_int_equal(zone_image_serial(img), 42);
	assert_ok(zone_image_foreach(img, collect_rr, &out), &err);
	assert_string_equal(out.text,
		"@ 0 SOA invalid. invalid. 42 600 60 2419200 0\n"
		"@ 0 NS invalid.\n"
		"version 0 TXT \"2\"\n"
		"00112233aabbccdd.zones 0 PTR a.test.\n"
		"ffeeddccbbaa9988.zones 0 PTR c.test.\n");
	/* "zones" exists (empty non-terminal), a non-member does not. */
	const zone_node *node = zone_image_find(img, "zones");
	assert_non_null(node);
	assert_int_equal(node->rr_count, 0);
	assert_null(zone_image_find(img, "0011223344556677.zones"));
	zone_image_free(img);

	/* An id that is not a label is refused, naming the zone. */
	(void)snprintf(entries[2].id, sizeof(entries[2].id), "ff.ee");
	assert_int_equal(catalog_image_build(&cat, entries, 3, &img, &err),
		KD_EINVAL);
	assert_string_equal(err.text, "catalog zone " CATALOG ": zone c.test "
		"has the id \"ff.ee\", which is not a DNS label");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_set_get_unset, setup_open,
			teardown),
		cmocka_unit_test_setup_teardown(test_name_conflicts, setup_open,
			teardown),
		cmocka_unit_test_setup_teardown(test_ids_and_serial, setup_open,
			teardown),
		cmocka_unit_test_setup_teardown(test_entries_members_only,
			setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_from_v1, setup_open,
			teardown),
		cmocka_unit_test_setup_teardown(test_check, setup_open, teardown),
		cmocka_unit_test(test_image),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
