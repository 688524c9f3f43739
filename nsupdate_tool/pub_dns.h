/*
 * pub_dns.h -- the unsigned queries the publisher makes: the zone and
 * primary of a name, the SRV RRset there, the kmsdns DLZ marker, the
 * confirmation after an UPDATE. All over TCP to one server, with ldns for
 * the packets.
 */
#ifndef KMSDNS_PUB_DNS_H
#define KMSDNS_PUB_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <ldns/ldns.h>
#include "dname.h"
#include "endpoint.h"
#include "kd_result.h"
#include "srv.h"

/* TXT at _kmsdns.<zone> whose first string marks a kmsdns DLZ zone. */
#define PUB_KMSDNS_MARKER_OWNER "_kmsdns"
#define PUB_KMSDNS_MARKER "v=kmsdns1"

/*
 * Ask SERVER for NAME/TYPE (RD set when RECURSE) and return the parsed
 * answer in *ANSWER (caller frees with ldns_pkt_free). Errors name the
 * server and the question.
 */
kd_result pub_dns_query(const endpoint *server, const char *name,
	ldns_rr_type type, bool recurse, unsigned timeout_ms,
	ldns_pkt **answer, kd_err *err);

/*
 * Find the zone that holds OWNER by asking SERVER for its SOA: write the
 * zone name and the SOA MNAME (the primary) in canonical form to ZONE and
 * MNAME (DNAME_BUF_SIZE each). KD_ENOTAUTH when SERVER answers REFUSED or
 * NOTAUTH (not authoritative); KD_ENOTZONE when the answer has no SOA, or
 * when OWNER does not exist and neither does ANCHOR (the name that must
 * exist: the domain of a _vlmcs._tcp owner), so that no parent zone (a
 * TLD, the root) is ever taken for it.
 */
kd_result pub_dns_find_zone(const endpoint *server, const char *owner,
	const char *anchor, bool recurse, unsigned timeout_ms, char *zone,
	char *mname, kd_err *err);

/*
 * Read the SRV RRset at OWNER from SERVER into a new array *RECORDS
 * (caller frees) of *COUNT records; an absent name or RRset gives 0.
 * KD_ENOTAUTH when SERVER answers REFUSED or NOTAUTH (it is not
 * authoritative: not the zone's primary).
 */
kd_result pub_dns_read_srv(const endpoint *server, const char *owner,
	unsigned timeout_ms, srv_record **records, size_t *count,
	kd_err *err);

/* Set *IS_KMSDNS when SERVER has the kmsdns marker TXT for ZONE. */
kd_result pub_dns_is_kmsdns(const endpoint *server, const char *zone,
	unsigned timeout_ms, bool *is_kmsdns, kd_err *err);

/*
 * The first nameserver of the system resolver (/etc/resolv.conf) as an
 * endpoint on port 53.
 */
kd_result pub_dns_system_resolver(endpoint *out, kd_err *err);

/*
 * Resolve the host NAME to OUT on PORT by asking RESOLVER for its A, then
 * its AAAA records (RD set when RECURSE); the first address wins.
 */
kd_result pub_dns_resolve_at(const endpoint *resolver, const char *name,
	uint16_t port, bool recurse, unsigned timeout_ms, endpoint *out,
	kd_err *err);

/* Resolve the host NAME (A, then AAAA) to OUT on PORT with getaddrinfo. */
kd_result pub_dns_resolve_host(const char *name, uint16_t port, endpoint *out,
	kd_err *err);

/* The name of RCODE ("REFUSED"), "RCODE<n>" for unknown ones (BUF). */
const char *pub_dns_rcode_name(unsigned rcode, char *buf, size_t len);

#endif /* KMSDNS_PUB_DNS_H */
