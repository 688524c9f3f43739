/*
 * pub_addr.c -- the host's A/AAAA records.
 */
#include "config.h"

#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <ldns/ldns.h>

#include "pub_addr.h"
#include "pub_dns.h"
#include "pub_update.h"

/* Index of FAMILY in a plan: 0 for A, 1 for AAAA. */
static int
family_index(int family)
{
	return family == AF_INET6 ? 1 : 0;
}

static bool
set_has(const pub_addr_set *set, int family, const char *text)
{
	for (size_t i = 0; i < set->count; i++) {
		if (set->addrs[i].family == family &&
		    strcmp(set->addrs[i].text, text) == 0) {
			return true;
		}
	}
	return false;
}

/* Append the binary address BYTES of FAMILY with TTL. */
static kd_result
set_append(pub_addr_set *set, int family, const void *bytes, uint32_t ttl,
	kd_err *err)
{
	char text[INET6_ADDRSTRLEN];

	if (inet_ntop(family, bytes, text, sizeof(text)) == NULL) {
		return kd_err_set(err, KD_EINVAL, "unprintable address");
	}
	if (set_has(set, family, text)) {
		return KD_OK;
	}
	if (set->count == PUB_ADDR_MAX) {
		return kd_err_set(err, KD_EFULL,
			"more than %d addresses", PUB_ADDR_MAX);
	}
	set->addrs[set->count].family = family;
	set->addrs[set->count].ttl = ttl;
	memcpy(set->addrs[set->count].text, text, sizeof(text));
	set->count++;
	return KD_OK;
}

kd_result
pub_addr_add(pub_addr_set *set, const char *text, kd_err *err)
{
	unsigned char bytes[16];

	if (inet_pton(AF_INET, text, bytes) == 1) {
		return set_append(set, AF_INET, bytes, 0, err);
	}
	if (inet_pton(AF_INET6, text, bytes) == 1) {
		return set_append(set, AF_INET6, bytes, 0, err);
	}
	return kd_err_set(err, KD_EINVAL, "\"%s\" is not an IP address",
		text);
}

/* A global unicast address (not loopback, link-local, multicast). */
static bool
is_global(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		uint32_t a = ntohl(((const struct sockaddr_in *)sa)->
			sin_addr.s_addr);

		return (a >> 24) != 127 && (a >> 16) != 0xa9fe &&
			(a >> 28) != 0xe && a != 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a =
			&((const struct sockaddr_in6 *)sa)->sin6_addr;

		return !IN6_IS_ADDR_LOOPBACK(a) && !IN6_IS_ADDR_LINKLOCAL(a) &&
			!IN6_IS_ADDR_MULTICAST(a) &&
			!IN6_IS_ADDR_UNSPECIFIED(a) && !IN6_IS_ADDR_V4MAPPED(a);
	}
	return false;
}

kd_result
pub_addr_local(pub_addr_set *set, kd_err *err)
{
	struct ifaddrs *list, *ifa;
	kd_result ret = KD_OK;

	if (getifaddrs(&list) != 0) {
		return kd_err_set(err, KD_EIO,
			"cannot list this machine's addresses: give --address");
	}
	for (ifa = list; ifa != NULL && ret == KD_OK; ifa = ifa->ifa_next) {
		if (ifa->ifa_addr == NULL || !is_global(ifa->ifa_addr)) {
			continue;
		}
		if (ifa->ifa_addr->sa_family == AF_INET) {
			ret = set_append(set, AF_INET,
				&((struct sockaddr_in *)ifa->ifa_addr)->
				sin_addr, 0, err);
		} else {
			ret = set_append(set, AF_INET6,
				&((struct sockaddr_in6 *)ifa->ifa_addr)->
				sin6_addr, 0, err);
		}
	}
	freeifaddrs(list);
	if (ret == KD_OK && set->count == 0) {
		ret = kd_err_set(err, KD_ENOENT,
			"this machine has no global address: give --address");
	}
	return ret;
}

/* True when CURRENT's FAMILY records are exactly WANTED's, all with TTL. */
static bool
family_matches(const pub_addr_set *current, const pub_addr_set *wanted,
	int family, uint32_t ttl)
{
	size_t have = 0, want = 0;

	for (size_t i = 0; i < current->count; i++) {
		if (current->addrs[i].family != family) {
			continue;
		}
		if (current->addrs[i].ttl != ttl ||
		    !set_has(wanted, family, current->addrs[i].text)) {
			return false;
		}
		have++;
	}
	for (size_t i = 0; i < wanted->count; i++) {
		want += wanted->addrs[i].family == family;
	}
	return have == want;
}

static bool
set_has_family(const pub_addr_set *set, int family)
{
	for (size_t i = 0; i < set->count; i++) {
		if (set->addrs[i].family == family) {
			return true;
		}
	}
	return false;
}

void
pub_addr_plan_compute(const pub_addr_set *current, const pub_addr_set *wanted,
	uint32_t ttl, pub_addr_plan *plan)
{
	static const int families[2] = { AF_INET, AF_INET6 };
	bool existed = false;

	memset(plan, 0, sizeof(*plan));
	for (int i = 0; i < 2; i++) {
		if (!set_has_family(wanted, families[i]) ||
		    family_matches(current, wanted, families[i], ttl)) {
			continue;
		}
		plan->replace[i] = true;
		existed = existed || set_has_family(current, families[i]);
	}
	if (!plan->replace[0] && !plan->replace[1]) {
		plan->action = PUB_ACTION_UNCHANGED;
	} else {
		plan->action = existed ? PUB_ACTION_UPDATED :
			PUB_ACTION_ADDED;
	}
}

