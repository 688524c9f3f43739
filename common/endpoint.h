/*
 * endpoint.h -- "ADDR[#PORT]" server endpoints, as BIND's tools write them.
 *
 * Used for --server options, notify lists and probe targets. IPv6
 * addresses are written bare ("2001:db8::1#5353"); no names are resolved.
 */
#ifndef KMSDNS_ENDPOINT_H
#define KMSDNS_ENDPOINT_H

#include <stdint.h>
#include <sys/socket.h>
#include "kd_result.h"

/* Longest endpoint text: an IPv6 address, '#', five digits. */
#define ENDPOINT_TEXT_MAX 56

typedef struct endpoint {
	struct sockaddr_storage addr; /* sockaddr_in or sockaddr_in6 */
	socklen_t addrlen;
	uint16_t port;
} endpoint;

/*
 * Parse TEXT ("192.0.2.1", "192.0.2.1#5353", "::1#53") into *OUT, with
 * DEFAULT_PORT when no port is given. Returns KD_EINVAL with ERR naming
 * TEXT and the reason ("\"1.2.3.4#99999\": port 99999 is out of range
 * 1-65535").
 */
kd_result endpoint_parse(const char *text, uint16_t default_port,
	endpoint *out, kd_err *err);

/*
 * Set *OUT to the address BYTES of FAMILY (AF_INET: 4 bytes, AF_INET6: 16
 * bytes, in network order, as in an A or AAAA record) on PORT.
 */
void endpoint_from_address(int family, const void *bytes, uint16_t port,
	endpoint *out);

/* Write EP as "ADDR#PORT" to OUT of LEN bytes (ENDPOINT_TEXT_MAX). */
void endpoint_format(const endpoint *ep, char *out, size_t len);

#endif /* KMSDNS_ENDPOINT_H */
