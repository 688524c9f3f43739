/*
 * version_view.h -- the zone as an open UPDATE transaction sees it.
 *
 * BIND reads the zone through the transaction before each change of an
 * UPDATE (does the record exist? which TTL has the RRset?). The view is
 * the zone image at the transaction's start plus the changes the
 * transaction applied, kept per owner name, so a read costs the size of
 * one node and a whole UPDATE costs time linear in its size (rebuilding
 * the image after every change made a 1,000-record UPDATE take 15 s).
 * Transaction tags (txn_tag.h) are never applied, so never seen.
 */
#ifndef KMSDNS_VERSION_VIEW_H
#define KMSDNS_VERSION_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dname.h"
#include "kd_result.h"
#include "zonedata.h"

typedef struct view_node view_node;

typedef struct version_view {
	zone_image *base;          /* owned */
	char zone[DNAME_BUF_SIZE];
	view_node *nodes;          /* the names changes touched */
	size_t node_count, node_cap;
} version_view;

/* Start VIEW of ZONE over BASE (VIEW takes BASE over). */
void version_view_init(version_view *view, zone_image *base,
	const char *zone);

/* Free what VIEW owns (its base included). */
void version_view_free(version_view *view);

/*
 * Apply one change, RDATASTR as BIND passes it to dlz_addrdataset() and
 * dlz_subrdataset() ("owner.\tTTL\tIN\tTYPE\trdata"): ADD adds the record,
 * else the record of that type and data (any case) is removed. Returns
 * KD_EINVAL naming RDATASTR when it has not that form, KD_ENOMEM.
 */
kd_result version_view_apply(version_view *view, const char *rdatastr,
	bool add, kd_err *err);

/*
 * Emit the records at RELNAME (relative as in dlz_lookup()) to FN with
 * CTX. Returns KD_ENOENT when the name does not exist, FN's failure, or
 * KD_OK.
 */
kd_result version_view_emit(const version_view *view, const char *relname,
	zone_rr_fn fn, void *ctx);

/* The name relative to VIEW's zone of the absolute OWNER ("@" for the apex). */
void version_view_relname(const version_view *view, const char *owner,
	char *out, size_t outlen);

#endif /* KMSDNS_VERSION_VIEW_H */
