/*
 * pub_run.c -- the per-domain publishing job and the worker threads.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <ldns/ldns.h>

#include "dns_tcp.h"
#include "pub_dns.h"
#include "pub_run.h"
#include "pub_txn_tag.h"
#include "pub_update.h"
#include "pub_addr.h"

/* How often a timed-out or cut UPDATE is re-signed and sent again. */
#define PUB_SEND_RETRIES 1

typedef struct run_state {
	const pub_config *cfg;
	pub_session *session;
	pub_result *results;
	endpoint resolver;       /* where zones are looked up */
	bool recurse;            /* RD on lookups (system resolver) */
	size_t next;
	pthread_mutex_t lock;
} run_state;

void
pub_results_free(pub_result *results, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(results[i].script);
		results[i].script = NULL;
	}
}

/* Record a failure CODE with the text of DETAIL in RES. */
static void
fail(pub_result *res, kd_result code, const kd_err *detail)
{
	res->ok = false;
	res->code = code;
	snprintf(res->error, sizeof(res->error), "%s", detail->text);
}

static uint64_t
signing_time(long offset)
{
	return (uint64_t)((long long)time(NULL) + offset);
}

/* The kd_result for an UPDATE answered with RCODE and TSIG_ERROR. */
static kd_result
update_failure(int rcode, int tsig_error)
{
	if (tsig_error == TSIG_ERROR_BADSIG) {
		return KD_EBADSIG;
	}
	if (tsig_error == TSIG_ERROR_BADKEY) {
		return KD_EBADKEY;
	}
	if (tsig_error == TSIG_ERROR_BADTIME) {
		return KD_EBADTIME;
	}
	switch (rcode) {
	case LDNS_RCODE_REFUSED:
		return KD_EREFUSED;
	case LDNS_RCODE_NOTAUTH:
		return KD_ENOTAUTH;
	case LDNS_RCODE_NOTZONE:
		return KD_ENOTZONE;
	case LDNS_RCODE_SERVFAIL:
		return KD_ESERVFAIL;
	default:
		return KD_EDNS;
	}
}

/* One UPDATE exchange's outcome. */
typedef enum attempt_outcome {
	ATTEMPT_DONE,        /* answered; RES has rcode/tsig_error */
	ATTEMPT_RETRY,       /* timed out or cut: re-sign and send again */
	ATTEMPT_BADTIME,     /* signed BADTIME: correct the clock, retry */
	ATTEMPT_BADKEY,      /* BADKEY: renegotiate (GSS), retry */
	ATTEMPT_REFUSED,     /* REFUSED: maybe busy, retry once later */
	ATTEMPT_FAILED,      /* error in ERR */
} attempt_outcome;

/*
 * Sign WIRE with SIGNER (may be NULL) at OFFSET, send it to SERVER, check
 * the answer. On BADTIME, *SERVER_OFFSET gets the offset the server's time
 * implies.
 */
