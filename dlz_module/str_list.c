/*
 * str_list.c -- a growing list of strings that are not copied.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "kd_array.h"
#include "str_list.h"

bool
str_list_push(str_list *list, const char *item)
{
	const char **grown = kd_array_grow(list->items, list->count,
		&list->capacity, sizeof(*grown));
	if (grown == NULL) {
		return false;
	}
	list->items = grown;
	list->items[list->count++] = item;
	return true;
}

void
str_list_free(str_list *list)
{
	free(list->items);
	memset(list, 0, sizeof(*list));
}
