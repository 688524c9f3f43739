/*
 * test_suffixes.c -- unit tests of resolver_check/suffixes.c and
 * resolv_conf.c: explicit lists, the Windows rules with devolution, and
 * resolv.conf search/domain/nameserver lines.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "resolv_conf.h"
#include "suffixes.h"

/* LIST holds exactly the COUNT names of EXPECTED, in order. */
static void
assert_list(const suffix_list *list, const char *const *expected,
	size_t count)
{
	assert_int_equal(list->count, count);
	for (size_t i = 0; i < count; i++)
		assert_string_equal(list->names[i], expected[i]);
}

static void
test_add_canonical_and_dedup(void **state)
{
	suffix_list list;
	kd_err err;
	const char *const want[] = { "corp.example.test", "example.test" };

	(void)state;
	suffix_list_init(&list);
	assert_int_equal(suffix_list_add(&list, "Corp.Example.TEST.", "t",
		&err), KD_OK);
	assert_int_equal(suffix_list_add(&list, "example.test", "t", &err),
		KD_OK);
	assert_int_equal(suffix_list_add(&list, "corp.example.test", "t",
		&err), KD_OK);
	assert_list(&list, want, 2);
	assert_true(suffix_list_contains(&list, "EXAMPLE.test."));
	assert_false(suffix_list_contains(&list, "other.test"));
	assert_int_equal(suffix_list_add(&list, "bad..name", "--suffix",
		&err), KD_EINVAL);
	assert_non_null(strstr(err.text, "--suffix: bad suffix"));
	assert_int_equal(list.count, 2);
	suffix_list_free(&list);
	assert_int_equal(list.count, 0);
}

static void
test_csv(void **state)
{
	suffix_list list;
	kd_err err;
	const char *const want[] = { "a.test", "b.test", "c.test" };

	(void)state;
	suffix_list_init(&list);
	assert_int_equal(suffix_list_add_csv(&list, "a.test, b.test ,c.test",
		"--search", &err), KD_OK);
	assert_list(&list, want, 3);
	assert_int_equal(suffix_list_add_csv(&list, "a.test,,b.test",
		"--search", &err), KD_EINVAL);
	assert_non_null(strstr(err.text, "empty name"));
	assert_int_equal(suffix_list_add_csv(&list, "", "--search", &err),
		KD_EINVAL);
	suffix_list_free(&list);
}

static void
test_devolution(void **state)
{
	suffix_list list;
	kd_err err;
	const char *const level2[] = { "aaa.microsoft.com", "microsoft.com" };
	const char *const level3[] = { "b.c.d.e" , "c.d.e" };

	(void)state;
	suffix_list_init(&list);
	assert_int_equal(suffix_list_add_devolved(&list,
		"ooo.aaa.microsoft.com", 2, &err), KD_OK);
	assert_list(&list, level2, 2);
	suffix_list_free(&list);

	assert_int_equal(suffix_list_add_devolved(&list, "a.b.c.d.e", 3,
		&err), KD_OK);
	assert_list(&list, level3, 2);
	suffix_list_free(&list);

	/* two labels at level 2: nothing to devolve; level 0 is off */
	assert_int_equal(suffix_list_add_devolved(&list, "example.test", 2,
		&err), KD_OK);
	assert_int_equal(list.count, 0);
	assert_int_equal(suffix_list_add_devolved(&list, "a.b.c.d", 0, &err),
		KD_OK);
	assert_int_equal(list.count, 0);
	assert_int_equal(suffix_list_add_devolved(&list, "a.b.c.d", 1, &err),
		KD_ERANGE);
	assert_non_null(strstr(err.text, "level 1"));
	suffix_list_free(&list);
}

static void
test_windows_primary_connection_devolution(void **state)
{
	suffix_list list;
	kd_err err;
	const char *const connections[] = { "dhcp.example.test",
		"Site.Corp.Example.Test" };
	suffix_windows_config config = {
		.primary = "site.corp.example.test",
		.connections = connections,
		.connection_count = 2,
		.devolution = 2,
	};
	/* the duplicate connection suffix is asked once, at its first place */
	const char *const want[] = { "site.corp.example.test",
		"dhcp.example.test", "corp.example.test", "example.test" };

	(void)state;
	suffix_list_init(&list);
	assert_int_equal(suffix_list_windows(&list, &config, &err), KD_OK);
	assert_list(&list, want, 4);
	/* only the parents of the primary came from devolution */
	assert_false(suffix_list_devolved(&list, 0));
	assert_false(suffix_list_devolved(&list, 1));
	assert_true(suffix_list_devolved(&list, 2));
	assert_true(suffix_list_devolved(&list, 3));
	assert_false(suffix_list_devolved(&list, 4));
	suffix_list_free(&list);
}

