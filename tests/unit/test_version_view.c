/*
 * test_version_view.c -- unit tests of dlz_module/version_view.c and
 * dlz_module/update_limits.c: the zone as a transaction sees it, and the
 * limits checked against it.
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

#include "registry_limits.h"
#include "update_limits.h"
#include "version_view.h"

#define ZONE "example.test"
#define SRVOWNER "_vlmcs._tcp.example.test."

typedef struct seen {
	size_t count;
	char last[256];
} seen;

static kd_result
collect(void *ctx, const char *owner, const char *type, uint32_t ttl,
	const char *rdata)
{
	seen *s = ctx;
	(void)owner;
	s->count++;
	snprintf(s->last, sizeof(s->last), "%s %u %s", type, ttl, rdata);
	return KD_OK;
}

static void
apply(version_view *v, const char *owner, const char *type,
	const char *rdata, bool add)
{
	char text[512];
	kd_err err;
	snprintf(text, sizeof(text), "%s\t3600\tIN\t%s\t%s", owner, type,
		rdata);
	assert_int_equal(version_view_apply(v, text, add, &err), KD_OK);
}

static void
test_changes_are_seen(void **state)
{
	version_view v;
	seen s = { 0 };
	char rel[256];
	(void)state;
	version_view_init(&v, NULL, ZONE);
	assert_int_equal(version_view_emit(&v, "_vlmcs._tcp", collect, &s),
		KD_ENOENT);
	apply(&v, SRVOWNER, "SRV", "0 100 1688 kms1.example.test.", true);
	apply(&v, SRVOWNER, "SRV", "0 100 1688 kms2.example.test.", true);
	assert_int_equal(version_view_emit(&v, "_VLMCS._tcp", collect, &s),
		KD_OK);
	assert_int_equal(s.count, 2);
	/* deleted as BIND writes it: other case, no trailing dot, blanks */
	apply(&v, SRVOWNER, "SRV", "0  100 1688 KMS1.example.test", false);
	s.count = 0;
	assert_int_equal(version_view_emit(&v, "_vlmcs._tcp", collect, &s),
		KD_OK);
	assert_int_equal(s.count, 1);
	assert_string_equal(s.last, "SRV 3600 0 100 1688 kms2.example.test.");
	/* the last record gone: a name only the changes made is gone */
	apply(&v, SRVOWNER, "SRV", "0 100 1688 kms2.example.test.", false);
	assert_int_equal(version_view_emit(&v, "_vlmcs._tcp", collect, &s),
		KD_ENOENT);
	version_view_relname(&v, "Example.Test.", rel, sizeof(rel));
	assert_string_equal(rel, "@");
	version_view_relname(&v, "KMS1.example.test.", rel, sizeof(rel));
	assert_string_equal(rel, "kms1");
	kd_err err;
	assert_int_equal(version_view_apply(&v, "no tabs here", true, &err),
		KD_EINVAL);
	assert_non_null(strstr(err.text, "no tabs here"));
	version_view_free(&v);
}

/* A SELF signer's new SRV record replaces its host's others. */
static void
test_self_srv_replaced(void **state)
{
	version_view v;
	srv_record keep = { .priority = 0, .weight = 100, .port = 1689,
		.target = "kms1.example.test" };
	srv_record old[4];
	(void)state;
	version_view_init(&v, NULL, ZONE);
	apply(&v, SRVOWNER, "SRV", "0 100 1688 kms1.example.test.", true);
	apply(&v, SRVOWNER, "SRV", "0 100 1688 kms2.example.test.", true);
	apply(&v, SRVOWNER, "SRV", "5 100 1690 KMS1.example.test.", true);
	apply(&v, SRVOWNER, "SRV", "0 100 1689 kms1.example.test.", true);
	assert_int_equal(update_limits_self_srv(&v, "kms1.example.test", &keep,
		old, 4), 2);
	assert_int_equal(old[0].port, 1688);
	assert_int_equal(old[1].port, 1690);
	assert_int_equal(update_limits_self_srv(&v, "kms3.example.test", &keep,
		old, 4), 0);
	/* only MAX are written, all are counted */
	assert_int_equal(update_limits_self_srv(&v, "kms1.example.test", &keep,
		old, 1), 2);
	version_view_free(&v);
}

static void
test_srv_answer_limit(void **state)
{
	version_view v;
	registry_limits limits;
	grants_decision any = { .allowed = true, .scope = REGISTRY_SCOPE_ANY };
	rdata_record rec = { .owner = "_vlmcs._tcp.example.test",
		.type = RDATA_TYPE_SRV, .type_text = "SRV" };
	kd_err err;
	(void)state;
	registry_limits_default(&limits);
	version_view_init(&v, NULL, ZONE);
	/* empty: 12 + 26 + 4 + 11 */
	assert_int_equal(update_limits_srv_answer_bytes(&v, NULL), 53);
	size_t added = 0;
	for (;;) {
		char target[64], rdata[128];
		snprintf(target, sizeof(target), "kms%02zu.example.test", added);
		rec.data.srv = (srv_record){ .weight = 100, .port = 1688 };
		snprintf(rec.data.srv.target, sizeof(rec.data.srv.target), "%s",
			target);
		if (update_limits_check(&v, &limits, &any, &rec, true, &err) !=
		    KD_OK)
			break;
		snprintf(rdata, sizeof(rdata), "0 100 1688 %s.", target);
		apply(&v, SRVOWNER, "SRV", rdata, true);
		added++;
	}
	assert_non_null(strstr(err.text, "max-srv-answer-bytes 1232"));
	/* each record: 18 + 20 bytes of target */
	assert_int_equal(added, (1232 - 53) / 38);
	assert_true(update_limits_srv_answer_bytes(&v, NULL) <= 1232);
	version_view_free(&v);
}

static void
test_self_address_limit(void **state)
{
	version_view v;
	registry_limits limits;
	grants_decision self = { .allowed = true,
		.scope = REGISTRY_SCOPE_SELF, .host = "kms1.example.test" };
	rdata_record rec = { .owner = "kms1.example.test",
		.type = RDATA_TYPE_A, .type_text = "A",
		.data.address = "192.0.2.9" };
	kd_err err;
	(void)state;
	registry_limits_default(&limits);
	version_view_init(&v, NULL, ZONE);
	for (int i = 0; i < 4; i++) {
		char a[32];
		assert_int_equal(update_limits_check(&v, &limits, &self, &rec,
			true, &err), KD_OK);
		snprintf(a, sizeof(a), "192.0.2.%d", i + 1);
		apply(&v, "kms1.example.test.", "A", a, true);
	}
	assert_int_equal(update_limits_check(&v, &limits, &self, &rec, true,
		&err), KD_EPERM);
	assert_non_null(strstr(err.text, "max-self-addresses is 4"));
	version_view_free(&v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_changes_are_seen),
		cmocka_unit_test(test_self_srv_replaced),
		cmocka_unit_test(test_srv_answer_limit),
		cmocka_unit_test(test_self_address_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
