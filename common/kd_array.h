/*
 * kd_array.h -- growing a heap array of fixed-size items.
 *
 * An array is a pointer, a count of the items in use and, for most, a
 * capacity (items allocated). Both functions check COUNT * SIZE against
 * SIZE_MAX and leave the old array allocated and unchanged when they fail.
 */
#ifndef KMSDNS_KD_ARRAY_H
#define KMSDNS_KD_ARRAY_H

#include <stddef.h>

/* The capacity kd_array_grow() gives an empty array. */
#define KD_ARRAY_MIN 8

/*
 * ITEMS (an array of *CAPACITY items of SIZE bytes, COUNT of them used; NULL
 * when *CAPACITY is 0) with room for one more item: ITEMS itself when COUNT
 * is below *CAPACITY, else reallocated to twice *CAPACITY (KD_ARRAY_MIN at
 * least) with *CAPACITY updated. Returns NULL when out of memory or when the
 * size would overflow or is 0; ITEMS stays valid and *CAPACITY unchanged then.
 */
void *kd_array_grow(void *items, size_t count, size_t *capacity, size_t size);

/*
 * ITEMS reallocated to exactly COUNT items of SIZE bytes, for an array
 * with no capacity field (its count is its capacity). Returns the new
 * pointer, or NULL when out of memory, when COUNT * SIZE would overflow or
 * when it is 0 (realloc() of 0 bytes may free ITEMS); ITEMS stays valid then.
 */
void *kd_array_resize(void *items, size_t count, size_t size);

#endif /* KMSDNS_KD_ARRAY_H */
