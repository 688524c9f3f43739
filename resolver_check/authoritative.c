/*
 * authoritative.c -- compare the answers of every authoritative server.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authoritative.h"
#include "check_rounds.h"
#include "dns_answer.h"
#include "kd_array.h"
#include "ns_addresses.h"
#include "verdict.h"
#include "wincode.h"

/* The query ids of one suffix. */
typedef struct suffix_queries {
	ns_addresses ns_addrs;      /* the zone's SOA, NS names, addresses
	                               (first: ns_addresses_round) */
	size_t *server_soa;         /* per auth server: SOA, SRV, _tcp */
	size_t *server_srv;
	size_t *server_tcp;         /* NULL when the name is too long */
	size_t **server_targets;    /* per host, A then AAAA: per server;
	                               NULL for a host not checked */
	size_t target_count;        /* entries of server_targets */
} suffix_queries;

static void
free_queries(void *item)
{
	suffix_queries *q = item;

	ns_addresses_free(&q->ns_addrs);
	free(q->server_soa);
	free(q->server_srv);
	free(q->server_tcp);
	for (size_t k = 0; q->server_targets != NULL && k < q->target_count;
	     k++) {
		free(q->server_targets[k]);
	     }
	free(q->server_targets);
}

/* The answer of server S to the question asked with IDS (NULL: not asked). */
static const ldns_pkt *
server_answer(const query_engine *engine, const size_t *ids, size_t s)
{
	return ids != NULL ? query_engine_answer(engine, ids[s]) : NULL;
}

/* Text for a query's end: its rcode, or the failure. */
static void
status_text(query_engine *engine, size_t id, char *out, size_t outlen)
{
	const query_result *r = query_engine_result(engine, id);

	if (r->status == QUERY_ANSWERED) {
		dns_answer_rcode(r->answer, out, outlen);
	} else {
		snprintf(out, outlen, "%s", query_status_name(r->status));
	}
}

/* qsort() comparison of two C strings. */
static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Join LINES (N entries) sorted, one per line, into a new string. */
static char *
join_sorted(char **lines, size_t n)
{
	size_t len = 1;
	char *out;

	if (n > 1) {
		qsort(lines, n, sizeof(*lines), compare_strings);
	}
	for (size_t i = 0; i < n; i++) {
		len += strlen(lines[i]) + 1;
	}
	out = malloc(len);
	if (out == NULL) {
		return NULL;
	}
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		strcat(out, lines[i]);
		strcat(out, "\n");
	}
	return out;
}

/* Append a strdup of TEXT to LINES; false when out of memory. */
static bool
push_line(char ***lines, size_t *n, const char *text)
{
	char **grown = kd_array_resize(*lines, *n + 1, sizeof(**lines));

	if (grown == NULL) {
		return false;
	}
	*lines = grown;
	if ((grown[*n] = strdup(text)) == NULL) {
		return false;
	}
	(*n)++;
	return true;
}

static void
free_lines(char **lines, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(lines[i]);
	}
	free(lines);
}

typedef struct line_sink {
	char ***lines;
	size_t *n;
	const char *target;
} line_sink;

/* Push the line "TARGET ADDRESS"; false when out of memory. */
static bool
add_address_line(const char *address, int family, const void *bytes,
	void *ctx)
{
	line_sink *sink = ctx;
	char line[DNAME_BUF_SIZE + 64];

	(void)family;
	(void)bytes;
	snprintf(line, sizeof(line), "%s %s", sink->target, address);
	return push_line(sink->lines, sink->n, line);
}

/* Round 1: SOA <suffix> to the --server, to learn its zone. */
static kd_result
ask_zone_soa(const check_config *config, query_engine *engine,
	suffix_report *suffix, void *item, kd_err *err)
{
	suffix_queries *q = item;

	return ns_addresses_ask_soa(&q->ns_addrs, engine, suffix->suffix,
		&config->server, err);
}

/* Round 2: the zone from the SOA, and its NS RRset. */
static kd_result
ask_zone_ns(const check_config *config, query_engine *engine,
	suffix_report *suffix, void *item, kd_err *err)
{
	suffix_queries *q = item;

	(void)config;
	return ns_addresses_ask_zone_ns(&q->ns_addrs, engine, suffix->suffix,
		false, suffix->zone, &suffix->negative_ttl, err);
}

/*
 * Round 4 (3: ns_addresses_round): the zone's NS names as zone_ns, and
 * the questions to every authoritative server.
 */
