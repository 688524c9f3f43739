/*
 * test_pub_tsig.c -- unit tests of nsupdate_tool/pub_tsig.c and pub_hmac.c,
 * cross-checked with ldns's own TSIG code (an independent implementation)
 * for the algorithms ldns has.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <ldns/ldns.h>

#include "keyfile.h"
#include "pub_hmac.h"
#include "pub_tsig.h"

#define KEY_TEXT \
	"key \"kms-tsig.example.test\" {\n" \
	"	algorithm hmac-sha256;\n" \
	"	secret \"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTMyYg==\";\n" \
	"};\n" \
	"key \"other.example.test\" {\n" \
	"	algorithm hmac-sha256;\n" \
	"	secret \"b3RoZXItb3RoZXItb3RoZXItb3RoZXItb3RoZXIhIQ==\";\n" \
	"};\n"

typedef struct fixture {
	keyfile keys;
	tsig_signer signer;
	tsig_signer other;
} fixture;

static int
setup(void **state)
{
	fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	keyfile_init(&fx->keys);
	assert_int_equal(keyfile_parse_text(KEY_TEXT, strlen(KEY_TEXT), "k",
		&fx->keys, NULL), KD_OK);
	assert_int_equal(pub_hmac_signer(&fx->signer, &fx->keys.keys[0], NULL),
		KD_OK);
	assert_int_equal(pub_hmac_signer(&fx->other, &fx->keys.keys[1], NULL),
		KD_OK);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	fixture *fx = *state;

	keyfile_free(&fx->keys);
	free(fx);
	return 0;
}

/* A small query as wire bytes (new buffer). */
static uint8_t *
query_wire(size_t *len)
{
	ldns_pkt *pkt = ldns_pkt_query_new(
		ldns_dname_new_frm_str("_vlmcs._tcp.example.test"),
		LDNS_RR_TYPE_SRV, LDNS_RR_CLASS_IN, 0);
	uint8_t *wire;

	ldns_pkt_set_id(pkt, 0x1234);
	assert_int_equal(ldns_pkt2wire(&wire, pkt, len), LDNS_STATUS_OK);
	ldns_pkt_free(pkt);
	return wire;
}

static void
test_name_wire(void **state)
{
	uint8_t out[256];
	static const uint8_t expect[] = { 3, 'k', 'm', 's', 4, 't', 'e', 's',
		't', 0 };
	static const uint8_t compressed[] = { 0, 0, 3, 'a', 'b', 'c', 0xc0,
		0x00, 9 };

	(void)state;
	assert_int_equal(tsig_name_to_wire("KMS.test", out), sizeof(expect));
	assert_memory_equal(out, expect, sizeof(expect));
	assert_int_equal(tsig_name_to_wire(".", out), 1);
	assert_int_equal(out[0], 0);
	assert_int_equal(tsig_skip_name(expect, sizeof(expect), 0),
		sizeof(expect));
	assert_int_equal(tsig_skip_name(expect, sizeof(expect) - 1, 0), 0);
	assert_int_equal(tsig_skip_name(compressed, sizeof(compressed), 2), 8);
	assert_int_equal(tsig_skip_name(compressed, 7, 2), 0);
}

/* ldns verifies a request we signed (sha256; ldns has it). */
static void
test_sign_verified_by_ldns(void **state)
{
	fixture *fx = *state;
	uint8_t *wire, *signed_wire;
	size_t len, signed_len;
	tsig_request req;
	ldns_pkt *pkt = NULL;

	wire = query_wire(&len);
	assert_int_equal(tsig_sign_message(&fx->signer, wire, len,
		(uint64_t)time(NULL), &signed_wire, &signed_len, &req, NULL),
		KD_OK);
	assert_int_equal(req.mac_len, 32);
	assert_int_equal(req.id, 0x1234);
	assert_int_equal(ldns_wire2pkt(&pkt, signed_wire, signed_len),
		LDNS_STATUS_OK);
	assert_non_null(ldns_pkt_tsig(pkt));
	assert_true(ldns_pkt_tsig_verify(pkt, signed_wire, signed_len,
		"kms-tsig.example.test",
		"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTMyYg==", NULL));
	ldns_pkt_free(pkt);
	/* and rejects it under another secret */
	pkt = NULL;
	assert_int_equal(ldns_wire2pkt(&pkt, signed_wire, signed_len),
		LDNS_STATUS_OK);
	assert_false(ldns_pkt_tsig_verify(pkt, signed_wire, signed_len,
		"kms-tsig.example.test",
		"b3RoZXItb3RoZXItb3RoZXItb3RoZXItb3RoZXIhIQ==", NULL));
	ldns_pkt_free(pkt);
	free(signed_wire);
	free(wire);
}

