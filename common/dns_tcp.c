/*
 * dns_tcp.c -- one framed DNS exchange over TCP.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "clock.h"
#include "dns_tcp.h"

/* End X where it stands with ERROR (an errno; 0: the peer closed). */
static void
fail(dns_tcp *x, int error)
{
	x->failed_in = x->state;
	x->error = error;
	x->state = DNS_TCP_FAILED;
}

/* True when a send() or recv() that returned -1 may simply be retried. */
static bool
try_again(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

kd_result
dns_tcp_start(dns_tcp *x, const endpoint *server, const uint8_t *msg,
	size_t len)
{
	memset(x, 0, sizeof(*x));
	x->fd = -1;
	x->state = DNS_TCP_CONNECTING;
	if (len > 65535) {
		fail(x, EMSGSIZE);
		return KD_EINVAL;
	}
	x->out = malloc(len + 2);
	if (x->out == NULL) {
		fail(x, ENOMEM);
		return KD_ENOMEM;
	}
	x->out[0] = (uint8_t)(len >> 8);
	x->out[1] = (uint8_t)len;
	memcpy(x->out + 2, msg, len);
	x->out_len = len + 2;
	x->fd = socket(server->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC |
		SOCK_NONBLOCK, 0);
	if (x->fd < 0 || (connect(x->fd, (const struct sockaddr *)&server->addr,
	    server->addrlen) != 0 && errno != EINPROGRESS)) {
		fail(x, errno);
		return KD_ENET;
	}
	return KD_OK;
}

int
dns_tcp_fd(const dns_tcp *x)
{
	return x->fd;
}

short
dns_tcp_events(const dns_tcp *x)
{
	return x->state == DNS_TCP_READING ? POLLIN : POLLOUT;
}

/* The connect() of X ended: go on writing, or fail with its error. */
static void
finish_connect(dns_tcp *x)
{
	int error = 0;
	socklen_t len = sizeof(error);

	if (getsockopt(x->fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0) {
		error = errno;
	}
	if (error != 0) {
		fail(x, error);
	} else {
		x->state = DNS_TCP_WRITING;
	}
}

static void
send_some(dns_tcp *x)
{
	/* a peer that closed must not kill us with SIGPIPE */
	ssize_t n = send(x->fd, x->out + x->out_done, x->out_len - x->out_done,
		MSG_NOSIGNAL);

	if (n < 0) {
		if (!try_again()) {
			fail(x, errno);
		}
		return;
	}
	x->out_done += (size_t)n;
	if (x->out_done == x->out_len) {
		x->state = DNS_TCP_READING;
	}
}

/* Read into BUF up to LEN bytes; the count, or 0 when nothing came. */
static size_t
receive(dns_tcp *x, uint8_t *buf, size_t len)
{
	ssize_t n = recv(x->fd, buf, len, 0);

	if (n > 0) {
		return (size_t)n;
	}
	if (n == 0) {
		fail(x, 0);
	} else if (!try_again()) {
		fail(x, errno);
	}
	return 0;
}

/* Read the length prefix, then the answer it announces. */
static void
receive_some(dns_tcp *x)
{
	if (x->prefix_done < 2) {
		x->prefix_done += receive(x, x->prefix + x->prefix_done,
			2 - x->prefix_done);
		if (x->prefix_done < 2) {
			return;
		}
		x->answer_len = (size_t)x->prefix[0] << 8 | x->prefix[1];
		x->answer = malloc(x->answer_len > 0 ? x->answer_len : 1);
		if (x->answer == NULL) {
			fail(x, ENOMEM);
			return;
		}
	}
	if (x->answer_done < x->answer_len) {
		x->answer_done += receive(x, x->answer + x->answer_done,
			x->answer_len - x->answer_done);
	}
	if (x->state == DNS_TCP_READING && x->answer_done == x->answer_len) {
		x->state = DNS_TCP_DONE;
	}
}

dns_tcp_state
dns_tcp_step(dns_tcp *x)
{
	if (x->state == DNS_TCP_CONNECTING) {
		finish_connect(x);
	}
	if (x->state == DNS_TCP_WRITING) {
		send_some(x);
	} else if (x->state == DNS_TCP_READING) {
		receive_some(x);
	}
	return x->state;
}

uint8_t *
dns_tcp_take_answer(dns_tcp *x, size_t *len)
{
	uint8_t *answer = x->answer;

	*len = x->answer_len;
	x->answer = NULL;
	return answer;
}

void
dns_tcp_close(dns_tcp *x)
{
	if (x->fd >= 0) {
		close(x->fd);
	}
	x->fd = -1;
	free(x->out);
	x->out = NULL;
	free(x->answer);
	x->answer = NULL;
}

/* Run X until it is done, failed, or DEADLINE (kd_clock_ms) passes. */
static kd_result
run(dns_tcp *x, uint64_t deadline)
{
	while (x->state != DNS_TCP_DONE && x->state != DNS_TCP_FAILED) {
		struct pollfd pfd = { .fd = x->fd, .events = dns_tcp_events(x) };
		int left = kd_clock_until(kd_clock_ms(), deadline);
		int n = left > 0 ? poll(&pfd, 1, left) : 0;

		if (n > 0) {
			dns_tcp_step(x);
		} else if (n == 0) {
			return KD_ETIMEOUT;
		} else if (errno != EINTR) {
			fail(x, errno);
		}
	}
	return x->state == DNS_TCP_DONE ? KD_OK : KD_ENET;
}

kd_result
dns_tcp_exchange(const endpoint *server, const uint8_t *msg, size_t len,
	unsigned timeout_ms, uint8_t **answer, size_t *answer_len, kd_err *err)
{
	const uint64_t deadline = kd_clock_ms() + timeout_ms;
	char name[ENDPOINT_TEXT_MAX];
	dns_tcp x;
	kd_result ret;

	endpoint_format(server, name, sizeof(name));
	ret = dns_tcp_start(&x, server, msg, len);
	if (ret == KD_OK || ret == KD_ENET) {
		ret = run(&x, deadline);
	}
	if (ret == KD_OK) {
		*answer = dns_tcp_take_answer(&x, answer_len);
	}
	dns_tcp_close(&x);
	if (ret == KD_OK) {
		return KD_OK;
	}
	if (ret == KD_EINVAL) {
		return kd_err_set(err, ret,
			"%s: message of %zu bytes is too large", name, len);
	}
	if (x.error == ENOMEM) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	if (ret == KD_ETIMEOUT && x.state == DNS_TCP_CONNECTING) {
		return kd_err_set(err, ret,
			"%s: no TCP connection within %u ms", name, timeout_ms);
	}
	if (ret == KD_ETIMEOUT) {
		return kd_err_set(err, ret, "%s: no answer within %u ms", name,
			timeout_ms);
	}
	if (x.failed_in == DNS_TCP_CONNECTING) {
		return kd_err_set(err, ret, "%s: TCP connect failed: %s", name,
			strerror(x.error));
	}
	return kd_err_set(err, ret,
		"%s: TCP connection closed without an answer", name);
}
