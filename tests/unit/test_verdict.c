/*
 * test_verdict.c -- unit tests of resolver_check/verdict.c and
 * check_report.c: which suffix a client uses, the client code, every
 * finding's severity, and the exit status, on reports built by hand.
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

#include "check_report.h"
#include "discovery.h"
#include "report_output.h"
#include "verdict.h"
#include "wincode.h"

/* A host: "target:priority:weight:port:state" with state o(pen),
 * k(ms: bind accepted), x (not KMS), c(losed), f(iltered) or n(o address). */
static void
add_host(suffix_report *suffix, const char *target, uint16_t priority,
	uint16_t weight, char state)
{
	host_entry *hosts = realloc(suffix->hosts,
		(suffix->host_count + 1) * sizeof(*hosts));
	host_entry *host;

	assert_non_null(hosts);
	suffix->hosts = hosts;
	host = &hosts[suffix->host_count++];
	memset(host, 0, sizeof(*host));
	snprintf(host->rec.target, sizeof(host->rec.target), "%s", target);
	host->rec.priority = priority;
	host->rec.weight = weight;
	host->rec.port = SRV_KMS_PORT;
	if (state == 'n')
		return;
	host->addresses = calloc(1, sizeof(*host->addresses));
	assert_non_null(host->addresses);
	host->address_count = 1;
	snprintf(host->addresses[0].text, sizeof(host->addresses[0].text),
		"192.0.2.1");
	host->addresses[0].probe = state == 'o' ? PROBE_OPEN :
		state == 'k' ? PROBE_KMS : state == 'x' ? PROBE_NOT_KMS :
		state == 'c' ? PROBE_CLOSED : PROBE_FILTERED;
	if (state == 'x')
		snprintf(host->addresses[0].probe_detail,
			sizeof(host->addresses[0].probe_detail), "bind_nak");
	host->reachable = state == 'o' || state == 'k';
}

static suffix_report *
add_suffix(check_report *report, const char *name, suffix_outcome outcome)
{
	suffix_report *suffixes = realloc(report->suffixes,
		(report->suffix_count + 1) * sizeof(*suffixes));
	suffix_report *suffix;

	assert_non_null(suffixes);
	report->suffixes = suffixes;
	suffix = &suffixes[report->suffix_count++];
	memset(suffix, 0, sizeof(*suffix));
	snprintf(suffix->suffix, sizeof(suffix->suffix), "%s", name);
	snprintf(suffix->qname, sizeof(suffix->qname), "_vlmcs._tcp.%s", name);
	suffix->outcome = outcome;
	return suffix;
}

static check_config
make_config(void)
{
	check_config config;

	memset(&config, 0, sizeof(config));
	config.service = "_vlmcs._tcp";
	config.probe = true;
	return config;
}

/* The first finding with ID, or NULL. */
static const finding *
find(const check_report *report, const char *id)
{
	for (size_t i = 0; i < report->finding_count; i++) {
		if (strcmp(report->findings[i].id, id) == 0)
			return &report->findings[i];
	}
	return NULL;
}

static void
judge(const check_config *config, check_report *report)
{
	kd_err err;

	assert_int_equal(verdict_judge(config, report, &err), KD_OK);
	check_report_sort_findings(report);
	/* every finding tells the admin what to do */
	for (size_t i = 0; i < report->finding_count; i++) {
		assert_non_null(report->findings[i].remedy);
		assert_string_equal(report->findings[i].remedy,
			finding_remedy(report->findings[i].id));
	}
}

static void
test_empty_list(void **state)
{
	check_config config = make_config();
	check_report report;
	const finding *f;

	(void)state;
	check_report_init(&report);
	judge(&config, &report);
	f = find(&report, "no_suffix");
	assert_non_null(f);
	assert_int_equal(f->severity, SEVERITY_ERROR);
	assert_int_equal(f->code, WINCODE_INVALID_NAME);
	assert_int_equal(report.client_code, WINCODE_INVALID_NAME);
	assert_false(report.activates);
	assert_int_equal(check_report_exit_status(&report), 2);
	check_report_free(&report);
}

