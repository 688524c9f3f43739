/*
 * dns_tcp.h -- one DNS message exchange over TCP, RFC 7766 framing (a
 * two-byte length before each message), on a non-blocking socket.
 *
 * A caller with one exchange runs it to the end with dns_tcp_exchange().
 * A caller that drives many sockets from its own poll() loop starts an
 * exchange with dns_tcp_start(), polls dns_tcp_fd() for dns_tcp_events()
 * and calls dns_tcp_step() each time the socket is ready, until the state
 * is DNS_TCP_DONE or DNS_TCP_FAILED; the deadline is that caller's. The
 * messages are bytes: building and parsing them is the caller's job.
 */
#ifndef KMSDNS_DNS_TCP_H
#define KMSDNS_DNS_TCP_H

#include <stddef.h>
#include <stdint.h>
#include "endpoint.h"
#include "kd_result.h"

typedef enum dns_tcp_state {
	DNS_TCP_CONNECTING, /* connect() in progress: wait for POLLOUT */
	DNS_TCP_WRITING,    /* sending the framed message: POLLOUT */
	DNS_TCP_READING,    /* reading the length, then the answer: POLLIN */
	DNS_TCP_DONE,       /* the answer is complete (dns_tcp_take_answer) */
	DNS_TCP_FAILED,     /* FAILED_IN says where, ERROR why */
} dns_tcp_state;

typedef struct dns_tcp {
	dns_tcp_state state;
	int fd;                /* -1 once closed */
	uint8_t *out;          /* length prefix + message (owned) */
	size_t out_len;
	size_t out_done;       /* bytes of OUT sent */
	uint8_t prefix[2];     /* the answer's length prefix */
	size_t prefix_done;    /* bytes of it read */
	uint8_t *answer;       /* owned until taken */
	size_t answer_len;     /* known once the prefix is read */
	size_t answer_done;    /* bytes of it read */
	dns_tcp_state failed_in; /* CONNECTING, WRITING or READING */
	int error;             /* errno of the failure; 0: the peer closed */
} dns_tcp;

/*
 * Start sending the LEN-byte MSG to SERVER: open a non-blocking socket and
 * begin to connect. Returns KD_OK (state DNS_TCP_CONNECTING), KD_EINVAL
 * when LEN does not fit the two-byte prefix, KD_ENOMEM, or KD_ENET when
 * the socket or connect() fails at once (FAILED_IN and ERROR say why). X
 * must be closed with dns_tcp_close() in every case.
 */
kd_result dns_tcp_start(dns_tcp *x, const endpoint *server,
	const uint8_t *msg, size_t len);

/* The socket of X, for poll(). */
int dns_tcp_fd(const dns_tcp *x);

/* The poll() events X waits for (POLLOUT or POLLIN). */
short dns_tcp_events(const dns_tcp *x);

/*
 * Move X on as far as its ready socket allows without blocking (finish
 * connecting, send, receive) and return its new state. A socket that is
 * not ready yet leaves the state as it was.
 */
dns_tcp_state dns_tcp_step(dns_tcp *x);

/*
 * Hand the answer of a DNS_TCP_DONE exchange to the caller: a buffer
 * (caller frees) of *LEN bytes.
 */
uint8_t *dns_tcp_take_answer(dns_tcp *x, size_t *len);

/* Close the socket of X and free what it still owns. */
void dns_tcp_close(dns_tcp *x);

/*
 * Send the LEN bytes of MSG to SERVER and read one answer into a new
 * buffer *ANSWER (caller frees) of *ANSWER_LEN bytes, all within
 * TIMEOUT_MS. Returns KD_ETIMEOUT when the deadline passes, KD_ENET when
 * the connection fails or closes first, KD_EINVAL for a message too large
 * to frame, KD_ENOMEM; ERR names the server and the reason.
 */
kd_result dns_tcp_exchange(const endpoint *server, const uint8_t *msg,
	size_t len, unsigned timeout_ms, uint8_t **answer, size_t *answer_len,
	kd_err *err);

#endif /* KMSDNS_DNS_TCP_H */
