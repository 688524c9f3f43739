/*
 * heap.h -- give memory freed after a large load back to the system.
 *
 * The module builds its first snapshot from the whole registry: for 10,000
 * zones the rows it reads take tens of megabytes for a moment. The
 * allocator keeps freed pages mapped, so named's resident size would stay
 * at that peak. named on Debian links jemalloc, which replaces malloc for
 * the whole process (the module included); elsewhere glibc's malloc runs.
 */
#ifndef KMSDNS_HEAP_H
#define KMSDNS_HEAP_H

/*
 * Return the free pages of the process heap to the system: every jemalloc
 * arena is purged when jemalloc is the allocator, glibc's heap is trimmed
 * otherwise. Costs a few system calls; call it after large frees only.
 */
void heap_release_free(void);

#endif /* KMSDNS_HEAP_H */
