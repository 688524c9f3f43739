/*
 * test_registry.c -- unit tests of the registry (dlz_module/registry_*.c).
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "kd_result.h"
#include "registry.h"
#include "registry_fixture.h"
#include "srv.h"

#define T0 INT64_C(1700000000)
#define ZONE "corp.example.test"

/* A zone with one or two name servers, nothing else. */
typedef struct zone_spec {
	registry_zone zone;
	registry_ns ns[2];
	char ns_addresses[2][REGISTRY_ADDR_MAX];
	char transfer[2][REGISTRY_PREFIX_MAX];
	char notify[2][REGISTRY_ENDPOINT_MAX];
} zone_spec;

static void
zone_spec_init(zone_spec *spec, const char *name)
{
	memset(spec, 0, sizeof(*spec));
	(void)snprintf(spec->zone.name, sizeof(spec->zone.name), "%s", name);
	(void)snprintf(spec->ns[0].name, sizeof(spec->ns[0].name), "ns1.%s",
		name);
	spec->zone.ns = spec->ns;
	spec->zone.ns_count = 1;
	spec->zone.ttl = 3600;
	spec->zone.refresh = 3600;
	spec->zone.retry = 600;
	spec->zone.expire = 1209600;
	spec->zone.minimum = 3600;
}

static void
add_zone(registry *reg, const char *name, int64_t now)
{
	zone_spec spec;
	kd_err err = { "" };

	zone_spec_init(&spec, name);
	assert_ok(registry_add_zone(reg, &spec.zone, now, &err), &err);
}

static registry_host
make_host(const char *zone, const char *target, uint16_t priority,
	uint16_t weight, registry_origin origin)
{
	registry_host host;

	memset(&host, 0, sizeof(host));
	(void)snprintf(host.zone, sizeof(host.zone), "%s", zone);
	(void)snprintf(host.srv.target, sizeof(host.srv.target), "%s", target);
	host.srv.priority = priority;
	host.srv.weight = weight;
	host.srv.port = SRV_KMS_PORT;
	host.srv.ttl = 3600;
	host.origin = origin;
	if (origin == REGISTRY_ORIGIN_UPDATE) {
		(void)snprintf(host.signer, sizeof(host.signer),
			"host/%s@EXAMPLE.TEST", target);
	}
	return host;
}

static registry_address
make_address(const char *zone, const char *name, const char *address,
	registry_origin origin)
{
	registry_address addr;

	memset(&addr, 0, sizeof(addr));
	(void)snprintf(addr.zone, sizeof(addr.zone), "%s", zone);
	(void)snprintf(addr.name, sizeof(addr.name), "%s", name);
	(void)snprintf(addr.address, sizeof(addr.address), "%s", address);
	addr.ttl = 3600;
	addr.origin = origin;
	return addr;
}

static uint32_t
serial_of(registry *reg, const char *zone)
{
	registry_dataset ds;
	kd_err err = { "" };

	assert_ok(registry_load(reg, zone, &ds, &err), &err);
	assert_int_equal(ds.zone_count, 1);
	const uint32_t serial = ds.zones[0].serial;
	registry_dataset_free(&ds);
	return serial;
}

static size_t
host_count_of(registry *reg, const char *zone)
{
	registry_dataset ds;
	kd_err err = { "" };

	assert_ok(registry_load(reg, zone, &ds, &err), &err);
	const size_t count = ds.host_count;
	registry_dataset_free(&ds);
	return count;
}

/* ---- rows the module cannot use (issue 10) ----------------------------- */

/* What a skip handler was told, one line a row. */
typedef struct skip_record {
	char text[4096];
	size_t count;
} skip_record;

static void
record_skip(void *ctx, const registry_skipped_row *row)
{
	skip_record *rec = ctx;
	const size_t used = strlen(rec->text);
	(void)snprintf(rec->text + used, sizeof(rec->text) - used,
		"%s|%s|%s|%s\n", row->zone != NULL ? row->zone : "-",
		row->table, row->key, row->reason);
	rec->count++;
}

/*
 * Bad rows written around the schema's checks: each is skipped with its
 * zone, table, key and reason; good rows and zones load. Without a
 * handler the first bad row fails the load and is named.
 */
static void
test_load_skips_bad_rows(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	registry_dataset ds;
	skip_record rec;
	registry_host good = make_host(ZONE, "kms1.corp.example.test", 0, 0,
		REGISTRY_ORIGIN_STATIC);

	add_zone(f->reg, ZONE, T0);
	add_zone(f->reg, "bad.example.test", T0);
	add_zone(f->reg, "gone.example.test", T0);
	assert_ok(registry_put_host(f->reg, &good, false, T0, &err), &err);
	raw_sql(f->path, "PRAGMA ignore_check_constraints = ON;"
		"PRAGMA foreign_keys = OFF;"
		"INSERT INTO hosts VALUES ('" ZONE "', 0, 0, 1688, 'a b', 60, '',"
		" 'static', '', 0, 0, 'active');"
		"INSERT INTO hosts VALUES ('" ZONE "', 0, 0, 1689,"
		" CAST('x' || char(0) || 'y' AS TEXT), 60, '', 'static', '', 0,"
		" 0, 'active');"
		"INSERT INTO hosts VALUES ('" ZONE "', 0, 0, 1690, '', 60, '',"
		" 'static', '', 0, 0, 'active');"
		"INSERT INTO hosts VALUES ('" ZONE "', 0, 0, 1691, 'kms2.x.test',"
		" 1099511627776, '', 'static', '', 0, 0, 'active');"
		"INSERT INTO hosts VALUES ('" ZONE "', 'abc', 0, 1692,"
		" 'kms3.x.test', 60, '', 'static', '', 0, 0, 'active');"
		"UPDATE zones SET soa_mname = 'bad name'"
		" WHERE name = 'bad.example.test';"
		"INSERT INTO hosts VALUES ('gone.example.test', 0, 0, 1688,"
		" 'kms.gone.test', 60, '', 'static', '', 0, 0, 'active');"
		"DELETE FROM zones WHERE name = 'gone.example.test';");

	/* Strict: the load fails and names the row. */
	assert_int_equal(registry_load(f->reg, NULL, &ds, &err), KD_ESTORE);
	assert_non_null(strstr(err.text, "table "));
	assert_non_null(strstr(err.text, ", row "));

	memset(&rec, 0, sizeof(rec));
	registry_set_skip_handler(f->reg, record_skip, &rec);
	assert_ok(registry_load(f->reg, NULL, &ds, &err), &err);
	assert_int_equal(ds.zone_count, 1);
	assert_string_equal(ds.zones[0].name, ZONE);
	assert_int_equal(ds.host_count, 1);
	assert_string_equal(ds.hosts[0].srv.target, good.srv.target);
	registry_dataset_free(&ds);
	assert_int_equal(rec.count, 8);
	static const char *const expected[] = {
		"-|zone_ns|zone=\"gone.example.test\" name=",
		"bad.example.test|zones|name=\"bad.example.test\"|soa_mname ",
		"-|hosts|zone=\"gone.example.test\" priority=0 weight=0 "
			"port=1688 target=\"kms.gone.test\"|zone "
			"gone.example.test does not exist",
		ZONE "|hosts|zone=\"" ZONE "\" priority=0 weight=0 port=1688 "
			"target=\"a b\"|target ",
		"port=1689 target=\"x\\x00y\"|target \"x...\" holds a NUL byte",
		"port=1690 target=\"\"|target ",
		"|ttl 1099511627776 is out of range 0-2147483647",
		"priority=\"abc\" weight=0 port=1692 target=\"kms3.x.test\"|"
			"priority \"abc\" is not an integer",
	};
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		if (strstr(rec.text, expected[i]) == NULL) {
			fail_msg("no \"%s\" in:\n%s", expected[i], rec.text);
		}
	}

	/* One zone: its bad rows only. */
	memset(&rec, 0, sizeof(rec));
	assert_ok(registry_load(f->reg, ZONE, &ds, &err), &err);
	assert_int_equal(ds.host_count, 1);
	registry_dataset_free(&ds);
	assert_int_equal(rec.count, 5);
}

/*
 * An older file is upgraded when a writer opens it, in one transaction,
 * through every version (2, then 4); a reader reads it as it is; a row the new schema rejects fails the upgrade
 * with the table named and changes nothing.
 */
