/*
 * test_grants.c -- unit tests of dlz_module/grants.c.
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

#include "grants.h"
#include "kd_result.h"
#include "rdata.h"
#include "registry.h"

#define ZONE "example.test"
#define SERVICE "_vlmcs._tcp.example.test"

static const registry_grant test_grants[] = {
	{ "host/kms1.example.test@EXAMPLE.TEST", ZONE, REGISTRY_SCOPE_SELF },
	{ "admin@EXAMPLE.TEST", ZONE, REGISTRY_SCOPE_ANY },
	{ "*@CORP.TEST", "corp.test", REGISTRY_SCOPE_SELF },
	{ "kms1.example.test", ZONE, REGISTRY_SCOPE_SELF },
	{ "kms-tsig.example.test", ZONE, REGISTRY_SCOPE_ANY },
	{ "user@EXAMPLE.TEST", ZONE, REGISTRY_SCOPE_SELF },
	{ "host/kms9.example.test@EXAMPLE.TEST", "other.test",
		REGISTRY_SCOPE_ANY },
	{ "host/kms2.example.test@EXAMPLE.TEST", ZONE, REGISTRY_SCOPE_SELF },
	{ "host/kms2.example.test@EXAMPLE.TEST", "Example.Test.",
		REGISTRY_SCOPE_ANY },
	{ "host/kms1.other.test@EXAMPLE.TEST", ZONE, REGISTRY_SCOPE_SELF },
};

#define GRANT_COUNT (sizeof(test_grants) / sizeof(test_grants[0]))

/* ---- signer_unescape ------------------------------------------------ */

static void
assert_unescapes(const char *signer, const char *expected)
{
	char out[REGISTRY_IDENTITY_MAX];
	kd_err err = { "" };

	if (grants_signer_unescape(signer, out, sizeof(out), &err) != KD_OK) {
		fail_msg("\"%s\" rejected: %s", signer, err.text);
	}
	assert_string_equal(out, expected);
}

static void
assert_unescape_fails(const char *signer, kd_result code,
	const char *message)
{
	char out[REGISTRY_IDENTITY_MAX];
	kd_err err = { "" };

	assert_int_equal(grants_signer_unescape(signer, out, sizeof(out),
		&err), code);
	assert_string_equal(err.text, message);
}

static void
test_unescape(void **state)
{
	(void)state;
	assert_unescapes("host/kms1.example.test\\@EXAMPLE.TEST",
		"host/kms1.example.test@EXAMPLE.TEST");
	assert_unescapes("KMS1\\$\\@EXAMPLE.TEST", "KMS1$@EXAMPLE.TEST");
	assert_unescapes("computer0020\\$\\@domain.LOCAL",
		"computer0020$@domain.LOCAL");
	assert_unescapes("\\075MS1\\036\\064EXAMPLE.TEST",
		"KMS1$@EXAMPLE.TEST");
	assert_unescapes("kms-tsig.example.test", "kms-tsig.example.test");
	assert_unescapes("kms-tsig.example.test.", "kms-tsig.example.test");
	/* An escaped final dot is part of the text. */
	assert_unescapes("a\\.", "a.");
	assert_unescapes("a\\\\b", "a\\b");
	assert_unescapes(".", ".");
	assert_unescapes("", "");
	assert_unescapes("\\200x", "\xc8x");
	assert_unescapes("a b", "a b");
}

