/*
 * check_options.h -- kmsdns-check's command line, parsed into a plain struct.
 *
 * Parsing never prints or exits: a usage error returns KD_EINVAL with one
 * line naming the option and the reason; main() prints it and exits 64
 * (3 with --format nagios).
 */
#ifndef KMSDNS_CHECK_OPTIONS_H
#define KMSDNS_CHECK_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "dname.h"
#include "endpoint.h"
#include "kd_result.h"
#include "suffixes.h"

#define CHECK_TIMEOUT_DEFAULT_MS 2000
#define CHECK_TIMEOUT_MAX_MS 600000

/* Where the suffix list comes from. */
typedef enum check_suffix_mode {
	CHECK_SUFFIX_SYSTEM,      /* no suffix option: the system resolv.conf */
	CHECK_SUFFIX_EXPLICIT,    /* --suffix ... */
	CHECK_SUFFIX_WINDOWS,     /* --primary-suffix/--search/... */
	CHECK_SUFFIX_RESOLV_CONF, /* --resolv-conf FILE */
} check_suffix_mode;

/* What the report looks like (--format; --json is --format json). */
typedef enum check_format {
	CHECK_FORMAT_TEXT,
	CHECK_FORMAT_JSON,
	CHECK_FORMAT_NAGIOS,     /* Nagios plugin: status line, perfdata */
	CHECK_FORMAT_PROMETHEUS, /* node_exporter textfile metrics */
} check_format;

/* Parsed options. Strings point into argv; the arrays are owned. */
typedef struct check_options {
	check_suffix_mode mode;
	const char **suffixes;        /* --suffix, in order */
	size_t suffix_count;
	const char *primary;          /* --primary-suffix */
	const char *search;           /* --search */
	const char **connections;     /* --connection-suffix, in order */
	size_t connection_count;
	unsigned devolution;          /* --devolution, default 2 */
	const char *resolv_conf;      /* --resolv-conf */
	bool server_set;
	endpoint server;              /* --server (port 53 by default) */
	char service[DNAME_BUF_SIZE]; /* --service, canonical */
	bool probe;                   /* false with --no-probe */
	bool rpc;                     /* false with --no-rpc */
	bool authoritative;
	uint16_t ns_port;             /* --ns-port, default 53 */
	char (*expect)[DNAME_BUF_SIZE]; /* --expect, canonical */
	size_t expect_count;
	unsigned timeout_ms;          /* --timeout */
	check_format format;
	bool help;                    /* --help/-h: print usage, nothing else */
	bool version;                 /* --version/-V: print the version */
} check_options;

/*
 * Parse ARGV (ARGC entries, ARGV[0] the program) into OPTS. Options take
 * their value as the next argument or after '=' ("--timeout=500").
 * Returns KD_OK, KD_EINVAL on a usage error, KD_ENOMEM. Free OPTS with
 * check_options_free() in every case.
 */
kd_result check_options_parse(int argc, char *const *argv,
	check_options *opts, kd_err *err);

/* Free the arrays of OPTS. */
void check_options_free(check_options *opts);

/*
 * Build the suffix list LIST (initialised by the caller) and the server
 * to query *SERVER from OPTS: the explicit or Windows list, or the
 * resolv.conf named by OPTS (the system one by default). Without
 * --server the first nameserver of that resolv.conf (or of the system
 * one) is used. Returns KD_EINVAL/KD_ENOENT/KD_EIO/KD_ESYNTAX with ERR
 * naming the option or file, or KD_ENOENT when no server is known.
 */
kd_result check_options_build(const check_options *opts,
	const char *system_resolv_conf, suffix_list *list, endpoint *server,
	kd_err *err);

/*
 * The --format (or --json) ARGV asks for, read without judging the rest
 * of the command line, so that a usage error can be told in that format
 * (Nagios wants exit 3). CHECK_FORMAT_TEXT when none or not valid.
 */
check_format check_options_scan_format(int argc, char *const *argv);

/* The usage text printed by --help. */
const char *check_options_usage(void);

#endif /* KMSDNS_CHECK_OPTIONS_H */
