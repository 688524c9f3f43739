/*
 * test_dname.c -- unit tests of common/dname.c.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "dname.h"
#include "kd_result.h"

/*
 * Fill BUF with a name of exactly LENGTH characters: labels of at most
 * LABEL_LENGTH letters separated by dots, the last one never empty.
 */
static void
build_name(char *buf, size_t length, size_t label_length)
{
	size_t in_label = 0;

	for (size_t i = 0; i < length; i++) {
		const bool room_for_next = i + 1 < length;
		if (in_label == label_length && room_for_next) {
			buf[i] = '.';
			in_label = 0;
		} else {
			buf[i] = (char)('a' + i % 26);
			in_label++;
		}
	}
	buf[length] = '\0';
}

static void
build_label(char *buf, size_t length)
{
	memset(buf, 'x', length);
	buf[length] = '\0';
}

static void
assert_valid(const char *name, dname_rules rules)
{
	kd_err err = { "" };

	if (dname_validate(name, rules, &err) != KD_OK)
		fail_msg("\"%s\" rejected: %s", name, err.text);
}

/* Reject NAME and check that the message holds REASON. */
static void
assert_invalid(const char *name, dname_rules rules, const char *reason)
{
	kd_err err = { "" };

	if (dname_validate(name, rules, &err) != KD_EINVAL)
		fail_msg("\"%s\" accepted", name);
	if (strstr(err.text, reason) == NULL) {
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", name, err.text,
			reason);
	}
}

static void
test_host_names_valid(void **state)
{
	(void)state;
	assert_valid("kms1.example.test", DNAME_HOST);
	assert_valid("kms1.example.test.", DNAME_HOST);
	assert_valid("KMS1.Example.TEST", DNAME_HOST);
	assert_valid("a", DNAME_HOST);
	assert_valid("a.", DNAME_HOST);
	assert_valid("1.2.3.4", DNAME_HOST);
	assert_valid("123abc.example", DNAME_HOST);
	assert_valid("a-b.example", DNAME_HOST);
	assert_valid("xn--bcher-kva.example", DNAME_HOST);
	assert_valid("0-9.a-z.example", DNAME_HOST);
}

static void
test_host_names_invalid(void **state)
{
	(void)state;
	assert_invalid("", DNAME_HOST, "name is empty");
	assert_invalid(".", DNAME_HOST, "root");
	assert_invalid("a..b", DNAME_HOST, "empty label");
	assert_invalid(".a", DNAME_HOST, "empty label");
	assert_invalid("..", DNAME_HOST, "empty label");
	assert_invalid("a..", DNAME_HOST, "empty label");
	assert_invalid("a b.example", DNAME_HOST,
		"label \"a b\" holds the character ' '");
	assert_invalid("a\\.b.example", DNAME_HOST, "character '\\'");
	assert_invalid("a\\046b.example", DNAME_HOST, "character '\\'");
	assert_invalid("*.example", DNAME_HOST, "character '*'");
	assert_invalid("a/b.example", DNAME_HOST, "character '/'");
	assert_invalid("a\tb.example", DNAME_HOST, "byte 0x09");
	assert_invalid("b\xc3\xbc" "cher.example", DNAME_HOST, "byte 0xc3");
	assert_invalid("-a.example", DNAME_HOST,
		"label \"-a\" starts with a hyphen");
	assert_invalid("a-.example", DNAME_HOST,
		"label \"a-\" ends with a hyphen");
	assert_invalid("example.-", DNAME_HOST, "starts with a hyphen");
	assert_invalid("_vlmcs._tcp.example", DNAME_HOST,
		"label \"_vlmcs\" holds the character '_', not allowed in a "
		"host name");
	assert_invalid("a_b.example", DNAME_HOST, "character '_'");
	assert_invalid("ab_.example", DNAME_HOST, "character '_'");
}

static void
test_owner_names(void **state)
{
	(void)state;
	assert_valid("_vlmcs._tcp.example.test", DNAME_OWNER);
	assert_valid("_VLMCS._TCP.Example.Test.", DNAME_OWNER);
	assert_valid("a_b.example", DNAME_OWNER);
	assert_valid("_", DNAME_OWNER);
	assert_valid("_-x.example", DNAME_OWNER);
	assert_valid("kms1.example.test", DNAME_OWNER);
	assert_invalid("-_x.example", DNAME_OWNER, "starts with a hyphen");
	assert_invalid("_x-.example", DNAME_OWNER, "ends with a hyphen");
	assert_invalid("_vlmcs.._tcp", DNAME_OWNER, "empty label");
	assert_invalid("a b", DNAME_OWNER,
		"character ' ', not allowed in an owner name");
	assert_invalid(".", DNAME_OWNER, "root");
}

