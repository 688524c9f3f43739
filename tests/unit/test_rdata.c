/*
 * test_rdata.c -- unit tests of dlz_module/rdata.c.
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

#include "kd_result.h"
#include "rdata.h"

static void
assert_parses(const char *text, rdata_record *rec)
{
	kd_err err = { "" };

	if (rdata_parse(text, rec, &err) != KD_OK) {
		fail_msg("\"%s\" rejected: %s", text, err.text);
	}
}

/* Reject TEXT with KD_EINVAL and check the exact message. */
static void
assert_message(const char *text, const char *message)
{
	rdata_record rec;
	kd_err err = { "" };

	assert_int_equal(rdata_parse(text, &rec, &err), KD_EINVAL);
	assert_string_equal(err.text, message);
}

/* Reject TEXT with KD_EINVAL and check that the message holds REASON. */
static void
assert_rejected(const char *text, const char *reason)
{
	rdata_record rec;
	kd_err err = { "" };

	assert_int_equal(rdata_parse(text, &rec, &err), KD_EINVAL);
	if (strstr(err.text, reason) == NULL) {
		fail_msg("message \"%s\" lacks \"%s\"", err.text, reason);
	}
}

static void
test_srv(void **state)
{
	rdata_record rec;

	(void)state;
	assert_parses("_vlmcs._tcp.example.test.\t3600\tIN\tSRV\t"
		"0 100 1688 kms1.example.test.", &rec);
	assert_string_equal(rec.owner, "_vlmcs._tcp.example.test");
	assert_int_equal(rec.ttl, 3600);
	assert_int_equal(rec.type, RDATA_TYPE_SRV);
	assert_string_equal(rec.type_text, "SRV");
	assert_int_equal(rec.data.srv.priority, 0);
	assert_int_equal(rec.data.srv.weight, 100);
	assert_int_equal(rec.data.srv.port, 1688);
	assert_int_equal(rec.data.srv.ttl, 3600);
	assert_string_equal(rec.data.srv.target, "kms1.example.test");
}

static void
test_owner_case_and_newline(void **state)
{
	rdata_record rec;

	(void)state;
	/* Windows clients send upper case; BIND ends the line with \n. */
	assert_parses("_VLMCS._TCP.Example.TEST.\t600\tin\tsrv\t"
		"10 20 1688 KMS2.Example.Test.\n", &rec);
	assert_string_equal(rec.owner, "_vlmcs._tcp.example.test");
	assert_string_equal(rec.type_text, "SRV");
	assert_int_equal(rec.type, RDATA_TYPE_SRV);
	assert_int_equal(rec.ttl, 600);
	assert_string_equal(rec.data.srv.target, "kms2.example.test");
	assert_int_equal(rec.data.srv.priority, 10);
	assert_int_equal(rec.data.srv.weight, 20);
}

static void
test_addresses(void **state)
{
	rdata_record rec;

	(void)state;
	assert_parses("kms1.example.test.\t300\tIN\tA\t192.0.2.10", &rec);
	assert_int_equal(rec.type, RDATA_TYPE_A);
	assert_string_equal(rec.owner, "kms1.example.test");
	assert_string_equal(rec.data.address, "192.0.2.10");
	assert_int_equal(rec.ttl, 300);

	assert_parses("kms1.example.test.\t300\tIN\tAAAA\t"
		"2001:DB8:0:0:0:0:0:A", &rec);
	assert_int_equal(rec.type, RDATA_TYPE_AAAA);
	assert_string_equal(rec.data.address, "2001:db8::a");

	assert_parses("kms1.example.test.\t300\tIN\tAAAA\t::ffff:192.0.2.1",
		&rec);
	assert_string_equal(rec.data.address, "::ffff:192.0.2.1");

	assert_message("kms1.example.test.\t300\tIN\tA\t192.0.2.256",
		"record \"kms1.example.test.\\t300\\tIN\\tA\\t192.0.2.256\": "
		"\"192.0.2.256\" is not an IPv4 address");
	assert_rejected("kms1.example.test.\t300\tIN\tA\t2001:db8::1",
		"\"2001:db8::1\" is not an IPv4 address");
	assert_rejected("kms1.example.test.\t300\tIN\tAAAA\t192.0.2.1",
		"\"192.0.2.1\" is not an IPv6 address");
	assert_rejected("kms1.example.test.\t300\tIN\tA\t192.0.2.1 192.0.2.2",
		"is not an IPv4 address");
	assert_rejected("kms1.example.test.\t300\tIN\tA\t 192.0.2.1",
		"is not an IPv4 address");
}

