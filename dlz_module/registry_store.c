/*
 * registry_store.c -- the SQLite registry of KMS host registrations:
 * its schema, opening and creating the file, transactions.
 *
 * Schema version 1 (all names canonical, times UNIX seconds):
 *   meta(key, value)                  schema_version, stale_after,
 *                                     scavenge_after
 *   zones(name, SOA fields, serial, ttl)
 *   zone_ns(zone, position, name)     NS in the order given
 *   zone_ns_addresses(zone, ns, position, address)
 *   zone_allow_transfer(zone, position, prefix)
 *   zone_notify(zone, position, endpoint)
 *   hosts(zone, priority, weight, port, target, ttl, site, origin, signer,
 *         created, refreshed, state)  key: zone + rdata
 *   addresses(zone, name, address, ttl, origin, signer, created,
 *             refreshed, state)       key: zone + name + address
 *   grants(identity, zone, scope)     key: identity + zone
 *   sites(prefix, site)               a prefix belongs to one site
 * Everything below a zone goes with it (ON DELETE CASCADE).
 *
 * Later versions are reached by the migrations in registry_migrations[],
 * in order: a new registry is the version 1 schema followed by every
 * migration (one path for new and old files); a writer opening an older
 * file migrates it in one transaction, a reader refuses it.
 *   v3: audit(id, time, user, command, zone, object, old_value, new_value)
 *       every change, by kmsdns-registry or by an UPDATE (registry.h)
 *
 * A temporary table, bumped(zone), remembers which zones already had their
 * serial incremented in the open transaction, so a command that makes
 * several changes to a zone increments its serial once. Temporary tables
 * follow transactions and savepoints, so a rollback forgets the mark along
 * with the increment.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>

#include "kd_result.h"
#include "registry.h"
#include "registry_internal.h"

#define REGISTRY_BUSY_TIMEOUT_MS 5000
#define REGISTRY_SAVEPOINT "registry_op"

static const char registry_schema_sql[] =
	"CREATE TABLE meta ("
	" key TEXT PRIMARY KEY,"
	" value TEXT NOT NULL);"
	"CREATE TABLE zones ("
	" name TEXT PRIMARY KEY,"
	" soa_mname TEXT NOT NULL,"
	" soa_rname TEXT NOT NULL,"
	" serial INTEGER NOT NULL,"
	" ttl INTEGER NOT NULL,"
	" refresh INTEGER NOT NULL,"
	" retry INTEGER NOT NULL,"
	" expire INTEGER NOT NULL,"
	" minimum INTEGER NOT NULL);"
	"CREATE TABLE zone_ns ("
	" zone TEXT NOT NULL REFERENCES zones(name) ON DELETE CASCADE,"
	" position INTEGER NOT NULL,"
	" name TEXT NOT NULL,"
	" PRIMARY KEY (zone, name));"
	"CREATE TABLE zone_ns_addresses ("
	" zone TEXT NOT NULL,"
	" ns TEXT NOT NULL,"
	" position INTEGER NOT NULL,"
	" address TEXT NOT NULL,"
	" PRIMARY KEY (zone, ns, address),"
	" FOREIGN KEY (zone, ns) REFERENCES zone_ns(zone, name)"
	"  ON DELETE CASCADE);"
	"CREATE TABLE zone_allow_transfer ("
	" zone TEXT NOT NULL REFERENCES zones(name) ON DELETE CASCADE,"
	" position INTEGER NOT NULL,"
	" prefix TEXT NOT NULL,"
	" PRIMARY KEY (zone, prefix));"
	"CREATE TABLE zone_notify ("
	" zone TEXT NOT NULL REFERENCES zones(name) ON DELETE CASCADE,"
	" position INTEGER NOT NULL,"
	" endpoint TEXT NOT NULL,"
	" PRIMARY KEY (zone, endpoint));"
	"CREATE TABLE hosts ("
	" zone TEXT NOT NULL REFERENCES zones(name) ON DELETE CASCADE,"
	" priority INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 65535),"
	" weight INTEGER NOT NULL CHECK (weight BETWEEN 0 AND 65535),"
	" port INTEGER NOT NULL CHECK (port BETWEEN 0 AND 65535),"
	" target TEXT NOT NULL,"
	" ttl INTEGER NOT NULL,"
	" site TEXT NOT NULL,"
	" origin TEXT NOT NULL CHECK (origin IN ('static', 'update')),"
	" signer TEXT NOT NULL,"
	" created INTEGER NOT NULL,"
	" refreshed INTEGER NOT NULL,"
	" state TEXT NOT NULL CHECK (state IN ('active', 'stale')),"
	" PRIMARY KEY (zone, priority, weight, port, target));"
	"CREATE INDEX hosts_by_target ON hosts(zone, target);"
	"CREATE INDEX hosts_by_site ON hosts(site);"
	"CREATE TABLE addresses ("
	" zone TEXT NOT NULL REFERENCES zones(name) ON DELETE CASCADE,"
	" name TEXT NOT NULL,"
	" address TEXT NOT NULL,"
	" ttl INTEGER NOT NULL,"
	" origin TEXT NOT NULL CHECK (origin IN ('static', 'update')),"
	" signer TEXT NOT NULL,"
	" created INTEGER NOT NULL,"
	" refreshed INTEGER NOT NULL,"
	" state TEXT NOT NULL CHECK (state IN ('active', 'stale')),"
	" PRIMARY KEY (zone, name, address));"
	"CREATE TABLE grants ("
	" identity TEXT NOT NULL,"
	" zone TEXT NOT NULL REFERENCES zones(name) ON DELETE CASCADE,"
	" scope TEXT NOT NULL CHECK (scope IN ('self', 'any')),"
	" PRIMARY KEY (identity, zone));"
	"CREATE INDEX grants_by_zone ON grants(zone);"
	"CREATE TABLE sites ("
	" prefix TEXT PRIMARY KEY,"
	" site TEXT NOT NULL);"
	"CREATE INDEX sites_by_site ON sites(site);";

/* One schema migration: the SQL that brings a file to VERSION. */
typedef struct registry_migration {
	int version;
	const char *sql;
} registry_migration;

