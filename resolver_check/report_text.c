/*
 * report_text.c -- the readable report of kmsdns-check.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "report_output.h"
#include "verdict.h"
#include "wincode.h"

static void
print_code(uint32_t code, FILE *out)
{
	char text[16];
	const wincode *entry = wincode_lookup(code);

	wincode_format(code, text, sizeof(text));
	fprintf(out, "%s%s%s", text, entry ? " " : "",
		entry ? entry->meaning : "");
}

static void
print_hosts(const check_report *report, const suffix_report *suffix,
	FILE *out)
{
	for (size_t h = 0; h < suffix->host_count; h++) {
		const host_entry *host = &suffix->hosts[h];

		fprintf(out, "    %zu. %s:%u  priority %u weight %u  first "
			"contact %.1f%%%s\n", h + 1, host->rec.target,
			(unsigned)host->rec.port, (unsigned)host->rec.priority,
			(unsigned)host->rec.weight, host->share * 100,
			host->cname ? "  (alias)" : "");
		if (host->address_count == 0) {
			fprintf(out, "       %s\n", host->not_checked ?
				"not checked" : host->lookup_failed ?
				"address lookup failed" : "no address");
		}
		for (size_t a = 0; a < host->address_count; a++) {
			const host_address *addr = &host->addresses[a];

			if (report->probed) {
				fprintf(out, "       %s  %s%s%s (%u ms)\n",
					addr->text, probe_state_name(addr->probe),
					addr->probe == PROBE_ERROR ||
					addr->probe_detail[0] ? ": " : "",
					addr->probe == PROBE_ERROR ?
					strerror(addr->probe_errno) :
					addr->probe_detail, addr->probe_ms);
			} else {
				fprintf(out, "       %s\n", addr->text);
			}
		}
	}
}

/* " a b c\n" from "a\nb\nc\n", or " (nothing)\n". */
static void
print_names(const char *lines, FILE *out)
{
	if (lines[0] == '\0') {
		fputs(" (nothing)", out);
	}
	for (const char *c = lines; *c != '\0'; c++) {
		if (c == lines || c[-1] == '\n') {
			fputc(' ', out);
		}
		if (*c != '\n') {
			fputc(*c, out);
		}
	}
	fputc('\n', out);
}

static void
print_servers(const suffix_report *suffix, FILE *out)
{
	fprintf(out, "  zone %s, %zu authoritative server address(es)\n",
		suffix->zone[0] ? suffix->zone : "(unknown)",
		suffix->server_count);
	if (suffix->zone_ns != NULL) {
		fprintf(out, "  NS of the zone:");
		print_names(suffix->zone_ns, out);
	}
	for (size_t s = 0; s < suffix->server_count; s++) {
		const auth_server *server = &suffix->servers[s];

		if (server->authoritative && server->srv_rrset != NULL &&
			server->srv_rrset[0] != '\0') {
			fprintf(out, "    %s (%s): serial %u, SRV %s, TTL %u\n",
				server->name, server->address,
				(unsigned)server->serial, server->srv_outcome,
				(unsigned)server->srv_ttl);
		} else if (server->authoritative) {
			fprintf(out, "    %s (%s): serial %u, SRV %s, no "
				"records\n", server->name, server->address,
				(unsigned)server->serial, server->srv_outcome);
		} else {
			fprintf(out, "    %s (%s): not authoritative (%s)\n",
				server->name, server->address, server->rcode);
		}
	}
	if (suffix->parent_ns != NULL) {
		fprintf(out, "  parent zone %s delegates it to:",
			suffix->parent_zone);
		print_names(suffix->parent_ns, out);
	}
}

/* "; 1 warning, 2 notes" (or "; nothing wrong") and the newline. */
static void
print_counts(const check_report *report, FILE *out)
{
	size_t counts[SEVERITY_ERROR + 1] = { 0 };
	const char *separator = "; ";

	for (size_t i = 0; i < report->finding_count; i++) {
		counts[report->findings[i].severity]++;
	}
	if (counts[SEVERITY_ERROR] + counts[SEVERITY_WARNING] == 0) {
		fprintf(out, "; nothing wrong");
		separator = ", ";
	}
	for (int sev = SEVERITY_ERROR; sev >= SEVERITY_NOTE; sev--) {
		if (counts[sev] == 0) {
			continue;
		}
		fprintf(out, "%s%zu %s%s", separator, counts[sev],
			finding_severity_name((finding_severity)sev),
			counts[sev] == 1 ? "" : "s");
		separator = ", ";
	}
	fputc('\n', out);
}

void
report_print_text(const check_report *report, FILE *out)
{
	fprintf(out, "kmsdns-check: %s via %s, %zu suffix(es)%s\n",
		report->service, report->server, report->suffix_count,
		report->probed ? ", hosts probed" : "");
	for (size_t i = 0; i < report->suffix_count; i++) {
		const suffix_report *suffix = &report->suffixes[i];

		fprintf(out, "\n%zu. %s  %s%s%s\n", i + 1, suffix->qname,
			suffix_outcome_name(suffix->outcome),
			(long)i == report->chosen ? "  <- clients use this" : "",
			suffix->truncated ? "  (truncated, asked over TCP)" :
			"");
		fprintf(out, "  a client %s\n", verdict_suffix_action(report, i));
		if (suffix->code != 0) {
			fprintf(out, "  %s%s%s, client code ", suffix->rcode,
				suffix->error[0] ? ": " : "", suffix->error);
			print_code(suffix->code, out);
			fputc('\n', out);
		} else if (suffix->host_count > 0) {
			fprintf(out, "  %zu host(s), TTL %u, RFC 2782 order; "
				"first-contact shares are the RFC 2782 model (Windows'\n"
				"  selection is undocumented and host caching ignores "
				"it after the first success):\n",
				suffix->host_count, (unsigned)suffix->ttl);
		}
		print_hosts(report, suffix, out);
		if (report->authoritative) {
			print_servers(suffix, out);
		}
	}
	fprintf(out, "\nFindings:\n");
	if (report->finding_count == 0) {
		fprintf(out, "  none\n");
	}
	for (size_t i = 0; i < report->finding_count; i++) {
		const finding *f = &report->findings[i];

		fprintf(out, "  [%s] %s: %s\n",
			finding_severity_name(f->severity), f->id, f->message);
		if (f->code != 0) {
			fprintf(out, "      client code ");
			print_code(f->code, out);
			fputc('\n', out);
		}
		if (f->remedy != NULL) {
			fprintf(out, "      fix: %s\n", f->remedy);
		}
	}
	fprintf(out, "\nVerdict: ");
	if (report->via_devolution) {
		fprintf(out, "clients find a KMS host only if they devolve to "
			"%s (undocumented); without it they fail with ",
			report->suffixes[report->chosen].qname);
		print_code(report->client_code, out);
	} else if (report->activates) {
		fprintf(out, "clients find a KMS host through %s%s",
			report->suffixes[report->chosen].qname,
			report->probed ? "" : " (hosts not probed)");
	} else {
		fprintf(out, "clients fail with ");
		print_code(report->client_code, out);
	}
	print_counts(report, out);
}
