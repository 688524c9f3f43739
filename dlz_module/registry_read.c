/*
 * registry_read.c -- reading the registry: whole datasets, the policy and the
 * zone serials.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "dname.h"
#include "kd_result.h"
#include "registry.h"
#include "registry_internal.h"

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

static kd_result
load_start(registry_load_cursor *cur, const load_query *query, const char *zone,
	kd_err *err)
{
	kd_result ret = registry_stmt_get(cur->reg, zone != NULL ? query->one :
		query->all, &cur->stmt, err);

	if (ret == KD_OK && zone != NULL) {
		registry_bind_text(cur->stmt, 1, zone);
	}
	cur->zone_index = 0;
	return ret;
}

/*
 * Step to the next row; *ROW is false at the end. The caller resets the
 * statement when done (registry_load_finish()).
 */
kd_result
registry_load_step(registry_load_cursor *cur, bool *row, kd_err *err)
{
	const int rc = sqlite3_step(cur->stmt);

	*row = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		return KD_OK;
	}
	return registry_store_error(cur->reg, err);
}

kd_result
registry_load_finish(registry_load_cursor *cur, kd_result ret)
{
	if (cur->stmt != NULL) {
		(void)sqlite3_reset(cur->stmt);
	}
	return ret;
}

/* The zone of ZONE_NAME among the loaded zones, walking forward; or NULL. */
static registry_zone *
load_zone_of(registry_load_cursor *cur, const unsigned char *zone_name)
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

/*
 * The current row of CUR names no loaded zone: a row of a zone skipped
 * for its zones row goes silently (that zone was reported), a row of a
 * zone that does not exist (an orphan, as left by deleting a zone with
 * foreign keys off) is rejected. Loading one zone, nothing else shows up.
 */
static kd_result
load_no_zone(registry_load_cursor *cur, const char *table, kd_err *err)
{
	const char *zone = (const char *)sqlite3_column_text(cur->stmt, 0);
	for (size_t i = 0; zone != NULL && i < cur->skipped_count; i++) {
		if (strcmp(cur->skipped_zones[i], zone) == 0) {
			return KD_OK;
		}
	}
	kd_err why;
	(void)kd_err_set(&why, KD_ENOENT, "zone %s does not exist (a row "
		"left behind by a zone deleted without foreign keys)",
		zone != NULL ? zone : "NULL");
	return registry_row_reject(cur->reg, table, cur->stmt, NULL, &why,
		err);
}

/* Read the zones row of S into Z, every value checked. */
static kd_result
read_zone_row(sqlite3_stmt *s, registry_zone *z, kd_err *err)
{
	static const char *const timers[] = {
		"ttl", "refresh", "retry", "expire", "minimum",
	};
	uint32_t *const values[] = {
		&z->ttl, &z->refresh, &z->retry, &z->expire, &z->minimum,
	};
	int64_t serial = 0;
	kd_result ret = registry_col_name(s, 0, "name", DNAME_OWNER, z->name,
		err);
	if (ret == KD_OK) {
		ret = registry_col_name(s, 1, "soa_mname", DNAME_HOST,
			z->soa_mname, err);
	}
	if (ret == KD_OK) {
		ret = registry_col_name(s, 2, "soa_rname", DNAME_OWNER,
			z->soa_rname, err);
	}
	if (ret == KD_OK) {
		ret = registry_col_int(s, 3, "serial", 0, UINT32_MAX, &serial,
			err);
		z->serial = (uint32_t)serial;
	}
	for (int i = 0; ret == KD_OK && i < 5; i++) {
		ret = registry_col_ttl(s, 4 + i, timers[i], values[i], err);
	}
	return ret;
}

