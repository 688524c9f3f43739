/*
 * pub_report.h -- the publisher's report: one line per domain, or one JSON
 * document (format in kmsdns-publish(8)), with the Windows event 12293 code
 * and a hint for each failure.
 */
#ifndef KMSDNS_PUB_REPORT_H
#define KMSDNS_PUB_REPORT_H

#include <stdint.h>
#include <stdio.h>
#include "pub_config.h"
#include "pub_run.h"

/* The Windows code a KMS host would log in event 12293 for RES (0: none). */
uint32_t pub_report_wincode(const pub_result *res);

/* A one-line hint for the admin for RES's failure, or NULL. */
const char *pub_report_hint(const pub_result *res);

/* The short error name for RES ("REFUSED", "BADSIG", "timeout"). */
const char *pub_report_error_name(const pub_result *res);

/*
 * Print RESULTS (COUNT) as text to OUT: for --dry-run the nsupdate scripts
 * first, then one line per result:
 *   DOMAIN zone=Z server=S action=A result=ok|dry-run|not-allowed|failed
 *   [records=address] [error=E [windows=0x.. event=12293] [hint="..."]
 *   detail="..."] [note="..."]
 * with '"' inside the detail written as '\''.
 */
void pub_report_text(FILE *out, const pub_config *cfg,
	const pub_result *results, size_t count);

/* Print RESULTS as the JSON document of kmsdns-publish(8) to OUT. */
void pub_report_json(FILE *out, const pub_config *cfg,
	const pub_result *results, size_t count, unsigned negotiations);

/* Exit status for RESULTS: 0 when all succeeded (a not-allowed address
 * update counts as success), 1 otherwise. */
int pub_report_exit_status(const pub_result *results, size_t count);

#endif /* KMSDNS_PUB_REPORT_H */
