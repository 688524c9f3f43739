/*
 * pub_gss.c -- GSS-TSIG with MIT Kerberos.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <ldns/ldns.h>

#include "dns_tcp.h"
#include "pub_gss.h"
#include "pub_krb5.h"

#define GSS_TSIG_ALGORITHM "gss-tsig"
#define TKEY_RR_TYPE 249
#define TKEY_MODE_GSSAPI 3
#define TKEY_MODE_DELETE 5

struct pub_gss_context {
	gss_ctx_id_t ctx;
	time_t expires;        /* our clock: the earlier of ticket and key */
	pthread_mutex_t lock;  /* MIT contexts are not for concurrent use */
	tsig_signer signer;
};

/* Append the GSS-API status text of CODE (of TYPE) to BUF. */
static void
status_text(OM_uint32 code, int type, char *buf, size_t len)
{
	OM_uint32 minor, context = 0;

	do {
		gss_buffer_desc msg = GSS_C_EMPTY_BUFFER;
		size_t used = strlen(buf);

		if (gss_display_status(&minor, code, type, GSS_C_NO_OID,
		    &context, &msg) != GSS_S_COMPLETE) {
			break;
		}
		snprintf(buf + used, len - used, "%s%.*s",
			used > 0 ? ": " : "", (int)msg.length,
			(const char *)msg.value);
		gss_release_buffer(&minor, &msg);
	} while (context != 0);
}

/* Fill ERR with WHAT and the GSS-API messages of MAJOR/MINOR. */
static kd_result
gss_failure(kd_err *err, OM_uint32 major, OM_uint32 minor, const char *what)
{
	char text[KD_ERR_TEXT_MAX] = "";

	status_text(major, GSS_C_GSS_CODE, text, sizeof(text));
	if (minor != 0) {
		status_text(minor, GSS_C_MECH_CODE, text, sizeof(text));
	}
	return kd_err_set(err, KD_EGSS, "%s: %s", what, text);
}

kd_result
pub_gss_acquire(const char *keytab, const char *principal, const char *host,
	pub_gss_creds *creds, kd_err *err)
{
	char name_text[512], ccache[64];
	gss_buffer_desc buf;
	gss_name_t name = GSS_C_NO_NAME, cred_name = GSS_C_NO_NAME;
	gss_buffer_desc shown = GSS_C_EMPTY_BUFFER;
	OM_uint32 major, minor;
	const char *at;

	memset(creds, 0, sizeof(*creds));
	creds->cred = GSS_C_NO_CREDENTIAL;
	if (keytab != NULL && keytab[0] != '\0') {
		kd_result ret;

		/* log in first: the principal tried, the KDC's own reason */
		snprintf(ccache, sizeof(ccache), "MEMORY:kmsdns-publish-%ld",
			(long)getpid());
		ret = pub_krb5_login(keytab, principal, host, ccache,
			name_text, sizeof(name_text), err);
		if (ret != KD_OK) {
			return ret;
		}
	} else if (principal != NULL && principal[0] != '\0') {
		snprintf(name_text, sizeof(name_text), "%s", principal);
	} else {
		snprintf(name_text, sizeof(name_text), "host/%s", host);
	}
	buf.value = name_text;
	buf.length = strlen(name_text);
	major = gss_import_name(&minor, &buf, GSS_KRB5_NT_PRINCIPAL_NAME,
		&name);
	if (GSS_ERROR(major)) {
		return gss_failure(err, major, minor, name_text);
	}
	if (keytab != NULL && keytab[0] != '\0') {
		gss_key_value_element_desc elements[2];
		gss_key_value_set_desc store = { 2, elements };

		/* the private ccache holds the TGT: no kinit */
		elements[0].key = "client_keytab";
		elements[0].value = keytab;
		elements[1].key = "ccache";
		elements[1].value = ccache;
		major = gss_acquire_cred_from(&minor, name, GSS_C_INDEFINITE,
			GSS_C_NO_OID_SET, GSS_C_INITIATE, &store, &creds->cred,
			NULL, NULL);
	} else {
		major = gss_acquire_cred(&minor, name, GSS_C_INDEFINITE,
			GSS_C_NO_OID_SET, GSS_C_INITIATE, &creds->cred, NULL,
			NULL);
	}
	gss_release_name(&minor, &name);
	if (GSS_ERROR(major)) {
		char what[700];

		snprintf(what, sizeof(what), "credentials of %s%s%s",
			name_text, keytab != NULL && keytab[0] != '\0' ?
			" from keytab " : "", keytab != NULL ? keytab : "");
		return gss_failure(err, major, minor, what);
	}
	major = gss_inquire_cred(&minor, creds->cred, &cred_name, NULL, NULL,
		NULL);
	if (!GSS_ERROR(major)) {
		major = gss_display_name(&minor, cred_name, &shown, NULL);
	}
	gss_release_name(&minor, &cred_name);
	if (GSS_ERROR(major)) {
		pub_gss_release(creds);
		return gss_failure(err, major, minor, name_text);
	}
	snprintf(creds->principal, sizeof(creds->principal), "%.*s",
		(int)shown.length, (const char *)shown.value);
	gss_release_buffer(&minor, &shown);
	at = strrchr(creds->principal, '@');
	if (at == NULL || at[1] == '\0') {
		kd_result ret = kd_err_set(err, KD_EGSS,
			"principal %s has no realm", creds->principal);

		pub_gss_release(creds);
		return ret;
	}
	snprintf(creds->realm, sizeof(creds->realm), "%s", at + 1);
	return KD_OK;
}

