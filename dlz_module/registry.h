/*
 * registry.h -- the SQLite registry of KMS host registrations.
 *
 * One database file holds the zones the DLZ module serves, their SOA/NS
 * data and transfer/notify lists, the SRV registrations of KMS hosts and
 * their addresses, the grants that authorise dynamic updates, the sites for
 * site-aware ordering, and the freshness settings. kmsdns-registry and the
 * DLZ module both work through this API; nothing else touches the SQL.
 *
 * The database runs in WAL mode with synchronous=FULL: a committed change
 * is on disk when registry_commit() returns. Every change that alters what
 * a zone serves increments that zone's SOA serial in the same transaction.
 * All names are canonical (common/dname.h). Times are UNIX seconds, passed
 * in by the caller (NOW) so tests can inject a clock.
 */
#ifndef KMSDNS_REGISTRY_H
#define KMSDNS_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "dname.h"
#include "kd_result.h"
#include "srv.h"

/* The schema version this code reads and writes. */
#define REGISTRY_SCHEMA_VERSION 4
/*
 * The oldest schema a read-only connection reads without upgrading it;
 * below version 4 it has no catalog zone (registry_catalog.h).
 */
#define REGISTRY_SCHEMA_READ_MIN 1

/* Defaults of the freshness settings, in seconds. */
#define REGISTRY_DEFAULT_STALE_AFTER (72 * 3600)
#define REGISTRY_DEFAULT_SCAVENGE_AFTER (14 * 24 * 3600)
#define REGISTRY_DEFAULT_TTL 3600

/* SOA timers kmsdns-registry gives a new zone (minimum defaults to its TTL). */
#define REGISTRY_DEFAULT_SOA_REFRESH 3600
#define REGISTRY_DEFAULT_SOA_RETRY 600
#define REGISTRY_DEFAULT_SOA_EXPIRE 1209600

#define REGISTRY_ADDR_MAX 46      /* INET6_ADDRSTRLEN */
#define REGISTRY_PREFIX_MAX 50    /* address + "/128" */
#define REGISTRY_ENDPOINT_MAX 56  /* address + "#65535" */
#define REGISTRY_IDENTITY_MAX 512
#define REGISTRY_SITE_MAX 64

typedef struct registry registry;

/* How a registration got into the registry. */
typedef enum registry_origin {
	REGISTRY_ORIGIN_STATIC, /* kmsdns-registry host add: never stale */
	REGISTRY_ORIGIN_UPDATE, /* a dynamic update: ages out */
} registry_origin;

/* Freshness state of a registration at a given time. */
typedef enum registry_state {
	REGISTRY_STATE_ACTIVE,   /* served */
	REGISTRY_STATE_STALE,    /* not refreshed for stale-after: not served */
	REGISTRY_STATE_EXPIRED,  /* not refreshed for scavenge-after: deleted */
} registry_state;

/* What a grant allows (see kmsdns-registry(8)). */
typedef enum registry_scope {
	REGISTRY_SCOPE_SELF, /* SRV records whose target is the identity's host */
	REGISTRY_SCOPE_ANY,  /* every _vlmcs._tcp record of the zone */
} registry_scope;

/* Limits on what dynamic updates may do (registry_limits.h). */
typedef struct registry_limits {
	int64_t max_update_records;   /* records checked per UPDATE */
	int64_t max_self_addresses;   /* A/AAAA of a SELF signer's host */
	int64_t max_srv_answer_bytes; /* the zone's SRV answer, EDNS UDP */
} registry_limits;

typedef struct registry_settings {
	int64_t stale_after;    /* seconds */
	int64_t scavenge_after; /* seconds */
	registry_limits limits;
} registry_settings;

/* A name server of a zone, with its addresses when it is inside the zone. */
typedef struct registry_ns {
	char name[DNAME_BUF_SIZE];
	char (*addresses)[REGISTRY_ADDR_MAX];
	size_t address_count;
} registry_ns;

