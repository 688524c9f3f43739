/*
 * cli_config.c -- kmsdns-registry config get and set.
 */
#include "config.h"

#include <string.h>

#include "cli.h"
#include "duration.h"
#include "json_out.h"
#include "registry_limits.h"

/* The settings config get shows and config set changes. */
typedef struct config_values {
	registry_settings settings;
	int64_t audit_retention;
} config_values;

static const char *const config_names[] = {
	"stale-after", "scavenge-after", "audit-retention",
};

#define CONFIG_COUNT (sizeof(config_names) / sizeof(config_names[0]))

/* Setting number I of V. */
static int64_t *
config_value(config_values *v, size_t i)
{
	return i == 0 ? &v->settings.stale_after :
		i == 1 ? &v->settings.scavenge_after : &v->audit_retention;
}

static kd_result
config_load(registry *reg, config_values *v, kd_err *err)
{
	kd_result ret = registry_get_settings(reg, &v->settings, err);

	if (ret == KD_OK) {
		ret = registry_audit_retention(reg, &v->audit_retention, err);
	}
	return ret;
}

static kd_result
config_get_load(const cli *c, registry *reg, void *values, kd_err *err)
{
	(void)c;
	return config_load(reg, values, err);
}

static int
run_config_get(cli *c)
{
	config_values v;

	const int code = cli_session(c, true, config_get_load, &v);
	if (code >= 0) {
		return code;
	}
	json_out w;
	if (c->json) {
		json_init(&w, c->out);
		json_object_begin(&w);
	}
	for (size_t i = 0; i < CONFIG_COUNT; i++) {
		char key[32], text[DURATION_TEXT_MAX];
		const int64_t value = *config_value(&v, i);
		if (c->json) {
			(void)snprintf(key, sizeof(key), "%s", config_names[i]);
			for (char *p = key; *p != '\0'; p++) {
				*p = *p == '-' ? '_' : *p;
			}
			json_kv_int(&w, key, value);
		} else {
			duration_format(value, text, sizeof(text));
			(void)fprintf(c->out, "%s %s\n", config_names[i], text);
		}
	}
	for (const registry_limit_info *i = registry_limit_table; i->name;
	     i++) {
		const int64_t value = registry_limit_value(&v.settings.limits, i);
		if (c->json) {
			json_kv_int(&w, i->key, value);
		} else {
			(void)fprintf(c->out, "%s %lld\n", i->name,
				(long long)value);
		}
	}
	if (c->json) {
		json_object_end(&w);
		json_end_document(&w);
	}
	return REGISTRY_CLI_EXIT_OK;
}

/* The checked arguments of config set. */
typedef struct config_change {
	size_t setting;   /* index in config_names */
	int64_t seconds;
} config_change;

static kd_result
config_set_change(const cli *c, registry *reg, void *ctx, kd_err *err)
{
	const config_change *change = ctx;
	config_values v;
	kd_result ret = config_load(reg, &v, err);

	if (ret != KD_OK) {
		return ret;
	}
	int64_t *value = config_value(&v, change->setting);
	const int64_t old = *value;
	if (old == change->seconds) {
		return KD_OK;
	}
	*value = change->seconds;
	ret = change->setting < 2 ?
		registry_set_settings(reg, &v.settings, err) :
		registry_set_audit_retention(reg, v.audit_retention, err);
	if (ret == KD_OK) {
		char before[DURATION_TEXT_MAX], after[DURATION_TEXT_MAX];
		duration_format(old, before, sizeof(before));
		duration_format(change->seconds, after, sizeof(after));
		cli_changed(c, NULL, config_names[change->setting],
			strdup(before), strdup(after));
	}
	return ret;
}

/* The checked arguments of config set for a limit. */
typedef struct limit_change {
	const char *name;
	const char *value;
} limit_change;

/* config set of a limit: NAME to the number VALUE, "changed" reported. */
static kd_result
config_set_limit(const cli *c, registry *reg, void *ctx, kd_err *err)
{
	const limit_change *change = ctx;
	const registry_limit_info *info = registry_limit_find(change->name);
	registry_settings before, after;

	kd_result ret = registry_get_settings(reg, &before, err);
	if (ret == KD_OK) {
		ret = registry_limit_set(reg, change->name, change->value, err);
	}
	if (ret == KD_OK) {
		ret = registry_get_settings(reg, &after, err);
	}
	if (ret != KD_OK) {
		return ret;
	}
	const int64_t old = registry_limit_value(&before.limits, info);
	const int64_t now = registry_limit_value(&after.limits, info);
	if (old != now) {
		char o[32], n[32];
		(void)snprintf(o, sizeof(o), "%lld", (long long)old);
		(void)snprintf(n, sizeof(n), "%lld", (long long)now);
		cli_changed(c, NULL, change->name, strdup(o), strdup(n));
	}
	return KD_OK;
}

