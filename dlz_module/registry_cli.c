/*
 * registry_cli.c -- kmsdns-registry: option parsing, commands and output.
 *
 * Every command parses its options with getopt_long() (options may come
 * anywhere after the command words), checks every value before it opens
 * the registry, runs in one registry transaction, and prints either a
 * table or JSON. Errors are one line on the error stream.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dname.h"
#include "duration.h"
#include "grants.h"
#include "kd_result.h"
#include "registry.h"
#include "registry_cli.h"
#include "srv.h"
#include "zonedata.h"

#define PROGRAM "kmsdns-registry"
#define CLI_MESSAGE_MAX 1024
#define CLI_TTL_MAX 2147483647
#define CLI_TIME_MAX 32

typedef struct cli {
	FILE *out;
	FILE *err;
	const char *db;   /* registry path: --db or KMSDNS_REGISTRY */
	int64_t now;      /* time(), or KMSDNS_NOW */
} cli;

/* ---- messages -------------------------------------------------------- */

/* Print TEXT on one line: control characters become '?'. */
static void
print_one_line(FILE *fp, const char *text)
{
	for (const char *p = text; *p != '\0'; p++) {
		const unsigned char byte = (unsigned char)*p;
		(void)fputc(byte < 0x20 || byte == 0x7f ? '?' : byte, fp);
	}
	(void)fputc('\n', fp);
}

/* Print "kmsdns-registry: MESSAGE" to the error stream; return CODE. */
static int
cli_message(const cli *c, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
cli_message(const cli *c, int code, const char *fmt, ...)
{
	char text[CLI_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	(void)fprintf(c->err, "%s: ", PROGRAM);
	print_one_line(c->err, text);
	return code;
}

/*
 * Report a failed library call: bad values are usage errors (exit 2),
 * everything else a failed operation (exit 1).
 */
static int
cli_fail(const cli *c, kd_result ret, const kd_err *err)
{
	const bool usage = ret == KD_EINVAL || ret == KD_ERANGE ||
		ret == KD_ESYNTAX;

	return cli_message(c, usage ? REGISTRY_CLI_EXIT_USAGE :
		REGISTRY_CLI_EXIT_FAILED, "%s",
		err->text[0] != '\0' ? err->text : kd_strerror(ret));
}

static int
cli_no_memory(const cli *c)
{
	return cli_message(c, REGISTRY_CLI_EXIT_FAILED, "out of memory");
}

/* ---- JSON output ----------------------------------------------------- */

/*
 * A JSON writer for nested arrays and objects up to 31 levels: it places
 * the commas; strings are escaped as RFC 8259 requires.
 */
typedef struct json_writer {
	FILE *out;
	unsigned depth;
	uint32_t has_items;  /* bit N: level N already holds an item */
	bool after_key;
} json_writer;

static void
json_separate(json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if ((w->has_items >> w->depth) & 1u) {
		(void)fputc(',', w->out);
	}
	w->has_items |= 1u << w->depth;
}

static void
json_open(json_writer *w, char bracket)
{
	json_separate(w);
	(void)fputc(bracket, w->out);
	w->depth++;
	w->has_items &= ~(1u << w->depth);
}

static void
json_close(json_writer *w, char bracket)
{
	w->depth--;
	(void)fputc(bracket, w->out);
	if (w->depth == 0) {
		(void)fputc('\n', w->out);
	}
}

static void
json_write_string(FILE *out, const char *text)
{
	(void)fputc('"', out);
	for (const char *p = text; *p != '\0'; p++) {
		const unsigned char byte = (unsigned char)*p;
		switch (byte) {
		case '"':
			(void)fputs("\\\"", out);
			break;
		case '\\':
			(void)fputs("\\\\", out);
			break;
		case '\n':
			(void)fputs("\\n", out);
			break;
		case '\r':
			(void)fputs("\\r", out);
			break;
		case '\t':
			(void)fputs("\\t", out);
			break;
		default:
			if (byte < 0x20 || byte == 0x7f) {
				(void)fprintf(out, "\\u%04x", byte);
			} else {
				(void)fputc(byte, out);
			}
		}
	}
	(void)fputc('"', out);
}

static void
json_key(json_writer *w, const char *key)
{
	json_separate(w);
	json_write_string(w->out, key);
	(void)fputc(':', w->out);
	w->after_key = true;
}

static void
json_string(json_writer *w, const char *value)
{
	json_separate(w);
	json_write_string(w->out, value);
}

static void
json_kv_string(json_writer *w, const char *key, const char *value)
{
	json_key(w, key);
	json_string(w, value);
}

static void
json_kv_int(json_writer *w, const char *key, int64_t value)
{
	json_key(w, key);
	json_separate(w);
	(void)fprintf(w->out, "%" PRId64, value);
}

static void
json_kv_bool(json_writer *w, const char *key, bool value)
{
	json_key(w, key);
	json_separate(w);
	(void)fputs(value ? "true" : "false", w->out);
}

/* ---- tables ---------------------------------------------------------- */

/* A text table: a header row and rows of cells, printed in columns. */
typedef struct table {
	size_t columns;
	char **cells;     /* row-major, owned */
	size_t rows;
	size_t capacity;  /* in rows */
	bool failed;      /* out of memory */
} table;

static void
table_add(table *t, const char *const *row)
{
	if (t->failed) {
		return;
	}
	if (t->rows == t->capacity) {
		const size_t capacity = t->capacity == 0 ? 16 : t->capacity * 2;
		char **grown = realloc(t->cells,
			capacity * t->columns * sizeof(*grown));
		if (grown == NULL) {
			t->failed = true;
			return;
		}
		t->cells = grown;
		t->capacity = capacity;
	}
	char **cells = &t->cells[t->rows * t->columns];
	for (size_t i = 0; i < t->columns; i++) {
		cells[i] = strdup(row[i] != NULL && row[i][0] != '\0' ?
			row[i] : "-");
		if (cells[i] == NULL) {
			t->failed = true;
		}
	}
	t->rows++;
}

static void
table_init(table *t, size_t columns, const char *const *header)
{
	memset(t, 0, sizeof(*t));
	t->columns = columns;
	table_add(t, header);
}

static void
table_print(const table *t, FILE *out)
{
	size_t widths[16] = { 0 };

	for (size_t r = 0; r < t->rows; r++) {
		for (size_t i = 0; i < t->columns && i < 16; i++) {
			const size_t len = strlen(t->cells[r * t->columns + i]);
			widths[i] = len > widths[i] ? len : widths[i];
		}
	}
	for (size_t r = 0; r < t->rows; r++) {
		for (size_t i = 0; i < t->columns; i++) {
			const char *cell = t->cells[r * t->columns + i];
			if (i + 1 == t->columns) {
				(void)fprintf(out, "%s\n", cell);
			} else {
				(void)fprintf(out, "%-*s  ", (int)widths[i],
					cell);
			}
		}
	}
}

static void
table_free(table *t)
{
	for (size_t i = 0; i < t->rows * t->columns; i++) {
		free(t->cells[i]);
	}
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

/* Print T (or report that memory ran out) and free it. */
static int
table_finish(const cli *c, table *t)
{
	const bool failed = t->failed;

	if (!failed) {
		table_print(t, c->out);
	}
	table_free(t);
	return failed ? cli_no_memory(c) : REGISTRY_CLI_EXIT_OK;
}

/* ---- small values ---------------------------------------------------- */

/* A growing list of argument strings (not copied: they live in argv). */
typedef struct str_list {
	const char **items;
	size_t count;
	size_t capacity;
} str_list;

static bool
str_list_push(str_list *list, const char *item)
{
	if (list->count == list->capacity) {
		const size_t capacity = list->capacity == 0 ? 8 :
			list->capacity * 2;
		const char **grown = realloc(list->items,
			capacity * sizeof(*grown));
		if (grown == NULL) {
			return false;
		}
		list->items = grown;
		list->capacity = capacity;
	}
	list->items[list->count++] = item;
	return true;
}

static void
str_list_free(str_list *list)
{
	free(list->items);
	memset(list, 0, sizeof(*list));
}

/* "2023-11-14T22:13:20Z" */
static void
format_time(int64_t seconds, char *out, size_t outlen)
{
	const time_t t = (time_t)seconds;
	struct tm tm;

	if ((int64_t)t != seconds || gmtime_r(&t, &tm) == NULL ||
		strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		(void)snprintf(out, outlen, "%" PRId64, seconds);
	}
}

/*
 * Parse the decimal TEXT of option OPTION into *VALUE within MIN..MAX.
 * Returns -1 when fine, else the exit code after the message.
 */
static int
parse_number(const cli *c, const char *option, const char *text,
	uint32_t min, uint32_t max, uint32_t *value)
{
	uint64_t number = 0;
	bool too_large = false;
	size_t i = 0;

	for (; text[i] >= '0' && text[i] <= '9'; i++) {
		number = number * 10 + (uint64_t)(text[i] - '0');
		if (number > UINT32_MAX) {
			too_large = true;
			number = UINT32_MAX;
		}
	}
	if (i == 0 || text[i] != '\0') {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"%s: \"%s\" is not a number", option, text);
	}
	if (too_large || number < min || number > max) {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"%s: %s is out of range %" PRIu32 "-%" PRIu32, option,
			text, min, max);
	}
	*value = (uint32_t)number;
	return -1;
}

/*
 * Check the name TEXT (a WHAT, e.g. "zone") by RULES and write its
 * canonical form to OUT (DNAME_BUF_SIZE). OPTION, when not NULL, goes in
 * front of the message. Returns -1 when fine, else the exit code.
 */
static int
check_name(const cli *c, const char *option, const char *what,
	const char *text, dname_rules rules, char *out)
{
	kd_err err;

	if (dname_normalize(text, rules, out, DNAME_BUF_SIZE, &err) != KD_OK) {
		return option != NULL ?
			cli_message(c, REGISTRY_CLI_EXIT_USAGE, "%s: %s %s",
				option, what, err.text) :
			cli_message(c, REGISTRY_CLI_EXIT_USAGE, "%s %s", what,
				err.text);
	}
	return -1;
}

/* ---- commands: the table and option parsing ------------------------- */

enum {
	OPT_HELP = 'h',
	OPT_DB = 256,
	OPT_JSON,
	OPT_NS,
	OPT_SOA_MNAME,
	OPT_SOA_RNAME,
	OPT_TTL,
	OPT_ALLOW_TRANSFER,
	OPT_NOTIFY,
	OPT_PORT,
	OPT_PRIORITY,
	OPT_WEIGHT,
	OPT_ADDRESS,
	OPT_SITE,
	OPT_ZONE,
	OPT_DRY_RUN,
};

#define OPTIONS_COMMON \
	{ "help", no_argument, NULL, OPT_HELP }, \
	{ "db", required_argument, NULL, OPT_DB }, \
	{ NULL, 0, NULL, 0 }

typedef struct cli_command cli_command;

/* Called for each option other than --help and --db; -1 means go on. */
typedef int (*option_fn)(const cli *c, void *args, int id,
	const char *option, const char *value);

struct cli_command {
	const char *group;      /* first word: "zone" */
	const char *action;     /* second word: "add", or NULL */
	const char *synopsis;   /* the arguments after the words */
	const char *positional; /* names of the positional arguments */
	const char *summary;    /* one line for --help */
	const char *details;    /* options and notes for COMMAND --help */
	const struct option *options;
	int min_args, max_args; /* positional arguments (-1: no limit) */
	/* The command: an exit code, or -1 for success. */
	int (*run)(cli *c, const cli_command *cmd, void *args,
		char **pos, int count);
	option_fn on_option;
	size_t args_size;       /* the command's argument struct */
	void (*init_args)(void *args);  /* defaults, or NULL */
	void (*free_args)(void *args);
	/* run_list(): print the loaded registry as JSON, or as a table. */
	void (*list_json)(const cli *c, const registry_dataset *ds);
	int (*list_text)(const cli *c, const registry_dataset *ds);
};

static const char *
command_name(const cli_command *cmd, char *buf, size_t len)
{
	(void)snprintf(buf, len, "%s%s%s", cmd->group,
		cmd->action != NULL ? " " : "",
		cmd->action != NULL ? cmd->action : "");
	return buf;
}

static void
print_command_help(const cli_command *cmd, FILE *out)
{
	char name[64];

	(void)fprintf(out, "Usage: %s %s%s%s\n\n%s\n", PROGRAM,
		command_name(cmd, name, sizeof(name)),
		cmd->synopsis[0] != '\0' ? " " : "", cmd->synopsis,
		cmd->summary);
	if (cmd->details[0] != '\0') {
		(void)fprintf(out, "\n%s", cmd->details);
	}
}

static const char *
option_name(const struct option *options, int id)
{
	for (size_t i = 0; options[i].name != NULL; i++) {
		if (options[i].val == id) {
			return options[i].name;
		}
	}
	return "?";
}

/*
 * Parse the options of CMD from ARGV (ARGV[0] is the last command word).
 * Returns -1 to go on with the positional arguments in *POS / *COUNT, or
 * an exit code (0 after --help).
 */
static int
parse_command_options(cli *c, const cli_command *cmd, int argc, char **argv,
	void *args, char ***pos, int *count)
{
	char name[64];
	char option[80];
	int id;

	command_name(cmd, name, sizeof(name));
	optind = 0; /* GNU: start over, including argument permutation */
	opterr = 0;
	while ((id = getopt_long(argc, argv, ":h", cmd->options, NULL)) !=
		-1) {
		if (id == '?') {
			if (optopt >= 256) {
				return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
					"%s: --%s takes no value", name,
					option_name(cmd->options, optopt));
			}
			if (optopt != 0) {
				return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
					"%s: unknown option -%c", name,
					(char)optopt);
			}
			return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
				"%s: unknown option %s", name,
				argv[optind - 1]);
		}
		if (id == ':') {
			return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
				"--%s needs a value",
				option_name(cmd->options, optopt));
		}
		if (id == OPT_HELP) {
			print_command_help(cmd, c->out);
			return REGISTRY_CLI_EXIT_OK;
		}
		if (id == OPT_DB) {
			c->db = optarg;
			continue;
		}
		(void)snprintf(option, sizeof(option), "--%s",
			option_name(cmd->options, id));
		const int code = cmd->on_option(c, args, id, option, optarg);
		if (code >= 0) {
			return code;
		}
	}
	*pos = argv + optind;
	*count = argc - optind;
	if (*count < cmd->min_args) {
		/* Name the first missing argument. */
		const char *missing = cmd->positional;
		for (int i = 0; i < *count; i++) {
			const char *space = strchr(missing, ' ');
			missing = space != NULL ? space + 1 : "";
		}
		const size_t len = strcspn(missing, " ");
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"%s: missing %.*s", name, (int)len, missing);
	}
	if (cmd->max_args >= 0 && *count > cmd->max_args) {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"%s: unexpected argument \"%s\"", name,
			(*pos)[cmd->max_args]);
	}
	return -1;
}

