/*
 * test_publist.c -- unit tests of common/publist.c.
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

#include "kd_file.h"
#include "kd_result.h"
#include "publist.h"

/* Parse the C string TEXT, named SOURCE, into LIST. */
static kd_result
parse_as(const char *text, const char *source, publist *list, kd_err *err)
{
	return publist_parse_text(text, strlen(text), source, list, err);
}

static kd_result
parse(const char *text, publist *list, kd_err *err)
{
	return parse_as(text, "publish.conf", list, err);
}

/* Read the file PATH (as kd_file reads every configuration file) and parse it. */
static kd_result
parse_file(const char *path, publist *list, kd_err *err)
{
	char *text = NULL;
	size_t len = 0;
	kd_result ret = kd_file_read(path, 1024 * 1024, &text, &len, err);

	if (ret == KD_OK) {
		ret = publist_parse_text(text, len, path, list, err);
	}
	free(text);
	return ret;
}

/* Parse the entry TEXT and check that it fails with CODE and MESSAGE. */
static void
assert_entry_error(const char *text, kd_result code, const char *message)
{
	publist_entry entry;
	kd_err err;

	memset(&entry, 0x5a, sizeof(entry));
	kd_err_clear(&err);
	assert_int_equal(publist_parse_entry(text, &entry, &err), code);
	assert_string_equal(err.text, message);
	/* OUT is untouched on error. */
	for (size_t i = 0; i < sizeof(entry); i++)
		assert_int_equal(((unsigned char *)&entry)[i], 0x5a);
}

/* Parse TEXT and check that it fails with CODE and MESSAGE. */
static void
assert_text_error(const char *text, kd_result code, const char *message)
{
	publist list;
	kd_err err;

	publist_init(&list);
	kd_err_clear(&err);
	assert_int_equal(parse(text, &list, &err), code);
	assert_string_equal(err.text, message);
	assert_int_equal(list.count, 0);
	assert_null(list.entries);
	publist_free(&list);
}

static void
assert_entry(const publist_entry *entry, const char *domain,
	uint16_t priority, uint16_t weight, unsigned line)
{
	assert_string_equal(entry->domain, domain);
	assert_int_equal(entry->priority, priority);
	assert_int_equal(entry->weight, weight);
	assert_int_equal(entry->line, line);
}

static void
test_entry_forms(void **state)
{
	publist_entry entry;
	kd_err err;

	(void)state;
	assert_int_equal(publist_parse_entry("corp.example.test", &entry,
		&err), KD_OK);
	assert_entry(&entry, "corp.example.test", 0, 0, 0);
	assert_int_equal(publist_parse_entry("Corp.Example.TEST., 10, 50",
		&entry, &err), KD_OK);
	assert_entry(&entry, "corp.example.test", 10, 50, 0);
	assert_int_equal(publist_parse_entry("corp.example.test,10", &entry,
		&err), KD_OK);
	assert_entry(&entry, "corp.example.test", 10, 0, 0);
	assert_int_equal(publist_parse_entry(
		" \tcorp.example.test\t,\t65535 , 0 ", &entry, &err), KD_OK);
	assert_entry(&entry, "corp.example.test", 65535, 0, 0);
	assert_int_equal(publist_parse_entry("_msdcs.example.test,007,0010",
		&entry, &err), KD_OK);
	assert_entry(&entry, "_msdcs.example.test", 7, 10, 0);
	assert_int_equal(publist_parse_entry("test,0,65535", &entry, &err),
		KD_OK);
	assert_entry(&entry, "test", 0, 65535, 0);
}

static void
test_entry_range(void **state)
{
	(void)state;
	assert_entry_error("corp.example.test,1,70000", KD_ERANGE,
		"weight 70000 is out of range 0-65535");
	assert_entry_error("corp.example.test,65536", KD_ERANGE,
		"priority 65536 is out of range 0-65535");
	assert_entry_error("corp.example.test,99999999999999999999999,0",
		KD_ERANGE,
		"priority 99999999999999999999999 is out of range 0-65535");
	assert_entry_error("corp.example.test,0,18446744073709551617",
		KD_ERANGE,
		"weight 18446744073709551617 is out of range 0-65535");
}

