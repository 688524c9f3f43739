/*
 * delegation.c -- the parent's delegation of each zone against its NS RRset.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delegation.h"
#include "dns_answer.h"
#include "ns_addresses.h"
#include "wincode.h"

/* The queries about the parent of one suffix's zone. */
typedef struct parent_queries {
	bool active;                   /* zone and zone_ns known */
	size_t soa;                    /* SOA <parent name> to the --server */
	size_t ns;                     /* NS <parent zone> to the --server */
	ns_addresses ns_addrs;         /* the parent zone's NS and addresses */
	size_t *referrals;             /* NS <zone> to each, without RD */
} parent_queries;

static void
free_parents(parent_queries *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		ns_addresses_free(&p[i].ns_addrs);
		free(p[i].referrals);
	}
	free(p);
}

/* Step 1: the SOA of each zone's parent name, for the parent zone. */
static kd_result
ask_parents(const check_config *config, query_engine *engine,
	check_report *report, parent_queries *p, kd_err *err)
{
	kd_result ret = KD_OK;

	for (size_t i = 0; ret == KD_OK && i < report->suffix_count; i++) {
		const suffix_report *suffix = &report->suffixes[i];

		p[i].active = suffix->zone[0] != '\0' &&
			suffix->zone_ns != NULL && dname_label_count(
			suffix->zone) > 0;
		if (p[i].active)
			ret = query_engine_add(engine,
				dname_parent(suffix->zone), LDNS_RR_TYPE_SOA,
				&config->server, true, &p[i].soa, err);
	}
	if (ret == KD_OK)
		ret = query_engine_run(engine, err);
	return ret;
}

/* Step 2: the parent zone from the SOA, and its NS RRset. */
static kd_result
ask_parent_ns(const check_config *config, query_engine *engine,
	check_report *report, parent_queries *p, kd_err *err)
{
	kd_result ret = KD_OK;

	for (size_t i = 0; ret == KD_OK && i < report->suffix_count; i++) {
		suffix_report *suffix = &report->suffixes[i];
		const ldns_pkt *pkt;
		uint32_t serial;
		uint32_t minimum;

		if (!p[i].active)
			continue;
		pkt = query_engine_answer(engine, p[i].soa);
		if (pkt == NULL || !dns_answer_soa(pkt, suffix->parent_zone,
			sizeof(suffix->parent_zone), &serial, &minimum) ||
			!dname_is_subdomain(suffix->zone, suffix->parent_zone) ||
			dname_equal(suffix->zone, suffix->parent_zone)) {
			suffix->parent_zone[0] = '\0';
			p[i].active = false;
			continue;
		}
		ret = query_engine_add(engine, suffix->parent_zone,
			LDNS_RR_TYPE_NS, &config->server, true, &p[i].ns, err);
	}
	if (ret == KD_OK)
		ret = query_engine_run(engine, err);
	return ret;
}

/* Step 3: the addresses of the parent's NS names. */
static kd_result
ask_parent_addresses(const check_config *config, query_engine *engine,
	check_report *report, parent_queries *p, kd_err *err)
{
	kd_result ret = KD_OK;

	for (size_t i = 0; ret == KD_OK && i < report->suffix_count; i++) {
		const ldns_pkt *pkt;

		if (!p[i].active ||
			(pkt = query_engine_answer(engine, p[i].ns)) == NULL)
			continue;
		ret = ns_addresses_ask(&p[i].ns_addrs, engine, pkt,
			report->suffixes[i].parent_zone, &config->server, err);
	}
	if (ret == KD_OK)
		ret = query_engine_run(engine, err);
	return ret;
}

/* Step 4: NS <zone> to every parent server, without recursion. */
static kd_result
ask_referrals(const check_config *config, query_engine *engine,
	check_report *report, parent_queries *p, kd_err *err)
{
	kd_result ret = KD_OK;

	for (size_t i = 0; ret == KD_OK && i < report->suffix_count; i++) {
		ns_addresses *ns = &p[i].ns_addrs;

		ret = ns_addresses_collect(ns, engine, config->ns_port, err);
		if (ret != KD_OK)
			return ret;
		p[i].referrals = calloc(ns->server_count ? ns->server_count : 1,
			sizeof(size_t));
		if (p[i].referrals == NULL)
			return kd_err_set(err, KD_ENOMEM, "out of memory");
		for (size_t s = 0; ret == KD_OK && s < ns->server_count; s++)
			ret = query_engine_add(engine, report->suffixes[i].zone,
				LDNS_RR_TYPE_NS, &ns->servers[s].at, false,
				&p[i].referrals[s], err);
	}
	if (ret == KD_OK)
		ret = query_engine_run(engine, err);
	return ret;
}

