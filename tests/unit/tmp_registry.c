/*
 * tmp_registry.c -- a temporary directory with a registry path in it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tmp_registry.h"

int
tmp_registry_make(const char *name, char dir[TMP_REGISTRY_DIR_MAX],
	char path[TMP_REGISTRY_PATH_MAX])
{
	(void)snprintf(dir, TMP_REGISTRY_DIR_MAX, "/tmp/kd-test-%s-XXXXXX",
		name);
	if (mkdtemp(dir) == NULL) {
		return -1;
	}
	(void)snprintf(path, TMP_REGISTRY_PATH_MAX, "%s/registry.db", dir);
	return 0;
}

void
tmp_registry_remove_db(const char *path)
{
	static const char *const suffixes[] = { "", "-wal", "-shm",
		"-journal" };
	char name[TMP_REGISTRY_PATH_MAX + 16];

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		(void)snprintf(name, sizeof(name), "%s%s", path, suffixes[i]);
		(void)unlink(name);
	}
}

void
tmp_registry_remove(const char *dir, const char *path)
{
	tmp_registry_remove_db(path);
	(void)rmdir(dir);
}
