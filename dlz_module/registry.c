/*
 * registry.c -- the SQLite registry of KMS host registrations.
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
 * A temporary table, bumped(zone), remembers which zones already had their
 * serial incremented in the open transaction, so a command that makes
 * several changes to a zone increments its serial once. Temporary tables
 * follow transactions and savepoints, so a rollback forgets the mark along
 * with the increment.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>

#include "dname.h"
#include "duration.h"
#include "grants.h"
#include "kd_result.h"
#include "registry.h"
#include "sites.h"
#include "srv.h"

/* RFC 2181 section 8: TTLs are 31-bit. The SOA timers use the same bound. */
#define REGISTRY_TTL_MAX UINT32_C(2147483647)
#define REGISTRY_BUSY_TIMEOUT_MS 5000
#define REGISTRY_SAVEPOINT "registry_op"

/* One prepared statement, found again by the address of its SQL text. */
typedef struct registry_stmt {
	const char *sql;
	sqlite3_stmt *stmt;
} registry_stmt;

struct registry {
	sqlite3 *db;
	char *path;
	bool read_only;
	unsigned depth;          /* open transaction levels (0: none) */
	bool reading;            /* a read transaction of registry_load() */
	uint64_t own_commits;    /* commits of this connection */
	registry_stmt *stmts;
	size_t stmt_count;
	size_t stmt_capacity;
};

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

/* ---- small helpers --------------------------------------------------- */

static kd_result
store_error(const registry *reg, kd_err *err)
{
	return kd_err_set(err, KD_ESTORE, "registry %s: %s", reg->path,
		sqlite3_errmsg(reg->db));
}

/* Run SQL (one or more statements without results). */
static kd_result
exec_sql(registry *reg, const char *sql, kd_err *err)
{
	if (sqlite3_exec(reg->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		return store_error(reg, err);
	}
	return KD_OK;
}

/*
 * The cached statement for SQL, which must be a string constant: the cache
 * is keyed by its address. The statement is reset and ready to bind.
 */
static kd_result
stmt_get(registry *reg, const char *sql, sqlite3_stmt **out, kd_err *err)
{
	for (size_t i = 0; i < reg->stmt_count; i++) {
		if (reg->stmts[i].sql == sql) {
			*out = reg->stmts[i].stmt;
			(void)sqlite3_reset(*out);
			return KD_OK;
		}
	}
	if (reg->stmt_count == reg->stmt_capacity) {
		const size_t capacity = reg->stmt_capacity == 0 ?
			32 : reg->stmt_capacity * 2;
		registry_stmt *grown = realloc(reg->stmts,
			capacity * sizeof(*grown));
		if (grown == NULL) {
			return kd_err_set(err, KD_ENOMEM,
				"registry %s: out of memory", reg->path);
		}
		reg->stmts = grown;
		reg->stmt_capacity = capacity;
	}

	sqlite3_stmt *stmt = NULL;
	if (sqlite3_prepare_v3(reg->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
		&stmt, NULL) != SQLITE_OK) {
		return store_error(reg, err);
	}
	reg->stmts[reg->stmt_count].sql = sql;
	reg->stmts[reg->stmt_count].stmt = stmt;
	reg->stmt_count++;
	*out = stmt;
	return KD_OK;
}

static void
bind_text(sqlite3_stmt *stmt, int index, const char *text)
{
	(void)sqlite3_bind_text(stmt, index, text, -1, SQLITE_STATIC);
}

static void
bind_int(sqlite3_stmt *stmt, int index, int64_t value)
{
	(void)sqlite3_bind_int64(stmt, index, value);
}

/* Step a statement without results to its end and reset it. */
static kd_result
stmt_run(registry *reg, sqlite3_stmt *stmt, kd_err *err)
{
	const int rc = sqlite3_step(stmt);
	kd_result ret = KD_OK;

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		ret = store_error(reg, err);
	}
	(void)sqlite3_reset(stmt);
	return ret;
}

/*
 * Step a query expected to give at most one row. *FOUND says whether it
 * did; if so the caller reads the columns and then calls sqlite3_reset(),
 * else the statement is reset already.
 */
static kd_result
stmt_row(registry *reg, sqlite3_stmt *stmt, bool *found, kd_err *err)
{
	const int rc = sqlite3_step(stmt);

	if (rc == SQLITE_ROW) {
		*found = true;
		return KD_OK;
	}
	*found = false;
	const kd_result ret = rc == SQLITE_DONE ? KD_OK :
		store_error(reg, err);
	(void)sqlite3_reset(stmt);
	return ret;
}

/* Copy text column COL into OUT of OUTLEN bytes; false when it is longer. */
static bool
column_copy(sqlite3_stmt *stmt, int col, char *out, size_t outlen)
{
	const unsigned char *text = sqlite3_column_text(stmt, col);
	const size_t len = text != NULL ? strlen((const char *)text) : 0;

	if (len >= outlen) {
		out[0] = '\0';
		return false;
	}
	memcpy(out, text != NULL ? (const char *)text : "", len + 1);
	return true;
}

static kd_result
corrupt_error(const registry *reg, const char *table, kd_err *err)
{
	return kd_err_set(err, KD_ESTORE,
		"registry %s: table %s holds a malformed row", reg->path, table);
}

/* Grow *ITEMS (of *CAPACITY items of SIZE bytes) to hold COUNT + 1. */
static kd_result
array_reserve(void **items, size_t *capacity, size_t count, size_t size)
{
	if (count < *capacity) {
		return KD_OK;
	}
	const size_t wanted = *capacity == 0 ? 16 : *capacity * 2;
	void *grown = realloc(*items, wanted * size);
	if (grown == NULL) {
		return KD_ENOMEM;
	}
	*items = grown;
	*capacity = wanted;
	return KD_OK;
}

/*
 * Grow a per-zone array of COUNT items, which has no capacity field: its
 * capacity is the next power of two, so it grows when COUNT is one.
 */
static kd_result
array_reserve_pow2(void **items, size_t count, size_t size)
{
	if (count != 0 && (count & (count - 1)) != 0) {
		return KD_OK;
	}
	void *grown = realloc(*items, (count == 0 ? 1 : count * 2) * size);
	if (grown == NULL) {
		return KD_ENOMEM;
	}
	*items = grown;
	return KD_OK;
}

/*
 * Write the canonical form of NAME to OUT (DNAME_BUF_SIZE), with ROLE in
 * front of the reason when it is not valid: zone "a..b": empty label.
 */
static kd_result
name_normalize(const char *role, const char *name, dname_rules rules,
	char *out, kd_err *err)
{
	kd_err inner;
	const kd_result ret = dname_normalize(name, rules, out,
		DNAME_BUF_SIZE, &inner);

	if (ret != KD_OK) {
		return kd_err_set(err, ret, "%s %s", role, inner.text);
	}
	return KD_OK;
}

static kd_result
ttl_check(const char *what, const char *name, uint32_t ttl, kd_err *err)
{
	if (ttl > REGISTRY_TTL_MAX) {
		return kd_err_set(err, KD_ERANGE,
			"%s of %s: %" PRIu32 " is out of range 0-%" PRIu32,
			what, name, ttl, REGISTRY_TTL_MAX);
	}
	return KD_OK;
}

/* ---- text forms ------------------------------------------------------ */

const char *
registry_origin_name(registry_origin origin)
{
	return origin == REGISTRY_ORIGIN_UPDATE ? "update" : "static";
}

const char *
registry_state_name(registry_state state)
{
	switch (state) {
	case REGISTRY_STATE_ACTIVE:
		return "active";
	case REGISTRY_STATE_STALE:
		return "stale";
	case REGISTRY_STATE_EXPIRED:
		return "expired";
	}
	return "unknown";
}

const char *
registry_scope_name(registry_scope scope)
{
	return scope == REGISTRY_SCOPE_ANY ? "any" : "self";
}

kd_result
registry_scope_from_name(const char *name, registry_scope *out)
{
	if (name != NULL && strcmp(name, "self") == 0) {
		*out = REGISTRY_SCOPE_SELF;
		return KD_OK;
	}
	if (name != NULL && strcmp(name, "any") == 0) {
		*out = REGISTRY_SCOPE_ANY;
		return KD_OK;
	}
	return KD_EINVAL;
}

static bool
origin_from_text(const unsigned char *text, registry_origin *out)
{
	if (text == NULL) {
		return false;
	}
	if (strcmp((const char *)text, "static") == 0) {
		*out = REGISTRY_ORIGIN_STATIC;
		return true;
	}
	if (strcmp((const char *)text, "update") == 0) {
		*out = REGISTRY_ORIGIN_UPDATE;
		return true;
	}
	return false;
}

static bool
state_from_text(const unsigned char *text, registry_state *out)
{
	if (text == NULL) {
		return false;
	}
	if (strcmp((const char *)text, "active") == 0) {
		*out = REGISTRY_STATE_ACTIVE;
		return true;
	}
	if (strcmp((const char *)text, "stale") == 0) {
		*out = REGISTRY_STATE_STALE;
		return true;
	}
	return false;
}

/* ---- value checks ---------------------------------------------------- */

kd_result
registry_address_normalize(const char *text, char *out, size_t outlen,
	kd_err *err)
{
	unsigned char bytes[16];
	int family = AF_INET;

	if (text == NULL || text[0] == '\0') {
		return kd_err_set(err, KD_EINVAL, "address \"\": empty");
	}
	if (inet_pton(AF_INET, text, bytes) != 1) {
		family = AF_INET6;
		if (inet_pton(AF_INET6, text, bytes) != 1) {
			return kd_err_set(err, KD_EINVAL,
				"\"%.64s%s\" is not an IPv4 or IPv6 address",
				text, strlen(text) > 64 ? "..." : "");
		}
	}
	if (inet_ntop(family, bytes, out, (socklen_t)outlen) == NULL) {
		return kd_err_set(err, KD_EFULL,
			"address \"%s\": %zu bytes are too few to hold it", text,
			outlen);
	}
	return KD_OK;
}

kd_result
registry_prefix_normalize(const char *text, char *out, size_t outlen,
	kd_err *err)
{
	sites_prefix prefix;
	const kd_result ret = sites_prefix_parse(text, &prefix, err);

	if (ret != KD_OK) {
		return ret;
	}
	sites_prefix_format(&prefix, out, outlen);
	return KD_OK;
}

