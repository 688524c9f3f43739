/*
 * cli_grant.c -- kmsdns-registry grant, revoke and grants.
 */
#include "config.h"

#include <string.h>

#include "cli.h"
#include "grants.h"
#include "json_out.h"

typedef struct grant_args {
	const char *zone;
} grant_args;

static int
grant_option(const cli *c, void *args, int id, const char *option,
	const char *value)
{
	grant_args *a = args;

	if (id == OPT_ZONE) {
		a->zone = value;
		return -1;
	}
	return no_options(c, args, id, option, value);
}

/* IDENTITY and --zone of grant and revoke, checked. */
static int
check_grant_key(const cli *c, const char *command, const grant_args *a,
	const char *identity, registry_grant *grant)
{
	grants_identity_kind kind;
	kd_err err;

	if (grants_identity_parse(identity, &kind, grant->identity,
		sizeof(grant->identity), &err) != KD_OK) {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE, "%s", err.text);
	}
	if (a->zone == NULL) {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"%s: --zone is required", command);
	}
	return check_name(c, "--zone", "zone", a->zone, DNAME_OWNER,
		grant->zone);
}

static kd_result
grant_change(const cli *c, registry *reg, void *grant, kd_err *err)
{
	(void)c;
	return registry_add_grant(reg, grant, err);
}

static int
run_grant(cli *c, const cli_command *cmd, void *args, char **pos, int count)
{
	registry_grant grant;

	(void)cmd;
	(void)count;
	memset(&grant, 0, sizeof(grant));
	int code = check_grant_key(c, "grant", args, pos[0], &grant);
	if (code < 0 && registry_scope_from_name(pos[1], &grant.scope) !=
		KD_OK) {
		code = cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"grant: scope \"%s\" is neither self nor any", pos[1]);
	}
	if (code < 0) {
		code = cli_session(c, false, grant_change, &grant);
	}
	if (code < 0) {
		(void)fprintf(c->out, "granted %s to %s in zone %s\n",
			registry_scope_name(grant.scope), grant.identity,
			grant.zone);
	}
	return code;
}

static kd_result
revoke_change(const cli *c, registry *reg, void *ctx, kd_err *err)
{
	const registry_grant *grant = ctx;

	(void)c;
	return registry_revoke(reg, grant->identity, grant->zone, err);
}

static int
run_revoke(cli *c, const cli_command *cmd, void *args, char **pos,
	int count)
{
	registry_grant grant;

	(void)cmd;
	(void)count;
	memset(&grant, 0, sizeof(grant));
	int code = check_grant_key(c, "revoke", args, pos[0], &grant);
	if (code < 0) {
		code = cli_session(c, false, revoke_change, &grant);
	}
	if (code < 0) {
		(void)fprintf(c->out, "revoked the grant of %s in zone %s\n",
			grant.identity, grant.zone);
	}
	return code;
}

static void
grant_list_json(const cli *c, const registry_dataset *ds)
{
	json_out w;

	json_init(&w, c->out);
	json_array_begin(&w);
	for (size_t i = 0; i < ds->grant_count; i++) {
		json_object_begin(&w);
		json_kv_string(&w, "identity", ds->grants[i].identity);
		json_kv_string(&w, "zone", ds->grants[i].zone);
		json_kv_string(&w, "scope",
			registry_scope_name(ds->grants[i].scope));
		json_object_end(&w);
	}
	json_array_end(&w);
	json_end_document(&w);
}

static int
grant_list_text(const cli *c, const registry_dataset *ds)
{
	static const char *const header[] = { "IDENTITY", "ZONE", "SCOPE" };
	table t;

	table_init(&t, 3, header);
	for (size_t i = 0; i < ds->grant_count; i++) {
		const char *row[] = {
			ds->grants[i].identity, ds->grants[i].zone,
			registry_scope_name(ds->grants[i].scope),
		};
		table_add(&t, row);
	}
	return table_finish(c, &t);
}

/* ---- the command table ----------------------------------------------- */

static const struct option options_grant[] = {
	{ "zone", required_argument, NULL, OPT_ZONE },
	OPTIONS_COMMON,
};

const cli_command cli_grant_commands[] = {
	{
		.group = "grant",
		.synopsis = "IDENTITY --zone ZONE (self|any)",
		.positional = "IDENTITY self|any",
		.summary = "Allow IDENTITY to change SRV records of ZONE by "
			"signed dynamic update.",
		.details =
			"IDENTITY: a Kerberos principal "
			"(host/kms1.example.test@EXAMPLE.TEST,\n"
			"KMS1$@EXAMPLE.TEST), *@REALM for every host of a realm, "
			"or a TSIG key name.\n"
			"self: records whose target is the identity's own host; "
			"any: every\n"
			"_vlmcs._tcp record of the zone. Granting again changes "
			"the scope.\n",
		.options = options_grant, .min_args = 2, .max_args = 2,
		.run = run_grant, .on_option = grant_option,
		.args_size = sizeof(grant_args),
	},
	{
		.group = "revoke",
		.synopsis = "IDENTITY --zone ZONE",
		.positional = "IDENTITY",
		.summary = "Remove the grant of IDENTITY in ZONE.",
		.details = "",
		.options = options_grant, .min_args = 1, .max_args = 1,
		.run = run_revoke, .on_option = grant_option,
		.args_size = sizeof(grant_args),
	},
	{
		.group = "grants",
		.synopsis = "[--json]",
		.positional = "",
		.summary = "List the grants.",
		.details = "JSON: [{\"identity\", \"zone\", \"scope\"}]\n",
		.options = options_list, .min_args = 0, .max_args = 0,
		.run = run_list, .on_option = list_option,
		.list_json = grant_list_json, .list_text = grant_list_text,
		.args_size = sizeof(list_args),
	},
	CLI_COMMANDS_END,
};