static kd_result
load_zones(registry_load_cursor *cur, const char *zone, kd_err *err)
{
	registry_dataset *ds = cur->ds;
	size_t capacity = 0;
	bool row = false;
	kd_result ret = load_start(cur, &query_zones, zone, err);

	while (ret == KD_OK &&
		(ret = registry_load_step(cur, &row, err)) == KD_OK && row) {
		if (registry_array_reserve((void **)&ds->zones, &capacity,
			ds->zone_count, sizeof(*ds->zones)) != KD_OK) {
			ret = kd_err_set(err, KD_ENOMEM, "out of memory");
			break;
		}
		registry_zone *z = &ds->zones[ds->zone_count];
		memset(z, 0, sizeof(*z));
		kd_err why;
		if (read_zone_row(cur->stmt, z, &why) == KD_OK) {
			ds->zone_count++;
			continue;
		}
		/* Its rows go with it, silently: remember its name. */
		const char *name = (const char *)sqlite3_column_text(cur->stmt,
			0);
		if (cur->skipped_zones != NULL &&
		    cur->skipped_count < REGISTRY_SKIPPED_ZONES_MAX &&
		    name != NULL && strlen(name) < DNAME_BUF_SIZE) {
			memcpy(cur->skipped_zones[cur->skipped_count++], name,
				strlen(name) + 1);
		}
		ret = registry_row_reject(cur->reg, "zones", cur->stmt, name,
			&why, err);
	}
	return registry_load_finish(cur, ret);
}

/*
 * A table of rows that belong to a zone: its query, its name in errors and
 * how a row is attached to its zone Z. ATTACH returns KD_OK (attached, or
 * passed over), KD_ENOMEM, or another code with WHY saying why the row
 * cannot be used. With ORPHANS_SILENT, a row of no loaded zone goes
 * silently (it belongs to a row reported already).
 */
typedef struct load_child {
	const load_query *query;
	const char *table;
	kd_result (*attach)(sqlite3_stmt *s, registry_zone *z, kd_err *why);
	bool orphans_silent;
} load_child;

/* Attach every row of CHILD's query to its zone. */
static kd_result
load_children(registry_load_cursor *cur, const load_child *child,
	const char *zone, kd_err *err)
{
	bool row = false;
	kd_result ret = load_start(cur, child->query, zone, err);

	while (ret == KD_OK &&
		(ret = registry_load_step(cur, &row, err)) == KD_OK && row) {
		registry_zone *z = load_zone_of(cur,
			sqlite3_column_text(cur->stmt, 0));
		if (z == NULL) {
			if (!child->orphans_silent) {
				ret = load_no_zone(cur, child->table, err);
			}
			continue;
		}
		kd_err why;
		const kd_result check = child->attach(cur->stmt, z, &why);
		if (check == KD_ENOMEM) {
			ret = kd_err_set(err, KD_ENOMEM, "out of memory");
		} else if (check != KD_OK) {
			ret = registry_row_reject(cur->reg, child->table,
				cur->stmt, z->name, &why, err);
		}
	}
	return registry_load_finish(cur, ret);
}

static kd_result
attach_ns(sqlite3_stmt *s, registry_zone *z, kd_err *why)
{
	char name[DNAME_BUF_SIZE];
	const kd_result ret = registry_col_name(s, 1, "name", DNAME_HOST,
		name, why);

	if (ret != KD_OK) {
		return ret;
	}
	if (registry_array_reserve_pow2((void **)&z->ns, z->ns_count,
		sizeof(*z->ns)) != KD_OK) {
		return KD_ENOMEM;
	}
	registry_ns *ns = &z->ns[z->ns_count++];
	memset(ns, 0, sizeof(*ns));
	memcpy(ns->name, name, sizeof(ns->name));
	return KD_OK;
}

/* An address of a name server; of a skipped one it is passed over. */
static kd_result
attach_ns_address(sqlite3_stmt *s, registry_zone *z, kd_err *why)
{
	const char *ns_name = (const char *)sqlite3_column_text(s, 1);
	registry_ns *ns = NULL;
	for (size_t i = 0; ns_name != NULL && i < z->ns_count; i++) {
		if (strcmp(z->ns[i].name, ns_name) == 0) {
			ns = &z->ns[i];
		}
	}
	if (ns == NULL) {
		return KD_OK;
	}
	char address[REGISTRY_ADDR_MAX];
	const kd_result ret = registry_col_address(s, 2, "address", address,
		why);
	if (ret != KD_OK) {
		return ret;
	}
	if (registry_array_reserve_pow2((void **)&ns->addresses,
		ns->address_count, sizeof(*ns->addresses)) != KD_OK) {
		return KD_ENOMEM;
	}
	memcpy(ns->addresses[ns->address_count++], address,
		REGISTRY_ADDR_MAX);
	return KD_OK;
}