/* The migrations, in version order; the last one is the current version. */
static const registry_migration registry_migrations[] = {
	{ 3,
		"CREATE TABLE audit ("
		" id INTEGER PRIMARY KEY AUTOINCREMENT,"
		" time INTEGER NOT NULL,"
		" user TEXT NOT NULL,"
		" command TEXT NOT NULL,"
		" zone TEXT NOT NULL,"
		" object TEXT NOT NULL,"
		" old_value TEXT NOT NULL,"
		" new_value TEXT NOT NULL);"
		"CREATE INDEX audit_by_time ON audit(time);"
		"CREATE INDEX audit_by_zone ON audit(zone, time);" },
};

#define REGISTRY_MIGRATION_COUNT \
	(sizeof(registry_migrations) / sizeof(registry_migrations[0]))

/* ---- opening --------------------------------------------------------- */

static void
registry_free(registry *reg)
{
	for (size_t i = 0; i < reg->stmt_count; i++) {
		(void)sqlite3_finalize(reg->stmts[i].stmt);
	}
	free(reg->stmts);
	(void)sqlite3_close(reg->db);
	free(reg->path);
	free(reg);
}

/* Connection settings; none of them writes to the file. */
static kd_result
configure_connection(registry *reg, kd_err *err)
{
	(void)sqlite3_busy_timeout(reg->db, REGISTRY_BUSY_TIMEOUT_MS);
	kd_result ret = registry_exec_sql(reg,
		"PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;", err);
	if (ret == KD_OK && !reg->read_only) {
		ret = registry_exec_sql(reg,
			"CREATE TEMP TABLE IF NOT EXISTS bumped ("
			" zone TEXT PRIMARY KEY)", err);
	}
	return ret;
}

/*
 * Inside a write transaction: apply every migration above version FROM
 * and record the new version.
 */
static kd_result
migrate_from(registry *reg, long from, kd_err *err)
{
	kd_result ret = KD_OK;

	for (size_t i = 0; ret == KD_OK && i < REGISTRY_MIGRATION_COUNT; i++) {
		if (registry_migrations[i].version > from) {
			ret = registry_exec_sql(reg, registry_migrations[i].sql,
				err);
		}
	}
	if (ret == KD_OK) {
		char sql[128];
		(void)snprintf(sql, sizeof(sql),
			"UPDATE meta SET value = '%d'"
			" WHERE key = 'schema_version'",
			REGISTRY_SCHEMA_VERSION);
		ret = registry_exec_sql(reg, sql, err);
	}
	return ret;
}

