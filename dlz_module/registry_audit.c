/*
 * registry_audit.c -- the audit table (schema v3): every change recorded
 * with who made it, read back by `kmsdns-registry log`, pruned by scavenge
 * after the audit retention.
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "duration.h"
#include "kd_array.h"
#include "kd_result.h"
#include "registry.h"
#include "registry_internal.h"

/* The schema version that brought the audit table (registry_store.c). */
#define REGISTRY_AUDIT_SCHEMA 3

static const char sql_audit_insert[] =
	"INSERT INTO audit (time, user, command, zone, object, old_value,"
	" new_value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
/* The entries since ?1: all of them, or those of zone ?2. */
#define AUDIT_SINCE \
	"SELECT id, time, user, command, zone, object, old_value, new_value" \
	" FROM audit WHERE time >= ?1"
static const char sql_audit_all[] = AUDIT_SINCE " ORDER BY id";
static const char sql_audit_zone[] = AUDIT_SINCE " AND zone = ?2 ORDER BY id";
static const char sql_audit_count_before[] =
	"SELECT count(*) FROM audit WHERE time < ?1";
static const char sql_audit_delete_before[] =
	"DELETE FROM audit WHERE time < ?1";
static const char sql_retention_get[] =
	"SELECT key, value FROM meta WHERE key = 'audit_retention'";

static const char *
or_empty(const char *text)
{
	return text != NULL ? text : "";
}

kd_result
registry_audit_add(registry *reg, const registry_audit_entry *entry,
	kd_err *err)
{
	return REGISTRY_WRITE(reg, sql_audit_insert, err,
		REGISTRY_INT(entry->time), REGISTRY_TEXT(or_empty(entry->user)),
		REGISTRY_TEXT(or_empty(entry->command)),
		REGISTRY_TEXT(or_empty(entry->zone)),
		REGISTRY_TEXT(or_empty(entry->object)),
		REGISTRY_TEXT(or_empty(entry->old_value)),
		REGISTRY_TEXT(or_empty(entry->new_value)));
}

void
registry_audit_free(registry_audit_entry *entries, size_t count)
{
	for (size_t i = 0; entries != NULL && i < count; i++) {
		/* The strings of an entry are one allocation (read_entry()). */
		free((void *)(uintptr_t)entries[i].user);
	}
	free(entries);
}

/* Copy the row of STMT into E: its six strings in one allocation. */
static bool
read_entry(sqlite3_stmt *stmt, registry_audit_entry *e)
{
	size_t len = 0;

	for (int col = 2; col < 8; col++) {
		len += (size_t)sqlite3_column_bytes(stmt, col) + 1;
	}
	char *text = malloc(len);
	if (text == NULL) {
		return false;
	}
	const char **fields[] = {
		&e->user, &e->command, &e->zone, &e->object, &e->old_value,
		&e->new_value,
	};
	e->id = sqlite3_column_int64(stmt, 0);
	e->time = sqlite3_column_int64(stmt, 1);
	for (int col = 2; col < 8; col++) {
		const unsigned char *value = sqlite3_column_text(stmt, col);
		const size_t n = (size_t)sqlite3_column_bytes(stmt, col);
		memcpy(text, value != NULL ? (const char *)value : "", n);
		text[n] = '\0';
		*fields[col - 2] = text;
		text += n + 1;
	}
	return true;
}

kd_result
registry_audit_load(registry *reg, const char *zone, int64_t since,
	registry_audit_entry **out, size_t *count, kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	registry_audit_entry *items = NULL;
	size_t n = 0, capacity = 0;

	*out = NULL;
	*count = 0;
	if (reg->schema_version < REGISTRY_AUDIT_SCHEMA) {
		return kd_err_set(err, KD_ESCHEMA, "registry %s: schema version "
			"%ld has no audit log yet; the first change by "
			"kmsdns-registry or the module upgrades it", reg->path,
			reg->schema_version);
	}
	kd_result ret = registry_stmt_get(reg,
		zone != NULL ? sql_audit_zone : sql_audit_all, &stmt, err);
	if (ret != KD_OK) {
		return ret;
	}
	registry_bind_int(stmt, 1, since);
	if (zone != NULL) {
		registry_bind_text(stmt, 2, zone);
	}
	int rc;
	while (ret == KD_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		registry_audit_entry *grown = kd_array_grow(items, n,
			&capacity, sizeof(*items));
		if (grown != NULL) {
			items = grown;
		}
		if (grown == NULL || !read_entry(stmt, &items[n])) {
			ret = kd_err_set(err, KD_ENOMEM,
				"registry %s: out of memory", reg->path);
		} else {
			n++;
		}
	}
	if (ret == KD_OK && rc != SQLITE_DONE) {
		ret = registry_store_error(reg, err);
	}
	(void)sqlite3_reset(stmt);
	if (ret != KD_OK) {
		registry_audit_free(items, n);
		return ret;
	}
	*out = items;
	*count = n;
	return KD_OK;
}

kd_result
registry_audit_prune(registry *reg, int64_t before, bool dry_run,
	size_t *count, kd_err *err)
{
	const registry_value time = REGISTRY_INT(before);
	sqlite3_stmt *stmt = NULL;
	bool found = false;

	*count = 0;
	if (reg->schema_version < REGISTRY_AUDIT_SCHEMA) {
		return KD_OK; /* a reader of an older file: no audit table */
	}
	kd_result ret = registry_query_row(reg, sql_audit_count_before, &time,
		1, &stmt, &found, err);
	if (ret == KD_OK && found) {
		*count = (size_t)sqlite3_column_int64(stmt, 0);
		(void)sqlite3_reset(stmt);
	}
	if (ret != KD_OK || dry_run || *count == 0) {
		return ret;
	}
	return REGISTRY_WRITE(reg, sql_audit_delete_before, err,
		REGISTRY_INT(before));
}

/* registry_meta_fn: the audit retention, 1s to DURATION_MAX_SECONDS. */
static bool
take_retention(void *ctx, const char *key, int64_t value)
{
	(void)key;
	if (value < 1 || value > DURATION_MAX_SECONDS) {
		return false;
	}
	*(int64_t *)ctx = value;
	return true;
}

kd_result
registry_audit_retention(registry *reg, int64_t *seconds, kd_err *err)
{
	*seconds = REGISTRY_DEFAULT_AUDIT_RETENTION;
	return registry_meta_read(reg, sql_retention_get, take_retention,
		seconds, err);
}

kd_result
registry_set_audit_retention(registry *reg, int64_t seconds, kd_err *err)
{
	if (seconds < 1 || seconds > DURATION_MAX_SECONDS) {
		return kd_err_set(err, KD_ERANGE,
			"audit-retention %" PRId64 "s is out of range 1s-%"
			PRId64 "s", seconds, DURATION_MAX_SECONDS);
	}
	return registry_meta_write(reg, "audit_retention", seconds, err);
}
