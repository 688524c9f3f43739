/*
 * cli_conv.h -- the command-line conventions the kmsdns tools share.
 *
 * --help and --version exit 0; a usage error (unknown option, missing
 * argument, an option given twice) is one line that names the problem and
 * points to --help, exit CLI_EX_USAGE (64, EX_USAGE of sysexits.h). Bad
 * input is quoted escaped, never echoed as raw bytes, and an address that
 * does not parse is answered with the forms that do.
 */
#ifndef KMSDNS_CLI_CONV_H
#define KMSDNS_CLI_CONV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "endpoint.h"
#include "kd_result.h"

/* Exit status of a usage error (EX_USAGE). */
#define CLI_EX_USAGE 64

/* The address forms cli_endpoint_parse() accepts, for messages. */
#define CLI_ENDPOINT_FORMS "ADDR, ADDR#PORT, [V6]#PORT"

/*
 * Bytes cli_quote() needs for any input: the quotes, up to CLI_QUOTE_SHOWN
 * input bytes as 4-byte escapes each, "..." and the NUL.
 */
#define CLI_QUOTE_SHOWN 64
#define CLI_QUOTE_MAX (2 + 4 * CLI_QUOTE_SHOWN + 3 + 1)

/* Bytes of a message cli_command_usage_error() prints at the most. */
#define CLI_MESSAGE_MAX 2048

/*
 * Write TEXT to OUT with every byte outside printable ASCII (control,
 * DEL, 8-bit) as \xHH, so that no message echoes raw bytes of an input.
 */
void cli_print_escaped(FILE *out, const char *text);

/* Print "PROGRAM: TEXT" as one line to OUT, TEXT as cli_print_escaped(). */
void cli_error_line(FILE *out, const char *program, const char *text);

/*
 * Print "PROGRAM: COMMAND: MESSAGE (see PROGRAM COMMAND --help)" as one
 * line to OUT, for the command COMMAND ("host add") of a tool with
 * commands, and return CLI_EX_USAGE. COMMAND NULL: the usage error of the
 * program itself, cli_usage_error(). MESSAGE is escaped as
 * cli_print_escaped() does.
 */
int cli_command_usage_error(FILE *out, const char *program,
	const char *command, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * Print "PROGRAM: MESSAGE (see PROGRAM --help)" as one line to OUT and
 * return CLI_EX_USAGE, so that main() reads
 * `return cli_usage_error(stderr, "kmsdns-publish", "...", ...)`.
 */
#define cli_usage_error(out, program, ...) \
	cli_command_usage_error((out), (program), NULL, __VA_ARGS__)

/* Print the --version line "PROGRAM (kmsdns) VERSION" to OUT. */
void cli_version(FILE *out, const char *program);

/*
 * Write LEN bytes of TEXT to OUT (OUTLEN, CLI_QUOTE_MAX suffices) as a
 * double-quoted string: printable ASCII as it is, '"' and '\' escaped with
 * '\', tab, CR and LF as \t \r \n, every other byte (control, NUL, 8-bit)
 * as \xHH; more than CLI_QUOTE_SHOWN bytes end in "...". Returns OUT.
 */
const char *cli_quote(const char *text, size_t len, char *out, size_t outlen);

/* cli_quote() of the NUL-terminated TEXT. */
const char *cli_quote_str(const char *text, char *out, size_t outlen);

/*
 * The short option OPT (getopt's optopt) for a message: "-x" when it is
 * printable ASCII, else quoted escaped like cli_quote() ("\"-\\xc3\"").
 * OUT of OUTLEN (CLI_QUOTE_MAX suffices). Returns OUT.
 */
const char *cli_short_option(int opt, char *out, size_t outlen);

/*
 * Parse TEXT as ADDR, ADDR#PORT or [V6]#PORT (also [V6]) into *OUT, with
 * DEFAULT_PORT when no port is given. ERR quotes TEXT escaped, says what
 * is wrong and lists CLI_ENDPOINT_FORMS; KD_EINVAL.
 */
kd_result cli_endpoint_parse(const char *text, uint16_t default_port,
	endpoint *out, kd_err *err);

#endif /* KMSDNS_CLI_CONV_H */