static int
no_options(const cli *c, void *args, int id, const char *option,
	const char *value)
{
	(void)args;
	(void)id;
	(void)value;
	return cli_message(c, REGISTRY_CLI_EXIT_USAGE, "%s is not expected",
		option);
}

/* Options of the listing commands: --json only; then what run_list() loads. */
typedef struct list_args {
	bool json;
	const char *zone;     /* the zone to list, or NULL: all */
	registry_dataset ds;
} list_args;

static int
list_option(const cli *c, void *args, int id, const char *option,
	const char *value)
{
	list_args *a = args;

	if (id == OPT_JSON) {
		a->json = true;
		return -1;
	}
	return no_options(c, args, id, option, value);
}

/* ---- opening the registry -------------------------------------------- */

/* -1 when a registry is given, else the usage error. */
static int
cli_need_db(const cli *c)
{
	if (c->db == NULL || c->db[0] == '\0') {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"no registry given: use --db FILE or set "
			"KMSDNS_REGISTRY");
	}
	return -1;
}

/* What a command does with the open registry; CTX is the command's own. */
typedef kd_result (*cli_body_fn)(const cli *c, registry *reg, void *ctx,
	kd_err *err);

/*
 * Open the registry, run BODY on it and close it. Unless READ_ONLY, BODY
 * runs in one transaction, committed only when it succeeds. Returns -1
 * when all went well, else the exit code after the message.
 */
static int
cli_session(const cli *c, bool read_only, cli_body_fn body, void *ctx)
{
	registry *reg = NULL;
	kd_err err = { "" };
	int code = cli_need_db(c);

	if (code >= 0) {
		return code;
	}
	kd_result ret = registry_open(c->db, read_only, &reg, &err);
	if (ret != KD_OK) {
		return cli_fail(c, ret, &err);
	}
	if (!read_only) {
		ret = registry_begin(reg, &err);
	}
	if (ret == KD_OK) {
		ret = body(c, reg, ctx, &err);
	}
	if (ret == KD_OK && !read_only) {
		ret = registry_commit(reg, &err);
	}
	if (ret != KD_OK) {
		code = cli_fail(c, ret, &err);
		registry_rollback(reg);
	}
	registry_close(reg);
	return code;
}

/* Check the zone name TEXT into ZONE, then run BODY on it (cli_session()). */
static int
zone_session(const cli *c, const char *text, bool read_only,
	cli_body_fn body, char *zone)
{
	const int code = check_name(c, NULL, "zone", text, DNAME_OWNER, zone);

	return code >= 0 ? code : cli_session(c, read_only, body, zone);
}

/* ---- init ------------------------------------------------------------ */

static int
run_init(cli *c, const cli_command *cmd, void *args, char **pos, int count)
{
	kd_err err = { "" };

	(void)cmd;
	(void)args;
	(void)pos;
	(void)count;
	const int code = cli_need_db(c);
	if (code >= 0) {
		return code;
	}
	const kd_result ret = registry_create(c->db, &err);
	if (ret != KD_OK) {
		return cli_fail(c, ret, &err);
	}
	(void)fprintf(c->out, "created registry %s\n", c->db);
	return REGISTRY_CLI_EXIT_OK;
}

/* ---- zone add / remove / list ---------------------------------------- */

typedef struct zone_add_args {
	str_list ns;
	str_list transfer;
	str_list notify;
	const char *mname;
	const char *rname;
	uint32_t ttl;
	/* Built from the above. */
	registry_ns *ns_items;
	size_t ns_count;
	char (*transfer_items)[REGISTRY_PREFIX_MAX];
	char (*notify_items)[REGISTRY_ENDPOINT_MAX];
	registry_zone zone;
	/* What the registry then holds. */
	char added[DNAME_BUF_SIZE];
	uint32_t serial;
} zone_add_args;

static void
zone_add_init(void *args)
{
	zone_add_args *a = args;

	a->ttl = REGISTRY_DEFAULT_TTL;
}

