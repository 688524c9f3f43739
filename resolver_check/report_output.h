/*
 * report_output.h -- print a check_report as a readable report, as the
 * JSON document described in kmsdns-check(1), as a Nagios plugin's output
 * or as Prometheus textfile-collector metrics.
 */
#ifndef KMSDNS_REPORT_OUTPUT_H
#define KMSDNS_REPORT_OUTPUT_H

#include <stdio.h>
#include "check_report.h"

/* Version of the JSON document layout ("format" member). */
#define REPORT_JSON_FORMAT 1

/* Print REPORT for a person to OUT. */
void report_print_text(const check_report *report, FILE *out);

/* Print REPORT as one JSON document to OUT. */
void report_print_json(const check_report *report, FILE *out);

/*
 * Print the JSON document of a check that could not run: the format,
 * ERROR (one line) and EXIT_STATUS, so --json output stays one document.
 */
void report_print_json_error(const char *error, int exit_status, FILE *out);

/* The Nagios status of a check that could not run. */
#define REPORT_NAGIOS_UNKNOWN 3

/*
 * Print REPORT as a Nagios plugin: "KMS DISCOVERY OK|WARNING|CRITICAL -
 * <verdict> | <perfdata>" (hosts of the chosen suffix, those answering as
 * KMS, the worst query and probe times), then one line per finding. The
 * status is check_report_exit_status().
 */
void report_print_nagios(const check_report *report, FILE *out);

/* "KMS DISCOVERY UNKNOWN - ERROR", for a check that could not run. */
void report_print_nagios_unknown(const char *error, FILE *out);

/*
 * Print REPORT as Prometheus text-format gauges named kmsdns_check_*
 * (records and query time per suffix; host up and probe time per host;
 * findings by severity; activates, exit status, and NOW, the time of the
 * run in seconds since the epoch).
 */
void report_print_prometheus(const check_report *report, double now,
	FILE *out);

#endif /* KMSDNS_REPORT_OUTPUT_H */