static kd_result
ask_servers(const check_config *config, query_engine *engine,
	suffix_report *suffix, void *item, kd_err *err)
{
	suffix_queries *q = item;
	const ns_addresses *found = &q->ns_addrs;
	char tcp_name[DNAME_BUF_SIZE + 8];
	kd_result ret;

	if (found->answered && (suffix->zone_ns = dns_answer_join_names(
		(const char (*)[DNAME_BUF_SIZE])found->names,
		found->name_count)) == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	ret = ns_addresses_collect(&q->ns_addrs, engine, config->ns_port,
		err);
	if (ret != KD_OK || found->server_count == 0) {
		return ret;
	}
	suffix->servers = calloc(found->server_count,
		sizeof(*suffix->servers));
	q->target_count = suffix->host_count * 2;
	q->server_targets = calloc(q->target_count + 1,
		sizeof(*q->server_targets));
	if (suffix->servers == NULL || q->server_targets == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	suffix->server_count = found->server_count;
	for (size_t s = 0; s < found->server_count; s++) {
		auth_server *server = &suffix->servers[s];

		snprintf(server->name, sizeof(server->name), "%s",
			found->servers[s].name);
		snprintf(server->address, sizeof(server->address), "%s",
			found->servers[s].address);
	}
	snprintf(tcp_name, sizeof(tcp_name), "_tcp.%s", suffix->suffix);
	ret = ns_addresses_ask_each(found, engine, suffix->zone,
		LDNS_RR_TYPE_SOA, &q->server_soa, err);
	if (ret == KD_OK) {
		ret = ns_addresses_ask_each(found, engine, suffix->qname,
			LDNS_RR_TYPE_SRV, &q->server_srv, err);
	}
	if (ret == KD_OK && strlen(tcp_name) <= DNAME_TEXT_MAX) {
		ret = ns_addresses_ask_each(found, engine, tcp_name,
			LDNS_RR_TYPE_SRV, &q->server_tcp, err);
	}
	/* the engine asks a target named by several hosts once */
	for (size_t h = 0; ret == KD_OK && h < suffix->host_count; h++) {
		const char *target = suffix->hosts[h].rec.target;
		size_t **ids = &q->server_targets[h * 2];

		if (suffix->hosts[h].not_checked) {
			continue;
		}
		ret = ns_addresses_ask_each(found, engine, target,
			LDNS_RR_TYPE_A, &ids[0], err);
		if (ret == KD_OK) {
			ret = ns_addresses_ask_each(found, engine, target,
				LDNS_RR_TYPE_AAAA, &ids[1], err);
		}
	}
	return ret;
}

/* Read the answers of server S of suffix I into its auth_server. */
static kd_result
read_server(query_engine *engine, suffix_report *suffix, suffix_queries *q,
	size_t s, kd_err *err)
{
	auth_server *server = &suffix->servers[s];
	const ldns_pkt *soa = server_answer(engine, q->server_soa, s);
	const ldns_pkt *srv = server_answer(engine, q->server_srv, s);
	const ldns_pkt *tcp = server_answer(engine, q->server_tcp, s);
	char **lines = NULL;
	size_t n = 0;

	status_text(engine, q->server_soa[s], server->rcode,
		sizeof(server->rcode));
	server->answered = soa != NULL;
	if (soa != NULL && ldns_pkt_get_rcode(soa) == LDNS_RCODE_NOERROR &&
		ldns_pkt_aa(soa)) {
		char zone[DNAME_BUF_SIZE];
		uint32_t minimum;

		server->authoritative = dns_answer_soa(soa, zone, sizeof(zone),
			&server->serial, &minimum) && dname_equal(zone,
			suffix->zone);
	}
	status_text(engine, q->server_srv[s], server->srv_outcome,
		sizeof(server->srv_outcome));
	if (srv != NULL && ldns_pkt_get_rcode(srv) == LDNS_RCODE_NOERROR &&
		(server->srv_rrset = dns_answer_srv_rrset(srv,
		&server->srv_ttl)) == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	server->negative_without_soa = srv != NULL &&
		((ldns_pkt_get_rcode(srv) == LDNS_RCODE_NOERROR &&
		server->srv_rrset[0] == '\0') ||
		ldns_pkt_get_rcode(srv) == LDNS_RCODE_NXDOMAIN) &&
		!dns_answer_has_negative_soa(srv);
	server->tcp_nxdomain = tcp != NULL &&
		ldns_pkt_get_rcode(tcp) == LDNS_RCODE_NXDOMAIN;
	for (size_t h = 0; h < suffix->host_count; h++) {
		line_sink sink = { &lines, &n, suffix->hosts[h].rec.target };

		if (suffix->hosts[h].not_checked ||
			!dname_is_subdomain(suffix->hosts[h].rec.target,
			suffix->zone)) {
			continue;
		}
		for (int k = 0; k < 2; k++) {
			const ldns_pkt *pkt = server_answer(engine,
				q->server_targets[h * 2 + k], s);

			if (pkt != NULL && ldns_pkt_aa(pkt) &&
				!dns_answer_addresses(pkt, add_address_line,
				&sink)) {
				free_lines(lines, n);
				return kd_err_set(err, KD_ENOMEM,
					"out of memory");
			}
		}
	}
	server->addresses = join_sorted(lines, n);
	free_lines(lines, n);
	if (server->addresses == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	return KD_OK;
}

/* True when SERVER answered the SRV query with NOERROR or NXDOMAIN. */
static bool
srv_answered(const auth_server *server)
{
	return strcmp(server->srv_outcome, "NOERROR") == 0 ||
		strcmp(server->srv_outcome, "NXDOMAIN") == 0;
}

/* "2 SRV records" or "no SRV records" for RRSET lines. */
static void
describe_rrset(const char *rrset, char *out, size_t outlen)
{
	size_t lines = 0;

	for (const char *p = rrset; *p != '\0'; p++) {
		lines += *p == '\n';
	}
	if (lines == 0) {
		snprintf(out, outlen, "no SRV records");
	} else {
		snprintf(out, outlen, "%zu SRV record%s", lines,
			lines == 1 ? "" : "s");
	}
}

/*
 * C16: the --server's copy of the SRV RRset against the authoritative
 * ones; a copy no authoritative server gives is stale (or comes from a
 * server outside the NS set) and clients get it until it expires.
 */
static kd_result
judge_resolver_copy(check_report *report, const suffix_report *suffix)
{
	char server_text[48];
	size_t compared = 0;
	uint32_t left;
	uint32_t code = verdict_outcome_code(suffix->outcome);

	if (suffix->srv_rrset == NULL) {
		return KD_OK;
	}
	for (size_t s = 0; s < suffix->server_count; s++) {
		const auth_server *server = &suffix->servers[s];

		if (!server->authoritative || !srv_answered(server)) {
			continue;
		}
		compared++;
		if (strcmp(server->srv_rrset ? server->srv_rrset : "",
			suffix->srv_rrset) == 0) {
			return KD_OK;
		}
	}
	if (compared == 0) {
		return KD_OK;
	}
	describe_rrset(suffix->srv_rrset, server_text, sizeof(server_text));
	left = suffix->srv_rrset[0] != '\0' ? suffix->ttl :
		suffix->negative_ttl;
	if (check_report_add(report, SEVERITY_WARNING, "resolver_stale",
		code ? code : WINCODE_RPC_UNAVAILABLE,
		suffix->suffix, NULL, "%s: the --server %s answers with %s "
		"(%s), unlike every authoritative server of %s: its copy is "
		"stale or comes from elsewhere, and clients get it for up to "
		"%u s more", suffix->qname, report->server, server_text,
		suffix->rcode, suffix->zone, (unsigned)left) != KD_OK) {
		return KD_ENOMEM;
	}
	return KD_OK;
}

/* Compare the servers of SUFFIX; add findings. */
static kd_result
judge_servers(check_report *report, suffix_report *suffix)
{
	const auth_server *first = NULL;
	uint32_t max_ttl = 0;
	bool serial_drift = false;
	bool srv_differs = false;
	bool addresses_differ = false;
	const char *owner = suffix->qname;

#define ADD(...) do { \
	if (check_report_add(report, __VA_ARGS__) != KD_OK) \
		return KD_ENOMEM; \
} while (0)
	if (suffix->zone[0] == '\0') {
		ADD(SEVERITY_WARNING, "zone_unknown", 0, suffix->suffix, NULL,
			"%s: no SOA for %s from the server: its zone and "
			"authoritative servers are unknown", owner,
			suffix->suffix);
		return KD_OK;
	}
	if (suffix->server_count == 0) {
		ADD(SEVERITY_WARNING, "ns_unknown", 0, suffix->suffix, NULL,
			"%s: no NS addresses for zone %s from the server",
			owner, suffix->zone);
		return KD_OK;
	}
	for (size_t s = 0; s < suffix->server_count; s++) {
		const auth_server *server = &suffix->servers[s];

		if (!server->answered) {
			ADD(SEVERITY_WARNING, "ns_unresponsive",
				WINCODE_SERVER_FAILURE, suffix->suffix,
				server->name, "%s: authoritative server %s (%s) "
				"of %s does not answer (%s)", owner,
				server->name, server->address, suffix->zone,
				server->rcode);
			continue;
		}
		if (!server->authoritative) {
			ADD(SEVERITY_WARNING, "ns_lame", WINCODE_SERVER_FAILURE,
				suffix->suffix, server->name, "%s: lame "
				"delegation: %s (%s) is listed as NS of %s but "
				"does not answer authoritatively (%s)", owner,
				server->name, server->address, suffix->zone,
				server->rcode);
			continue;
		}
		if (server->tcp_nxdomain && server->srv_rrset != NULL &&
			check_report_add_at(report, SEVERITY_WARNING,
			"tcp_nxdomain", WINCODE_NXDOMAIN, suffix, server->name,
			server->address, " answers NXDOMAIN for _tcp.%s "
			"although %s exists: resolvers that trust NXDOMAIN "
			"cuts (RFC 8020) then deny the SRV name",
			suffix->suffix, suffix->qname) != KD_OK) {
			return KD_ENOMEM;
		}
		if (server->negative_without_soa &&
			check_report_add_at(report, SEVERITY_WARNING,
			"negative_without_soa", 0, suffix, server->name,
			server->address, " answers %s without the zone's SOA: "
			"resolvers cannot cache the negative answer (RFC 2308) "
			"and ask again for every client", server->srv_outcome)
			!= KD_OK) {
			return KD_ENOMEM;
		}
		if (!srv_answered(server)) {
			continue;
		}
		if (server->srv_ttl > max_ttl) {
			max_ttl = server->srv_ttl;
		}
		if (first == NULL) {
			first = server;
			continue;
		}
		serial_drift |= server->serial != first->serial;
		srv_differs |= strcmp(server->srv_rrset ? server->srv_rrset :
			"", first->srv_rrset ? first->srv_rrset : "") != 0;
		addresses_differ |= strcmp(server->addresses,
			first->addresses) != 0;
	}
	if (serial_drift) {
		ADD(SEVERITY_WARNING, "soa_serial_drift", 0, suffix->suffix,
			NULL, "%s: the authoritative servers of %s serve "
			"different SOA serials: a replica is stale", owner,
			suffix->zone);
	}
	if (srv_differs) {
		ADD(SEVERITY_WARNING, "srv_rrset_differs",
			WINCODE_RPC_UNAVAILABLE, suffix->suffix, NULL, "%s: the "
			"authoritative servers of %s give different SRV "
			"records: a stale replica sends some clients to a "
			"removed or dead host", owner, suffix->zone);
	}
	if (addresses_differ) {
		ADD(SEVERITY_WARNING, "target_addresses_differ",
			WINCODE_RPC_UNAVAILABLE, suffix->suffix, NULL, "%s: the "
			"authoritative servers of %s give different addresses "
			"for the KMS hosts", owner, suffix->zone);
	}
	if (judge_resolver_copy(report, suffix) != KD_OK) {
		return KD_ENOMEM;
	}
	if (first != NULL && first->srv_rrset != NULL &&
		first->srv_rrset[0] != '\0') {
		char left[64] = "";

		if (suffix->outcome == OUTCOME_RECORDS) {
			snprintf(left, sizeof(left), "; the --server's copy "
				"has %u s left", (unsigned)suffix->ttl);
		}
		ADD(SEVERITY_NOTE, "cache_ttl", 0, suffix->suffix, NULL,
			"%s: a removed or changed record stays in resolver "
			"caches up to %u s (its TTL); a missing name is cached "
			"up to %u s (SOA minimum)%s", owner, max_ttl,
			suffix->negative_ttl, left);
	}
#undef ADD
	return KD_OK;
}

/* After the rounds: read every server's answers, then judge them. */
static kd_result
judge_suffix(check_report *report, query_engine *engine,
	suffix_report *suffix, void *item, kd_err *err)
{
	suffix_queries *q = item;
	kd_result ret = KD_OK;

	for (size_t s = 0; ret == KD_OK && s < suffix->server_count; s++) {
		ret = read_server(engine, suffix, q, s, err);
	}
	if (ret == KD_OK && (judge_servers(report, suffix) != KD_OK ||
		ns_limits_findings(report, suffix->suffix, suffix->zone,
		&q->ns_addrs) != KD_OK)) {
		ret = kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	return ret;
}

kd_result
authoritative_check(const check_config *config, query_engine *engine,
	check_report *report, kd_err *err)
{
	static const check_round rounds[] = {
		ask_zone_soa, ask_zone_ns, ns_addresses_round, ask_servers,
	};
	static const check_rounds check = {
		sizeof(suffix_queries), rounds, sizeof(rounds) /
		sizeof(rounds[0]), judge_suffix, free_queries,
	};

	return check_rounds_run(&check, config, engine, report, err);
}