static void
test_entry_not_decimal(void **state)
{
	(void)state;
	assert_entry_error("corp.example.test,+1", KD_ESYNTAX,
		"priority \"+1\" is not a decimal number");
	assert_entry_error("corp.example.test,-1", KD_ESYNTAX,
		"priority \"-1\" is not a decimal number");
	assert_entry_error("corp.example.test,1x", KD_ESYNTAX,
		"priority \"1x\" is not a decimal number");
	assert_entry_error("corp.example.test,0x10", KD_ESYNTAX,
		"priority \"0x10\" is not a decimal number");
	assert_entry_error("corp.example.test,1,2 3", KD_ESYNTAX,
		"weight \"2 3\" is not a decimal number");
	assert_entry_error("corp.example.test,1,1.5", KD_ESYNTAX,
		"weight \"1.5\" is not a decimal number");
}

static void
test_entry_empty_fields(void **state)
{
	(void)state;
	assert_entry_error("", KD_ESYNTAX, "domain is empty");
	assert_entry_error("  \t ", KD_ESYNTAX, "domain is empty");
	assert_entry_error(",1,2", KD_ESYNTAX, "domain is empty");
	assert_entry_error("corp.example.test,", KD_ESYNTAX,
		"priority is empty");
	assert_entry_error("corp.example.test, ,5", KD_ESYNTAX,
		"priority is empty");
	assert_entry_error("corp.example.test,1,", KD_ESYNTAX,
		"weight is empty");
}

static void
test_entry_too_many_fields(void **state)
{
	(void)state;
	assert_entry_error("corp.example.test,1,2,3", KD_ESYNTAX,
		"too many fields: expected domain[,priority[,weight]]");
	assert_entry_error("corp.example.test,1,2,", KD_ESYNTAX,
		"too many fields: expected domain[,priority[,weight]]");
}

static void
test_entry_bad_domain(void **state)
{
	(void)state;
	assert_entry_error("bad..name", KD_EINVAL,
		"\"bad..name\": empty label");
	assert_entry_error("bad..name, 1, 2", KD_EINVAL,
		"\"bad..name\": empty label");
	assert_entry_error(".", KD_EINVAL,
		"\".\": the root is not allowed here");
	assert_entry_error("corp example.test", KD_EINVAL,
		"\"corp example.test\": label \"corp example\" holds the "
		"character ' ', not allowed in an owner name");
}

static void
test_entry_long_fields(void **state)
{
	char text[600];
	publist_entry entry;
	kd_err err;

	(void)state;
	/* A 300-digit priority is shown cut short. */
	strcpy(text, "corp.example.test,");
	memset(text + strlen(text), '1', 300);
	text[18 + 300] = '\0';
	assert_int_equal(publist_parse_entry(text, &entry, &err), KD_ERANGE);
	assert_int_equal(strncmp(err.text, "priority 1111", 13), 0);
	assert_non_null(strstr(err.text, "1... is out of range 0-65535"));

	/* A name far longer than 253 characters. */
	memset(text, 'a', 500);
	text[500] = '\0';
	assert_int_equal(publist_parse_entry(text, &entry, &err), KD_EINVAL);
	assert_non_null(strstr(err.text, "more than"));
}

static void
test_entry_null(void **state)
{
	publist_entry entry;
	kd_err err;

	(void)state;
	assert_int_equal(publist_parse_entry(NULL, &entry, &err), KD_EINVAL);
	assert_int_equal(publist_parse_entry("a.test", NULL, &err),
		KD_EINVAL);
}

