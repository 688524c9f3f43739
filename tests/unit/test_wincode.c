/*
 * test_wincode.c -- unit tests of common/wincode.c and common/kd_result.c.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kd_result.h"
#include "wincode.h"

/* Every code of kd_result, so a new code without text fails here. */
#define KD_RESULT_FIRST KD_EFULL
#define KD_RESULT_COUNT 25

static void
test_strerror_every_code(void **state)
{
	(void)state;
	for (int code = 0; code >= (int)KD_RESULT_FIRST; code--) {
		const char *text = kd_strerror((kd_result)code);

		assert_non_null(text);
		assert_true(strlen(text) > 0);
		assert_string_not_equal(text, "unknown error");
		/* Texts are distinct, so a message says which code it was. */
		for (int other = 0; other > code; other--)
			assert_string_not_equal(text,
				kd_strerror((kd_result)other));
	}
	assert_int_equal(-(int)KD_RESULT_FIRST + 1, KD_RESULT_COUNT);
}

static void
test_strerror_known_texts(void **state)
{
	(void)state;
	assert_string_equal(kd_strerror(KD_OK), "success");
	assert_string_equal(kd_strerror(KD_ENOMEM), "out of memory");
	assert_string_equal(kd_strerror(KD_ERANGE), "number out of range");
	assert_non_null(strstr(kd_strerror(KD_EREFUSED), "REFUSED"));
	assert_non_null(strstr(kd_strerror(KD_ENXDOMAIN), "NXDOMAIN"));
	assert_non_null(strstr(kd_strerror(KD_EBADSIG), "BADSIG"));
}

static void
test_strerror_unknown(void **state)
{
	(void)state;
	assert_string_equal(kd_strerror((kd_result)-99), "unknown error");
	assert_string_equal(kd_strerror((kd_result)7), "unknown error");
}

static void
test_err_set_formats_and_returns(void **state)
{
	kd_err err;

	(void)state;
	assert_int_equal(kd_err_set(&err, KD_ERANGE,
		"%s:%u: weight %d is out of range 0-65535", "publish.conf",
		12u, 70000), KD_ERANGE);
	assert_string_equal(err.text,
		"publish.conf:12: weight 70000 is out of range 0-65535");
	kd_err_clear(&err);
	assert_string_equal(err.text, "");
}

static void
test_err_set_null(void **state)
{
	(void)state;
	assert_int_equal(kd_err_set(NULL, KD_EIO, "x %d", 1), KD_EIO);
	kd_err_clear(NULL);
}

static void
test_err_set_truncates(void **state)
{
	char big[KD_ERR_TEXT_MAX * 2];
	kd_err err;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(kd_err_set(&err, KD_EINVAL, "%s", big), KD_EINVAL);
	assert_int_equal(strlen(err.text), KD_ERR_TEXT_MAX - 1);
}

/* The codes the brief requires, with their symbols and sides. */
static const struct {
	uint32_t code;
	wincode_side side;
	const char *symbol;
} expected_codes[] = {
	{ 0x8007232BU, WINCODE_CLIENT, "DNS_ERROR_RCODE_NAME_ERROR" },
	{ 0x8007251DU, WINCODE_CLIENT, "DNS_INFO_NO_RECORDS" },
	{ 0x8007007BU, WINCODE_CLIENT, "ERROR_INVALID_NAME" },
	{ 0x80092328U, WINCODE_CLIENT, NULL },
	{ 0x8007232AU, WINCODE_CLIENT, "DNS_ERROR_RCODE_SERVER_FAILURE" },
	{ 0x800706BAU, WINCODE_CLIENT, "RPC_S_SERVER_UNAVAILABLE" },
	{ 0xC004F039U, WINCODE_CLIENT, "SL_E_VL_BINDING_SERVICE_NOT_ENABLED" },
	{ 0xC004F074U, WINCODE_CLIENT, "SL_E_VL_BINDING_SERVICE_UNAVAILABLE" },
	{ 0x8007232DU, WINCODE_HOST, "DNS_ERROR_RCODE_REFUSED" },
	{ 0x80072331U, WINCODE_HOST, "DNS_ERROR_RCODE_NOTAUTH" },
	{ 0x80072332U, WINCODE_HOST, "DNS_ERROR_RCODE_NOTZONE" },
	{ 0x80072338U, WINCODE_HOST, "DNS_ERROR_RCODE_BADSIG" },
};

#define EXPECTED_COUNT (sizeof(expected_codes) / sizeof(expected_codes[0]))

static void
test_lookup_every_code(void **state)
{
	(void)state;
	for (size_t i = 0; i < EXPECTED_COUNT; i++) {
		const wincode *wc = wincode_lookup(expected_codes[i].code);

		assert_non_null(wc);
		assert_int_equal(wc->code, expected_codes[i].code);
		assert_int_equal(wc->side, expected_codes[i].side);
		assert_non_null(wc->symbol);
		if (expected_codes[i].symbol != NULL)
			assert_string_equal(wc->symbol,
				expected_codes[i].symbol);
		assert_non_null(wc->meaning);
		assert_non_null(wc->dns_cause);
		assert_non_null(wc->remedy);
		assert_true(strlen(wc->symbol) > 0);
		assert_true(strlen(wc->meaning) > 0);
		assert_true(strlen(wc->dns_cause) > 0);
		assert_true(strlen(wc->remedy) > 0);
	}
}

