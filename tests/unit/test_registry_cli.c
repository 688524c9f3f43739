/*
 * test_registry_cli.c -- unit tests of dlz_module/cli_*.c: every command
 * of kmsdns-registry through registry_cli_main().
 */
#include "config.h"

#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "cli_conv.h"
#include "kd_result.h"
#include "registry.h"
#include "registry_cli.h"
#include "tmp_registry.h"

/* What config get prints for the default update limits. */
#define LIMITS_DEFAULT_TEXT \
	"max-update-records 64\nmax-self-addresses 4\nmax-srv-answer-bytes 1232\n"

#define T0 INT64_C(1700000000)
#define T0_TEXT "1700000000"
#define ZONE "corp.example.test"
#define ARGS_MAX 32
#define OUTPUT_MAX 65536

typedef struct fixture {
	char dir[TMP_REGISTRY_DIR_MAX];
	char path[TMP_REGISTRY_PATH_MAX];
	char out[OUTPUT_MAX];
	char err[OUTPUT_MAX];
	char log[OUTPUT_MAX];  /* the change log lines of the last run */
} fixture;

static int
setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));

	if (f == NULL) {
		return -1;
	}
	if (tmp_registry_make("cli", f->dir, f->path) != 0) {
		free(f);
		return -1;
	}
	(void)unsetenv("KMSDNS_REGISTRY");
	(void)setenv("KMSDNS_NOW", T0_TEXT, 1);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fixture *f = *state;

	tmp_registry_remove(f->dir, f->path);
	free(f);
	return 0;
}

static void
slurp(FILE *fp, char *buf, size_t len)
{
	rewind(fp);
	const size_t n = fread(buf, 1, len - 1, fp);
	buf[n] = '\0';
	(void)fclose(fp);
}

/* The change log of registry_cli_run(): LINE and a newline into F->log. */
static void
capture_log(void *ctx, const char *line)
{
	fixture *f = ctx;
	const size_t used = strlen(f->log);

	(void)snprintf(f->log + used, sizeof(f->log) - used, "%s\n", line);
}

/*
 * Run kmsdns-registry with the arguments ARGV (NULL-terminated) as given,
 * without adding --db; keep the output in F.
 */
static int
run_argv(fixture *f, const char *const *args)
{
	char *argv[ARGS_MAX + 1];
	int argc = 0;

	argv[argc++] = (char *)"kmsdns-registry";
	for (size_t i = 0; args[i] != NULL && argc < ARGS_MAX; i++) {
		argv[argc++] = (char *)args[i];
	}
	argv[argc] = NULL;
	FILE *out = tmpfile();
	FILE *err = tmpfile();
	assert_non_null(out);
	assert_non_null(err);
	const registry_cli_io io = { .out = out, .err = err,
		.log = capture_log, .log_ctx = f };
	f->log[0] = '\0';
	const int code = registry_cli_run(argc, argv, &io);
	slurp(out, f->out, sizeof(f->out));
	slurp(err, f->err, sizeof(f->err));
	return code;
}

/* Run with "--db PATH" and the arguments that follow, up to NULL. */
static int
run(fixture *f, ...)
{
	const char *args[ARGS_MAX + 1];
	size_t n = 0;
	va_list ap;

	args[n++] = "--db";
	args[n++] = f->path;
	va_start(ap, f);
	for (const char *arg; (arg = va_arg(ap, const char *)) != NULL &&
		n < ARGS_MAX;) {
		args[n++] = arg;
	}
	va_end(ap);
	args[n] = NULL;
	return run_argv(f, args);
}

#define RUN(f, ...) run((f), __VA_ARGS__, (const char *)NULL)

/* The command succeeded and printed nothing on the error stream. */
#define assert_ran(f, code) do { \
	const int assert_code_ = (code); \
	if (assert_code_ != 0) { \
		fail_msg("exit %d: %s", assert_code_, (f)->err); \
	} \
	assert_string_equal((f)->err, ""); \
} while (0)

/* The command failed with CODE and exactly the one line MESSAGE. */
static void
assert_failed(const fixture *f, int code, int want_code, const char *message)
{
	char line[1024];

	(void)snprintf(line, sizeof(line), "kmsdns-registry: %s\n", message);
	if (code != want_code) {
		fail_msg("exit %d, not %d: %s", code, want_code, f->err);
	}
	assert_string_equal(f->err, line);
}

static void
assert_contains(const char *text, const char *part)
{
	if (strstr(text, part) == NULL) {
		fail_msg("\"%s\" not found in:\n%s", part, text);
	}
}

/* ---- a small JSON syntax check (RFC 8259) ---------------------------- */

static const char *json_value(const char *p, int depth);

static const char *
json_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
		p++;
	}
	return p;
}

static const char *
json_string_end(const char *p)
{
	if (*p != '"') {
		return NULL;
	}
	for (p++; *p != '"'; p++) {
		if ((unsigned char)*p < 0x20) {
			return NULL;
		}
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++) {
					if (strchr("0123456789abcdefABCDEF",
						p[i]) == NULL || p[i] == '\0') {
						return NULL;
					}
				}
				p += 4;
			} else if (*p == '\0' || strchr("\"\\/bfnrt", *p) == NULL) {
				return NULL;
			}
		}
	}
	return p + 1;
}

static const char *
json_number_end(const char *p)
{
	const char *start = p;

	if (*p == '-') {
		p++;
	}
	if (*p == '0') {
		p++;
	} else {
		while (*p >= '0' && *p <= '9') {
			p++;
		}
	}
	return p == start || (p == start + 1 && *start == '-') ? NULL : p;
}

static const char *
json_container(const char *p, int depth, char close, bool object)
{
	p = json_space(p + 1);
	if (*p == close) {
		return p + 1;
	}
	for (;;) {
		if (object) {
			p = json_string_end(json_space(p));
			if (p == NULL) {
				return NULL;
			}
			p = json_space(p);
			if (*p++ != ':') {
				return NULL;
			}
		}
		p = json_value(p, depth + 1);
		if (p == NULL) {
			return NULL;
		}
		p = json_space(p);
		if (*p == close) {
			return p + 1;
		}
		if (*p++ != ',') {
			return NULL;
		}
	}
}

static const char *
json_value(const char *p, int depth)
{
	p = json_space(p);
	if (depth > 64) {
		return NULL;
	}
	switch (*p) {
	case '{':
		return json_container(p, depth, '}', true);
	case '[':
		return json_container(p, depth, ']', false);
	case '"':
		return json_string_end(p);
	case 't':
		return strncmp(p, "true", 4) == 0 ? p + 4 : NULL;
	case 'f':
		return strncmp(p, "false", 5) == 0 ? p + 5 : NULL;
	case 'n':
		return strncmp(p, "null", 4) == 0 ? p + 4 : NULL;
	default:
		return json_number_end(p);
	}
}

static void
assert_json(const char *text)
{
	const char *end = json_value(text, 0);

	if (end == NULL || *json_space(end) != '\0') {
		fail_msg("not one JSON value:\n%s", text);
	}
}

/* ---- fixtures made of commands --------------------------------------- */

static void
make_registry(fixture *f)
{
	assert_ran(f, RUN(f, "init"));
}

static void
make_zone(fixture *f)
{
	make_registry(f);
	assert_ran(f, RUN(f, "zone", "add", ZONE, "--ns",
		"ns1." ZONE "=192.0.2.53,2001:db8::53", "--ns",
		"ns.provider.test", "--allow-transfer", "192.0.2.0/24",
		"--notify", "192.0.2.2"));
}

/* The serial of ZONE, read through the library. */
static uint32_t
serial_of(const fixture *f)
{
	registry *reg = NULL;
	registry_dataset ds;
	kd_err err = { "" };

	assert_int_equal(registry_open(f->path, true, &reg, &err), KD_OK);
	assert_int_equal(registry_load(reg, ZONE, &ds, &err), KD_OK);
	const uint32_t serial = ds.zones[0].serial;
	registry_dataset_free(&ds);
	registry_close(reg);
	return serial;
}

/* ---- help and usage -------------------------------------------------- */

