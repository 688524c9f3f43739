/*
 * test_probe.c -- unit tests of resolver_check/probe.c with real sockets
 * on 127.0.0.1: a listening port is open, a bound but not listening port
 * is closed (RST), a listener whose accept queue is full is filtered (the
 * kernel drops the SYN), and all of them run in one timeout.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "clock.h"
#include "loopback.h"
#include "probe.h"

static void
set_target(probe_target *target, const struct sockaddr_in *addr)
{
	memset(target, 0, sizeof(*target));
	memcpy(&target->addr, addr, sizeof(*addr));
	target->addrlen = sizeof(*addr);
}

static void
test_open_closed_filtered(void **state)
{
	struct sockaddr_in open_addr, closed_addr, full_addr;
	int open_fd = loopback_socket(&open_addr);
	int closed_fd = loopback_socket(&closed_addr);
	int full_fd = loopback_socket(&full_addr);
	int fillers[2];
	probe_target targets[4];
	kd_err err;
	uint64_t start;
	unsigned elapsed;

	(void)state;
	assert_int_equal(listen(open_fd, 16), 0);
	/* backlog 0 queues one connection; the next SYNs are dropped */
	assert_int_equal(listen(full_fd, 0), 0);
	for (int i = 0; i < 2; i++) {
		fillers[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		assert_true(fillers[i] >= 0);
		(void)connect(fillers[i], (struct sockaddr *)&full_addr,
			sizeof(full_addr));
	}
	usleep(200000);
	set_target(&targets[0], &open_addr);
	set_target(&targets[1], &closed_addr);
	set_target(&targets[2], &full_addr);
	set_target(&targets[3], &open_addr);
	start = kd_clock_ms();
	/* two slots for four targets: the queue must move on */
	assert_int_equal(probe_run(targets, 4, &(probe_settings) { 400, 2, false, 0 },
		&err), KD_OK);
	elapsed = (unsigned)(kd_clock_ms() - start);
	assert_int_equal(targets[0].state, PROBE_OPEN);
	assert_int_equal(targets[1].state, PROBE_CLOSED);
	assert_int_equal(targets[2].state, PROBE_FILTERED);
	assert_true(targets[2].elapsed_ms >= 400);
	assert_int_equal(targets[3].state, PROBE_OPEN);
	assert_true(elapsed < 1500);
	assert_string_equal(probe_state_name(PROBE_FILTERED), "filtered");
	for (int i = 0; i < 2; i++)
		close(fillers[i]);
	close(open_fd);
	close(closed_fd);
	close(full_fd);
}

/* A multicast address: connect() fails at once, nothing leaves the host. */
static void
test_connect_error(void **state)
{
	struct sockaddr_in addr;
	probe_target target;
	kd_err err;

	(void)state;
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons(1688);
	addr.sin_addr.s_addr = htonl(0xE0000001); /* 224.0.0.1 */
	set_target(&target, &addr);
	assert_int_equal(probe_run(&target, 1, &(probe_settings) { 400, 1, false, 0 },
		&err), KD_OK);
	assert_int_equal(target.state, PROBE_ERROR);
	assert_int_equal(target.error, ENETUNREACH);
}

/*
 * With the bind: a listener that never accepts completes the handshake in
 * the kernel but never answers the bind: not a KMS host, within the
 * timeout; a closed port stays closed; a deadline already past skips.
 */
static void
test_bind_unanswered(void **state)
{
	struct sockaddr_in silent_addr, closed_addr;
	int silent_fd = loopback_socket(&silent_addr);
	int closed_fd = loopback_socket(&closed_addr);
	probe_target targets[2];
	kd_err err;

	(void)state;
	assert_int_equal(listen(silent_fd, 16), 0);
	set_target(&targets[0], &silent_addr);
	set_target(&targets[1], &closed_addr);
	assert_int_equal(probe_run(targets, 2, &(probe_settings) { 300, 2,
		true, 0 }, &err), KD_OK);
	assert_int_equal(targets[0].state, PROBE_NOT_KMS);
	assert_string_equal(targets[0].detail, "no answer to the bind within "
		"300 ms");
	assert_true(targets[0].elapsed_ms >= 300 &&
		targets[0].elapsed_ms < 1000);
	assert_int_equal(targets[1].state, PROBE_CLOSED);
	assert_string_equal(probe_state_name(PROBE_NOT_KMS), "not_kms");
	assert_int_equal(probe_run(targets, 2, &(probe_settings) { 300, 2,
		true, kd_clock_ms() }, &err), KD_OK);
	assert_int_equal(targets[0].state, PROBE_SKIPPED);
	assert_int_equal(targets[1].state, PROBE_SKIPPED);
	close(silent_fd);
	close(closed_fd);
}

static void
test_nothing_to_probe(void **state)
{
	kd_err err;

	(void)state;
	assert_int_equal(probe_run(NULL, 0, &(probe_settings) { 100, 4, true, 0 },
		&err), KD_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_closed_filtered),
		cmocka_unit_test(test_connect_error),
		cmocka_unit_test(test_bind_unanswered),
		cmocka_unit_test(test_nothing_to_probe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
