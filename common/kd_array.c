/*
 * kd_array.c -- growing a heap array of fixed-size items.
 */
#include "kd_array.h"

#include <stdint.h>
#include <stdlib.h>

void *
kd_array_resize(void *items, size_t count, size_t size)
{
	/* realloc() of 0 bytes may free ITEMS: refused, ITEMS stays */
	if (count == 0 || size == 0 || count > SIZE_MAX / size) {
		return NULL;
	}
	return realloc(items, count * size);
}

void *
kd_array_grow(void *items, size_t count, size_t *capacity, size_t size)
{
	if (count < *capacity) {
		return items;
	}
	if (*capacity > SIZE_MAX / 2) {
		return NULL;
	}
	const size_t wanted = *capacity < KD_ARRAY_MIN / 2 ?
		KD_ARRAY_MIN : *capacity * 2;
	void *grown = kd_array_resize(items, wanted, size);
	if (grown != NULL) {
		*capacity = wanted;
	}
	return grown;
}
