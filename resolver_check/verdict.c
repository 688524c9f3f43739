/*
 * verdict.c -- what a client would do, and the findings.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "check_limits.h"
#include "dns_answer.h"
#include "verdict.h"
#include "wincode.h"

/* Add a finding; out of memory ends the judging. */
#define ADD(report, ...) do { \
	if (check_report_add((report), __VA_ARGS__) != KD_OK) \
		return KD_ENOMEM; \
} while (0)

uint32_t
verdict_outcome_code(suffix_outcome outcome)
{
	switch (outcome) {
	case OUTCOME_RECORDS:
		return 0;
	case OUTCOME_NXDOMAIN:
		return WINCODE_NXDOMAIN;
	case OUTCOME_NODATA:
	case OUTCOME_UNAVAILABLE:
		return WINCODE_NO_RECORDS;
	case OUTCOME_SERVFAIL:
	case OUTCOME_REFUSED:
	case OUTCOME_OTHER_RCODE:
	case OUTCOME_TIMEOUT:
	case OUTCOME_NETERROR:
	case OUTCOME_MALFORMED:
		return WINCODE_SERVER_FAILURE;
	case OUTCOME_NOT_CHECKED:
		return 0;
	}
	return WINCODE_SERVER_FAILURE;
}

static bool
is_failure(suffix_outcome outcome)
{
	return verdict_outcome_code(outcome) == WINCODE_SERVER_FAILURE ||
		outcome == OUTCOME_NOT_CHECKED;
}

static const char *
outcome_text(const suffix_report *suffix)
{
	switch (suffix->outcome) {
	case OUTCOME_NXDOMAIN: return "the name does not exist (NXDOMAIN)";
	case OUTCOME_NODATA: return "the name exists but has no SRV records "
		"(NODATA)";
	case OUTCOME_UNAVAILABLE: return "the only SRV record has target "
		"\".\": the service is declared unavailable";
	case OUTCOME_SERVFAIL: return "the server failed (SERVFAIL)";
	case OUTCOME_REFUSED: return "the server refused the query (REFUSED)";
	case OUTCOME_OTHER_RCODE: return "the server answered with an "
		"unexpected rcode";
	case OUTCOME_TIMEOUT: return "no answer within the timeout";
	case OUTCOME_NETERROR: return "the query failed (network error)";
	case OUTCOME_MALFORMED: return "the answer could not be parsed";
	case OUTCOME_NOT_CHECKED: return "not asked: the run's deadline came "
		"first";
	case OUTCOME_RECORDS: return "SRV records found";
	}
	return "unknown";
}

const char *
verdict_suffix_action(const check_report *report, size_t index)
{
	const suffix_report *suffix = &report->suffixes[index];
	bool last = index + 1 == report->suffix_count;

	if (report->chosen >= 0 && (long)index > report->chosen) {
		return "never gets here: it stops at an earlier suffix";
	}
	if ((long)index == report->chosen && suffix->devolved) {
		return "reaches this suffix only if it devolves the primary "
			"suffix, which no Microsoft source documents for KMS";
	}
	if ((long)index == report->chosen) {
		return report->activates ? "uses this suffix and contacts the "
			"hosts below in this order" : "uses this suffix, but "
			"none of its hosts can be reached: activation fails";
	}
	if (is_failure(suffix->outcome)) {
		return last ? "gets a server failure here and has no suffix "
			"left: activation fails" : "may stop here on the server "
			"failure, or move on to the next suffix";
	}
	return last ? "has no suffix left: activation fails" :
		"moves on to the next suffix";
}

/* Findings for a suffix that gave no usable records. */
static kd_result
judge_negative(check_report *report, size_t index)
{
	suffix_report *suffix = &report->suffixes[index];
	finding_severity severity;
	const char *consequence;

	if (report->chosen >= 0 && (long)index > report->chosen) {
		severity = SEVERITY_NOTE;
		consequence = "clients stop at an earlier suffix and never ask "
			"this one";
	} else if (report->chosen >= 0 && is_failure(suffix->outcome)) {
		severity = SEVERITY_WARNING;
		consequence = "a client may stop here instead of moving on to "
			"the next suffix";
	} else if (report->chosen >= 0) {
		severity = SEVERITY_NOTE;
		consequence = "clients move on to the next suffix";
	} else {
		severity = SEVERITY_ERROR;
		consequence = "no suffix gives usable records";
	}
	ADD(report, severity, suffix_outcome_name(suffix->outcome),
		suffix->code, suffix->suffix, NULL, "%s SRV: %s%s%s%s; %s",
		suffix->qname, outcome_text(suffix), suffix->error[0] ? ": " :
		"", suffix->error, suffix->truncated ? " (over TCP, after a "
		"truncated UDP answer)" : "", consequence);
	return KD_OK;
}

