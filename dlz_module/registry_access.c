/*
 * registry_access.c -- can this process write the registry file and the
 * directory SQLite keeps its -wal and -shm files in.
 */
#include "config.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kd_result.h"
#include "registry.h"

kd_result
registry_check_write_access(const char *path, kd_err *err)
{
	char dir[4096];

	if (access(path, W_OK) != 0) {
		return kd_err_set(err, errno == ENOENT ? KD_ENOENT : KD_EPERM,
			"registry %s is not writable by uid %ld: %s",
			path, (long)geteuid(), strerror(errno));
	}
	(void)snprintf(dir, sizeof(dir), "%s", path);
	const char *parent = dirname(dir);
	if (access(parent, W_OK | X_OK) != 0) {
		return kd_err_set(err, KD_EPERM, "directory %s of registry %s "
			"is not writable by uid %ld (SQLite creates %s-wal and "
			"%s-shm there): %s", parent, path, (long)geteuid(), path,
			path, strerror(errno));
	}
	return KD_OK;
}
