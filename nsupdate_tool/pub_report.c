/*
 * pub_report.c -- text and JSON reports.
 */
#include "config.h"

#include <string.h>

#include "cli_conv.h"
#include "json_out.h"
#include "pub_report.h"
#include "wincode.h"

uint32_t
pub_report_wincode(const pub_result *res)
{
	if (res->ok) {
		return 0;
	}
	if (res->tsig_error == TSIG_ERROR_BADSIG) {
		return wincode_for_update_rcode(TSIG_ERROR_BADSIG);
	}
	if (res->rcode > 0 && wincode_for_update_rcode((unsigned)res->rcode)) {
		return wincode_for_update_rcode((unsigned)res->rcode);
	}
	switch (res->code) {
	case KD_ENOTZONE:
		return WINCODE_PUB_NOTZONE;
	case KD_ENOTAUTH:
		return WINCODE_PUB_NOTAUTH;
	case KD_ESERVFAIL:
	case KD_ETIMEOUT:
	case KD_ENET:
		/* "DNS server failure", as a KMS host logs it */
		return WINCODE_SERVER_FAILURE;
	default:
		return 0;
	}
}

const char *
pub_report_error_name(const pub_result *res)
{
	if (res->ok) {
		return NULL;
	}
	switch (res->code) {
	case KD_EREFUSED:
		return "REFUSED";
	case KD_ENOTAUTH:
		return "NOTAUTH";
	case KD_EBADSIG:
		return "BADSIG";
	case KD_EBADKEY:
		return "BADKEY";
	case KD_EBADTIME:
		return "BADTIME";
	case KD_ESERVFAIL:
		return "SERVFAIL";
	case KD_ETIMEOUT:
		return "timeout";
	case KD_ENET:
		return "network";
	case KD_ENOTZONE:
		return res->rcode == 10 ? "NOTZONE" : "no-zone";
	case KD_EGSS:
		return "gss";
	default:
		return "error";
	}
}

const char *
pub_report_hint(const pub_result *res)
{
	if (res->ok) {
		return NULL;
	}
	if (res->code == KD_EREFUSED && res->unsigned_refusal) {
		return "the server answered the signed UPDATE with an unsigned "
			"REFUSED: it does not know the key or could not verify "
			"the signature (PowerDNS: the key in its database and "
			"TSIG-ALLOW-DNSUPDATE): check the key on the server";
	}
	if (res->gss && res->code == KD_EBADSIG) {
		return "the GSS-TSIG signature did not verify (a MIC over "
			"another context, or a server that signs answers in a "
			"third way): check the server's DNS/<primary> key "
			"version (kvno) against the KDC, and the clocks";
	}
	if (res->gss && res->code == KD_EBADKEY) {
		return "the server does not know the GSS-TSIG context (it "
			"restarted or the context expired, or it refused the "
			"ticket): run again; if it stays, check the server's "
			"keytab for DNS/<primary> and its grant of the principal";
	}
	if (res->code == KD_ENOTAUTH && res->kmsdns_zone) {
		return "the zone is served by the kmsdns DLZ module but named "
			"does not take UPDATEs for it yet (a zone added to the "
			"registry after named started): run rndc reconfig";
	}
	switch (res->code) {
	case KD_EREFUSED:
		return "the zone's update policy has no grant for this key or "
			"principal on this record (or the server is a "
			"secondary, or another host kept the zone busy through "
			"the retry): add a grant";
	case KD_ENOTAUTH:
		return "the server is not the zone's primary or does not know "
			"the key";
	case KD_EBADSIG:
		return "the server has the key with another secret or "
			"algorithm: copy the key file again";
	case KD_EBADKEY:
		return "the server does not know the key (name or algorithm): "
			"add it to named.conf, or check the GSS principal";
	case KD_EBADTIME:
		return "clock skew between this host and the server: check NTP";
	case KD_ETIMEOUT:
		return "no answer: check for a firewall on 53/tcp to the server";
	case KD_ENET:
		return "no DNS server listens on 53/tcp there: check --server "
			"and the primary's address";
	case KD_ENOTZONE:
		return "no zone on the server holds the name: check the domain "
			"and --server";
	case KD_ESERVFAIL:
		return "the server failed (SERVFAIL): check its log for the "
			"zone";
	case KD_EDNS:
		return "the server's answer was malformed or did not fit the "
			"question (see detail): check the server and anything "
			"between (proxy, firewall rewriting DNS)";
	case KD_EGSS:
		return "Kerberos failed: check the keytab, the principal and "
			"DNS/<primary> in named's keytab";
	default:
		return NULL;
	}
}

int
pub_report_exit_status(const pub_result *results, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		if (!results[i].ok) {
			return 1;
		}
	}
	return 0;
}

/* The result word of RES. */
static const char *
result_word(const pub_config *cfg, const pub_result *res)
{
	if (!res->ok) {
		return "failed";
	}
	if (res->not_allowed) {
		return "not-allowed";
	}
	return cfg->dry_run ? "dry-run" : "ok";
}

