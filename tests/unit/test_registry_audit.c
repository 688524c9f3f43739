/*
 * test_registry_audit.c -- unit tests of dlz_module/registry_audit.c and
 * the schema migrations of registry_store.c: audit entries kept exactly
 * with their transaction, read back by zone and time, pruned; an older
 * registry migrated by a writer and refused by a reader.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "kd_result.h"
#include "registry.h"
#include "tmp_registry.h"

typedef struct fixture {
	char dir[TMP_REGISTRY_DIR_MAX];
	char path[TMP_REGISTRY_PATH_MAX];
} fixture;

static int
setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	kd_err err = { "" };

	if (f == NULL) {
		return -1;
	}
	if (tmp_registry_make("audit", f->dir, f->path) != 0) {
		free(f);
		return -1;
	}
	if (registry_create(f->path, &err) != KD_OK) {
		fprintf(stderr, "%s\n", err.text);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fixture *f = *state;

	tmp_registry_remove(f->dir, f->path);
	free(f);
	return 0;
}

static void
raw_sql(const char *path, const char *sql)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static registry *
open_rw(const fixture *f)
{
	registry *reg = NULL;
	kd_err err = { "" };

	if (registry_open(f->path, false, &reg, &err) != KD_OK) {
		fail_msg("%s", err.text);
	}
	return reg;
}

static void
add_entry(registry *reg, int64_t when, const char *zone, const char *object)
{
	kd_err err = { "" };
	const registry_audit_entry e = {
		.time = when, .user = "alice", .command = "host add",
		.zone = zone, .object = object, .old_value = "",
		.new_value = "SRV 0 0 1688 x.",
	};

	if (registry_audit_add(reg, &e, &err) != KD_OK) {
		fail_msg("%s", err.text);
	}
}

static void
test_add_load_filter(void **state)
{
	fixture *f = *state;
	registry *reg = open_rw(f);
	registry_audit_entry *entries = NULL;
	size_t count = 0;
	kd_err err = { "" };

	add_entry(reg, 100, "a.test", "kms1.a.test");
	add_entry(reg, 200, "b.test", "kms1.b.test");
	add_entry(reg, 300, "a.test", "kms2.a.test");

	assert_int_equal(registry_audit_load(reg, NULL, 0, &entries, &count,
		&err), KD_OK);
	assert_int_equal(count, 3);
	assert_true(entries[0].id < entries[1].id);
	assert_string_equal(entries[0].user, "alice");
	assert_string_equal(entries[0].command, "host add");
	assert_string_equal(entries[2].object, "kms2.a.test");
	assert_string_equal(entries[2].new_value, "SRV 0 0 1688 x.");
	registry_audit_free(entries, count);

	assert_int_equal(registry_audit_load(reg, "a.test", 150, &entries,
		&count, &err), KD_OK);
	assert_int_equal(count, 1);
	assert_int_equal(entries[0].time, 300);
	registry_audit_free(entries, count);
	registry_close(reg);
}

/* An entry goes with the transaction of its change: rolled back, gone. */
static void
test_rollback_drops_entry(void **state)
{
	fixture *f = *state;
	registry *reg = open_rw(f);
	registry_audit_entry *entries = NULL;
	size_t count = 0;
	kd_err err = { "" };

	assert_int_equal(registry_begin(reg, &err), KD_OK);
	add_entry(reg, 100, "a.test", "kms1.a.test");
	registry_rollback(reg);
	assert_int_equal(registry_begin(reg, &err), KD_OK);
	add_entry(reg, 200, "a.test", "kms2.a.test");
	assert_int_equal(registry_commit(reg, &err), KD_OK);
	assert_int_equal(registry_audit_load(reg, NULL, 0, &entries, &count,
		&err), KD_OK);
	assert_int_equal(count, 1);
	assert_string_equal(entries[0].object, "kms2.a.test");
	registry_audit_free(entries, count);
	registry_close(reg);
}

