/*
 * dns_answer.c -- reading records out of ldns answers.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns_answer.h"

void
dns_answer_name(const ldns_rdf *name, char *out, size_t outlen)
{
	char *text = ldns_rdf2str(name);

	snprintf(out, outlen, "%s", text ? text : ".");
	free(text);
	dname_strip_dot(out);
	dname_tolower(out);
}

/* The question name and the names its CNAMEs lead to, in order. */
typedef struct answer_chain {
	const ldns_rdf *names[DNS_ANSWER_CHAIN_MAX + 1];
	size_t count;
	bool too_long;       /* a CNAME goes on past DNS_ANSWER_CHAIN_MAX */
} answer_chain;

/* The CNAME in ANSWER owned by NAME, or NULL. */
static const ldns_rdf *
cname_of(const ldns_rr_list *answer, const ldns_rdf *name)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(answer); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(answer, i);

		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME &&
			ldns_rr_rd_count(rr) == 1 &&
			ldns_dname_compare(ldns_rr_owner(rr), name) == 0) {
			return ldns_rr_rdf(rr, 0);
		}
	}
	return NULL;
}

/*
 * Follow the CNAMEs of PKT's answer from its question name, at most
 * DNS_ANSWER_CHAIN_MAX of them: one pass over the answer per link, so
 * the cost stays linear in the answer however long the chain.
 */
static void
follow_chain(const ldns_pkt *pkt, answer_chain *chain)
{
	const ldns_rr *question = ldns_rr_list_rr(ldns_pkt_question(pkt), 0);
	const ldns_rr_list *answer = ldns_pkt_answer(pkt);

	chain->count = 0;
	chain->too_long = false;
	if (question == NULL) {
		return;
	}
	chain->names[chain->count++] = ldns_rr_owner(question);
	for (;;) {
		const ldns_rdf *next = cname_of(answer,
			chain->names[chain->count - 1]);

		if (next == NULL) {
			return;
		}
		if (chain->count == DNS_ANSWER_CHAIN_MAX + 1) {
			chain->too_long = true;
			return;
		}
		/* a loop ends the chain */
		for (size_t i = 0; i < chain->count; i++) {
			if (ldns_dname_compare(chain->names[i], next) == 0) {
				return;
			}
		}
		chain->names[chain->count++] = next;
	}
}

/*
 * True when OWNER is on CHAIN: the question name or a name its CNAMEs
 * lead to. Other records in the answer are not about the question and
 * are ignored (RFC 2181 5.4.1).
 */
static bool
on_chain(const answer_chain *chain, const ldns_rdf *owner)
{
	for (size_t i = 0; i < chain->count; i++) {
		if (ldns_dname_compare(owner, chain->names[i]) == 0) {
			return true;
		}
	}
	return false;
}

size_t
dns_answer_chain(const ldns_pkt *pkt, bool *too_long)
{
	answer_chain chain;

	follow_chain(pkt, &chain);
	*too_long = chain.too_long;
	return chain.count > 0 ? chain.count - 1 : 0;
}

bool
dns_answer_srv(const ldns_pkt *pkt, srv_record **recs, size_t *count)
{
	const ldns_rr_list *answer = ldns_pkt_answer(pkt);
	size_t n = ldns_rr_list_rr_count(answer);
	srv_record *out = calloc(n ? n : 1, sizeof(*out));
	size_t used = 0;
	answer_chain chain;

	if (out == NULL) {
		return false;
	}
	follow_chain(pkt, &chain);
	for (size_t i = 0; i < n; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(answer, i);
		srv_record *rec = &out[used];

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_SRV ||
			ldns_rr_rd_count(rr) != 4 ||
			!on_chain(&chain, ldns_rr_owner(rr))) {
			continue;
		}
		rec->priority = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
		rec->weight = ldns_rdf2native_int16(ldns_rr_rdf(rr, 1));
		rec->port = ldns_rdf2native_int16(ldns_rr_rdf(rr, 2));
		rec->ttl = ldns_rr_ttl(rr);
		dns_answer_name(ldns_rr_rdf(rr, 3), rec->target,
			sizeof(rec->target));
		used++;
	}
	*recs = out;
	*count = used;
	return true;
}

/* qsort() order of SRV records: priority, weight, port, target. */
static int
compare_srv(const void *a, const void *b)
{
	const srv_record *x = a;
	const srv_record *y = b;

	if (x->priority != y->priority) {
		return x->priority < y->priority ? -1 : 1;
	}
	if (x->weight != y->weight) {
		return x->weight < y->weight ? -1 : 1;
	}
	if (x->port != y->port) {
		return x->port < y->port ? -1 : 1;
	}
	return strcmp(x->target, y->target);
}

char *
dns_answer_srv_rrset(const ldns_pkt *pkt, uint32_t *max_ttl)
{
	/* "65535 65535 65535 " + target + "\n" */
	const size_t line_max = 3 * 6 + DNAME_BUF_SIZE + 1;
	srv_record *recs;
	size_t count;
	size_t size;
	size_t used = 0;
	char *out;

	*max_ttl = 0;
	if (!dns_answer_srv(pkt, &recs, &count)) {
		return NULL;
	}
	qsort(recs, count, sizeof(*recs), compare_srv);
	size = count * line_max + 1;
	out = malloc(size);
	if (out == NULL) {
		free(recs);
		return NULL;
	}
	out[0] = '\0';
	for (size_t i = 0; i < count; i++) {
		if (recs[i].ttl > *max_ttl) {
			*max_ttl = recs[i].ttl;
		}
		used += (size_t)snprintf(out + used, size - used, "%u %u %u "
			"%s\n", (unsigned)recs[i].priority,
			(unsigned)recs[i].weight, (unsigned)recs[i].port,
			recs[i].target);
	}
	free(recs);
	return out;
}

