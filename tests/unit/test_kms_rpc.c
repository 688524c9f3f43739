/*
 * test_kms_rpc.c -- unit tests of resolver_check/kms_rpc.c: the bind PDU
 * byte by byte against shared/reference/kms-rpc.md, and the reading of
 * every kind of answer (accepted, rejected, nak, fault, not DCE/RPC,
 * cut short, another call, big-endian data representation).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kms_rpc.h"

#define CALL_ID 0x01020304u

static void
test_bind_request(void **state)
{
	static const uint8_t header[16] = {
		5, 0, 11, 0x03, 0x10, 0, 0, 0, 72, 0, 0, 0, 4, 3, 2, 1,
	};
	static const uint8_t kms[20] = {
		0x75, 0x21, 0xc8, 0x51, 0x4e, 0x84, 0x50, 0x47, 0xb0, 0xd8,
		0xec, 0x25, 0x55, 0x55, 0xbc, 0x06, 1, 0, 0, 0,
	};
	static const uint8_t ndr[20] = {
		0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8,
		0x08, 0x00, 0x2b, 0x10, 0x48, 0x60, 2, 0, 0, 0,
	};
	uint8_t pdu[KMS_RPC_BIND_SIZE];

	(void)state;
	kms_rpc_bind_request(CALL_ID, pdu);
	assert_memory_equal(pdu, header, sizeof(header));
	/* 5840 twice, assoc group 0, one context, id 0, one syntax */
	assert_int_equal(pdu[16] | pdu[17] << 8, 5840);
	assert_int_equal(pdu[18] | pdu[19] << 8, 5840);
	assert_int_equal(pdu[20] | pdu[21] | pdu[22] | pdu[23], 0);
	assert_int_equal(pdu[24], 1);
	assert_int_equal(pdu[28] | pdu[29], 0);
	assert_int_equal(pdu[30], 1);
	assert_memory_equal(pdu + 32, kms, sizeof(kms));
	assert_memory_equal(pdu + 52, ndr, sizeof(ndr));
}

/*
 * A bind_ack with secondary address "1688" and one result: RESULT and
 * REASON; LITTLE selects the data representation. Returns its length.
 */
static size_t
bind_ack(uint8_t *out, uint16_t result, uint16_t reason, int little)
{
	size_t len = 16 + 8 + 2 + 5 + 1 + 4 + 24;

	memset(out, 0, 128);
	out[0] = 5;
	out[2] = 12;
	out[3] = 3;
	out[4] = little ? 0x10 : 0x00;
#define PUT16(at, v) do { \
	out[(at) + !little] = (uint8_t)(v); \
	out[(at) + little] = (uint8_t)((v) >> 8); \
} while (0)
	PUT16(8, len);
	if (little) {
		out[12] = 4; out[13] = 3; out[14] = 2; out[15] = 1;
	} else {
		out[12] = 1; out[13] = 2; out[14] = 3; out[15] = 4;
	}
	PUT16(24, 5);
	memcpy(out + 26, "1688", 5);
	out[32] = 1;                     /* n_results, after the padding */
	PUT16(36, result);
	PUT16(38, reason);
#undef PUT16
	return len;
}

static void
test_answers(void **state)
{
	uint8_t ack[128];
	uint8_t nak[16] = { 5, 0, 13, 3, 0x10, 0, 0, 0, 16, 0, 0, 0, 4, 3, 2,
		1 };
	const char *http = "HTTP/1.1 400 Bad Request\r\n\r\n";
	char why[96];
	size_t len;

	(void)state;
	len = bind_ack(ack, 0, 0, 1);
	assert_int_equal(kms_rpc_read_answer(ack, len, CALL_ID, why,
		sizeof(why)), KMS_RPC_ACCEPTED);
	/* cut anywhere before its end, it is not decided yet */
	for (size_t cut = 2; cut < len; cut++)
		assert_int_equal(kms_rpc_read_answer(ack, cut, CALL_ID, NULL,
			0), KMS_RPC_INCOMPLETE);
	len = bind_ack(ack, 2, 1, 1);
	assert_int_equal(kms_rpc_read_answer(ack, len, CALL_ID, why,
		sizeof(why)), KMS_RPC_REJECTED);
	assert_string_equal(why, "bind_ack rejects the KMS interface "
		"(result 2 reason 1)");
	len = bind_ack(ack, 0, 0, 0);
	assert_int_equal(kms_rpc_read_answer(ack, len, CALL_ID, why,
		sizeof(why)), KMS_RPC_ACCEPTED);
	assert_int_equal(kms_rpc_read_answer(ack, len, CALL_ID + 1, why,
		sizeof(why)), KMS_RPC_NOT_DCERPC);
	assert_string_equal(why, "DCE/RPC answer for another call (id "
		"16909060)");
	assert_int_equal(kms_rpc_read_answer(nak, sizeof(nak), CALL_ID, why,
		sizeof(why)), KMS_RPC_NAK);
	nak[2] = 3;
	assert_int_equal(kms_rpc_read_answer(nak, sizeof(nak), CALL_ID, why,
		sizeof(why)), KMS_RPC_REJECTED);
	nak[2] = 2;
	assert_int_equal(kms_rpc_read_answer(nak, sizeof(nak), CALL_ID, why,
		sizeof(why)), KMS_RPC_NOT_DCERPC);
	nak[8] = 0xff;
	nak[9] = 0xff;
	assert_int_equal(kms_rpc_read_answer(nak, sizeof(nak), CALL_ID, why,
		sizeof(why)), KMS_RPC_NOT_DCERPC);
	assert_string_equal(why, "DCE/RPC fragment length 65535 is out of "
		"range 16-1024");
	/* an HTTP banner is told apart from its first byte */
	assert_int_equal(kms_rpc_read_answer((const uint8_t *)http, 1,
		CALL_ID, why, sizeof(why)), KMS_RPC_NOT_DCERPC);
	assert_int_equal(kms_rpc_read_answer((const uint8_t *)http,
		strlen(http), CALL_ID, why, sizeof(why)), KMS_RPC_NOT_DCERPC);
	assert_string_equal(why, "not DCE/RPC: starts with \"HTTP/1.1 400 "
		"Bad\"");
	assert_int_equal(kms_rpc_read_answer(ack, 0, CALL_ID, why,
		sizeof(why)), KMS_RPC_INCOMPLETE);
	/* a bind_ack too short for its result */
	len = bind_ack(ack, 0, 0, 1);
	ack[8] = 30;
	ack[9] = 0;
	ack[4] = 0x10;
	ack[24] = 0;
	ack[25] = 0;
	assert_int_equal(kms_rpc_read_answer(ack, 30, CALL_ID, why,
		sizeof(why)), KMS_RPC_NOT_DCERPC);
	assert_string_equal(why, "bind_ack without a context result");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bind_request),
		cmocka_unit_test(test_answers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