static void
test_unescape_errors(void **state)
{
	char small[6];
	kd_err err;

	(void)state;
	assert_unescape_fails("abc\\", KD_EINVAL,
		"signer \"abc\\\": ends with a lone backslash");
	assert_unescape_fails("a\\25", KD_EINVAL,
		"signer \"a\\25\": a \\DDD escape needs three digits");
	assert_unescape_fails("a\\2x5", KD_EINVAL,
		"signer \"a\\2x5\": a \\DDD escape needs three digits");
	assert_unescape_fails("a\\256", KD_EINVAL,
		"signer \"a\\256\": escape \\256 is above 255");
	assert_unescape_fails("a\\000b", KD_EINVAL,
		"signer \"a\\000b\": holds the control byte 0x00");
	assert_unescape_fails("a\\009b", KD_EINVAL,
		"signer \"a\\009b\": holds the control byte 0x09");
	assert_unescape_fails("a\tb", KD_EINVAL,
		"signer \"a\tb\": holds the control byte 0x09");
	assert_unescape_fails("a\\127", KD_EINVAL,
		"signer \"a\\127\": holds the control byte 0x7f");

	assert_int_equal(grants_signer_unescape("abcdef", small,
		sizeof(small), &err), KD_EFULL);
	assert_string_equal(err.text,
		"signer \"abcdef\": longer than 5 characters");
	assert_int_equal(grants_signer_unescape("abcde", small,
		sizeof(small), &err), KD_OK);
	assert_string_equal(small, "abcde");
	assert_int_equal(grants_signer_unescape("abcde.", small,
		sizeof(small), &err), KD_EFULL);
}

/* ---- identities ----------------------------------------------------- */

static void
assert_identity(const char *identity, grants_identity_kind kind,
	const char *canonical)
{
	char out[REGISTRY_IDENTITY_MAX];
	grants_identity_kind got;
	kd_err err = { "" };

	if (grants_identity_parse(identity, &got, out, sizeof(out), &err) !=
	    KD_OK) {
		fail_msg("\"%s\" rejected: %s", identity, err.text);
	}
	assert_int_equal(got, kind);
	assert_string_equal(out, canonical);
}

static void
assert_identity_fails(const char *identity, const char *message)
{
	char out[REGISTRY_IDENTITY_MAX];
	grants_identity_kind got;
	kd_err err = { "" };

	assert_int_equal(grants_identity_parse(identity, &got, out,
		sizeof(out), &err), KD_EINVAL);
	assert_string_equal(err.text, message);
}

static void
test_identity_parse(void **state)
{
	char long_identity[REGISTRY_IDENTITY_MAX + 10];
	char out[8];
	grants_identity_kind kind;
	kd_err err;

	(void)state;
	assert_identity("Kms-TSIG.Example.Test.", GRANTS_IDENTITY_KEY,
		"kms-tsig.example.test");
	assert_identity("kms1.example.test", GRANTS_IDENTITY_KEY,
		"kms1.example.test");
	assert_identity("host/kms1.example.test@EXAMPLE.TEST",
		GRANTS_IDENTITY_PRINCIPAL,
		"host/kms1.example.test@EXAMPLE.TEST");
	assert_identity("KMS1$@EXAMPLE.TEST", GRANTS_IDENTITY_PRINCIPAL,
		"KMS1$@EXAMPLE.TEST");
	assert_identity("admin@example.test", GRANTS_IDENTITY_PRINCIPAL,
		"admin@example.test");
	assert_identity("*@EXAMPLE.TEST", GRANTS_IDENTITY_REALM,
		"*@EXAMPLE.TEST");

	assert_identity_fails("", "identity \"\": empty");
	assert_identity_fails("host/@R",
		"identity \"host/@R\": empty instance");
	assert_identity_fails("@R", "identity \"@R\": empty primary");
	assert_identity_fails("a@", "identity \"a@\": empty realm");
	assert_identity_fails("a@b@c", "identity \"a@b@c\": more than one '@'");
	assert_identity_fails("a b@R", "identity \"a b@R\": primary \"a b\" "
		"holds a character not allowed in a principal");
	assert_identity_fails("a/b/c@R", "identity \"a/b/c@R\": instance "
		"\"b/c\" holds a character not allowed in a principal");
	assert_identity_fails("a*@R", "identity \"a*@R\": primary \"a*\" "
		"holds '*' (only \"*@REALM\" is a wildcard)");
	assert_identity_fails("*/x@R", "identity \"*/x@R\": primary \"*\" "
		"holds '*' (only \"*@REALM\" is a wildcard)");
	assert_identity_fails("a@R..X",
		"identity \"a@R..X\": realm \"R..X\" has an empty component");
	assert_identity_fails("a@.R",
		"identity \"a@.R\": realm \".R\" has an empty component");
	assert_identity_fails("a@R X", "identity \"a@R X\": realm \"R X\" "
		"holds a character other than letters, digits, '.', '-' and "
		"'_'");
	assert_identity_fails("bad key", "identity \"bad key\": not a "
		"principal (no '@') and not a key name: \"bad key\": label "
		"\"bad key\" holds the character ' ', not allowed in an owner "
		"name");

	memset(long_identity, 'a', sizeof(long_identity) - 1);
	long_identity[sizeof(long_identity) - 1] = '\0';
	long_identity[5] = '@';
	assert_int_equal(grants_identity_parse(long_identity, &kind, out,
		sizeof(out), &err), KD_EINVAL);
	assert_non_null(strstr(err.text, "521 characters long, more than 511"));
	assert_int_equal(grants_identity_parse("admin@EXAMPLE", &kind, out,
		sizeof(out), &err), KD_EFULL);
}

