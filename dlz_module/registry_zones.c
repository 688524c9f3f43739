/*
 * registry_zones.c -- zones in the registry: add, remove, set the serial; the
 * once-per-transaction serial increment and the checks every zone change
 * shares.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sqlite3.h>

#include "dname.h"
#include "kd_result.h"
#include "registry.h"
#include "registry_internal.h"

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
	const kd_result ret = REGISTRY_RUN(reg, sql_bump_mark, err,
		REGISTRY_TEXT(zone));

	if (first != NULL) {
		*first = ret == KD_OK && sqlite3_changes(reg->db) > 0;
	}
	return ret;
}

/*
 * Increment ZONE's serial (modulo 2^32, skipping 0) once per transaction.
 * Must run inside a write level.
 */
kd_result
registry_serial_bump(registry *reg, const char *zone, kd_err *err)
{
	bool first = false;
	const kd_result ret = serial_mark(reg, zone, &first, err);

	if (ret != KD_OK || !first) {
		return ret;
	}
	return REGISTRY_RUN(reg, sql_bump_serial, err, REGISTRY_TEXT(zone));
}

/* ---- zone checks ----------------------------------------------------- */

const char registry_sql_zone_exists[] =
	"SELECT 1 FROM zones WHERE name = ?1";

/* KD_OK when zone ZONE (canonical) exists, else KD_ENOENT naming it. */
kd_result
registry_zone_require(registry *reg, const char *zone, kd_err *err)
{
	return registry_row_require(reg, registry_sql_zone_exists, "zone", zone,
		err);
}

kd_result
registry_zone_exists(registry *reg, const char *zone, kd_err *err)
{
	return registry_zone_require(reg, zone, err);
}

