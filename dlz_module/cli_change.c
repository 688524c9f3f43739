/*
 * cli_change.c -- kmsdns-registry: what a changing command did, as its
 * result (text or JSON with "changed"), in the audit table and in syslog.
 */
#include "config.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "cli.h"

char *
cli_strdup_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	const int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		return NULL;
	}
	char *text = malloc((size_t)n + 1);
	if (text != NULL) {
		va_start(ap, fmt);
		(void)vsnprintf(text, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	return text;
}

void
cli_changed(const cli *c, const char *zone, const char *object,
	char *old_value, char *new_value)
{
	cli_change *change = c->change;

	change->changed = true;
	(void)snprintf(change->zone, sizeof(change->zone), "%s",
		zone != NULL ? zone : "");
	(void)snprintf(change->object, sizeof(change->object), "%s",
		object != NULL ? object : "");
	free(change->old_value);
	free(change->new_value);
	change->old_value = old_value;
	change->new_value = new_value;
}

void
cli_change_free(cli_change *change)
{
	free(change->old_value);
	free(change->new_value);
	change->old_value = NULL;
	change->new_value = NULL;
}

void
cli_user(char *out, size_t len)
{
	const char *sudo = getenv("SUDO_USER");

	if (sudo != NULL && sudo[0] != '\0') {
		(void)snprintf(out, len, "%s", sudo);
		return;
	}
	const struct passwd *pw = getpwuid(getuid());
	if (pw != NULL && pw->pw_name != NULL) {
		(void)snprintf(out, len, "%s", pw->pw_name);
	} else {
		(void)snprintf(out, len, "uid %u", (unsigned)getuid());
	}
}

kd_result
cli_change_audit(const cli *c, registry *reg, kd_err *err)
{
	const cli_change *change = c->change;
	char user[REGISTRY_IDENTITY_MAX];

	if (change == NULL || !change->changed) {
		return KD_OK;
	}
	cli_user(user, sizeof(user));
	const registry_audit_entry entry = {
		.time = c->now, .user = user, .command = change->command,
		.zone = change->zone, .object = change->object,
		.old_value = change->old_value, .new_value = change->new_value,
	};
	return registry_audit_add(reg, &entry, err);
}

/* TEXT with control characters as '?' (syslog lines are single). */
static void
one_line(char *text)
{
	for (; *text != '\0'; text++) {
		const unsigned char byte = (unsigned char)*text;
		if (byte < 0x20 || byte == 0x7f) {
			*text = '?';
		}
	}
}

void
cli_syslog_line(void *ctx, const char *line)
{
	(void)ctx;
	openlog(PROGRAM, LOG_PID, LOG_USER);
	syslog(LOG_NOTICE, "%s", line);
	closelog();
}

void
cli_change_syslog(const cli *c)
{
	const cli_change *change = c->change;
	char user[REGISTRY_IDENTITY_MAX];
	char line[2560];

	if (change == NULL || !change->changed) {
		return;
	}
	cli_user(user, sizeof(user));
	(void)snprintf(line, sizeof(line), "user %s: %s%s%s %s: \"%.511s\" -> "
		"\"%.511s\"", user, change->command,
		change->zone[0] != '\0' ? " zone " : "", change->zone,
		change->object, change->old_value != NULL ?
		change->old_value : "", change->new_value != NULL ?
		change->new_value : "");
	one_line(line);
	c->log(c->log_ctx, line);
}

void
change_json_begin(const cli *c, json_out *w)
{
	json_init(w, c->out);
	json_object_begin(w);
	json_kv_bool(w, "changed", c->change->changed);
	json_kv_string(w, "command", c->change->command);
	if (c->dry_run) {
		json_kv_bool(w, "dry_run", true);
	}
}

void
change_json_end(json_out *w)
{
	json_object_end(w);
	json_end_document(w);
}

void
change_report(const cli *c, const char *key, const char *value,
	const char *fmt, ...)
{
	if (!c->json) {
		va_list ap;
		va_start(ap, fmt);
		(void)vfprintf(c->out, fmt, ap);
		va_end(ap);
		(void)fputc('\n', c->out);
		return;
	}
	json_out w;
	change_json_begin(c, &w);
	if (key != NULL) {
		json_kv_string(&w, key, value);
	}
	change_json_end(&w);
}

const char *
change_text(const cli *c, const char *changed, const char *unchanged)
{
	return c->change->changed ? changed : unchanged;
}