static void
assert_host(const char *signer, const char *expected)
{
	char host[DNAME_BUF_SIZE];
	kd_err err = { "" };

	if (grants_signer_host(signer, host, sizeof(host), &err) != KD_OK) {
		fail_msg("\"%s\" has no host: %s", signer, err.text);
	}
	assert_string_equal(host, expected);
}

static void
assert_no_host(const char *signer, kd_result code, const char *message)
{
	char host[DNAME_BUF_SIZE];
	kd_err err = { "" };

	assert_int_equal(grants_signer_host(signer, host, sizeof(host), &err),
		code);
	assert_string_equal(err.text, message);
}

static void
test_signer_host(void **state)
{
	(void)state;
	assert_host("host/kms1.example.test@EXAMPLE.TEST", "kms1.example.test");
	assert_host("host/KMS1.Example.Test@EXAMPLE.TEST", "kms1.example.test");
	assert_host("KMS1$@EXAMPLE.TEST", "kms1.example.test");
	assert_host("kms1$@Example.Test", "kms1.example.test");
	assert_host("kms1.example.test", "kms1.example.test");
	assert_host("KMS1.Example.Test", "kms1.example.test");

	assert_no_host("admin@EXAMPLE.TEST", KD_ENOENT,
		"signer \"admin@EXAMPLE.TEST\": only host/<fqdn>@REALM and "
		"NAME$@REALM principals stand for a host");
	assert_no_host("HTTP/kms1.example.test@EXAMPLE.TEST", KD_ENOENT,
		"signer \"HTTP/kms1.example.test@EXAMPLE.TEST\": only "
		"host/<fqdn>@REALM and NAME$@REALM principals stand for a host");
	assert_no_host("HOST/kms1.example.test@EXAMPLE.TEST", KD_ENOENT,
		"signer \"HOST/kms1.example.test@EXAMPLE.TEST\": only "
		"host/<fqdn>@REALM and NAME$@REALM principals stand for a host");
	assert_no_host("host/kms_1.example.test@EXAMPLE.TEST", KD_ENOENT,
		"signer \"host/kms_1.example.test@EXAMPLE.TEST\": instance "
		"\"kms_1.example.test\" is not a host name");
	assert_no_host("host/kms1.example.test.@EXAMPLE.TEST", KD_ENOENT,
		"signer \"host/kms1.example.test.@EXAMPLE.TEST\": instance "
		"\"kms1.example.test.\" is not a host name");
	assert_no_host("$@EXAMPLE.TEST", KD_ENOENT,
		"signer \"$@EXAMPLE.TEST\": only host/<fqdn>@REALM and "
		"NAME$@REALM principals stand for a host");
	assert_no_host("K.MS$@EXAMPLE.TEST", KD_ENOENT,
		"signer \"K.MS$@EXAMPLE.TEST\": machine account \"K.MS$\" with "
		"realm \"EXAMPLE.TEST\" makes no host name");
	assert_no_host("K_MS$@EXAMPLE.TEST", KD_ENOENT,
		"signer \"K_MS$@EXAMPLE.TEST\": machine account \"K_MS$\" with "
		"realm \"EXAMPLE.TEST\" makes no host name");
	assert_no_host("kms_tsig.example.test", KD_ENOENT,
		"signer \"kms_tsig.example.test\": key name is not a host name");
	assert_no_host("*@EXAMPLE.TEST", KD_ENOENT,
		"signer \"*@EXAMPLE.TEST\": a realm wildcard stands for no host");
	assert_no_host("a b", KD_EINVAL, "identity \"a b\": not a principal "
		"(no '@') and not a key name: \"a b\": label \"a b\" holds the "
		"character ' ', not allowed in an owner name");
}