/* The schema version of REG's file into *VERSION. */
static kd_result
read_schema_version(registry *reg, long *out, kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	kd_result ret = KD_OK;

	if (sqlite3_prepare_v2(reg->db,
		"SELECT value FROM meta WHERE key = 'schema_version'", -1,
		&stmt, NULL) != SQLITE_OK) {
		const int code = sqlite3_errcode(reg->db);
		if (code == SQLITE_ERROR || code == SQLITE_NOTADB ||
			code == SQLITE_CORRUPT) {
			return kd_err_set(err, KD_ESTORE,
				"registry %s: not a kmsdns registry (%s)",
				reg->path, sqlite3_errmsg(reg->db));
		}
		return registry_store_error(reg, err);
	}

	const int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		const unsigned char *text = sqlite3_column_text(stmt, 0);
		char version[32];
		(void)snprintf(version, sizeof(version), "%s",
			text != NULL ? (const char *)text : "");
		char *end = NULL;
		errno = 0;
		const long value = strtol(version, &end, 10);
		if (version[0] == '\0' || *end != '\0' || errno != 0) {
			ret = kd_err_set(err, KD_ESTORE,
				"registry %s: not a kmsdns registry (schema "
				"version \"%s\")", reg->path, version);
		} else if (value < 1 || value > REGISTRY_SCHEMA_VERSION) {
			ret = kd_err_set(err, KD_ESCHEMA,
				"registry %s: schema version %ld is not "
				"supported (this kmsdns reads version %d)",
				reg->path, value, REGISTRY_SCHEMA_VERSION);
		}
		*out = value;
	} else if (rc == SQLITE_DONE) {
		ret = kd_err_set(err, KD_ESTORE,
			"registry %s: not a kmsdns registry (no schema version)",
			reg->path);
	} else {
		ret = registry_store_error(reg, err);
	}
	(void)sqlite3_finalize(stmt);
	return ret;
}

/*
 * Check the schema version of REG's file; a writer brings an older file
 * to the current version in one transaction, a reader refuses it.
 */
static kd_result
check_schema(registry *reg, kd_err *err)
{
	long version = 0;
	kd_result ret = read_schema_version(reg, &version, err);

	if (ret != KD_OK || version == REGISTRY_SCHEMA_VERSION) {
		return ret;
	}
	if (reg->read_only) {
		return kd_err_set(err, KD_ESCHEMA,
			"registry %s: schema version %ld is older than version "
			"%d of this kmsdns; a writer (any changing "
			"kmsdns-registry command, or the DLZ module) upgrades it",
			reg->path, version, REGISTRY_SCHEMA_VERSION);
	}
	ret = registry_exec_sql(reg, "BEGIN IMMEDIATE", err);
	if (ret != KD_OK) {
		return ret;
	}
	/* Another writer may have migrated it meanwhile. */
	ret = read_schema_version(reg, &version, err);
	if (ret == KD_OK && version < REGISTRY_SCHEMA_VERSION) {
		ret = migrate_from(reg, version, err);
	}
	if (ret == KD_OK) {
		ret = registry_exec_sql(reg, "COMMIT", err);
	}
	if (ret != KD_OK) {
		(void)sqlite3_exec(reg->db, "ROLLBACK", NULL, NULL, NULL);
	}
	return ret;
}

static kd_result
registry_alloc(const char *path, bool read_only, registry **out,
	kd_err *err)
{
	registry *reg = calloc(1, sizeof(*reg));
	if (reg == NULL || (reg->path = strdup(path)) == NULL) {
		free(reg);
		return kd_err_set(err, KD_ENOMEM, "registry %s: out of memory",
			path);
	}
	reg->read_only = read_only;
	*out = reg;
	return KD_OK;
}

kd_result
registry_open(const char *path, bool read_only, registry **out,
	kd_err *err)
{
	struct stat st;
	registry *reg = NULL;

	*out = NULL;
	if (path == NULL || path[0] == '\0') {
		return kd_err_set(err, KD_EINVAL, "registry path is empty");
	}
	if (stat(path, &st) != 0) {
		if (errno == ENOENT) {
			return kd_err_set(err, KD_ENOENT,
				"registry %s does not exist", path);
		}
		return kd_err_set(err, KD_EIO, "registry %s: %s", path,
			strerror(errno));
	}
	if (!S_ISREG(st.st_mode)) {
		return kd_err_set(err, KD_ESTORE,
			"registry %s: not a kmsdns registry (not a file)", path);
	}

	kd_result ret = registry_alloc(path, read_only, &reg, err);
	if (ret != KD_OK) {
		return ret;
	}
	const int flags = read_only ? SQLITE_OPEN_READONLY :
		SQLITE_OPEN_READWRITE;
	if (sqlite3_open_v2(path, &reg->db, flags, NULL) != SQLITE_OK) {
		ret = reg->db != NULL ? registry_store_error(reg, err) :
			kd_err_set(err, KD_ENOMEM, "registry %s: out of memory",
				path);
		registry_free(reg);
		return ret;
	}
	(void)sqlite3_busy_timeout(reg->db, REGISTRY_BUSY_TIMEOUT_MS);
	ret = check_schema(reg, err);
	if (ret == KD_OK) {
		ret = configure_connection(reg, err);
	}
	if (ret != KD_OK) {
		registry_free(reg);
		return ret;
	}
	*out = reg;
	return KD_OK;
}