static void
test_windows_search_list_is_exclusive(void **state)
{
	suffix_list list;
	kd_err err;
	const char *const connections[] = { "dhcp.example.test" };
	suffix_windows_config config = {
		.primary = "site.corp.example.test",
		.search = "b.test,a.test",
		.connections = connections,
		.connection_count = 1,
		.devolution = 2,
	};
	const char *const want[] = { "b.test", "a.test" };

	(void)state;
	suffix_list_init(&list);
	assert_int_equal(suffix_list_windows(&list, &config, &err), KD_OK);
	assert_list(&list, want, 2);
	assert_false(suffix_list_devolved(&list, 0));
	assert_false(suffix_list_devolved(&list, 1));
	suffix_list_free(&list);
}

static void
test_windows_without_primary(void **state)
{
	suffix_list list;
	kd_err err;
	const char *const connections[] = { "lan" };
	suffix_windows_config config = {
		.connections = connections,
		.connection_count = 1,
		.devolution = 2,
	};
	const char *const want[] = { "lan" };

	(void)state;
	suffix_list_init(&list);
	assert_int_equal(suffix_list_windows(&list, &config, &err), KD_OK);
	assert_list(&list, want, 1);
	suffix_list_free(&list);
	config.connection_count = 0;
	assert_int_equal(suffix_list_windows(&list, &config, &err), KD_OK);
	assert_int_equal(list.count, 0);
}

static kd_result
parse(const char *text, resolv_conf *conf, kd_err *err)
{
	resolv_conf_init(conf);
	return resolv_conf_parse(text, strlen(text), "resolv.conf", conf, err);
}

static void
test_resolv_conf_last_wins(void **state)
{
	resolv_conf conf;
	kd_err err;
	const char *const want_search[] = { "b.test", "c.test" };
	const char *const want_domain[] = { "d.test" };

	(void)state;
	assert_int_equal(parse("# comment\n; other\ndomain a.test\n"
		"search b.test\tc.test.\r\nnameserver 127.0.0.1\n"
		"options ndots:2\n", &conf, &err), KD_OK);
	assert_list(&conf.search, want_search, 2);
	assert_int_equal(conf.server_count, 1);
	assert_int_equal(conf.servers[0].port, 53);
	resolv_conf_free(&conf);

	assert_int_equal(parse("search b.test c.test\ndomain d.test", &conf,
		&err), KD_OK);
	assert_list(&conf.search, want_domain, 1);
	resolv_conf_free(&conf);

	/* "search ." adds nothing; an empty search line empties the list */
	assert_int_equal(parse("search a.test\nsearch .\n", &conf, &err),
		KD_OK);
	assert_int_equal(conf.search.count, 0);
	resolv_conf_free(&conf);
	assert_int_equal(parse("", &conf, &err), KD_OK);
	assert_int_equal(conf.search.count, 0);
	assert_int_equal(conf.server_count, 0);
	resolv_conf_free(&conf);
}

static void
test_resolv_conf_nameservers(void **state)
{
	resolv_conf conf;
	kd_err err;

	(void)state;
	assert_int_equal(parse("nameserver 127.0.0.1\nnameserver ::1\n"
		"nameserver 127.0.0.2\nnameserver 127.0.0.3\n", &conf, &err),
		KD_OK);
	assert_int_equal(conf.server_count, RESOLV_CONF_SERVERS);
	assert_int_equal(conf.servers[1].addr.ss_family, AF_INET6);
	resolv_conf_free(&conf);
}

static void
test_resolv_conf_errors(void **state)
{
	resolv_conf conf;
	kd_err err;

	(void)state;
	assert_int_equal(parse("search a.test\nnameserver dns.test\n", &conf,
		&err), KD_EINVAL);
	assert_string_equal(err.text, "resolv.conf:2: nameserver "
		"\"dns.test\" is not an IP address");
	resolv_conf_free(&conf);
	assert_int_equal(parse("nameserver\n", &conf, &err), KD_ESYNTAX);
	resolv_conf_free(&conf);
	assert_int_equal(parse("\n\nsearch a..test\n", &conf, &err),
		KD_EINVAL);
	assert_non_null(strstr(err.text, "resolv.conf:3: bad suffix"));
	resolv_conf_free(&conf);
	assert_int_equal(parse("domain a.test b.test\n", &conf, &err),
		KD_ESYNTAX);
	resolv_conf_free(&conf);
	resolv_conf_init(&conf);
	assert_int_equal(resolv_conf_parse("search a\0b", 10, "f", &conf,
		&err), KD_ESYNTAX);
	resolv_conf_free(&conf);
	resolv_conf_init(&conf);
	assert_int_equal(resolv_conf_load("/nonexistent/resolv.conf", &conf,
		&err), KD_ENOENT);
	assert_non_null(strstr(err.text, "/nonexistent/resolv.conf"));
	resolv_conf_free(&conf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_canonical_and_dedup),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_devolution),
		cmocka_unit_test(test_windows_primary_connection_devolution),
		cmocka_unit_test(test_windows_search_list_is_exclusive),
		cmocka_unit_test(test_windows_without_primary),
		cmocka_unit_test(test_resolv_conf_last_wins),
		cmocka_unit_test(test_resolv_conf_nameservers),
		cmocka_unit_test(test_resolv_conf_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