static void
test_identity_matches(void **state)
{
	(void)state;
	assert_true(grants_identity_matches("kms-tsig.example.test",
		"KMS-TSIG.example.test"));
	assert_true(grants_identity_matches("kms-tsig.example.test",
		"kms-tsig.example.test."));
	assert_false(grants_identity_matches("kms-tsig.example.test",
		"kms-tsig.example"));
	assert_true(grants_identity_matches(
		"host/kms1.example.test@EXAMPLE.TEST",
		"host/kms1.example.test@EXAMPLE.TEST"));
	assert_false(grants_identity_matches(
		"host/kms1.example.test@EXAMPLE.TEST",
		"host/kms1.example.test@example.test"));
	assert_false(grants_identity_matches(
		"host/kms1.example.test@EXAMPLE.TEST",
		"host/KMS1.example.test@EXAMPLE.TEST"));
	assert_false(grants_identity_matches("KMS1$@EXAMPLE.TEST",
		"kms1$@EXAMPLE.TEST"));

	assert_true(grants_identity_matches("*@EXAMPLE.TEST",
		"KMS1$@EXAMPLE.TEST"));
	assert_true(grants_identity_matches("*@EXAMPLE.TEST",
		"host/kms1.example.test@EXAMPLE.TEST"));
	assert_false(grants_identity_matches("*@EXAMPLE.TEST",
		"admin@EXAMPLE.TEST"));
	assert_false(grants_identity_matches("*@EXAMPLE.TEST",
		"host/kms1.example.test@OTHER.TEST"));
	assert_false(grants_identity_matches("*@EXAMPLE.TEST",
		"KMS1$@example.test"));
	assert_false(grants_identity_matches("*@EXAMPLE.TEST",
		"*@EXAMPLE.TEST"));
	assert_false(grants_identity_matches("*@EXAMPLE.TEST",
		"example.test"));

	assert_false(grants_identity_matches("admin@EXAMPLE.TEST", ""));
	assert_false(grants_identity_matches("kms1.example.test",
		"kms1.example.test@EXAMPLE.TEST"));
}

/* ---- grants_decide -------------------------------------------------- */

static void
assert_allowed(const char *signer, const char *owner, const char *type,
	registry_scope scope, const char *host)
{
	grants_decision decision;

	if (!grants_decide(test_grants, GRANT_COUNT, ZONE, signer, owner,
	    type, &decision)) {
		fail_msg("%s %s %s denied: %s", signer, owner, type,
			decision.reason);
	}
	assert_true(decision.allowed);
	assert_int_equal(decision.scope, scope);
	assert_string_equal(decision.host, host);
	assert_string_equal(decision.reason, "");
}

static void
assert_denied_in(const char *zone, const char *signer, const char *owner,
	const char *type, const char *reason)
{
	grants_decision decision;

	assert_false(grants_decide(test_grants, GRANT_COUNT, zone, signer,
		owner, type, &decision));
	assert_false(decision.allowed);
	assert_string_equal(decision.reason, reason);
}