static void
test_schema_upgrade(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	registry *reg = NULL;
	registry_dataset ds;

	add_zone(f->reg, ZONE, T0);
	registry_close(f->reg);
	f->reg = NULL;
	raw_sql(f->path, TEST_REGISTRY_TO_V1_SQL
		"PRAGMA ignore_check_constraints = ON;"
		"INSERT INTO hosts VALUES ('" ZONE "', 0, 0, 1688, 'a b', 60, '',"
		" 'static', '', 0, 0, 'active');");

	/* A reader reads version 1 and leaves it so. */
	assert_ok(registry_open(f->path, true, &reg, &err), &err);
	registry_close(reg);

	/* The bad row fails the upgrade; nothing changes. */
	assert_int_equal(registry_open(f->path, false, &reg, &err), KD_ESTORE);
	assert_null(reg);
	assert_non_null(strstr(err.text, "cannot upgrade it to schema "
		"version 2: table hosts holds a row the new schema rejects"));
	assert_ok(registry_open(f->path, true, &reg, &err), &err);
	registry_close(reg);

	raw_sql(f->path, "DELETE FROM hosts WHERE target = 'a b'");
	assert_ok(registry_open(f->path, false, &f->reg, &err), &err);
	assert_ok(registry_load(f->reg, NULL, &ds, &err), &err);
	assert_int_equal(ds.zone_count, 1);
	registry_dataset_free(&ds);
	/* Now the current version, the checks of 2 in force, foreign keys
	 * on. */
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "INSERT INTO hosts VALUES ('"
		ZONE "', 0, 0, 1688, 'a b', 60, '', 'static', '', 0, 0,"
		" 'active')", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL,
		NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "INSERT INTO hosts VALUES ("
		"'nozone.test', 0, 0, 1688, 'ab', 60, '', 'static', '', 0, 0,"
		" 'active')", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_stmt *stmt = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE"
		" key = 'schema_version'", -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(stmt, 0), "4");
	sqlite3_finalize(stmt);
	/* Version 4 after version 2 rebuilt the tables: its triggers stay. */
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM"
		" sqlite_master WHERE type = 'trigger' AND tbl_name = 'zones'",
		-1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(stmt, 0), 5);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
}

/* ---- opening --------------------------------------------------------- */

static void
test_create_and_open(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	registry *ro = NULL;
	registry_settings settings;

	assert_string_equal(registry_path(f->reg), f->path);
	assert_ok(registry_get_settings(f->reg, &settings, &err), &err);
	assert_int_equal(settings.stale_after, REGISTRY_DEFAULT_STALE_AFTER);
	assert_int_equal(settings.scavenge_after,
		REGISTRY_DEFAULT_SCAVENGE_AFTER);

	assert_int_equal(registry_create(f->path, &err), KD_EEXIST);
	assert_non_null(strstr(err.text, f->path));
	assert_non_null(strstr(err.text, "already exists"));

	assert_ok(registry_open(f->path, true, &ro, &err), &err);
	zone_spec spec;
	zone_spec_init(&spec, ZONE);
	assert_int_equal(registry_add_zone(ro, &spec.zone, T0, &err),
		KD_EPERM);
	assert_non_null(strstr(err.text, "read-only"));
	registry_close(ro);
	registry_close(NULL);
}

static void
test_create_on_empty_file(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	FILE *fp = fopen(f->path, "w");

	assert_non_null(fp);
	(void)fclose(fp);
	assert_ok(registry_create(f->path, &err), &err);
	assert_ok(registry_open(f->path, false, &f->reg, &err), &err);
}

static void
test_open_missing(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	registry *reg = (registry *)&err;
	struct stat st;

	assert_int_equal(registry_open(f->path, false, &reg, &err), KD_ENOENT);
	assert_null(reg);
	char want[256];
	(void)snprintf(want, sizeof(want), "registry %s does not exist",
		f->path);
	assert_string_equal(err.text, want);
	/* Opening never creates the file. */
	assert_int_not_equal(stat(f->path, &st), 0);
	assert_int_equal(registry_open(f->path, true, &reg, &err), KD_ENOENT);
}

static void
test_open_not_registry(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	registry *reg = NULL;
	struct stat before, after;

	/* A text file. */
	FILE *fp = fopen(f->path, "w");
	assert_non_null(fp);
	fputs("this is not a database, it is a text file of some length\n",
		fp);
	(void)fclose(fp);
	assert_int_equal(stat(f->path, &before), 0);
	assert_int_equal(registry_open(f->path, false, &reg, &err),
		KD_ESTORE);
	assert_null(reg);
	assert_non_null(strstr(err.text, f->path));
	assert_non_null(strstr(err.text, "not a kmsdns registry"));
	assert_int_equal(stat(f->path, &after), 0);
	assert_int_equal(before.st_size, after.st_size);

	/* An empty file. */
	fp = fopen(f->path, "w");
	assert_non_null(fp);
	(void)fclose(fp);
	assert_int_equal(registry_open(f->path, true, &reg, &err), KD_ESTORE);
	assert_non_null(strstr(err.text, "not a kmsdns registry"));
	assert_int_equal(stat(f->path, &after), 0);
	assert_int_equal(after.st_size, 0);

	/* Another SQLite database. */
	tmp_registry_remove_db(f->path);
	raw_sql(f->path, "CREATE TABLE t (x INTEGER)");
	assert_int_equal(registry_open(f->path, false, &reg, &err),
		KD_ESTORE);
	assert_non_null(strstr(err.text, "not a kmsdns registry"));

	/* A directory. */
	assert_int_equal(registry_open(f->dir, false, &reg, &err), KD_ESTORE);
}

static void
test_open_wrong_schema(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	registry *reg = NULL;
	char want[256];

	raw_sql(f->path, "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
		"INSERT INTO meta VALUES ('schema_version', '7');");
	assert_int_equal(registry_open(f->path, false, &reg, &err),
		KD_ESCHEMA);
	assert_null(reg);
	(void)snprintf(want, sizeof(want), "registry %s: schema version 7 is "
		"not supported (this kmsdns reads version %d)", f->path,
		REGISTRY_SCHEMA_VERSION);
	assert_string_equal(err.text, want);

	/* A meta table without a version. */
	tmp_registry_remove_db(f->path);
	raw_sql(f->path, "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)");
	assert_int_equal(registry_open(f->path, false, &reg, &err),
		KD_ESTORE);
	assert_non_null(strstr(err.text, "not a kmsdns registry"));
}

/* ---- zones ----------------------------------------------------------- */

static void
test_zone_add_load_remove(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	zone_spec spec;
	registry_dataset ds;

	zone_spec_init(&spec, "Corp.Example.Test.");
	(void)snprintf(spec.ns[1].name, sizeof(spec.ns[1].name),
		"ns.provider.test");
	spec.zone.ns_count = 2;
	(void)snprintf(spec.ns_addresses[0], REGISTRY_ADDR_MAX,
		"2001:DB8:0::53");
	spec.ns[0].addresses = spec.ns_addresses;
	spec.ns[0].address_count = 1;
	(void)snprintf(spec.transfer[0], REGISTRY_PREFIX_MAX, "192.0.2.0/24");
	(void)snprintf(spec.transfer[1], REGISTRY_PREFIX_MAX, "2001:db8::7");
	spec.zone.peers.allow_transfer = spec.transfer;
	spec.zone.peers.allow_transfer_count = 2;
	(void)snprintf(spec.notify[0], REGISTRY_ENDPOINT_MAX, "192.0.2.7");
	(void)snprintf(spec.notify[1], REGISTRY_ENDPOINT_MAX,
		"2001:db8::7#5353");
	spec.zone.peers.notify = spec.notify;
	spec.zone.peers.notify_count = 2;
	assert_ok(registry_add_zone(f->reg, &spec.zone, T0, &err), &err);

	assert_ok(registry_load(f->reg, NULL, &ds, &err), &err);
	assert_int_equal(ds.zone_count, 1);
	const registry_zone *z = &ds.zones[0];
	assert_string_equal(z->name, ZONE);
	assert_string_equal(z->soa_mname, "ns1.corp.example.test");
	assert_string_equal(z->soa_rname, "hostmaster.corp.example.test");
	assert_int_equal(z->serial, (uint32_t)T0);
	assert_int_equal(z->ttl, 3600);
	assert_int_equal(z->refresh, 3600);
	assert_int_equal(z->retry, 600);
	assert_int_equal(z->expire, 1209600);
	assert_int_equal(z->minimum, 3600);
	assert_int_equal(z->ns_count, 2);
	assert_string_equal(z->ns[0].name, "ns1.corp.example.test");
	assert_int_equal(z->ns[0].address_count, 1);
	assert_string_equal(z->ns[0].addresses[0], "2001:db8::53");
	assert_string_equal(z->ns[1].name, "ns.provider.test");
	assert_int_equal(z->ns[1].address_count, 0);
	assert_int_equal(z->peers.allow_transfer_count, 2);
	assert_string_equal(z->peers.allow_transfer[0], "192.0.2.0/24");
	assert_string_equal(z->peers.allow_transfer[1], "2001:db8::7/128");
	assert_int_equal(z->peers.notify_count, 2);
	assert_string_equal(z->peers.notify[0], "192.0.2.7#53");
	assert_string_equal(z->peers.notify[1], "2001:db8::7#5353");
	registry_dataset_free(&ds);

	assert_int_equal(registry_add_zone(f->reg, &spec.zone, T0, &err),
		KD_EEXIST);
	assert_string_equal(err.text, "zone corp.example.test already exists");

	assert_ok(registry_remove_zone(f->reg, ZONE ".", &err), &err);
	assert_int_equal(registry_remove_zone(f->reg, ZONE, &err), KD_ENOENT);
	assert_string_equal(err.text, "zone corp.example.test does not exist");
	assert_int_equal(registry_load(f->reg, ZONE, &ds, &err), KD_ENOENT);
	assert_string_equal(err.text, "zone corp.example.test does not exist");
}

