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

#include "dname.h"
#include "grants.h"
#include "instance.h"
#include "maintenance.h"
#include "rdata.h"
#include "refresh.h"
#include "registry.h"
#include "snapshot.h"
#include "transaction.h"
#include "txn_tag.h"
#include "update_auth.h"
#include "update_limits.h"
#include "version_view.h"
#include "watch.h"
#include "zonedata.h"

static void
version_free(kd_version *ver)
{
	if (ver == NULL) {
		return;
	}
	version_view_free(&ver->view);
	registry_dataset_free(&ver->data);
	ver->magic = 0;
	free(ver);
}

/* Load the zone as the transaction starts and build its view. */
static kd_result
version_load(kd_version *ver, kd_err *err)
{
	zone_image *image = NULL;
	kd_result res = zone_image_load(ver->inst->writer, ver->zone,
		&ver->inst->args, kd_now(), &ver->data, &image, err);
	if (res == KD_OK) {
		ver->limits = ver->data.settings.limits;
		version_view_init(&ver->view, image, ver->zone);
	}
	return res;
}

kd_result
version_lookup(const kd_version *ver, const char *relname, zone_rr_fn fn,
	void *ctx)
{
	return version_view_emit(&ver->view, relname, fn, ctx);
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
	if (!ver->authorised) {
		return KD_OK;
	}
	const bool by_host = ver->decision.scope == REGISTRY_SCOPE_SELF &&
		ver->decision.host[0] != '\0';
	kd_result res = by_host ?
		registry_refresh_target(ver->inst->writer, ver->zone,
			ver->decision.host, ver->signer, kd_now(),
			&ver->refreshed, err) :
		registry_refresh_signer(ver->inst->writer, ver->zone,
			ver->signer, kd_now(), &ver->refreshed, err);
	if (res == KD_OK && ver->refreshed > 0) {
		KD_LOG(ver->inst, 1, "zone %s: %zu registrations of %s refreshed "
			"by %s", ver->zone, ver->refreshed, by_host ?
			ver->decision.host : "the signer", ver->signer);
	}
	return res;
}

/*
 * Tie VER to its signer at its first change (an add when ADD), or at its
 * close when it has none: by its transaction tag TAG_OWNER when not NULL,
 * else by the plain hold of its zone; then refresh the signer's registrations. Leaves
 * VER->authorised false with VER->refusal set when it cannot be tied.
 */
static isc_result_t
version_attribute(kd_version *ver, const char *tag_owner, bool add)
{
	kd_err err;
	ver->attributed = true;
	if (tag_owner != NULL) {
		if (auth_take_tag(ver->inst, ver, tag_owner, &err) != KD_OK) {
			snprintf(ver->refusal, sizeof(ver->refusal), "%.*s",
				(int)sizeof(ver->refusal) - 1, err.text);
		}
	} else {
		auth_take_plain(ver->inst, ver, add);
	}
	if (!ver->authorised) {
		return ISC_R_SUCCESS;
	}
	KD_LOG(ver->inst, 2, "zone %s: transaction of %s (%s)", ver->zone,
		ver->signer, ver->tagged ? "tagged" : "plain");
	if (refresh_by_signer(ver, &err) != KD_OK) {
		KD_LOG(ver->inst, ISC_LOG_ERROR, "zone %s: %s", ver->zone,
			err.text);
		return ISC_R_FAILURE;
	}
	return ISC_R_SUCCESS;
}

