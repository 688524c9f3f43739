/*
 * cli_conv.c -- shared command-line conventions.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli_conv.h"

void
cli_print_escaped(FILE *out, const char *text)
{
	for (const char *p = text; *p != '\0'; p++) {
		const unsigned char byte = (unsigned char)*p;

		if (byte < 0x20 || byte >= 0x7f) {
			fprintf(out, "\\x%02x", byte);
		} else {
			fputc(byte, out);
		}
	}
}

void
cli_error_line(FILE *out, const char *program, const char *text)
{
	fprintf(out, "%s: ", program);
	cli_print_escaped(out, text);
	fputc('\n', out);
}

int
cli_command_usage_error(FILE *out, const char *program, const char *command,
	const char *fmt, ...)
{
	char text[CLI_MESSAGE_MAX];
	va_list ap;

	fprintf(out, "%s: ", program);
	if (command != NULL) {
		fprintf(out, "%s: ", command);
	}
	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	cli_print_escaped(out, text);
	if (command != NULL) {
		fprintf(out, " (see %s %s --help)\n", program, command);
	} else {
		fprintf(out, " (see %s --help)\n", program);
	}
	return CLI_EX_USAGE;
}

void
cli_version(FILE *out, const char *program)
{
	fprintf(out, "%s (%s) %s\n", program, PACKAGE_NAME, PACKAGE_VERSION);
}

/* The escape of byte C into BUF (5 bytes). */
static void
escape_byte(unsigned char c, char *buf)
{
	switch (c) {
	case '"':
	case '\\':
		buf[0] = '\\';
		buf[1] = (char)c;
		buf[2] = '\0';
		return;
	case '\t':
		memcpy(buf, "\\t", 3);
		return;
	case '\r':
		memcpy(buf, "\\r", 3);
		return;
	case '\n':
		memcpy(buf, "\\n", 3);
		return;
	default:
		break;
	}
	if (c >= 0x20 && c < 0x7f) {
		buf[0] = (char)c;
		buf[1] = '\0';
	} else {
		snprintf(buf, 5, "\\x%02x", c);
	}
}

const char *
cli_quote(const char *text, size_t len, char *out, size_t outlen)
{
	size_t used = 0, shown = len > CLI_QUOTE_SHOWN ? CLI_QUOTE_SHOWN : len;
	size_t done = 0;

	if (outlen < 3) {
		if (outlen > 0) {
			out[0] = '\0';
		}
		return out;
	}
	out[used++] = '"';
	for (; done < shown; done++) {
		char esc[5];
		size_t n;

		escape_byte((unsigned char)text[done], esc);
		n = strlen(esc);
		/* room for this, the closing quote, "..." and the NUL */
		if (used + n + 5 > outlen) {
			break;
		}
		memcpy(out + used, esc, n);
		used += n;
	}
	out[used++] = '"';
	if (done < len && used + 4 <= outlen) {
		memcpy(out + used, "...", 3);
		used += 3;
	}
	out[used] = '\0';
	return out;
}

const char *
cli_quote_str(const char *text, char *out, size_t outlen)
{
	return cli_quote(text, strlen(text), out, outlen);
}

const char *
cli_short_option(int opt, char *out, size_t outlen)
{
	char text[2] = { '-', (char)opt };

	if (opt > ' ' && opt < 127) {
		snprintf(out, outlen, "-%c", opt);
		return out;
	}
	return cli_quote(text, sizeof(text), out, outlen);
}

/* KD_EINVAL: TEXT (quoted), REASON and the accepted forms. */
static kd_result
endpoint_error(const char *text, const char *reason, kd_err *err)
{
	char shown[CLI_QUOTE_MAX];

	return kd_err_set(err, KD_EINVAL, "%s %s (accepted forms: %s)",
		cli_quote_str(text, shown, sizeof(shown)), reason,
		CLI_ENDPOINT_FORMS);
}

kd_result
cli_endpoint_parse(const char *text, uint16_t default_port, endpoint *out,
	kd_err *err)
{
	char host[INET6_ADDRSTRLEN + 1], clean[ENDPOINT_TEXT_MAX];
	const char *hash = strrchr(text, '#');
	const char *start = text;
	size_t hostlen = hash != NULL ? (size_t)(hash - text) : strlen(text);
	unsigned long port = default_port;
	unsigned char bytes[16];
	int family;

	if (hostlen >= 2 && text[0] == '[' && text[hostlen - 1] == ']') {
		start = text + 1;
		hostlen -= 2;
	}
	if (hostlen == 0) {
		return endpoint_error(text, "has no address", err);
	}
	if (hostlen >= sizeof(host)) {
		return endpoint_error(text, "is not an IP address", err);
	}
	memcpy(host, start, hostlen);
	host[hostlen] = '\0';
	if (inet_pton(AF_INET, host, bytes) == 1 && start == text) {
		family = AF_INET;
	} else if (inet_pton(AF_INET6, host, bytes) == 1) {
		family = AF_INET6;
	} else {
		return endpoint_error(text, strchr(text, ':') != NULL &&
			hash == NULL && strchr(text, '.') != NULL ?
			"is not an IP address: a port follows '#', not ':'" :
			"is not an IP address", err);
	}
	if (hash != NULL) {
		const char *digits = hash + 1;
		size_t n = strlen(digits);

		port = 0;
		if (n == 0 || strspn(digits, "0123456789") != n) {
			return endpoint_error(text, "has no port number after '#'",
				err);
		}
		for (size_t i = 0; i < n && port <= 65535; i++) {
			port = port * 10 + (unsigned long)(digits[i] - '0');
		}
		if (port < 1 || port > 65535) {
			return endpoint_error(text,
				"has a port out of range 1-65535", err);
		}
	}
	inet_ntop(family, bytes, host, sizeof(host));
	snprintf(clean, sizeof(clean), "%s#%lu", host, port);
	return endpoint_parse(clean, default_port, out, err);
}