static void
test_zone_add_invalid(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	zone_spec spec;

	zone_spec_init(&spec, ZONE);
	spec.zone.ns_count = 0;
	assert_int_equal(registry_add_zone(f->reg, &spec.zone, T0, &err),
		KD_EINVAL);
	assert_string_equal(err.text,
		"zone corp.example.test needs at least one name server");

	zone_spec_init(&spec, "bad..zone");
	assert_int_equal(registry_add_zone(f->reg, &spec.zone, T0, &err),
		KD_EINVAL);
	assert_non_null(strstr(err.text, "zone \"bad..zone\""));

	/* Glue for a name server outside the zone cannot be served. */
	zone_spec_init(&spec, ZONE);
	(void)snprintf(spec.ns[0].name, sizeof(spec.ns[0].name),
		"ns1.other.test");
	(void)snprintf(spec.ns_addresses[0], REGISTRY_ADDR_MAX, "192.0.2.1");
	spec.ns[0].addresses = spec.ns_addresses;
	spec.ns[0].address_count = 1;
	assert_int_equal(registry_add_zone(f->reg, &spec.zone, T0, &err),
		KD_EINVAL);
	assert_string_equal(err.text, "address of ns1.other.test cannot be "
		"served in zone corp.example.test");

	zone_spec_init(&spec, ZONE);
	(void)snprintf(spec.transfer[0], REGISTRY_PREFIX_MAX, "10.1.2.0/16");
	spec.zone.peers.allow_transfer = spec.transfer;
	spec.zone.peers.allow_transfer_count = 1;
	assert_int_equal(registry_add_zone(f->reg, &spec.zone, T0, &err),
		KD_EINVAL);
	assert_non_null(strstr(err.text, "10.1.2.0/16"));

	zone_spec_init(&spec, ZONE);
	(void)snprintf(spec.notify[0], REGISTRY_ENDPOINT_MAX, "192.0.2.1#0");
	spec.zone.peers.notify = spec.notify;
	spec.zone.peers.notify_count = 1;
	assert_int_equal(registry_add_zone(f->reg, &spec.zone, T0, &err),
		KD_EINVAL);
	assert_non_null(strstr(err.text, "has a port out of range 1-65535"));

	zone_spec_init(&spec, ZONE);
	spec.zone.ttl = UINT32_C(2147483648);
	assert_int_equal(registry_add_zone(f->reg, &spec.zone, T0, &err),
		KD_ERANGE);
	assert_non_null(strstr(err.text, "2147483648 is out of range"));

	/* None of the failures left anything behind. */
	registry_dataset ds;
	assert_ok(registry_load(f->reg, NULL, &ds, &err), &err);
	assert_int_equal(ds.zone_count, 0);
	registry_dataset_free(&ds);

	/* Serial of a zone added at time 0 is 1, never 0. */
	add_zone(f->reg, ZONE, 0);
	assert_int_equal(serial_of(f->reg, ZONE), 1);
}

/* ---- serials --------------------------------------------------------- */

static void
test_serial_bumps(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	uint32_t serial = (uint32_t)T0;
	registry_host host = make_host(ZONE, "kms1." ZONE, 0, 0,
		REGISTRY_ORIGIN_UPDATE);
	registry_address addr = make_address(ZONE, "kms1." ZONE, "192.0.2.10",
		REGISTRY_ORIGIN_UPDATE);

	add_zone(f->reg, ZONE, T0);
	add_zone(f->reg, "other.example.test", T0);
	assert_int_equal(serial_of(f->reg, ZONE), serial);

	assert_ok(registry_put_host(f->reg, &host, false, T0 + 1, &err), &err);
	assert_int_equal(serial_of(f->reg, ZONE), ++serial);
	/* A refresh that changes nothing served keeps the serial. */
	assert_ok(registry_put_host(f->reg, &host, false, T0 + 2, &err), &err);
	assert_int_equal(serial_of(f->reg, ZONE), serial);
	host.srv.ttl = 600;
	assert_ok(registry_put_host(f->reg, &host, false, T0 + 3, &err), &err);
	assert_int_equal(serial_of(f->reg, ZONE), ++serial);

	assert_ok(registry_put_address(f->reg, &addr, T0, &err), &err);
	assert_int_equal(serial_of(f->reg, ZONE), ++serial);
	assert_ok(registry_put_address(f->reg, &addr, T0 + 5, &err), &err);
	assert_int_equal(serial_of(f->reg, ZONE), serial);

	assert_ok(registry_remove_address(f->reg, ZONE, "kms1." ZONE,
		"192.0.2.10", &err), &err);
	assert_int_equal(serial_of(f->reg, ZONE), ++serial);
	assert_ok(registry_remove_srv(f->reg, ZONE, &host.srv, &err), &err);
	assert_int_equal(serial_of(f->reg, ZONE), ++serial);

	assert_ok(registry_put_host(f->reg, &host, false, T0, &err), &err);
	assert_int_equal(serial_of(f->reg, ZONE), ++serial);
	assert_ok(registry_remove_target(f->reg, ZONE, "kms1." ZONE, &err),
		&err);
	assert_int_equal(serial_of(f->reg, ZONE), ++serial);
	/* Removing nothing changes nothing. */
	assert_ok(registry_remove_target(f->reg, ZONE, "kms1." ZONE, &err),
		&err);
	assert_int_equal(serial_of(f->reg, ZONE), serial);

	/* The other zone never moved. */
	assert_int_equal(serial_of(f->reg, "other.example.test"),
		(uint32_t)T0);

	/* One transaction, several changes: one increment. */
	assert_ok(registry_begin(f->reg, &err), &err);
	assert_ok(registry_put_host(f->reg, &host, false, T0, &err), &err);
	registry_host second = make_host(ZONE, "kms2." ZONE, 0, 0,
		REGISTRY_ORIGIN_STATIC);
	assert_ok(registry_put_host(f->reg, &second, false, T0, &err), &err);
	assert_ok(registry_commit(f->reg, &err), &err);
	assert_int_equal(serial_of(f->reg, ZONE), ++serial);

	/* Explicit serials, and the wrap that skips 0. */
	assert_ok(registry_set_serial(f->reg, ZONE, UINT32_MAX, &err), &err);
	assert_int_equal(serial_of(f->reg, ZONE), UINT32_MAX);
	assert_ok(registry_remove_srv(f->reg, ZONE, &second.srv, &err), &err);
	assert_int_equal(serial_of(f->reg, ZONE), 1);
	assert_int_equal(registry_set_serial(f->reg, "nowhere.test", 5, &err),
		KD_ENOENT);
	assert_string_equal(err.text, "zone nowhere.test does not exist");
}

/* ---- SRV registrations ---------------------------------------------- */