void
pub_gss_release(pub_gss_creds *creds)
{
	OM_uint32 minor;

	if (creds->cred != GSS_C_NO_CREDENTIAL) {
		gss_release_cred(&minor, &creds->cred);
	}
	creds->cred = GSS_C_NO_CREDENTIAL;
}

static kd_result
gss_tsig_mac(void *arg, const uint8_t *data, size_t len, uint8_t *mac,
	size_t *mac_len, kd_err *err)
{
	pub_gss_context *ctx = arg;
	gss_buffer_desc msg = { len, (void *)data };
	gss_buffer_desc token = GSS_C_EMPTY_BUFFER;
	OM_uint32 major, minor;
	kd_result ret = KD_OK;

	pthread_mutex_lock(&ctx->lock);
	major = gss_get_mic(&minor, ctx->ctx, GSS_C_QOP_DEFAULT, &msg, &token);
	pthread_mutex_unlock(&ctx->lock);
	if (GSS_ERROR(major)) {
		return gss_failure(err, major, minor, "gss_get_mic");
	}
	if (token.length > TSIG_MAC_MAX) {
		ret = kd_err_set(err, KD_EGSS, "GSS MIC of %zu bytes",
			token.length);
	} else {
		memcpy(mac, token.value, token.length);
		*mac_len = token.length;
	}
	gss_release_buffer(&minor, &token);
	return ret;
}

static kd_result
gss_tsig_verify(void *arg, const uint8_t *data, size_t len, const uint8_t *mac,
	size_t mac_len, kd_err *err)
{
	pub_gss_context *ctx = arg;
	gss_buffer_desc msg = { len, (void *)data };
	gss_buffer_desc token = { mac_len, (void *)mac };
	OM_uint32 major, minor;

	pthread_mutex_lock(&ctx->lock);
	major = gss_verify_mic(&minor, ctx->ctx, &msg, &token, NULL);
	pthread_mutex_unlock(&ctx->lock);
	/* without the SEQUENCE flag, out-of-order answers are fine */
	if (GSS_ERROR(major) || (major & GSS_S_DUPLICATE_TOKEN)) {
		gss_failure(err, major, minor, "the answer's GSS MIC");
		return KD_EBADSIG;
	}
	return KD_OK;
}

/*
 * A TKEY query for KEY_NAME in MODE carrying TOKEN (LEN bytes) as a new
 * buffer *OUT of *OUT_LEN bytes: QD = KEY_NAME TKEY ANY, AR = the TKEY RR,
 * names uncompressed (Windows needs that).
 */
