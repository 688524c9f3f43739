/*
 * test_sites.c -- unit tests of dlz_module/sites.c.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <cmocka.h>

#include "kd_result.h"
#include "registry.h"
#include "sites.h"

static sites_address
address(const char *text)
{
	sites_address out;
	kd_err err = { "" };

	if (sites_address_parse(text, &out, &err) != KD_OK) {
		fail_msg("%s", err.text);
	}
	return out;
}

static sites_prefix
prefix(const char *text)
{
	sites_prefix out;
	kd_err err = { "" };

	if (sites_prefix_parse(text, &out, &err) != KD_OK) {
		fail_msg("%s", err.text);
	}
	return out;
}

/* TEXT parses and formats back as CANONICAL. */
static void
assert_prefix_canonical(const char *text, const char *canonical)
{
	const sites_prefix p = prefix(text);
	char out[SITES_PREFIX_TEXT_MAX];

	sites_prefix_format(&p, out, sizeof(out));
	assert_string_equal(out, canonical);
}

static void
assert_prefix_fails(const char *text, const char *message)
{
	sites_prefix p;
	kd_err err = { "" };

	assert_int_equal(sites_prefix_parse(text, &p, &err), KD_EINVAL);
	assert_string_equal(err.text, message);
}

static void
test_address_parse(void **state)
{
	sites_address a;
	kd_err err;

	(void)state;
	a = address("192.0.2.1");
	assert_int_equal(a.family, AF_INET);
	assert_memory_equal(a.bytes, "\xc0\x00\x02\x01", 4);

	a = address("2001:DB8::1");
	assert_int_equal(a.family, AF_INET6);
	assert_memory_equal(a.bytes,
		"\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);

	/* IPv4-mapped: the IPv4 address. */
	a = address("::ffff:192.0.2.1");
	assert_int_equal(a.family, AF_INET);
	assert_memory_equal(a.bytes, "\xc0\x00\x02\x01", 4);

	assert_int_equal(sites_address_parse("192.0.2", &a, &err), KD_EINVAL);
	assert_string_equal(err.text,
		"address \"192.0.2\": not an IPv4 or IPv6 address");
	assert_int_equal(sites_address_parse("", &a, &err), KD_EINVAL);
	assert_string_equal(err.text, "address \"\": empty");
	assert_int_equal(sites_address_parse("fe80::1%eth0", &a, &err),
		KD_EINVAL);
	assert_int_equal(sites_address_parse("192.0.2.1 ", &a, &err),
		KD_EINVAL);
	assert_int_equal(sites_address_parse("192.0.2.1#53", &a, NULL),
		KD_EINVAL);
}

static void
test_address_from_sockaddr(void **state)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr_un sun;
	sites_address a;
	kd_err err;

	(void)state;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(5353);
	assert_int_equal(inet_pton(AF_INET, "10.1.2.3", &sin.sin_addr), 1);
	assert_int_equal(sites_address_from_sockaddr(
		(const struct sockaddr *)&sin, &a, &err), KD_OK);
	assert_int_equal(a.family, AF_INET);
	assert_memory_equal(a.bytes, "\x0a\x01\x02\x03", 4);

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::7", &sin6.sin6_addr),
		1);
	assert_int_equal(sites_address_from_sockaddr(
		(const struct sockaddr *)&sin6, &a, &err), KD_OK);
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(a.bytes[15], 7);

	assert_int_equal(inet_pton(AF_INET6, "::ffff:10.1.2.3",
		&sin6.sin6_addr), 1);
	assert_int_equal(sites_address_from_sockaddr(
		(const struct sockaddr *)&sin6, &a, &err), KD_OK);
	assert_int_equal(a.family, AF_INET);
	assert_memory_equal(a.bytes, "\x0a\x01\x02\x03", 4);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	assert_int_equal(sites_address_from_sockaddr(
		(const struct sockaddr *)&sun, &a, &err), KD_EINVAL);
	assert_string_equal(err.text,
		"client address: family 1 is neither IPv4 nor IPv6");
	assert_int_equal(sites_address_from_sockaddr(NULL, &a, &err),
		KD_EINVAL);
	assert_string_equal(err.text, "client address: none");
}