static attempt_outcome
attempt_update(const run_state *st, const endpoint *server,
	const tsig_signer *signer, const uint8_t *wire, size_t len,
	long offset, long *server_offset, pub_result *res, kd_result *code,
	kd_err *err)
{
	uint8_t *msg = NULL, *answer = NULL;
	size_t msg_len = 0, answer_len = 0;
	tsig_request req;
	tsig_response resp;
	ldns_pkt *reply = NULL;
	attempt_outcome outcome = ATTEMPT_FAILED;
	char rbuf[16];
	kd_err detail;
	kd_result ret;

	if (signer != NULL) {
		ret = tsig_sign_message(signer, wire, len,
			signing_time(offset), &msg, &msg_len, &req, err);
		if (ret != KD_OK) {
			*code = ret;
			return ATTEMPT_FAILED;
		}
	}
	res->attempts++;
	ret = dns_tcp_exchange(server, signer != NULL ? msg : wire,
		signer != NULL ? msg_len : len, st->cfg->timeout_ms, &answer,
		&answer_len, &detail);
	free(msg);
	if (ret == KD_ETIMEOUT || ret == KD_ENET) {
		*code = ret;
		kd_err_set(err, ret, "UPDATE: %s", detail.text);
		return ATTEMPT_RETRY;
	}
	if (ret != KD_OK) {
		*code = ret;
		kd_err_set(err, ret, "UPDATE: %s", detail.text);
		return ATTEMPT_FAILED;
	}
	if (ldns_wire2pkt(&reply, answer, answer_len) != LDNS_STATUS_OK ||
	    answer_len < 2 || ldns_pkt_id(reply) != ((wire[0] << 8) | wire[1]) ||
	    !ldns_pkt_qr(reply)) {
		*code = kd_err_set(err, KD_EDNS,
			"UPDATE: malformed answer from %s", res->server);
		goto out;
	}
	res->sent = true;
	res->rcode = ldns_pkt_get_rcode(reply);
	res->tsig_error = -1;
	if (signer != NULL) {
		ret = tsig_verify_response(signer, answer, answer_len, &req,
			signing_time(offset), &resp, &detail);
		if (resp.present) {
			res->tsig_error = resp.error;
		}
		res->reply_verified = ret == KD_OK;
		res->reply_layout = resp.layout;
		if (ret == KD_OK && resp.error == TSIG_ERROR_BADTIME &&
		    resp.has_server_time) {
			*server_offset = (long)((long long)resp.server_time -
				(long long)time(NULL));
			*code = kd_err_set(err, KD_EBADTIME,
				"UPDATE rejected: %s, TSIG error BADTIME "
				"(server time %llu, ours %llu)",
				pub_dns_rcode_name((unsigned)res->rcode, rbuf,
				sizeof(rbuf)),
				(unsigned long long)resp.server_time,
				(unsigned long long)signing_time(offset));
			outcome = ATTEMPT_BADTIME;
			goto out;
		}
		if (ret == KD_ENOENT && resp.present &&
		    (resp.error == TSIG_ERROR_BADSIG ||
		     resp.error == TSIG_ERROR_BADKEY)) {
			/* BIND answers BADSIG and BADKEY unsigned */
			*code = kd_err_set(err, update_failure(res->rcode,
				resp.error),
				"UPDATE rejected: NOTAUTH, TSIG error %s (%s)",
				tsig_error_name(resp.error),
				resp.error == TSIG_ERROR_BADSIG ?
				"the server's key has another secret" :
				"the server does not know the key");
			outcome = resp.error == TSIG_ERROR_BADKEY ?
				ATTEMPT_BADKEY : ATTEMPT_DONE;
			goto out;
		}
		if (ret == KD_ENOENT && !resp.present &&
		    res->rcode == LDNS_RCODE_REFUSED) {
			/* PowerDNS: a key it lacks or cannot verify */
			res->unsigned_refusal = true;
			*code = kd_err_set(err, KD_EREFUSED,
				"UPDATE rejected by %s: REFUSED, unsigned (the "
				"server did not accept the signature)",
				res->server);
			goto out;
		}
		if (ret != KD_OK) {
			*code = kd_err_set(err, ret == KD_ENOENT ? KD_EDNS :
				ret, "UPDATE answer from %s (%s) failed TSIG "
				"verification: %s", res->server,
				pub_dns_rcode_name((unsigned)res->rcode, rbuf,
				sizeof(rbuf)), detail.text);
			goto out;
		}
		if (resp.error != 0) {
			*code = kd_err_set(err, update_failure(res->rcode,
				resp.error), "UPDATE rejected: TSIG error %s",
				tsig_error_name(resp.error));
			outcome = ATTEMPT_DONE;
			goto out;
		}
	}
	outcome = ATTEMPT_DONE;
	if (res->rcode != LDNS_RCODE_NOERROR) {
		*code = kd_err_set(err, update_failure(res->rcode, -1),
			"UPDATE rejected by %s: %s", res->server,
			pub_dns_rcode_name((unsigned)res->rcode, rbuf,
			sizeof(rbuf)));
		if (res->rcode == LDNS_RCODE_REFUSED) {
			outcome = ATTEMPT_REFUSED;
		}
	} else {
		*code = KD_OK;
	}
out:
	ldns_pkt_free(reply);
	free(answer);
	return outcome;
}