static void
test_soa(void **state)
{
	rdata_record rec;

	(void)state;
	assert_parses("example.test.\t3600\tIN\tSOA\tns1.example.test. "
		"hostmaster.example.test. 2024010101 3600 600 1209600 300",
		&rec);
	assert_int_equal(rec.type, RDATA_TYPE_SOA);
	assert_string_equal(rec.owner, "example.test");
	assert_string_equal(rec.data.soa.mname, "ns1.example.test");
	assert_string_equal(rec.data.soa.rname, "hostmaster.example.test");
	assert_int_equal(rec.data.soa.serial, 2024010101u);
	assert_int_equal(rec.data.soa.refresh, 3600);
	assert_int_equal(rec.data.soa.retry, 600);
	assert_int_equal(rec.data.soa.expire, 1209600);
	assert_int_equal(rec.data.soa.minimum, 300);

	assert_parses("example.test.\t3600\tIN\tSOA\tns1.example.test. "
		"hostmaster.example.test. 4294967295 0 0 0 0", &rec);
	assert_int_equal(rec.data.soa.serial, 4294967295u);

	assert_rejected("example.test.\t3600\tIN\tSOA\tns1.example.test. "
		"hostmaster.example.test. 4294967296 1 1 1 1",
		"SOA serial \"4294967296\" is not a number 0-4294967295");
	assert_rejected("example.test.\t3600\tIN\tSOA\tns1.example.test. "
		"hostmaster.example.test. 1 1 1 1",
		"SOA data needs 7 fields");
	assert_rejected("example.test.\t3600\tIN\tSOA\tns1.example.test. "
		"hostmaster.example.test. 1 1 1 1 1 1",
		"SOA data needs 7 fields");
	assert_rejected("example.test.\t3600\tIN\tSOA\tns1.example.test. "
		"hostmaster.example.test. 1 1 x 1 1",
		"SOA retry \"x\" is not a number");
	assert_rejected("example.test.\t3600\tIN\tSOA\tns1..example.test. "
		"hostmaster.example.test. 1 1 1 1 1", "SOA mname");
	assert_rejected("example.test.\t3600\tIN\tSOA\tns1.example.test. "
		"john\\.doe.example.test. 1 1 1 1 1", "SOA rname");
}

static void
test_ns_and_other(void **state)
{
	rdata_record rec;

	(void)state;
	assert_parses("example.test.\t3600\tIN\tNS\tNS1.example.test.", &rec);
	assert_int_equal(rec.type, RDATA_TYPE_NS);
	assert_string_equal(rec.data.ns, "ns1.example.test");
	assert_rejected("example.test.\t3600\tIN\tNS\ta. b.",
		"NS data needs exactly one name");

	/* Other types: the data is not looked at, the head is. */
	assert_parses("x.example.test.\t60\tIN\tTXT\t\"hello world\"", &rec);
	assert_int_equal(rec.type, RDATA_TYPE_OTHER);
	assert_string_equal(rec.type_text, "TXT");
	assert_parses("x.example.test.\t60\tIN\tTYPE65280\t\\# 0", &rec);
	assert_int_equal(rec.type, RDATA_TYPE_OTHER);
	assert_string_equal(rec.type_text, "TYPE65280");
	assert_rejected("x.example.test.\t60\tIN\tTXT\t", "empty data");
	assert_rejected("x.example.test.\t60\tIN\tTXT\t   ", "empty data");
	assert_rejected("x.example.test.\t60\tIN\tANY\tx",
		"type ANY is not a record type");
}

static void
test_bad_srv(void **state)
{
	(void)state;
	assert_rejected("_vlmcs._tcp.example.test.\t3600\tIN\tSRV\t"
		"0 100 70000 kms1.example.test.", "port");
	assert_rejected("_vlmcs._tcp.example.test.\t3600\tIN\tSRV\t"
		"0 100 1688", "the target is missing");
	assert_rejected("_vlmcs._tcp.example.test.\t3600\tIN\tSRV\t"
		"0 100 1688 kms1.example.test. extra", "after the target");
	assert_rejected("_vlmcs._tcp.example.test.\t3600\tIN\tSRV\t"
		"0 100 1688 kms\\0491.example.test.", "record \"");
}

