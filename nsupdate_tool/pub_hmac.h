/*
 * pub_hmac.h -- HMAC TSIG signers (RFC 8945) over OpenSSL, every algorithm
 * a tsig-keygen key file can name, including hmac-sha224 and hmac-sha384
 * that ldns 1.8.3 cannot use.
 */
#ifndef KMSDNS_PUB_HMAC_H
#define KMSDNS_PUB_HMAC_H

#include "keyfile.h"
#include "pub_tsig.h"

/*
 * Make SIGNER sign with KEY. SIGNER keeps a pointer to KEY, which must
 * outlive it. Returns KD_EINVAL for an algorithm OpenSSL lacks.
 */
kd_result pub_hmac_signer(tsig_signer *signer, const tsig_key *key,
	kd_err *err);

#endif /* KMSDNS_PUB_HMAC_H */
