/*
 * maintenance.c -- the DLZ module's maintenance thread: registry polling,
 * ageing of registrations and NOTIFY.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <isc/log.h>

#include "instance.h"
#include "maintenance.h"
#include "notify.h"
#include "refresh.h"
#include "registry.h"
#include "snapshot.h"
#include "watch.h"

/*
 * Registrations are aged every stale-after / KD_AGE_DIVISOR seconds, at
 * least every second and at most every minute: a registration stops being
 * served at most that long after it went stale.
 */
#define KD_AGE_DIVISOR 4
#define KD_AGE_INTERVAL_MAX_S 60
/* How long NOTIFY waits for acknowledgements. */
#define KD_NOTIFY_TIMEOUT_MS 1500

void
notify_enqueue(kd_instance *inst, const char *zone)
{
	if (!inst->args.notify) {
		return;
	}
	pthread_mutex_lock(&inst->maint_lock);
	bool queued = false;
	for (size_t i = 0; i < inst->notify_count && !queued; i++) {
		queued = strcmp(inst->notify_queue[i], zone) == 0;
	}
	if (!queued && inst->notify_count < KD_NOTIFY_QUEUE) {
		snprintf(inst->notify_queue[inst->notify_count++],
			DNAME_BUF_SIZE, "%s", zone);
	} else if (!queued) {
		KD_LOG(inst, ISC_LOG_WARNING, "zone %s: no NOTIFY, %d zones "
			"are already waiting (secondaries refresh by their SOA "
			"timers)", zone, KD_NOTIFY_QUEUE);
	}
	pthread_cond_signal(&inst->maint_cond);
	pthread_mutex_unlock(&inst->maint_lock);
}

/* ---- the maintenance thread ------------------------------------------- */

/* Log a registration that ageing made stale or deleted. */
static void
report_aged(void *ctx, const registry_aged *aged)
{
	const kd_instance *inst = ctx;
	const char *signer = aged->signer[0] ? aged->signer : "-";
	const char *what = aged->state == REGISTRY_STATE_EXPIRED ?
		"expired and deleted" : "stale and no longer served";

	if (strcmp(aged->type, "SRV") == 0) {
		KD_LOG(inst, ISC_LOG_INFO,
			"zone %s: registration SRV %s (signer %s) is %s",
			aged->zone, aged->rdata, signer, what);
	} else {
		KD_LOG(inst, ISC_LOG_INFO,
			"zone %s: registration %s address %s (signer %s) is %s",
			aged->zone, aged->owner, aged->rdata, signer, what);
	}
}

/* Age under the effective settings (module arguments applied). */
static void
age_registrations(kd_instance *inst)
{
	kd_err err;
	size_t changed = 0;
	snapshot *snap = snapshot_acquire(inst);
	const registry_settings settings = snap->settings;
	snapshot_unref(snap);
	writer_acquire(inst);
	kd_result res = inst->writer == NULL || !inst->watch_writable ? KD_OK :
		registry_age_under(inst->writer, &settings, kd_now(), false,
			report_aged, inst, &changed, &err);
	writer_release(inst);
	if (res != KD_OK) {
		KD_LOG(inst, ISC_LOG_ERROR, "aging registrations failed: %s",
			err.text);
	}
}

static void
send_notifies(kd_instance *inst, char (*zones)[DNAME_BUF_SIZE], size_t count)
{
	snapshot *snap = snapshot_acquire(inst);
	for (size_t i = 0; i < count; i++) {
		const snapshot_zone *sz = snapshot_find(snap, zones[i]);
		if (sz == NULL || sz->peers.notify_count == 0) {
			continue;
		}
		const char *endpoints[sz->peers.notify_count];
		for (size_t e = 0; e < sz->peers.notify_count; e++) {
			endpoints[e] = sz->peers.notify[e];
		}
		size_t acked = 0;
		kd_err err;
		kd_result res = notify_send(zones[i], sz->serial, endpoints,
			sz->peers.notify_count, KD_NOTIFY_TIMEOUT_MS, &acked,
			&err);
		if (res == KD_OK) {
			KD_LOG(inst, 1, "zone %s: NOTIFY serial %u sent to %zu "
				"secondaries", zones[i], sz->serial, acked);
		} else {
			KD_LOG(inst, ISC_LOG_WARNING, "zone %s: %s (%zu of %zu "
				"acknowledged)", zones[i], err.text, acked,
				sz->peers.notify_count);
		}
	}
	snapshot_unref(snap);
}

/* Seconds between two agings under the current freshness settings. */
static int64_t
age_interval(kd_instance *inst)
{
	snapshot *snap = snapshot_acquire(inst);
	int64_t interval = snap->settings.stale_after / KD_AGE_DIVISOR;
	snapshot_unref(snap);
	if (interval < 1) {
		interval = 1;
	}
	return interval > KD_AGE_INTERVAL_MAX_S ? KD_AGE_INTERVAL_MAX_S :
		interval;
}

void *
maintenance_main(void *arg)
{
	kd_instance *inst = arg;
	for (;;) {
		pthread_mutex_lock(&inst->maint_lock);
		if (!inst->stopping && inst->notify_count == 0) {
			/* maint_cond runs on CLOCK_MONOTONIC (instance_alloc):
			 * a clock stepped back does not stall polling. */
			struct timespec until;
			clock_gettime(CLOCK_MONOTONIC, &until);
			until.tv_nsec += (long)inst->args.poll_interval_ms * 1000000L;
			until.tv_sec += until.tv_nsec / 1000000000L;
			until.tv_nsec %= 1000000000L;
			pthread_cond_timedwait(&inst->maint_cond, &inst->maint_lock,
				&until);
		}
		bool stopping = inst->stopping;
		size_t count = inst->notify_count;
		char (*queue)[DNAME_BUF_SIZE] = NULL;
		if (count > 0) {
			queue = malloc(count * sizeof(*queue));
			if (queue != NULL) {
				memcpy(queue, inst->notify_queue,
					count * sizeof(*queue));
			}
			inst->notify_count = 0;
		}
		pthread_mutex_unlock(&inst->maint_lock);
		if (stopping) {
			free(queue);
			break;
		}

		/* Nothing is read from or written to a file that is no
		 * longer at the path (watch.h). */
		const bool current = watch_poll(inst);
		kd_err err;
		kd_result res = KD_OK;
		if (current) {
			pthread_mutex_lock(&inst->build_lock);
			res = refresh_snapshot(inst, false, &err);
			pthread_mutex_unlock(&inst->build_lock);
		}
		if (res != KD_OK) {
			KD_LOG(inst, ISC_LOG_ERROR,
				"reading registry %s failed: %s (still serving the "
				"last good data)", inst->args.registry_path, err.text);
		}

		if (current && kd_now_ms() - inst->last_age_ms >=
		    age_interval(inst) * 1000) {
			inst->last_age_ms = kd_now_ms();
			age_registrations(inst);
		}
		if (queue != NULL) {
			send_notifies(inst, queue, count);
			free(queue);
		}
	}
	return NULL;
}