/*
 * The result of config set: NAME is now VALUE, in JSON as "seconds"
 * (*SECONDS) for a duration, else as the "value" of a limit (SECONDS NULL).
 */
static void
config_report(const cli *c, const char *name, const char *value,
	const int64_t *seconds)
{
	if (!c->json) {
		(void)fprintf(c->out, "%s %s %s\n", name, change_text(c,
			"is now", "is already, unchanged,"), value);
		return;
	}
	json_out w;
	change_json_begin(c, &w);
	json_kv_string(&w, "setting", name);
	if (seconds != NULL) {
		json_kv_int(&w, "seconds", *seconds);
	} else {
		json_kv_string(&w, "value", value);
	}
	change_json_end(&w);
}

static int
run_config_set_limit(cli *c, const char *name, const char *value)
{
	limit_change limit = { name, value };
	const int code = cli_session(c, false, config_set_limit, &limit);

	if (code < 0) {
		config_report(c, name, value, NULL);
	}
	return code;
}

static int
run_config_set(cli *c)
{
	const char *name = c->pos[0];
	const char *value_text = c->pos[1];
	config_change change = { .setting = CONFIG_COUNT };
	kd_err err = { "" };

	if (registry_limit_find(name) != NULL) {
		return run_config_set_limit(c, name, value_text);
	}
	for (size_t i = 0; i < CONFIG_COUNT; i++) {
		if (strcmp(name, config_names[i]) == 0) {
			change.setting = i;
		}
	}
	if (change.setting == CONFIG_COUNT) {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"config set: unknown setting \"%s\" (use stale-after, "
			"scavenge-after, audit-retention, max-update-records, "
			"max-self-addresses or max-srv-answer-bytes)", name);
	}
	if (duration_parse(value_text, &change.seconds, &err) != KD_OK) {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE, "%s: %s",
			name, err.text);
	}
	const int code = cli_session(c, false, config_set_change, &change);
	if (code < 0) {
		char value[DURATION_TEXT_MAX];
		duration_format(change.seconds, value, sizeof(value));
		config_report(c, name, value, &change.seconds);
	}
	return code;
}

/* ---- the command table ----------------------------------------------- */

const cli_command cli_config_commands[] = {
	{
		.group = "config", .action = "get", .synopsis = "[--json]",
		.run = run_config_get,
		.summary = "Show the freshness settings, the audit retention "
			"and the update limits.",
		.details = "JSON: {\"stale_after\", \"scavenge_after\", "
			"\"audit_retention\"} in seconds,\n"
			"\"max_update_records\", \"max_self_addresses\", "
			"\"max_srv_answer_bytes\"\n",
	},
	{
		.group = "config", .action = "set", .run = run_config_set,
		.positional = "SETTING DURATION", .min_args = 2, .max_args = 2,
		.synopsis = "stale-after|scavenge-after|audit-retention "
			"DURATION | LIMIT NUMBER",
		.summary = "Change a freshness setting. DURATION is seconds, "
			"or a number with s, m,\nh, d or w: 72h, 14d.",
		.details =
			"stale-after (default 3d): a dynamic registration not "
			"refreshed for this long\n"
			"is no longer served. scavenge-after (default 14d, not "
			"shorter than\n"
			"stale-after): it is deleted by the next scavenge.\n"
			"Limits on dynamic updates: max-update-records "
			"(default 64) records in one\nUPDATE; max-self-addresses "
			"(default 4) A/AAAA records of a self signer's\nhost; "
			"max-srv-answer-bytes (default 1232) size of the zone's "
			"SRV answer.\n"
			"audit-retention (default 365d): scavenge deletes "
			"audit entries older than\n"
			"this. Setting the value a setting has changes "
			"nothing.\n"
			"JSON: {\"changed\", \"command\", \"setting\", "
			"\"seconds\"}\n",
	},
	CLI_COMMANDS_END,
};