/* Who may transfer a zone (or the catalog) and where its NOTIFY goes. */
typedef struct registry_peers {
	char (*allow_transfer)[REGISTRY_PREFIX_MAX]; /* "192.0.2.0/24" */
	size_t allow_transfer_count;
	char (*notify)[REGISTRY_ENDPOINT_MAX];       /* "192.0.2.1#53" */
	size_t notify_count;
} registry_peers;

typedef struct registry_zone {
	char name[DNAME_BUF_SIZE];
	char soa_mname[DNAME_BUF_SIZE];
	char soa_rname[DNAME_BUF_SIZE]; /* mailbox as a name: hostmaster.example.test */
	uint32_t serial;
	uint32_t ttl;      /* TTL of SOA, NS and default for records */
	uint32_t refresh, retry, expire, minimum;
	registry_ns *ns;
	size_t ns_count;
	registry_peers peers;
} registry_zone;

/* One SRV registration. */
typedef struct registry_host {
	char zone[DNAME_BUF_SIZE];
	srv_record srv;                 /* ttl included */
	char site[REGISTRY_SITE_MAX];   /* "" when none */
	registry_origin origin;
	char signer[REGISTRY_IDENTITY_MAX]; /* "" for static */
	int64_t created;
	int64_t refreshed;
	registry_state state;           /* as of the last registry_age() */
} registry_host;

/* One A/AAAA record of a name in a zone (a KMS target or a name server). */
typedef struct registry_address {
	char zone[DNAME_BUF_SIZE];
	char name[DNAME_BUF_SIZE];      /* absolute, canonical */
	char address[REGISTRY_ADDR_MAX];/* canonical text (inet_ntop) */
	uint32_t ttl;
	registry_origin origin;
	char signer[REGISTRY_IDENTITY_MAX];
	int64_t created;
	int64_t refreshed;
	registry_state state;           /* as of the last registry_age() */
} registry_address;

typedef struct registry_grant {
	char identity[REGISTRY_IDENTITY_MAX]; /* principal, "*@REALM" or key name */
	char zone[DNAME_BUF_SIZE];
	registry_scope scope;
} registry_grant;

typedef struct registry_site_prefix {
	char site[REGISTRY_SITE_MAX];
	char prefix[REGISTRY_PREFIX_MAX];     /* canonical "10.1.0.0/16" */
} registry_site_prefix;

/*
 * Everything the registry holds (or one zone of it), as plain arrays owned
 * by the dataset; free with registry_dataset_free(). Hosts and addresses are
 * grouped by zone in zone order.
 */
typedef struct registry_dataset {
	registry_settings settings;
	registry_zone *zones;        size_t zone_count;
	registry_host *hosts;        size_t host_count;
	registry_address *addresses; size_t address_count;
	registry_grant *grants;      size_t grant_count;
	registry_site_prefix *sites; size_t site_count;
} registry_dataset;

/* ---- opening --------------------------------------------------------- */

/*
 * Create a new registry at PATH (fails with KD_EEXIST if the file exists and
 * is not empty) with the current schema and default settings.
 */
kd_result registry_create(const char *path, kd_err *err);

/*
 * Open the registry at PATH. READ_ONLY opens without write access. Fails
 * with KD_ENOENT when missing, KD_ESCHEMA for an unknown schema version,
 * KD_ESTORE for a file that is not a registry; ERR names PATH and the reason.
 * Nothing is written on failure.
 */
kd_result registry_open(const char *path, bool read_only, registry **out,
	kd_err *err);

/*
 * KD_OK when this process can write the registry at PATH and create files
 * in its directory (SQLite's -wal and -shm); else KD_EPERM (KD_ENOENT for
 * a missing file) with ERR naming the file or directory, the uid and the
 * reason.
 */
kd_result registry_check_write_access(const char *path, kd_err *err);