kd_result
registry_endpoint_normalize(const char *text, char *out, size_t outlen,
	kd_err *err)
{
	char address_text[REGISTRY_ADDR_MAX];
	char address[REGISTRY_ADDR_MAX];
	unsigned long port = 53;

	if (text == NULL || text[0] == '\0') {
		return kd_err_set(err, KD_EINVAL, "notify endpoint \"\": empty");
	}
	const char *hash = strchr(text, '#');
	const size_t address_len = hash != NULL ?
		(size_t)(hash - text) : strlen(text);
	if (address_len >= sizeof(address_text)) {
		return kd_err_set(err, KD_EINVAL,
			"notify endpoint \"%.64s...\": not an address", text);
	}
	memcpy(address_text, text, address_len);
	address_text[address_len] = '\0';

	kd_err inner;
	if (registry_address_normalize(address_text, address,
		sizeof(address), &inner) != KD_OK) {
		return kd_err_set(err, KD_EINVAL, "notify endpoint \"%s\": %s",
			text, inner.text);
	}
	if (hash != NULL) {
		const char *digits = hash + 1;
		size_t n = 0;
		port = 0;
		for (; digits[n] >= '0' && digits[n] <= '9' && n < 6; n++) {
			port = port * 10 + (unsigned long)(digits[n] - '0');
		}
		if (n == 0 || digits[n] != '\0') {
			return kd_err_set(err, KD_EINVAL,
				"notify endpoint \"%s\": port \"%s\" is not a "
				"number", text, digits);
		}
		if (port < 1 || port > 65535) {
			return kd_err_set(err, KD_ERANGE,
				"notify endpoint \"%s\": port %lu is out of "
				"range 1-65535", text, port);
		}
	}
	const int written = snprintf(out, outlen, "%s#%lu", address, port);
	if (written < 0 || (size_t)written >= outlen) {
		return kd_err_set(err, KD_EFULL,
			"notify endpoint \"%s\": %zu bytes are too few", text,
			outlen);
	}
	return KD_OK;
}

kd_result
registry_site_validate(const char *site, kd_err *err)
{
	if (site == NULL || site[0] == '\0') {
		return kd_err_set(err, KD_EINVAL, "site \"\": empty name");
	}
	const size_t len = strlen(site);
	if (len >= REGISTRY_SITE_MAX) {
		return kd_err_set(err, KD_EINVAL,
			"site \"%.64s...\": name is longer than %d characters",
			site, REGISTRY_SITE_MAX - 1);
	}
	for (size_t i = 0; i < len; i++) {
		const char c = site[i];
		const bool allowed = (c >= 'a' && c <= 'z') ||
			(c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			c == '-' || c == '_' || c == '.';
		if (!allowed) {
			return kd_err_set(err, KD_EINVAL,
				"site \"%s\": the character 0x%02x is not "
				"allowed (use letters, digits, '-', '_' and '.')",
				site, (unsigned char)c);
		}
	}
	return KD_OK;
}

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
	kd_result ret = exec_sql(reg,
		"PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;", err);
	if (ret == KD_OK && !reg->read_only) {
		ret = exec_sql(reg,
			"CREATE TEMP TABLE IF NOT EXISTS bumped ("
			" zone TEXT PRIMARY KEY)", err);
	}
	return ret;
}

