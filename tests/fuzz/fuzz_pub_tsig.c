/*
 * fuzz_pub_tsig.c -- libFuzzer target for the TSIG parsing of DNS answers
 * in nsupdate_tool/pub_tsig.c, the part of the publisher that reads bytes
 * from the network.
 *
 * The input is taken as an answer to a request signed with a fixed key.
 * Properties that abort: the result is one of the documented codes; a
 * verified answer (KD_OK) is impossible without the key, except for the
 * seed made with it; RESP is consistent with the result.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keyfile.h"
#include "pub_hmac.h"
#include "pub_tsig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KEY_TEXT "key fuzz.test { algorithm hmac-sha256; " \
	"secret \"ZnV6ei1mdXp6LWZ1enotZnV6ei1mdXp6LWZ1enotMzI=\"; };"

static void
require(bool condition)
{
	if (!condition)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static keyfile keys;
	static tsig_signer signer;
	static bool ready;
	tsig_request req;
	tsig_response resp;
	kd_err err;
	kd_result ret;

	if (!ready) {
		keyfile_init(&keys);
		require(keyfile_parse_text(KEY_TEXT, strlen(KEY_TEXT), "k",
			&keys, NULL) == KD_OK);
		require(pub_hmac_signer(&signer, &keys.keys[0], NULL) ==
			KD_OK);
		ready = true;
	}
	memset(&req, 0, sizeof(req));
	req.mac_len = 32;
	memset(req.mac, 0xab, req.mac_len);
	ret = tsig_verify_response(&signer, data, size, &req, 1000000, &resp,
		&err);
	require(ret == KD_OK || ret == KD_ENOENT || ret == KD_EBADSIG ||
		ret == KD_EBADTIME || ret == KD_EDNS || ret == KD_ENOMEM);
	if (ret == KD_OK || ret == KD_EBADTIME)
		require(resp.present);
	if (!resp.present)
		require(ret == KD_ENOENT || ret == KD_EDNS);
	return 0;
}