static void
test_prefix_parse(void **state)
{
	(void)state;
	assert_prefix_canonical("10.1.0.0/16", "10.1.0.0/16");
	assert_prefix_canonical("192.0.2.1", "192.0.2.1/32");
	assert_prefix_canonical("2001:DB8::/32", "2001:db8::/32");
	assert_prefix_canonical("2001:db8::1", "2001:db8::1/128");
	assert_prefix_canonical("0.0.0.0/0", "0.0.0.0/0");
	assert_prefix_canonical("::/0", "::/0");
	assert_prefix_canonical("10.0.0.0/08", "10.0.0.0/8");
	assert_prefix_canonical("10.1.2.0/23", "10.1.2.0/23");

	assert_prefix_fails("10.1.2.0/16", "prefix \"10.1.2.0/16\": bits set "
		"beyond /16 (did you mean 10.1.0.0/16?)");
	assert_prefix_fails("10.1.3.0/23", "prefix \"10.1.3.0/23\": bits set "
		"beyond /23 (did you mean 10.1.2.0/23?)");
	assert_prefix_fails("2001:db8::1/64", "prefix \"2001:db8::1/64\": "
		"bits set beyond /64 (did you mean 2001:db8::/64?)");
	assert_prefix_fails("10.0.0.0/33", "prefix \"10.0.0.0/33\": length "
		"\"33\" is not a number 0-32");
	assert_prefix_fails("::/129", "prefix \"::/129\": length \"129\" is "
		"not a number 0-128");
	assert_prefix_fails("10.0.0.0/", "prefix \"10.0.0.0/\": length \"\" "
		"is not a number 0-32");
	assert_prefix_fails("10.0.0.0/8x", "prefix \"10.0.0.0/8x\": length "
		"\"8x\" is not a number 0-32");
	assert_prefix_fails("10.0.0.0/-8", "prefix \"10.0.0.0/-8\": length "
		"\"-8\" is not a number 0-32");
	assert_prefix_fails("10.0.0.0/00008", "prefix \"10.0.0.0/00008\": "
		"length \"00008\" is not a number 0-32");
	assert_prefix_fails("10.0.0/8", "prefix \"10.0.0/8\": \"10.0.0\" is "
		"not an IPv4 or IPv6 address");
	assert_prefix_fails("/8", "prefix \"/8\": \"\" is not an IPv4 or IPv6 "
		"address");
	assert_prefix_fails("", "prefix \"\": empty");
	assert_prefix_fails("10.0.0.0/8/8", "prefix \"10.0.0.0/8/8\": length "
		"\"8/8\" is not a number 0-32");
}

static void
test_prefix_contains(void **state)
{
	const sites_prefix p23 = prefix("10.1.2.0/23");
	const sites_prefix all4 = prefix("0.0.0.0/0");
	const sites_prefix all6 = prefix("::/0");
	const sites_prefix v6 = prefix("2001:db8:1::/48");
	const sites_prefix host = prefix("192.0.2.1");

	(void)state;
	const sites_address in_low = address("10.1.2.0");
	const sites_address in_high = address("10.1.3.255");
	const sites_address out_high = address("10.1.4.0");
	const sites_address out_low = address("10.1.1.255");
	assert_true(sites_prefix_contains(&p23, &in_low));
	assert_true(sites_prefix_contains(&p23, &in_high));
	assert_false(sites_prefix_contains(&p23, &out_high));
	assert_false(sites_prefix_contains(&p23, &out_low));

	const sites_address v6_in = address("2001:db8:1:ffff::1");
	const sites_address v6_out = address("2001:db8:2::1");
	assert_true(sites_prefix_contains(&v6, &v6_in));
	assert_false(sites_prefix_contains(&v6, &v6_out));
	assert_false(sites_prefix_contains(&v6, &in_low));
	assert_false(sites_prefix_contains(&p23, &v6_in));

	assert_true(sites_prefix_contains(&all4, &in_low));
	assert_false(sites_prefix_contains(&all4, &v6_in));
	assert_true(sites_prefix_contains(&all6, &v6_in));
	assert_false(sites_prefix_contains(&all6, &in_low));

	const sites_address exact = address("192.0.2.1");
	const sites_address next = address("192.0.2.2");
	assert_true(sites_prefix_contains(&host, &exact));
	assert_false(sites_prefix_contains(&host, &next));
}