/* Builds one unsigned UPDATE (a fresh message ID each call). */
typedef kd_result (*update_builder)(const void *arg, const pub_result *res,
	uint8_t **wire, size_t *len, kd_err *err);

static kd_result
build_srv_update(const void *arg, const pub_result *res, uint8_t **wire,
	size_t *len, kd_err *err)
{
	return pub_update_build(res->zone, res->owner, arg, wire, len, err);
}

/* What build_address_update needs. */
typedef struct address_update {
	const pub_addr_plan *plan;
	const pub_addr_set *wanted;
	uint32_t ttl;
} address_update;

static kd_result
build_address_update(const void *arg, const pub_result *res, uint8_t **wire,
	size_t *len, kd_err *err)
{
	const address_update *au = arg;

	return pub_addr_update_build(res->zone, res->owner, au->plan,
		au->wanted, au->ttl, wire, len, err);
}

/*
 * Wait 200 to 700 ms, at random so that two hosts refused at the same
 * moment do not collide again.
 */
static void
refused_backoff(void)
{
	unsigned short r = 0;
	struct timespec ts;

	if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		r = (unsigned short)clock();
	}
	ts.tv_sec = 0;
	ts.tv_nsec = (200L + (long)(r % 501U)) * 1000000L;
	while (nanosleep(&ts, &ts) != 0) {
		;
	}
}

/*
 * Build with BUILD(ARG), sign, send the UPDATE, with the retry rules. A
 * REFUSED is tried once more after a short random pause: the kmsdns DLZ
 * module refuses a signer while another signer's UPDATE of the zone is in
 * progress (BIND tells a module nothing that ties an UPDATE's check to its
 * transaction), and a policy refusal stays a refusal.
 */
static kd_result
send_update(const run_state *st, const endpoint *server, update_builder build,
	const void *arg, pub_result *res, kd_err *err)
{
	long offset = pub_session_clock_offset(st->session, server);
	bool time_fixed = false, renegotiated = false, refused_again = false;
	unsigned retries = 0;

	for (;;) {
		const tsig_signer *signer;
		unsigned generation;
		uint8_t *wire;
		size_t len;
		long server_offset = 0;
		attempt_outcome outcome;
		kd_result code = KD_OK;
		kd_result ret;

		ret = pub_session_signer(st->session, server, res->primary,
			&signer, &generation, err);
		if (ret != KD_OK) {
			return ret;
		}
		/* a new message (new ID) every time: never a replay */
		ret = build(arg, res, &wire, &len, err);
		if (ret == KD_OK && res->kmsdns_zone &&
		    pub_txn_tag_add(&wire, &len, res->zone,
			    pub_session_identity(st->session), err) != KD_OK) {
			free(wire);
			ret = KD_ENOMEM;
		}
		if (ret != KD_OK) {
			return ret;
		}
		outcome = attempt_update(st, server, signer, wire, len, offset,
			&server_offset, res, &code, err);
		free(wire);
		switch (outcome) {
		case ATTEMPT_DONE:
		case ATTEMPT_FAILED:
			return code;
		case ATTEMPT_RETRY:
			if (retries++ >= PUB_SEND_RETRIES) {
				return code;
			}
			break;
		case ATTEMPT_BADTIME:
			if (time_fixed) {
				return code;
			}
			time_fixed = true;
			offset = server_offset;
			pub_session_learn_offset(st->session, server, offset);
			break;
		case ATTEMPT_BADKEY:
			if (!pub_session_is_gss(st->session) || renegotiated) {
				return code;
			}
			renegotiated = true;
			pub_session_forget(st->session, server, generation);
			break;
		case ATTEMPT_REFUSED:
			if (refused_again) {
				return code;
			}
			refused_again = true;
			refused_backoff();
			break;
		}
	}
}

