/*
 * probe.c -- concurrent TCP connect and KMS bind probes.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "kms_rpc.h"
#include "poll_wait.h"
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
	case PROBE_KMS: return "kms";
	case PROBE_NOT_KMS: return "not_kms";
	case PROBE_SKIPPED: return "not checked";
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

typedef enum slot_phase {
	PHASE_CONNECT, /* waiting for the handshake */
	PHASE_SEND,    /* writing the bind */
	PHASE_READ,    /* reading the answer to the bind */
} slot_phase;

typedef struct probe_slot {
	probe_target *target;
	int fd;
	uint64_t start_ms;
	slot_phase phase;
	size_t done;                      /* bytes sent, or received */
	uint8_t bind[KMS_RPC_BIND_SIZE];
	uint8_t answer[KMS_RPC_ANSWER_MAX];
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

/* End SLOT as NOT_KMS because of REASON and (may be "") MORE. */
static void
end_not_kms(probe_slot *slot, uint64_t now, const char *reason,
	const char *more)
{
	snprintf(slot->target->detail, sizeof(slot->target->detail), "%s%s",
		reason, more);
	end_slot(slot, PROBE_NOT_KMS, 0, now);
}

/* The connect of SLOT completed: stop (connect-only) or bind. */
static void
connected(probe_slot *slot, const probe_settings *settings, uint64_t now)
{
	if (!settings->rpc) {
		end_slot(slot, PROBE_OPEN, 0, now);
		return;
	}
	/* the call id only has to come back; the slot address will do */
	kms_rpc_bind_request((uint32_t)(uintptr_t)slot, slot->bind);
	slot->phase = PHASE_SEND;
	slot->done = 0;
}

/* Start a connect to TARGET in SLOT; false when it ended at once. */
static bool
start_slot(probe_slot *slot, probe_target *target,
	const probe_settings *settings, uint64_t now)
{
	slot->target = target;
	slot->start_ms = now;
	slot->phase = PHASE_CONNECT;
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
		connected(slot, settings, now);
		return slot->target != NULL;
	}
	if (errno != EINPROGRESS) {
		int error = errno;

		end_slot(slot, state_of_error(error), error, now);
		return false;
	}
	return true;
}

/* Read what came for the bind of SLOT; end it once the answer decides. */
static void
read_answer(probe_slot *slot, uint64_t now)
{
	ssize_t got = recv(slot->fd, slot->answer + slot->done,
		sizeof(slot->answer) - slot->done, 0);
	char why[80];

	if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
		return;
	}
	if (got < 0 && errno == ECONNRESET) {
		end_not_kms(slot, now, "reset the connection instead of "
			"answering the bind", "");
		return;
	}
	if (got < 0) {
		end_not_kms(slot, now, strerror(errno), " after the bind");
		return;
	}
	if (got == 0) {
		end_not_kms(slot, now, slot->done == 0 ? "closed the "
			"connection without answering the bind" : "closed the "
			"connection in the middle of its answer", "");
		return;
	}
	slot->done += (size_t)got;
	switch (kms_rpc_read_answer(slot->answer, slot->done,
		(uint32_t)(uintptr_t)slot, why, sizeof(why))) {
	case KMS_RPC_INCOMPLETE:
		return;
	case KMS_RPC_ACCEPTED:
		end_slot(slot, PROBE_KMS, 0, now);
		return;
	default:
		end_not_kms(slot, now, why, "");
		return;
	}
}