static void
test_fields(void **state)
{
	(void)state;
	assert_message("", "record \"\": empty");
	assert_message("\n", "record \"\\n\": empty");
	assert_message("x.example.test.\t60\tIN\tA",
		"record \"x.example.test.\\t60\\tIN\\tA\": has 4 tab-separated "
		"fields, expected 5 (owner, TTL, class, type, data)");
	assert_message("x.example.test. 60 IN A 192.0.2.1",
		"record \"x.example.test. 60 IN A 192.0.2.1\": has 1 "
		"tab-separated fields, expected 5 (owner, TTL, class, type, "
		"data)");
	assert_rejected("x.example.test.\t60\tIN\tA\t192.0.2.1\textra",
		"has 6 tab-separated fields");
	assert_rejected("x.example.test.\t60\tIN\tA\t192.0.2.1\n"
		"y.example.test.\t60\tIN\tA\t192.0.2.2\n",
		"holds more than one line");
	assert_message("x.example.test.\t60\tCH\tA\t192.0.2.1",
		"record \"x.example.test.\\t60\\tCH\\tA\\t192.0.2.1\": class "
		"\"CH\" is not IN");
	assert_rejected("x.example.test.\t60\t\tA\t192.0.2.1",
		"class \"\" is not IN");
	assert_message("x.example.test.\t-1\tIN\tA\t192.0.2.1",
		"record \"x.example.test.\\t-1\\tIN\\tA\\t192.0.2.1\": TTL "
		"\"-1\" is not a number 0-2147483647");
	assert_rejected("x.example.test.\t2147483648\tIN\tA\t192.0.2.1",
		"TTL \"2147483648\" is not a number");
	assert_rejected("x.example.test.\t1h\tIN\tA\t192.0.2.1",
		"TTL \"1h\" is not a number");
	assert_rejected("x.example.test.\t\tIN\tA\t192.0.2.1",
		"TTL \"\" is not a number");
	assert_rejected("x.example.test.\t60\tIN\t\t192.0.2.1", "empty type");
	assert_rejected("x.example.test.\t60\tIN\tA A\t192.0.2.1",
		"type \"A A\" holds a character other than");
	assert_rejected("x.example.test.\t60\tIN\tABCDEFGHIJKLMNOPQ\tx",
		"type is 17 characters long, more than 15");
}

static void
test_owner(void **state)
{
	rdata_record rec;

	(void)state;
	assert_message("x.example.test\t60\tIN\tA\t192.0.2.1",
		"record \"x.example.test\\t60\\tIN\\tA\\t192.0.2.1\": owner is "
		"not absolute (no trailing dot)");
	assert_rejected(".\t60\tIN\tA\t192.0.2.1", "owner is the root");
	assert_rejected("\t60\tIN\tA\t192.0.2.1", "empty owner");
	/* Escapes: no name we serve can hold one. */
	assert_rejected("a\\.b.example.test.\t60\tIN\tA\t192.0.2.1",
		"owner \"a\\.b.example.test.\"");
	assert_rejected("a\\032b.example.test.\t60\tIN\tA\t192.0.2.1",
		"character '\\'");
	assert_rejected("*.example.test.\t60\tIN\tA\t192.0.2.1",
		"character '*'");
	assert_rejected("a..example.test.\t60\tIN\tA\t192.0.2.1",
		"empty label");
	/* An owner label with an underscore is an owner name. */
	assert_parses("_x.example.test.\t60\tIN\tA\t192.0.2.1", &rec);
	assert_string_equal(rec.owner, "_x.example.test");
}

static void
test_long_input_shortened(void **state)
{
	char text[2000];
	rdata_record rec;
	kd_err err;

	(void)state;
	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(rdata_parse(text, &rec, &err), KD_EINVAL);
	/* 120 characters of input, "...", and the reason. */
	assert_int_equal(strncmp(err.text, "record \"", 8), 0);
	assert_int_equal(err.text[8 + 120], '.');
	assert_non_null(strstr(err.text, "aaa...\": has 1 tab-separated"));
	assert_true(strlen(err.text) < 250);

	/* Control bytes are shown escaped. */
	assert_message("x\x01y.example.test.\t60\tIN\tA",
		"record \"x\\x01y.example.test.\\t60\\tIN\\tA\": has 4 "
		"tab-separated fields, expected 5 (owner, TTL, class, type, "
		"data)");
}

