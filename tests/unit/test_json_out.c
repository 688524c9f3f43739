/*
 * test_json_out.c -- unit tests of common/json_out.c: the exact bytes of
 * every value, key and separator the tools' --json output is made of.
 */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "json_out.h"

/* A writer on a memory stream, and the text it wrote. */
typedef struct {
	json_out json;
	FILE *stream;
	char *text;
	size_t size;
} capture;

static void
capture_open(capture *c)
{
	c->text = NULL;
	c->stream = open_memstream(&c->text, &c->size);
	assert_non_null(c->stream);
	json_init(&c->json, c->stream);
}

static void
capture_expect(capture *c, const char *expected)
{
	assert_int_equal(fclose(c->stream), 0);
	assert_string_equal(c->text, expected);
	free(c->text);
}

static void
test_members(void **state)
{
	capture c;

	(void)state;
	capture_open(&c);
	json_object_begin(&c.json);
	json_kv_string(&c.json, "s", "a\"b\\c\n\r\t\x01\x7f\xc3\xa9");
	json_kv_string(&c.json, "none", NULL);
	json_kv_int(&c.json, "i", INT64_MIN);
	json_kv_uint(&c.json, "u", UINT64_MAX);
	json_kv_double(&c.json, "d", 0.125);
	json_kv_double(&c.json, "big", 1234567.0);
	json_kv_double(&c.json, "nan", NAN);
	json_kv_double(&c.json, "inf", -INFINITY);
	json_kv_bool(&c.json, "t", true);
	json_kv_bool(&c.json, "f", false);
	json_object_end(&c.json);
	json_end_document(&c.json);
	capture_expect(&c, "{\"s\":\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u007f\xc3\xa9\","
		"\"none\":null,\"i\":-9223372036854775808,"
		"\"u\":18446744073709551615,\"d\":0.125,\"big\":1.23457e+06,"
		"\"nan\":null,\"inf\":null,\"t\":true,\"f\":false}\n");
}

static void
test_items(void **state)
{
	capture c;

	(void)state;
	capture_open(&c);
	json_array_begin(&c.json);
	json_string(&c.json, "x");
	json_uint(&c.json, 7);
	json_bool(&c.json, true);
	json_bool(&c.json, false);
	json_null(&c.json);
	json_array_begin(&c.json);
	json_array_end(&c.json);
	json_object_begin(&c.json);
	json_key(&c.json, "k");
	json_array_begin(&c.json);
	json_uint(&c.json, 0);
	json_array_end(&c.json);
	json_key(&c.json, "o");
	json_object_begin(&c.json);
	json_object_end(&c.json);
	json_key(&c.json, "n");
	json_null(&c.json);
	json_object_end(&c.json);
	json_array_end(&c.json);
	capture_expect(&c,
		"[\"x\",7,true,false,null,[],{\"k\":[0],\"o\":{},\"n\":null}]");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_members),
		cmocka_unit_test(test_items),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
