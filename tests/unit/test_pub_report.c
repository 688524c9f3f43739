/*
 * test_pub_report.c -- unit tests of nsupdate_tool/pub_report.c.
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

#include "pub_report.h"
#include "wincode.h"

static pub_result
result(const char *domain, bool ok, kd_result code, int rcode, int tsig_error)
{
	pub_result r;

	memset(&r, 0, sizeof(r));
	snprintf(r.domain, sizeof(r.domain), "%s", domain);
	snprintf(r.owner, sizeof(r.owner), "_vlmcs._tcp.%s", domain);
	snprintf(r.zone, sizeof(r.zone), "%s", domain);
	snprintf(r.server, sizeof(r.server), "127.0.0.1#53");
	r.planned = true;
	r.action = PUB_ACTION_ADDED;
	r.ok = ok;
	r.code = code;
	r.rcode = rcode;
	r.tsig_error = tsig_error;
	if (!ok)
		snprintf(r.error, sizeof(r.error), "UPDATE \"failed\"");
	return r;
}

static void
test_windows_codes(void **state)
{
	pub_result r;

	(void)state;
	r = result("a.test", false, KD_EREFUSED, 5, 0);
	assert_int_equal(pub_report_wincode(&r), WINCODE_PUB_REFUSED);
	assert_string_equal(pub_report_error_name(&r), "REFUSED");
	assert_non_null(strstr(pub_report_hint(&r), "update policy"));
	r = result("a.test", false, KD_EBADSIG, 9, 16);
	assert_int_equal(pub_report_wincode(&r), WINCODE_PUB_BADSIG);
	assert_string_equal(pub_report_error_name(&r), "BADSIG");
	r = result("a.test", false, KD_EBADKEY, 9, 17);
	assert_int_equal(pub_report_wincode(&r), WINCODE_PUB_NOTAUTH);
	assert_string_equal(pub_report_error_name(&r), "BADKEY");
	r = result("a.test", false, KD_EBADTIME, 9, 18);
	assert_int_equal(pub_report_wincode(&r), WINCODE_PUB_NOTAUTH);
	assert_non_null(strstr(pub_report_hint(&r), "clock skew"));
	r = result("a.test", false, KD_ENOTAUTH, -1, -1);
	assert_int_equal(pub_report_wincode(&r), WINCODE_PUB_NOTAUTH);
	assert_non_null(strstr(pub_report_hint(&r), "not the zone's primary"));
	r = result("a.test", false, KD_ENOTZONE, 10, -1);
	assert_int_equal(pub_report_wincode(&r), WINCODE_PUB_NOTZONE);
	assert_string_equal(pub_report_error_name(&r), "NOTZONE");
	r = result("a.test", false, KD_ENOTZONE, -1, -1);
	assert_string_equal(pub_report_error_name(&r), "no-zone");
	/* 0x8007232A "DNS server failure": timeouts, network, SERVFAIL */
	r = result("a.test", false, KD_ETIMEOUT, -1, -1);
	assert_int_equal(pub_report_wincode(&r), WINCODE_SERVER_FAILURE);
	assert_non_null(strstr(pub_report_hint(&r), "firewall on 53/tcp"));
	r = result("a.test", false, KD_ENET, -1, -1);
	assert_int_equal(pub_report_wincode(&r), WINCODE_SERVER_FAILURE);
	r = result("a.test", false, KD_ESERVFAIL, -1, -1);
	assert_int_equal(pub_report_wincode(&r), WINCODE_SERVER_FAILURE);
	assert_string_equal(pub_report_error_name(&r), "SERVFAIL");
	r = result("a.test", false, KD_ESERVFAIL, 2, -1);
	assert_int_equal(pub_report_wincode(&r), WINCODE_SERVER_FAILURE);
	/* a signed UPDATE refused unsigned (PowerDNS): a key hint */
	r = result("a.test", false, KD_EREFUSED, 5, -1);
	r.unsigned_refusal = true;
	assert_int_equal(pub_report_wincode(&r), WINCODE_PUB_REFUSED);
	assert_non_null(strstr(pub_report_hint(&r), "unsigned REFUSED"));
	/* NOTAUTH from a module zone: rndc reconfig */
	r = result("a.test", false, KD_ENOTAUTH, 9, -1);
	r.kmsdns_zone = true;
	assert_non_null(strstr(pub_report_hint(&r), "rndc reconfig"));
	r.kmsdns_zone = false;
	assert_null(strstr(pub_report_hint(&r), "rndc reconfig"));
	/* GSS-TSIG failures get GSS hints, not "copy the key file" */
	r = result("a.test", false, KD_EBADSIG, 9, 16);
	r.gss = true;
	assert_null(strstr(pub_report_hint(&r), "key file"));
	assert_non_null(strstr(pub_report_hint(&r), "kvno"));
	r = result("a.test", false, KD_EBADKEY, 9, 17);
	r.gss = true;
	assert_non_null(strstr(pub_report_hint(&r), "GSS-TSIG context"));
	/* a malformed or mismatched answer */
	r = result("a.test", false, KD_EDNS, -1, -1);
	assert_non_null(strstr(pub_report_hint(&r), "did not fit the question"));
	r = result("a.test", true, KD_OK, 0, 0);
	assert_int_equal(pub_report_wincode(&r), 0);
	assert_null(pub_report_hint(&r));
	assert_null(pub_report_error_name(&r));
}

/* Render RESULTS with WRITER into a new string. */
static char *
render(bool json, const pub_result *results, size_t count)
{
	pub_config cfg;
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);

	assert_non_null(out);
	pub_config_init(&cfg);
	snprintf(cfg.host, sizeof(cfg.host), "kms1.example.test");
	cfg.auth = PUB_AUTH_TSIG;
	if (json)
		pub_report_json(out, &cfg, results, count, 0);
	else
		pub_report_text(out, &cfg, results, count);
	fclose(out);
	pub_config_free(&cfg);
	return buf;
}

static void
test_text_and_json(void **state)
{
	pub_result results[2];
	char *text;

	(void)state;
	results[0] = result("a.test", true, KD_OK, 0, 0);
	results[1] = result("b.test", false, KD_EREFUSED, 5, -1);
	text = render(false, results, 2);
	assert_string_equal(text,
		"a.test zone=a.test server=127.0.0.1#53 action=added result=ok\n"
		"b.test zone=b.test server=127.0.0.1#53 action=added result=failed"
		" error=REFUSED windows=0x8007232D event=12293 hint=\"the zone's"
		" update policy has no grant for this key or principal on this"
		" record (or the server is a secondary, or another host kept the zone busy through the retry): add a grant\" detail="
		"\"UPDATE 'failed'\"\n");
	free(text);
	text = render(true, results, 2);
	assert_non_null(strstr(text, "\"host\":\"kms1.example.test\""));
	assert_non_null(strstr(text, "\"domain\":\"b.test\""));
	assert_non_null(strstr(text, "\"windows_code\":\"0x8007232D\""));
	assert_non_null(strstr(text, "\"windows_event\":12293"));
	/* detail is escaped JSON */
	assert_non_null(strstr(text, "\"detail\":\"UPDATE \\\"failed\\\"\""));
	assert_non_null(strstr(text, "\"failed\":1}"));
	assert_non_null(strstr(text, "\"tsig_error\":null"));
	free(text);
	assert_int_equal(pub_report_exit_status(results, 1), 0);
	assert_int_equal(pub_report_exit_status(results, 2), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_windows_codes),
		cmocka_unit_test(test_text_and_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