static void
test_exact_messages(void **state)
{
	kd_err err;

	(void)state;
	assert_int_equal(dname_validate("kms1..example.test", DNAME_HOST,
		&err), KD_EINVAL);
	assert_string_equal(err.text, "\"kms1..example.test\": empty label");
	assert_int_equal(dname_validate("a-.example", DNAME_HOST, &err),
		KD_EINVAL);
	assert_string_equal(err.text,
		"\"a-.example\": label \"a-\" ends with a hyphen");
	/* A NULL kd_err is allowed. */
	assert_int_equal(dname_validate("a..b", DNAME_HOST, NULL), KD_EINVAL);
	assert_int_equal(dname_validate("a.b", DNAME_HOST, NULL), KD_OK);
}

static void
test_label_length(void **state)
{
	char label[80];
	char name[100];
	kd_err err;

	(void)state;
	build_label(label, 63);
	snprintf(name, sizeof(name), "%s.example", label);
	assert_valid(name, DNAME_HOST);
	assert_valid(label, DNAME_OWNER);

	build_label(label, 64);
	snprintf(name, sizeof(name), "%s.example", label);
	assert_int_equal(dname_validate(name, DNAME_HOST, &err), KD_EINVAL);
	assert_non_null(strstr(err.text,
		"is 64 characters long, more than 63"));
	snprintf(name, sizeof(name), "example.%s", label);
	assert_invalid(name, DNAME_OWNER, "more than 63");
}

static void
test_name_length(void **state)
{
	char name[400];
	char expected[400];
	kd_err err;

	(void)state;
	build_name(name, 253, 63);
	assert_int_equal(strlen(name), 253);
	assert_valid(name, DNAME_HOST);
	strcat(name, ".");
	assert_valid(name, DNAME_HOST);

	build_name(name, 254, 63);
	assert_int_equal(dname_validate(name, DNAME_HOST, &err), KD_EINVAL);
	snprintf(expected, sizeof(expected),
		"\"%s\": name is 254 characters long, more than 253", name);
	assert_string_equal(err.text, expected);

	/* Short labels: the length limit applies to the whole name. */
	build_name(name, 254, 1);
	assert_invalid(name, DNAME_HOST, "254 characters long");
	build_name(name, 253, 1);
	assert_valid(name, DNAME_HOST);

	/* Very long names are cut in the message, the reason stays. */
	build_name(name, 300, 63);
	assert_invalid(name, DNAME_OWNER,
		"...\": name is 300 characters long, more than 253");
}

static void
test_normalize(void **state)
{
	char out[DNAME_BUF_SIZE];
	char small[5];
	kd_err err;

	(void)state;
	assert_int_equal(dname_normalize("KMS1.Example.TEST.", DNAME_HOST,
		out, sizeof(out), &err), KD_OK);
	assert_string_equal(out, "kms1.example.test");
	assert_int_equal(dname_normalize("_VLMCS._TCP.Example", DNAME_OWNER,
		out, sizeof(out), &err), KD_OK);
	assert_string_equal(out, "_vlmcs._tcp.example");
	assert_int_equal(dname_normalize("_vlmcs._tcp.example", DNAME_HOST,
		out, sizeof(out), &err), KD_EINVAL);
	assert_int_equal(dname_normalize("a..b", DNAME_OWNER, out,
		sizeof(out), &err), KD_EINVAL);
	assert_string_equal(err.text, "\"a..b\": empty label");

	/* The output buffer needs room for the name and its NUL. */
	assert_int_equal(dname_normalize("AB.CD.", DNAME_HOST, small,
		sizeof(small), &err), KD_EFULL);
	assert_int_equal(dname_normalize("AB.C.", DNAME_HOST, small,
		sizeof(small), &err), KD_OK);
	assert_string_equal(small, "ab.c");

	char longest[DNAME_BUF_SIZE + 1];
	build_name(longest, 253, 63);
	strcat(longest, ".");
	assert_int_equal(dname_normalize(longest, DNAME_HOST, out,
		sizeof(out), &err), KD_OK);
	assert_int_equal(strlen(out), 253);
	assert_int_equal(dname_normalize(longest, DNAME_HOST, out,
		253, &err), KD_EFULL);
}