/*
 * Append the text in column 1 of S, normalized by NORMALIZE to SIZE bytes
 * and named COLUMN in errors, to the per-zone list *LIST of *COUNT.
 */
static kd_result
attach_list_item(sqlite3_stmt *s, const char *column,
	kd_result (*normalize)(const char *, char *, size_t, kd_err *),
	size_t size, void **list, size_t *count, kd_err *why)
{
	char text[REGISTRY_PREFIX_MAX + REGISTRY_ENDPOINT_MAX];
	kd_result ret = registry_col_text(s, 1, column, text, sizeof(text),
		why);

	if (ret == KD_OK) {
		ret = registry_array_reserve_pow2(list, *count, size);
	}
	if (ret == KD_OK) {
		ret = normalize(text, (char *)*list + *count * size, size, why);
	}
	if (ret == KD_OK) {
		(*count)++;
	}
	return ret;
}

static kd_result
attach_transfer(sqlite3_stmt *s, registry_zone *z, kd_err *why)
{
	return attach_list_item(s, "prefix", registry_prefix_normalize,
		REGISTRY_PREFIX_MAX, (void **)&z->peers.allow_transfer,
		&z->peers.allow_transfer_count, why);
}

static kd_result
attach_notify(sqlite3_stmt *s, registry_zone *z, kd_err *why)
{
	return attach_list_item(s, "endpoint", registry_endpoint_normalize,
		REGISTRY_ENDPOINT_MAX, (void **)&z->peers.notify,
		&z->peers.notify_count, why);
}

/* Name servers, their addresses (rows of a skipped zone or name server
 * were reported with it), allow-transfer prefixes and notify endpoints. */
static const load_child zone_children[] = {
	{ &query_ns, "zone_ns", attach_ns, false },
	{ &query_ns_addresses, "zone_ns_addresses", attach_ns_address, true },
	{ &query_transfer, "zone_allow_transfer", attach_transfer, false },
	{ &query_notify, "zone_notify", attach_notify, false },
};

/*
 * Read the REGISTRATION_COLUMNS of S from COL on, the signer, origin and
 * state checked.
 */
static kd_result
read_registration(sqlite3_stmt *s, int col, char *signer,
	registry_origin *origin, registry_state *state, int64_t *created,
	int64_t *refreshed, kd_err *err)
{
	const kd_result ret = registry_col_text(s, col + 1, "signer", signer,
		REGISTRY_IDENTITY_MAX, err);

	*created = sqlite3_column_int64(s, col + 2);
	*refreshed = sqlite3_column_int64(s, col + 3);
	if (ret != KD_OK) {
		return ret;
	}
	return registry_col_origin_state(s, col, col + 4, origin, state, err);
}

/* Read a row of HOST_COLUMNS into HOST, every value checked. */
kd_result
registry_read_host_row(sqlite3_stmt *s, void *item, kd_err *err)
{
	registry_host *host = item;
	int64_t priority = 0, weight = 0, port = 0;

	memset(host, 0, sizeof(*host));
	kd_result ret = registry_col_name(s, 0, "zone", DNAME_OWNER,
		host->zone, err);
	if (ret == KD_OK) {
		ret = registry_col_int(s, 1, "priority", 0, 65535, &priority,
			err);
	}
	if (ret == KD_OK) {
		ret = registry_col_int(s, 2, "weight", 0, 65535, &weight, err);
	}
	if (ret == KD_OK) {
		ret = registry_col_int(s, 3, "port", 0, 65535, &port, err);
	}
	if (ret == KD_OK) {
		ret = registry_col_name(s, 4, "target", DNAME_HOST,
			host->srv.target, err);
	}
	if (ret == KD_OK) {
		ret = registry_col_ttl(s, 5, "ttl", &host->srv.ttl, err);
	}
	if (ret == KD_OK) {
		ret = registry_col_text(s, 6, "site", host->site,
			sizeof(host->site), err);
	}
	if (ret == KD_OK) {
		ret = read_registration(s, 7, host->signer, &host->origin,
			&host->state, &host->created, &host->refreshed, err);
	}
	host->srv.priority = (uint16_t)priority;
	host->srv.weight = (uint16_t)weight;
	host->srv.port = (uint16_t)port;
	return ret;
}

