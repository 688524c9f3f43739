/*
 * registry_values.c -- text forms of the registry's enums and checks of
 * the values it stores (addresses, prefixes, endpoints, site names).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sqlite3.h>

#include "kd_result.h"
#include "registry.h"
#include "registry_internal.h"
#include "sites.h"

/* ---- text forms ------------------------------------------------------ */

const char *
registry_origin_name(registry_origin origin)
{
	return origin == REGISTRY_ORIGIN_UPDATE ? "update" : "static";
}

const char *
registry_state_name(registry_state state)
{
	switch (state) {
	case REGISTRY_STATE_ACTIVE:
		return "active";
	case REGISTRY_STATE_STALE:
		return "stale";
	case REGISTRY_STATE_EXPIRED:
		return "expired";
	}
	return "unknown";
}

const char *
registry_scope_name(registry_scope scope)
{
	return scope == REGISTRY_SCOPE_ANY ? "any" : "self";
}

kd_result
registry_scope_from_name(const char *name, registry_scope *out)
{
	if (name != NULL && strcmp(name, "self") == 0) {
		*out = REGISTRY_SCOPE_SELF;
		return KD_OK;
	}
	if (name != NULL && strcmp(name, "any") == 0) {
		*out = REGISTRY_SCOPE_ANY;
		return KD_OK;
	}
	return KD_EINVAL;
}

bool
registry_origin_from_text(const unsigned char *text, registry_origin *out)
{
	if (text == NULL) {
		return false;
	}
	if (strcmp((const char *)text, "static") == 0) {
		*out = REGISTRY_ORIGIN_STATIC;
		return true;
	}
	if (strcmp((const char *)text, "update") == 0) {
		*out = REGISTRY_ORIGIN_UPDATE;
		return true;
	}
	return false;
}

bool
registry_state_from_text(const unsigned char *text, registry_state *out)
{
	if (text == NULL) {
		return false;
	}
	if (strcmp((const char *)text, "active") == 0) {
		*out = REGISTRY_STATE_ACTIVE;
		return true;
	}
	if (strcmp((const char *)text, "stale") == 0) {
		*out = REGISTRY_STATE_STALE;
		return true;
	}
	return false;
}

/* ---- value checks ---------------------------------------------------- */

kd_result
registry_address_normalize(const char *text, char *out, size_t outlen,
	kd_err *err)
{
	unsigned char bytes[16];
	int family = AF_INET;

	if (text == NULL || text[0] == '\0') {
		return kd_err_set(err, KD_EINVAL, "address \"\": empty");
	}
	if (inet_pton(AF_INET, text, bytes) != 1) {
		family = AF_INET6;
		if (inet_pton(AF_INET6, text, bytes) != 1) {
			return kd_err_set(err, KD_EINVAL,
				"\"%.64s%s\" is not an IPv4 or IPv6 address",
				text, strlen(text) > 64 ? "..." : "");
		}
	}
	if (inet_ntop(family, bytes, out, (socklen_t)outlen) == NULL) {
		return kd_err_set(err, KD_EFULL,
			"address \"%s\": %zu bytes are too few to hold it", text,
			outlen);
	}
	return KD_OK;
}

kd_result
registry_prefix_normalize(const char *text, char *out, size_t outlen,
	kd_err *err)
{
	sites_prefix prefix;
	const kd_result ret = sites_prefix_parse(text, &prefix, err);

	if (ret != KD_OK) {
		return ret;
	}
	sites_prefix_format(&prefix, out, outlen);
	return KD_OK;
}

kd_result
registry_endpoint_normalize(const char *text, char *out, size_t outlen,
	kd_err *err)
{
	char address_text[REGISTRY_ADDR_MAX];
	char address[REGISTRY_ADDR_MAX];
	unsigned long port = 53;

	if (text == NULL || text[0] == '\0') {
		return kd_err_set(err, KD_EINVAL, "notify endpoint \"\": empty");
	}
	/* "[V6]#PORT" as well as "ADDR" and "ADDR#PORT". */
	const bool bracket = text[0] == '[';
	const char *close = bracket ? strchr(text, ']') : NULL;
	const char *hash = strchr(close != NULL ? close : text, '#');
	const char *start = bracket ? text + 1 : text;
	const char *end = close != NULL ? close : hash != NULL ? hash :
		text + strlen(text);
	const size_t address_len = (size_t)(end - start);
	if ((bracket && (close == NULL || (close[1] != '\0' &&
		close[1] != '#'))) || address_len >= sizeof(address_text)) {
		return kd_err_set(err, KD_EINVAL,
			"notify endpoint \"%.64s\": not ADDR, ADDR#PORT or "
			"[V6]#PORT", text);
	}
	memcpy(address_text, start, address_len);
	address_text[address_len] = '\0';

	kd_err inner;
	if (registry_address_normalize(address_text, address,
		sizeof(address), &inner) != KD_OK) {
		return kd_err_set(err, KD_EINVAL, "notify endpoint \"%s\": %s "
			"(use ADDR, ADDR#PORT or [V6]#PORT)", text, inner.text);
	}
	if (hash != NULL) {
		const char *digits = hash + 1;
		size_t n = 0;
		port = 0;
		for (; digits[n] >= '0' && digits[n] <= '9' && n < 6; n++) {
			port = port * 10 + (unsigned long)(digits[n] - '0');
		}
		if (n == 0 || digits[n] != '\0') {
			return kd_err_set(err, KD_EINVAL,
				"notify endpoint \"%s\": port \"%s\" is not a "
				"number", text, digits);
		}
		if (port < 1 || port > 65535) {
			return kd_err_set(err, KD_ERANGE,
				"notify endpoint \"%s\": port %lu is out of "
				"range 1-65535", text, port);
		}
	}
	const int written = snprintf(out, outlen, "%s#%lu", address, port);
	if (written < 0 || (size_t)written >= outlen) {
		return kd_err_set(err, KD_EFULL,
			"notify endpoint \"%s\": %zu bytes are too few", text,
			outlen);
	}
	return KD_OK;
}

kd_result
registry_site_validate(const char *site, kd_err *err)
{
	if (site == NULL || site[0] == '\0') {
		return kd_err_set(err, KD_EINVAL, "site \"\": empty name");
	}
	const size_t len = strlen(site);
	if (len >= REGISTRY_SITE_MAX) {
		return kd_err_set(err, KD_EINVAL,
			"site \"%.64s...\": name is longer than %d characters",
			site, REGISTRY_SITE_MAX - 1);
	}
	for (size_t i = 0; i < len; i++) {
		const char c = site[i];
		const bool allowed = (c >= 'a' && c <= 'z') ||
			(c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			c == '-' || c == '_' || c == '.';
		if (!allowed) {
			return kd_err_set(err, KD_EINVAL,
				"site \"%s\": the character 0x%02x is not "
				"allowed (use letters, digits, '-', '_' and '.')",
				site, (unsigned char)c);
		}
	}
	return KD_OK;
}