static void
test_first_usable_suffix_wins(void **state)
{
	check_config config = make_config();
	check_report report;
	suffix_report *s;

	(void)state;
	check_report_init(&report);
	report.probed = true;
	add_suffix(&report, "a.test", OUTCOME_NXDOMAIN);
	s = add_suffix(&report, "b.test", OUTCOME_RECORDS);
	add_host(s, "kms1.b.test", 0, 0, 'o');
	add_suffix(&report, "c.test", OUTCOME_SERVFAIL);
	judge(&config, &report);
	assert_int_equal(report.chosen, 1);
	assert_true(report.activates);
	assert_true(report.suffixes[0].queried_by_client);
	assert_false(report.suffixes[2].queried_by_client);
	assert_int_equal(report.suffixes[0].code, WINCODE_NXDOMAIN);
	assert_int_equal(report.suffixes[2].code, WINCODE_SERVER_FAILURE);
	/* NXDOMAIN before and SERVFAIL after the chosen suffix: notes */
	assert_int_equal(find(&report, "nxdomain")->severity, SEVERITY_NOTE);
	assert_int_equal(find(&report, "servfail")->severity, SEVERITY_NOTE);
	assert_int_equal(check_report_exit_status(&report), 0);
	assert_string_equal(verdict_suffix_action(&report, 0),
		"moves on to the next suffix");
	assert_string_equal(verdict_suffix_action(&report, 1),
		"uses this suffix and contacts the hosts below in this order");
	assert_string_equal(verdict_suffix_action(&report, 2),
		"never gets here: it stops at an earlier suffix");
	check_report_free(&report);
}

static void
test_server_failure_before_chosen_warns(void **state)
{
	check_config config = make_config();
	check_report report;
	suffix_report *s;

	(void)state;
	check_report_init(&report);
	add_suffix(&report, "a.test", OUTCOME_TIMEOUT);
	s = add_suffix(&report, "b.test", OUTCOME_RECORDS);
	add_host(s, "kms1.b.test", 0, 0, 'o');
	config.probe = false;
	judge(&config, &report);
	assert_int_equal(find(&report, "timeout")->severity, SEVERITY_WARNING);
	assert_int_equal(find(&report, "timeout")->code,
		WINCODE_SERVER_FAILURE);
	assert_int_equal(check_report_exit_status(&report), 1);
	assert_string_equal(verdict_suffix_action(&report, 0), "may stop here "
		"on the server failure, or move on to the next suffix");
	check_report_free(&report);
}

static void
test_no_usable_suffix_uses_last_code(void **state)
{
	check_config config = make_config();
	check_report report;

	(void)state;
	check_report_init(&report);
	add_suffix(&report, "a.test", OUTCOME_NXDOMAIN);
	add_suffix(&report, "b.test", OUTCOME_NODATA);
	judge(&config, &report);
	assert_int_equal(report.chosen, -1);
	assert_false(report.activates);
	assert_int_equal(report.client_code, WINCODE_NO_RECORDS);
	assert_int_equal(find(&report, "nxdomain")->severity, SEVERITY_ERROR);
	assert_int_equal(check_report_exit_status(&report), 2);
	assert_string_equal(verdict_suffix_action(&report, 0),
		"moves on to the next suffix");
	assert_string_equal(verdict_suffix_action(&report, 1),
		"has no suffix left: activation fails");
	check_report_free(&report);
}

static void
test_remedies(void **state)
{
	(void)state;
	assert_non_null(strstr(finding_remedy("tcp_nxdomain"),
		"NOERROR for the empty non-terminal _tcp.<zone>"));
	assert_non_null(finding_remedy("no_kms_reachable"));
	assert_null(finding_remedy("no_such_finding"));
}

static void
test_json_error_document(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	(void)state;
	assert_non_null(out);
	report_print_json_error("poll: \"x\"", 2, out);
	assert_int_equal(fclose(out), 0);
	assert_string_equal(text, "{\"format\":1,\"error\":\"poll: \\\"x\\\"\","
		"\"exit_status\":2}\n");
	free(text);
}

