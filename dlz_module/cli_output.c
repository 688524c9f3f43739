/*
 * cli_output.c -- kmsdns-registry: error messages, text tables and times.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli_conv.h"
#include "kd_array.h"

/* ---- messages -------------------------------------------------------- */

/* Print "kmsdns-registry: MESSAGE" to the error stream; return CODE. */
int
cli_message(const cli *c, int code, const char *fmt, ...)
{
	char text[CLI_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	cli_error_line(c->err, PROGRAM, text);
	return code;
}

/*
 * Report a failed library call: bad values are usage errors (exit 64),
 * everything else a failed operation (exit 1).
 */
int
cli_fail(const cli *c, kd_result ret, const kd_err *err)
{
	const bool usage = ret == KD_EINVAL || ret == KD_ERANGE ||
		ret == KD_ESYNTAX;

	return cli_message(c, usage ? REGISTRY_CLI_EXIT_USAGE :
		REGISTRY_CLI_EXIT_FAILED, "%s",
		err->text[0] != '\0' ? err->text : kd_strerror(ret));
}

int
cli_no_memory(const cli *c)
{
	return cli_message(c, REGISTRY_CLI_EXIT_FAILED, "out of memory");
}

/* ---- lists as text -------------------------------------------------- */

/* Join COUNT strings of SIZE bytes at ITEMS with ", " into a new string. */
char *
join_list(const char *items, size_t size, size_t count)
{
	size_t len = 1;

	for (size_t i = 0; i < count; i++) {
		len += strlen(items + i * size) + 2;
	}
	char *text = malloc(len);
	if (text == NULL) {
		return NULL;
	}
	text[0] = '\0';
	for (size_t i = 0; i < count; i++) {
		if (i > 0) {
			strcat(text, ", ");
		}
		strcat(text, items + i * size);
	}
	return text;
}

void
json_kv_list(json_out *w, const char *key, const char *items, size_t size,
	size_t count)
{
	json_key(w, key);
	json_array_begin(w);
	for (size_t i = 0; i < count; i++) {
		json_string(w, items + i * size);
	}
	json_array_end(w);
}

/* "ns1.example.test (192.0.2.53), ns.provider.test" */
char *
join_ns(const registry_zone *z)
{
	size_t len = 1;

	for (size_t i = 0; i < z->ns_count; i++) {
		len += strlen(z->ns[i].name) + 5;
		for (size_t j = 0; j < z->ns[i].address_count; j++) {
			len += strlen(z->ns[i].addresses[j]) + 2;
		}
	}
	char *text = malloc(len);
	if (text == NULL) {
		return NULL;
	}
	text[0] = '\0';
	for (size_t i = 0; i < z->ns_count; i++) {
		strcat(text, i > 0 ? ", " : "");
		strcat(text, z->ns[i].name);
		for (size_t j = 0; j < z->ns[i].address_count; j++) {
			strcat(text, j == 0 ? " (" : " ");
			strcat(text, z->ns[i].addresses[j]);
		}
		strcat(text, z->ns[i].address_count > 0 ? ")" : "");
	}
	return text;
}

/* ---- tables ---------------------------------------------------------- */

void
table_add(table *t, const char *const *row)
{
	if (t->failed) {
		return;
	}
	char **grown = kd_array_grow(t->cells, t->rows, &t->capacity,
		t->columns * sizeof(*grown));
	if (grown == NULL) {
		t->failed = true;
		return;
	}
	t->cells = grown;
	char **cells = &t->cells[t->rows * t->columns];
	for (size_t i = 0; i < t->columns; i++) {
		cells[i] = strdup(row[i] != NULL && row[i][0] != '\0' ?
			row[i] : "-");
		if (cells[i] == NULL) {
			t->failed = true;
		}
	}
	t->rows++;
}

void
table_init(table *t, size_t columns, const char *const *header)
{
	memset(t, 0, sizeof(*t));
	t->columns = columns;
	table_add(t, header);
}

static void
table_print(const table *t, FILE *out)
{
	size_t widths[16] = { 0 };

	for (size_t r = 0; r < t->rows; r++) {
		for (size_t i = 0; i < t->columns && i < 16; i++) {
			const size_t len = strlen(t->cells[r * t->columns + i]);
			widths[i] = len > widths[i] ? len : widths[i];
		}
	}
	for (size_t r = 0; r < t->rows; r++) {
		for (size_t i = 0; i < t->columns; i++) {
			const char *cell = t->cells[r * t->columns + i];
			if (i + 1 == t->columns) {
				(void)fprintf(out, "%s\n", cell);
			} else {
				(void)fprintf(out, "%-*s  ", (int)widths[i],
					cell);
			}
		}
	}
}

void
table_free(table *t)
{
	for (size_t i = 0; i < t->rows * t->columns; i++) {
		free(t->cells[i]);
	}
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

/* Print T (or report that memory ran out) and free it. */
int
table_finish(const cli *c, table *t)
{
	const bool failed = t->failed;

	if (!failed) {
		table_print(t, c->out);
	}
	table_free(t);
	return failed ? cli_no_memory(c) : REGISTRY_CLI_EXIT_OK;
}

/* "2023-11-14T22:13:20Z" */
void
format_time(int64_t seconds, char *out, size_t outlen)
{
	const time_t t = (time_t)seconds;
	struct tm tm;

	if ((int64_t)t != seconds || gmtime_r(&t, &tm) == NULL ||
		strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		(void)snprintf(out, outlen, "%" PRId64, seconds);
	}
}
