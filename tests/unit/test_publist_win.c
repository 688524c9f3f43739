/*
 * test_publist_win.c -- unit tests of common/publist_win.c: publish lists
 * as Windows exports them (reg query, .reg) and as plain lines.
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

#include "publist_win.h"

/* LIST is exactly corp.example.test 0/100 then branch.example.test 10/50. */
static void
assert_windows_pair(const publist *list)
{
	assert_int_equal(list->count, 2);
	assert_string_equal(list->entries[0].domain, "corp.example.test");
	assert_int_equal(list->entries[0].priority, 0);
	assert_int_equal(list->entries[0].weight, 100);
	assert_string_equal(list->entries[1].domain, "branch.example.test");
	assert_int_equal(list->entries[1].priority, 10);
	assert_int_equal(list->entries[1].weight, 50);
}

/* Parse the C string TEXT (LEN bytes) and check the Windows pair. */
static void
assert_parses_to_pair(const char *text, size_t len)
{
	publist list;
	kd_err err;

	publist_init(&list);
	kd_err_clear(&err);
	assert_int_equal(publist_win_parse(text, len, "list", &list, &err),
		KD_OK);
	assert_windows_pair(&list);
	publist_free(&list);
}

/* TEXT fails with CODE and exactly MESSAGE; LIST keeps its one entry. */
static void
assert_win_error(const char *text, size_t len, kd_result code,
	const char *message)
{
	publist list;
	publist_entry seed;
	kd_err err;

	publist_init(&list);
	assert_int_equal(publist_parse_entry("seed.test", &seed, NULL), KD_OK);
	assert_int_equal(publist_add(&list, &seed, NULL), KD_OK);
	kd_err_clear(&err);
	assert_int_equal(publist_win_parse(text, len, "list", &list, &err),
		code);
	assert_string_equal(err.text, message);
	assert_int_equal(list.count, 1);
	publist_free(&list);
}

static void
test_reg_query_file(void **state)
{
	publist list;
	kd_err err;

	(void)state;
	publist_init(&list);
	assert_int_equal(publist_win_parse_file(TEST_DATA_DIR
		"/publist-reg-query.txt", &list, &err), KD_OK);
	assert_windows_pair(&list);
	assert_int_equal(list.entries[0].line, 3);
	publist_free(&list);
}

static void
test_reg_export_file(void **state)
{
	publist list;
	kd_err err;

	(void)state;
	publist_init(&list);
	assert_int_equal(publist_win_parse_file(TEST_DATA_DIR
		"/publist-export.reg", &list, &err), KD_OK);
	assert_windows_pair(&list);
	publist_free(&list);
}

static void
test_pasted_and_plain(void **state)
{
	static const char pasted[] =
		"corp.example.test,0,100\\0branch.example.test,10,50\r\n";
	static const char plain[] = "# the list\n"
		"corp.example.test, 0, 100\n\nbranch.example.test,10,50 ; b\n";
	static const char regedit4[] = "REGEDIT4\r\n\r\n[HKEY_X]\r\n"
		"\"DnsDomainPublishList\"=hex(7):63,6f,72,70,2e,65,78,61,6d,70,\\\r\n"
		"  6c,65,2e,74,65,73,74,2c,30,2c,31,30,30,00,62,72,61,6e,63,68,\\\r\n"
		"  2e,65,78,61,6d,70,6c,65,2e,74,65,73,74,2c,31,30,2c,35,30,00,00\r\n";

	(void)state;
	assert_parses_to_pair(pasted, strlen(pasted));
	assert_parses_to_pair(plain, strlen(plain));
	assert_parses_to_pair(regedit4, strlen(regedit4));
	/* a UTF-8 byte-order mark is skipped */
	assert_parses_to_pair("\xef\xbb\xbf" "corp.example.test,0,100\n"
		"branch.example.test,10,50", 3 + 24 + 25);
}

static void
test_errors(void **state)
{
	static const char utf16_bad[] = "\xff\xfe" "a\0\xe9\0";

	(void)state;
	assert_win_error("a.test\\0b..test,1,1\n", 19, KD_EINVAL,
		"list:1: entry 2: \"b..test,1,1\": \"b..test\": empty label");
	assert_win_error("x    REG_SZ    a.test\r\n", 23, KD_ESYNTAX,
		"list:1: not a DnsDomainPublishList REG_MULTI_SZ value line");
	assert_win_error("\"DnsDomainPublishList\"=\"a.test\"\r\n", 33,
		KD_ESYNTAX,
		"list:1: DnsDomainPublishList is not hex(7) (REG_MULTI_SZ)");
	assert_win_error("\"DnsDomainPublishList\"=hex(7):61,zz\r\n", 37,
		KD_ESYNTAX, "list:1: \"zz\" is not a hex byte");
	assert_win_error(utf16_bad, sizeof(utf16_bad) - 1, KD_ESYNTAX,
		"list: character U+00E9 at byte 2 is not ASCII");
	assert_win_error("a.test\\0A.test.,1,1\n", 20, KD_EEXIST,
		"list:1: entry 2: domain a.test is already listed on line 1");
	assert_win_error("seed.test\n", 10, KD_EEXIST,
		"list:1: domain seed.test is already listed");
	assert_win_error("# nothing\r\n\\0\r\n", 15, KD_ENOENT,
		"list: no domain in it");
	assert_win_error("\xff\x01junk\n", 7, KD_ESYNTAX,
		"list:1: \"\\xff\\x01junk\" holds a byte that is not "
		"printable ASCII");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reg_query_file),
		cmocka_unit_test(test_reg_export_file),
		cmocka_unit_test(test_pasted_and_plain),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