static void
zone_add_free(void *args)
{
	zone_add_args *a = args;

	for (size_t i = 0; i < a->ns_count; i++) {
		free(a->ns_items[i].addresses);
	}
	free(a->ns_items);
	free(a->transfer_items);
	free(a->notify_items);
	str_list_free(&a->ns);
	str_list_free(&a->transfer);
	str_list_free(&a->notify);
}

static int
zone_add_option(const cli *c, void *args, int id, const char *option,
	const char *value)
{
	zone_add_args *a = args;
	bool pushed = true;

	switch (id) {
	case OPT_NS:
		pushed = str_list_push(&a->ns, value);
		break;
	case OPT_ALLOW_TRANSFER:
		pushed = str_list_push(&a->transfer, value);
		break;
	case OPT_NOTIFY:
		pushed = str_list_push(&a->notify, value);
		break;
	case OPT_SOA_MNAME:
		a->mname = value;
		break;
	case OPT_SOA_RNAME:
		a->rname = value;
		break;
	case OPT_TTL:
		return parse_number(c, option, value, 0, CLI_TTL_MAX, &a->ttl);
	default:
		return no_options(c, args, id, option, value);
	}
	return pushed ? -1 : cli_no_memory(c);
}

/* "NAME[=ADDR[,ADDR...]]" of --ns into NS. */
static int
parse_ns(const cli *c, const char *text, registry_ns *ns)
{
	char name[DNAME_BUF_SIZE + 1];
	const char *equals = strchr(text, '=');
	const size_t name_len = equals != NULL ? (size_t)(equals - text) :
		strlen(text);

	if (name_len >= sizeof(name)) {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"--ns: name server \"%.40s...\" is too long", text);
	}
	memcpy(name, text, name_len);
	name[name_len] = '\0';
	const int code = check_name(c, "--ns", "name server", name, DNAME_HOST,
		ns->name);
	if (code >= 0 || equals == NULL) {
		return code;
	}

	const char *list = equals + 1;
	size_t count = 1;
	for (const char *p = list; *p != '\0'; p++) {
		count += *p == ',';
	}
	ns->addresses = calloc(count, sizeof(*ns->addresses));
	if (ns->addresses == NULL) {
		return cli_no_memory(c);
	}
	while (ns->address_count < count) {
		char address[REGISTRY_ADDR_MAX + 1];
		const size_t len = strcspn(list, ",");
		kd_err err;
		if (len == 0) {
			return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
				"--ns: \"%s\": empty address", text);
		}
		(void)snprintf(address, sizeof(address), "%.*s", (int)len,
			list);
		if (len >= sizeof(address) ||
			registry_address_normalize(address,
			ns->addresses[ns->address_count], REGISTRY_ADDR_MAX,
			&err) != KD_OK) {
			return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
				"--ns: \"%.*s\" is not an IPv4 or IPv6 address",
				(int)len, list);
		}
		ns->address_count++;
		list += len + (list[len] == ',');
	}
	return -1;
}

/*
 * The SOA RNAME from --soa-rname: a mailbox "hostmaster@example.test"
 * becomes "hostmaster.example.test"; a name stays as it is.
 */
static int
parse_rname(const cli *c, const char *text, char *out)
{
	char name[DNAME_BUF_SIZE + 2];
	const char *at = strchr(text, '@');

	if (at == NULL) {
		return check_name(c, "--soa-rname", "mailbox", text,
			DNAME_OWNER, out);
	}
	const size_t local_len = (size_t)(at - text);
	if (local_len == 0 || memchr(text, '.', local_len) != NULL ||
		strchr(at + 1, '@') != NULL) {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"--soa-rname: \"%s\" is not a mailbox like "
			"hostmaster@example.test (no '.' before the '@')",
			text);
	}
	const int n = snprintf(name, sizeof(name), "%.*s.%s", (int)local_len,
		text, at + 1);
	if (n < 0 || (size_t)n >= sizeof(name)) {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"--soa-rname: \"%.40s...\" is too long", text);
	}
	return check_name(c, "--soa-rname", "mailbox", name, DNAME_OWNER,
		out);
}

/* Normalize the COUNT texts of OPTION with FN into ITEMS of SIZE bytes. */
typedef kd_result (*normalize_fn)(const char *text, char *out, size_t len,
	kd_err *err);

static int
normalize_list(const cli *c, const char *option, const str_list *list,
	normalize_fn fn, char *items, size_t size)
{
	for (size_t i = 0; i < list->count; i++) {
		kd_err err;
		if (fn(list->items[i], items + i * size, size, &err) != KD_OK) {
			return cli_message(c, REGISTRY_CLI_EXIT_USAGE, "%s: %s",
				option, err.text);
		}
	}
	return -1;
}

static int
zone_add_build(const cli *c, zone_add_args *a, const char *name,
	registry_zone *zone)
{
	memset(zone, 0, sizeof(*zone));
	int code = check_name(c, NULL, "zone", name, DNAME_OWNER, zone->name);
	if (code >= 0) {
		return code;
	}
	if (a->ns.count == 0) {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"zone add: at least one --ns is required");
	}
	a->ns_items = calloc(a->ns.count, sizeof(*a->ns_items));
	a->transfer_items = calloc(a->transfer.count + 1,
		sizeof(*a->transfer_items));
	a->notify_items = calloc(a->notify.count + 1,
		sizeof(*a->notify_items));
	if (a->ns_items == NULL || a->transfer_items == NULL ||
		a->notify_items == NULL) {
		return cli_no_memory(c);
	}
	for (size_t i = 0; i < a->ns.count; i++) {
		a->ns_count++;
		code = parse_ns(c, a->ns.items[i], &a->ns_items[i]);
		if (code >= 0) {
			return code;
		}
	}
	if (a->mname != NULL) {
		code = check_name(c, "--soa-mname", "name", a->mname,
			DNAME_HOST, zone->soa_mname);
	}
	if (code < 0 && a->rname != NULL) {
		code = parse_rname(c, a->rname, zone->soa_rname);
	}
	if (code < 0) {
		code = normalize_list(c, "--allow-transfer", &a->transfer,
			registry_prefix_normalize, a->transfer_items[0],
			REGISTRY_PREFIX_MAX);
	}
	if (code < 0) {
		code = normalize_list(c, "--notify", &a->notify,
			registry_endpoint_normalize, a->notify_items[0],
			REGISTRY_ENDPOINT_MAX);
	}
	zone->ns = a->ns_items;
	zone->ns_count = a->ns_count;
	zone->allow_transfer = a->transfer_items;
	zone->allow_transfer_count = a->transfer.count;
	zone->notify = a->notify_items;
	zone->notify_count = a->notify.count;
	zone->ttl = a->ttl;
	zone->refresh = REGISTRY_DEFAULT_SOA_REFRESH;
	zone->retry = REGISTRY_DEFAULT_SOA_RETRY;
	zone->expire = REGISTRY_DEFAULT_SOA_EXPIRE;
	zone->minimum = a->ttl;
	return code;
}

static kd_result
zone_add_change(const cli *c, registry *reg, void *args, kd_err *err)
{
	zone_add_args *a = args;
	registry_dataset ds;
	kd_result ret = registry_add_zone(reg, &a->zone, c->now, err);

	if (ret == KD_OK) {
		ret = registry_load(reg, a->zone.name, &ds, err);
	}
	if (ret == KD_OK) {
		(void)snprintf(a->added, sizeof(a->added), "%s",
			ds.zones[0].name);
		a->serial = ds.zones[0].serial;
		registry_dataset_free(&ds);
	}
	return ret;
}

static int
run_zone_add(cli *c, const cli_command *cmd, void *args, char **pos,
	int count)
{
	zone_add_args *a = args;

	(void)cmd;
	(void)count;
	int code = zone_add_build(c, a, pos[0], &a->zone);
	if (code < 0) {
		code = cli_session(c, false, zone_add_change, a);
	}
	if (code < 0) {
		(void)fprintf(c->out, "added zone %s (serial %" PRIu32 ")\n",
			a->added, a->serial);
	}
	return code;
}

static kd_result
zone_remove_change(const cli *c, registry *reg, void *zone, kd_err *err)
{
	(void)c;
	return registry_remove_zone(reg, zone, err);
}

static int
run_zone_remove(cli *c, const cli_command *cmd, void *args, char **pos,
	int count)
{
	char zone[DNAME_BUF_SIZE];

	(void)cmd;
	(void)args;
	(void)count;
	const int code = zone_session(c, pos[0], false, zone_remove_change,
		zone);
	if (code < 0) {
		(void)fprintf(c->out, "removed zone %s\n", zone);
	}
	return code;
}

/* The number of SRV registrations of each zone, in zone order. */
static size_t
hosts_of_zone(const registry_dataset *ds, const char *zone, size_t *cursor)
{
	size_t n = 0;

	while (*cursor < ds->host_count &&
		strcmp(ds->hosts[*cursor].zone, zone) < 0) {
		(*cursor)++;
	}
	while (*cursor < ds->host_count &&
		strcmp(ds->hosts[*cursor].zone, zone) == 0) {
		n++;
		(*cursor)++;
	}
	return n;
}

