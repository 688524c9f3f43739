/*
 * str_list.h -- a growing list of strings that are not copied (they live
 * in argv, an arena or another owner's memory).
 */
#ifndef KMSDNS_STR_LIST_H
#define KMSDNS_STR_LIST_H

#include <stdbool.h>
#include <stddef.h>

typedef struct str_list {
	const char **items;
	size_t count;
	size_t capacity;
} str_list;

/* Append ITEM to LIST; false when memory ran out. */
bool str_list_push(str_list *list, const char *item);

/* Free the array of LIST (not its strings) and empty it. */
void str_list_free(str_list *list);

#endif /* KMSDNS_STR_LIST_H */
