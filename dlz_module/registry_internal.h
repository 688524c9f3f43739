/*
 * registry_internal.h -- what the registry_*.c files share among
 * themselves: the connection, its statement cache, transactions and the
 * small helpers every verb uses. Only the registry's own files include
 * it; everyone else works through registry.h.
 */
#ifndef KMSDNS_REGISTRY_INTERNAL_H
#define KMSDNS_REGISTRY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "dname.h"
#include "kd_result.h"
#include "registry.h"
#include "srv.h"

/* One prepared statement, found again by the address of its SQL text. */
typedef struct registry_stmt {
	const char *sql;
	sqlite3_stmt *stmt;
} registry_stmt;

struct registry {
	sqlite3 *db;
	char *path;
	bool read_only;
	long schema_version;     /* of the file when opened (a reader) */
	unsigned depth;          /* open transaction levels (0: none) */
	bool reading;            /* a read transaction of registry_load() */
	uint64_t own_commits;    /* commits of this connection */
	registry_stmt *stmts;
	size_t stmt_count;
	size_t stmt_capacity;
	registry_skip_fn skip;   /* lenient reading (registry.h) */
	void *skip_ctx;
};

/* ---- registry_store.c: transactions ---------------------------------- */

/*
 * Enter a write level: the outermost one starts an immediate transaction,
 * inner ones a savepoint. KD_EPERM when REG is open read-only.
 */
kd_result registry_tx_enter(registry *reg, kd_err *err);

/*
 * Leave a write level: keep its changes when RET is KD_OK, else undo
 * them. Returns RET, or the error of the commit.
 */
kd_result registry_tx_leave(registry *reg, kd_result ret, kd_err *err);

/*
 * Outside a write transaction, start a read transaction so reads of
 * several tables see one snapshot; pass whether it did so (no write level
 * or read open before) to registry_read_leave(), which ends it.
 */
kd_result registry_read_enter(registry *reg, kd_err *err);
void registry_read_leave(registry *reg, bool entered);

/* ---- registry_stmt.c: statements and small helpers ------------------- */

/* KD_ESTORE naming REG's file and SQLite's last error message. */
kd_result registry_store_error(const registry *reg, kd_err *err);

/* Run SQL (one or more statements without results). */
kd_result registry_exec_sql(registry *reg, const char *sql, kd_err *err);

/*
 * The cached statement for SQL, which must be a string constant: the cache
 * is keyed by its address. The statement is reset and ready to bind.
 */
kd_result registry_stmt_get(registry *reg, const char *sql,
	sqlite3_stmt **out, kd_err *err);

/* Bind TEXT (copied by SQLite) or VALUE at INDEX. */
void registry_bind_text(sqlite3_stmt *stmt, int index, const char *text);
void registry_bind_int(sqlite3_stmt *stmt, int index, int64_t value);

/* Step a statement without results to its end and reset it. */
kd_result registry_stmt_run(registry *reg, sqlite3_stmt *stmt, kd_err *err);

/* A value to bind: a text (copied by SQLite) or an integer. */
typedef struct registry_value {
	const char *text;
	int64_t number;
	bool is_text;
} registry_value;

#define REGISTRY_TEXT(t) ((registry_value){ .text = (t), .is_text = true })
#define REGISTRY_INT(n) ((registry_value){ .number = (int64_t)(n) })

/*
 * Run the statement SQL (a string constant, as for registry_stmt_get())
 * with the COUNT VALUES bound as ?1, ?2, ...: step it to its end and reset
 * it. sqlite3_changes() then tells how many rows it changed.
 * REGISTRY_RUN(reg, sql, err, REGISTRY_TEXT(zone), REGISTRY_INT(ttl))
 * counts the values itself.
 */
kd_result registry_run(registry *reg, const char *sql,
	const registry_value *values, size_t count, kd_err *err);

/* The values given and their count, as the VALUES, COUNT arguments. */
#define REGISTRY_VALUES(...) \
	(const registry_value[]){ __VA_ARGS__ }, \
	sizeof((const registry_value[]){ __VA_ARGS__ }) / sizeof(registry_value)

#define REGISTRY_RUN(reg, sql, err, ...) \
	registry_run((reg), (sql), REGISTRY_VALUES(__VA_ARGS__), (err))

/* registry_run() in a write level of its own (registry_tx_enter()). */
kd_result registry_write(registry *reg, const char *sql,
	const registry_value *values, size_t count, kd_err *err);

#define REGISTRY_WRITE(reg, sql, err, ...) \
	registry_write((reg), (sql), REGISTRY_VALUES(__VA_ARGS__), (err))

/* *FOUND: whether the query SQL returns a row with the COUNT VALUES bound. */
kd_result registry_exists(registry *reg, const char *sql,
	const registry_value *values, size_t count, bool *found, kd_err *err);

/*
 * Step the query SQL, with the COUNT VALUES bound, to its first row, as
 * registry_stmt_row(): when *FOUND the caller reads the columns of *STMT
 * and then calls sqlite3_reset().
 */