/*
 * registry_check_write_access() for USER (as named runs with -u USER):
 * run as root, it checks in a child process with USER's uid, gid and
 * groups. KD_ENOENT for an unknown user, KD_EPERM with the reason.
 */
kd_result registry_check_write_access_as(const char *path, const char *user,
	kd_err *err);

/*
 * KD_OK when SQLite's integrity check of REG's file passes, else
 * KD_ESTORE with its first message.
 */
kd_result registry_check_integrity(registry *reg, kd_err *err);

/*
 * Whether REG can write: opened for writing, and SQLite did not fall back
 * to read-only because the file was not writable when it was opened.
 */
bool registry_writable(const registry *reg);

/*
 * Copy every page of REG's write-ahead log into the file REG has open and
 * empty the log (SQLite's TRUNCATE checkpoint). Needed before closing a
 * file that was renamed or deleted: SQLite then leaves its -wal behind,
 * and the -wal at the path would be read as part of the next file there.
 * KD_ESTORE when REG cannot write or another connection holds the log.
 */
kd_result registry_checkpoint(registry *reg, kd_err *err);

/* Close REG (NULL is fine). A transaction still open is rolled back. */
void registry_close(registry *reg);

/* The path REG was opened with. */
const char *registry_path(const registry *reg);

/* ---- transactions ---------------------------------------------------- */

/*
 * Group several changes: registry_begin() starts a write transaction that
 * registry_commit() makes durable or registry_rollback() discards. The
 * single-item functions below open their own transaction when none is open.
 */
kd_result registry_begin(registry *reg, kd_err *err);
kd_result registry_commit(registry *reg, kd_err *err);
void registry_rollback(registry *reg);

/*
 * A number that changes whenever any connection commits a change to the
 * registry (SQLite data_version plus our own commits), so a reader can
 * poll cheaply for changes.
 */
kd_result registry_change_counter(registry *reg, uint64_t *counter,
	kd_err *err);

/*
 * Read several things as of one commit: between registry_read_begin() and
 * registry_read_end() every load of REG (outside a write transaction) runs
 * in one read transaction. Loads that start it themselves end it.
 */
kd_result registry_read_begin(registry *reg, kd_err *err);
void registry_read_end(registry *reg);

/* ---- settings -------------------------------------------------------- */

kd_result registry_get_settings(registry *reg, registry_settings *out,
	kd_err *err);
kd_result registry_set_settings(registry *reg, const registry_settings *in,
	kd_err *err);

/* ---- zones ----------------------------------------------------------- */

/*
 * Add ZONE (name, SOA fields, NS with addresses, transfer and notify lists
 * as filled by the caller; serial ignored: set to NOW, or higher). At least
 * one NS is required. KD_EEXIST when the zone exists.
 */
kd_result registry_add_zone(registry *reg, const registry_zone *zone,
	int64_t now, kd_err *err);

/*
 * Replace the settings of the existing zone ZONE->name (SOA names and
 * timers, TTL, NS with addresses, transfer and notify lists; serial
 * ignored) in place: its registrations, grants and sites stay, its serial
 * goes up once. KD_ENOENT when the zone does not exist.
 */
kd_result registry_update_zone(registry *reg, const registry_zone *zone,
	kd_err *err);

/* KD_OK when the zone ZONE (canonical) exists, else KD_ENOENT naming it. */
kd_result registry_zone_exists(registry *reg, const char *zone, kd_err *err);

/* Remove the zone NAME and everything registered in it. */
kd_result registry_remove_zone(registry *reg, const char *name, kd_err *err);

/* Set the SOA serial of zone NAME (used by dynamic updates). */
kd_result registry_set_serial(registry *reg, const char *name,
	uint32_t serial, kd_err *err);

/* ---- SRV registrations ---------------------------------------------- */