/* Check at SERVER that PLAN took effect for RES's owner. */
static kd_result
confirm(const run_state *st, const endpoint *server, const pub_plan *plan,
	const pub_result *res, kd_err *err)
{
	srv_record *recs;
	size_t count;
	bool found = false, ours_left = false;
	kd_result ret;

	ret = pub_dns_read_srv(server, res->owner, st->cfg->timeout_ms, &recs,
		&count, err);
	if (ret != KD_OK) {
		return ret;
	}
	for (size_t i = 0; i < count; i++) {
		const srv_record *r = &recs[i];

		if (!dname_equal(r->target, st->cfg->host)) {
			continue;
		}
		/* the kmsdns DLZ module may serve its own TTL */
		if (plan->add && r->priority == plan->add_record.priority &&
		    r->weight == plan->add_record.weight &&
		    r->port == plan->add_record.port &&
		    (r->ttl == plan->add_record.ttl || res->kmsdns_zone)) {
			found = true;
		} else {
			ours_left = true;
		}
	}
	free(recs);
	if (plan->add && (!found || ours_left)) {
		return kd_err_set(err, KD_EDNS,
			"UPDATE answered NOERROR but %s does not show the new record alone",
			res->server);
	}
	if (!plan->add && ours_left) {
		return kd_err_set(err, KD_EDNS,
			"UPDATE answered NOERROR but %s still shows our record",
			res->server);
	}
	return KD_OK;
}

/*
 * Where the UPDATE for a zone with primary PRIMARY (SOA MNAME) goes: the
 * configured server, else PRIMARY's address from the configured resolver,
 * else from the system (getaddrinfo), on port 53.
 */
static kd_result
primary_endpoint(const run_state *st, const char *primary, endpoint *out,
	kd_err *err)
{
	if (st->cfg->has_server) {
		*out = st->cfg->server;
		return KD_OK;
	}
	if (st->cfg->has_resolver) {
		return pub_dns_resolve_at(&st->resolver, primary, 53, true,
			st->cfg->timeout_ms, out, err);
	}
	return pub_dns_resolve_host(primary, 53, out, err);
}

/* The nsupdate "server ADDR PORT" form of RES's server into BUF. */
static void
nsupdate_server(const pub_result *res, char *buf, size_t len)
{
	char *hash;

	snprintf(buf, len, "%s", res->server);
	hash = strrchr(buf, '#');
	if (hash != NULL) {
		*hash = ' ';
	}
}

