/*
 * notify.h -- DNS NOTIFY (RFC 1996) to a zone's secondaries.
 *
 * BIND sends no NOTIFY for DLZ zones, so the module does it after every
 * committed change: a plain BIND secondary then asks for the SOA and
 * transfers the zone at once instead of waiting for its refresh timer.
 */
#ifndef KMSDNS_NOTIFY_H
#define KMSDNS_NOTIFY_H

#include <stddef.h>
#include <stdint.h>
#include "dname.h"
#include "kd_result.h"

/*
 * Send a NOTIFY for ZONE with SERIAL to every endpoint text of ENDPOINTS
 * (COUNT items of "ADDR[#PORT]") over UDP and wait for the answers, up to
 * TIMEOUT_MS in all, resending to silent endpoints up to twice.
 * *ACKED receives how many endpoints answered. Returns KD_OK when all
 * answered, KD_ETIMEOUT when some did not (ERR names the first of them),
 * KD_EINVAL for a malformed endpoint.
 */
kd_result notify_send(const char *zone, uint32_t serial,
	const char *const *endpoints, size_t count, unsigned timeout_ms,
	size_t *acked, kd_err *err);

#endif /* KMSDNS_NOTIFY_H */
