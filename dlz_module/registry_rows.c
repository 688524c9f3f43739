/*
 * registry_rows.c -- reading columns with a reason when a value is not
 * usable, naming a row by its key, and skipping rows a lenient reader
 * (the DLZ module) cannot serve.
 *
 * The schema constrains what the tools write, but a file can come from
 * anywhere (the sqlite3 tool, a migration, a bug): every value is checked
 * as it is read, with the same rules the tools apply when they write it.
 */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>

#include "dname.h"
#include "kd_result.h"
#include "registry.h"
#include "registry_internal.h"

/* RFC 2181 section 8: TTLs are 31-bit. */
#define ROW_TTL_MAX INT64_C(2147483647)

kd_result
registry_col_text(sqlite3_stmt *s, int col, const char *column, char *out,
	size_t outlen, kd_err *err)
{
	const unsigned char *text = sqlite3_column_text(s, col);
	const int type = sqlite3_column_type(s, col);
	out[0] = '\0';
	if (type != SQLITE_TEXT || text == NULL) {
		return kd_err_set(err, KD_EINVAL, "%s is not text", column);
	}
	const size_t len = (size_t)sqlite3_column_bytes(s, col);
	if (strlen((const char *)text) != len) {
		return kd_err_set(err, KD_EINVAL, "%s \"%s...\" holds a NUL "
			"byte", column, (const char *)text);
	}
	if (len >= outlen) {
		return kd_err_set(err, KD_ERANGE, "%s is longer than %zu "
			"bytes", column, outlen - 1);
	}
	memcpy(out, text, len + 1);
	return KD_OK;
}

kd_result
registry_col_name(sqlite3_stmt *s, int col, const char *column,
	dname_rules rules, char *out, kd_err *err)
{
	char text[DNAME_BUF_SIZE];
	kd_result ret = registry_col_text(s, col, column, text, sizeof(text),
		err);
	if (ret == KD_OK) {
		ret = registry_name_normalize(column, text, rules, out, err);
	}
	return ret;
}

kd_result
registry_col_int(sqlite3_stmt *s, int col, const char *column, int64_t min,
	int64_t max, int64_t *out, kd_err *err)
{
	*out = 0;
	if (sqlite3_column_type(s, col) != SQLITE_INTEGER) {
		const unsigned char *text = sqlite3_column_text(s, col);
		return kd_err_set(err, KD_EINVAL, "%s \"%s\" is not an integer",
			column, text != NULL ? (const char *)text : "NULL");
	}
	const int64_t value = sqlite3_column_int64(s, col);
	if (value < min || value > max) {
		return kd_err_set(err, KD_ERANGE, "%s %" PRId64 " is out of "
			"range %" PRId64 "-%" PRId64, column, value, min, max);
	}
	*out = value;
	return KD_OK;
}

kd_result
registry_col_ttl(sqlite3_stmt *s, int col, const char *column, uint32_t *out,
	kd_err *err)
{
	int64_t value = 0;
	const kd_result ret = registry_col_int(s, col, column, 0, ROW_TTL_MAX,
		&value, err);
	*out = (uint32_t)value;
	return ret;
}

kd_result
registry_col_address(sqlite3_stmt *s, int col, const char *column,
	char *out, kd_err *err)
{
	char text[REGISTRY_ADDR_MAX + 8];
	kd_err inner;
	kd_result ret = registry_col_text(s, col, column, text, sizeof(text),
		err);
	if (ret == KD_OK && registry_address_normalize(text, out,
		REGISTRY_ADDR_MAX, &inner) != KD_OK) {
		ret = kd_err_set(err, KD_EINVAL, "%s %s", column, inner.text);
	}
	return ret;
}

/* ---- naming and skipping rows ----------------------------------------- */

/* The key columns of each table as read by registry_read.c. */
typedef struct row_key {
	const char *table;
	const char *columns[5]; /* by index in the SELECT; NULL ends */
} row_key;

static const row_key row_keys[] = {
	{ "zones", { "name" } },
	{ "zone_ns", { "zone", "name" } },
	{ "zone_ns_addresses", { "zone", "ns", "address" } },
	{ "zone_allow_transfer", { "zone", "prefix" } },
	{ "zone_notify", { "zone", "endpoint" } },
	{ "hosts", { "zone", "priority", "weight", "port", "target" } },
	{ "addresses", { "zone", "name", "address" } },
	{ "grants", { "identity", "zone" } },
	{ "sites", { "site", "prefix" } },
	{ "catalog", { "name" } },
	{ "catalog_allow_transfer", { "prefix" } },
	{ "catalog_notify", { "endpoint" } },
	{ "zones (catalog)", { "name" } },
};

/* Append column COL of S to OUT as text safe for one log line. */
static void
append_value(sqlite3_stmt *s, int col, char *out, size_t outlen)
{
	size_t used = strlen(out);
	const int type = sqlite3_column_type(s, col);
	if (type == SQLITE_NULL) {
		(void)snprintf(out + used, outlen - used, "NULL");
		return;
	}
	if (type == SQLITE_INTEGER) {
		(void)snprintf(out + used, outlen - used, "%" PRId64,
			(int64_t)sqlite3_column_int64(s, col));
		return;
	}
	const unsigned char *text = sqlite3_column_text(s, col);
	const int len = sqlite3_column_bytes(s, col);
	(void)snprintf(out + used, outlen - used, "\"");
	for (int i = 0; i < len && text != NULL; i++) {
		used = strlen(out);
		if (used + 6 >= outlen) {
			break;
		}
		if (isprint(text[i]) && text[i] != '"' && text[i] != '\\') {
			out[used] = (char)text[i];
			out[used + 1] = '\0';
		} else {
			(void)snprintf(out + used, outlen - used, "\\x%02x",
				text[i]);
		}
	}
	used = strlen(out);
	(void)snprintf(out + used, outlen - used, "\"");
}

void
registry_row_key(const char *table, sqlite3_stmt *s, char *out,
	size_t outlen)
{
	out[0] = '\0';
	for (size_t t = 0; t < sizeof(row_keys) / sizeof(row_keys[0]); t++) {
		if (strcmp(row_keys[t].table, table) != 0) {
			continue;
		}
		for (int c = 0; c < 5 && row_keys[t].columns[c] != NULL; c++) {
			const size_t used = strlen(out);
			(void)snprintf(out + used, outlen - used, "%s%s=",
				c > 0 ? " " : "", row_keys[t].columns[c]);
			append_value(s, c, out, outlen);
		}
	}
}

void
registry_set_skip_handler(registry *reg, registry_skip_fn fn, void *ctx)
{
	reg->skip = fn;
	reg->skip_ctx = ctx;
}

kd_result
registry_row_reject(registry *reg, const char *table, sqlite3_stmt *s,
	const char *zone, const kd_err *why, kd_err *err)
{
	registry_skipped_row row;
	memset(&row, 0, sizeof(row));
	row.table = table;
	row.zone = zone;
	registry_row_key(table, s, row.key, sizeof(row.key));
	row.reason = why->text;
	if (reg->skip != NULL) {
		reg->skip(reg->skip_ctx, &row);
		return KD_OK;
	}
	return kd_err_set(err, KD_ESTORE, "registry %s: table %s, row %s: %s",
		reg->path, table, row.key, why->text);
}
