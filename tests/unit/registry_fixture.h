/*
 * registry_fixture.h -- what the unit tests of the registry share: a
 * temporary directory with a registry path in it (created and opened, or
 * not), its removal, and the SQL that takes a new registry back to schema
 * version 1 as far as an upgrade can tell (version 4's catalog gone, the
 * version mark 1). Included by test_registry.c and test_catalog.c after
 * cmocka.h.
 */
#ifndef KMSDNS_TEST_REGISTRY_FIXTURE_H
#define KMSDNS_TEST_REGISTRY_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sqlite3.h>
#include "kd_result.h"
#include "registry.h"

#define TEST_REGISTRY_TO_V1_SQL \
	"DROP TABLE audit;" \
	"DROP TRIGGER zones_catalog_id; DROP TRIGGER zones_not_catalog;" \
	"DROP TRIGGER catalog_member_added;" \
	"DROP TRIGGER catalog_member_removed;" \
	"DROP TRIGGER catalog_member_changed;" \
	"DROP INDEX zones_by_catalog_id;" \
	"DROP TABLE catalog; DROP TABLE catalog_allow_transfer;" \
	"DROP TABLE catalog_notify;" \
	"ALTER TABLE zones DROP COLUMN catalog_id;" \
	"ALTER TABLE zones DROP COLUMN catalog_member;" \
	"UPDATE meta SET value = '1' WHERE key = 'schema_version';"

/* A temporary directory with a registry path in it. */
typedef struct fixture {
	char dir[64];
	char path[128];
	registry *reg;
} fixture;

static void
remove_db(const char *path)
{
	char name[160];

	(void)unlink(path);
	(void)snprintf(name, sizeof(name), "%s-wal", path);
	(void)unlink(name);
	(void)snprintf(name, sizeof(name), "%s-shm", path);
	(void)unlink(name);
	(void)snprintf(name, sizeof(name), "%s-journal", path);
	(void)unlink(name);
}

/* Fixture with only the directory. */
static int
setup_dir(void **state)
{
	fixture *f = calloc(1, sizeof(*f));

	if (f == NULL) {
		return -1;
	}
	(void)snprintf(f->dir, sizeof(f->dir), "/tmp/kd-test-registry-XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	(void)snprintf(f->path, sizeof(f->path), "%s/registry.db", f->dir);
	*state = f;
	return 0;
}

/* Fixture with a created and opened registry. */
static int
setup_open(void **state)
{
	kd_err err = { "" };

	if (setup_dir(state) != 0) {
		return -1;
	}
	fixture *f = *state;
	if (registry_create(f->path, &err) != KD_OK ||
		registry_open(f->path, false, &f->reg, &err) != KD_OK) {
		fprintf(stderr, "setup: %s\n", err.text);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fixture *f = *state;
	char name[160];

	registry_close(f->reg);
	remove_db(f->path);
	(void)snprintf(name, sizeof(name), "%s/other.db", f->dir);
	remove_db(name);
	(void)rmdir(f->dir);
	free(f);
	return 0;
}

static void
assert_ok(kd_result ret, const kd_err *err)
{
	if (ret != KD_OK) {
		fail_msg("unexpected failure %d: %s", (int)ret, err->text);
	}
}

/* Run SQL on PATH with a plain connection (to build odd files by hand). */
static void
raw_sql(const char *path, const char *sql)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

#endif /* KMSDNS_TEST_REGISTRY_FIXTURE_H */