static void
test_add_and_duplicates(void **state)
{
	publist list;
	publist_entry entry;
	kd_err err;

	(void)state;
	publist_init(&list);
	assert_int_equal(publist_parse_entry("corp.example.test,1,2", &entry,
		&err), KD_OK);
	entry.line = 2;
	assert_int_equal(publist_add(&list, &entry, &err), KD_OK);
	assert_int_equal(publist_parse_entry("other.example.test", &entry,
		&err), KD_OK);
	assert_int_equal(publist_add(&list, &entry, &err), KD_OK);
	assert_int_equal(list.count, 2);

	assert_int_equal(publist_parse_entry("CORP.example.test.,5,5",
		&entry, &err), KD_OK);
	entry.line = 7;
	assert_int_equal(publist_add(&list, &entry, &err), KD_EEXIST);
	assert_string_equal(err.text, "line 7: domain corp.example.test is "
		"already listed on line 2");
	entry.line = 0;
	assert_int_equal(publist_add(&list, &entry, &err), KD_EEXIST);
	assert_string_equal(err.text,
		"domain corp.example.test is already listed on line 2");
	assert_int_equal(publist_parse_entry("other.example.test", &entry,
		&err), KD_OK);
	assert_int_equal(publist_add(&list, &entry, &err), KD_EEXIST);
	assert_string_equal(err.text,
		"domain other.example.test is already listed");
	assert_int_equal(list.count, 2);
	assert_entry(&list.entries[0], "corp.example.test", 1, 2, 2);
	assert_entry(&list.entries[1], "other.example.test", 0, 0, 0);

	publist_free(&list);
	assert_int_equal(list.count, 0);
	assert_null(list.entries);
	publist_free(&list);
}

static void
test_text_lines_and_comments(void **state)
{
	publist list;
	kd_err err;

	(void)state;
	publist_init(&list);
	assert_int_equal(parse("# header\n"
		"\n"
		"a.example.test\n"
		"  ; indented comment\n"
		"b.example.test, 1 , 2 # trailing\n"
		"c.example.test;trailing\n"
		"d.example.test#trailing\n"
		"\t \n"
		"e.example.test,3", &list, &err), KD_OK);
	assert_int_equal(list.count, 5);
	assert_entry(&list.entries[0], "a.example.test", 0, 0, 3);
	assert_entry(&list.entries[1], "b.example.test", 1, 2, 5);
	assert_entry(&list.entries[2], "c.example.test", 0, 0, 6);
	assert_entry(&list.entries[3], "d.example.test", 0, 0, 7);
	assert_entry(&list.entries[4], "e.example.test", 3, 0, 9);
	publist_free(&list);
}

static void
test_text_empty(void **state)
{
	publist list;
	kd_err err;

	(void)state;
	publist_init(&list);
	assert_int_equal(publist_parse_text("", 0, "empty", &list, &err),
		KD_OK);
	assert_int_equal(publist_parse_text(NULL, 0, "empty", &list, &err),
		KD_OK);
	assert_int_equal(parse("# only comments\n; and more\n\n", &list,
		&err), KD_OK);
	assert_int_equal(list.count, 0);
	publist_free(&list);
}

static void
test_text_crlf(void **state)
{
	publist list;
	kd_err err;

	(void)state;
	publist_init(&list);
	assert_int_equal(parse("a.example.test,1,2\r\n"
		"# comment\r\n"
		"\r\n"
		"b.example.test , 3 , 4 \r\n"
		"c.example.test,5\r", &list, &err), KD_OK);
	assert_int_equal(list.count, 3);
	assert_entry(&list.entries[0], "a.example.test", 1, 2, 1);
	assert_entry(&list.entries[1], "b.example.test", 3, 4, 4);
	assert_entry(&list.entries[2], "c.example.test", 5, 0, 5);
	publist_free(&list);

	/* A CR inside a line is not a line end. */
	assert_text_error("a.example.test\r,1\n", KD_EINVAL,
		"publish.conf:1: \"a.example.test\r\": label \"test\r\" holds "
		"the byte 0x0d, not allowed in an owner name");
}

