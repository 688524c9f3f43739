/*
 * test_check_options.c -- unit tests of resolver_check/check_options.c:
 * the command line of kmsdns-check and how it builds the suffix list.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "check_options.h"

#define ARGC(argv) ((int)(sizeof(argv) / sizeof((argv)[0])))

static void
test_defaults(void **state)
{
	char *argv[] = { "kmsdns-check" };
	check_options opts;
	kd_err err;

	(void)state;
	assert_int_equal(check_options_parse(ARGC(argv), argv, &opts, &err),
		KD_OK);
	assert_int_equal(opts.mode, CHECK_SUFFIX_SYSTEM);
	assert_string_equal(opts.service, "_vlmcs._tcp");
	assert_true(opts.probe);
	assert_false(opts.authoritative);
	assert_int_equal(opts.ns_port, 53);
	assert_int_equal(opts.timeout_ms, CHECK_TIMEOUT_DEFAULT_MS);
	assert_int_equal(opts.devolution, 2);
	check_options_free(&opts);
}

static void
test_all_values(void **state)
{
	char *argv[] = { "kmsdns-check", "--suffix", "a.test",
		"--suffix=b.test", "--server", "127.0.0.1#5300", "--no-probe",
		"--authoritative", "--ns-port=5301", "--expect", "KMS1.a.test.",
		"--timeout", "500", "--json", "--service", "_VLMCS._TCP" };
	check_options opts;
	kd_err err;

	(void)state;
	assert_int_equal(check_options_parse(ARGC(argv), argv, &opts, &err),
		KD_OK);
	assert_int_equal(opts.mode, CHECK_SUFFIX_EXPLICIT);
	assert_int_equal(opts.suffix_count, 2);
	assert_string_equal(opts.suffixes[1], "b.test");
	assert_true(opts.server_set);
	assert_int_equal(opts.server.port, 5300);
	assert_false(opts.probe);
	assert_true(opts.authoritative);
	assert_int_equal(opts.ns_port, 5301);
	assert_int_equal(opts.expect_count, 1);
	assert_string_equal(opts.expect[0], "kms1.a.test");
	assert_int_equal(opts.timeout_ms, 500);
	assert_int_equal(opts.format, CHECK_FORMAT_JSON);
	assert_string_equal(opts.service, "_vlmcs._tcp");
	check_options_free(&opts);
}

/* Parsing ARGV fails with a message that contains WANT. */
static void
assert_usage_error(int argc, char **argv, const char *want)
{
	check_options opts;
	kd_err err;

	assert_int_equal(check_options_parse(argc, argv, &opts, &err),
		KD_EINVAL);
	if (strstr(err.text, want) == NULL)
		fail_msg("error \"%s\" does not contain \"%s\"", err.text, want);
	check_options_free(&opts);
}

static void
test_usage_errors(void **state)
{
	char *mix[] = { "c", "--suffix", "a.test", "--primary-suffix", "b" };
	char *mix2[] = { "c", "--search", "a.test", "--resolv-conf", "f" };
	char *unknown[] = { "c", "--bogus" };
	char *stray[] = { "c", "a.test" };
	char *missing[] = { "c", "--server" };
	char *swallowed[] = { "c", "--suffix", "--no-probe" };
	char *timeout[] = { "c", "--timeout", "0" };
	char *timeout2[] = { "c", "--timeout", "12x" };
	char *devo1[] = { "c", "--primary-suffix", "a.b.c", "--devolution",
		"1" };
	char *devo_alone[] = { "c", "--devolution", "3" };
	char *devo_search[] = { "c", "--primary-suffix", "a.b.c", "--search",
		"x.test", "--devolution", "3" };
	char *server[] = { "c", "--server", "dns.test" };
	char *expect[] = { "c", "--expect", "_bad.test" };
	char *expect_label[] = { "c", "--expect", "kms1" };
	char *flag_value[] = { "c", "--json=yes" };
	char *twice[] = { "c", "--primary-suffix", "a", "--primary-suffix",
		"b" };
	char *raw[] = { "c", "--bo\x1b[2Jgus\xc3" };

	(void)state;
	assert_usage_error(ARGC(mix), mix, "--primary-suffix cannot be "
		"combined with --suffix");
	assert_usage_error(ARGC(mix2), mix2, "--resolv-conf cannot be");
	assert_usage_error(ARGC(unknown), unknown, "unknown option \"--bogus\"");
	assert_usage_error(ARGC(stray), stray, "unexpected argument");
	/* bad bytes are shown escaped, never echoed raw */
	assert_usage_error(ARGC(raw), raw,
		"unknown option \"--bo\\x1b[2Jgus\\xc3\"");
	assert_usage_error(ARGC(missing), missing, "--server needs a value");
	assert_usage_error(ARGC(swallowed), swallowed, "--suffix needs a "
		"value, not the option \"--no-probe\"");
	assert_usage_error(ARGC(timeout), timeout, "out of range 1-600000");
	assert_usage_error(ARGC(timeout2), timeout2, "is not a number");
	assert_usage_error(ARGC(devo1), devo1, "top-level domain");
	assert_usage_error(ARGC(devo_alone), devo_alone,
		"--devolution needs --primary-suffix");
	assert_usage_error(ARGC(devo_search), devo_search, "with --search");
	assert_usage_error(ARGC(server), server, "--server: \"dns.test\"");
	assert_usage_error(ARGC(expect), expect, "--expect:");
	assert_usage_error(ARGC(expect_label), expect_label, "--expect: "
		"\"kms1\" is not a fully qualified host name");
	assert_usage_error(ARGC(flag_value), flag_value, "takes no value");
	assert_usage_error(ARGC(twice), twice, "given twice");
}

