/*
 * instance.c -- one instance of the DLZ module: its helpers, creating and
 * freeing it.
 */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <isc/log.h>

#include "clock.h"
#include "duration.h"
#include "heap.h"
#include "instance.h"
#include "refresh.h"
#include "registry.h"
#include "skip_log.h"
#include "snapshot.h"
#include "watch.h"

/* ---- small helpers ---------------------------------------------------- */

int64_t
kd_now(void)
{
	return (int64_t)time(NULL);
}

int64_t
kd_now_ms(void)
{
	return (int64_t)kd_clock_ms();
}

void
kd_log(const kd_instance *inst, int level, const char *fmt, ...)
{
	if (inst == NULL || inst->log == NULL) {
		return;
	}
	if (level > 0 && (unsigned)level > inst->args.debug) {
		return;
	}
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	inst->log(level, "dlz_kmsdns: %s", line);
}

snapshot *
snapshot_acquire(kd_instance *inst)
{
	pthread_mutex_lock(&inst->snap_lock);
	snapshot *snap = inst->current;
	snapshot_ref(snap);
	pthread_mutex_unlock(&inst->snap_lock);
	return snap;
}

/* Install SNAP (the caller's reference moves to the instance). */
void
snapshot_install(kd_instance *inst, snapshot *snap)
{
	pthread_mutex_lock(&inst->snap_lock);
	snapshot *old = inst->current;
	inst->current = snap;
	pthread_mutex_unlock(&inst->snap_lock);
	snapshot_unref(old);
}

void
writer_acquire(kd_instance *inst)
{
	pthread_mutex_lock(&inst->writer_lock);
	while (inst->writer_busy) {
		pthread_cond_wait(&inst->writer_cond, &inst->writer_lock);
	}
	inst->writer_busy = true;
	pthread_mutex_unlock(&inst->writer_lock);
}

void
writer_release(kd_instance *inst)
{
	pthread_mutex_lock(&inst->writer_lock);
	inst->writer_busy = false;
	pthread_cond_signal(&inst->writer_cond);
	pthread_mutex_unlock(&inst->writer_lock);
}

/* The effective freshness settings: the registry's, then the arguments. */
registry_settings
effective_settings(const kd_instance *inst, const registry_settings *stored)
{
	registry_settings s = *stored;
	module_args_apply(&inst->args, &s);
	return s;
}

/* ---- create and destroy ----------------------------------------------- */

/* Create (CREATE) or destroy the mutexes of INST, listed here once. */
static void
instance_mutexes(kd_instance *inst, bool create)
{
	pthread_mutex_t *const all[] = {
		&inst->snap_lock, &inst->build_lock, &inst->writer_lock,
		&inst->auth_lock, &inst->maint_lock, &inst->skip_lock,
	};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (create) {
			pthread_mutex_init(all[i], NULL);
		} else {
			pthread_mutex_destroy(all[i]);
		}
	}
}

void
instance_free(kd_instance *inst)
{
	if (inst == NULL) {
		return;
	}
	if (inst->maint_started) {
		pthread_mutex_lock(&inst->maint_lock);
		inst->stopping = true;
		pthread_cond_signal(&inst->maint_cond);
		pthread_mutex_unlock(&inst->maint_lock);
		pthread_join(inst->maint, NULL);
	}
	snapshot_unref(inst->current);
	registry_close(inst->reader);
	registry_close(inst->writer);
	instance_mutexes(inst, false);
	pthread_cond_destroy(&inst->writer_cond);
	pthread_cond_destroy(&inst->maint_cond);
	free(inst);
}

kd_instance *
instance_alloc(const char *dlzname)
{
	kd_instance *inst = calloc(1, sizeof(*inst));
	if (inst == NULL) {
		return NULL;
	}
	snprintf(inst->name, sizeof(inst->name), "%s", dlzname);
	instance_mutexes(inst, true);
	pthread_cond_init(&inst->writer_cond, NULL);
	/* Timed waits on maint_cond are on the monotonic clock. */
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&inst->maint_cond, &attr);
	pthread_condattr_destroy(&attr);
	return inst;
}

static void
skip_zone(void *ctx, const char *zone, const char *reason)
{
	skip_log_zone(ctx, zone, reason);
}

/* Open the registry twice (reader, writer) and load the first snapshot. */
kd_result
instance_open(kd_instance *inst, kd_err *err)
{
	kd_result res = watch_open(inst, err);
	if (res != KD_OK) {
		return res;
	}

	registry_dataset ds;
	memset(&ds, 0, sizeof(ds));
	res = registry_change_counter(inst->reader, &inst->last_counter, err);
	if (res == KD_OK) {
		res = registry_load(inst->reader, NULL, &ds, err);
	}
	if (res == KD_OK) {
		registry_settings settings = effective_settings(inst, &ds.settings);
		res = snapshot_build(&ds, &settings, kd_now(), skip_zone, inst,
			&inst->current, err);
	}
	if (res == KD_OK) {
		char stale[32], scavenge[32];
		duration_format(inst->current->settings.stale_after, stale,
			sizeof(stale));
		duration_format(inst->current->settings.scavenge_after, scavenge,
			sizeof(scavenge));
		KD_LOG(inst, ISC_LOG_INFO,
			"registry %s: %zu zones, %zu SRV registrations, %zu "
			"addresses, %zu grants loaded (stale-after %s, "
			"scavenge-after %s)", inst->args.registry_path,
			ds.zone_count, ds.host_count, ds.address_count,
			ds.grant_count, stale, scavenge);
	}
	registry_dataset_free(&ds);
	heap_release_free(); /* the rows read to build the snapshot */
	if (res == KD_OK) { /* the catalog zone, if any */
		pthread_mutex_lock(&inst->build_lock);
		res = refresh_snapshot(inst, true, err);
		pthread_mutex_unlock(&inst->build_lock);
	}
	return res;
}