/*
 * Register HOST (zone, srv, site, origin, signer). An existing registration
 * with the same zone and rdata (priority, weight, port, target) is
 * refreshed: ttl, site and signer updated, refreshed = NOW, created kept.
 * With REPLACE_TARGET, other registrations of the same target and port in
 * the zone are removed first (what `kmsdns-registry host add` does).
 * KD_ENOENT when the zone does not exist; KD_ENOENT also for an unknown site.
 */
kd_result registry_put_host(registry *reg, const registry_host *host,
	bool replace_target, int64_t now, kd_err *err);

/*
 * Remove the registration of ZONE whose rdata equals SRV (ttl ignored).
 * KD_ENOENT when there is none.
 */
kd_result registry_remove_srv(registry *reg, const char *zone,
	const srv_record *srv, kd_err *err);

/*
 * Set the TTL of the registration of ZONE whose rdata equals SRV to TTL and
 * change nothing else (origin, signer, created, refreshed kept): BIND's
 * TTL-only rewrite of an RRset. KD_ENOENT when there is none.
 */
kd_result registry_set_host_ttl(registry *reg, const char *zone,
	const srv_record *srv, uint32_t ttl, kd_err *err);

/* Remove every SRV registration and address of TARGET in ZONE. */
kd_result registry_remove_target(registry *reg, const char *zone,
	const char *target, kd_err *err);

/*
 * Mark the update-origin registrations (SRV and addresses) of TARGET in
 * ZONE as refreshed at NOW by SIGNER; sets *COUNT to how many there were.
 * Does not change the serial unless a stale registration becomes active.
 */
kd_result registry_refresh_target(registry *reg, const char *zone,
	const char *target, const char *signer, int64_t now, size_t *count,
	kd_err *err);

/*
 * Mark the update-origin registrations (SRV and addresses) of ZONE made by
 * SIGNER (as stored, not empty) as refreshed at NOW; *COUNT and the serial
 * as in registry_refresh_target().
 */
kd_result registry_refresh_signer(registry *reg, const char *zone,
	const char *signer, int64_t now, size_t *count, kd_err *err);

/* ---- addresses ------------------------------------------------------- */

/* Add (or refresh, like registry_put_host) an A/AAAA record. */
kd_result registry_put_address(registry *reg, const registry_address *addr,
	int64_t now, kd_err *err);

/* Remove one address of NAME in ZONE; KD_ENOENT when absent. */
kd_result registry_remove_address(registry *reg, const char *zone,
	const char *name, const char *address, kd_err *err);

/*
 * Set the TTL of one address of NAME in ZONE, as registry_set_host_ttl();
 * KD_ENOENT when absent.
 */
kd_result registry_set_address_ttl(registry *reg, const char *zone,
	const char *name, const char *address, uint32_t ttl, kd_err *err);

/* ---- grants and sites ------------------------------------------------ */

/*
 * Grant GRANT->identity (checked and made canonical as by
 * grants_identity_parse()) SCOPE in GRANT->zone; an existing grant of the
 * identity in the zone gets the new scope. KD_ENOENT when the zone does
 * not exist. (Not "registry_grant": that name is the type.)
 */
kd_result registry_add_grant(registry *reg, const registry_grant *grant,
	kd_err *err);
/* Remove the grant of IDENTITY in ZONE; KD_ENOENT when there is none. */
kd_result registry_revoke(registry *reg, const char *identity,
	const char *zone, kd_err *err);

/* Add PREFIX ("10.1.0.0/16", "2001:db8::/32") to site SITE. */
kd_result registry_add_site_prefix(registry *reg, const char *site,
	const char *prefix, kd_err *err);
/* Remove site SITE (all its prefixes); registrations keep no site. */
kd_result registry_remove_site(registry *reg, const char *site, kd_err *err);

/* ---- audit (registry_audit.c) ---------------------------------------- */

/* Default of the audit retention: scavenge deletes older entries. */
#define REGISTRY_DEFAULT_AUDIT_RETENTION (365 * 24 * 3600)