static kd_result
tkey_query(const char *key_name, uint16_t mode, uint32_t now,
	const uint8_t *token, size_t len, uint8_t **out, size_t *out_len,
	kd_err *err)
{
	uint8_t *buf = malloc(12 + 2 * (256 + 14) + 256 + 20 + len);
	size_t pos = 12, rdlen_at;
	uint16_t id;

	if (buf == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	id = ldns_get_random();
	memset(buf, 0, 12);
	ldns_write_uint16(buf, id);
	ldns_write_uint16(buf + 4, 1);
	ldns_write_uint16(buf + 10, 1);
	pos += tsig_name_to_wire(key_name, buf + pos);
	ldns_write_uint16(buf + pos, TKEY_RR_TYPE);
	ldns_write_uint16(buf + pos + 2, 255);
	pos += 4;
	pos += tsig_name_to_wire(key_name, buf + pos);
	ldns_write_uint16(buf + pos, TKEY_RR_TYPE);
	ldns_write_uint16(buf + pos + 2, 255);
	ldns_write_uint32(buf + pos + 4, 0);
	rdlen_at = pos + 8;
	pos += 10;
	pos += tsig_name_to_wire(GSS_TSIG_ALGORITHM, buf + pos);
	ldns_write_uint32(buf + pos, now);
	ldns_write_uint32(buf + pos + 4,
		mode == TKEY_MODE_GSSAPI ? now + 3600 : now);
	ldns_write_uint16(buf + pos + 8, mode);
	ldns_write_uint16(buf + pos + 10, 0);
	ldns_write_uint16(buf + pos + 12, (uint16_t)len);
	pos += 14;
	if (len > 0) {
		memcpy(buf + pos, token, len);
	}
	pos += len;
	ldns_write_uint16(buf + pos, 0);
	pos += 2;
	ldns_write_uint16(buf + rdlen_at, (uint16_t)(pos - rdlen_at - 2));
	*out = buf;
	*out_len = pos;
	return KD_OK;
}

/*
 * The TKEY of ANSWER: its error, (pointers into ANSWER to) its key data and
 * the key's lifetime (expiration - inception).
 */
static kd_result
tkey_answer(const ldns_pkt *answer, uint16_t *error, const uint8_t **key,
	size_t *key_len, uint32_t *lifetime, kd_err *err)
{
	const ldns_rr_list *list = ldns_pkt_answer(answer);

	for (size_t i = 0; i < ldns_rr_list_rr_count(list); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(list, i);
		const ldns_rdf *data;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_TKEY) {
			continue;
		}
		/* alg, inception, expiration, mode, error, key, other */
		if (ldns_rr_rd_count(rr) != 7) {
			break;
		}
		*error = ldns_rdf2native_int16(ldns_rr_rdf(rr, 4));
		*lifetime = ldns_rdf2native_int32(ldns_rr_rdf(rr, 2)) -
			ldns_rdf2native_int32(ldns_rr_rdf(rr, 1));
		data = ldns_rr_rdf(rr, 5);
		if (ldns_rdf_size(data) < 2) {
			break;
		}
		*key = ldns_rdf_data(data) + 2;
		*key_len = ldns_rdf_size(data) - 2;
		return KD_OK;
	}
	return kd_err_set(err, KD_EDNS, "no TKEY in the answer");
}

static uint64_t
now_with(long offset)
{
	return (uint64_t)((long long)time(NULL) + offset);
}

/* One TKEY round trip: send QUERY, parse the answer into *REPLY. */
static kd_result
exchange(const endpoint *server, const uint8_t *query, size_t len,
	unsigned timeout_ms, uint8_t **bytes, size_t *bytes_len,
	ldns_pkt **reply, kd_err *err)
{
	kd_result ret;

	ret = dns_tcp_exchange(server, query, len, timeout_ms, bytes,
		bytes_len, err);
	if (ret != KD_OK) {
		return ret;
	}
	if (ldns_wire2pkt(reply, *bytes, *bytes_len) != LDNS_STATUS_OK ||
	    ldns_pkt_id(*reply) != ((query[0] << 8) | query[1])) {
		free(*bytes);
		*bytes = NULL;
		return kd_err_set(err, KD_EDNS, "malformed TKEY answer");
	}
	return KD_OK;
}

