/*
 * dlz_kmsdns.c -- the BIND 9 DLZ ("dlopen") entry points of kmsdns.
 *
 * Serves the zones of a kmsdns registry (see registry.h) from an in-memory
 * snapshot (snapshot.h), so lookups run concurrently and never wait for
 * SQLite. A maintenance thread polls the registry for changes made by
 * kmsdns-registry, ages registrations out and sends NOTIFY. Dynamic updates
 * are authorised by the registry's grants (grants.h) and written to SQLite
 * in one transaction per UPDATE (newversion ... closeversion).
 *
 * Facts about the ABI: shared/reference/dlz-abi.md. Result codes come from
 * the installed BIND headers, never from hard-coded numbers.
 */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dns/clientinfo.h>
#include <dns/dlz_dlopen.h>
#include <isc/log.h>
#include <isc/result.h>
#include <isc/sockaddr.h>

#include "dname.h"
#include "duration.h"
#include "grants.h"
#include "heap.h"
#include "module_args.h"
#include "notify.h"
#include "rdata.h"
#include "registry.h"
#include "sites.h"
#include "snapshot.h"
#include "zonedata.h"

/*
 * Registrations are aged every stale-after / KD_AGE_DIVISOR seconds, at
 * least every second and at most every minute: a registration stops being
 * served at most that long after it went stale.
 */
#define KD_AGE_DIVISOR 4
#define KD_AGE_INTERVAL_MAX_S 60
/* How long NOTIFY waits for acknowledgements. */
#define KD_NOTIFY_TIMEOUT_MS 1500
/* A rebuild of this many zones frees enough to give memory back. */
#define KD_RELEASE_AFTER_ZONES 256
/* Authorisations kept between dlz_ssumatch() and dlz_newversion(). */
#define KD_AUTH_SLOTS 64
/* How long an authorisation waits for its transactions at most. */
#define KD_AUTH_TTL_MS 3000
/* How long it stays active after a transaction of it closed. */
#define KD_AUTH_GRACE_MS 2
/* Checks on one thread closer than this belong to one UPDATE. */
#define KD_AUTH_SAME_UPDATE_US 300
/* Zones waiting for a NOTIFY. */
#define KD_NOTIFY_QUEUE 256
/* Foreign SRV records a SELF signer may touch in one TTL rewrite. */
#define KD_PENDING_MAX 64
#define KD_VERSION_MAGIC 0x6b6d7376u /* "kmsv" */

/* Exported entry points: their prototypes come from dlz_dlopen.h types. */
dlz_dlopen_version_t dlz_version;
dlz_dlopen_create_t dlz_create;
dlz_dlopen_destroy_t dlz_destroy;
dlz_dlopen_findzonedb_t dlz_findzonedb;
dlz_dlopen_lookup_t dlz_lookup;
dlz_dlopen_allowzonexfr_t dlz_allowzonexfr;
dlz_dlopen_allnodes_t dlz_allnodes;
dlz_dlopen_newversion_t dlz_newversion;
dlz_dlopen_closeversion_t dlz_closeversion;
dlz_dlopen_configure_t dlz_configure;
dlz_dlopen_ssumatch_t dlz_ssumatch;
dlz_dlopen_addrdataset_t dlz_addrdataset;
dlz_dlopen_subrdataset_t dlz_subrdataset;

typedef void kd_log_fn(int level, const char *fmt, ...);

/*
 * What dlz_ssumatch() allowed a signer in a zone, waiting for the
 * transaction. BIND checks an UPDATE (dlz_ssumatch) on the client's thread
 * and then queues the transaction (dlz_newversion ... dlz_closeversion) on
 * the zone's own thread, and tells the module nothing that ties the two
 * together. So one signer at a time may update a zone: while a signer's
 * authorisation is active, checks of other signers in that zone are
 * refused (REFUSED; the client retries later), and each transaction is
 * attributed to the one active signer of its zone. An authorisation is
 * active while UPDATEs of it are checked but not yet taken by a
 * transaction (PENDING, for at most KD_AUTH_TTL_MS: BIND may drop an
 * UPDATE after the check), while a transaction of it is open (OPEN), and
 * KD_AUTH_GRACE_MS after such a transaction closed. BIND checks the
 * records of one UPDATE back to back on one thread: a check on the same
 * thread within KD_AUTH_SAME_UPDATE_US of the previous one for the same
 * zone and signer counts as the same UPDATE. Two UPDATEs counted as one
 * leave the second transaction without a pending count; it comes right
 * after the first one on the zone's thread, inside the grace time.
 */
typedef struct kd_auth_slot {
	bool used;
	char zone[DNAME_BUF_SIZE];
	char signer[REGISTRY_IDENTITY_MAX];
	grants_decision decision;
	int64_t last_ms;  /* the latest dlz_ssumatch() that allowed it */
	int64_t closed_ms;/* the latest transaction closed */
	unsigned pending; /* UPDATEs checked, not yet taken */
	unsigned open;    /* transactions attributed, not yet closed */
} kd_auth_slot;

/* The latest allowed check made on the calling thread. */
static _Thread_local struct {
	const void *inst;
	char zone[DNAME_BUF_SIZE];
	char signer[REGISTRY_IDENTITY_MAX];
	int64_t us;
} kd_last_check;

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

	pthread_mutex_t auth_lock;
	kd_auth_slot auth[KD_AUTH_SLOTS];

	/* Maintenance thread, its wake-up condition and the NOTIFY queue. */
	pthread_mutex_t maint_lock;
	pthread_cond_t maint_cond;
	bool stopping;
	bool maint_started;
	pthread_t maint;
	char notify_queue[KD_NOTIFY_QUEUE][DNAME_BUF_SIZE];
	size_t notify_count;
	int64_t last_age;
} kd_instance;

/* One UPDATE transaction. */
typedef struct kd_version {
	unsigned magic;
	kd_instance *inst;
	char zone[DNAME_BUF_SIZE];
	char signer[REGISTRY_IDENTITY_MAX];
	bool authorised;
	char refusal[256];       /* why not authorised */
	int64_t started_ms;
	grants_decision decision;
	registry_dataset data;   /* the zone as the transaction sees it */
	zone_image *image;       /* built from DATA when not DIRTY */
	bool dirty;
	size_t changes;
	size_t refreshed;        /* registrations refreshed by this UPDATE */
	size_t committed_changes;   /* CHANGES and REFRESHED already */
	size_t committed_refreshes; /* committed by commit_at_serial() */
	srv_record pending[KD_PENDING_MAX]; /* foreign SRV subtracted */
	size_t pending_count;
} kd_version;

/* ---- small helpers ---------------------------------------------------- */

static int64_t
kd_now(void)
{
	return (int64_t)time(NULL);
}

/* Monotonic microseconds, for authorisation lifetimes. */
static int64_t
kd_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t
kd_now_ms(void)
{
	return kd_now_us() / 1000;
}

#define KD_LOG(inst, level, ...) kd_log((inst), (level), __VA_ARGS__)

