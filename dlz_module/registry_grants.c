/*
 * registry_grants.c -- dynamic-update grants: add and revoke.
 */
#include "config.h"

#include <stdbool.h>
#include <sqlite3.h>

#include "dname.h"
#include "grants.h"
#include "kd_result.h"
#include "registry.h"
#include "registry_internal.h"

/* ---- grants ---------------------------------------------------------- */

static const char sql_grant_upsert[] =
	"INSERT INTO grants (identity, zone, scope) VALUES (?1, ?2, ?3)"
	" ON CONFLICT (identity, zone) DO UPDATE SET scope = excluded.scope";
static const char sql_grant_delete[] =
	"DELETE FROM grants WHERE identity = ?1 AND zone = ?2";

/* The canonical identity and zone of a grant. */
static kd_result
grant_key_check(const char *identity, const char *zone,
	char identity_out[REGISTRY_IDENTITY_MAX], char zone_out[DNAME_BUF_SIZE],
	kd_err *err)
{
	grants_identity_kind kind;
	kd_result ret = grants_identity_parse(identity, &kind, identity_out,
		REGISTRY_IDENTITY_MAX, err);

	if (ret == KD_OK) {
		ret = registry_name_normalize("zone", zone, DNAME_OWNER,
			zone_out, err);
	}
	return ret;
}

kd_result
registry_add_grant(registry *reg, const registry_grant *grant, kd_err *err)
{
	char identity[REGISTRY_IDENTITY_MAX];
	char zone[DNAME_BUF_SIZE];
	kd_result ret = grant_key_check(grant->identity, grant->zone, identity,
		zone, err);

	if (ret != KD_OK) {
		return ret;
	}
	if (grant->scope != REGISTRY_SCOPE_SELF &&
		grant->scope != REGISTRY_SCOPE_ANY) {
		return kd_err_set(err, KD_EINVAL,
			"grant of %s in zone %s: unknown scope %d", identity, zone,
			(int)grant->scope);
	}
	const registry_value values[] = {
		REGISTRY_TEXT(identity), REGISTRY_TEXT(zone),
		REGISTRY_TEXT(registry_scope_name(grant->scope)),
	};
	const registry_zone_edit edit = {
		.zone = zone, .sql = { sql_grant_upsert }, .values = values,
		.count = 3,
	};
	return registry_zone_change(reg, &edit, err);
}

kd_result
registry_revoke(registry *reg, const char *identity, const char *zone,
	kd_err *err)
{
	char identity_name[REGISTRY_IDENTITY_MAX];
	char zone_name[DNAME_BUF_SIZE];
	kd_err missing;
	const kd_result ret = grant_key_check(identity, zone, identity_name,
		zone_name, err);

	if (ret != KD_OK) {
		return ret;
	}
	const registry_value key[] = {
		REGISTRY_TEXT(identity_name), REGISTRY_TEXT(zone_name),
	};
	(void)kd_err_set(&missing, KD_ENOENT, "%s has no grant in zone %s",
		identity_name, zone_name);
	const registry_zone_edit edit = {
		.zone = zone_name, .sql = { sql_grant_delete }, .values = key,
		.count = 2, .missing = &missing,
	};
	return registry_zone_change(reg, &edit, err);
}
