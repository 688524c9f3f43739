/*
 * cli_scavenge.c -- kmsdns-registry scavenge: age the dynamic registrations.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_out.h"
#include "kd_array.h"

/* One registration registry_age() reported, as a record. */
typedef struct scavenge_item {
	char zone[DNAME_BUF_SIZE];
	char owner[DNAME_BUF_SIZE + 16];
	const char *type;
	uint32_t ttl;
	char data[DNAME_BUF_SIZE + 32];
	char signer[REGISTRY_IDENTITY_MAX];
	int64_t refreshed;
	registry_state state;
	/* As shown. */
	const char *state_name;
	const char *action;    /* "deleted", "would mark stale", ... */
	bool deleted;
} scavenge_item;

typedef struct scavenge_report {
	bool dry_run;
	scavenge_item *items;
	size_t count;
	size_t capacity;
	bool failed;
} scavenge_report;

typedef struct scavenge_args {
	/* What registry_age() reported. */
	scavenge_report report;
	size_t changed_zones;
	size_t audit_pruned;   /* audit entries past the retention */
} scavenge_args;

static const char *
scavenge_action(registry_state state, bool dry_run)
{
	if (state == REGISTRY_STATE_EXPIRED) {
		return dry_run ? "would delete" : "deleted";
	}
	return dry_run ? "would mark stale" : "marked stale";
}

/* Record in the report CTX a registration registry_age() changes. */
static void
scavenge_record(void *ctx, const registry_aged *aged)
{
	scavenge_report *report = ctx;

	if (report->failed) {
		return;
	}
	scavenge_item *grown = kd_array_grow(report->items, report->count,
		&report->capacity, sizeof(*grown));
	if (grown == NULL) {
		report->failed = true;
		return;
	}
	report->items = grown;
	scavenge_item *item = &report->items[report->count++];
	memset(item, 0, sizeof(*item));
	(void)snprintf(item->zone, sizeof(item->zone), "%s", aged->zone);
	(void)snprintf(item->owner, sizeof(item->owner), "%s", aged->owner);
	item->type = aged->type;
	item->ttl = aged->ttl;
	(void)snprintf(item->data, sizeof(item->data), "%s", aged->rdata);
	(void)snprintf(item->signer, sizeof(item->signer), "%s", aged->signer);
	item->refreshed = aged->refreshed;
	item->state = aged->state;
	item->state_name = registry_state_name(aged->state);
	item->action = scavenge_action(aged->state, report->dry_run);
	item->deleted = !report->dry_run &&
		aged->state == REGISTRY_STATE_EXPIRED;
}

static const cli_field scavenge_fields[] = {
	CLI_FIELD(NULL, "ACTION", scavenge_item, action),
	CLI_FIELD("zone", NULL, scavenge_item, zone),
	CLI_FIELD("owner", "OWNER", scavenge_item, owner),
	CLI_FIELD("type", "TYPE", scavenge_item, type),
	CLI_FIELD("ttl", NULL, scavenge_item, ttl),
	CLI_FIELD("data", "DATA", scavenge_item, data),
	CLI_FIELD("signer", "SIGNER", scavenge_item, signer),
	CLI_TIME_FIELD("refreshed", "REFRESHED", scavenge_item, refreshed),
	CLI_FIELD("state", NULL, scavenge_item, state_name),
	CLI_FIELD("deleted", NULL, scavenge_item, deleted),
};

static void
scavenge_json(const cli *c, const scavenge_args *a)
{
	const cli_rows rows = CLI_ROWS(scavenge_fields,
		a->report.items, a->report.count);
	json_out w;
	char when[CLI_TIME_MAX];

	format_time(c->now, when, sizeof(when));
	json_init(&w, c->out);
	json_object_begin(&w);
	json_kv_bool(&w, "changed", c->change->changed);
	json_kv_string(&w, "command", c->change->command);
	json_kv_string(&w, "now", when);
	json_kv_bool(&w, "dry_run", c->dry_run);
	json_kv_int(&w, "changed_zones", (int64_t)a->changed_zones);
	json_kv_int(&w, "audit_pruned", (int64_t)a->audit_pruned);
	json_key(&w, "registrations");
	cli_rows_json(&w, &rows);
	json_object_end(&w);
	json_end_document(&w);
}