static bool
expected(const check_config *config, const char *target)
{
	for (size_t i = 0; i < config->expect_count; i++) {
		if (dname_equal(config->expect[i], target)) {
			return true;
		}
	}
	return false;
}

/* Longest SRV TTL that is not a finding: KMS hosts re-publish daily. */
#define VERDICT_TTL_MAX 86400

/* Per-record checks: duplicates, weights, port, alias, address, TTL. */
static kd_result
judge_records(const check_config *config, check_report *report,
	suffix_report *suffix)
{
	if (suffix->ttl > VERDICT_TTL_MAX) {
		ADD(report, SEVERITY_NOTE, "ttl_long", 0, suffix->suffix, NULL,
			"%s: the SRV TTL is %u s, more than a day: a removed "
			"KMS host stays in resolver caches that long",
			suffix->qname, (unsigned)suffix->ttl);
	}
	for (size_t i = 0; i < suffix->host_count; i++) {
		const host_entry *host = &suffix->hosts[i];
		const char *target = host->rec.target;
		bool duplicate = false;
		bool zero_mixed = false;

		for (size_t j = 0; j < i; j++) {
			duplicate |= dname_equal(suffix->hosts[j].rec.target,
				target);
		}
		if (duplicate) {
			ADD(report, SEVERITY_WARNING, "duplicate_target", 0,
				suffix->suffix, target, "%s: %s appears in more "
				"than one SRV record: its share is counted twice "
				"and a failed host is tried again", suffix->qname,
				target);
		}
		for (size_t j = 0; j < suffix->host_count; j++) {
			zero_mixed |= suffix->hosts[j].rec.priority ==
				host->rec.priority &&
				suffix->hosts[j].rec.weight > 0;
		}
		if (host->rec.weight == 0 && zero_mixed) {
			ADD(report, SEVERITY_WARNING, "weight_zero_mixed", 0,
				suffix->suffix, target, "%s: %s has weight 0 next "
				"to non-zero weights at priority %u: RFC 2782 "
				"wants it very rarely chosen, yet the RFC 2782 "
				"model picks it first %.1f%% of the time (Windows' "
				"selection is undocumented)", suffix->qname, target,
				(unsigned)host->rec.priority, host->share * 100);
		}
		if (host->rec.port != SRV_KMS_PORT) {
			ADD(report, SEVERITY_NOTE, "port_not_default", 0,
				suffix->suffix, target, "%s: %s uses port %u, not "
				"%d: the KMS host must listen there",
				suffix->qname, target,
				(unsigned)host->rec.port, SRV_KMS_PORT);
		}
		if (host->cname) {
			ADD(report, SEVERITY_WARNING, "target_cname", 0,
				suffix->suffix, target, "%s: target %s is an "
				"alias (CNAME to %s): RFC 2782 forbids aliases as "
				"SRV targets", suffix->qname, target,
				host->cname_target);
		}
		if (host->not_checked) {
			ADD(report, SEVERITY_WARNING, "target_not_checked", 0,
				suffix->suffix, target, "%s: target %s was not "
				"looked up nor probed (over a limit, or the "
				"deadline came first)", suffix->qname, target);
		}
		if (host->chain_too_long) {
			ADD(report, SEVERITY_WARNING, "cname_chain_too_long",
				WINCODE_SERVER_FAILURE, suffix->suffix, target,
				"%s: the address of target %s is behind more "
				"than %d CNAMEs (limit): resolvers give up on such "
				"chains", suffix->qname, target,
				DNS_ANSWER_CHAIN_MAX);
		}
		if (host->addresses_capped) {
			ADD(report, SEVERITY_WARNING, "too_many_addresses", 0,
				suffix->suffix, target, "%s: target %s has more "
				"than %d addresses: only %d are checked (limit)",
				suffix->qname, target, CHECK_ADDRESS_MAX,
				CHECK_ADDRESS_MAX);
		}
		if (host->lookup_error[0] != '\0') {
			ADD(report, SEVERITY_WARNING, "malformed_answer",
				WINCODE_SERVER_FAILURE, suffix->suffix, target,
				"%s: the A/AAAA answer for target %s is malformed: "
				"%s", suffix->qname, target, host->lookup_error);
		} else if (host->lookup_failed) {
			ADD(report, SEVERITY_WARNING, "target_lookup_failed",
				WINCODE_SERVER_FAILURE, suffix->suffix, target,
				"%s: the A/AAAA lookup of target %s failed "
				"(timeout or server failure)", suffix->qname,
				target);
		} else if (host->address_count == 0 && !host->not_checked) {
			ADD(report, SEVERITY_WARNING, "target_no_address",
				WINCODE_RPC_UNAVAILABLE, suffix->suffix, target,
				"%s: target %s has no A or AAAA record: a client "
				"that picks it cannot connect", suffix->qname,
				target);
		}
		if (config->expect_count > 0 && !expected(config, target)) {
			ADD(report, SEVERITY_WARNING, "rogue_host", 0,
				suffix->suffix, target, "%s: %s is not an expected "
				"KMS host (--expect): a rogue KMS host at priority "
				"%u with %.1f%% of first contacts in the RFC 2782 "
				"model", suffix->qname,
				target,
				(unsigned)host->rec.priority, host->share * 100);
		}
	}
	for (size_t e = 0; e < config->expect_count; e++) {
		bool found = false;

		for (size_t i = 0; i < suffix->host_count; i++) {
			found |= dname_equal(suffix->hosts[i].rec.target,
				config->expect[e]);
		}
		if (!found) {
			ADD(report, SEVERITY_WARNING, "expected_missing", 0,
				suffix->suffix, config->expect[e], "expected KMS "
				"host %s has no SRV record under %s",
				config->expect[e], suffix->qname);
		}
	}
	return KD_OK;
}