/*
 * One recorded change: when, who (the Unix user of kmsdns-registry, or
 * the signer of an UPDATE), the command ("zone add", "update add"), the
 * zone ("" when none), the object it acted on (a target, an identity, a
 * site, a setting) and the values before and after ("" when none).
 */
typedef struct registry_audit_entry {
	int64_t id;        /* assigned by registry_audit_add(); increasing */
	int64_t time;
	const char *user;
	const char *command;
	const char *zone;
	const char *object;
	const char *old_value;
	const char *new_value;
} registry_audit_entry;

/*
 * Record ENTRY (its id ignored) in the open transaction, or in one of its
 * own: the entry is kept exactly when the change it describes is.
 */
kd_result registry_audit_add(registry *reg, const registry_audit_entry *entry,
	kd_err *err);

/*
 * Load the entries of ZONE (NULL: all) recorded at or after SINCE, oldest
 * first, into *OUT (COUNT items, strings owned by the array); free with
 * registry_audit_free(). KD_ESCHEMA with ERR saying so when REG is a
 * reader of a file older than the audit log (schema version 3), which no
 * writer has upgraded yet.
 */
kd_result registry_audit_load(registry *reg, const char *zone, int64_t since,
	registry_audit_entry **out, size_t *count, kd_err *err);
void registry_audit_free(registry_audit_entry *entries, size_t count);

/*
 * Delete the entries recorded before BEFORE (count them only when
 * DRY_RUN) into *COUNT; none in a file older than the audit log.
 */
kd_result registry_audit_prune(registry *reg, int64_t before, bool dry_run,
	size_t *count, kd_err *err);

/* The audit retention in seconds (REGISTRY_DEFAULT_AUDIT_RETENTION unset). */
kd_result registry_audit_retention(registry *reg, int64_t *seconds,
	kd_err *err);
/* Set the audit retention: 1s to DURATION_MAX_SECONDS. */
kd_result registry_set_audit_retention(registry *reg, int64_t seconds,
	kd_err *err);

/* ---- reading --------------------------------------------------------- */

/* A row a lenient reader skipped (see registry_set_skip_handler()). */
typedef struct registry_skipped_row {
	const char *table;  /* "hosts" */
	const char *zone;   /* the zone it belongs to, NULL if not known */
	char key[512];      /* zone="example.test" priority=0 ... */
	const char *reason; /* target "a b": ... */
} registry_skipped_row;
typedef void (*registry_skip_fn)(void *ctx, const registry_skipped_row *row);

/*
 * From now on, loads from REG skip every row they cannot use (a value of
 * the wrong type, out of range, not a valid name or address) and report
 * it to FN, instead of failing: what the DLZ module needs to serve every
 * good zone. A zone whose zones row is skipped is left out with all its
 * rows (reported once); rows of a zone that does not exist (orphans) are
 * skipped. Without a handler such a row fails the load with KD_ESTORE
 * naming the table, the row and the reason.
 */
void registry_set_skip_handler(registry *reg, registry_skip_fn fn,
	void *ctx);


/* Load everything (ZONE == NULL) or one zone's data into OUT. */
kd_result registry_load(registry *reg, const char *zone,
	registry_dataset *out, kd_err *err);

/*
 * Load only the settings, every grant and every site prefix into OUT (no
 * zones, hosts or addresses): what the module re-reads on any change.
 */
kd_result registry_load_policy(registry *reg, registry_dataset *out,
	kd_err *err);

/*
 * Load only zone names and serials (cheap; for change detection).
 * NAMES and SERIALS are allocated arrays of COUNT items, freed by the caller
 * with free().
 */
kd_result registry_load_serials(registry *reg,
	char (**names)[DNAME_BUF_SIZE], uint32_t **serials, size_t *count,
	kd_err *err);

void registry_dataset_free(registry_dataset *ds);

/* Free the lists of PEERS and empty it. */
void registry_peers_free(registry_peers *peers);