/* Read a row of ADDRESS_COLUMNS into ADDR, every value checked. */
kd_result
registry_read_address_row(sqlite3_stmt *s, void *item, kd_err *err)
{
	registry_address *addr = item;

	memset(addr, 0, sizeof(*addr));
	kd_result ret = registry_col_name(s, 0, "zone", DNAME_OWNER,
		addr->zone, err);
	if (ret == KD_OK) {
		ret = registry_col_name(s, 1, "name", DNAME_HOST, addr->name,
			err);
	}
	if (ret == KD_OK) {
		ret = registry_col_address(s, 2, "address", addr->address, err);
	}
	if (ret == KD_OK) {
		ret = registry_col_ttl(s, 3, "ttl", &addr->ttl, err);
	}
	if (ret == KD_OK) {
		ret = read_registration(s, 4, addr->signer, &addr->origin,
			&addr->state, &addr->created, &addr->refreshed, err);
	}
	return ret;
}

/* Read a row of the grants query into ITEM, every value checked. */
static kd_result
read_grant_row(sqlite3_stmt *s, void *item, kd_err *err)
{
	registry_grant *g = item;

	memset(g, 0, sizeof(*g));
	kd_result ret = registry_col_text(s, 0, "identity", g->identity,
		sizeof(g->identity), err);
	if (ret == KD_OK) {
		ret = registry_col_name(s, 1, "zone", DNAME_OWNER, g->zone,
			err);
	}
	if (ret == KD_OK && registry_scope_from_name(
		(const char *)sqlite3_column_text(s, 2), &g->scope) != KD_OK) {
		ret = kd_err_set(err, KD_EINVAL, "scope is neither self nor "
			"any");
	}
	return ret;
}

/* Read a row of sql_load_sites into ITEM, every value checked. */
static kd_result
read_site_row(sqlite3_stmt *s, void *item, kd_err *err)
{
	registry_site_prefix *sp = item;
	char text[REGISTRY_PREFIX_MAX];

	kd_result ret = registry_col_text(s, 0, "site", sp->site,
		sizeof(sp->site), err);
	if (ret == KD_OK) {
		ret = registry_site_validate(sp->site, err);
	}
	if (ret == KD_OK) {
		ret = registry_col_text(s, 1, "prefix", text, sizeof(text), err);
	}
	if (ret == KD_OK) {
		ret = registry_prefix_normalize(text, sp->prefix,
			sizeof(sp->prefix), err);
	}
	return ret;
}

/*
 * Append the rows of the query START began to the array *ITEMS of SIZE
 * bytes an item, *COUNT long, each read by READ; TABLE names the table in
 * errors. With ZONED, column 0 is the zone, and rows of zones not loaded
 * are skipped (loading everything: the lists stay grouped by zone).
 */
kd_result
registry_load_rows(registry_load_cursor *cur, kd_result start, void **items,
	size_t *count, size_t size, registry_read_row_fn read,
	const char *table, bool zoned, kd_err *err)
{
	size_t capacity = 0;
	bool row = false;
	kd_result ret = start;

	cur->zone_index = 0;
	while (ret == KD_OK &&
		(ret = registry_load_step(cur, &row, err)) == KD_OK && row) {
		const registry_zone *z = NULL;
		if (zoned && cur->reg->skip != NULL) {
			z = load_zone_of(cur, sqlite3_column_text(cur->stmt, 0));
			if (z == NULL) {
				ret = load_no_zone(cur, table, err);
				continue;
			}
		}
		if (registry_array_reserve(items, &capacity, *count,
			size) != KD_OK) {
			ret = kd_err_set(err, KD_ENOMEM, "out of memory");
			break;
		}
		kd_err why;
		if (read(cur->stmt, (char *)*items + *count * size, &why) !=
			KD_OK) {
			ret = registry_row_reject(cur->reg, table, cur->stmt,
				z != NULL ? z->name : NULL, &why, err);
			continue;
		}
		(*count)++;
	}
	return registry_load_finish(cur, ret);
}