static kd_result
write_new_schema(registry *reg, kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	char mode[16] = "";

	if (sqlite3_prepare_v2(reg->db, "PRAGMA journal_mode = WAL", -1,
		&stmt, NULL) != SQLITE_OK) {
		return registry_store_error(reg, err);
	}
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		const unsigned char *text = sqlite3_column_text(stmt, 0);
		(void)snprintf(mode, sizeof(mode), "%s",
			text != NULL ? (const char *)text : "");
	}
	(void)sqlite3_finalize(stmt);
	if (strcmp(mode, "wal") != 0) {
		return kd_err_set(err, KD_ESTORE,
			"registry %s: cannot switch to WAL mode (%s)", reg->path,
			sqlite3_errmsg(reg->db));
	}

	char meta[256];
	(void)snprintf(meta, sizeof(meta),
		"INSERT INTO meta (key, value) VALUES"
		" ('schema_version', 1),"
		" ('stale_after', %d),"
		" ('scavenge_after', %d);",
		REGISTRY_DEFAULT_STALE_AFTER,
		REGISTRY_DEFAULT_SCAVENGE_AFTER);

	kd_result ret = registry_exec_sql(reg, "BEGIN IMMEDIATE", err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = registry_exec_sql(reg, registry_schema_sql, err);
	if (ret == KD_OK) {
		ret = registry_exec_sql(reg, meta, err);
	}
	if (ret == KD_OK) {
		ret = migrate_from(reg, 1, err);
	}
	if (ret == KD_OK) {
		ret = registry_exec_sql(reg, "COMMIT", err);
	}
	if (ret != KD_OK) {
		(void)sqlite3_exec(reg->db, "ROLLBACK", NULL, NULL, NULL);
	}
	return ret;
}

static void
remove_database_files(const char *path)
{
	static const char *const suffixes[] = { "-wal", "-shm", "-journal" };
	char name[4096];

	(void)unlink(path);
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		const int n = snprintf(name, sizeof(name), "%s%s", path,
			suffixes[i]);
		if (n > 0 && (size_t)n < sizeof(name)) {
			(void)unlink(name);
		}
	}
}

kd_result
registry_create(const char *path, kd_err *err)
{
	struct stat st;
	registry *reg = NULL;

	if (path == NULL || path[0] == '\0') {
		return kd_err_set(err, KD_EINVAL, "registry path is empty");
	}
	/* Claim the name first, so a concurrent creator is noticed. */
	bool created = true;
	const int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		0644);
	if (fd >= 0) {
		(void)close(fd);
	} else if (errno == EEXIST) {
		created = false;
		if (stat(path, &st) != 0) {
			return kd_err_set(err, KD_EIO, "registry %s: %s", path,
				strerror(errno));
		}
		if (!S_ISREG(st.st_mode) || st.st_size > 0) {
			return kd_err_set(err, KD_EEXIST,
				"registry %s already exists", path);
		}
	} else {
		return kd_err_set(err, KD_EIO, "registry %s: %s", path,
			strerror(errno));
	}

	kd_result ret = registry_alloc(path, false, &reg, err);
	if (ret != KD_OK) {
		if (created) {
			remove_database_files(path);
		}
		return ret;
	}
	if (sqlite3_open_v2(path, &reg->db, SQLITE_OPEN_READWRITE, NULL) !=
		SQLITE_OK) {
		ret = reg->db != NULL ? registry_store_error(reg, err) :
			kd_err_set(err, KD_ENOMEM, "registry %s: out of memory",
				path);
	} else {
		(void)sqlite3_busy_timeout(reg->db, REGISTRY_BUSY_TIMEOUT_MS);
		ret = registry_exec_sql(reg, "PRAGMA synchronous = FULL", err);
		if (ret == KD_OK) {
			ret = write_new_schema(reg, err);
		}
	}
	registry_free(reg);
	if (ret != KD_OK && created) {
		remove_database_files(path);
	}
	return ret;
}

