/*
 * json_out.h -- a small streaming JSON writer for the tools' --json output.
 *
 * Commas and nesting are tracked for the caller; strings are escaped per
 * RFC 8259 (control characters as \u00XX, bytes >= 0x80 passed through, so
 * UTF-8 stays UTF-8). Output is compact; json_end_document() adds a newline.
 */
#ifndef KMSDNS_JSON_OUT_H
#define KMSDNS_JSON_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_OUT_MAX_DEPTH 32

typedef struct json_out {
	FILE *out;
	int depth;
	bool has_items[JSON_OUT_MAX_DEPTH];
	bool after_key;
} json_out;

/* Start writing a document to OUT. */
void json_init(json_out *json, FILE *out);

void json_object_begin(json_out *json);
void json_object_end(json_out *json);
void json_array_begin(json_out *json);
void json_array_end(json_out *json);

/* The key of the next member of the current object. */
void json_key(json_out *json, const char *key);

/* The next value: of the key just written, or the next item of an array. */
void json_string(json_out *json, const char *value);
void json_uint(json_out *json, uint64_t value);
void json_bool(json_out *json, bool value);
void json_null(json_out *json);

/*
 * Key and value in one call. JSON_KV_STRING writes null for a NULL VALUE;
 * a non-finite double is written as null. The number and bool ones write
 * the value alone for a NULL KEY.
 */
void json_kv_string(json_out *json, const char *key, const char *value);
void json_kv_int(json_out *json, const char *key, int64_t value);
void json_kv_uint(json_out *json, const char *key, uint64_t value);
void json_kv_double(json_out *json, const char *key, double value);
void json_kv_bool(json_out *json, const char *key, bool value);

/* Finish the document with a newline. */
void json_end_document(json_out *json);

#endif /* KMSDNS_JSON_OUT_H */
