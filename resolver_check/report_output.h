/*
 * report_output.h -- print a check_report as a readable report or as the
 * JSON document described in kmsdns-check(1).
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

#endif /* KMSDNS_REPORT_OUTPUT_H */
