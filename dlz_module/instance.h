/*
 * instance.h -- one instance of the DLZ module, shared by its files.
 *
 * BIND's dbdata is a kd_instance: the registry connections, the snapshot
 * lookups read, the writer, the update authorisations and the maintenance
 * thread's state. The helpers here are what every job of the module uses:
 * logging, clocks, the current snapshot, the one writer, the effective
 * freshness settings, and creating and freeing an instance.
 */
#ifndef KMSDNS_INSTANCE_H
#define KMSDNS_INSTANCE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <dns/dlz_dlopen.h>

#include "auth_hold.h"
#include "dname.h"
#include "grants.h"
#include "kd_result.h"
#include "module_args.h"
#include "registry.h"
#include "snapshot.h"

/* Skipped rows remembered as logged (skip_log.h). */
#define KD_SKIP_LOG_MAX 1024
/* Zones waiting for a NOTIFY. */
#define KD_NOTIFY_QUEUE 256

typedef void kd_log_fn(int level, const char *fmt, ...);

typedef struct kd_instance {
	char name[64];
	module_args args;
	kd_log_fn *log;
	dns_sdlz_putrr_t *putrr;
	dns_sdlz_putnamedrr_t *putnamedrr;
	dns_dlz_writeablezone_t *writeable_zone;

	/* The snapshot lookups read; SNAP_LOCK guards only the pointer. */
	pthread_mutex_t snap_lock;
	snapshot *current;

	/* BUILD_LOCK serialises snapshot rebuilds and the use of READER. */
	pthread_mutex_t build_lock;
	registry *reader;
	uint64_t last_counter;

	/* One writer at a time (a transaction spans several BIND calls,
	 * maybe on different threads, so this is a flag, not a mutex). */
	pthread_mutex_t writer_lock;
	pthread_cond_t writer_cond;
	bool writer_busy;
	registry *writer;

	/* Plain UPDATEs: one signer per zone at a time (auth_hold.h). */
	pthread_mutex_t auth_lock;
	auth_holds holds;

	/* Maintenance thread, its wake-up condition and the NOTIFY queue. */
	pthread_mutex_t maint_lock;
	pthread_cond_t maint_cond;
	bool stopping;
	bool maint_started;
	pthread_t maint;
	char notify_queue[KD_NOTIFY_QUEUE][DNAME_BUF_SIZE];
	size_t notify_count;
	int64_t last_age_ms; /* kd_now_ms() of the last ageing */

	/* The registry file open (watch.h): its identity, guarded by the
	 * writer, and what the maintenance thread last logged about it. */
	dev_t file_dev;
	ino_t file_ino;
	bool watch_access_known;
	bool watch_writable;
	enum { WATCH_OK, WATCH_GONE, WATCH_BROKEN } watch_state;
	char watch_error[KD_ERR_TEXT_MAX];

	/* Rows and zones skipped and logged once (skip_log.h). */
	pthread_mutex_t skip_lock;
	uint64_t skip_seen[KD_SKIP_LOG_MAX];
	size_t skip_count;
	bool skip_full;
} kd_instance;

/* Seconds since the epoch: the clock of registrations and ageing. */
int64_t kd_now(void);

/*
 * Monotonic milliseconds (kd_clock_ms()) as the signed count that
 * authorisation holds and ageing intervals are kept in.
 */
int64_t kd_now_ms(void);

#define KD_LOG(inst, level, ...) kd_log((inst), (level), __VA_ARGS__)

/*
 * Log FMT at LEVEL through BIND's log callback of INST as "dlz_kmsdns: ...";
 * a positive LEVEL is a debug level, logged only up to the debug argument.
 */
void kd_log(const kd_instance *inst, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The current snapshot of INST, with a reference for the caller. */
snapshot *snapshot_acquire(kd_instance *inst);

/* Install SNAP (the caller's reference moves to the instance). */
void snapshot_install(kd_instance *inst, snapshot *snap);

/* Wait until no one else uses INST's writer, then take it. */
void writer_acquire(kd_instance *inst);

/* Give INST's writer back and wake one waiting for it. */
void writer_release(kd_instance *inst);

/* The effective freshness settings: the registry's, then the arguments. */
registry_settings effective_settings(const kd_instance *inst,
	const registry_settings *stored);

/* A new instance named DLZNAME with its locks set up, or NULL (no memory). */
kd_instance *instance_alloc(const char *dlzname);

/*
 * Open the registry of INST's arguments twice (writer, reader; see
 * watch_open()) and load the first snapshot. Returns KD_OK, or the
 * registry's error in ERR.
 */
kd_result instance_open(kd_instance *inst, kd_err *err);

/* Stop the maintenance thread when it runs and free INST (NULL is fine). */
void instance_free(kd_instance *inst);

#endif /* KMSDNS_INSTANCE_H */