static void
test_type_parse(void **state)
{
	rdata_type type;
	kd_err err;

	(void)state;
	assert_int_equal(rdata_type_parse("SRV", &type, &err), KD_OK);
	assert_int_equal(type, RDATA_TYPE_SRV);
	assert_int_equal(rdata_type_parse("srv", &type, &err), KD_OK);
	assert_int_equal(type, RDATA_TYPE_SRV);
	assert_int_equal(rdata_type_parse("A", &type, &err), KD_OK);
	assert_int_equal(type, RDATA_TYPE_A);
	assert_int_equal(rdata_type_parse("AAAA", &type, &err), KD_OK);
	assert_int_equal(type, RDATA_TYPE_AAAA);
	assert_int_equal(rdata_type_parse("ANY", &type, &err), KD_OK);
	assert_int_equal(type, RDATA_TYPE_ANY);
	assert_int_equal(rdata_type_parse("SOA", &type, &err), KD_OK);
	assert_int_equal(type, RDATA_TYPE_SOA);
	assert_int_equal(rdata_type_parse("NS", &type, &err), KD_OK);
	assert_int_equal(type, RDATA_TYPE_NS);
	assert_int_equal(rdata_type_parse("TXT", &type, &err), KD_OK);
	assert_int_equal(type, RDATA_TYPE_OTHER);
	assert_int_equal(rdata_type_parse("NSEC3PARAM", &type, &err), KD_OK);
	assert_int_equal(type, RDATA_TYPE_OTHER);
	assert_int_equal(rdata_type_parse("TYPE33", &type, &err), KD_OK);
	assert_int_equal(type, RDATA_TYPE_SRV);
	assert_int_equal(rdata_type_parse("type1", &type, &err), KD_OK);
	assert_int_equal(type, RDATA_TYPE_A);
	assert_int_equal(rdata_type_parse("TYPE255", &type, &err), KD_OK);
	assert_int_equal(type, RDATA_TYPE_ANY);
	assert_int_equal(rdata_type_parse("TYPE65536", &type, &err), KD_OK);
	assert_int_equal(type, RDATA_TYPE_OTHER);
	assert_int_equal(rdata_type_parse("AA", &type, &err), KD_OK);
	assert_int_equal(type, RDATA_TYPE_OTHER);
	assert_int_equal(rdata_type_parse("SRVX", &type, &err), KD_OK);
	assert_int_equal(type, RDATA_TYPE_OTHER);

	assert_int_equal(rdata_type_parse("", &type, &err), KD_EINVAL);
	assert_string_equal(err.text, "type \"\": empty type");
	assert_int_equal(rdata_type_parse("S V", &type, &err), KD_EINVAL);
	assert_string_equal(err.text, "type \"S V\": type \"S V\" holds a "
		"character other than letters, digits and '-'");
	assert_int_equal(rdata_type_parse("SRV\t", &type, &err), KD_EINVAL);
	assert_int_equal(rdata_type_parse("ABCDEFGHIJKLMNOP", &type, &err),
		KD_EINVAL);
	assert_string_equal(err.text, "type \"ABCDEFGHIJKLMNOP\": type is 16 "
		"characters long, more than 15");
	assert_int_equal(rdata_type_parse(NULL, &type, NULL), KD_EINVAL);

	assert_string_equal(rdata_type_name(RDATA_TYPE_SRV), "SRV");
	assert_string_equal(rdata_type_name(RDATA_TYPE_ANY), "ANY");
	assert_string_equal(rdata_type_name(RDATA_TYPE_AAAA), "AAAA");
	assert_string_equal(rdata_type_name(RDATA_TYPE_OTHER), "OTHER");
}

static void
test_null_err(void **state)
{
	rdata_record rec;

	(void)state;
	assert_int_equal(rdata_parse("x.\t1\tIN\tA\tbad", &rec, NULL),
		KD_EINVAL);
	assert_int_equal(rdata_parse(NULL, &rec, NULL), KD_EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_srv),
		cmocka_unit_test(test_owner_case_and_newline),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_soa),
		cmocka_unit_test(test_ns_and_other),
		cmocka_unit_test(test_bad_srv),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_owner),
		cmocka_unit_test(test_long_input_shortened),
		cmocka_unit_test(test_type_parse),
		cmocka_unit_test(test_null_err),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
