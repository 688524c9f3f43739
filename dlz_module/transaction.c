/*
 * transaction.c -- UPDATE transactions: versions, the changes they apply
 * and their commit.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isc/log.h>
#include <isc/result.h>

#include "grants.h"
#include "instance.h"
#include "maintenance.h"
#include "rdata.h"
#include "refresh.h"
#include "registry.h"
#include "snapshot.h"
#include "transaction.h"
#include "update_auth.h"
#include "watch.h"
#include "zonedata.h"

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

const zone_image *
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
	kd_result res = watch_writer_ready(inst, &err);
	if (res == KD_OK)
		res = registry_begin(inst->writer, &err);
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
		if (watch_before_commit(inst, &err) == KD_OK &&
		    registry_commit(inst->writer, &err) == KD_OK) {
			committed = true;
			ver->committed_changes += ver->changes;
		} else {
			registry_rollback(inst->writer);
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
	if (watch_before_commit(inst, &err) != KD_OK ||
	    registry_commit(inst->writer, &err) != KD_OK) {
		registry_rollback(inst->writer);
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
 * Record the applied change REC (VALUE its rdata) in the registry's audit
 * table, in the UPDATE's transaction: kept exactly when the change is.
 */
static kd_result
audit_record(const kd_version *ver, const rdata_record *rec, bool add,
	const char *value, kd_err *err)
{
	char text[ZONE_SRV_RDATA_MAX + 32];
	snprintf(text, sizeof(text), "%u %s %s", rec->ttl, rec->type_text,
		value);
	const registry_audit_entry entry = {
		.time = kd_now(), .user = ver->signer,
		.command = add ? "update add" : "update delete",
		.zone = ver->zone, .object = rec->owner,
		.old_value = add ? "" : text, .new_value = add ? text : "",
	};
	return registry_audit_add(ver->inst->writer, &entry, err);
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
	char value[ZONE_SRV_RDATA_MAX];
	if (rec.type != RDATA_TYPE_SRV ||
	    srv_format_rdata(&rec.data.srv, value, sizeof(value)) != KD_OK)
		snprintf(value, sizeof(value), "%s", rec.data.address);
	if (res == KD_OK)
		res = audit_record(ver, &rec, add, value, &err);
	if (res != KD_OK) {
		KD_LOG(inst, ISC_LOG_ERROR, "zone %s: %s of %s failed: %s",
			ver->zone, verb, rec.owner, err.text);
		return res == KD_EINVAL || res == KD_ENOENT ? DNS_R_REFUSED :
			ISC_R_FAILURE;
	}
	ver->changes++;
	ver->dirty = true;
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