static void
test_acl_check(void **state)
{
	static const char acl[][REGISTRY_PREFIX_MAX] = {
		"192.0.2.0/24", "2001:db8::/32", "198.51.100.7",
	};
	static const char bad_acl[][REGISTRY_PREFIX_MAX] = {
		"10.0.0.0/8", "10.1.0.0/8",
	};
	bool allowed = true;
	kd_err err;

	(void)state;
	assert_int_equal(sites_acl_check(acl, 3, "192.0.2.55", &allowed, &err),
		KD_OK);
	assert_true(allowed);
	assert_int_equal(sites_acl_check(acl, 3, "198.51.100.1", &allowed,
		&err), KD_OK);
	assert_false(allowed);
	assert_int_equal(sites_acl_check(acl, 3, "198.51.100.7", &allowed,
		&err), KD_OK);
	assert_true(allowed);
	assert_int_equal(sites_acl_check(acl, 3, "2001:db8::53", &allowed,
		&err), KD_OK);
	assert_true(allowed);
	assert_int_equal(sites_acl_check(acl, 3, "::ffff:192.0.2.9", &allowed,
		&err), KD_OK);
	assert_true(allowed);
	assert_int_equal(sites_acl_check(acl, 0, "192.0.2.55", &allowed,
		&err), KD_OK);
	assert_false(allowed);

	allowed = true;
	assert_int_equal(sites_acl_check(acl, 3, "not-an-ip", &allowed, &err),
		KD_EINVAL);
	assert_false(allowed);
	assert_string_equal(err.text, "client address \"not-an-ip\": not an "
		"IPv4 or IPv6 address");

	/* The first prefix matches before the bad one is read. */
	assert_int_equal(sites_acl_check(bad_acl, 2, "10.9.9.9", &allowed,
		&err), KD_OK);
	assert_true(allowed);
	assert_int_equal(sites_acl_check(bad_acl, 2, "192.0.2.1", &allowed,
		&err), KD_EINVAL);
	assert_false(allowed);
	assert_string_equal(err.text, "access list prefix \"10.1.0.0/8\": "
		"bits set beyond /8 (did you mean 10.0.0.0/8?)");
}

static void
test_table(void **state)
{
	static const registry_site_prefix entries[] = {
		{ "hq", "10.0.0.0/8" },
		{ "lab", "10.1.2.0/24" },
		{ "branch", "10.1.0.0/16" },
		{ "v6site", "2001:db8:1::/48" },
		{ "first", "192.168.0.0/16" },
		{ "second", "192.168.0.0/16" },
		{ "any6", "::/0" },
	};
	sites_table *table = NULL;
	kd_err err;

	(void)state;
	assert_int_equal(sites_table_build(entries, 7, &table, &err), KD_OK);
	assert_non_null(table);

	sites_address a = address("10.1.2.3");
	assert_string_equal(sites_table_lookup(table, &a), "lab");
	a = address("10.1.3.1");
	assert_string_equal(sites_table_lookup(table, &a), "branch");
	a = address("10.2.0.1");
	assert_string_equal(sites_table_lookup(table, &a), "hq");
	a = address("11.0.0.1");
	assert_null(sites_table_lookup(table, &a));
	a = address("2001:db8:1::5");
	assert_string_equal(sites_table_lookup(table, &a), "v6site");
	a = address("2001:db8:2::5");
	assert_string_equal(sites_table_lookup(table, &a), "any6");
	a = address("192.168.1.1");
	assert_string_equal(sites_table_lookup(table, &a), "first");
	a = address("::ffff:10.1.2.3");
	assert_string_equal(sites_table_lookup(table, &a), "lab");
	assert_null(sites_table_lookup(table, NULL));
	assert_null(sites_table_lookup(NULL, &a));
	sites_table_free(table);

	assert_int_equal(sites_table_build(NULL, 0, &table, &err), KD_OK);
	a = address("10.1.2.3");
	assert_null(sites_table_lookup(table, &a));
	sites_table_free(table);
	sites_table_free(NULL);
}