/* "a b c" from "a\nb\nc\n" into OUT. */
static void
names_text(const char *lines, char *out, size_t outlen)
{
	size_t used = 0;

	out[0] = '\0';
	for (const char *c = lines; *c != '\0' && used + 1 < outlen; c++) {
		if (*c == '\n' && c[1] == '\0')
			break;
		out[used++] = *c == '\n' ? ' ' : *c;
	}
	out[used] = '\0';
}

/* Step 5: compare each parent server's NS names with the zone's. */
static kd_result
judge_delegation(query_engine *engine, check_report *report,
	suffix_report *suffix, const parent_queries *p)
{
	bool reported = false;

	for (size_t s = 0; !reported && s < p->ns_addrs.server_count; s++) {
		const ns_server *server = &p->ns_addrs.servers[s];
		const ldns_pkt *pkt = query_engine_answer(engine,
			p->referrals[s]);
		char (*names)[DNAME_BUF_SIZE];
		size_t n;
		char *lines;
		char rcode[24];
		char parent_text[200];
		char zone_text[200];
		kd_result ret = KD_OK;

		if (pkt == NULL)
			continue;
		if (!dns_answer_ns(pkt, suffix->zone, true, &names, &n))
			return KD_ENOMEM;
		lines = dns_answer_join_names(
			(const char (*)[DNAME_BUF_SIZE])names, n);
		free(names);
		if (lines == NULL)
			return KD_ENOMEM;
		dns_answer_rcode(pkt, rcode, sizeof(rcode));
		names_text(lines, parent_text, sizeof(parent_text));
		names_text(suffix->zone_ns, zone_text, sizeof(zone_text));
		if (n == 0) {
			reported = true;
			ret = check_report_add(report, SEVERITY_WARNING,
				"not_delegated", WINCODE_NXDOMAIN,
				suffix->suffix, server->name, "%s: %s (%s), a "
				"server of the parent zone %s, has no delegation "
				"of %s (answers %s without NS records): "
				"resolvers that start from the root cannot find "
				"the zone", suffix->qname, server->name,
				server->address, suffix->parent_zone,
				suffix->zone, rcode);
		} else if (strcmp(lines, suffix->zone_ns) != 0) {
			reported = true;
			ret = check_report_add(report, SEVERITY_WARNING,
				"delegation_differs", WINCODE_SERVER_FAILURE,
				suffix->suffix, server->name, "%s: %s (%s), a "
				"server of the parent zone %s, delegates %s to "
				"%s, but the zone lists %s: resolvers may ask "
				"servers that do not serve it, or miss some",
				suffix->qname, server->name, server->address,
				suffix->parent_zone, suffix->zone, parent_text,
				zone_text);
		}
		if (suffix->parent_ns == NULL)
			suffix->parent_ns = lines;
		else
			free(lines);
		if (ret != KD_OK)
			return KD_ENOMEM;
	}
	return KD_OK;
}

kd_result
delegation_check(const check_config *config, query_engine *engine,
	check_report *report, kd_err *err)
{
	parent_queries *p = calloc(report->suffix_count ?
		report->suffix_count : 1, sizeof(*p));
	kd_result ret;

	if (p == NULL)
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	ret = ask_parents(config, engine, report, p, err);
	if (ret == KD_OK)
		ret = ask_parent_ns(config, engine, report, p, err);
	if (ret == KD_OK)
		ret = ask_parent_addresses(config, engine, report, p, err);
	if (ret == KD_OK)
		ret = ask_referrals(config, engine, report, p, err);
	for (size_t i = 0; ret == KD_OK && i < report->suffix_count; i++) {
		suffix_report *suffix = &report->suffixes[i];

		if (judge_delegation(engine, report, suffix, &p[i]) != KD_OK ||
			ns_limits_findings(report, suffix->suffix,
			suffix->parent_zone, &p[i].ns_addrs) != KD_OK)
			ret = kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	free_parents(p, report->suffix_count);
	return ret;
}
