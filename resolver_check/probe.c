/*
 * probe.c -- concurrent TCP connect probes of KMS host addresses.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "monotonic.h"
#include "probe.h"

const char *
probe_state_name(probe_state state)
{
	switch (state) {
	case PROBE_NOT_RUN: return "not probed";
	case PROBE_OPEN: return "open";
	case PROBE_CLOSED: return "closed";
	case PROBE_FILTERED: return "filtered";
	case PROBE_ERROR: return "error";
	}
	return "unknown";
}

/* The state a failed connect() with ERROR means. */
static probe_state
state_of_error(int error)
{
	switch (error) {
	case 0: return PROBE_OPEN;
	case ECONNREFUSED: return PROBE_CLOSED;
	case ETIMEDOUT: return PROBE_FILTERED;
	default: return PROBE_ERROR;
	}
}

typedef struct probe_slot {
	probe_target *target;
	int fd;
	uint64_t start_ms;
} probe_slot;

static void
end_slot(probe_slot *slot, probe_state state, int error, uint64_t now)
{
	slot->target->state = state;
	slot->target->error = state == PROBE_ERROR ? error : 0;
	slot->target->elapsed_ms = (unsigned)(now - slot->start_ms);
	close(slot->fd);
	slot->fd = -1;
	slot->target = NULL;
}

/* Start a connect to TARGET in SLOT; false when it ended at once. */
static bool
start_slot(probe_slot *slot, probe_target *target, uint64_t now)
{
	slot->target = target;
	slot->start_ms = now;
	slot->fd = socket(target->addr.ss_family,
		SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (slot->fd < 0) {
		target->state = PROBE_ERROR;
		target->error = errno;
		slot->target = NULL;
		return false;
	}
	if (connect(slot->fd, (const struct sockaddr *)&target->addr,
		target->addrlen) == 0) {
		end_slot(slot, PROBE_OPEN, 0, now);
		return false;
	}
	if (errno != EINPROGRESS) {
		int error = errno;

		end_slot(slot, state_of_error(error), error, now);
		return false;
	}
	return true;
}

kd_result
probe_run(probe_target *targets, size_t n, unsigned timeout_ms,
	size_t max_inflight, kd_err *err)
{
	size_t slots = max_inflight == 0 ? 1 : max_inflight;
	probe_slot *slot = calloc(slots, sizeof(*slot));
	struct pollfd *fds = calloc(slots, sizeof(*fds));
	size_t next = 0;
	size_t running = 0;
	kd_result ret = KD_OK;

	if (slot == NULL || fds == NULL) {
		free(slot);
		free(fds);
		return kd_err_set(err, KD_ENOMEM, "probe: out of memory");
	}
	for (size_t i = 0; i < slots; i++)
		slot[i].fd = -1;
	for (;;) {
		uint64_t now = monotonic_ms();
		uint64_t wake = UINT64_MAX;
		int ready;

		for (size_t i = 0; i < slots && next < n; i++) {
			if (slot[i].target != NULL)
				continue;
			while (next < n) {
				targets[next].state = PROBE_NOT_RUN;
				if (start_slot(&slot[i], &targets[next++], now)) {
					running++;
					break;
				}
			}
		}
		if (running == 0)
			break;
		for (size_t i = 0; i < slots; i++) {
			fds[i].fd = slot[i].target ? slot[i].fd : -1;
			fds[i].events = POLLOUT;
			fds[i].revents = 0;
			if (slot[i].target != NULL &&
				slot[i].start_ms + timeout_ms < wake)
				wake = slot[i].start_ms + timeout_ms;
		}
		ready = poll(fds, (nfds_t)slots, monotonic_until(now, wake));
		if (ready < 0 && errno != EINTR) {
			ret = kd_err_set(err, KD_ENET, "poll: %s",
				strerror(errno));
			break;
		}
		now = monotonic_ms();
		for (size_t i = 0; i < slots; i++) {
			if (slot[i].target == NULL)
				continue;
			if (fds[i].revents != 0) {
				int error = 0;
				socklen_t len = sizeof(error);

				if (getsockopt(slot[i].fd, SOL_SOCKET, SO_ERROR,
					&error, &len) != 0)
					error = errno;
				end_slot(&slot[i], state_of_error(error), error,
					now);
				running--;
			} else if (now >= slot[i].start_ms + timeout_ms) {
				end_slot(&slot[i], PROBE_FILTERED, 0, now);
				running--;
			}
		}
	}
	for (size_t i = 0; i < slots; i++) {
		if (slot[i].target != NULL)
			close(slot[i].fd);
	}
	free(slot);
	free(fds);
	return ret;
}