static void
test_host_put_refresh_remove(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	registry_dataset ds;
	registry_host host = make_host("CORP.example.test.",
		"KMS1.corp.example.test.", 10, 20, REGISTRY_ORIGIN_UPDATE);

	add_zone(f->reg, ZONE, T0);
	assert_ok(registry_put_host(f->reg, &host, false, T0 + 10, &err),
		&err);
	(void)snprintf(host.signer, sizeof(host.signer), "KMS1$@EXAMPLE.TEST");
	assert_ok(registry_put_host(f->reg, &host, false, T0 + 20, &err),
		&err);

	assert_ok(registry_load(f->reg, ZONE, &ds, &err), &err);
	assert_int_equal(ds.host_count, 1);
	const registry_host *h = &ds.hosts[0];
	assert_string_equal(h->zone, ZONE);
	assert_string_equal(h->srv.target, "kms1.corp.example.test");
	assert_int_equal(h->srv.priority, 10);
	assert_int_equal(h->srv.weight, 20);
	assert_int_equal(h->srv.port, 1688);
	assert_int_equal(h->srv.ttl, 3600);
	assert_int_equal(h->origin, REGISTRY_ORIGIN_UPDATE);
	assert_string_equal(h->signer, "KMS1$@EXAMPLE.TEST");
	assert_int_equal(h->created, T0 + 10);
	assert_int_equal(h->refreshed, T0 + 20);
	assert_int_equal(h->state, REGISTRY_STATE_ACTIVE);
	assert_string_equal(h->site, "");
	registry_dataset_free(&ds);

	/* Another rdata of the same target is another registration... */
	registry_host other = host;
	other.srv.priority = 5;
	assert_ok(registry_put_host(f->reg, &other, false, T0, &err), &err);
	assert_int_equal(host_count_of(f->reg, ZONE), 2);
	/* ...unless the target is replaced (same port only). */
	registry_host other_port = host;
	other_port.srv.port = 1689;
	assert_ok(registry_put_host(f->reg, &other_port, false, T0, &err),
		&err);
	assert_int_equal(host_count_of(f->reg, ZONE), 3);
	registry_host replacement = make_host(ZONE, "kms1." ZONE, 1, 1,
		REGISTRY_ORIGIN_STATIC);
	assert_ok(registry_put_host(f->reg, &replacement, true, T0, &err),
		&err);
	assert_ok(registry_load(f->reg, ZONE, &ds, &err), &err);
	assert_int_equal(ds.host_count, 2);
	assert_int_equal(ds.hosts[0].srv.priority, 1);
	assert_int_equal(ds.hosts[0].origin, REGISTRY_ORIGIN_STATIC);
	assert_int_equal(ds.hosts[1].srv.port, 1689);
	registry_dataset_free(&ds);

	/* A dynamic refresh of a static registration leaves it static. */
	registry_host dynamic = replacement;
	dynamic.origin = REGISTRY_ORIGIN_UPDATE;
	assert_ok(registry_put_host(f->reg, &dynamic, false, T0 + 5, &err),
		&err);
	assert_ok(registry_load(f->reg, ZONE, &ds, &err), &err);
	assert_int_equal(ds.hosts[0].origin, REGISTRY_ORIGIN_STATIC);
	registry_dataset_free(&ds);

	assert_ok(registry_remove_srv(f->reg, ZONE, &other_port.srv, &err),
		&err);
	assert_int_equal(registry_remove_srv(f->reg, ZONE, &other_port.srv,
		&err), KD_ENOENT);
	assert_string_equal(err.text, "zone corp.example.test has no SRV "
		"registration 10 20 1689 kms1.corp.example.test");

	/* Unknown zone, unknown site, bad target, bad TTL. */
	registry_host bad = make_host("nowhere.test", "kms1.nowhere.test", 0,
		0, REGISTRY_ORIGIN_STATIC);
	assert_int_equal(registry_put_host(f->reg, &bad, false, T0, &err),
		KD_ENOENT);
	assert_string_equal(err.text, "zone nowhere.test does not exist");
	bad = make_host(ZONE, "kms9." ZONE, 0, 0, REGISTRY_ORIGIN_STATIC);
	(void)snprintf(bad.site, sizeof(bad.site), "branch");
	assert_int_equal(registry_put_host(f->reg, &bad, false, T0, &err),
		KD_ENOENT);
	assert_string_equal(err.text, "site branch does not exist");
	bad = make_host(ZONE, "_kms." ZONE, 0, 0, REGISTRY_ORIGIN_STATIC);
	assert_int_equal(registry_put_host(f->reg, &bad, false, T0, &err),
		KD_EINVAL);
	assert_non_null(strstr(err.text, "target \"_kms.corp.example.test\""));
	bad = make_host(ZONE, "kms9." ZONE, 0, 0, REGISTRY_ORIGIN_STATIC);
	bad.srv.ttl = UINT32_MAX;
	assert_int_equal(registry_put_host(f->reg, &bad, false, T0, &err),
		KD_ERANGE);
	assert_int_equal(host_count_of(f->reg, ZONE), 1);
}

static void
test_address_in_zone(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	registry_dataset ds;

	add_zone(f->reg, ZONE, T0);
	registry_address addr = make_address(ZONE, "kms1.other.test",
		"192.0.2.10", REGISTRY_ORIGIN_STATIC);
	assert_int_equal(registry_put_address(f->reg, &addr, T0, &err),
		KD_EINVAL);
	assert_string_equal(err.text, "address of kms1.other.test cannot be "
		"served in zone corp.example.test");

	addr = make_address(ZONE, "kms1." ZONE, "192.0.2.300",
		REGISTRY_ORIGIN_STATIC);
	assert_int_equal(registry_put_address(f->reg, &addr, T0, &err),
		KD_EINVAL);
	assert_string_equal(err.text,
		"\"192.0.2.300\" is not an IPv4 or IPv6 address");

	addr = make_address(ZONE, "KMS1." ZONE, "2001:DB8:0:0::10",
		REGISTRY_ORIGIN_STATIC);
	assert_ok(registry_put_address(f->reg, &addr, T0, &err), &err);
	addr = make_address(ZONE, "kms1." ZONE, "192.0.2.10",
		REGISTRY_ORIGIN_STATIC);
	assert_ok(registry_put_address(f->reg, &addr, T0, &err), &err);
	assert_ok(registry_load(f->reg, ZONE, &ds, &err), &err);
	assert_int_equal(ds.address_count, 2);
	assert_string_equal(ds.addresses[0].name, "kms1." ZONE);
	assert_string_equal(ds.addresses[0].address, "192.0.2.10");
	assert_string_equal(ds.addresses[1].address, "2001:db8::10");
	registry_dataset_free(&ds);

	assert_int_equal(registry_remove_address(f->reg, ZONE, "kms1." ZONE,
		"192.0.2.11", &err), KD_ENOENT);
	assert_string_equal(err.text, "zone corp.example.test has no address "
		"192.0.2.11 for kms1.corp.example.test");
}

/* A TTL set changes the TTL and the serial, nothing else of the row. */
static void
test_set_ttl(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	registry_dataset ds;
	registry_host host = make_host(ZONE, "kms1." ZONE, 0, 0,
		REGISTRY_ORIGIN_STATIC);
	registry_address addr = make_address(ZONE, "kms1." ZONE, "192.0.2.10",
		REGISTRY_ORIGIN_STATIC);

	add_zone(f->reg, ZONE, T0);
	assert_ok(registry_put_host(f->reg, &host, false, T0 + 10, &err),
		&err);
	assert_ok(registry_put_address(f->reg, &addr, T0 + 10, &err), &err);
	const uint32_t serial = serial_of(f->reg, ZONE);
	assert_ok(registry_set_host_ttl(f->reg, ZONE, &host.srv, 600, &err),
		&err);
	assert_int_equal(serial_of(f->reg, ZONE), serial + 1);
	assert_ok(registry_set_address_ttl(f->reg, ZONE, "KMS1." ZONE ".",
		"192.0.2.10", 600, &err), &err);
	assert_int_equal(serial_of(f->reg, ZONE), serial + 2);
	/* The same TTL again changes nothing, not even the serial. */
	assert_ok(registry_set_host_ttl(f->reg, ZONE, &host.srv, 600, &err),
		&err);
	assert_ok(registry_set_address_ttl(f->reg, ZONE, "kms1." ZONE,
		"192.0.2.10", 600, &err), &err);
	assert_int_equal(serial_of(f->reg, ZONE), serial + 2);

	assert_ok(registry_load(f->reg, ZONE, &ds, &err), &err);
	assert_int_equal(ds.host_count, 1);
	assert_int_equal(ds.hosts[0].srv.ttl, 600);
	assert_int_equal(ds.hosts[0].origin, REGISTRY_ORIGIN_STATIC);
	assert_string_equal(ds.hosts[0].signer, host.signer);
	assert_int_equal(ds.hosts[0].created, T0 + 10);
	assert_int_equal(ds.hosts[0].refreshed, T0 + 10);
	assert_int_equal(ds.address_count, 1);
	assert_int_equal(ds.addresses[0].ttl, 600);
	assert_int_equal(ds.addresses[0].origin, REGISTRY_ORIGIN_STATIC);
	assert_int_equal(ds.addresses[0].refreshed, T0 + 10);
	registry_dataset_free(&ds);

	registry_host other = host;
	other.srv.port = 1689;
	assert_int_equal(registry_set_host_ttl(f->reg, ZONE, &other.srv, 600,
		&err), KD_ENOENT);
	assert_string_equal(err.text, "zone corp.example.test has no SRV "
		"registration 0 0 1689 kms1.corp.example.test");
	assert_int_equal(registry_set_address_ttl(f->reg, ZONE, "kms1." ZONE,
		"192.0.2.11", 600, &err), KD_ENOENT);
	assert_string_equal(err.text, "zone corp.example.test has no address "
		"192.0.2.11 for kms1.corp.example.test");
	assert_int_equal(registry_set_host_ttl(f->reg, ZONE, &host.srv,
		UINT32_MAX, &err), KD_ERANGE);
	assert_int_equal(serial_of(f->reg, ZONE), serial + 2);
}