static void
assert_denied(const char *signer, const char *owner, const char *type,
	const char *reason)
{
	assert_denied_in(ZONE, signer, owner, type, reason);
}

static void
test_decide_unsigned_and_unknown(void **state)
{
	grants_decision decision;

	(void)state;
	assert_denied("", SERVICE, "SRV", "unsigned update");
	assert_false(grants_decide(test_grants, GRANT_COUNT, ZONE, NULL,
		SERVICE, "SRV", &decision));
	assert_string_equal(decision.reason, "unsigned update");
	assert_denied("host/kms3.example.test@EXAMPLE.TEST", SERVICE, "SRV",
		"no grant for host/kms3.example.test@EXAMPLE.TEST in zone "
		"example.test");
	/* Principals are case-sensitive. */
	assert_denied("host/kms1.example.test@example.test", SERVICE, "SRV",
		"no grant for host/kms1.example.test@example.test in zone "
		"example.test");
	/* A grant of another zone does not count. */
	assert_denied("host/kms9.example.test@EXAMPLE.TEST", SERVICE, "SRV",
		"no grant for host/kms9.example.test@EXAMPLE.TEST in zone "
		"example.test");
	assert_false(grants_decide(NULL, 0, ZONE, "admin@EXAMPLE.TEST",
		SERVICE, "SRV", &decision));
	assert_string_equal(decision.reason,
		"no grant for admin@EXAMPLE.TEST in zone example.test");
}

static void
test_decide_self(void **state)
{
	const char *signer = "host/kms1.example.test@EXAMPLE.TEST";

	(void)state;
	assert_allowed(signer, SERVICE, "SRV", REGISTRY_SCOPE_SELF,
		"kms1.example.test");
	assert_allowed(signer, "_VLMCS._TCP.Example.Test", "srv",
		REGISTRY_SCOPE_SELF, "kms1.example.test");
	assert_allowed(signer, "_vlmcs._tcp.example.test.", "ANY",
		REGISTRY_SCOPE_SELF, "kms1.example.test");
	assert_allowed(signer, "kms1.example.test", "A", REGISTRY_SCOPE_SELF,
		"kms1.example.test");
	assert_allowed(signer, "KMS1.example.test", "AAAA",
		REGISTRY_SCOPE_SELF, "kms1.example.test");
	assert_allowed(signer, "kms1.example.test", "ANY",
		REGISTRY_SCOPE_SELF, "kms1.example.test");

	assert_denied(signer, SERVICE, "TXT",
		"type TXT is not allowed at _vlmcs._tcp.example.test");
	assert_denied(signer, SERVICE, "A",
		"type A is not allowed at _vlmcs._tcp.example.test");
	assert_denied(signer, "kms1.example.test", "SRV",
		"type SRV is not allowed at kms1.example.test");
	assert_denied(signer, "kms1.example.test", "TXT",
		"type TXT is not allowed at kms1.example.test");
	assert_denied(signer, "kms2.example.test", "A",
		"owner kms2.example.test is neither _vlmcs._tcp.example.test "
		"nor the signer's host kms1.example.test");
	assert_denied(signer, "example.test", "SOA",
		"owner example.test is neither _vlmcs._tcp.example.test nor "
		"the signer's host kms1.example.test");
	assert_denied(signer, "_ldap._tcp.example.test", "SRV",
		"owner _ldap._tcp.example.test is neither "
		"_vlmcs._tcp.example.test nor the signer's host "
		"kms1.example.test");
	assert_denied(signer, "_vlmcs._udp.example.test", "SRV",
		"owner _vlmcs._udp.example.test is neither "
		"_vlmcs._tcp.example.test nor the signer's host "
		"kms1.example.test");
	assert_denied(signer, "x._vlmcs._tcp.example.test", "SRV",
		"owner x._vlmcs._tcp.example.test is neither "
		"_vlmcs._tcp.example.test nor the signer's host "
		"kms1.example.test");
	assert_denied(signer, "_vlmcs._tcp.example.test.evil", "SRV",
		"owner _vlmcs._tcp.example.test.evil is neither "
		"_vlmcs._tcp.example.test nor the signer's host "
		"kms1.example.test");
	assert_denied(signer, "a\\.b.example.test", "SRV",
		"owner a\\.b.example.test is not _vlmcs._tcp.example.test");
	assert_denied(signer, SERVICE, "S V",
		"type \"S V\" is not a record type");
	assert_denied(signer, SERVICE, "", "type \"\" is not a record type");
}

