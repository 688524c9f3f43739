/*
 * endpoint.c -- "ADDR[#PORT]" parsing.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "endpoint.h"

static kd_result
endpoint_parse_port(const char *text, const char *digits, uint16_t *port,
	kd_err *err)
{
	char *end;
	if (*digits < '0' || *digits > '9') {
		return kd_err_set(err, KD_EINVAL, "\"%s\": port \"%s\" is not "
			"a number", text, digits);
	}
	errno = 0;
	unsigned long value = strtoul(digits, &end, 10);
	if (*end != '\0') {
		return kd_err_set(err, KD_EINVAL, "\"%s\": port \"%s\" is not "
			"a number", text, digits);
	}
	if (errno != 0 || value < 1 || value > 65535) {
		return kd_err_set(err, KD_EINVAL, "\"%s\": port %s is out of "
			"range 1-65535", text, digits);
	}
	*port = (uint16_t)value;
	return KD_OK;
}

kd_result
endpoint_parse(const char *text, uint16_t default_port, endpoint *out,
	kd_err *err)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *hash = strchr(text, '#');
	size_t hostlen = hash ? (size_t)(hash - text) : strlen(text);
	uint16_t port = default_port;

	if (hostlen == 0) {
		return kd_err_set(err, KD_EINVAL, "\"%s\": no address", text);
	}
	if (hostlen >= sizeof(host)) {
		return kd_err_set(err, KD_EINVAL, "\"%.60s\": not an IP address",
			text);
	}
	memcpy(host, text, hostlen);
	host[hostlen] = '\0';
	if (hash != NULL) {
		kd_result res = endpoint_parse_port(text, hash + 1, &port, err);
		if (res != KD_OK) {
			return res;
		}
	}
	unsigned char bytes[16];
	if (inet_pton(AF_INET, host, bytes) == 1) {
		endpoint_from_address(AF_INET, bytes, port, out);
	} else if (inet_pton(AF_INET6, host, bytes) == 1) {
		endpoint_from_address(AF_INET6, bytes, port, out);
	} else if (hash == NULL) {
		return kd_err_set(err, KD_EINVAL, "\"%s\" is not an IP address",
			text);
	} else {
		return kd_err_set(err, KD_EINVAL, "\"%s\": \"%s\" is not an IP "
			"address", text, host);
	}
	return KD_OK;
}

void
endpoint_from_address(int family, const void *bytes, uint16_t port,
	endpoint *out)
{
	memset(out, 0, sizeof(*out));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&out->addr;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, bytes, 4);
		out->addrlen = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&out->addr;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, bytes, 16);
		out->addrlen = sizeof(*sin6);
	}
	out->port = port;
}

void
endpoint_format(const endpoint *ep, char *out, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";
	if (ep->addr.ss_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)&ep->addr)->sin_addr,
			host, sizeof(host));
	} else if (ep->addr.ss_family == AF_INET6) {
		inet_ntop(AF_INET6,
			&((const struct sockaddr_in6 *)&ep->addr)->sin6_addr, host,
			sizeof(host));
	}
	snprintf(out, len, "%s#%u", host, ep->port);
}