/* ---- grants, sites, settings ---------------------------------------- */

static void
test_grants(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	registry_dataset ds;
	registry_grant grant;

	add_zone(f->reg, ZONE, T0);
	add_zone(f->reg, "a.example.test", T0);
	memset(&grant, 0, sizeof(grant));
	(void)snprintf(grant.identity, sizeof(grant.identity),
		"host/kms1.corp.example.test@EXAMPLE.TEST");
	(void)snprintf(grant.zone, sizeof(grant.zone), "%s", ZONE);
	grant.scope = REGISTRY_SCOPE_SELF;
	assert_ok(registry_add_grant(f->reg, &grant, &err), &err);
	grant.scope = REGISTRY_SCOPE_ANY;
	assert_ok(registry_add_grant(f->reg, &grant, &err), &err);
	(void)snprintf(grant.identity, sizeof(grant.identity),
		"KMS-Update-Key.");
	grant.scope = REGISTRY_SCOPE_SELF;
	(void)snprintf(grant.zone, sizeof(grant.zone), "a.example.test");
	assert_ok(registry_add_grant(f->reg, &grant, &err), &err);

	assert_ok(registry_load(f->reg, NULL, &ds, &err), &err);
	assert_int_equal(ds.grant_count, 2);
	assert_string_equal(ds.grants[0].zone, "a.example.test");
	assert_string_equal(ds.grants[0].identity, "kms-update-key");
	assert_int_equal(ds.grants[0].scope, REGISTRY_SCOPE_SELF);
	assert_string_equal(ds.grants[1].identity,
		"host/kms1.corp.example.test@EXAMPLE.TEST");
	assert_int_equal(ds.grants[1].scope, REGISTRY_SCOPE_ANY);
	registry_dataset_free(&ds);

	/* One zone's load holds only its grants. */
	assert_ok(registry_load(f->reg, ZONE, &ds, &err), &err);
	assert_int_equal(ds.grant_count, 1);
	registry_dataset_free(&ds);

	assert_ok(registry_revoke(f->reg, "kms-update-key", "a.example.test",
		&err), &err);
	assert_int_equal(registry_revoke(f->reg, "kms-update-key",
		"a.example.test", &err), KD_ENOENT);
	assert_string_equal(err.text,
		"kms-update-key has no grant in zone a.example.test");

	(void)snprintf(grant.identity, sizeof(grant.identity), "host/@R");
	assert_int_equal(registry_add_grant(f->reg, &grant, &err), KD_EINVAL);
	(void)snprintf(grant.identity, sizeof(grant.identity), "*@EXAMPLE.TEST");
	(void)snprintf(grant.zone, sizeof(grant.zone), "nowhere.test");
	assert_int_equal(registry_add_grant(f->reg, &grant, &err), KD_ENOENT);
	assert_string_equal(err.text, "zone nowhere.test does not exist");

	/* Grants go with their zone. */
	assert_ok(registry_remove_zone(f->reg, ZONE, &err), &err);
	assert_ok(registry_load(f->reg, NULL, &ds, &err), &err);
	assert_int_equal(ds.grant_count, 0);
	registry_dataset_free(&ds);
}

static void
test_sites(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	registry_dataset ds;

	add_zone(f->reg, ZONE, T0);
	assert_ok(registry_add_site_prefix(f->reg, "hq", "10.1.0.0/16", &err),
		&err);
	assert_ok(registry_add_site_prefix(f->reg, "hq", "2001:DB8:1::/48",
		&err), &err);
	assert_ok(registry_add_site_prefix(f->reg, "hq", "10.1.0.0/16", &err),
		&err);
	assert_ok(registry_add_site_prefix(f->reg, "branch-1", "10.2.0.0/16",
		&err), &err);
	assert_int_equal(registry_add_site_prefix(f->reg, "branch-1",
		"10.1.0.0/16", &err), KD_EEXIST);
	assert_string_equal(err.text,
		"prefix 10.1.0.0/16 already belongs to site hq");
	assert_int_equal(registry_add_site_prefix(f->reg, "hq", "10.3.0.1/16",
		&err), KD_EINVAL);
	assert_int_equal(registry_add_site_prefix(f->reg, "h q", "10.3.0.0/16",
		&err), KD_EINVAL);
	assert_non_null(strstr(err.text, "site \"h q\""));

	registry_host host = make_host(ZONE, "kms1." ZONE, 0, 0,
		REGISTRY_ORIGIN_STATIC);
	(void)snprintf(host.site, sizeof(host.site), "hq");
	assert_ok(registry_put_host(f->reg, &host, false, T0, &err), &err);

	assert_ok(registry_load(f->reg, NULL, &ds, &err), &err);
	assert_int_equal(ds.site_count, 3);
	assert_string_equal(ds.sites[0].site, "branch-1");
	assert_string_equal(ds.sites[1].site, "hq");
	assert_string_equal(ds.sites[1].prefix, "10.1.0.0/16");
	assert_string_equal(ds.sites[2].prefix, "2001:db8:1::/48");
	assert_string_equal(ds.hosts[0].site, "hq");
	registry_dataset_free(&ds);

	const uint32_t serial = serial_of(f->reg, ZONE);
	assert_ok(registry_remove_site(f->reg, "hq", &err), &err);
	assert_int_equal(registry_remove_site(f->reg, "hq", &err), KD_ENOENT);
	assert_string_equal(err.text, "site hq does not exist");
	assert_ok(registry_load(f->reg, NULL, &ds, &err), &err);
	assert_int_equal(ds.site_count, 1);
	assert_string_equal(ds.hosts[0].site, "");
	registry_dataset_free(&ds);
	/* Sites order answers; they do not change zone data. */
	assert_int_equal(serial_of(f->reg, ZONE), serial);
}

static void
test_settings(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	registry_settings settings = { .stale_after = 3600, .scavenge_after = 7200 };
	registry_settings got;

	assert_ok(registry_set_settings(f->reg, &settings, &err), &err);
	assert_ok(registry_get_settings(f->reg, &got, &err), &err);
	assert_int_equal(got.stale_after, 3600);
	assert_int_equal(got.scavenge_after, 7200);

	settings.scavenge_after = 1800;
	assert_int_equal(registry_set_settings(f->reg, &settings, &err),
		KD_EINVAL);
	assert_string_equal(err.text,
		"scavenge-after 30m is shorter than stale-after 1h");
	settings.stale_after = 0;
	assert_int_equal(registry_set_settings(f->reg, &settings, &err),
		KD_ERANGE);
	assert_ok(registry_get_settings(f->reg, &got, &err), &err);
	assert_int_equal(got.stale_after, 3600);

	/* Settings survive reopening. */
	registry_close(f->reg);
	assert_ok(registry_open(f->path, true, &f->reg, &err), &err);
	assert_ok(registry_get_settings(f->reg, &got, &err), &err);
	assert_int_equal(got.scavenge_after, 7200);
}

/* ---- freshness ------------------------------------------------------- */