static void
test_prune_and_retention(void **state)
{
	fixture *f = *state;
	registry *reg = open_rw(f);
	size_t count = 0;
	int64_t retention = 0;
	kd_err err = { "" };

	assert_int_equal(registry_audit_retention(reg, &retention, &err),
		KD_OK);
	assert_int_equal(retention, REGISTRY_DEFAULT_AUDIT_RETENTION);
	assert_int_equal(registry_set_audit_retention(reg, 3600, &err), KD_OK);
	assert_int_equal(registry_audit_retention(reg, &retention, &err),
		KD_OK);
	assert_int_equal(retention, 3600);
	assert_int_equal(registry_set_audit_retention(reg, 0, &err),
		KD_ERANGE);

	add_entry(reg, 100, "a.test", "one");
	add_entry(reg, 200, "a.test", "two");
	add_entry(reg, 300, "a.test", "three");
	assert_int_equal(registry_audit_prune(reg, 250, true, &count, &err),
		KD_OK);
	assert_int_equal(count, 2);
	assert_int_equal(registry_audit_prune(reg, 250, false, &count, &err),
		KD_OK);
	assert_int_equal(count, 2);
	assert_int_equal(registry_audit_prune(reg, 250, false, &count, &err),
		KD_OK);
	assert_int_equal(count, 0);

	registry_audit_entry *entries = NULL;
	assert_int_equal(registry_audit_load(reg, NULL, 0, &entries, &count,
		&err), KD_OK);
	assert_int_equal(count, 1);
	assert_string_equal(entries[0].object, "three");
	registry_audit_free(entries, count);
	registry_close(reg);
}

/*
 * A version 1 file (no audit table): a reader reads it as it is (schema
 * REGISTRY_SCHEMA_READ_MIN) and has no log to show, a writer migrates it
 * once, and then both open it.
 */
static void
test_migrate_from_v1(void **state)
{
	fixture *f = *state;
	registry *reg = NULL;
	kd_err err = { "" };

	/* Back to version 1: no audit table, no catalog (version 4). */
	raw_sql(f->path, TMP_REGISTRY_TO_V2_SQL
		"UPDATE meta SET value = '1' WHERE key = 'schema_version'");
	assert_int_equal(registry_open(f->path, true, &reg, &err), KD_OK);
	/* Its reader: no log to show (said so), nothing to prune. */
	registry_audit_entry *none = NULL;
	size_t pruned = 1, none_count = 1;
	assert_int_equal(registry_audit_load(reg, NULL, 0, &none, &none_count,
		&err), KD_ESCHEMA);
	assert_null(none);
	assert_int_equal(none_count, 0);
	assert_non_null(strstr(err.text, ": schema version 1 has no audit log "
		"yet; the first change by kmsdns-registry or the module "
		"upgrades it"));
	assert_int_equal(registry_audit_prune(reg, 1000, true, &pruned, &err),
		KD_OK);
	assert_int_equal(pruned, 0);
	registry_close(reg);

	reg = open_rw(f);
	add_entry(reg, 100, "a.test", "kms1.a.test");
	registry_close(reg);
	assert_int_equal(registry_open(f->path, true, &reg, &err), KD_OK);
	registry_audit_entry *entries = NULL;
	size_t count = 0;
	assert_int_equal(registry_audit_load(reg, NULL, 0, &entries, &count,
		&err), KD_OK);
	assert_int_equal(count, 1);
	registry_audit_free(entries, count);
	registry_close(reg);

	/* The new file and the migrated one have the same audit table. */
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT value FROM meta"
		" WHERE key = 'schema_version'", -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(stmt, 0), REGISTRY_SCHEMA_VERSION);
	(void)sqlite3_finalize(stmt);
	(void)sqlite3_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_load_filter, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_rollback_drops_entry,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_prune_and_retention,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_from_v1, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
