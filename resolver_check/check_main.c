/*
 * check_main.c -- kmsdns-check: options in, report out. The checks live
 * in discovery.c and its modules.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "check_options.h"
#include "cli_conv.h"
#include "resolv_conf.h"
#include "discovery.h"
#include "report_output.h"

#define EXIT_USAGE CLI_EX_USAGE
#define EXIT_CLIENT_FAILS 2
#define EXIT_NAGIOS_UNKNOWN 3
/* Sockets kmsdns-check keeps open at once, at most. */
#define MAX_INFLIGHT 512

/* As many sockets as the descriptor limit allows, up to MAX_INFLIGHT. */
static size_t
max_inflight(void)
{
	struct rlimit limit;

	if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur < 64) {
		return 16;
	}
	if (limit.rlim_cur - 32 < MAX_INFLIGHT) {
		return (size_t)(limit.rlim_cur - 32);
	}
	return MAX_INFLIGHT;
}

static void
print_report(const check_options *opts, const check_report *report)
{
	struct timespec now;

	switch (opts->format) {
	case CHECK_FORMAT_TEXT:
		report_print_text(report, stdout);
		break;
	case CHECK_FORMAT_JSON:
		report_print_json(report, stdout);
		break;
	case CHECK_FORMAT_NAGIOS:
		report_print_nagios(report, stdout);
		break;
	case CHECK_FORMAT_PROMETHEUS:
		clock_gettime(CLOCK_REALTIME, &now);
		report_print_prometheus(report, (double)now.tv_sec +
			now.tv_nsec / 1e9, stdout);
		break;
	}
}

int
main(int argc, char **argv)
{
	check_options opts;
	suffix_list suffixes;
	check_report report;
	check_config config;
	kd_err err;
	kd_result ret;
	int status;
	bool reported = false;

	kd_err_clear(&err);
	if (check_options_parse(argc, argv, &opts, &err) != KD_OK) {
		bool nagios = check_options_scan_format(argc, argv) ==
			CHECK_FORMAT_NAGIOS;

		(void)cli_usage_error(stderr, "kmsdns-check", "%s", err.text);
		if (nagios) {
			report_print_nagios_unknown(err.text, stdout);
		}
		check_options_free(&opts);
		return nagios ? EXIT_NAGIOS_UNKNOWN : EXIT_USAGE;
	}
	if (opts.help) {
		fputs(check_options_usage(), stdout);
		check_options_free(&opts);
		return 0;
	}
	if (opts.version) {
		cli_version(stdout, "kmsdns-check");
		check_options_free(&opts);
		return 0;
	}
	suffix_list_init(&suffixes);
	check_report_init(&report);
	config = (check_config) {
		.suffixes = &suffixes,
		.service = opts.service,
		.probe = opts.probe,
		.rpc = opts.rpc,
		.authoritative = opts.authoritative,
		.ns_port = opts.ns_port,
		.expect = (const char (*)[DNAME_BUF_SIZE])opts.expect,
		.expect_count = opts.expect_count,
		.timeout_ms = opts.timeout_ms,
		.max_inflight = max_inflight(),
		.windows_without_primary = opts.mode == CHECK_SUFFIX_WINDOWS &&
			opts.primary == NULL,
	};
	if (check_options_build(&opts, RESOLV_CONF_DEFAULT_PATH, &suffixes,
		&config.server, &err) != KD_OK) {
		cli_error_line(stderr, "kmsdns-check", err.text);
		status = EXIT_USAGE;
	} else if ((ret = check_run(&config, &report, &err)) != KD_OK) {
		/* a suffix too long for the service name is bad input */
		cli_error_line(stderr, "kmsdns-check", err.text);
		status = ret == KD_EINVAL ? EXIT_USAGE : EXIT_CLIENT_FAILS;
		if (opts.format == CHECK_FORMAT_JSON && status != EXIT_USAGE) {
			report_print_json_error(err.text, status, stdout);
		}
	} else {
		print_report(&opts, &report);
		status = check_report_exit_status(&report);
		reported = true;
	}
	/* for Nagios, a check that could not run is UNKNOWN */
	if (opts.format == CHECK_FORMAT_NAGIOS && !reported) {
		report_print_nagios_unknown(err.text, stdout);
		status = EXIT_NAGIOS_UNKNOWN;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "kmsdns-check: cannot write the report to "
			"standard output: %s\n", strerror(errno));
		status = EXIT_CLIENT_FAILS;
	}
	check_report_free(&report);
	suffix_list_free(&suffixes);
	check_options_free(&opts);
	return status;
}