static kd_result
check_schema(registry *reg, kd_err *err)
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
		return store_error(reg, err);
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
		} else if (value != REGISTRY_SCHEMA_VERSION) {
			ret = kd_err_set(err, KD_ESCHEMA,
				"registry %s: schema version %ld is not "
				"supported (this kmsdns reads version %d)",
				reg->path, value, REGISTRY_SCHEMA_VERSION);
		}
	} else if (rc == SQLITE_DONE) {
		ret = kd_err_set(err, KD_ESTORE,
			"registry %s: not a kmsdns registry (no schema version)",
			reg->path);
	} else {
		ret = store_error(reg, err);
	}
	(void)sqlite3_finalize(stmt);
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
		ret = reg->db != NULL ? store_error(reg, err) :
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
		return store_error(reg, err);
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
		" ('schema_version', %d),"
		" ('stale_after', %d),"
		" ('scavenge_after', %d);",
		REGISTRY_SCHEMA_VERSION, REGISTRY_DEFAULT_STALE_AFTER,
		REGISTRY_DEFAULT_SCAVENGE_AFTER);

	kd_result ret = exec_sql(reg, "BEGIN IMMEDIATE", err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = exec_sql(reg, registry_schema_sql, err);
	if (ret == KD_OK) {
		ret = exec_sql(reg, meta, err);
	}
	if (ret == KD_OK) {
		ret = exec_sql(reg, "COMMIT", err);
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
		ret = reg->db != NULL ? store_error(reg, err) :
			kd_err_set(err, KD_ENOMEM, "registry %s: out of memory",
				path);
	} else {
		(void)sqlite3_busy_timeout(reg->db, REGISTRY_BUSY_TIMEOUT_MS);
		ret = exec_sql(reg, "PRAGMA synchronous = FULL", err);
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
static kd_result
tx_enter(registry *reg, kd_err *err)
{
	if (reg->read_only) {
		return kd_err_set(err, KD_EPERM, "registry %s is open read-only",
			reg->path);
	}
	const kd_result ret = exec_sql(reg, reg->depth == 0 ?
		"BEGIN IMMEDIATE" : "SAVEPOINT " REGISTRY_SAVEPOINT, err);
	if (ret == KD_OK) {
		reg->depth++;
	}
	return ret;
}

/* Leave a write level: keep its changes when RET is KD_OK, else undo them. */
static kd_result
tx_leave(registry *reg, kd_result ret, kd_err *err)
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
		return exec_sql(reg, "RELEASE " REGISTRY_SAVEPOINT, err);
	}
	ret = exec_sql(reg, "DELETE FROM temp.bumped", err);
	if (ret == KD_OK) {
		ret = exec_sql(reg, "COMMIT", err);
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
	return tx_enter(reg, err);
}

kd_result
registry_commit(registry *reg, kd_err *err)
{
	if (reg->depth == 0) {
		return kd_err_set(err, KD_EINVAL,
			"registry %s: no transaction to commit", reg->path);
	}
	return tx_leave(reg, KD_OK, err);
}

void
registry_rollback(registry *reg)
{
	if (reg != NULL && reg->depth > 0) {
		(void)tx_leave(reg, KD_ESTORE, NULL);
	}
}

/*
 * Reads of several tables see one snapshot: outside a write transaction
 * they run in a read transaction of their own.
 */
static kd_result
read_enter(registry *reg, kd_err *err)
{
	if (reg->depth > 0 || reg->reading) {
		return KD_OK;
	}
	const kd_result ret = exec_sql(reg, "BEGIN", err);
	if (ret == KD_OK) {
		reg->reading = true;
	}
	return ret;
}

static void
read_leave(registry *reg, bool entered)
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
	kd_result ret = stmt_get(reg, sql_data_version, &stmt, err);

	if (ret == KD_OK) {
		ret = stmt_row(reg, stmt, &found, err);
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

/* ---- serials --------------------------------------------------------- */

static const char sql_bump_mark[] =
	"INSERT OR IGNORE INTO temp.bumped (zone) VALUES (?1)";
static const char sql_bump_serial[] =
	"UPDATE zones SET serial = CASE WHEN serial >= 4294967295 THEN 1"
	" ELSE serial + 1 END WHERE name = ?1";

/* Remember that ZONE's serial is set in this transaction; *FIRST if new. */
static kd_result
serial_mark(registry *reg, const char *zone, bool *first, kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	kd_result ret = stmt_get(reg, sql_bump_mark, &stmt, err);

	if (ret != KD_OK) {
		return ret;
	}
	bind_text(stmt, 1, zone);
	ret = stmt_run(reg, stmt, err);
	if (first != NULL) {
		*first = ret == KD_OK && sqlite3_changes(reg->db) > 0;
	}
	return ret;
}

/*
 * Increment ZONE's serial (modulo 2^32, skipping 0) once per transaction.
 * Must run inside a write level.
 */
static kd_result
serial_bump(registry *reg, const char *zone, kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	bool first = false;
	kd_result ret = serial_mark(reg, zone, &first, err);

	if (ret != KD_OK || !first) {
		return ret;
	}
	ret = stmt_get(reg, sql_bump_serial, &stmt, err);
	if (ret != KD_OK) {
		return ret;
	}
	bind_text(stmt, 1, zone);
	return stmt_run(reg, stmt, err);
}

static const char sql_zone_exists[] = "SELECT 1 FROM zones WHERE name = ?1";

/* *FOUND: whether the query SQL returns a row for KEY (bound as ?1). */
static kd_result
row_exists(registry *reg, const char *sql, const char *key, bool *found,
	kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	kd_result ret = stmt_get(reg, sql, &stmt, err);

	*found = false;
	if (ret != KD_OK) {
		return ret;
	}
	bind_text(stmt, 1, key);
	ret = stmt_row(reg, stmt, found, err);
	if (ret == KD_OK) {
		(void)sqlite3_reset(stmt);
	}
	return ret;
}

/*
 * KD_OK when the WHAT ("zone", "site") KEY exists by the query SQL, else
 * KD_ENOENT naming it.
 */
static kd_result
row_require(registry *reg, const char *sql, const char *what,
	const char *key, kd_err *err)
{
	bool found = false;
	kd_result ret = row_exists(reg, sql, key, &found, err);

	if (ret == KD_OK && !found) {
		ret = kd_err_set(err, KD_ENOENT, "%s %s does not exist", what,
			key);
	}
	return ret;
}

/* KD_OK when zone ZONE (canonical) exists, else KD_ENOENT naming it. */
static kd_result
zone_require(registry *reg, const char *zone, kd_err *err)
{
	return row_require(reg, sql_zone_exists, "zone", zone, err);
}

/* ---- settings -------------------------------------------------------- */

static const char sql_settings_get[] =
	"SELECT key, value FROM meta"
	" WHERE key IN ('stale_after', 'scavenge_after')";
static const char sql_settings_set[] =
	"INSERT INTO meta (key, value) VALUES (?1, ?2)"
	" ON CONFLICT (key) DO UPDATE SET value = excluded.value";

kd_result
registry_get_settings(registry *reg, registry_settings *out, kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	kd_result ret = stmt_get(reg, sql_settings_get, &stmt, err);

	if (ret != KD_OK) {
		return ret;
	}
	out->stale_after = REGISTRY_DEFAULT_STALE_AFTER;
	out->scavenge_after = REGISTRY_DEFAULT_SCAVENGE_AFTER;
	int rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(stmt, 0);
		const int64_t value = sqlite3_column_int64(stmt, 1);
		if (key == NULL || value <= 0 || value > DURATION_MAX_SECONDS) {
			(void)sqlite3_reset(stmt);
			return corrupt_error(reg, "meta", err);
		}
		if (strcmp(key, "stale_after") == 0) {
			out->stale_after = value;
		} else {
			out->scavenge_after = value;
		}
	}
	if (rc != SQLITE_DONE) {
		ret = store_error(reg, err);
	}
	(void)sqlite3_reset(stmt);
	return ret;
}

kd_result
registry_set_settings(registry *reg, const registry_settings *in,
	kd_err *err)
{
	char stale[DURATION_TEXT_MAX];
	char scavenge[DURATION_TEXT_MAX];

	duration_format(in->stale_after, stale, sizeof(stale));
	duration_format(in->scavenge_after, scavenge, sizeof(scavenge));
	if (in->stale_after < 1 || in->stale_after > DURATION_MAX_SECONDS) {
		return kd_err_set(err, KD_ERANGE,
			"stale-after %s is out of range 1s-%" PRId64 "s", stale,
			DURATION_MAX_SECONDS);
	}
	if (in->scavenge_after < 1 ||
		in->scavenge_after > DURATION_MAX_SECONDS) {
		return kd_err_set(err, KD_ERANGE,
			"scavenge-after %s is out of range 1s-%" PRId64 "s",
			scavenge, DURATION_MAX_SECONDS);
	}
	if (in->scavenge_after < in->stale_after) {
		return kd_err_set(err, KD_EINVAL,
			"scavenge-after %s is shorter than stale-after %s",
			scavenge, stale);
	}

	kd_result ret = tx_enter(reg, err);
	if (ret != KD_OK) {
		return ret;
	}
	sqlite3_stmt *stmt = NULL;
	ret = stmt_get(reg, sql_settings_set, &stmt, err);
	if (ret == KD_OK) {
		bind_text(stmt, 1, "stale_after");
		bind_int(stmt, 2, in->stale_after);
		ret = stmt_run(reg, stmt, err);
	}
	if (ret == KD_OK) {
		bind_text(stmt, 1, "scavenge_after");
		bind_int(stmt, 2, in->scavenge_after);
		ret = stmt_run(reg, stmt, err);
	}
	return tx_leave(reg, ret, err);
}

/* ---- zones ----------------------------------------------------------- */

static const char sql_zone_insert[] =
	"INSERT INTO zones (name, soa_mname, soa_rname, serial, ttl, refresh,"
	" retry, expire, minimum) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char sql_ns_insert[] =
	"INSERT OR IGNORE INTO zone_ns (zone, position, name)"
	" VALUES (?1, ?2, ?3)";
static const char sql_ns_address_insert[] =
	"INSERT OR IGNORE INTO zone_ns_addresses (zone, ns, position, address)"
	" VALUES (?1, ?2, ?3, ?4)";
static const char sql_transfer_insert[] =
	"INSERT OR IGNORE INTO zone_allow_transfer (zone, position, prefix)"
	" VALUES (?1, ?2, ?3)";
static const char sql_notify_insert[] =
	"INSERT OR IGNORE INTO zone_notify (zone, position, endpoint)"
	" VALUES (?1, ?2, ?3)";
static const char sql_zone_delete[] = "DELETE FROM zones WHERE name = ?1";
static const char sql_zone_set_serial[] =
	"UPDATE zones SET serial = ?2 WHERE name = ?1";

/* The checked, canonical SOA names and timers of a zone to add. */
typedef struct zone_head {
	char name[DNAME_BUF_SIZE];
	char mname[DNAME_BUF_SIZE];
	char rname[DNAME_BUF_SIZE];
} zone_head;

static kd_result
zone_head_check(const registry_zone *zone, zone_head *head, kd_err *err)
{
	kd_result ret = name_normalize("zone", zone->name, DNAME_OWNER,
		head->name, err);
	if (ret != KD_OK) {
		return ret;
	}
	if (zone->ns_count == 0 || zone->ns == NULL) {
		return kd_err_set(err, KD_EINVAL,
			"zone %s needs at least one name server", head->name);
	}
	const char *mname = zone->soa_mname[0] != '\0' ?
		zone->soa_mname : zone->ns[0].name;
	ret = name_normalize("SOA mname", mname, DNAME_HOST, head->mname,
		err);
	if (ret != KD_OK) {
		return ret;
	}
	if (zone->soa_rname[0] != '\0') {
		ret = name_normalize("SOA rname", zone->soa_rname, DNAME_OWNER,
			head->rname, err);
	} else {
		char rname[DNAME_BUF_SIZE + 16];
		(void)snprintf(rname, sizeof(rname), "hostmaster.%s",
			head->name);
		ret = name_normalize("SOA rname", rname, DNAME_OWNER,
			head->rname, err);
	}
	if (ret != KD_OK) {
		return ret;
	}

	const struct {
		const char *what;
		uint32_t value;
	} timers[] = {
		{ "TTL", zone->ttl }, { "SOA refresh", zone->refresh },
		{ "SOA retry", zone->retry }, { "SOA expire", zone->expire },
		{ "SOA minimum", zone->minimum },
	};
	for (size_t i = 0; i < sizeof(timers) / sizeof(timers[0]); i++) {
		ret = ttl_check(timers[i].what, head->name, timers[i].value,
			err);
		if (ret != KD_OK) {
			return ret;
		}
	}
	return KD_OK;
}

static kd_result
zone_insert_ns(registry *reg, const char *zone, const registry_ns *ns,
	int64_t position, kd_err *err)
{
	char name[DNAME_BUF_SIZE];
	sqlite3_stmt *stmt = NULL;
	kd_result ret = name_normalize("name server", ns->name, DNAME_HOST,
		name, err);

	if (ret == KD_OK) {
		ret = stmt_get(reg, sql_ns_insert, &stmt, err);
	}
	if (ret != KD_OK) {
		return ret;
	}
	bind_text(stmt, 1, zone);
	bind_int(stmt, 2, position);
	bind_text(stmt, 3, name);
	ret = stmt_run(reg, stmt, err);

	if (ret == KD_OK && ns->address_count > 0 &&
		!dname_is_subdomain(name, zone)) {
		return kd_err_set(err, KD_EINVAL,
			"address of %s cannot be served in zone %s", name, zone);
	}
	for (size_t i = 0; ret == KD_OK && i < ns->address_count; i++) {
		char address[REGISTRY_ADDR_MAX];
		ret = registry_address_normalize(ns->addresses[i], address,
			sizeof(address), err);
		if (ret == KD_OK) {
			ret = stmt_get(reg, sql_ns_address_insert, &stmt, err);
		}
		if (ret == KD_OK) {
			bind_text(stmt, 1, zone);
			bind_text(stmt, 2, name);
			bind_int(stmt, 3, (int64_t)i);
			bind_text(stmt, 4, address);
			ret = stmt_run(reg, stmt, err);
		}
	}
	return ret;
}

/* Insert ZONE's list of COUNT texts of SIZE bytes at TEXTS, normalized. */
typedef kd_result (*normalize_fn)(const char *text, char *out, size_t outlen,
	kd_err *err);

static kd_result
zone_insert_list(registry *reg, const char *sql, const char *zone,
	const char *texts, size_t size, size_t count, normalize_fn normalize,
	kd_err *err)
{
	kd_result ret = KD_OK;

	for (size_t i = 0; ret == KD_OK && i < count; i++) {
		char text[REGISTRY_ENDPOINT_MAX];
		sqlite3_stmt *stmt = NULL;
		ret = normalize(texts + i * size, text, sizeof(text), err);
		if (ret == KD_OK) {
			ret = stmt_get(reg, sql, &stmt, err);
		}
		if (ret == KD_OK) {
			bind_text(stmt, 1, zone);
			bind_int(stmt, 2, (int64_t)i);
			bind_text(stmt, 3, text);
			ret = stmt_run(reg, stmt, err);
		}
	}
	return ret;
}

static kd_result
zone_insert(registry *reg, const registry_zone *zone, const zone_head *head,
	uint32_t serial, kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	bool found = false;
	kd_result ret = row_exists(reg, sql_zone_exists, head->name, &found,
		err);

	if (ret != KD_OK) {
		return ret;
	}
	if (found) {
		return kd_err_set(err, KD_EEXIST, "zone %s already exists",
			head->name);
	}

	ret = stmt_get(reg, sql_zone_insert, &stmt, err);
	if (ret != KD_OK) {
		return ret;
	}
	bind_text(stmt, 1, head->name);
	bind_text(stmt, 2, head->mname);
	bind_text(stmt, 3, head->rname);
	bind_int(stmt, 4, serial);
	bind_int(stmt, 5, zone->ttl);
	bind_int(stmt, 6, zone->refresh);
	bind_int(stmt, 7, zone->retry);
	bind_int(stmt, 8, zone->expire);
	bind_int(stmt, 9, zone->minimum);
	ret = stmt_run(reg, stmt, err);

	for (size_t i = 0; ret == KD_OK && i < zone->ns_count; i++) {
		ret = zone_insert_ns(reg, head->name, &zone->ns[i], (int64_t)i,
			err);
	}
	if (ret == KD_OK) {
		ret = zone_insert_list(reg, sql_transfer_insert, head->name,
			zone->allow_transfer != NULL ?
			zone->allow_transfer[0] : NULL,
			REGISTRY_PREFIX_MAX, zone->allow_transfer_count,
			registry_prefix_normalize, err);
	}
	if (ret == KD_OK) {
		ret = zone_insert_list(reg, sql_notify_insert, head->name,
			zone->notify != NULL ? zone->notify[0] : NULL,
			REGISTRY_ENDPOINT_MAX, zone->notify_count,
			registry_endpoint_normalize, err);
	}
	if (ret == KD_OK) {
		/* The new serial already is the zone's first. */
		ret = serial_mark(reg, head->name, NULL, err);
	}
	return ret;
}

kd_result
registry_add_zone(registry *reg, const registry_zone *zone, int64_t now,
	kd_err *err)
{
	zone_head head;
	kd_result ret = zone_head_check(zone, &head, err);

	if (ret != KD_OK) {
		return ret;
	}
	uint32_t serial = (uint32_t)now;
	if (serial == 0) {
		serial = 1;
	}
	ret = tx_enter(reg, err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = zone_insert(reg, zone, &head, serial, err);
	return tx_leave(reg, ret, err);
}

/*
 * Run SQL on the row of zone NAME (?1) in one write level: delete it, or,
 * given SERIAL (?2), set its serial, which then is not bumped again in
 * this transaction. KD_ENOENT when the zone does not exist.
 */
static kd_result
zone_row_write(registry *reg, const char *name, const char *sql,
	const uint32_t *serial, kd_err *err)
{
	char zone[DNAME_BUF_SIZE];
	sqlite3_stmt *stmt = NULL;
	kd_result ret = name_normalize("zone", name, DNAME_OWNER, zone, err);

	if (ret != KD_OK) {
		return ret;
	}
	ret = tx_enter(reg, err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = stmt_get(reg, sql, &stmt, err);
	if (ret == KD_OK) {
		bind_text(stmt, 1, zone);
		if (serial != NULL) {
			bind_int(stmt, 2, *serial);
		}
		ret = stmt_run(reg, stmt, err);
	}
	if (ret == KD_OK && sqlite3_changes(reg->db) == 0) {
		ret = kd_err_set(err, KD_ENOENT, "zone %s does not exist",
			zone);
	}
	if (ret == KD_OK && serial != NULL) {
		ret = serial_mark(reg, zone, NULL, err);
	}
	return tx_leave(reg, ret, err);
}

kd_result
registry_remove_zone(registry *reg, const char *name, kd_err *err)
{
	return zone_row_write(reg, name, sql_zone_delete, NULL, err);
}

kd_result
registry_set_serial(registry *reg, const char *name, uint32_t serial,
	kd_err *err)
{
	return zone_row_write(reg, name, sql_zone_set_serial, &serial, err);
}

/* ---- SRV registrations ---------------------------------------------- */

#define HOST_COLUMNS \
	"zone, priority, weight, port, target, ttl, site, origin, signer," \
	" created, refreshed, state"
#define HOST_KEY \
	"zone = ?1 AND priority = ?2 AND weight = ?3 AND port = ?4" \
	" AND target = ?5"

static const char sql_host_find[] =
	"SELECT ttl, origin, state FROM hosts WHERE " HOST_KEY;
static const char sql_host_insert[] =
	"INSERT INTO hosts (" HOST_COLUMNS ") VALUES"
	" (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, 'active')";
static const char sql_host_refresh[] =
	"UPDATE hosts SET ttl = ?6, site = ?7, origin = ?8, signer = ?9,"
	" refreshed = ?10, state = 'active' WHERE " HOST_KEY;
static const char sql_host_replace[] =
	"DELETE FROM hosts WHERE zone = ?1 AND target = ?2 AND port = ?3"
	" AND NOT (priority = ?4 AND weight = ?5)";
static const char sql_host_delete[] = "DELETE FROM hosts WHERE " HOST_KEY;
static const char sql_site_exists[] =
	"SELECT 1 FROM sites WHERE site = ?1 LIMIT 1";

/* Bind the key of a registration: zone and rdata, as ?1 to ?5. */
static void
bind_host_key(sqlite3_stmt *stmt, const char *zone, const srv_record *srv,
	const char *target)
{
	bind_text(stmt, 1, zone);
	bind_int(stmt, 2, srv->priority);
	bind_int(stmt, 3, srv->weight);
	bind_int(stmt, 4, srv->port);
	bind_text(stmt, 5, target);
}

/* What an existing registration looked like before a refresh. */
typedef struct registration_before {
	bool found;
	uint32_t ttl;
	registry_origin origin;
	registry_state state;
} registration_before;

static kd_result
read_before(registry *reg, sqlite3_stmt *stmt, const char *table,
	registration_before *before, kd_err *err)
{
	kd_result ret = stmt_row(reg, stmt, &before->found, err);

	if (ret != KD_OK || !before->found) {
		return ret;
	}
	before->ttl = (uint32_t)sqlite3_column_int64(stmt, 0);
	if (!origin_from_text(sqlite3_column_text(stmt, 1), &before->origin) ||
		!state_from_text(sqlite3_column_text(stmt, 2), &before->state)) {
		ret = corrupt_error(reg, table, err);
	}
	(void)sqlite3_reset(stmt);
	return ret;
}

/*
 * The origin after a refresh: a static registration stays static, so a
 * dynamic update never makes an administrator's entry age out.
 */
static registry_origin
merged_origin(const registration_before *before, registry_origin origin)
{
	if (before->found && before->origin == REGISTRY_ORIGIN_STATIC) {
		return REGISTRY_ORIGIN_STATIC;
	}
	return origin;
}

static kd_result
host_store(registry *reg, const char *zone, const registry_host *host,
	const char *target, bool replace_target, int64_t now, kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	bool changed = false;
	kd_result ret = zone_require(reg, zone, err);

	if (ret == KD_OK && host->site[0] != '\0') {
		ret = row_require(reg, sql_site_exists, "site", host->site,
			err);
	}
	if (ret == KD_OK && replace_target) {
		ret = stmt_get(reg, sql_host_replace, &stmt, err);
		if (ret == KD_OK) {
			bind_text(stmt, 1, zone);
			bind_text(stmt, 2, target);
			bind_int(stmt, 3, host->srv.port);
			bind_int(stmt, 4, host->srv.priority);
			bind_int(stmt, 5, host->srv.weight);
			ret = stmt_run(reg, stmt, err);
			changed = sqlite3_changes(reg->db) > 0;
		}
	}

	registration_before before = { .found = false };
	if (ret == KD_OK) {
		ret = stmt_get(reg, sql_host_find, &stmt, err);
	}
	if (ret == KD_OK) {
		bind_host_key(stmt, zone, &host->srv, target);
		ret = read_before(reg, stmt, "hosts", &before, err);
	}
	if (ret != KD_OK) {
		return ret;
	}

	ret = stmt_get(reg, before.found ? sql_host_refresh : sql_host_insert,
		&stmt, err);
	if (ret != KD_OK) {
		return ret;
	}
	bind_host_key(stmt, zone, &host->srv, target);
	bind_int(stmt, 6, host->srv.ttl);
	bind_text(stmt, 7, host->site);
	bind_text(stmt, 8, registry_origin_name(merged_origin(&before,
		host->origin)));
	bind_text(stmt, 9, host->signer);
	bind_int(stmt, 10, now);
	ret = stmt_run(reg, stmt, err);

	changed = changed || !before.found || before.ttl != host->srv.ttl ||
		before.state != REGISTRY_STATE_ACTIVE;
	if (ret == KD_OK && changed) {
		ret = serial_bump(reg, zone, err);
	}
	return ret;
}

kd_result
registry_put_host(registry *reg, const registry_host *host,
	bool replace_target, int64_t now, kd_err *err)
{
	char zone[DNAME_BUF_SIZE];
	char target[DNAME_BUF_SIZE];
	kd_result ret = name_normalize("zone", host->zone, DNAME_OWNER, zone,
		err);

	if (ret == KD_OK) {
		ret = name_normalize("target", host->srv.target, DNAME_HOST,
			target, err);
	}
	if (ret == KD_OK) {
		ret = ttl_check("TTL", target, host->srv.ttl, err);
	}
	if (ret == KD_OK && host->site[0] != '\0') {
		ret = registry_site_validate(host->site, err);
	}
	if (ret != KD_OK) {
		return ret;
	}
	ret = tx_enter(reg, err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = host_store(reg, zone, host, target, replace_target, now, err);
	return tx_leave(reg, ret, err);
}

/*
 * In one write level: check that ZONE (canonical) exists, run the DELETE
 * in STMT (prepared and bound by the caller) and, when BUMP, bump the
 * serial of ZONE; fail with MISSING when it deleted nothing.
 */
static kd_result
delete_one(registry *reg, const char *zone, sqlite3_stmt *stmt,
	const kd_err *missing, bool bump, kd_err *err)
{
	kd_result ret = tx_enter(reg, err);

	if (ret != KD_OK) {
		return ret;
	}
	ret = zone_require(reg, zone, err);
	if (ret == KD_OK) {
		ret = stmt_run(reg, stmt, err);
	}
	if (ret == KD_OK && sqlite3_changes(reg->db) == 0) {
		*err = *missing;
		ret = KD_ENOENT;
	}
	if (ret == KD_OK && bump) {
		ret = serial_bump(reg, zone, err);
	}
	return tx_leave(reg, ret, err);
}

kd_result
registry_remove_srv(registry *reg, const char *zone, const srv_record *srv,
	kd_err *err)
{
	char zone_name[DNAME_BUF_SIZE];
	char target[DNAME_BUF_SIZE];
	sqlite3_stmt *stmt = NULL;
	kd_err missing;
	kd_result ret = name_normalize("zone", zone, DNAME_OWNER, zone_name,
		err);

	if (ret == KD_OK) {
		ret = name_normalize("target", srv->target, DNAME_HOST, target,
			err);
	}
	if (ret == KD_OK) {
		ret = stmt_get(reg, sql_host_delete, &stmt, err);
	}
	if (ret != KD_OK) {
		return ret;
	}
	bind_host_key(stmt, zone_name, srv, target);
	(void)kd_err_set(&missing, KD_ENOENT,
		"zone %s has no SRV registration %u %u %u %s", zone_name,
		(unsigned)srv->priority, (unsigned)srv->weight,
		(unsigned)srv->port, target);
	return delete_one(reg, zone_name, stmt, &missing, true, err);
}

static const char sql_target_delete_hosts[] =
	"DELETE FROM hosts WHERE zone = ?1 AND target = ?2";
static const char sql_target_delete_addresses[] =
	"DELETE FROM addresses WHERE zone = ?1 AND name = ?2";

kd_result
registry_remove_target(registry *reg, const char *zone, const char *target,
	kd_err *err)
{
	char zone_name[DNAME_BUF_SIZE];
	char target_name[DNAME_BUF_SIZE];
	kd_result ret = name_normalize("zone", zone, DNAME_OWNER, zone_name,
		err);

	if (ret == KD_OK) {
		ret = name_normalize("target", target, DNAME_HOST, target_name,
			err);
	}
	if (ret != KD_OK) {
		return ret;
	}
	ret = tx_enter(reg, err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = zone_require(reg, zone_name, err);

	int removed = 0;
	const char *const deletes[] = {
		sql_target_delete_hosts, sql_target_delete_addresses,
	};
	for (size_t i = 0; ret == KD_OK && i < 2; i++) {
		sqlite3_stmt *stmt = NULL;
		ret = stmt_get(reg, deletes[i], &stmt, err);
		if (ret == KD_OK) {
			bind_text(stmt, 1, zone_name);
			bind_text(stmt, 2, target_name);
			ret = stmt_run(reg, stmt, err);
			removed += sqlite3_changes(reg->db);
		}
	}
	if (ret == KD_OK && removed > 0) {
		ret = serial_bump(reg, zone_name, err);
	}
	return tx_leave(reg, ret, err);
}

/* Count, and refresh, the dynamic rows of TABLE whose KEY column is ?2. */
#define SQL_REFRESH_COUNT(table, key) \
	"SELECT count(*), count(CASE WHEN state = 'stale' THEN 1 END)" \
	" FROM " table " WHERE zone = ?1 AND " key " = ?2" \
	" AND origin = 'update'"
#define SQL_REFRESH(table, key) \
	"UPDATE " table " SET refreshed = ?3, signer = ?4, state = 'active'" \
	" WHERE zone = ?1 AND " key " = ?2 AND origin = 'update'"

/* The statements that select what one refresh renews, table by table. */
typedef struct refresh_query {
	const char *count_sql[2];
	const char *update_sql[2];
} refresh_query;

static const refresh_query refresh_by_target = {
	{ SQL_REFRESH_COUNT("hosts", "target"),
		SQL_REFRESH_COUNT("addresses", "name") },
	{ SQL_REFRESH("hosts", "target"), SQL_REFRESH("addresses", "name") },
};
static const refresh_query refresh_by_signer = {
	{ SQL_REFRESH_COUNT("hosts", "signer"),
		SQL_REFRESH_COUNT("addresses", "signer") },
	{ SQL_REFRESH("hosts", "signer"), SQL_REFRESH("addresses", "signer") },
};

/*
 * Refresh the rows of one table that the statements select by zone (?1)
 * and KEY (?2, a target or a signer); add to *COUNT and *STALE.
 */
static kd_result
refresh_rows(registry *reg, const char *count_sql, const char *update_sql,
	const char *zone, const char *key, const char *signer, int64_t now,
	size_t *count, size_t *stale, kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	bool found = false;
	kd_result ret = stmt_get(reg, count_sql, &stmt, err);

	if (ret != KD_OK) {
		return ret;
	}
	bind_text(stmt, 1, zone);
	bind_text(stmt, 2, key);
	ret = stmt_row(reg, stmt, &found, err);
	if (ret != KD_OK) {
		return ret;
	}
	const int64_t rows = found ? sqlite3_column_int64(stmt, 0) : 0;
	const int64_t stale_rows = found ? sqlite3_column_int64(stmt, 1) : 0;
	(void)sqlite3_reset(stmt);
	if (rows == 0) {
		return KD_OK;
	}

	ret = stmt_get(reg, update_sql, &stmt, err);
	if (ret != KD_OK) {
		return ret;
	}
	bind_text(stmt, 1, zone);
	bind_text(stmt, 2, key);
	bind_int(stmt, 3, now);
	bind_text(stmt, 4, signer != NULL ? signer : "");
	ret = stmt_run(reg, stmt, err);
	*count += (size_t)rows;
	*stale += (size_t)stale_rows;
	return ret;
}

/*
 * Refresh the hosts and addresses QUERY selects by KEY in the checked
 * ZONE, in one transaction; bump the serial when a stale one revives.
 */
static kd_result
refresh_zone(registry *reg, const refresh_query *query, const char *zone,
	const char *key, const char *signer, int64_t now, size_t *count,
	kd_err *err)
{
	size_t refreshed = 0;
	size_t revived = 0;
	kd_result ret = tx_enter(reg, err);

	if (ret != KD_OK) {
		return ret;
	}
	ret = zone_require(reg, zone, err);
	for (size_t i = 0; ret == KD_OK && i < 2; i++) {
		ret = refresh_rows(reg, query->count_sql[i],
			query->update_sql[i], zone, key, signer, now,
			&refreshed, &revived, err);
	}
	if (ret == KD_OK && revived > 0) {
		ret = serial_bump(reg, zone, err);
	}
	ret = tx_leave(reg, ret, err);
	if (ret == KD_OK && count != NULL) {
		*count = refreshed;
	}
	return ret;
}

kd_result
registry_refresh_target(registry *reg, const char *zone, const char *target,
	const char *signer, int64_t now, size_t *count, kd_err *err)
{
	char zone_name[DNAME_BUF_SIZE];
	char target_name[DNAME_BUF_SIZE];
	kd_result ret = name_normalize("zone", zone, DNAME_OWNER, zone_name,
		err);

	if (count != NULL) {
		*count = 0;
	}
	if (ret == KD_OK) {
		ret = name_normalize("target", target, DNAME_HOST, target_name,
			err);
	}
	if (ret != KD_OK) {
		return ret;
	}
	return refresh_zone(reg, &refresh_by_target, zone_name, target_name,
		signer, now, count, err);
}

kd_result
registry_refresh_signer(registry *reg, const char *zone, const char *signer,
	int64_t now, size_t *count, kd_err *err)
{
	char zone_name[DNAME_BUF_SIZE];
	kd_result ret = name_normalize("zone", zone, DNAME_OWNER, zone_name,
		err);

	if (count != NULL) {
		*count = 0;
	}
	if (ret != KD_OK) {
		return ret;
	}
	if (signer == NULL || signer[0] == '\0') {
		return kd_err_set(err, KD_EINVAL, "zone %s: refresh without a "
			"signer", zone_name);
	}
	return refresh_zone(reg, &refresh_by_signer, zone_name, signer, signer,
		now, count, err);
}

/* ---- addresses ------------------------------------------------------- */

#define ADDRESS_COLUMNS \
	"zone, name, address, ttl, origin, signer, created, refreshed, state"

static const char sql_address_find[] =
	"SELECT ttl, origin, state FROM addresses"
	" WHERE zone = ?1 AND name = ?2 AND address = ?3";
static const char sql_address_insert[] =
	"INSERT INTO addresses (" ADDRESS_COLUMNS ") VALUES"
	" (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, 'active')";
static const char sql_address_refresh[] =
	"UPDATE addresses SET ttl = ?4, origin = ?5, signer = ?6,"
	" refreshed = ?7, state = 'active'"
	" WHERE zone = ?1 AND name = ?2 AND address = ?3";
static const char sql_address_delete[] =
	"DELETE FROM addresses WHERE zone = ?1 AND name = ?2 AND address = ?3";

/* The checked, canonical zone, name and address of an address record. */
typedef struct address_key {
	char zone[DNAME_BUF_SIZE];
	char name[DNAME_BUF_SIZE];
	char address[REGISTRY_ADDR_MAX];
} address_key;

static kd_result
address_key_check(const char *zone, const char *name, const char *address,
	address_key *key, kd_err *err)
{
	kd_result ret = name_normalize("zone", zone, DNAME_OWNER, key->zone,
		err);

	if (ret == KD_OK) {
		ret = name_normalize("address owner", name, DNAME_HOST,
			key->name, err);
	}
	if (ret == KD_OK) {
		ret = registry_address_normalize(address, key->address,
			sizeof(key->address), err);
	}
	if (ret == KD_OK && !dname_is_subdomain(key->name, key->zone)) {
		ret = kd_err_set(err, KD_EINVAL,
			"address of %s cannot be served in zone %s", key->name,
			key->zone);
	}
	return ret;
}

static kd_result
address_store(registry *reg, const address_key *key,
	const registry_address *addr, int64_t now, kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	registration_before before = { .found = false };
	kd_result ret = zone_require(reg, key->zone, err);

	if (ret == KD_OK) {
		ret = stmt_get(reg, sql_address_find, &stmt, err);
	}
	if (ret == KD_OK) {
		bind_text(stmt, 1, key->zone);
		bind_text(stmt, 2, key->name);
		bind_text(stmt, 3, key->address);
		ret = read_before(reg, stmt, "addresses", &before, err);
	}
	if (ret == KD_OK) {
		ret = stmt_get(reg, before.found ? sql_address_refresh :
			sql_address_insert, &stmt, err);
	}
	if (ret != KD_OK) {
		return ret;
	}
	bind_text(stmt, 1, key->zone);
	bind_text(stmt, 2, key->name);
	bind_text(stmt, 3, key->address);
	bind_int(stmt, 4, addr->ttl);
	bind_text(stmt, 5, registry_origin_name(merged_origin(&before,
		addr->origin)));
	bind_text(stmt, 6, addr->signer);
	bind_int(stmt, 7, now);
	ret = stmt_run(reg, stmt, err);

	const bool changed = !before.found || before.ttl != addr->ttl ||
		before.state != REGISTRY_STATE_ACTIVE;
	if (ret == KD_OK && changed) {
		ret = serial_bump(reg, key->zone, err);
	}
	return ret;
}

kd_result
registry_put_address(registry *reg, const registry_address *addr,
	int64_t now, kd_err *err)
{
	address_key key;
	kd_result ret = address_key_check(addr->zone, addr->name,
		addr->address, &key, err);

	if (ret == KD_OK) {
		ret = ttl_check("TTL", key.name, addr->ttl, err);
	}
	if (ret != KD_OK) {
		return ret;
	}
	ret = tx_enter(reg, err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = address_store(reg, &key, addr, now, err);
	return tx_leave(reg, ret, err);
}

kd_result
registry_remove_address(registry *reg, const char *zone, const char *name,
	const char *address, kd_err *err)
{
	address_key key;
	sqlite3_stmt *stmt = NULL;
	kd_err missing;
	kd_result ret = address_key_check(zone, name, address, &key, err);

	if (ret == KD_OK) {
		ret = stmt_get(reg, sql_address_delete, &stmt, err);
	}
	if (ret != KD_OK) {
		return ret;
	}
	bind_text(stmt, 1, key.zone);
	bind_text(stmt, 2, key.name);
	bind_text(stmt, 3, key.address);
	(void)kd_err_set(&missing, KD_ENOENT,
		"zone %s has no address %s for %s", key.zone, key.address,
		key.name);
	return delete_one(reg, key.zone, stmt, &missing, true, err);
}

/* ---- grants and sites ------------------------------------------------ */

static const char sql_grant_upsert[] =
	"INSERT INTO grants (identity, zone, scope) VALUES (?1, ?2, ?3)"
	" ON CONFLICT (identity, zone) DO UPDATE SET scope = excluded.scope";
static const char sql_grant_delete[] =
	"DELETE FROM grants WHERE identity = ?1 AND zone = ?2";
static const char sql_site_of_prefix[] =
	"SELECT site FROM sites WHERE prefix = ?1";
static const char sql_site_insert[] =
	"INSERT INTO sites (prefix, site) VALUES (?1, ?2)";
static const char sql_site_delete[] = "DELETE FROM sites WHERE site = ?1";
static const char sql_site_unset_hosts[] =
	"UPDATE hosts SET site = '' WHERE site = ?1";

/* The canonical identity and zone of a grant. */
static kd_result
grant_key_check(const char *identity, const char *zone,
	char identity_out[REGISTRY_IDENTITY_MAX], char zone_out[DNAME_BUF_SIZE],
	kd_err *err)
{
	grants_identity_kind kind;
	kd_result ret = grants_identity_parse(identity, &kind, identity_out,
		REGISTRY_IDENTITY_MAX, err);

	if (ret == KD_OK) {
		ret = name_normalize("zone", zone, DNAME_OWNER, zone_out, err);
	}
	return ret;
}

kd_result
registry_add_grant(registry *reg, const registry_grant *grant, kd_err *err)
{
	char identity[REGISTRY_IDENTITY_MAX];
	char zone[DNAME_BUF_SIZE];
	sqlite3_stmt *stmt = NULL;
	kd_result ret = grant_key_check(grant->identity, grant->zone, identity,
		zone, err);

	if (ret != KD_OK) {
		return ret;
	}
	if (grant->scope != REGISTRY_SCOPE_SELF &&
		grant->scope != REGISTRY_SCOPE_ANY) {
		return kd_err_set(err, KD_EINVAL,
			"grant of %s in zone %s: unknown scope %d", identity, zone,
			(int)grant->scope);
	}
	ret = tx_enter(reg, err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = zone_require(reg, zone, err);
	if (ret == KD_OK) {
		ret = stmt_get(reg, sql_grant_upsert, &stmt, err);
	}
	if (ret == KD_OK) {
		bind_text(stmt, 1, identity);
		bind_text(stmt, 2, zone);
		bind_text(stmt, 3, registry_scope_name(grant->scope));
		ret = stmt_run(reg, stmt, err);
	}
	return tx_leave(reg, ret, err);
}

kd_result
registry_revoke(registry *reg, const char *identity, const char *zone,
	kd_err *err)
{
	char identity_name[REGISTRY_IDENTITY_MAX];
	char zone_name[DNAME_BUF_SIZE];
	sqlite3_stmt *stmt = NULL;
	kd_err missing;
	kd_result ret = grant_key_check(identity, zone, identity_name,
		zone_name, err);

	if (ret == KD_OK) {
		ret = stmt_get(reg, sql_grant_delete, &stmt, err);
	}
	if (ret != KD_OK) {
		return ret;
	}
	bind_text(stmt, 1, identity_name);
	bind_text(stmt, 2, zone_name);
	(void)kd_err_set(&missing, KD_ENOENT, "%s has no grant in zone %s",
		identity_name, zone_name);
	return delete_one(reg, zone_name, stmt, &missing, false, err);
}

static kd_result
site_prefix_store(registry *reg, const char *site, const char *prefix,
	kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	bool found = false;
	kd_result ret = stmt_get(reg, sql_site_of_prefix, &stmt, err);

	if (ret != KD_OK) {
		return ret;
	}
	bind_text(stmt, 1, prefix);
	ret = stmt_row(reg, stmt, &found, err);
	if (ret != KD_OK) {
		return ret;
	}
	if (found) {
		char owner[REGISTRY_SITE_MAX];
		const bool fits = column_copy(stmt, 0, owner, sizeof(owner));
		(void)sqlite3_reset(stmt);
		if (fits && strcmp(owner, site) == 0) {
			return KD_OK;
		}
		return kd_err_set(err, KD_EEXIST,
			"prefix %s already belongs to site %s", prefix, owner);
	}
	(void)sqlite3_reset(stmt);
	ret = stmt_get(reg, sql_site_insert, &stmt, err);
	if (ret == KD_OK) {
		bind_text(stmt, 1, prefix);
		bind_text(stmt, 2, site);
		ret = stmt_run(reg, stmt, err);
	}
	return ret;
}

kd_result
registry_add_site_prefix(registry *reg, const char *site,
	const char *prefix, kd_err *err)
{
	char canonical[REGISTRY_PREFIX_MAX];
	kd_result ret = registry_site_validate(site, err);

	if (ret == KD_OK) {
		ret = registry_prefix_normalize(prefix, canonical,
			sizeof(canonical), err);
	}
	if (ret != KD_OK) {
		return ret;
	}
	ret = tx_enter(reg, err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = site_prefix_store(reg, site, canonical, err);
	return tx_leave(reg, ret, err);
}

kd_result
registry_remove_site(registry *reg, const char *site, kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	kd_result ret = registry_site_validate(site, err);

	if (ret != KD_OK) {
		return ret;
	}
	ret = tx_enter(reg, err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = stmt_get(reg, sql_site_delete, &stmt, err);
	if (ret == KD_OK) {
		bind_text(stmt, 1, site);
		ret = stmt_run(reg, stmt, err);
	}
	if (ret == KD_OK && sqlite3_changes(reg->db) == 0) {
		ret = kd_err_set(err, KD_ENOENT, "site %s does not exist",
			site);
	}
	if (ret == KD_OK) {
		ret = stmt_get(reg, sql_site_unset_hosts, &stmt, err);
	}
	if (ret == KD_OK) {
		bind_text(stmt, 1, site);
		ret = stmt_run(reg, stmt, err);
	}
	return tx_leave(reg, ret, err);
}

/* ---- reading --------------------------------------------------------- */

/*
 * Every query comes in two forms: all zones, or one zone bound as ?1.
 * Rows come ordered by zone name (SQLite BINARY collation, the order of
 * strcmp() on our ASCII names), so children are attached to their zones by
 * walking both lists once.
 */
typedef struct load_query {
	const char *all;
	const char *one;
} load_query;

#define LOAD_QUERY(select, order) \
	{ select " ORDER BY " order, select " WHERE zone = ?1 ORDER BY " order }

static const load_query query_zones = {
	"SELECT name, soa_mname, soa_rname, serial, ttl, refresh, retry,"
	" expire, minimum FROM zones ORDER BY name",
	"SELECT name, soa_mname, soa_rname, serial, ttl, refresh, retry,"
	" expire, minimum FROM zones WHERE name = ?1",
};
static const load_query query_ns = LOAD_QUERY(
	"SELECT zone, name FROM zone_ns", "zone, position");
static const load_query query_ns_addresses = LOAD_QUERY(
	"SELECT zone, ns, address FROM zone_ns_addresses",
	"zone, ns, position");
static const load_query query_transfer = LOAD_QUERY(
	"SELECT zone, prefix FROM zone_allow_transfer", "zone, position");
static const load_query query_notify = LOAD_QUERY(
	"SELECT zone, endpoint FROM zone_notify", "zone, position");
static const load_query query_hosts = LOAD_QUERY(
	"SELECT " HOST_COLUMNS " FROM hosts",
	"zone, priority, weight, port, target");
static const load_query query_addresses = LOAD_QUERY(
	"SELECT " ADDRESS_COLUMNS " FROM addresses", "zone, name, address");
static const load_query query_grants = LOAD_QUERY(
	"SELECT identity, zone, scope FROM grants", "zone, identity");
static const char sql_load_sites[] =
	"SELECT site, prefix FROM sites ORDER BY site, prefix";
static const char sql_load_serials[] =
	"SELECT name, serial FROM zones ORDER BY name";

/* A query being read: the statement and the zone the rows belong to. */
typedef struct load_cursor {
	registry *reg;
	sqlite3_stmt *stmt;
	registry_dataset *ds;
	size_t zone_index;      /* walks ds->zones along the rows */
} load_cursor;

static kd_result
load_start(load_cursor *cur, const load_query *query, const char *zone,
	kd_err *err)
{
	kd_result ret = stmt_get(cur->reg, zone != NULL ? query->one :
		query->all, &cur->stmt, err);

	if (ret == KD_OK && zone != NULL) {
		bind_text(cur->stmt, 1, zone);
	}
	cur->zone_index = 0;
	return ret;
}

/*
 * Step to the next row; *ROW is false at the end. The caller resets the
 * statement when done (load_finish()).
 */
static kd_result
load_step(load_cursor *cur, bool *row, kd_err *err)
{
	const int rc = sqlite3_step(cur->stmt);

	*row = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		return KD_OK;
	}
	return store_error(cur->reg, err);
}

static kd_result
load_finish(load_cursor *cur, kd_result ret)
{
	if (cur->stmt != NULL) {
		(void)sqlite3_reset(cur->stmt);
	}
	return ret;
}

/* The zone of ZONE_NAME among the loaded zones, walking forward; or NULL. */
static registry_zone *
load_zone_of(load_cursor *cur, const unsigned char *zone_name)
{
	if (zone_name == NULL) {
		return NULL;
	}
	while (cur->zone_index < cur->ds->zone_count) {
		const int cmp = strcmp(cur->ds->zones[cur->zone_index].name,
			(const char *)zone_name);
		if (cmp == 0) {
			return &cur->ds->zones[cur->zone_index];
		}
		if (cmp > 0) {
			return NULL;
		}
		cur->zone_index++;
	}
	return NULL;
}

static kd_result
load_zones(load_cursor *cur, const char *zone, kd_err *err)
{
	registry_dataset *ds = cur->ds;
	size_t capacity = 0;
	bool row = false;
	kd_result ret = load_start(cur, &query_zones, zone, err);

	while (ret == KD_OK && (ret = load_step(cur, &row, err)) == KD_OK &&
		row) {
		if (array_reserve((void **)&ds->zones, &capacity,
			ds->zone_count, sizeof(*ds->zones)) != KD_OK) {
			ret = kd_err_set(err, KD_ENOMEM, "out of memory");
			break;
		}
		registry_zone *z = &ds->zones[ds->zone_count];
		memset(z, 0, sizeof(*z));
		ds->zone_count++;
		sqlite3_stmt *s = cur->stmt;
		if (!column_copy(s, 0, z->name, sizeof(z->name)) ||
			!column_copy(s, 1, z->soa_mname, sizeof(z->soa_mname)) ||
			!column_copy(s, 2, z->soa_rname, sizeof(z->soa_rname))) {
			ret = corrupt_error(cur->reg, "zones", err);
			break;
		}
		z->serial = (uint32_t)sqlite3_column_int64(s, 3);
		z->ttl = (uint32_t)sqlite3_column_int64(s, 4);
		z->refresh = (uint32_t)sqlite3_column_int64(s, 5);
		z->retry = (uint32_t)sqlite3_column_int64(s, 6);
		z->expire = (uint32_t)sqlite3_column_int64(s, 7);
		z->minimum = (uint32_t)sqlite3_column_int64(s, 8);
	}
	return load_finish(cur, ret);
}

static kd_result
load_ns(load_cursor *cur, const char *zone, kd_err *err)
{
	bool row = false;
	kd_result ret = load_start(cur, &query_ns, zone, err);

	while (ret == KD_OK && (ret = load_step(cur, &row, err)) == KD_OK &&
		row) {
		registry_zone *z = load_zone_of(cur,
			sqlite3_column_text(cur->stmt, 0));
		if (z == NULL) {
			continue;
		}
		if (array_reserve_pow2((void **)&z->ns, z->ns_count,
			sizeof(*z->ns)) != KD_OK) {
			ret = kd_err_set(err, KD_ENOMEM, "out of memory");
			break;
		}
		registry_ns *ns = &z->ns[z->ns_count];
		memset(ns, 0, sizeof(*ns));
		z->ns_count++;
		if (!column_copy(cur->stmt, 1, ns->name, sizeof(ns->name))) {
			ret = corrupt_error(cur->reg, "zone_ns", err);
		}
	}
	return load_finish(cur, ret);
}

static kd_result
load_ns_addresses(load_cursor *cur, const char *zone, kd_err *err)
{
	bool row = false;
	kd_result ret = load_start(cur, &query_ns_addresses, zone, err);

	while (ret == KD_OK && (ret = load_step(cur, &row, err)) == KD_OK &&
		row) {
		registry_zone *z = load_zone_of(cur,
			sqlite3_column_text(cur->stmt, 0));
		const char *ns_name =
			(const char *)sqlite3_column_text(cur->stmt, 1);
		registry_ns *ns = NULL;
		for (size_t i = 0; z != NULL && ns_name != NULL &&
			i < z->ns_count; i++) {
			if (strcmp(z->ns[i].name, ns_name) == 0) {
				ns = &z->ns[i];
			}
		}
		if (ns == NULL) {
			continue;
		}
		if (array_reserve_pow2((void **)&ns->addresses,
			ns->address_count, sizeof(*ns->addresses)) != KD_OK) {
			ret = kd_err_set(err, KD_ENOMEM, "out of memory");
			break;
		}
		if (!column_copy(cur->stmt, 2, ns->addresses[ns->address_count],
			REGISTRY_ADDR_MAX)) {
			ret = corrupt_error(cur->reg, "zone_ns_addresses", err);
			break;
		}
		ns->address_count++;
	}
	return load_finish(cur, ret);
}

/* The allow-transfer or notify list of a zone, by QUERY. */
static kd_result
load_zone_list(load_cursor *cur, const load_query *query, const char *zone,
	bool transfer, kd_err *err)
{
	bool row = false;
	kd_result ret = load_start(cur, query, zone, err);

	while (ret == KD_OK && (ret = load_step(cur, &row, err)) == KD_OK &&
		row) {
		registry_zone *z = load_zone_of(cur,
			sqlite3_column_text(cur->stmt, 0));
		if (z == NULL) {
			continue;
		}
		bool fits;
		if (transfer) {
			ret = array_reserve_pow2((void **)&z->allow_transfer,
				z->allow_transfer_count,
				sizeof(*z->allow_transfer));
			fits = ret == KD_OK && column_copy(cur->stmt, 1,
				z->allow_transfer[z->allow_transfer_count++],
				REGISTRY_PREFIX_MAX);
		} else {
			ret = array_reserve_pow2((void **)&z->notify,
				z->notify_count, sizeof(*z->notify));
			fits = ret == KD_OK && column_copy(cur->stmt, 1,
				z->notify[z->notify_count++],
				REGISTRY_ENDPOINT_MAX);
		}
		if (ret != KD_OK) {
			ret = kd_err_set(err, KD_ENOMEM, "out of memory");
		} else if (!fits) {
			ret = corrupt_error(cur->reg, transfer ?
				"zone_allow_transfer" : "zone_notify", err);
		}
	}
	return load_finish(cur, ret);
}

/* Read a row of HOST_COLUMNS into HOST; false when malformed. */
static bool
read_host_row(sqlite3_stmt *s, void *item)
{
	registry_host *host = item;

	memset(host, 0, sizeof(*host));
	const int64_t priority = sqlite3_column_int64(s, 1);
	const int64_t weight = sqlite3_column_int64(s, 2);
	const int64_t port = sqlite3_column_int64(s, 3);

	host->srv.priority = (uint16_t)priority;
	host->srv.weight = (uint16_t)weight;
	host->srv.port = (uint16_t)port;
	host->srv.ttl = (uint32_t)sqlite3_column_int64(s, 5);
	host->created = sqlite3_column_int64(s, 9);
	host->refreshed = sqlite3_column_int64(s, 10);
	return column_copy(s, 0, host->zone, sizeof(host->zone)) &&
		column_copy(s, 4, host->srv.target, sizeof(host->srv.target)) &&
		column_copy(s, 6, host->site, sizeof(host->site)) &&
		column_copy(s, 8, host->signer, sizeof(host->signer)) &&
		origin_from_text(sqlite3_column_text(s, 7), &host->origin) &&
		state_from_text(sqlite3_column_text(s, 11), &host->state) &&
		priority >= 0 && priority <= 65535 &&
		weight >= 0 && weight <= 65535 && port >= 0 && port <= 65535;
}

/* Read a row of ADDRESS_COLUMNS into ADDR; false when malformed. */
static bool
read_address_row(sqlite3_stmt *s, void *item)
{
	registry_address *addr = item;

	memset(addr, 0, sizeof(*addr));
	addr->ttl = (uint32_t)sqlite3_column_int64(s, 3);
	addr->created = sqlite3_column_int64(s, 6);
	addr->refreshed = sqlite3_column_int64(s, 7);
	return column_copy(s, 0, addr->zone, sizeof(addr->zone)) &&
		column_copy(s, 1, addr->name, sizeof(addr->name)) &&
		column_copy(s, 2, addr->address, sizeof(addr->address)) &&
		column_copy(s, 5, addr->signer, sizeof(addr->signer)) &&
		origin_from_text(sqlite3_column_text(s, 4), &addr->origin) &&
		state_from_text(sqlite3_column_text(s, 8), &addr->state);
}

/* Read a row of the grants query into ITEM; false when malformed. */
static bool
read_grant_row(sqlite3_stmt *s, void *item)
{
	registry_grant *g = item;
	const char *scope = (const char *)sqlite3_column_text(s, 2);

	memset(g, 0, sizeof(*g));
	return column_copy(s, 0, g->identity, sizeof(g->identity)) &&
		column_copy(s, 1, g->zone, sizeof(g->zone)) &&
		registry_scope_from_name(scope, &g->scope) == KD_OK;
}

/* Read a row of sql_load_sites into ITEM; false when malformed. */
static bool
read_site_row(sqlite3_stmt *s, void *item)
{
	registry_site_prefix *sp = item;

	return column_copy(s, 0, sp->site, sizeof(sp->site)) &&
		column_copy(s, 1, sp->prefix, sizeof(sp->prefix));
}

typedef bool (*read_row_fn)(sqlite3_stmt *s, void *item);

/*
 * Append the rows of the query START began to the array *ITEMS of SIZE
 * bytes an item, *COUNT long, each read by READ; TABLE names the table in
 * errors.
 */
static kd_result
load_rows(load_cursor *cur, kd_result start, void **items, size_t *count,
	size_t size, read_row_fn read, const char *table, kd_err *err)
{
	size_t capacity = 0;
	bool row = false;
	kd_result ret = start;

	while (ret == KD_OK && (ret = load_step(cur, &row, err)) == KD_OK &&
		row) {
		if (array_reserve(items, &capacity, *count, size) != KD_OK) {
			ret = kd_err_set(err, KD_ENOMEM, "out of memory");
			break;
		}
		if (!read(cur->stmt, (char *)*items + *count * size)) {
			ret = corrupt_error(cur->reg, table, err);
			break;
		}
		(*count)++;
	}
	return load_finish(cur, ret);
}

static kd_result
load_grants(load_cursor *cur, const char *zone, kd_err *err)
{
	registry_dataset *ds = cur->ds;

	return load_rows(cur, load_start(cur, &query_grants, zone, err),
		(void **)&ds->grants, &ds->grant_count, sizeof(*ds->grants),
		read_grant_row, "grants", err);
}

static kd_result
load_sites(load_cursor *cur, kd_err *err)
{
	registry_dataset *ds = cur->ds;

	return load_rows(cur, stmt_get(cur->reg, sql_load_sites, &cur->stmt,
		err), (void **)&ds->sites, &ds->site_count, sizeof(*ds->sites),
		read_site_row, "sites", err);
}

static kd_result
load_all(registry *reg, const char *zone, registry_dataset *out,
	kd_err *err)
{
	load_cursor cur = { .reg = reg, .ds = out };
	kd_result ret = registry_get_settings(reg, &out->settings, err);

	if (ret == KD_OK) {
		ret = load_zones(&cur, zone, err);
	}
	if (ret == KD_OK && zone != NULL && out->zone_count == 0) {
		return kd_err_set(err, KD_ENOENT, "zone %s does not exist",
			zone);
	}
	if (ret == KD_OK) {
		ret = load_ns(&cur, zone, err);
	}
	if (ret == KD_OK) {
		ret = load_ns_addresses(&cur, zone, err);
	}
	if (ret == KD_OK) {
		ret = load_zone_list(&cur, &query_transfer, zone, true, err);
	}
	if (ret == KD_OK) {
		ret = load_zone_list(&cur, &query_notify, zone, false, err);
	}
	if (ret == KD_OK) {
		ret = load_rows(&cur, load_start(&cur, &query_hosts, zone, err),
			(void **)&out->hosts, &out->host_count,
			sizeof(*out->hosts), read_host_row, "hosts", err);
	}
	if (ret == KD_OK) {
		ret = load_rows(&cur, load_start(&cur, &query_addresses, zone,
			err), (void **)&out->addresses, &out->address_count,
			sizeof(*out->addresses), read_address_row, "addresses",
			err);
	}
	if (ret == KD_OK) {
		ret = load_grants(&cur, zone, err);
	}
	if (ret == KD_OK) {
		ret = load_sites(&cur, err);
	}
	return ret;
}

kd_result
registry_load(registry *reg, const char *zone, registry_dataset *out,
	kd_err *err)
{
	char zone_name[DNAME_BUF_SIZE];
	kd_result ret = KD_OK;

	memset(out, 0, sizeof(*out));
	if (zone != NULL) {
		ret = name_normalize("zone", zone, DNAME_OWNER, zone_name, err);
		if (ret != KD_OK) {
			return ret;
		}
	}
	const bool entered = reg->depth == 0 && !reg->reading;
	ret = read_enter(reg, err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = load_all(reg, zone != NULL ? zone_name : NULL, out, err);
	read_leave(reg, entered);
	if (ret != KD_OK) {
		registry_dataset_free(out);
	}
	return ret;
}

kd_result
registry_load_policy(registry *reg, registry_dataset *out, kd_err *err)
{
	load_cursor cur = { .reg = reg, .ds = out };

	memset(out, 0, sizeof(*out));
	const bool entered = reg->depth == 0 && !reg->reading;
	kd_result ret = read_enter(reg, err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = registry_get_settings(reg, &out->settings, err);
	if (ret == KD_OK) {
		ret = load_grants(&cur, NULL, err);
	}
	if (ret == KD_OK) {
		ret = load_sites(&cur, err);
	}
	read_leave(reg, entered);
	if (ret != KD_OK) {
		registry_dataset_free(out);
	}
	return ret;
}

kd_result
registry_load_serials(registry *reg, char (**names)[DNAME_BUF_SIZE],
	uint32_t **serials, size_t *count, kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	char (*name_list)[DNAME_BUF_SIZE] = NULL;
	uint32_t *serial_list = NULL;
	size_t n = 0;
	size_t capacity = 0;
	size_t serial_capacity = 0;
	kd_result ret = stmt_get(reg, sql_load_serials, &stmt, err);

	*names = NULL;
	*serials = NULL;
	*count = 0;
	int rc = SQLITE_DONE;
	while (ret == KD_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (array_reserve((void **)&name_list, &capacity, n,
			sizeof(*name_list)) != KD_OK ||
			array_reserve((void **)&serial_list, &serial_capacity,
			n, sizeof(*serial_list)) != KD_OK) {
			ret = kd_err_set(err, KD_ENOMEM, "out of memory");
			break;
		}
		if (!column_copy(stmt, 0, name_list[n], DNAME_BUF_SIZE)) {
			ret = corrupt_error(reg, "zones", err);
			break;
		}
		serial_list[n] = (uint32_t)sqlite3_column_int64(stmt, 1);
		n++;
	}
	if (ret == KD_OK && rc != SQLITE_DONE) {
		ret = store_error(reg, err);
	}
	if (stmt != NULL) {
		(void)sqlite3_reset(stmt);
	}
	if (ret != KD_OK) {
		free(name_list);
		free(serial_list);
		return ret;
	}
	*names = name_list;
	*serials = serial_list;
	*count = n;
	return KD_OK;
}

void
registry_dataset_free(registry_dataset *ds)
{
	if (ds == NULL) {
		return;
	}
	for (size_t i = 0; i < ds->zone_count; i++) {
		registry_zone *z = &ds->zones[i];
		for (size_t j = 0; j < z->ns_count; j++) {
			free(z->ns[j].addresses);
		}
		free(z->ns);
		free(z->allow_transfer);
		free(z->notify);
	}
	free(ds->zones);
	free(ds->hosts);
	free(ds->addresses);
	free(ds->grants);
	free(ds->sites);
	memset(ds, 0, sizeof(*ds));
}

/* ---- freshness ------------------------------------------------------- */

registry_state
registry_state_at(const registry_settings *settings, registry_origin origin,
	int64_t refreshed, int64_t now)
{
	if (origin == REGISTRY_ORIGIN_STATIC || refreshed > now) {
		return REGISTRY_STATE_ACTIVE;
	}
	/* NOW >= REFRESHED, so the difference fits an unsigned 64-bit. */
	const uint64_t age = (uint64_t)now - (uint64_t)refreshed;
	if (settings->scavenge_after >= 0 &&
		age >= (uint64_t)settings->scavenge_after) {
		return REGISTRY_STATE_EXPIRED;
	}
	if (settings->stale_after >= 0 &&
		age >= (uint64_t)settings->stale_after) {
		return REGISTRY_STATE_STALE;
	}
	return REGISTRY_STATE_ACTIVE;
}

/* NOW - AFTER, not below INT64_MIN: "refreshed <= cut" means "AFTER old". */
static int64_t
time_cut(int64_t now, int64_t after)
{
	if (after > 0 && now < INT64_MIN + after) {
		return INT64_MIN;
	}
	return now - after;
}

/*
 * Registrations whose stored state differs from their state at NOW, or
 * that are past scavenge-after. ?1 is the expiry cut, ?2 the stale cut.
 */
#define AGE_WHERE \
	" WHERE origin = 'update' AND (refreshed <= ?1 OR state <>" \
	" CASE WHEN refreshed <= ?2 THEN 'stale' ELSE 'active' END)"

static const char sql_age_hosts[] =
	"SELECT " HOST_COLUMNS " FROM hosts" AGE_WHERE
	" ORDER BY zone, priority, weight, port, target";
static const char sql_age_addresses[] =
	"SELECT " ADDRESS_COLUMNS " FROM addresses" AGE_WHERE
	" ORDER BY zone, name, address";
static const char sql_host_set_state[] =
	"UPDATE hosts SET state = ?6 WHERE " HOST_KEY;
static const char sql_address_set_state[] =
	"UPDATE addresses SET state = ?4"
	" WHERE zone = ?1 AND name = ?2 AND address = ?3";

/* What registry_age_all() found: the rows to change and zones touched. */
typedef struct age_work {
	registry_host *hosts;
	size_t host_count, host_capacity;
	registry_address *addresses;
	size_t address_count, address_capacity;
	char (*zones)[DNAME_BUF_SIZE];
	size_t zone_count, zone_capacity;
} age_work;

static void
age_work_free(age_work *work)
{
	free(work->hosts);
	free(work->addresses);
	free(work->zones);
}

static kd_result
age_note_zone(age_work *work, const char *zone, kd_err *err)
{
	if (work->zone_count > 0 &&
		strcmp(work->zones[work->zone_count - 1], zone) == 0) {
		return KD_OK;
	}
	if (array_reserve((void **)&work->zones, &work->zone_capacity,
		work->zone_count, sizeof(*work->zones)) != KD_OK) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	(void)snprintf(work->zones[work->zone_count++], DNAME_BUF_SIZE, "%s",
		zone);
	return KD_OK;
}

/* Collect the hosts and addresses whose state changes at NOW. */
static kd_result
age_collect(registry *reg, const registry_settings *settings, int64_t now,
	age_work *work, kd_err *err)
{
	const char *const queries[] = { sql_age_hosts, sql_age_addresses };
	kd_result ret = KD_OK;

	for (size_t q = 0; ret == KD_OK && q < 2; q++) {
		load_cursor cur = { .reg = reg };
		bool row = false;
		ret = stmt_get(reg, queries[q], &cur.stmt, err);
		if (ret != KD_OK) {
			break;
		}
		bind_int(cur.stmt, 1, time_cut(now, settings->scavenge_after));
		bind_int(cur.stmt, 2, time_cut(now, settings->stale_after));
		while ((ret = load_step(&cur, &row, err)) == KD_OK && row) {
			bool ok;
			if (q == 0) {
				ok = array_reserve((void **)&work->hosts,
					&work->host_capacity, work->host_count,
					sizeof(*work->hosts)) == KD_OK;
				ok = ok && read_host_row(cur.stmt,
					&work->hosts[work->host_count++]);
			} else {
				ok = array_reserve((void **)&work->addresses,
					&work->address_capacity,
					work->address_count,
					sizeof(*work->addresses)) == KD_OK;
				ok = ok && read_address_row(cur.stmt,
					&work->addresses[work->address_count++]);
			}
			if (!ok) {
				ret = corrupt_error(reg, q == 0 ? "hosts" :
					"addresses", err);
				break;
			}
		}
		ret = load_finish(&cur, ret);
	}
	return ret;
}

static int
compare_zone_names(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* Apply the change of one host to state NEW (EXPIRED: delete it). */
static kd_result
age_apply_host(registry *reg, const registry_host *host,
	registry_state new_state, kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	kd_result ret = stmt_get(reg, new_state == REGISTRY_STATE_EXPIRED ?
		sql_host_delete : sql_host_set_state, &stmt, err);

	if (ret != KD_OK) {
		return ret;
	}
	bind_host_key(stmt, host->zone, &host->srv, host->srv.target);
	if (new_state != REGISTRY_STATE_EXPIRED) {
		bind_text(stmt, 6, registry_state_name(new_state));
	}
	return stmt_run(reg, stmt, err);
}

static kd_result
age_apply_address(registry *reg, const registry_address *addr,
	registry_state new_state, kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	kd_result ret = stmt_get(reg, new_state == REGISTRY_STATE_EXPIRED ?
		sql_address_delete : sql_address_set_state, &stmt, err);

	if (ret != KD_OK) {
		return ret;
	}
	bind_text(stmt, 1, addr->zone);
	bind_text(stmt, 2, addr->name);
	bind_text(stmt, 3, addr->address);
	if (new_state != REGISTRY_STATE_EXPIRED) {
		bind_text(stmt, 4, registry_state_name(new_state));
	}
	return stmt_run(reg, stmt, err);
}

/* Report and (unless DRY_RUN) apply what age_collect() found. */
static kd_result
age_apply(registry *reg, const registry_settings *settings, int64_t now,
	bool dry_run, registry_report_fn report_host,
	registry_address_report_fn report_address, void *ctx, age_work *work,
	kd_err *err)
{
	kd_result ret = KD_OK;

	for (size_t i = 0; ret == KD_OK && i < work->host_count; i++) {
		registry_host *host = &work->hosts[i];
		const registry_state state = registry_state_at(settings,
			host->origin, host->refreshed, now);
		if (state != REGISTRY_STATE_ACTIVE && report_host != NULL) {
			report_host(ctx, host, state);
		}
		ret = age_note_zone(work, host->zone, err);
		if (ret == KD_OK && !dry_run) {
			ret = age_apply_host(reg, host, state, err);
		}
	}
	for (size_t i = 0; ret == KD_OK && i < work->address_count; i++) {
		registry_address *addr = &work->addresses[i];
		const registry_state state = registry_state_at(settings,
			addr->origin, addr->refreshed, now);
		if (state != REGISTRY_STATE_ACTIVE && report_address != NULL) {
			report_address(ctx, addr, state);
		}
		ret = age_note_zone(work, addr->zone, err);
		if (ret == KD_OK && !dry_run) {
			ret = age_apply_address(reg, addr, state, err);
		}
	}
	return ret;
}

kd_result
registry_age_all(registry *reg, int64_t now, bool dry_run,
	registry_report_fn report_host,
	registry_address_report_fn report_address, void *ctx,
	size_t *changed_zones, kd_err *err)
{
	return registry_age_under(reg, NULL, now, dry_run, report_host,
		report_address, ctx, changed_zones, err);
}

kd_result
registry_age_under(registry *reg, const registry_settings *override,
	int64_t now, bool dry_run, registry_report_fn report_host,
	registry_address_report_fn report_address, void *ctx,
	size_t *changed_zones, kd_err *err)
{
	registry_settings settings;
	age_work work;
	kd_result ret;

	memset(&work, 0, sizeof(work));
	if (changed_zones != NULL) {
		*changed_zones = 0;
	}
	const bool read_entered = dry_run && reg->depth == 0 && !reg->reading;
	ret = dry_run ? read_enter(reg, err) : tx_enter(reg, err);
	if (ret != KD_OK) {
		return ret;
	}
	if (override != NULL) {
		settings = *override;
	} else {
		ret = registry_get_settings(reg, &settings, err);
	}
	if (ret == KD_OK) {
		ret = age_collect(reg, &settings, now, &work, err);
	}
	if (ret == KD_OK) {
		ret = age_apply(reg, &settings, now, dry_run, report_host,
			report_address, ctx, &work, err);
	}
	if (ret == KD_OK && work.zone_count > 1) {
		qsort(work.zones, work.zone_count, sizeof(*work.zones),
			compare_zone_names);
	}
	size_t zones = 0;
	for (size_t i = 0; ret == KD_OK && i < work.zone_count; i++) {
		if (i > 0 && strcmp(work.zones[i], work.zones[i - 1]) == 0) {
			continue;
		}
		zones++;
		if (!dry_run) {
			ret = serial_bump(reg, work.zones[i], err);
		}
	}
	if (dry_run) {
		read_leave(reg, read_entered);
	} else {
		ret = tx_leave(reg, ret, err);
	}
	age_work_free(&work);
	if (ret == KD_OK && changed_zones != NULL) {
		*changed_zones = zones;
	}
	return ret;
}

kd_result
registry_age(registry *reg, int64_t now, bool dry_run,
	registry_report_fn report, void *ctx, size_t *changed_zones,
	kd_err *err)
{
	return registry_age_all(reg, now, dry_run, report, NULL, ctx,
		changed_zones, err);
}
