/*
 * json_out.c -- streaming JSON writer.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>

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

void
json_int(json_out *json, int64_t value)
{
	json_separate(json);
	fprintf(json->out, "%" PRId64, value);
}

void
json_uint(json_out *json, uint64_t value)
{
	json_separate(json);
	fprintf(json->out, "%" PRIu64, value);
}

void
json_double(json_out *json, double value)
{
	json_separate(json);
	if (isfinite(value)) {
		fprintf(json->out, "%.6g", value);
	} else {
		fputs("null", json->out);
	}
}

void
json_bool(json_out *json, bool value)
{
	json_separate(json);
	fputs(value ? "true" : "false", json->out);
}

void
json_null(json_out *json)
{
	json_separate(json);
	fputs("null", json->out);
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
	json_key(json, key);
	json_int(json, value);
}

void
json_kv_uint(json_out *json, const char *key, uint64_t value)
{
	json_key(json, key);
	json_uint(json, value);
}

void
json_kv_double(json_out *json, const char *key, double value)
{
	json_key(json, key);
	json_double(json, value);
}

void
json_kv_bool(json_out *json, const char *key, bool value)
{
	json_key(json, key);
	json_bool(json, value);
}

void
json_end_document(json_out *json)
{
	fputc('\n', json->out);
}