/* The finding when the probe of ADDR, of HOST, found no KMS host. */
static kd_result
judge_probe(check_report *report, const suffix_report *suffix,
	const host_entry *host, const host_address *addr)
{
	const char *target = host->rec.target;
	const unsigned port = host->rec.port;

	switch (addr->probe) {
	case PROBE_CLOSED:
		return check_report_add_at(report, SEVERITY_WARNING,
			"port_closed", WINCODE_RPC_UNAVAILABLE, suffix, target,
			addr->text, " refuses TCP port %u: nothing listens "
			"there", port);
	case PROBE_FILTERED:
		return check_report_add_at(report, SEVERITY_WARNING,
			"port_filtered", WINCODE_RPC_UNAVAILABLE, suffix,
			target, addr->text, " does not answer on TCP port %u "
			"within %u ms (a firewall dropping it, or an "
			"overloaded host)", port, addr->probe_ms);
	case PROBE_NOT_KMS:
		return check_report_add_at(report, SEVERITY_WARNING, "not_kms",
			WINCODE_KMS_NOT_ENABLED, suffix, target, addr->text,
			" accepts TCP port %u but is not a KMS host: %s", port,
			addr->probe_detail);
	case PROBE_ERROR:
		return check_report_add_at(report, SEVERITY_WARNING,
			"probe_error", WINCODE_RPC_UNAVAILABLE, suffix, target,
			addr->text, " cannot be reached on TCP port %u: %s",
			port, strerror(addr->probe_errno));
	default:
		return KD_OK;
	}
}

/* Probe findings of SUFFIX; sets *UP to the number of reachable hosts. */
static kd_result
judge_probes(check_report *report, suffix_report *suffix, size_t *up)
{
	uint16_t best = suffix->hosts[0].rec.priority;
	uint16_t fallback = best;
	size_t best_up = 0;

	*up = 0;
	for (size_t i = 0; i < suffix->host_count; i++) {
		const host_entry *host = &suffix->hosts[i];

		for (size_t a = 0; a < host->address_count; a++) {
			if (judge_probe(report, suffix, host,
				&host->addresses[a]) != KD_OK) {
				return KD_ENOMEM;
			}
		}
		if (host->reachable) {
			if (*up == 0) {
				fallback = host->rec.priority;
			}
			(*up)++;
			if (host->rec.priority == best) {
				best_up++;
			}
		}
	}
	if (*up > 0 && best_up == 0) {
		ADD(report, SEVERITY_WARNING, "best_priority_down",
			WINCODE_RPC_UNAVAILABLE, suffix->suffix, NULL, "%s: "
			"every host of the best priority %u is down: clients "
			"first fail on them, then fall back to priority %u "
			"hosts", suffix->qname, (unsigned)best, (unsigned)fallback);
	}
	return KD_OK;
}