/* Handle the poll() events REVENTS of a running SLOT. */
static void
on_event(probe_slot *slot, short revents, const probe_settings *settings,
	uint64_t now)
{
	if (slot->phase == PHASE_CONNECT) {
		int error = 0;
		socklen_t len = sizeof(error);

		if (getsockopt(slot->fd, SOL_SOCKET, SO_ERROR, &error,
			&len) != 0) {
			error = errno;
		}
		if (error != 0) {
			end_slot(slot, state_of_error(error), error, now);
		} else {
			connected(slot, settings, now);
		}
		return;
	}
	if (slot->phase == PHASE_SEND) {
		ssize_t put = send(slot->fd, slot->bind + slot->done,
			sizeof(slot->bind) - slot->done, MSG_NOSIGNAL);

		if (put < 0 && errno != EAGAIN && errno != EINTR) {
			end_not_kms(slot, now, strerror(errno),
				" while sending the bind");
			return;
		}
		if (put > 0) {
			slot->done += (size_t)put;
		}
		if (slot->done == sizeof(slot->bind)) {
			slot->phase = PHASE_READ;
			slot->done = 0;
		}
		return;
	}
	if (revents != 0) {
		read_answer(slot, now);
	}
}

/* SLOT ran out of time at NOW. */
static void
on_timeout(probe_slot *slot, const probe_settings *settings, uint64_t now)
{
	char text[48];

	if (slot->phase == PHASE_CONNECT) {
		end_slot(slot, PROBE_FILTERED, 0, now);
		return;
	}
	snprintf(text, sizeof(text), "%u ms", settings->timeout_ms);
	end_not_kms(slot, now, "no answer to the bind within ", text);
}

kd_result
probe_run(probe_target *targets, size_t n, const probe_settings *settings,
	kd_err *err)
{
	size_t slots = settings->max_inflight == 0 ? 1 : settings->max_inflight;
	probe_slot *slot;
	struct pollfd *fds;
	size_t next = 0;
	size_t running = 0;
	kd_result ret = KD_OK;

	for (size_t i = 0; i < n; i++) {
		targets[i].state = PROBE_SKIPPED;
		targets[i].detail[0] = '\0';
	}
	if (n == 0) {
		return KD_OK;
	}
	if (slots > n) {
		slots = n;
	}
	slot = calloc(slots, sizeof(*slot));
	fds = calloc(slots, sizeof(*fds));
	if (slot == NULL || fds == NULL) {
		free(slot);
		free(fds);
		return kd_err_set(err, KD_ENOMEM, "probe: out of memory");
	}
	for (size_t i = 0; i < slots; i++) {
		slot[i].fd = -1;
	}
	for (;;) {
		uint64_t now = kd_clock_ms();
		uint64_t wake = UINT64_MAX;

		if (settings->deadline_ms != 0 && now >= settings->deadline_ms) {
			break;
		}
		for (size_t i = 0; i < slots && next < n; i++) {
			if (slot[i].target != NULL) {
				continue;
			}
			while (next < n) {
				if (start_slot(&slot[i], &targets[next++],
					settings, now)) {
					running++;
					break;
				}
			}
		}
		if (running == 0) {
			break;
		}
		for (size_t i = 0; i < slots; i++) {
			fds[i].fd = slot[i].target ? slot[i].fd : -1;
			fds[i].events = slot[i].phase == PHASE_READ ? POLLIN :
				POLLOUT;
			fds[i].revents = 0;
			if (slot[i].target != NULL &&
				slot[i].start_ms + settings->timeout_ms < wake) {
				wake = slot[i].start_ms + settings->timeout_ms;
			}
		}
		if (settings->deadline_ms != 0 && settings->deadline_ms < wake) {
			wake = settings->deadline_ms;
		}
		ret = poll_wait(fds, slots, wake, &now, err);
		if (ret != KD_OK) {
			break;
		}
		for (size_t i = 0; i < slots; i++) {
			if (slot[i].target == NULL) {
				continue;
			}
			if (fds[i].revents != 0) {
				on_event(&slot[i], fds[i].revents, settings, now);
			}
			if (slot[i].target != NULL &&
				now >= slot[i].start_ms + settings->timeout_ms) {
				on_timeout(&slot[i], settings, now);
			}
			if (slot[i].target == NULL) {
				running--;
			}
		}
	}
	for (size_t i = 0; i < slots; i++) {
		if (slot[i].target != NULL) {
			close(slot[i].fd);
		}
	}
	free(slot);
	free(fds);
	return ret;
}
