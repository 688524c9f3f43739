/*
 * poll_wait.c -- one wait of an event loop.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "clock.h"
#include "poll_wait.h"

kd_result
poll_wait(struct pollfd *fds, size_t n, uint64_t wake, uint64_t *now,
	kd_err *err)
{
	const int ready = poll(fds, (nfds_t)n, kd_clock_until(*now, wake));

	if (ready < 0 && errno != EINTR) {
		return kd_err_set(err, KD_ENET, "poll: %s", strerror(errno));
	}
	*now = kd_clock_ms();
	return KD_OK;
}
