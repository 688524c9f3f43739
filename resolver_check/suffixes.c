/*
 * suffixes.c -- the DNS suffix list a client walks to find _vlmcs._tcp.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kd_array.h"
#include "suffixes.h"

void
suffix_list_init(suffix_list *list)
{
	list->names = NULL;
	list->count = 0;
	list->capacity = 0;
	list->devolved_from = SIZE_MAX;
}

void
suffix_list_free(suffix_list *list)
{
	free(list->names);
	suffix_list_init(list);
}

bool
suffix_list_devolved(const suffix_list *list, size_t index)
{
	return index >= list->devolved_from && index < list->count;
}

bool
suffix_list_contains(const suffix_list *list, const char *name)
{
	for (size_t i = 0; i < list->count; i++) {
		if (dname_equal(list->names[i], name)) {
			return true;
		}
	}
	return false;
}

kd_result
suffix_list_add(suffix_list *list, const char *name, const char *source,
	kd_err *err)
{
	char canonical[DNAME_BUF_SIZE];
	kd_err reason;

	if (dname_normalize(name, DNAME_OWNER, canonical, sizeof(canonical),
		&reason) != KD_OK) {
		return kd_err_set(err, KD_EINVAL, "%s: bad suffix: %s", source,
			reason.text);
	}
	if (suffix_list_contains(list, canonical)) {
		return KD_OK;
	}
	if (list->count == SUFFIX_LIST_MAX) {
		return kd_err_set(err, KD_EFULL, "%s: more than %d suffixes",
			source, SUFFIX_LIST_MAX);
	}
	char (*grown)[DNAME_BUF_SIZE] = kd_array_grow(list->names,
		list->count, &list->capacity, sizeof(*grown));

	if (grown == NULL) {
		return kd_err_set(err, KD_ENOMEM, "%s: out of memory", source);
	}
	list->names = grown;
	memcpy(list->names[list->count++], canonical, sizeof(canonical));
	return KD_OK;
}

/* True for the blanks allowed around a comma-separated item. */
static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

kd_result
suffix_list_add_csv(suffix_list *list, const char *text, const char *source,
	kd_err *err)
{
	const char *item = text;

	for (;;) {
		const char *comma = strchr(item, ',');
		const char *end = comma ? comma : item + strlen(item);
		char name[DNAME_BUF_SIZE + 1];
		size_t len;
		kd_result ret;

		while (item < end && is_blank(*item)) {
			item++;
		}
		while (end > item && is_blank(end[-1])) {
			end--;
		}
		len = (size_t)(end - item);
		if (len == 0) {
			return kd_err_set(err, KD_EINVAL, "%s: empty name in "
				"list \"%.200s\"", source, text);
		}
		if (len >= sizeof(name)) {
			return kd_err_set(err, KD_EINVAL, "%s: name \"%.40s...\" "
				"is longer than %d characters", source, item,
				DNAME_TEXT_MAX);
		}
		memcpy(name, item, len);
		name[len] = '\0';
		ret = suffix_list_add(list, name, source, err);
		if (ret != KD_OK) {
			return ret;
		}
		if (comma == NULL) {
			return KD_OK;
		}
		item = comma + 1;
	}
}

kd_result
suffix_list_add_devolved(suffix_list *list, const char *name, unsigned level,
	kd_err *err)
{
	char canonical[DNAME_BUF_SIZE];
	const char *parent;
	kd_err reason;

	if (level == 0) {
		return KD_OK;
	}
	if (level == 1 || level > SUFFIX_DEVOLUTION_MAX) {
		return kd_err_set(err, KD_ERANGE, "devolution level %u is out "
			"of range: 0 (off) or 2-%d", level,
			SUFFIX_DEVOLUTION_MAX);
	}
	if (dname_normalize(name, DNAME_OWNER, canonical, sizeof(canonical),
		&reason) != KD_OK) {
		return kd_err_set(err, KD_EINVAL, "primary suffix: %s",
			reason.text);
	}
	parent = dname_parent(canonical);
	if (list->devolved_from > list->count) {
		list->devolved_from = list->count;
	}
	while (dname_label_count(parent) >= level) {
		kd_result ret = suffix_list_add(list, parent,
			"devolved primary suffix", err);

		if (ret != KD_OK) {
			return ret;
		}
		parent = dname_parent(parent);
	}
	return KD_OK;
}

kd_result
suffix_list_windows(suffix_list *list, const suffix_windows_config *config,
	kd_err *err)
{
	kd_result ret;

	if (config->search != NULL) {
		return suffix_list_add_csv(list, config->search, "search list",
			err);
	}
	if (config->primary != NULL) {
		ret = suffix_list_add(list, config->primary, "primary suffix",
			err);
		if (ret != KD_OK) {
			return ret;
		}
	}
	for (size_t i = 0; i < config->connection_count; i++) {
		ret = suffix_list_add(list, config->connections[i],
			"connection-specific suffix", err);
		if (ret != KD_OK) {
			return ret;
		}
	}
	if (config->primary != NULL) {
		return suffix_list_add_devolved(list, config->primary,
			config->devolution, err);
	}
	return KD_OK;
}
