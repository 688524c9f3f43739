/*
 * kms_rpc.c -- a DCE/RPC bind to the KMS interface and its answer
 * (shared/reference/kms-rpc.md; written from the facts there).
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kms_rpc.h"

#define PTYPE_BIND 11
#define PTYPE_BIND_ACK 12
#define PTYPE_BIND_NAK 13
#define PTYPE_FAULT 3
#define PFC_FIRST_LAST 0x03
#define HEADER_SIZE 16
/* max_xmit_frag and max_recv_frag we offer */
#define FRAG_SIZE 5840

/* KMS interface 51c82175-844e-4750-b0d8-ec255555bc06, as on the wire. */
static const uint8_t kms_interface[16] = {
	0x75, 0x21, 0xc8, 0x51, 0x4e, 0x84, 0x50, 0x47,
	0xb0, 0xd8, 0xec, 0x25, 0x55, 0x55, 0xbc, 0x06,
};
/* NDR 8a885d04-1ceb-11c9-9fe8-08002b104860, as on the wire. */
static const uint8_t ndr_syntax[16] = {
	0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11,
	0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60,
};

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

void
kms_rpc_bind_request(uint32_t call_id, uint8_t out[KMS_RPC_BIND_SIZE])
{
	memset(out, 0, KMS_RPC_BIND_SIZE);
	out[0] = 5;                     /* rpc_vers */
	out[1] = 0;                     /* rpc_vers_minor */
	out[2] = PTYPE_BIND;
	out[3] = PFC_FIRST_LAST;
	out[4] = 0x10;                  /* little-endian, ASCII, IEEE */
	put16(out + 8, KMS_RPC_BIND_SIZE);
	put32(out + 12, call_id);
	put16(out + 16, FRAG_SIZE);     /* max_xmit_frag */
	put16(out + 18, FRAG_SIZE);     /* max_recv_frag */
	out[24] = 1;                    /* n_context_elem */
	out[30] = 1;                    /* p_cont_id 0, n_transfer_syn 1 */
	memcpy(out + 32, kms_interface, 16);
	put16(out + 48, 1);             /* interface version 1.0 */
	memcpy(out + 52, ndr_syntax, 16);
	put32(out + 68, 2);             /* NDR version 2 */
}

/* A little- or big-endian 16-bit field, as the answer's DREP says. */
static uint16_t
get16(const uint8_t *p, bool little)
{
	return little ? (uint16_t)(p[0] | p[1] << 8) :
		(uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p, bool little)
{
	return little ? (uint32_t)get16(p, true) |
		(uint32_t)get16(p + 2, true) << 16 :
		(uint32_t)get16(p, false) << 16 | get16(p + 2, false);
}

static kms_rpc_answer
say(kms_rpc_answer answer, char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && whylen > 0) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return answer;
}

/* "not DCE/RPC: starts with "..."" with the printable start of DATA. */
static kms_rpc_answer
not_dcerpc(const uint8_t *data, size_t len, char *why, size_t whylen)
{
	char start[17];
	size_t n = len < sizeof(start) - 1 ? len : sizeof(start) - 1;

	for (size_t i = 0; i < n; i++) {
		start[i] = data[i] >= 0x20 && data[i] < 0x7f &&
			data[i] != '"' ? (char)data[i] : '.';
	}
	start[n] = '\0';
	return say(KMS_RPC_NOT_DCERPC, why, whylen, "not DCE/RPC: starts "
		"with \"%s\"", start);
}

/* The result of the first context of the bind_ack in DATA[0..FRAG). */
static kms_rpc_answer
read_bind_ack(const uint8_t *data, size_t frag, bool little, char *why,
	size_t whylen)
{
	size_t pos = HEADER_SIZE + 8;   /* max_xmit, max_recv, assoc_group */
	uint16_t result;

	if (frag < pos + 2) {
		return say(KMS_RPC_NOT_DCERPC, why, whylen, "bind_ack of %zu "
			"bytes is too short", frag);
	}
	pos += 2 + get16(data + pos, little); /* secondary address */
	pos = (pos + 3) & ~(size_t)3;
	if (frag < pos + 8 || data[pos] == 0) {
		return say(KMS_RPC_NOT_DCERPC, why, whylen, "bind_ack without "
			"a context result");
	}
	result = get16(data + pos + 4, little);
	if (result != 0) {
		return say(KMS_RPC_REJECTED, why, whylen, "bind_ack rejects the "
			"KMS interface (result %u reason %u)", (unsigned)result,
			(unsigned)get16(data + pos + 6, little));
	}
	return say(KMS_RPC_ACCEPTED, why, whylen, "bind_ack accepts the KMS "
		"interface");
}

kms_rpc_answer
kms_rpc_read_answer(const uint8_t *data, size_t len, uint32_t call_id,
	char *why, size_t whylen)
{
	bool little;
	size_t frag;

	if (len > KMS_RPC_ANSWER_MAX) {
		len = KMS_RPC_ANSWER_MAX;
	}
	/* version 5.0 and a PDU type decide early for non-RPC answers */
	if ((len >= 1 && data[0] != 5) || (len >= 2 && data[1] != 0)) {
		return not_dcerpc(data, len, why, whylen);
	}
	if (len < HEADER_SIZE) {
		return KMS_RPC_INCOMPLETE;
	}
	little = (data[4] & 0x10) != 0;
	frag = get16(data + 8, little);
	if (frag < HEADER_SIZE || frag > KMS_RPC_ANSWER_MAX) {
		return say(KMS_RPC_NOT_DCERPC, why, whylen, "DCE/RPC fragment "
			"length %zu is out of range %d-%d", frag, HEADER_SIZE,
			KMS_RPC_ANSWER_MAX);
	}
	if (len < frag) {
		return KMS_RPC_INCOMPLETE;
	}
	if (get32(data + 12, little) != call_id) {
		return say(KMS_RPC_NOT_DCERPC, why, whylen, "DCE/RPC answer "
			"for another call (id %u)",
			(unsigned)get32(data + 12, little));
	}
	switch (data[2]) {
	case PTYPE_BIND_ACK:
		return read_bind_ack(data, frag, little, why, whylen);
	case PTYPE_BIND_NAK:
		return say(KMS_RPC_NAK, why, whylen, "bind_nak: the RPC server "
			"refused the association");
	case PTYPE_FAULT:
		return say(KMS_RPC_REJECTED, why, whylen, "DCE/RPC fault");
	default:
		return say(KMS_RPC_NOT_DCERPC, why, whylen, "DCE/RPC PDU type "
			"%u, not an answer to a bind", (unsigned)data[2]);
	}
}
