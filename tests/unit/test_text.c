/*
 * test_text.c -- unit tests of common/text.c: shortened input in messages,
 * ASCII case folding and the decimal-number parser.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "text.h"

static void
test_shortened(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(kd_text_shown(3, 5), 3);
	assert_int_equal(kd_text_shown(5, 5), 5);
	assert_int_equal(kd_text_shown(6, 5), 5);
	assert_string_equal(kd_text_ellipsis(5, 5), "");
	assert_string_equal(kd_text_ellipsis(6, 5), "...");
	(void)snprintf(buf, sizeof(buf), "\"%.*s%s\"",
		KD_TEXT_SHORT("abcdefgh", 8, 3));
	assert_string_equal(buf, "\"abc...\"");
	(void)snprintf(buf, sizeof(buf), "\"%.*s%s\"",
		KD_TEXT_SHORT("abcdefgh", 2, 3));
	assert_string_equal(buf, "\"ab\"");
}

static void
test_ascii_lower(void **state)
{
	(void)state;
	assert_int_equal(kd_ascii_lower('A'), 'a');
	assert_int_equal(kd_ascii_lower('Z'), 'z');
	assert_int_equal(kd_ascii_lower('a'), 'a');
	assert_int_equal(kd_ascii_lower('@'), '@');
	assert_int_equal(kd_ascii_lower('['), '[');
	assert_int_equal(kd_ascii_lower('\xc4'), '\xc4');
}

static void
test_parse_uint(void **state)
{
	kd_err err;
	uint64_t value = 7;

	(void)state;
	assert_int_equal(kd_parse_uint("65535", KD_TEXT_NUL, 0, 65535, "port",
		&value, &err), KD_OK);
	assert_int_equal(value, 65535);
	assert_int_equal(kd_parse_uint("0012", KD_TEXT_NUL, 0, 100, "n",
		&value, &err), KD_OK);
	assert_int_equal(value, 12);
	/* LEN bounds the text: "12" of "123" */
	assert_int_equal(kd_parse_uint("123", 2, 0, 100, "n", &value, &err),
		KD_OK);
	assert_int_equal(value, 12);
	assert_int_equal(kd_parse_uint("18446744073709551615", KD_TEXT_NUL, 0,
		UINT64_MAX, "n", &value, &err), KD_OK);
	assert_true(value == UINT64_MAX);

	value = 7;
	assert_int_equal(kd_parse_uint("", KD_TEXT_NUL, 0, 9, "weight", &value,
		&err), KD_ESYNTAX);
	assert_string_equal(err.text, "weight is empty");
	assert_int_equal(kd_parse_uint("1x", KD_TEXT_NUL, 0, 9, "priority",
		&value, &err), KD_ESYNTAX);
	assert_string_equal(err.text, "priority \"1x\" is not a decimal number");
	assert_int_equal(kd_parse_uint("+1", KD_TEXT_NUL, 0, 9, "n", &value,
		&err), KD_ESYNTAX);
	assert_int_equal(kd_parse_uint(" 1", KD_TEXT_NUL, 0, 9, "n", &value,
		&err), KD_ESYNTAX);
	/* a non-digit after an overflow is still a syntax error */
	assert_int_equal(kd_parse_uint("99999999999999999999999x", KD_TEXT_NUL,
		0, 9, "n", &value, &err), KD_ESYNTAX);
	assert_int_equal(kd_parse_uint("70000", KD_TEXT_NUL, 0, 65535,
		"weight", &value, &err), KD_ERANGE);
	assert_string_equal(err.text, "weight 70000 is out of range 0-65535");
	assert_int_equal(kd_parse_uint("0", KD_TEXT_NUL, 1, 600000, "timeout",
		&value, &err), KD_ERANGE);
	assert_string_equal(err.text, "timeout 0 is out of range 1-600000");
	assert_int_equal(kd_parse_uint("18446744073709551616", KD_TEXT_NUL, 0,
		UINT64_MAX, "n", &value, &err), KD_ERANGE);
	assert_int_equal(kd_parse_uint("10", KD_TEXT_NUL, 0, 5, "n", &value,
		NULL), KD_ERANGE);
	assert_int_equal(value, 7);
}

static void
test_parse_uint_shortens(void **state)
{
	char digits[200];
	kd_err err;
	uint64_t value;

	(void)state;
	memset(digits, '1', sizeof(digits) - 1);
	digits[sizeof(digits) - 1] = '\0';
	assert_int_equal(kd_parse_uint(digits, KD_TEXT_NUL, 0, 9, "n", &value,
		&err), KD_ERANGE);
	assert_non_null(strstr(err.text, "1... is out of range 0-9"));
	assert_true(strlen(err.text) < 2 + KD_TEXT_SHOWN_NUMBER + 30);
}

static void
test_check_input(void **state)
{
	kd_err err;

	(void)state;
	assert_int_equal(kd_text_check_input("a\nb", 3, "f.conf", &err), KD_OK);
	assert_int_equal(kd_text_check_input(NULL, 0, "f.conf", &err), KD_OK);
	assert_int_equal(kd_text_check_input(NULL, 2, "f.conf", &err),
		KD_EINVAL);
	assert_string_equal(err.text, "f.conf: no text given");
	assert_int_equal(kd_text_check_input("a\nb\n\0c", 6, "f.conf", &err),
		KD_ESYNTAX);
	assert_string_equal(err.text, "f.conf:3: NUL byte in the text");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shortened),
		cmocka_unit_test(test_ascii_lower),
		cmocka_unit_test(test_parse_uint),
		cmocka_unit_test(test_parse_uint_shortens),
		cmocka_unit_test(test_check_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
