/*
 * registry_fixture.h -- what the unit tests of the registry share: a
 * temporary directory with a registry path in it (tmp_registry.h; created
 * and opened, or not), its removal, and the SQL that takes a new registry back to schema
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
#include "tmp_registry.h"

#define TEST_REGISTRY_TO_V1_SQL TMP_REGISTRY_TO_V2_SQL \
	"UPDATE meta SET value = '1' WHERE key = 'schema_version';"

/* A temporary directory with a registry path in it (tmp_registry.h). */
typedef struct fixture {
	char dir[TMP_REGISTRY_DIR_MAX];
	char path[TMP_REGISTRY_PATH_MAX];
	registry *reg;
} fixture;

/* Fixture with only the directory. */
static int
setup_dir(void **state)
{
	fixture *f = calloc(1, sizeof(*f));

	if (f == NULL) {
		return -1;
	}
	if (tmp_registry_make("registry", f->dir, f->path) != 0) {
		free(f);
		return -1;
	}
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
	char name[TMP_REGISTRY_PATH_MAX];

	registry_close(f->reg);
	(void)snprintf(name, sizeof(name), "%s/other.db", f->dir);
	tmp_registry_remove_db(name);
	tmp_registry_remove(f->dir, f->path);
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
