/*
 * cli_json.c -- kmsdns-registry's JSON writer.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "cli.h"

static void
json_separate(json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if ((w->has_items >> w->depth) & 1u) {
		(void)fputc(',', w->out);
	}
	w->has_items |= 1u << w->depth;
}

void
json_open(json_writer *w, char bracket)
{
	json_separate(w);
	(void)fputc(bracket, w->out);
	w->depth++;
	w->has_items &= ~(1u << w->depth);
}

void
json_close(json_writer *w, char bracket)
{
	w->depth--;
	(void)fputc(bracket, w->out);
	if (w->depth == 0) {
		(void)fputc('\n', w->out);
	}
}

static void
json_write_string(FILE *out, const char *text)
{
	(void)fputc('"', out);
	for (const char *p = text; *p != '\0'; p++) {
		const unsigned char byte = (unsigned char)*p;
		switch (byte) {
		case '"':
			(void)fputs("\\\"", out);
			break;
		case '\\':
			(void)fputs("\\\\", out);
			break;
		case '\n':
			(void)fputs("\\n", out);
			break;
		case '\r':
			(void)fputs("\\r", out);
			break;
		case '\t':
			(void)fputs("\\t", out);
			break;
		default:
			if (byte < 0x20 || byte == 0x7f) {
				(void)fprintf(out, "\\u%04x", byte);
			} else {
				(void)fputc(byte, out);
			}
		}
	}
	(void)fputc('"', out);
}

void
json_key(json_writer *w, const char *key)
{
	json_separate(w);
	json_write_string(w->out, key);
	(void)fputc(':', w->out);
	w->after_key = true;
}

void
json_string(json_writer *w, const char *value)
{
	json_separate(w);
	json_write_string(w->out, value);
}

void
json_kv_string(json_writer *w, const char *key, const char *value)
{
	json_key(w, key);
	json_string(w, value);
}

void
json_kv_int(json_writer *w, const char *key, int64_t value)
{
	json_key(w, key);
	json_separate(w);
	(void)fprintf(w->out, "%" PRId64, value);
}

void
json_kv_bool(json_writer *w, const char *key, bool value)
{
	json_key(w, key);
	json_separate(w);
	(void)fputs(value ? "true" : "false", w->out);
}