static void
kd_log(const kd_instance *inst, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
kd_log(const kd_instance *inst, int level, const char *fmt, ...)
{
	if (inst == NULL || inst->log == NULL)
		return;
	if (level > 0 && (unsigned)level > inst->args.debug)
		return;
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	inst->log(level, "dlz_kmsdns: %s", line);
}

static snapshot *
snapshot_acquire(kd_instance *inst)
{
	pthread_mutex_lock(&inst->snap_lock);
	snapshot *snap = inst->current;
	snapshot_ref(snap);
	pthread_mutex_unlock(&inst->snap_lock);
	return snap;
}

/* Install SNAP (the caller's reference moves to the instance). */
static void
snapshot_install(kd_instance *inst, snapshot *snap)
{
	pthread_mutex_lock(&inst->snap_lock);
	snapshot *old = inst->current;
	inst->current = snap;
	pthread_mutex_unlock(&inst->snap_lock);
	snapshot_unref(old);
}

static void
writer_acquire(kd_instance *inst)
{
	pthread_mutex_lock(&inst->writer_lock);
	while (inst->writer_busy)
		pthread_cond_wait(&inst->writer_cond, &inst->writer_lock);
	inst->writer_busy = true;
	pthread_mutex_unlock(&inst->writer_lock);
}

static void
writer_release(kd_instance *inst)
{
	pthread_mutex_lock(&inst->writer_lock);
	inst->writer_busy = false;
	pthread_cond_signal(&inst->writer_cond);
	pthread_mutex_unlock(&inst->writer_lock);
}

static void
notify_enqueue(kd_instance *inst, const char *zone)
{
	if (!inst->args.notify)
		return;
	pthread_mutex_lock(&inst->maint_lock);
	bool queued = false;
	for (size_t i = 0; i < inst->notify_count && !queued; i++)
		queued = strcmp(inst->notify_queue[i], zone) == 0;
	if (!queued && inst->notify_count < KD_NOTIFY_QUEUE)
		snprintf(inst->notify_queue[inst->notify_count++],
			DNAME_BUF_SIZE, "%s", zone);
	else if (!queued)
		KD_LOG(inst, ISC_LOG_WARNING, "zone %s: no NOTIFY, %d zones "
			"are already waiting (secondaries refresh by their SOA "
			"timers)", zone, KD_NOTIFY_QUEUE);
	pthread_cond_signal(&inst->maint_cond);
	pthread_mutex_unlock(&inst->maint_lock);
}

/* The effective freshness settings: the registry's, then the arguments. */
static registry_settings
effective_settings(const kd_instance *inst, const registry_settings *stored)
{
	registry_settings s = *stored;
	module_args_apply(&inst->args, &s);
	return s;
}

/* ---- building snapshots ------------------------------------------------ */

/* Load and build one zone from REG. KD_ENOENT when it no longer exists. */
static kd_result
build_zone(kd_instance *inst, registry *reg, const char *zone,
	const registry_settings *settings, snapshot_zone **out, kd_err *err)
{
	registry_dataset ds;
	memset(&ds, 0, sizeof(ds));
	kd_result res = registry_load(reg, zone, &ds, err);
	if (res == KD_OK && ds.zone_count != 1)
		res = kd_err_set(err, KD_ENOENT, "zone %s does not exist", zone);
	if (res == KD_OK)
		res = snapshot_zone_build(&ds.zones[0], ds.hosts, ds.host_count,
			ds.addresses, ds.address_count, settings, kd_now(), out,
			err);
	registry_dataset_free(&ds);
	(void)inst;
	return res;
}

static bool
serial_known(const snapshot *snap, const char *zone, uint32_t serial)
{
	const snapshot_zone *sz = snapshot_find(snap, zone);
	return sz != NULL && sz->serial == serial;
}

/*
 * Bring the snapshot up to date with the registry when it changed:
 * rebuild the zones whose serial differs, drop removed zones, reload the
 * grants, sites and settings. Runs with BUILD_LOCK held.
 */
static kd_result
refresh_snapshot(kd_instance *inst, bool force, kd_err *err)
{
	uint64_t counter = 0;
	kd_result res = registry_change_counter(inst->reader, &counter, err);
	if (res != KD_OK || (!force && counter == inst->last_counter))
		return res;

	char (*names)[DNAME_BUF_SIZE] = NULL;
	uint32_t *serials = NULL;
	size_t count = 0;
	registry_dataset policy;
	memset(&policy, 0, sizeof(policy));
	res = registry_load_serials(inst->reader, &names, &serials, &count, err);
	if (res == KD_OK)
		res = registry_load_policy(inst->reader, &policy, err);
	if (res != KD_OK) {
		free(names);
		free(serials);
		registry_dataset_free(&policy);
		return res;
	}

	snapshot *old = snapshot_acquire(inst);
	registry_settings settings = effective_settings(inst, &policy.settings);
	snapshot_zone **changed = calloc(count ? count : 1, sizeof(*changed));
	const char **removed = calloc(old->zone_count ? old->zone_count : 1,
		sizeof(*removed));
	size_t changed_count = 0, removed_count = 0;
	if (changed == NULL || removed == NULL)
		res = kd_err_set(err, KD_ENOMEM, "out of memory");
	/* Other freshness settings change what every zone serves. */
	const bool settings_changed =
		settings.stale_after != old->settings.stale_after ||
		settings.scavenge_after != old->settings.scavenge_after;
	for (size_t i = 0; res == KD_OK && i < count; i++) {
		if (!settings_changed && serial_known(old, names[i], serials[i]))
			continue;
		res = build_zone(inst, inst->reader, names[i], &settings,
			&changed[changed_count], err);
		if (res == KD_ENOENT) { /* removed since the serials were read */
			res = KD_OK;
			continue;
		}
		if (res == KD_OK)
			changed_count++;
	}
	/* Zones in the snapshot that the registry no longer has. */
	for (size_t z = 0; res == KD_OK && z < old->zone_count; z++) {
		const char *name = snapshot_zone_name(old->zones[z]);
		bool present = false;
		for (size_t i = 0; i < count && !present; i++)
			present = strcmp(names[i], name) == 0;
		if (!present)
			removed[removed_count++] = name;
	}
	snapshot *snap = NULL;
	if (res == KD_OK)
		res = snapshot_derive(old, changed, changed_count, removed,
			removed_count, &policy, &settings, &snap, err);
	if (res == KD_OK) {
		if (settings_changed)
			KD_LOG(inst, ISC_LOG_INFO, "freshness settings changed: "
				"stale-after %llds, scavenge-after %llds; %zu zones "
				"rebuilt", (long long)settings.stale_after,
				(long long)settings.scavenge_after, changed_count);
		for (size_t i = 0; i < changed_count; i++) {
			const char *name = snapshot_zone_name(changed[i]);
			const snapshot_zone *prev = snapshot_find(old, name);
			/* NOTIFY only when secondaries have something to fetch. */
			if (prev != NULL && prev->serial == changed[i]->serial)
				continue;
			KD_LOG(inst, ISC_LOG_INFO, "zone %s %s, serial %u", name,
				prev != NULL ? "changed" : "added",
				changed[i]->serial);
			if (prev != NULL)
				notify_enqueue(inst, name);
		}
		for (size_t i = 0; i < removed_count; i++)
			KD_LOG(inst, ISC_LOG_INFO, "zone %s removed", removed[i]);
		snapshot_install(inst, snap);
		inst->last_counter = counter;
	}
	for (size_t i = 0; i < changed_count; i++)
		snapshot_zone_unref(changed[i]);
	free(changed);
	free(removed);
	free(names);
	free(serials);
	registry_dataset_free(&policy);
	snapshot_unref(old);
	if (changed_count >= KD_RELEASE_AFTER_ZONES)
		heap_release_free(); /* the old images of a large rebuild */
	return res;
}

/* Replace zone ZONE of the snapshot with what the writer committed. */
static void
rebuild_committed_zone(kd_instance *inst, const char *zone)
{
	kd_err err;
	pthread_mutex_lock(&inst->build_lock);
	snapshot *old = snapshot_acquire(inst);
	snapshot_zone *sz = NULL;
	snapshot *snap = NULL;
	kd_result res = build_zone(inst, inst->reader, zone, &old->settings,
		&sz, &err);
	if (res == KD_OK)
		res = snapshot_derive(old, &sz, 1, NULL, 0, NULL, &old->settings,
			&snap, &err);
	if (res == KD_OK)
		snapshot_install(inst, snap);
	else
		KD_LOG(inst, ISC_LOG_ERROR,
			"zone %s: cannot rebuild after an update: %s (the next "
			"registry poll retries)", zone, err.text);
	snapshot_zone_unref(sz);
	snapshot_unref(old);
	pthread_mutex_unlock(&inst->build_lock);
}

/* ---- the maintenance thread ------------------------------------------- */

static void
report_aged_host(void *ctx, const registry_host *host, registry_state state)
{
	const kd_instance *inst = ctx;
	char rdata[ZONE_SRV_RDATA_MAX];
	if (srv_format_rdata(&host->srv, rdata, sizeof(rdata)) != KD_OK)
		rdata[0] = '\0';
	KD_LOG(inst, ISC_LOG_INFO,
		"zone %s: registration SRV %s (signer %s) is %s",
		host->zone, rdata, host->signer[0] ? host->signer : "-",
		state == REGISTRY_STATE_EXPIRED ? "expired and deleted" :
		"stale and no longer served");
}

static void
report_aged_address(void *ctx, const registry_address *addr,
	registry_state state)
{
	const kd_instance *inst = ctx;
	KD_LOG(inst, ISC_LOG_INFO,
		"zone %s: registration %s address %s (signer %s) is %s",
		addr->zone, addr->name, addr->address,
		addr->signer[0] ? addr->signer : "-",
		state == REGISTRY_STATE_EXPIRED ? "expired and deleted" :
		"stale and no longer served");
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
	kd_result res = registry_age_under(inst->writer, &settings, kd_now(),
		false, report_aged_host, report_aged_address, inst, &changed,
		&err);
	writer_release(inst);
	if (res != KD_OK)
		KD_LOG(inst, ISC_LOG_ERROR, "aging registrations failed: %s",
			err.text);
}

static void
send_notifies(kd_instance *inst, char (*zones)[DNAME_BUF_SIZE], size_t count)
{
	snapshot *snap = snapshot_acquire(inst);
	for (size_t i = 0; i < count; i++) {
		const snapshot_zone *sz = snapshot_find(snap, zones[i]);
		if (sz == NULL || sz->notify_count == 0)
			continue;
		const char *endpoints[sz->notify_count];
		for (size_t e = 0; e < sz->notify_count; e++)
			endpoints[e] = sz->notify[e];
		size_t acked = 0;
		kd_err err;
		kd_result res = notify_send(zones[i], sz->serial, endpoints,
			sz->notify_count, KD_NOTIFY_TIMEOUT_MS, &acked, &err);
		if (res == KD_OK)
			KD_LOG(inst, 1, "zone %s: NOTIFY serial %u sent to %zu "
				"secondaries", zones[i], sz->serial, acked);
		else
			KD_LOG(inst, ISC_LOG_WARNING, "zone %s: %s (%zu of %zu "
				"acknowledged)", zones[i], err.text, acked,
				sz->notify_count);
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
	if (interval < 1)
		interval = 1;
	return interval > KD_AGE_INTERVAL_MAX_S ? KD_AGE_INTERVAL_MAX_S :
		interval;
}

static void *
maintenance_main(void *arg)
{
	kd_instance *inst = arg;
	for (;;) {
		pthread_mutex_lock(&inst->maint_lock);
		if (!inst->stopping && inst->notify_count == 0) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
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
			if (queue != NULL)
				memcpy(queue, inst->notify_queue,
					count * sizeof(*queue));
			inst->notify_count = 0;
		}
		pthread_mutex_unlock(&inst->maint_lock);
		if (stopping) {
			free(queue);
			break;
		}

		kd_err err;
		pthread_mutex_lock(&inst->build_lock);
		kd_result res = refresh_snapshot(inst, false, &err);
		pthread_mutex_unlock(&inst->build_lock);
		if (res != KD_OK)
			KD_LOG(inst, ISC_LOG_ERROR,
				"reading registry %s failed: %s (still serving the "
				"last good data)", inst->args.registry_path, err.text);

		if (kd_now() - inst->last_age >= age_interval(inst)) {
			inst->last_age = kd_now();
			age_registrations(inst);
		}
		if (queue != NULL) {
			send_notifies(inst, queue, count);
			free(queue);
		}
	}
	return NULL;
}

/* ---- create and destroy ----------------------------------------------- */

static void
instance_free(kd_instance *inst)
{
	if (inst == NULL)
		return;
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
	pthread_mutex_destroy(&inst->snap_lock);
	pthread_mutex_destroy(&inst->build_lock);
	pthread_mutex_destroy(&inst->writer_lock);
	pthread_cond_destroy(&inst->writer_cond);
	pthread_mutex_destroy(&inst->auth_lock);
	pthread_mutex_destroy(&inst->maint_lock);
	pthread_cond_destroy(&inst->maint_cond);
	free(inst);
}

/* Take the callbacks BIND passes as (name, function) pairs. */
static void
take_callbacks(kd_instance *inst, va_list ap)
{
	const char *name;
	while ((name = va_arg(ap, const char *)) != NULL) {
		void *fn = va_arg(ap, void *);
		if (strcmp(name, "log") == 0)
			inst->log = (kd_log_fn *)fn;
		else if (strcmp(name, "putrr") == 0)
			inst->putrr = (dns_sdlz_putrr_t *)fn;
		else if (strcmp(name, "putnamedrr") == 0)
			inst->putnamedrr = (dns_sdlz_putnamedrr_t *)fn;
		else if (strcmp(name, "writeable_zone") == 0)
			inst->writeable_zone = (dns_dlz_writeablezone_t *)fn;
	}
}

static kd_instance *
instance_alloc(const char *dlzname)
{
	kd_instance *inst = calloc(1, sizeof(*inst));
	if (inst == NULL)
		return NULL;
	snprintf(inst->name, sizeof(inst->name), "%s", dlzname);
	pthread_mutex_init(&inst->snap_lock, NULL);
	pthread_mutex_init(&inst->build_lock, NULL);
	pthread_mutex_init(&inst->writer_lock, NULL);
	pthread_cond_init(&inst->writer_cond, NULL);
	pthread_mutex_init(&inst->auth_lock, NULL);
	pthread_mutex_init(&inst->maint_lock, NULL);
	pthread_cond_init(&inst->maint_cond, NULL);
	return inst;
}

/* Open the registry twice (reader, writer) and load the first snapshot. */
static kd_result
instance_open(kd_instance *inst, kd_err *err)
{
	kd_result res = registry_open(inst->args.registry_path, true,
		&inst->reader, err);
	if (res == KD_OK)
		res = registry_open(inst->args.registry_path, false,
			&inst->writer, err);
	if (res != KD_OK)
		return res;

	registry_dataset ds;
	memset(&ds, 0, sizeof(ds));
	res = registry_change_counter(inst->reader, &inst->last_counter, err);
	if (res == KD_OK)
		res = registry_load(inst->reader, NULL, &ds, err);
	if (res == KD_OK) {
		registry_settings settings = effective_settings(inst, &ds.settings);
		res = snapshot_build(&ds, &settings, kd_now(), &inst->current,
			err);
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
	return res;
}

int
dlz_version(unsigned int *flags)
{
	*flags |= DNS_SDLZFLAG_THREADSAFE;
	return DLZ_DLOPEN_VERSION;
}

isc_result_t
dlz_create(const char *dlzname, unsigned int argc, char *argv[],
	void **dbdata, ...)
{
	kd_instance *inst = instance_alloc(dlzname);
	if (inst == NULL)
		return ISC_R_NOMEMORY;
	va_list ap;
	va_start(ap, dbdata);
	take_callbacks(inst, ap);
	va_end(ap);

	kd_err err;
	kd_err_clear(&err);
	kd_result res = module_args_parse(argc, argv, &inst->args, &err);
	if (res == KD_OK)
		res = instance_open(inst, &err);
	if (res == KD_OK) {
		inst->last_age = 0;
		if (pthread_create(&inst->maint, NULL, maintenance_main, inst) != 0)
			res = kd_err_set(&err, KD_ENOMEM,
				"cannot start the maintenance thread");
		else
			inst->maint_started = true;
	}
	if (res != KD_OK) {
		/* module_args errors already start with "dlz_kmsdns: ". */
		if (inst->log != NULL)
			inst->log(ISC_LOG_ERROR, "%s%s",
				strncmp(err.text, "dlz_kmsdns: ", 12) == 0 ? "" :
				"dlz_kmsdns: ", err.text);
		instance_free(inst);
		return res == KD_ENOENT ? ISC_R_FILENOTFOUND : ISC_R_FAILURE;
	}
	*dbdata = inst;
	return ISC_R_SUCCESS;
}

void
dlz_destroy(void *dbdata)
{
	kd_instance *inst = dbdata;
	KD_LOG(inst, ISC_LOG_INFO, "instance %s stopped", inst->name);
	instance_free(inst);
}

/* ---- queries ------------------------------------------------------------ */

isc_result_t
dlz_findzonedb(void *dbdata, const char *name, dns_clientinfomethods_t *methods,
	dns_clientinfo_t *clientinfo)
{
	(void)methods;
	(void)clientinfo;
	kd_instance *inst = dbdata;
	snapshot *snap = snapshot_acquire(inst);
	bool found = snapshot_find(snap, name) != NULL;
	snapshot_unref(snap);
	return found ? ISC_R_SUCCESS : ISC_R_NOTFOUND;
}

/*
 * The site of the querying client, or NULL. BIND's sourceip() aborts named
 * when called without a client (as during update processing), so it is
 * only called when CLIENTINFO carries one.
 */
static const char *
client_site(const snapshot *snap, dns_clientinfomethods_t *methods,
	dns_clientinfo_t *clientinfo)
{
	if (snap->site_prefix_count == 0 || methods == NULL ||
	    clientinfo == NULL || clientinfo->data == NULL ||
	    methods->sourceip == NULL ||
	    methods->version - methods->age > DNS_CLIENTINFOMETHODS_VERSION ||
	    DNS_CLIENTINFOMETHODS_VERSION > methods->version)
		return NULL;
	isc_sockaddr_t *src = NULL;
	if (methods->sourceip(clientinfo, &src) != ISC_R_SUCCESS || src == NULL)
		return NULL;
	sites_address address;
	if (sites_address_from_sockaddr(&src->type.sa, &address, NULL) != KD_OK)
		return NULL;
	return sites_table_lookup(snap->sites, &address);
}

/* True when some record of NODE belongs to a site. */
static bool
node_has_site(const zone_node *node)
{
	for (size_t i = 0; i < node->rr_count; i++)
		if (node->rrs[i].site != NULL && node->rrs[i].site[0] != '\0')
			return true;
	return false;
}

typedef struct put_ctx {
	const kd_instance *inst;
	dns_sdlzlookup_t *lookup;
	dns_sdlzallnodes_t *allnodes;
	isc_result_t result;
} put_ctx;

static kd_result
put_rr(void *arg, const char *owner, const char *type, uint32_t ttl,
	const char *rdata)
{
	put_ctx *ctx = arg;
	(void)owner;
	ctx->result = ctx->inst->putrr(ctx->lookup, type, ttl, rdata);
	return ctx->result == ISC_R_SUCCESS ? KD_OK : KD_EDNS;
}

static kd_result
put_named_rr(void *arg, const char *owner, const char *type, uint32_t ttl,
	const char *rdata)
{
	put_ctx *ctx = arg;
	ctx->result = ctx->inst->putnamedrr(ctx->allnodes, owner, type, ttl,
		rdata);
	return ctx->result == ISC_R_SUCCESS ? KD_OK : KD_EDNS;
}

static kd_version *
version_of(const kd_instance *inst, dns_clientinfo_t *clientinfo,
	const char *zone)
{
	if (clientinfo == NULL || clientinfo->version < 2 ||
	    clientinfo->dbversion == NULL)
		return NULL;
	kd_version *ver = clientinfo->dbversion;
	if (ver->magic != KD_VERSION_MAGIC || ver->inst != inst ||
	    strcmp(ver->zone, zone) != 0)
		return NULL;
	return ver;
}

static const zone_image *version_image(kd_version *ver, kd_err *err);

static isc_result_t
emit_node(const kd_instance *inst, const char *zone, const zone_node *node,
	const char *site, dns_sdlzlookup_t *lookup)
{
	put_ctx ctx = { .inst = inst, .lookup = lookup,
		.result = ISC_R_SUCCESS };
	if (zone_node_emit(node, site, put_rr, &ctx) != KD_OK) {
		KD_LOG(inst, ISC_LOG_ERROR, "zone %s: BIND refused a record of "
			"%s: %s", zone, node->name, isc_result_totext(ctx.result));
		return ctx.result != ISC_R_SUCCESS ? ctx.result : ISC_R_FAILURE;
	}
	return ISC_R_SUCCESS;
}

isc_result_t
dlz_lookup(const char *zone, const char *name, void *dbdata,
	dns_sdlzlookup_t *lookup, dns_clientinfomethods_t *methods,
	dns_clientinfo_t *clientinfo)
{
	kd_instance *inst = dbdata;
	kd_version *ver = version_of(inst, clientinfo, zone);
	if (ver != NULL) {
		/* Inside an UPDATE: what the transaction has written so far. */
		kd_err err;
		const zone_image *img = version_image(ver, &err);
		if (img == NULL) {
			KD_LOG(inst, ISC_LOG_ERROR, "zone %s: %s", zone, err.text);
			return ISC_R_FAILURE;
		}
		const zone_node *node = zone_image_find(img, name);
		return node ? emit_node(inst, zone, node, NULL, lookup) :
			ISC_R_NOTFOUND;
	}

	snapshot *snap = snapshot_acquire(inst);
	isc_result_t result = ISC_R_NOTFOUND;
	const snapshot_zone *sz = snapshot_find(snap, zone);
	const zone_node *node = sz ? zone_image_find(sz->image, name) : NULL;
	if (node != NULL) {
		const char *site = node_has_site(node) ?
			client_site(snap, methods, clientinfo) : NULL;
		result = emit_node(inst, zone, node, site, lookup);
	}
	snapshot_unref(snap);
	return result;
}

/* ---- zone transfer -------------------------------------------------------- */

isc_result_t
dlz_allowzonexfr(void *dbdata, const char *name, const char *client)
{
	kd_instance *inst = dbdata;
	snapshot *snap = snapshot_acquire(inst);
	const snapshot_zone *sz = snapshot_find(snap, name);
	isc_result_t result = ISC_R_NOTFOUND;
	if (sz != NULL) {
		bool allowed = false;
		kd_err err;
		if (sites_acl_check(sz->allow_transfer, sz->allow_transfer_count,
			    client, &allowed, &err) != KD_OK)
			KD_LOG(inst, ISC_LOG_ERROR, "zone %s: transfer check: %s",
				name, err.text);
		if (!allowed)
			KD_LOG(inst, ISC_LOG_NOTICE, "zone %s: transfer to %s "
				"refused (not in the zone's allow-transfer list)",
				name, client);
		result = allowed ? ISC_R_SUCCESS : ISC_R_NOPERM;
	}
	snapshot_unref(snap);
	return result;
}

isc_result_t
dlz_allnodes(const char *zone, void *dbdata, dns_sdlzallnodes_t *allnodes)
{
	kd_instance *inst = dbdata;
	snapshot *snap = snapshot_acquire(inst);
	const snapshot_zone *sz = snapshot_find(snap, zone);
	isc_result_t result = ISC_R_NOTFOUND;
	if (sz != NULL) {
		put_ctx ctx = { .inst = inst, .allnodes = allnodes,
			.result = ISC_R_SUCCESS };
		result = zone_image_foreach(sz->image, put_named_rr, &ctx) ==
			KD_OK ? ISC_R_SUCCESS : ctx.result;
	}
	snapshot_unref(snap);
	return result;
}

/* ---- dynamic updates ------------------------------------------------------ */

isc_result_t
dlz_configure(dns_view_t *view, dns_dlzdb_t *dlzdb, void *dbdata)
{
	kd_instance *inst = dbdata;
	if (inst->writeable_zone == NULL) {
		KD_LOG(inst, ISC_LOG_ERROR,
			"BIND passed no writeable_zone callback: updates disabled");
		return ISC_R_SUCCESS;
	}
	/* No lock is held here: writeable_zone() calls dlz_lookup() back. */
	snapshot *snap = snapshot_acquire(inst);
	isc_result_t result = ISC_R_SUCCESS;
	for (size_t i = 0; i < snap->zone_count && result == ISC_R_SUCCESS; i++) {
		const char *name = snapshot_zone_name(snap->zones[i]);
		result = inst->writeable_zone(view, dlzdb, name);
		if (result != ISC_R_SUCCESS)
			KD_LOG(inst, ISC_LOG_ERROR, "zone %s: cannot be made "
				"writeable: %s%s", name, isc_result_totext(result),
				result == ISC_R_EXISTS ? " (is it also declared in "
				"named.conf?)" : "");
	}
	if (result == ISC_R_SUCCESS)
		KD_LOG(inst, ISC_LOG_INFO, "%zu zones accept dynamic updates",
			snap->zone_count);
	snapshot_unref(snap);
	return result;
}

static bool
auth_live(const kd_auth_slot *slot, int64_t now_ms)
{
	if (!slot->used)
		return false;
	return slot->open > 0 || now_ms - slot->closed_ms < KD_AUTH_GRACE_MS ||
		(slot->pending > 0 &&
		 now_ms - slot->last_ms < KD_AUTH_TTL_MS);
}

/*
 * Record that SIGNER may update ZONE under DECISION. False when another
 * signer's authorisation of ZONE is active (its signer is copied to
 * BUSY_SIGNER of BUSY_LEN bytes) or when every slot is in use
 * (BUSY_SIGNER "").
 */
static bool
auth_store(kd_instance *inst, const char *zone, const char *signer,
	const grants_decision *decision, char *busy_signer, size_t busy_len)
{
	const int64_t now_us = kd_now_us();
	const int64_t now_ms = now_us / 1000;
	const bool same_update = kd_last_check.inst == inst &&
		now_us - kd_last_check.us < KD_AUTH_SAME_UPDATE_US &&
		strcmp(kd_last_check.zone, zone) == 0 &&
		strcmp(kd_last_check.signer, signer) == 0;
	busy_signer[0] = '\0';
	pthread_mutex_lock(&inst->auth_lock);
	kd_auth_slot *slot = NULL;
	kd_auth_slot *free_slot = NULL;
	bool busy = false;
	kd_auth_slot *expired = NULL; /* this signer's, no longer active */
	for (size_t i = 0; i < KD_AUTH_SLOTS && !busy; i++) {
		kd_auth_slot *cur = &inst->auth[i];
		if (!auth_live(cur, now_ms)) {
			if (cur->used && strcmp(cur->zone, zone) == 0 &&
			    strcmp(cur->signer, signer) == 0)
				expired = cur;
			else if (free_slot == NULL)
				free_slot = cur;
			continue;
		}
		if (strcmp(cur->zone, zone) != 0)
			continue;
		if (strcmp(cur->signer, signer) == 0) {
			slot = cur;
		} else {
			busy = true;
			snprintf(busy_signer, busy_len, "%s", cur->signer);
		}
	}
	if (!busy && slot == NULL && expired != NULL) {
		slot = expired;
		slot->pending = 0; /* what is left are UPDATEs BIND dropped */
	} else if (!busy && slot == NULL && free_slot != NULL) {
		slot = free_slot;
		memset(slot, 0, sizeof(*slot));
		slot->used = true;
		snprintf(slot->zone, sizeof(slot->zone), "%s", zone);
		snprintf(slot->signer, sizeof(slot->signer), "%s", signer);
	}
	/* A further record of the UPDATE whose check is already counted. */
	const bool counted = same_update && slot != NULL && slot->pending > 0;
	if (!busy && slot != NULL) {
		if (!counted)
			slot->pending++;
		slot->decision = *decision;
		slot->last_ms = now_ms;
	}
	pthread_mutex_unlock(&inst->auth_lock);
	if (busy || slot == NULL)
		return false;
	kd_last_check.inst = inst;
	kd_last_check.us = now_us;
	snprintf(kd_last_check.zone, sizeof(kd_last_check.zone), "%s", zone);
	snprintf(kd_last_check.signer, sizeof(kd_last_check.signer), "%s",
		signer);
	return true;
}

/*
 * A check of SIGNER in ZONE failed: BIND refuses that UPDATE, so when
 * earlier records of it were allowed, it no longer counts as pending.
 */
static void
auth_drop(kd_instance *inst, const char *zone, const char *signer)
{
	const bool same_update = kd_last_check.inst == inst &&
		kd_now_us() - kd_last_check.us < KD_AUTH_SAME_UPDATE_US &&
		strcmp(kd_last_check.zone, zone) == 0 &&
		strcmp(kd_last_check.signer, signer) == 0;
	kd_last_check.inst = NULL;
	if (!same_update)
		return;
	pthread_mutex_lock(&inst->auth_lock);
	for (size_t i = 0; i < KD_AUTH_SLOTS; i++) {
		kd_auth_slot *slot = &inst->auth[i];
		if (slot->used && slot->pending > 0 &&
		    strcmp(slot->zone, zone) == 0 &&
		    strcmp(slot->signer, signer) == 0)
			slot->pending--;
	}
	pthread_mutex_unlock(&inst->auth_lock);
}

/*
 * Attribute the transaction VER to the active signer of its zone or, when
 * none is active, to the only signer checked in the zone within
 * KD_AUTH_TTL_MS (two UPDATEs of one signer counted as one).
 */
static void
auth_take(kd_instance *inst, kd_version *ver)
{
	kd_auth_slot *active = NULL;
	kd_auth_slot *recent = NULL;
	const kd_auth_slot *other = NULL;
	pthread_mutex_lock(&inst->auth_lock);
	for (size_t i = 0; i < KD_AUTH_SLOTS; i++) {
		kd_auth_slot *slot = &inst->auth[i];
		if (!slot->used || strcmp(slot->zone, ver->zone) != 0 ||
		    ver->started_ms - slot->last_ms >= KD_AUTH_TTL_MS)
			continue;
		if (auth_live(slot, ver->started_ms))
			active = slot;
		if (recent == NULL)
			recent = slot;
		else if (strcmp(slot->signer, recent->signer) != 0)
			other = slot;
	}
	kd_auth_slot *found = active != NULL ? active :
		other == NULL ? recent : NULL;
	if (found != NULL) {
		snprintf(ver->signer, sizeof(ver->signer), "%s", found->signer);
		ver->decision = found->decision;
		ver->authorised = true;
		if (found->pending > 0)
			found->pending--;
		found->open++;
	} else if (other != NULL) {
		snprintf(ver->refusal, sizeof(ver->refusal), "updates by "
			"%.100s and %.100s cannot be told apart (retry)",
			recent->signer, other->signer);
	} else {
		snprintf(ver->refusal, sizeof(ver->refusal),
			"no authorised signer for this update");
	}
	pthread_mutex_unlock(&inst->auth_lock);
}

/* The transaction VER is closed. */
static void
auth_release(kd_instance *inst, const kd_version *ver)
{
	if (!ver->authorised)
		return;
	pthread_mutex_lock(&inst->auth_lock);
	for (size_t i = 0; i < KD_AUTH_SLOTS; i++) {
		kd_auth_slot *slot = &inst->auth[i];
		if (slot->used && slot->open > 0 &&
		    strcmp(slot->zone, ver->zone) == 0 &&
		    strcmp(slot->signer, ver->signer) == 0) {
			slot->open--;
			slot->closed_ms = kd_now_ms();
			break;
		}
	}
	pthread_mutex_unlock(&inst->auth_lock);
}


bool
dlz_ssumatch(const char *signer, const char *name, const char *tcpaddr,
	const char *type, const char *key, uint32_t keydatalen,
	unsigned char *keydata, void *dbdata)
{
	(void)key;
	(void)keydatalen;
	(void)keydata;
	kd_instance *inst = dbdata;
	char plain[REGISTRY_IDENTITY_MAX];
	kd_err err;
	if (grants_signer_unescape(signer ? signer : "", plain, sizeof(plain),
		    &err) != KD_OK) {
		KD_LOG(inst, ISC_LOG_NOTICE, "update of %s %s from %s refused: %s",
			name, type, tcpaddr, err.text);
		return false;
	}
	snapshot *snap = snapshot_acquire(inst);
	const snapshot_zone *sz = snapshot_find_enclosing(snap, name);
	grants_decision decision;
	bool allowed = false;
	char zone[DNAME_BUF_SIZE] = "";
	if (sz == NULL) {
		KD_LOG(inst, ISC_LOG_NOTICE, "update of %s %s from %s refused: "
			"not in a kmsdns zone", name, type, tcpaddr);
	} else {
		snprintf(zone, sizeof(zone), "%s", snapshot_zone_name(sz));
		allowed = grants_decide(snap->grants, snap->grant_count, zone,
			plain, name, type, &decision);
		if (!allowed)
			KD_LOG(inst, ISC_LOG_NOTICE, "zone %s: update of %s %s by "
				"%s from %s refused: %s", zone, name, type,
				plain[0] ? plain : "(unsigned)", tcpaddr,
				decision.reason);
	}
	snapshot_unref(snap);
	if (!allowed) {
		if (zone[0] != '\0')
			auth_drop(inst, zone, plain);
		return false;
	}
	KD_LOG(inst, 2, "zone %s: update of %s %s by %s from %s allowed (%s)",
		zone, name, type, plain, tcpaddr,
		decision.scope == REGISTRY_SCOPE_ANY ? "any" : "self");
	char busy[REGISTRY_IDENTITY_MAX];
	if (!auth_store(inst, zone, plain, &decision, busy, sizeof(busy))) {
		KD_LOG(inst, ISC_LOG_NOTICE, "zone %s: update of %s %s by %s "
			"from %s refused: %s%s%s", zone, name, type, plain,
			tcpaddr, busy[0] ? "an update by " : "too many updates in "
			"progress", busy, busy[0] ? " is in progress (retry)" :
			"");
		return false;
	}
	return true;
}

static void
version_free(kd_version *ver)
{
	if (ver == NULL)
		return;
	zone_image_free(ver->image);
	registry_dataset_free(&ver->data);
	ver->magic = 0;
	free(ver);
}

/* Re-read the transaction's view of the zone (its own writes included). */
static kd_result
version_reload(kd_version *ver, kd_err *err)
{
	registry_dataset_free(&ver->data);
	memset(&ver->data, 0, sizeof(ver->data));
	zone_image_free(ver->image);
	ver->image = NULL;
	ver->dirty = true;
	kd_result res = registry_load(ver->inst->writer, ver->zone, &ver->data,
		err);
	if (res == KD_OK && ver->data.zone_count != 1)
		res = kd_err_set(err, KD_ENOENT, "zone %s does not exist",
			ver->zone);
	return res;
}

static const zone_image *
version_image(kd_version *ver, kd_err *err)
{
	if (!ver->dirty)
		return ver->image;
	if (version_reload(ver, err) != KD_OK)
		return NULL;
	registry_settings settings = effective_settings(ver->inst,
		&ver->data.settings);
	if (zone_image_build(&ver->data.zones[0], ver->data.hosts,
		    ver->data.host_count, ver->data.addresses,
		    ver->data.address_count, &settings, kd_now(), &ver->image,
		    err) != KD_OK)
		return NULL;
	ver->dirty = false;
	return ver->image;
}

/*
 * A KMS host re-publishing an unchanged record never reaches
 * dlz_addrdataset(): BIND skips the add of an existing record. But every
 * UPDATE opens a transaction, so an UPDATE marks fresh here, in the
 * transaction, the registrations of the signer's host (SELF) or those the
 * signer made (ANY); it is committed with the UPDATE (BIND commits a
 * redundant UPDATE too), and a stale registration is served again.
 */
static kd_result
refresh_by_signer(kd_version *ver, kd_err *err)
{
	if (!ver->authorised)
		return KD_OK;
	const bool by_host = ver->decision.scope == REGISTRY_SCOPE_SELF &&
		ver->decision.host[0] != '\0';
	kd_result res = by_host ?
		registry_refresh_target(ver->inst->writer, ver->zone,
			ver->decision.host, ver->signer, kd_now(),
			&ver->refreshed, err) :
		registry_refresh_signer(ver->inst->writer, ver->zone,
			ver->signer, kd_now(), &ver->refreshed, err);
	if (res == KD_OK && ver->refreshed > 0)
		KD_LOG(ver->inst, 1, "zone %s: %zu registrations of %s refreshed "
			"by %s", ver->zone, ver->refreshed, by_host ?
			ver->decision.host : "the signer", ver->signer);
	return res;
}

isc_result_t
dlz_newversion(const char *zone, void *dbdata, void **versionp)
{
	kd_instance *inst = dbdata;
	kd_version *ver = calloc(1, sizeof(*ver));
	if (ver == NULL)
		return ISC_R_NOMEMORY;
	ver->magic = KD_VERSION_MAGIC;
	ver->inst = inst;
	ver->dirty = true;
	snprintf(ver->zone, sizeof(ver->zone), "%s", zone);
	ver->started_ms = kd_now_ms();
	auth_take(inst, ver);
	KD_LOG(inst, 2, "zone %s: transaction of %s started", zone,
		ver->authorised ? ver->signer : "(nobody)");

	kd_err err;
	writer_acquire(inst);
	kd_result res = registry_begin(inst->writer, &err);
	if (res == KD_OK)
		res = refresh_by_signer(ver, &err);
	if (res == KD_OK && version_image(ver, &err) == NULL)
		res = KD_ESTORE;
	if (res != KD_OK) {
		registry_rollback(inst->writer);
		writer_release(inst);
		auth_release(inst, ver);
		KD_LOG(inst, ISC_LOG_ERROR, "zone %s: cannot start an update: %s",
			zone, err.text);
		version_free(ver);
		return ISC_R_FAILURE;
	}
	*versionp = ver;
	return ISC_R_SUCCESS;
}

void
dlz_closeversion(const char *zone, bool commit, void *dbdata, void **versionp)
{
	kd_instance *inst = dbdata;
	kd_version *ver = *versionp;
	*versionp = NULL;
	if (ver == NULL || ver->magic != KD_VERSION_MAGIC)
		return;
	bool committed = false;
	kd_err err;
	snapshot *snap = snapshot_acquire(inst);
	const snapshot_zone *before = snapshot_find(snap, zone);
	const uint32_t old_serial = before != NULL ? before->serial : 0;
	snapshot_unref(snap);
	if (commit && (ver->changes > 0 || ver->refreshed > 0)) {
		if (registry_commit(inst->writer, &err) == KD_OK) {
			committed = true;
			ver->committed_changes += ver->changes;
		} else {
			KD_LOG(inst, ISC_LOG_CRITICAL, "zone %s: COMMIT FAILED, "
				"the update by %s is lost: %s", zone, ver->signer,
				err.text);
		}
	} else {
		registry_rollback(inst->writer);
	}
	writer_release(inst);
	auth_release(inst, ver);
	if (ver->committed_changes > 0 || ver->committed_refreshes > 0)
		committed = true;
	if (committed) {
		if (ver->committed_changes > 0)
			KD_LOG(inst, ISC_LOG_INFO, "zone %s: update by %s "
				"committed (%zu changes)", zone, ver->signer,
				ver->committed_changes);
		rebuild_committed_zone(inst, zone);
		snap = snapshot_acquire(inst);
		const snapshot_zone *after = snapshot_find(snap, zone);
		if (after != NULL && after->serial != old_serial)
			notify_enqueue(inst, zone);
		snapshot_unref(snap);
	}
	version_free(ver);
}

static bool
pending_take(kd_version *ver, const srv_record *srv)
{
	for (size_t i = 0; i < ver->pending_count; i++) {
		const srv_record *p = &ver->pending[i];
		if (p->priority == srv->priority && p->weight == srv->weight &&
		    p->port == srv->port && strcmp(p->target, srv->target) == 0) {
			ver->pending[i] = ver->pending[--ver->pending_count];
			return true;
		}
	}
	return false;
}

/* The site of an existing registration of TARGET in the transaction. */
static const char *
existing_site(const kd_version *ver, const char *target)
{
	for (size_t i = 0; i < ver->data.host_count; i++)
		if (strcmp(ver->data.hosts[i].srv.target, target) == 0)
			return ver->data.hosts[i].site;
	return "";
}

static kd_result
apply_add(kd_version *ver, const rdata_record *rec, kd_err *err)
{
	registry *w = ver->inst->writer;
	if (rec->type == RDATA_TYPE_SRV) {
		registry_host host;
		memset(&host, 0, sizeof(host));
		snprintf(host.zone, sizeof(host.zone), "%s", ver->zone);
		host.srv = rec->data.srv;
		host.srv.ttl = rec->ttl;
		snprintf(host.site, sizeof(host.site), "%s",
			existing_site(ver, rec->data.srv.target));
		host.origin = REGISTRY_ORIGIN_UPDATE;
		snprintf(host.signer, sizeof(host.signer), "%s", ver->signer);
		return registry_put_host(w, &host, false, kd_now(), err);
	}
	registry_address addr;
	memset(&addr, 0, sizeof(addr));
	snprintf(addr.zone, sizeof(addr.zone), "%s", ver->zone);
	snprintf(addr.name, sizeof(addr.name), "%s", rec->owner);
	snprintf(addr.address, sizeof(addr.address), "%s", rec->data.address);
	addr.ttl = rec->ttl;
	addr.origin = REGISTRY_ORIGIN_UPDATE;
	snprintf(addr.signer, sizeof(addr.signer), "%s", ver->signer);
	return registry_put_address(w, &addr, kd_now(), err);
}

static kd_result
apply_sub(kd_version *ver, const rdata_record *rec, kd_err *err)
{
	registry *w = ver->inst->writer;
	kd_result res = rec->type == RDATA_TYPE_SRV ?
		registry_remove_srv(w, ver->zone, &rec->data.srv, err) :
		registry_remove_address(w, ver->zone, rec->owner,
			rec->data.address, err);
	/* BIND only subtracts what dlz_lookup() showed; gone already is fine. */
	return res == KD_ENOENT ? KD_OK : res;
}

/*
 * BIND bumps the SOA serial after every change of an UPDATE, and with the
 * record types the grants allow nothing of BIND's can fail after that. So
 * the transaction is committed here: a commit that fails (disk full, I/O
 * error) fails the UPDATE, and BIND answers SERVFAIL, where a failure in
 * dlz_closeversion() could not be reported and the client would be told
 * NOERROR. Later calls of the UPDATE, if any, get a new transaction.
 */
static isc_result_t
commit_at_serial(kd_version *ver)
{
	kd_instance *inst = ver->inst;
	kd_err err;
	if (ver->changes == 0 && ver->refreshed == 0)
		return ISC_R_SUCCESS;
	if (registry_commit(inst->writer, &err) != KD_OK) {
		KD_LOG(inst, ISC_LOG_CRITICAL, "zone %s: the update by %s cannot "
			"be stored, refused: %s", ver->zone, ver->signer, err.text);
		ver->changes = 0;
		ver->refreshed = 0;
		if (registry_begin(inst->writer, &err) != KD_OK)
			KD_LOG(inst, ISC_LOG_ERROR, "zone %s: %s", ver->zone,
				err.text);
		return ISC_R_FAILURE;
	}
	ver->committed_changes += ver->changes;
	ver->committed_refreshes += ver->refreshed;
	ver->changes = 0;
	ver->refreshed = 0;
	if (registry_begin(inst->writer, &err) != KD_OK) {
		KD_LOG(inst, ISC_LOG_ERROR, "zone %s: %s", ver->zone, err.text);
		return ISC_R_FAILURE;
	}
	return ISC_R_SUCCESS;
}

/*
 * Check one change of an UPDATE and apply it. A SELF signer adding a record
 * to an RRset with another TTL makes BIND subtract and re-add every record
 * of the RRset, other hosts' included: such a foreign subtraction is held
 * back and forgiven when the same record is re-added; one still held when
 * BIND bumps the SOA serial refuses the whole UPDATE. Refusals return
 * DNS_R_REFUSED, which BIND answers as REFUSED (anything else: SERVFAIL).
 */
static isc_result_t
change_record(kd_instance *inst, void *version, const char *rdatastr,
	bool add)
{
	kd_version *ver = version;
	const char *verb = add ? "add" : "delete";
	if (ver == NULL || ver->magic != KD_VERSION_MAGIC)
		return ISC_R_FAILURE;
	rdata_record rec;
	kd_err err;
	if (rdata_parse(rdatastr, &rec, &err) != KD_OK) {
		KD_LOG(inst, ISC_LOG_ERROR, "zone %s: %s refused: %s", ver->zone,
			verb, err.text);
		return ISC_R_FAILURE;
	}
	if (rec.type == RDATA_TYPE_SOA && strcmp(rec.owner, ver->zone) == 0) {
		if (!add)
			return ISC_R_SUCCESS;
		if (ver->pending_count > 0) {
			char rdata[ZONE_SRV_RDATA_MAX];
			srv_format_rdata(&ver->pending[0], rdata, sizeof(rdata));
			KD_LOG(inst, ISC_LOG_NOTICE, "zone %s: update by %s refused: "
				"it deletes SRV %s, which targets another host",
				ver->zone, ver->signer, rdata);
			return DNS_R_REFUSED;
		}
		if (registry_set_serial(inst->writer, ver->zone,
			    rec.data.soa.serial, &err) != KD_OK) {
			KD_LOG(inst, ISC_LOG_ERROR, "zone %s: %s", ver->zone,
				err.text);
			return ISC_R_FAILURE;
		}
		ver->dirty = true;
		return commit_at_serial(ver);
	}
	if (!ver->authorised) {
		KD_LOG(inst, ISC_LOG_NOTICE, "zone %s: %s of %s refused: %s",
			ver->zone, verb, rec.owner, ver->refusal);
		return DNS_R_REFUSED;
	}
	if (grants_check_record(&ver->decision, ver->zone, &rec, &err) != KD_OK) {
		bool foreign_srv = rec.type == RDATA_TYPE_SRV &&
			ver->decision.scope == REGISTRY_SCOPE_SELF;
		if (foreign_srv && !add && ver->pending_count < KD_PENDING_MAX) {
			ver->pending[ver->pending_count++] = rec.data.srv;
			return ISC_R_SUCCESS;
		}
		if (foreign_srv && add && pending_take(ver, &rec.data.srv))
			return ISC_R_SUCCESS;
		KD_LOG(inst, ISC_LOG_NOTICE, "zone %s: %s of %s %s by %s refused: "
			"%s", ver->zone, verb, rec.owner, rec.type_text,
			ver->signer, err.text);
		return DNS_R_REFUSED;
	}
	kd_result res = add ? apply_add(ver, &rec, &err) :
		apply_sub(ver, &rec, &err);
	if (res != KD_OK) {
		KD_LOG(inst, ISC_LOG_ERROR, "zone %s: %s of %s failed: %s",
			ver->zone, verb, rec.owner, err.text);
		return res == KD_EINVAL || res == KD_ENOENT ? DNS_R_REFUSED :
			ISC_R_FAILURE;
	}
	ver->changes++;
	ver->dirty = true;
	char value[ZONE_SRV_RDATA_MAX];
	if (rec.type != RDATA_TYPE_SRV ||
	    srv_format_rdata(&rec.data.srv, value, sizeof(value)) != KD_OK)
		snprintf(value, sizeof(value), "%s", rec.data.address);
	KD_LOG(inst, ISC_LOG_INFO, "zone %s: %s %s %u %s %s (signer %s)",
		ver->zone, add ? "added" : "deleted", rec.owner, rec.ttl,
		rec.type_text, value, ver->signer);
	return ISC_R_SUCCESS;
}

isc_result_t
dlz_addrdataset(const char *name, const char *rdatastr, void *dbdata,
	void *version)
{
	(void)name;
	return change_record(dbdata, version, rdatastr, true);
}

isc_result_t
dlz_subrdataset(const char *name, const char *rdatastr, void *dbdata,
	void *version)
{
	(void)name;
	return change_record(dbdata, version, rdatastr, false);
}
