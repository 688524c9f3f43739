/*
 * fuzz_kms_rpc.c -- libFuzzer target for resolver_check/kms_rpc.c, the
 * reader of what a KMS host's port answers to our DCE/RPC bind.
 *
 * The input is that answer. Properties that must hold abort: the reader
 * decides once it has KMS_RPC_ANSWER_MAX bytes; once a prefix decides,
 * every longer prefix decides the same (what comes later cannot change a
 * probe's result); every decision has a reason; only a bind_ack (PTYPE
 * 12) is ever accepted; the bind PDU itself is never taken for an answer.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kms_rpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CALL_ID 7u

static void
require(bool condition)
{
	if (!condition)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kms_rpc_answer first = KMS_RPC_INCOMPLETE;
	size_t limit = size < KMS_RPC_ANSWER_MAX + 8 ? size :
		KMS_RPC_ANSWER_MAX + 8;
	uint8_t bind[KMS_RPC_BIND_SIZE];

	for (size_t len = 0; len <= limit; len++) {
		char why[96] = "";
		kms_rpc_answer got = kms_rpc_read_answer(data, len, CALL_ID,
			why, sizeof(why));

		if (first != KMS_RPC_INCOMPLETE)
			require(got == first);
		if (got != KMS_RPC_INCOMPLETE) {
			require(why[0] != '\0');
			first = got;
		}
		if (got == KMS_RPC_ACCEPTED)
			require(len >= 16 && data[2] == 12);
		require(got != KMS_RPC_INCOMPLETE ||
			len < KMS_RPC_ANSWER_MAX);
	}
	kms_rpc_bind_request(CALL_ID, bind);
	require(kms_rpc_read_answer(bind, sizeof(bind), CALL_ID, NULL, 0) ==
		KMS_RPC_NOT_DCERPC);
	return 0;
}
