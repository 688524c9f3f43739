/*
 * pub_tsig.h -- TSIG (RFC 8945) over raw DNS messages, for HMAC and GSS.
 *
 * ldns 1.8.3 signs only md5/sha1/sha256/sha512, takes the signing time from
 * gettimeofday() (no BADTIME correction) and cannot sign with GSS-API, so
 * the publisher signs the wire bytes itself. The digest input is the same
 * for every algorithm; only the MAC function differs, so a signer is a small
 * table: key name, algorithm name and a sign/verify pair (HMAC in
 * pub_hmac.c, GSS-API MIC in pub_gss.c).
 */
#ifndef KMSDNS_PUB_TSIG_H
#define KMSDNS_PUB_TSIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "dname.h"
#include "kd_result.h"

#define TSIG_MAC_MAX 512
#define TSIG_FUDGE 300
#define TSIG_RR_TYPE 250

/* RFC 8945 TSIG error codes. */
#define TSIG_ERROR_BADSIG 16
#define TSIG_ERROR_BADKEY 17
#define TSIG_ERROR_BADTIME 18

/* The name of the TSIG error ERROR ("BADSIG"), or "unknown TSIG error". */
const char *tsig_error_name(uint16_t error);

/* Compute a MAC over DATA into MAC (TSIG_MAC_MAX bytes), length *MAC_LEN. */
typedef kd_result (*tsig_mac_fn)(void *ctx, const uint8_t *data, size_t len,
	uint8_t *mac, size_t *mac_len, kd_err *err);
/* Check MAC over DATA: KD_OK when valid, KD_EBADSIG when not. */
typedef kd_result (*tsig_verify_fn)(void *ctx, const uint8_t *data,
	size_t len, const uint8_t *mac, size_t mac_len, kd_err *err);

/*
 * How the request MAC enters the digest of a response (RFC 8945 4.3.3).
 * RFC8945: its 2-byte length, then the MAC. UNPREFIXED: the MAC alone,
 * without the length: what Active Directory DNS (and Samba's internal
 * DNS, which behaves like it) computes the MIC of its GSS-TSIG answers
 * over. The answer's MAC is verified either way; nothing is accepted
 * unverified, and the second layout is tried only for signers that allow
 * it (GSS-TSIG) after the first failed.
 */
typedef enum tsig_layout {
	TSIG_LAYOUT_RFC8945 = 0,
	TSIG_LAYOUT_UNPREFIXED = 1,
	TSIG_LAYOUT_LAST = TSIG_LAYOUT_UNPREFIXED,
} tsig_layout;

typedef struct tsig_signer {
	char key_name[DNAME_BUF_SIZE];  /* canonical */
	char algorithm[DNAME_BUF_SIZE]; /* wire name, e.g. "hmac-sha256" */
	tsig_mac_fn mac;
	tsig_verify_fn verify;
	void *ctx;
	bool allow_unprefixed_request_mac; /* TSIG_LAYOUT_UNPREFIXED too */
} tsig_signer;

/* What a signed request leaves for verifying its answer. */
typedef struct tsig_request {
	uint8_t mac[TSIG_MAC_MAX];
	size_t mac_len;
	uint16_t id;
	uint64_t time_signed;
} tsig_request;

/* The TSIG of a response. */
typedef struct tsig_response {
	bool present;          /* the response carries a TSIG RR */
	uint16_t error;        /* its error field (0, 16, 17, 18) */
	uint64_t time_signed;
	uint16_t fudge;
	bool has_server_time;  /* BADTIME: 6-byte "other" with server time */
	uint64_t server_time;
	tsig_layout layout;    /* the digest layout its MAC verified with */
} tsig_response;

/*
 * Sign the LEN-byte message MSG (complete, without TSIG) at time NOW:
 * write a new buffer *OUT (caller frees) of *OUT_LEN bytes = MSG with the
 * TSIG RR appended (names uncompressed) and ARCOUNT+1. REQUEST_MAC, when
 * not NULL, is fed first (a TKEY delete is a request, so it is NULL there).
 * REQ receives what is needed to verify the answer.
 */
kd_result tsig_sign_message(const tsig_signer *signer, const uint8_t *msg,
	size_t len, uint64_t now, uint8_t **out, size_t *out_len,
	tsig_request *req, kd_err *err);

/*
 * Find and check the TSIG of the response WIRE (LEN bytes) to REQ (NULL for
 * an unsigned request, e.g. a TKEY query). Fills RESP. Returns KD_OK when
 * the response is signed by SIGNER's key and the MAC verifies (its error
 * field may still be non-zero), KD_ENOENT when it carries no TSIG (caller
 * decides: BIND sends BADSIG/BADKEY unsigned), KD_EBADSIG when the MAC, key
 * or algorithm do not match under every layout the signer allows
 * (tsig_layout; RESP->layout says which one verified), KD_EBADTIME when time_signed is more than the
 * fudge away from NOW, KD_EDNS when the message is malformed.
 */
kd_result tsig_verify_response(const tsig_signer *signer, const uint8_t *wire,
	size_t len, const tsig_request *req, uint64_t now, tsig_response *resp,
	kd_err *err);

/*
 * Write NAME (canonical presentation form, no escapes; "." for the root) in
 * uncompressed wire form to OUT (at least 255 bytes). Returns its length.
 */
size_t tsig_name_to_wire(const char *name, uint8_t *out);

/*
 * Offset after the (possibly compressed) name at POS in WIRE of LEN bytes,
 * or 0 when the name runs past the end.
 */
size_t tsig_skip_name(const uint8_t *wire, size_t len, size_t pos);

#endif /* KMSDNS_PUB_TSIG_H */
