/*
 * pub_dns.c -- unsigned queries of the publisher.
 */
#include "config.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "dns_tcp.h"
#include "kd_array.h"
#include "pub_dns.h"

const char *
pub_dns_rcode_name(unsigned rcode, char *buf, size_t len)
{
	static const char *const names[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
		"REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
		"NOTZONE",
	};

	if (rcode < sizeof(names) / sizeof(names[0])) {
		return names[rcode];
	}
	snprintf(buf, len, "RCODE%u", rcode);
	return buf;
}

/* True when REPLY's question section is QUERY's one question. */
static bool
same_question(const ldns_pkt *reply, const ldns_pkt *query)
{
	const ldns_rr_list *a = ldns_pkt_question(reply);
	const ldns_rr_list *q = ldns_pkt_question(query);
	const ldns_rr *ra, *rq;

	if (ldns_rr_list_rr_count(a) != 1 || ldns_rr_list_rr_count(q) != 1) {
		return false;
	}
	ra = ldns_rr_list_rr(a, 0);
	rq = ldns_rr_list_rr(q, 0);
	return ldns_rr_get_type(ra) == ldns_rr_get_type(rq) &&
		ldns_rr_get_class(ra) == ldns_rr_get_class(rq) &&
		ldns_dname_compare(ldns_rr_owner(ra), ldns_rr_owner(rq)) == 0;
}

/* The name of TYPE ("SRV"), "?" for an unknown one. */
static const char *
type_name(ldns_rr_type type)
{
	const ldns_rr_descriptor *d = ldns_rr_descript(type);

	return d != NULL ? d->_name : "?";
}

/*
 * Ask SERVER for NAME/TYPE (RD set when RECURSE) and return the parsed
 * answer in *ANSWER (caller frees). An answer with another ID, without QR,
 * to another question, or with TC (nothing is truncated over TCP) is
 * malformed: KD_EDNS. Errors name the server and the question.
 */