kd_result
pub_gss_negotiate(const pub_gss_creds *creds, const endpoint *server,
	const char *primary, const char *server_principal, unsigned timeout_ms,
	long clock_offset, pub_gss_context **out, kd_err *err)
{
	pub_gss_context *ctx;
	char target_text[600];
	gss_buffer_desc buf, token = GSS_C_EMPTY_BUFFER;
	gss_name_t target = GSS_C_NO_NAME;
	OM_uint32 major, minor, flags = 0, lifetime = 0;
	uint32_t key_lifetime = 0;
	uint8_t *query = NULL, *bytes = NULL;
	size_t query_len = 0, bytes_len = 0;
	ldns_pkt *reply = NULL;
	const uint8_t *key = NULL;
	size_t key_len = 0;
	uint16_t tkey_error = 0;
	tsig_response resp;
	kd_err detail;
	kd_result ret;

	if (server_principal != NULL && server_principal[0] != '\0') {
		snprintf(target_text, sizeof(target_text), "%s",
			server_principal);
	} else {
		snprintf(target_text, sizeof(target_text), "DNS/%s@%s",
			primary, creds->realm);
	}
	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	ctx->ctx = GSS_C_NO_CONTEXT;
	pthread_mutex_init(&ctx->lock, NULL);
	snprintf(ctx->signer.key_name, sizeof(ctx->signer.key_name),
		"%u.sig-%s", (unsigned)ldns_get_random() << 16 |
		ldns_get_random(), primary);
	snprintf(ctx->signer.algorithm, sizeof(ctx->signer.algorithm), "%s",
		GSS_TSIG_ALGORITHM);
	ctx->signer.mac = gss_tsig_mac;
	ctx->signer.verify = gss_tsig_verify;
	ctx->signer.ctx = ctx;
	/* AD DNS answers: pub_tsig.h, TSIG_LAYOUT_UNPREFIXED */
	ctx->signer.allow_unprefixed_request_mac = true;

	buf.value = target_text;
	buf.length = strlen(target_text);
	major = gss_import_name(&minor, &buf, GSS_KRB5_NT_PRINCIPAL_NAME,
		&target);
	if (GSS_ERROR(major)) {
		ret = gss_failure(err, major, minor, target_text);
		goto fail;
	}
	/* no SEQUENCE flag: Windows rejects it and answers may reorder */
	major = gss_init_sec_context(&minor, creds->cred, &ctx->ctx, target,
		(gss_OID)gss_mech_krb5, GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG |
		GSS_C_INTEG_FLAG, 0, GSS_C_NO_CHANNEL_BINDINGS,
		GSS_C_NO_BUFFER, NULL, &token, &flags, NULL);
	if (GSS_ERROR(major)) {
		ret = gss_failure(err, major, minor, target_text);
		goto fail;
	}
	ret = tkey_query(ctx->signer.key_name, TKEY_MODE_GSSAPI,
		(uint32_t)now_with(clock_offset), token.value, token.length,
		&query, &query_len, err);
	gss_release_buffer(&minor, &token);
	if (ret != KD_OK) {
		goto fail;
	}
	ret = exchange(server, query, query_len, timeout_ms, &bytes,
		&bytes_len, &reply, &detail);
	if (ret != KD_OK) {
		kd_err_set(err, ret, "TKEY for %s: %s", target_text,
			detail.text);
		goto fail;
	}
	if (ldns_pkt_get_rcode(reply) != LDNS_RCODE_NOERROR) {
		char *rc = ldns_pkt_rcode2str(ldns_pkt_get_rcode(reply));

		ret = kd_err_set(err, KD_EGSS, "TKEY for %s: %s", target_text,
			rc != NULL ? rc : "error");
		free(rc);
		goto fail;
	}
	ret = tkey_answer(reply, &tkey_error, &key, &key_len, &key_lifetime,
		&detail);
	if (ret == KD_OK && tkey_error != 0) {
		ret = kd_err_set(&detail, KD_EBADKEY, "TKEY error %u%s",
			tkey_error, tkey_error == TSIG_ERROR_BADKEY ?
			" (BADKEY: named cannot accept the ticket; is "
			"the principal in its tkey-gssapi-keytab?)" : "");
	}
	if (ret != KD_OK) {
		ret = kd_err_set(err, KD_EGSS, "TKEY for %s: %s", target_text,
			detail.text);
		goto fail;
	}
	buf.value = (void *)key;
	buf.length = key_len;
	major = gss_init_sec_context(&minor, creds->cred, &ctx->ctx, target,
		(gss_OID)gss_mech_krb5, GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG |
		GSS_C_INTEG_FLAG, 0, GSS_C_NO_CHANNEL_BINDINGS, &buf, NULL,
		&token, &flags, &lifetime);
	gss_release_buffer(&minor, &token);
	if (GSS_ERROR(major) || major != GSS_S_COMPLETE) {
		ret = GSS_ERROR(major) ?
			gss_failure(err, major, minor, target_text) :
			kd_err_set(err, KD_EGSS, "%s: the negotiation needs "
			"more than one round, which BIND refuses",
			target_text);
		goto fail;
	}
	/* RFC 3645 3.1.1: abandon without mutual authentication/replay */
	if (!(flags & GSS_C_MUTUAL_FLAG) || !(flags & GSS_C_REPLAY_FLAG)) {
		ret = kd_err_set(err, KD_EGSS,
			"%s: context lacks mutual authentication or replay "
			"detection", target_text);
		goto fail;
	}
	/* RFC 3645 3.1.3.1: the final TKEY answer must be signed */
	ret = tsig_verify_response(&ctx->signer, bytes, bytes_len, NULL,
		now_with(clock_offset), &resp, &detail);
	/*
	 * The MIC verified (KD_EBADTIME comes only after that), so the
	 * answer is authentic; Kerberos itself guards this exchange against
	 * replay. A skew between our TSIG clock and the server's is left to
	 * the UPDATE's BADTIME correction.
	 */
	if (ret == KD_EBADTIME) {
		ret = KD_OK;
	}
	if (ret == KD_OK && resp.error != 0) {
		ret = kd_err_set(&detail, KD_EGSS, "TSIG error %u",
			resp.error);
	}
	if (ret != KD_OK) {
		ret = kd_err_set(err, KD_EGSS,
			"TKEY answer for %s does not verify: %s", target_text,
			detail.text);
		goto fail;
	}
	/* named keeps the key for min(3600 s, the ticket's life) */
	if (lifetime == GSS_C_INDEFINITE || key_lifetime < lifetime) {
		lifetime = key_lifetime;
	}
	ctx->expires = time(NULL) + (time_t)lifetime;
	gss_release_name(&minor, &target);
	ldns_pkt_free(reply);
	free(bytes);
	free(query);
	*out = ctx;
	return KD_OK;

fail:
	gss_release_name(&minor, &target);
	ldns_pkt_free(reply);
	free(bytes);
	free(query);
	pub_gss_context_free(ctx);
	return ret;
}

