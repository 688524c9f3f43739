/*
 * pub_txn_tag.c -- transaction tags in kmsdns-publish's UPDATEs
 * (pub_txn_tag.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <ldns/ldns.h>

#include "dname.h"
#include "pub_txn_tag.h"
#include "txn_tag.h"

/* The tag RR of IDENTITY in ZONE; NULL when it cannot be made. */
static ldns_rr *
tag_rr(const char *zone, const char *identity, bool closing)
{
	char owner[DNAME_BUF_SIZE], text[DNAME_BUF_SIZE + 64];
	ldns_rr *rr = NULL;
	kd_err err;

	if (txn_tag_owner(identity, zone, closing, owner, sizeof(owner),
		    &err) != KD_OK) {
		return NULL;
	}
	snprintf(text, sizeof(text), "%s. 0 IN TXT \"%s\"", owner,
		TXN_TAG_TEXT);
	if (ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL) != LDNS_STATUS_OK) {
		return NULL;
	}
	return rr;
}

kd_result
pub_txn_tag_add(uint8_t **wire, size_t *len, const char *zone,
	const char *identity, kd_err *err)
{
	char probe[DNAME_BUF_SIZE];
	kd_err ignored;
	ldns_pkt *pkt = NULL;

	if (identity[0] == '\0' || txn_tag_owner(identity, zone, true, probe,
		    sizeof(probe), &ignored) != KD_OK) {
		return KD_OK; /* no tag: the module treats it as plain */
	}
	if (ldns_wire2pkt(&pkt, *wire, *len) != LDNS_STATUS_OK) {
		return kd_err_set(err, KD_EINVAL, "cannot read back the UPDATE "
			"for zone %s", zone);
	}
	ldns_rr_list *updates = ldns_rr_list_new();
	ldns_rr *open = tag_rr(zone, identity, false);
	ldns_rr *close = tag_rr(zone, identity, true);
	const ldns_rr_list *old = ldns_pkt_authority(pkt);
	bool ok = updates != NULL && open != NULL && close != NULL &&
		ldns_rr_list_push_rr(updates, open);
	if (ok) {
		open = NULL;
	}
	for (size_t i = 0; ok && old != NULL && i < ldns_rr_list_rr_count(old);
	     i++) {
		ok = ldns_rr_list_push_rr(updates,
			ldns_rr_clone(ldns_rr_list_rr(old, i)));
	     }
	if (ok && ldns_rr_list_push_rr(updates, close)) {
		close = NULL;
	} else {
		ok = false;
	}
	ldns_rr_free(open);
	ldns_rr_free(close);
	uint8_t *out = NULL;
	size_t out_len = 0;
	if (ok) {
		ldns_rr_list_deep_free(ldns_pkt_authority(pkt));
		ldns_pkt_set_authority(pkt, updates);
		ldns_pkt_set_nscount(pkt, (uint16_t)ldns_rr_list_rr_count(
			updates));
		updates = NULL;
		ok = ldns_pkt2wire(&out, pkt, &out_len) == LDNS_STATUS_OK;
	}
	ldns_rr_list_deep_free(updates);
	ldns_pkt_free(pkt);
	if (!ok) {
		return kd_err_set(err, KD_ENOMEM, "cannot add the transaction "
			"tag to the UPDATE for zone %s", zone);
	}
	free(*wire);
	*wire = out;
	*len = out_len;
	return KD_OK;
}
