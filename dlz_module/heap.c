/*
 * heap.c -- give memory freed after a large load back to the system.
 */
#include "config.h"

#include <dlfcn.h>
#include <stddef.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "heap.h"

/* jemalloc's control call; "arena.4096.purge" is MALLCTL_ARENAS_ALL. */
typedef int mallctl_fn(const char *name, void *oldp, size_t *oldlenp,
	void *newp, size_t newlen);

void
heap_release_free(void)
{
	mallctl_fn *mallctl = NULL;

	/* POSIX's way to turn dlsym()'s object pointer into a function. */
	*(void **)&mallctl = dlsym(RTLD_DEFAULT, "mallctl");
	if (mallctl != NULL) {
		(void)mallctl("arena.4096.purge", NULL, NULL, NULL, 0);
		return;
	}
#ifdef __GLIBC__
	(void)malloc_trim(0);
#endif
}
