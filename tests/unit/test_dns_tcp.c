/*
 * test_dns_tcp.c -- unit tests of common/dns_tcp.c: one framed exchange
 * with a peer on 127.0.0.1 (a child process) that answers, answers in
 * pieces, closes, or stays silent.
 */
#include "config.h"

#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "dns_tcp.h"
#include "loopback.h"

typedef enum peer_mode {
	PEER_ANSWER,     /* read the query, answer it reversed */
	PEER_PIECES,     /* the same, one byte at a time */
	PEER_CLOSE,      /* read the query, close */
	PEER_SILENT,     /* read the query, wait, close */
} peer_mode;

static void
pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Read exactly LEN bytes from FD; false when the peer closes first. */
static bool
read_exactly(int fd, uint8_t *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, buf + done, len - done);

		if (n <= 0)
			return false;
		done += (size_t)n;
	}
	return true;
}

/* The peer's side of one connection on listening socket LISTENER. */
static void
peer(int listener, peer_mode mode)
{
	uint8_t prefix[2], query[512], answer[514];
	size_t len, chunk;
	int fd = accept(listener, NULL, NULL);

	if (fd < 0 || !read_exactly(fd, prefix, 2))
		_exit(1);
	len = (size_t)prefix[0] << 8 | prefix[1];
	if (len > sizeof(query) || !read_exactly(fd, query, len))
		_exit(1);
	if (mode == PEER_SILENT)
		pause_ms(1000);
	if (mode == PEER_CLOSE || mode == PEER_SILENT)
		_exit(0);
	memcpy(answer, prefix, 2);
	for (size_t i = 0; i < len; i++)
		answer[2 + i] = query[len - 1 - i];
	chunk = mode == PEER_PIECES ? 1 : len + 2;
	for (size_t i = 0; i < len + 2; i += chunk) {
		if (write(fd, answer + i, chunk) != (ssize_t)chunk)
			_exit(1);
		if (mode == PEER_PIECES)
			pause_ms(2);
	}
	pause_ms(100);
	_exit(0);
}

/* Listen on 127.0.0.1, an ephemeral port, into *SERVER; the socket. */
static int
listen_local(endpoint *server)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&server->addr;

	memset(server, 0, sizeof(*server));
	int fd = loopback_socket(sin);
	assert_int_equal(listen(fd, 1), 0);
	server->addrlen = sizeof(*sin);
	server->port = ntohs(sin->sin_port);
	return fd;
}

/* Exchange "query" with a peer in MODE within TIMEOUT_MS. */
static kd_result
exchange_with(peer_mode mode, unsigned timeout_ms, uint8_t **answer,
	size_t *len, kd_err *err)
{
	endpoint server;
	int listener = listen_local(&server);
	pid_t pid = fork();
	int status;
	kd_result ret;

	assert_true(pid >= 0);
	if (pid == 0)
		peer(listener, mode);
	close(listener);
	ret = dns_tcp_exchange(&server, (const uint8_t *)"query", 5,
		timeout_ms, answer, len, err);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return ret;
}

/* A peer in MODE answers "query" with "yreuq". */
static void
expect_answer(peer_mode mode)
{
	uint8_t *answer = NULL;
	size_t len = 0;
	kd_err err;

	assert_int_equal(exchange_with(mode, 5000, &answer, &len, &err), KD_OK);
	assert_int_equal(len, 5);
	assert_memory_equal(answer, "yreuq", 5);
	free(answer);
}

/* A peer in MODE makes the exchange fail with CODE and TEXT. */
static void
expect_failure(peer_mode mode, unsigned timeout_ms, kd_result code,
	const char *text)
{
	uint8_t *answer = NULL;
	size_t len = 0;
	kd_err err;

	assert_int_equal(exchange_with(mode, timeout_ms, &answer, &len, &err),
		code);
	assert_non_null(strstr(err.text, text));
}

static void
test_answer(void **state)
{
	(void)state;
	expect_answer(PEER_ANSWER);
}

static void
test_answer_in_pieces(void **state)
{
	(void)state;
	expect_answer(PEER_PIECES);
}

static void
test_closed(void **state)
{
	(void)state;
	expect_failure(PEER_CLOSE, 5000, KD_ENET,
		"TCP connection closed without an answer");
}

static void
test_timeout(void **state)
{
	(void)state;
	expect_failure(PEER_SILENT, 200, KD_ETIMEOUT,
		"no answer within 200 ms");
}

/* Sending LEN bytes of MSG to a port nothing listens on fails so. */
static void
expect_no_peer(const uint8_t *msg, size_t len, kd_result code,
	const char *text)
{
	endpoint server;
	uint8_t *answer = NULL;
	size_t answer_len = 0;
	kd_err err;

	/* a port that was just free: nothing listens there */
	close(listen_local(&server));
	assert_int_equal(dns_tcp_exchange(&server, msg, len, 1000, &answer,
		&answer_len, &err), code);
	assert_non_null(strstr(err.text, text));
}

static void
test_refused(void **state)
{
	(void)state;
	expect_no_peer((const uint8_t *)"q", 1, KD_ENET, "TCP connect failed");
}

static void
test_too_large(void **state)
{
	static uint8_t big[65536];

	(void)state;
	expect_no_peer(big, sizeof(big), KD_EINVAL,
		"message of 65536 bytes is too large");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answer),
		cmocka_unit_test(test_answer_in_pieces),
		cmocka_unit_test(test_closed),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_too_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