/* ---- freshness ------------------------------------------------------- */

/* The state at NOW of a registration with ORIGIN last refreshed at REFRESHED. */
registry_state registry_state_at(const registry_settings *settings,
	registry_origin origin, int64_t refreshed, int64_t now);

/*
 * A registration that ageing changes, as reported: who registered it and
 * when, its new STATE (stale or expired) and the record it served. The
 * strings live until the report returns, except TYPE, which is static.
 */
typedef struct registry_aged {
	const char *zone;
	const char *signer;             /* "" when none */
	int64_t refreshed;
	registry_state state;
	const char *owner;              /* "_vlmcs._tcp.ZONE" or the name */
	const char *type;               /* "SRV", "A" or "AAAA" */
	uint32_t ttl;
	const char *rdata;              /* "0 0 1688 kms1.example.test." */
} registry_aged;
typedef void (*registry_aged_fn)(void *ctx, const registry_aged *aged);

/*
 * Bring the registry to NOW: zones whose served data changed because
 * registrations became stale since the last call get their serial bumped,
 * and (unless DRY_RUN) registrations past scavenge-after are deleted.
 * REPORT, when not NULL, is called for every SRV and then every A/AAAA
 * registration that becomes stale or is past scavenge-after. Reports are
 * made for changes only (a registration already stored as stale is not
 * reported again). A DRY_RUN writes nothing at all: states, serials and
 * deletions are only reported and counted. Returns the number of zones
 * whose serial changed in *CHANGED_ZONES.
 */
kd_result registry_age(registry *reg, int64_t now, bool dry_run,
	registry_aged_fn report, void *ctx, size_t *changed_zones,
	kd_err *err);

/*
 * registry_age() under SETTINGS instead of the settings stored in the
 * registry (NULL: the stored ones). The DLZ module ages with its
 * stale-after and scavenge-after arguments applied.
 */
kd_result registry_age_under(registry *reg, const registry_settings *settings,
	int64_t now, bool dry_run, registry_aged_fn report, void *ctx,
	size_t *changed_zones, kd_err *err);

/* ---- value checks (the API applies them too) ------------------------ */

/*
 * Write the canonical text (inet_ntop) of the IPv4 or IPv6 address TEXT to
 * OUT of OUTLEN bytes (REGISTRY_ADDR_MAX is enough). KD_EINVAL with ERR
 * naming TEXT when it is not an address.
 */
kd_result registry_address_normalize(const char *text, char *out,
	size_t outlen, kd_err *err);

/*
 * Write the canonical "ADDR/LEN" of the prefix TEXT ("ADDR/LEN", or a bare
 * address meaning /32 or /128) to OUT (REGISTRY_PREFIX_MAX). KD_EINVAL for
 * a bad address or length, or host bits set (see sites_prefix_parse()).
 */
kd_result registry_prefix_normalize(const char *text, char *out,
	size_t outlen, kd_err *err);

/*
 * Write the canonical "ADDR#PORT" of the notify endpoint TEXT
 * (cli_endpoint_parse() forms, port 53 by default) to OUT
 * (REGISTRY_ENDPOINT_MAX). KD_EINVAL, naming TEXT and the accepted forms.
 */
kd_result registry_endpoint_normalize(const char *text, char *out,
	size_t outlen, kd_err *err);

/*
 * Check the site name SITE: 1 to REGISTRY_SITE_MAX-1 letters, digits, '-',
 * '_' and '.' (Active Directory site names fit). KD_EINVAL naming SITE.
 */
kd_result registry_site_validate(const char *site, kd_err *err);

/* Text forms used by the CLI and logs. */
const char *registry_origin_name(registry_origin origin);
const char *registry_state_name(registry_state state);
const char *registry_scope_name(registry_scope scope);
kd_result registry_scope_from_name(const char *name, registry_scope *out);

#endif /* KMSDNS_REGISTRY_H */
