/*
 * dns_answer.h -- reading the records kmsdns-check needs out of an ldns
 * answer: SRV records, addresses, CNAMEs, SOA fields, rcode names.
 */
#ifndef KMSDNS_DNS_ANSWER_H
#define KMSDNS_DNS_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ldns/ldns.h>
#include "dname.h"
#include "srv.h"

/* Write NAME (an ldns dname) in canonical form to OUT; "." for the root. */
void dns_answer_name(const ldns_rdf *name, char *out, size_t outlen);

/* CNAME links followed from the question name, at most (as resolvers
 * cap chains: BIND and Unbound stop after a few more). */
#define DNS_ANSWER_CHAIN_MAX 8

/*
 * The readers below take only records owned by the question name or by a
 * name the answer's CNAMEs lead to from it (at most DNS_ANSWER_CHAIN_MAX
 * links); other records in an answer are not about the question and are
 * ignored (RFC 2181 5.4.1). Each reads the answer in linear time.
 */

/*
 * The number of CNAME links of PKT's answer followed from its question
 * name; *TOO_LONG is set when the chain goes on past DNS_ANSWER_CHAIN_MAX.
 */
size_t dns_answer_chain(const ldns_pkt *pkt, bool *too_long);

/*
 * The SRV records of the answer section of PKT into a new array *RECS
 * (owned by the caller) of *COUNT entries; TTL filled. Returns false when
 * out of memory.
 */
bool dns_answer_srv(const ldns_pkt *pkt, srv_record **recs, size_t *count);

/*
 * The SRV records of the answer section of PKT as a new string (owned by
 * the caller) of "PRIORITY WEIGHT PORT TARGET" lines sorted by those
 * fields, "" when there are none; *MAX_TTL is their largest TTL. Two
 * answers with the same RRset give the same string. NULL when out of
 * memory.
 */
char *dns_answer_srv_rrset(const ldns_pkt *pkt, uint32_t *max_ttl);

/*
 * True when PKT has an SOA record in its authority section, as a
 * negative answer (NXDOMAIN or NODATA) must for resolvers to cache it.
 */
bool dns_answer_has_negative_soa(const ldns_pkt *pkt);

/*
 * If the answer section holds a CNAME owned by NAME, write its target to
 * OUT and return true.
 */
bool dns_answer_cname(const ldns_pkt *pkt, const char *name, char *out,
	size_t outlen);

/*
 * The names of the NS records owned by ZONE in the answer section of PKT
 * and, with AUTHORITY, in its authority section (where a referral puts
 * them), sorted and without duplicates, into a new array *NAMES (owned by
 * the caller) of *COUNT entries. The question rule above does not apply:
 * a referral's NS records are owned by the zone, not by the question.
 * False when out of memory.
 */
bool dns_answer_ns(const ldns_pkt *pkt, const char *zone, bool authority,
	char (**names)[DNAME_BUF_SIZE], size_t *count);

/* NAMES (COUNT entries) as a new string of "NAME\n" lines; NULL: ENOMEM. */
char *dns_answer_join_names(const char (*names)[DNAME_BUF_SIZE],
	size_t count);

/*
 * Call FN(ADDRESS_TEXT, FAMILY, BYTES, CTX) for each A/AAAA in the answer
 * of PKT, until FN returns false (out of memory); false then.
 */
bool dns_answer_addresses(const ldns_pkt *pkt,
	bool (*fn)(const char *address, int family, const void *bytes,
		void *ctx), void *ctx);

/*
 * The SOA record of the answer (or, failing that, authority) section of
 * PKT: its owner in ZONE, serial and minimum. False when there is none.
 */
bool dns_answer_soa(const ldns_pkt *pkt, char *zone, size_t zonelen,
	uint32_t *serial, uint32_t *minimum);

/* The rcode of PKT as text ("NOERROR", "NXDOMAIN", ...) into OUT. */
void dns_answer_rcode(const ldns_pkt *pkt, char *out, size_t outlen);

#endif /* KMSDNS_DNS_ANSWER_H */
