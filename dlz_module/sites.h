/*
 * sites.h -- IP prefixes, client sites and site-aware SRV priorities.
 *
 * A site is a named set of prefixes ("10.1.0.0/16", "2001:db8:1::/48").
 * A client belongs to the site of the longest prefix that holds its
 * address. When a query comes from a site that has KMS hosts of its own,
 * those hosts are answered first: the other records are moved to lower
 * priorities (higher numbers) behind them, in their original order, never
 * removed. The same prefix code checks the allow-transfer lists of zones.
 *
 * IPv4-mapped IPv6 addresses (::ffff:192.0.2.1) are treated as the IPv4
 * address they carry, so a dual-stack socket still finds the IPv4 site.
 */
#ifndef KMSDNS_SITES_H
#define KMSDNS_SITES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include "kd_result.h"
#include "registry.h"

/* A buffer size for a prefix in text ("ffff:...:ffff/128"). */
#define SITES_PREFIX_TEXT_MAX 50

/* An IPv4 or IPv6 address; FAMILY is AF_INET (4 bytes used) or AF_INET6. */
typedef struct sites_address {
	int family;
	uint8_t bytes[16];
} sites_address;

/* An address prefix: ADDRESS with no bits set beyond LENGTH. */
typedef struct sites_prefix {
	sites_address address;
	unsigned length; /* 0-32 or 0-128 */
} sites_prefix;

/* A site table built from the registry (opaque). */
typedef struct sites_table sites_table;

/*
 * Parse the address TEXT ("192.0.2.1", "2001:DB8::1") into *OUT.
 * Returns KD_EINVAL with ERR naming TEXT when it is not an address.
 */
kd_result sites_address_parse(const char *text, sites_address *out,
	kd_err *err);

/*
 * Take the address of SA (AF_INET or AF_INET6; the port is ignored) into
 * *OUT. Returns KD_EINVAL for NULL or another family.
 */
kd_result sites_address_from_sockaddr(const struct sockaddr *sa,
	sites_address *out, kd_err *err);

/*
 * Parse the prefix TEXT: "ADDR/LEN", or a bare address meaning /32 or
 * /128. Returns KD_EINVAL with ERR naming TEXT for a bad address or length
 * and for bits set beyond the length ("prefix \"10.1.2.0/16\": bits set
 * beyond /16 (did you mean 10.1.0.0/16?)").
 */
kd_result sites_prefix_parse(const char *text, sites_prefix *out,
	kd_err *err);

/* Write PREFIX as "ADDR/LEN" (canonical) to OUT of LEN bytes. */
void sites_prefix_format(const sites_prefix *prefix, char *out, size_t len);

/* True when ADDRESS lies inside PREFIX (families must agree). */
bool sites_prefix_contains(const sites_prefix *prefix,
	const sites_address *address);

/*
 * Check whether the client address CLIENT (text as BIND passes it to
 * dlz_allowzonexfr) lies inside one of the COUNT prefixes PREFIXES (text,
 * e.g. registry_zone.peers.allow_transfer). Sets *ALLOWED. Returns KD_EINVAL
 * with ERR naming the culprit when CLIENT or a prefix does not parse; then
 * *ALLOWED is false.
 */
kd_result sites_acl_check(const char (*prefixes)[REGISTRY_PREFIX_MAX],
	size_t count, const char *client, bool *allowed, kd_err *err);

/*
 * Build a site table from the COUNT entries of PREFIXES into *OUT (free
 * with sites_table_free()). Site names are copied. Returns KD_ENOMEM, or
 * KD_EINVAL with ERR naming the site and prefix that does not parse.
 */
kd_result sites_table_build(const registry_site_prefix *prefixes,
	size_t count, sites_table **out, kd_err *err);

/* Free TABLE (NULL is fine). */
void sites_table_free(sites_table *table);

/*
 * The site of ADDRESS in TABLE: the site of the longest matching prefix
 * (ties: the first one given), or NULL when no prefix matches. The string
 * lives as long as TABLE.
 */
const char *sites_table_lookup(const sites_table *table,
	const sites_address *address);

/*
 * Site-aware priorities, for records in any order. With CLIENT_SITE S,
 * records of site S keep their priority; when at least one exists, every
 * other record gets maxprio(S records) + 1 + (priority - minprio(others)),
 * capped at 65535. Without S (NULL) or without records of S nothing
 * changes. Site "" means "no site" and never equals a client site.
 *
 * sites_adjust_priorities() applies this to the arrays PRIORITIES (in
 * place) and SITES (N records; a NULL site counts as "").
 *
 * A caller that cannot keep arrays uses a sites_span: clear it with
 * sites_span_init(), pass every record to sites_span_add(), then ask
 * sites_span_priority() for each record's new priority.
 */
void sites_adjust_priorities(uint16_t *priorities, const char *const *sites,
	size_t n, const char *client_site);

typedef struct sites_span {
	const char *client_site;
	bool local_found;
	uint16_t local_max;
	uint16_t other_min;
} sites_span;

void sites_span_init(sites_span *span, const char *client_site);
void sites_span_add(sites_span *span, uint16_t priority, const char *site);
uint16_t sites_span_priority(const sites_span *span, uint16_t priority,
	const char *site);

#endif /* KMSDNS_SITES_H */