time_t
pub_gss_expiry(const pub_gss_context *ctx)
{
	return ctx->expires;
}

const tsig_signer *
pub_gss_signer(pub_gss_context *ctx)
{
	return &ctx->signer;
}

kd_result
pub_gss_delete(pub_gss_context *ctx, const endpoint *server,
	unsigned timeout_ms, long clock_offset, kd_err *err)
{
	uint8_t *query = NULL, *signed_query = NULL, *bytes = NULL;
	size_t query_len = 0, signed_len = 0, bytes_len = 0;
	ldns_pkt *reply = NULL;
	tsig_request req;
	tsig_response resp;
	const uint8_t *key;
	size_t key_len;
	uint32_t key_lifetime;
	uint16_t tkey_error = 0;
	kd_err detail;
	kd_result ret;

	ret = tkey_query(ctx->signer.key_name, TKEY_MODE_DELETE,
		(uint32_t)now_with(clock_offset), NULL, 0, &query, &query_len,
		err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = tsig_sign_message(&ctx->signer, query, query_len,
		now_with(clock_offset), &signed_query, &signed_len, &req, err);
	if (ret == KD_OK) {
		ret = exchange(server, signed_query, signed_len, timeout_ms,
			&bytes, &bytes_len, &reply, &detail);
	}
	if (ret == KD_OK) {
		ret = tsig_verify_response(&ctx->signer, bytes, bytes_len, &req,
			now_with(clock_offset), &resp, &detail);
	}
	if (ret == KD_OK && (ldns_pkt_get_rcode(reply) != LDNS_RCODE_NOERROR ||
	    tkey_answer(reply, &tkey_error, &key, &key_len, &key_lifetime,
	    &detail) != KD_OK ||
	    tkey_error != 0)) {
		ret = kd_err_set(&detail, KD_EGSS,
			"answer rcode %u, TKEY error %u",
			(unsigned)ldns_pkt_get_rcode(reply), tkey_error);
	}
	if (ret != KD_OK && ret != KD_ENOMEM && signed_query != NULL) {
		kd_err_set(err, ret, "TKEY delete of %s: %s",
			ctx->signer.key_name, detail.text);
	}
	ldns_pkt_free(reply);
	free(bytes);
	free(signed_query);
	free(query);
	return ret;
}

void
pub_gss_context_free(pub_gss_context *ctx)
{
	OM_uint32 minor;

	if (ctx == NULL) {
		return;
	}
	if (ctx->ctx != GSS_C_NO_CONTEXT) {
		gss_delete_sec_context(&minor, &ctx->ctx, GSS_C_NO_BUFFER);
	}
	pthread_mutex_destroy(&ctx->lock);
	free(ctx);
}
