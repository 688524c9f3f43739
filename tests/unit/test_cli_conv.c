/*
 * test_cli_conv.c -- unit tests of common/cli_conv.c: the one-line usage
 * error, the version line, escaped quoting and printing, the address
 * forms.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli_conv.h"

/* What FN wrote to a memory stream. */
static char *
captured(FILE *stream, char **buf)
{
	fclose(stream);
	return *buf;
}

static void
test_usage_and_version(void **state)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *out;

	(void)state;
	out = open_memstream(&buf, &size);
	assert_int_equal(cli_usage_error(out, "kmsdns-x", "unknown option %s",
		"\"--y\""), 64);
	assert_string_equal(captured(out, &buf),
		"kmsdns-x: unknown option \"--y\" (see kmsdns-x --help)\n");
	free(buf);
	buf = NULL;
	out = open_memstream(&buf, &size);
	assert_int_equal(cli_command_usage_error(out, "kmsdns-x", "host add",
		"missing %s", "TARGET"), 64);
	assert_string_equal(captured(out, &buf), "kmsdns-x: host add: missing "
		"TARGET (see kmsdns-x host add --help)\n");
	free(buf);
	buf = NULL;
	/* a message never carries raw bytes, whatever its arguments hold */
	out = open_memstream(&buf, &size);
	assert_int_equal(cli_usage_error(out, "kmsdns-x", "bad value %s",
		"a\x1b[2J\xc3\xa9\n"), 64);
	assert_string_equal(captured(out, &buf), "kmsdns-x: bad value "
		"a\\x1b[2J\\xc3\\xa9\\x0a (see kmsdns-x --help)\n");
	free(buf);
	buf = NULL;
	out = open_memstream(&buf, &size);
	cli_error_line(out, "kmsdns-x", "tab\there \x7f end");
	assert_string_equal(captured(out, &buf),
		"kmsdns-x: tab\\x09here \\x7f end\n");
	free(buf);
	buf = NULL;
	out = open_memstream(&buf, &size);
	cli_version(out, "kmsdns-x");
	assert_string_equal(captured(out, &buf),
		"kmsdns-x (" PACKAGE_NAME ") " PACKAGE_VERSION "\n");
	free(buf);
}

static void
test_quote(void **state)
{
	char out[CLI_QUOTE_MAX], small[8];
	char long_text[200];

	(void)state;
	assert_string_equal(cli_quote_str("plain text", out, sizeof(out)),
		"\"plain text\"");
	assert_string_equal(cli_quote("a\"b\\c\t\r\n\x01\xff", 10, out,
		sizeof(out)), "\"a\\\"b\\\\c\\t\\r\\n\\x01\\xff\"");
	assert_string_equal(cli_quote("a\0b", 3, out, sizeof(out)),
		"\"a\\x00b\"");
	memset(long_text, '\xee', sizeof(long_text));
	cli_quote(long_text, sizeof(long_text), out, sizeof(out));
	assert_int_equal(strlen(out), 2 + 4 * CLI_QUOTE_SHOWN + 3);
	assert_string_equal(out + strlen(out) - 4, "\"...");
	/* a short option: as it is when printable, else quoted escaped */
	assert_string_equal(cli_short_option('x', out, sizeof(out)), "-x");
	assert_string_equal(cli_short_option(0xc3, out, sizeof(out)),
		"\"-\\xc3\"");
	assert_string_equal(cli_short_option('\n', out, sizeof(out)),
		"\"-\\n\"");
	/* a short buffer cuts, still quoted and terminated */
	cli_quote_str("abcdefghij", small, sizeof(small));
	assert_string_equal(small, "\"ab\"...");
}

static void
test_endpoint_forms(void **state)
{
	char text[ENDPOINT_TEXT_MAX];
	endpoint ep;
	kd_err err;

	(void)state;
	assert_int_equal(cli_endpoint_parse("192.0.2.1", 53, &ep, &err), KD_OK);
	endpoint_format(&ep, text, sizeof(text));
	assert_string_equal(text, "192.0.2.1#53");
	assert_int_equal(cli_endpoint_parse("192.0.2.1#5353", 53, &ep, &err),
		KD_OK);
	assert_int_equal(ep.port, 5353);
	assert_int_equal(cli_endpoint_parse("[2001:DB8::1]#5353", 53, &ep,
		&err), KD_OK);
	endpoint_format(&ep, text, sizeof(text));
	assert_string_equal(text, "2001:db8::1#5353");
	assert_int_equal(cli_endpoint_parse("::1#54", 53, &ep, &err), KD_OK);
	assert_int_equal(ep.port, 54);
	assert_int_equal(cli_endpoint_parse("[::1]", 53, &ep, &err), KD_OK);
	assert_int_equal(ep.port, 53);
	assert_int_equal(cli_endpoint_parse("127.0.0.1:20053", 53, &ep, &err),
		KD_EINVAL);
	assert_string_equal(err.text, "\"127.0.0.1:20053\" is not an IP "
		"address: a port follows '#', not ':' (accepted forms: ADDR, "
		"ADDR#PORT, [V6]#PORT)");
	assert_int_equal(cli_endpoint_parse("[192.0.2.1]#53", 53, &ep, &err),
		KD_EINVAL);
	assert_int_equal(cli_endpoint_parse("192.0.2.1#", 53, &ep, &err),
		KD_EINVAL);
	assert_string_equal(err.text, "\"192.0.2.1#\" has no port number "
		"after '#' (accepted forms: ADDR, ADDR#PORT, [V6]#PORT)");
	assert_int_equal(cli_endpoint_parse("192.0.2.1#99999999999", 53, &ep,
		&err), KD_EINVAL);
	assert_non_null(strstr(err.text, "out of range 1-65535"));
	assert_int_equal(cli_endpoint_parse("#53", 53, &ep, &err), KD_EINVAL);
	assert_int_equal(cli_endpoint_parse("\xff#53", 53, &ep, &err),
		KD_EINVAL);
	assert_string_equal(err.text, "\"\\xff#53\" is not an IP address "
		"(accepted forms: ADDR, ADDR#PORT, [V6]#PORT)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usage_and_version),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_endpoint_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
