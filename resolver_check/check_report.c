/*
 * check_report.c -- the report model of kmsdns-check.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_report.h"
#include "kd_array.h"

void
check_report_init(check_report *report)
{
	memset(report, 0, sizeof(*report));
	report->chosen = -1;
}

static void
free_suffix(suffix_report *suffix)
{
	for (size_t i = 0; i < suffix->host_count; i++) {
		free(suffix->hosts[i].addresses);
	}
	free(suffix->hosts);
	free(suffix->srv_rrset);
	free(suffix->zone_ns);
	free(suffix->parent_ns);
	for (size_t i = 0; i < suffix->server_count; i++) {
		free(suffix->servers[i].srv_rrset);
		free(suffix->servers[i].addresses);
	}
	free(suffix->servers);
}

void
check_report_free(check_report *report)
{
	for (size_t i = 0; i < report->suffix_count; i++) {
		free_suffix(&report->suffixes[i]);
	}
	free(report->suffixes);
	free(report->unasked);
	free(report->findings);
	check_report_init(report);
}

/* Append an empty finding to REPORT; NULL when the list cannot grow. */
static finding *
new_finding(check_report *report, finding_severity severity, const char *id,
	uint32_t code, const char *suffix, const char *target)
{
	finding *grown = kd_array_grow(report->findings, report->finding_count,
		&report->finding_capacity, sizeof(*grown));

	if (grown == NULL) {
		return NULL;
	}
	report->findings = grown;
	finding *f = &grown[report->finding_count++];
	f->severity = severity;
	f->id = id;
	f->remedy = finding_remedy(id);
	f->code = code;
	snprintf(f->suffix, sizeof(f->suffix), "%s", suffix ? suffix : "");
	snprintf(f->target, sizeof(f->target), "%s", target ? target : "");
	return f;
}

kd_result
check_report_add(check_report *report, finding_severity severity,
	const char *id, uint32_t code, const char *suffix, const char *target,
	const char *fmt, ...)
{
	finding *f = new_finding(report, severity, id, code, suffix, target);
	va_list ap;

	if (f == NULL) {
		return KD_ENOMEM;
	}
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);
	return KD_OK;
}

kd_result
check_report_add_at(check_report *report, finding_severity severity,
	const char *id, uint32_t code, const suffix_report *suffix,
	const char *target, const char *address, const char *fmt, ...)
{
	finding *f = new_finding(report, severity, id, code, suffix->suffix,
		target);
	int used;
	va_list ap;

	if (f == NULL) {
		return KD_ENOMEM;
	}
	used = snprintf(f->message, sizeof(f->message), "%s: %s (%s)",
		suffix->qname, target, address);
	if (used < 0 || (size_t)used >= sizeof(f->message)) {
		return KD_OK;
	}
	va_start(ap, fmt);
	vsnprintf(f->message + used, sizeof(f->message) - (size_t)used, fmt,
		ap);
	va_end(ap);
	return KD_OK;
}

void
check_report_sort_findings(check_report *report)
{
	/* insertion sort: stable, and the lists are short */
	for (size_t i = 1; i < report->finding_count; i++) {
		finding moving = report->findings[i];
		size_t j = i;

		while (j > 0 && report->findings[j - 1].severity <
			moving.severity) {
			report->findings[j] = report->findings[j - 1];
			j--;
		}
		report->findings[j] = moving;
	}
}

finding_severity
check_report_worst(const check_report *report)
{
	finding_severity worst = SEVERITY_NOTE;

	for (size_t i = 0; i < report->finding_count; i++) {
		if (report->findings[i].severity > worst) {
			worst = report->findings[i].severity;
		}
	}
	return worst;
}

int
check_report_exit_status(const check_report *report)
{
	switch (check_report_worst(report)) {
	case SEVERITY_ERROR: return 2;
	case SEVERITY_WARNING: return 1;
	case SEVERITY_NOTE: return 0;
	}
	return 2;
}

