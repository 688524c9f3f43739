/*
 * cli_rows.c -- kmsdns-registry: a list of records as JSON or a table,
 * both written from one description of its fields.
 */
#include "config.h"

#include <assert.h>
#include <inttypes.h>

#include "cli.h"
#include "json_out.h"

/*
 * FIELD of RECORD: its text (a time formatted into BUF of LEN), or NULL
 * and its value in *NUMBER (a number or a bool).
 */
static const char *
field_value(const cli_field *field, const void *record, char *buf,
	size_t len, int64_t *number)
{
	const void *at = (const char *)record + field->offset;

	switch (field->kind) {
	case CLI_FIELD_CHARS:
		return at;
	case CLI_FIELD_STRING:
		return *(const char *const *)at;
	case CLI_FIELD_TIME:
		format_time(*(const int64_t *)at, buf, len);
		return buf;
	case CLI_FIELD_INT64:
		*number = *(const int64_t *)at;
		return NULL;
	case CLI_FIELD_UINT32:
		*number = *(const uint32_t *)at;
		return NULL;
	case CLI_FIELD_BOOL:
		*number = *(const bool *)at;
		return NULL;
	case CLI_FIELD_COMPUTED:
	default:
		return field->text(record);
	}
}

static bool
field_is_number(const cli_field *field)
{
	return field->kind == CLI_FIELD_INT64 ||
		field->kind == CLI_FIELD_UINT32;
}

/* The record number INDEX of ROWS. */
static const void *
record_at(const cli_rows *rows, size_t index)
{
	return (const char *)rows->items + index * rows->item_size;
}

/* FIELD of RECORD as JSON. */
static void
field_json(json_out *w, const cli_field *field, const void *record)
{
	int64_t number = 0;
	char when[CLI_TIME_MAX];
	const char *text = field_value(field, record, when, sizeof(when),
		&number);

	if (field->kind == CLI_FIELD_BOOL) {
		json_kv_bool(w, field->key, number != 0);
	} else if (field_is_number(field)) {
		json_kv_int(w, field->key, number);
	} else {
		json_kv_string(w, field->key, text);
	}
}

void
cli_rows_json(json_out *w, const cli_rows *rows)
{
	json_array_begin(w);
	for (size_t i = 0; i < rows->count; i++) {
		json_object_begin(w);
		for (size_t f = 0; f < rows->field_count; f++) {
			if (rows->fields[f].key != NULL) {
				field_json(w, &rows->fields[f],
					record_at(rows, i));
			}
		}
		json_object_end(w);
	}
	json_array_end(w);
}

/* FIELD of RECORD as a cell of the table, formatted into BUF if need be. */
static const char *
field_cell(const cli_field *field, const void *record, char *buf,
	size_t len)
{
	int64_t number = 0;
	const char *text = field_value(field, record, buf, len, &number);

	if (field->kind == CLI_FIELD_BOOL) {
		return number != 0 ? "yes" : "no";
	}
	if (field_is_number(field)) {
		(void)snprintf(buf, len, "%" PRId64, number);
		return buf;
	}
	return text;
}

int
cli_rows_table(const cli *c, const cli_rows *rows)
{
	const char *row[CLI_FIELDS_MAX];
	char cells[CLI_FIELDS_MAX][CLI_TIME_MAX];
	size_t columns = 0;
	table t;

	assert(rows->field_count <= CLI_FIELDS_MAX);
	for (size_t f = 0; f < rows->field_count; f++) {
		if (rows->fields[f].header != NULL) {
			row[columns++] = rows->fields[f].header;
		}
	}
	table_init(&t, columns, row);
	for (size_t i = 0; i < rows->count; i++) {
		columns = 0;
		for (size_t f = 0; f < rows->field_count; f++) {
			if (rows->fields[f].header != NULL) {
				row[columns] = field_cell(&rows->fields[f],
					record_at(rows, i), cells[columns],
					sizeof(cells[columns]));
				columns++;
			}
		}
		table_add(&t, row);
	}
	return table_finish(c, &t);
}

int
cli_rows_print(const cli *c, const cli_rows *rows)
{
	json_out w;

	if (!c->json) {
		return cli_rows_table(c, rows);
	}
	json_init(&w, c->out);
	cli_rows_json(&w, rows);
	json_end_document(&w);
	return REGISTRY_CLI_EXIT_OK;
}
