/*
 * version_view.c -- the zone as an open transaction sees it
 * (version_view.h).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dname.h"
#include "kd_array.h"
#include "version_view.h"

typedef struct view_rr {
	char type[16];
	uint32_t ttl;
	char *rdata;
} view_rr;

struct view_node {
	char name[DNAME_BUF_SIZE]; /* relative, lower case */
	bool in_base;
	view_rr *rrs;
	size_t count, cap;
};

void
version_view_init(version_view *view, zone_image *base, const char *zone)
{
	memset(view, 0, sizeof(*view));
	view->base = base;
	snprintf(view->zone, sizeof(view->zone), "%s", zone);
}

void
version_view_free(version_view *view)
{
	for (size_t i = 0; i < view->node_count; i++) {
		for (size_t j = 0; j < view->nodes[i].count; j++) {
			free(view->nodes[i].rrs[j].rdata);
		}
		free(view->nodes[i].rrs);
	}
	free(view->nodes);
	zone_image_free(view->base);
	memset(view, 0, sizeof(*view));
}

void
version_view_relname(const version_view *view, const char *owner, char *out,
	size_t outlen)
{
	size_t olen = strlen(owner);
	const size_t zlen = strlen(view->zone);

	if (olen > 0 && owner[olen - 1] == '.') {
		olen--;
	}
	if (olen == zlen && strncasecmp(owner, view->zone, zlen) == 0) {
		snprintf(out, outlen, "@");
		return;
	}
	if (olen > zlen + 1 && owner[olen - zlen - 1] == '.' &&
	    strncasecmp(owner + olen - zlen, view->zone, zlen) == 0) {
		olen -= zlen + 1;
	}
	snprintf(out, outlen, "%.*s", (int)olen, owner);
	dname_tolower(out);
}

static view_node *
node_find(const version_view *view, const char *relname)
{
	for (size_t i = 0; i < view->node_count; i++) {
		if (strcasecmp(view->nodes[i].name, relname) == 0) {
			return &view->nodes[i];
		}
	}
	return NULL;
}

static kd_result
node_push(view_node *node, const char *type, uint32_t ttl, const char *rdata)
{
	view_rr *rrs = kd_array_grow(node->rrs, node->count, &node->cap,
		sizeof(*rrs));
	if (rrs == NULL) {
		return KD_ENOMEM;
	}
	node->rrs = rrs;
	view_rr *rr = &node->rrs[node->count];
	snprintf(rr->type, sizeof(rr->type), "%s", type);
	rr->ttl = ttl;
	rr->rdata = strdup(rdata);
	if (rr->rdata == NULL) {
		return KD_ENOMEM;
	}
	node->count++;
	return KD_OK;
}

static kd_result
copy_base_rr(void *ctx, const char *owner, const char *type, uint32_t ttl,
	const char *rdata)
{
	(void)owner;
	return node_push(ctx, type, ttl, rdata);
}

/* The node RELNAME of VIEW, copied from the base at its first change. */
static view_node *
node_touch(version_view *view, const char *relname)
{
	view_node *node = node_find(view, relname);
	if (node != NULL) {
		return node;
	}
	view_node *nodes = kd_array_grow(view->nodes, view->node_count,
		&view->node_cap, sizeof(*nodes));
	if (nodes == NULL) {
		return NULL;
	}
	view->nodes = nodes;
	node = &view->nodes[view->node_count++];
	memset(node, 0, sizeof(*node));
	snprintf(node->name, sizeof(node->name), "%.*s",
		(int)sizeof(node->name) - 1, relname);
	const zone_node *base = view->base ?
		zone_image_find(view->base, relname) : NULL;
	if (base != NULL) {
		node->in_base = true;
		if (zone_node_emit(base, NULL, copy_base_rr, node) != KD_OK) {
			return NULL;
		}
	}
	return node;
}

/* Compare rdata texts ignoring case and runs of blanks. */
static bool
rdata_equal(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ' || *a == '\t') {
			a++;
		}
		while (*b == ' ' || *b == '\t') {
			b++;
		}
		if (*a == '\0' || *b == '\0') {
			return *a == *b;
		}
		const char *ea = a, *eb = b;
		while (*ea && *ea != ' ' && *ea != '\t') {
			ea++;
		}
		while (*eb && *eb != ' ' && *eb != '\t') {
			eb++;
		}
		size_t la = (size_t)(ea - a), lb = (size_t)(eb - b);
		/* "name." and "name" are the same name */
		if (la > 0 && a[la - 1] == '.' &&
		    (lb == 0 || b[lb - 1] != '.')) {
			la--;
		}
		if (lb > 0 && b[lb - 1] == '.' &&
		    (la == 0 || a[la - 1] != '.')) {
			lb--;
		}
		if (la != lb || strncasecmp(a, b, la) != 0) {
			return false;
		}
		a = ea;
		b = eb;
	}
}

kd_result
version_view_apply(version_view *view, const char *rdatastr, bool add,
	kd_err *err)
{
	/* owner TAB ttl TAB class TAB type TAB rdata */
	const char *field[5];
	size_t len[4];
	const char *p = rdatastr;
	for (int i = 0; i < 4; i++) {
		const char *tab = strchr(p, '\t');
		if (tab == NULL) {
			return kd_err_set(err, KD_EINVAL, "record \"%.200s\": "
				"not owner, TTL, class, type and data",
				rdatastr);
		}
		field[i] = p;
		len[i] = (size_t)(tab - p);
		p = tab + 1;
	}
	field[4] = p;
	char owner[DNAME_BUF_SIZE + 2], relname[DNAME_BUF_SIZE + 2];
	char type[16];
	snprintf(owner, sizeof(owner), "%.*s", (int)len[0], field[0]);
	snprintf(type, sizeof(type), "%.*s", (int)len[3], field[3]);
	for (char *t = type; *t; t++) {
		*t = (char)toupper((unsigned char)*t);
	}
	const uint32_t ttl = (uint32_t)strtoul(field[1], NULL, 10);
	version_view_relname(view, owner, relname, sizeof(relname));
	view_node *node = node_touch(view, relname);
	if (node == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	if (add) {
		if (node_push(node, type, ttl, field[4]) != KD_OK) {
			return kd_err_set(err, KD_ENOMEM, "out of memory");
		}
		return KD_OK;
	}
	for (size_t i = 0; i < node->count; i++) {
		view_rr *rr = &node->rrs[i];
		if (strcmp(rr->type, type) == 0 &&
		    rdata_equal(rr->rdata, field[4])) {
			free(rr->rdata);
			node->rrs[i] = node->rrs[--node->count];
			break;
		}
	}
	return KD_OK;
}

kd_result
version_view_emit(const version_view *view, const char *relname,
	zone_rr_fn fn, void *ctx)
{
	const view_node *node = node_find(view, relname);
	if (node == NULL) {
		const zone_node *base = view->base ?
			zone_image_find(view->base, relname) : NULL;
		return base != NULL ? zone_node_emit(base, NULL, fn, ctx) :
			KD_ENOENT;
	}
	if (node->count == 0 && !node->in_base) {
		return KD_ENOENT;
	}
	for (size_t i = 0; i < node->count; i++) {
		const view_rr *rr = &node->rrs[i];
		kd_result res = fn(ctx, node->name, rr->type, rr->ttl,
			rr->rdata);
		if (res != KD_OK) {
			return res;
		}
	}
	return KD_OK;
}