/* Everything for one domain. */
static void
publish_domain(const run_state *st, const publist_entry *entry,
	pub_result *res)
{
	const pub_config *cfg = st->cfg;
	srv_record desired, *current = NULL;
	size_t count = 0;
	endpoint server;
	pub_plan plan;
	kd_err err;
	kd_result ret;

	snprintf(res->domain, sizeof(res->domain), "%s", entry->domain);
	res->gss = cfg->auth == PUB_AUTH_GSS;
	if (cfg->default_domain) {
		snprintf(res->note, sizeof(res->note), "%s",
			PUB_NOTE_DEFAULT_DOMAIN);
	}
	res->rcode = -1;
	res->tsig_error = -1;
	if (strlen(SRV_KMS_SERVICE) + 1 + strlen(entry->domain) >
	    DNAME_TEXT_MAX) {
		kd_err_set(&err, KD_EINVAL, "%s.%s is too long",
			SRV_KMS_SERVICE, entry->domain);
		fail(res, KD_EINVAL, &err);
		return;
	}
	memcpy(res->owner, SRV_KMS_SERVICE, strlen(SRV_KMS_SERVICE));
	res->owner[strlen(SRV_KMS_SERVICE)] = '.';
	memcpy(res->owner + strlen(SRV_KMS_SERVICE) + 1, entry->domain,
		strlen(entry->domain) + 1);
	ret = pub_dns_find_zone(&st->resolver, res->owner, res->domain,
		st->recurse, cfg->timeout_ms, res->zone, res->primary, &err);
	if (ret != KD_OK) {
		res->zone[0] = '\0';
		res->primary[0] = '\0';
		fail(res, ret, &err);
		return;
	}
	ret = primary_endpoint(st, res->primary, &server, &err);
	if (ret != KD_OK) {
		fail(res, ret, &err);
		return;
	}
	endpoint_format(&server, res->server, sizeof(res->server));
	ret = pub_dns_read_srv(&server, res->owner, cfg->timeout_ms, &current,
		&count, &err);
	if (ret == KD_OK && !cfg->withdraw) {
		ret = pub_dns_is_kmsdns(&server, res->zone, cfg->timeout_ms,
			&res->kmsdns_zone, &err);
	}
	if (ret != KD_OK) {
		free(current);
		fail(res, ret, &err);
		return;
	}
	memset(&desired, 0, sizeof(desired));
	desired.priority = entry->priority;
	desired.weight = entry->weight;
	desired.port = cfg->port;
	desired.ttl = cfg->ttl;
	snprintf(desired.target, sizeof(desired.target), "%s", cfg->host);
	ret = pub_plan_compute(current, count, &desired,
		cfg->withdraw ? PUB_MODE_WITHDRAW : PUB_MODE_PUBLISH,
		cfg->refresh || res->kmsdns_zone, &plan, &err);
	free(current);
	if (ret != KD_OK) {
		fail(res, ret, &err);
		return;
	}
	res->planned = true;
	res->action = plan.action;
	if (plan.ttl_kept) {
		char ttl_note[PUB_PLAN_NOTE_MAX];
		size_t used = strlen(res->note);

		pub_plan_ttl_note(&plan, ttl_note, sizeof(ttl_note));
		snprintf(res->note + used, sizeof(res->note) - used, "%s%s",
			used > 0 ? "; " : "", ttl_note);
	}
	if (cfg->dry_run) {
		char server_arg[ENDPOINT_TEXT_MAX];

		nsupdate_server(res, server_arg, sizeof(server_arg));
		if (pub_plan_sends(&plan)) {
			ret = pub_update_script(server_arg, res->zone,
				res->owner, &plan, &res->script, &err);
			if (ret != KD_OK) {
				fail(res, ret, &err);
				return;
			}
		}
		res->ok = true;
		return;
	}
	if (!pub_plan_sends(&plan)) {
		res->ok = true;
		return;
	}
	ret = send_update(st, &server, build_srv_update, &plan, res, &err);
	if (ret == KD_OK) {
		ret = confirm(st, &server, &plan, res, &err);
	}
	if (ret != KD_OK) {
		fail(res, ret, &err);
		return;
	}
	res->ok = true;
	res->code = KD_OK;
}