void
registry_close(registry *reg)
{
	if (reg == NULL) {
		return;
	}
	if (reg->depth > 0 || reg->reading) {
		(void)sqlite3_exec(reg->db, "ROLLBACK", NULL, NULL, NULL);
	}
	registry_free(reg);
}

const char *
registry_path(const registry *reg)
{
	return reg->path;
}

/* ---- transactions ---------------------------------------------------- */

/*
 * Enter a write level: the outermost one starts an immediate transaction
 * (so it waits for other writers up front instead of failing later), inner
 * ones a savepoint that a failing single-item function rolls back alone.
 */
kd_result
registry_tx_enter(registry *reg, kd_err *err)
{
	if (reg->read_only) {
		return kd_err_set(err, KD_EPERM, "registry %s is open read-only",
			reg->path);
	}
	const kd_result ret = registry_exec_sql(reg, reg->depth == 0 ?
		"BEGIN IMMEDIATE" : "SAVEPOINT " REGISTRY_SAVEPOINT, err);
	if (ret == KD_OK) {
		reg->depth++;
	}
	return ret;
}

/* Leave a write level: keep its changes when RET is KD_OK, else undo them. */
kd_result
registry_tx_leave(registry *reg, kd_result ret, kd_err *err)
{
	if (reg->depth == 0) {
		return ret;
	}
	reg->depth--;
	if (ret != KD_OK) {
		(void)sqlite3_exec(reg->db, reg->depth == 0 ? "ROLLBACK" :
			"ROLLBACK TO " REGISTRY_SAVEPOINT "; "
			"RELEASE " REGISTRY_SAVEPOINT, NULL, NULL, NULL);
		return ret;
	}
	if (reg->depth > 0) {
		return registry_exec_sql(reg, "RELEASE " REGISTRY_SAVEPOINT,
			err);
	}
	ret = registry_exec_sql(reg, "DELETE FROM temp.bumped", err);
	if (ret == KD_OK) {
		ret = registry_exec_sql(reg, "COMMIT", err);
	}
	if (ret != KD_OK) {
		(void)sqlite3_exec(reg->db, "ROLLBACK", NULL, NULL, NULL);
		return ret;
	}
	reg->own_commits++;
	return KD_OK;
}

kd_result
registry_begin(registry *reg, kd_err *err)
{
	return registry_tx_enter(reg, err);
}

kd_result
registry_commit(registry *reg, kd_err *err)
{
	if (reg->depth == 0) {
		return kd_err_set(err, KD_EINVAL,
			"registry %s: no transaction to commit", reg->path);
	}
	return registry_tx_leave(reg, KD_OK, err);
}

void
registry_rollback(registry *reg)
{
	if (reg != NULL && reg->depth > 0) {
		(void)registry_tx_leave(reg, KD_ESTORE, NULL);
	}
}

/*
 * Reads of several tables see one snapshot: outside a write transaction
 * they run in a read transaction of their own.
 */
kd_result
registry_read_enter(registry *reg, kd_err *err)
{
	if (reg->depth > 0 || reg->reading) {
		return KD_OK;
	}
	const kd_result ret = registry_exec_sql(reg, "BEGIN", err);
	if (ret == KD_OK) {
		reg->reading = true;
	}
	return ret;
}

void
registry_read_leave(registry *reg, bool entered)
{
	if (entered) {
		(void)sqlite3_exec(reg->db, "COMMIT", NULL, NULL, NULL);
		reg->reading = false;
	}
}

static const char sql_data_version[] = "PRAGMA data_version";

kd_result
registry_change_counter(registry *reg, uint64_t *counter, kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	bool found = false;
	kd_result ret = registry_stmt_get(reg, sql_data_version, &stmt, err);

	if (ret == KD_OK) {
		ret = registry_stmt_row(reg, stmt, &found, err);
	}
	if (ret != KD_OK) {
		return ret;
	}
	const uint64_t others = found ?
		(uint64_t)sqlite3_column_int64(stmt, 0) : 0;
	(void)sqlite3_reset(stmt);
	/* Our commits stay below 2^32 in any real run; others move by 2^32. */
	*counter = (others << 32) + reg->own_commits;
	return KD_OK;
}
