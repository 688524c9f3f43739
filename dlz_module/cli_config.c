/*
 * cli_config.c -- kmsdns-registry config get and set.
 */
#include "config.h"

#include <string.h>

#include "cli.h"
#include "duration.h"
#include "json_out.h"
#include "registry_limits.h"

static kd_result
config_get_load(const cli *c, registry *reg, void *settings, kd_err *err)
{
	(void)c;
	return registry_get_settings(reg, settings, err);
}

static int
run_config_get(cli *c, const cli_command *cmd, void *args, char **pos,
	int count)
{
	const list_args *a = args;
	registry_settings settings;

	(void)cmd;
	(void)pos;
	(void)count;
	const int code = cli_session(c, true, config_get_load, &settings);
	if (code >= 0) {
		return code;
	}
	if (a->json) {
		json_out w;
		json_init(&w, c->out);
		json_object_begin(&w);
		json_kv_int(&w, "stale_after", settings.stale_after);
		json_kv_int(&w, "scavenge_after", settings.scavenge_after);
		for (const registry_limit_info *i = registry_limit_table;
		     i->name; i++)
			json_kv_int(&w, i->key, registry_limit_value(
				&settings.limits, i));
		json_object_end(&w);
		json_end_document(&w);
	} else {
		char stale[DURATION_TEXT_MAX], scavenge[DURATION_TEXT_MAX];
		duration_format(settings.stale_after, stale, sizeof(stale));
		duration_format(settings.scavenge_after, scavenge,
			sizeof(scavenge));
		(void)fprintf(c->out, "stale-after %s\nscavenge-after %s\n",
			stale, scavenge);
		for (const registry_limit_info *i = registry_limit_table;
		     i->name; i++)
			(void)fprintf(c->out, "%s %lld\n", i->name, (long long)
				registry_limit_value(&settings.limits, i));
	}
	return REGISTRY_CLI_EXIT_OK;
}

/* The checked arguments of config set. */
typedef struct config_change {
	bool stale;       /* stale-after, else scavenge-after */
	int64_t seconds;
} config_change;

static kd_result
config_set_change(const cli *c, registry *reg, void *ctx, kd_err *err)
{
	const config_change *change = ctx;
	registry_settings settings;
	kd_result ret = registry_get_settings(reg, &settings, err);

	(void)c;
	if (ret == KD_OK) {
		if (change->stale) {
			settings.stale_after = change->seconds;
		} else {
			settings.scavenge_after = change->seconds;
		}
		ret = registry_set_settings(reg, &settings, err);
	}
	return ret;
}

/* The checked arguments of config set for a limit. */
typedef struct limit_change {
	const char *name;
	const char *value;
} limit_change;

static kd_result
config_set_limit(const cli *c, registry *reg, void *ctx, kd_err *err)
{
	const limit_change *change = ctx;

	(void)c;
	return registry_limit_set(reg, change->name, change->value, err);
}

static int
run_config_set(cli *c, const cli_command *cmd, void *args, char **pos,
	int count)
{
	config_change change = { .stale = strcmp(pos[0], "stale-after") == 0 };
	kd_err err = { "" };

	(void)cmd;
	(void)args;
	(void)count;
	if (registry_limit_find(pos[0]) != NULL) {
		limit_change limit = { pos[0], pos[1] };
		int code = cli_session(c, false, config_set_limit, &limit);
		if (code < 0) {
			(void)fprintf(c->out, "%s is now %s\n", pos[0], pos[1]);
		}
		return code;
	}
	if (!change.stale && strcmp(pos[0], "scavenge-after") != 0) {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"config set: unknown setting \"%s\" (use stale-after, "
			"scavenge-after, max-update-records, max-self-addresses "
			"or max-srv-answer-bytes)", pos[0]);
	}
	if (duration_parse(pos[1], &change.seconds, &err) != KD_OK) {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE, "%s: %s",
			pos[0], err.text);
	}
	int code = cli_session(c, false, config_set_change, &change);
	if (code < 0) {
		char text[DURATION_TEXT_MAX];
		duration_format(change.seconds, text, sizeof(text));
		(void)fprintf(c->out, "%s is now %s\n", pos[0], text);
	}
	return code;
}

/* ---- the command table ----------------------------------------------- */

const cli_command cli_config_commands[] = {
	{
		.group = "config", .action = "get",
		.synopsis = "[--json]",
		.positional = "",
		.summary = "Show the freshness settings and the update limits.",
		.details = "JSON: {\"stale_after\", \"scavenge_after\"} in "
			"seconds, \"max_update_records\",\n"
			"\"max_self_addresses\", \"max_srv_answer_bytes\"\n",
		.options = options_list, .min_args = 0, .max_args = 0,
		.run = run_config_get, .on_option = list_option,
		.args_size = sizeof(list_args),
	},
	{
		.group = "config", .action = "set",
		.synopsis = "stale-after|scavenge-after DURATION | LIMIT NUMBER",
		.positional = "SETTING DURATION",
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
			"SRV answer.\n",
		.options = options_none, .min_args = 2, .max_args = 2,
		.run = run_config_set, .on_option = no_options,
	},
	CLI_COMMANDS_END,
};
