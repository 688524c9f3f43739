/*
 * rdata.h -- the record text BIND hands to a DLZ module during updates.
 *
 * dlz_addrdataset() and dlz_subrdataset() receive one resource record in
 * master-file form, fields separated by one tab:
 *   "_vlmcs._tcp.example.test.\t3600\tIN\tSRV\t0 100 1688 kms1.example.test."
 * (owner absolute with a trailing dot and in the case the client sent, TTL
 * in seconds, class, type mnemonic, RDATA fields separated by spaces; one
 * trailing newline is tolerated). dlz_ssumatch() receives a type mnemonic
 * alone ("SRV", "ANY"). This module turns both into checked, canonical
 * values. Names with backslash escapes are rejected: no name we serve or
 * accept can hold one.
 */
#ifndef KMSDNS_RDATA_H
#define KMSDNS_RDATA_H

#include <stddef.h>
#include <stdint.h>
#include "dname.h"
#include "kd_result.h"
#include "srv.h"

/* A buffer size for a type mnemonic: "NSEC3PARAM", "TYPE65535". */
#define RDATA_TYPE_TEXT_MAX 16
/* A buffer size for an address in canonical text (INET6_ADDRSTRLEN). */
#define RDATA_ADDR_MAX 46

/* The record types the module handles; everything else is OTHER. */
typedef enum rdata_type {
	RDATA_TYPE_OTHER = 0,
	RDATA_TYPE_SRV,
	RDATA_TYPE_A,
	RDATA_TYPE_AAAA,
	RDATA_TYPE_SOA,
	RDATA_TYPE_NS,
	RDATA_TYPE_ANY, /* only from rdata_type_parse(): "delete all" checks */
} rdata_type;

/* SOA fields; names canonical (dname.h). */
typedef struct rdata_soa {
	char mname[DNAME_BUF_SIZE];
	char rname[DNAME_BUF_SIZE];
	uint32_t serial;
	uint32_t refresh;
	uint32_t retry;
	uint32_t expire;
	uint32_t minimum;
} rdata_soa;

/* One parsed record. Only the member of DATA that TYPE names is set. */
typedef struct rdata_record {
	char owner[DNAME_BUF_SIZE];          /* canonical, no trailing dot */
	uint32_t ttl;
	rdata_type type;
	char type_text[RDATA_TYPE_TEXT_MAX]; /* mnemonic, upper case */
	union {
		srv_record srv;                  /* SRV; srv.ttl == ttl */
		char address[RDATA_ADDR_MAX];    /* A/AAAA, inet_ntop() form */
		rdata_soa soa;                   /* SOA */
		char ns[DNAME_BUF_SIZE];         /* NS, canonical */
	} data;
} rdata_record;

/*
 * Parse TEXT (the rdatastr of dlz_addrdataset/dlz_subrdataset) into *OUT.
 * The owner must be a valid owner name (dname.h DNAME_OWNER), the class
 * IN, the TTL a number 0-2147483647. SRV, A, AAAA, SOA and NS RDATA is
 * parsed and checked; for other types the RDATA is not looked at.
 * Returns KD_OK, or KD_EINVAL with ERR naming the record (shortened when
 * long) and the reason ("record \"x.\\t1\\tCH\\tA\\t1.2.3.4\": class CH
 * is not IN"). *OUT is unspecified on failure.
 */
kd_result rdata_parse(const char *text, rdata_record *out, kd_err *err);

/*
 * Map the type mnemonic TEXT (any case; "SRV", "a", "ANY", "TXT",
 * "TYPE33") to *TYPE: one of the known types, or RDATA_TYPE_OTHER for any
 * other well-formed mnemonic. "TYPEnnn" maps by number (TYPE33 is SRV).
 * Returns KD_EINVAL with ERR naming TEXT when it is empty, too long or
 * holds characters other than letters, digits and '-'.
 */
kd_result rdata_type_parse(const char *text, rdata_type *type, kd_err *err);

/* The mnemonic of TYPE ("SRV", "ANY"); "OTHER" for RDATA_TYPE_OTHER. */
const char *rdata_type_name(rdata_type type);

#endif /* KMSDNS_RDATA_H */