static void
test_decide_any(void **state)
{
	(void)state;
	assert_allowed("admin@EXAMPLE.TEST", SERVICE, "SRV",
		REGISTRY_SCOPE_ANY, "");
	assert_allowed("admin@EXAMPLE.TEST", SERVICE, "ANY",
		REGISTRY_SCOPE_ANY, "");
	assert_denied("admin@EXAMPLE.TEST", "kms1.example.test", "A",
		"owner kms1.example.test is not _vlmcs._tcp.example.test");
	assert_denied("admin@EXAMPLE.TEST", SERVICE, "CNAME",
		"type CNAME is not allowed at _vlmcs._tcp.example.test");

	/* A key granted ANY whose name is a host: also its own addresses. */
	assert_allowed("KMS-TSIG.example.test", SERVICE, "SRV",
		REGISTRY_SCOPE_ANY, "kms-tsig.example.test");
	assert_allowed("kms-tsig.example.test", "kms-tsig.example.test", "A",
		REGISTRY_SCOPE_ANY, "kms-tsig.example.test");

	/* SELF and ANY both match: ANY wins; zone names compare as names. */
	assert_allowed("host/kms2.example.test@EXAMPLE.TEST", SERVICE, "SRV",
		REGISTRY_SCOPE_ANY, "kms2.example.test");
	assert_allowed("host/kms2.example.test@EXAMPLE.TEST",
		"kms2.example.test", "AAAA", REGISTRY_SCOPE_ANY,
		"kms2.example.test");
}

static void
test_decide_keys_and_realms(void **state)
{
	grants_decision decision;

	(void)state;
	/* A TSIG key named after a host manages that host. */
	assert_allowed("KMS1.Example.Test", SERVICE, "SRV",
		REGISTRY_SCOPE_SELF, "kms1.example.test");
	assert_allowed("kms1.example.test", "kms1.example.test", "A",
		REGISTRY_SCOPE_SELF, "kms1.example.test");

	/* Realm wildcards: host principals and machine accounts. */
	assert_true(grants_decide(test_grants, GRANT_COUNT, "corp.test",
		"KMS7$@CORP.TEST", "_vlmcs._tcp.corp.test", "SRV", &decision));
	assert_int_equal(decision.scope, REGISTRY_SCOPE_SELF);
	assert_string_equal(decision.host, "kms7.corp.test");
	assert_true(grants_decide(test_grants, GRANT_COUNT, "corp.test",
		"host/kms8.corp.test@CORP.TEST", "kms8.corp.test", "A",
		&decision));
	assert_string_equal(decision.host, "kms8.corp.test");
	assert_denied_in("corp.test", "admin@CORP.TEST",
		"_vlmcs._tcp.corp.test", "SRV",
		"no grant for admin@CORP.TEST in zone corp.test");
	assert_denied_in("corp.test", "KMS7$@corp.test",
		"_vlmcs._tcp.corp.test", "SRV",
		"no grant for KMS7$@corp.test in zone corp.test");
	assert_denied("KMS7$@CORP.TEST", SERVICE, "SRV",
		"no grant for KMS7$@CORP.TEST in zone example.test");

	/* A self grant for a principal that stands for no host. */
	assert_denied("user@EXAMPLE.TEST", SERVICE, "SRV",
		"user@EXAMPLE.TEST has a self grant in zone example.test but "
		"stands for no host");

	/* A host outside the zone: SRV yes, addresses no. */
	assert_allowed("host/kms1.other.test@EXAMPLE.TEST", SERVICE, "SRV",
		REGISTRY_SCOPE_SELF, "kms1.other.test");
	assert_denied("host/kms1.other.test@EXAMPLE.TEST", "kms1.other.test",
		"A", "owner kms1.other.test is not _vlmcs._tcp.example.test");
}