/*
 * A response signed by ldns with REQ's MAC, as wire (new buffer); the MAC
 * after its length (RFC 8945) or, with UNPREFIXED, alone (AD DNS).
 */
static uint8_t *
ldns_signed_response_as(const tsig_request *req, const char *secret,
	uint16_t fudge, bool unprefixed, size_t *len)
{
	ldns_pkt *pkt = ldns_pkt_query_new(
		ldns_dname_new_frm_str("_vlmcs._tcp.example.test"),
		LDNS_RR_TYPE_SRV, LDNS_RR_CLASS_IN, 0);
	ldns_rdf *mac = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_INT16_DATA, 0,
		NULL);
	uint8_t macbuf[2 + TSIG_MAC_MAX];
	uint8_t *wire;

	macbuf[0] = (uint8_t)(req->mac_len >> 8);
	macbuf[1] = (uint8_t)req->mac_len;
	memcpy(macbuf + 2, req->mac, req->mac_len);
	ldns_rdf_deep_free(mac);
	/* ldns writes the request MAC rdf's bytes into the digest as they are */
	mac = unprefixed ? ldns_rdf_new_frm_data(LDNS_RDF_TYPE_UNKNOWN,
		req->mac_len, macbuf + 2) :
		ldns_rdf_new_frm_data(LDNS_RDF_TYPE_INT16_DATA,
		2 + req->mac_len, macbuf);
	ldns_pkt_set_id(pkt, req->id);
	ldns_pkt_set_qr(pkt, true);
	assert_int_equal(ldns_pkt_tsig_sign(pkt, "kms-tsig.example.test",
		secret, fudge, "hmac-sha256", mac), LDNS_STATUS_OK);
	assert_int_equal(ldns_pkt2wire(&wire, pkt, len), LDNS_STATUS_OK);
	ldns_rdf_deep_free(mac);
	ldns_pkt_free(pkt);
	return wire;
}

static uint8_t *
ldns_signed_response(const tsig_request *req, const char *secret,
	uint16_t fudge, size_t *len)
{
	return ldns_signed_response_as(req, secret, fudge, false, len);
}

/*
 * The second digest layout (request MAC without its length, as AD DNS
 * signs GSS-TSIG answers) verifies only for a signer that allows it, and
 * only with the right MAC.
 */
static void
test_unprefixed_layout(void **state)
{
	fixture *fx = *state;
	const char *secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTMyYg==";
	tsig_signer lenient = fx->signer;
	uint8_t *wire, *signed_wire, *answer;
	size_t len, signed_len, answer_len;
	tsig_request req;
	tsig_response resp;
	uint64_t now = (uint64_t)time(NULL);
	kd_err err;

	lenient.allow_unprefixed_request_mac = true;
	wire = query_wire(&len);
	assert_int_equal(tsig_sign_message(&fx->signer, wire, len, now,
		&signed_wire, &signed_len, &req, NULL), KD_OK);
	answer = ldns_signed_response_as(&req, secret, 300, true, &answer_len);
	/* an HMAC signer keeps to RFC 8945 */
	assert_int_equal(tsig_verify_response(&fx->signer, answer, answer_len,
		&req, now, &resp, &err), KD_EBADSIG);
	assert_int_equal(tsig_verify_response(&lenient, answer, answer_len,
		&req, now, &resp, &err), KD_OK);
	assert_int_equal(resp.layout, TSIG_LAYOUT_UNPREFIXED);
	/* still verified: another request MAC fails both layouts */
	req.mac[3] ^= 1;
	assert_int_equal(tsig_verify_response(&lenient, answer, answer_len,
		&req, now, &resp, &err), KD_EBADSIG);
	req.mac[3] ^= 1;
	answer[14] ^= 0x20;
	assert_int_equal(tsig_verify_response(&lenient, answer, answer_len,
		&req, now, &resp, &err), KD_EBADSIG);
	free(answer);
	/* an RFC 8945 answer verifies with the first layout */
	answer = ldns_signed_response(&req, secret, 300, &answer_len);
	assert_int_equal(tsig_verify_response(&lenient, answer, answer_len,
		&req, now, &resp, &err), KD_OK);
	assert_int_equal(resp.layout, TSIG_LAYOUT_RFC8945);
	free(answer);
	free(signed_wire);
	free(wire);
}