static void
zone_list_json(const cli *c, const registry_dataset *ds)
{
	json_writer w = { .out = c->out };
	size_t cursor = 0;

	json_open(&w, '[');
	for (size_t i = 0; i < ds->zone_count; i++) {
		const registry_zone *z = &ds->zones[i];
		json_open(&w, '{');
		json_kv_string(&w, "zone", z->name);
		json_kv_int(&w, "serial", z->serial);
		json_kv_int(&w, "ttl", z->ttl);
		json_key(&w, "soa");
		json_open(&w, '{');
		json_kv_string(&w, "mname", z->soa_mname);
		json_kv_string(&w, "rname", z->soa_rname);
		json_kv_int(&w, "refresh", z->refresh);
		json_kv_int(&w, "retry", z->retry);
		json_kv_int(&w, "expire", z->expire);
		json_kv_int(&w, "minimum", z->minimum);
		json_close(&w, '}');
		json_key(&w, "ns");
		json_open(&w, '[');
		for (size_t j = 0; j < z->ns_count; j++) {
			json_open(&w, '{');
			json_kv_string(&w, "name", z->ns[j].name);
			json_key(&w, "addresses");
			json_open(&w, '[');
			for (size_t k = 0; k < z->ns[j].address_count; k++) {
				json_string(&w, z->ns[j].addresses[k]);
			}
			json_close(&w, ']');
			json_close(&w, '}');
		}
		json_close(&w, ']');
		json_key(&w, "allow_transfer");
		json_open(&w, '[');
		for (size_t j = 0; j < z->allow_transfer_count; j++) {
			json_string(&w, z->allow_transfer[j]);
		}
		json_close(&w, ']');
		json_key(&w, "notify");
		json_open(&w, '[');
		for (size_t j = 0; j < z->notify_count; j++) {
			json_string(&w, z->notify[j]);
		}
		json_close(&w, ']');
		json_kv_int(&w, "hosts", (int64_t)hosts_of_zone(ds, z->name,
			&cursor));
		json_close(&w, '}');
	}
	json_close(&w, ']');
}

/* Join COUNT strings of SIZE bytes at ITEMS with ", " into a new string. */
static char *
join_list(const char *items, size_t size, size_t count)
{
	size_t len = 1;

	for (size_t i = 0; i < count; i++) {
		len += strlen(items + i * size) + 2;
	}
	char *text = malloc(len);
	if (text == NULL) {
		return NULL;
	}
	text[0] = '\0';
	for (size_t i = 0; i < count; i++) {
		if (i > 0) {
			strcat(text, ", ");
		}
		strcat(text, items + i * size);
	}
	return text;
}

/* "ns1.example.test (192.0.2.53), ns.provider.test" */
static char *
join_ns(const registry_zone *z)
{
	size_t len = 1;

	for (size_t i = 0; i < z->ns_count; i++) {
		len += strlen(z->ns[i].name) + 5;
		for (size_t j = 0; j < z->ns[i].address_count; j++) {
			len += strlen(z->ns[i].addresses[j]) + 2;
		}
	}
	char *text = malloc(len);
	if (text == NULL) {
		return NULL;
	}
	text[0] = '\0';
	for (size_t i = 0; i < z->ns_count; i++) {
		strcat(text, i > 0 ? ", " : "");
		strcat(text, z->ns[i].name);
		for (size_t j = 0; j < z->ns[i].address_count; j++) {
			strcat(text, j == 0 ? " (" : " ");
			strcat(text, z->ns[i].addresses[j]);
		}
		strcat(text, z->ns[i].address_count > 0 ? ")" : "");
	}
	return text;
}

static int
zone_list_text(const cli *c, const registry_dataset *ds)
{
	static const char *const header[] = {
		"ZONE", "SERIAL", "TTL", "HOSTS", "NAME SERVERS",
		"ALLOW-TRANSFER", "NOTIFY",
	};
	table t;
	size_t cursor = 0;

	table_init(&t, 7, header);
	for (size_t i = 0; i < ds->zone_count; i++) {
		const registry_zone *z = &ds->zones[i];
		char serial[16], ttl[16], hosts[24];
		(void)snprintf(serial, sizeof(serial), "%" PRIu32, z->serial);
		(void)snprintf(ttl, sizeof(ttl), "%" PRIu32, z->ttl);
		(void)snprintf(hosts, sizeof(hosts), "%zu",
			hosts_of_zone(ds, z->name, &cursor));
		char *ns = join_ns(z);
		char *transfer = join_list((const char *)z->allow_transfer,
			REGISTRY_PREFIX_MAX, z->allow_transfer_count);
		char *notify = join_list((const char *)z->notify,
			REGISTRY_ENDPOINT_MAX, z->notify_count);
		const char *row[] = {
			z->name, serial, ttl, hosts, ns, transfer, notify,
		};
		if (ns == NULL || transfer == NULL || notify == NULL) {
			t.failed = true;
		}
		table_add(&t, row);
		free(ns);
		free(transfer);
		free(notify);
	}
	return table_finish(c, &t);
}

/*
 * Load the registrations of A->zone (or of every zone), with the state of
 * each host now, as the module serves it.
 */
static kd_result
list_load(const cli *c, registry *reg, void *args, kd_err *err)
{
	list_args *a = args;
	const kd_result ret = registry_load(reg, a->zone, &a->ds, err);

	for (size_t i = 0; ret == KD_OK && i < a->ds.host_count; i++) {
		registry_host *h = &a->ds.hosts[i];
		h->state = registry_state_at(&a->ds.settings, h->origin,
			h->refreshed, c->now);
	}
	return ret;
}

/* The listing commands: [ZONE], then the command's table or JSON. */
static int
run_list(cli *c, const cli_command *cmd, void *args, char **pos, int count)
{
	list_args *a = args;
	char zone[DNAME_BUF_SIZE];

	int code = count > 0 ?
		check_name(c, NULL, "zone", pos[0], DNAME_OWNER, zone) : -1;
	a->zone = count > 0 ? zone : NULL;
	if (code < 0) {
		code = cli_session(c, true, list_load, a);
	}
	if (code >= 0) {
		return code;
	}
	if (a->json) {
		cmd->list_json(c, &a->ds);
		code = REGISTRY_CLI_EXIT_OK;
	} else {
		code = cmd->list_text(c, &a->ds);
	}
	registry_dataset_free(&a->ds);
	return code;
}

/* ---- host add / remove / list ---------------------------------------- */

typedef struct host_add_args {
	uint32_t port, priority, weight, ttl;
	bool has_ttl;
	str_list addresses;
	const char *site;
	/* Built from the above. */
	registry_host host;
	char (*address_items)[REGISTRY_ADDR_MAX];
} host_add_args;

static void
host_add_init(void *args)
{
	host_add_args *a = args;

	a->port = SRV_KMS_PORT;
}

static void
host_add_free(void *args)
{
	host_add_args *a = args;

	str_list_free(&a->addresses);
	free(a->address_items);
}

static int
host_add_option(const cli *c, void *args, int id, const char *option,
	const char *value)
{
	host_add_args *a = args;

	switch (id) {
	case OPT_PORT:
		return parse_number(c, option, value, 1, 65535, &a->port);
	case OPT_PRIORITY:
		return parse_number(c, option, value, 0, 65535, &a->priority);
	case OPT_WEIGHT:
		return parse_number(c, option, value, 0, 65535, &a->weight);
	case OPT_TTL:
		a->has_ttl = true;
		return parse_number(c, option, value, 0, CLI_TTL_MAX, &a->ttl);
	case OPT_ADDRESS:
		return str_list_push(&a->addresses, value) ? -1 :
			cli_no_memory(c);
	case OPT_SITE:
		a->site = value;
		return -1;
	default:
		return no_options(c, args, id, option, value);
	}
}

/* ZONE and TARGET of the host commands, checked. */
static int
check_zone_target(const cli *c, char **pos, char *zone, char *target)
{
	int code = check_name(c, NULL, "zone", pos[0], DNAME_OWNER, zone);

	if (code < 0) {
		code = check_name(c, NULL, "target", pos[1], DNAME_HOST,
			target);
	}
	if (code < 0 && dname_label_count(target) < 2) {
		code = cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"target \"%s\" is a single label: give the host's fully "
			"qualified name", pos[1]);
	}
	return code;
}

/*
 * Store the SRV registration and (when given) the addresses of the
 * target; the TTL is the zone's unless --ttl gives one.
 */
static kd_result
host_add_change(const cli *c, registry *reg, void *args, kd_err *err)
{
	host_add_args *a = args;
	registry_host *host = &a->host;
	const size_t address_count = a->addresses.count;
	registry_dataset ds;
	kd_result ret = registry_load(reg, host->zone, &ds, err);

	if (ret != KD_OK) {
		return ret;
	}
	host->srv.ttl = a->has_ttl ? a->ttl : ds.zones[0].ttl;
	ret = registry_put_host(reg, host, true, c->now, err);
	/* --address replaces the addresses the name had. */
	for (size_t i = 0; ret == KD_OK && address_count > 0 &&
		i < ds.address_count; i++) {
		const registry_address *old = &ds.addresses[i];
		bool kept = false;
		for (size_t j = 0; j < address_count; j++) {
			kept = kept ||
				strcmp(old->address, a->address_items[j]) == 0;
		}
		if (!kept && strcmp(old->name, host->srv.target) == 0) {
			ret = registry_remove_address(reg, old->zone, old->name,
				old->address, err);
		}
	}
	for (size_t i = 0; ret == KD_OK && i < address_count; i++) {
		registry_address addr;
		memset(&addr, 0, sizeof(addr));
		(void)snprintf(addr.zone, sizeof(addr.zone), "%s", host->zone);
		(void)snprintf(addr.name, sizeof(addr.name), "%s",
			host->srv.target);
		(void)snprintf(addr.address, sizeof(addr.address), "%s",
			a->address_items[i]);
		addr.ttl = host->srv.ttl;
		addr.origin = REGISTRY_ORIGIN_STATIC;
		ret = registry_put_address(reg, &addr, c->now, err);
	}
	registry_dataset_free(&ds);
	return ret;
}

