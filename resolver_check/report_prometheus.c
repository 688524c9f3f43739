/*
 * report_prometheus.c -- kmsdns-check as node_exporter textfile-collector
 * metrics (Prometheus text format 0.0.4; kmsdns-check(1)).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "report_output.h"

/* TEXT as a label value: backslash, double quote and newline escaped. */
static void
label_value(const char *text, FILE *out)
{
	fputc('"', out);
	for (const char *c = text; *c != '\0'; c++) {
		if (*c == '\\' || *c == '"') {
			fputc('\\', out);
		}
		if (*c == '\n') {
			fputs("\\n", out);
		} else {
			fputc(*c, out);
		}
	}
	fputc('"', out);
}

static void
family(const char *name, const char *help, FILE *out)
{
	fprintf(out, "# HELP kmsdns_check_%s %s\n# TYPE kmsdns_check_%s gauge\n",
		name, help, name);
}

/* True when host H of SUFFIX has the target and port of an earlier one. */
static bool
repeated_host(const suffix_report *suffix, size_t h)
{
	for (size_t i = 0; i < h; i++) {
		if (strcmp(suffix->hosts[i].rec.target,
			suffix->hosts[h].rec.target) == 0 &&
			suffix->hosts[i].rec.port == suffix->hosts[h].rec.port) {
			return true;
		}
	}
	return false;
}

/* kmsdns_check_NAME{suffix="S",host="H",port="P" */
static void
host_labels(const char *name, const suffix_report *suffix,
	const host_entry *host, FILE *out)
{
	fprintf(out, "kmsdns_check_%s{suffix=", name);
	label_value(suffix->suffix, out);
	fputs(",host=", out);
	label_value(host->rec.target, out);
	fprintf(out, ",port=\"%u\"", (unsigned)host->rec.port);
}

static void
print_hosts(const check_report *report, FILE *out)
{
	family("host_up", "1 when the host answers as a KMS host (with "
		"--no-rpc: accepts a TCP connection), else 0.", out);
	for (size_t s = 0; s < report->suffix_count; s++) {
		const suffix_report *suffix = &report->suffixes[s];

		for (size_t h = 0; h < suffix->host_count; h++) {
			if (repeated_host(suffix, h)) {
				continue;
			}
			host_labels("host_up", suffix, &suffix->hosts[h], out);
			fprintf(out, "} %d\n", suffix->hosts[h].reachable);
		}
	}
	family("probe_seconds", "Time to the probe's result per address.",
		out);
	for (size_t s = 0; s < report->suffix_count; s++) {
		const suffix_report *suffix = &report->suffixes[s];

		for (size_t h = 0; h < suffix->host_count; h++) {
			const host_entry *host = &suffix->hosts[h];

			for (size_t a = 0; !repeated_host(suffix, h) &&
				a < host->address_count; a++) {
				probe_state state = host->addresses[a].probe;

				if (state == PROBE_NOT_RUN || state == PROBE_SKIPPED) {
					continue;
				}
				host_labels("probe_seconds", suffix, host, out);
				fputs(",address=", out);
				label_value(host->addresses[a].text, out);
				fputs(",result=", out);
				label_value(probe_state_name(state), out);
				fprintf(out, "} %.3f\n",
					host->addresses[a].probe_ms / 1000.0);
			}
		}
	}
}

void
report_print_prometheus(const check_report *report, double now, FILE *out)
{
	size_t counts[SEVERITY_ERROR + 1] = { 0 };

	family("records", "SRV records with a host found for the suffix.",
		out);
	for (size_t s = 0; s < report->suffix_count; s++) {
		fputs("kmsdns_check_records{suffix=", out);
		label_value(report->suffixes[s].suffix, out);
		fprintf(out, "} %zu\n", report->suffixes[s].host_count);
	}
	family("query_seconds", "Time the SRV query of the suffix took.", out);
	for (size_t s = 0; s < report->suffix_count; s++) {
		fputs("kmsdns_check_query_seconds{suffix=", out);
		label_value(report->suffixes[s].suffix, out);
		fprintf(out, "} %.3f\n", report->suffixes[s].query_ms / 1000.0);
	}
	if (report->probed) {
		print_hosts(report, out);
	}
	for (size_t i = 0; i < report->finding_count; i++) {
		counts[report->findings[i].severity]++;
	}
	family("findings", "Findings of the run by severity.", out);
	for (int sev = SEVERITY_NOTE; sev <= SEVERITY_ERROR; sev++) {
		fprintf(out, "kmsdns_check_findings{severity=\"%s\"} %zu\n",
			finding_severity_name((finding_severity)sev), counts[sev]);
	}
	family("activates", "1 when clients find a KMS host through a "
		"documented suffix, else 0.", out);
	fprintf(out, "kmsdns_check_activates %d\n", report->activates);
	family("exit_status", "The exit status of the run (0 good, 1 "
		"problems, 2 clients fail).", out);
	fprintf(out, "kmsdns_check_exit_status %d\n",
		check_report_exit_status(report));
	family("last_run_timestamp_seconds", "When the run ended, in seconds "
		"since the epoch.", out);
	fprintf(out, "kmsdns_check_last_run_timestamp_seconds %.3f\n", now);
}