static void
test_help_and_version(void **state)
{
	fixture *f = *state;
	const char *help[] = { "--help", NULL };
	const char *short_help[] = { "-h", NULL };
	const char *version[] = { "--version", NULL };
	const char *group_help[] = { "zone", "--help", NULL };
	const char *command_help[] = { "host", "add", "--help", NULL };
	const char *after_options[] = { "grant", "x@R", "--help", NULL };

	assert_ran(f, run_argv(f, help));
	assert_contains(f->out,
		"Usage: kmsdns-registry [--db FILE] [--json] [--dry-run] COMMAND");
	assert_contains(f->out, "zone add ZONE --ns NAME[=ADDR[,ADDR...]]");
	assert_contains(f->out, "config set stale-after|scavenge-after");
	assert_contains(f->out, "KMSDNS_NOW");
	assert_contains(f->out, "refresh 3600, retry 600, expire 1209600");
	assert_ran(f, run_argv(f, short_help));
	assert_contains(f->out, "Exit status");
	assert_contains(f->out, "  64  usage error");
	assert_contains(f->out, "zone set ZONE");
	assert_contains(f->out, "log [--zone ZONE] [--since TIME] [--json]");
	assert_ran(f, run_argv(f, version));
	assert_string_equal(f->out, "kmsdns-registry (" PACKAGE_NAME ") "
		PACKAGE_VERSION "\n");
	assert_ran(f, run_argv(f, group_help));
	assert_contains(f->out, "Usage: kmsdns-registry zone add");
	assert_contains(f->out, "Usage: kmsdns-registry zone remove ZONE");
	assert_contains(f->out, "Usage: kmsdns-registry zone list");
	assert_ran(f, run_argv(f, command_help));
	assert_contains(f->out, "--priority N       SRV priority, 0-65535");
	assert_ran(f, run_argv(f, after_options));
	assert_contains(f->out, "Usage: kmsdns-registry grant IDENTITY");
}

typedef struct usage_case {
	const char *args[12];
	const char *message;
} usage_case;