static int
run_host_add(cli *c, const cli_command *cmd, void *args, char **pos,
	int count)
{
	host_add_args *a = args;
	registry_host *host = &a->host;
	kd_err err = { "" };

	(void)cmd;
	(void)count;
	int code = check_zone_target(c, pos, host->zone, host->srv.target);
	if (code < 0 && a->site != NULL) {
		if (registry_site_validate(a->site, &err) != KD_OK) {
			code = cli_message(c, REGISTRY_CLI_EXIT_USAGE,
				"--site: %s", err.text);
		} else {
			(void)snprintf(host->site, sizeof(host->site), "%s",
				a->site);
		}
	}
	a->address_items = calloc(a->addresses.count + 1,
		sizeof(*a->address_items));
	if (code < 0 && a->address_items == NULL) {
		code = cli_no_memory(c);
	}
	if (code < 0) {
		code = normalize_list(c, "--address", &a->addresses,
			registry_address_normalize, a->address_items[0],
			REGISTRY_ADDR_MAX);
	}
	host->srv.port = (uint16_t)a->port;
	host->srv.priority = (uint16_t)a->priority;
	host->srv.weight = (uint16_t)a->weight;
	host->origin = REGISTRY_ORIGIN_STATIC;
	if (code < 0) {
		code = cli_session(c, false, host_add_change, a);
	}
	if (code < 0) {
		char rdata[DNAME_BUF_SIZE + 32];
		(void)srv_format_rdata(&host->srv, rdata, sizeof(rdata));
		(void)fprintf(c->out, "registered %s in zone %s: %s\n",
			host->srv.target, host->zone, rdata);
	}
	return code;
}

static bool
target_registered(const registry_dataset *ds, const char *target)
{
	for (size_t i = 0; i < ds->host_count; i++) {
		if (strcmp(ds->hosts[i].srv.target, target) == 0) {
			return true;
		}
	}
	for (size_t i = 0; i < ds->address_count; i++) {
		if (strcmp(ds->addresses[i].name, target) == 0) {
			return true;
		}
	}
	return false;
}

/* ZONE and TARGET of host remove. */
typedef struct host_key {
	char zone[DNAME_BUF_SIZE];
	char target[DNAME_BUF_SIZE];
} host_key;

static kd_result
host_remove_change(const cli *c, registry *reg, void *ctx, kd_err *err)
{
	const host_key *key = ctx;
	registry_dataset ds;
	kd_result ret = registry_load(reg, key->zone, &ds, err);

	(void)c;
	if (ret != KD_OK) {
		return ret;
	}
	if (!target_registered(&ds, key->target)) {
		ret = kd_err_set(err, KD_ENOENT,
			"%s is not registered in zone %s", key->target,
			key->zone);
	} else {
		ret = registry_remove_target(reg, key->zone, key->target, err);
	}
	registry_dataset_free(&ds);
	return ret;
}

static int
run_host_remove(cli *c, const cli_command *cmd, void *args, char **pos,
	int count)
{
	host_key key;

	(void)cmd;
	(void)args;
	(void)count;
	int code = check_zone_target(c, pos, key.zone, key.target);
	if (code < 0) {
		code = cli_session(c, false, host_remove_change, &key);
	}
	if (code < 0) {
		(void)fprintf(c->out, "removed %s from zone %s\n", key.target,
			key.zone);
	}
	return code;
}

static void
host_list_json(const cli *c, const registry_dataset *ds)
{
	json_writer w = { .out = c->out };
	char created[CLI_TIME_MAX], refreshed[CLI_TIME_MAX];

	json_open(&w, '[');
	for (size_t i = 0; i < ds->host_count; i++) {
		const registry_host *h = &ds->hosts[i];
		format_time(h->created, created, sizeof(created));
		format_time(h->refreshed, refreshed, sizeof(refreshed));
		json_open(&w, '{');
		json_kv_string(&w, "zone", h->zone);
		json_kv_string(&w, "target", h->srv.target);
		json_kv_int(&w, "priority", h->srv.priority);
		json_kv_int(&w, "weight", h->srv.weight);
		json_kv_int(&w, "port", h->srv.port);
		json_kv_int(&w, "ttl", h->srv.ttl);
		json_kv_string(&w, "site", h->site);
		json_kv_string(&w, "origin", registry_origin_name(h->origin));
		json_kv_string(&w, "signer", h->signer);
		json_kv_string(&w, "created", created);
		json_kv_string(&w, "refreshed", refreshed);
		json_kv_string(&w, "state", registry_state_name(h->state));
		json_close(&w, '}');
	}
	json_close(&w, ']');
}

static int
host_list_text(const cli *c, const registry_dataset *ds)
{
	static const char *const header[] = {
		"ZONE", "TARGET", "PRIORITY", "WEIGHT", "PORT", "TTL", "SITE",
		"ORIGIN", "SIGNER", "CREATED", "REFRESHED", "STATE",
	};
	table t;

	table_init(&t, 12, header);
	for (size_t i = 0; i < ds->host_count; i++) {
		const registry_host *h = &ds->hosts[i];
		char priority[8], weight[8], port[8], ttl[16];
		char created[CLI_TIME_MAX], refreshed[CLI_TIME_MAX];
		(void)snprintf(priority, sizeof(priority), "%u",
			(unsigned)h->srv.priority);
		(void)snprintf(weight, sizeof(weight), "%u",
			(unsigned)h->srv.weight);
		(void)snprintf(port, sizeof(port), "%u", (unsigned)h->srv.port);
		(void)snprintf(ttl, sizeof(ttl), "%" PRIu32, h->srv.ttl);
		format_time(h->created, created, sizeof(created));
		format_time(h->refreshed, refreshed, sizeof(refreshed));
		const char *row[] = {
			h->zone, h->srv.target, priority, weight, port, ttl,
			h->site, registry_origin_name(h->origin), h->signer,
			created, refreshed, registry_state_name(h->state),
		};
		table_add(&t, row);
	}
	return table_finish(c, &t);
}

/* ---- grant / revoke / grants ----------------------------------------- */

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
	json_writer w = { .out = c->out };

	json_open(&w, '[');
	for (size_t i = 0; i < ds->grant_count; i++) {
		json_open(&w, '{');
		json_kv_string(&w, "identity", ds->grants[i].identity);
		json_kv_string(&w, "zone", ds->grants[i].zone);
		json_kv_string(&w, "scope",
			registry_scope_name(ds->grants[i].scope));
		json_close(&w, '}');
	}
	json_close(&w, ']');
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

/* ---- site add / remove / list ---------------------------------------- */

/* The positional arguments of site add: NAME, then its prefixes. */
typedef struct site_words {
	char **pos;
	int count;
} site_words;

static kd_result
site_add_change(const cli *c, registry *reg, void *ctx, kd_err *err)
{
	const site_words *words = ctx;
	kd_result ret = KD_OK;

	(void)c;
	for (int i = 1; ret == KD_OK && i < words->count; i++) {
		ret = registry_add_site_prefix(reg, words->pos[0],
			words->pos[i], err);
	}
	return ret;
}

static int
run_site_add(cli *c, const cli_command *cmd, void *args, char **pos,
	int count)
{
	site_words words = { pos, count };
	kd_err err = { "" };

	(void)cmd;
	(void)args;
	if (registry_site_validate(pos[0], &err) != KD_OK) {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE, "%s", err.text);
	}
	for (int i = 1; i < count; i++) {
		char prefix[REGISTRY_PREFIX_MAX];
		if (registry_prefix_normalize(pos[i], prefix, sizeof(prefix),
			&err) != KD_OK) {
			return cli_message(c, REGISTRY_CLI_EXIT_USAGE, "%s",
				err.text);
		}
	}
	int code = cli_session(c, false, site_add_change, &words);
	if (code < 0) {
		(void)fprintf(c->out, "site %s: %d prefix%s added\n", pos[0],
			count - 1, count == 2 ? "" : "es");
	}
	return code;
}

static kd_result
site_remove_change(const cli *c, registry *reg, void *site, kd_err *err)
{
	(void)c;
	return registry_remove_site(reg, site, err);
}

static int
run_site_remove(cli *c, const cli_command *cmd, void *args, char **pos,
	int count)
{
	kd_err err = { "" };

	(void)cmd;
	(void)args;
	(void)count;
	if (registry_site_validate(pos[0], &err) != KD_OK) {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE, "%s", err.text);
	}
	int code = cli_session(c, false, site_remove_change, pos[0]);
	if (code < 0) {
		(void)fprintf(c->out, "removed site %s\n", pos[0]);
	}
	return code;
}

/* The number of SRV registrations in site SITE. */
static size_t
hosts_in_site(const registry_dataset *ds, const char *site)
{
	size_t n = 0;

	for (size_t i = 0; i < ds->host_count; i++) {
		n += strcmp(ds->hosts[i].site, site) == 0;
	}
	return n;
}