/* True when A and B list the same target:port pairs. */
static bool
same_hosts(const suffix_report *a, const suffix_report *b)
{
	for (int pass = 0; pass < 2; pass++) {
		const suffix_report *x = pass ? b : a;
		const suffix_report *y = pass ? a : b;

		for (size_t i = 0; i < x->host_count; i++) {
			bool found = false;

			for (size_t j = 0; j < y->host_count; j++) {
				found |= dname_equal(x->hosts[i].rec.target,
					y->hosts[j].rec.target) &&
					x->hosts[i].rec.port ==
					y->hosts[j].rec.port;
			}
			if (!found) {
				return false;
			}
		}
	}
	return true;
}

/*
 * C12: weights that differ among the best-priority hosts only shape first
 * contacts, as clients cache the host they reached (kms-discovery.md 1.1).
 */
static kd_result
judge_weights(check_report *report, const suffix_report *chosen)
{
	const host_entry *hosts = chosen->hosts;
	bool differ = false;

	for (size_t i = 1; i < chosen->host_count &&
		hosts[i].rec.priority == hosts[0].rec.priority; i++) {
		differ |= hosts[i].rec.weight != hosts[0].rec.weight;
	}
	if (differ) {
		ADD(report, SEVERITY_NOTE, "weights_and_caching", 0,
			chosen->suffix, NULL, "%s: the hosts of priority %u have "
			"different weights, but clients with host caching (the "
			"default) keep the host they first reached: the weights "
			"shape first contacts only", chosen->qname,
			(unsigned)hosts[0].rec.priority);
	}
	return KD_OK;
}

/* Verdict on the suffix a client uses. */
static kd_result
judge_chosen(check_report *report)
{
	suffix_report *chosen = &report->suffixes[report->chosen];
	size_t with_address = 0;
	size_t up = 0;

	if (judge_weights(report, chosen) != KD_OK) {
		return KD_ENOMEM;
	}
	for (size_t i = 0; i < chosen->host_count; i++) {
		with_address += chosen->hosts[i].address_count > 0;
	}
	if (report->probed && judge_probes(report, chosen, &up) != KD_OK) {
		return KD_ENOMEM;
	}
	if (with_address == 0 || (report->probed && up == 0)) {
		report->activates = false;
		report->client_code = WINCODE_NO_KMS;
		ADD(report, SEVERITY_ERROR, "no_kms_reachable", WINCODE_NO_KMS,
			chosen->suffix, NULL, "clients use %s but none of its "
			"%zu host(s) %s", chosen->qname, chosen->host_count,
			with_address == 0 ? "has an address" : report->rpc ?
			"answers as a KMS host" : "accepts a TCP connection");
	} else {
		report->activates = true;
	}
	for (size_t i = 0; i < report->suffix_count; i++) {
		suffix_report *other = &report->suffixes[i];
		size_t other_up;

		if ((long)i == report->chosen ||
			other->outcome != OUTCOME_RECORDS) {
			continue;
		}
		if (report->probed &&
			judge_probes(report, other, &other_up) != KD_OK) {
			return KD_ENOMEM;
		}
		if (!same_hosts(chosen, other)) {
			ADD(report, SEVERITY_WARNING, "suffixes_disagree", 0,
				other->suffix, NULL, "%s and %s list different "
				"KMS hosts: clients with %s first in their "
				"suffix list use the other set", chosen->qname,
				other->qname, other->suffix);
		}
	}
	return KD_OK;
}

/*
 * C6/C19: records at a parent of a suffix that is not on the list: found
 * by nslookup and dig, never by the clients. A warning when no suffix
 * works (they explain the failure), else a note.
 */
static kd_result
judge_unasked(check_report *report)
{
	bool any_records = false;

	for (size_t i = 0; i < report->suffix_count; i++) {
		any_records |= report->suffixes[i].outcome == OUTCOME_RECORDS;
	}
	for (size_t i = 0; i < report->unasked_count; i++) {
		const unasked_suffix *u = &report->unasked[i];

		ADD(report, any_records ? SEVERITY_NOTE : SEVERITY_WARNING,
			"records_not_asked", 0, u->suffix, NULL, "%s.%s has %zu "
			"SRV record(s), but %s is not on the clients' suffix "
			"list: nslookup and dig may find them, clients never ask "
			"there", report->service, u->suffix, u->records,
			u->suffix);
	}
	return KD_OK;
}