/* We verify a response ldns signed; tampering and other keys fail. */
static void
test_verify_response(void **state)
{
	fixture *fx = *state;
	const char *secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTMyYg==";
	uint8_t *wire, *signed_wire, *answer;
	size_t len, signed_len, answer_len;
	tsig_request req;
	tsig_response resp;
	uint64_t now = (uint64_t)time(NULL);
	kd_err err;

	wire = query_wire(&len);
	assert_int_equal(tsig_sign_message(&fx->signer, wire, len, now,
		&signed_wire, &signed_len, &req, NULL), KD_OK);
	answer = ldns_signed_response(&req, secret, 300, &answer_len);
	assert_int_equal(tsig_verify_response(&fx->signer, answer, answer_len,
		&req, now, &resp, &err), KD_OK);
	assert_true(resp.present);
	assert_int_equal(resp.error, 0);
	assert_int_equal(resp.fudge, 300);

	/* our clock far off: the answer's time is outside the fudge */
	assert_int_equal(tsig_verify_response(&fx->signer, answer, answer_len,
		&req, now + 1000, &resp, &err), KD_EBADTIME);

	/* another key name in the answer */
	assert_int_equal(tsig_verify_response(&fx->other, answer, answer_len,
		&req, now, &resp, &err), KD_EBADSIG);

	/* a flipped bit in the question */
	answer[14] ^= 0x20;
	assert_int_equal(tsig_verify_response(&fx->signer, answer, answer_len,
		&req, now, &resp, &err), KD_EBADSIG);
	answer[14] ^= 0x20;

	/* another request MAC (a forged answer to another request) */
	req.mac[0] ^= 1;
	assert_int_equal(tsig_verify_response(&fx->signer, answer, answer_len,
		&req, now, &resp, &err), KD_EBADSIG);
	req.mac[0] ^= 1;

	/* a truncated message */
	assert_int_equal(tsig_verify_response(&fx->signer, answer,
		answer_len - 3, &req, now, &resp, &err), KD_EDNS);
	free(answer);

	/* an unsigned answer */
	assert_int_equal(tsig_verify_response(&fx->signer, wire, len, &req,
		now, &resp, &err), KD_ENOENT);
	assert_false(resp.present);
	free(signed_wire);
	free(wire);
}

/* Every algorithm a key file can name has a signer (sha224/384 too). */
static void
test_all_algorithms(void **state)
{
	static const char *const algs[] = { "hmac-md5", "hmac-sha1",
		"hmac-sha224", "hmac-sha256", "hmac-sha384", "hmac-sha512" };
	static const size_t mac_lens[] = { 16, 20, 28, 32, 48, 64 };
	uint8_t *wire, *signed_wire;
	size_t len, signed_len;

	(void)state;
	wire = query_wire(&len);
	for (size_t i = 0; i < 6; i++) {
		char text[256];
		keyfile kf;
		tsig_signer signer;
		tsig_request req;

		snprintf(text, sizeof(text), "key k.test { algorithm %s; "
			"secret \"c2VjcmV0\"; };", algs[i]);
		keyfile_init(&kf);
		assert_int_equal(keyfile_parse_text(text, strlen(text), "k",
			&kf, NULL), KD_OK);
		assert_int_equal(pub_hmac_signer(&signer, &kf.keys[0], NULL),
			KD_OK);
		assert_int_equal(tsig_sign_message(&signer, wire, len, 1,
			&signed_wire, &signed_len, &req, NULL), KD_OK);
		assert_int_equal(req.mac_len, mac_lens[i]);
		/* ARCOUNT went up by one */
		assert_int_equal(signed_wire[11], wire[11] + 1);
		free(signed_wire);
		keyfile_free(&kf);
	}
	free(wire);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_wire),
		cmocka_unit_test_setup_teardown(test_sign_verified_by_ldns,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_unprefixed_layout,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_response, setup,
			teardown),
		cmocka_unit_test(test_all_algorithms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
