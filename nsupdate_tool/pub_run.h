/*
 * pub_run.h -- publish (or withdraw) our SRV record in every domain of the
 * configuration, in parallel, and collect one result per domain.
 *
 * Per domain: find the zone of _vlmcs._tcp.<domain> and its primary (SOA
 * MNAME) unless a server is configured; read the SRV RRset there; compute
 * the change (pub_plan.h); send it as one signed UPDATE over TCP (a retry
 * is re-signed with a new ID; BADTIME corrects the clock offset from the
 * server's signed time once; BADKEY on a reused GSS context renegotiates
 * once); confirm by querying the primary. A zone that carries the kmsdns
 * marker TXT (or --refresh) gets an identical record re-added so the DLZ
 * module marks the registration fresh. With register-address one more job
 * keeps the host's A/AAAA records (pub_addr.h) the same way.
 */
#ifndef KMSDNS_PUB_RUN_H
#define KMSDNS_PUB_RUN_H

#include <stdbool.h>
#include "dname.h"
#include "endpoint.h"
#include "kd_result.h"
#include "pub_config.h"
#include "pub_plan.h"
#include "pub_session.h"

/* The note of a domain that is the host's parent, no domain being given. */
#define PUB_NOTE_DEFAULT_DOMAIN \
	"no domain given: the host's parent domain"

typedef struct pub_result {
	char domain[DNAME_BUF_SIZE];
	char owner[DNAME_BUF_SIZE];
	char zone[DNAME_BUF_SIZE];       /* "" until found */
	char primary[DNAME_BUF_SIZE];    /* SOA MNAME, "" until found */
	char server[ENDPOINT_TEXT_MAX];  /* where the UPDATE goes */
	bool address_job;                /* the host's A/AAAA, not SRV */
	bool not_allowed;                /* address UPDATE REFUSED: noted */
	bool kmsdns_zone;                /* the zone carries the marker */
	bool gss;                        /* signed with GSS-TSIG */
	bool unsigned_refusal;           /* a signed UPDATE got an unsigned
	                                    REFUSED (key unknown/unverified) */
	bool planned;                    /* ACTION is known */
	pub_action action;
	bool sent;                       /* an UPDATE was answered */
	bool ok;
	kd_result code;                  /* KD_OK or why it failed */
	int rcode;                       /* UPDATE answer rcode, -1 none */
	int tsig_error;                  /* TSIG error of the answer, -1 none */
	bool reply_verified;             /* the last answer's MAC verified */
	tsig_layout reply_layout;        /* ... under this digest layout */
	unsigned attempts;               /* UPDATE messages sent */
	char error[KD_ERR_TEXT_MAX];     /* one line, "" when OK */
	char note[2 * PUB_PLAN_NOTE_MAX]; /* the default domain, the kept
	                                     RRset TTL ("; " between), or "" */
	char *script;                    /* --dry-run nsupdate text (owned) */
} pub_result;

/*
 * Number of results a run of CFG gives: one per domain, plus one for the
 * host's addresses with register-address (not when withdrawing).
 */
size_t pub_run_result_count(const pub_config *cfg);

/*
 * Run CFG with SESSION's credentials into RESULTS (one per domain of
 * CFG->domains, in that order, then the address result; the caller
 * allocates pub_run_result_count() of them). Per-domain
 * failures are in the results; the return value is KD_OK unless the run
 * could not start (no memory, no resolver).
 */
kd_result pub_run(const pub_config *cfg, pub_session *session,
	pub_result *results, kd_err *err);

/* Release what RESULTS (COUNT) own. */
void pub_results_free(pub_result *results, size_t count);

#endif /* KMSDNS_PUB_RUN_H */