static void
test_tolower_and_strip_dot(void **state)
{
	char name[32];

	(void)state;
	strcpy(name, "AbC.-_Z\xc3\x89.");
	dname_tolower(name);
	assert_string_equal(name, "abc.-_z\xc3\x89.");

	strcpy(name, "a.b.");
	dname_strip_dot(name);
	assert_string_equal(name, "a.b");
	dname_strip_dot(name);
	assert_string_equal(name, "a.b");
	strcpy(name, "a..");
	dname_strip_dot(name);
	assert_string_equal(name, "a.");
	strcpy(name, ".");
	dname_strip_dot(name);
	assert_string_equal(name, ".");
	strcpy(name, "");
	dname_strip_dot(name);
	assert_string_equal(name, "");
}

static void
test_label_count(void **state)
{
	(void)state;
	assert_int_equal(dname_label_count(""), 0);
	assert_int_equal(dname_label_count("."), 0);
	assert_int_equal(dname_label_count("test"), 1);
	assert_int_equal(dname_label_count("example.test"), 2);
	assert_int_equal(dname_label_count("example.test."), 2);
	assert_int_equal(dname_label_count("_vlmcs._tcp.example.test"), 4);
}

static void
test_is_subdomain(void **state)
{
	(void)state;
	assert_true(dname_is_subdomain("kms1.example.test", "example.test"));
	assert_true(dname_is_subdomain("a.b.example.test", "example.test"));
	assert_true(dname_is_subdomain("example.test", "example.test"));
	assert_true(dname_is_subdomain("KMS1.EXAMPLE.Test", "example.TEST"));
	assert_true(dname_is_subdomain("kms1.example.test.", "example.test"));
	assert_true(dname_is_subdomain("kms1.example.test", "example.test."));
	assert_true(dname_is_subdomain("example.test.", "example.test"));
	assert_true(dname_is_subdomain("_vlmcs._tcp.example.test",
		"example.test"));

	assert_false(dname_is_subdomain("badexample.test", "example.test"));
	assert_false(dname_is_subdomain("xample.test", "example.test"));
	assert_false(dname_is_subdomain("example.test", "kms1.example.test"));
	assert_false(dname_is_subdomain("test", "example.test"));
	assert_false(dname_is_subdomain("example.testing", "example.test"));
	assert_false(dname_is_subdomain("example.test.other", "example.test"));
	assert_false(dname_is_subdomain("example.org", "example.test"));

	/* Everything is below the root, the root below nothing else. */
	assert_true(dname_is_subdomain("example.test", "."));
	assert_true(dname_is_subdomain(".", "."));
	assert_true(dname_is_subdomain("test", "."));
	assert_false(dname_is_subdomain(".", "test"));
	assert_false(dname_is_subdomain("", "test"));
}

static void
test_equal(void **state)
{
	(void)state;
	assert_true(dname_equal("Example.TEST", "example.test."));
	assert_true(dname_equal("example.test.", "example.test"));
	assert_true(dname_equal(".", "."));
	assert_false(dname_equal("example.test", "example.tes"));
	assert_false(dname_equal("example.test", "xample.test"));
	assert_false(dname_equal("a.example", "b.example"));
	assert_false(dname_equal("example", "."));
}

static void
test_parent(void **state)
{
	const char *name = "kms1.example.test";

	(void)state;
	assert_ptr_equal(dname_parent(name), name + 5);
	assert_string_equal(dname_parent(name), "example.test");
	assert_string_equal(dname_parent("example.test"), "test");
	assert_string_equal(dname_parent("_vlmcs._tcp.example"),
		"_tcp.example");
	assert_string_equal(dname_parent("test"), ".");
	assert_string_equal(dname_parent("."), ".");
	assert_true(dname_is_subdomain(name, dname_parent(name)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_names_valid),
		cmocka_unit_test(test_host_names_invalid),
		cmocka_unit_test(test_owner_names),
		cmocka_unit_test(test_exact_messages),
		cmocka_unit_test(test_label_length),
		cmocka_unit_test(test_name_length),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_tolower_and_strip_dot),
		cmocka_unit_test(test_label_count),
		cmocka_unit_test(test_is_subdomain),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_parent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