/* One remedy per finding id; kmsdns-check(1) lists the same ids. */
static const struct {
	const char *id;
	const char *remedy;
} remedies[] = {
	{ "nxdomain", "if clients should find KMS hosts here, publish the SRV "
		"records in this zone, make sure _tcp.<zone> answers NOERROR "
		"and that the resolver reaches the zone; otherwise nothing" },
	{ "nodata", "add the SRV record (priority, weight, port 1688, host "
		"FQDN) at this name and remove any delegation of _tcp.<zone> "
		"that hides it" },
	{ "unavailable", "delete the \".\" SRV record and publish the KMS "
		"hosts, unless this domain has no KMS on purpose" },
	{ "servfail", "find the SERVFAIL cause in the server's log (lame "
		"delegation, DNSSEC validation, a failing DLZ backend) and "
		"fix it" },
	{ "refused", "let the clients' networks query this server "
		"(allow-query, allow-recursion) or give clients a server that "
		"resolves the zone" },
	{ "other_rcode", "find in the server's log why it answers with this "
		"rcode; clients cannot use the answer" },
	{ "timeout", "make sure the server answers on UDP and TCP port 53 "
		"from the client network (firewall, server load)" },
	{ "network_error", "make sure the server runs and is reachable on "
		"UDP and TCP port 53 from the client network" },
	{ "malformed", "the answer is not valid DNS: fix the server or the "
		"middlebox that rewrites DNS on the way" },
	{ "tcp_failed", "open TCP port 53 from the clients to the server "
		"(firewalls, the server's listen-on); DNS over TCP is "
		"mandatory (RFC 7766)" },
	{ "truncated", "allow TCP port 53 from clients to their resolvers, "
		"or publish fewer SRV records so the answer fits 512 bytes" },
	{ "suffixes_disagree", "publish the same KMS hosts under every "
		"suffix, or make sure each group of clients has the intended "
		"suffix first" },
	{ "no_suffix", "give clients a primary DNS suffix or a suffix search "
		"list (DHCP option 15) that names the zone with the records" },
	{ "devolution_only", "publish the SRV records into the clients' "
		"primary DNS suffix as well (DnsDomainPublishList on the KMS "
		"host, or kmsdns-publish)" },
	{ "too_many_srv", "publish a handful of KMS hosts: no client needs "
		"more than a few SRV records" },
	{ "too_many_targets", "point the SRV records at a handful of KMS "
		"hosts" },
	{ "too_many_ns", "give the zone a handful of NS records" },
	{ "too_many_addresses", "give each host a handful of addresses" },
	{ "cname_chain_too_long", "make the SRV target a host name with its "
		"own A/AAAA records, not a chain of aliases" },
	{ "malformed_answer", "fix or replace the DNS server named in the "
		"finding: its answers cannot be parsed" },
	{ "deadline_reached", "fix what made the run slow (servers that do "
		"not answer, hosts that do not answer on the KMS port), or "
		"check fewer suffixes at once" },
	{ "target_not_checked", "see the finding that says why (a cap or "
		"the deadline)" },
	{ "no_primary_suffix", "give the clients a primary DNS suffix, or "
		"name the zone with slmgr /skms-domain" },
	{ "bare_name_records", "publish the records as "
		"_vlmcs._tcp.<suffix> in a zone on the clients' suffix list; "
		"remove the bare-name records" },
	{ "records_not_asked", "add the suffix to the clients' suffix list "
		"(search list, DHCP option 15, devolution), or publish the "
		"records under a suffix that is on it" },
	{ "root_target_mixed", "delete the \".\" SRV record: it means \"no "
		"service\" only as the single record" },
	{ "target_cname", "point the SRV record at the canonical host name "
		"(the CNAME's target), which has the A/AAAA records" },
	{ "target_no_address", "add the target's A/AAAA record, or delete "
		"the SRV record if the host is gone" },
	{ "target_lookup_failed", "find why the resolver fails on the "
		"target's name (its zone's servers, delegation)" },
	{ "port_not_default", "nothing if the KMS host listens on this port "
		"(slmgr /sprt); otherwise correct the SRV port" },
	{ "duplicate_target", "keep one SRV record per KMS host and port" },
	{ "weight_zero_mixed", "give every host of this priority a non-zero "
		"weight, or move a standby host to a larger priority value" },
	{ "weights_and_caching", "nothing if weights are for first contacts; "
		"to make clients follow them on every renewal, turn host "
		"caching off on the clients (slmgr /ckhc)" },
	{ "ttl_long", "lower the SRV TTL to a day or less (KMS hosts "
		"re-publish every 24 h) so removed hosts leave caches soon" },
	{ "rogue_host", "find and stop the KMS host behind the record (slmgr "
		"/cdns on it), delete the record and restrict updates to the "
		"zone; or add it with --expect if it is authorised" },
	{ "expected_missing", "publish the host's SRV record (a KMS host "
		"re-publishes every 24 h unless DisableDnsPublishing is set), "
		"or correct --expect" },
	{ "port_closed", "start the KMS service (sppsvc) on the host or "
		"correct the SRV port; delete the record if the host no longer "
		"serves KMS" },
	{ "port_filtered", "open TCP 1688 (or the SRV port) in the firewalls "
		"between the clients and the host" },
	{ "not_kms", "point the SRV record at a KMS host, or enable KMS on "
		"the host listening there (slmgr /ipk with a KMS host key); "
		"another service on the KMS port answers clients nothing" },
	{ "probe_error", "check the route from the client network to the "
		"host's address" },
	{ "best_priority_down", "bring the best-priority hosts back, or give "
		"them a larger priority value until they are fixed" },
	{ "no_kms_reachable", "fix or delete the SRV records of this suffix: "
		"each target needs a correct address and an open KMS port" },
	{ "zone_unknown", "make the server answer SOA queries for the suffix "
		"so its zone can be found" },
	{ "ns_unknown", "make the zone's NS names resolve from the server" },
	{ "ns_unresponsive", "start the server, or remove it from the zone's "
		"NS records and from the parent's delegation" },
	{ "ns_lame", "serve the zone on this server, or remove it from the "
		"zone's NS records and from the parent's delegation" },
	{ "soa_serial_drift", "repair zone transfers (NOTIFY, allow-transfer, "
		"the secondary's log) until every server has the same serial" },
	{ "srv_rrset_differs", "bring the stale server in sync (zone "
		"transfer); until then some clients get the old records" },
	{ "target_addresses_differ", "bring the stale server in sync (zone "
		"transfer); until then some clients connect to old addresses" },
	{ "tcp_nxdomain", "make the server answer NOERROR for the empty "
		"non-terminal _tcp.<zone> (fix the DLZ backend, or delete a "
		"wrong delegation of _tcp)" },
	{ "negative_without_soa", "fix the server so that NXDOMAIN and NODATA "
		"answers carry the zone's SOA in the authority section" },
	{ "resolver_stale", "wait until the copy expires or flush the "
		"resolver's cache (rndc flushname); if it persists, the "
		"resolver forwards to a server outside the zone's NS set" },
	{ "not_delegated", "add the zone's NS records (and glue) to the "
		"parent zone on every parent server" },
	{ "delegation_differs", "make the parent's NS records for the zone "
		"and the zone's own NS RRset list the same servers" },
	{ "cache_ttl", "nothing; when a host is removed, expect clients to "
		"use the old record until the TTL runs out, or lower the TTL "
		"before the change" },
};

