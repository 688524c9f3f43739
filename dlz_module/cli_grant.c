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

/* The scope IDENTITY has in ZONE now: "self", "any" or "" (none). */
static kd_result
grant_now(registry *reg, const registry_grant *key, const char **scope,
	kd_err *err)
{
	registry_dataset ds;
	kd_result ret = registry_load_policy(reg, &ds, err);

	*scope = "";
	if (ret != KD_OK) {
		return ret;
	}
	for (size_t i = 0; i < ds.grant_count; i++) {
		if (strcmp(ds.grants[i].identity, key->identity) == 0 &&
			strcmp(ds.grants[i].zone, key->zone) == 0) {
			*scope = registry_scope_name(ds.grants[i].scope);
		}
	}
	registry_dataset_free(&ds);
	return KD_OK;
}

/* Note the change of KEY's grant from OLD_SCOPE to NEW_SCOPE ("": none). */
static void
grant_note(const cli *c, const registry_grant *key, const char *old_scope,
	const char *new_scope)
{
	cli_changed(c, key->zone, key->identity,
		old_scope[0] != '\0' ? strdup(old_scope) : NULL,
		new_scope[0] != '\0' ? strdup(new_scope) : NULL);
}

static kd_result
grant_change(const cli *c, registry *reg, void *ctx, kd_err *err)
{
	const registry_grant *grant = ctx;
	const char *scope = "";
	const char *wanted = registry_scope_name(grant->scope);
	kd_result ret = registry_zone_exists(reg, grant->zone, err);

	if (ret == KD_OK) {
		ret = grant_now(reg, grant, &scope, err);
	}
	if (ret == KD_OK && strcmp(scope, wanted) != 0) {
		ret = registry_add_grant(reg, grant, err);
		if (ret == KD_OK) {
			grant_note(c, grant, scope, wanted);
		}
	}
	return ret;
}

/* The result of grant and revoke, as text or JSON. */
static void
grant_report(const cli *c, const registry_grant *grant, const char *scope,
	const char *text)
{
	if (c->json) {
		json_out w;
		change_json_begin(c, &w);
		json_kv_string(&w, "identity", grant->identity);
		json_kv_string(&w, "zone", grant->zone);
		json_kv_string(&w, "scope", scope);
		change_json_end(&w);
	} else {
		(void)fprintf(c->out, "%s %s in zone %s\n", text,
			grant->identity, grant->zone);
	}
}

static int
run_grant(cli *c)
{
	registry_grant grant;
	char text[64];

	memset(&grant, 0, sizeof(grant));
	int code = check_grant_key(c, "grant", c->args, c->pos[0], &grant);
	const char *scope_text = c->pos[1];
	if (code < 0 && registry_scope_from_name(scope_text, &grant.scope) !=
		KD_OK) {
		code = cli_message(c, REGISTRY_CLI_EXIT_USAGE, "grant: scope "
			"\"%s\" is neither self nor any", scope_text);
	}
	if (code < 0) {
		code = cli_session(c, false, grant_change, &grant);
	}
	if (code < 0) {
		const char *scope = registry_scope_name(grant.scope);
		(void)snprintf(text, sizeof(text), change_text(c,
			"granted %s to",
			"%s is granted already, unchanged, to"), scope);
		grant_report(c, &grant, scope, text);
	}
	return code;
}

static kd_result
revoke_change(const cli *c, registry *reg, void *ctx, kd_err *err)
{
	const registry_grant *grant = ctx;
	const char *scope = "";
	kd_result ret = registry_zone_exists(reg, grant->zone, err);

	if (ret == KD_OK) {
		ret = grant_now(reg, grant, &scope, err);
	}
	if (ret == KD_OK && scope[0] != '\0') {
		ret = registry_revoke(reg, grant->identity, grant->zone, err);
		if (ret == KD_OK) {
			grant_note(c, grant, scope, "");
		}
	}
	return ret;
}

static int
run_revoke(cli *c)
{
	registry_grant grant;

	memset(&grant, 0, sizeof(grant));
	int code = check_grant_key(c, "revoke", c->args, c->pos[0], &grant);
	if (code < 0) {
		code = cli_session(c, false, revoke_change, &grant);
	}
	if (code < 0) {
		grant_report(c, &grant, "", change_text(c,
			"revoked the grant of", "no grant, unchanged, of"));
	}
	return code;
}

static const char *
grant_scope_text(const void *record)
{
	const registry_grant *grant = record;

	return registry_scope_name(grant->scope);
}

static const cli_field grant_fields[] = {
	CLI_FIELD("identity", "IDENTITY", registry_grant, identity),
	CLI_FIELD("zone", "ZONE", registry_grant, zone),
	CLI_FIELD_FN("scope", "SCOPE", grant_scope_text),
};

static cli_rows
grant_list_rows(const registry_dataset *ds)
{
	return CLI_ROWS(grant_fields, ds->grants, ds->grant_count);
}

/* ---- the command table ----------------------------------------------- */

/* What grant and revoke share in their entries. */
#define GRANT_ENTRY \
	.texts = CLI_TEXTS(CLI_TEXT("zone", OPT_ZONE, grant_args, zone)), \
	.args_size = sizeof(grant_args)

const cli_command cli_grant_commands[] = {
	{
		.group = "grant", .run = run_grant, GRANT_ENTRY,
		.positional = "IDENTITY self|any", .min_args = 2, .max_args = 2,
		.synopsis = "IDENTITY --zone ZONE (self|any)",
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
			"the scope;\n"
			"granting the scope held already changes nothing.\n"
			"JSON: {\"changed\", \"command\", \"identity\", "
			"\"zone\", \"scope\"}\n",
	},
	{
		.group = "revoke", .run = run_revoke, GRANT_ENTRY,
		.positional = "IDENTITY", .min_args = 1, .max_args = 1,
		.synopsis = "IDENTITY --zone ZONE",
		.summary = "Remove the grant of IDENTITY in ZONE; no grant "
			"is fine (\"changed\": false).",
		.details = "JSON: {\"changed\", \"command\", "
			"\"identity\", \"zone\", \"scope\": \"\"}\n",
	},
	{
		.group = "grants", .synopsis = "[--json]",
		CLI_LIST_ROWS(grant_list_rows),
		.summary = "List the grants.",
		.details = "JSON: [{\"identity\", \"zone\", \"scope\"}]\n",
	},
	CLI_COMMANDS_END,
};
