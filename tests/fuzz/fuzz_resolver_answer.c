/*
 * fuzz_resolver_answer.c -- libFuzzer target for resolver_check/dns_answer.c,
 * what kmsdns-check reads out of every DNS answer it gets.
 *
 * The input is a DNS message in wire format. When ldns parses it, every
 * reader runs on it and properties that must hold abort: the SRV RRset
 * text has one "PRIORITY WEIGHT PORT TARGET" line per SRV record and is
 * the same on a second call; each address is valid text for its family;
 * the NS names of the question name are sorted, distinct, and join into
 * one line each; names are canonical text; the rcode has a name.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>

#include "dns_answer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
require(bool condition)
{
	if (!condition)
		abort();
}

static bool
check_address(const char *text, int family, const void *bytes, void *ctx)
{
	unsigned char parsed[16];

	require(family == AF_INET || family == AF_INET6);
	require(inet_pton(family, text, parsed) == 1);
	require(memcmp(parsed, bytes, family == AF_INET ? 4 : 16) == 0);
	(*(size_t *)ctx)++;
	return true;
}

/* Each line of RRSET is "P W PORT TARGET"; returns the number of lines. */
static size_t
check_rrset_lines(const char *rrset)
{
	size_t lines = 0;

	while (*rrset != '\0') {
		const char *end = strchr(rrset, '\n');
		unsigned priority, weight, port;
		int used = 0;

		require(end != NULL);
		require(sscanf(rrset, "%u %u %u %n", &priority, &weight, &port,
			&used) == 3);
		require(priority <= 65535 && weight <= 65535 && port <= 65535);
		require(used > 0 && rrset + used < end);
		lines++;
		rrset = end + 1;
	}
	return lines;
}

static void
check_ns(const ldns_pkt *pkt, const char *zone)
{
	char (*names)[DNAME_BUF_SIZE];
	size_t count;
	size_t lines = 0;
	char *joined;

	require(dns_answer_ns(pkt, zone, true, &names, &count));
	for (size_t i = 1; i < count; i++)
		require(strcmp(names[i - 1], names[i]) < 0);
	joined = dns_answer_join_names((const char (*)[DNAME_BUF_SIZE])names,
		count);
	require(joined != NULL);
	for (const char *c = joined; *c != '\0'; c++)
		lines += *c == '\n';
	require(lines == count);
	free(joined);
	free(names);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ldns_pkt *pkt = NULL;
	srv_record *recs;
	size_t count;
	size_t addresses = 0;
	uint32_t ttl;
	uint32_t again_ttl;
	char *rrset;
	char *again;
	char text[DNAME_BUF_SIZE];
	uint32_t serial;
	uint32_t minimum;
	const ldns_rr *question;

	if (ldns_wire2pkt(&pkt, data, size) != LDNS_STATUS_OK)
		return 0;
	require(dns_answer_srv(pkt, &recs, &count));
	for (size_t i = 0; i < count; i++)
		require(strlen(recs[i].target) > 0);
	rrset = dns_answer_srv_rrset(pkt, &ttl);
	again = dns_answer_srv_rrset(pkt, &again_ttl);
	require(rrset != NULL && again != NULL);
	require(strcmp(rrset, again) == 0 && ttl == again_ttl);
	require(check_rrset_lines(rrset) == count);
	for (size_t i = 0; i < count; i++)
		require(recs[i].ttl <= ttl);
	free(rrset);
	free(again);
	free(recs);

	dns_answer_addresses(pkt, check_address, &addresses);
	require(addresses <= ldns_rr_list_rr_count(ldns_pkt_answer(pkt)));
	if (dns_answer_soa(pkt, text, sizeof(text), &serial, &minimum))
		require(text[0] != '\0');
	(void)dns_answer_has_negative_soa(pkt);
	question = ldns_rr_list_rr(ldns_pkt_question(pkt), 0);
	if (question != NULL) {
		char name[DNAME_BUF_SIZE];

		dns_answer_name(ldns_rr_owner(question), name, sizeof(name));
		require(name[0] != '\0');
		if (dns_answer_cname(pkt, name, text, sizeof(text)))
			require(text[0] != '\0');
		check_ns(pkt, name);
	}
	dns_answer_rcode(pkt, text, sizeof(text));
	require(text[0] != '\0');
	ldns_pkt_free(pkt);
	return 0;
}
