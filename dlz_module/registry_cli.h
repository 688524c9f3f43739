/*
 * registry_cli.h -- kmsdns-registry, the registry admin tool, as a library.
 *
 * The whole tool lives behind registry_cli_main() so tests can run every
 * command with their own streams; kmsdns-registry.c only calls it. The
 * commands, options, output formats and exit codes are described in
 * kmsdns-registry(8) and in `kmsdns-registry --help`.
 */
#ifndef KMSDNS_REGISTRY_CLI_H
#define KMSDNS_REGISTRY_CLI_H

#include <stdint.h>
#include <stdio.h>
#include "kd_result.h"
#include "registry.h"

/* Exit codes of registry_cli_main(). */
#define REGISTRY_CLI_EXIT_OK 0     /* done, or already so */
#define REGISTRY_CLI_EXIT_FAILED 1 /* the operation failed: store, not found */
#define REGISTRY_CLI_EXIT_UNCHECKED 2 /* verify: named.conf unreadable */
#define REGISTRY_CLI_EXIT_USAGE 64 /* EX_USAGE: unknown command or option,
                                      missing argument, bad value */

/*
 * Run kmsdns-registry with ARGC arguments ARGV (ARGV[0] is the program
 * name; the array may be reordered, as getopt_long() does). Results go to
 * OUT, errors to ERR as one line each ("kmsdns-registry: zone x does not
 * exist"). The environment supplies KMSDNS_REGISTRY (default for --db;
 * without either the registry is KD_DEFAULT_REGISTRY), KMSDNS_NOW (a UNIX
 * time replacing the clock, for tests) and SUDO_USER (who the audit log
 * names). Returns the exit code. A command that fails changes nothing; a
 * command that succeeds is recorded in the registry's audit log (and
 * syslog) when it changed something.
 */
int registry_cli_main(int argc, char **argv, FILE *out, FILE *err);

/*
 * Receives the one-line record of a change ("user alice: grant zone
 * corp.example.test KMS1$@EXAMPLE.TEST: \"\" -> \"any\"", no newline,
 * control characters as '?'); CTX is the caller's.
 */
typedef void (*registry_cli_log_fn)(void *ctx, const char *line);

/* Where registry_cli_run() writes. */
typedef struct registry_cli_io {
	FILE *out;
	FILE *err;
	registry_cli_log_fn log;  /* NULL: syslog(3), LOG_USER, LOG_NOTICE */
	void *log_ctx;
} registry_cli_io;

/*
 * registry_cli_main() with its streams and change log in IO: each change
 * committed goes to IO->log as one line, after its audit entry. Returns
 * the exit code.
 */
int registry_cli_run(int argc, char **argv, const registry_cli_io *io);

/*
 * Write zone ZONE of REG to OUT as a master file, as the DLZ module serves
 * it at NOW (zonedata.h). KD_ENOENT when the zone does not exist; ERR says
 * why on failure.
 */
kd_result registry_cli_export(registry *reg, const char *zone, int64_t now,
	FILE *out, kd_err *err);

#endif /* KMSDNS_REGISTRY_CLI_H */
