/*
 * registry_hosts.c -- SRV registrations (hosts) and their A/AAAA records
 * (addresses): put and remove.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sqlite3.h>

#include "dname.h"
#include "kd_result.h"
#include "registry.h"
#include "registry_internal.h"
#include "srv.h"

/* ---- SRV registrations ---------------------------------------------- */

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
const char registry_sql_host_delete[] = "DELETE FROM hosts WHERE " HOST_KEY;
static const char sql_site_exists[] =
	"SELECT 1 FROM sites WHERE site = ?1 LIMIT 1";

/* Bind the key of a registration: zone and rdata, as ?1 to ?5. */
void
registry_bind_host_key(sqlite3_stmt *stmt, const char *zone,
	const srv_record *srv, const char *target)
{
	registry_bind_text(stmt, 1, zone);
	registry_bind_int(stmt, 2, srv->priority);
	registry_bind_int(stmt, 3, srv->weight);
	registry_bind_int(stmt, 4, srv->port);
	registry_bind_text(stmt, 5, target);
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
	kd_result ret = registry_stmt_row(reg, stmt, &before->found, err);

	if (ret != KD_OK || !before->found) {
		return ret;
	}
	before->ttl = (uint32_t)sqlite3_column_int64(stmt, 0);
	kd_err why;
	if (registry_col_origin_state(stmt, 1, 2, &before->origin,
		&before->state, &why) != KD_OK) {
		ret = registry_corrupt_error(reg, table, err);
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
	kd_result ret = registry_zone_require(reg, zone, err);

	if (ret == KD_OK && host->site[0] != '\0') {
		ret = registry_row_require(reg, sql_site_exists, "site",
			host->site, err);
	}
	if (ret == KD_OK && replace_target) {
		ret = REGISTRY_RUN(reg, sql_host_replace, err,
			REGISTRY_TEXT(zone), REGISTRY_TEXT(target),
			REGISTRY_INT(host->srv.port),
			REGISTRY_INT(host->srv.priority),
			REGISTRY_INT(host->srv.weight));
		changed = sqlite3_changes(reg->db) > 0;
	}

	registration_before before = { .found = false };
	if (ret == KD_OK) {
		ret = registry_stmt_get(reg, sql_host_find, &stmt, err);
	}
	if (ret == KD_OK) {
		registry_bind_host_key(stmt, zone, &host->srv, target);
		ret = read_before(reg, stmt, "hosts", &before, err);
	}
	if (ret != KD_OK) {
		return ret;
	}

	ret = registry_stmt_get(reg, before.found ? sql_host_refresh :
		sql_host_insert, &stmt, err);
	if (ret != KD_OK) {
		return ret;
	}
	registry_bind_host_key(stmt, zone, &host->srv, target);
	registry_bind_int(stmt, 6, host->srv.ttl);
	registry_bind_text(stmt, 7, host->site);
	registry_bind_text(stmt, 8, registry_origin_name(merged_origin(&before,
		host->origin)));
	registry_bind_text(stmt, 9, host->signer);
	registry_bind_int(stmt, 10, now);
	ret = registry_stmt_run(reg, stmt, err);

	changed = changed || !before.found || before.ttl != host->srv.ttl ||
		before.state != REGISTRY_STATE_ACTIVE;
	if (ret == KD_OK && changed) {
		ret = registry_serial_bump(reg, zone, err);
	}
	return ret;
}

kd_result
registry_put_host(registry *reg, const registry_host *host,
	bool replace_target, int64_t now, kd_err *err)
{
	char zone[DNAME_BUF_SIZE];
	char target[DNAME_BUF_SIZE];
	kd_result ret = registry_name_normalize("zone", host->zone, DNAME_OWNER,
		zone, err);

	if (ret == KD_OK) {
		ret = registry_name_normalize("target", host->srv.target,
			DNAME_HOST, target, err);
	}
	if (ret == KD_OK) {
		ret = registry_ttl_check("TTL", target, host->srv.ttl, err);
	}
	if (ret == KD_OK && host->site[0] != '\0') {
		ret = registry_site_validate(host->site, err);
	}
	if (ret != KD_OK) {
		return ret;
	}
	ret = registry_tx_enter(reg, err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = host_store(reg, zone, host, target, replace_target, now, err);
	return registry_tx_leave(reg, ret, err);
}

static const char sql_host_set_ttl[] =
	"UPDATE hosts SET ttl = ?6 WHERE " HOST_KEY " AND ttl != ?6";

/* The statements on the rows of hosts or of addresses, by their key. */
typedef struct row_statements {
	size_t key_count;        /* values of the key, bound as ?1, ... */
	const char *find_sql;
	const char *set_ttl_sql; /* binds the TTL after the key */
	const char *delete_sql;
} row_statements;

static const row_statements host_rows = {
	HOST_KEY_COUNT, sql_host_find, sql_host_set_ttl,
	registry_sql_host_delete,
};

/*
 * The checked, canonical key of a row of hosts (zone and SRV rdata) or of
 * addresses (zone, owner and address).
 */
typedef struct row_key {
	char zone[DNAME_BUF_SIZE];
	char name[DNAME_BUF_SIZE];       /* the SRV target or the owner */
	char address[REGISTRY_ADDR_MAX]; /* addresses only */
	registry_value values[HOST_KEY_COUNT];
	const row_statements *sql;
	kd_err missing;                  /* there is no such row */
} row_key;

static kd_result
host_key_check(const char *zone, const srv_record *srv, row_key *key,
	kd_err *err)
{
	kd_result ret = registry_name_normalize("zone", zone, DNAME_OWNER,
		key->zone, err);

	if (ret == KD_OK) {
		ret = registry_name_normalize("target", srv->target, DNAME_HOST,
			key->name, err);
	}
	if (ret != KD_OK) {
		return ret;
	}
	key->values[0] = REGISTRY_TEXT(key->zone);
	key->values[1] = REGISTRY_INT(srv->priority);
	key->values[2] = REGISTRY_INT(srv->weight);
	key->values[3] = REGISTRY_INT(srv->port);
	key->values[4] = REGISTRY_TEXT(key->name);
	key->sql = &host_rows;
	(void)kd_err_set(&key->missing, KD_ENOENT,
		"zone %s has no SRV registration %u %u %u %s", key->zone,
		(unsigned)srv->priority, (unsigned)srv->weight,
		(unsigned)srv->port, key->name);
	return KD_OK;
}

/* Delete the row of KEY and bump the serial of its zone. */
static kd_result
row_delete(registry *reg, const row_key *key, kd_err *err)
{
	const registry_zone_edit edit = {
		.zone = key->zone, .sql = { key->sql->delete_sql },
		.values = key->values, .count = key->sql->key_count,
		.missing = &key->missing, .bump = true,
	};

	return registry_zone_change(reg, &edit, err);
}

/*
 * In one write level, set the TTL of the row of KEY; bump the serial of
 * its zone when the TTL changed. KD_ENOENT when there is no such row.
 */
static kd_result
row_set_ttl(registry *reg, const row_key *key, uint32_t ttl, kd_err *err)
{
	registry_value values[HOST_KEY_COUNT + 1];
	bool found = false;
	kd_result ret = registry_ttl_check("TTL", key->name, ttl, err);

	if (ret == KD_OK) {
		ret = registry_tx_enter(reg, err);
	}
	if (ret != KD_OK) {
		return ret;
	}
	const size_t count = key->sql->key_count;
	memcpy(values, key->values, count * sizeof(*values));
	values[count] = REGISTRY_INT(ttl);
	ret = registry_run(reg, key->sql->set_ttl_sql, values, count + 1, err);
	if (ret == KD_OK && sqlite3_changes(reg->db) > 0) {
		ret = registry_serial_bump(reg, key->zone, err);
	} else if (ret == KD_OK) {
		ret = registry_exists(reg, key->sql->find_sql, key->values,
			count, &found, err);
		if (ret == KD_OK && !found) {
			*err = key->missing;
			ret = KD_ENOENT;
		}
	}
	return registry_tx_leave(reg, ret, err);
}

kd_result
registry_remove_srv(registry *reg, const char *zone, const srv_record *srv,
	kd_err *err)
{
	row_key key;
	const kd_result ret = host_key_check(zone, srv, &key, err);

	return ret == KD_OK ? row_delete(reg, &key, err) : ret;
}

kd_result
registry_set_host_ttl(registry *reg, const char *zone, const srv_record *srv,
	uint32_t ttl, kd_err *err)
{
	row_key key;
	const kd_result ret = host_key_check(zone, srv, &key, err);

	return ret == KD_OK ? row_set_ttl(reg, &key, ttl, err) : ret;
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
	kd_result ret = registry_name_normalize("zone", zone, DNAME_OWNER,
		zone_name, err);

	if (ret == KD_OK) {
		ret = registry_name_normalize("target", target, DNAME_HOST,
			target_name, err);
	}
	if (ret != KD_OK) {
		return ret;
	}
	const registry_value key[] = {
		REGISTRY_TEXT(zone_name), REGISTRY_TEXT(target_name),
	};
	const registry_zone_edit edit = {
		.zone = zone_name,
		.sql = { sql_target_delete_hosts, sql_target_delete_addresses },
		.values = key, .count = 2, .bump = true,
	};
	return registry_zone_change(reg, &edit, err);
}

/* ---- addresses ------------------------------------------------------- */

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
const char registry_sql_address_delete[] =
	"DELETE FROM addresses WHERE zone = ?1 AND name = ?2 AND address = ?3";
static const char sql_address_set_ttl[] =
	"UPDATE addresses SET ttl = ?4"
	" WHERE zone = ?1 AND name = ?2 AND address = ?3 AND ttl != ?4";

static const row_statements address_rows = {
	ADDRESS_KEY_COUNT, sql_address_find, sql_address_set_ttl,
	registry_sql_address_delete,
};

static kd_result
address_key_check(const char *zone, const char *name, const char *address,
	row_key *key, kd_err *err)
{
	kd_result ret = registry_name_normalize("zone", zone, DNAME_OWNER,
		key->zone, err);

	if (ret == KD_OK) {
		ret = registry_name_normalize("address owner", name, DNAME_HOST,
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
	if (ret != KD_OK) {
		return ret;
	}
	key->values[0] = REGISTRY_TEXT(key->zone);
	key->values[1] = REGISTRY_TEXT(key->name);
	key->values[2] = REGISTRY_TEXT(key->address);
	key->sql = &address_rows;
	(void)kd_err_set(&key->missing, KD_ENOENT,
		"zone %s has no address %s for %s", key->zone, key->address,
		key->name);
	return KD_OK;
}

static kd_result
address_store(registry *reg, const row_key *key,
	const registry_address *addr, int64_t now, kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	registration_before before = { .found = false };
	kd_result ret = registry_zone_require(reg, key->zone, err);

	if (ret == KD_OK) {
		ret = registry_stmt_get(reg, sql_address_find, &stmt, err);
	}
	if (ret == KD_OK) {
		registry_bind_text(stmt, 1, key->zone);
		registry_bind_text(stmt, 2, key->name);
		registry_bind_text(stmt, 3, key->address);
		ret = read_before(reg, stmt, "addresses", &before, err);
	}
	if (ret != KD_OK) {
		return ret;
	}
	ret = REGISTRY_RUN(reg, before.found ? sql_address_refresh :
		sql_address_insert, err, REGISTRY_TEXT(key->zone),
		REGISTRY_TEXT(key->name), REGISTRY_TEXT(key->address),
		REGISTRY_INT(addr->ttl), REGISTRY_TEXT(registry_origin_name(
		merged_origin(&before, addr->origin))),
		REGISTRY_TEXT(addr->signer), REGISTRY_INT(now));

	const bool changed = !before.found || before.ttl != addr->ttl ||
		before.state != REGISTRY_STATE_ACTIVE;
	if (ret == KD_OK && changed) {
		ret = registry_serial_bump(reg, key->zone, err);
	}
	return ret;
}

kd_result
registry_put_address(registry *reg, const registry_address *addr,
	int64_t now, kd_err *err)
{
	row_key key;
	kd_result ret = address_key_check(addr->zone, addr->name,
		addr->address, &key, err);

	if (ret == KD_OK) {
		ret = registry_ttl_check("TTL", key.name, addr->ttl, err);
	}
	if (ret != KD_OK) {
		return ret;
	}
	ret = registry_tx_enter(reg, err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = address_store(reg, &key, addr, now, err);
	return registry_tx_leave(reg, ret, err);
}

kd_result
registry_set_address_ttl(registry *reg, const char *zone, const char *name,
	const char *address, uint32_t ttl, kd_err *err)
{
	row_key key;
	const kd_result ret = address_key_check(zone, name, address, &key,
		err);

	return ret == KD_OK ? row_set_ttl(reg, &key, ttl, err) : ret;
}

kd_result
registry_remove_address(registry *reg, const char *zone, const char *name,
	const char *address, kd_err *err)
{
	row_key key;
	const kd_result ret = address_key_check(zone, name, address, &key,
		err);

	return ret == KD_OK ? row_delete(reg, &key, err) : ret;
}
