/*
 * poll_wait.h -- one wait of an event loop (query_engine.c, probe.c).
 */
#ifndef KMSDNS_POLL_WAIT_H
#define KMSDNS_POLL_WAIT_H

#include <poll.h>
#include <stdint.h>
#include "kd_result.h"

/*
 * Wait with poll() for the events of FDS (N entries) until WAKE
 * (kd_clock_ms() time) at the latest; *NOW becomes the time after the
 * wait. An interrupted wait is no error (no revents set). Returns KD_OK,
 * or KD_ENET with ERR naming poll() and the reason.
 */
kd_result poll_wait(struct pollfd *fds, size_t n, uint64_t wake,
	uint64_t *now, kd_err *err);

#endif /* KMSDNS_POLL_WAIT_H */
