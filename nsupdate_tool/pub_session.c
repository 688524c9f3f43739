/*
 * pub_session.c -- credentials and per-server signers of one run.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kd_array.h"
#include "keyfile.h"
#include "pub_gss.h"
#include "pub_hmac.h"
#include "pub_session.h"

/* A context that ends within this many seconds is not used any more. */
#define PUB_GSS_RENEW_MARGIN 60

/* One GSS context with one server; stale ones stay until the end, as
 * other threads may still sign with them. */
typedef struct server_context {
	endpoint server;
	pub_gss_context *ctx;        /* NULL: the negotiation failed */
	unsigned generation;
	bool current;                /* the one to sign with */
	bool forgotten;              /* the server lost it (BADKEY) */
	kd_result failure;           /* why, when CTX is NULL */
	char error[KD_ERR_TEXT_MAX];
} server_context;

/* A clock offset learned from a server's BADTIME answer. */
typedef struct server_offset {
	endpoint server;
	long offset;
} server_offset;

struct pub_session {
	pub_auth auth;
	keyfile keys;
	const tsig_key *key;
	tsig_signer hmac;
	/* GSS-TSIG */
	pub_gss_creds creds;
	char server_principal[512];
	unsigned timeout_ms;
	long clock_offset;
	pthread_mutex_t lock;
	server_context *contexts;
	size_t count;
	unsigned negotiations;
	server_offset *offsets;
	size_t offset_count;
};

static kd_result
open_tsig(pub_session *session, const pub_config *cfg, kd_err *err)
{
	kd_result ret;

	ret = keyfile_parse_file(cfg->tsig_key, &session->keys, err);
	if (ret != KD_OK) {
		return ret;
	}
	if (cfg->key_name[0] != '\0') {
		session->key = keyfile_find(&session->keys, cfg->key_name);
		if (session->key == NULL) {
			return kd_err_set(err, KD_ENOENT,
				"%s: no key named %s", cfg->tsig_key,
				cfg->key_name);
		}
	} else if (session->keys.count != 1) {
		return kd_err_set(err, KD_EINVAL,
			"%s holds %zu keys: give --key-name", cfg->tsig_key,
			session->keys.count);
	} else {
		session->key = &session->keys.keys[0];
	}
	return pub_hmac_signer(&session->hmac, session->key, err);
}