void
pub_report_text(FILE *out, const pub_config *cfg, const pub_result *results,
	size_t count)
{
	for (size_t i = 0; cfg->dry_run && i < count; i++) {
		if (results[i].script != NULL) {
			fprintf(out, "%s\n", results[i].script);
		}
	}
	for (size_t i = 0; i < count; i++) {
		const pub_result *res = &results[i];
		uint32_t code = pub_report_wincode(res);

		fprintf(out, "%s zone=%s server=%s action=%s result=%s",
			res->domain, res->zone[0] != '\0' ? res->zone : "-",
			res->server[0] != '\0' ? res->server : "-",
			res->planned ? pub_action_name(res->action) : "-",
			result_word(cfg, res));
		if (res->address_job) {
			fputs(" records=address", out);
		}
		if (res->not_allowed) {
			fprintf(out, " hint=\"the update policy does not let "
				"this host write its address records; they are "
				"left as they are\"");
		}
		if (!res->ok) {
			const char *hint = pub_report_hint(res);

			fprintf(out, " error=%s", pub_report_error_name(res));
			if (code != 0) {
				char hex[16];

				wincode_format(code, hex, sizeof(hex));
				fprintf(out, " windows=%s event=%d", hex,
					WINCODE_EVENT_PUBLISH_FAILED);
			}
			if (hint != NULL) {
				fprintf(out, " hint=\"%s\"", hint);
			}
			/* keep the line parseable: no '"' inside the value,
			 * no raw bytes (a server's answer can hold any) */
			char detail[sizeof(res->error)];
			snprintf(detail, sizeof(detail), "%s", res->error);
			for (char *c = detail; *c != '\0'; c++) {
				*c = *c == '"' ? '\'' : *c;
			}
			fputs(" detail=\"", out);
			cli_print_escaped(out, detail);
			fputc('"', out);
		}
		if (res->note[0] != '\0') {
			fprintf(out, " note=\"%s\"", res->note);
		}
		fputc('\n', out);
	}
}

void
pub_report_json(FILE *out, const pub_config *cfg, const pub_result *results,
	size_t count, unsigned negotiations)
{
	json_out json;
	size_t failed = 0;

	json_init(&json, out);
	json_object_begin(&json);
	json_kv_string(&json, "host", cfg->host);
	json_kv_uint(&json, "port", cfg->port);
	json_kv_uint(&json, "ttl", cfg->ttl);
	json_kv_string(&json, "mode", cfg->withdraw ? "withdraw" : "publish");
	json_kv_string(&json, "domain_source", cfg->default_domain ?
		"host-parent" : "list");
	json_kv_bool(&json, "dry_run", cfg->dry_run);
	json_kv_string(&json, "auth", pub_auth_name(cfg->auth));
	json_kv_uint(&json, "gss_negotiations", negotiations);
	json_key(&json, "domains");
	json_array_begin(&json);
	for (size_t i = 0; i < count; i++) {
		const pub_result *res = &results[i];
		uint32_t code = pub_report_wincode(res);

		if (!res->ok) {
			failed++;
		}
		json_object_begin(&json);
		json_kv_string(&json, "domain", res->domain);
		json_kv_string(&json, "owner", res->owner);
		json_kv_string(&json, "zone",
			res->zone[0] != '\0' ? res->zone : NULL);
		json_kv_string(&json, "primary",
			res->primary[0] != '\0' ? res->primary : NULL);
		json_kv_string(&json, "server",
			res->server[0] != '\0' ? res->server : NULL);
		json_kv_bool(&json, "kmsdns_zone", res->kmsdns_zone);
		json_kv_string(&json, "action",
			res->planned ? pub_action_name(res->action) : NULL);
		json_kv_string(&json, "records",
			res->address_job ? "address" : "SRV");
		json_kv_string(&json, "result", res->ok ?
			(res->not_allowed ? "not-allowed" : "ok") : "failed");
		json_kv_uint(&json, "updates_sent", res->attempts);
		if (res->rcode >= 0) {
			json_kv_int(&json, "rcode", res->rcode);
		} else {
			json_kv_string(&json, "rcode", NULL);
		}
		if (res->tsig_error >= 0) {
			json_kv_int(&json, "tsig_error", res->tsig_error);
		} else {
			json_kv_string(&json, "tsig_error", NULL);
		}
		/* which digest layout the server's answer was signed with */
		json_kv_string(&json, "reply_mac_layout", !res->reply_verified ?
			NULL : res->reply_layout == TSIG_LAYOUT_UNPREFIXED ?
			"unprefixed-request-mac" : "rfc8945");
		json_kv_string(&json, "error", pub_report_error_name(res));
		if (code != 0) {
			char hex[16];

			wincode_format(code, hex, sizeof(hex));
			json_kv_string(&json, "windows_code", hex);
			json_kv_uint(&json, "windows_event",
				WINCODE_EVENT_PUBLISH_FAILED);
		} else {
			json_kv_string(&json, "windows_code", NULL);
			json_kv_string(&json, "windows_event", NULL);
		}
		json_kv_string(&json, "note",
			res->note[0] != '\0' ? res->note : NULL);
		json_kv_string(&json, "hint", pub_report_hint(res));
		json_kv_string(&json, "detail",
			res->ok && !res->not_allowed ? NULL : res->error);
		json_kv_string(&json, "nsupdate", res->script);
		json_object_end(&json);
	}
	json_array_end(&json);
	json_kv_uint(&json, "failed", failed);
	json_object_end(&json);
	json_end_document(&json);
}
