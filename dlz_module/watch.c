/*
 * watch.c -- the DLZ module serves and writes the file at the configured
 * path: noticing a replaced, deleted or unwritable registry file.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <isc/log.h>

#include "instance.h"
#include "refresh.h"
#include "registry.h"
#include "skip_log.h"
#include "watch.h"

/* The user named runs as, for the fix in log lines. */
static void
user_name(char *out, size_t outlen)
{
	struct passwd pw, *found = NULL;
	char buf[1024];
	if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &found) == 0 &&
	    found != NULL) {
		snprintf(out, outlen, "%s", found->pw_name);
	} else {
		snprintf(out, outlen, "%ld", (long)geteuid());
	}
}

/*
 * Check whether named can write INST's registry now and log when that
 * changed since the last check. Returns true when it can.
 */
static bool
check_writable(kd_instance *inst, kd_err *err)
{
	const bool writable = registry_check_write_access(
		inst->args.registry_path, err) == KD_OK;
	if (writable != inst->watch_writable || !inst->watch_access_known) {
		char user[64];
		user_name(user, sizeof(user));
		if (!writable) {
			KD_LOG(inst, ISC_LOG_WARNING, "%s; dynamic updates are "
				"refused until it is (fix: chown %s the file, its "
				"-wal and -shm and its directory; no reconfig "
				"needed)", err->text, user);
		} else if (inst->watch_access_known) {
			KD_LOG(inst, ISC_LOG_NOTICE, "registry %s is writable "
				"again: dynamic updates accepted",
				inst->args.registry_path);
		}
	}
	inst->watch_writable = writable;
	inst->watch_access_known = true;
	return writable;
}

static void
close_connections(kd_instance *inst)
{
	/*
	 * SQLite leaves the -wal of a renamed or deleted file behind when
	 * it closes it, and would read it as part of the next file at the
	 * path: empty it into the old file first (the reader goes first,
	 * so the writer's checkpoint has the log to itself).
	 */
	registry_close(inst->reader);
	inst->reader = NULL;
	kd_err err;
	if (inst->writer != NULL && registry_checkpoint(inst->writer, &err) !=
	    KD_OK) {
		KD_LOG(inst, ISC_LOG_WARNING, "the write-ahead log of the old "
			"registry file could not be emptied: %s (if %s-wal "
			"exists once named closed it, stop every writer and "
			"remove %s-wal and %s-shm)", err.text,
			inst->args.registry_path, inst->args.registry_path,
			inst->args.registry_path);
	}
	registry_close(inst->reader);
	registry_close(inst->writer);
	inst->reader = NULL;
	inst->writer = NULL;
}

kd_result
watch_open(kd_instance *inst, kd_err *err)
{
	const char *path = inst->args.registry_path;
	struct stat before, after;

	/* The old connections first: their -wal must not meet a new file. */
	close_connections(inst);
	if (stat(path, &before) != 0) {
		before.st_ino = 0;
	}
	/*
	 * The writer first: it upgrades an older schema, which the reader
	 * then reads as it is now. Without a writer the zones are still
	 * served (updates refused), without the catalog if the file is
	 * older than schema version 4.
	 */
	kd_err writer_err;
	const kd_result writer_res = registry_open(path, false, &inst->writer,
		&writer_err);
	kd_result res = registry_open(path, true, &inst->reader, err);
	if (res == KD_OK && writer_res != KD_OK) {
		KD_LOG(inst, ISC_LOG_WARNING, "%s: dynamic updates are refused "
			"until it can be opened for writing", writer_err.text);
	}
	if (res == KD_OK && (stat(path, &after) != 0 ||
	    after.st_dev != before.st_dev || after.st_ino != before.st_ino)) {
		res = kd_err_set(err, KD_ESTORE, "registry %s was replaced "
			"while it was opened", path);
	}
	if (res != KD_OK) {
		close_connections(inst);
		return res;
	}
	/* Rows the module cannot serve are skipped and logged. */
	registry_set_skip_handler(inst->reader, skip_log_row, inst);
	if (inst->writer != NULL) {
		registry_set_skip_handler(inst->writer, skip_log_row, inst);
	}
	inst->file_dev = after.st_dev;
	inst->file_ino = after.st_ino;
	kd_err access;
	(void)check_writable(inst, &access);
	return KD_OK;
}

