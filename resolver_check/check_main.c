/*
 * check_main.c -- kmsdns-check: options in, report out. The checks live
 * in discovery.c and its modules.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "check_options.h"
#include "resolv_conf.h"
#include "discovery.h"
#include "report_output.h"

#define EXIT_USAGE 64
#define EXIT_CLIENT_FAILS 2
/* Sockets kmsdns-check keeps open at once, at most. */
#define MAX_INFLIGHT 512

/* As many sockets as the descriptor limit allows, up to MAX_INFLIGHT. */
static size_t
max_inflight(void)
{
	struct rlimit limit;

	if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur < 64)
		return 16;
	if (limit.rlim_cur - 32 < MAX_INFLIGHT)
		return (size_t)(limit.rlim_cur - 32);
	return MAX_INFLIGHT;
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

	kd_err_clear(&err);
	if (check_options_parse(argc, argv, &opts, &err) != KD_OK) {
		fprintf(stderr, "kmsdns-check: %s\n", err.text);
		fprintf(stderr, "Try 'kmsdns-check --help'.\n");
		check_options_free(&opts);
		return EXIT_USAGE;
	}
	if (opts.help) {
		fputs(check_options_usage(), stdout);
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
		fprintf(stderr, "kmsdns-check: %s\n", err.text);
		status = EXIT_USAGE;
	} else if ((ret = check_run(&config, &report, &err)) != KD_OK) {
		/* a suffix too long for the service name is bad input */
		fprintf(stderr, "kmsdns-check: %s\n", err.text);
		status = ret == KD_EINVAL ? EXIT_USAGE : EXIT_CLIENT_FAILS;
		if (opts.json && status != EXIT_USAGE)
			report_print_json_error(err.text, status, stdout);
	} else {
		if (opts.json)
			report_print_json(&report, stdout);
		else
			report_print_text(&report, stdout);
		status = check_report_exit_status(&report);
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
