/*
 * cli.h -- what the command files of kmsdns-registry share.
 *
 * registry_cli_main() (cli_main.c) finds the command, parses its options
 * with getopt_long() (options may come anywhere after the command words)
 * and runs it. Every command checks every value before it opens the
 * registry, runs in one registry transaction (cli_session()), and prints
 * either a table or JSON (--json, anywhere among the options). Errors are
 * one line on the error stream.
 *
 * Every changing command is desired-state: it finds out whether the
 * registry is already as asked, changes only what differs and says so
 * (cli_change; JSON "changed"). A change is recorded in the audit table in
 * the command's transaction, then sent to syslog.
 *
 * Each cli_GROUP.c holds the commands of one group and their table
 * entries. Functions that print an error return its exit code; -1 means
 * "fine, go on".
 */
#ifndef KMSDNS_CLI_H
#define KMSDNS_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dname.h"
#include "json_out.h"
#include "kd_result.h"
#include "registry.h"
#include "registry_cli.h"
#include "str_list.h"

#define PROGRAM "kmsdns-registry"
#define CLI_TTL_MAX 2147483647
#define CLI_TIME_MAX 32

/*
 * What a changing command did, filled in by its body: whether it changed
 * anything, and for the audit log the zone, the object it acted on (a
 * target, an identity, a site, a setting) and the values before and after
 * (allocated; NULL when none).
 */
typedef struct cli_change {
	bool changed;
	char command[32];                 /* "zone add", set by cli_main.c */
	char zone[DNAME_BUF_SIZE];
	char object[REGISTRY_IDENTITY_MAX];
	char *old_value;
	char *new_value;
} cli_change;

typedef struct cli_command cli_command;
typedef struct cli_rows cli_rows;

typedef struct cli {
	FILE *out;
	FILE *err;
	const char *db;   /* registry path: --db, KMSDNS_REGISTRY or default */
	bool db_named;    /* --db or KMSDNS_REGISTRY gave it, not the default */
	int64_t now;      /* time(), or KMSDNS_NOW */
	bool json;        /* --json */
	bool dry_run;     /* --dry-run: say what would change, change nothing */
	cli_change *change; /* the command's, filled in by its body */
	/* The command being run: cli_main.c sets cmd and args before its
	 * options are parsed, pos once they are. */
	const cli_command *cmd;
	void *args;       /* its options as parsed: cmd->args_size bytes */
	char **pos;       /* its positional arguments */
	int pos_count;
	registry_cli_log_fn log; /* where changes go: syslog by default */
	void *log_ctx;
} cli;

/* ---- commands and their options (cli_main.c) ------------------------- */

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
	OPT_NO_CATALOG,
	OPT_CATALOG,
	OPT_SINCE,
	OPT_SOA_REFRESH,
	OPT_SOA_RETRY,
	OPT_SOA_EXPIRE,
	OPT_SOA_MINIMUM,
	OPT_NO_ALLOW_TRANSFER,
	OPT_NO_NOTIFY,
	OPT_LAST      /* not an option: the end of the list */
};

/* Every command takes these; parse_command_options() handles them. */
#define OPTIONS_COMMON \
	{ "help", no_argument, NULL, OPT_HELP }, \
	{ "db", required_argument, NULL, OPT_DB }, \
	{ "json", no_argument, NULL, OPT_JSON }, \
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN }, \
	{ NULL, 0, NULL, 0 }

/*
 * Called for each option other than --help, --db, --json and --dry-run;
 * -1 means go on. A single-value option given twice is refused before
 * this is called (options that may repeat: cli_option_repeats()).
 */
typedef int (*option_fn)(const cli *c, void *args, int id,
	const char *option, const char *value);

/*
 * An option --NAME VALUE whose value a command keeps as given: where the
 * text goes in the command's argument struct (a const char *). A
 * command's list is CLI_TEXTS(CLI_TEXT(...), ...); its options need not
 * list them again.
 */
typedef struct cli_text_option {
	const char *name;
	int id;
	size_t offset;
} cli_text_option;

#define CLI_TEXT(name, id, type, field) \
	{ (name), (id), offsetof(type, field) }
#define CLI_TEXTS(...) \
	((const cli_text_option[]){ __VA_ARGS__, { NULL, 0, 0 } })

/*
 * An option --NAME N whose decimal value in MIN..MAX a command keeps in a
 * uint32_t of its argument struct, and notes as given in a bool there
 * when it needs to know. A command's list is CLI_NUMBERS(CLI_NUMBER(...),
 * ...); its options need not list them again.
 */
