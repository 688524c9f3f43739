/*
 * registry_settings.c -- the registry's settings: stale-after and
 * scavenge-after.
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <string.h>
#include <sqlite3.h>

#include "duration.h"
#include "kd_result.h"
#include "registry.h"
#include "registry_internal.h"
#include "registry_limits.h"

/* ---- settings -------------------------------------------------------- */

static const char sql_settings_get[] =
	"SELECT key, value FROM meta"
	" WHERE key IN ('stale_after', 'scavenge_after')";
static const char sql_meta_set[] =
	"INSERT INTO meta (key, value) VALUES (?1, ?2)"
	" ON CONFLICT (key) DO UPDATE SET value = excluded.value";

kd_result
registry_meta_read(registry *reg, const char *sql, registry_meta_fn take,
	void *ctx, kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	kd_result ret = registry_stmt_get(reg, sql, &stmt, err);
	int rc;

	if (ret != KD_OK) {
		return ret;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(stmt, 0);
		if (key == NULL || !take(ctx, key,
		    sqlite3_column_int64(stmt, 1))) {
			(void)sqlite3_reset(stmt);
			return registry_corrupt_error(reg, "meta", err);
		}
	}
	if (rc != SQLITE_DONE) {
		ret = registry_store_error(reg, err);
	}
	(void)sqlite3_reset(stmt);
	return ret;
}

kd_result
registry_meta_set(registry *reg, const char *key, int64_t value,
	kd_err *err)
{
	return REGISTRY_RUN(reg, sql_meta_set, err, REGISTRY_TEXT(key),
		REGISTRY_INT(value));
}

kd_result
registry_meta_write(registry *reg, const char *key, int64_t value,
	kd_err *err)
{
	return REGISTRY_WRITE(reg, sql_meta_set, err, REGISTRY_TEXT(key),
		REGISTRY_INT(value));
}

/* registry_meta_fn: one of the two ageing durations. */
static bool
take_setting(void *ctx, const char *key, int64_t value)
{
	registry_settings *out = ctx;

	if (value <= 0 || value > DURATION_MAX_SECONDS) {
		return false;
	}
	if (strcmp(key, "stale_after") == 0) {
		out->stale_after = value;
	} else {
		out->scavenge_after = value;
	}
	return true;
}

kd_result
registry_get_settings(registry *reg, registry_settings *out, kd_err *err)
{
	out->stale_after = REGISTRY_DEFAULT_STALE_AFTER;
	out->scavenge_after = REGISTRY_DEFAULT_SCAVENGE_AFTER;

	kd_result ret = registry_meta_read(reg, sql_settings_get, take_setting,
		out, err);
	if (ret == KD_OK) {
		ret = registry_limits_get(reg, &out->limits, err);
	}
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

	kd_result ret = registry_tx_enter(reg, err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = registry_meta_set(reg, "stale_after", in->stale_after, err);
	if (ret == KD_OK) {
		ret = registry_meta_set(reg, "scavenge_after",
			in->scavenge_after, err);
	}
	return registry_tx_leave(reg, ret, err);
}
