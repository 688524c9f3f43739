/*
 * kms_rpc.h -- the one DCE/RPC exchange kmsdns-check has with a KMS host:
 * a bind to the KMS interface and the reading of its answer.
 *
 * Written from the protocol facts of shared/reference/kms-rpc.md: a
 * connection-oriented bind (PTYPE 11) offering the KMS interface
 * 51c82175-844e-4750-b0d8-ec255555bc06 v1.0 with the NDR transfer syntax
 * only. A bind_ack that accepts the context means a KMS RPC endpoint is
 * there; anything else is not a KMS host. No activation request is ever
 * built: a bind and a disconnect make the host count nothing.
 */
#ifndef KMSDNS_KMS_RPC_H
#define KMSDNS_KMS_RPC_H

#include <stddef.h>
#include <stdint.h>

/* Size of the bind PDU. */
#define KMS_RPC_BIND_SIZE 72

/* Most bytes of an answer kms_rpc_read_answer() looks at. */
#define KMS_RPC_ANSWER_MAX 1024

typedef enum kms_rpc_answer {
	KMS_RPC_INCOMPLETE, /* more bytes are needed to decide */
	KMS_RPC_ACCEPTED,   /* bind_ack accepting the KMS interface */
	KMS_RPC_REJECTED,   /* bind_ack rejecting it, or a fault */
	KMS_RPC_NAK,        /* bind_nak: the association was refused */
	KMS_RPC_NOT_DCERPC, /* not a DCE/RPC answer to our bind */
} kms_rpc_answer;

/* Write the bind PDU with CALL_ID into OUT. */
void kms_rpc_bind_request(uint32_t call_id, uint8_t out[KMS_RPC_BIND_SIZE]);

/*
 * Classify the first LEN bytes of the answer to the bind with CALL_ID.
 * Returns KMS_RPC_INCOMPLETE while LEN is too short to decide (never when
 * LEN >= KMS_RPC_ANSWER_MAX). For every other result WHY (WHYLEN bytes,
 * may be NULL) gets a short reason ("bind_ack result 2 reason 1",
 * "not DCE/RPC: starts with \"HTTP/1.1 400\"").
 */
kms_rpc_answer kms_rpc_read_answer(const uint8_t *data, size_t len,
	uint32_t call_id, char *why, size_t whylen);

#endif /* KMSDNS_KMS_RPC_H */
