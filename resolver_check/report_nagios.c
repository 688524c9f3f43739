/*
 * report_nagios.c -- kmsdns-check as a Nagios/Icinga plugin: a status
 * line with perfdata, the findings as long output (kmsdns-check(1)).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli_conv.h"
#include "report_output.h"
#include "wincode.h"

static const char *const status_names[] = {
	"OK", "WARNING", "CRITICAL", "UNKNOWN",
};

/* Hosts of the chosen suffix, those answering, and the worst times. */
typedef struct nagios_figures {
	size_t hosts;
	size_t answering;
	unsigned query_ms;
	unsigned probe_ms;
} nagios_figures;

static void
figures(const check_report *report, nagios_figures *f)
{
	memset(f, 0, sizeof(*f));
	for (size_t s = 0; s < report->suffix_count; s++) {
		const suffix_report *suffix = &report->suffixes[s];

		if (suffix->query_ms > f->query_ms) {
			f->query_ms = suffix->query_ms;
		}
		for (size_t h = 0; h < suffix->host_count; h++) {
			const host_entry *host = &suffix->hosts[h];

			for (size_t a = 0; a < host->address_count; a++) {
				if (host->addresses[a].probe != PROBE_NOT_RUN &&
					host->addresses[a].probe_ms > f->probe_ms) {
					f->probe_ms = host->addresses[a].probe_ms;
				}
			}
			if ((long)s != report->chosen) {
				continue;
			}
			f->hosts++;
			f->answering += host->reachable;
		}
	}
}

/* The ids of the errors and warnings, each once: "; 2 problems: a, b". */
static void
print_problems(const check_report *report, FILE *out)
{
	size_t count = 0;

	for (size_t i = 0; i < report->finding_count; i++) {
		count += report->findings[i].severity != SEVERITY_NOTE;
	}
	if (count == 0) {
		return;
	}
	fprintf(out, "; %zu problem%s:", count, count == 1 ? "" : "s");
	for (size_t i = 0; i < report->finding_count; i++) {
		const finding *f = &report->findings[i];
		bool seen = false;

		if (f->severity == SEVERITY_NOTE) {
			continue;
		}
		for (size_t j = 0; !seen && j < i; j++) {
			seen = strcmp(report->findings[j].id, f->id) == 0;
		}
		if (!seen) {
			fprintf(out, "%s %s", i == 0 ? "" : ",", f->id);
		}
	}
}

void
report_print_nagios(const check_report *report, FILE *out)
{
	int status = check_report_exit_status(report);
	nagios_figures f;
	char code[16];

	figures(report, &f);
	fprintf(out, "KMS DISCOVERY %s - ", status_names[status]);
	wincode_format(report->client_code, code, sizeof(code));
	if (report->via_devolution) {
		fprintf(out, "clients find a KMS host only by devolving to %s "
			"(undocumented); without it they fail with %s",
			report->suffixes[report->chosen].qname, code);
	} else if (report->activates && report->probed) {
		fprintf(out, "clients find a KMS host through %s (%zu of %zu "
			"hosts answer%s)", report->suffixes[report->chosen].qname,
			f.answering, f.hosts, report->rpc ? " as KMS" : "");
	} else if (report->activates) {
		fprintf(out, "clients find a KMS host through %s (hosts not "
			"probed)", report->suffixes[report->chosen].qname);
	} else {
		fprintf(out, "clients fail with %s", code);
	}
	print_problems(report, out);
	fprintf(out, " | hosts=%zu;;;0 kms_hosts=%zu;;;0 query_time=%.3fs;;;0 "
		"probe_time=%.3fs;;;0\n", f.hosts, f.answering,
		f.query_ms / 1000.0, f.probe_ms / 1000.0);
	for (size_t i = 0; i < report->finding_count; i++) {
		const finding *item = &report->findings[i];

		fprintf(out, "[%s] %s: %s\n",
			finding_severity_name(item->severity), item->id,
			item->message);
	}
}

void
report_print_nagios_unknown(const char *error, FILE *out)
{
	fprintf(out, "KMS DISCOVERY %s - ", status_names[REPORT_NAGIOS_UNKNOWN]);
	cli_print_escaped(out, error);
	fputc('\n', out);
}
