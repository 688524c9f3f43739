/*
 * cli_verify.c -- kmsdns-registry verify: what an admin runs before
 * `rndc reconfig`. Finds the module's dlz statements in named.conf (as
 * `named-checkconf -p` prints it), checks their arguments exactly as the
 * module does (module_args_parse()), and checks each registry: SQLite's
 * integrity, every row as the module reads it, zones named.conf declares
 * too, write access for the user named runs as, and Debian's AppArmor
 * profile. One line per finding; errors (what will break) give exit 1,
 * notes keep exit 0, and 2 means it could not check.
 */
#include "config.h"

#include <errno.h>
#include <libgen.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "json_out.h"
#include "kd_file.h"
#include "module_args.h"
#include "registry_catalog.h"
#include "snapshot.h"

extern char **environ;

#define VERIFY_NAMED_CONF "/etc/bind/named.conf"
#define VERIFY_USER "bind"
#define VERIFY_APPARMOR "/etc/apparmor.d/usr.sbin.named"
#define VERIFY_APPARMOR_STATE "/sys/kernel/security/apparmor/profiles"
#define VERIFY_FINDINGS_MAX 256
#define VERIFY_REGISTRIES_MAX 16

enum { OPT_NAMED_CONF = 1000, OPT_USER };

typedef struct finding {
	bool error;
	char text[KD_ERR_TEXT_MAX + 128];
} finding;

typedef struct verify_args {
	const char *named_conf;
	const char *user;
	finding *findings;
	size_t count;
	size_t errors;
	char zones[VERIFY_FINDINGS_MAX][DNAME_BUF_SIZE]; /* of named.conf */
	size_t zone_count;
	char registries[VERIFY_REGISTRIES_MAX][MODULE_ARGS_PATH_MAX];
	size_t registry_count;
} verify_args;

static void
verify_init(void *args)
{
	verify_args *a = args;
	a->named_conf = VERIFY_NAMED_CONF;
	a->user = VERIFY_USER;
}

static void
verify_free(void *args)
{
	free(((verify_args *)args)->findings);
}