/* Whether the file at the path is the one INST has open. */
static bool
file_is_current(const kd_instance *inst, int *error)
{
	struct stat st;
	if (stat(inst->args.registry_path, &st) != 0) {
		*error = errno;
		return false;
	}
	*error = 0;
	return inst->reader != NULL && st.st_dev == inst->file_dev &&
		st.st_ino == inst->file_ino;
}

/* Reopen and rebuild; the caller holds the writer and BUILD_LOCK. */
static kd_result
reopen_locked(kd_instance *inst, kd_err *err)
{
	kd_result res = watch_open(inst, err);
	if (res == KD_OK) {
		res = refresh_snapshot(inst, true, err);
	}
	return res;
}

bool
watch_poll(kd_instance *inst)
{
	const char *path = inst->args.registry_path;
	int error = 0;
	kd_err err;

	/* The writer guards the file's identity and the access state. */
	writer_acquire(inst);
	if (file_is_current(inst, &error)) {
		(void)check_writable(inst, &err);
		writer_release(inst);
		return true;
	}
	if (error == ENOENT) {
		writer_release(inst);
		if (inst->watch_state != WATCH_GONE) {
			KD_LOG(inst, ISC_LOG_WARNING, "registry %s was deleted: "
				"still serving the last data read; dynamic "
				"updates are refused until a registry is back "
				"at the path", path);
		}
		inst->watch_state = WATCH_GONE;
		return false;
	}

	pthread_mutex_lock(&inst->build_lock);
	const bool had_file = inst->reader != NULL;
	kd_result res = error != 0 ?
		kd_err_set(&err, KD_EIO, "registry %s: %s", path,
			strerror(error)) :
		reopen_locked(inst, &err);
	size_t zones = 0;
	if (res == KD_OK) {
		snapshot *snap = snapshot_acquire(inst);
		zones = snap->zone_count;
		snapshot_unref(snap);
	}
	pthread_mutex_unlock(&inst->build_lock);
	writer_release(inst);

	if (res == KD_OK) {
		KD_LOG(inst, ISC_LOG_NOTICE, "registry %s %s: reopened, "
			"serving its %zu zones", path,
			inst->watch_state == WATCH_GONE ? "is back" :
			had_file ? "was replaced by another file" :
			"can be read again", zones);
		inst->watch_state = WATCH_OK;
		inst->watch_error[0] = '\0';
		return true;
	}
	/* Log a failure once, not at every poll. */
	if (inst->watch_state != WATCH_BROKEN ||
	    strcmp(inst->watch_error, err.text) != 0) {
		KD_LOG(inst, ISC_LOG_ERROR, "registry %s changed and cannot be "
			"opened: %s (still serving the last good data; retried "
			"at every poll)", path, err.text);
	}
	snprintf(inst->watch_error, sizeof(inst->watch_error), "%s", err.text);
	inst->watch_state = WATCH_BROKEN;
	return false;
}

kd_result
watch_writer_ready(kd_instance *inst, kd_err *err)
{
	const char *path = inst->args.registry_path;
	int error = 0;
	const bool current = file_is_current(inst, &error);
	if (error != 0) {
		return kd_err_set(err, KD_ESTORE, "registry %s: %s", path,
			strerror(error));
	}
	if (!check_writable(inst, err)) {
		return KD_EPERM;
	}
	if (current && inst->writer != NULL && registry_writable(inst->writer)) {
		return KD_OK;
	}
	/* Replaced since the last poll, or writable since the last open. */
	pthread_mutex_lock(&inst->build_lock);
	kd_result res = reopen_locked(inst, err);
	pthread_mutex_unlock(&inst->build_lock);
	if (res == KD_OK && (inst->writer == NULL ||
	    !registry_writable(inst->writer))) {
		res = kd_err_set(err, KD_EPERM, "registry %s: SQLite opened it "
			"read-only", path);
	}
	if (res == KD_OK) {
		KD_LOG(inst, ISC_LOG_NOTICE, "registry %s reopened for an update "
			"(%s)", path, current ? "it is writable now" :
			"it was replaced");
	}
	return res;
}

kd_result
watch_before_commit(kd_instance *inst, kd_err *err)
{
	int error = 0;
	if (file_is_current(inst, &error)) {
		return KD_OK;
	}
	return kd_err_set(err, KD_ESTORE, "registry %s %s during the update: "
		"not committed into the old file", inst->args.registry_path,
		error == ENOENT ? "was deleted" : "was replaced");
}