bool
dns_answer_cname(const ldns_pkt *pkt, const char *name, char *out,
	size_t outlen)
{
	const ldns_rr_list *answer = ldns_pkt_answer(pkt);

	for (size_t i = 0; i < ldns_rr_list_rr_count(answer); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(answer, i);
		char owner[DNAME_BUF_SIZE];

		/* a record with empty rdata parses, but has no rdf */
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_CNAME ||
			ldns_rr_rd_count(rr) != 1) {
			continue;
		}
		dns_answer_name(ldns_rr_owner(rr), owner, sizeof(owner));
		if (dname_equal(owner, name)) {
			dns_answer_name(ldns_rr_rdf(rr, 0), out, outlen);
			return true;
		}
	}
	return false;
}

/* Append the NS names owned by ZONE in LIST to NAMES[*COUNT...]. */
static void
collect_ns(const ldns_rr_list *list, const char *zone,
	char (*names)[DNAME_BUF_SIZE], size_t *count)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(list); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(list, i);
		char owner[DNAME_BUF_SIZE];
		bool seen = false;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NS ||
			ldns_rr_rd_count(rr) != 1) {
			continue;
		}
		dns_answer_name(ldns_rr_owner(rr), owner, sizeof(owner));
		if (!dname_equal(owner, zone)) {
			continue;
		}
		dns_answer_name(ldns_rr_rdf(rr, 0), names[*count],
			DNAME_BUF_SIZE);
		for (size_t k = 0; !seen && k < *count; k++) {
			seen = strcmp(names[k], names[*count]) == 0;
		}
		if (!seen) {
			(*count)++;
		}
	}
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

bool
dns_answer_ns(const ldns_pkt *pkt, const char *zone, bool authority,
	char (**names)[DNAME_BUF_SIZE], size_t *count)
{
	size_t n = ldns_rr_list_rr_count(ldns_pkt_answer(pkt)) +
		(authority ? ldns_rr_list_rr_count(ldns_pkt_authority(pkt)) :
		0);

	*count = 0;
	*names = calloc(n ? n : 1, sizeof(**names));
	if (*names == NULL) {
		return false;
	}
	collect_ns(ldns_pkt_answer(pkt), zone, *names, count);
	if (authority) {
		collect_ns(ldns_pkt_authority(pkt), zone, *names, count);
	}
	qsort(*names, *count, sizeof(**names), compare_names);
	return true;
}

char *
dns_answer_join_names(const char (*names)[DNAME_BUF_SIZE], size_t count)
{
	char *out = malloc(count * DNAME_BUF_SIZE + 1);
	size_t used = 0;

	if (out == NULL) {
		return NULL;
	}
	out[0] = '\0';
	for (size_t i = 0; i < count; i++) {
		size_t len = strlen(names[i]);

		memcpy(out + used, names[i], len);
		out[used + len] = '\n';
		used += len + 1;
	}
	out[used] = '\0';
	return out;
}

bool
dns_answer_addresses(const ldns_pkt *pkt,
	bool (*fn)(const char *address, int family, const void *bytes,
		void *ctx), void *ctx)
{
	const ldns_rr_list *answer = ldns_pkt_answer(pkt);
	answer_chain chain;

	follow_chain(pkt, &chain);
	for (size_t i = 0; i < ldns_rr_list_rr_count(answer); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(answer, i);
		const ldns_rdf *rdf = ldns_rr_rdf(rr, 0);
		char text[INET6_ADDRSTRLEN];
		int family;

		/* a record with empty rdata parses, but has no rdf */
		if (rdf == NULL || !on_chain(&chain, ldns_rr_owner(rr))) {
			continue;
		}
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_A &&
			ldns_rdf_size(rdf) == 4) {
			family = AF_INET;
		} else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_AAAA &&
			ldns_rdf_size(rdf) == 16) {
			family = AF_INET6;
		} else {
			continue;
		}
		if (inet_ntop(family, ldns_rdf_data(rdf), text, sizeof(text)) &&
			!fn(text, family, ldns_rdf_data(rdf), ctx)) {
			return false;
		}
	}
	return true;
}

/* The first SOA of LIST. */
static const ldns_rr *
find_soa(const ldns_rr_list *list)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(list); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(list, i);

		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA &&
			ldns_rr_rd_count(rr) == 7) {
			return rr;
		}
	}
	return NULL;
}

bool
dns_answer_soa(const ldns_pkt *pkt, char *zone, size_t zonelen,
	uint32_t *serial, uint32_t *minimum)
{
	const ldns_rr *soa = find_soa(ldns_pkt_answer(pkt));

	if (soa == NULL) {
		soa = find_soa(ldns_pkt_authority(pkt));
	}
	if (soa == NULL) {
		return false;
	}
	dns_answer_name(ldns_rr_owner(soa), zone, zonelen);
	*serial = ldns_rdf2native_int32(ldns_rr_rdf(soa, 2));
	*minimum = ldns_rdf2native_int32(ldns_rr_rdf(soa, 6));
	return true;
}

bool
dns_answer_has_negative_soa(const ldns_pkt *pkt)
{
	return find_soa(ldns_pkt_authority(pkt)) != NULL;
}

void
dns_answer_rcode(const ldns_pkt *pkt, char *out, size_t outlen)
{
	ldns_pkt_rcode rcode = ldns_pkt_get_rcode(pkt);
	const ldns_lookup_table *entry = ldns_lookup_by_id(ldns_rcodes,
		(int)rcode);

	if (entry != NULL) {
		snprintf(out, outlen, "%s", entry->name);
	} else {
		snprintf(out, outlen, "RCODE%d", (int)rcode);
	}
}
