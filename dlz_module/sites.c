/*
 * sites.c -- IP prefixes, client sites and site-aware SRV priorities.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kd_result.h"
#include "registry.h"
#include "sites.h"
#include "text.h"

/* How much of an offending text a message shows before "...". */
#define SITES_SHOWN_MAX 80

/* The printf arguments for "%.*s%s" that show TEXT shortened. */
#define SITES_SHOWN(text) \
	KD_TEXT_SHORT((text), strlen(text), SITES_SHOWN_MAX)

#define SITES_PRIORITY_MAX 65535u

struct sites_entry {
	sites_prefix prefix;
	size_t order;       /* position in the input, for stable ties */
	char *site;
};

struct sites_table {
	struct sites_entry *entries;
	size_t count;
};

static const uint8_t v4_mapped_head[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
};

static unsigned
family_bits(int family)
{
	return family == AF_INET ? 32 : 128;
}

/* Turn an IPv4-mapped IPv6 address into the IPv4 address. */
static void
unmap(sites_address *address)
{
	if (address->family == AF_INET6 &&
	    memcmp(address->bytes, v4_mapped_head,
	    sizeof(v4_mapped_head)) == 0) {
		uint8_t v4[4];

		memcpy(v4, address->bytes + 12, sizeof(v4));
		memset(address->bytes, 0, sizeof(address->bytes));
		memcpy(address->bytes, v4, sizeof(v4));
		address->family = AF_INET;
	}
}

/* Parse the address TEXT without unmapping; false when it is none. */
static bool
parse_raw_address(const char *text, sites_address *out)
{
	memset(out, 0, sizeof(*out));
	out->family = strchr(text, ':') != NULL ? AF_INET6 : AF_INET;
	return inet_pton(out->family, text, out->bytes) == 1;
}

kd_result
sites_address_parse(const char *text, sites_address *out, kd_err *err)
{
	sites_address address;

	if (text == NULL || text[0] == '\0') {
		return kd_err_set(err, KD_EINVAL, "address \"\": empty");
	}
	if (!parse_raw_address(text, &address)) {
		return kd_err_set(err, KD_EINVAL,
			"address \"%.*s%s\": not an IPv4 or IPv6 address",
			SITES_SHOWN(text));
	}
	unmap(&address);
	*out = address;
	return KD_OK;
}

kd_result
sites_address_from_sockaddr(const struct sockaddr *sa, sites_address *out,
	kd_err *err)
{
	if (sa == NULL) {
		return kd_err_set(err, KD_EINVAL, "client address: none");
	}
	memset(out, 0, sizeof(*out));
	if (sa->sa_family == AF_INET) {
		struct sockaddr_in sin;

		memcpy(&sin, sa, sizeof(sin));
		out->family = AF_INET;
		memcpy(out->bytes, &sin.sin_addr, 4);
		return KD_OK;
	}
	if (sa->sa_family == AF_INET6) {
		struct sockaddr_in6 sin6;

		memcpy(&sin6, sa, sizeof(sin6));
		out->family = AF_INET6;
		memcpy(out->bytes, &sin6.sin6_addr, 16);
		unmap(out);
		return KD_OK;
	}
	return kd_err_set(err, KD_EINVAL,
		"client address: family %d is neither IPv4 nor IPv6",
		(int)sa->sa_family);
}

/* Clear the bits of ADDRESS beyond LENGTH. */
static void
mask_address(sites_address *address, unsigned length)
{
	for (unsigned byte = 0; byte < 16; byte++) {
		const unsigned first_bit = byte * 8;
		if (first_bit >= length) {
			address->bytes[byte] = 0;
		} else if (first_bit + 8 > length) {
			const unsigned keep = length - first_bit;
			address->bytes[byte] &= (uint8_t)(0xff << (8 - keep));
		}
	}
}

