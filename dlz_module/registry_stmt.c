/*
 * registry_stmt.c -- the registry's statement cache and the small
 * helpers the registry_*.c files share: binding, stepping, copying
 * columns, growing arrays, checking names and TTLs, requiring rows.
 */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "dname.h"
#include "kd_array.h"
#include "kd_result.h"
#include "registry.h"
#include "registry_internal.h"

/* RFC 2181 section 8: TTLs are 31-bit. The SOA timers use the same bound. */
#define REGISTRY_TTL_MAX UINT32_C(2147483647)

/* ---- small helpers --------------------------------------------------- */

kd_result
registry_store_error(const registry *reg, kd_err *err)
{
	return kd_err_set(err, KD_ESTORE, "registry %s: %s", reg->path,
		sqlite3_errmsg(reg->db));
}

/* Run SQL (one or more statements without results). */
kd_result
registry_exec_sql(registry *reg, const char *sql, kd_err *err)
{
	if (sqlite3_exec(reg->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		return registry_store_error(reg, err);
	}
	return KD_OK;
}

/*
 * The cached statement for SQL, which must be a string constant: the cache
 * is keyed by its address. The statement is reset and ready to bind.
 */
kd_result
registry_stmt_get(registry *reg, const char *sql, sqlite3_stmt **out,
	kd_err *err)
{
	for (size_t i = 0; i < reg->stmt_count; i++) {
		if (reg->stmts[i].sql == sql) {
			*out = reg->stmts[i].stmt;
			(void)sqlite3_reset(*out);
			return KD_OK;
		}
	}
	registry_stmt *grown = kd_array_grow(reg->stmts, reg->stmt_count,
		&reg->stmt_capacity, sizeof(*grown));
	if (grown == NULL) {
		return kd_err_set(err, KD_ENOMEM,
			"registry %s: out of memory", reg->path);
	}
	reg->stmts = grown;

	sqlite3_stmt *stmt = NULL;
	if (sqlite3_prepare_v3(reg->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
		&stmt, NULL) != SQLITE_OK) {
		return registry_store_error(reg, err);
	}
	reg->stmts[reg->stmt_count].sql = sql;
	reg->stmts[reg->stmt_count].stmt = stmt;
	reg->stmt_count++;
	*out = stmt;
	return KD_OK;
}

/*
 * SQLite copies TEXT: cached statements keep their bindings after a
 * reset, and TEXT is often a caller's stack buffer.
 */
void
registry_bind_text(sqlite3_stmt *stmt, int index, const char *text)
{
	(void)sqlite3_bind_text(stmt, index, text, -1, SQLITE_TRANSIENT);
}

void
registry_bind_int(sqlite3_stmt *stmt, int index, int64_t value)
{
	(void)sqlite3_bind_int64(stmt, index, value);
}

/* Step a statement without results to its end and reset it. */
kd_result
registry_stmt_run(registry *reg, sqlite3_stmt *stmt, kd_err *err)
{
	const int rc = sqlite3_step(stmt);
	kd_result ret = KD_OK;

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		ret = registry_store_error(reg, err);
	}
	(void)sqlite3_reset(stmt);
	return ret;
}

/* The cached statement for SQL with the COUNT VALUES bound as ?1, ... */
static kd_result
stmt_bound(registry *reg, const char *sql, const registry_value *values,
	size_t count, sqlite3_stmt **out, kd_err *err)
{
	const kd_result ret = registry_stmt_get(reg, sql, out, err);

	if (ret != KD_OK) {
		return ret;
	}
	for (size_t i = 0; i < count; i++) {
		if (values[i].is_text) {
			registry_bind_text(*out, (int)i + 1, values[i].text);
		} else {
			registry_bind_int(*out, (int)i + 1, values[i].number);
		}
	}
	return KD_OK;
}

kd_result
registry_run(registry *reg, const char *sql, const registry_value *values,
	size_t count, kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	const kd_result ret = stmt_bound(reg, sql, values, count, &stmt, err);

	if (ret != KD_OK) {
		return ret;
	}
	return registry_stmt_run(reg, stmt, err);
}