kd_result registry_query_row(registry *reg, const char *sql,
	const registry_value *values, size_t count, sqlite3_stmt **stmt,
	bool *found, kd_err *err);

/*
 * Step a query expected to give at most one row. *FOUND says whether it
 * did; if so the caller reads the columns and then calls sqlite3_reset(),
 * else the statement is reset already.
 */
kd_result registry_stmt_row(registry *reg, sqlite3_stmt *stmt, bool *found,
	kd_err *err);

/* Copy text column COL into OUT of OUTLEN bytes; false when it is longer. */
bool registry_column_copy(sqlite3_stmt *stmt, int col, char *out,
	size_t outlen);

/* KD_ESTORE: TABLE of REG holds a row that does not read back. */
kd_result registry_corrupt_error(const registry *reg, const char *table,
	kd_err *err);

/*
 * Grow *ITEMS (of *CAPACITY items of SIZE bytes) to hold COUNT + 1, as
 * kd_array_grow() does; KD_ENOMEM when it cannot (*ITEMS is kept).
 */
kd_result registry_array_reserve(void **items, size_t *capacity,
	size_t count, size_t size);

/*
 * Grow a per-zone array of COUNT items, which has no capacity field: its
 * capacity is the next power of two, so it is full when COUNT is 0 or a
 * power of two and then doubles (kd_array_resize(), 1 item at first).
 */
kd_result registry_array_reserve_pow2(void **items, size_t count,
	size_t size);

/*
 * Write the canonical form of NAME to OUT (DNAME_BUF_SIZE), with ROLE in
 * front of the reason when it is not valid: zone "a..b": empty label.
 */
kd_result registry_name_normalize(const char *role, const char *name,
	dname_rules rules, char *out, kd_err *err);

/* KD_ERANGE naming WHAT of NAME when TTL is above the 31-bit bound. */
kd_result registry_ttl_check(const char *what, const char *name,
	uint32_t ttl, kd_err *err);

/* *FOUND: whether the query SQL returns a row for KEY (bound as ?1). */
kd_result registry_row_exists(registry *reg, const char *sql, const char *key,
	bool *found, kd_err *err);

/*
 * KD_OK when the WHAT ("zone", "site") KEY exists by the query SQL, else
 * KD_ENOENT naming it.
 */
kd_result registry_row_require(registry *reg, const char *sql,
	const char *what, const char *key, kd_err *err);

/* ---- registry_settings.c: the meta table's numbers ------------------ */

/*
 * Read the (key, integer value) rows of the meta query SQL: TAKE gets each
 * with CTX and returns false for a row that is not valid, which fails the
 * read with KD_ESTORE naming the meta table.
 */
typedef bool (*registry_meta_fn)(void *ctx, const char *key, int64_t value);
kd_result registry_meta_read(registry *reg, const char *sql,
	registry_meta_fn take, void *ctx, kd_err *err);

/*
 * Store VALUE under KEY in the meta table: registry_meta_set() inside a
 * write level, registry_meta_write() in one of its own.
 */
kd_result registry_meta_set(registry *reg, const char *key, int64_t value,
	kd_err *err);
kd_result registry_meta_write(registry *reg, const char *key, int64_t value,
	kd_err *err);

/* ---- registry_values.c: text forms ----------------------------------- */

/*
 * Read the origin and state of a registration from columns ORIGIN_COL and
 * STATE_COL of S: KD_EINVAL naming the one that is not a stored value.
 */
kd_result registry_col_origin_state(sqlite3_stmt *s, int origin_col,
	int state_col, registry_origin *origin, registry_state *state,
	kd_err *err);

/* ---- registry_zones.c: what every zone change shares ----------------- */

/*
 * Increment ZONE's serial (modulo 2^32, skipping 0) once per transaction.
 * Must run inside a write level.
 */
kd_result registry_serial_bump(registry *reg, const char *zone, kd_err *err);

/* A query for zone ?1 that returns a row when it exists. */
extern const char registry_sql_zone_exists[];

/* KD_OK when zone ZONE (canonical) exists, else KD_ENOENT naming it. */
kd_result registry_zone_require(registry *reg, const char *zone,
	kd_err *err);

/* A change to the rows of one zone, for registry_zone_change(). */
typedef struct registry_zone_edit {
	const char *zone;               /* canonical; must exist */
	const char *sql[2];             /* run in order; the second or NULL */
	const registry_value *values;   /* bound to each as ?1, ?2, ... */
	size_t count;
	const kd_err *missing;          /* the error when no row changed, or
	                                   NULL: changing none is fine */
	bool bump;                      /* bump the serial when one changed */
} registry_zone_edit;

/*
 * In one write level: check that EDIT's zone exists, run its statements,
 * fail with its MISSING error when they changed no row and bump the
 * zone's serial when they changed one and BUMP is set.
 */
kd_result registry_zone_change(registry *reg, const registry_zone_edit *edit,
	kd_err *err);

/* ---- registry_hosts.c: the hosts and addresses tables ---------------- */

/* What a host row and an address row both end with (registry_read.c). */
#define REGISTRATION_COLUMNS "origin, signer, created, refreshed, state"