isc_result_t
dlz_newversion(const char *zone, void *dbdata, void **versionp)
{
	kd_instance *inst = dbdata;
	kd_version *ver = calloc(1, sizeof(*ver));
	if (ver == NULL) {
		return ISC_R_NOMEMORY;
	}
	ver->magic = KD_VERSION_MAGIC;
	ver->inst = inst;
	snprintf(ver->zone, sizeof(ver->zone), "%s", zone);
	version_view_init(&ver->view, NULL, zone);

	kd_err err;
	writer_acquire(inst);
	kd_result res = watch_writer_ready(inst, &err);
	if (res == KD_OK) {
		res = registry_begin(inst->writer, &err);
	}
	if (res == KD_OK) {
		res = version_load(ver, &err);
	}
	if (res != KD_OK) {
		registry_rollback(inst->writer);
		writer_release(inst);
		KD_LOG(inst, ISC_LOG_ERROR, "zone %s: cannot start an update: %s",
			zone, err.text);
		version_free(ver);
		return ISC_R_FAILURE;
	}
	auth_zone_activity(inst, ver);
	KD_LOG(inst, 2, "zone %s: transaction started", zone);
	*versionp = ver;
	return ISC_R_SUCCESS;
}

static kd_result deferred_flush(kd_version *ver, kd_err *err);