/* The host's A/AAAA records (--register-address). */
static void
publish_address(const run_state *st, pub_result *res)
{
	const pub_config *cfg = st->cfg;
	pub_addr_set wanted, current;
	pub_addr_plan plan;
	address_update au;
	endpoint server;
	kd_err err;
	kd_result ret;

	res->address_job = true;
	res->gss = cfg->auth == PUB_AUTH_GSS;
	res->rcode = -1;
	res->tsig_error = -1;
	snprintf(res->domain, sizeof(res->domain), "%s", cfg->host);
	snprintf(res->owner, sizeof(res->owner), "%s", cfg->host);
	wanted = cfg->addresses;
	ret = wanted.count > 0 ? KD_OK : pub_addr_local(&wanted, &err);
	if (ret == KD_OK) {
		ret = pub_dns_find_zone(&st->resolver, cfg->host,
			dname_parent(cfg->host), st->recurse, cfg->timeout_ms,
			res->zone, res->primary, &err);
	}
	if (ret == KD_OK) {
		ret = primary_endpoint(st, res->primary, &server, &err);
	}
	if (ret != KD_OK) {
		res->zone[0] = res->primary[0] = '\0';
		fail(res, ret, &err);
		return;
	}
	endpoint_format(&server, res->server, sizeof(res->server));
	ret = pub_addr_read(&server, cfg->host, cfg->timeout_ms, &current,
		&err);
	if (ret != KD_OK) {
		fail(res, ret, &err);
		return;
	}
	pub_addr_plan_compute(&current, &wanted, cfg->ttl, &plan);
	res->planned = true;
	res->action = plan.action;
	res->ok = true;
	if (plan.action == PUB_ACTION_UNCHANGED) {
		return;
	}
	if (cfg->dry_run) {
		char server_arg[ENDPOINT_TEXT_MAX];

		nsupdate_server(res, server_arg, sizeof(server_arg));
		ret = pub_addr_update_script(server_arg, res->zone, cfg->host,
			&plan, &wanted, cfg->ttl, &res->script, &err);
		if (ret != KD_OK) {
			fail(res, ret, &err);
		}
		return;
	}
	au.plan = &plan;
	au.wanted = &wanted;
	au.ttl = cfg->ttl;
	ret = send_update(st, &server, build_address_update, &au, res, &err);
	if (ret == KD_EREFUSED) {
		/* "where policy allows": a refusal is reported, not failed */
		res->not_allowed = true;
		res->code = ret;
		snprintf(res->error, sizeof(res->error), "%s", err.text);
		return;
	}
	if (ret == KD_OK) {
		ret = pub_addr_read(&server, cfg->host, cfg->timeout_ms,
			&current, &err);
		pub_addr_plan_compute(&current, &wanted, cfg->ttl, &plan);
		if (ret == KD_OK && plan.action != PUB_ACTION_UNCHANGED) {
			ret = kd_err_set(&err, KD_EDNS,
				"UPDATE answered NOERROR but %s does not show the addresses",
				res->server);
		}
	}
	if (ret != KD_OK) {
		fail(res, ret, &err);
	}
}

size_t
pub_run_result_count(const pub_config *cfg)
{
	return cfg->domains.count +
		(cfg->register_address && !cfg->withdraw ? 1 : 0);
}

static void *
worker(void *arg)
{
	run_state *st = arg;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&st->lock);
		i = st->next++;
		pthread_mutex_unlock(&st->lock);
		if (i >= pub_run_result_count(st->cfg)) {
			return NULL;
		}
		if (i == st->cfg->domains.count) {
			publish_address(st, &st->results[i]);
		} else {
			publish_domain(st, &st->cfg->domains.entries[i],
				&st->results[i]);
		}
	}
}

kd_result
pub_run(const pub_config *cfg, pub_session *session, pub_result *results,
	kd_err *err)
{
	run_state st;
	pthread_t threads[PUB_MAX_JOBS];
	size_t jobs = cfg->jobs, started = 0;
	kd_result ret;

	memset(&st, 0, sizeof(st));
	st.cfg = cfg;
	st.session = session;
	st.results = results;
	memset(results, 0, pub_run_result_count(cfg) * sizeof(*results));
	if (cfg->has_server) {
		st.resolver = cfg->server;
	} else if (cfg->has_resolver) {
		st.resolver = cfg->resolver;
		st.recurse = true;
	} else {
		ret = pub_dns_system_resolver(&st.resolver, err);
		if (ret != KD_OK) {
			return ret;
		}
		st.recurse = true;
	}
	if (jobs > pub_run_result_count(cfg)) {
		jobs = pub_run_result_count(cfg);
	}
	if (jobs > PUB_MAX_JOBS) {
		jobs = PUB_MAX_JOBS;
	}
	pthread_mutex_init(&st.lock, NULL);
	for (size_t i = 1; i < jobs; i++) {
		if (pthread_create(&threads[started], NULL, worker, &st) != 0) {
			break;
		}
		started++;
	}
	/* this thread works too, so a failed pthread_create only slows */
	worker(&st);
	for (size_t i = 0; i < started; i++) {
		pthread_join(threads[i], NULL);
	}
	pthread_mutex_destroy(&st.lock);
	return KD_OK;
}