static kd_result
load_grants(registry_load_cursor *cur, const char *zone, kd_err *err)
{
	registry_dataset *ds = cur->ds;

	return registry_load_rows(cur,
		load_start(cur, &query_grants, zone, err),
		(void **)&ds->grants, &ds->grant_count, sizeof(*ds->grants),
		read_grant_row, "grants", false, err);
}

static kd_result
load_sites(registry_load_cursor *cur, kd_err *err)
{
	registry_dataset *ds = cur->ds;

	return registry_load_rows(cur, registry_stmt_get(cur->reg,
		sql_load_sites, &cur->stmt, err), (void **)&ds->sites,
		&ds->site_count, sizeof(*ds->sites), read_site_row, "sites",
		false, err);
}

static kd_result
load_all(registry *reg, const char *zone, registry_dataset *out,
	kd_err *err)
{
	char skipped[REGISTRY_SKIPPED_ZONES_MAX][DNAME_BUF_SIZE];
	registry_load_cursor cur = { .reg = reg, .ds = out,
		.skipped_zones = skipped };
	kd_result ret = registry_get_settings(reg, &out->settings, err);

	if (ret == KD_OK) {
		ret = load_zones(&cur, zone, err);
	}
	if (ret == KD_OK && zone != NULL && out->zone_count == 0) {
		return kd_err_set(err, KD_ENOENT, "zone %s does not exist",
			zone);
	}
	for (size_t i = 0; ret == KD_OK && i < sizeof(zone_children) /
		sizeof(zone_children[0]); i++) {
		ret = load_children(&cur, &zone_children[i], zone, err);
	}
	if (ret == KD_OK) {
		ret = registry_load_rows(&cur,
			load_start(&cur, &query_hosts, zone, err),
			(void **)&out->hosts, &out->host_count,
			sizeof(*out->hosts), registry_read_host_row, "hosts",
			true, err);
	}
	if (ret == KD_OK) {
		ret = registry_load_rows(&cur,
			load_start(&cur, &query_addresses, zone, err),
			(void **)&out->addresses, &out->address_count,
			sizeof(*out->addresses), registry_read_address_row,
			"addresses", true, err);
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
		ret = registry_name_normalize("zone", zone, DNAME_OWNER,
			zone_name, err);
		if (ret != KD_OK) {
			return ret;
		}
	}
	const bool entered = reg->depth == 0 && !reg->reading;
	ret = registry_read_enter(reg, err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = load_all(reg, zone != NULL ? zone_name : NULL, out, err);
	registry_read_leave(reg, entered);
	if (ret != KD_OK) {
		registry_dataset_free(out);
	}
	return ret;
}

kd_result
registry_load_policy(registry *reg, registry_dataset *out, kd_err *err)
{
	registry_load_cursor cur = { .reg = reg, .ds = out };

	memset(out, 0, sizeof(*out));
	const bool entered = reg->depth == 0 && !reg->reading;
	kd_result ret = registry_read_enter(reg, err);
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
	registry_read_leave(reg, entered);
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
	kd_result ret = registry_stmt_get(reg, sql_load_serials, &stmt, err);

	*names = NULL;
	*serials = NULL;
	*count = 0;
	int rc = SQLITE_DONE;
	while (ret == KD_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (registry_array_reserve((void **)&name_list, &capacity, n,
			sizeof(*name_list)) != KD_OK ||
			registry_array_reserve((void **)&serial_list,
			&serial_capacity, n, sizeof(*serial_list)) != KD_OK) {
			ret = kd_err_set(err, KD_ENOMEM, "out of memory");
			break;
		}
		if (!registry_column_copy(stmt, 0, name_list[n],
			DNAME_BUF_SIZE)) {
			ret = registry_corrupt_error(reg, "zones", err);
			break;
		}
		serial_list[n] = (uint32_t)sqlite3_column_int64(stmt, 1);
		n++;
	}
	if (ret == KD_OK && rc != SQLITE_DONE) {
		ret = registry_store_error(reg, err);
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
registry_peers_free(registry_peers *peers)
{
	free(peers->allow_transfer);
	free(peers->notify);
	*peers = (registry_peers){ 0 };
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
		registry_peers_free(&z->peers);
	}
	free(ds->zones);
	free(ds->hosts);
	free(ds->addresses);
	free(ds->grants);
	free(ds->sites);
	memset(ds, 0, sizeof(*ds));
}
