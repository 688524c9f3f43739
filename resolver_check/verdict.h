/*
 * verdict.h -- judge a filled report: which suffix a client uses, whether
 * it reaches a KMS host, and every finding with its severity and code.
 *
 * The model (kms-discovery.md 1.3, 5.2, 6): the client asks the suffixes
 * in order and uses the first one with usable SRV records; NXDOMAIN and
 * NODATA make it move on; a server failure may make it stop [inference],
 * so it is a warning even when a later suffix works. A failing client
 * logs the code of the last suffix it asked [inference].
 */
#ifndef KMSDNS_VERDICT_H
#define KMSDNS_VERDICT_H

#include "check_report.h"
#include "discovery.h"
#include "kd_result.h"

/* Judge REPORT (queries and probes done); add findings. KD_ENOMEM. */
kd_result verdict_judge(const check_config *config, check_report *report,
	kd_err *err);

/*
 * What a client does at suffix INDEX of a judged REPORT, as one phrase
 * ("moves on to the next suffix", "contacts the hosts below", ...).
 */
const char *verdict_suffix_action(const check_report *report, size_t index);

/* The Windows code a client logs for a suffix OUTCOME; 0 for records. */
uint32_t verdict_outcome_code(suffix_outcome outcome);

#endif /* KMSDNS_VERDICT_H */
