/*
 * registry_age.c -- freshness of dynamic registrations: refresh by target or
 * signer, the state at a time, and ageing (stale, then scavenged).
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "dname.h"
#include "kd_array.h"
#include "kd_result.h"
#include "registry.h"
#include "registry_internal.h"
#include "srv.h"

/* ---- refresh --------------------------------------------------------- */

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
	const registry_value row_key[] = {
		REGISTRY_TEXT(zone), REGISTRY_TEXT(key),
	};
	kd_result ret = registry_query_row(reg, count_sql, row_key, 2, &stmt,
		&found, err);

	if (ret != KD_OK) {
		return ret;
	}
	const int64_t rows = found ? sqlite3_column_int64(stmt, 0) : 0;
	const int64_t stale_rows = found ? sqlite3_column_int64(stmt, 1) : 0;
	(void)sqlite3_reset(stmt);
	if (rows == 0) {
		return KD_OK;
	}

	ret = REGISTRY_RUN(reg, update_sql, err, REGISTRY_TEXT(zone),
		REGISTRY_TEXT(key), REGISTRY_INT(now),
		REGISTRY_TEXT(signer != NULL ? signer : ""));
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
	kd_result ret = registry_tx_enter(reg, err);

	if (ret != KD_OK) {
		return ret;
	}
	ret = registry_zone_require(reg, zone, err);
	for (size_t i = 0; ret == KD_OK && i < 2; i++) {
		ret = refresh_rows(reg, query->count_sql[i],
			query->update_sql[i], zone, key, signer, now,
			&refreshed, &revived, err);
	}
	if (ret == KD_OK && revived > 0) {
		ret = registry_serial_bump(reg, zone, err);
	}
	ret = registry_tx_leave(reg, ret, err);
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
	kd_result ret = registry_name_normalize("zone", zone, DNAME_OWNER,
		zone_name, err);

	if (count != NULL) {
		*count = 0;
	}
	if (ret == KD_OK) {
		ret = registry_name_normalize("target", target, DNAME_HOST,
			target_name, err);
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
	kd_result ret = registry_name_normalize("zone", zone, DNAME_OWNER,
		zone_name, err);

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

/* What registry_age_under() found: the rows to change and zones touched. */
typedef struct age_work {
	registry_host *hosts;
	size_t host_count;
	registry_address *addresses;
	size_t address_count;
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
	char (*zones)[DNAME_BUF_SIZE] = kd_array_grow(work->zones,
		work->zone_count, &work->zone_capacity, sizeof(*zones));
	if (zones == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	work->zones = zones;
	(void)snprintf(work->zones[work->zone_count++], DNAME_BUF_SIZE, "%s",
		zone);
	return KD_OK;
}

/* Start the age query SQL of CUR with the cuts of SETTINGS at NOW bound. */
static kd_result
age_query(registry_load_cursor *cur, const char *sql,
	const registry_settings *settings, int64_t now, kd_err *err)
{
	const kd_result ret = registry_stmt_get(cur->reg, sql, &cur->stmt,
		err);

	if (ret == KD_OK) {
		registry_bind_int(cur->stmt, 1, time_cut(now,
			settings->scavenge_after));
		registry_bind_int(cur->stmt, 2, time_cut(now,
			settings->stale_after));
	}
	return ret;
}

/* Collect the hosts and addresses whose state changes at NOW. */
static kd_result
age_collect(registry *reg, const registry_settings *settings, int64_t now,
	age_work *work, kd_err *err)
{
	registry_load_cursor hosts = { .reg = reg };
	registry_load_cursor addresses = { .reg = reg };
	kd_result ret = registry_load_rows(&hosts, age_query(&hosts,
		sql_age_hosts, settings, now, err), (void **)&work->hosts,
		&work->host_count, sizeof(*work->hosts), registry_read_host_row,
		"hosts", false, err);

	if (ret == KD_OK) {
		ret = registry_load_rows(&addresses, age_query(&addresses,
			sql_age_addresses, settings, now, err),
			(void **)&work->addresses, &work->address_count,
			sizeof(*work->addresses), registry_read_address_row,
			"addresses", false, err);
	}
	return ret;
}

static int
compare_zone_names(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* How one run ages: its settings and report, and what it found. */
typedef struct age_run {
	registry *reg;
	const registry_settings *settings;
	int64_t now;
	bool dry_run;
	registry_aged_fn report;
	void *ctx;
	age_work *work;
} age_run;

/*
 * One registration age_collect() found, host or address: what is reported,
 * and the statements and values (its key, then the new state) that delete
 * it or set its state.
 */
typedef struct age_row {
	registry_aged aged;
	registry_origin origin;
	const char *delete_sql;
	const char *state_sql;
	registry_value values[HOST_KEY_COUNT + 1];
	size_t key_count;
	char owner[DNAME_BUF_SIZE + 16];
	char rdata[DNAME_BUF_SIZE + 32];
} age_row;

_Static_assert(ADDRESS_KEY_COUNT <= HOST_KEY_COUNT,
	"age_row.values holds the longer key, a host's, and the state");

/* ROW for HOST: its SRV record under _vlmcs._tcp of its zone. */
static void
age_row_host(age_row *row, const registry_host *host)
{
	*row = (age_row){
		.aged = { .zone = host->zone, .signer = host->signer,
			.refreshed = host->refreshed, .owner = row->owner,
			.type = "SRV", .ttl = host->srv.ttl,
			.rdata = row->rdata },
		.origin = host->origin,
		.delete_sql = registry_sql_host_delete,
		.state_sql = sql_host_set_state,
		.values = { REGISTRY_TEXT(host->zone),
			REGISTRY_INT(host->srv.priority),
			REGISTRY_INT(host->srv.weight),
			REGISTRY_INT(host->srv.port),
			REGISTRY_TEXT(host->srv.target) },
		.key_count = HOST_KEY_COUNT,
	};
	(void)snprintf(row->owner, sizeof(row->owner), "%s.%s",
		SRV_KMS_SERVICE, host->zone);
	if (srv_format_rdata(&host->srv, row->rdata, sizeof(row->rdata))
		!= KD_OK) {
		row->rdata[0] = '\0';
	}
}

/* ROW for ADDR: its A or AAAA record. */
static void
age_row_address(age_row *row, const registry_address *addr)
{
	*row = (age_row){
		.aged = { .zone = addr->zone, .signer = addr->signer,
			.refreshed = addr->refreshed, .owner = addr->name,
			.type = strchr(addr->address, ':') != NULL ? "AAAA" :
			"A", .ttl = addr->ttl, .rdata = addr->address },
		.origin = addr->origin,
		.delete_sql = registry_sql_address_delete,
		.state_sql = sql_address_set_state,
		.values = { REGISTRY_TEXT(addr->zone),
			REGISTRY_TEXT(addr->name),
			REGISTRY_TEXT(addr->address) },
		.key_count = ADDRESS_KEY_COUNT,
	};
}

/*
 * Report ROW when its state at NOW is not active, note its zone and
 * (unless DRY_RUN) delete it when it expired, else store that state.
 */
static kd_result
age_row_apply(const age_run *run, age_row *row, kd_err *err)
{
	const registry_state state = registry_state_at(run->settings,
		row->origin, row->aged.refreshed, run->now);

	row->aged.state = state;
	if (state != REGISTRY_STATE_ACTIVE && run->report != NULL) {
		run->report(run->ctx, &row->aged);
	}
	kd_result ret = age_note_zone(run->work, row->aged.zone, err);
	if (ret != KD_OK || run->dry_run) {
		return ret;
	}
	if (state == REGISTRY_STATE_EXPIRED) {
		return registry_run(run->reg, row->delete_sql, row->values,
			row->key_count, err);
	}
	row->values[row->key_count] = REGISTRY_TEXT(registry_state_name(state));
	return registry_run(run->reg, row->state_sql, row->values,
		row->key_count + 1, err);
}

/* Report and (unless DRY_RUN) apply what age_collect() found. */
static kd_result
age_apply(const age_run *run, kd_err *err)
{
	const age_work *work = run->work;
	age_row row;
	kd_result ret = KD_OK;

	for (size_t i = 0; ret == KD_OK && i < work->host_count; i++) {
		age_row_host(&row, &work->hosts[i]);
		ret = age_row_apply(run, &row, err);
	}
	for (size_t i = 0; ret == KD_OK && i < work->address_count; i++) {
		age_row_address(&row, &work->addresses[i]);
		ret = age_row_apply(run, &row, err);
	}
	return ret;
}

kd_result
registry_age(registry *reg, int64_t now, bool dry_run,
	registry_aged_fn report, void *ctx, size_t *changed_zones,
	kd_err *err)
{
	return registry_age_under(reg, NULL, now, dry_run, report, ctx,
		changed_zones, err);
}

kd_result
registry_age_under(registry *reg, const registry_settings *override,
	int64_t now, bool dry_run, registry_aged_fn report, void *ctx,
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
	ret = dry_run ? registry_read_enter(reg, err) :
		registry_tx_enter(reg, err);
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
		const age_run run = {
			.reg = reg, .settings = &settings, .now = now,
			.dry_run = dry_run, .report = report, .ctx = ctx,
			.work = &work,
		};
		ret = age_apply(&run, err);
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
			ret = registry_serial_bump(reg, work.zones[i], err);
		}
	}
	if (dry_run) {
		registry_read_leave(reg, read_entered);
	} else {
		ret = registry_tx_leave(reg, ret, err);
	}
	age_work_free(&work);
	if (ret == KD_OK && changed_zones != NULL) {
		*changed_zones = zones;
	}
	return ret;
}
