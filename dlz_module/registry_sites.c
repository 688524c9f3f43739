/*
 * registry_sites.c -- sites and their prefixes: add and remove.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>
#include <sqlite3.h>

#include "kd_result.h"
#include "registry.h"
#include "registry_internal.h"

/* ---- sites ----------------------------------------------------------- */

static const char sql_site_of_prefix[] =
	"SELECT site FROM sites WHERE prefix = ?1";
static const char sql_site_insert[] =
	"INSERT INTO sites (prefix, site) VALUES (?1, ?2)";
static const char sql_site_delete[] = "DELETE FROM sites WHERE site = ?1";
static const char sql_site_unset_hosts[] =
	"UPDATE hosts SET site = '' WHERE site = ?1";

static kd_result
site_prefix_store(registry *reg, const char *site, const char *prefix,
	kd_err *err)
{
	sqlite3_stmt *stmt = NULL;
	bool found = false;
	kd_result ret = registry_stmt_get(reg, sql_site_of_prefix, &stmt, err);

	if (ret != KD_OK) {
		return ret;
	}
	registry_bind_text(stmt, 1, prefix);
	ret = registry_stmt_row(reg, stmt, &found, err);
	if (ret != KD_OK) {
		return ret;
	}
	if (found) {
		char owner[REGISTRY_SITE_MAX];
		const bool fits = registry_column_copy(stmt, 0, owner,
			sizeof(owner));
		(void)sqlite3_reset(stmt);
		if (fits && strcmp(owner, site) == 0) {
			return KD_OK;
		}
		return kd_err_set(err, KD_EEXIST,
			"prefix %s already belongs to site %s", prefix, owner);
	}
	(void)sqlite3_reset(stmt);
	return REGISTRY_RUN(reg, sql_site_insert, err, REGISTRY_TEXT(prefix),
		REGISTRY_TEXT(site));
}

kd_result
registry_add_site_prefix(registry *reg, const char *site,
	const char *prefix, kd_err *err)
{
	char canonical[REGISTRY_PREFIX_MAX];
	kd_result ret = registry_site_validate(site, err);

	if (ret == KD_OK) {
		ret = registry_prefix_normalize(prefix, canonical,
			sizeof(canonical), err);
	}
	if (ret != KD_OK) {
		return ret;
	}
	ret = registry_tx_enter(reg, err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = site_prefix_store(reg, site, canonical, err);
	return registry_tx_leave(reg, ret, err);
}

kd_result
registry_remove_site(registry *reg, const char *site, kd_err *err)
{
	kd_result ret = registry_site_validate(site, err);

	if (ret != KD_OK) {
		return ret;
	}
	ret = registry_tx_enter(reg, err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = REGISTRY_RUN(reg, sql_site_delete, err, REGISTRY_TEXT(site));
	if (ret == KD_OK && sqlite3_changes(reg->db) == 0) {
		ret = kd_err_set(err, KD_ENOENT, "site %s does not exist",
			site);
	}
	if (ret == KD_OK) {
		ret = REGISTRY_RUN(reg, sql_site_unset_hosts, err,
			REGISTRY_TEXT(site));
	}
	return registry_tx_leave(reg, ret, err);
}
