/*
 * delegation.c -- the parent's delegation of each zone against its NS RRset.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_rounds.h"
#include "delegation.h"
#include "dns_answer.h"
#include "ns_addresses.h"
#include "wincode.h"

/* The queries about the parent of one suffix's zone. */
typedef struct parent_queries {
	ns_addresses ns_addrs;         /* the parent zone's SOA, NS, addresses
	                                  (first: ns_addresses_round) */
	bool active;                   /* zone and zone_ns known */
	size_t *referrals;             /* NS <zone> to each, without RD */
} parent_queries;

/* Round 1: the SOA of the zone's parent name, for the parent zone. */
static kd_result
ask_parent_soa(const check_config *config, query_engine *engine,
	suffix_report *suffix, void *item, kd_err *err)
{
	parent_queries *p = item;

	p->active = suffix->zone[0] != '\0' && suffix->zone_ns != NULL &&
		dname_label_count(suffix->zone) > 0;
	if (!p->active) {
		return KD_OK;
	}
	return ns_addresses_ask_soa(&p->ns_addrs, engine,
		dname_parent(suffix->zone), &config->server, err);
}

/* Round 2: the parent zone from the SOA, and its NS RRset. */
static kd_result
ask_parent_ns(const check_config *config, query_engine *engine,
	suffix_report *suffix, void *item, kd_err *err)
{
	parent_queries *p = item;
	uint32_t minimum;
	kd_result ret;

	(void)config;
	if (!p->active) {
		return KD_OK;
	}
	ret = ns_addresses_ask_zone_ns(&p->ns_addrs, engine, suffix->zone,
		true, suffix->parent_zone, &minimum, err);
	p->active = suffix->parent_zone[0] != '\0';
	return ret;
}

/*
 * Round 4 (3: ns_addresses_round): NS <zone> to every parent server,
 * without recursion.
 */
static kd_result
ask_referrals(const check_config *config, query_engine *engine,
	suffix_report *suffix, void *item, kd_err *err)
{
	parent_queries *p = item;
	kd_result ret = ns_addresses_collect(&p->ns_addrs, engine,
		config->ns_port, err);

	if (ret != KD_OK) {
		return ret;
	}
	return ns_addresses_ask_each(&p->ns_addrs, engine, suffix->zone,
		LDNS_RR_TYPE_NS, &p->referrals, err);
}

/* "a b c" from "a\nb\nc\n" into OUT. */
static void
names_text(const char *lines, char *out, size_t outlen)
{
	size_t used = 0;

	out[0] = '\0';
	for (const char *c = lines; *c != '\0' && used + 1 < outlen; c++) {
		if (*c == '\n' && c[1] == '\0') {
			break;
		}
		out[used++] = *c == '\n' ? ' ' : *c;
	}
	out[used] = '\0';
}

/*
 * Compare each parent server's NS names with the zone's; the first that
 * differs gives the finding.
 */
static kd_result
judge_referrals(query_engine *engine, check_report *report,
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

		if (pkt == NULL) {
			continue;
		}
		if (!dns_answer_ns(pkt, suffix->zone, true, &names, &n)) {
			return KD_ENOMEM;
		}
		lines = dns_answer_join_names(
			(const char (*)[DNAME_BUF_SIZE])names, n);
		free(names);
		if (lines == NULL) {
			return KD_ENOMEM;
		}
		dns_answer_rcode(pkt, rcode, sizeof(rcode));
		names_text(lines, parent_text, sizeof(parent_text));
		names_text(suffix->zone_ns, zone_text, sizeof(zone_text));
		reported = n == 0 || strcmp(lines, suffix->zone_ns) != 0;
		if (n == 0) {
			ret = check_report_add_at(report, SEVERITY_WARNING,
				"not_delegated", WINCODE_NXDOMAIN, suffix,
				server->name, server->address, ", a server of "
				"the parent zone %s, has no delegation of %s "
				"(answers %s without NS records): resolvers "
				"that start from the root cannot find the zone",
				suffix->parent_zone, suffix->zone, rcode);
		} else if (reported) {
			ret = check_report_add_at(report, SEVERITY_WARNING,
				"delegation_differs", WINCODE_SERVER_FAILURE,
				suffix, server->name, server->address, ", a "
				"server of the parent zone %s, delegates %s to "
				"%s, but the zone lists %s: resolvers may ask "
				"servers that do not serve it, or miss some",
				suffix->parent_zone, suffix->zone, parent_text,
				zone_text);
		}
		if (suffix->parent_ns == NULL) {
			suffix->parent_ns = lines;
		} else {
			free(lines);
		}
		if (ret != KD_OK) {
			return KD_ENOMEM;
		}
	}
	return KD_OK;
}

/* After the rounds: the referrals, and the limits the parent's NS hit. */
static kd_result
judge_delegation(check_report *report, query_engine *engine,
	suffix_report *suffix, void *item, kd_err *err)
{
	const parent_queries *p = item;

	if (judge_referrals(engine, report, suffix, p) != KD_OK ||
		ns_limits_findings(report, suffix->suffix, suffix->parent_zone,
		&p->ns_addrs) != KD_OK) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	return KD_OK;
}

static void
free_parent(void *item)
{
	parent_queries *p = item;

	ns_addresses_free(&p->ns_addrs);
	free(p->referrals);
}

kd_result
delegation_check(const check_config *config, query_engine *engine,
	check_report *report, kd_err *err)
{
	static const check_round rounds[] = {
		ask_parent_soa, ask_parent_ns, ns_addresses_round,
		ask_referrals,
	};
	static const check_rounds check = {
		sizeof(parent_queries), rounds, sizeof(rounds) /
		sizeof(rounds[0]), judge_delegation, free_parent,
	};

	return check_rounds_run(&check, config, engine, report, err);
}