kd_result
sites_prefix_parse(const char *text, sites_prefix *out, kd_err *err)
{
	char address_text[SITES_PREFIX_TEXT_MAX];
	sites_prefix prefix;

	if (text == NULL || text[0] == '\0') {
		return kd_err_set(err, KD_EINVAL, "prefix \"\": empty");
	}

	const char *slash = strchr(text, '/');
	const size_t address_len = slash != NULL ? (size_t)(slash - text) :
		strlen(text);

	if (address_len >= sizeof(address_text)) {
		return kd_err_set(err, KD_EINVAL,
			"prefix \"%.*s%s\": not an IPv4 or IPv6 address",
			SITES_SHOWN(text));
	}
	memcpy(address_text, text, address_len);
	address_text[address_len] = '\0';
	memset(&prefix, 0, sizeof(prefix));
	if (!parse_raw_address(address_text, &prefix.address)) {
		return kd_err_set(err, KD_EINVAL,
			"prefix \"%.*s%s\": \"%s\" is not an IPv4 or IPv6 "
			"address", SITES_SHOWN(text), address_text);
	}

	const unsigned max = family_bits(prefix.address.family);
	prefix.length = max;
	if (slash != NULL) {
		const char *digits = slash + 1;
		unsigned length = 0;
		size_t i = 0;

		for (; digits[i] >= '0' && digits[i] <= '9' && i < 4; i++) {
			length = length * 10 + (unsigned)(digits[i] - '0');
		}
		if (i == 0 || digits[i] != '\0' || length > max) {
			return kd_err_set(err, KD_EINVAL,
				"prefix \"%.*s%s\": length \"%.*s\" is not a "
				"number 0-%u", SITES_SHOWN(text),
				kd_text_shown(strlen(digits), SITES_SHOWN_MAX),
				digits, max);
		}
		prefix.length = length;
	}

	sites_prefix masked = prefix;
	mask_address(&masked.address, masked.length);
	if (memcmp(masked.address.bytes, prefix.address.bytes,
	    sizeof(prefix.address.bytes)) != 0) {
		char suggestion[SITES_PREFIX_TEXT_MAX];

		sites_prefix_format(&masked, suggestion, sizeof(suggestion));
		return kd_err_set(err, KD_EINVAL,
			"prefix \"%.*s%s\": bits set beyond /%u (did you mean "
			"%s?)", SITES_SHOWN(text), prefix.length,
			suggestion);
	}
	*out = prefix;
	return KD_OK;
}

void
sites_prefix_format(const sites_prefix *prefix, char *out, size_t len)
{
	char address[INET6_ADDRSTRLEN];

	if (out == NULL || len == 0) {
		return;
	}
	if (inet_ntop(prefix->address.family, prefix->address.bytes, address,
	    sizeof(address)) == NULL) {
		(void)snprintf(out, len, "?");
		return;
	}
	(void)snprintf(out, len, "%s/%u", address, prefix->length);
}

bool
sites_prefix_contains(const sites_prefix *prefix,
	const sites_address *address)
{
	if (prefix->address.family != address->family) {
		return false;
	}

	const unsigned full = prefix->length / 8;
	const unsigned rest = prefix->length % 8;
	if (memcmp(prefix->address.bytes, address->bytes, full) != 0) {
		return false;
	}
	if (rest == 0) {
		return true;
	}

	const uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (prefix->address.bytes[full] & mask) ==
		(address->bytes[full] & mask);
}

kd_result
sites_acl_check(const char (*prefixes)[REGISTRY_PREFIX_MAX], size_t count,
	const char *client, bool *allowed, kd_err *err)
{
	sites_address address;
	kd_err inner;

	*allowed = false;
	if (sites_address_parse(client, &address, &inner) != KD_OK) {
		return kd_err_set(err, KD_EINVAL, "client %s", inner.text);
	}
	for (size_t i = 0; i < count; i++) {
		sites_prefix prefix;

		if (sites_prefix_parse(prefixes[i], &prefix, &inner) !=
		    KD_OK) {
			return kd_err_set(err, KD_EINVAL, "access list %s",
				inner.text);
		}
		if (sites_prefix_contains(&prefix, &address)) {
			*allowed = true;
			return KD_OK;
		}
	}
	return KD_OK;
}

