/*
 * discovery.h -- run every check of kmsdns-check and fill a report.
 *
 * What a client does (kms-discovery.md 1.2, 3, 5.2): ask SRV
 * <service>.<suffix> for each suffix in order, use the first suffix with
 * usable records, pick hosts by RFC 2782 priority and weight, connect to
 * TCP <port>. check_run() asks all suffixes at once, looks up every
 * target's A and AAAA, probes every address (unless disabled), asks the
 * authoritative servers (when enabled, authoritative.h), then judges
 * what a client would do and records findings in the report.
 */
#ifndef KMSDNS_DISCOVERY_H
#define KMSDNS_DISCOVERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "check_report.h"
#include "endpoint.h"
#include "kd_result.h"
#include "suffixes.h"

typedef struct check_config {
	const suffix_list *suffixes;      /* in the client's order */
	endpoint server;                  /* the resolver a client uses */
	const char *service;              /* "_vlmcs._tcp" */
	bool probe;                       /* TCP-connect to the hosts */
	bool rpc;                         /* and bind to the KMS interface */
	bool authoritative;               /* ask every NS of each zone */
	uint16_t ns_port;                 /* port of the NS (53) */
	const char (*expect)[DNAME_BUF_SIZE]; /* authorised hosts */
	size_t expect_count;
	unsigned timeout_ms;              /* per query and per probe */
	size_t max_inflight;              /* sockets open at once */
	bool windows_without_primary;     /* Windows rules, no primary */
	uint64_t deadline_ms;             /* kd_clock_ms() end of the run;
	                                     0: check_deadline_budget_ms()
	                                     from now (check_limits.h) */
} check_config;

/*
 * Run the checks of CONFIG into REPORT (initialised by the caller).
 * DNS and probe failures are findings, not errors; returns KD_ENOMEM or
 * KD_ENET (poll failed) with ERR, else KD_OK.
 */
kd_result check_run(const check_config *config, check_report *report,
	kd_err *err);

#endif /* KMSDNS_DISCOVERY_H */
