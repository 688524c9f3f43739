/*
 * pub_net.h -- one DNS message exchange over TCP with a deadline.
 *
 * RFC 7766 framing (two-byte length). UPDATEs always go over TCP: GSS-TSIG
 * tokens are large and a UDP retransmission of the same signed bytes is a
 * replay to BIND.
 */
#ifndef KMSDNS_PUB_NET_H
#define KMSDNS_PUB_NET_H

#include <stddef.h>
#include <stdint.h>
#include "endpoint.h"
#include "kd_result.h"

/*
 * Send the LEN bytes of QUERY to SERVER over TCP and read one answer into a
 * new buffer *ANSWER (caller frees) of *ANSWER_LEN bytes, all within
 * TIMEOUT_MS. Returns KD_ETIMEOUT when the deadline passes, KD_ENET when
 * the connection fails; ERR names the server and the reason.
 */
kd_result pub_net_exchange(const endpoint *server, const uint8_t *query,
	size_t len, unsigned timeout_ms, uint8_t **answer, size_t *answer_len,
	kd_err *err);

#endif /* KMSDNS_PUB_NET_H */
