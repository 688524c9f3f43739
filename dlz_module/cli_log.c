/*
 * cli_log.c -- kmsdns-registry log: the audit log of the registry.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "duration.h"
#include "json_out.h"

typedef struct log_args {
	const char *zone_text;
	const char *since_text;
	/* Built from the above. */
	char zone[DNAME_BUF_SIZE];
	int64_t since;
	registry_audit_entry *entries;
	size_t count;
} log_args;

/* TEXT as FORMAT (all of it) in UTC into *OUT; false when it is not. */
static bool
parse_utc(const char *text, const char *format, int64_t *out)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	const char *end = strptime(text, format, &tm);
	if (end == NULL || *end != '\0') {
		return false;
	}
	*out = (int64_t)timegm(&tm);
	return true;
}

/*
 * --since: a UTC time (2026-12-06T10:00:00Z, 2026-12-06) or a duration
 * before now (90m, 1d, 3600).
 */
static int
parse_since(const cli *c, const char *text, int64_t *since)
{
	int64_t seconds = 0;
	kd_err err;

	if (parse_utc(text, "%Y-%m-%dT%H:%M:%SZ", since) ||
		parse_utc(text, "%Y-%m-%d", since)) {
		return -1;
	}
	if (duration_parse(text, &seconds, &err) == KD_OK) {
		*since = c->now - seconds;
		return -1;
	}
	return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
		"--since: \"%s\" is neither a UTC time (2026-12-06, "
		"2026-12-06T10:00:00Z) nor a duration before now (90m, 1d)",
		text);
}

static kd_result
log_load(const cli *c, registry *reg, void *args, kd_err *err)
{
	log_args *a = args;

	(void)c;
	return registry_audit_load(reg, a->zone_text != NULL ? a->zone : NULL,
		a->since, &a->entries, &a->count, err);
}

static const cli_field log_fields[] = {
	CLI_FIELD("id", NULL, registry_audit_entry, id),
	CLI_TIME_FIELD("time", "TIME", registry_audit_entry, time),
	CLI_FIELD("user", "USER", registry_audit_entry, user),
	CLI_FIELD("command", "COMMAND", registry_audit_entry, command),
	CLI_FIELD("zone", "ZONE", registry_audit_entry, zone),
	CLI_FIELD("object", "OBJECT", registry_audit_entry, object),
	CLI_FIELD("old", "OLD", registry_audit_entry, old_value),
	CLI_FIELD("new", "NEW", registry_audit_entry, new_value),
};

static int
run_log(cli *c)
{
	log_args *a = c->args;

	int code = a->zone_text != NULL ? check_name(c, "--zone", "zone",
		a->zone_text, DNAME_OWNER, a->zone) : -1;
	if (code < 0 && a->since_text != NULL) {
		code = parse_since(c, a->since_text, &a->since);
	}
	if (code < 0) {
		code = cli_session(c, true, log_load, a);
	}
	if (code < 0) {
		const cli_rows rows = CLI_ROWS(log_fields, a->entries,
			a->count);
		code = cli_rows_print(c, &rows);
	}
	registry_audit_free(a->entries, a->count);
	return code;
}

/* ---- the command table ----------------------------------------------- */

const cli_command cli_log_commands[] = {
	{
		.group = "log", .run = run_log, .args_size = sizeof(log_args),
		.texts = CLI_TEXTS(
			CLI_TEXT("zone", OPT_ZONE, log_args, zone_text),
			CLI_TEXT("since", OPT_SINCE, log_args, since_text)),
		.synopsis = "[--zone ZONE] [--since TIME] [--json]",
		.summary = "Show the audit log: every change, by "
			"kmsdns-registry or by a dynamic\nupdate, oldest "
			"first.",
		.details =
			"  --zone ZONE    only the changes of ZONE\n"
			"  --since TIME   only changes at or after TIME: UTC "
			"2026-12-06 or\n"
			"                 2026-12-06T10:00:00Z, or a duration "
			"before now (90m, 1d)\n"
			"USER is the Unix user of kmsdns-registry (SUDO_USER "
			"when set) or the\n"
			"signer of an UPDATE. scavenge deletes entries older "
			"than audit-retention\n"
			"(config set).\n"
			"JSON: [{\"id\", \"time\", \"user\", \"command\", "
			"\"zone\", \"object\", \"old\",\n"
			"  \"new\"}]\n",
	},
	CLI_COMMANDS_END,
};
