/*
 * report_json.c -- the JSON document of kmsdns-check (kmsdns-check(1)).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "json_out.h"
#include "report_output.h"
#include "verdict.h"
#include "wincode.h"

/* CODE as "0x8007232B", or null for 0. */
static void
json_code(json_out *json, const char *key, uint32_t code)
{
	char text[16];

	json_key(json, key);
	if (code == 0) {
		json_null(json);
		return;
	}
	wincode_format(code, text, sizeof(text));
	json_string(json, text);
}

/* KEY: VALUE when KNOWN, else null: no made-up zeros. */
static void
json_uint_if(json_out *json, const char *key, bool known, uint64_t value)
{
	json_key(json, key);
	if (known) {
		json_uint(json, value);
	} else {
		json_null(json);
	}
}

static void
json_hosts(json_out *json, const check_report *report,
	const suffix_report *suffix)
{
	json_key(json, "hosts");
	json_array_begin(json);
	for (size_t h = 0; h < suffix->host_count; h++) {
		const host_entry *host = &suffix->hosts[h];

		json_object_begin(json);
		json_kv_string(json, "target", host->rec.target);
		json_kv_uint(json, "port", host->rec.port);
		json_kv_uint(json, "priority", host->rec.priority);
		json_kv_uint(json, "weight", host->rec.weight);
		json_kv_uint(json, "ttl", host->rec.ttl);
		json_kv_double(json, "share", host->share);
		json_kv_bool(json, "cname", host->cname);
		json_kv_string(json, "cname_target",
			host->cname ? host->cname_target : NULL);
		json_kv_bool(json, "lookup_failed", host->lookup_failed);
		json_kv_bool(json, "checked", !host->not_checked);
		json_kv_bool(json, "no_address", host->address_count == 0 &&
			!host->not_checked && !host->lookup_failed);
		json_key(json, "reachable");
		if (report->probed) {
			json_bool(json, host->reachable);
		} else {
			json_null(json);
		}
		json_key(json, "addresses");
		json_array_begin(json);
		for (size_t a = 0; a < host->address_count; a++) {
			json_object_begin(json);
			json_kv_string(json, "address",
				host->addresses[a].text);
			json_kv_string(json, "probe", probe_state_name(
				host->addresses[a].probe));
			json_uint_if(json, "probe_ms",
				host->addresses[a].probe != PROBE_NOT_RUN,
				host->addresses[a].probe_ms);
			json_kv_string(json, "probe_error",
				host->addresses[a].probe == PROBE_ERROR ?
				strerror(host->addresses[a].probe_errno) :
				host->addresses[a].probe_detail[0] ?
				host->addresses[a].probe_detail : NULL);
			json_object_end(json);
		}
		json_array_end(json);
		json_object_end(json);
	}
	json_array_end(json);
}

static void
json_servers(json_out *json, const suffix_report *suffix)
{
	json_key(json, "authoritative");
	json_object_begin(json);
	json_kv_string(json, "zone", suffix->zone[0] ? suffix->zone : NULL);
	json_uint_if(json, "negative_ttl", suffix->zone[0] != '\0',
		suffix->negative_ttl);
	json_kv_string(json, "ns", suffix->zone_ns);
	json_kv_string(json, "parent_zone",
		suffix->parent_zone[0] ? suffix->parent_zone : NULL);
	json_kv_string(json, "parent_ns", suffix->parent_ns);
	json_key(json, "servers");
	json_array_begin(json);
	for (size_t s = 0; s < suffix->server_count; s++) {
		const auth_server *server = &suffix->servers[s];

		json_object_begin(json);
		json_kv_string(json, "name", server->name);
		json_kv_string(json, "address", server->address);
		json_kv_bool(json, "answered", server->answered);
		json_kv_bool(json, "authoritative", server->authoritative);
		json_kv_string(json, "rcode", server->rcode);
		json_uint_if(json, "serial", server->authoritative,
			server->serial);
		json_kv_string(json, "srv_rcode", server->srv_outcome);
		json_kv_string(json, "srv_rrset", server->srv_rrset);
		json_uint_if(json, "srv_ttl", server->srv_rrset != NULL &&
			server->srv_rrset[0] != '\0', server->srv_ttl);
		json_kv_string(json, "target_addresses", server->addresses);
		json_kv_bool(json, "tcp_nxdomain", server->tcp_nxdomain);
		json_kv_bool(json, "negative_without_soa",
			server->negative_without_soa);
		json_object_end(json);
	}
	json_array_end(json);
	json_object_end(json);
}