static void
test_state_at(void **state)
{
	const registry_settings s = { .stale_after = 100, .scavenge_after = 1000 };

	(void)state;
	assert_int_equal(registry_state_at(&s, REGISTRY_ORIGIN_STATIC, 0,
		INT64_MAX), REGISTRY_STATE_ACTIVE);
	assert_int_equal(registry_state_at(&s, REGISTRY_ORIGIN_UPDATE, T0,
		T0), REGISTRY_STATE_ACTIVE);
	assert_int_equal(registry_state_at(&s, REGISTRY_ORIGIN_UPDATE, T0,
		T0 + 99), REGISTRY_STATE_ACTIVE);
	assert_int_equal(registry_state_at(&s, REGISTRY_ORIGIN_UPDATE, T0,
		T0 + 100), REGISTRY_STATE_STALE);
	assert_int_equal(registry_state_at(&s, REGISTRY_ORIGIN_UPDATE, T0,
		T0 + 999), REGISTRY_STATE_STALE);
	assert_int_equal(registry_state_at(&s, REGISTRY_ORIGIN_UPDATE, T0,
		T0 + 1000), REGISTRY_STATE_EXPIRED);
	/* Refreshed in the future (clock skew): active. */
	assert_int_equal(registry_state_at(&s, REGISTRY_ORIGIN_UPDATE, T0 + 50,
		T0), REGISTRY_STATE_ACTIVE);
	/* Extremes do not overflow. */
	assert_int_equal(registry_state_at(&s, REGISTRY_ORIGIN_UPDATE,
		INT64_MIN, INT64_MAX), REGISTRY_STATE_EXPIRED);

	assert_string_equal(registry_state_name(REGISTRY_STATE_STALE),
		"stale");
	assert_string_equal(registry_origin_name(REGISTRY_ORIGIN_UPDATE),
		"update");
	registry_scope scope;
	assert_int_equal(registry_scope_from_name("any", &scope), KD_OK);
	assert_int_equal(scope, REGISTRY_SCOPE_ANY);
	assert_string_equal(registry_scope_name(scope), "any");
	assert_int_equal(registry_scope_from_name("all", &scope), KD_EINVAL);
}

typedef struct report_log {
	size_t stale;
	size_t expired;
	size_t addresses;
	char last_rdata[DNAME_BUF_SIZE + 32];
} report_log;

/* Count the SRV registrations by new state, the addresses in all. */
static void
report_aged(void *ctx, const registry_aged *aged)
{
	report_log *log = ctx;

	if (strcmp(aged->type, "SRV") != 0) {
		log->addresses++;
		return;
	}
	if (aged->state == REGISTRY_STATE_STALE) {
		log->stale++;
	} else if (aged->state == REGISTRY_STATE_EXPIRED) {
		log->expired++;
	}
	(void)snprintf(log->last_rdata, sizeof(log->last_rdata), "%s",
		aged->rdata);
}

static void
test_age(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	const registry_settings settings = { .stale_after = 100, .scavenge_after = 1000 };
	registry_dataset ds;
	report_log log;
	size_t changed = 99;

	assert_ok(registry_set_settings(f->reg, &settings, &err), &err);
	add_zone(f->reg, ZONE, T0);
	add_zone(f->reg, "quiet.example.test", T0);
	registry_host dynamic = make_host(ZONE, "kms1." ZONE, 0, 0,
		REGISTRY_ORIGIN_UPDATE);
	registry_host fixed = make_host(ZONE, "kms2." ZONE, 0, 0,
		REGISTRY_ORIGIN_STATIC);
	registry_address addr = make_address(ZONE, "kms1." ZONE, "192.0.2.10",
		REGISTRY_ORIGIN_UPDATE);
	assert_ok(registry_put_host(f->reg, &dynamic, false, T0, &err), &err);
	assert_ok(registry_put_host(f->reg, &fixed, false, T0, &err), &err);
	assert_ok(registry_put_address(f->reg, &addr, T0, &err), &err);
	uint32_t serial = serial_of(f->reg, ZONE);

	/* Just before stale-after: nothing. */
	memset(&log, 0, sizeof(log));
	assert_ok(registry_age(f->reg, T0 + 99, false, report_aged, &log,
		&changed, &err), &err);
	assert_int_equal(changed, 0);
	assert_int_equal(log.stale, 0);
	assert_int_equal(serial_of(f->reg, ZONE), serial);

	/* At stale-after: stale, reported, serial bumped once. */
	assert_ok(registry_age(f->reg, T0 + 100, false, report_aged, &log,
		&changed, &err), &err);
	assert_int_equal(changed, 1);
	assert_int_equal(log.stale, 1);
	assert_int_equal(log.addresses, 1);
	assert_string_equal(log.last_rdata, "0 0 1688 kms1." ZONE ".");
	assert_int_equal(serial_of(f->reg, ZONE), ++serial);
	assert_int_equal(serial_of(f->reg, "quiet.example.test"),
		(uint32_t)T0);
	assert_ok(registry_load(f->reg, ZONE, &ds, &err), &err);
	assert_int_equal(ds.hosts[0].state, REGISTRY_STATE_STALE);
	assert_int_equal(ds.hosts[1].state, REGISTRY_STATE_ACTIVE);
	assert_int_equal(ds.addresses[0].state, REGISTRY_STATE_STALE);
	registry_dataset_free(&ds);

	/* Nothing new later on: no report, no bump. */
	memset(&log, 0, sizeof(log));
	assert_ok(registry_age(f->reg, T0 + 500, false, report_aged, &log,
		&changed, &err), &err);
	assert_int_equal(changed, 0);
	assert_int_equal(log.stale, 0);
	assert_int_equal(serial_of(f->reg, ZONE), serial);

	/* Dry run past scavenge-after: reported, nothing written. */
	assert_ok(registry_age(f->reg, T0 + 1000, true, report_aged, &log,
		&changed, &err), &err);
	assert_int_equal(changed, 1);
	assert_int_equal(log.expired, 1);
	assert_int_equal(host_count_of(f->reg, ZONE), 2);
	assert_int_equal(serial_of(f->reg, ZONE), serial);

	/* The real run deletes the expired ones and bumps. */
	memset(&log, 0, sizeof(log));
	assert_ok(registry_age(f->reg, T0 + 1000, false, report_aged, &log,
		&changed, &err), &err);
	assert_int_equal(changed, 1);
	assert_int_equal(log.expired, 1);
	assert_int_equal(log.addresses, 1);
	assert_ok(registry_load(f->reg, ZONE, &ds, &err), &err);
	assert_int_equal(ds.host_count, 1);
	assert_string_equal(ds.hosts[0].srv.target, "kms2." ZONE);
	assert_int_equal(ds.address_count, 0);
	registry_dataset_free(&ds);
	assert_int_equal(serial_of(f->reg, ZONE), ++serial);

	/* Static registrations never age. */
	assert_ok(registry_age(f->reg, T0 + 100000000, false, NULL, NULL,
		&changed, &err), &err);
	assert_int_equal(changed, 0);
	assert_int_equal(host_count_of(f->reg, ZONE), 1);
}

static void
test_age_settings_change_reactivates(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	registry_settings settings = { .stale_after = 100, .scavenge_after = 1000 };
	size_t changed = 0;

	assert_ok(registry_set_settings(f->reg, &settings, &err), &err);
	add_zone(f->reg, ZONE, T0);
	registry_host dynamic = make_host(ZONE, "kms1." ZONE, 0, 0,
		REGISTRY_ORIGIN_UPDATE);
	assert_ok(registry_put_host(f->reg, &dynamic, false, T0, &err), &err);
	assert_ok(registry_age(f->reg, T0 + 200, false, NULL, NULL, &changed,
		&err), &err);
	assert_int_equal(changed, 1);
	const uint32_t serial = serial_of(f->reg, ZONE);

	/* A longer stale-after serves it again, with a new serial. */
	settings.stale_after = 300;
	assert_ok(registry_set_settings(f->reg, &settings, &err), &err);
	assert_ok(registry_age(f->reg, T0 + 200, false, NULL, NULL, &changed,
		&err), &err);
	assert_int_equal(changed, 1);
	assert_int_equal(serial_of(f->reg, ZONE), serial + 1);
}

/* Aging under settings given by the caller, not the stored ones. */
static void
test_age_under_settings(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	const registry_settings module = { .stale_after = 3, .scavenge_after = 6 };
	size_t changed = 0;

	add_zone(f->reg, ZONE, T0);
	registry_host dynamic = make_host(ZONE, "kms1." ZONE, 0, 0,
		REGISTRY_ORIGIN_UPDATE);
	assert_ok(registry_put_host(f->reg, &dynamic, false, T0, &err), &err);
	const uint32_t serial = serial_of(f->reg, ZONE);

	/* The stored default (72h) keeps it; the override makes it stale. */
	assert_ok(registry_age(f->reg, T0 + 4, false, NULL, NULL, &changed,
		&err), &err);
	assert_int_equal(changed, 0);
	assert_ok(registry_age_under(f->reg, &module, T0 + 4, false, NULL,
		NULL, &changed, &err), &err);
	assert_int_equal(changed, 1);
	assert_int_equal(serial_of(f->reg, ZONE), serial + 1);
	assert_int_equal(host_count_of(f->reg, ZONE), 1);

	/* Past the override's scavenge-after it is deleted. */
	assert_ok(registry_age_under(f->reg, &module, T0 + 7, false, NULL,
		NULL, &changed, &err), &err);
	assert_int_equal(host_count_of(f->reg, ZONE), 0);
}

