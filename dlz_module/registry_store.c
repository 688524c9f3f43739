/*
 * registry_store.c -- the SQLite registry of KMS host registrations:
 * its schema, opening and creating the file, transactions.
 *
 * Schema version 1 (all names canonical, times UNIX seconds), then the
 * migrations of registry_migrations[] in order, for new files and old ones
 * alike (version 2: NOT NULL, CHECK constraints and foreign keys on every
 * table, registry_schema_v2.h; version 4: the catalog zone):
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
 *   audit(id, time, user, command, zone, object, old_value, new_value)
 *                                     version 3: every change, by
 *                                     kmsdns-registry or an UPDATE
 * A writer opening an older file migrates it in one transaction; a reader
 * reads files from REGISTRY_SCHEMA_READ_MIN on without upgrading them.
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
#include "registry_schema_v2.h"

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
 * Read the schema version of REG's file into *VERSION. KD_ESTORE when the
 * file is not a registry, KD_ESCHEMA for a version newer than this kmsdns.
 */
static kd_result
check_schema(registry *reg, long *version, kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	kd_result ret = KD_OK;

	*version = 0;
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
		char text_copy[32];
		(void)snprintf(text_copy, sizeof(text_copy), "%s",
			text != NULL ? (const char *)text : "");
		char *end = NULL;
		errno = 0;
		const long value = strtol(text_copy, &end, 10);
		if (text_copy[0] == '\0' || *end != '\0' || errno != 0 ||
			value < 1) {
			ret = kd_err_set(err, KD_ESTORE,
				"registry %s: not a kmsdns registry (schema "
				"version \"%s\")", reg->path, text_copy);
		} else if (value > REGISTRY_SCHEMA_VERSION) {
			ret = kd_err_set(err, KD_ESCHEMA,
				"registry %s: schema version %ld is not "
				"supported (this kmsdns reads version %d)",
				reg->path, value, REGISTRY_SCHEMA_VERSION);
		}
		*version = value;
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

/* ---- migrations ------------------------------------------------------ */

/* One step of the schema: it makes VERSION from VERSION - 1. */
typedef struct registry_migration {
	long version;
	kd_result (*apply)(registry *reg, kd_err *err);
} registry_migration;

static kd_result migrate_v2(registry *reg, kd_err *err);
static kd_result migrate_v3(registry *reg, kd_err *err);
static kd_result migrate_v4(registry *reg, kd_err *err);

/*
 * Every migration, in increasing version order: 2 constraints and foreign
 * keys, 3 the audit table, 4 the catalog zone. A new registry is the
 * version 1 schema followed by all of them; an older file runs those above
 * its version.
 */
static const registry_migration registry_migrations[] = {
	{ 2, migrate_v2 },
	{ 3, migrate_v3 },
	{ 4, migrate_v4 },
};
#define MIGRATION_COUNT \
	(sizeof(registry_migrations) / sizeof(registry_migrations[0]))

_Static_assert(MIGRATION_COUNT + 1 == REGISTRY_SCHEMA_VERSION,
	"one migration per schema version above 1");

/* The SQL statements of migrate_v2() for one TABLE. */
enum v2_step { V2_RENAME, V2_COPY, V2_DROP };

static kd_result
v2_table_step(registry *reg, enum v2_step step, const char *table,
	kd_err *err)
{
	char sql[256];
	if (step == V2_RENAME) {
		(void)snprintf(sql, sizeof(sql),
			"ALTER TABLE %s RENAME TO v1_%s", table, table);
	} else if (step == V2_COPY) {
		/* WHERE: no transfer optimisation, which would copy rows
		 * unchecked between tables of identical constraints. */
		(void)snprintf(sql, sizeof(sql),
			"INSERT INTO %s SELECT * FROM v1_%s WHERE 1", table,
			table);
	} else {
		(void)snprintf(sql, sizeof(sql), "DROP TABLE v1_%s", table);
	}
	return registry_exec_sql(reg, sql, err);
}

/*
 * Version 2: rebuild every table with its constraints (SQLite cannot add
 * them to a table). Runs with foreign keys off and legacy_alter_table on
 * (so renaming a table leaves the references of the others alone), inside
 * the caller's transaction.
 */
static kd_result
migrate_v2(registry *reg, kd_err *err)
{
	const size_t count = sizeof(registry_v2_tables) /
		sizeof(registry_v2_tables[0]);
	kd_result ret = KD_OK;

	for (size_t i = 0; ret == KD_OK && i < count; i++) {
		ret = v2_table_step(reg, V2_RENAME, registry_v2_tables[i],
			err);
	}
	if (ret == KD_OK) {
		ret = registry_exec_sql(reg, registry_v2_create, err);
	}
	for (size_t i = 0; ret == KD_OK && i < count; i++) {
		kd_err inner;
		if (v2_table_step(reg, V2_COPY, registry_v2_tables[i],
			&inner) != KD_OK) {
			ret = kd_err_set(err, KD_ESTORE, "table %s holds a row "
				"the new schema rejects (%s); fix or delete it "
				"with the sqlite3 tool (kmsdns-registry verify "
				"names it)", registry_v2_tables[i],
				sqlite3_errmsg(reg->db));
			(void)inner;
		}
	}
	for (size_t i = count; ret == KD_OK && i > 0; i--) {
		ret = v2_table_step(reg, V2_DROP, registry_v2_tables[i - 1],
			err);
	}
	if (ret == KD_OK) {
		ret = registry_exec_sql(reg, registry_v2_indexes, err);
	}
	if (ret == KD_OK) {
		sqlite3_stmt *stmt = NULL;
		if (sqlite3_prepare_v2(reg->db, "PRAGMA foreign_key_check", -1,
			&stmt, NULL) != SQLITE_OK) {
			return registry_store_error(reg, err);
		}
		if (sqlite3_step(stmt) == SQLITE_ROW) {
			ret = kd_err_set(err, KD_ESTORE, "table %s holds rows "
				"of a zone that does not exist (rowid %lld "
				"first); delete them with the sqlite3 tool",
				(const char *)sqlite3_column_text(stmt, 0),
				(long long)sqlite3_column_int64(stmt, 1));
		}
		(void)sqlite3_finalize(stmt);
	}
	return ret;
}

/* Version 3: the audit log of every change (registry_audit.c). */
static kd_result
migrate_v3(registry *reg, kd_err *err)
{
	return registry_exec_sql(reg,
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
		"CREATE INDEX audit_by_zone ON audit(zone, time);", err);
}

/*
 * Version 4: the catalog zone (RFC 9432, registry_catalog.c). Each zone
 * gets a random unique id for its catalog entry (new when a zone is
 * removed and added again) and a membership flag; the catalog's serial
 * goes up whenever the set of member zones changes, whichever statement
 * changes it. Runs after version 2 rebuilt the tables, so its column,
 * index and triggers stay.
 */
static kd_result
migrate_v4(registry *reg, kd_err *err)
{
	static const char sql[] =
	"ALTER TABLE zones ADD COLUMN catalog_member INTEGER NOT NULL"
	" DEFAULT 1 CHECK (catalog_member IN (0, 1));"
	"ALTER TABLE zones ADD COLUMN catalog_id TEXT NOT NULL DEFAULT '';"
	"UPDATE zones SET catalog_id = lower(hex(randomblob(8)));"
	"CREATE UNIQUE INDEX zones_by_catalog_id ON zones(catalog_id);"
	"CREATE TABLE catalog ("
	" id INTEGER PRIMARY KEY CHECK (id = 1),"
	" name TEXT NOT NULL,"
	" serial INTEGER NOT NULL CHECK (serial BETWEEN 1 AND 4294967295));"
	"CREATE TABLE catalog_allow_transfer ("
	" position INTEGER NOT NULL,"
	" prefix TEXT PRIMARY KEY);"
	"CREATE TABLE catalog_notify ("
	" position INTEGER NOT NULL,"
	" endpoint TEXT PRIMARY KEY);"
	"CREATE TRIGGER zones_catalog_id AFTER INSERT ON zones"
	" WHEN NEW.catalog_id = '' BEGIN"
	" UPDATE zones SET catalog_id = lower(hex(randomblob(8)))"
	" WHERE name = NEW.name; END;"
	"CREATE TRIGGER zones_not_catalog BEFORE INSERT ON zones"
	" WHEN EXISTS (SELECT 1 FROM catalog WHERE name = NEW.name) BEGIN"
	" SELECT RAISE(ABORT,"
	" 'a zone cannot have the name of the catalog zone'); END;"
	"CREATE TRIGGER catalog_member_added AFTER INSERT ON zones"
	" WHEN NEW.catalog_member = 1 BEGIN"
	" UPDATE catalog SET serial = CASE WHEN serial >= 4294967295 THEN 1"
	" ELSE serial + 1 END; END;"
	"CREATE TRIGGER catalog_member_removed AFTER DELETE ON zones"
	" WHEN OLD.catalog_member = 1 BEGIN"
	" UPDATE catalog SET serial = CASE WHEN serial >= 4294967295 THEN 1"
	" ELSE serial + 1 END; END;"
	"CREATE TRIGGER catalog_member_changed AFTER UPDATE OF catalog_member"
	" ON zones WHEN OLD.catalog_member <> NEW.catalog_member BEGIN"
	" UPDATE catalog SET serial = CASE WHEN serial >= 4294967295 THEN 1"
	" ELSE serial + 1 END; END;";

	return registry_exec_sql(reg, sql, err);
}

/*
 * Bring REG's file from schema FROM to REGISTRY_SCHEMA_VERSION in the
 * open transaction: every migration above FROM, then the version mark.
 */
static kd_result
run_migrations(registry *reg, long from, kd_err *err)
{
	kd_result ret = registry_exec_sql(reg,
		"PRAGMA legacy_alter_table = ON", err);

	for (size_t i = 0; ret == KD_OK && i < MIGRATION_COUNT; i++) {
		if (registry_migrations[i].version <= from) {
			continue;
		}
		kd_err inner;
		ret = registry_migrations[i].apply(reg, &inner);
		if (ret != KD_OK) {
			ret = kd_err_set(err, ret, "registry %s: cannot upgrade "
				"it to schema version %ld: %s", reg->path,
				registry_migrations[i].version, inner.text);
		}
	}
	if (ret == KD_OK) {
		char sql[128];
		(void)snprintf(sql, sizeof(sql), "UPDATE meta SET value = '%d'"
			" WHERE key = 'schema_version'", REGISTRY_SCHEMA_VERSION);
		ret = registry_exec_sql(reg, sql, err);
	}
	(void)sqlite3_exec(reg->db, "PRAGMA legacy_alter_table = OFF", NULL,
		NULL, NULL);
	return ret;
}

/*
 * End the open transaction of REG: commit it when RET is KD_OK, else, or
 * when the commit fails, roll it back. Returns RET or the commit's error.
 */
static kd_result
commit_or_rollback(registry *reg, kd_result ret, kd_err *err)
{
	if (ret == KD_OK) {
		ret = registry_exec_sql(reg, "COMMIT", err);
	}
	if (ret != KD_OK) {
		(void)sqlite3_exec(reg->db, "ROLLBACK", NULL, NULL, NULL);
	}
	return ret;
}

/*
 * Upgrade the older file of the writer REG in one transaction (the
 * version is read again inside it: another process may have been first).
 */
static kd_result
upgrade(registry *reg, kd_err *err)
{
	long version = 0;
	kd_result ret = registry_exec_sql(reg, "PRAGMA foreign_keys = OFF",
		err);

	if (ret == KD_OK) {
		ret = registry_exec_sql(reg, "BEGIN IMMEDIATE", err);
	}
	if (ret != KD_OK) {
		return ret;
	}
	ret = check_schema(reg, &version, err);
	if (ret == KD_OK && version < REGISTRY_SCHEMA_VERSION) {
		ret = run_migrations(reg, version, err);
	}
	return commit_or_rollback(reg, ret, err);
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
	long version = 0;
	ret = check_schema(reg, &version, err);
	if (ret == KD_OK && version < REGISTRY_SCHEMA_VERSION) {
		/* Readers read older files: versions up to now only added
		 * constraints. A writer upgrades the file first. */
		if (!read_only) {
			ret = upgrade(reg, err);
		} else if (version < REGISTRY_SCHEMA_READ_MIN) {
			ret = kd_err_set(err, KD_ESCHEMA, "registry %s: schema "
				"version %ld is too old to read: open it once "
				"for writing to upgrade it", path, version);
		}
	}
	if (ret == KD_OK) {
		reg->schema_version = read_only ? version :
			REGISTRY_SCHEMA_VERSION;
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

	/* Version 1, then every migration: one path for new and old. */
	char meta[256];
	(void)snprintf(meta, sizeof(meta),
		"INSERT INTO meta (key, value) VALUES"
		" ('schema_version', 1),"
		" ('stale_after', %d),"
		" ('scavenge_after', %d);",
		REGISTRY_DEFAULT_STALE_AFTER, REGISTRY_DEFAULT_SCAVENGE_AFTER);

	kd_result ret = registry_exec_sql(reg, "BEGIN IMMEDIATE", err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = registry_exec_sql(reg, registry_schema_sql, err);
	if (ret == KD_OK) {
		ret = registry_exec_sql(reg, meta, err);
	}
	if (ret == KD_OK) {
		ret = run_migrations(reg, 1, err);
	}
	return commit_or_rollback(reg, ret, err);
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

kd_result
registry_checkpoint(registry *reg, kd_err *err)
{
	int log_frames = 0, done_frames = 0;
	const int rc = sqlite3_wal_checkpoint_v2(reg->db, "main",
		SQLITE_CHECKPOINT_TRUNCATE, &log_frames, &done_frames);
	if (rc != SQLITE_OK) {
		return registry_store_error(reg, err);
	}
	return KD_OK;
}

kd_result
registry_check_integrity(registry *reg, kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	if (sqlite3_prepare_v2(reg->db, "PRAGMA integrity_check(1)", -1, &stmt,
		NULL) != SQLITE_OK) {
		return registry_store_error(reg, err);
	}
	kd_result ret = KD_OK;
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(stmt, 0);
		if (text == NULL || strcmp(text, "ok") != 0) {
			ret = kd_err_set(err, KD_ESTORE, "registry %s: integrity "
				"check: %s", reg->path, text != NULL ? text : "?");
		}
	} else {
		ret = registry_store_error(reg, err);
	}
	(void)sqlite3_finalize(stmt);
	return ret;
}

bool
registry_writable(const registry *reg)
{
	return !reg->read_only && sqlite3_db_readonly(reg->db, "main") == 0;
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
	ret = commit_or_rollback(reg, ret, err);
	if (ret != KD_OK) {
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

kd_result
registry_read_begin(registry *reg, kd_err *err)
{
	return registry_read_enter(reg, err);
}

void
registry_read_end(registry *reg)
{
	registry_read_leave(reg, reg->depth == 0 && reg->reading);
}

static const char sql_data_version[] = "PRAGMA data_version";

kd_result
registry_change_counter(registry *reg, uint64_t *counter, kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	bool found = false;
	const kd_result ret = registry_query_row(reg, sql_data_version, NULL,
		0, &stmt, &found, err);

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
