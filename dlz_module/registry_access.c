/*
 * registry_access.c -- can this process write the registry file and the
 * directory SQLite keeps its -wal and -shm files in.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
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
	static const char *const suffixes[] = { "-wal", "-shm" };
	for (size_t i = 0; i < 2; i++) {
		char side[4096];
		(void)snprintf(side, sizeof(side), "%s%s", path, suffixes[i]);
		if (access(side, F_OK) == 0 && access(side, W_OK) != 0) {
			return kd_err_set(err, KD_EPERM, "registry %s is not "
				"writable by uid %ld: %s: %s", path,
				(long)geteuid(), side, strerror(errno));
		}
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

/*
 * As root: check in a child that takes USER's identity (groups, gid,
 * uid), so the kernel's own rules decide; the child reports its verdict
 * through a pipe.
 */
kd_result
registry_check_write_access_as(const char *path, const char *user,
	kd_err *err)
{
	struct passwd *pw = getpwnam(user);
	if (pw == NULL) {
		return kd_err_set(err, KD_ENOENT, "user %s does not exist",
			user);
	}
	if (geteuid() == pw->pw_uid) {
		return registry_check_write_access(path, err);
	}
	if (geteuid() != 0) {
		return kd_err_set(err, KD_EPERM, "cannot check what user %s "
			"may write without root", user);
	}
	int fds[2];
	if (pipe(fds) != 0) {
		return kd_err_set(err, KD_EIO, "pipe: %s", strerror(errno));
	}
	const uid_t uid = pw->pw_uid;
	const gid_t gid = pw->pw_gid;
	const pid_t pid = fork();
	if (pid < 0) {
		(void)close(fds[0]);
		(void)close(fds[1]);
		return kd_err_set(err, KD_EIO, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		kd_err child;
		(void)close(fds[0]);
		kd_result ret = KD_EPERM;
		if (initgroups(user, gid) != 0 || setgid(gid) != 0 ||
		    setuid(uid) != 0) {
			(void)kd_err_set(&child, KD_EPERM, "cannot become user "
				"%s: %s", user, strerror(errno));
		} else {
			ret = registry_check_write_access(path, &child);
		}
		if (ret != KD_OK) {
			(void)!write(fds[1], child.text, strlen(child.text));
		}
		_exit(ret == KD_OK ? 0 : 1);
	}
	(void)close(fds[1]);
	char text[KD_ERR_TEXT_MAX];
	size_t used = 0;
	ssize_t n;
	while (used < sizeof(text) - 1 &&
	    (n = read(fds[0], text + used, sizeof(text) - 1 - used)) > 0) {
		used += (size_t)n;
	}
	text[used] = '\0';
	(void)close(fds[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		return KD_OK;
	}
	return kd_err_set(err, KD_EPERM, "%s", used > 0 ? text :
		"the check as that user failed");
}