/* An ANY signer refreshes exactly the registrations it made. */
static void
test_refresh_signer(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	const registry_settings settings = { .stale_after = 100, .scavenge_after = 1000 };
	registry_dataset ds;
	size_t count = 99;
	size_t changed = 0;

	assert_ok(registry_set_settings(f->reg, &settings, &err), &err);
	add_zone(f->reg, ZONE, T0);
	registry_host mine = make_host(ZONE, "kms1." ZONE, 0, 0,
		REGISTRY_ORIGIN_UPDATE);
	registry_host other = make_host(ZONE, "kms2." ZONE, 0, 0,
		REGISTRY_ORIGIN_UPDATE);
	(void)snprintf(mine.signer, sizeof(mine.signer), "admin-key");
	(void)snprintf(other.signer, sizeof(other.signer), "other-key");
	assert_ok(registry_put_host(f->reg, &mine, false, T0, &err), &err);
	assert_ok(registry_put_host(f->reg, &other, false, T0, &err), &err);

	uint32_t serial = serial_of(f->reg, ZONE);
	assert_ok(registry_refresh_signer(f->reg, ZONE, "admin-key", T0 + 50,
		&count, &err), &err);
	assert_int_equal(count, 1);
	assert_int_equal(serial_of(f->reg, ZONE), serial);

	/* At T0 + 120 only the other key's registration is stale. */
	assert_ok(registry_age(f->reg, T0 + 120, false, NULL, NULL, &changed,
		&err), &err);
	assert_int_equal(changed, 1);
	assert_ok(registry_load(f->reg, ZONE, &ds, &err), &err);
	for (size_t i = 0; i < ds.host_count; i++) {
		const registry_host *h = &ds.hosts[i];
		assert_int_equal(h->state, strcmp(h->signer, "admin-key") == 0 ?
			REGISTRY_STATE_ACTIVE : REGISTRY_STATE_STALE);
	}
	registry_dataset_free(&ds);

	/* Refreshing a stale one serves it again: new serial. */
	serial = serial_of(f->reg, ZONE);
	assert_ok(registry_refresh_signer(f->reg, ZONE, "other-key", T0 + 130,
		&count, &err), &err);
	assert_int_equal(count, 1);
	assert_int_equal(serial_of(f->reg, ZONE), serial + 1);

	assert_int_equal(registry_refresh_signer(f->reg, ZONE, "", T0, &count,
		&err), KD_EINVAL);
	assert_int_equal(registry_refresh_signer(f->reg, "nowhere.test",
		"admin-key", T0, &count, &err), KD_ENOENT);
}

static void
test_refresh_target(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	const registry_settings settings = { .stale_after = 100, .scavenge_after = 1000 };
	registry_dataset ds;
	size_t count = 99;
	size_t changed = 0;

	assert_ok(registry_set_settings(f->reg, &settings, &err), &err);
	add_zone(f->reg, ZONE, T0);
	registry_host a = make_host(ZONE, "kms1." ZONE, 0, 0,
		REGISTRY_ORIGIN_UPDATE);
	registry_host b = make_host(ZONE, "kms1." ZONE, 5, 0,
		REGISTRY_ORIGIN_UPDATE);
	registry_host fixed = make_host(ZONE, "kms1." ZONE, 9, 0,
		REGISTRY_ORIGIN_STATIC);
	registry_address addr = make_address(ZONE, "kms1." ZONE, "192.0.2.10",
		REGISTRY_ORIGIN_UPDATE);
	assert_ok(registry_put_host(f->reg, &a, false, T0, &err), &err);
	assert_ok(registry_put_host(f->reg, &b, false, T0, &err), &err);
	assert_ok(registry_put_host(f->reg, &fixed, false, T0, &err), &err);
	assert_ok(registry_put_address(f->reg, &addr, T0, &err), &err);

	/* An active refresh: no serial change. */
	uint32_t serial = serial_of(f->reg, ZONE);
	assert_ok(registry_refresh_target(f->reg, ZONE, "KMS1." ZONE ".",
		"KMS1$@EXAMPLE.TEST", T0 + 50, &count, &err), &err);
	assert_int_equal(count, 3);
	assert_int_equal(serial_of(f->reg, ZONE), serial);

	/* Stale, then refreshed: active again with a new serial. */
	assert_ok(registry_age(f->reg, T0 + 150, false, NULL, NULL, &changed,
		&err), &err);
	assert_int_equal(changed, 1);
	serial = serial_of(f->reg, ZONE);
	assert_ok(registry_refresh_target(f->reg, ZONE, "kms1." ZONE,
		"host/kms1.corp.example.test@EXAMPLE.TEST", T0 + 160, &count,
		&err), &err);
	assert_int_equal(count, 3);
	assert_int_equal(serial_of(f->reg, ZONE), serial + 1);
	assert_ok(registry_load(f->reg, ZONE, &ds, &err), &err);
	for (size_t i = 0; i < ds.host_count; i++) {
		const registry_host *h = &ds.hosts[i];
		assert_int_equal(h->state, REGISTRY_STATE_ACTIVE);
		if (h->origin == REGISTRY_ORIGIN_UPDATE) {
			assert_int_equal(h->refreshed, T0 + 160);
			assert_string_equal(h->signer,
				"host/kms1.corp.example.test@EXAMPLE.TEST");
		} else {
			assert_int_equal(h->refreshed, T0);
		}
	}
	assert_int_equal(ds.addresses[0].refreshed, T0 + 160);
	registry_dataset_free(&ds);

	assert_ok(registry_refresh_target(f->reg, ZONE, "kms7." ZONE, "x",
		T0, &count, &err), &err);
	assert_int_equal(count, 0);
	assert_int_equal(registry_refresh_target(f->reg, "nowhere.test",
		"kms1.nowhere.test", "x", T0, &count, &err), KD_ENOENT);
}

/* ---- transactions ---------------------------------------------------- */

static void
test_rollback(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	registry_dataset ds;

	assert_ok(registry_begin(f->reg, &err), &err);
	add_zone(f->reg, ZONE, T0);
	registry_host host = make_host(ZONE, "kms1." ZONE, 0, 0,
		REGISTRY_ORIGIN_STATIC);
	assert_ok(registry_put_host(f->reg, &host, false, T0, &err), &err);
	registry_rollback(f->reg);
	assert_ok(registry_load(f->reg, NULL, &ds, &err), &err);
	assert_int_equal(ds.zone_count, 0);
	assert_int_equal(ds.host_count, 0);
	registry_dataset_free(&ds);

	/* A failing call inside a transaction undoes only itself. */
	assert_ok(registry_begin(f->reg, &err), &err);
	add_zone(f->reg, ZONE, T0);
	registry_host bad = host;
	(void)snprintf(bad.site, sizeof(bad.site), "nowhere");
	assert_int_equal(registry_put_host(f->reg, &bad, true, T0, &err),
		KD_ENOENT);
	assert_ok(registry_put_host(f->reg, &host, false, T0, &err), &err);
	assert_ok(registry_commit(f->reg, &err), &err);
	assert_int_equal(host_count_of(f->reg, ZONE), 1);
	assert_int_equal(serial_of(f->reg, ZONE), (uint32_t)T0);

	/* Nested begin/commit. */
	assert_ok(registry_begin(f->reg, &err), &err);
	assert_ok(registry_begin(f->reg, &err), &err);
	assert_ok(registry_remove_zone(f->reg, ZONE, &err), &err);
	assert_ok(registry_commit(f->reg, &err), &err);
	registry_rollback(f->reg);
	assert_int_equal(host_count_of(f->reg, ZONE), 1);

	assert_int_equal(registry_commit(f->reg, &err), KD_EINVAL);
	registry_rollback(f->reg);

	/* Closing with an open transaction rolls it back. */
	assert_ok(registry_begin(f->reg, &err), &err);
	assert_ok(registry_remove_zone(f->reg, ZONE, &err), &err);
	registry_close(f->reg);
	assert_ok(registry_open(f->path, false, &f->reg, &err), &err);
	assert_int_equal(host_count_of(f->reg, ZONE), 1);
}