void
report_print_json(const check_report *report, FILE *out)
{
	json_out json;

	json_init(&json, out);
	json_object_begin(&json);
	json_kv_uint(&json, "format", REPORT_JSON_FORMAT);
	json_kv_string(&json, "service", report->service);
	json_kv_string(&json, "server", report->server);
	json_kv_bool(&json, "probed", report->probed);
	json_kv_bool(&json, "rpc_probed", report->rpc);
	json_key(&json, "chosen_suffix");
	if (report->chosen >= 0) {
		json_string(&json, report->suffixes[report->chosen].suffix);
	} else {
		json_null(&json);
	}
	json_kv_bool(&json, "activates", report->activates);
	json_kv_bool(&json, "via_devolution", report->via_devolution);
	json_kv_string(&json, "share_model", "rfc2782");
	json_kv_uint(&json, "bare_records", report->bare_records);
	json_key(&json, "unasked_suffixes");
	json_array_begin(&json);
	for (size_t i = 0; i < report->unasked_count; i++) {
		json_object_begin(&json);
		json_kv_string(&json, "suffix", report->unasked[i].suffix);
		json_kv_uint(&json, "records", report->unasked[i].records);
		json_object_end(&json);
	}
	json_array_end(&json);
	json_kv_string(&json, "tcp_error",
		report->tcp_error[0] ? report->tcp_error : NULL);
	json_code(&json, "client_code", report->activates ? 0 :
		report->client_code);
	json_kv_int(&json, "exit_status", check_report_exit_status(report));
	json_kv_uint(&json, "deadline_ms", report->deadline_ms);
	json_kv_bool(&json, "deadline_reached", report->deadline_reached);
	json_kv_string(&json, "not_checked", report->deadline_reached ?
		report->not_checked : NULL);
	json_key(&json, "suffixes");
	json_array_begin(&json);
	for (size_t i = 0; i < report->suffix_count; i++) {
		const suffix_report *suffix = &report->suffixes[i];

		json_object_begin(&json);
		json_kv_string(&json, "suffix", suffix->suffix);
		json_kv_string(&json, "qname", suffix->qname);
		json_kv_string(&json, "outcome",
			suffix_outcome_name(suffix->outcome));
		json_kv_string(&json, "rcode", suffix->rcode);
		json_kv_string(&json, "error",
			suffix->error[0] ? suffix->error : NULL);
		json_kv_string(&json, "client_action",
			verdict_suffix_action(report, i));
		json_kv_bool(&json, "truncated", suffix->truncated);
		json_kv_uint(&json, "query_ms", suffix->query_ms);
		json_kv_bool(&json, "queried_by_client",
			suffix->queried_by_client);
		json_kv_bool(&json, "chosen", (long)i == report->chosen);
		json_kv_bool(&json, "devolved", suffix->devolved);
		json_kv_uint(&json, "srv_records_found", suffix->srv_found);
		json_uint_if(&json, "ttl", suffix->outcome == OUTCOME_RECORDS ||
			suffix->outcome == OUTCOME_UNAVAILABLE, suffix->ttl);
		json_code(&json, "code", suffix->code);
		json_hosts(&json, report, suffix);
		if (report->authoritative) {
			json_servers(&json, suffix);
		}
		json_object_end(&json);
	}
	json_array_end(&json);
	json_key(&json, "findings");
	json_array_begin(&json);
	for (size_t i = 0; i < report->finding_count; i++) {
		const finding *f = &report->findings[i];

		json_object_begin(&json);
		json_kv_string(&json, "severity",
			finding_severity_name(f->severity));
		json_kv_string(&json, "id", f->id);
		json_code(&json, "code", f->code);
		json_kv_string(&json, "suffix", f->suffix[0] ? f->suffix : NULL);
		json_kv_string(&json, "target", f->target[0] ? f->target : NULL);
		json_kv_string(&json, "message", f->message);
		json_kv_string(&json, "remedy", f->remedy);
		json_object_end(&json);
	}
	json_array_end(&json);
	json_object_end(&json);
	json_end_document(&json);
}

void
report_print_json_error(const char *error, int exit_status, FILE *out)
{
	json_out json;

	json_init(&json, out);
	json_object_begin(&json);
	json_kv_uint(&json, "format", REPORT_JSON_FORMAT);
	json_kv_string(&json, "error", error);
	json_kv_int(&json, "exit_status", exit_status);
	json_object_end(&json);
	json_end_document(&json);
}