static int
site_list_text(const cli *c, const registry_dataset *ds)
{
	static const char *const header[] = { "SITE", "PREFIXES", "HOSTS" };
	table t;

	table_init(&t, 3, header);
	for (size_t i = 0; i < ds->site_count;) {
		const char *site = ds->sites[i].site;
		size_t end = i;
		size_t len = 1;
		while (end < ds->site_count &&
			strcmp(ds->sites[end].site, site) == 0) {
			len += strlen(ds->sites[end].prefix) + 2;
			end++;
		}
		char *prefixes = malloc(len);
		if (prefixes == NULL) {
			t.failed = true;
			break;
		}
		prefixes[0] = '\0';
		for (size_t j = i; j < end; j++) {
			strcat(prefixes, j > i ? ", " : "");
			strcat(prefixes, ds->sites[j].prefix);
		}
		char hosts[24];
		(void)snprintf(hosts, sizeof(hosts), "%zu",
			hosts_in_site(ds, site));
		const char *row[] = { site, prefixes, hosts };
		table_add(&t, row);
		free(prefixes);
		i = end;
	}
	return table_finish(c, &t);
}

static void
site_list_json(const cli *c, const registry_dataset *ds)
{
	json_writer w = { .out = c->out };

	json_open(&w, '[');
	for (size_t i = 0; i < ds->site_count;) {
		const char *site = ds->sites[i].site;
		json_open(&w, '{');
		json_kv_string(&w, "site", site);
		json_key(&w, "prefixes");
		json_open(&w, '[');
		for (; i < ds->site_count &&
			strcmp(ds->sites[i].site, site) == 0; i++) {
			json_string(&w, ds->sites[i].prefix);
		}
		json_close(&w, ']');
		json_kv_int(&w, "hosts", (int64_t)hosts_in_site(ds, site));
		json_close(&w, '}');
	}
	json_close(&w, ']');
}

/* ---- config get / set ------------------------------------------------ */

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
		json_writer w = { .out = c->out };
		json_open(&w, '{');
		json_kv_int(&w, "stale_after", settings.stale_after);
		json_kv_int(&w, "scavenge_after", settings.scavenge_after);
		json_close(&w, '}');
	} else {
		char stale[DURATION_TEXT_MAX], scavenge[DURATION_TEXT_MAX];
		duration_format(settings.stale_after, stale, sizeof(stale));
		duration_format(settings.scavenge_after, scavenge,
			sizeof(scavenge));
		(void)fprintf(c->out, "stale-after %s\nscavenge-after %s\n",
			stale, scavenge);
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

static int
run_config_set(cli *c, const cli_command *cmd, void *args, char **pos,
	int count)
{
	config_change change = { .stale = strcmp(pos[0], "stale-after") == 0 };
	kd_err err = { "" };

	(void)cmd;
	(void)args;
	(void)count;
	if (!change.stale && strcmp(pos[0], "scavenge-after") != 0) {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"config set: unknown setting \"%s\" (use stale-after "
			"or scavenge-after)", pos[0]);
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

/* ---- scavenge -------------------------------------------------------- */


/* One registration registry_age_all() reported, as a record. */
typedef struct scavenge_item {
	char zone[DNAME_BUF_SIZE];
	char owner[DNAME_BUF_SIZE + 16];
	const char *type;
	uint32_t ttl;
	char data[DNAME_BUF_SIZE + 32];
	char signer[REGISTRY_IDENTITY_MAX];
	int64_t refreshed;
	registry_state state;
} scavenge_item;

typedef struct scavenge_report {
	scavenge_item *items;
	size_t count;
	size_t capacity;
	bool failed;
} scavenge_report;

typedef struct scavenge_args {
	bool json;
	bool dry_run;
	/* What registry_age_all() reported. */
	scavenge_report report;
	size_t changed_zones;
} scavenge_args;

static int
scavenge_option(const cli *c, void *args, int id, const char *option,
	const char *value)
{
	scavenge_args *a = args;

	switch (id) {
	case OPT_JSON:
		a->json = true;
		return -1;
	case OPT_DRY_RUN:
		a->dry_run = true;
		return -1;
	default:
		return no_options(c, args, id, option, value);
	}
}

static scavenge_item *
scavenge_next(scavenge_report *report)
{
	if (report->failed) {
		return NULL;
	}
	if (report->count == report->capacity) {
		const size_t capacity = report->capacity == 0 ? 16 :
			report->capacity * 2;
		scavenge_item *grown = realloc(report->items,
			capacity * sizeof(*grown));
		if (grown == NULL) {
			report->failed = true;
			return NULL;
		}
		report->items = grown;
		report->capacity = capacity;
	}
	scavenge_item *item = &report->items[report->count++];
	memset(item, 0, sizeof(*item));
	return item;
}

static void
scavenge_report_host(void *ctx, const registry_host *host,
	registry_state state)
{
	scavenge_item *item = scavenge_next(ctx);

	if (item == NULL) {
		return;
	}
	(void)snprintf(item->zone, sizeof(item->zone), "%s", host->zone);
	(void)snprintf(item->owner, sizeof(item->owner), "%s.%s",
		SRV_KMS_SERVICE, host->zone);
	item->type = "SRV";
	item->ttl = host->srv.ttl;
	(void)srv_format_rdata(&host->srv, item->data, sizeof(item->data));
	(void)snprintf(item->signer, sizeof(item->signer), "%s", host->signer);
	item->refreshed = host->refreshed;
	item->state = state;
}

static void
scavenge_report_address(void *ctx, const registry_address *addr,
	registry_state state)
{
	scavenge_item *item = scavenge_next(ctx);

	if (item == NULL) {
		return;
	}
	(void)snprintf(item->zone, sizeof(item->zone), "%s", addr->zone);
	(void)snprintf(item->owner, sizeof(item->owner), "%s", addr->name);
	item->type = strchr(addr->address, ':') != NULL ? "AAAA" : "A";
	item->ttl = addr->ttl;
	(void)snprintf(item->data, sizeof(item->data), "%s", addr->address);
	(void)snprintf(item->signer, sizeof(item->signer), "%s", addr->signer);
	item->refreshed = addr->refreshed;
	item->state = state;
}

static const char *
scavenge_action(registry_state state, bool dry_run)
{
	if (state == REGISTRY_STATE_EXPIRED) {
		return dry_run ? "would delete" : "deleted";
	}
	return dry_run ? "would mark stale" : "marked stale";
}

static void
scavenge_json(const cli *c, const scavenge_report *report, bool dry_run,
	size_t changed_zones)
{
	json_writer w = { .out = c->out };
	char when[CLI_TIME_MAX];

	format_time(c->now, when, sizeof(when));
	json_open(&w, '{');
	json_kv_string(&w, "now", when);
	json_kv_bool(&w, "dry_run", dry_run);
	json_kv_int(&w, "changed_zones", (int64_t)changed_zones);
	json_key(&w, "registrations");
	json_open(&w, '[');
	for (size_t i = 0; i < report->count; i++) {
		const scavenge_item *item = &report->items[i];
		format_time(item->refreshed, when, sizeof(when));
		json_open(&w, '{');
		json_kv_string(&w, "zone", item->zone);
		json_kv_string(&w, "owner", item->owner);
		json_kv_string(&w, "type", item->type);
		json_kv_int(&w, "ttl", item->ttl);
		json_kv_string(&w, "data", item->data);
		json_kv_string(&w, "signer", item->signer);
		json_kv_string(&w, "refreshed", when);
		json_kv_string(&w, "state", registry_state_name(item->state));
		json_kv_bool(&w, "deleted", !dry_run &&
			item->state == REGISTRY_STATE_EXPIRED);
		json_close(&w, '}');
	}
	json_close(&w, ']');
	json_close(&w, '}');
}

static int
scavenge_text(const cli *c, const scavenge_report *report, bool dry_run,
	size_t changed_zones)
{
	static const char *const header[] = {
		"ACTION", "OWNER", "TYPE", "DATA", "SIGNER", "REFRESHED",
	};
	table t;

	table_init(&t, 6, header);
	for (size_t i = 0; i < report->count; i++) {
		const scavenge_item *item = &report->items[i];
		char when[CLI_TIME_MAX];
		format_time(item->refreshed, when, sizeof(when));
		const char *row[] = {
			scavenge_action(item->state, dry_run), item->owner,
			item->type, item->data, item->signer, when,
		};
		table_add(&t, row);
	}
	if (report->count > 0) {
		const int code = table_finish(c, &t);
		if (code != REGISTRY_CLI_EXIT_OK) {
			return code;
		}
	} else {
		table_free(&t);
	}
	(void)fprintf(c->out, "%zu zone%s %s\n", changed_zones,
		changed_zones == 1 ? "" : "s",
		dry_run ? "would change" : "changed");
	return REGISTRY_CLI_EXIT_OK;
}

static kd_result
scavenge_change(const cli *c, registry *reg, void *args, kd_err *err)
{
	scavenge_args *a = args;

	return registry_age_all(reg, c->now, a->dry_run, scavenge_report_host,
		scavenge_report_address, &a->report, &a->changed_zones, err);
}

static int
run_scavenge(cli *c, const cli_command *cmd, void *args, char **pos,
	int count)
{
	scavenge_args *a = args;

	(void)cmd;
	(void)pos;
	(void)count;
	int code = cli_session(c, a->dry_run, scavenge_change, a);
	if (code >= 0) {
		/* The message is out. */
	} else if (a->report.failed) {
		code = cli_no_memory(c);
	} else if (a->json) {
		scavenge_json(c, &a->report, a->dry_run, a->changed_zones);
		code = REGISTRY_CLI_EXIT_OK;
	} else {
		code = scavenge_text(c, &a->report, a->dry_run,
			a->changed_zones);
	}
	free(a->report.items);
	return code;
}

/* ---- export ---------------------------------------------------------- */

kd_result
registry_cli_export(registry *reg, const char *zone, int64_t now, FILE *out,
	kd_err *err)
{
	registry_dataset ds;
	zone_image *img = NULL;
	kd_result ret = registry_load(reg, zone, &ds, err);

	if (ret != KD_OK) {
		return ret;
	}
	ret = zone_image_build(&ds.zones[0], ds.hosts, ds.host_count,
		ds.addresses, ds.address_count, &ds.settings, now, &img, err);
	if (ret == KD_OK) {
		ret = zone_image_format_master(img, out, err);
	}
	zone_image_free(img);
	registry_dataset_free(&ds);
	return ret;
}

static kd_result
export_zone(const cli *c, registry *reg, void *zone, kd_err *err)
{
	return registry_cli_export(reg, zone, c->now, c->out, err);
}

static int
run_export(cli *c, const cli_command *cmd, void *args, char **pos,
	int count)
{
	char zone[DNAME_BUF_SIZE];

	(void)cmd;
	(void)args;
	(void)count;
	return zone_session(c, pos[0], true, export_zone, zone);
}

/* ---- the command table ----------------------------------------------- */

static const struct option options_none[] = { OPTIONS_COMMON };
static const struct option options_list[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	OPTIONS_COMMON,
};
static const struct option options_zone_add[] = {
	{ "ns", required_argument, NULL, OPT_NS },
	{ "soa-mname", required_argument, NULL, OPT_SOA_MNAME },
	{ "soa-rname", required_argument, NULL, OPT_SOA_RNAME },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "allow-transfer", required_argument, NULL, OPT_ALLOW_TRANSFER },
	{ "notify", required_argument, NULL, OPT_NOTIFY },
	OPTIONS_COMMON,
};
static const struct option options_host_add[] = {
	{ "port", required_argument, NULL, OPT_PORT },
	{ "priority", required_argument, NULL, OPT_PRIORITY },
	{ "weight", required_argument, NULL, OPT_WEIGHT },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "address", required_argument, NULL, OPT_ADDRESS },
	{ "site", required_argument, NULL, OPT_SITE },
	OPTIONS_COMMON,
};
static const struct option options_grant[] = {
	{ "zone", required_argument, NULL, OPT_ZONE },
	OPTIONS_COMMON,
};
static const struct option options_scavenge[] = {
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "json", no_argument, NULL, OPT_JSON },
	OPTIONS_COMMON,
};

