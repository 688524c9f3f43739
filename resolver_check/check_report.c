/*
 * check_report.c -- the report model of kmsdns-check.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_report.h"

void
check_report_init(check_report *report)
{
	memset(report, 0, sizeof(*report));
	report->chosen = -1;
}

static void
free_suffix(suffix_report *suffix)
{
	for (size_t i = 0; i < suffix->host_count; i++)
		free(suffix->hosts[i].addresses);
	free(suffix->hosts);
	for (size_t i = 0; i < suffix->server_count; i++) {
		free(suffix->servers[i].srv_rrset);
		free(suffix->servers[i].addresses);
	}
	free(suffix->servers);
}

void
check_report_free(check_report *report)
{
	for (size_t i = 0; i < report->suffix_count; i++)
		free_suffix(&report->suffixes[i]);
	free(report->suffixes);
	free(report->findings);
	check_report_init(report);
}

kd_result
check_report_add(check_report *report, finding_severity severity,
	const char *id, uint32_t code, const char *suffix, const char *target,
	const char *fmt, ...)
{
	finding *f;
	va_list ap;

	if (report->finding_count == report->finding_capacity) {
		size_t capacity = report->finding_capacity ?
			report->finding_capacity * 2 : 16;
		finding *grown = realloc(report->findings,
			capacity * sizeof(*grown));

		if (grown == NULL)
			return KD_ENOMEM;
		report->findings = grown;
		report->finding_capacity = capacity;
	}
	f = &report->findings[report->finding_count++];
	f->severity = severity;
	f->id = id;
	f->code = code;
	snprintf(f->suffix, sizeof(f->suffix), "%s", suffix ? suffix : "");
	snprintf(f->target, sizeof(f->target), "%s", target ? target : "");
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
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
		if (report->findings[i].severity > worst)
			worst = report->findings[i].severity;
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
	}
	return "unknown";
}
