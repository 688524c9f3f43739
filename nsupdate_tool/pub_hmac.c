/*
 * pub_hmac.c -- HMAC TSIG signers.
 */
#include "config.h"

#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "pub_hmac.h"

/* The OpenSSL digest of each HMAC algorithm, by tsig_algorithm. */
static const EVP_MD *(*const digests[])(void) = {
	[TSIG_HMAC_MD5] = EVP_md5,
	[TSIG_HMAC_SHA1] = EVP_sha1,
	[TSIG_HMAC_SHA224] = EVP_sha224,
	[TSIG_HMAC_SHA256] = EVP_sha256,
	[TSIG_HMAC_SHA384] = EVP_sha384,
	[TSIG_HMAC_SHA512] = EVP_sha512,
};

/* The digest of ALG, or NULL for an unknown algorithm. */
static const EVP_MD *
digest_of(tsig_algorithm alg)
{
	if ((size_t)alg >= sizeof(digests) / sizeof(digests[0]) ||
	    digests[alg] == NULL) {
		return NULL;
	}
	return digests[alg]();
}

static kd_result
hmac_mac(void *ctx, const uint8_t *data, size_t len, uint8_t *mac,
	size_t *mac_len, kd_err *err)
{
	const tsig_key *key = ctx;
	unsigned int out_len = 0;

	if (HMAC(digest_of(key->algorithm), key->secret, (int)key->secret_len,
	    data, len, mac, &out_len) == NULL) {
		return kd_err_set(err, KD_EINVAL, "key %s: %s failed",
			key->name, tsig_algorithm_name(key->algorithm));
	}
	*mac_len = out_len;
	return KD_OK;
}

static kd_result
hmac_verify(void *ctx, const uint8_t *data, size_t len, const uint8_t *mac,
	size_t mac_len, kd_err *err)
{
	const tsig_key *key = ctx;
	uint8_t expect[EVP_MAX_MD_SIZE];
	size_t expect_len;
	kd_result ret;

	ret = hmac_mac(ctx, data, len, expect, &expect_len, err);
	if (ret != KD_OK) {
		return ret;
	}
	/* RFC 8945 5.2.2.1: truncated MACs are allowed, not below half */
	if (mac_len > expect_len || mac_len < expect_len / 2 || mac_len < 10 ||
	    CRYPTO_memcmp(expect, mac, mac_len) != 0) {
		return kd_err_set(err, KD_EBADSIG,
			"the answer's TSIG does not verify with key %s",
			key->name);
	}
	return KD_OK;
}

kd_result
pub_hmac_signer(tsig_signer *signer, const tsig_key *key, kd_err *err)
{
	if (digest_of(key->algorithm) == NULL) {
		return kd_err_set(err, KD_EINVAL, "key %s: unknown algorithm",
			key->name);
	}
	memset(signer, 0, sizeof(*signer));
	snprintf(signer->key_name, sizeof(signer->key_name), "%s", key->name);
	snprintf(signer->algorithm, sizeof(signer->algorithm), "%s",
		tsig_algorithm_wire_name(key->algorithm));
	signer->mac = hmac_mac;
	signer->verify = hmac_verify;
	signer->ctx = (void *)key;
	return KD_OK;
}