/* ---- grants_check_record -------------------------------------------- */

static void
parse(const char *text, rdata_record *rec)
{
	kd_err err = { "" };

	if (rdata_parse(text, rec, &err) != KD_OK) {
		fail_msg("%s", err.text);
	}
}

static void
assert_record_ok(const grants_decision *decision, const char *text)
{
	rdata_record rec;
	kd_err err = { "" };

	parse(text, &rec);
	if (grants_check_record(decision, ZONE, &rec, &err) != KD_OK) {
		fail_msg("\"%s\" refused: %s", text, err.text);
	}
}

static void
assert_record_refused(const grants_decision *decision, const char *text,
	const char *message)
{
	rdata_record rec;
	kd_err err = { "" };

	parse(text, &rec);
	assert_int_equal(grants_check_record(decision, ZONE, &rec, &err),
		KD_EPERM);
	assert_string_equal(err.text, message);
}

static void
test_check_self(void **state)
{
	grants_decision d;

	(void)state;
	assert_true(grants_decide(test_grants, GRANT_COUNT, ZONE,
		"host/kms1.example.test@EXAMPLE.TEST", SERVICE, "SRV", &d));

	assert_record_ok(&d, "_vlmcs._tcp.example.test.\t3600\tIN\tSRV\t"
		"0 100 1688 kms1.example.test.");
	assert_record_ok(&d, "_VLMCS._TCP.EXAMPLE.TEST.\t3600\tIN\tSRV\t"
		"5 0 1689 KMS1.EXAMPLE.TEST.");
	assert_record_refused(&d, "_vlmcs._tcp.example.test.\t3600\tIN\tSRV\t"
		"0 100 1688 kms2.example.test.",
		"target kms2.example.test is not the signer's host "
		"kms1.example.test");
	assert_record_refused(&d, "_vlmcs._tcp.example.test.\t3600\tIN\tSRV\t"
		"0 0 0 .", "target . is not the signer's host "
		"kms1.example.test");
	assert_record_refused(&d, "foo.example.test.\t3600\tIN\tSRV\t"
		"0 100 1688 kms1.example.test.",
		"SRV record at foo.example.test is not at "
		"_vlmcs._tcp.example.test");
	assert_record_ok(&d, "kms1.example.test.\t3600\tIN\tA\t192.0.2.10");
	assert_record_ok(&d, "kms1.example.test.\t3600\tIN\tAAAA\t2001:db8::a");
	assert_record_refused(&d, "kms2.example.test.\t3600\tIN\tA\t192.0.2.1",
		"A record at kms2.example.test is not at the signer's host "
		"kms1.example.test");
	assert_record_refused(&d, "_vlmcs._tcp.example.test.\t3600\tIN\tA\t"
		"192.0.2.1", "A record at _vlmcs._tcp.example.test is not at "
		"the signer's host kms1.example.test");

	/* BIND bumps the serial inside the transaction. */
	assert_record_ok(&d, "example.test.\t3600\tIN\tSOA\tns1.example.test. "
		"hostmaster.example.test. 5 3600 600 1209600 300");
	assert_record_refused(&d, "kms1.example.test.\t3600\tIN\tSOA\t"
		"ns1.example.test. hostmaster.example.test. 5 3600 600 1209600 "
		"300", "type SOA is not allowed at kms1.example.test");
	assert_record_refused(&d, "example.test.\t3600\tIN\tNS\t"
		"ns9.example.test.", "type NS is not allowed at example.test");
	assert_record_refused(&d, "_vlmcs._tcp.example.test.\t3600\tIN\tTXT\t"
		"\"x\"", "type TXT is not allowed at _vlmcs._tcp.example.test");
	assert_record_refused(&d, "kms1.example.test.\t3600\tIN\tCNAME\t"
		"x.example.test.", "type CNAME is not allowed at "
		"kms1.example.test");
}

