/*
 * publist.c -- parse the DnsDomainPublishList format.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kd_array.h"
#include "kd_file.h"
#include "publist.h"
#include "text.h"

/* Fields of one entry: domain, priority, weight. */
#define PUBLIST_FIELDS_MAX 3

/* Growable array of entries, private to a parse. */
typedef struct entry_array {
	publist list;
	size_t capacity;
} entry_array;

void
publist_init(publist *list)
{
	list->entries = NULL;
	list->count = 0;
}

void
publist_free(publist *list)
{
	free(list->entries);
	publist_init(list);
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Trim blanks from both ends of the field [*START, *END). */
static void
trim_blanks(const char **start, const char **end)
{
	while (*start < *end && is_blank(**start)) {
		(*start)++;
	}
	while (*end > *start && is_blank((*end)[-1])) {
		(*end)--;
	}
}

/* Parse the domain field of LEN characters at TEXT into OUT. */
static kd_result
parse_domain(const char *text, size_t len, publist_entry *out, kd_err *err)
{
	char buf[DNAME_BUF_SIZE + 1];

	if (len == 0) {
		return kd_err_set(err, KD_ESYNTAX, "domain is empty");
	}
	/* Longer than any valid name: let dname_normalize name the problem. */
	if (len >= sizeof(buf)) {
		char *copy = malloc(len + 1);
		kd_result ret;

		if (copy == NULL) {
			return kd_err_set(err, KD_ENOMEM, "out of memory");
		}
		memcpy(copy, text, len);
		copy[len] = '\0';
		ret = dname_normalize(copy, DNAME_OWNER, out->domain,
			sizeof(out->domain), err);
		free(copy);
		return ret;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	return dname_normalize(buf, DNAME_OWNER, out->domain,
		sizeof(out->domain), err);
}

kd_result
publist_parse_span(const char *text, size_t len, publist_entry *out,
	kd_err *err)
{
	static const char *const names[PUBLIST_FIELDS_MAX] = {
		"domain", "priority", "weight"
	};
	const char *start[PUBLIST_FIELDS_MAX];
	const char *end[PUBLIST_FIELDS_MAX];
	const char *pos = text;
	const char *const limit = text + len;
	publist_entry entry;
	size_t nfields = 0;
	kd_result ret;
	size_t i;

	for (;;) {
		const char *comma = memchr(pos, ',', (size_t)(limit - pos));
		const char *field_end = comma != NULL ? comma : limit;

		if (nfields == PUBLIST_FIELDS_MAX) {
			return kd_err_set(err, KD_ESYNTAX,
				"too many fields: expected "
				"domain[,priority[,weight]]");
		}
		start[nfields] = pos;
		end[nfields] = field_end;
		trim_blanks(&start[nfields], &end[nfields]);
		nfields++;
		if (comma == NULL) {
			break;
		}
		pos = comma + 1;
	}

	memset(&entry, 0, sizeof(entry));
	ret = parse_domain(start[0], (size_t)(end[0] - start[0]), &entry, err);
	if (ret != KD_OK) {
		return ret;
	}
	for (i = 1; i < nfields; i++) {
		uint16_t *field = i == 1 ? &entry.priority : &entry.weight;
		uint64_t value;

		ret = kd_parse_uint(start[i], (size_t)(end[i] - start[i]), 0,
			UINT16_MAX, names[i], &value, err);
		if (ret != KD_OK) {
			return ret;
		}
		*field = (uint16_t)value;
	}
	*out = entry;
	return KD_OK;
}

kd_result
publist_parse_entry(const char *text, publist_entry *out, kd_err *err)
{
	if (text == NULL || out == NULL) {
		return kd_err_set(err, KD_EINVAL, "no entry given");
	}
	return publist_parse_span(text, strlen(text), out, err);
}

const publist_entry *
publist_find(const publist *list, const char *domain)
{
	for (size_t i = 0; i < list->count; i++) {
		if (strcmp(list->entries[i].domain, domain) == 0) {
			return &list->entries[i];
		}
	}
	return NULL;
}

kd_result
publist_add(publist *list, const publist_entry *entry, kd_err *err)
{
	const publist_entry *old = publist_find(list, entry->domain);

	if (old != NULL) {
		if (old->line == 0) {
			return kd_err_set(err, KD_EEXIST,
				"domain %s is already listed", entry->domain);
		}
		if (entry->line == 0) {
			return kd_err_set(err, KD_EEXIST,
				"domain %s is already listed on line %u",
				entry->domain, old->line);
		}
		return kd_err_set(err, KD_EEXIST,
			"line %u: domain %s is already listed on line %u",
			entry->line, entry->domain, old->line);
	}
	if (publist_append(list, entry, 1) != KD_OK) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	return KD_OK;
}

static kd_result
array_push(entry_array *array, const publist_entry *entry)
{
	publist_entry *grown = kd_array_grow(array->list.entries,
		array->list.count, &array->capacity, sizeof(*grown));

	if (grown == NULL) {
		return KD_ENOMEM;
	}
	array->list.entries = grown;
	array->list.entries[array->list.count++] = *entry;
	return KD_OK;
}

kd_result
publist_append(publist *list, const publist_entry *entries, size_t count)
{
	publist_entry *grown;

	if (count == 0) {
		return KD_OK;
	}
	grown = kd_array_resize(list->entries, list->count + count,
		sizeof(*grown));
	if (grown == NULL) {
		return KD_ENOMEM;
	}
	memcpy(grown + list->count, entries, count * sizeof(*grown));
	list->entries = grown;
	list->count += count;
	return KD_OK;
}

/* Length of the line at TEXT (up to LIMIT) without comment and line end. */
static size_t
content_length(const char *text, const char *limit)
{
	const char *pos = text;

	while (pos < limit && *pos != '\n' && *pos != '#' && *pos != ';') {
		pos++;
	}
	/* A \r right before the \n belongs to a CRLF line end. */
	if (pos < limit && *pos == '\n' && pos > text && pos[-1] == '\r') {
		pos--;
	} else if (pos == limit && pos > text && pos[-1] == '\r') {
		pos--;
	}
	return (size_t)(pos - text);
}

static int
is_blank_span(const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (!is_blank(text[i])) {
			return 0;
		}
	}
	return 1;
}

/* Parse the line LINENO of LEN bytes at TEXT into ARRAY. */
static kd_result
parse_line(const char *text, size_t len, const char *source, unsigned lineno,
	const publist *list, entry_array *array, kd_err *err)
{
	const publist_entry *old;
	publist_entry entry;
	kd_err detail;
	kd_result ret;

	if (is_blank_span(text, len)) {
		return KD_OK;
	}
	ret = publist_parse_span(text, len, &entry, &detail);
	if (ret != KD_OK) {
		return kd_err_set(err, ret, "%s:%u: %s", source, lineno,
			detail.text);
	}
	entry.line = lineno;
	old = publist_find(list, entry.domain);
	if (old == NULL) {
		old = publist_find(&array->list, entry.domain);
	}
	if (old != NULL) {
		return kd_err_set(err, KD_EEXIST,
			"%s:%u: domain %s is already listed on line %u", source,
			lineno, entry.domain, old->line);
	}
	if (array_push(array, &entry) != KD_OK) {
		return kd_err_set(err, KD_ENOMEM, "%s:%u: out of memory",
			source, lineno);
	}
	return KD_OK;
}

kd_result
publist_parse_text(const char *text, size_t len, const char *source,
	publist *list, kd_err *err)
{
	entry_array array = { { NULL, 0 }, 0 };
	const char *const limit = text + len;
	const char *pos = text;
	unsigned lineno = 1;
	kd_result ret = KD_OK;

	if (source == NULL) {
		source = "(text)";
	}
	ret = kd_text_check_input(text, len, source, err);
	if (ret != KD_OK) {
		return ret;
	}

	while (pos < limit) {
		const char *newline = memchr(pos, '\n', (size_t)(limit - pos));
		const char *next = newline != NULL ? newline + 1 : limit;

		ret = parse_line(pos, content_length(pos, limit), source,
			lineno, list, &array, err);
		if (ret != KD_OK) {
			break;
		}
		pos = next;
		lineno++;
	}
	if (ret == KD_OK && publist_append(list, array.list.entries,
	    array.list.count) != KD_OK) {
		ret = kd_err_set(err, KD_ENOMEM, "%s: out of memory", source);
	}
	publist_free(&array.list);
	return ret;
}