/* Write TEXT to a new temp file; its path goes to PATH (size 64). */
static void
write_temp(const char *text, char *path)
{
	int fd;

	strcpy(path, "/tmp/test_check_options.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void
test_build_windows(void **state)
{
	char *argv[] = { "c", "--primary-suffix", "a.corp.example.test",
		"--connection-suffix", "lan.test", "--devolution", "3",
		"--server", "127.0.0.1#5300" };
	check_options opts;
	suffix_list list;
	endpoint server;
	kd_err err;

	(void)state;
	assert_int_equal(check_options_parse(ARGC(argv), argv, &opts, &err),
		KD_OK);
	suffix_list_init(&list);
	/* --server given: the resolv.conf is not read at all */
	assert_int_equal(check_options_build(&opts, "/nonexistent", &list,
		&server, &err), KD_OK);
	assert_int_equal(list.count, 3);
	assert_string_equal(list.names[0], "a.corp.example.test");
	assert_string_equal(list.names[1], "lan.test");
	assert_string_equal(list.names[2], "corp.example.test");
	assert_int_equal(server.port, 5300);
	suffix_list_free(&list);
	check_options_free(&opts);
}

static void
test_build_resolv_conf(void **state)
{
	char path[64];
	char *argv[] = { "c", "--resolv-conf", path };
	char *system_argv[] = { "c", "--suffix", "x.test" };
	check_options opts;
	suffix_list list;
	endpoint server;
	kd_err err;

	(void)state;
	write_temp("search one.test two.test\nnameserver 127.0.0.9\n", path);
	assert_int_equal(check_options_parse(ARGC(argv), argv, &opts, &err),
		KD_OK);
	suffix_list_init(&list);
	assert_int_equal(check_options_build(&opts, "/nonexistent", &list,
		&server, &err), KD_OK);
	assert_int_equal(list.count, 2);
	assert_string_equal(list.names[1], "two.test");
	assert_int_equal(server.port, 53);
	suffix_list_free(&list);
	check_options_free(&opts);

	/* without --server the system file gives the server */
	assert_int_equal(check_options_parse(ARGC(system_argv), system_argv,
		&opts, &err), KD_OK);
	assert_int_equal(check_options_build(&opts, path, &list, &server,
		&err), KD_OK);
	assert_int_equal(list.count, 1);
	suffix_list_free(&list);
	assert_int_equal(check_options_build(&opts, "/nonexistent/r.conf",
		&list, &server, &err), KD_ENOENT);
	assert_non_null(strstr(err.text, "/nonexistent/r.conf"));
	suffix_list_free(&list);
	check_options_free(&opts);
	unlink(path);

	write_temp("search one.test\n", path);
	assert_int_equal(check_options_parse(ARGC(argv), argv, &opts, &err),
		KD_OK);
	assert_int_equal(check_options_build(&opts, "/nonexistent", &list,
		&server, &err), KD_ENOENT);
	assert_non_null(strstr(err.text, "no nameserver"));
	suffix_list_free(&list);
	check_options_free(&opts);
	unlink(path);
}

static void
test_formats(void **state)
{
	char *nagios[] = { "c", "--format", "nagios" };
	char *prom[] = { "c", "--json", "--format=prometheus" };
	char *bad[] = { "c", "--format", "xml" };
	char *bad_nagios[] = { "c", "--bogus", "--format=nagios" };
	check_options opts;
	kd_err err;

	(void)state;
	assert_int_equal(check_options_parse(ARGC(nagios), nagios, &opts,
		&err), KD_OK);
	assert_int_equal(opts.format, CHECK_FORMAT_NAGIOS);
	check_options_free(&opts);
	assert_int_equal(check_options_parse(ARGC(prom), prom, &opts, &err),
		KD_OK);
	assert_int_equal(opts.format, CHECK_FORMAT_PROMETHEUS);
	check_options_free(&opts);
	assert_usage_error(ARGC(bad), bad, "--format: \"xml\" is not text, "
		"json, nagios or prometheus");
	/* a usage error before --format is still told in its format */
	assert_usage_error(ARGC(bad_nagios), bad_nagios, "unknown option");
	assert_int_equal(check_options_scan_format(ARGC(bad_nagios),
		bad_nagios), CHECK_FORMAT_NAGIOS);
	assert_int_equal(check_options_scan_format(ARGC(bad), bad),
		CHECK_FORMAT_TEXT);
	assert_int_equal(check_options_scan_format(ARGC(prom), prom),
		CHECK_FORMAT_PROMETHEUS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_all_values),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_build_windows),
		cmocka_unit_test(test_build_resolv_conf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
