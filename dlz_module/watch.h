/*
 * watch.h -- the DLZ module serves and writes the file at the configured
 * path, and says when it cannot.
 *
 * The registry file may be replaced (`mv new.db registry.db`: a backup
 * restored, configuration management), deleted, or not be writable by
 * named. The module notices a replaced or deleted file at the next poll by
 * its device and inode, closes its old connections first (so a stale -wal
 * or -shm beside the new file is never mixed into it), opens the new file
 * and logs at notice. An UPDATE is never committed into a file that is no
 * longer at the path, and one that cannot be written is refused with a
 * log line naming the file and the cause; write access comes back without
 * a reconfig (the writer is reopened once the file is writable).
 *
 * Lock order: the writer (writer_acquire()) before BUILD_LOCK.
 */
#ifndef KMSDNS_WATCH_H
#define KMSDNS_WATCH_H

#include "instance.h"
#include "kd_result.h"

/*
 * Open INST's registry (reader, writer), remember the identity of the file
 * and log what named cannot write. Any old connections are closed first.
 * Returns KD_OK, or the error in ERR (INST then has no connections).
 */
kd_result watch_open(kd_instance *inst, kd_err *err);

/*
 * Once per poll of the maintenance thread (no lock held): when the file at
 * the path is not the open one (replaced, deleted, back again, or the open
 * failed before), reopen it and rebuild the snapshot from it; log each
 * change of state once. Returns true when INST has a usable reader.
 */
bool watch_poll(kd_instance *inst);

/*
 * With INST's writer held, at the start of an UPDATE: reopen when the file
 * was replaced or the writer could not write before and now can. KD_OK
 * when the writer may write; else ERR names the file and the cause.
 */
kd_result watch_writer_ready(kd_instance *inst, kd_err *err);

/*
 * With INST's writer held, right before a commit: KD_OK when the file at
 * the path is still the one the writer has open, else KD_ESTORE naming it.
 */
kd_result watch_before_commit(kd_instance *inst, kd_err *err);

#endif /* KMSDNS_WATCH_H */