/*
 * Item 1 of kms-discovery.md 1.2: no Microsoft source says KMS discovery
 * devolves, and the deployment guide has hosts publish into every client
 * domain. Records reached only through devolution are a warning, and the
 * verdict is what a client gets without them.
 */
static kd_result
judge_devolution(check_report *report)
{
	const suffix_report *chosen = &report->suffixes[report->chosen];
	const char *domain = report->suffixes[0].suffix;
	long documented = -1;

	if (!chosen->devolved) {
		return KD_OK;
	}
	for (size_t i = 0; i < report->suffix_count; i++) {
		if (!report->suffixes[i].devolved) {
			documented = (long)i;
		}
	}
	report->via_devolution = report->activates;
	report->activates = false;
	report->client_code = documented >= 0 ?
		report->suffixes[documented].code : WINCODE_INVALID_NAME;
	ADD(report, SEVERITY_WARNING, "devolution_only", report->client_code,
		chosen->suffix, NULL, "%s is reached only by devolving the "
		"primary suffix %s: no Microsoft source says KMS discovery "
		"devolves, so clients may stop before it; publish into %s as "
		"well", chosen->qname, domain, domain);
	return KD_OK;
}

kd_result
verdict_judge(const check_config *config, check_report *report, kd_err *err)
{
	report->chosen = -1;
	if (report->bare_records > 0 &&
		check_report_add(report, SEVERITY_WARNING, "bare_name_records",
			WINCODE_NXDOMAIN, NULL, NULL, "%s. (without a domain) has "
			"%zu SRV record(s): nslookup or dig with a search list may "
			"show them, but Windows clients only ask %s.<suffix> and "
			"never find them", config->service, report->bare_records,
			config->service) != KD_OK) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	if (report->tcp_error[0] != '\0' &&
		check_report_add(report, SEVERITY_WARNING, "tcp_failed",
			WINCODE_SERVER_FAILURE, NULL, NULL, "the --server %s "
			"answers over UDP but not over TCP (%s): answers larger "
			"than 512 bytes (many SRV records) fail on clients",
			report->server, report->tcp_error) != KD_OK) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	if (judge_unasked(report) != KD_OK) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	if (report->suffix_count == 0) {
		report->client_code = WINCODE_INVALID_NAME;
		if (check_report_add(report, SEVERITY_ERROR, "no_suffix",
			WINCODE_INVALID_NAME, NULL, NULL, "the suffix list is "
			"empty: a client has no domain to ask for %s and sends "
			"no query", config->service) != KD_OK) {
			return kd_err_set(err, KD_ENOMEM, "out of memory");
		}
		return KD_OK;
	}
	if (config->windows_without_primary &&
		check_report_add(report, SEVERITY_WARNING, "no_primary_suffix",
			WINCODE_INVALID_NAME, NULL, NULL, "no primary DNS suffix: "
			"clients without one are reported to fail with "
			"0x8007007B without asking DNS") != KD_OK) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < report->suffix_count; i++) {
		if (report->suffixes[i].outcome == OUTCOME_RECORDS) {
			report->chosen = (long)i;
			break;
		}
	}
	for (size_t i = 0; i < report->suffix_count; i++) {
		suffix_report *suffix = &report->suffixes[i];
		kd_result ret = KD_OK;

		suffix->code = verdict_outcome_code(suffix->outcome);
		suffix->queried_by_client = report->chosen < 0 ||
			(long)i <= report->chosen;
		if (suffix->truncated && !is_failure(suffix->outcome)) {
			ret = check_report_add(report, SEVERITY_NOTE,
				"truncated", 0, suffix->suffix, NULL, "the UDP "
				"answer for %s was truncated and needed TCP: "
				"clients where TCP port 53 is blocked get "
				"0x8007232A", suffix->qname);
		}
		if (ret == KD_OK && suffix->outcome == OUTCOME_RECORDS) {
			ret = judge_records(config, report, suffix);
		} else if (ret == KD_OK) {
			ret = judge_negative(report, i);
		}
		if (ret != KD_OK) {
			return kd_err_set(err, KD_ENOMEM, "out of memory");
		}
	}
	if (report->chosen < 0) {
		report->activates = false;
		report->client_code =
			report->suffixes[report->suffix_count - 1].code;
		return KD_OK;
	}
	if (judge_chosen(report) != KD_OK ||
		judge_devolution(report) != KD_OK) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	return KD_OK;
}