kd_result
pub_session_open(const pub_config *cfg, pub_session **out, kd_err *err)
{
	pub_session *session = calloc(1, sizeof(*session));
	kd_result ret = KD_OK;

	if (session == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	session->auth = cfg->auth;
	session->timeout_ms = cfg->timeout_ms;
	session->clock_offset = cfg->clock_offset;
	session->creds.cred = GSS_C_NO_CREDENTIAL;
	snprintf(session->server_principal, sizeof(session->server_principal),
		"%s", cfg->server_principal);
	keyfile_init(&session->keys);
	pthread_mutex_init(&session->lock, NULL);
	if (cfg->auth == PUB_AUTH_TSIG) {
		ret = open_tsig(session, cfg, err);
	} else if (cfg->auth == PUB_AUTH_GSS) {
		ret = pub_gss_acquire(cfg->keytab, cfg->principal, cfg->host,
			&session->creds, err);
	}
	if (ret != KD_OK) {
		pub_session_close(session, 0, NULL);
		return ret;
	}
	*out = session;
	return KD_OK;
}

static bool
same_server(const endpoint *a, const endpoint *b)
{
	return a->addrlen == b->addrlen &&
		memcmp(&a->addr, &b->addr, a->addrlen) == 0;
}

/* pub_session_clock_offset() with SESSION's lock held. */
static long
offset_locked(const pub_session *session, const endpoint *server)
{
	long offset = session->clock_offset;

	for (size_t i = 0; i < session->offset_count; i++) {
		if (same_server(&session->offsets[i].server, server)) {
			offset = session->offsets[i].offset;
		}
	}
	return offset;
}

kd_result
pub_session_signer(pub_session *session, const endpoint *server,
	const char *primary, const tsig_signer **signer, unsigned *generation,
	kd_err *err)
{
	server_context *grown;
	pub_gss_context *ctx;
	unsigned last = 0;
	kd_result ret;

	*generation = 0;
	if (session->auth != PUB_AUTH_GSS) {
		*signer = session->auth == PUB_AUTH_TSIG ? &session->hmac :
			NULL;
		return KD_OK;
	}
	/* one lock: a server is negotiated once, the others wait for it */
	pthread_mutex_lock(&session->lock);
	for (size_t i = 0; i < session->count; i++) {
		server_context *sc = &session->contexts[i];

		if (!same_server(&sc->server, server)) {
			continue;
		}
		if (sc->generation > last) {
			last = sc->generation;
		}
		if (sc->current && sc->ctx == NULL) {
			/* failed once in this run: the other zones too */
			pthread_mutex_unlock(&session->lock);
			return kd_err_set(err, sc->failure, "%s", sc->error);
		}
		if (sc->current && pub_gss_expiry(sc->ctx) <
		    time(NULL) + PUB_GSS_RENEW_MARGIN) {
			/* about to expire: negotiate a new one below */
			sc->current = false;
			continue;
		}
		if (sc->current) {
			*signer = pub_gss_signer(sc->ctx);
			*generation = sc->generation;
			pthread_mutex_unlock(&session->lock);
			return KD_OK;
		}
	}
	ret = pub_gss_negotiate(&session->creds, server, primary,
		session->server_principal, session->timeout_ms,
		offset_locked(session, server), &ctx, err);
	session->negotiations++;
	grown = kd_array_resize(session->contexts, session->count + 1,
		sizeof(*grown));
	if (grown == NULL) {
		pthread_mutex_unlock(&session->lock);
		if (ret != KD_OK) {
			return ret;
		}
		pub_gss_context_free(ctx);
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	session->contexts = grown;
	memset(&grown[session->count], 0, sizeof(*grown));
	grown[session->count].server = *server;
	grown[session->count].ctx = ret == KD_OK ? ctx : NULL;
	grown[session->count].generation = last + 1;
	grown[session->count].current = true;
	grown[session->count].failure = ret;
	if (ret != KD_OK && err != NULL) {
		snprintf(grown[session->count].error,
			sizeof(grown[session->count].error), "%s", err->text);
	}
	session->count++;
	if (ret != KD_OK) {
		pthread_mutex_unlock(&session->lock);
		return ret;
	}
	*signer = pub_gss_signer(ctx);
	*generation = last + 1;
	pthread_mutex_unlock(&session->lock);
	return KD_OK;
}

void
pub_session_forget(pub_session *session, const endpoint *server,
	unsigned generation)
{
	if (session->auth != PUB_AUTH_GSS) {
		return;
	}
	pthread_mutex_lock(&session->lock);
	for (size_t i = 0; i < session->count; i++) {
		server_context *sc = &session->contexts[i];

		if (same_server(&sc->server, server) &&
		    sc->generation == generation) {
			sc->current = false;
			sc->forgotten = true;
		}
	}
	pthread_mutex_unlock(&session->lock);
}

long
pub_session_clock_offset(pub_session *session, const endpoint *server)
{
	long offset;

	pthread_mutex_lock(&session->lock);
	offset = offset_locked(session, server);
	pthread_mutex_unlock(&session->lock);
	return offset;
}

void
pub_session_learn_offset(pub_session *session, const endpoint *server,
	long offset)
{
	server_offset *grown;

	pthread_mutex_lock(&session->lock);
	for (size_t i = 0; i < session->offset_count; i++) {
		if (same_server(&session->offsets[i].server, server)) {
			session->offsets[i].offset = offset;
			pthread_mutex_unlock(&session->lock);
			return;
		}
	}
	/* without memory the next domain just corrects the clock again */
	grown = kd_array_resize(session->offsets, session->offset_count + 1,
		sizeof(*grown));
	if (grown != NULL) {
		grown[session->offset_count].server = *server;
		grown[session->offset_count].offset = offset;
		session->offsets = grown;
		session->offset_count++;
	}
	pthread_mutex_unlock(&session->lock);
}

const char *
pub_session_identity(const pub_session *session)
{
	if (session->auth == PUB_AUTH_TSIG) {
		return session->hmac.key_name;
	}
	return session->auth == PUB_AUTH_GSS ? session->creds.principal : "";
}

bool
pub_session_is_gss(const pub_session *session)
{
	return session->auth == PUB_AUTH_GSS;
}

unsigned
pub_session_negotiations(const pub_session *session)
{
	return session->negotiations;
}

kd_result
pub_session_close(pub_session *session, unsigned timeout_ms, kd_err *err)
{
	kd_result first = KD_OK;

	if (session == NULL) {
		return KD_OK;
	}
	for (size_t i = 0; i < session->count; i++) {
		server_context *sc = &session->contexts[i];
		kd_err detail;
		kd_result ret = KD_OK;

		/* a forgotten or expired key is already gone on its server */
		if (!sc->forgotten && sc->ctx != NULL && timeout_ms > 0 &&
		    pub_gss_expiry(sc->ctx) > time(NULL)) {
			ret = pub_gss_delete(sc->ctx, &sc->server, timeout_ms,
				pub_session_clock_offset(session, &sc->server),
				&detail);
		}
		if (ret != KD_OK && first == KD_OK) {
			first = kd_err_set(err, ret, "%s", detail.text);
		}
		pub_gss_context_free(sc->ctx);
	}
	free(session->contexts);
	free(session->offsets);
	pub_gss_release(&session->creds);
	keyfile_free(&session->keys);
	pthread_mutex_destroy(&session->lock);
	free(session);
	return first;
}
