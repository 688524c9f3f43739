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
#include "cli_conv.h"
#include "endpoint.h"
#include "registry.h"
#include "registry_internal.h"
#include "sites.h"
#include "text.h"

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

/* The index of TEXT among the COUNT NAMES; -1 when none (or NULL). */
static int
name_index(const unsigned char *text, const char *const *names, int count)
{
	for (int i = 0; text != NULL && i < count; i++) {
		if (strcmp((const char *)text, names[i]) == 0) {
			return i;
		}
	}
	return -1;
}

/* Only active and stale are stored: an expired row is deleted. */
kd_result
registry_col_origin_state(sqlite3_stmt *s, int origin_col, int state_col,
	registry_origin *origin, registry_state *state, kd_err *err)
{
	static const char *const origins[] = {
		[REGISTRY_ORIGIN_STATIC] = "static",
		[REGISTRY_ORIGIN_UPDATE] = "update",
	};
	static const char *const states[] = {
		[REGISTRY_STATE_ACTIVE] = "active",
		[REGISTRY_STATE_STALE] = "stale",
	};
	const int o = name_index(sqlite3_column_text(s, origin_col), origins,
		2);
	const int st = name_index(sqlite3_column_text(s, state_col), states,
		2);

	if (o < 0) {
		return kd_err_set(err, KD_EINVAL, "origin is neither static "
			"nor update");
	}
	if (st < 0) {
		return kd_err_set(err, KD_EINVAL, "state is neither active "
			"nor stale");
	}
	*origin = (registry_origin)o;
	*state = (registry_state)st;
	return KD_OK;
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
				"\"%.*s%s\" is not an IPv4 or IPv6 address",
				KD_TEXT_SHORT(text, strlen(text), 64));
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
	endpoint ep;
	kd_err inner;

	if (cli_endpoint_parse(text != NULL ? text : "", 53, &ep, &inner) !=
		KD_OK) {
		return kd_err_set(err, KD_EINVAL, "notify endpoint %s",
			inner.text);
	}
	if (outlen < ENDPOINT_TEXT_MAX) {
		return kd_err_set(err, KD_EFULL, "notify endpoint: %zu bytes "
			"are too few", outlen);
	}
	endpoint_format(&ep, out, outlen);
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
