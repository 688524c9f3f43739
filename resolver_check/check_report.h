/*
 * check_report.h -- what kmsdns-check found: per suffix, per host, per
 * authoritative server, and the findings with severity and client code.
 *
 * Filled by discovery.h and authoritative.h, printed by report_output.h.
 * The report owns everything it points to; check_report_free() frees it.
 */
#ifndef KMSDNS_CHECK_REPORT_H
#define KMSDNS_CHECK_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include "dname.h"
#include "endpoint.h"
#include "kd_result.h"
#include "probe.h"
#include "srv.h"

typedef enum finding_severity {
	SEVERITY_NOTE,    /* worth knowing, nothing to fix */
	SEVERITY_WARNING, /* discovery works, but something is wrong */
	SEVERITY_ERROR,   /* a client in scope fails */
} finding_severity;

typedef struct finding {
	finding_severity severity;
	const char *id;                /* stable name, e.g. "nxdomain" */
	uint32_t code;                 /* Windows client code, 0 if none */
	char suffix[DNAME_BUF_SIZE];   /* the suffix concerned, or "" */
	char target[DNAME_BUF_SIZE];   /* the host concerned, or "" */
	char message[400];
	const char *remedy;            /* what to do, from finding_remedy() */
} finding;

/* How the SRV query of one suffix ended. */
typedef enum suffix_outcome {
	OUTCOME_RECORDS,     /* usable SRV records */
	OUTCOME_UNAVAILABLE, /* one SRV with target "." */
	OUTCOME_NXDOMAIN,
	OUTCOME_NODATA,
	OUTCOME_SERVFAIL,
	OUTCOME_REFUSED,
	OUTCOME_OTHER_RCODE,
	OUTCOME_TIMEOUT,
	OUTCOME_NETERROR,
	OUTCOME_MALFORMED,
	OUTCOME_NOT_CHECKED, /* the run's deadline came first */
} suffix_outcome;

typedef struct host_address {
	char text[INET6_ADDRSTRLEN];   /* the address, without port */
	struct sockaddr_storage addr;  /* with the SRV port */
	socklen_t addrlen;
	probe_state probe;
	unsigned probe_ms;
	int probe_errno;               /* the connect() error of PROBE_ERROR */
	char probe_detail[96];         /* why PROBE_NOT_KMS, or "" */
} host_address;

/* One SRV record of a suffix and what we learnt about its target. */
typedef struct host_entry {
	srv_record rec;
	double share;                  /* chance of being contacted first */
	bool cname;                    /* the target is an alias */
	char cname_target[DNAME_BUF_SIZE];
	bool lookup_failed;            /* A/AAAA lookups failed, unknown */
	char lookup_error[128];        /* a malformed answer, naming its
	                                  server, or "" */
	bool not_checked;              /* beyond CHECK_TARGET_MAX, or the
	                                  deadline came first: not looked up
	                                  nor probed */
	bool chain_too_long;           /* CNAMEs beyond DNS_ANSWER_CHAIN_MAX */
	bool addresses_capped;         /* more than CHECK_ADDRESS_MAX */
	host_address *addresses;       /* owned */
	size_t address_count;
	bool reachable;                /* some address answers as a KMS host
	                                  (open, with connect-only probes) */
} host_entry;

/* One authoritative server of a suffix's zone. */
typedef struct auth_server {
	char name[DNAME_BUF_SIZE];     /* NS name */
	char address[INET6_ADDRSTRLEN];
	bool answered;                 /* answered the SOA query */
	bool authoritative;            /* with AA and NOERROR */
	char rcode[24];                /* rcode of the SOA query, or status */
	uint32_t serial;
	char srv_outcome[24];          /* rcode of the SRV query, or status */
	char *srv_rrset;               /* sorted "P W PORT TARGET" lines */
	uint32_t srv_ttl;
	char *addresses;               /* sorted "TARGET ADDR" lines */
	bool tcp_nxdomain;             /* _tcp.<suffix> answered NXDOMAIN */
	bool negative_without_soa;     /* SRV NXDOMAIN/NODATA without SOA */
} auth_server;