kd_result
registry_write(registry *reg, const char *sql, const registry_value *values,
	size_t count, kd_err *err)
{
	const kd_result ret = registry_tx_enter(reg, err);

	if (ret != KD_OK) {
		return ret;
	}
	return registry_tx_leave(reg, registry_run(reg, sql, values, count,
		err), err);
}

kd_result
registry_query_row(registry *reg, const char *sql,
	const registry_value *values, size_t count, sqlite3_stmt **stmt,
	bool *found, kd_err *err)
{
	const kd_result ret = stmt_bound(reg, sql, values, count, stmt, err);

	*found = false;
	if (ret != KD_OK) {
		return ret;
	}
	return registry_stmt_row(reg, *stmt, found, err);
}

kd_result
registry_exists(registry *reg, const char *sql, const registry_value *values,
	size_t count, bool *found, kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	const kd_result ret = registry_query_row(reg, sql, values, count,
		&stmt, found, err);

	if (ret == KD_OK) {
		(void)sqlite3_reset(stmt);
	}
	return ret;
}

/*
 * Step a query expected to give at most one row. *FOUND says whether it
 * did; if so the caller reads the columns and then calls sqlite3_reset(),
 * else the statement is reset already.
 */
kd_result
registry_stmt_row(registry *reg, sqlite3_stmt *stmt, bool *found, kd_err *err)
{
	const int rc = sqlite3_step(stmt);

	if (rc == SQLITE_ROW) {
		*found = true;
		return KD_OK;
	}
	*found = false;
	const kd_result ret = rc == SQLITE_DONE ? KD_OK :
		registry_store_error(reg, err);
	(void)sqlite3_reset(stmt);
	return ret;
}

/* Copy text column COL into OUT of OUTLEN bytes; false when it is longer. */
bool
registry_column_copy(sqlite3_stmt *stmt, int col, char *out, size_t outlen)
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

kd_result
registry_corrupt_error(const registry *reg, const char *table, kd_err *err)
{
	return kd_err_set(err, KD_ESTORE,
		"registry %s: table %s holds a malformed row", reg->path, table);
}

kd_result
registry_array_reserve(void **items, size_t *capacity, size_t count,
	size_t size)
{
	void *grown = kd_array_grow(*items, count, capacity, size);
	if (grown == NULL) {
		return KD_ENOMEM;
	}
	*items = grown;
	return KD_OK;
}

kd_result
registry_array_reserve_pow2(void **items, size_t count, size_t size)
{
	if (count != 0 && (count & (count - 1)) != 0) {
		return KD_OK;
	}
	void *grown = kd_array_resize(*items, count == 0 ? 1 : count * 2,
		size);
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
kd_result
registry_name_normalize(const char *role, const char *name, dname_rules rules,
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

kd_result
registry_ttl_check(const char *what, const char *name, uint32_t ttl,
	kd_err *err)
{
	if (ttl > REGISTRY_TTL_MAX) {
		return kd_err_set(err, KD_ERANGE,
			"%s of %s: %" PRIu32 " is out of range 0-%" PRIu32,
			what, name, ttl, REGISTRY_TTL_MAX);
	}
	return KD_OK;
}

/* *FOUND: whether the query SQL returns a row for KEY (bound as ?1). */
kd_result
registry_row_exists(registry *reg, const char *sql, const char *key,
	bool *found, kd_err *err)
{
	const registry_value value = REGISTRY_TEXT(key);

	return registry_exists(reg, sql, &value, 1, found, err);
}

/*
 * KD_OK when the WHAT ("zone", "site") KEY exists by the query SQL, else
 * KD_ENOENT naming it.
 */
kd_result
registry_row_require(registry *reg, const char *sql, const char *what,
	const char *key, kd_err *err)
{
	bool found = false;
	kd_result ret = registry_row_exists(reg, sql, key, &found, err);

	if (ret == KD_OK && !found) {
		ret = kd_err_set(err, KD_ENOENT, "%s %s does not exist", what,
			key);
	}
	return ret;
}