static void
test_change_counter(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	registry *other = NULL;
	uint64_t c0, c1, c2, c3;

	assert_ok(registry_open(f->path, true, &other, &err), &err);
	assert_ok(registry_change_counter(f->reg, &c0, &err), &err);
	assert_ok(registry_change_counter(f->reg, &c1, &err), &err);
	assert_true(c0 == c1);
	add_zone(f->reg, ZONE, T0);
	assert_ok(registry_change_counter(f->reg, &c2, &err), &err);
	assert_true(c2 != c1);

	/* The other connection sees our commit. */
	assert_ok(registry_change_counter(other, &c0, &err), &err);
	assert_ok(registry_remove_zone(f->reg, ZONE, &err), &err);
	assert_ok(registry_change_counter(other, &c3, &err), &err);
	assert_true(c3 != c0);
	registry_close(other);
}

static void
test_load_serials(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	char (*names)[DNAME_BUF_SIZE] = NULL;
	uint32_t *serials = NULL;
	size_t count = 9;

	assert_ok(registry_load_serials(f->reg, &names, &serials, &count,
		&err), &err);
	assert_int_equal(count, 0);
	free(names);
	free(serials);
	add_zone(f->reg, "b.example.test", T0);
	add_zone(f->reg, "a.example.test", T0 + 7);
	assert_ok(registry_load_serials(f->reg, &names, &serials, &count,
		&err), &err);
	assert_int_equal(count, 2);
	assert_string_equal(names[0], "a.example.test");
	assert_int_equal(serials[0], (uint32_t)(T0 + 7));
	assert_string_equal(names[1], "b.example.test");
	free(names);
	free(serials);
}

static void
test_value_checks(void **state)
{
	kd_err err = { "" };
	char out[REGISTRY_ENDPOINT_MAX];

	(void)state;
	assert_ok(registry_address_normalize("2001:0DB8::0001", out,
		REGISTRY_ADDR_MAX, &err), &err);
	assert_string_equal(out, "2001:db8::1");
	assert_int_equal(registry_address_normalize("kms1", out,
		REGISTRY_ADDR_MAX, &err), KD_EINVAL);
	assert_string_equal(err.text, "\"kms1\" is not an IPv4 or IPv6 address");
	assert_ok(registry_prefix_normalize("2001:DB8::/32", out,
		REGISTRY_PREFIX_MAX, &err), &err);
	assert_string_equal(out, "2001:db8::/32");
	assert_ok(registry_prefix_normalize("192.0.2.1", out,
		REGISTRY_PREFIX_MAX, &err), &err);
	assert_string_equal(out, "192.0.2.1/32");
	assert_int_equal(registry_prefix_normalize("192.0.2.0/33", out,
		REGISTRY_PREFIX_MAX, &err), KD_EINVAL);
	assert_ok(registry_endpoint_normalize("2001:db8::1#5300", out,
		sizeof(out), &err), &err);
	assert_string_equal(out, "2001:db8::1#5300");
	assert_ok(registry_endpoint_normalize("192.0.2.1", out, sizeof(out),
		&err), &err);
	assert_string_equal(out, "192.0.2.1#53");
	assert_int_equal(registry_endpoint_normalize("192.0.2.1#", out,
		sizeof(out), &err), KD_EINVAL);
	assert_int_equal(registry_endpoint_normalize("192.0.2.1#65536", out,
		sizeof(out), &err), KD_EINVAL);
	assert_ok(registry_endpoint_normalize("[2001:db8::1]#5300", out,
		sizeof(out), &err), &err);
	assert_string_equal(out, "2001:db8::1#5300");
	assert_int_equal(registry_endpoint_normalize("192.0.2.1#1234567", out,
		sizeof(out), &err), KD_EINVAL);
	assert_int_equal(registry_endpoint_normalize("ns1#53", out,
		sizeof(out), &err), KD_EINVAL);
	assert_ok(registry_site_validate("Default-First-Site_Name.1", &err),
		&err);
	assert_int_equal(registry_site_validate("", &err), KD_EINVAL);
	assert_int_equal(registry_site_validate("a/b", &err), KD_EINVAL);
}

/* ---- scale ----------------------------------------------------------- */

#define BIG_ZONES 10000
#define BIG_HOSTS 4

static double
seconds_since(const struct timespec *start)
{
	struct timespec now;

	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) +
		(double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void
test_load_many_zones(void **state)
{
	fixture *f = *state;
	kd_err err = { "" };
	registry_dataset ds;
	struct timespec start;
	char name[64];

	assert_ok(registry_begin(f->reg, &err), &err);
	for (int i = 0; i < BIG_ZONES; i++) {
		(void)snprintf(name, sizeof(name), "z%05d.example.test", i);
		add_zone(f->reg, name, T0 + i);
		for (int j = 0; j < BIG_HOSTS; j++) {
			char target[96];
			(void)snprintf(target, sizeof(target), "kms%d.%s", j,
				name);
			registry_host host = make_host(name, target,
				(uint16_t)j, 10, REGISTRY_ORIGIN_UPDATE);
			assert_ok(registry_put_host(f->reg, &host, false, T0,
				&err), &err);
		}
		registry_address addr = make_address(name, name, "192.0.2.1",
			REGISTRY_ORIGIN_STATIC);
		assert_ok(registry_put_address(f->reg, &addr, T0, &err), &err);
	}
	assert_ok(registry_commit(f->reg, &err), &err);

	(void)clock_gettime(CLOCK_MONOTONIC, &start);
	assert_ok(registry_load(f->reg, NULL, &ds, &err), &err);
	print_message("load of %d zones x %d hosts: %.3f s\n", BIG_ZONES,
		BIG_HOSTS, seconds_since(&start));

	assert_int_equal(ds.zone_count, BIG_ZONES);
	assert_int_equal(ds.host_count, BIG_ZONES * BIG_HOSTS);
	assert_int_equal(ds.address_count, BIG_ZONES);
	for (size_t i = 0; i < ds.zone_count; i++) {
		const registry_zone *z = &ds.zones[i];
		(void)snprintf(name, sizeof(name), "z%05zu.example.test", i);
		assert_string_equal(z->name, name);
		assert_int_equal(z->serial, (uint32_t)(T0 + (int64_t)i));
		assert_int_equal(z->ns_count, 1);
		for (size_t j = 0; j < BIG_HOSTS; j++) {
			const registry_host *h = &ds.hosts[i * BIG_HOSTS + j];
			assert_string_equal(h->zone, name);
			assert_int_equal(h->srv.priority, j);
		}
		assert_string_equal(ds.addresses[i].zone, name);
	}
	registry_dataset_free(&ds);

	(void)clock_gettime(CLOCK_MONOTONIC, &start);
	assert_ok(registry_load(f->reg, "z05000.example.test", &ds, &err),
		&err);
	print_message("load of one zone: %.6f s\n", seconds_since(&start));
	assert_int_equal(ds.zone_count, 1);
	assert_int_equal(ds.host_count, BIG_HOSTS);
	assert_string_equal(ds.hosts[3].srv.target,
		"kms3.z05000.example.test");
	registry_dataset_free(&ds);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_and_open,
			setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_create_on_empty_file,
			setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_open_missing, setup_dir,
			teardown),
		cmocka_unit_test_setup_teardown(test_open_not_registry,
			setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_open_wrong_schema,
			setup_dir, teardown),
		cmocka_unit_test_setup_teardown(test_zone_add_load_remove,
			setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_zone_add_invalid,
			setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_serial_bumps, setup_open,
			teardown),
		cmocka_unit_test_setup_teardown(test_host_put_refresh_remove,
			setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_address_in_zone,
			setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_set_ttl, setup_open,
			teardown),
		cmocka_unit_test_setup_teardown(test_grants, setup_open,
			teardown),
		cmocka_unit_test_setup_teardown(test_sites, setup_open,
			teardown),
		cmocka_unit_test_setup_teardown(test_settings, setup_open,
			teardown),
		cmocka_unit_test(test_state_at),
		cmocka_unit_test_setup_teardown(test_age, setup_open, teardown),
		cmocka_unit_test_setup_teardown(
			test_age_settings_change_reactivates, setup_open,
			teardown),
		cmocka_unit_test_setup_teardown(test_refresh_target,
			setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_rollback, setup_open,
			teardown),
		cmocka_unit_test_setup_teardown(test_change_counter,
			setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_load_serials, setup_open,
			teardown),
		cmocka_unit_test(test_value_checks),
		cmocka_unit_test_setup_teardown(test_age_under_settings,
			setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_refresh_signer,
			setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_load_many_zones,
			setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_load_skips_bad_rows,
			setup_open, teardown),
		cmocka_unit_test_setup_teardown(test_schema_upgrade,
			setup_open, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
