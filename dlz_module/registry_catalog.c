/*
 * registry_catalog.c -- the catalog zone in the registry: its row and
 * lists, the members' ids and membership, and the consistency check.
 * The serial follows the member set through triggers (schema version 4,
 * registry_store.c), so every way of adding or removing a zone counts.
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "dname.h"
#include "kd_result.h"
#include "registry.h"
#include "registry_catalog.h"
#include "registry_internal.h"

/* The schema version that brought the catalog (registry_store.c). */
#define REGISTRY_CATALOG_SCHEMA 4

/* How a rejected member row names its table (registry_rows.c). */
#define REGISTRY_CATALOG_ENTRY_TABLE "zones (catalog)"

static const char sql_catalog_get[] =
	"SELECT name, serial FROM catalog WHERE id = 1";
static const char sql_catalog_put[] =
	"INSERT OR REPLACE INTO catalog (id, name, serial) VALUES (1, ?1, ?2)";
static const char sql_catalog_delete[] = "DELETE FROM catalog";
static const char sql_lists_clear[] =
	"DELETE FROM catalog_allow_transfer; DELETE FROM catalog_notify";
static const char sql_transfer_insert[] =
	"INSERT OR IGNORE INTO catalog_allow_transfer (position, prefix)"
	" VALUES (?1, ?2)";
static const char sql_notify_insert[] =
	"INSERT OR IGNORE INTO catalog_notify (position, endpoint)"
	" VALUES (?1, ?2)";
static const char sql_transfer_list[] =
	"SELECT prefix FROM catalog_allow_transfer ORDER BY position";
static const char sql_notify_list[] =
	"SELECT endpoint FROM catalog_notify ORDER BY position";
static const char sql_entries[] =
	"SELECT name, catalog_id, catalog_member FROM zones"
	" WHERE ?1 = 0 OR catalog_member = 1 ORDER BY name";
static const char sql_set_member[] =
	"UPDATE zones SET catalog_member = ?2 WHERE name = ?1";

/* ---- the catalog row and its lists ----------------------------------- */

/* Insert the N items of LIST (each SIZE bytes) by the statement SQL. */
static kd_result
insert_list(registry *reg, const char *sql, const char *list, size_t n,
	size_t size, kd_err *err)
{
	for (size_t i = 0; i < n; i++) {
		const kd_result ret = REGISTRY_RUN(reg, sql, err,
			REGISTRY_INT(i), REGISTRY_TEXT(list + i * size));
		if (ret != KD_OK) {
			return ret;
		}
	}
	return KD_OK;
}

/* Normalize the N items of IN (each SIZE bytes) by FN into a new *OUT. */
static kd_result
normalize_items(const char *in, size_t n, size_t size,
	kd_result (*fn)(const char *, char *, size_t, kd_err *), char **out,
	kd_err *err)
{
	*out = calloc(n ? n : 1, size);
	if (*out == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		const kd_result ret = fn(in + i * size, *out + i * size, size,
			err);
		if (ret != KD_OK) {
			return ret;
		}
	}
	return KD_OK;
}

/* The stored serial, or 0 when no catalog is set. */
static kd_result
stored_serial(registry *reg, uint32_t *serial, kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	bool found = false;
	kd_result ret = registry_stmt_get(reg, sql_catalog_get, &stmt, err);

	if (ret == KD_OK) {
		ret = registry_stmt_row(reg, stmt, &found, err);
	}
	*serial = 0;
	if (ret == KD_OK && found) {
		*serial = (uint32_t)sqlite3_column_int64(stmt, 1);
		(void)sqlite3_reset(stmt);
	}
	return ret;
}

/*
 * Write the catalog row NAME and the lists PREFIXES and ENDPOINTS, as
 * many items as PEERS has.
 */
static kd_result
catalog_write(registry *reg, const char *name, const registry_peers *peers,
	const char *prefixes, const char *endpoints, int64_t now, kd_err *err)
{
	uint32_t serial = 0;
	kd_result ret = stored_serial(reg, &serial, err);

	if (ret != KD_OK) {
		return ret;
	}
	/* NOW for a new catalog (like zones); else up by one, or to NOW. */
	uint32_t next = serial == 0 ? (uint32_t)now : serial + 1;
	if (serial != 0 && (int32_t)((uint32_t)now - next) > 0) {
		next = (uint32_t)now;
	}
	if (next == 0) {
		next = 1;
	}
	ret = REGISTRY_RUN(reg, sql_catalog_put, err, REGISTRY_TEXT(name),
		REGISTRY_INT(next));
	if (ret == KD_OK) {
		ret = registry_exec_sql(reg, sql_lists_clear, err);
	}
	if (ret == KD_OK) {
		ret = insert_list(reg, sql_transfer_insert, prefixes,
			peers->allow_transfer_count, REGISTRY_PREFIX_MAX, err);
	}
	if (ret == KD_OK) {
		ret = insert_list(reg, sql_notify_insert, endpoints,
			peers->notify_count, REGISTRY_ENDPOINT_MAX, err);
	}
	return ret;
}

