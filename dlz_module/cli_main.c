/*
 * cli_main.c -- kmsdns-registry: finding the command, its options, help.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli_conv.h"

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
	if (cmd->details != NULL) {
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

bool
cli_option_repeats(int id)
{
	return id == OPT_NS || id == OPT_ALLOW_TRANSFER || id == OPT_NOTIFY ||
		id == OPT_ADDRESS;
}

/* A usage error of the command NAME: one line pointing to its --help. */
#define USAGE_ERROR(c, name, fmt, ...) \
	cli_command_usage_error((c)->err, PROGRAM, (name), fmt, __VA_ARGS__)

/*
 * Parse the options of CMD from ARGV (ARGV[0] is the last command word).
 * Returns -1 to go on with the positional arguments in *POS / *COUNT, or
 * an exit code (0 after --help). SEEN marks the single-value options
 * given so far (by the options before the command too).
 */
static int
parse_command_options(cli *c, const cli_command *cmd, int argc, char **argv,
	void *args, bool *seen, char ***pos, int *count)
{
	char name[64];
	char option[80];
	char shown[CLI_QUOTE_MAX];
	int id;

	command_name(cmd, name, sizeof(name));
	optind = 0; /* GNU: start over, including argument permutation */
	opterr = 0;
	while ((id = getopt_long(argc, argv, ":h", cmd->options, NULL)) !=
		-1) {
		if (id == '?') {
			if (optopt >= 256) {
				return USAGE_ERROR(c, name, "--%s takes no value",
					option_name(cmd->options, optopt));
			}
			if (optopt != 0) {
				return USAGE_ERROR(c, name, "unknown option %s",
					cli_short_option(optopt, shown,
					sizeof(shown)));
			}
			return USAGE_ERROR(c, name, "unknown option %s",
				cli_quote_str(argv[optind - 1], shown,
				sizeof(shown)));
		}
		if (id == ':') {
			return USAGE_ERROR(c, name, "--%s needs a value",
				option_name(cmd->options, optopt));
		}
		if (id == OPT_HELP) {
			print_command_help(cmd, c->out);
			return REGISTRY_CLI_EXIT_OK;
		}
		if (id >= 256 && id < OPT_LAST && !cli_option_repeats(id)) {
			if (seen[id - 256]) {
				return USAGE_ERROR(c, name,
					"--%s is given more than once",
					option_name(cmd->options, id));
			}
			seen[id - 256] = true;
		}
		if (id == OPT_DB) {
			c->db = optarg;
			c->db_named = true;
			continue;
		}
		if (id == OPT_JSON || id == OPT_DRY_RUN) {
			c->json = c->json || id == OPT_JSON;
			c->dry_run = c->dry_run || id == OPT_DRY_RUN;
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
		return USAGE_ERROR(c, name, "missing %.*s", (int)len, missing);
	}
	if (cmd->max_args >= 0 && *count > cmd->max_args) {
		return USAGE_ERROR(c, name, "unexpected argument %s",
			cli_quote_str((*pos)[cmd->max_args], shown,
			sizeof(shown)));
	}
	return -1;
}

int
no_options(const cli *c, void *args, int id, const char *option,
	const char *value)
{
	(void)args;
	(void)id;
	(void)value;
	return cli_message(c, REGISTRY_CLI_EXIT_USAGE, "%s is not expected",
		option);
}

int
text_option(const cli *c, void *args, int id, const char *option,
	const char *value)
{
	const cli_text_option *text = c->cmd->texts;
	const cli_number_option *number = c->cmd->numbers;

	for (; text != NULL && text->name != NULL; text++) {
		if (text->id == id) {
			*(const char **)(void *)((char *)args + text->offset) =
				value;
			return -1;
		}
	}
	for (; number != NULL && number->name != NULL; number++) {
		if (number->id != id) {
			continue;
		}
		if (number->given != CLI_NOT_NOTED) {
			*(bool *)(void *)((char *)args + number->given) = true;
		}
		return parse_number(c, option, value, number->min,
			number->max,
			(uint32_t *)(void *)((char *)args + number->offset));
	}
	return no_options(c, args, id, option, value);
}

/* The options of a command with none but the common ones. */
static const struct option options_none[] = { OPTIONS_COMMON };

/* ---- the command tables ---------------------------------------------- */

/* The tables of the command files, in the order --help lists them. */
static const cli_command *const cli_tables[] = {
	cli_init_commands,
	cli_zone_commands,
	cli_catalog_commands,
	cli_host_commands,
	cli_grant_commands,
	cli_site_commands,
	cli_config_commands,
	cli_scavenge_commands,
	cli_export_commands,
	cli_verify_commands,
	cli_log_commands,
};

#define CLI_TABLE_COUNT (sizeof(cli_tables) / sizeof(cli_tables[0]))

/* Command number INDEX of all tables in order, or NULL past the last. */
static const cli_command *
command_at(size_t index)
{
	for (size_t t = 0; t < CLI_TABLE_COUNT; t++) {
		for (const cli_command *cmd = cli_tables[t]; cmd->group != NULL;
			cmd++) {
			if (index-- == 0) {
				return cmd;
			}
		}
	}
	return NULL;
}

static void
print_help(FILE *out)
{
	(void)fprintf(out,
		"Usage: %s [--db FILE] [--json] [--dry-run] COMMAND [ARGUMENTS] "
		"[OPTIONS]\n"
		"\n"
		"Manage the registry of the kmsdns DLZ module: the zones it "
		"serves, the\n"
		"_vlmcs._tcp SRV registrations of KMS hosts, who may update "
		"them, sites,\n"
		"and how long dynamic registrations stay fresh.\n"
		"\n"
		"Commands:\n", PROGRAM);
	const cli_command *cmd;
	for (size_t i = 0; (cmd = command_at(i)) != NULL; i++) {
		char name[64];
		(void)fprintf(out, "  %s%s%s\n",
			command_name(cmd, name, sizeof(name)),
			cmd->synopsis[0] != '\0' ? " " : "", cmd->synopsis);
	}
	(void)fprintf(out,
		"\n"
		"Options:\n"
		"  --db FILE      the registry (default: $KMSDNS_REGISTRY, "
		"else\n"
		"                 %s)\n"
		"  --json         JSON output; changing commands print "
		"{\"changed\": ...}\n"
		"  --dry-run      changing commands say what they would "
		"change (\"changed\")\n"
		"                 and change nothing\n"
		"  (--db, --json and --dry-run are also accepted among a "
		"command's options)\n"
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
		"Changing commands are idempotent: asking for what is "
		"already so changes\n"
		"nothing and succeeds. Changes are recorded in the audit log "
		"(see log).\n"
		"\n"
		"Exit status:\n"
		"  0   done, or already so\n"
		"  1   the operation failed (registry error, not found, "
		"conflict; verify: errors found)\n"
		"  2   verify: nothing could be checked (named.conf "
		"unreadable or rejected)\n"
		"  64  usage error: unknown command or option, missing or "
		"repeated\n"
		"      option or argument, bad value\n"
		"Environment: KMSDNS_REGISTRY (default for --db), SUDO_USER "
		"(the user the\n"
		"audit log names), KMSDNS_NOW (UNIX time used instead of the "
		"clock; for\n"
		"testing only).\n"
		"See kmsdns-registry(8).\n", KD_DEFAULT_REGISTRY);
}

/* The commands of GROUP as "add, remove or list". */
static void
group_actions(const char *group, char *out, size_t len)
{
	const cli_command *cmd;
	size_t count = 0;
	size_t total = 0;

	for (size_t i = 0; (cmd = command_at(i)) != NULL; i++) {
		total += strcmp(cmd->group, group) == 0;
	}
	out[0] = '\0';
	for (size_t i = 0; (cmd = command_at(i)) != NULL; i++) {
		if (strcmp(cmd->group, group) != 0) {
			continue;
		}
		count++;
		const size_t used = strlen(out);
		(void)snprintf(out + used, len - used, "%s%s",
			count == 1 ? "" : count == total ? " or " : ", ",
			cmd->action);
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
	const cli_command *cmd;
	bool known_group = false;

	for (size_t i = 0; (cmd = command_at(i)) != NULL; i++) {
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
		char shown[CLI_QUOTE_MAX];
		return cli_usage_error(c->err, PROGRAM, "unknown command %s",
			cli_quote_str(group, shown, sizeof(shown)));
	}

	char actions[128];
	group_actions(group, actions, sizeof(actions));
	if (argc > 1 && is_help(argv[1])) {
		for (size_t i = 0; (cmd = command_at(i)) != NULL; i++) {
			if (strcmp(cmd->group, group) == 0) {
				print_command_help(cmd, c->out);
				(void)fputc('\n', c->out);
			}
		}
		return REGISTRY_CLI_EXIT_OK;
	}
	if (argc < 2) {
		return cli_command_usage_error(c->err, PROGRAM, group,
			"missing action; use %s", actions);
	}
	char shown[CLI_QUOTE_MAX];
	return cli_command_usage_error(c->err, PROGRAM, group,
		"unknown action %s; use %s", cli_quote_str(argv[1], shown,
		sizeof(shown)), actions);
}

/* The most options a command takes, its texts and numbers included. */
#define CLI_OPTIONS_MAX 32

/*
 * Put OPTION at *N of OPTIONS (CLI_OPTIONS_MAX), leaving room for the
 * terminating entry. The tables are static: a command with more options
 * than that is a bug, stopped before it writes past the array.
 */
static void
option_put(struct option *options, size_t *n, struct option option)
{
	if (*n + 1 >= CLI_OPTIONS_MAX) {
		abort();
	}
	options[(*n)++] = option;
}

/*
 * FOUND as it runs: what its table entry leaves out filled in, and its
 * options into OPTIONS (CLI_OPTIONS_MAX): its texts and numbers, then its
 * table's.
 */
static cli_command
command_filled(const cli_command *found, struct option *options)
{
	cli_command cmd = *found;
	const struct option *listed = cmd.options != NULL ? cmd.options :
		options_none;
	size_t n = 0;

	for (const cli_text_option *text = cmd.texts;
		text != NULL && text->name != NULL; text++) {
		option_put(options, &n, (struct option){ text->name,
			required_argument, NULL, text->id });
	}
	for (const cli_number_option *number = cmd.numbers;
		number != NULL && number->name != NULL; number++) {
		option_put(options, &n, (struct option){ number->name,
			required_argument, NULL, number->id });
	}
	for (; listed->name != NULL; listed++) {
		option_put(options, &n, *listed);
	}
	options[n] = *listed;
	cmd.options = options;
	if (cmd.on_option == NULL) {
		cmd.on_option = text_option;
	}
	return cmd;
}

static int
run_command(cli *c, int argc, char **argv, bool *seen)
{
	const cli_command *found = NULL;
	cli_change change;
	int words = 0;
	char **pos = NULL;
	int count = 0;

	int code = find_command(c, argc, argv, &found, &words);
	if (code >= 0) {
		return code;
	}
	struct option options[CLI_OPTIONS_MAX];
	const cli_command filled = command_filled(found, options);
	const cli_command *cmd = &filled;
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
	memset(&change, 0, sizeof(change));
	(void)command_name(cmd, change.command, sizeof(change.command));
	c->change = &change;
	c->cmd = cmd;
	c->args = args;
	/* getopt sees the last command word as its argv[0]. */
	code = parse_command_options(c, cmd, argc - words + 1,
		argv + words - 1, args, seen, &pos, &count);
	if (code < 0) {
		c->pos = pos;
		c->pos_count = count;
		code = cmd->run(c);
		code = code < 0 ? REGISTRY_CLI_EXIT_OK : code;
	}
	cli_change_free(&change);
	c->change = NULL;
	c->cmd = NULL;
	c->args = NULL;
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
	const registry_cli_io io = { .out = out, .err = err };

	return registry_cli_run(argc, argv, &io);
}

int
registry_cli_run(int argc, char **argv, const registry_cli_io *io)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "db", required_argument, NULL, OPT_DB },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ NULL, 0, NULL, 0 },
	};
	FILE *const out = io->out;
	FILE *const err = io->err;
	cli c = { .out = out, .err = err, .db = getenv("KMSDNS_REGISTRY"),
		.log = io->log != NULL ? io->log : cli_syslog_line,
		.log_ctx = io->log_ctx };
	bool seen[OPT_LAST - 256] = { false };
	char shown[CLI_QUOTE_MAX];
	int id;
	int code = -1;

	c.db_named = c.db != NULL && c.db[0] != '\0';
	if (!c.db_named) {
		c.db = KD_DEFAULT_REGISTRY;
	}
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
			cli_version(out, PROGRAM);
			code = REGISTRY_CLI_EXIT_OK;
			break;
		case OPT_DB:
		case OPT_JSON:
		case OPT_DRY_RUN:
			if (seen[id - 256]) {
				code = cli_usage_error(err, PROGRAM,
					"--%s is given more than once",
					option_name(options, id));
			}
			seen[id - 256] = true;
			c.db = id == OPT_DB ? optarg : c.db;
			c.db_named = c.db_named || id == OPT_DB;
			c.json = c.json || id == OPT_JSON;
			c.dry_run = c.dry_run || id == OPT_DRY_RUN;
			break;
		case ':':
			code = cli_usage_error(err, PROGRAM,
				"--db needs a value");
			break;
		default:
			code = optopt != 0 && optopt < 256 ?
				cli_usage_error(err, PROGRAM,
					"unknown option %s", cli_short_option(
					optopt, shown, sizeof(shown))) :
				cli_usage_error(err, PROGRAM,
					"unknown option %s", cli_quote_str(
					argv[optind - 1], shown,
					sizeof(shown)));
		}
	}
	if (code < 0 && optind >= argc) {
		code = cli_usage_error(err, PROGRAM, "no command given");
	}
	if (code < 0) {
		code = read_clock(&c);
	}
	if (code < 0) {
		code = run_command(&c, argc - optind, argv + optind, seen);
	}
	if (fflush(out) != 0 || ferror(out)) {
		code = cli_message(&c, REGISTRY_CLI_EXIT_FAILED,
			"writing the output failed");
	}
	return code;
}
