/*
 * probe.h -- concurrent probes of KMS host addresses: a TCP connect, then
 * (unless connect-only) a DCE/RPC bind to the KMS interface (kms_rpc.h).
 *
 * Every target gets a non-blocking socket; one poll() loop drives all of
 * them. What each result means for a Windows client (kms-rpc.md 5): a
 * reset is CLOSED and no answer to the SYN within the timeout FILTERED
 * (both 0x800706BA); after the connect, an accepted bind is KMS, and a
 * rejected bind, a bind_nak, an answer that is not DCE/RPC, a reset, a
 * close or silence is NOT_KMS (0xC004F039). Connect-only probes stop at
 * OPEN. Nothing but the bind is ever sent: no activation request.
 */
#ifndef KMSDNS_PROBE_H
#define KMSDNS_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include "kd_result.h"

typedef enum probe_state {
	PROBE_NOT_RUN,  /* not probed (yet) */
	PROBE_OPEN,     /* TCP handshake completed (connect-only probe) */
	PROBE_CLOSED,   /* connection refused (RST) */
	PROBE_FILTERED, /* no answer to the SYN within the timeout */
	PROBE_ERROR,    /* other failure: unreachable network, no socket */
	PROBE_KMS,      /* the bind to the KMS interface was accepted */
	PROBE_NOT_KMS,  /* connected, but no KMS bind_ack (see DETAIL) */
	PROBE_SKIPPED,  /* not finished: the run's deadline came first */
} probe_state;

typedef struct probe_target {
	struct sockaddr_storage addr; /* address and port to connect to */
	socklen_t addrlen;
	probe_state state;            /* result */
	unsigned elapsed_ms;          /* time to the result */
	int error;                    /* errno for PROBE_ERROR */
	char detail[96];              /* why NOT_KMS, or "" */
} probe_target;

typedef struct probe_settings {
	unsigned timeout_ms;   /* per target, connect and bind together */
	size_t max_inflight;   /* sockets open at once, at least 1 */
	bool rpc;              /* bind after the connect; false: connect only */
	uint64_t deadline_ms;  /* kd_clock_ms() at which every probe still
	                          running or waiting ends SKIPPED; 0: none */
} probe_settings;

/*
 * Probe the N TARGETS concurrently as SETTINGS say. Fills each target's
 * state. Returns KD_OK, KD_ENOMEM or KD_ENET when poll() fails.
 */
kd_result probe_run(probe_target *targets, size_t n,
	const probe_settings *settings, kd_err *err);

/* Short name of STATE ("kms", "not_kms", "closed", "filtered", ...). */
const char *probe_state_name(probe_state state);

#endif /* KMSDNS_PROBE_H */