typedef struct cli_number_option {
	const char *name;
	int id;
	size_t offset;      /* the uint32_t */
	size_t given;       /* the bool, or CLI_NOT_NOTED */
	uint32_t min, max;
} cli_number_option;

#define CLI_NOT_NOTED SIZE_MAX
#define CLI_NUMBER(name, id, type, field, min, max) \
	{ (name), (id), offsetof(type, field), CLI_NOT_NOTED, (min), (max) }
#define CLI_NUMBER_NOTED(name, id, type, field, given, min, max) \
	{ (name), (id), offsetof(type, field), offsetof(type, given), \
		(min), (max) }
#define CLI_NUMBERS(...) \
	((const cli_number_option[]){ __VA_ARGS__, { NULL, 0, 0, 0, 0, 0 } })

/*
 * A command in its group's table. An entry leaves out what the command
 * does not have: options (NULL: only the common ones), their handler
 * (NULL: text_option()), details, positional arguments (when min_args is
 * 0), an argument struct.
 */
struct cli_command {
	const char *group;      /* first word: "zone" */
	const char *action;     /* second word: "add", or NULL */
	const char *synopsis;   /* the arguments after the words */
	const char *positional; /* names of the positional arguments */
	const char *summary;    /* one line for --help */
	const char *details;    /* options and notes for COMMAND --help */
	const struct option *options;
	const cli_text_option *texts;  /* options kept as given, or NULL */
	const cli_number_option *numbers;  /* numeric options, or NULL */
	int min_args, max_args; /* positional arguments (-1: no limit) */
	/* The command (C's cmd, args and pos are its): an exit code, or -1
	 * for success. */
	int (*run)(cli *c);
	option_fn on_option;
	size_t args_size;       /* the command's argument struct */
	void (*init_args)(void *args);  /* defaults, or NULL */
	void (*free_args)(void *args);
	/* run_list(): print the loaded registry as JSON, or as a table; or
	 * its records of list_rows (cli_rows_print()). */
	void (*list_json)(const cli *c, const registry_dataset *ds);
	int (*list_text)(const cli *c, const registry_dataset *ds);
	cli_rows (*list_rows)(const registry_dataset *ds);
};

/* Ends every command table. */
#define CLI_COMMANDS_END { .group = NULL }

/* The entry of a listing command (run_list()) printing with JSON or TEXT. */
#define CLI_LIST(json, text) \
	.run = run_list, .list_json = (json), .list_text = (text), \
	.args_size = sizeof(list_args)

/* The entry of a listing command (run_list()) printing the records ROWS. */
#define CLI_LIST_ROWS(rows) \
	.run = run_list, .list_rows = (rows), .args_size = sizeof(list_args)

/* The command tables of the groups, in the order --help lists them. */
extern const cli_command cli_init_commands[];
extern const cli_command cli_zone_commands[];
extern const cli_command cli_catalog_commands[];
extern const cli_command cli_host_commands[];
extern const cli_command cli_grant_commands[];
extern const cli_command cli_site_commands[];
extern const cli_command cli_config_commands[];
extern const cli_command cli_scavenge_commands[];
extern const cli_command cli_export_commands[];
extern const cli_command cli_verify_commands[];

extern const cli_command cli_log_commands[];

/* Whether the option ID may be given more than once (--ns, --address). */
bool cli_option_repeats(int id);

/* The option handler of commands without options of their own, and the
 * last case of the others: OPTION is unexpected. */
int no_options(const cli *c, void *args, int id, const char *option,
	const char *value);

/*
 * The option handler of commands whose options are all texts kept as
 * given or numbers (their table's texts and numbers), and the last case
 * of the others: VALUE of ID into ARGS, or OPTION is unexpected
 * (no_options()).
 */
int text_option(const cli *c, void *args, int id, const char *option,
	const char *value);

/* ---- messages and tables (cli_output.c) ------------------------------ */

