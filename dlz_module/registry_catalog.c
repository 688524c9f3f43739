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

static const char sql_zone_exists[] = "SELECT 1 FROM zones WHERE name = ?1";
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
		sqlite3_stmt *stmt = NULL;
		kd_result ret = registry_stmt_get(reg, sql, &stmt, err);
		if (ret != KD_OK) {
			return ret;
		}
		registry_bind_int(stmt, 1, (int64_t)i);
		registry_bind_text(stmt, 2, list + i * size);
		ret = registry_stmt_run(reg, stmt, err);
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

/* Write the catalog row NAME and the lists PREFIXES and ENDPOINTS. */
static kd_result
catalog_write(registry *reg, const char *name, const registry_catalog *in,
	const char *prefixes, const char *endpoints, int64_t now, kd_err *err)
{
	uint32_t serial = 0;
	sqlite3_stmt *stmt = NULL;
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
	ret = registry_stmt_get(reg, sql_catalog_put, &stmt, err);
	if (ret != KD_OK) {
		return ret;
	}
	registry_bind_text(stmt, 1, name);
	registry_bind_int(stmt, 2, next);
	ret = registry_stmt_run(reg, stmt, err);
	if (ret == KD_OK) {
		ret = registry_exec_sql(reg, sql_lists_clear, err);
	}
	if (ret == KD_OK) {
		ret = insert_list(reg, sql_transfer_insert, prefixes,
			in->allow_transfer_count, REGISTRY_PREFIX_MAX, err);
	}
	if (ret == KD_OK) {
		ret = insert_list(reg, sql_notify_insert, endpoints,
			in->notify_count, REGISTRY_ENDPOINT_MAX, err);
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
	kd_result ret = catalog_name_check(catalog->name, name, err);

	if (ret == KD_OK) {
		ret = normalize_items((const char *)catalog->allow_transfer,
			catalog->allow_transfer_count, REGISTRY_PREFIX_MAX,
			registry_prefix_normalize, &prefixes, err);
	}
	if (ret == KD_OK) {
		ret = normalize_items((const char *)catalog->notify,
			catalog->notify_count, REGISTRY_ENDPOINT_MAX,
			registry_endpoint_normalize, &endpoints, err);
	}
	const bool entered = ret == KD_OK &&
		(ret = registry_tx_enter(reg, err)) == KD_OK;
	bool zone = false;
	if (ret == KD_OK) {
		ret = registry_row_exists(reg, sql_zone_exists, name, &zone, err);
	}
	if (ret == KD_OK && zone) {
		ret = kd_err_set(err, KD_EEXIST, "catalog zone %s: a zone of "
			"the registry has this name", name);
	}
	if (ret == KD_OK) {
		ret = catalog_write(reg, name, catalog, prefixes, endpoints, now,
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
	sqlite3_stmt *stmt = NULL;
	kd_result ret = registry_tx_enter(reg, err);

	if (ret != KD_OK) {
		return ret;
	}
	ret = registry_stmt_get(reg, sql_catalog_delete, &stmt, err);
	if (ret == KD_OK) {
		ret = registry_stmt_run(reg, stmt, err);
	}
	if (ret == KD_OK && sqlite3_changes(reg->db) == 0) {
		ret = kd_err_set(err, KD_ENOENT, "no catalog zone is set");
	}
	if (ret == KD_OK) {
		ret = registry_exec_sql(reg, sql_lists_clear, err);
	}
	return registry_tx_leave(reg, ret, err);
}

/* Rows of one column: a prefix or an endpoint. */
static bool
read_prefix_row(sqlite3_stmt *s, void *item)
{
	return registry_column_copy(s, 0, item, REGISTRY_PREFIX_MAX);
}

static bool
read_endpoint_row(sqlite3_stmt *s, void *item)
{
	return registry_column_copy(s, 0, item, REGISTRY_ENDPOINT_MAX);
}

static bool
read_entry_row(sqlite3_stmt *s, void *item)
{
	registry_catalog_entry *e = item;

	e->member = sqlite3_column_int64(s, 2) != 0;
	return registry_column_copy(s, 0, e->zone, sizeof(e->zone)) &&
		registry_column_copy(s, 1, e->id, sizeof(e->id));
}

kd_result
registry_catalog_get(registry *reg, registry_catalog *out, bool *found,
	kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	memset(out, 0, sizeof(*out));
	*found = false;
	const bool entered = reg->depth == 0 && !reg->reading;
	kd_result ret = registry_read_enter(reg, err);

	if (ret == KD_OK) {
		ret = registry_stmt_get(reg, sql_catalog_get, &stmt, err);
	}
	if (ret == KD_OK) {
		ret = registry_stmt_row(reg, stmt, found, err);
	}
	if (ret == KD_OK && *found) {
		const int64_t serial = sqlite3_column_int64(stmt, 1);
		if (!registry_column_copy(stmt, 0, out->name,
		    sizeof(out->name)) || serial < 1 || serial > UINT32_MAX) {
			ret = registry_corrupt_error(reg, "catalog", err);
		}
		out->serial = (uint32_t)serial;
		(void)sqlite3_reset(stmt);
	}
	registry_load_cursor cur = { .reg = reg };
	if (ret == KD_OK && *found) {
		ret = registry_load_rows(&cur, registry_stmt_get(reg,
			sql_transfer_list, &cur.stmt, err),
			(void **)&out->allow_transfer,
			&out->allow_transfer_count, REGISTRY_PREFIX_MAX,
			read_prefix_row, "catalog_allow_transfer", err);
	}
	if (ret == KD_OK && *found) {
		ret = registry_load_rows(&cur, registry_stmt_get(reg,
			sql_notify_list, &cur.stmt, err), (void **)&out->notify,
			&out->notify_count, REGISTRY_ENDPOINT_MAX,
			read_endpoint_row, "catalog_notify", err);
	}
	registry_read_leave(reg, entered);
	if (ret != KD_OK) {
		registry_catalog_free(out);
		*found = false;
	}
	return ret;
}

void
registry_catalog_free(registry_catalog *catalog)
{
	if (catalog == NULL) {
		return;
	}
	free(catalog->allow_transfer);
	free(catalog->notify);
	catalog->allow_transfer = NULL;
	catalog->notify = NULL;
	catalog->allow_transfer_count = catalog->notify_count = 0;
}

/* ---- members --------------------------------------------------------- */

kd_result
registry_catalog_entries(registry *reg, bool members_only,
	registry_catalog_entry **out, size_t *count, kd_err *err)
{
	registry_load_cursor cur = { .reg = reg };
	kd_result ret = registry_stmt_get(reg, sql_entries, &cur.stmt, err);

	*out = NULL;
	*count = 0;
	if (ret == KD_OK) {
		registry_bind_int(cur.stmt, 1, members_only ? 1 : 0);
	}
	ret = registry_load_rows(&cur, ret, (void **)out, count, sizeof(**out),
		read_entry_row, "zones", err);
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
	sqlite3_stmt *stmt = NULL;
	kd_result ret = registry_name_normalize("zone", zone, DNAME_OWNER,
		name, err);

	if (ret != KD_OK) {
		return ret;
	}
	ret = registry_tx_enter(reg, err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = registry_zone_require(reg, name, err);
	if (ret == KD_OK) {
		ret = registry_stmt_get(reg, sql_set_member, &stmt, err);
	}
	if (ret == KD_OK) {
		registry_bind_text(stmt, 1, name);
		registry_bind_int(stmt, 2, member ? 1 : 0);
		ret = registry_stmt_run(reg, stmt, err);
	}
	return registry_tx_leave(reg, ret, err);
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

static int
compare_ids(const void *a, const void *b)
{
	return strcmp(((const registry_catalog_entry *)a)->id,
		((const registry_catalog_entry *)b)->id);
}

/* The catalog's name and lists are what registry_catalog_set() stores. */
static void
check_catalog(check_state *st, const registry_catalog *cat)
{
	char canon[DNAME_BUF_SIZE];
	kd_err inner;

	if (catalog_name_check(cat->name, canon, &inner) != KD_OK) {
		problem(st, "%s", inner.text);
	} else if (strcmp(canon, cat->name) != 0) {
		problem(st, "catalog zone %s: name not stored in canonical "
			"form", cat->name);
	}
	for (size_t i = 0; i < cat->allow_transfer_count; i++) {
		char value[REGISTRY_PREFIX_MAX];
		if (registry_prefix_normalize(cat->allow_transfer[i], value,
		    sizeof(value), &inner) != KD_OK ||
		    strcmp(value, cat->allow_transfer[i]) != 0) {
			problem(st, "catalog zone %s: allow-transfer \"%s\" is "
				"not a canonical prefix", cat->name,
				cat->allow_transfer[i]);
		}
	}
	for (size_t i = 0; i < cat->notify_count; i++) {
		char value[REGISTRY_ENDPOINT_MAX];
		if (registry_endpoint_normalize(cat->notify[i], value,
		    sizeof(value), &inner) != KD_OK ||
		    strcmp(value, cat->notify[i]) != 0) {
			problem(st, "catalog zone %s: notify \"%s\" is not "
				"a canonical ADDR#PORT", cat->name,
				cat->notify[i]);
		}
	}
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
	const bool entered = reg->depth == 0 && !reg->reading;
	kd_result ret = registry_read_enter(reg, err);

	if (ret == KD_OK) {
		ret = registry_catalog_get(reg, &cat, &found, err);
	}
	if (ret == KD_OK && found) {
		ret = registry_catalog_entries(reg, false, &entries, &count,
			err);
	}
	registry_read_leave(reg, entered);
	if (ret != KD_OK || !found) {
		*problems = 0;
		return ret;
	}
	check_catalog(&st, &cat);
	for (size_t i = 0; i < count; i++) {
		if (strcmp(entries[i].zone, cat.name) == 0) {
			problem(&st, "catalog zone %s: a zone of the registry "
				"has this name", cat.name);
		}
		if (!id_valid(entries[i].id)) {
			problem(&st, "catalog zone %s: zone %s has the unusable "
				"id \"%s\" (16 lower-case hex digits expected)",
				cat.name, entries[i].zone, entries[i].id);
		}
	}
	qsort(entries, count, sizeof(*entries), compare_ids);
	for (size_t i = 1; i < count; i++) {
		if (strcmp(entries[i - 1].id, entries[i].id) == 0) {
			problem(&st, "catalog zone %s: zones %s and %s share "
				"the id %s", cat.name, entries[i - 1].zone,
				entries[i].zone, entries[i].id);
		}
	}
	free(entries);
	registry_catalog_free(&cat);
	*problems = st.problems;
	return KD_OK;
}