/* KD_OK when NAME can name the catalog; the canonical form into OUT. */
static kd_result
catalog_name_check(const char *name, char *out, kd_err *err)
{
	kd_result ret = registry_name_normalize("catalog zone", name,
		DNAME_OWNER, out, err);

	if (ret == KD_OK && strlen(out) > REGISTRY_CATALOG_NAME_MAX) {
		ret = kd_err_set(err, KD_EINVAL, "catalog zone %s: name "
			"longer than %d characters (\"<id>.zones.\" must fit "
			"in front)", out, REGISTRY_CATALOG_NAME_MAX);
	}
	if (ret == KD_OK && strcmp(out, ".") == 0) {
		ret = kd_err_set(err, KD_EINVAL,
			"catalog zone .: the root cannot be a catalog");
	}
	return ret;
}

kd_result
registry_catalog_set(registry *reg, const registry_catalog *catalog,
	int64_t now, kd_err *err)
{
	char name[DNAME_BUF_SIZE];
	char *prefixes = NULL, *endpoints = NULL;
	const registry_peers *peers = &catalog->peers;
	kd_result ret = catalog_name_check(catalog->name, name, err);

	if (ret == KD_OK) {
		ret = normalize_items((const char *)peers->allow_transfer,
			peers->allow_transfer_count, REGISTRY_PREFIX_MAX,
			registry_prefix_normalize, &prefixes, err);
	}
	if (ret == KD_OK) {
		ret = normalize_items((const char *)peers->notify,
			peers->notify_count, REGISTRY_ENDPOINT_MAX,
			registry_endpoint_normalize, &endpoints, err);
	}
	const bool entered = ret == KD_OK &&
		(ret = registry_tx_enter(reg, err)) == KD_OK;
	bool zone = false;
	if (ret == KD_OK) {
		ret = registry_row_exists(reg, registry_sql_zone_exists, name,
			&zone, err);
	}
	if (ret == KD_OK && zone) {
		ret = kd_err_set(err, KD_EEXIST, "catalog zone %s: a zone of "
			"the registry has this name", name);
	}
	if (ret == KD_OK) {
		ret = catalog_write(reg, name, peers, prefixes, endpoints, now,
			err);
	}
	if (entered) {
		ret = registry_tx_leave(reg, ret, err);
	}
	free(prefixes);
	free(endpoints);
	return ret;
}

kd_result
registry_catalog_unset(registry *reg, kd_err *err)
{
	kd_result ret = registry_tx_enter(reg, err);

	if (ret != KD_OK) {
		return ret;
	}
	ret = registry_run(reg, sql_catalog_delete, NULL, 0, err);
	if (ret == KD_OK && sqlite3_changes(reg->db) == 0) {
		ret = kd_err_set(err, KD_ENOENT, "no catalog zone is set");
	}
	if (ret == KD_OK) {
		ret = registry_exec_sql(reg, sql_lists_clear, err);
	}
	return registry_tx_leave(reg, ret, err);
}

/* True when ID is 16 lower-case hex digits, as the registry makes them. */
static bool
id_valid(const char *id)
{
	size_t n = 0;

	for (; id[n] != '\0'; n++) {
		if (!((id[n] >= '0' && id[n] <= '9') ||
		    (id[n] >= 'a' && id[n] <= 'f'))) {
			return false;
		}
	}
	return n == REGISTRY_CATALOG_ID_MAX - 1;
}

_Static_assert(REGISTRY_PREFIX_MAX <= REGISTRY_ENDPOINT_MAX,
	"read_text_row() holds either in REGISTRY_ENDPOINT_MAX bytes");

/*
 * Read the text column 0, named COLUMN, of at most SIZE bytes, and write
 * it as NORMALIZE checks and writes it to ITEM of SIZE bytes.
 */