typedef struct suffix_report {
	char suffix[DNAME_BUF_SIZE];
	char qname[DNAME_BUF_SIZE];
	suffix_outcome outcome;
	char rcode[24];                /* "NOERROR", "SERVFAIL", "timeout" */
	char error[128];               /* why a query failed, or "" */
	bool truncated;                /* answered with TC, asked over TCP */
	unsigned query_ms;             /* how long the SRV query took */
	uint32_t ttl;                  /* smallest SRV TTL */
	size_t srv_found;              /* usable SRV records in the answer,
	                                  also those beyond CHECK_SRV_MAX */
	size_t targets_found;          /* distinct targets up to
	                                  CHECK_TARGET_MAX, then each record
	                                  beyond it */
	char *srv_rrset;               /* owned; the SRV RRset as
	                                  dns_answer_srv_rrset() lines, "" for
	                                  NXDOMAIN/NODATA, NULL if no answer */
	uint32_t code;                 /* client code of this suffix, or 0 */
	bool queried_by_client;        /* before or at the chosen suffix */
	bool devolved;                 /* reached only by devolution */
	host_entry *hosts;             /* owned, in RFC 2782 order */
	size_t host_count;
	/* --authoritative */
	char zone[DNAME_BUF_SIZE];     /* "" when unknown */
	char *zone_ns;                 /* owned; the zone's NS names from the
	                                  --server as "NAME\n" lines, or NULL */
	char parent_zone[DNAME_BUF_SIZE]; /* the zone's parent, "" unknown */
	char *parent_ns;               /* owned; NS names of the parent's
	                                  delegation, as zone_ns; NULL unknown */
	uint32_t negative_ttl;         /* SOA minimum of the zone */
	auth_server *servers;          /* owned */
	size_t server_count;
} suffix_report;

/* A parent of a suffix, not on the list, that has SRV records. */
typedef struct unasked_suffix {
	char suffix[DNAME_BUF_SIZE];
	size_t records;
} unasked_suffix;

typedef struct check_report {
	char service[DNAME_BUF_SIZE];
	char server[ENDPOINT_TEXT_MAX];
	bool probed;
	bool rpc;                      /* probes bound to the KMS interface */
	bool authoritative;
	suffix_report *suffixes;       /* owned, in the client's order */
	size_t suffix_count;
	char tcp_error[160];           /* why the --server failed over TCP
	                                  while it answered over UDP, or "" */
	size_t bare_records;           /* SRV records at "<service>." (no
	                                  suffix), a name clients never ask */
	unasked_suffix *unasked;       /* owned; parents of suffixes (two
	                                  labels or more) not on the list
	                                  whose SRV name has records */
	size_t unasked_count;
	long chosen;                   /* suffix a client uses, -1 if none */
	bool activates;                /* a client would reach a KMS host
	                                  through a documented suffix */
	bool via_devolution;           /* it would only through a devolved
	                                  suffix (undocumented): ACTIVATES is
	                                  false, CLIENT_CODE what it gets
	                                  without devolution */
	uint32_t client_code;          /* code a failing client logs */
	bool deadline_reached;         /* the run stopped at its deadline */
	uint64_t deadline_ms;          /* its length (check_limits.h) */
	char not_checked[200];         /* what the deadline left unchecked */
	finding *findings;             /* owned */
	size_t finding_count;
	size_t finding_capacity;
} check_report;

/* Make REPORT empty. */
void check_report_init(check_report *report);

/* Free everything REPORT owns. */
void check_report_free(check_report *report);

/*
 * Add a finding to REPORT. SUFFIX and TARGET may be NULL. Returns
 * KD_ENOMEM when the list cannot grow.
 */
kd_result check_report_add(check_report *report, finding_severity severity,
	const char *id, uint32_t code, const char *suffix, const char *target,
	const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/*
 * Add a finding about TARGET at ADDRESS (an NS or a KMS host) of SUFFIX:
 * its message is "<qname>: TARGET (ADDRESS)" followed by FMT, e.g.
 * " refuses TCP port 1688". Returns KD_ENOMEM when the list cannot grow.
 */
kd_result check_report_add_at(check_report *report, finding_severity severity,
	const char *id, uint32_t code, const suffix_report *suffix,
	const char *target, const char *address, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

/* Order the findings errors first, then warnings, then notes (stable). */
void check_report_sort_findings(check_report *report);

/* The highest severity among the findings; SEVERITY_NOTE when none. */
finding_severity check_report_worst(const check_report *report);

/*
 * The exit status: 2 when a finding is an error (a client in scope
 * fails), 1 when one is a warning, else 0.
 */
int check_report_exit_status(const check_report *report);

/*
 * What an admin should do about a finding with ID ("nxdomain",
 * "port_closed", ...); NULL for an id kmsdns-check does not use.
 */
const char *finding_remedy(const char *id);

/* "note", "warning", "error". */
const char *finding_severity_name(finding_severity severity);

/* "records", "nxdomain", ... */
const char *suffix_outcome_name(suffix_outcome outcome);

#endif /* KMSDNS_CHECK_REPORT_H */