static void
test_all_hosts_down(void **state)
{
	check_config config = make_config();
	check_report report;
	suffix_report *s;

	(void)state;
	check_report_init(&report);
	report.probed = true;
	report.rpc = true;
	s = add_suffix(&report, "a.test", OUTCOME_RECORDS);
	add_host(s, "kms1.a.test", 0, 10, 'c');
	add_host(s, "kms2.a.test", 0, 10, 'f');
	add_host(s, "kms3.a.test", 0, 10, 'x');
	judge(&config, &report);
	assert_false(report.activates);
	assert_int_equal(report.client_code, WINCODE_NO_KMS);
	/* errors sort first */
	assert_string_equal(report.findings[0].id, "no_kms_reachable");
	assert_non_null(strstr(report.findings[0].message, "none of its 3 "
		"host(s) answers as a KMS host"));
	/* kms-rpc.md 5: no answer to the SYN is the firewall case */
	assert_int_equal(find(&report, "port_closed")->code,
		WINCODE_RPC_UNAVAILABLE);
	assert_int_equal(find(&report, "port_filtered")->code,
		WINCODE_RPC_UNAVAILABLE);
	assert_int_equal(find(&report, "not_kms")->code,
		WINCODE_KMS_NOT_ENABLED);
	assert_non_null(strstr(find(&report, "not_kms")->message,
		"is not a KMS host: bind_nak"));
	assert_int_equal(check_report_exit_status(&report), 2);
	assert_string_equal(verdict_suffix_action(&report, 0), "uses this "
		"suffix, but none of its hosts can be reached: activation "
		"fails");
	check_report_free(&report);
}

static void
test_best_priority_down(void **state)
{
	check_config config = make_config();
	check_report report;
	suffix_report *s;

	(void)state;
	check_report_init(&report);
	report.probed = true;
	s = add_suffix(&report, "a.test", OUTCOME_RECORDS);
	add_host(s, "kms1.a.test", 0, 0, 'c');
	add_host(s, "kms2.a.test", 5, 0, 'o');
	judge(&config, &report);
	assert_true(report.activates);
	assert_non_null(find(&report, "best_priority_down"));
	assert_non_null(strstr(find(&report, "best_priority_down")->message,
		"priority 5"));
	assert_int_equal(check_report_exit_status(&report), 1);
	assert_null(find(&report, "weights_and_caching"));
	check_report_free(&report);
	/* same with the best priority up: no such finding */
	check_report_init(&report);
	report.probed = true;
	s = add_suffix(&report, "a.test", OUTCOME_RECORDS);
	add_host(s, "kms1.a.test", 0, 0, 'o');
	add_host(s, "kms2.a.test", 5, 0, 'c');
	judge(&config, &report);
	assert_null(find(&report, "best_priority_down"));
	check_report_free(&report);
}

static void
test_records_and_expect(void **state)
{
	check_config config = make_config();
	const char expect[2][DNAME_BUF_SIZE] = { "kms1.a.test", "kms9.a.test" };
	check_report report;
	suffix_report *s;

	(void)state;
	config.probe = false;
	config.expect = expect;
	config.expect_count = 2;
	check_report_init(&report);
	s = add_suffix(&report, "a.test", OUTCOME_RECORDS);
	add_host(s, "kms1.a.test", 0, 0, 'o');
	add_host(s, "kms2.a.test", 0, 10, 'o');
	add_host(s, "KMS2.a.test", 0, 10, 'o');
	judge(&config, &report);
	assert_string_equal(find(&report, "weight_zero_mixed")->target,
		"kms1.a.test");
	assert_int_equal(find(&report, "weights_and_caching")->severity,
		SEVERITY_NOTE);
	assert_non_null(find(&report, "duplicate_target"));
	assert_string_equal(find(&report, "rogue_host")->target, "kms2.a.test");
	assert_string_equal(find(&report, "expected_missing")->target,
		"kms9.a.test");
	assert_null(find(&report, "port_not_default"));
	check_report_free(&report);
}

static void
test_suffixes_disagree(void **state)
{
	check_config config = make_config();
	check_report report;
	suffix_report *s;

	(void)state;
	config.probe = false;
	check_report_init(&report);
	s = add_suffix(&report, "a.test", OUTCOME_RECORDS);
	add_host(s, "kms1.a.test", 0, 0, 'o');
	s = add_suffix(&report, "b.test", OUTCOME_RECORDS);
	add_host(s, "kms1.a.test", 0, 0, 'o');
	judge(&config, &report);
	assert_null(find(&report, "suffixes_disagree"));
	check_report_free(&report);

	check_report_init(&report);
	s = add_suffix(&report, "a.test", OUTCOME_RECORDS);
	add_host(s, "kms1.a.test", 0, 0, 'o');
	s = add_suffix(&report, "b.test", OUTCOME_RECORDS);
	add_host(s, "kms1.a.test", 0, 0, 'o');
	add_host(s, "kms2.b.test", 0, 0, 'o');
	judge(&config, &report);
	assert_string_equal(find(&report, "suffixes_disagree")->suffix,
		"b.test");
	assert_int_equal(check_report_exit_status(&report), 1);
	check_report_free(&report);
}