static kd_result
read_text_row(sqlite3_stmt *s, const char *column, size_t size,
	kd_result (*normalize)(const char *, char *, size_t, kd_err *),
	void *item, kd_err *err)
{
	char text[REGISTRY_ENDPOINT_MAX];
	const kd_result ret = registry_col_text(s, 0, column, text, size, err);

	return ret == KD_OK ? normalize(text, item, size, err) : ret;
}

/* Rows of one column, checked: a prefix or an endpoint. */
static kd_result
read_prefix_row(sqlite3_stmt *s, void *item, kd_err *err)
{
	return read_text_row(s, "prefix", REGISTRY_PREFIX_MAX,
		registry_prefix_normalize, item, err);
}

static kd_result
read_endpoint_row(sqlite3_stmt *s, void *item, kd_err *err)
{
	return read_text_row(s, "endpoint", REGISTRY_ENDPOINT_MAX,
		registry_endpoint_normalize, item, err);
}

/* A row of sql_entries, checked: the zone, its id and membership. */
static kd_result
read_entry_row(sqlite3_stmt *s, void *item, kd_err *err)
{
	registry_catalog_entry *e = item;
	int64_t member = 0;

	memset(e, 0, sizeof(*e));
	kd_result ret = registry_col_name(s, 0, "name", DNAME_OWNER, e->zone,
		err);
	if (ret == KD_OK) {
		ret = registry_col_text(s, 1, "catalog_id", e->id,
			sizeof(e->id), err);
	}
	if (ret == KD_OK && !id_valid(e->id)) {
		ret = kd_err_set(err, KD_EINVAL, "catalog_id \"%s\" is not 16 "
			"lower-case hex digits", e->id);
	}
	if (ret == KD_OK) {
		ret = registry_col_int(s, 2, "catalog_member", 0, 1, &member,
			err);
	}
	e->member = member != 0;
	return ret;
}

/* The catalog row of S, checked, into OUT. */
static kd_result
read_catalog_row(sqlite3_stmt *s, registry_catalog *out, kd_err *err)
{
	int64_t serial = 0;
	char canon[DNAME_BUF_SIZE];
	kd_result ret = registry_col_text(s, 0, "name", out->name,
		sizeof(out->name), err);

	if (ret == KD_OK) {
		ret = catalog_name_check(out->name, canon, err);
	}
	if (ret == KD_OK) {
		(void)snprintf(out->name, sizeof(out->name), "%s", canon);
		ret = registry_col_int(s, 1, "serial", 1, UINT32_MAX, &serial,
			err);
	}
	out->serial = (uint32_t)serial;
	return ret;
}

kd_result
registry_catalog_get(registry *reg, registry_catalog *out, bool *found,
	kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	memset(out, 0, sizeof(*out));
	*found = false;
	if (reg->schema_version < REGISTRY_CATALOG_SCHEMA) {
		return KD_OK; /* a reader of an older file: no catalog yet */
	}
	const bool entered = reg->depth == 0 && !reg->reading;
	kd_result ret = registry_read_enter(reg, err);

	if (ret == KD_OK) {
		ret = registry_stmt_get(reg, sql_catalog_get, &stmt, err);
	}
	if (ret == KD_OK) {
		ret = registry_stmt_row(reg, stmt, found, err);
	}
	if (ret == KD_OK && *found) {
		kd_err why;
		if (read_catalog_row(stmt, out, &why) != KD_OK) {
			ret = registry_row_reject(reg, "catalog", stmt, NULL, &why,
				err);
			*found = false;
		}
		(void)sqlite3_reset(stmt);
	}
	registry_load_cursor cur = { .reg = reg };
	registry_peers *peers = &out->peers;
	if (ret == KD_OK && *found) {
		ret = registry_load_rows(&cur, registry_stmt_get(reg,
			sql_transfer_list, &cur.stmt, err),
			(void **)&peers->allow_transfer,
			&peers->allow_transfer_count, REGISTRY_PREFIX_MAX,
			read_prefix_row, "catalog_allow_transfer", false, err);
	}
	if (ret == KD_OK && *found) {
		ret = registry_load_rows(&cur, registry_stmt_get(reg,
			sql_notify_list, &cur.stmt, err), (void **)&peers->notify,
			&peers->notify_count, REGISTRY_ENDPOINT_MAX,
			read_endpoint_row, "catalog_notify", false, err);
	}
	registry_read_leave(reg, entered);
	if (ret != KD_OK || !*found) {
		registry_catalog_free(out);
		*found = false;
	}
	return ret;
}