static void
test_check_any(void **state)
{
	grants_decision d;
	rdata_record rec;
	kd_err err;

	(void)state;
	assert_true(grants_decide(test_grants, GRANT_COUNT, ZONE,
		"admin@EXAMPLE.TEST", SERVICE, "SRV", &d));
	assert_record_ok(&d, "_vlmcs._tcp.example.test.\t3600\tIN\tSRV\t"
		"0 100 1688 kms2.example.test.");
	assert_record_ok(&d, "_vlmcs._tcp.example.test.\t3600\tIN\tSRV\t"
		"0 100 1688 kms.elsewhere.test.");
	assert_record_refused(&d, "_tcp.example.test.\t3600\tIN\tSRV\t"
		"0 100 1688 kms2.example.test.",
		"SRV record at _tcp.example.test is not at "
		"_vlmcs._tcp.example.test");
	assert_record_refused(&d, "kms1.example.test.\t3600\tIN\tA\t192.0.2.1",
		"A record at kms1.example.test: the signer stands for no host");
	assert_record_ok(&d, "example.test.\t3600\tIN\tSOA\tns1.example.test. "
		"hostmaster.example.test. 5 3600 600 1209600 300");

	/* ANY with a host: its own addresses too. */
	assert_true(grants_decide(test_grants, GRANT_COUNT, ZONE,
		"host/kms2.example.test@EXAMPLE.TEST", SERVICE, "SRV", &d));
	assert_record_ok(&d, "kms2.example.test.\t60\tIN\tA\t192.0.2.2");
	assert_record_refused(&d, "kms1.example.test.\t60\tIN\tAAAA\t::1",
		"AAAA record at kms1.example.test is not at the signer's host "
		"kms2.example.test");

	/* A denied decision refuses everything, with its reason. */
	assert_false(grants_decide(test_grants, GRANT_COUNT, ZONE, "",
		SERVICE, "SRV", &d));
	parse("_vlmcs._tcp.example.test.\t3600\tIN\tSRV\t0 100 1688 "
		"kms1.example.test.", &rec);
	assert_int_equal(grants_check_record(&d, ZONE, &rec, &err), KD_EPERM);
	assert_string_equal(err.text, "update not allowed: unsigned update");
	assert_int_equal(grants_check_record(&d, ZONE, &rec, NULL), KD_EPERM);
}

static void
test_check_host_outside_zone(void **state)
{
	grants_decision d;

	(void)state;
	assert_true(grants_decide(test_grants, GRANT_COUNT, ZONE,
		"host/kms1.other.test@EXAMPLE.TEST", SERVICE, "SRV", &d));
	assert_record_ok(&d, "_vlmcs._tcp.example.test.\t3600\tIN\tSRV\t"
		"0 100 1688 kms1.other.test.");
	assert_record_refused(&d, "kms1.other.test.\t60\tIN\tAAAA\t::1",
		"AAAA record at kms1.other.test is outside zone example.test");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unescape),
		cmocka_unit_test(test_unescape_errors),
		cmocka_unit_test(test_identity_parse),
		cmocka_unit_test(test_signer_host),
		cmocka_unit_test(test_identity_matches),
		cmocka_unit_test(test_decide_unsigned_and_unknown),
		cmocka_unit_test(test_decide_self),
		cmocka_unit_test(test_decide_any),
		cmocka_unit_test(test_decide_keys_and_realms),
		cmocka_unit_test(test_check_self),
		cmocka_unit_test(test_check_any),
		cmocka_unit_test(test_check_host_outside_zone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