static void
test_text_error_messages(void **state)
{
	(void)state;
	assert_text_error("# 1\n# 2\n# 3\n# 4\n# 5\n# 6\n# 7\n# 8\n# 9\n"
		"# 10\n# 11\ncorp.example.test, 10, 70000\n", KD_ERANGE,
		"publish.conf:12: weight 70000 is out of range 0-65535");
	assert_text_error("a.example.test\n\nbad..name\n", KD_EINVAL,
		"publish.conf:3: \"bad..name\": empty label");
	assert_text_error("x.example.test\ncorp.example.test\n\n\n\n\n"
		"Corp.Example.Test., 1, 1\n", KD_EEXIST,
		"publish.conf:7: domain corp.example.test is already listed "
		"on line 2");
	assert_text_error("a.example.test,+1\n", KD_ESYNTAX,
		"publish.conf:1: priority \"+1\" is not a decimal number");
	assert_text_error("a.example.test,1,-1\n", KD_ESYNTAX,
		"publish.conf:1: weight \"-1\" is not a decimal number");
	assert_text_error("\na.example.test,1x\n", KD_ESYNTAX,
		"publish.conf:2: priority \"1x\" is not a decimal number");
	assert_text_error("a.example.test,1,2,3\n", KD_ESYNTAX,
		"publish.conf:1: too many fields: expected "
		"domain[,priority[,weight]]");
	assert_text_error("a.example.test,,2 # no priority\n", KD_ESYNTAX,
		"publish.conf:1: priority is empty");
	assert_text_error(" , 1, 2\n", KD_ESYNTAX,
		"publish.conf:1: domain is empty");
	assert_text_error("a.example.test,1, ; no weight\n", KD_ESYNTAX,
		"publish.conf:1: weight is empty");
	/* The CRLF line end does not hide an error on the next line. */
	assert_text_error("a.example.test\r\nb.example.test,65536\r\n",
		KD_ERANGE,
		"publish.conf:2: priority 65536 is out of range 0-65535");
}

static void
test_text_nul_byte(void **state)
{
	static const char text[] = "a.example.test\nb.example\0.test\n";
	publist list;
	kd_err err;

	(void)state;
	publist_init(&list);
	assert_int_equal(publist_parse_text(text, sizeof(text) - 1,
		"publish.conf", &list, &err), KD_ESYNTAX);
	assert_string_equal(err.text, "publish.conf:2: NUL byte in the text");
	assert_int_equal(list.count, 0);
	/* Also in a comment. */
	assert_int_equal(publist_parse_text("# x\n\n#\0\n", 7, "p", &list,
		&err), KD_ESYNTAX);
	assert_string_equal(err.text, "p:3: NUL byte in the text");
	publist_free(&list);
}

static void
test_text_is_atomic(void **state)
{
	publist list;
	kd_err err;

	(void)state;
	publist_init(&list);
	assert_int_equal(parse_as("corp.example.test,1,2\n", "first.conf",
		&list, &err), KD_OK);
	assert_int_equal(list.count, 1);

	/* Good lines before the bad one are not added. */
	assert_int_equal(parse_as("x.example.test\ny.example.test\n"
		"z.example.test,1,99999\n", "second.conf", &list, &err),
		KD_ERANGE);
	assert_string_equal(err.text,
		"second.conf:3: weight 99999 is out of range 0-65535");
	assert_int_equal(list.count, 1);
	assert_entry(&list.entries[0], "corp.example.test", 1, 2, 1);

	/* A domain of an earlier text is a duplicate too. */
	assert_int_equal(parse_as("x.example.test\ncorp.example.test\n",
		"second.conf", &list, &err), KD_EEXIST);
	assert_string_equal(err.text, "second.conf:2: domain "
		"corp.example.test is already listed on line 1");
	assert_int_equal(list.count, 1);

	/* A good text appends. */
	assert_int_equal(parse_as("x.example.test\n", "second.conf", &list,
		&err), KD_OK);
	assert_int_equal(list.count, 2);
	assert_entry(&list.entries[1], "x.example.test", 0, 0, 1);
	publist_free(&list);
}

static void
test_round_trip(void **state)
{
	publist first;
	publist second;
	kd_err err;
	char text[4096];
	size_t used = 0;

	(void)state;
	publist_init(&first);
	publist_init(&second);
	assert_int_equal(parse("A.example.test.\n"
		"b.example.test, 0, 65535\n"
		"c.example.test,65535,0\n"
		"_x.example.test,10,20\n", &first, &err), KD_OK);
	for (size_t i = 0; i < first.count; i++) {
		int n = snprintf(text + used, sizeof(text) - used, "%s,%u,%u\n",
			first.entries[i].domain,
			(unsigned)first.entries[i].priority,
			(unsigned)first.entries[i].weight);

		assert_true(n > 0 && (size_t)n < sizeof(text) - used);
		used += (size_t)n;
	}
	assert_string_equal(text, "a.example.test,0,0\n"
		"b.example.test,0,65535\n"
		"c.example.test,65535,0\n"
		"_x.example.test,10,20\n");
	assert_int_equal(publist_parse_text(text, used, "again", &second,
		&err), KD_OK);
	assert_int_equal(second.count, first.count);
	for (size_t i = 0; i < first.count; i++)
		assert_memory_equal(&first.entries[i], &second.entries[i],
			sizeof(first.entries[i]));
	publist_free(&first);
	publist_free(&second);
}

