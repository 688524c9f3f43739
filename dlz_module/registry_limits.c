/*
 * registry_limits.c -- the limits on dynamic updates (registry_limits.h).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "registry_internal.h"
#include "registry_limits.h"

const registry_limit_info registry_limit_table[] = {
	{ "max-update-records", "max_update_records", 64, 1, 65535,
		offsetof(registry_limits, max_update_records),
		"records one UPDATE may carry" },
	{ "max-self-addresses", "max_self_addresses", 4, 1, 1024,
		offsetof(registry_limits, max_self_addresses),
		"A/AAAA records a self signer may hold at its host" },
	{ "max-srv-answer-bytes", "max_srv_answer_bytes", 1232, 512, 65535,
		offsetof(registry_limits, max_srv_answer_bytes),
		"size of the zone's SRV answer" },
	{ NULL, NULL, 0, 0, 0, 0, NULL },
};

const registry_limit_info *
registry_limit_find(const char *name)
{
	for (const registry_limit_info *i = registry_limit_table; i->name;
	     i++) {
		if (strcmp(i->name, name) == 0) {
			return i;
		}
	}
	return NULL;
}

static int64_t *
limit_field(registry_limits *limits, const registry_limit_info *info)
{
	return (int64_t *)(void *)((char *)limits + info->offset);
}

int64_t
registry_limit_value(const registry_limits *limits,
	const registry_limit_info *info)
{
	const int64_t v = *limit_field((registry_limits *)(uintptr_t)limits,
		info);
	return v > 0 ? v : info->def;
}

void
registry_limits_default(registry_limits *limits)
{
	for (const registry_limit_info *i = registry_limit_table; i->name;
	     i++) {
		*limit_field(limits, i) = i->def;
	}
}

static const char sql_limits_get[] =
	"SELECT key, value FROM meta WHERE key IN ('max_update_records',"
	" 'max_self_addresses', 'max_srv_answer_bytes')";
/* registry_meta_fn: one limit, by its meta key. */
static bool
take_limit(void *ctx, const char *key, int64_t value)
{
	const registry_limit_info *info = NULL;

	for (const registry_limit_info *i = registry_limit_table; i->name;
	     i++) {
		if (strcmp(i->key, key) == 0) {
			info = i;
		}
	}
	if (info == NULL || value < info->min || value > info->max) {
		return false;
	}
	*limit_field(ctx, info) = value;
	return true;
}

kd_result
registry_limits_get(registry *reg, registry_limits *out, kd_err *err)
{
	registry_limits_default(out);
	return registry_meta_read(reg, sql_limits_get, take_limit, out, err);
}

kd_result
registry_limit_set(registry *reg, const char *name, const char *value,
	kd_err *err)
{
	const registry_limit_info *info = registry_limit_find(name);

	if (info == NULL) {
		return kd_err_set(err, KD_EINVAL, "unknown limit \"%s\"", name);
	}
	char *end = NULL;
	errno = 0;
	const long long v = strtoll(value, &end, 10);
	if (value[0] == '\0' || *end != '\0' || errno != 0) {
		return kd_err_set(err, KD_EINVAL, "%s \"%s\" is not a number",
			name, value);
	}
	if (v < info->min || v > info->max) {
		return kd_err_set(err, KD_ERANGE, "%s %lld is out of range "
			"%" PRId64 "-%" PRId64, name, v, info->min, info->max);
	}
	return registry_meta_write(reg, info->key, v, err);
}