static void
test_lookup_unknown(void **state)
{
	(void)state;
	assert_null(wincode_lookup(0));
	assert_null(wincode_lookup(0xC004F038U));
	assert_null(wincode_lookup(0xFFFFFFFFU));
}

static void
test_table_matches_lookup(void **state)
{
	size_t count = 0;
	const wincode *table = wincode_table(&count);

	(void)state;
	assert_non_null(table);
	assert_int_equal(count, EXPECTED_COUNT);
	for (size_t i = 0; i < count; i++) {
		assert_ptr_equal(wincode_lookup(table[i].code), &table[i]);
		for (size_t j = 0; j < i; j++)
			assert_int_not_equal(table[i].code, table[j].code);
	}
	assert_ptr_equal(wincode_table(NULL), table);
}

/* 0x8007xxxx codes are HRESULT_FROM_WIN32 of the Win32 error xxxx. */
static void
test_win32_codes(void **state)
{
	static const struct {
		uint32_t code;
		unsigned win32;
	} win32[] = {
		{ WINCODE_NXDOMAIN, 9003 },
		{ WINCODE_NO_RECORDS, 9501 },
		{ WINCODE_INVALID_NAME, 123 },
		{ WINCODE_SERVER_FAILURE, 9002 },
		{ WINCODE_RPC_UNAVAILABLE, 1722 },
		{ WINCODE_PUB_REFUSED, 9005 },
		{ WINCODE_PUB_NOTAUTH, 9009 },
		{ WINCODE_PUB_NOTZONE, 9010 },
		{ WINCODE_PUB_BADSIG, 9016 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(win32) / sizeof(win32[0]); i++) {
		assert_int_equal(win32[i].code, 0x80070000U | win32[i].win32);
		assert_non_null(wincode_lookup(win32[i].code));
	}
}

static void
test_update_rcode(void **state)
{
	(void)state;
	assert_int_equal(wincode_for_update_rcode(5), WINCODE_PUB_REFUSED);
	assert_int_equal(wincode_for_update_rcode(9), WINCODE_PUB_NOTAUTH);
	assert_int_equal(wincode_for_update_rcode(10), WINCODE_PUB_NOTZONE);
	assert_int_equal(wincode_for_update_rcode(16), WINCODE_PUB_BADSIG);
	for (unsigned rcode = 0; rcode < 4096; rcode++) {
		uint32_t code = wincode_for_update_rcode(rcode);

		if (rcode == 5 || rcode == 9 || rcode == 10 || rcode == 16) {
			assert_non_null(wincode_lookup(code));
			assert_int_equal(wincode_lookup(code)->side,
				WINCODE_HOST);
		} else {
			assert_int_equal(code, 0);
		}
	}
	assert_int_equal(wincode_for_update_rcode(0xFFFFFFFFU), 0);
}

static void
test_refused_remedy(void **state)
{
	const wincode *wc = wincode_lookup(WINCODE_PUB_REFUSED);

	(void)state;
	assert_non_null(strstr(wc->remedy, "kmsdns-registry grant"));
	assert_non_null(strstr(wc->remedy, "update-policy"));
	assert_non_null(strstr(wincode_lookup(WINCODE_NXDOMAIN)->dns_cause,
		"NXDOMAIN"));
}

static void
test_format(void **state)
{
	char out[16];

	(void)state;
	wincode_format(WINCODE_NXDOMAIN, out, sizeof(out));
	assert_string_equal(out, "0x8007232B");
	wincode_format(WINCODE_NO_KMS, out, sizeof(out));
	assert_string_equal(out, "0xC004F074");
	wincode_format(0x7B, out, sizeof(out));
	assert_string_equal(out, "0x0000007B");
	wincode_format(0xFFFFFFFFU, out, 11);
	assert_string_equal(out, "0xFFFFFFFF");
}

static void
test_format_small_buffer(void **state)
{
	char out[8] = "unused";

	(void)state;
	wincode_format(WINCODE_NXDOMAIN, out, 5);
	assert_string_equal(out, "0x80");
	memcpy(out, "unused", 7);
	wincode_format(WINCODE_NXDOMAIN, out, 0);
	assert_string_equal(out, "unused");
	wincode_format(WINCODE_NXDOMAIN, NULL, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strerror_every_code),
		cmocka_unit_test(test_strerror_known_texts),
		cmocka_unit_test(test_strerror_unknown),
		cmocka_unit_test(test_err_set_formats_and_returns),
		cmocka_unit_test(test_err_set_null),
		cmocka_unit_test(test_err_set_truncates),
		cmocka_unit_test(test_lookup_every_code),
		cmocka_unit_test(test_lookup_unknown),
		cmocka_unit_test(test_table_matches_lookup),
		cmocka_unit_test(test_win32_codes),
		cmocka_unit_test(test_update_rcode),
		cmocka_unit_test(test_refused_remedy),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_small_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