static void
test_table_bad_prefix(void **state)
{
	static const registry_site_prefix entries[] = {
		{ "hq", "10.0.0.0/8" },
		{ "lab", "10.1.2.1/24" },
	};
	sites_table *table = NULL;
	kd_err err;

	(void)state;
	assert_int_equal(sites_table_build(entries, 2, &table, &err),
		KD_EINVAL);
	assert_null(table);
	assert_string_equal(err.text, "site \"lab\": prefix \"10.1.2.1/24\": "
		"bits set beyond /24 (did you mean 10.1.2.0/24?)");
}

static void
assert_priorities(const uint16_t *got, const uint16_t *expected, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (got[i] != expected[i]) {
			fail_msg("record %zu: priority %u, expected %u", i,
				(unsigned)got[i], (unsigned)expected[i]);
		}
	}
}

static void
test_adjust(void **state)
{
	static const char *const sites[] = { "a", "b", "a", "", "b" };
	static const uint16_t original[] = { 0, 0, 10, 10, 20 };
	static const uint16_t for_b[] = { 21, 0, 31, 31, 20 };
	static const uint16_t for_a[] = { 0, 11, 10, 21, 31 };
	uint16_t prio[5];

	(void)state;
	memcpy(prio, original, sizeof(prio));
	sites_adjust_priorities(prio, sites, 5, "b");
	assert_priorities(prio, for_b, 5);

	memcpy(prio, original, sizeof(prio));
	sites_adjust_priorities(prio, sites, 5, "a");
	assert_priorities(prio, for_a, 5);

	/* No client site, no record of it, or "": nothing changes. */
	memcpy(prio, original, sizeof(prio));
	sites_adjust_priorities(prio, sites, 5, NULL);
	assert_priorities(prio, original, 5);
	sites_adjust_priorities(prio, sites, 5, "c");
	assert_priorities(prio, original, 5);
	sites_adjust_priorities(prio, sites, 5, "");
	assert_priorities(prio, original, 5);
	sites_adjust_priorities(prio, sites, 0, "a");
	assert_priorities(prio, original, 5);
}

static void
test_adjust_edges(void **state)
{
	static const char *const capped_sites[] = { "s", "x", "x", NULL };
	uint16_t capped[] = { 65000, 100, 65535, 200 };
	static const uint16_t capped_expected[] = { 65000, 65001, 65535,
		65101 };
	static const char *const all_local[] = { "s", "s" };
	uint16_t local[] = { 5, 7 };
	static const uint16_t local_expected[] = { 5, 7 };
	/* A local record behind the others: they still move behind it. */
	static const char *const late_sites[] = { "x", "s", "x" };
	uint16_t late[] = { 0, 50, 3 };
	static const uint16_t late_expected[] = { 51, 50, 54 };

	(void)state;
	sites_adjust_priorities(capped, capped_sites, 4, "s");
	assert_priorities(capped, capped_expected, 4);
	sites_adjust_priorities(local, all_local, 2, "s");
	assert_priorities(local, local_expected, 2);
	sites_adjust_priorities(late, late_sites, 3, "s");
	assert_priorities(late, late_expected, 3);
}

static void
test_span(void **state)
{
	sites_span span;

	(void)state;
	sites_span_init(&span, "s");
	sites_span_add(&span, 10, "x");
	sites_span_add(&span, 4, "s");
	sites_span_add(&span, 30, "");
	assert_true(span.local_found);
	assert_int_equal(sites_span_priority(&span, 4, "s"), 4);
	assert_int_equal(sites_span_priority(&span, 10, "x"), 5);
	assert_int_equal(sites_span_priority(&span, 30, ""), 25);
	assert_int_equal(sites_span_priority(&span, 30, NULL), 25);

	sites_span_init(&span, NULL);
	sites_span_add(&span, 10, "x");
	assert_false(span.local_found);
	assert_int_equal(sites_span_priority(&span, 10, "x"), 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_address_parse),
		cmocka_unit_test(test_address_from_sockaddr),
		cmocka_unit_test(test_prefix_parse),
		cmocka_unit_test(test_prefix_contains),
		cmocka_unit_test(test_acl_check),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_table_bad_prefix),
		cmocka_unit_test(test_adjust),
		cmocka_unit_test(test_adjust_edges),
		cmocka_unit_test(test_span),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