static int
scavenge_text(const cli *c, const scavenge_args *a)
{
	const cli_rows rows = CLI_ROWS(scavenge_fields,
		a->report.items, a->report.count);

	if (a->report.count > 0) {
		const int code = cli_rows_table(c, &rows);
		if (code != REGISTRY_CLI_EXIT_OK) {
			return code;
		}
	}
	(void)fprintf(c->out, "%zu zone%s %s\n", a->changed_zones,
		a->changed_zones == 1 ? "" : "s",
		c->dry_run ? "would change" : "changed");
	(void)fprintf(c->out, "%zu audit entr%s %s\n", a->audit_pruned,
		a->audit_pruned == 1 ? "y" : "ies",
		c->dry_run ? "would be deleted" : "deleted");
	return REGISTRY_CLI_EXIT_OK;
}

/*
 * Age the registrations, then delete the audit entries older than the
 * audit retention; what changed is itself recorded in the audit log.
 */
static kd_result
scavenge_change(const cli *c, registry *reg, void *args, kd_err *err)
{
	scavenge_args *a = args;
	int64_t retention = 0;
	kd_result ret = registry_age(reg, c->now, c->dry_run,
		scavenge_record, &a->report, &a->changed_zones, err);

	if (ret == KD_OK) {
		ret = registry_audit_retention(reg, &retention, err);
	}
	if (ret == KD_OK) {
		ret = registry_audit_prune(reg, c->now - retention, c->dry_run,
			&a->audit_pruned, err);
	}
	size_t deleted = 0;
	for (size_t i = 0; i < a->report.count; i++) {
		deleted += a->report.items[i].state == REGISTRY_STATE_EXPIRED;
	}
	if (ret == KD_OK && (a->report.count > 0 ||
		a->changed_zones > 0 || a->audit_pruned > 0)) {
		cli_changed(c, NULL, "", NULL, cli_strdup_printf(
			"%zu zones changed, %zu registrations marked stale, "
			"%zu deleted, %zu audit entries deleted",
			a->changed_zones, a->report.count - deleted, deleted,
			a->audit_pruned));
	}
	return ret;
}

static int
run_scavenge(cli *c)
{
	scavenge_args *a = c->args;

	a->report.dry_run = c->dry_run;
	int code = cli_session(c, c->dry_run, scavenge_change, a);
	if (code >= 0) {
		/* The message is out. */
	} else if (a->report.failed) {
		code = cli_no_memory(c);
	} else if (c->json) {
		scavenge_json(c, a);
		code = REGISTRY_CLI_EXIT_OK;
	} else {
		code = scavenge_text(c, a);
	}
	free(a->report.items);
	return code;
}

/* ---- the command table ----------------------------------------------- */

const cli_command cli_scavenge_commands[] = {
	{
		.group = "scavenge", .synopsis = "[--dry-run] [--json]",
		.run = run_scavenge, .args_size = sizeof(scavenge_args),
		.summary = "Mark dynamic registrations stale and delete "
			"expired ones now; bump the\nserials of the zones "
			"that change. Delete audit entries older than\n"
			"audit-retention (config set).",
		.details =
			"  --dry-run   only show what would change\n"
			"JSON: {\"changed\", \"command\", \"now\", "
			"\"dry_run\", \"changed_zones\",\n"
			"  \"audit_pruned\", \"registrations\": [{\"zone\",\n"
			"  \"owner\", \"type\", \"ttl\", \"data\", "
			"\"signer\", \"refreshed\", \"state\",\n"
			"  \"deleted\"}]}\n",
	},
	CLI_COMMANDS_END,
};