static void
test_many_entries(void **state)
{
	char *text = malloc(64 * 1000);
	size_t used = 0;
	publist list;
	kd_err err;

	(void)state;
	assert_non_null(text);
	for (unsigned i = 0; i < 1000; i++)
		used += (size_t)sprintf(text + used, "host%u.example.test,%u\n",
			i, i);
	publist_init(&list);
	assert_int_equal(publist_parse_text(text, used, "big", &list, &err),
		KD_OK);
	assert_int_equal(list.count, 1000);
	assert_entry(&list.entries[999], "host999.example.test", 999, 0,
		1000);
	publist_free(&list);
	free(text);
}

static void
test_file(void **state)
{
	publist list;
	kd_err err;

	(void)state;
	publist_init(&list);
	assert_int_equal(parse_file(TEST_DATA_DIR "/publish.conf",
		&list, &err), KD_OK);
	assert_int_equal(list.count, 5);
	assert_entry(&list.entries[0], "corp.example.test", 0, 0, 2);
	assert_entry(&list.entries[1], "branch1.example.test", 10, 50, 4);
	assert_entry(&list.entries[2], "branch2.example.test", 10, 20, 5);
	assert_entry(&list.entries[3], "dev.example.test", 5, 0, 7);
	assert_entry(&list.entries[4], "_sites.example.test", 0, 0, 8);
	publist_free(&list);

	assert_int_equal(parse_file(TEST_DATA_DIR
		"/publish-crlf.conf", &list, &err), KD_OK);
	assert_int_equal(list.count, 3);
	assert_entry(&list.entries[0], "corp.example.test", 0, 0, 1);
	assert_entry(&list.entries[1], "branch.example.test", 1, 2, 4);
	assert_entry(&list.entries[2], "last.example.test", 3, 4, 5);
	publist_free(&list);
}

static void
test_file_errors(void **state)
{
	publist list;
	kd_err err;

	(void)state;
	publist_init(&list);
	assert_int_equal(parse_file(TEST_DATA_DIR "/no-such.conf",
		&list, &err), KD_ENOENT);
	assert_string_equal(err.text, "cannot open " TEST_DATA_DIR
		"/no-such.conf: No such file or directory");
	assert_int_equal(parse_file(TEST_DATA_DIR
		"/publish-bad.conf", &list, &err), KD_EINVAL);
	assert_string_equal(err.text, TEST_DATA_DIR
		"/publish-bad.conf:2: \"bad..name\": empty label");
	assert_int_equal(parse_file(TEST_DATA_DIR, &list, &err),
		KD_EIO);
	assert_string_equal(err.text, "cannot read " TEST_DATA_DIR
		": not a regular file");
	assert_int_equal(list.count, 0);
	publist_free(&list);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_forms),
		cmocka_unit_test(test_entry_range),
		cmocka_unit_test(test_entry_not_decimal),
		cmocka_unit_test(test_entry_empty_fields),
		cmocka_unit_test(test_entry_too_many_fields),
		cmocka_unit_test(test_entry_bad_domain),
		cmocka_unit_test(test_entry_long_fields),
		cmocka_unit_test(test_entry_null),
		cmocka_unit_test(test_add_and_duplicates),
		cmocka_unit_test(test_text_lines_and_comments),
		cmocka_unit_test(test_text_empty),
		cmocka_unit_test(test_text_crlf),
		cmocka_unit_test(test_text_error_messages),
		cmocka_unit_test(test_text_nul_byte),
		cmocka_unit_test(test_text_is_atomic),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_many_entries),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_file_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