void
registry_catalog_free(registry_catalog *catalog)
{
	if (catalog != NULL) {
		registry_peers_free(&catalog->peers);
	}
}

/* ---- members --------------------------------------------------------- */

kd_result
registry_catalog_entries(registry *reg, bool members_only,
	registry_catalog_entry **out, size_t *count, kd_err *err)
{
	registry_load_cursor cur = { .reg = reg };

	*out = NULL;
	*count = 0;
	if (reg->schema_version < REGISTRY_CATALOG_SCHEMA) {
		return KD_OK; /* a reader of an older file: no ids yet */
	}
	kd_result ret = registry_stmt_get(reg, sql_entries, &cur.stmt, err);
	if (ret == KD_OK) {
		registry_bind_int(cur.stmt, 1, members_only ? 1 : 0);
	}
	ret = registry_load_rows(&cur, ret, (void **)out, count, sizeof(**out),
		read_entry_row, REGISTRY_CATALOG_ENTRY_TABLE, false, err);
	if (ret != KD_OK) {
		free(*out);
		*out = NULL;
		*count = 0;
	}
	return ret;
}

kd_result
registry_set_zone_catalog(registry *reg, const char *zone, bool member,
	kd_err *err)
{
	char name[DNAME_BUF_SIZE];
	kd_result ret = registry_name_normalize("zone", zone, DNAME_OWNER,
		name, err);

	if (ret != KD_OK) {
		return ret;
	}
	const registry_value values[] = {
		REGISTRY_TEXT(name), REGISTRY_INT(member ? 1 : 0),
	};
	const registry_zone_edit edit = {
		.zone = name, .sql = { sql_set_member }, .values = values,
		.count = 2,
	};
	return registry_zone_change(reg, &edit, err);
}

/* ---- consistency ------------------------------------------------------ */

typedef struct check_state {
	registry_catalog_report_fn report;
	void *ctx;
	size_t problems;
} check_state;

static void
problem(check_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
problem(check_state *st, const char *fmt, ...)
{
	char line[KD_ERR_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	st->problems++;
	if (st->report != NULL) {
		st->report(st->ctx, line);
	}
}

static int
compare_ids(const void *a, const void *b)
{
	return strcmp(((const registry_catalog_entry *)a)->id,
		((const registry_catalog_entry *)b)->id);
}

/* A row the catalog's reading rejected (the module skips it the same). */
static void
report_row(void *ctx, const registry_skipped_row *row)
{
	problem(ctx, "catalog zone: table %s, row %s: %s (%s)", row->table,
		row->key, row->reason, strcmp(row->table, "catalog") == 0 ?
		"the catalog is not served" : "left out of the catalog");
}

kd_result
registry_catalog_check(registry *reg, registry_catalog_report_fn report,
	void *ctx, size_t *problems, kd_err *err)
{
	check_state st = { .report = report, .ctx = ctx };
	registry_catalog cat;
	registry_catalog_entry *entries = NULL;
	size_t count = 0;
	bool found = false;
	const registry_skip_fn skip = reg->skip;
	void *const skip_ctx = reg->skip_ctx;
	const bool entered = reg->depth == 0 && !reg->reading;
	kd_result ret = registry_read_enter(reg, err);

	*problems = 0;
	memset(&cat, 0, sizeof(cat));
	registry_set_skip_handler(reg, report_row, &st);
	if (ret == KD_OK) {
		ret = registry_catalog_get(reg, &cat, &found, err);
	}
	if (ret == KD_OK && found) {
		ret = registry_catalog_entries(reg, false, &entries, &count,
			err);
	}
	registry_set_skip_handler(reg, skip, skip_ctx);
	registry_read_leave(reg, entered);
	if (ret == KD_OK && found) {
		for (size_t i = 0; i < count; i++) {
			if (strcmp(entries[i].zone, cat.name) == 0) {
				problem(&st, "catalog zone %s: a zone of the "
					"registry has this name", cat.name);
			}
		}
		qsort(entries, count, sizeof(*entries), compare_ids);
		for (size_t i = 1; i < count; i++) {
			if (strcmp(entries[i - 1].id, entries[i].id) == 0) {
				problem(&st, "catalog zone %s: zones %s and %s "
					"share the id %s", cat.name,
					entries[i - 1].zone, entries[i].zone,
					entries[i].id);
			}
		}
	}
	free(entries);
	registry_catalog_free(&cat);
	*problems = st.problems;
	return ret;
}