kd_result
registry_zone_change(registry *reg, const registry_zone_edit *edit,
	kd_err *err)
{
	int changed = 0;
	kd_result ret = registry_tx_enter(reg, err);

	if (ret != KD_OK) {
		return ret;
	}
	ret = registry_zone_require(reg, edit->zone, err);
	for (size_t i = 0; ret == KD_OK && i < 2 && edit->sql[i] != NULL;
		i++) {
		ret = registry_run(reg, edit->sql[i], edit->values, edit->count,
			err);
		changed += sqlite3_changes(reg->db);
	}
	if (ret == KD_OK && changed == 0 && edit->missing != NULL) {
		*err = *edit->missing;
		ret = KD_ENOENT;
	}
	if (ret == KD_OK && changed > 0 && edit->bump) {
		ret = registry_serial_bump(reg, edit->zone, err);
	}
	return registry_tx_leave(reg, ret, err);
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
static const char sql_zone_update[] =
	"UPDATE zones SET soa_mname = ?2, soa_rname = ?3, ttl = ?5,"
	" refresh = ?6, retry = ?7, expire = ?8, minimum = ?9 WHERE name = ?1";
/* The lists an update writes anew (zone_ns_addresses go with zone_ns). */
static const char *const sql_zone_lists_delete[] = {
	"DELETE FROM zone_ns WHERE zone = ?1",
	"DELETE FROM zone_allow_transfer WHERE zone = ?1",
	"DELETE FROM zone_notify WHERE zone = ?1",
};
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
	kd_result ret = registry_name_normalize("zone", zone->name, DNAME_OWNER,
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
	ret = registry_name_normalize("SOA mname", mname, DNAME_HOST,
		head->mname, err);
	if (ret != KD_OK) {
		return ret;
	}
	if (zone->soa_rname[0] != '\0') {
		ret = registry_name_normalize("SOA rname", zone->soa_rname,
			DNAME_OWNER, head->rname, err);
	} else {
		char rname[DNAME_BUF_SIZE + 16];
		(void)snprintf(rname, sizeof(rname), "hostmaster.%s",
			head->name);
		ret = registry_name_normalize("SOA rname", rname, DNAME_OWNER,
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
		ret = registry_ttl_check(timers[i].what, head->name,
			timers[i].value, err);
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
	kd_result ret = registry_name_normalize("name server", ns->name,
		DNAME_HOST, name, err);

	if (ret != KD_OK) {
		return ret;
	}
	ret = REGISTRY_RUN(reg, sql_ns_insert, err, REGISTRY_TEXT(zone),
		REGISTRY_INT(position), REGISTRY_TEXT(name));

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
			ret = REGISTRY_RUN(reg, sql_ns_address_insert, err,
				REGISTRY_TEXT(zone), REGISTRY_TEXT(name),
				REGISTRY_INT(i), REGISTRY_TEXT(address));
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
		ret = normalize(texts + i * size, text, sizeof(text), err);
		if (ret == KD_OK) {
			ret = REGISTRY_RUN(reg, sql, err, REGISTRY_TEXT(zone),
				REGISTRY_INT(i), REGISTRY_TEXT(text));
		}
	}
	return ret;
}

static kd_result zone_insert_lists(registry *reg, const registry_zone *zone,
	const zone_head *head, kd_err *err);

/*
 * Bind the columns of a zone row as in sql_zone_insert (?1 to ?9;
 * sql_zone_update leaves the serial, ?4, alone).
 */
static void
zone_bind_row(sqlite3_stmt *stmt, const registry_zone *zone,
	const zone_head *head, uint32_t serial)
{
	registry_bind_text(stmt, 1, head->name);
	registry_bind_text(stmt, 2, head->mname);
	registry_bind_text(stmt, 3, head->rname);
	registry_bind_int(stmt, 4, serial);
	registry_bind_int(stmt, 5, zone->ttl);
	registry_bind_int(stmt, 6, zone->refresh);
	registry_bind_int(stmt, 7, zone->retry);
	registry_bind_int(stmt, 8, zone->expire);
	registry_bind_int(stmt, 9, zone->minimum);
}

static kd_result
zone_insert(registry *reg, const registry_zone *zone, const zone_head *head,
	uint32_t serial, kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	bool found = false;
	kd_result ret = registry_row_exists(reg, registry_sql_zone_exists,
		head->name, &found, err);

	if (ret != KD_OK) {
		return ret;
	}
	if (found) {
		return kd_err_set(err, KD_EEXIST, "zone %s already exists",
			head->name);
	}

	ret = registry_stmt_get(reg, sql_zone_insert, &stmt, err);
	if (ret != KD_OK) {
		return ret;
	}
	zone_bind_row(stmt, zone, head, serial);
	ret = registry_stmt_run(reg, stmt, err);
	if (ret == KD_OK) {
		ret = zone_insert_lists(reg, zone, head, err);
	}
	if (ret == KD_OK) {
		/* The new serial already is the zone's first. */
		ret = serial_mark(reg, head->name, NULL, err);
	}
	return ret;
}

/* Insert the NS (with addresses), transfer and notify lists of ZONE. */
static kd_result
zone_insert_lists(registry *reg, const registry_zone *zone,
	const zone_head *head, kd_err *err)
{
	const registry_peers *peers = &zone->peers;
	kd_result ret = KD_OK;

	for (size_t i = 0; ret == KD_OK && i < zone->ns_count; i++) {
		ret = zone_insert_ns(reg, head->name, &zone->ns[i], (int64_t)i,
			err);
	}
	if (ret == KD_OK) {
		ret = zone_insert_list(reg, sql_transfer_insert, head->name,
			peers->allow_transfer != NULL ?
			peers->allow_transfer[0] : NULL,
			REGISTRY_PREFIX_MAX, peers->allow_transfer_count,
			registry_prefix_normalize, err);
	}
	if (ret == KD_OK) {
		ret = zone_insert_list(reg, sql_notify_insert, head->name,
			peers->notify != NULL ? peers->notify[0] : NULL,
			REGISTRY_ENDPOINT_MAX, peers->notify_count,
			registry_endpoint_normalize, err);
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
	ret = registry_tx_enter(reg, err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = zone_insert(reg, zone, &head, serial, err);
	return registry_tx_leave(reg, ret, err);
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
	kd_result ret = registry_name_normalize("zone", name, DNAME_OWNER, zone,
		err);

	if (ret != KD_OK) {
		return ret;
	}
	ret = registry_tx_enter(reg, err);
	if (ret != KD_OK) {
		return ret;
	}
	if (serial != NULL) {
		ret = REGISTRY_RUN(reg, sql, err, REGISTRY_TEXT(zone),
			REGISTRY_INT(*serial));
	} else {
		ret = REGISTRY_RUN(reg, sql, err, REGISTRY_TEXT(zone));
	}
	if (ret == KD_OK && sqlite3_changes(reg->db) == 0) {
		ret = kd_err_set(err, KD_ENOENT, "zone %s does not exist",
			zone);
	}
	if (ret == KD_OK && serial != NULL) {
		ret = serial_mark(reg, zone, NULL, err);
	}
	return registry_tx_leave(reg, ret, err);
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

kd_result
registry_update_zone(registry *reg, const registry_zone *zone, kd_err *err)
{
	zone_head head;
	sqlite3_stmt *stmt = NULL;
	kd_result ret = zone_head_check(zone, &head, err);

	if (ret != KD_OK) {
		return ret;
	}
	ret = registry_tx_enter(reg, err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = registry_zone_require(reg, head.name, err);
	if (ret == KD_OK) {
		ret = registry_stmt_get(reg, sql_zone_update, &stmt, err);
	}
	if (ret == KD_OK) {
		zone_bind_row(stmt, zone, &head, 0);
		ret = registry_stmt_run(reg, stmt, err);
	}
	for (size_t i = 0; ret == KD_OK && i < 3; i++) {
		ret = REGISTRY_RUN(reg, sql_zone_lists_delete[i], err,
			REGISTRY_TEXT(head.name));
	}
	if (ret == KD_OK) {
		ret = zone_insert_lists(reg, zone, &head, err);
	}
	if (ret == KD_OK) {
		ret = registry_serial_bump(reg, head.name, err);
	}
	return registry_tx_leave(reg, ret, err);
}
