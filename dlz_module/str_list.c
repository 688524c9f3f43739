/*
 * str_list.c -- a growing list of strings that are not copied.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "str_list.h"

bool
str_list_push(str_list *list, const char *item)
{
	if (list->count == list->capacity) {
		const size_t capacity = list->capacity == 0 ? 8 :
			list->capacity * 2;
		const char **grown = realloc(list->items,
			capacity * sizeof(*grown));
		if (grown == NULL) {
			return false;
		}
		list->items = grown;
		list->capacity = capacity;
	}
	list->items[list->count++] = item;
	return true;
}

void
str_list_free(str_list *list)
{
	free(list->items);
	memset(list, 0, sizeof(*list));
}