static const cli_command cli_commands[] = {
	{
		.group = "init",
		.synopsis = "",
		.positional = "",
		.summary = "Create a new, empty registry at FILE (WAL mode, "
			"default settings).",
		.details = "",
		.options = options_none, .min_args = 0, .max_args = 0,
		.run = run_init, .on_option = no_options,
	},
	{
		.group = "zone", .action = "add",
		.synopsis = "ZONE --ns NAME[=ADDR[,ADDR...]]...\n"
			"    [--soa-mname NAME] [--soa-rname MAILBOX] "
			"[--ttl SECONDS]\n"
			"    [--allow-transfer ADDR[/LEN]]... "
			"[--notify ADDR[#PORT]]...",
		.positional = "ZONE",
		.summary = "Add ZONE, served by the DLZ module.",
		.details =
			"  --ns NAME[=ADDR,...]    a name server (at least one); "
			"ADDR gives a name\n"
			"                          server inside ZONE its A/AAAA "
			"records\n"
			"  --soa-mname NAME        SOA primary name server "
			"(default: the first --ns)\n"
			"  --soa-rname MAILBOX     SOA contact, hostmaster@ZONE "
			"or hostmaster.ZONE\n"
			"                          (default: hostmaster.ZONE)\n"
			"  --ttl SECONDS           TTL of SOA and NS, default TTL "
			"of hosts, SOA minimum\n"
			"                          (default 3600)\n"
			"  --allow-transfer ADDR[/LEN]  who may transfer the zone "
			"(AXFR/IXFR)\n"
			"  --notify ADDR[#PORT]    where to send NOTIFY after "
			"changes (port 53)\n"
			"\nSOA timers: refresh 3600, retry 600, expire 1209600 "
			"(14d), minimum = TTL.\n"
			"The serial starts at the current UNIX time and grows by "
			"one with every\n"
			"command that changes what the zone serves.\n",
		.options = options_zone_add, .min_args = 1, .max_args = 1,
		.run = run_zone_add, .on_option = zone_add_option,
		.args_size = sizeof(zone_add_args),
		.init_args = zone_add_init, .free_args = zone_add_free,
	},
	{
		.group = "zone", .action = "remove",
		.synopsis = "ZONE",
		.positional = "ZONE",
		.summary = "Remove ZONE and everything registered in it.",
		.details = "",
		.options = options_none, .min_args = 1, .max_args = 1,
		.run = run_zone_remove, .on_option = no_options,
	},
	{
		.group = "zone", .action = "list",
		.synopsis = "[--json]",
		.positional = "",
		.summary = "List the zones: serial, TTL, SRV registrations, "
			"name servers, transfer\nand notify lists.",
		.details =
			"JSON: [{\"zone\", \"serial\", \"ttl\", \"soa\": "
			"{\"mname\", \"rname\", \"refresh\",\n"
			"  \"retry\", \"expire\", \"minimum\"}, \"ns\": "
			"[{\"name\", \"addresses\": []}],\n"
			"  \"allow_transfer\": [], \"notify\": [], "
			"\"hosts\"}]\n",
		.options = options_list, .min_args = 0, .max_args = 0,
		.run = run_list, .on_option = list_option,
		.list_json = zone_list_json, .list_text = zone_list_text,
		.args_size = sizeof(list_args),
	},
	{
		.group = "host", .action = "add",
		.synopsis = "ZONE TARGET [--port PORT] [--priority N]\n"
			"    [--weight N] [--ttl SECONDS] [--address IP]... "
			"[--site NAME]",
		.positional = "ZONE TARGET",
		.summary = "Register the KMS host TARGET (its fully qualified "
			"name) in ZONE as a\nstatic _vlmcs._tcp SRV record, "
			"replacing other registrations of TARGET\nwith the "
			"same port.",
		.details =
			"  --port PORT        KMS port (default 1688)\n"
			"  --priority N       SRV priority, 0-65535 (default 0)\n"
			"  --weight N         SRV weight, 0-65535 (default 0)\n"
			"  --ttl SECONDS      TTL (default: the zone's TTL)\n"
			"  --address IP       an A/AAAA record of TARGET, which "
			"must then be inside\n"
			"                     ZONE; given addresses replace the "
			"ones TARGET had\n"
			"  --site NAME        the site of the host (see site "
			"add)\n"
			"\nStatic registrations never go stale.\n",
		.options = options_host_add, .min_args = 2, .max_args = 2,
		.run = run_host_add, .on_option = host_add_option,
		.args_size = sizeof(host_add_args),
		.init_args = host_add_init, .free_args = host_add_free,
	},
	{
		.group = "host", .action = "remove",
		.synopsis = "ZONE TARGET",
		.positional = "ZONE TARGET",
		.summary = "Remove every SRV registration and address of "
			"TARGET in ZONE.",
		.details = "",
		.options = options_none, .min_args = 2, .max_args = 2,
		.run = run_host_remove, .on_option = no_options,
	},
	{
		.group = "host", .action = "list",
		.synopsis = "[ZONE] [--json]",
		.positional = "ZONE",
		.summary = "List the SRV registrations (of ZONE, or of all "
			"zones) with their state\nnow.",
		.details =
			"Columns: zone, target, priority, weight, port, ttl, "
			"site, origin (static or\n"
			"update), signer, created, refreshed (ISO 8601 UTC), "
			"state (active, stale,\n"
			"expired).\n"
			"JSON: [{\"zone\", \"target\", \"priority\", "
			"\"weight\", \"port\", \"ttl\", \"site\",\n"
			"  \"origin\", \"signer\", \"created\", "
			"\"refreshed\", \"state\"}]\n",
		.options = options_list, .min_args = 0, .max_args = 1,
		.run = run_list, .on_option = list_option,
		.list_json = host_list_json, .list_text = host_list_text,
		.args_size = sizeof(list_args),
	},
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
	{
		.group = "site", .action = "add",
		.synopsis = "NAME ADDR/PREFIX...",
		.positional = "NAME ADDR/PREFIX",
		.summary = "Add prefixes to site NAME (creating it). Clients "
			"in a site get the hosts\nof their site first.",
		.details = "",
		.options = options_none, .min_args = 2, .max_args = -1,
		.run = run_site_add, .on_option = no_options,
	},
	{
		.group = "site", .action = "remove",
		.synopsis = "NAME",
		.positional = "NAME",
		.summary = "Remove site NAME; its hosts keep no site.",
		.details = "",
		.options = options_none, .min_args = 1, .max_args = 1,
		.run = run_site_remove, .on_option = no_options,
	},
	{
		.group = "site", .action = "list",
		.synopsis = "[--json]",
		.positional = "",
		.summary = "List the sites, their prefixes and how many hosts "
			"are in them.",
		.details = "JSON: [{\"site\", \"prefixes\": [], "
			"\"hosts\"}]\n",
		.options = options_list, .min_args = 0, .max_args = 0,
		.run = run_list, .on_option = list_option,
		.list_json = site_list_json, .list_text = site_list_text,
		.args_size = sizeof(list_args),
	},
	{
		.group = "config", .action = "get",
		.synopsis = "[--json]",
		.positional = "",
		.summary = "Show the freshness settings.",
		.details = "JSON: {\"stale_after\", \"scavenge_after\"} in "
			"seconds\n",
		.options = options_list, .min_args = 0, .max_args = 0,
		.run = run_config_get, .on_option = list_option,
		.args_size = sizeof(list_args),
	},
	{
		.group = "config", .action = "set",
		.synopsis = "stale-after|scavenge-after DURATION",
		.positional = "SETTING DURATION",
		.summary = "Change a freshness setting. DURATION is seconds, "
			"or a number with s, m,\nh, d or w: 72h, 14d.",
		.details =
			"stale-after (default 3d): a dynamic registration not "
			"refreshed for this long\n"
			"is no longer served. scavenge-after (default 14d, not "
			"shorter than\n"
			"stale-after): it is deleted by the next scavenge.\n",
		.options = options_none, .min_args = 2, .max_args = 2,
		.run = run_config_set, .on_option = no_options,
	},
	{
		.group = "scavenge",
		.synopsis = "[--dry-run] [--json]",
		.positional = "",
		.summary = "Mark dynamic registrations stale and delete "
			"expired ones now; bump the\nserials of the zones "
			"that change.",
		.details =
			"  --dry-run   only show what would change\n"
			"JSON: {\"now\", \"dry_run\", \"changed_zones\", "
			"\"registrations\": [{\"zone\",\n"
			"  \"owner\", \"type\", \"ttl\", \"data\", "
			"\"signer\", \"refreshed\", \"state\",\n"
			"  \"deleted\"}]}\n",
		.options = options_scavenge, .min_args = 0, .max_args = 0,
		.run = run_scavenge, .on_option = scavenge_option,
		.args_size = sizeof(scavenge_args),
	},
	{
		.group = "export",
		.synopsis = "ZONE",
		.positional = "ZONE",
		.summary = "Print ZONE as a master file, as the DLZ module "
			"serves it now.",
		.details = "",
		.options = options_none, .min_args = 1, .max_args = 1,
		.run = run_export, .on_option = no_options,
	},
};

