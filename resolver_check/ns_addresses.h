/*
 * ns_addresses.h -- the servers of a zone, as one server (the --server)
 * gives them, for the checks that then ask each of them.
 *
 * Four rounds on one engine: ns_addresses_ask_soa() queues SOA <name>;
 * after the run, ns_addresses_ask_zone_ns() takes the zone from its answer
 * and queues NS <zone>; after that run, ns_addresses_ask_addresses()
 * queues A and AAAA for each NS name; after that run,
 * ns_addresses_collect() gathers the addresses (name by name, A before
 * AAAA) as the servers to ask, and ns_addresses_ask_each() queues one
 * question to every one of them. A zeroed ns_addresses is empty;
 * ns_addresses_free() frees what it owns.
 */
#ifndef KMSDNS_NS_ADDRESSES_H
#define KMSDNS_NS_ADDRESSES_H

#include <netinet/in.h>
#include "check_report.h"
#include "check_rounds.h"
#include "dname.h"
#include "query_engine.h"

/* One address of one NS name. */
typedef struct ns_server {
	char name[DNAME_BUF_SIZE];
	char address[INET6_ADDRSTRLEN];
	endpoint at;                   /* the address on the port to ask */
} ns_server;

typedef struct ns_addresses {
	const char *zone;              /* the zone, NULL until asked; not
	                                  owned */
	const endpoint *asked;         /* the server asked; not owned */
	size_t soa_id;                 /* SOA <name> to it */
	size_t ns_id;                  /* NS <zone> to it */
	bool answered;                 /* it answered NS <zone> */
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
 * Queue SOA <NAME>, with RD, to SERVER on ENGINE for the empty NS, to
 * learn the zone that holds NAME. SERVER must outlive NS. Returns
 * KD_ENOMEM or KD_EINVAL.
 */
kd_result ns_addresses_ask_soa(ns_addresses *ns, query_engine *engine,
	const char *name, const endpoint *server, kd_err *err);

/*
 * After the run of ns_addresses_ask_soa(): the zone its answer names into
 * ZONE (DNAME_BUF_SIZE, must outlive NS) and the zone's SOA minimum into
 * *MINIMUM, then queue NS <ZONE>, with RD, to the same server. ZONE is ""
 * and nothing is queued when there is no SOA, when the zone does not hold
 * CHILD, or, with STRICT (a parent zone is wanted), when it is CHILD
 * itself. Returns KD_ENOMEM or KD_EINVAL.
 */
kd_result ns_addresses_ask_zone_ns(ns_addresses *ns, query_engine *engine,
	const char *child, bool strict, char *zone, uint32_t *minimum,
	kd_err *err);

/*
 * After the run of ns_addresses_ask_ns(): read the NS names of the zone
 * from the answer and queue their A and AAAA, with RD, to the same
 * server. Nothing when NS was not asked or not answered. Returns
 * KD_ENOMEM or KD_EINVAL.
 */
kd_result ns_addresses_ask_addresses(ns_addresses *ns, query_engine *engine,
	kd_err *err);

/*
 * ns_addresses_ask_addresses() as a round of a check (check_rounds.h)
 * whose per-suffix ITEM starts with its ns_addresses.
 */
kd_result ns_addresses_round(const check_config *config, query_engine *engine,
	suffix_report *suffix, void *item, kd_err *err);

/*
 * Gather the addresses the run queries found into NS->servers, each with
 * its endpoint on PORT: each distinct address once (under the first name
 * that has it), at most CHECK_ADDRESS_MAX per name. Returns KD_ENOMEM.
 */
kd_result ns_addresses_collect(ns_addresses *ns, const query_engine *engine,
	uint16_t port, kd_err *err);

/*
 * Queue NAME and TYPE, without RD, to every server of NS (collected) on
 * ENGINE; *IDS becomes a new array (owned by the caller) of their ids, in
 * the order of NS->servers. Returns KD_ENOMEM or KD_EINVAL.
 */
kd_result ns_addresses_ask_each(const ns_addresses *ns, query_engine *engine,
	const char *name, ldns_rr_type type, size_t **ids, kd_err *err);

/*
 * Add to REPORT the findings for the limits NS hit (too_many_ns,
 * too_many_addresses), about ZONE of SUFFIX. Returns KD_ENOMEM.
 */
kd_result ns_limits_findings(check_report *report, const char *suffix,
	const char *zone, const ns_addresses *ns);

/* Free what NS owns (not NS itself). */
void ns_addresses_free(ns_addresses *ns);

#endif /* KMSDNS_NS_ADDRESSES_H */