/* Print "kmsdns-registry: MESSAGE" to the error stream; return CODE. */
int cli_message(const cli *c, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Report the failed library call RET with ERR; return its exit code. */
int cli_fail(const cli *c, kd_result ret, const kd_err *err);

/* Report that memory ran out; return the exit code. */
int cli_no_memory(const cli *c);

/* A text table: a header row and rows of cells, printed in columns. */
typedef struct table {
	size_t columns;
	char **cells;     /* row-major, owned */
	size_t rows;
	size_t capacity;  /* in rows */
	bool failed;      /* out of memory */
} table;

/* Start T with COLUMNS columns and the row HEADER. */
void table_init(table *t, size_t columns, const char *const *header);

/* Add a copy of ROW to T; an empty or NULL cell shows as "-". */
void table_add(table *t, const char *const *row);

/* Free the cells of T. */
void table_free(table *t);

/* Print T (or report that memory ran out) and free it; the exit code. */
int table_finish(const cli *c, table *t);

/* Join COUNT strings of SIZE bytes at ITEMS with ", " into a new string. */
char *join_list(const char *items, size_t size, size_t count);

/* Write KEY: [the COUNT strings of SIZE bytes at ITEMS] to W. */
void json_kv_list(json_out *w, const char *key, const char *items,
	size_t size, size_t count);

/* The NS of Z as "ns1.example.test (192.0.2.53), ns.provider.test". */
char *join_ns(const registry_zone *z);

/* SECONDS since the epoch as "2023-11-14T22:13:20Z" into OUT. */
void format_time(int64_t seconds, char *out, size_t outlen);

/* ---- lists of records: JSON or a table (cli_rows.c) ------------------ */

/* What a field of a record is, and so how it is written. */
typedef enum cli_field_kind {
	CLI_FIELD_CHARS,    /* a char array; "-" in the table when empty */
	CLI_FIELD_STRING,   /* a const char *; "-" when NULL or empty */
	CLI_FIELD_INT64,
	CLI_FIELD_UINT32,
	CLI_FIELD_BOOL,     /* JSON true/false, "yes"/"no" in the table */
	CLI_FIELD_TIME,     /* an int64_t of seconds, shown by format_time() */
	CLI_FIELD_COMPUTED  /* the text that the field's function returns */
} cli_field_kind;

/* A field of the records of a list, in order. */
typedef struct cli_field {
	const char *key;      /* its JSON key, or NULL: only in the table */
	const char *header;   /* its table column, or NULL: only in JSON */
	cli_field_kind kind;
	size_t offset;        /* where it is in the record */
	const char *(*text)(const void *record);  /* CLI_FIELD_COMPUTED */
} cli_field;

/*
 * The kind of the member of a record by its C type (times apart). A
 * char array decays to char *, so CLI_FIELD_CHARS is an array inside the
 * record: a member that points to its text must be const char *.
 */
#define CLI_FIELD_KIND(type, member) _Generic(((type *)0)->member, \
	char *: CLI_FIELD_CHARS, const char *: CLI_FIELD_STRING, \
	int64_t: CLI_FIELD_INT64, uint32_t: CLI_FIELD_UINT32, \
	bool: CLI_FIELD_BOOL)

/* The member MEMBER of the records TYPE under KEY and HEADER. */
#define CLI_FIELD(key, header, type, member) \
	{ (key), (header), CLI_FIELD_KIND(type, member), \
		offsetof(type, member), NULL }
/* The time (int64_t seconds) MEMBER of the records TYPE. */
#define CLI_TIME_FIELD(key, header, type, member) \
	{ (key), (header), CLI_FIELD_TIME, offsetof(type, member), NULL }
/* The text that TEXT returns for a record. */
#define CLI_FIELD_FN(key, header, text) \
	{ (key), (header), CLI_FIELD_COMPUTED, 0, (text) }

#define CLI_FIELDS_MAX 16

/* COUNT records of ITEM_SIZE bytes at ITEMS with FIELDS (at most
 * CLI_FIELDS_MAX). */
struct cli_rows {
	const cli_field *fields;
	size_t field_count;
	const void *items;
	size_t item_size;
	size_t count;
};

/* The cli_rows of the array FIELDS for the COUNT records at ITEMS. */
#define CLI_ROWS(fields, items, count) \
	((const cli_rows){ (fields), sizeof(fields) / sizeof((fields)[0]), \
		(items), sizeof(*(items)), (count) })

/* Write the records of ROWS to W as an array of objects. */
void cli_rows_json(json_out *w, const cli_rows *rows);

/* Print the records of ROWS as a table; the exit code (table_finish()). */
int cli_rows_table(const cli *c, const cli_rows *rows);

/* Print the records of ROWS: a JSON array (--json) or a table; the exit
 * code. */
int cli_rows_print(const cli *c, const cli_rows *rows);

/* ---- argument values (cli_values.c) ---------------------------------- */

/* The decimal TEXT of OPTION into *VALUE within MIN..MAX; -1 when fine. */
int parse_number(const cli *c, const char *option, const char *text,
	uint32_t min, uint32_t max, uint32_t *value);

/*
 * Check the name TEXT (a WHAT, e.g. "zone") by RULES into its canonical
 * form OUT (DNAME_BUF_SIZE); OPTION, when not NULL, heads the message.
 */