#define CLI_COMMAND_COUNT (sizeof(cli_commands) / sizeof(cli_commands[0]))

static void
print_help(FILE *out)
{
	(void)fprintf(out,
		"Usage: %s [--db FILE] COMMAND [ARGUMENTS] [OPTIONS]\n"
		"\n"
		"Manage the registry of the kmsdns DLZ module: the zones it "
		"serves, the\n"
		"_vlmcs._tcp SRV registrations of KMS hosts, who may update "
		"them, sites,\n"
		"and how long dynamic registrations stay fresh.\n"
		"\n"
		"Commands:\n", PROGRAM);
	for (size_t i = 0; i < CLI_COMMAND_COUNT; i++) {
		const cli_command *cmd = &cli_commands[i];
		char name[64];
		(void)fprintf(out, "  %s%s%s\n",
			command_name(cmd, name, sizeof(name)),
			cmd->synopsis[0] != '\0' ? " " : "", cmd->synopsis);
	}
	(void)fprintf(out,
		"\n"
		"Options:\n"
		"  --db FILE      the registry (default: $KMSDNS_REGISTRY); "
		"also accepted\n"
		"                 after the command\n"
		"  -h, --help     this help; COMMAND --help explains a "
		"command\n"
		"  -V, --version  the version\n"
		"\n"
		"New zones get SOA refresh 3600, retry 600, expire 1209600 and "
		"minimum =\n"
		"TTL (default 3600). Static hosts never age; dynamic ones are "
		"stale after\n"
		"stale-after (default 3d) and deleted after scavenge-after "
		"(default 14d).\n"
		"\n"
		"Exit status: 0 success, 1 the operation failed, 2 usage "
		"error.\n"
		"Environment: KMSDNS_REGISTRY (default for --db), KMSDNS_NOW "
		"(UNIX time used\n"
		"instead of the clock; for testing only).\n"
		"See kmsdns-registry(8).\n");
}

/* The commands of GROUP as "add, remove or list". */
static void
group_actions(const char *group, char *out, size_t len)
{
	size_t count = 0;
	size_t total = 0;

	for (size_t i = 0; i < CLI_COMMAND_COUNT; i++) {
		total += strcmp(cli_commands[i].group, group) == 0;
	}
	out[0] = '\0';
	for (size_t i = 0; i < CLI_COMMAND_COUNT; i++) {
		if (strcmp(cli_commands[i].group, group) != 0) {
			continue;
		}
		count++;
		const size_t used = strlen(out);
		(void)snprintf(out + used, len - used, "%s%s",
			count == 1 ? "" : count == total ? " or " : ", ",
			cli_commands[i].action);
	}
}

static bool
is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

/* Find the command named by ARGV (group, then action when it has one). */
static int
find_command(const cli *c, int argc, char **argv, const cli_command **out,
	int *words)
{
	const char *group = argv[0];
	bool known_group = false;

	for (size_t i = 0; i < CLI_COMMAND_COUNT; i++) {
		const cli_command *cmd = &cli_commands[i];
		if (strcmp(cmd->group, group) != 0) {
			continue;
		}
		known_group = true;
		if (cmd->action == NULL) {
			*out = cmd;
			*words = 1;
			return -1;
		}
		if (argc > 1 && strcmp(cmd->action, argv[1]) == 0) {
			*out = cmd;
			*words = 2;
			return -1;
		}
	}
	if (!known_group) {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"unknown command \"%s\" (see %s --help)", group,
			PROGRAM);
	}

	char actions[128];
	group_actions(group, actions, sizeof(actions));
	if (argc > 1 && is_help(argv[1])) {
		for (size_t i = 0; i < CLI_COMMAND_COUNT; i++) {
			if (strcmp(cli_commands[i].group, group) == 0) {
				print_command_help(&cli_commands[i], c->out);
				(void)fputc('\n', c->out);
			}
		}
		return REGISTRY_CLI_EXIT_OK;
	}
	if (argc < 2) {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"%s: missing action (use %s)", group, actions);
	}
	return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
		"%s: unknown action \"%s\" (use %s)", group, argv[1], actions);
}

static int
run_command(cli *c, int argc, char **argv)
{
	const cli_command *cmd = NULL;
	int words = 0;
	char **pos = NULL;
	int count = 0;

	int code = find_command(c, argc, argv, &cmd, &words);
	if (code >= 0) {
		return code;
	}
	void *args = NULL;
	if (cmd->args_size > 0) {
		args = calloc(1, cmd->args_size);
		if (args == NULL) {
			return cli_no_memory(c);
		}
	}
	if (cmd->init_args != NULL) {
		cmd->init_args(args);
	}
	/* getopt sees the last command word as its argv[0]. */
	code = parse_command_options(c, cmd, argc - words + 1,
		argv + words - 1, args, &pos, &count);
	if (code < 0) {
		code = cmd->run(c, cmd, args, pos, count);
		code = code < 0 ? REGISTRY_CLI_EXIT_OK : code;
	}
	if (cmd->free_args != NULL) {
		cmd->free_args(args);
	}
	free(args);
	return code;
}

/* KMSDNS_NOW, or the clock. */
static int
read_clock(cli *c)
{
	const char *text = getenv("KMSDNS_NOW");

	if (text == NULL || text[0] == '\0') {
		c->now = (int64_t)time(NULL);
		return -1;
	}
	char *end = NULL;
	errno = 0;
	const long long value = strtoll(text, &end, 10);
	if (errno != 0 || *end != '\0' || (text[0] < '0' || text[0] > '9')) {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"KMSDNS_NOW: \"%s\" is not a number of seconds", text);
	}
	c->now = (int64_t)value;
	return -1;
}

int
registry_cli_main(int argc, char **argv, FILE *out, FILE *err)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "db", required_argument, NULL, OPT_DB },
		{ NULL, 0, NULL, 0 },
	};
	cli c = { .out = out, .err = err, .db = getenv("KMSDNS_REGISTRY") };
	int id;
	int code = -1;

	optind = 0;
	opterr = 0;
	while (code < 0 &&
		(id = getopt_long(argc, argv, "+:hV", options, NULL)) != -1) {
		switch (id) {
		case 'h':
			print_help(out);
			code = REGISTRY_CLI_EXIT_OK;
			break;
		case 'V':
			(void)fprintf(out, "%s (%s) %s\n", PROGRAM,
				PACKAGE_NAME, PACKAGE_VERSION);
			code = REGISTRY_CLI_EXIT_OK;
			break;
		case OPT_DB:
			c.db = optarg;
			break;
		case ':':
			code = cli_message(&c, REGISTRY_CLI_EXIT_USAGE,
				"--db needs a value");
			break;
		default:
			code = optopt != 0 && optopt < 256 ?
				cli_message(&c, REGISTRY_CLI_EXIT_USAGE,
					"unknown option -%c (see %s --help)",
					(char)optopt, PROGRAM) :
				cli_message(&c, REGISTRY_CLI_EXIT_USAGE,
					"unknown option %s (see %s --help)",
					argv[optind - 1], PROGRAM);
		}
	}
	if (code < 0 && optind >= argc) {
		code = cli_message(&c, REGISTRY_CLI_EXIT_USAGE,
			"no command given (see %s --help)", PROGRAM);
	}
	if (code < 0) {
		code = read_clock(&c);
	}
	if (code < 0) {
		code = run_command(&c, argc - optind, argv + optind);
	}
	if (fflush(out) != 0 || ferror(out)) {
		code = cli_message(&c, REGISTRY_CLI_EXIT_FAILED,
			"writing the output failed");
	}
	return code;
}
