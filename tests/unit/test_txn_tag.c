/*
 * test_txn_tag.c -- unit tests of common/txn_tag.c.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dname.h"
#include "kd_result.h"
#include "txn_tag.h"

#define ZONE "example.test"

static void
roundtrip(const char *identity, const char *expect)
{
	char owner[DNAME_BUF_SIZE], back[512];
	bool closing = true;
	kd_err err;

	assert_int_equal(txn_tag_owner(identity, ZONE, false, owner,
		sizeof(owner), &err), KD_OK);
	assert_true(txn_tag_is_tag(owner, ZONE));
	assert_int_equal(txn_tag_parse(owner, ZONE, back, sizeof(back),
		&closing, &err), KD_OK);
	assert_false(closing);
	assert_string_equal(back, expect);
	assert_int_equal(txn_tag_owner(identity, ZONE, true, owner,
		sizeof(owner), &err), KD_OK);
	assert_int_equal(strncmp(owner, "end.", 4), 0);
	assert_int_equal(txn_tag_parse(owner, ZONE, back, sizeof(back),
		&closing, &err), KD_OK);
	assert_true(closing);
	assert_string_equal(back, expect);
}

static void
test_owner_roundtrip(void **state)
{
	(void)state;
	roundtrip("kms1.example.test", "kms1.example.test");
	/* key names: case and a trailing dot do not matter */
	roundtrip("KMS1.Example.Test.", "kms1.example.test");
	/* principals are kept exactly */
	roundtrip("host/kms1.example.test@EXAMPLE.TEST",
		"host/kms1.example.test@EXAMPLE.TEST");
	roundtrip("KMS1$@EXAMPLE.TEST", "KMS1$@EXAMPLE.TEST");
}

static void
test_owner_form(void **state)
{
	char owner[DNAME_BUF_SIZE];
	kd_err err;
	(void)state;
	assert_int_equal(txn_tag_owner("ab", ZONE, false, owner, sizeof(owner),
		&err), KD_OK);
	assert_string_equal(owner, "6162._kmsdns-txn.example.test");
	/* 40 characters: 80 digits in labels of 62 and 18 */
	assert_int_equal(txn_tag_owner("host/kms01.site1.example.test@EXAMPLE.T",
		ZONE, false, owner, sizeof(owner), &err), KD_OK);
	const char *dot = strchr(owner, '.');
	assert_int_equal(dot - owner, 62);
	/* a name longer than DNS allows: no tag */
	char big[200];
	memset(big, 'k', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(txn_tag_owner(big, ZONE, false, owner, sizeof(owner),
		&err), KD_EINVAL);
	assert_non_null(strstr(err.text, "too long"));
	assert_int_equal(txn_tag_owner("", ZONE, false, owner, sizeof(owner),
		&err), KD_EINVAL);
}

static void
test_parse_rejects(void **state)
{
	char id[512];
	bool closing;
	kd_err err;
	(void)state;
	assert_int_equal(txn_tag_parse("kms1.example.test", ZONE, id,
		sizeof(id), &closing, &err), KD_ENOENT);
	assert_int_equal(txn_tag_parse("6162._kmsdns-txn.other.test", ZONE,
		id, sizeof(id), &closing, &err), KD_ENOENT);
	assert_false(txn_tag_is_tag("x_kmsdns-txn.example.test", ZONE));
	assert_true(txn_tag_is_tag("6162._KMSDNS-TXN.Example.Test.", ZONE));
	assert_int_equal(txn_tag_parse("616._kmsdns-txn.example.test", ZONE,
		id, sizeof(id), &closing, &err), KD_EINVAL);
	assert_non_null(strstr(err.text, "3 hex digits"));
	assert_int_equal(txn_tag_parse("61zz._kmsdns-txn.example.test", ZONE,
		id, sizeof(id), &closing, &err), KD_EINVAL);
	assert_non_null(strstr(err.text, "not hexadecimal"));
	assert_int_equal(txn_tag_parse("6100._kmsdns-txn.example.test", ZONE,
		id, sizeof(id), &closing, &err), KD_EINVAL);
	assert_int_equal(txn_tag_parse("_kmsdns-txn.example.test", ZONE,
		id, sizeof(id), &closing, &err), KD_ENOENT);
	assert_int_equal(txn_tag_parse("end._kmsdns-txn.example.test", ZONE,
		id, sizeof(id), &closing, &err), KD_EINVAL);
	/* a short label before the last one would make two encodings */
	assert_int_equal(txn_tag_parse("61.62._kmsdns-txn.example.test", ZONE,
		id, sizeof(id), &closing, &err), KD_EINVAL);
	assert_int_equal(txn_tag_parse("6162._kmsdns-txn.example.test", ZONE,
		id, 2, &closing, &err), KD_EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_owner_roundtrip),
		cmocka_unit_test(test_owner_form),
		cmocka_unit_test(test_parse_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
