/*
 * pub_net.c -- DNS over TCP with a deadline.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "clock.h"
#include "pub_net.h"

/* Wait until FD is ready for EVENTS or DEADLINE (kd_clock_ms) passes. */
static kd_result
wait_fd(int fd, short events, uint64_t deadline)
{
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = events };
		int left = kd_clock_until(kd_clock_ms(), deadline);
		int n;

		if (left <= 0)
			return KD_ETIMEOUT;
		n = poll(&pfd, 1, left);
		if (n > 0)
			return KD_OK;
		if (n == 0)
			return KD_ETIMEOUT;
		if (errno != EINTR)
			return KD_ENET;
	}
}

/*
 * Move LEN bytes over FD before DEADLINE: write them from OUT, or, when OUT
 * is NULL, read them into IN (a peer that closes first is KD_ENET).
 */
static kd_result
transfer(int fd, const uint8_t *out, uint8_t *in, size_t len,
	uint64_t deadline)
{
	size_t done = 0;

	while (done < len) {
		kd_result ret = wait_fd(fd, out != NULL ? POLLOUT : POLLIN,
			deadline);
		ssize_t n;

		if (ret != KD_OK)
			return ret;
		/* a peer that closed must not kill us with SIGPIPE */
		n = out != NULL ?
			send(fd, out + done, len - done, MSG_NOSIGNAL) :
			recv(fd, in + done, len - done, 0);
		if (n == 0 && out == NULL)
			return KD_ENET;
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return KD_ENET;
		}
		done += (size_t)n;
	}
	return KD_OK;
}

/* Connect a non-blocking TCP socket to SERVER before DEADLINE. */
static kd_result
connect_server(const endpoint *server, uint64_t deadline, int *out,
	int *error)
{
	int fd = socket(server->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC |
		SOCK_NONBLOCK, 0);
	socklen_t optlen = sizeof(*error);
	kd_result ret;

	*error = 0;
	if (fd < 0) {
		*error = errno;
		return KD_ENET;
	}
	if (connect(fd, (const struct sockaddr *)&server->addr,
	    server->addrlen) != 0 && errno != EINPROGRESS) {
		*error = errno;
		close(fd);
		return KD_ENET;
	}
	ret = wait_fd(fd, POLLOUT, deadline);
	if (ret == KD_OK &&
	    (getsockopt(fd, SOL_SOCKET, SO_ERROR, error, &optlen) != 0 ||
	     *error != 0))
		ret = KD_ENET;
	if (ret != KD_OK) {
		close(fd);
		return ret;
	}
	*out = fd;
	return KD_OK;
}

kd_result
pub_net_exchange(const endpoint *server, const uint8_t *query, size_t len,
	unsigned timeout_ms, uint8_t **answer, size_t *answer_len, kd_err *err)
{
	const uint64_t deadline = kd_clock_ms() + timeout_ms;
	char name[ENDPOINT_TEXT_MAX];
	uint8_t prefix[2];
	uint8_t *buf = NULL;
	size_t size;
	int fd, error;
	kd_result ret;

	endpoint_format(server, name, sizeof(name));
	if (len > 65535)
		return kd_err_set(err, KD_EINVAL,
			"%s: message of %zu bytes is too large", name, len);
	ret = connect_server(server, deadline, &fd, &error);
	if (ret == KD_ETIMEOUT)
		return kd_err_set(err, ret,
			"%s: no TCP connection within %u ms", name, timeout_ms);
	if (ret != KD_OK)
		return kd_err_set(err, ret, "%s: TCP connect failed: %s",
			name, strerror(error));
	prefix[0] = (uint8_t)(len >> 8);
	prefix[1] = (uint8_t)len;
	ret = transfer(fd, prefix, NULL, 2, deadline);
	if (ret == KD_OK)
		ret = transfer(fd, query, NULL, len, deadline);
	if (ret == KD_OK)
		ret = transfer(fd, NULL, prefix, 2, deadline);
	if (ret == KD_OK) {
		size = (size_t)prefix[0] << 8 | prefix[1];
		buf = malloc(size > 0 ? size : 1);
		if (buf == NULL)
			ret = KD_ENOMEM;
		else
			ret = transfer(fd, NULL, buf, size, deadline);
	}
	close(fd);
	if (ret != KD_OK) {
		free(buf);
		if (ret == KD_ETIMEOUT)
			return kd_err_set(err, ret,
				"%s: no answer within %u ms", name,
				timeout_ms);
		if (ret == KD_ENOMEM)
			return kd_err_set(err, ret, "out of memory");
		return kd_err_set(err, ret,
			"%s: TCP connection closed without an answer", name);
	}
	*answer = buf;
	*answer_len = size;
	return KD_OK;
}
