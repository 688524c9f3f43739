/*
 * json_out.c -- streaming JSON writer.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>

#include "json_out.h"

void
json_init(json_out *json, FILE *out)
{
	json->out = out;
	json->depth = 0;
	json->has_items[0] = false;
	json->after_key = false;
}

/* Write the separator a new value needs at the current position. */
static void
json_separate(json_out *json)
{
	if (json->after_key) {
		json->after_key = false;
		return;
	}
	if (json->has_items[json->depth]) {
		fputc(',', json->out);
	}
	json->has_items[json->depth] = true;
}

static void
json_open(json_out *json, char bracket)
{
	json_separate(json);
	fputc(bracket, json->out);
	if (json->depth + 1 < JSON_OUT_MAX_DEPTH) {
		json->depth++;
	}
	json->has_items[json->depth] = false;
}

static void
json_close(json_out *json, char bracket)
{
	fputc(bracket, json->out);
	if (json->depth > 0) {
		json->depth--;
	}
}

void json_object_begin(json_out *json) { json_open(json, '{'); }
void json_object_end(json_out *json) { json_close(json, '}'); }
void json_array_begin(json_out *json) { json_open(json, '['); }
void json_array_end(json_out *json) { json_close(json, ']'); }

static void
json_write_escaped(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				fprintf(out, "\\u%04x", *p);
			} else {
				fputc(*p, out);
			}
		}
	}
	fputc('"', out);
}

void
json_key(json_out *json, const char *key)
{
	json_separate(json);
	json_write_escaped(json->out, key);
	fputc(':', json->out);
	json->after_key = true;
}

void
json_string(json_out *json, const char *value)
{
	json_separate(json);
	json_write_escaped(json->out, value);
}

/*
 * Add a scalar: the member KEY of an object, or the next item of an array
 * when KEY is NULL, with the value FORMAT prints of its arguments.
 */
static void json_member(json_out *json, const char *key,
	const char *format, ...) __attribute__((format(printf, 3, 4)));

static void
json_member(json_out *json, const char *key, const char *format, ...)
{
	va_list ap;

	if (key != NULL) {
		json_key(json, key);
	}
	json_separate(json);
	va_start(ap, format);
	vfprintf(json->out, format, ap);
	va_end(ap);
}

void
json_uint(json_out *json, uint64_t value)
{
	json_kv_uint(json, NULL, value);
}

void
json_bool(json_out *json, bool value)
{
	json_kv_bool(json, NULL, value);
}

void
json_null(json_out *json)
{
	json_member(json, NULL, "null");
}

void
json_kv_string(json_out *json, const char *key, const char *value)
{
	json_key(json, key);
	if (value == NULL) {
		json_null(json);
	} else {
		json_string(json, value);
	}
}

void
json_kv_int(json_out *json, const char *key, int64_t value)
{
	json_member(json, key, "%" PRId64, value);
}

void
json_kv_uint(json_out *json, const char *key, uint64_t value)
{
	json_member(json, key, "%" PRIu64, value);
}

void
json_kv_double(json_out *json, const char *key, double value)
{
	if (isfinite(value)) {
		json_member(json, key, "%.6g", value);
	} else {
		json_member(json, key, "null");
	}
}

void
json_kv_bool(json_out *json, const char *key, bool value)
{
	json_member(json, key, "%s", value ? "true" : "false");
}

void
json_end_document(json_out *json)
{
	fputc('\n', json->out);
}
