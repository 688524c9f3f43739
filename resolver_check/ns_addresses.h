/*
 * ns_addresses.h -- the addresses of a zone's NS names, as one server
 * (the --server) gives them, for the checks that then ask each NS.
 *
 * ns_addresses_ask() takes the NS names from an answer and queues A and
 * AAAA for each; after query_engine_run(), ns_addresses_collect() gathers
 * the addresses (name by name, A before AAAA) as endpoints to ask. A
 * zeroed ns_addresses is empty; ns_addresses_free() frees what it owns.
 */
#ifndef KMSDNS_NS_ADDRESSES_H
#define KMSDNS_NS_ADDRESSES_H

#include <netinet/in.h>
#include "check_report.h"
#include "dname.h"
#include "query_engine.h"

/* One address of one NS name. */
typedef struct ns_server {
	char name[DNAME_BUF_SIZE];
	char address[INET6_ADDRSTRLEN];
	endpoint at;                   /* the address on the port to ask */
} ns_server;

typedef struct ns_addresses {
	char (*names)[DNAME_BUF_SIZE]; /* owned; the NS names, at most
	                                  CHECK_NS_MAX (check_limits.h) */
	size_t name_count;
	size_t names_found;            /* NS names in the answer */
	bool addresses_capped;         /* a name had more than
	                                  CHECK_ADDRESS_MAX addresses */
	size_t *ids;                   /* owned; 2 per name: A, AAAA query */
	ns_server *servers;            /* owned; filled by collect */
	size_t server_count;
} ns_addresses;

/*
 * Read the NS names of ZONE from the answer section of PKT into the empty
 * NS and add their A and AAAA queries, with RD, to SERVER on ENGINE.
 * Returns KD_ENOMEM or KD_EINVAL.
 */
kd_result ns_addresses_ask(ns_addresses *ns, query_engine *engine,
	const ldns_pkt *pkt, const char *zone, const endpoint *server,
	kd_err *err);

/*
 * Gather the addresses the run queries found into NS->servers, each with
 * its endpoint on PORT: each distinct address once (under the first name
 * that has it), at most CHECK_ADDRESS_MAX per name. Returns KD_ENOMEM or
 * KD_EINVAL.
 */
kd_result ns_addresses_collect(ns_addresses *ns, const query_engine *engine,
	uint16_t port, kd_err *err);

/*
 * Add to REPORT the findings for the limits NS hit (too_many_ns,
 * too_many_addresses), about ZONE of SUFFIX. Returns KD_ENOMEM.
 */
kd_result ns_limits_findings(check_report *report, const char *suffix,
	const char *zone, const ns_addresses *ns);

/* Free what NS owns (not NS itself). */
void ns_addresses_free(ns_addresses *ns);

#endif /* KMSDNS_NS_ADDRESSES_H */