const char *
finding_remedy(const char *id)
{
	for (size_t i = 0; i < sizeof(remedies) / sizeof(remedies[0]); i++) {
		if (strcmp(remedies[i].id, id) == 0) {
			return remedies[i].remedy;
		}
	}
	return NULL;
}

const char *
finding_severity_name(finding_severity severity)
{
	switch (severity) {
	case SEVERITY_NOTE: return "note";
	case SEVERITY_WARNING: return "warning";
	case SEVERITY_ERROR: return "error";
	}
	return "unknown";
}

const char *
suffix_outcome_name(suffix_outcome outcome)
{
	switch (outcome) {
	case OUTCOME_RECORDS: return "records";
	case OUTCOME_UNAVAILABLE: return "unavailable";
	case OUTCOME_NXDOMAIN: return "nxdomain";
	case OUTCOME_NODATA: return "nodata";
	case OUTCOME_SERVFAIL: return "servfail";
	case OUTCOME_REFUSED: return "refused";
	case OUTCOME_OTHER_RCODE: return "other_rcode";
	case OUTCOME_TIMEOUT: return "timeout";
	case OUTCOME_NETERROR: return "network_error";
	case OUTCOME_MALFORMED: return "malformed";
	case OUTCOME_NOT_CHECKED: return "not_checked";
	}
	return "unknown";
}