static void add_finding(verify_args *a, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
add_finding(verify_args *a, bool error, const char *fmt, ...)
{
	if (a->findings == NULL) {
		a->findings = calloc(VERIFY_FINDINGS_MAX, sizeof(*a->findings));
	}
	if (a->findings == NULL || a->count == VERIFY_FINDINGS_MAX) {
		a->errors += error;
		return;
	}
	finding *f = &a->findings[a->count++];
	f->error = error;
	a->errors += error;
	va_list ap;
	va_start(ap, fmt);
	(void)vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
}

/* ---- named.conf ------------------------------------------------------- */

/* Run named-checkconf -p CONF; its output in *OUT (malloc'ed). */
static kd_result
run_checkconf(const char *conf, char **out, int *status, kd_err *err)
{
	int fds[2];
	posix_spawn_file_actions_t actions;
	char *const argv[] = { "named-checkconf", "-p", (char *)conf, NULL };
	pid_t pid;

	*out = NULL;
	if (pipe(fds) != 0) {
		return kd_err_set(err, KD_EIO, "pipe: %s", strerror(errno));
	}
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
	posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
	posix_spawn_file_actions_addclose(&actions, fds[0]);
	const int rc = posix_spawnp(&pid, "named-checkconf", &actions, NULL,
		argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	(void)close(fds[1]);
	if (rc != 0) {
		(void)close(fds[0]);
		return kd_err_set(err, KD_ENOENT, "cannot run named-checkconf: "
			"%s", strerror(rc));
	}
	size_t used = 0, capacity = 0;
	char *text = NULL;
	for (;;) {
		if (used + 4096 + 1 > capacity) {
			capacity = capacity ? capacity * 2 : 65536;
			char *grown = realloc(text, capacity);
			if (grown == NULL) {
				break;
			}
			text = grown;
		}
		const ssize_t n = read(fds[0], text + used, capacity - used - 1);
		if (n <= 0) {
			break;
		}
		used += (size_t)n;
	}
	(void)close(fds[0]);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR) {
	}
	if (text == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	text[used] = '\0';
	*out = text;
	return KD_OK;
}

/* The quoted string after KEYWORD at the start of LINE (blanks skipped). */
static bool
quoted_after(const char *line, const char *keyword, char *out, size_t outlen)
{
	line += strspn(line, " \t");
	const size_t len = strlen(keyword);
	if (strncmp(line, keyword, len) != 0 || line[len] != ' ') {
		return false;
	}
	const char *start = strchr(line + len, '"');
	const char *end = start != NULL ? strchr(start + 1, '"') : NULL;
	if (end == NULL || (size_t)(end - start - 1) >= outlen) {
		return false;
	}
	memcpy(out, start + 1, (size_t)(end - start - 1));
	out[end - start - 1] = '\0';
	return true;
}

static void check_apparmor(verify_args *a, const char *what,
	const char *path);

/* Check the database string DB of dlz statement NAME, as the module. */
static void
check_dlz(verify_args *a, const char *name, char *db)
{
	char *words[64];
	unsigned count = 0;
	for (char *save = NULL, *w = strtok_r(db, " \t", &save);
	    w != NULL && count < 64; w = strtok_r(NULL, " \t", &save)) {
		words[count++] = w;
	}
	if (count < 2 || strcmp(words[0], "dlopen") != 0 ||
	    strstr(words[1], "dlz_kmsdns") == NULL) {
		return; /* another module */
	}
	struct stat st;
	if (stat(words[1], &st) != 0) {
		add_finding(a, true, "dlz \"%s\": module %s: %s", name,
			words[1], strerror(errno));
	}
	check_apparmor(a, "module", words[1]);
	module_args args;
	kd_err err;
	if (module_args_parse(count - 1, words + 1, &args, &err) != KD_OK) {
		add_finding(a, true, "dlz \"%s\": %s", name, err.text);
		return;
	}
	if (a->registry_count < VERIFY_REGISTRIES_MAX) {
		(void)snprintf(a->registries[a->registry_count++],
			MODULE_ARGS_PATH_MAX, "%s", args.registry_path);
	}
}

/* Walk the output of named-checkconf -p: dlz statements and zones. */
static void
scan_named_conf(verify_args *a, char *text)
{
	char dlz_name[MODULE_ARGS_PATH_MAX + 512] = "";
	char value[MODULE_ARGS_PATH_MAX + 512];
	size_t found = 0;
	for (char *save = NULL, *line = strtok_r(text, "\n", &save);
	    line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (quoted_after(line, "dlz", value, sizeof(value))) {
			memcpy(dlz_name, value, sizeof(dlz_name));
		} else if (dlz_name[0] != '\0' &&
		    quoted_after(line, "database", value, sizeof(value))) {
			const size_t before = a->registry_count + a->errors;
			check_dlz(a, dlz_name, value);
			found += a->registry_count + a->errors != before;
		} else if (quoted_after(line, "zone", value, sizeof(value)) &&
		    a->zone_count < VERIFY_FINDINGS_MAX) {
			char *zone = a->zones[a->zone_count];
			if (dname_normalize(value, DNAME_OWNER, zone,
			    DNAME_BUF_SIZE, NULL) == KD_OK) {
				a->zone_count++;
			}
		}
	}
	if (found == 0) {
		add_finding(a, true, "%s: no dlz statement loads dlz_kmsdns",
			a->named_conf);
	}
}

/* ---- AppArmor --------------------------------------------------------- */

/* The file PATH (at most 1 MB) as a NUL-terminated string in *TEXT. */
static bool
read_text(const char *path, char **text)
{
	char *data = NULL;
	size_t len = 0;
	kd_err err;
	if (kd_file_read(path, 1 << 20, &data, &len, &err) != KD_OK) {
		return false;
	}
	char *copy = realloc(data, len + 1);
	if (copy == NULL) {
		free(data);
		return false;
	}
	copy[len] = '\0';
	*text = copy;
	return true;
}

static bool
profile_enforcing(void)
{
	char *text = NULL;
	bool enforcing = false;
	if (read_text(VERIFY_APPARMOR_STATE, &text)) {
		enforcing = strstr(text, "named (enforce)") != NULL;
		free(text);
	}
	return enforcing;
}

/* Does Debian's profile for named name the directory of PATH? */
static void
check_apparmor(verify_args *a, const char *what, const char *path)
{
	char *profile = NULL;
	if (!read_text(VERIFY_APPARMOR, &profile)) {
		return; /* no AppArmor profile for named here */
	}
	char copy[MODULE_ARGS_PATH_MAX], dir[MODULE_ARGS_PATH_MAX + 1];
	(void)snprintf(copy, sizeof(copy), "%s", path);
	(void)snprintf(dir, sizeof(dir), "%s/", dirname(copy));
	const bool allowed = strstr(profile, dir) != NULL;
	free(profile);
	if (allowed) {
		return;
	}
	const bool enforcing = profile_enforcing();
	add_finding(a, enforcing, "%s %s: %s has no rule for %s: AppArmor "
		"%s named's access (add a rule to "
		"/etc/apparmor.d/local/usr.sbin.named)%s", what, path,
		VERIFY_APPARMOR, dir, enforcing ? "blocks" : "would block",
		enforcing ? "" : "; AppArmor does not enforce it here");
}

/* ---- the registry ----------------------------------------------------- */

typedef struct verify_registry {
	verify_args *a;
	const char *path;
} verify_registry;

static void
report_row(void *ctx, const registry_skipped_row *row)
{
	const verify_registry *v = ctx;
	add_finding(v->a, true, "registry %s: %s%s%stable %s, row %s: %s "
		"(the module %s)", v->path, row->zone ? "zone " : "",
		row->zone ? row->zone : "", row->zone ? ": " : "", row->table,
		row->key, row->reason, strcmp(row->table, "zones") == 0 ?
		"does not serve the zone" : "skips the row");
}

static void
report_zone(void *ctx, const char *zone, const char *reason)
{
	const verify_registry *v = ctx;
	add_finding(v->a, true, "registry %s: zone %s: %s (the module does "
		"not serve it)", v->path, zone, reason);
}

static void
report_catalog(void *ctx, const char *problem)
{
	const verify_registry *v = ctx;
	add_finding(v->a, true, "registry %s: %s", v->path, problem);
}

static void
check_registry(verify_args *a, const char *path)
{
	verify_registry v = { .a = a, .path = path };
	registry *reg = NULL;
	kd_err err;
	if (registry_open(path, true, &reg, &err) != KD_OK) {
		add_finding(a, true, "%s", err.text);
		return;
	}
	if (registry_check_integrity(reg, &err) != KD_OK) {
		add_finding(a, true, "%s", err.text);
	}
	registry_set_skip_handler(reg, report_row, &v);
	registry_dataset ds;
	if (registry_load(reg, NULL, &ds, &err) != KD_OK) {
		add_finding(a, true, "%s", err.text);
		registry_close(reg);
		return;
	}
	snapshot *snap = NULL;
	if (snapshot_build(&ds, &ds.settings, 0, report_zone, &v, &snap,
		&err) != KD_OK) {
		add_finding(a, true, "registry %s: %s", path, err.text);
	}
	snapshot_unref(snap);
	size_t problems = 0;
	if (registry_catalog_check(reg, report_catalog, &v, &problems,
		&err) != KD_OK) {
		add_finding(a, true, "%s", err.text);
	}
	for (size_t z = 0; z < ds.zone_count; z++) {
		for (size_t i = 0; i < a->zone_count; i++) {
			if (strcmp(ds.zones[z].name, a->zones[i]) == 0) {
				add_finding(a, true, "zone %s is in registry %s "
					"and in %s: named.conf's zone is served, "
					"the module neither serves nor updates it "
					"(remove it from one of them)",
					ds.zones[z].name, path, a->named_conf);
			}
		}
	}
	registry_dataset_free(&ds);
	registry_close(reg);
	if (registry_check_write_access_as(path, a->user, &err) != KD_OK) {
		add_finding(a, true, "registry %s: user %s: %s (dynamic updates "
			"would get SERVFAIL; fix: chown %s the file and its "
			"directory)", path, a->user, err.text, a->user);
	}
	check_apparmor(a, "registry", path);
}

/* ---- the command ------------------------------------------------------ */

static void
verify_print(const cli *c, const verify_args *a)
{
	if (c->json) {
		json_out w;
		json_init(&w, c->out);
		json_object_begin(&w);
		json_kv_string(&w, "named_conf", a->named_conf);
		json_kv_string(&w, "user", a->user);
		json_key(&w, "findings");
		json_array_begin(&w);
		for (size_t i = 0; i < a->count; i++) {
			json_object_begin(&w);
			json_kv_string(&w, "severity", a->findings[i].error ?
				"error" : "note");
			json_kv_string(&w, "message", a->findings[i].text);
			json_object_end(&w);
		}
		json_array_end(&w);
		json_kv_uint(&w, "errors", a->errors);
		json_kv_uint(&w, "notes", a->count - a->errors);
		json_object_end(&w);
		json_end_document(&w);
		return;
	}
	for (size_t i = 0; i < a->count; i++) {
		(void)fprintf(c->out, "%s: %s\n", a->findings[i].error ?
			"error" : "note", a->findings[i].text);
	}
	(void)fprintf(c->out, "verify: %zu errors, %zu notes (%s, %zu "
		"registries)\n", a->errors, a->count - a->errors,
		a->named_conf, a->registry_count);
}

static int
run_verify(cli *c)
{
	verify_args *a = c->args;
	char *text = NULL;
	int status = 0;
	kd_err err;
	if (run_checkconf(a->named_conf, &text, &status, &err) != KD_OK) {
		return cli_message(c, REGISTRY_CLI_EXIT_UNCHECKED, "cannot check: "
			"%s", err.text);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *nl = strchr(text, '\n');
		if (nl != NULL) {
			*nl = '\0';
		}
		const int code = cli_message(c, REGISTRY_CLI_EXIT_UNCHECKED,
			"cannot check: named-checkconf -p %s failed: %s",
			a->named_conf, text);
		free(text);
		return code;
	}
	scan_named_conf(a, text);
	free(text);
	/* --db: that registry too (or only it, without dlz statements). */
	if (c->db_named && a->registry_count < VERIFY_REGISTRIES_MAX) {
		bool known = false;
		for (size_t i = 0; i < a->registry_count; i++) {
			known = known || strcmp(a->registries[i], c->db) == 0;
		}
		if (!known) {
			(void)snprintf(a->registries[a->registry_count++],
				MODULE_ARGS_PATH_MAX, "%s", c->db);
		}
	}
	for (size_t i = 0; i < a->registry_count; i++) {
		check_registry(a, a->registries[i]);
	}
	verify_print(c, a);
	return a->errors > 0 ? REGISTRY_CLI_EXIT_FAILED : REGISTRY_CLI_EXIT_OK;
}

const cli_command cli_verify_commands[] = {
	{
		.group = "verify", .run = run_verify,
		.args_size = sizeof(verify_args),
		.texts = CLI_TEXTS(CLI_TEXT("named-conf", OPT_NAMED_CONF,
			verify_args, named_conf),
			CLI_TEXT("user", OPT_USER, verify_args, user)),
		.init_args = verify_init, .free_args = verify_free,
		.synopsis = "[--named-conf FILE] [--user U] [--json]",
		.summary = "Check what named will load before `rndc reconfig`: "
			"the module's dlz\nstatements, their registries, write "
			"access, the catalog zone, zone clashes, AppArmor.",
		.details =
			"  --named-conf FILE  named.conf (default "
			VERIFY_NAMED_CONF ", read with\n"
			"                     named-checkconf -p)\n"
			"  --user U           the user named runs as (default "
			VERIFY_USER ")\n"
			"One line per finding: error (exit 1) or note (exit 0); "
			"exit 2 when\nnothing could be checked.\n"
			"JSON: {\"named_conf\", \"user\", \"findings\": "
			"[{\"severity\", \"message\"}],\n  \"errors\", "
			"\"notes\"}\n",
	},
	CLI_COMMANDS_END,
};