void
dlz_closeversion(const char *zone, bool commit, void *dbdata, void **versionp)
{
	kd_instance *inst = dbdata;
	kd_version *ver = *versionp;
	*versionp = NULL;
	if (ver == NULL || ver->magic != KD_VERSION_MAGIC) {
		return;
	}
	bool committed = false;
	kd_err err;
	if (commit && !ver->attributed &&
	    version_attribute(ver, NULL, false) != ISC_R_SUCCESS) {
		commit = false;
	}
	snapshot *snap = snapshot_acquire(inst);
	const snapshot_zone *before = snapshot_find(snap, zone);
	const uint32_t old_serial = before != NULL ? before->serial : 0;
	snapshot_unref(snap);
	if (commit && (ver->changes > 0 || ver->refreshed > 0)) {
		if (deferred_flush(ver, &err) == KD_OK &&
		    watch_before_commit(inst, &err) == KD_OK &&
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
	auth_zone_activity(inst, ver);
	auth_release(inst, ver);
	if (ver->committed_changes > 0 || ver->committed_refreshes > 0) {
		committed = true;
	}
	if (committed) {
		if (ver->committed_changes > 0) {
			KD_LOG(inst, ISC_LOG_INFO, "zone %s: update by %s "
				"committed (%zu changes)", zone, ver->signer,
				ver->committed_changes);
		}
		rebuild_committed_zone(inst, zone);
		snap = snapshot_acquire(inst);
		const snapshot_zone *after = snapshot_find(snap, zone);
		if (after != NULL && after->serial != old_serial) {
			notify_enqueue(inst, zone);
		}
		snapshot_unref(snap);
	}
	version_free(ver);
}

/* The site of an existing registration of TARGET in the transaction. */
static const char *
existing_site(const kd_version *ver, const char *target)
{
	for (size_t i = 0; i < ver->data.host_count; i++) {
		if (strcmp(ver->data.hosts[i].srv.target, target) == 0) {
			return ver->data.hosts[i].site;
		}
	}
	return "";
}

/*
 * A SELF signer holds one SRV record per zone: its add of REC removes the
 * other SRV records of its host first (registry and view).
 */
static kd_result
replace_self_srv(kd_version *ver, const rdata_record *rec, kd_err *err)
{
	srv_record old[8];
	size_t n;
	while ((n = update_limits_self_srv(&ver->view, ver->decision.host,
		    &rec->data.srv, old, 8)) > 0) {
		for (size_t i = 0; i < n && i < 8; i++) {
			char rdata[ZONE_SRV_RDATA_MAX], text[ZONE_SRV_RDATA_MAX * 2];
			kd_result res = registry_remove_srv(ver->inst->writer,
				ver->zone, &old[i], err);
			if (res != KD_OK && res != KD_ENOENT) {
				return res;
			}
			srv_format_rdata(&old[i], rdata, sizeof(rdata));
			snprintf(text, sizeof(text), "_vlmcs._tcp.%s.\t0\tIN\tSRV\t%s",
				ver->zone, rdata);
			res = version_view_apply(&ver->view, text, false, err);
			if (res != KD_OK) {
				return res;
			}
			ver->changes++;
			KD_LOG(ver->inst, ISC_LOG_INFO, "zone %s: replaced SRV %s "
				"(signer %s holds one SRV record)", ver->zone, rdata,
				ver->signer);
		}
	}
	return KD_OK;
}

/* What apply_add() or apply_sub() did with a record, for the log. */
typedef enum applied {
	APPLIED_ADDED,
	APPLIED_DELETED,
	APPLIED_DEFERRED,  /* delete held back until the commit */
	APPLIED_REFRESHED, /* re-added own record: refreshed */
	APPLIED_TTL_SET,   /* re-added record of another kind: TTL only */
} applied;

/* SRV rdata equal, the targets compared as names (trailing dot or not). */
static bool
same_srv(const srv_record *a, const srv_record *b)
{
	return a->priority == b->priority && a->weight == b->weight &&
		a->port == b->port && dname_equal(a->target, b->target);
}

static bool
same_record(const rdata_record *a, const rdata_record *b)
{
	if (a->type != b->type) {
		return false;
	}
	if (a->type == RDATA_TYPE_SRV) {
		return same_srv(&a->data.srv, &b->data.srv);
	}
	return dname_equal(a->owner, b->owner) &&
		strcmp(a->data.address, b->data.address) == 0;
}

/*
 * Take REC out of the COUNT records LIST holds (the pending or the deferred
 * ones of a transaction); false when not there.
 */
static bool
record_take(rdata_record *list, size_t *count, const rdata_record *rec)
{
	for (size_t i = 0; i < *count; i++) {
		if (same_record(&list[i], rec)) {
			list[i] = list[--*count];
			return true;
		}
	}
	return false;
}

/*
 * Whether the registration of REC at the start of the transaction is an
 * update-origin one of the signer of VER. Sets *STATIC_ORIGIN when it is
 * static and *SIGNER to its signer ("" when unknown).
 */
static bool
own_record(const kd_version *ver, const rdata_record *rec,
	bool *static_origin, const char **signer)
{
	registry_origin origin = REGISTRY_ORIGIN_STATIC;
	*signer = "";
	bool found = false;
	if (rec->type == RDATA_TYPE_SRV) {
		for (size_t i = 0; !found && i < ver->data.host_count; i++) {
			const registry_host *h = &ver->data.hosts[i];
			if (same_srv(&h->srv, &rec->data.srv)) {
				found = true;
				origin = h->origin;
				*signer = h->signer;
			}
		}
	} else {
		for (size_t i = 0; !found && i < ver->data.address_count; i++) {
			const registry_address *a = &ver->data.addresses[i];
			if (dname_equal(a->name, rec->owner) &&
			    strcmp(a->address, rec->data.address) == 0) {
				found = true;
				origin = a->origin;
				*signer = a->signer;
			}
		}
	}
	*static_origin = found && origin == REGISTRY_ORIGIN_STATIC;
	return found && origin == REGISTRY_ORIGIN_UPDATE &&
		strcmp(*signer, ver->signer) == 0;
}

/* Delete REC from the registry at once; gone already is fine. */
static kd_result
delete_record(kd_version *ver, const rdata_record *rec, kd_err *err)
{
	registry *w = ver->inst->writer;
	kd_result res = rec->type == RDATA_TYPE_SRV ?
		registry_remove_srv(w, ver->zone, &rec->data.srv, err) :
		registry_remove_address(w, ver->zone, rec->owner,
			rec->data.address, err);
	/* BIND only subtracts what dlz_lookup() showed; gone already is fine. */
	return res == KD_ENOENT ? KD_OK : res;
}

static kd_result
apply_add(kd_version *ver, const rdata_record *rec, applied *done,
	kd_err *err)
{
	registry *w = ver->inst->writer;
	*done = APPLIED_ADDED;
	if (record_take(ver->deferred, &ver->deferred_count, rec)) {
		/* BIND's TTL rewrite: the row is still there; keep what it is. */
		bool static_origin;
		const char *signer;
		if (!own_record(ver, rec, &static_origin, &signer)) {
			kd_result res;
			*done = APPLIED_TTL_SET;
			res = rec->type == RDATA_TYPE_SRV ?
				registry_set_host_ttl(w, ver->zone,
					&rec->data.srv, rec->ttl, err) :
				registry_set_address_ttl(w, ver->zone,
					rec->owner, rec->data.address, rec->ttl,
					err);
			if (res != KD_ENOENT) {
				return res;
			}
			*done = APPLIED_ADDED; /* gone meanwhile: add it */
		} else {
			*done = APPLIED_REFRESHED;
		}
	}
	if (rec->type == RDATA_TYPE_SRV &&
	    ver->decision.scope == REGISTRY_SCOPE_SELF) {
		kd_result res = replace_self_srv(ver, rec, err);
		if (res != KD_OK) {
			return res;
		}
	}
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

/*
 * The delete is held back (the view shows it at once): BIND rewrites an
 * RRset whose TTL changes as a delete and an add of every record, and the
 * add keeps the row. With the list full, the row is deleted at once.
 */
static kd_result
apply_sub(kd_version *ver, const rdata_record *rec, applied *done,
	kd_err *err)
{
	if (ver->deferred_count < KD_DEFERRED_MAX) {
		ver->deferred[ver->deferred_count++] = *rec;
		*done = APPLIED_DEFERRED;
		return KD_OK;
	}
	*done = APPLIED_DELETED;
	return delete_record(ver, rec, err);
}

/* Log the change REC of VER: WHAT was done, and what was KEPT if any. */
static void
log_change(const kd_version *ver, const rdata_record *rec, applied done)
{
	char value[ZONE_SRV_RDATA_MAX];
	if (rec->type != RDATA_TYPE_SRV ||
	    srv_format_rdata(&rec->data.srv, value, sizeof(value)) != KD_OK) {
		snprintf(value, sizeof(value), "%s", rec->data.address);
	}
	if (done == APPLIED_TTL_SET) {
		bool static_origin;
		const char *signer;
		(void)own_record(ver, rec, &static_origin, &signer);
		KD_LOG(ver->inst, ISC_LOG_INFO, "zone %s: ttl of %s %s %s set "
			"to %u by %s (%s%s kept)", ver->zone, rec->owner,
			rec->type_text, value, rec->ttl, ver->signer,
			static_origin ? "origin static" :
			signer[0] != '\0' ? "signer " : "registration",
			static_origin ? "" : signer);
		return;
	}
	KD_LOG(ver->inst, ISC_LOG_INFO, "zone %s: %s %s %u %s %s (signer %s%s)",
		ver->zone, done == APPLIED_ADDED ? "added" :
		done == APPLIED_REFRESHED ? "refreshed" : "deleted", rec->owner,
		rec->ttl, rec->type_text, value, ver->signer,
		ver->tagged ? ", tagged" : "");
}

/* Delete the records BIND subtracted and did not add back. */
static kd_result
deferred_flush(kd_version *ver, kd_err *err)
{
	while (ver->deferred_count > 0) {
		const rdata_record *rec = &ver->deferred[ver->deferred_count - 1];
		kd_result res = delete_record(ver, rec, err);
		if (res != KD_OK) {
			return res;
		}
		log_change(ver, rec, APPLIED_DELETED);
		ver->deferred_count--;
	}
	return KD_OK;
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
	if (ver->changes == 0 && ver->refreshed == 0) {
		return ISC_R_SUCCESS;
	}
	if (deferred_flush(ver, &err) != KD_OK ||
	    watch_before_commit(inst, &err) != KD_OK ||
	    registry_commit(inst->writer, &err) != KD_OK) {
		registry_rollback(inst->writer);
		KD_LOG(inst, ISC_LOG_CRITICAL, "zone %s: the update by %s cannot "
			"be stored, refused: %s", ver->zone, ver->signer, err.text);
		ver->changes = 0;
		ver->refreshed = 0;
		ver->deferred_count = 0;
		if (registry_begin(inst->writer, &err) != KD_OK) {
			KD_LOG(inst, ISC_LOG_ERROR, "zone %s: %s", ver->zone,
				err.text);
		}
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
 * A transaction tag REC of the transaction VER (txn_tag.h). The first
 * change of a tagged UPDATE is its opening tag: it names the signer. A
 * later tag (the closing one) must name the same signer; a tag naming
 * another signer than the one a plain transaction was tied to shows that
 * tie was wrong, and refuses the UPDATE. Tags are never stored or shown.
 */
static isc_result_t
change_tag(kd_version *ver, const rdata_record *rec, bool add)
{
	kd_instance *inst = ver->inst;
	char identity[REGISTRY_IDENTITY_MAX], canon[REGISTRY_IDENTITY_MAX];
	bool closing = false;
	kd_err err;
	if (!add) {
		KD_LOG(inst, ISC_LOG_NOTICE, "zone %s: delete of the transaction "
			"tag %s refused", ver->zone, rec->owner);
		return DNS_R_REFUSED;
	}
	if (!ver->attributed) {
		if (version_attribute(ver, rec->owner, true) != ISC_R_SUCCESS) {
			return ISC_R_FAILURE;
		}
		if (!ver->authorised) {
			KD_LOG(inst, ISC_LOG_NOTICE, "zone %s: update refused: %s",
				ver->zone, ver->refusal);
			return DNS_R_REFUSED;
		}
		return ISC_R_SUCCESS;
	}
	if (txn_tag_parse(rec->owner, ver->zone, identity, sizeof(identity),
		    &closing, &err) != KD_OK ||
	    txn_tag_canonical(ver->signer, canon, sizeof(canon), &err) !=
		    KD_OK) {
		KD_LOG(inst, ISC_LOG_NOTICE, "zone %s: update refused: %s",
			ver->zone, err.text);
		return DNS_R_REFUSED;
	}
	if (strcmp(identity, canon) != 0) {
		KD_LOG(inst, ISC_LOG_NOTICE, "zone %s: update refused: its "
			"transaction tag names %s, but the transaction was tied "
			"to %s", ver->zone, identity, ver->signer);
		return DNS_R_REFUSED;
	}
	return ISC_R_SUCCESS;
}

/* The SOA of the zone changes: BIND bumps the serial after the changes. */
static isc_result_t
change_soa(kd_version *ver, const rdata_record *rec, const char *rdatastr,
	bool add)
{
	kd_instance *inst = ver->inst;
	kd_err err;
	if (!add) {
		return ISC_R_SUCCESS;
	}
	if (ver->pending_count > 0) {
		char rdata[ZONE_SRV_RDATA_MAX];
		srv_format_rdata(&ver->pending[0].data.srv, rdata,
			sizeof(rdata));
		KD_LOG(inst, ISC_LOG_NOTICE, "zone %s: update by %s refused: "
			"it deletes SRV %s, which targets another host",
			ver->zone, ver->signer, rdata);
		return DNS_R_REFUSED;
	}
	/* Only a tag (and refreshes) changed: the served serial stays. */
	if (ver->changes == 0) {
		return commit_at_serial(ver);
	}
	if (registry_set_serial(inst->writer, ver->zone, rec->data.soa.serial,
		    &err) != KD_OK) {
		KD_LOG(inst, ISC_LOG_ERROR, "zone %s: %s", ver->zone, err.text);
		return ISC_R_FAILURE;
	}
	(void)version_view_apply(&ver->view, rdatastr, true, &err);
	return commit_at_serial(ver);
}

/* Update VER's view after the change RDATASTR was applied. */
static isc_result_t
view_apply(kd_version *ver, const char *rdatastr, bool add)
{
	kd_err err;
	if (version_view_apply(&ver->view, rdatastr, add, &err) != KD_OK) {
		KD_LOG(ver->inst, ISC_LOG_ERROR, "zone %s: %s", ver->zone,
			err.text);
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
	if (ver == NULL || ver->magic != KD_VERSION_MAGIC) {
		return ISC_R_FAILURE;
	}
	rdata_record rec;
	kd_err err;
	if (rdata_parse(rdatastr, &rec, &err) != KD_OK) {
		KD_LOG(inst, ISC_LOG_ERROR, "zone %s: %s refused: %s", ver->zone,
			verb, err.text);
		return ISC_R_FAILURE;
	}
	if (txn_tag_is_tag(rec.owner, ver->zone)) {
		return change_tag(ver, &rec, add);
	}
	if (rec.type == RDATA_TYPE_SOA && strcmp(rec.owner, ver->zone) == 0) {
		return change_soa(ver, &rec, rdatastr, add);
	}
	if (!ver->attributed &&
	    version_attribute(ver, NULL, add) != ISC_R_SUCCESS) {
		return ISC_R_FAILURE;
	}
	if (!ver->authorised) {
		KD_LOG(inst, ISC_LOG_NOTICE, "zone %s: %s of %s %s refused: %s",
			ver->zone, verb, rec.owner, rec.type_text, ver->refusal);
		return DNS_R_REFUSED;
	}
	if (grants_check_record(&ver->decision, ver->zone, &rec, &err) != KD_OK) {
		bool foreign_srv = rec.type == RDATA_TYPE_SRV &&
			ver->decision.scope == REGISTRY_SCOPE_SELF;
		if (foreign_srv && !add && ver->pending_count < KD_PENDING_MAX) {
			ver->pending[ver->pending_count++] = rec;
			return view_apply(ver, rdatastr, add);
		}
		if (foreign_srv && add &&
		    record_take(ver->pending, &ver->pending_count, &rec)) {
			return view_apply(ver, rdatastr, add);
		}
		KD_LOG(inst, ISC_LOG_NOTICE, "zone %s: %s of %s %s by %s refused: "
			"%s", ver->zone, verb, rec.owner, rec.type_text,
			ver->signer, err.text);
		return DNS_R_REFUSED;
	}
	if (update_limits_check(&ver->view, &ver->limits, &ver->decision, &rec,
		    add, &err) != KD_OK) {
		KD_LOG(inst, ISC_LOG_NOTICE, "zone %s: %s of %s %s by %s refused: "
			"%s", ver->zone, verb, rec.owner, rec.type_text,
			ver->signer, err.text);
		return DNS_R_REFUSED;
	}
	applied done;
	kd_result res = add ? apply_add(ver, &rec, &done, &err) :
		apply_sub(ver, &rec, &done, &err);
	char value[ZONE_SRV_RDATA_MAX];
	if (rec.type != RDATA_TYPE_SRV ||
	    srv_format_rdata(&rec.data.srv, value, sizeof(value)) != KD_OK) {
		snprintf(value, sizeof(value), "%s", rec.data.address);
	}
	if (res == KD_OK) {
		res = audit_record(ver, &rec, add, value, &err);
	}
	if (res != KD_OK) {
		KD_LOG(inst, ISC_LOG_ERROR, "zone %s: %s of %s failed: %s",
			ver->zone, verb, rec.owner, err.text);
		return res == KD_EINVAL || res == KD_ENOENT ? DNS_R_REFUSED :
			ISC_R_FAILURE;
	}
	ver->changes++;
	if (view_apply(ver, rdatastr, add) != ISC_R_SUCCESS) {
		return ISC_R_FAILURE;
	}
	if (done != APPLIED_DEFERRED) {
		log_change(ver, &rec, done);
	}
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
