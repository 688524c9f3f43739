/*
 * ns_addresses.c -- the addresses of a zone's NS names.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_limits.h"
#include "dns_answer.h"
#include "kd_array.h"
#include "ns_addresses.h"

kd_result
ns_addresses_ask_soa(ns_addresses *ns, query_engine *engine, const char *name,
	const endpoint *server, kd_err *err)
{
	ns->asked = server;
	return query_engine_add(engine, name, LDNS_RR_TYPE_SOA, server, true,
		&ns->soa_id, err);
}

kd_result
ns_addresses_ask_zone_ns(ns_addresses *ns, query_engine *engine,
	const char *child, bool strict, char *zone, uint32_t *minimum,
	kd_err *err)
{
	const ldns_pkt *pkt = query_engine_answer(engine, ns->soa_id);
	uint32_t serial;

	if (pkt == NULL || !dns_answer_soa(pkt, zone, DNAME_BUF_SIZE, &serial,
		minimum) || !dname_is_subdomain(child, zone) ||
		(strict && dname_equal(child, zone))) {
		zone[0] = '\0';
		return KD_OK;
	}
	ns->zone = zone;
	return query_engine_add(engine, zone, LDNS_RR_TYPE_NS, ns->asked, true,
		&ns->ns_id, err);
}

kd_result
ns_addresses_ask_addresses(ns_addresses *ns, query_engine *engine,
	kd_err *err)
{
	const ldns_pkt *pkt;
	kd_result ret = KD_OK;
	size_t n;

	if (ns->zone == NULL ||
		(pkt = query_engine_answer(engine, ns->ns_id)) == NULL) {
		return KD_OK;
	}
	ns->answered = true;
	if (!dns_answer_ns(pkt, ns->zone, false, &ns->names, &ns->name_count)) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	ns->names_found = ns->name_count;
	if (ns->name_count > CHECK_NS_MAX) {
		ns->name_count = CHECK_NS_MAX;
	}
	n = ns->name_count * 2;
	if ((ns->ids = calloc(n ? n : 1, sizeof(size_t))) == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	for (size_t k = 0; ret == KD_OK && k < n; k++) {
		ret = query_engine_add(engine, ns->names[k / 2], k % 2 ?
			LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A, ns->asked, true,
			&ns->ids[k], err);
	}
	return ret;
}

kd_result
ns_addresses_round(const check_config *config, query_engine *engine,
	suffix_report *suffix, void *item, kd_err *err)
{
	(void)config;
	(void)suffix;
	return ns_addresses_ask_addresses(item, engine, err);
}

/* Appends the addresses of one NS name to an ns_addresses. */
typedef struct server_sink {
	ns_addresses *ns;
	const char *name;
	uint16_t port;     /* to ask the servers on */
	size_t taken;      /* addresses of NAME so far */
} server_sink;

/* False when out of memory. */
static bool
add_server(const char *address, int family, const void *bytes, void *ctx)
{
	server_sink *sink = ctx;
	ns_addresses *ns = sink->ns;
	ns_server *grown;

	for (size_t i = 0; i < ns->server_count; i++) {
		if (strcmp(ns->servers[i].address, address) == 0) {
			return true;
		}
	}
	if (sink->taken == CHECK_ADDRESS_MAX) {
		ns->addresses_capped = true;
		return true;
	}
	sink->taken++;
	grown = kd_array_resize(ns->servers, ns->server_count + 1,
		sizeof(*grown));
	if (grown == NULL) {
		return false;
	}
	ns->servers = grown;
	grown += ns->server_count++;
	snprintf(grown->name, sizeof(grown->name), "%s", sink->name);
	snprintf(grown->address, sizeof(grown->address), "%s", address);
	endpoint_from_address(family, bytes, sink->port, &grown->at);
	return true;
}

kd_result
ns_addresses_collect(ns_addresses *ns, const query_engine *engine,
	uint16_t port, kd_err *err)
{
	size_t taken = 0;

	for (size_t k = 0; k < ns->name_count * 2; k++) {
		server_sink sink = { ns, ns->names[k / 2], port,
			k % 2 ? taken : 0 };
		const ldns_pkt *pkt = query_engine_answer(engine, ns->ids[k]);

		if (pkt != NULL && !dns_answer_addresses(pkt, add_server,
			&sink)) {
			return kd_err_set(err, KD_ENOMEM, "out of memory");
		}
		taken = sink.taken;
	}
	return KD_OK;
}

kd_result
ns_addresses_ask_each(const ns_addresses *ns, query_engine *engine,
	const char *name, ldns_rr_type type, size_t **ids, kd_err *err)
{
	kd_result ret = KD_OK;

	*ids = calloc(ns->server_count ? ns->server_count : 1, sizeof(size_t));
	if (*ids == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	for (size_t s = 0; ret == KD_OK && s < ns->server_count; s++) {
		ret = query_engine_add(engine, name, type, &ns->servers[s].at,
			false, &(*ids)[s], err);
	}
	return ret;
}

kd_result
ns_limits_findings(check_report *report, const char *suffix, const char *zone,
	const ns_addresses *ns)
{
	if (ns->names_found > CHECK_NS_MAX &&
		check_report_add(report, SEVERITY_WARNING, "too_many_ns", 0,
			suffix, NULL, "zone %s has %zu NS names: only the first %d "
			"are asked (limit)", zone, ns->names_found, CHECK_NS_MAX)
		!= KD_OK) {
		return KD_ENOMEM;
	}
	if (ns->addresses_capped &&
		check_report_add(report, SEVERITY_WARNING, "too_many_addresses",
			0, suffix, NULL, "an NS name of zone %s has more than %d "
			"addresses: only %d are asked (limit)", zone,
			CHECK_ADDRESS_MAX, CHECK_ADDRESS_MAX) != KD_OK) {
		return KD_ENOMEM;
	}
	return KD_OK;
}

void
ns_addresses_free(ns_addresses *ns)
{
	free(ns->names);
	free(ns->ids);
	free(ns->servers);
}
