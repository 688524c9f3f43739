/*
 * probe.h -- concurrent TCP connect probes of KMS host addresses.
 *
 * Every target gets a non-blocking connect(); one poll() loop waits for
 * all of them. A completed handshake is OPEN (the connection is closed at
 * once, nothing is sent); a reset is CLOSED (what a client sees as
 * 0x800706BA); no answer within the timeout is FILTERED (0xC004F039).
 */
#ifndef KMSDNS_PROBE_H
#define KMSDNS_PROBE_H

#include <stddef.h>
#include <sys/socket.h>
#include "kd_result.h"

typedef enum probe_state {
	PROBE_NOT_RUN,  /* not probed (yet) */
	PROBE_OPEN,     /* TCP handshake completed */
	PROBE_CLOSED,   /* connection refused (RST) */
	PROBE_FILTERED, /* no answer within the timeout */
	PROBE_ERROR,    /* other failure: unreachable network, no socket */
} probe_state;

typedef struct probe_target {
	struct sockaddr_storage addr; /* address and port to connect to */
	socklen_t addrlen;
	probe_state state;            /* result */
	unsigned elapsed_ms;          /* time to the result */
	int error;                    /* errno for PROBE_ERROR */
} probe_target;

/*
 * Probe the N TARGETS concurrently, at most MAX_INFLIGHT sockets at once,
 * each for at most TIMEOUT_MS. Fills each target's state. Returns KD_OK,
 * KD_ENOMEM or KD_ENET when poll() fails.
 */
kd_result probe_run(probe_target *targets, size_t n, unsigned timeout_ms,
	size_t max_inflight, kd_err *err);

/* Short name of STATE ("open", "closed", "filtered", ...). */
const char *probe_state_name(probe_state state);

#endif /* KMSDNS_PROBE_H */