/* Longest prefix first; input order among equal lengths. */
static int
compare_entries(const void *a, const void *b)
{
	const struct sites_entry *left = a;
	const struct sites_entry *right = b;

	if (left->prefix.length != right->prefix.length) {
		return left->prefix.length > right->prefix.length ? -1 : 1;
	}
	return left->order < right->order ? -1 :
		(left->order > right->order ? 1 : 0);
}

kd_result
sites_table_build(const registry_site_prefix *prefixes, size_t count,
	sites_table **out, kd_err *err)
{
	sites_table *table = calloc(1, sizeof(*table));
	kd_err inner;

	if (table == NULL) {
		return kd_err_set(err, KD_ENOMEM, "site table: out of memory");
	}
	if (count > 0) {
		table->entries = calloc(count, sizeof(*table->entries));
		if (table->entries == NULL) {
			free(table);
			return kd_err_set(err, KD_ENOMEM,
				"site table: out of memory");
		}
	}
	for (size_t i = 0; i < count; i++) {
		struct sites_entry *entry = &table->entries[i];

		if (sites_prefix_parse(prefixes[i].prefix, &entry->prefix,
		    &inner) != KD_OK) {
			sites_table_free(table);
			return kd_err_set(err, KD_EINVAL, "site \"%.*s\": %s",
				kd_text_shown(strlen(prefixes[i].site),
				SITES_SHOWN_MAX),
				prefixes[i].site, inner.text);
		}
		entry->order = i;
		entry->site = strdup(prefixes[i].site);
		table->count = i + 1;
		if (entry->site == NULL) {
			sites_table_free(table);
			return kd_err_set(err, KD_ENOMEM,
				"site table: out of memory");
		}
	}
	if (count > 1) {
		qsort(table->entries, count, sizeof(*table->entries),
			compare_entries);
	}
	*out = table;
	return KD_OK;
}

void
sites_table_free(sites_table *table)
{
	if (table == NULL) {
		return;
	}
	for (size_t i = 0; i < table->count; i++) {
		free(table->entries[i].site);
	}
	free(table->entries);
	free(table);
}

const char *
sites_table_lookup(const sites_table *table, const sites_address *address)
{
	if (table == NULL || address == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < table->count; i++) {
		if (sites_prefix_contains(&table->entries[i].prefix,
		    address)) {
			return table->entries[i].site;
		}
	}
	return NULL;
}

/* True when SITE is the client's site (never for "" or NULL). */
static bool
is_local(const sites_span *span, const char *site)
{
	return span->client_site != NULL && span->client_site[0] != '\0' &&
		site != NULL && strcmp(site, span->client_site) == 0;
}

void
sites_span_init(sites_span *span, const char *client_site)
{
	span->client_site = client_site;
	span->local_found = false;
	span->local_max = 0;
	span->other_min = UINT16_MAX;
}

void
sites_span_add(sites_span *span, uint16_t priority, const char *site)
{
	if (is_local(span, site)) {
		if (!span->local_found || priority > span->local_max) {
			span->local_max = priority;
		}
		span->local_found = true;
	} else if (priority < span->other_min) {
		span->other_min = priority;
	}
}

uint16_t
sites_span_priority(const sites_span *span, uint16_t priority,
	const char *site)
{
	if (!span->local_found || is_local(span, site)) {
		return priority;
	}

	/* other_min <= priority: every non-local record was added. */
	const uint32_t moved = (uint32_t)span->local_max + 1 +
		(uint32_t)(priority - span->other_min);
	return (uint16_t)(moved > SITES_PRIORITY_MAX ? SITES_PRIORITY_MAX :
		moved);
}

void
sites_adjust_priorities(uint16_t *priorities, const char *const *sites,
	size_t n, const char *client_site)
{
	sites_span span;

	sites_span_init(&span, client_site);
	for (size_t i = 0; i < n; i++) {
		sites_span_add(&span, priorities[i], sites[i]);
	}
	for (size_t i = 0; i < n; i++) {
		priorities[i] = sites_span_priority(&span, priorities[i],
			sites[i]);
	}
}