static void
test_no_primary_suffix(void **state)
{
	check_config config = make_config();
	check_report report;
	suffix_report *s;

	(void)state;
	config.probe = false;
	config.windows_without_primary = true;
	check_report_init(&report);
	s = add_suffix(&report, "lan", OUTCOME_RECORDS);
	add_host(s, "kms.lan", 0, 0, 'o');
	judge(&config, &report);
	assert_int_equal(find(&report, "no_primary_suffix")->severity,
		SEVERITY_WARNING);
	assert_int_equal(find(&report, "no_primary_suffix")->code,
		WINCODE_INVALID_NAME);
	check_report_free(&report);
}

static void
test_devolution_only(void **state)
{
	check_config config = make_config();
	check_report report;
	suffix_report *s;

	(void)state;
	check_report_init(&report);
	add_suffix(&report, "site.corp.example.test", OUTCOME_NXDOMAIN);
	s = add_suffix(&report, "corp.example.test", OUTCOME_NODATA);
	s->devolved = true;
	s = add_suffix(&report, "example.test", OUTCOME_RECORDS);
	s->devolved = true;
	add_host(s, "kms.example.test", 0, 0, 'o');
	judge(&config, &report);
	assert_int_equal(report.chosen, 2);
	assert_false(report.activates);
	assert_true(report.via_devolution);
	/* without devolution the client stops at the primary's NXDOMAIN */
	assert_int_equal(report.client_code, WINCODE_NXDOMAIN);
	assert_int_equal(find(&report, "devolution_only")->severity,
		SEVERITY_WARNING);
	assert_non_null(strstr(find(&report, "devolution_only")->message,
		"publish into site.corp.example.test as well"));
	assert_int_equal(check_report_exit_status(&report), 1);
	check_report_free(&report);
}

/* A deadline already past: nothing is asked, the report says so. */
static void
test_deadline_reached(void **state)
{
	check_config config = make_config();
	check_report report;
	suffix_list list;
	kd_err err;

	(void)state;
	suffix_list_init(&list);
	assert_int_equal(suffix_list_add(&list, "a.test", "test", &err), KD_OK);
	assert_int_equal(endpoint_parse("127.0.0.1#9", 53, &config.server,
		&err), KD_OK);
	config.suffixes = &list;
	config.timeout_ms = 1000;
	config.max_inflight = 4;
	config.deadline_ms = 1;
	check_report_init(&report);
	assert_int_equal(check_run(&config, &report, &err), KD_OK);
	assert_true(report.deadline_reached);
	assert_int_equal(report.deadline_ms, 9000);
	assert_int_equal(report.suffixes[0].outcome, OUTCOME_NOT_CHECKED);
	assert_string_equal(report.findings[0].id, "deadline_reached");
	assert_int_equal(report.findings[0].severity, SEVERITY_ERROR);
	assert_non_null(strstr(report.findings[0].message, "deadline of 9000 "
		"ms (--timeout x (8 + 1 suffixes)); not checked: the SRV "
		"records of 1 suffix(es)"));
	assert_int_equal(check_report_exit_status(&report), 2);
	check_report_free(&report);
	suffix_list_free(&list);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_list),
		cmocka_unit_test(test_first_usable_suffix_wins),
		cmocka_unit_test(test_server_failure_before_chosen_warns),
		cmocka_unit_test(test_no_usable_suffix_uses_last_code),
		cmocka_unit_test(test_all_hosts_down),
		cmocka_unit_test(test_best_priority_down),
		cmocka_unit_test(test_records_and_expect),
		cmocka_unit_test(test_suffixes_disagree),
		cmocka_unit_test(test_no_primary_suffix),
		cmocka_unit_test(test_devolution_only),
		cmocka_unit_test(test_deadline_reached),
		cmocka_unit_test(test_remedies),
		cmocka_unit_test(test_json_error_document),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