/* Check RR and add its address to the set CTX when it has one. */
static kd_result
add_answer_address(const ldns_rr_list *answer, const ldns_rr *rr,
	const char *host, ldns_rr_type type, void *ctx, kd_err *err)
{
	const uint8_t *bytes;
	int family;
	kd_result ret;

	(void)answer;
	ret = pub_dns_answer_rr_check(rr, host, type, err);
	if (ret != KD_OK || !pub_dns_rr_address(rr, type, &family, &bytes)) {
		return ret;
	}
	return set_append(ctx, family, bytes, ldns_rr_ttl(rr), err);
}

kd_result
pub_addr_read(const endpoint *server, const char *host, unsigned timeout_ms,
	pub_addr_set *set, kd_err *err)
{
	static const ldns_rr_type types[2] = { LDNS_RR_TYPE_A,
		LDNS_RR_TYPE_AAAA };
	kd_result ret = KD_OK;

	memset(set, 0, sizeof(*set));
	/* a failed read is no "no addresses": that plans a replace */
	for (int t = 0; t < 2 && ret == KD_OK; t++) {
		ret = pub_dns_each_answer(server, host, types[t], false,
			timeout_ms, add_answer_address, set, err);
	}
	return ret;
}

/* Push the RR of TEXT with CLASS and TTL onto LIST; false on failure. */
static bool
push_rr(ldns_rr_list *list, const char *text, ldns_rr_class klass,
	uint32_t ttl)
{
	ldns_rr *rr = NULL;

	if (ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL) != LDNS_STATUS_OK) {
		return false;
	}
	ldns_rr_set_class(rr, klass);
	ldns_rr_set_ttl(rr, ttl);
	if (!ldns_rr_list_push_rr(list, rr)) {
		ldns_rr_free(rr);
		return false;
	}
	return true;
}

/* Push the RRset deletion (class ANY, no rdata) of HOST/TYPE. */
static bool
push_delete_rrset(ldns_rr_list *list, const char *host, ldns_rr_type type)
{
	ldns_rr *rr = ldns_rr_new();
	ldns_rdf *owner = ldns_dname_new_frm_str(host);

	if (rr == NULL || owner == NULL) {
		ldns_rr_free(rr);
		ldns_rdf_deep_free(owner);
		return false;
	}
	ldns_rr_set_owner(rr, owner);
	ldns_rr_set_type(rr, type);
	ldns_rr_set_class(rr, LDNS_RR_CLASS_ANY);
	ldns_rr_set_ttl(rr, 0);
	if (!ldns_rr_list_push_rr(list, rr)) {
		ldns_rr_free(rr);
		return false;
	}
	return true;
}

kd_result
pub_addr_update_build(const char *zone, const char *host,
	const pub_addr_plan *plan, const pub_addr_set *wanted, uint32_t ttl,
	uint8_t **wire, size_t *len, kd_err *err)
{
	static const ldns_rr_type types[2] = { LDNS_RR_TYPE_A,
		LDNS_RR_TYPE_AAAA };
	ldns_rr_list *updates = ldns_rr_list_new();
	char what[DNAME_BUF_SIZE + 32];
	bool ok = updates != NULL;

	for (int t = 0; ok && t < 2; t++) {
		if (!plan->replace[t]) {
			continue;
		}
		ok = push_delete_rrset(updates, host, types[t]);
		for (size_t i = 0; ok && i < wanted->count; i++) {
			char text[DNAME_BUF_SIZE + 64];

			if (family_index(wanted->addrs[i].family) != t) {
				continue;
			}
			snprintf(text, sizeof(text), "%s. %u IN %s %s", host,
				ttl, t == 0 ? "A" : "AAAA",
				wanted->addrs[i].text);
			ok = push_rr(updates, text, LDNS_RR_CLASS_IN, ttl);
		}
	}
	if (!ok) {
		ldns_rr_list_deep_free(updates);
		updates = NULL;
	}
	snprintf(what, sizeof(what), "the address UPDATE for %s", host);
	return pub_update_wire(zone, updates, what, wire, len, err);
}

kd_result
pub_addr_update_script(const char *server, const char *zone, const char *host,
	const pub_addr_plan *plan, const pub_addr_set *wanted, uint32_t ttl,
	char **text, kd_err *err)
{
	static const char *const types[2] = { "A", "AAAA" };
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);

	if (out == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	if (server != NULL) {
		fprintf(out, "server %s\n", server);
	}
	fprintf(out, "zone %s.\n", zone);
	for (int t = 0; t < 2; t++) {
		if (!plan->replace[t]) {
			continue;
		}
		fprintf(out, "update delete %s. %s\n", host, types[t]);
		for (size_t i = 0; i < wanted->count; i++) {
			if (family_index(wanted->addrs[i].family) == t) {
				fprintf(out, "update add %s. %u %s %s\n", host,
					ttl, types[t], wanted->addrs[i].text);
			}
		}
	}
	fprintf(out, "send\n");
	if (fclose(out) != 0) {
		free(buf);
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	*text = buf;
	return KD_OK;
}
