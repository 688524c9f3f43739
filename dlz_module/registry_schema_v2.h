/*
 * registry_schema_v2.h -- the SQL of schema migration 2 (issue 10): the
 * registry defends its invariants. Included by registry_store.c only.
 *
 * Every table is rebuilt with NOT NULL, CHECK constraints on types, ranges
 * and the characters of names, and its foreign keys: names are canonical
 * DNS names (lower case letters, digits, '-', '_', '.', 1-253 bytes, no
 * NUL), TTLs and SOA timers 0 to 2^31-1, serials 0 to 2^32-1, priority,
 * weight and port 0-65535. Rows are copied as they are: a row that breaks
 * a constraint fails the migration (in one transaction, so nothing
 * changes) with SQLite's message naming the constraint.
 */
#ifndef KMSDNS_REGISTRY_SCHEMA_V2_H
#define KMSDNS_REGISTRY_SCHEMA_V2_H

/* A canonical DNS name in column C. */
#define V2_NAME(c) \
	" CHECK (typeof(" c ") = 'text' AND length(" c ") BETWEEN 1 AND 253" \
	" AND " c " NOT GLOB '*[^a-z0-9._-]*'" \
	" AND length(CAST(" c " AS BLOB)) = length(" c "))"
/* Text without NUL of 1 to N bytes in column C. */
#define V2_TEXT(c, n) \
	" CHECK (typeof(" c ") = 'text' AND length(" c ") BETWEEN 1 AND " n \
	" AND length(CAST(" c " AS BLOB)) = length(" c "))"
/* Text without NUL, maybe empty, of at most N bytes in column C. */
#define V2_TEXT0(c, n) \
	" CHECK (typeof(" c ") = 'text' AND length(" c ") <= " n \
	" AND length(CAST(" c " AS BLOB)) = length(" c "))"
/* An integer in MIN-MAX in column C. */
#define V2_INT(c, min, max) \
	" CHECK (typeof(" c ") = 'integer' AND " c " BETWEEN " min " AND " \
	max ")"
#define V2_TTL(c) V2_INT(c, "0", "2147483647")

/* The tables in an order where a table comes after those it refers to. */
static const char *const registry_v2_tables[] = {
	"zones", "zone_ns", "zone_ns_addresses", "zone_allow_transfer",
	"zone_notify", "hosts", "addresses", "grants", "sites",
};