/* The columns of a host row and the key of a registration (?1 to ?5). */
#define HOST_COLUMNS \
	"zone, priority, weight, port, target, ttl, site, " \
	REGISTRATION_COLUMNS
#define HOST_KEY \
	"zone = ?1 AND priority = ?2 AND weight = ?3 AND port = ?4" \
	" AND target = ?5"

/* The columns of an address row. */
#define ADDRESS_COLUMNS \
	"zone, name, address, ttl, " REGISTRATION_COLUMNS

/* Delete one host by HOST_KEY; one address by zone, name, address. */
extern const char registry_sql_host_delete[];
extern const char registry_sql_address_delete[];

/* Bind the key of a registration: zone and rdata, as ?1 to ?5. */
void registry_bind_host_key(sqlite3_stmt *stmt, const char *zone,
	const srv_record *srv, const char *target);

/* The values of HOST_KEY and of the key of an address row. */
#define HOST_KEY_COUNT 5
#define ADDRESS_KEY_COUNT 3

/* ---- registry_rows.c: checked columns, rows skipped ------------------- */

/*
 * Read column COL (named COLUMN in errors) of S, checked: text without NUL
 * bytes that fits OUTLEN; a name valid by RULES, written canonical to OUT
 * (DNAME_BUF_SIZE); an integer in MIN-MAX; a TTL (0 to 2^31-1); an IPv4 or
 * IPv6 address, canonical in OUT (REGISTRY_ADDR_MAX). KD_EINVAL or
 * KD_ERANGE with ERR naming the column, the value and the reason.
 */
kd_result registry_col_text(sqlite3_stmt *s, int col, const char *column,
	char *out, size_t outlen, kd_err *err);
kd_result registry_col_name(sqlite3_stmt *s, int col, const char *column,
	dname_rules rules, char *out, kd_err *err);
kd_result registry_col_int(sqlite3_stmt *s, int col, const char *column,
	int64_t min, int64_t max, int64_t *out, kd_err *err);
kd_result registry_col_ttl(sqlite3_stmt *s, int col, const char *column,
	uint32_t *out, kd_err *err);
kd_result registry_col_address(sqlite3_stmt *s, int col, const char *column,
	char *out, kd_err *err);

/* The key of the current row of S, a row of TABLE, as one-line text. */
void registry_row_key(const char *table, sqlite3_stmt *s, char *out,
	size_t outlen);

/*
 * The current row of S, of TABLE in ZONE (NULL: not known), cannot be used
 * because of WHY: report it to REG's skip handler and return KD_OK (skip
 * it), or without a handler return KD_ESTORE naming the row in ERR.
 */
kd_result registry_row_reject(registry *reg, const char *table,
	sqlite3_stmt *s, const char *zone, const kd_err *why, kd_err *err);

/* ---- registry_read.c: reading rows ----------------------------------- */

/* Zones a load remembers as skipped (their rows go silently). */
#define REGISTRY_SKIPPED_ZONES_MAX 64

/* A query being read: the statement and the zone the rows belong to. */
typedef struct registry_load_cursor {
	registry *reg;
	sqlite3_stmt *stmt;
	registry_dataset *ds;
	size_t zone_index;      /* walks ds->zones along the rows */
	char (*skipped_zones)[DNAME_BUF_SIZE]; /* zones rows skipped */
	size_t skipped_count;
} registry_load_cursor;

/*
 * Step to the next row; *ROW is false at the end. The caller resets the
 * statement when done (registry_load_finish()).
 */
kd_result registry_load_step(registry_load_cursor *cur, bool *row,
	kd_err *err);

/* Reset the statement of CUR, if any; returns RET. */
kd_result registry_load_finish(registry_load_cursor *cur, kd_result ret);

/* Read the current row of S into ITEM, every value checked: KD_OK, or an
 * error naming the column and why in ERR. */
typedef kd_result (*registry_read_row_fn)(sqlite3_stmt *s, void *item,
	kd_err *err);

/*
 * Append the rows of the query START began (KD_OK, with CUR->stmt set) to
 * the array *ITEMS of SIZE bytes an item, *COUNT long, each read by READ;
 * TABLE names the table in errors. A row READ rejects goes to
 * registry_row_reject(). With ZONED, column 0 is the zone, and rows of
 * zones not loaded are skipped. Resets the statement.
 */
kd_result registry_load_rows(registry_load_cursor *cur, kd_result start,
	void **items, size_t *count, size_t size, registry_read_row_fn read,
	const char *table, bool zoned, kd_err *err);

/*
 * Read a row of HOST_COLUMNS into ITEM (a registry_host), or of
 * ADDRESS_COLUMNS into ITEM (a registry_address), every value checked:
 * KD_OK, or an error naming the column and why in ERR.
 */
kd_result registry_read_host_row(sqlite3_stmt *s, void *item, kd_err *err);
kd_result registry_read_address_row(sqlite3_stmt *s, void *item,
	kd_err *err);

#endif /* KMSDNS_REGISTRY_INTERNAL_H */
