/*
 * pub_session.c -- credentials and per-server signers of one run.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "keyfile.h"
#include "pub_hmac.h"
#include "pub_session.h"

struct pub_session {
	pub_auth auth;
	keyfile keys;
	const tsig_key *key;
	tsig_signer hmac;
};

kd_result
pub_session_open(const pub_config *cfg, pub_session **out, kd_err *err)
{
	pub_session *session = calloc(1, sizeof(*session));
	kd_result ret = KD_OK;

	if (session == NULL)
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	session->auth = cfg->auth;
	keyfile_init(&session->keys);
	if (cfg->auth == PUB_AUTH_TSIG) {
		ret = keyfile_parse_file(cfg->tsig_key, &session->keys, err);
		if (ret == KD_OK && cfg->key_name[0] != '\0') {
			session->key = keyfile_find(&session->keys,
				cfg->key_name);
			if (session->key == NULL)
				ret = kd_err_set(err, KD_ENOENT,
					"%s: no key named %s", cfg->tsig_key,
					cfg->key_name);
		} else if (ret == KD_OK && session->keys.count != 1) {
			ret = kd_err_set(err, KD_EINVAL,
				"%s holds %zu keys: give --key-name",
				cfg->tsig_key, session->keys.count);
		} else if (ret == KD_OK) {
			session->key = &session->keys.keys[0];
		}
		if (ret == KD_OK)
			ret = pub_hmac_signer(&session->hmac, session->key,
				err);
	} else if (cfg->auth == PUB_AUTH_GSS) {
		ret = kd_err_set(err, KD_EGSS, "GSS-TSIG is not available yet");
	}
	if (ret != KD_OK) {
		pub_session_close(session, 0);
		return ret;
	}
	*out = session;
	return KD_OK;
}

kd_result
pub_session_signer(pub_session *session, const endpoint *server,
	const char *primary, const tsig_signer **signer, unsigned *generation,
	kd_err *err)
{
	(void)server;
	(void)primary;
	(void)err;
	*generation = 0;
	*signer = session->auth == PUB_AUTH_TSIG ? &session->hmac : NULL;
	return KD_OK;
}

void
pub_session_forget(pub_session *session, const endpoint *server,
	unsigned generation)
{
	(void)session;
	(void)server;
	(void)generation;
}

bool
pub_session_is_gss(const pub_session *session)
{
	return session->auth == PUB_AUTH_GSS;
}

unsigned
pub_session_negotiations(const pub_session *session)
{
	(void)session;
	return 0;
}

void
pub_session_close(pub_session *session, unsigned timeout_ms)
{
	(void)timeout_ms;
	if (session == NULL)
		return;
	keyfile_free(&session->keys);
	free(session);
}