static const char registry_v2_create[] =
	"CREATE TABLE zones ("
	" name TEXT NOT NULL PRIMARY KEY" V2_NAME("name") ","
	" soa_mname TEXT NOT NULL" V2_NAME("soa_mname") ","
	" soa_rname TEXT NOT NULL" V2_NAME("soa_rname") ","
	" serial INTEGER NOT NULL" V2_INT("serial", "0", "4294967295") ","
	" ttl INTEGER NOT NULL" V2_TTL("ttl") ","
	" refresh INTEGER NOT NULL" V2_TTL("refresh") ","
	" retry INTEGER NOT NULL" V2_TTL("retry") ","
	" expire INTEGER NOT NULL" V2_TTL("expire") ","
	" minimum INTEGER NOT NULL" V2_TTL("minimum") ");"
	"CREATE TABLE zone_ns ("
	" zone TEXT NOT NULL REFERENCES zones(name) ON DELETE CASCADE,"
	" position INTEGER NOT NULL" V2_INT("position", "0", "65535") ","
	" name TEXT NOT NULL" V2_NAME("name") ","
	" PRIMARY KEY (zone, name));"
	"CREATE TABLE zone_ns_addresses ("
	" zone TEXT NOT NULL,"
	" ns TEXT NOT NULL,"
	" position INTEGER NOT NULL" V2_INT("position", "0", "65535") ","
	" address TEXT NOT NULL" V2_TEXT("address", "45")
	" CHECK (address NOT GLOB '*[^0-9a-f.:]*'),"
	" PRIMARY KEY (zone, ns, address),"
	" FOREIGN KEY (zone, ns) REFERENCES zone_ns(zone, name)"
	"  ON DELETE CASCADE);"
	"CREATE TABLE zone_allow_transfer ("
	" zone TEXT NOT NULL REFERENCES zones(name) ON DELETE CASCADE,"
	" position INTEGER NOT NULL" V2_INT("position", "0", "65535") ","
	" prefix TEXT NOT NULL" V2_TEXT("prefix", "49")
	" CHECK (prefix NOT GLOB '*[^0-9a-f.:/]*'),"
	" PRIMARY KEY (zone, prefix));"
	"CREATE TABLE zone_notify ("
	" zone TEXT NOT NULL REFERENCES zones(name) ON DELETE CASCADE,"
	" position INTEGER NOT NULL" V2_INT("position", "0", "65535") ","
	" endpoint TEXT NOT NULL" V2_TEXT("endpoint", "55")
	" CHECK (endpoint NOT GLOB '*[^0-9a-f.:#]*'),"
	" PRIMARY KEY (zone, endpoint));"
	"CREATE TABLE hosts ("
	" zone TEXT NOT NULL REFERENCES zones(name) ON DELETE CASCADE,"
	" priority INTEGER NOT NULL" V2_INT("priority", "0", "65535") ","
	" weight INTEGER NOT NULL" V2_INT("weight", "0", "65535") ","
	" port INTEGER NOT NULL" V2_INT("port", "0", "65535") ","
	" target TEXT NOT NULL" V2_NAME("target") ","
	" ttl INTEGER NOT NULL" V2_TTL("ttl") ","
	" site TEXT NOT NULL" V2_TEXT0("site", "63") ","
	" origin TEXT NOT NULL CHECK (origin IN ('static', 'update')),"
	" signer TEXT NOT NULL" V2_TEXT0("signer", "511") ","
	" created INTEGER NOT NULL CHECK (typeof(created) = 'integer'),"
	" refreshed INTEGER NOT NULL CHECK (typeof(refreshed) = 'integer'),"
	" state TEXT NOT NULL CHECK (state IN ('active', 'stale')),"
	" PRIMARY KEY (zone, priority, weight, port, target));"
	"CREATE TABLE addresses ("
	" zone TEXT NOT NULL REFERENCES zones(name) ON DELETE CASCADE,"
	" name TEXT NOT NULL" V2_NAME("name") ","
	" address TEXT NOT NULL" V2_TEXT("address", "45")
	" CHECK (address NOT GLOB '*[^0-9a-f.:]*'),"
	" ttl INTEGER NOT NULL" V2_TTL("ttl") ","
	" origin TEXT NOT NULL CHECK (origin IN ('static', 'update')),"
	" signer TEXT NOT NULL" V2_TEXT0("signer", "511") ","
	" created INTEGER NOT NULL CHECK (typeof(created) = 'integer'),"
	" refreshed INTEGER NOT NULL CHECK (typeof(refreshed) = 'integer'),"
	" state TEXT NOT NULL CHECK (state IN ('active', 'stale')),"
	" PRIMARY KEY (zone, name, address));"
	"CREATE TABLE grants ("
	" identity TEXT NOT NULL" V2_TEXT("identity", "511") ","
	" zone TEXT NOT NULL REFERENCES zones(name) ON DELETE CASCADE,"
	" scope TEXT NOT NULL CHECK (scope IN ('self', 'any')),"
	" PRIMARY KEY (identity, zone));"
	"CREATE TABLE sites ("
	" prefix TEXT NOT NULL PRIMARY KEY" V2_TEXT("prefix", "49")
	" CHECK (prefix NOT GLOB '*[^0-9a-f.:/]*'),"
	" site TEXT NOT NULL" V2_TEXT("site", "63")
	" CHECK (site NOT GLOB '*[^A-Za-z0-9._-]*'));";

static const char registry_v2_indexes[] =
	"CREATE INDEX hosts_by_target ON hosts(zone, target);"
	"CREATE INDEX hosts_by_site ON hosts(site);"
	"CREATE INDEX grants_by_zone ON grants(zone);"
	"CREATE INDEX sites_by_site ON sites(site);";

#endif /* KMSDNS_REGISTRY_SCHEMA_V2_H */
