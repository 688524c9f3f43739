/*
 * dlz_kmsdns.c -- the BIND 9 DLZ ("dlopen") entry points of kmsdns.
 *
 * Serves the zones of a kmsdns registry (see registry.h) from an in-memory
 * snapshot (snapshot.h), so lookups run concurrently and never wait for
 * SQLite. A maintenance thread polls the registry for changes made by
 * kmsdns-registry, ages registrations out and sends NOTIFY (maintenance.h,
 * refresh.h). Dynamic updates are authorised by the registry's grants
 * (grants.h, update_auth.h) and written to SQLite in one transaction per
 * UPDATE (newversion ... closeversion, transaction.h). This file creates
 * and destroys instances (instance.h) and answers queries and transfers.
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

#include <dns/clientinfo.h>
#include <dns/dlz_dlopen.h>
#include <isc/log.h>
#include <isc/result.h>
#include <isc/sockaddr.h>

#include "instance.h"
#include "maintenance.h"
#include "module_args.h"
#include "sites.h"
#include "snapshot.h"
#include "transaction.h"
#include "zonedata.h"

/* Exported entry points: their prototypes come from dlz_dlopen.h types. */
dlz_dlopen_version_t dlz_version;
dlz_dlopen_create_t dlz_create;
dlz_dlopen_destroy_t dlz_destroy;
dlz_dlopen_findzonedb_t dlz_findzonedb;
dlz_dlopen_lookup_t dlz_lookup;
dlz_dlopen_allowzonexfr_t dlz_allowzonexfr;
dlz_dlopen_allnodes_t dlz_allnodes;
dlz_dlopen_configure_t dlz_configure;

/* ---- create and destroy ----------------------------------------------- */

/* Take the callbacks BIND passes as (name, function) pairs. */
static void
take_callbacks(kd_instance *inst, va_list ap)
{
	const char *name;
	while ((name = va_arg(ap, const char *)) != NULL) {
		void *fn = va_arg(ap, void *);
		if (strcmp(name, "log") == 0) {
			inst->log = (kd_log_fn *)fn;
		} else if (strcmp(name, "putrr") == 0) {
			inst->putrr = (dns_sdlz_putrr_t *)fn;
		} else if (strcmp(name, "putnamedrr") == 0) {
			inst->putnamedrr = (dns_sdlz_putnamedrr_t *)fn;
		} else if (strcmp(name, "writeable_zone") == 0) {
			inst->writeable_zone = (dns_dlz_writeablezone_t *)fn;
		}
	}
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
	if (inst == NULL) {
		return ISC_R_NOMEMORY;
	}
	va_list ap;
	va_start(ap, dbdata);
	take_callbacks(inst, ap);
	va_end(ap);

	kd_err err;
	kd_err_clear(&err);
	kd_result res = module_args_parse(argc, argv, &inst->args, &err);
	if (res == KD_OK) {
		res = instance_open(inst, &err);
	}
	if (res == KD_OK) {
		inst->last_age_ms = INT64_MIN / 2; /* age at the first poll */
		if (pthread_create(&inst->maint, NULL, maintenance_main,
		    inst) != 0) {
			res = kd_err_set(&err, KD_ENOMEM,
				"cannot start the maintenance thread");
		} else {
			inst->maint_started = true;
		}
	}
	if (res != KD_OK) {
		/* module_args errors already start with "dlz_kmsdns: ". */
		if (inst->log != NULL) {
			inst->log(ISC_LOG_ERROR, "%s%s",
				strncmp(err.text, "dlz_kmsdns: ", 12) == 0 ? "" :
				"dlz_kmsdns: ", err.text);
		}
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
	    DNS_CLIENTINFOMETHODS_VERSION > methods->version) {
		return NULL;
	}
	isc_sockaddr_t *src = NULL;
	if (methods->sourceip(clientinfo, &src) != ISC_R_SUCCESS ||
	    src == NULL) {
		return NULL;
	}
	sites_address address;
	if (sites_address_from_sockaddr(&src->type.sa, &address, NULL) !=
	    KD_OK) {
		return NULL;
	}
	return sites_table_lookup(snap->sites, &address);
}

/* True when some record of NODE belongs to a site. */
static bool
node_has_site(const zone_node *node)
{
	for (size_t i = 0; i < node->rr_count; i++) {
		if (node->rrs[i].site != NULL && node->rrs[i].site[0] != '\0') {
			return true;
		}
	}
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
	    clientinfo->dbversion == NULL) {
		return NULL;
	}
	kd_version *ver = clientinfo->dbversion;
	if (ver->magic != KD_VERSION_MAGIC || ver->inst != inst ||
	    strcmp(ver->zone, zone) != 0) {
		return NULL;
	}
	return ver;
}

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
		put_ctx ctx = { .inst = inst, .lookup = lookup,
			.result = ISC_R_SUCCESS };
		kd_result res = version_lookup(ver, name, put_rr, &ctx);
		if (res == KD_ENOENT) {
			return ISC_R_NOTFOUND;
		}
		return res == KD_OK ? ISC_R_SUCCESS : ctx.result !=
			ISC_R_SUCCESS ? ctx.result : ISC_R_FAILURE;
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
		if (sites_acl_check(sz->peers.allow_transfer,
			    sz->peers.allow_transfer_count, client, &allowed,
			    &err) != KD_OK) {
			KD_LOG(inst, ISC_LOG_ERROR, "zone %s: transfer check: %s",
				name, err.text);
		}
		if (!allowed) {
			KD_LOG(inst, ISC_LOG_NOTICE, "zone %s: transfer to %s "
				"refused (not in the zone's allow-transfer list)",
				name, client);
		}
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

/*
 * Make every zone of the snapshot writeable in BIND's new VIEW. A zone that
 * BIND refuses (named.conf declares it too, or any other reason) is left
 * out with one log line and the others go on: failing here would fail the
 * whole (re)configuration, and named neither starts nor frees this
 * instance. named.conf's zone wins for queries of such a zone.
 */
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
	size_t writeable = 0, zones = 0;
	for (size_t i = 0; i < snap->zone_count; i++) {
		if (snap->zones[i]->is_catalog) {
			continue; /* served read-only: UPDATEs get NOTAUTH */
		}
		zones++;
		const char *name = snapshot_zone_name(snap->zones[i]);
		isc_result_t result = inst->writeable_zone(view, dlzdb, name);
		if (result == ISC_R_SUCCESS) {
			writeable++;
		} else if (result == ISC_R_EXISTS) {
			KD_LOG(inst, ISC_LOG_WARNING, "zone %s: named.conf "
				"declares it too: left to named.conf (the module "
				"neither serves nor updates it); remove it from "
				"named.conf or from the registry", name);
		} else {
			KD_LOG(inst, ISC_LOG_ERROR, "zone %s: cannot be made "
				"writeable: %s (served, but updates to it are "
				"refused)", name, isc_result_totext(result));
		}
	}
	KD_LOG(inst, ISC_LOG_INFO, "%zu of %zu zones accept dynamic updates",
		writeable, zones);
	snapshot_unref(snap);
	return ISC_R_SUCCESS;
}
