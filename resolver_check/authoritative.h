/*
 * authoritative.h -- --authoritative: ask every NS of each suffix's zone
 * directly and compare their answers (kms-discovery.md 4.2, checks C14-C16).
 *
 * The zone comes from the SOA in the --server's answer for the suffix;
 * its NS names and their A/AAAA also come from the --server, so tests can
 * point NS names at 127.0.0.x; every NS is asked on CONFIG->ns_port
 * without recursion. Findings: unresponsive or lame servers (no AA,
 * REFUSED, SERVFAIL), SOA serial drift, SRV RRsets or target addresses
 * that differ between servers, _tcp.<suffix> answered NXDOMAIN while the
 * SRV name exists, negative answers without SOA, a --server copy no
 * authoritative server gives, and how long caches keep a removed record
 * (its TTL). The parent's delegation is checked by delegation.h.
 */
#ifndef KMSDNS_AUTHORITATIVE_H
#define KMSDNS_AUTHORITATIVE_H

#include "check_report.h"
#include "discovery.h"
#include "kd_result.h"
#include "query_engine.h"

/*
 * Run the authoritative checks for every suffix of REPORT (SRV answers
 * and target lookups already done) with ENGINE; fill each suffix's zone
 * and servers and add findings. Returns KD_ENOMEM or KD_ENET.
 */
kd_result authoritative_check(const check_config *config,
	query_engine *engine, check_report *report, kd_err *err);

#endif /* KMSDNS_AUTHORITATIVE_H */