static kd_result
ask(const endpoint *server, const char *name, ldns_rr_type type,
	bool recurse, unsigned timeout_ms, ldns_pkt **answer, kd_err *err)
{
	char where[ENDPOINT_TEXT_MAX];
	ldns_rdf *qname = ldns_dname_new_frm_str(name);
	ldns_pkt *query, *reply = NULL;
	uint8_t *wire = NULL, *bytes = NULL;
	size_t wire_len = 0, bytes_len = 0;
	kd_err detail;
	kd_result ret;

	endpoint_format(server, where, sizeof(where));
	if (qname == NULL) {
		return kd_err_set(err, KD_EINVAL, "bad query name %s", name);
	}
	query = ldns_pkt_query_new(qname, type, LDNS_RR_CLASS_IN,
		recurse ? LDNS_RD : 0);
	if (query == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	ldns_pkt_set_random_id(query);
	if (ldns_pkt2wire(&wire, query, &wire_len) != LDNS_STATUS_OK) {
		ldns_pkt_free(query);
		return kd_err_set(err, KD_ENOMEM, "cannot build a query");
	}
	ret = dns_tcp_exchange(server, wire, wire_len, timeout_ms, &bytes,
		&bytes_len, &detail);
	free(wire);
	if (ret != KD_OK) {
		ldns_pkt_free(query);
		return kd_err_set(err, ret, "query %s: %s", name, detail.text);
	}
	if (ldns_wire2pkt(&reply, bytes, bytes_len) != LDNS_STATUS_OK ||
	    ldns_pkt_id(reply) != ldns_pkt_id(query) || !ldns_pkt_qr(reply)) {
		ret = kd_err_set(err, KD_EDNS,
			"query %s: malformed answer from %s", name, where);
		ldns_pkt_free(reply);
		reply = NULL;
	} else if (!same_question(reply, query)) {
		ret = kd_err_set(err, KD_EDNS,
			"query %s %s: %s answered another question", name,
			type_name(type), where);
		ldns_pkt_free(reply);
		reply = NULL;
	} else if (ldns_pkt_tc(reply)) {
		/* nothing is cut over TCP: TC there is a malformed answer */
		ret = kd_err_set(err, KD_EDNS,
			"query %s: %s sent a truncated (TC) answer over TCP",
			name, where);
		ldns_pkt_free(reply);
		reply = NULL;
	}
	free(bytes);
	ldns_pkt_free(query);
	*answer = reply;
	return ret;
}

/* Canonical text of the dname RDF into OUT (DNAME_BUF_SIZE). */
static kd_result
rdf_to_name(const ldns_rdf *rdf, dname_rules rules, char *out, kd_err *err)
{
	char *text = ldns_rdf2str(rdf);
	kd_result ret;

	if (text == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	if (strcmp(text, ".") == 0) {
		snprintf(out, DNAME_BUF_SIZE, ".");
		ret = KD_OK;
	} else {
		ret = dname_normalize(text, rules, out, DNAME_BUF_SIZE, err);
	}
	free(text);
	return ret;
}

/* The first SOA of LIST, or NULL. */
static ldns_rr *
first_soa(const ldns_rr_list *list)
{
	for (size_t i = 0; list != NULL && i < ldns_rr_list_rr_count(list);
	     i++) {
		ldns_rr *rr = ldns_rr_list_rr(list, i);

		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA) {
			return rr;
		}
	}
	return NULL;
}

/* True when SERVER answers NAME/SOA with NOERROR (the name exists). */
static bool
domain_exists(const endpoint *server, const char *name, bool recurse,
	unsigned timeout_ms)
{
	ldns_pkt *answer;
	bool exists;

	if (pub_dns_read(server, name, LDNS_RR_TYPE_SOA, recurse, timeout_ms,
	    &answer, NULL) != KD_OK) {
		return false;
	}
	exists = ldns_pkt_get_rcode(answer) == LDNS_RCODE_NOERROR;
	ldns_pkt_free(answer);
	return exists;
}

/*
 * Check the rcode of ANSWER to the TYPE query for OWNER at WHERE: KD_OK for
 * NOERROR and NXDOMAIN; otherwise ANSWER is freed (pub_dns_read).
 */
static kd_result
check_rcode(ldns_pkt *answer, const char *where, const char *owner,
	const char *type, kd_err *err)
{
	const unsigned rcode = ldns_pkt_get_rcode(answer);
	char rbuf[16];
	kd_result code;

	switch (rcode) {
	case LDNS_RCODE_NOERROR:
	case LDNS_RCODE_NXDOMAIN:
		return KD_OK;
	case LDNS_RCODE_REFUSED:
	case LDNS_RCODE_NOTAUTH:
		ldns_pkt_free(answer);
		return kd_err_set(err, KD_ENOTAUTH,
			"%s is not authoritative for %s (%s query: %s)", where,
			owner, type, pub_dns_rcode_name(rcode, rbuf,
			sizeof(rbuf)));
	case LDNS_RCODE_SERVFAIL:
		code = KD_ESERVFAIL;
		break;
	default:
		code = KD_EDNS;
		break;
	}
	ldns_pkt_free(answer);
	return kd_err_set(err, code, "%s query %s at %s: %s", type, owner,
		where, pub_dns_rcode_name(rcode, rbuf, sizeof(rbuf)));
}

kd_result
pub_dns_read(const endpoint *server, const char *name, ldns_rr_type type,
	bool recurse, unsigned timeout_ms, ldns_pkt **answer, kd_err *err)
{
	char where[ENDPOINT_TEXT_MAX];
	kd_result ret;

	ret = ask(server, name, type, recurse, timeout_ms, answer, err);
	if (ret != KD_OK) {
		return ret;
	}
	endpoint_format(server, where, sizeof(where));
	ret = check_rcode(*answer, where, name, type_name(type), err);
	if (ret != KD_OK) {
		*answer = NULL;
	}
	return ret;
}

kd_result
pub_dns_each_answer(const endpoint *server, const char *name,
	ldns_rr_type type, bool recurse, unsigned timeout_ms,
	pub_dns_visit visit, void *ctx, kd_err *err)
{
	const ldns_rr_list *list;
	ldns_pkt *answer;
	kd_result ret;

	ret = pub_dns_read(server, name, type, recurse, timeout_ms, &answer,
		err);
	if (ret != KD_OK) {
		return ret;
	}
	list = ldns_pkt_answer(answer);
	for (size_t i = 0; ret == KD_OK && i < ldns_rr_list_rr_count(list);
	     i++) {
		ret = visit(list, ldns_rr_list_rr(list, i), name, type, ctx,
			err);
	}
	ldns_pkt_free(answer);
	return ret;
}

bool
pub_dns_rr_address(const ldns_rr *rr, ldns_rr_type type, int *family,
	const uint8_t **bytes)
{
	const ldns_rdf *rdf;

	if (ldns_rr_get_type(rr) != type || ldns_rr_rd_count(rr) != 1) {
		return false;
	}
	*family = type == LDNS_RR_TYPE_A ? AF_INET : AF_INET6;
	rdf = ldns_rr_rdf(rr, 0);
	*bytes = ldns_rdf_data(rdf);
	return ldns_rdf_size(rdf) == (*family == AF_INET ? 4 : 16);
}

bool
pub_dns_owner_is(const ldns_rr *rr, const char *name)
{
	ldns_rdf *want = ldns_dname_new_frm_str(name);
	bool same = want != NULL &&
		ldns_dname_compare(ldns_rr_owner(rr), want) == 0;

	ldns_rdf_deep_free(want);
	return same;
}

kd_result
pub_dns_find_zone(const endpoint *server, const char *owner,
	const char *anchor, bool recurse, unsigned timeout_ms, char *zone,
	char *mname, kd_err *err)
{
	char where[ENDPOINT_TEXT_MAX], rbuf[16];
	ldns_pkt *answer;
	ldns_rr *soa;
	unsigned rcode;
	kd_err detail;
	kd_result ret;

	endpoint_format(server, where, sizeof(where));
	ret = pub_dns_read(server, owner, LDNS_RR_TYPE_SOA, recurse,
		timeout_ms, &answer, err);
	if (ret != KD_OK) {
		return ret;
	}
	rcode = ldns_pkt_get_rcode(answer);
	soa = first_soa(ldns_pkt_answer(answer));
	if (soa == NULL) {
		soa = first_soa(ldns_pkt_authority(answer));
	}
	if (soa == NULL || ldns_rr_rd_count(soa) < 1) {
		ldns_pkt_free(answer);
		return kd_err_set(err, KD_ENOTZONE,
			"no zone for %s at %s (SOA query: %s%s)", owner, where,
			pub_dns_rcode_name(rcode, rbuf, sizeof(rbuf)),
			rcode == 0 ? ", no SOA" : "");
	}
	if (rcode == LDNS_RCODE_NXDOMAIN && !domain_exists(server, anchor,
	    recurse, timeout_ms)) {
		/* never fall back to a parent zone (a TLD, the root) */
		ldns_pkt_free(answer);
		return kd_err_set(err, KD_ENOTZONE,
			"no zone for %s at %s: %s does not exist", owner,
			where, anchor);
	}
	ret = rdf_to_name(ldns_rr_owner(soa), DNAME_OWNER, zone, &detail);
	if (ret == KD_OK) {
		ret = rdf_to_name(ldns_rr_rdf(soa, 0), DNAME_HOST, mname,
			&detail);
	}
	ldns_pkt_free(answer);
	if (ret != KD_OK) {
		return kd_err_set(err, KD_EDNS, "SOA of %s at %s: %s", owner,
			where, detail.text);
	}
	if (!dname_is_subdomain(owner, zone)) {
		return kd_err_set(err, KD_EDNS,
			"SOA for %s at %s names zone %s, which does not hold it",
			owner, where, zone);
	}
	return KD_OK;
}

/*
 * Fill REC from the SRV RR. A target that is no host name we handle (legal
 * in DNS: "a\"b\\c") belongs to another host: REC gets target "" so it
 * never matches ours and is carried through untouched.
 */
static kd_result
srv_from_rr(const ldns_rr *rr, srv_record *rec, kd_err *err)
{
	if (ldns_rr_rd_count(rr) != 4) {
		return kd_err_set(err, KD_EDNS, "malformed SRV record");
	}
	rec->priority = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
	rec->weight = ldns_rdf2native_int16(ldns_rr_rdf(rr, 1));
	rec->port = ldns_rdf2native_int16(ldns_rr_rdf(rr, 2));
	rec->ttl = ldns_rr_ttl(rr);
	if (rdf_to_name(ldns_rr_rdf(rr, 3), DNAME_OWNER, rec->target, NULL) !=
	    KD_OK) {
		rec->target[0] = '\0';
	}
	return KD_OK;
}

/* The SRV records read so far, and where from (for errors). */
struct srv_reading {
	const char *where;
	srv_record *recs;
	size_t n;
};

/* Check RR and append it to the reading CTX when it is an SRV record. */
static kd_result
add_answer_srv(const ldns_rr_list *answer, const ldns_rr *rr,
	const char *owner, ldns_rr_type type, void *ctx, kd_err *err)
{
	struct srv_reading *r = ctx;
	srv_record *grown;
	kd_err detail;
	kd_result ret;

	(void)answer;
	ret = pub_dns_answer_rr_check(rr, owner, type, &detail);
	if (ret == KD_OK && ldns_rr_get_type(rr) == type) {
		grown = kd_array_resize(r->recs, r->n + 1, sizeof(*grown));
		if (grown == NULL) {
			return kd_err_set(err, KD_ENOMEM, "out of memory");
		}
		r->recs = grown;
		ret = srv_from_rr(rr, &grown[r->n++], &detail);
	}
	if (ret != KD_OK) {
		return kd_err_set(err, ret, "SRV of %s at %s: %s", owner,
			r->where, detail.text);
	}
	return KD_OK;
}

kd_result
pub_dns_read_srv(const endpoint *server, const char *owner,
	unsigned timeout_ms, srv_record **records, size_t *count, kd_err *err)
{
	char where[ENDPOINT_TEXT_MAX];
	struct srv_reading r = { where, NULL, 0 };
	kd_result ret;

	endpoint_format(server, where, sizeof(where));
	ret = pub_dns_each_answer(server, owner, LDNS_RR_TYPE_SRV, false,
		timeout_ms, add_answer_srv, &r, err);
	if (ret != KD_OK) {
		free(r.recs);
		return ret;
	}
	*records = r.recs;
	*count = r.n;
	return KD_OK;
}

kd_result
pub_dns_answer_rr_check(const ldns_rr *rr, const char *name,
	ldns_rr_type type, kd_err *err)
{
	const ldns_rr_type got = ldns_rr_get_type(rr);
	char *owner;

	if (got == LDNS_RR_TYPE_CNAME || got == LDNS_RR_TYPE_DNAME) {
		return kd_err_set(err, KD_EDNS, "%s is behind an alias (%s)",
			name, got == LDNS_RR_TYPE_CNAME ? "CNAME" : "DNAME");
	}
	if (got != type || pub_dns_owner_is(rr, name)) {
		return KD_OK;
	}
	owner = ldns_rdf2str(ldns_rr_owner(rr));
	kd_err_set(err, KD_EDNS, "the answer holds a record of %s, not of %s",
		owner != NULL ? owner : "another name", name);
	free(owner);
	return KD_EDNS;
}

/* Set *CTX (a bool) when RR is the marker TXT at OWNER. */
static kd_result
find_marker(const ldns_rr_list *answer, const ldns_rr *rr, const char *owner,
	ldns_rr_type type, void *ctx, kd_err *err)
{
	const ldns_rdf *first;

	(void)answer;
	(void)err;
	if (ldns_rr_get_type(rr) != type || ldns_rr_rd_count(rr) < 1 ||
	    !pub_dns_owner_is(rr, owner)) {
		return KD_OK;
	}
	first = ldns_rr_rdf(rr, 0);
	/* a TXT string rdf: one length byte, then the text */
	if (ldns_rdf_size(first) == 1 + strlen(PUB_KMSDNS_MARKER) &&
	    memcmp(ldns_rdf_data(first) + 1, PUB_KMSDNS_MARKER,
	    strlen(PUB_KMSDNS_MARKER)) == 0) {
		*(bool *)ctx = true;
	}
	return KD_OK;
}

kd_result
pub_dns_is_kmsdns(const endpoint *server, const char *zone,
	unsigned timeout_ms, bool *is_kmsdns, kd_err *err)
{
	char owner[DNAME_BUF_SIZE + 16];

	*is_kmsdns = false;
	snprintf(owner, sizeof(owner), "%s.%s", PUB_KMSDNS_MARKER_OWNER, zone);
	return pub_dns_each_answer(server, owner, LDNS_RR_TYPE_TXT, false,
		timeout_ms, find_marker, is_kmsdns, err);
}

kd_result
pub_dns_system_resolver(endpoint *out, kd_err *err)
{
	ldns_resolver *res = NULL;
	char text[ENDPOINT_TEXT_MAX];
	char *addr;
	kd_result ret;

	if (ldns_resolver_new_frm_file(&res, NULL) != LDNS_STATUS_OK ||
	    ldns_resolver_nameserver_count(res) == 0) {
		ldns_resolver_deep_free(res);
		return kd_err_set(err, KD_ENOENT,
			"no nameserver in /etc/resolv.conf: give --server");
	}
	addr = ldns_rdf2str(ldns_resolver_nameservers(res)[0]);
	ldns_resolver_deep_free(res);
	if (addr == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	snprintf(text, sizeof(text), "%s", addr);
	free(addr);
	ret = endpoint_parse(text, 53, out, err);
	return ret;
}

/*
 * True when RR's owner is NAME or, through CNAME records of LIST, an alias
 * target reached from NAME (at most 8 steps).
 */
static bool
owner_in_chain(const ldns_rr_list *list, const ldns_rr *rr, const char *name)
{
	ldns_rdf *current = ldns_dname_new_frm_str(name);
	bool found = false;

	for (int step = 0; current != NULL && step < 8 && !found; step++) {
		const ldns_rdf *next = NULL;

		if (ldns_dname_compare(ldns_rr_owner(rr), current) == 0) {
			found = true;
			break;
		}
		for (size_t i = 0; i < ldns_rr_list_rr_count(list); i++) {
			const ldns_rr *c = ldns_rr_list_rr(list, i);

			if (ldns_rr_get_type(c) == LDNS_RR_TYPE_CNAME &&
			    ldns_rr_rd_count(c) == 1 &&
			    ldns_dname_compare(ldns_rr_owner(c), current) == 0) {
				next = ldns_rr_rdf(c, 0);
			}
		}
		ldns_rdf_deep_free(current);
		current = next != NULL ? ldns_rdf_clone(next) : NULL;
	}
	ldns_rdf_deep_free(current);
	return found;
}

/*
 * Fill the endpoint CTX, empty but for its port, from RR when RR holds the
 * first address of NAME's.
 */
static kd_result
take_first_address(const ldns_rr_list *answer, const ldns_rr *rr,
	const char *name, ldns_rr_type type, void *ctx, kd_err *err)
{
	endpoint *out = ctx;
	const uint8_t *bytes;
	int family;

	(void)err;
	/* a resolver may answer through CNAMEs: follow them */
	if (out->addrlen == 0 && pub_dns_rr_address(rr, type, &family,
	    &bytes) && owner_in_chain(answer, rr, name)) {
		endpoint_from_address(family, bytes, out->port, out);
	}
	return KD_OK;
}

kd_result
pub_dns_resolve_at(const endpoint *resolver, const char *name, uint16_t port,
	bool recurse, unsigned timeout_ms, endpoint *out, kd_err *err)
{
	static const ldns_rr_type types[2] = { LDNS_RR_TYPE_A,
		LDNS_RR_TYPE_AAAA };

	memset(out, 0, sizeof(*out));
	out->port = port;
	for (int t = 0; t < 2 && out->addrlen == 0; t++) {
		kd_result ret;

		ret = pub_dns_each_answer(resolver, name, types[t], recurse,
			timeout_ms, take_first_address, out, err);
		if (ret != KD_OK) {
			return ret;
		}
	}
	if (out->addrlen != 0) {
		return KD_OK;
	}
	return kd_err_set(err, KD_ENXDOMAIN,
		"the primary %s has no address", name);
}

kd_result
pub_dns_resolve_host(const char *name, uint16_t port, endpoint *out,
	kd_err *err)
{
	struct addrinfo hints, *list = NULL;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(name, NULL, &hints, &list);
	if (rc != 0 || list == NULL) {
		return kd_err_set(err, KD_ENXDOMAIN,
			"cannot resolve the primary %s: %s", name,
			gai_strerror(rc));
	}
	memset(out, 0, sizeof(*out));
	memcpy(&out->addr, list->ai_addr, list->ai_addrlen);
	out->addrlen = list->ai_addrlen;
	out->port = port;
	if (out->addr.ss_family == AF_INET) {
		((struct sockaddr_in *)&out->addr)->sin_port = htons(port);
	} else {
		((struct sockaddr_in6 *)&out->addr)->sin6_port = htons(port);
	}
	freeaddrinfo(list);
	return KD_OK;
}
