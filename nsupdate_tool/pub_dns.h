/*
 * pub_dns.h -- the unsigned queries the publisher makes: the zone and
 * primary of a name, the SRV RRset there, the kmsdns DLZ marker, the
 * confirmation after an UPDATE. All over TCP (dns_tcp.h) to one server,
 * with ldns for the packets: UPDATEs must go over TCP (GSS-TSIG tokens are
 * large, and a UDP retransmission of the same signed bytes is a replay to
 * BIND), and the queries go the same way.
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
 * The one reader of the publisher: ask SERVER for NAME/TYPE (RD set when
 * RECURSE) and check the rcode. KD_OK with the parsed answer in *ANSWER
 * (caller frees with ldns_pkt_free) for NOERROR and NXDOMAIN (the caller
 * tells them apart). Otherwise *ANSWER is NULL and the result is
 * KD_ENOTAUTH (REFUSED, NOTAUTH: SERVER is not authoritative),
 * KD_ESERVFAIL, or KD_EDNS (any other rcode; an answer with another ID,
 * without QR, to another question, or with TC: nothing is truncated over
 * TCP), or the transport's KD_ETIMEOUT or KD_ENET; ERR names SERVER, NAME,
 * the type and the rcode.
 */
kd_result pub_dns_read(const endpoint *server, const char *name,
	ldns_rr_type type, bool recurse, unsigned timeout_ms,
	ldns_pkt **answer, kd_err *err);

/*
 * One record RR of the answer section ANSWER to the NAME/TYPE query,
 * handed to a reader with its CTX: KD_OK goes on to the next record, any
 * other result (ERR set) stops the walk.
 */
typedef kd_result (*pub_dns_visit)(const ldns_rr_list *answer,
	const ldns_rr *rr, const char *name, ldns_rr_type type, void *ctx,
	kd_err *err);

/*
 * Read NAME/TYPE at SERVER (pub_dns_read, RD set when RECURSE) and hand
 * each record of the answer section in turn to VISIT with CTX. KD_OK when
 * every record was visited (there are none in an NXDOMAIN answer); the
 * read's error or the first error of VISIT otherwise.
 */
kd_result pub_dns_each_answer(const endpoint *server, const char *name,
	ldns_rr_type type, bool recurse, unsigned timeout_ms,
	pub_dns_visit visit, void *ctx, kd_err *err);

/*
 * True when RR is a TYPE (A or AAAA) record with one address of the size
 * its family wants: the family (AF_INET, AF_INET6) in *FAMILY, the address
 * bytes in *BYTES.
 */
bool pub_dns_rr_address(const ldns_rr *rr, ldns_rr_type type, int *family,
	const uint8_t **bytes);

/* True when RR's owner is NAME (no case, trailing dot optional). */
bool pub_dns_owner_is(const ldns_rr *rr, const char *name);

/*
 * Check one answer-section RR of a TYPE query for NAME before it is used:
 * KD_EDNS when it is a CNAME or DNAME (NAME is an alias: its records are
 * not NAME's) or a TYPE record owned by another name. KD_OK otherwise
 * (records of other types, e.g. RRSIG, are for the caller to skip).
 */
kd_result pub_dns_answer_rr_check(const ldns_rr *rr, const char *name,
	ldns_rr_type type, kd_err *err);

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
 * (caller frees) of *COUNT records; an absent name or RRset gives 0 (and
 * *RECORDS NULL). The
 * rcode is checked (pub_dns_read: KD_ENOTAUTH when SERVER is not
 * authoritative, KD_ESERVFAIL...), and so is every answer record
 * (pub_dns_answer_rr_check: no alias, no SRV of another owner). A target
 * that is not a host name (another host's odd but legal name) is read
 * with target "": it is never ours and is left untouched.
 */
kd_result pub_dns_read_srv(const endpoint *server, const char *owner,
	unsigned timeout_ms, srv_record **records, size_t *count,
	kd_err *err);

/*
 * Set *IS_KMSDNS when SERVER has the kmsdns marker TXT for ZONE. A failed
 * read (pub_dns_read) is an error, not "no marker".
 */
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