static void
test_usage_errors(void **state)
{
	fixture *f = *state;
	static const usage_case cases[] = {
		{ { NULL }, "no command given (see kmsdns-registry --help)" },
		{ { "frob", NULL },
			"unknown command \"frob\" (see kmsdns-registry --help)" },
		{ { "--frob", NULL },
			"unknown option \"--frob\" (see kmsdns-registry --help)" },
		{ { "-x", NULL },
			"unknown option -x (see kmsdns-registry --help)" },
		{ { "-\303", NULL },
			"unknown option \"-\\xc3\" (see kmsdns-registry --help)" },
		{ { "zone", NULL },
			"zone: missing action; use add, set, remove or list "
			"(see kmsdns-registry zone --help)" },
		{ { "config", "put", NULL },
			"config: unknown action \"put\"; use get or set (see "
			"kmsdns-registry config --help)" },
		{ { "host", "add", ZONE, "kms1." ZONE, "--priority", "70000",
			NULL }, "--priority: 70000 is out of range 0-65535" },
		{ { "host", "add", ZONE, "kms1." ZONE, "--weight", "-1",
			NULL }, "--weight: \"-1\" is not a number" },
		{ { "host", "add", ZONE, "kms1." ZONE, "--port", "0", NULL },
			"--port: 0 is out of range 1-65535" },
		{ { "host", "add", ZONE, "kms1." ZONE, "--ttl",
			"2147483648", NULL },
			"--ttl: 2147483648 is out of range 0-2147483647" },
		{ { "host", "add", ZONE, "kms1." ZONE, "--priority", NULL },
			"host add: --priority needs a value (see kmsdns-registry "
			"host add --help)" },
		{ { "host", "add", ZONE, "kms1." ZONE, "--weight", "10",
			"--weight", "20", NULL },
			"host add: --weight is given more than once (see "
			"kmsdns-registry host add --help)" },
		{ { "--db", "a", "zone", "list", "--db", "b", NULL },
			"zone list: --db is given more than once (see "
			"kmsdns-registry zone list --help)" },
		{ { "--json", "--json", "zone", "list", NULL },
			"--json is given more than once (see kmsdns-registry "
			"--help)" },
		{ { "zone", "set", ZONE, "--notify", "192.0.2.1",
			"--no-notify", NULL },
			"zone set: --no-notify contradicts --notify" },
		{ { "zone", "add", "a\001\377b.test", "--ns", "ns1.x.test",
			NULL }, "zone \"a\\x01\\xffb.test\": label "
			"\"a\\x01\\xffb\" holds the byte 0x01, not allowed in an "
			"owner name" },
		{ { "log", "--since", "yesterday", NULL },
			"--since: \"yesterday\" is neither a UTC time "
			"(2026-12-06, 2026-12-06T10:00:00Z) nor a duration "
			"before now (90m, 1d)" },
		{ { "host", "add", ZONE, "kms1." ZONE, "--frob", NULL },
			"host add: unknown option \"--frob\" (see "
			"kmsdns-registry host add --help)" },
		{ { "site", "list", "-\033", NULL },
			"site list: unknown option \"-\\x1b\" (see "
			"kmsdns-registry site list --help)" },
		{ { "site", "list", "--fr\001ob", NULL },
			"site list: unknown option \"--fr\\x01ob\" (see "
			"kmsdns-registry site list --help)" },
		{ { "site", "li\377st", NULL },
			"site: unknown action \"li\\xffst\"; use add, remove or "
			"list (see kmsdns-registry site --help)" },
		{ { "host", "list", "--json=yes", NULL },
			"host list: --json takes no value (see kmsdns-registry "
			"host list --help)" },
		{ { "host", "add", ZONE, NULL }, "host add: missing TARGET (see "
			"kmsdns-registry host add --help)" },
		{ { "host", "add", NULL }, "host add: missing ZONE (see "
			"kmsdns-registry host add --help)" },
		{ { "host", "add", ZONE, "kms1", NULL },
			"target \"kms1\" is a single label: give the host's "
			"fully qualified name" },
		{ { "host", "add", ZONE, "kms_1." ZONE, NULL },
			"target \"kms_1.corp.example.test\": label \"kms_1\" "
			"holds the character '_', not allowed in a host name" },
		{ { "host", "add", ZONE, "kms1." ZONE, "--address",
			"192.0.2.256", NULL },
			"--address: \"192.0.2.256\" is not an IPv4 or IPv6 "
			"address" },
		{ { "host", "add", ZONE, "kms1." ZONE, "--site", "a b", NULL },
			"--site: site \"a b\": the character 0x20 is not allowed "
			"(use letters, digits, '-', '_' and '.')" },
		{ { "zone", "list", "extra", NULL },
			"zone list: unexpected argument \"extra\" (see "
			"kmsdns-registry zone list --help)" },
		{ { "zone", "add", "a..b", "--ns", "ns1.x.test", NULL },
			"zone \"a..b\": empty label" },
		{ { "zone", "add", ZONE, NULL },
			"zone add: at least one --ns is required" },
		{ { "zone", "add", ZONE, "--ns", "ns1." ZONE "=1.2.3", NULL },
			"--ns: \"1.2.3\" is not an IPv4 or IPv6 address" },
		{ { "zone", "add", ZONE, "--ns", "ns1." ZONE "=", NULL },
			"--ns: \"ns1.corp.example.test=\": empty address" },
		{ { "zone", "add", ZONE, "--ns", "-ns1." ZONE, NULL },
			"--ns: name server \"-ns1.corp.example.test\": label "
			"\"-ns1\" starts with a hyphen" },
		{ { "zone", "add", ZONE, "--ns", "ns1." ZONE, "--soa-rname",
			"john.doe@example.test", NULL },
			"--soa-rname: \"john.doe@example.test\" is not a mailbox "
			"like hostmaster@example.test (no '.' before the '@')" },
		{ { "zone", "add", ZONE, "--ns", "ns1." ZONE,
			"--allow-transfer", "10.1.2.0/16", NULL },
			"--allow-transfer: prefix \"10.1.2.0/16\": bits set "
			"beyond /16 (did you mean 10.1.0.0/16?)" },
		{ { "zone", "add", ZONE, "--ns", "ns1." ZONE, "--notify",
			"192.0.2.1#65536", NULL },
			"--notify: notify endpoint \"192.0.2.1#65536\" has a port "
			"out of range 1-65535 (accepted forms: " CLI_ENDPOINT_FORMS
			")" },
		{ { "zone", "add", ZONE, "--ns", "ns1." ZONE, "--notify",
			"127.0.0.1:20053", NULL },
			"--notify: notify endpoint \"127.0.0.1:20053\" is not an "
			"IP address: a port follows '#', not ':' (accepted forms: "
			CLI_ENDPOINT_FORMS ")" },
		{ { "zone", "add", ZONE, "--ns", "ns1." ZONE, "--notify",
			"[::1", NULL },
			"--notify: notify endpoint \"[::1\" is not an IP address "
			"(accepted forms: " CLI_ENDPOINT_FORMS ")" },
		{ { "grant", "host/@R", "--zone", ZONE, "self", NULL },
			"identity \"host/@R\": empty instance" },
		{ { "grant", "KMS1$@EXAMPLE.TEST", "--zone", ZONE, "all",
			NULL },
			"grant: scope \"all\" is neither self nor any" },
		{ { "grant", "KMS1$@EXAMPLE.TEST", "self", NULL },
			"grant: --zone is required" },
		{ { "grant", "KMS1$@EXAMPLE.TEST", NULL },
			"grant: missing self|any (see kmsdns-registry grant "
			"--help)" },
		{ { "revoke", "--zone", ZONE, NULL },
			"revoke: missing IDENTITY (see kmsdns-registry revoke "
			"--help)" },
		{ { "site", "add", "hq", NULL },
			"site add: missing ADDR/PREFIX (see kmsdns-registry site "
			"add --help)" },
		{ { "site", "add", "hq", "10.0.0.0/33", NULL },
			"prefix \"10.0.0.0/33\": length \"33\" is not a "
			"number 0-32" },
		{ { "config", "set", "stale-after", "5x", NULL },
			"stale-after: duration \"5x\": unknown unit 'x' (use s, "
			"m, h, d or w)" },
		{ { "config", "set", "fresh-for", "1h", NULL },
			"config set: unknown setting \"fresh-for\" (use "
			"stale-after, scavenge-after, audit-retention, "
			"max-update-records, max-self-addresses or "
			"max-srv-answer-bytes)" },
		{ { "scavenge", "--now", NULL },
			"scavenge: unknown option \"--now\" (see "
			"kmsdns-registry scavenge --help)" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const int code = run_argv(f, cases[i].args);
		if (code != REGISTRY_CLI_EXIT_USAGE ||
			strstr(f->err, cases[i].message) == NULL) {
			fail_msg("case %zu: exit %d, stderr: %s", i, code,
				f->err);
		}
		assert_failed(f, code, REGISTRY_CLI_EXIT_USAGE,
			cases[i].message);
		assert_string_equal(f->out, "");
	}
}

/*
 * verify is a command of the one option parser: --json anywhere, exit 2
 * when named.conf cannot be read, 64 for a usage error.
 */
static void
test_verify_exit_status(void **state)
{
	fixture *f = *state;
	char conf[TMP_REGISTRY_PATH_MAX + 16];

	(void)snprintf(conf, sizeof(conf), "%s/missing.conf", f->dir);
	assert_int_equal(RUN(f, "--json", "verify", "--named-conf", conf),
		REGISTRY_CLI_EXIT_UNCHECKED);
	assert_contains(f->err, "kmsdns-registry: cannot check: ");
	assert_int_equal(RUN(f, "verify", "--named-conf", conf, "--json"),
		REGISTRY_CLI_EXIT_UNCHECKED);
	assert_failed(f, RUN(f, "verify", "--frob"), REGISTRY_CLI_EXIT_USAGE,
		"verify: unknown option \"--frob\" (see kmsdns-registry "
		"verify --help)");
}

static void
test_registry_path_and_clock(void **state)
{
	fixture *f = *state;
	const char *list[] = { "zone", "list", NULL };
	char message[256];

	/* Neither --db nor KMSDNS_REGISTRY: the default, named. */
	assert_int_equal(run_argv(f, list), REGISTRY_CLI_EXIT_FAILED);
	assert_contains(f->err, "kmsdns-registry: registry /");
	assert_contains(f->err, "/lib/bind/kmsdns/registry.db does not exist\n");
	(void)snprintf(message, sizeof(message), "registry %s does not exist",
		f->path);
	assert_failed(f, RUN(f, "zone", "list"), REGISTRY_CLI_EXIT_FAILED,
		message);

	/* KMSDNS_REGISTRY, and --db after the command. */
	(void)setenv("KMSDNS_REGISTRY", f->path, 1);
	const char *init[] = { "init", NULL };
	assert_ran(f, run_argv(f, init));
	assert_ran(f, run_argv(f, list));
	(void)unsetenv("KMSDNS_REGISTRY");
	const char *db_after[] = { "zone", "list", "--db", f->path, NULL };
	assert_ran(f, run_argv(f, db_after));
	assert_contains(f->out, "ZONE");

	/* init of a registry that is there already changes nothing. */
	(void)snprintf(message, sizeof(message),
		"registry %s exists already, unchanged\n", f->path);
	assert_ran(f, RUN(f, "init"));
	assert_string_equal(f->out, message);
	assert_ran(f, RUN(f, "init", "--json"));
	assert_json(f->out);
	assert_contains(f->out, "{\"changed\":false,\"command\":\"init\"");

	(void)setenv("KMSDNS_NOW", "soon", 1);
	assert_failed(f, RUN(f, "zone", "list"), REGISTRY_CLI_EXIT_USAGE,
		"KMSDNS_NOW: \"soon\" is not a number of seconds");
}

/* ---- zones ----------------------------------------------------------- */

static void
test_zone_commands(void **state)
{
	fixture *f = *state;

	make_zone(f);
	assert_string_equal(f->out,
		"added zone corp.example.test (serial " T0_TEXT ")\n"
		"note: a running named serves zone corp.example.test at its "
		"next registry poll; dynamic updates to it are refused "
		"(NOTAUTH) until `rndc reconfig`\n");
	assert_ran(f, RUN(f, "zone", "add", "b.example.test", "--ns",
		"ns1.b.example.test", "--soa-mname", "NS0.b.example.test.",
		"--soa-rname", "dns-admin@b.example.test", "--ttl", "600"));

	assert_ran(f, RUN(f, "zone", "list"));
	assert_contains(f->out, "ZONE               SERIAL      TTL   HOSTS");
	assert_contains(f->out, "b.example.test     " T0_TEXT "  600   0"
		"      ns1.b.example.test");
	assert_contains(f->out, "ns1.corp.example.test (192.0.2.53 "
		"2001:db8::53), ns.provider.test  192.0.2.0/24    "
		"192.0.2.2#53\n");

	assert_ran(f, RUN(f, "zone", "list", "--json"));
	assert_json(f->out);
	assert_contains(f->out, "[{\"zone\":\"b.example.test\",\"serial\":"
		T0_TEXT ",\"ttl\":600,\"soa\":{\"mname\":\"ns0.b.example.test\","
		"\"rname\":\"dns-admin.b.example.test\",\"refresh\":3600,"
		"\"retry\":600,\"expire\":1209600,\"minimum\":600},");
	assert_contains(f->out, "\"ns\":[{\"name\":\"ns1.corp.example.test\","
		"\"addresses\":[\"192.0.2.53\",\"2001:db8::53\"]},{\"name\":"
		"\"ns.provider.test\",\"addresses\":[]}],\"allow_transfer\":"
		"[\"192.0.2.0/24\"],\"notify\":[\"192.0.2.2#53\"],\"hosts\":0}]");

	/* Glue outside the zone is refused; nothing changes. */
	assert_failed(f, RUN(f, "zone", "add", "c.example.test", "--ns",
		"ns1.b.example.test=192.0.2.1"), REGISTRY_CLI_EXIT_USAGE,
		"address of ns1.b.example.test cannot be served in zone "
		"c.example.test");
	assert_failed(f, RUN(f, "zone", "add", ZONE, "--ns", "ns1." ZONE),
		REGISTRY_CLI_EXIT_FAILED,
		"zone corp.example.test exists with other settings (ns, "
		"allow-transfer, notify): change them with zone set");

	/* The same zone again: nothing changes, exit 0. */
	const uint32_t serial = serial_of(f);
	assert_ran(f, RUN(f, "--json", "zone", "add", ZONE, "--ns",
		"ns1." ZONE "=192.0.2.53,2001:db8::53", "--ns",
		"ns.provider.test", "--allow-transfer", "192.0.2.0/24",
		"--notify", "192.0.2.2#53", "--ttl", "3600"));
	assert_json(f->out);
	assert_string_equal(f->out, "{\"changed\":false,\"command\":"
		"\"zone add\",\"zone\":\"corp.example.test\",\"serial\":"
		T0_TEXT ",\"settings\":[]}\n");
	assert_int_equal(serial_of(f), serial);

	assert_ran(f, RUN(f, "zone", "remove", "B.example.test."));
	assert_string_equal(f->out, "removed zone b.example.test\n");
	assert_ran(f, RUN(f, "zone", "remove", "b.example.test", "--json"));
	assert_string_equal(f->out, "{\"changed\":false,\"command\":"
		"\"zone remove\",\"zone\":\"b.example.test\"}\n");
	assert_ran(f, RUN(f, "zone", "list", "--json"));
	assert_json(f->out);
	assert_true(strstr(f->out, "b.example.test") == NULL);
	assert_true(strstr(f->out, "c.example.test") == NULL);
}

/* ---- hosts ----------------------------------------------------------- */

static void
test_host_commands(void **state)
{
	fixture *f = *state;

	make_zone(f);
	assert_ran(f, RUN(f, "host", "add", ZONE, "KMS1." ZONE, "--priority",
		"5", "--weight", "10", "--address", "192.0.2.10"));
	assert_string_equal(f->out, "registered kms1.corp.example.test in zone "
		"corp.example.test: 5 10 1688 kms1.corp.example.test.\n");
	assert_int_equal(serial_of(f), (uint32_t)T0 + 1);
	assert_ran(f, RUN(f, "site", "add", "hq", "10.1.0.0/16"));
	assert_ran(f, RUN(f, "host", "add", "--ttl", "600", ZONE,
		"kms2.provider.test", "--site", "hq", "--port", "1689"));
	assert_int_equal(serial_of(f), (uint32_t)T0 + 2);

	assert_ran(f, RUN(f, "host", "list"));
	assert_contains(f->out, "ZONE               TARGET                  "
		"PRIORITY  WEIGHT  PORT  TTL   SITE  ORIGIN  SIGNER  CREATED"
		"               REFRESHED             STATE   ADDRESSES\n");
	assert_contains(f->out, "corp.example.test  kms1.corp.example.test  "
		"5         10      1688  3600  -     static  -       "
		"2023-11-14T22:13:20Z  2023-11-14T22:13:20Z  active  "
		"192.0.2.10\n");
	assert_contains(f->out, "kms2.provider.test      0         0       "
		"1689  600   hq");

	assert_ran(f, RUN(f, "host", "list", ZONE, "--json"));
	assert_json(f->out);
	assert_contains(f->out, "{\"zone\":\"corp.example.test\",\"target\":"
		"\"kms1.corp.example.test\",\"priority\":5,\"weight\":10,"
		"\"port\":1688,\"ttl\":3600,\"site\":\"\",\"origin\":\"static\","
		"\"signer\":\"\",\"created\":\"2023-11-14T22:13:20Z\","
		"\"refreshed\":\"2023-11-14T22:13:20Z\",\"state\":\"active\","
		"\"addresses\":[{\"address\":\"192.0.2.10\",\"type\":\"A\","
		"\"ttl\":3600,\"origin\":\"static\",\"signer\":\"\","
		"\"created\":\"2023-11-14T22:13:20Z\",\"refreshed\":"
		"\"2023-11-14T22:13:20Z\",\"state\":\"active\"}]}");

	/* The same registration again changes nothing, serial included. */
	assert_ran(f, RUN(f, "host", "add", ZONE, "kms1." ZONE, "--json",
		"--priority", "5", "--weight", "10", "--address", "192.0.2.10"));
	assert_string_equal(f->out, "{\"changed\":false,\"command\":"
		"\"host add\",\"zone\":\"corp.example.test\",\"target\":"
		"\"kms1.corp.example.test\",\"srv\":\"5 10 1688 "
		"kms1.corp.example.test.\"}\n");
	assert_int_equal(serial_of(f), (uint32_t)T0 + 2);

	/* Adding the target again replaces its registration and addresses. */
	assert_ran(f, RUN(f, "host", "add", ZONE, "kms1." ZONE, "--priority",
		"1", "--address", "2001:db8::10"));
	assert_ran(f, RUN(f, "export", ZONE));
	assert_contains(f->out, "_vlmcs._tcp.corp.example.test.\t3600\tIN\t"
		"SRV\t1 0 1688 kms1.corp.example.test.\n");
	assert_true(strstr(f->out, "5 10 1688") == NULL);
	assert_contains(f->out, "kms1.corp.example.test.\t3600\tIN\tAAAA\t"
		"2001:db8::10\n");
	assert_true(strstr(f->out, "192.0.2.10") == NULL);

	/* Errors. */
	assert_failed(f, RUN(f, "host", "add", "nowhere.test",
		"kms1.nowhere.test"), REGISTRY_CLI_EXIT_FAILED,
		"zone nowhere.test does not exist");
	assert_failed(f, RUN(f, "host", "add", ZONE, "kms3." ZONE, "--site",
		"branch"), REGISTRY_CLI_EXIT_FAILED,
		"site branch does not exist");
	assert_failed(f, RUN(f, "host", "list", "nowhere.test"),
		REGISTRY_CLI_EXIT_FAILED, "zone nowhere.test does not exist");

	assert_ran(f, RUN(f, "host", "remove", ZONE, "kms1." ZONE));
	assert_string_equal(f->out, "removed kms1.corp.example.test in zone "
		"corp.example.test\n");
	assert_ran(f, RUN(f, "host", "remove", ZONE, "kms1." ZONE));
	assert_string_equal(f->out, "not registered, unchanged: "
		"kms1.corp.example.test in zone corp.example.test\n");
	assert_ran(f, RUN(f, "host", "list", "--json"));
	assert_json(f->out);
	assert_true(strstr(f->out, "kms1.") == NULL);
	assert_contains(f->out, "kms2.provider.test");
}

/* An address of NAME in ZONE, as a dynamic update stores it, with no SRV. */
static void
put_update_address(const fixture *f, const char *name, const char *address)
{
	registry *reg = NULL;
	kd_err err = { "" };
	registry_address addr = {
		.zone = ZONE, .ttl = 600, .origin = REGISTRY_ORIGIN_UPDATE,
		.signer = "KMS9$@EXAMPLE.TEST", .state = REGISTRY_STATE_ACTIVE,
	};

	(void)snprintf(addr.name, sizeof(addr.name), "%s", name);
	(void)snprintf(addr.address, sizeof(addr.address), "%s", address);
	assert_int_equal(registry_open(f->path, false, &reg, &err), KD_OK);
	assert_int_equal(registry_put_address(reg, &addr, T0, &err), KD_OK);
	registry_close(reg);
}

/* host list names every address export serves, SRV registration or not. */
static void
test_host_list_address_only(void **state)
{
	fixture *f = *state;

	make_zone(f);
	assert_ran(f, RUN(f, "host", "add", ZONE, "kms1." ZONE, "--address",
		"192.0.2.10"));
	put_update_address(f, "kms9." ZONE, "192.0.2.99");
	put_update_address(f, "kms9." ZONE, "2001:db8::99");
	assert_ran(f, RUN(f, "export", ZONE));
	assert_contains(f->out, "kms9.corp.example.test.\t600\tIN\tA\t"
		"192.0.2.99\n");

	assert_ran(f, RUN(f, "host", "list", "--json"));
	assert_json(f->out);
	assert_contains(f->out, "\"target\":\"kms1.corp.example.test\","
		"\"priority\":0,");
	assert_contains(f->out, ",{\"zone\":\"corp.example.test\",\"target\":"
		"\"kms9.corp.example.test\",\"priority\":null,\"weight\":null,"
		"\"port\":null,\"ttl\":null,\"site\":null,\"origin\":null,"
		"\"signer\":null,\"created\":null,\"refreshed\":null,"
		"\"state\":null,\"addresses\":[{\"address\":\"192.0.2.99\","
		"\"type\":\"A\",\"ttl\":600,\"origin\":\"update\",\"signer\":"
		"\"KMS9$@EXAMPLE.TEST\",\"created\":\"2023-11-14T22:13:20Z\","
		"\"refreshed\":\"2023-11-14T22:13:20Z\",\"state\":\"active\"},"
		"{\"address\":\"2001:db8::99\",\"type\":\"AAAA\",");
	/* Once each: kms1 with its SRV, kms9 once for its two addresses. */
	assert_null(strstr(strstr(f->out, "\"kms1.") + 1, "\"kms1."));
	assert_null(strstr(strstr(f->out, "\"kms9.") + 1, "\"kms9."));

	assert_ran(f, RUN(f, "host", "list", ZONE));
	assert_contains(f->out, "corp.example.test  kms9.corp.example.test  "
		"-         -       -     -     -     -       -       -    ");
	assert_contains(f->out, "192.0.2.99, 2001:db8::99\n");
}

static void
test_failed_command_changes_nothing(void **state)
{
	fixture *f = *state;

	make_zone(f);
	assert_ran(f, RUN(f, "host", "add", ZONE, "kms1." ZONE, "--address",
		"192.0.2.10"));
	const uint32_t serial = serial_of(f);

	/*
	 * The SRV registration would be stored before the address is found
	 * to be outside the zone: the whole command is undone.
	 */
	assert_failed(f, RUN(f, "host", "add", ZONE, "kms9.provider.test",
		"--address", "192.0.2.99"), REGISTRY_CLI_EXIT_USAGE,
		"address of kms9.provider.test cannot be served in zone "
		"corp.example.test");
	/* Replacing kms1 fails at its site: its old data stays. */
	assert_failed(f, RUN(f, "host", "add", ZONE, "kms1." ZONE, "--priority",
		"7", "--site", "nowhere"), REGISTRY_CLI_EXIT_FAILED,
		"site nowhere does not exist");
	assert_int_equal(serial_of(f), serial);
	assert_ran(f, RUN(f, "export", ZONE));
	assert_true(strstr(f->out, "kms9") == NULL);
	assert_contains(f->out, "SRV\t0 0 1688 kms1.corp.example.test.\n");
	assert_contains(f->out, "192.0.2.10");

	/* A site add with one bad prefix adds none. */
	assert_ran(f, RUN(f, "site", "add", "hq", "10.1.0.0/16"));
	assert_failed(f, RUN(f, "site", "add", "branch", "10.2.0.0/16",
		"10.1.0.0/16"), REGISTRY_CLI_EXIT_FAILED,
		"prefix 10.1.0.0/16 already belongs to site hq");
	assert_ran(f, RUN(f, "site", "list", "--json"));
	assert_string_equal(f->out, "[{\"site\":\"hq\",\"prefixes\":"
		"[\"10.1.0.0/16\"],\"hosts\":0}]\n");

	/* A config set that fails keeps the old value. */
	assert_failed(f, RUN(f, "config", "set", "scavenge-after", "1h"),
		REGISTRY_CLI_EXIT_USAGE,
		"scavenge-after 1h is shorter than stale-after 3d");
	assert_ran(f, RUN(f, "config", "get"));
	assert_string_equal(f->out, "stale-after 3d\nscavenge-after 14d\n"
		"audit-retention 365d\n" LIMITS_DEFAULT_TEXT);
}

/* ---- grants, sites, config ------------------------------------------- */

static void
test_grant_commands(void **state)
{
	fixture *f = *state;

	make_zone(f);
	assert_ran(f, RUN(f, "grant", "host/kms1." ZONE "@EXAMPLE.TEST",
		"--zone", ZONE, "self"));
	assert_string_equal(f->out, "granted self to "
		"host/kms1.corp.example.test@EXAMPLE.TEST in zone "
		"corp.example.test\n");
	assert_ran(f, RUN(f, "grant", "*@EXAMPLE.TEST", "--zone", ZONE,
		"self"));
	assert_ran(f, RUN(f, "grant", "--zone", ZONE, "KMS-Key.", "any"));
	assert_ran(f, RUN(f, "grant", "odd\"name@EXAMPLE.TEST", "--zone",
		ZONE, "self"));
	assert_ran(f, RUN(f, "grant", "*@EXAMPLE.TEST", "--zone", ZONE,
		"any"));

	assert_ran(f, RUN(f, "grants"));
	assert_contains(f->out, "IDENTITY                                  "
		"ZONE               SCOPE\n");
	assert_contains(f->out, "*@EXAMPLE.TEST  ");
	assert_contains(f->out, "kms-key  ");

	assert_ran(f, RUN(f, "grants", "--json"));
	assert_json(f->out);
	assert_contains(f->out, "{\"identity\":\"*@EXAMPLE.TEST\",\"zone\":"
		"\"corp.example.test\",\"scope\":\"any\"}");
	assert_contains(f->out, "{\"identity\":\"kms-key\",\"zone\":"
		"\"corp.example.test\",\"scope\":\"any\"}");

	assert_contains(f->out, "\"identity\":\"odd\\\"name@EXAMPLE.TEST\"");

	assert_failed(f, RUN(f, "grant", "kms-key", "--zone", "nowhere.test",
		"any"), REGISTRY_CLI_EXIT_FAILED,
		"zone nowhere.test does not exist");
	assert_ran(f, RUN(f, "revoke", "KMS-KEY", "--zone", ZONE));
	assert_string_equal(f->out,
		"revoked the grant of kms-key in zone corp.example.test\n");
	assert_ran(f, RUN(f, "revoke", "kms-key", "--zone", ZONE));
	assert_string_equal(f->out,
		"no grant, unchanged, of kms-key in zone corp.example.test\n");
	assert_failed(f, RUN(f, "revoke", "kms-key", "--zone", "nowhere.test"),
		REGISTRY_CLI_EXIT_FAILED, "zone nowhere.test does not exist");
	assert_ran(f, RUN(f, "grant", "*@EXAMPLE.TEST", "--zone", ZONE,
		"any", "--json"));
	assert_string_equal(f->out, "{\"changed\":false,\"command\":"
		"\"grant\",\"identity\":\"*@EXAMPLE.TEST\",\"zone\":"
		"\"corp.example.test\",\"scope\":\"any\"}\n");
}

static void
test_grant_rejects_identity_with_space(void **state)
{
	fixture *f = *state;

	make_zone(f);
	const int code = RUN(f, "grant", "host/kms 1@EXAMPLE.TEST", "--zone",
		ZONE, "self");
	assert_int_equal(code, REGISTRY_CLI_EXIT_USAGE);
	assert_contains(f->err, "kmsdns-registry: identity "
		"\"host/kms 1@EXAMPLE.TEST\"");
	assert_non_null(strchr(f->err, '\n'));
	assert_int_equal(strchr(f->err, '\n')[1], '\0');
}

static void
test_site_commands(void **state)
{
	fixture *f = *state;

	make_zone(f);
	assert_ran(f, RUN(f, "site", "add", "hq", "10.1.0.0/16",
		"2001:DB8:1::/48"));
	assert_string_equal(f->out, "site hq: prefixes added\n");
	assert_ran(f, RUN(f, "site", "add", "hq", "10.1.0.0/16", "--json"));
	assert_string_equal(f->out, "{\"changed\":false,\"command\":"
		"\"site add\",\"site\":\"hq\"}\n");
	assert_ran(f, RUN(f, "site", "add", "branch", "192.0.2.7"));
	assert_string_equal(f->out, "site branch: prefixes added\n");
	assert_ran(f, RUN(f, "host", "add", ZONE, "kms1." ZONE, "--site",
		"hq"));

	assert_ran(f, RUN(f, "site", "list"));
	assert_string_equal(f->out,
		"SITE    PREFIXES                      HOSTS\n"
		"branch  192.0.2.7/32                  0\n"
		"hq      10.1.0.0/16, 2001:db8:1::/48  1\n");
	assert_ran(f, RUN(f, "site", "list", "--json"));
	assert_json(f->out);
	assert_string_equal(f->out,
		"[{\"site\":\"branch\",\"prefixes\":[\"192.0.2.7/32\"],"
		"\"hosts\":0},{\"site\":\"hq\",\"prefixes\":[\"10.1.0.0/16\","
		"\"2001:db8:1::/48\"],\"hosts\":1}]\n");

	assert_ran(f, RUN(f, "site", "remove", "hq"));
	assert_string_equal(f->out, "removed site hq\n");
	assert_ran(f, RUN(f, "site", "remove", "hq"));
	assert_string_equal(f->out, "site hq does not exist, unchanged\n");
	assert_ran(f, RUN(f, "host", "list", "--json"));
	assert_contains(f->out, "\"site\":\"\"");
}

static void
test_config_commands(void **state)
{
	fixture *f = *state;

	make_registry(f);
	assert_ran(f, RUN(f, "config", "get"));
	assert_string_equal(f->out, "stale-after 3d\nscavenge-after 14d\n"
		"audit-retention 365d\n" LIMITS_DEFAULT_TEXT);
	assert_ran(f, RUN(f, "config", "set", "stale-after", "3d"));
	assert_string_equal(f->out, "stale-after is already, unchanged, 3d\n");
	assert_ran(f, RUN(f, "config", "set", "stale-after", "36h"));
	assert_string_equal(f->out, "stale-after is now 36h\n");
	assert_ran(f, RUN(f, "config", "set", "scavenge-after", "2w"));
	assert_string_equal(f->out,
		"scavenge-after is already, unchanged, 14d\n");
	assert_ran(f, RUN(f, "config", "set", "stale-after", "7200"));
	assert_ran(f, RUN(f, "config", "get", "--json"));
	assert_json(f->out);
	assert_string_equal(f->out,
		"{\"stale_after\":7200,\"scavenge_after\":1209600,"
		"\"audit_retention\":31536000,"
		"\"max_update_records\":64,\"max_self_addresses\":4,"
		"\"max_srv_answer_bytes\":1232}\n");
	assert_failed(f, RUN(f, "config", "set", "stale-after", "0"),
		REGISTRY_CLI_EXIT_USAGE,
		"stale-after 0s is out of range 1s-2147483647s");
	/* the update limits */
	assert_ran(f, RUN(f, "config", "set", "max-update-records", "100"));
	assert_string_equal(f->out, "max-update-records is now 100\n");
	assert_ran(f, RUN(f, "config", "get"));
	assert_non_null(strstr(f->out, "max-update-records 100\n"));
	assert_failed(f, RUN(f, "config", "set", "max-srv-answer-bytes", "100"),
		REGISTRY_CLI_EXIT_USAGE,
		"max-srv-answer-bytes 100 is out of range 512-65535");
	assert_failed(f, RUN(f, "config", "set", "max-self-addresses", "4x"),
		REGISTRY_CLI_EXIT_USAGE,
		"max-self-addresses \"4x\" is not a number");
}

/* ---- scavenge and export --------------------------------------------- */

/* A dynamic registration of kms7 refreshed at T0, through the library. */
static void
add_dynamic_host(const fixture *f)
{
	registry *reg = NULL;
	registry_host host;
	registry_address addr;
	kd_err err = { "" };

	memset(&host, 0, sizeof(host));
	(void)snprintf(host.zone, sizeof(host.zone), ZONE);
	(void)snprintf(host.srv.target, sizeof(host.srv.target), "kms7." ZONE);
	host.srv.port = 1688;
	host.srv.ttl = 3600;
	host.origin = REGISTRY_ORIGIN_UPDATE;
	(void)snprintf(host.signer, sizeof(host.signer), "KMS7$@EXAMPLE.TEST");
	memset(&addr, 0, sizeof(addr));
	(void)snprintf(addr.zone, sizeof(addr.zone), ZONE);
	(void)snprintf(addr.name, sizeof(addr.name), "kms7." ZONE);
	(void)snprintf(addr.address, sizeof(addr.address), "192.0.2.77");
	addr.ttl = 3600;
	addr.origin = REGISTRY_ORIGIN_UPDATE;
	assert_int_equal(registry_open(f->path, false, &reg, &err), KD_OK);
	assert_int_equal(registry_put_host(reg, &host, false, T0, &err), KD_OK);
	assert_int_equal(registry_put_address(reg, &addr, T0, &err), KD_OK);
	registry_close(reg);
}

static void
test_scavenge(void **state)
{
	fixture *f = *state;

	make_zone(f);
	assert_ran(f, RUN(f, "host", "add", ZONE, "kms1." ZONE));
	add_dynamic_host(f);
	const uint32_t serial = serial_of(f);

	assert_ran(f, RUN(f, "scavenge"));
	assert_string_equal(f->out, "0 zones changed\n"
		"0 audit entries deleted\n");

	/* Three days later: stale. */
	(void)setenv("KMSDNS_NOW", "1700259200", 1);
	assert_ran(f, RUN(f, "host", "list"));
	assert_contains(f->out, "kms7.corp.example.test  0         0       "
		"1688  3600  -     update  KMS7$@EXAMPLE.TEST");
	assert_contains(f->out, "stale   192.0.2.77\n");
	assert_ran(f, RUN(f, "scavenge", "--dry-run"));
	assert_contains(f->out, "would mark stale  _vlmcs._tcp."
		"corp.example.test  SRV   0 0 1688 kms7.corp.example.test.  "
		"KMS7$@EXAMPLE.TEST  2023-11-14T22:13:20Z\n");
	assert_contains(f->out, "would mark stale  kms7.corp.example.test"
		"         A     192.0.2.77");
	assert_contains(f->out, "1 zone would change\n");
	assert_int_equal(serial_of(f), serial);
	assert_ran(f, RUN(f, "scavenge", "--json"));
	assert_json(f->out);
	assert_contains(f->out, "{\"changed\":true,\"command\":"
		"\"scavenge\",\"now\":\"2023-11-17T22:13:20Z\","
		"\"dry_run\":false,\"changed_zones\":1,\"audit_pruned\":0,"
		"\"registrations\":"
		"[{\"zone\":\"corp.example.test\",\"owner\":\"_vlmcs._tcp."
		"corp.example.test\",\"type\":\"SRV\",\"ttl\":3600,\"data\":"
		"\"0 0 1688 kms7.corp.example.test.\",\"signer\":"
		"\"KMS7$@EXAMPLE.TEST\",\"refreshed\":\"2023-11-14T22:13:20Z\","
		"\"state\":\"stale\",\"deleted\":false},");
	assert_int_equal(serial_of(f), serial + 1);
	assert_ran(f, RUN(f, "scavenge"));
	assert_string_equal(f->out, "0 zones changed\n"
		"0 audit entries deleted\n");

	/* Fourteen days: deleted. */
	(void)setenv("KMSDNS_NOW", "1701209600", 1);
	assert_ran(f, RUN(f, "scavenge", "--dry-run", "--json"));
	assert_json(f->out);
	assert_contains(f->out, "\"dry_run\":true,\"changed_zones\":1");
	assert_contains(f->out, "\"state\":\"expired\",\"deleted\":false");
	assert_ran(f, RUN(f, "scavenge"));
	assert_contains(f->out, "deleted  _vlmcs._tcp.corp.example.test  SRV");
	assert_contains(f->out, "deleted  kms7.corp.example.test");
	assert_contains(f->out, "1 zone changed\n");
	assert_int_equal(serial_of(f), serial + 2);
	assert_ran(f, RUN(f, "export", ZONE));
	assert_true(strstr(f->out, "kms7") == NULL);
	assert_contains(f->out, "kms1");
}

static void
test_export(void **state)
{
	fixture *f = *state;

	make_zone(f);
	assert_ran(f, RUN(f, "host", "add", ZONE, "kms1." ZONE, "--weight",
		"100", "--address", "192.0.2.10"));
	assert_ran(f, RUN(f, "export", ZONE "."));
	assert_string_equal(f->out,
		"$ORIGIN corp.example.test.\n"
		"$TTL 3600\n"
		"corp.example.test.\t3600\tIN\tSOA\tns1.corp.example.test. "
		"hostmaster.corp.example.test. 1700000001 3600 600 1209600 "
		"3600\n"
		"corp.example.test.\t3600\tIN\tNS\tns.provider.test.\n"
		"corp.example.test.\t3600\tIN\tNS\tns1.corp.example.test.\n"
		"_kmsdns.corp.example.test.\t3600\tIN\tTXT\t\"v=kmsdns1\" "
		"\"stale-after=259200\"\n"
		"_vlmcs._tcp.corp.example.test.\t3600\tIN\tSRV\t0 100 1688 "
		"kms1.corp.example.test.\n"
		"kms1.corp.example.test.\t3600\tIN\tA\t192.0.2.10\n"
		"ns1.corp.example.test.\t3600\tIN\tA\t192.0.2.53\n"
		"ns1.corp.example.test.\t3600\tIN\tAAAA\t2001:db8::53\n");
	assert_failed(f, RUN(f, "export", "nowhere.test"),
		REGISTRY_CLI_EXIT_FAILED, "zone nowhere.test does not exist");
}

static void
test_catalog_commands(void **state)
{
	fixture *f = *state;

	make_zone(f);
	assert_ran(f, RUN(f, "catalog", "show", "--json"));
	assert_json(f->out);
	assert_contains(f->out, "{\"catalog\":null,\"serial\":null,"
		"\"allow_transfer\":[],\"notify\":[],\"zones\":[{\"zone\":\""
		ZONE "\",\"id\":\"");
	assert_contains(f->out, "\",\"member\":true}]}");
	assert_ran(f, RUN(f, "catalog", "show"));
	assert_contains(f->out, "no catalog zone is set\n");

	assert_ran(f, RUN(f, "catalog", "set", "Catalog.Example.TEST.",
		"--notify", "192.0.2.54", "--allow-transfer", "192.0.2.54"));
	assert_string_equal(f->out, "catalog zone catalog.example.test "
		"(serial " T0_TEXT ")\n");
	assert_ran(f, RUN(f, "zone", "add", "b.example.test", "--ns",
		"ns1.b.example.test", "--no-catalog"));
	assert_ran(f, RUN(f, "catalog", "show", "--json"));
	assert_json(f->out);
	/* Added as a member, then left out: two changes of the member set. */
	assert_contains(f->out, "{\"catalog\":\"catalog.example.test\","
		"\"serial\":1700000002,\"allow_transfer\":[\"192.0.2.54/32\"],"
		"\"notify\":[\"192.0.2.54#53\"],\"zones\":[{\"zone\":"
		"\"b.example.test\",\"id\":\"");
	assert_contains(f->out, "\",\"member\":false},{\"zone\":\"" ZONE);
	assert_ran(f, RUN(f, "catalog", "show"));
	assert_contains(f->out, "catalog zone    catalog.example.test\n"
		"serial          1700000002\nallow-transfer  192.0.2.54/32\n"
		"notify          192.0.2.54#53\n");
	assert_contains(f->out, "ZONE               ID                MEMBER");
	/* zone set --catalog / --no-catalog: desired state, one change. */
	assert_ran(f, RUN(f, "zone", "set", "b.example.test", "--catalog",
		"--json"));
	assert_json(f->out);
	assert_contains(f->out, "{\"changed\":true,\"command\":\"zone set\"");
	assert_ran(f, RUN(f, "zone", "set", "b.example.test", "--catalog",
		"--json"));
	assert_contains(f->out, "{\"changed\":false,");
	assert_ran(f, RUN(f, "catalog", "show", "--json"));
	assert_contains(f->out, "\"b.example.test\",\"id\":\"");
	assert_true(strstr(f->out, "\"member\":false") == NULL);
	assert_failed(f, RUN(f, "zone", "set", "b.example.test", "--catalog",
		"--no-catalog"), REGISTRY_CLI_EXIT_USAGE,
		"--no-catalog: give --catalog or --no-catalog once");
	assert_ran(f, RUN(f, "zone", "set", "b.example.test",
		"--no-catalog"));
	assert_ran(f, RUN(f, "catalog", "show", "--json"));
	assert_contains(f->out, "\",\"member\":false},{\"zone\":\"" ZONE);

	/* Bad values: one line naming the input, nothing changes. */
	assert_failed(f, RUN(f, "catalog", "set", "a..b"),
		REGISTRY_CLI_EXIT_USAGE, "catalog zone \"a..b\": empty label");
	assert_failed(f, RUN(f, "catalog", "set", "c.example.test",
		"--notify", "192.0.2.1#0"), REGISTRY_CLI_EXIT_USAGE,
		"--notify: notify endpoint \"192.0.2.1#0\" has a port out of "
		"range 1-65535 (accepted forms: ADDR, ADDR#PORT, [V6]#PORT)");
	assert_failed(f, RUN(f, "catalog", "set", ZONE),
		REGISTRY_CLI_EXIT_FAILED, "catalog zone " ZONE ": a zone of the "
		"registry has this name");
	assert_int_equal(RUN(f, "zone", "add", "catalog.example.test", "--ns",
		"ns1.example.test"), REGISTRY_CLI_EXIT_FAILED);
	assert_contains(f->err, f->path);
	assert_contains(f->err, ": a zone cannot have the name of the catalog "
		"zone\n");

	assert_ran(f, RUN(f, "catalog", "unset"));
	assert_string_equal(f->out, "catalog zone removed\n");
	assert_failed(f, RUN(f, "catalog", "unset"), REGISTRY_CLI_EXIT_FAILED,
		"no catalog zone is set");
}

/* ---- zone set and the audit log --------------------------------------- */

static void
test_zone_set_keeps_registrations(void **state)
{
	fixture *f = *state;

	make_zone(f);
	assert_ran(f, RUN(f, "host", "add", ZONE, "kms1." ZONE, "--address",
		"192.0.2.10"));
	assert_ran(f, RUN(f, "grant", "KMS1$@EXAMPLE.TEST", "--zone", ZONE,
		"self"));
	const uint32_t serial = serial_of(f);

	assert_ran(f, RUN(f, "zone", "set", ZONE, "--ttl", "600", "--ns",
		"ns2." ZONE "=192.0.2.54", "--no-notify", "--soa-refresh",
		"7200", "--json"));
	assert_json(f->out);
	assert_string_equal(f->out, "{\"changed\":true,\"command\":"
		"\"zone set\",\"zone\":\"corp.example.test\",\"serial\":"
		"1700000002,\"settings\":[\"ns\",\"ttl\",\"soa-refresh\","
		"\"soa-minimum\",\"notify\"]}\n");
	assert_int_equal(serial_of(f), serial + 1);
	assert_ran(f, RUN(f, "export", ZONE));
	assert_contains(f->out, "corp.example.test.\t600\tIN\tSOA\t"
		"ns1.corp.example.test. hostmaster.corp.example.test. "
		"1700000002 7200 600 1209600 600\n");
	assert_contains(f->out, "IN\tNS\tns2.corp.example.test.\n");
	assert_contains(f->out, "ns2.corp.example.test.\t600\tIN\tA\t"
		"192.0.2.54\n");
	assert_true(strstr(f->out, "ns.provider.test") == NULL);
	assert_contains(f->out, "SRV\t0 0 1688 kms1.corp.example.test.\n");
	assert_contains(f->out, "192.0.2.10");
	assert_ran(f, RUN(f, "grants", "--json"));
	assert_contains(f->out, "KMS1$@EXAMPLE.TEST");

	/* A notify endpoint as [V6]#PORT. */
	assert_ran(f, RUN(f, "zone", "set", ZONE, "--notify",
		"[2001:DB8::2]#5353"));
	assert_ran(f, RUN(f, "zone", "list", "--json"));
	assert_contains(f->out, "\"notify\":[\"2001:db8::2#5353\"]");
	assert_ran(f, RUN(f, "zone", "set", ZONE, "--no-notify"));

	/* --dry-run: says what would change, changes nothing. */
	assert_ran(f, RUN(f, "zone", "set", ZONE, "--ttl", "300", "--dry-run",
		"--json"));
	assert_string_equal(f->out, "{\"changed\":true,\"command\":"
		"\"zone set\",\"dry_run\":true,\"zone\":\"corp.example.test\","
		"\"serial\":1700000005,\"settings\":[\"ttl\",\"soa-minimum\"]}\n");
	assert_int_equal(serial_of(f), serial + 3);
	assert_ran(f, RUN(f, "log", "--json"));
	assert_true(strstr(f->out, "ttl=300") == NULL);

	/* Again: nothing to change, the serial stays. */
	assert_ran(f, RUN(f, "zone", "set", ZONE, "--ttl", "600"));
	assert_string_equal(f->out, "zone corp.example.test is as asked "
		"already (serial 1700000004), unchanged\n");
	assert_int_equal(serial_of(f), serial + 3);
	assert_failed(f, RUN(f, "zone", "set", "nowhere.test", "--ttl", "60"),
		REGISTRY_CLI_EXIT_FAILED, "zone nowhere.test does not exist");
}

static void
test_audit_log(void **state)
{
	fixture *f = *state;

	(void)setenv("SUDO_USER", "alice", 1);
	make_zone(f);
	assert_ran(f, RUN(f, "grant", "KMS1$@EXAMPLE.TEST", "--zone", ZONE,
		"any"));
	(void)setenv("KMSDNS_NOW", "1700003600", 1);
	assert_ran(f, RUN(f, "grant", "KMS1$@EXAMPLE.TEST", "--zone", ZONE,
		"any"));  /* no change: no entry */
	assert_ran(f, RUN(f, "revoke", "KMS1$@EXAMPLE.TEST", "--zone", ZONE));
	assert_ran(f, RUN(f, "config", "set", "audit-retention", "1h"));
	(void)unsetenv("SUDO_USER");

	assert_ran(f, RUN(f, "log", "--json"));
	assert_json(f->out);
	assert_contains(f->out, "{\"id\":2,\"time\":\"2023-11-14T22:13:20Z\","
		"\"user\":\"alice\",\"command\":\"grant\",\"zone\":"
		"\"corp.example.test\",\"object\":\"KMS1$@EXAMPLE.TEST\","
		"\"old\":\"\",\"new\":\"any\"}");
	assert_contains(f->out, "{\"id\":3,\"time\":\"2023-11-14T23:13:20Z\","
		"\"user\":\"alice\",\"command\":\"revoke\",\"zone\":"
		"\"corp.example.test\",\"object\":\"KMS1$@EXAMPLE.TEST\","
		"\"old\":\"any\",\"new\":\"\"}");
	assert_true(strstr(f->out, "\"id\":5") == NULL);

	/* --since a time, --since a duration ago, --zone. */
	assert_ran(f, RUN(f, "log", "--since", "2023-11-14T23:00:00Z"));
	assert_true(strstr(f->out, "zone add") == NULL);
	assert_contains(f->out, "revoke");
	assert_ran(f, RUN(f, "log", "--since", "30m", "--json"));
	assert_true(strstr(f->out, "\"grant\"") == NULL);
	assert_contains(f->out, "\"revoke\"");
	assert_ran(f, RUN(f, "log", "--zone", "other.test", "--json"));
	assert_string_equal(f->out, "[]\n");

	/* scavenge prunes entries older than the retention (1h). */
	(void)setenv("KMSDNS_NOW", "1700005400", 1);
	assert_ran(f, RUN(f, "scavenge", "--json"));
	assert_contains(f->out, "\"changed\":true");
	assert_contains(f->out, "\"audit_pruned\":2");
	assert_ran(f, RUN(f, "log", "--json"));
	assert_true(strstr(f->out, "\"zone add\"") == NULL);
	assert_contains(f->out, "\"command\":\"scavenge\"");
}

/*
 * A registry of schema version 2, as an older kmsdns left it: no audit
 * table (version 3), no catalog (version 4).
 */
static void
make_v2_registry(const fixture *f)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, TMP_REGISTRY_TO_V2_SQL
		"UPDATE meta SET value = '2' WHERE key = 'schema_version';",
		NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/*
 * The read-only commands read a registry no writer has upgraded; log says
 * in one line that there is no audit log yet (exit 1), until a change.
 */
static void
test_log_of_old_registry(void **state)
{
	fixture *f = *state;
	char message[512];

	make_zone(f);
	make_v2_registry(f);
	(void)snprintf(message, sizeof(message), "registry %s: schema version "
		"2 has no audit log yet; the first change by kmsdns-registry "
		"or the module upgrades it", f->path);
	assert_failed(f, RUN(f, "log"), REGISTRY_CLI_EXIT_FAILED, message);
	assert_string_equal(f->out, "");
	assert_failed(f, RUN(f, "log", "--json", "--zone", ZONE),
		REGISTRY_CLI_EXIT_FAILED, message);
	assert_string_equal(f->out, "");
	assert_ran(f, RUN(f, "scavenge", "--dry-run"));
	assert_contains(f->out, "0 audit entries would be deleted\n");
	assert_ran(f, RUN(f, "zone", "list"));
	assert_contains(f->out, ZONE);

	/* The first change upgrades the file and is its first entry. */
	assert_ran(f, RUN(f, "grant", "KMS1$@EXAMPLE.TEST", "--zone", ZONE,
		"any"));
	assert_ran(f, RUN(f, "log", "--json"));
	assert_contains(f->out, "[{\"id\":1,");
	assert_contains(f->out, "\"command\":\"grant\"");
}

/* Each change sends one line to the log (syslog): command, identity, user. */
static void
test_change_log(void **state)
{
	fixture *f = *state;

	(void)setenv("SUDO_USER", "alice", 1);
	make_zone(f);
	static const char zone_add[] = "user alice: zone add zone "
		"corp.example.test corp.example.test: \"\" -> \"ns=ns1.";
	assert_true(strncmp(f->log, zone_add, sizeof(zone_add) - 1) == 0);
	assert_int_equal(strchr(f->log, '\n') - f->log + 1,
		(ptrdiff_t)strlen(f->log));
	assert_ran(f, RUN(f, "grant", "KMS1$@EXAMPLE.TEST", "--zone", ZONE,
		"any"));
	assert_string_equal(f->log, "user alice: grant zone "
		"corp.example.test KMS1$@EXAMPLE.TEST: \"\" -> \"any\"\n");

	/* Nothing changed, nothing committed, or a failure: no line. */
	assert_ran(f, RUN(f, "grant", "KMS1$@EXAMPLE.TEST", "--zone", ZONE,
		"any"));
	assert_string_equal(f->log, "");
	assert_ran(f, RUN(f, "revoke", "KMS1$@EXAMPLE.TEST", "--zone", ZONE,
		"--dry-run"));
	assert_string_equal(f->log, "");
	assert_int_equal(RUN(f, "revoke", "KMS1$@EXAMPLE.TEST", "--zone",
		"nowhere.test"), REGISTRY_CLI_EXIT_FAILED);
	assert_string_equal(f->log, "");

	/* The real user when SUDO_USER is unset; a line stays one line. */
	(void)unsetenv("SUDO_USER");
	const struct passwd *pw = getpwuid(getuid());
	char want[512];
	assert_non_null(pw);
	(void)snprintf(want, sizeof(want), "user %s: revoke zone "
		"corp.example.test KMS1$@EXAMPLE.TEST: \"any\" -> \"\"\n",
		pw->pw_name);
	assert_ran(f, RUN(f, "revoke", "KMS1$@EXAMPLE.TEST", "--zone", ZONE));
	assert_string_equal(f->log, want);
	(void)setenv("SUDO_USER", "eve\nuser root", 1);
	assert_ran(f, RUN(f, "host", "add", ZONE, "kms1." ZONE));
	(void)unsetenv("SUDO_USER");
	assert_contains(f->log, "user eve?user root: host add zone "
		"corp.example.test kms1.corp.example.test: ");
	assert_int_equal(strchr(f->log, '\n') - f->log + 1,
		(ptrdiff_t)strlen(f->log));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_help_and_version, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_usage_errors, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_verify_exit_status, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_registry_path_and_clock,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_zone_commands, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_host_commands, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_host_list_address_only,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_failed_command_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grant_commands, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_grant_rejects_identity_with_space, setup, teardown),
		cmocka_unit_test_setup_teardown(test_site_commands, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_config_commands, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_scavenge, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_export, setup, teardown),
		cmocka_unit_test_setup_teardown(test_catalog_commands, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_zone_set_keeps_registrations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_log, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_change_log, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_log_of_old_registry, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
