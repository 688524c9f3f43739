/*
 * update_limits.h -- the limits one UPDATE's changes are checked against
 * (registry_limits.h): a bounded number of addresses per SELF signer's
 * host and a zone SRV answer that fits UDP with EDNS; and the one SRV
 * record a SELF signer holds per zone (a new one replaces the old ones).
 */
#ifndef KMSDNS_UPDATE_LIMITS_H
#define KMSDNS_UPDATE_LIMITS_H

#include "grants.h"
#include "kd_result.h"
#include "rdata.h"
#include "registry.h"
#include "version_view.h"

/*
 * The wire size of the answer to "_vlmcs._tcp.<zone> SRV" served from
 * VIEW, with the SRV record EXTRA added when not NULL: header, question,
 * the records (owner compressed, targets not), EDNS OPT.
 */
size_t update_limits_srv_answer_bytes(const version_view *view,
	const srv_record *extra);

/*
 * The SRV records in VIEW that target HOST (a SELF signer's host) other
 * than KEEP: up to MAX of them into OUT. Returns how many there are.
 */
size_t update_limits_self_srv(const version_view *view, const char *host,
	const srv_record *keep, srv_record *out, size_t max);

/*
 * May the change REC (ADD or delete) by a signer with DECISION be applied
 * to VIEW (as it is before the change) under LIMITS? A SELF signer's SRV
 * add is counted as replacing its host's other SRV records. KD_OK, or
 * KD_EPERM with ERR naming the limit ("SRV answer of 1250 bytes over the limit
 * max-srv-answer-bytes 1232").
 */
kd_result update_limits_check(const version_view *view,
	const registry_limits *limits, const grants_decision *decision,
	const rdata_record *rec, bool add, kd_err *err);

#endif /* KMSDNS_UPDATE_LIMITS_H */