int check_name(const cli *c, const char *option, const char *what,
	const char *text, dname_rules rules, char *out);

/* A normalizer like registry_prefix_normalize(): TEXT into OUT of LEN. */
typedef kd_result (*normalize_fn)(const char *text, char *out, size_t len,
	kd_err *err);

/* Normalize every text of LIST (of OPTION) with FN into ITEMS of SIZE. */
int normalize_list(const cli *c, const char *option, const str_list *list,
	normalize_fn fn, char *items, size_t size);

/*
 * Who may transfer a zone and whom it notifies: --allow-transfer and
 * --notify of zone add, zone set and catalog set (zone add and set also
 * take --no-allow-transfer and --no-notify).
 */
typedef struct cli_peers {
	str_list transfer;     /* --allow-transfer, as given */
	str_list notify;       /* --notify, as given */
	bool no_transfer;      /* --no-allow-transfer */
	bool no_notify;        /* --no-notify */
	registry_peers items;  /* built by peers_check() */
} cli_peers;

#define OPTIONS_PEERS \
	{ "allow-transfer", required_argument, NULL, OPT_ALLOW_TRANSFER }, \
	{ "notify", required_argument, NULL, OPT_NOTIFY }
#define OPTIONS_NO_PEERS \
	{ "no-allow-transfer", no_argument, NULL, OPT_NO_ALLOW_TRANSFER }, \
	{ "no-notify", no_argument, NULL, OPT_NO_NOTIFY }

/* Whether ID is one of the options of cli_peers. */
bool peers_option_id(int id);

/* The option ID of cli_peers with VALUE into P; -1 when fine. */
int peers_option(const cli *c, cli_peers *p, int id, const char *value);

/* Check and normalize the lists of P into their items; -1 when fine. */
int peers_check(const cli *c, cli_peers *p);

/* Free the lists and items of P. */
void peers_free(cli_peers *p);

/* ---- the registry (cli_session.c) ------------------------------------ */

/* What a command does with the open registry; CTX is the command's own. */
typedef kd_result (*cli_body_fn)(const cli *c, registry *reg, void *ctx,
	kd_err *err);

/*
 * Open the registry, run BODY on it and close it. Unless READ_ONLY, BODY
 * runs in one transaction, committed only when it succeeds.
 */
int cli_session(const cli *c, bool read_only, cli_body_fn body, void *ctx);

/* Check the zone name TEXT into ZONE, then run BODY on it (cli_session()). */
int zone_session(const cli *c, const char *text, bool read_only,
	cli_body_fn body, char *zone);

/* ---- the listing commands (cli_list.c) ------------------------------- */

/* What run_list() loads. */
typedef struct list_args {
	const char *zone;     /* the zone to list, or NULL: all */
	registry_dataset ds;
} list_args;

/* Run a listing command: [ZONE], then its table or JSON. */
int run_list(cli *c);

/* ---- changes: the result and the audit (cli_change.c) ---------------- */

/* printf() into a new string; NULL when memory ran out. */
char *cli_strdup_printf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/*
 * Note in C's change that the command changed something: ZONE (or NULL)
 * and OBJECT it acted on, and the values before and after, which it takes
 * (NULL: none). KD_ENOMEM with ERR when a value given is NULL because
 * memory ran out is the caller's to check.
 */
void cli_changed(const cli *c, const char *zone, const char *object,
	char *old_value, char *new_value);

/* Free the values of CHANGE. */
void cli_change_free(cli_change *change);

/* Who the audit log names: SUDO_USER when set, else the real user. */
void cli_user(char *out, size_t len);

/* Record C's change in the audit table of REG (in its transaction). */
kd_result cli_change_audit(const cli *c, registry *reg, kd_err *err);

/* Send C's change to its log (syslog by default), one line. */
void cli_change_syslog(const cli *c);

/* The default log of changes: syslog(3) as kmsdns-registry. */
void cli_syslog_line(void *ctx, const char *line);

/*
 * Start the JSON result of a changing command: {"changed", "command"; the
 * command adds what it acted on and calls change_json_end().
 */
void change_json_begin(const cli *c, json_out *w);
void change_json_end(json_out *w);

/*
 * Print the result of a changing command without more to say: JSON with
 * KEY = VALUE (when KEY is not NULL), or the line FMT (change_text()).
 */
void change_report(const cli *c, const char *key, const char *value,
	const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* CHANGED or UNCHANGED, as C's command changed something or not. */
const char *change_text(const cli *c, const char *changed,
	const char *unchanged) __attribute__((format_arg(2)))
	__attribute__((format_arg(3)));

#endif /* KMSDNS_CLI_H */
