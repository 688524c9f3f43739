/*
 * pub_update.c -- UPDATE messages and nsupdate scripts.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>

#include "pub_update.h"

/* An SRV RR for OWNER from REC with CLASS and TTL; NULL without memory. */
static ldns_rr *
srv_rr(const char *owner, const srv_record *rec, ldns_rr_class klass,
	uint32_t ttl)
{
	char text[DNAME_BUF_SIZE * 2 + 64];
	char rdata[DNAME_BUF_SIZE + 32];
	ldns_rr *rr = NULL;

	if (srv_format_rdata(rec, rdata, sizeof(rdata)) != KD_OK) {
		return NULL;
	}
	snprintf(text, sizeof(text), "%s. %u IN SRV %s", owner, ttl, rdata);
	if (ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL) != LDNS_STATUS_OK) {
		return NULL;
	}
	ldns_rr_set_class(rr, klass);
	ldns_rr_set_ttl(rr, ttl);
	return rr;
}

kd_result
pub_update_build(const char *zone, const char *owner, const pub_plan *plan,
	uint8_t **wire, size_t *len, kd_err *err)
{
	ldns_rr_list *updates = ldns_rr_list_new();
	char what[DNAME_BUF_SIZE + 32];
	size_t i;

	if (updates == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	for (i = 0; i < plan->delete_count; i++) {
		ldns_rr *rr = srv_rr(owner, &plan->deletes[i],
			LDNS_RR_CLASS_NONE, 0);

		if (rr == NULL || !ldns_rr_list_push_rr(updates, rr)) {
			ldns_rr_free(rr);
			ldns_rr_list_deep_free(updates);
			return kd_err_set(err, KD_EINVAL,
				"cannot build the delete of %s SRV", owner);
		}
	}
	if (plan->add) {
		ldns_rr *rr = srv_rr(owner, &plan->add_record,
			LDNS_RR_CLASS_IN, plan->add_record.ttl);

		if (rr == NULL || !ldns_rr_list_push_rr(updates, rr)) {
			ldns_rr_free(rr);
			ldns_rr_list_deep_free(updates);
			return kd_err_set(err, KD_EINVAL,
				"cannot build the add of %s SRV", owner);
		}
	}
	snprintf(what, sizeof(what), "the UPDATE for zone %s", zone);
	return pub_update_wire(zone, updates, what, wire, len, err);
}

kd_result
pub_update_wire(const char *zone, ldns_rr_list *updates, const char *what,
	uint8_t **wire, size_t *len, kd_err *err)
{
	ldns_rdf *zone_rdf = updates != NULL ? ldns_dname_new_frm_str(zone) :
		NULL;
	ldns_pkt *pkt = NULL;
	ldns_status status;

	if (zone_rdf != NULL) {
		pkt = ldns_update_pkt_new(zone_rdf, LDNS_RR_CLASS_IN, NULL,
			updates, NULL);
	}
	ldns_rr_list_deep_free(updates);
	if (pkt == NULL) {
		return kd_err_set(err, KD_ENOMEM, "cannot build %s", what);
	}
	/* ldns leaves ID 0 and RD set; RFC 2136 has those bits zero */
	ldns_pkt_set_random_id(pkt);
	ldns_pkt_set_rd(pkt, false);
	status = ldns_pkt2wire(wire, pkt, len);
	ldns_pkt_free(pkt);
	if (status != LDNS_STATUS_OK) {
		return kd_err_set(err, KD_ENOMEM, "cannot write %s: %s", what,
			ldns_get_errorstr_by_id(status));
	}
	return KD_OK;
}

kd_result
pub_update_script(const char *server, const char *zone, const char *owner,
	const pub_plan *plan, char **text, kd_err *err)
{
	char rdata[DNAME_BUF_SIZE + 32];
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);
	size_t i;

	if (out == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	if (server != NULL) {
		fprintf(out, "server %s\n", server);
	}
	fprintf(out, "zone %s.\n", zone);
	for (i = 0; i < plan->delete_count; i++) {
		srv_format_rdata(&plan->deletes[i], rdata, sizeof(rdata));
		fprintf(out, "update delete %s. SRV %s\n", owner, rdata);
	}
	if (plan->add) {
		srv_format_rdata(&plan->add_record, rdata, sizeof(rdata));
		fprintf(out, "update add %s. %u SRV %s\n", owner,
			plan->add_record.ttl, rdata);
	}
	fprintf(out, "send\n");
	if (fclose(out) != 0) {
		free(buf);
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	*text = buf;
	return KD_OK;
}
