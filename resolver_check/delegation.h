/*
 * delegation.h -- --authoritative: the parent zone's delegation of each
 * suffix's zone against the zone's own NS RRset (kms-discovery.md 4.2,
 * Zonemaster CONSISTENCY05/DELEGATION; check C14).
 *
 * The parent zone is the owner of the SOA the --server gives for the
 * zone's parent name; its NS names and their addresses also come from the
 * --server; each parent server is asked NS <zone> on CONFIG->ns_port
 * without recursion and its referral (or answer) is compared with the NS
 * names the --server gives for the zone. Findings: not_delegated (a parent
 * server has no NS records for the zone) and delegation_differs (other
 * NS names than the zone's). A parent that cannot be found or does not
 * answer is left out, without a finding.
 */
#ifndef KMSDNS_DELEGATION_H
#define KMSDNS_DELEGATION_H

#include "check_report.h"
#include "discovery.h"
#include "kd_result.h"
#include "query_engine.h"

/*
 * Check the delegation of every suffix of REPORT whose zone and zone_ns
 * are known (authoritative_check() done) with ENGINE; fill parent_zone
 * and parent_ns and add findings. Returns KD_ENOMEM or KD_ENET.
 */
kd_result delegation_check(const check_config *config, query_engine *engine,
	check_report *report, kd_err *err);

#endif /* KMSDNS_DELEGATION_H */
