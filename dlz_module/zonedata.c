/*
 * zonedata.c -- a zone as the module serves it, built from registry data.
 *
 * Building collects every record as a pending entry with its owner relative
 * to the zone, adds the nodes that must exist without records, sorts both
 * into canonical order and lays the records out in one array, node by
 * node. All strings live in one arena owned by the image.
 */
#include "config.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dname.h"
#include "kd_array.h"
#include "kd_result.h"
#include "registry.h"
#include "sites.h"
#include "srv.h"
#include "str_list.h"
#include "text.h"
#include "zonedata.h"

#define ARENA_FIRST_BLOCK 512
#define ARENA_BLOCK_MAX 65536
#define APEX "@"

/* Record types in the order a node lists them. */
typedef enum rr_kind {
	RR_SOA,
	RR_NS,
	RR_SRV,
	RR_A,
	RR_AAAA,
	RR_TXT,
	RR_PTR,
} rr_kind;

static const char *const rr_kind_names[] = {
	"SOA", "NS", "SRV", "A", "AAAA", "TXT", "PTR",
};

#define RR_KIND_COUNT (sizeof(rr_kind_names) / sizeof(rr_kind_names[0]))

typedef struct arena_block {
	struct arena_block *next;
	size_t used;
	size_t size;
	char data[];
} arena_block;

/* A record while building: sort keys beside the public fields. */
typedef struct pending_rr {
	const char *owner;   /* relative, in the arena */
	rr_kind kind;
	uint32_t ttl;
	const char *rdata;   /* in the arena */
	uint16_t priority;
	const char *site;
	uint64_t number_key; /* SRV: priority, weight, port */
	uint8_t address_key[16];
} pending_rr;

typedef struct build_state {
	zone_image *img;
	pending_rr *rrs;
	size_t rr_count;
	size_t rr_capacity;
	str_list names;      /* of the nodes, relative, in the arena */
	kd_err *err;
} build_state;

struct zone_image {
	char *zone;
	uint32_t serial;
	uint32_t ttl;
	zone_node *nodes;
	size_t node_count;
	zone_rr *rrs;
	size_t rr_count;
	arena_block *arena;
};

/* ---- arena ---------------------------------------------------------- */

static char *
arena_alloc(zone_image *img, size_t size)
{
	arena_block *block = img->arena;

	if (block == NULL || block->size - block->used < size) {
		/* Small zones are the rule: start small, then double. */
		size_t want = block == NULL ? ARENA_FIRST_BLOCK :
			block->size * 2;
		if (want > ARENA_BLOCK_MAX) {
			want = ARENA_BLOCK_MAX;
		}
		if (want < size) {
			want = size;
		}
		block = malloc(sizeof(*block) + want);
		if (block == NULL) {
			return NULL;
		}
		block->next = img->arena;
		block->used = 0;
		block->size = want;
		img->arena = block;
	}

	char *memory = block->data + block->used;
	block->used += size;
	return memory;
}

/* A copy of the LEN characters of TEXT, NUL-terminated, in the arena. */
static char *
arena_strndup(zone_image *img, const char *text, size_t len)
{
	char *copy = arena_alloc(img, len + 1);

	if (copy != NULL) {
		memcpy(copy, text, len);
		copy[len] = '\0';
	}
	return copy;
}

static const char *
arena_strdup(zone_image *img, const char *text)
{
	return arena_strndup(img, text, strlen(text));
}

static void
arena_free(arena_block *block)
{
	while (block != NULL) {
		arena_block *next = block->next;
		free(block);
		block = next;
	}
}

/* ---- canonical order ------------------------------------------------ */

/*
 * The label of NAME ending at END (exclusive): sets *START; returns its
 * length.
 */
static size_t
label_before(const char *name, size_t end, size_t *start)
{
	size_t i = end;

	while (i > 0 && name[i - 1] != '.') {
		i--;
	}
	*start = i;
	return end - i;
}

/*
 * RFC 4034 section 6.1 order of two relative names: "@" (the apex) first,
 * then label by label from the right, case-insensitive; a name sorts
 * before the names below it.
 */
static int
compare_names(const char *a, const char *b)
{
	const bool a_apex = strcmp(a, APEX) == 0;
	const bool b_apex = strcmp(b, APEX) == 0;

	if (a_apex || b_apex) {
		return a_apex && b_apex ? 0 : (a_apex ? -1 : 1);
	}

	size_t a_end = strlen(a);
	size_t b_end = strlen(b);
	for (;;) {
		if (a_end == 0 || b_end == 0) {
			return a_end == b_end ? 0 : (a_end == 0 ? -1 : 1);
		}

		size_t a_start;
		size_t b_start;
		const size_t a_len = label_before(a, a_end, &a_start);
		const size_t b_len = label_before(b, b_end, &b_start);
		const size_t common = a_len < b_len ? a_len : b_len;
		for (size_t i = 0; i < common; i++) {
			const unsigned char ca =
				(unsigned char)kd_ascii_lower(a[a_start + i]);
			const unsigned char cb =
				(unsigned char)kd_ascii_lower(b[b_start + i]);
			if (ca != cb) {
				return ca < cb ? -1 : 1;
			}
		}
		if (a_len != b_len) {
			return a_len < b_len ? -1 : 1;
		}
		a_end = a_start > 0 ? a_start - 1 : 0;
		b_end = b_start > 0 ? b_start - 1 : 0;
	}
}

static int
compare_name_pointers(const void *a, const void *b)
{
	return compare_names(*(const char *const *)a,
		*(const char *const *)b);
}

static int
compare_pending(const void *a, const void *b)
{
	const pending_rr *left = a;
	const pending_rr *right = b;

	const int names = compare_names(left->owner, right->owner);
	if (names != 0) {
		return names;
	}
	if (left->kind != right->kind) {
		return left->kind < right->kind ? -1 : 1;
	}
	if (left->number_key != right->number_key) {
		return left->number_key < right->number_key ? -1 : 1;
	}

	const int address = memcmp(left->address_key, right->address_key,
		sizeof(left->address_key));
	if (address != 0) {
		return address;
	}
	return strcmp(left->rdata, right->rdata);
}

/* ---- collecting ----------------------------------------------------- */

static kd_result
out_of_memory(build_state *st)
{
	return kd_err_set(st->err, KD_ENOMEM, "zone %s: out of memory",
		st->img->zone);
}

/* Add NAME (relative, in the arena) to the node names. */
static kd_result
add_name(build_state *st, const char *name)
{
	return str_list_push(&st->names, name) ? KD_OK : out_of_memory(st);
}

/* Add RELNAME and every ancestor of it below the apex to the node names. */
static kd_result
add_name_and_ancestors(build_state *st, const char *relname)
{
	const char *name = relname;

	for (;;) {
		const kd_result ret = add_name(st, name);
		if (ret != KD_OK || strcmp(name, APEX) == 0) {
			return ret;
		}

		const char *dot = strchr(name, '.');
		if (dot == NULL) {
			return KD_OK;
		}
		name = dot + 1;
	}
}

/*
 * The owner of the absolute canonical NAME relative to the zone, copied
 * into the arena; NULL when NAME is outside the zone or memory runs out
 * (*OUTSIDE tells which).
 */
static const char *
relative_name(build_state *st, const char *name, bool *outside)
{
	const char *zone = st->img->zone;
	const size_t name_len = strlen(name);
	const size_t zone_len = strlen(zone);

	*outside = false;
	if (!dname_is_subdomain(name, zone)) {
		*outside = true;
		return NULL;
	}
	if (name_len == zone_len) {
		return APEX;
	}

	char *rel = arena_strndup(st->img, name, name_len - zone_len - 1);
	if (rel != NULL) {
		dname_tolower(rel);
	}
	return rel;
}

/* Append a record; RDATA and SITE are copied into the arena. */
static kd_result
add_rr(build_state *st, const pending_rr *rr)
{
	pending_rr *rrs = kd_array_grow(st->rrs, st->rr_count,
		&st->rr_capacity, sizeof(*rrs));
	if (rrs == NULL) {
		return out_of_memory(st);
	}
	st->rrs = rrs;

	pending_rr *slot = &st->rrs[st->rr_count];
	*slot = *rr;
	slot->rdata = arena_strdup(st->img, rr->rdata);
	slot->site = rr->site[0] == '\0' ? "" :
		arena_strdup(st->img, rr->site);
	if (slot->rdata == NULL || slot->site == NULL) {
		return out_of_memory(st);
	}
	st->rr_count++;
	return add_name_and_ancestors(st, slot->owner);
}

/* "NAME." for an absolute canonical NAME into OUT (DNAME_BUF_SIZE + 1). */
static void
absolute(const char *name, char *out, size_t outlen)
{
	if (strcmp(name, ".") == 0) {
		(void)snprintf(out, outlen, ".");
	} else {
		(void)snprintf(out, outlen, "%s.", name);
	}
}

/* Add a record that has no site and no sort key. */
static kd_result
add_plain_rr(build_state *st, const char *owner, rr_kind kind, uint32_t ttl,
	const char *rdata)
{
	const pending_rr rr = {
		.owner = owner, .kind = kind, .ttl = ttl, .rdata = rdata,
		.site = "",
	};

	return add_rr(st, &rr);
}

static kd_result
add_apex(build_state *st, const registry_zone *zone)
{
	char mname[DNAME_BUF_SIZE + 1];
	char rname[DNAME_BUF_SIZE + 1];
	char rdata[2 * (DNAME_BUF_SIZE + 1) + 64];

	absolute(zone->soa_mname, mname, sizeof(mname));
	absolute(zone->soa_rname, rname, sizeof(rname));
	(void)snprintf(rdata, sizeof(rdata), "%s %s %" PRIu32 " %" PRIu32
		" %" PRIu32 " %" PRIu32 " %" PRIu32, mname, rname,
		zone->serial, zone->refresh, zone->retry, zone->expire,
		zone->minimum);
	kd_result ret = add_plain_rr(st, APEX, RR_SOA, zone->ttl, rdata);

	for (size_t i = 0; ret == KD_OK && i < zone->ns_count; i++) {
		char target[DNAME_BUF_SIZE + 1];

		absolute(zone->ns[i].name, target, sizeof(target));
		ret = add_plain_rr(st, APEX, RR_NS, zone->ttl, target);
	}
	return ret;
}

/* Add an A or AAAA record for NAME (absolute) when it is in the zone. */
static kd_result
add_address(build_state *st, const char *name, const char *address,
	uint32_t ttl)
{
	char canonical[DNAME_BUF_SIZE];
	char text[INET6_ADDRSTRLEN];
	pending_rr rr;
	kd_err inner;
	bool outside;

	if (dname_normalize(name, DNAME_OWNER, canonical, sizeof(canonical),
	    &inner) != KD_OK) {
		return kd_err_set(st->err, KD_EINVAL, "zone %s: address "
			"owner %s", st->img->zone, inner.text);
	}

	memset(&rr, 0, sizeof(rr));
	const int family = strchr(address, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(family, address, rr.address_key) != 1 ||
	    inet_ntop(family, rr.address_key, text, sizeof(text)) == NULL) {
		return kd_err_set(st->err, KD_EINVAL, "zone %s: address "
			"\"%.*s\" of %s is not an IPv4 or IPv6 address",
			st->img->zone, REGISTRY_ADDR_MAX, address, canonical);
	}

	rr.owner = relative_name(st, canonical, &outside);
	if (rr.owner == NULL) {
		return outside ? KD_OK : out_of_memory(st);
	}
	rr.kind = family == AF_INET ? RR_A : RR_AAAA;
	rr.ttl = ttl;
	rr.rdata = text;
	rr.site = "";
	return add_rr(st, &rr);
}

/* The marker TXT record at _kmsdns (see zonedata.h). */
static kd_result
add_marker(build_state *st, const registry_zone *zone,
	const registry_settings *settings)
{
	char rdata[64];

	(void)snprintf(rdata, sizeof(rdata), "\"%s\" \"stale-after=%" PRId64
		"\"", ZONE_MARKER_VERSION, settings->stale_after);
	return add_plain_rr(st, ZONE_MARKER_OWNER, RR_TXT, zone->ttl, rdata);
}

static bool
is_active(const registry_settings *settings, registry_origin origin,
	int64_t refreshed, int64_t now)
{
	return origin == REGISTRY_ORIGIN_STATIC ||
		registry_state_at(settings, origin, refreshed, now) ==
		REGISTRY_STATE_ACTIVE;
}

static kd_result
add_host(build_state *st, const registry_host *host,
	const char *service_owner)
{
	char rdata[ZONE_SRV_RDATA_MAX];
	pending_rr rr;

	if (srv_format_rdata(&host->srv, rdata, sizeof(rdata)) != KD_OK) {
		return kd_err_set(st->err, KD_EINVAL, "zone %s: SRV record "
			"of target %s cannot be written", st->img->zone,
			host->srv.target);
	}
	memset(&rr, 0, sizeof(rr));
	rr.owner = service_owner;
	rr.kind = RR_SRV;
	rr.ttl = host->srv.ttl;
	rr.rdata = rdata;
	rr.priority = host->srv.priority;
	rr.site = host->site;
	rr.number_key = ((uint64_t)host->srv.priority << 32) |
		((uint64_t)host->srv.weight << 16) | host->srv.port;
	return add_rr(st, &rr);
}

static kd_result
collect(build_state *st, const registry_zone *zone,
	const registry_host *hosts, size_t host_count,
	const registry_address *addrs, size_t addr_count,
	const registry_settings *settings, int64_t now)
{
	static const char service_owner[] = SRV_KMS_SERVICE;
	kd_result ret = add_apex(st, zone);

	if (ret == KD_OK) {
		ret = add_marker(st, zone, settings);
	}
	for (size_t i = 0; ret == KD_OK && i < zone->ns_count; i++) {
		for (size_t j = 0; ret == KD_OK &&
		    j < zone->ns[i].address_count; j++) {
			ret = add_address(st, zone->ns[i].name,
				zone->ns[i].addresses[j], zone->ttl);
		}
	}
	for (size_t i = 0; ret == KD_OK && i < host_count; i++) {
		if (!dname_equal(hosts[i].zone, zone->name)) {
			return kd_err_set(st->err, KD_EINVAL, "zone %s: the "
				"registration of %s belongs to zone %s",
				zone->name, hosts[i].srv.target,
				hosts[i].zone);
		}
		if (is_active(settings, hosts[i].origin, hosts[i].refreshed,
		    now)) {
			ret = add_host(st, &hosts[i], service_owner);
		}
	}
	for (size_t i = 0; ret == KD_OK && i < addr_count; i++) {
		if (!dname_equal(addrs[i].zone, zone->name)) {
			return kd_err_set(st->err, KD_EINVAL, "zone %s: the "
				"address of %s belongs to zone %s", zone->name,
				addrs[i].name, addrs[i].zone);
		}
		if (is_active(settings, addrs[i].origin, addrs[i].refreshed,
		    now)) {
			ret = add_address(st, addrs[i].name,
				addrs[i].address, addrs[i].ttl);
		}
	}
	/*
	 * No node for _vlmcs._tcp without registrations: a name with no
	 * record and no descendant is not in the AXFR, so a secondary answers
	 * NXDOMAIN there, and the primary must too.
	 */
	return ret;
}

/* ---- laying out ----------------------------------------------------- */

/* Sort and merge the names and records, and build the public arrays. */
static kd_result
lay_out(build_state *st)
{
	zone_image *img = st->img;

	qsort(st->names.items, st->names.count, sizeof(*st->names.items),
		compare_name_pointers);
	size_t unique = 0;
	for (size_t i = 0; i < st->names.count; i++) {
		if (unique == 0 || compare_names(st->names.items[unique - 1],
		    st->names.items[i]) != 0) {
			st->names.items[unique++] = st->names.items[i];
		}
	}
	st->names.count = unique;

	qsort(st->rrs, st->rr_count, sizeof(*st->rrs), compare_pending);
	unique = 0;
	for (size_t i = 0; i < st->rr_count; i++) {
		pending_rr *last = unique > 0 ? &st->rrs[unique - 1] : NULL;
		if (last != NULL && last->kind == st->rrs[i].kind &&
		    strcmp(last->owner, st->rrs[i].owner) == 0 &&
		    strcmp(last->rdata, st->rrs[i].rdata) == 0) {
			if (st->rrs[i].ttl < last->ttl) {
				last->ttl = st->rrs[i].ttl;
			}
			continue;
		}
		st->rrs[unique++] = st->rrs[i];
	}
	st->rr_count = unique;

	img->nodes = calloc(st->names.count, sizeof(*img->nodes));
	img->rrs = st->rr_count > 0 ?
		calloc(st->rr_count, sizeof(*img->rrs)) : NULL;
	if (img->nodes == NULL || (st->rr_count > 0 && img->rrs == NULL)) {
		return out_of_memory(st);
	}
	img->node_count = st->names.count;
	img->rr_count = st->rr_count;

	/* Both lists are in canonical order: walk them side by side. */
	size_t next = 0;
	for (size_t n = 0; n < st->names.count; n++) {
		zone_node *node = &img->nodes[n];

		node->name = st->names.items[n];
		node->rrs = img->rrs + next;
		while (next < st->rr_count &&
		    strcmp(st->rrs[next].owner, node->name) == 0) {
			const pending_rr *from = &st->rrs[next];
			zone_rr *to = &img->rrs[next];

			to->type = rr_kind_names[from->kind];
			to->ttl = from->ttl;
			to->rdata = from->rdata;
			to->priority = from->priority;
			to->site = from->site;
			node->rr_count++;
			next++;
		}
	}
	return KD_OK;
}

/* Start building the image of zone NAME; KD_OK with ST ready. */
static kd_result
build_start(build_state *st, const char *name, uint32_t serial, uint32_t ttl,
	kd_err *err)
{
	char zone_name[DNAME_BUF_SIZE];
	kd_err inner;

	memset(st, 0, sizeof(*st));
	if (dname_normalize(name, DNAME_OWNER, zone_name, sizeof(zone_name),
	    &inner) != KD_OK) {
		return kd_err_set(err, KD_EINVAL, "zone %s", inner.text);
	}
	st->err = err;
	st->img = calloc(1, sizeof(*st->img));
	if (st->img == NULL) {
		return kd_err_set(err, KD_ENOMEM, "zone %s: out of memory",
			zone_name);
	}
	st->img->serial = serial;
	st->img->ttl = ttl;
	st->img->zone = (char *)arena_strdup(st->img, zone_name);
	return st->img->zone != NULL ? KD_OK :
		kd_err_set(err, KD_ENOMEM, "zone %s: out of memory", zone_name);
}

/* Lay out what ST collected when RET is KD_OK; the image into *OUT. */
static kd_result
build_finish(build_state *st, kd_result ret, zone_image **out)
{
	if (ret == KD_OK) {
		ret = lay_out(st);
	}
	free(st->rrs);
	str_list_free(&st->names);
	if (ret != KD_OK) {
		zone_image_free(st->img);
		return ret;
	}
	*out = st->img;
	return KD_OK;
}

kd_result
zone_image_build(const registry_zone *zone, const registry_host *hosts,
	size_t host_count, const registry_address *addrs, size_t addr_count,
	const registry_settings *settings, int64_t now, zone_image **out,
	kd_err *err)
{
	build_state st;
	kd_result ret = build_start(&st, zone->name, zone->serial, zone->ttl,
		err);

	if (ret == KD_OK) {
		ret = collect(&st, zone, hosts, host_count, addrs, addr_count,
			settings, now);
	}
	if (st.img == NULL) {
		return ret;
	}
	return build_finish(&st, ret, out);
}

kd_result
zone_image_load(registry *reg, const char *zone, const module_args *args,
	int64_t now, registry_dataset *ds, zone_image **out, kd_err *err)
{
	kd_result ret = registry_load(reg, zone, ds, err);
	if (ret != KD_OK) {
		return ret;
	}
	registry_settings settings = ds->settings;
	if (args != NULL) {
		module_args_apply(args, &settings);
	}
	ret = zone_image_build(&ds->zones[0], ds->hosts, ds->host_count,
		ds->addresses, ds->address_count, &settings, now, out, err);
	if (ret != KD_OK) {
		registry_dataset_free(ds);
	}
	return ret;
}

/* Add one record of zone_image_build_records(). */
static kd_result
add_record(build_state *st, const zone_record *rec)
{
	size_t kind = 0;

	while (kind < RR_KIND_COUNT &&
	    strcmp(rr_kind_names[kind], rec->type) != 0) {
		kind++;
	}
	if (kind == RR_KIND_COUNT || kind == RR_SRV) {
		return kd_err_set(st->err, KD_EINVAL, "zone %s: record type "
			"%s is not served here", st->img->zone, rec->type);
	}
	char *owner = arena_strndup(st->img, rec->owner, strlen(rec->owner));
	if (owner == NULL) {
		return out_of_memory(st);
	}
	dname_tolower(owner);
	return add_plain_rr(st, owner, (rr_kind)kind, rec->ttl, rec->rdata);
}

kd_result
zone_image_build_records(const char *name, uint32_t serial, uint32_t ttl,
	const zone_record *records, size_t count, zone_image **out,
	kd_err *err)
{
	build_state st;
	kd_result ret = build_start(&st, name, serial, ttl, err);

	for (size_t i = 0; ret == KD_OK && i < count; i++) {
		ret = add_record(&st, &records[i]);
	}
	if (st.img == NULL) {
		return ret;
	}
	return build_finish(&st, ret, out);
}

void
zone_image_free(zone_image *img)
{
	if (img == NULL) {
		return;
	}
	free(img->nodes);
	free(img->rrs);
	arena_free(img->arena);
	free(img);
}

const char *
zone_image_name(const zone_image *img)
{
	return img->zone;
}

uint32_t
zone_image_serial(const zone_image *img)
{
	return img->serial;
}

const zone_node *
zone_image_find(const zone_image *img, const char *relname)
{
	size_t low = 0;
	size_t high = img->node_count;

	if (relname == NULL) {
		return NULL;
	}
	while (low < high) {
		const size_t mid = low + (high - low) / 2;
		const int cmp = compare_names(relname, img->nodes[mid].name);
		if (cmp == 0) {
			return &img->nodes[mid];
		}
		if (cmp < 0) {
			high = mid;
		} else {
			low = mid + 1;
		}
	}
	return NULL;
}

size_t
zone_image_node_count(const zone_image *img)
{
	return img->node_count;
}

const zone_node *
zone_image_node(const zone_image *img, size_t i)
{
	return i < img->node_count ? &img->nodes[i] : NULL;
}

kd_result
zone_rr_format_srv(const zone_rr *rr, uint16_t priority, char *out,
	size_t outlen)
{
	if (strcmp(rr->type, "SRV") != 0) {
		return KD_EINVAL;
	}

	const char *rest = strchr(rr->rdata, ' ');
	if (rest == NULL) {
		return KD_EINVAL;
	}

	const int written = snprintf(out, outlen, "%u%s", (unsigned)priority,
		rest);
	if (written < 0 || (size_t)written >= outlen) {
		return KD_EFULL;
	}
	return KD_OK;
}

kd_result
zone_node_emit(const zone_node *node, const char *client_site,
	zone_rr_fn fn, void *ctx)
{
	sites_span span;

	sites_span_init(&span, client_site);
	for (size_t i = 0; i < node->rr_count; i++) {
		if (strcmp(node->rrs[i].type, "SRV") == 0) {
			sites_span_add(&span, node->rrs[i].priority,
				node->rrs[i].site);
		}
	}

	for (size_t i = 0; i < node->rr_count; i++) {
		const zone_rr *rr = &node->rrs[i];
		const char *rdata = rr->rdata;
		char adjusted[ZONE_SRV_RDATA_MAX];

		if (span.local_found && strcmp(rr->type, "SRV") == 0) {
			const uint16_t priority = sites_span_priority(&span,
				rr->priority, rr->site);
			if (priority != rr->priority) {
				const kd_result ret = zone_rr_format_srv(rr,
					priority, adjusted, sizeof(adjusted));
				if (ret != KD_OK) {
					return ret;
				}
				rdata = adjusted;
			}
		}

		const kd_result ret = fn(ctx, node->name, rr->type, rr->ttl,
			rdata);
		if (ret != KD_OK) {
			return ret;
		}
	}
	return KD_OK;
}

kd_result
zone_image_foreach(const zone_image *img, zone_rr_fn fn, void *ctx)
{
	for (size_t n = 0; n < img->node_count; n++) {
		const zone_node *node = &img->nodes[n];

		for (size_t i = 0; i < node->rr_count; i++) {
			const kd_result ret = fn(ctx, node->name,
				node->rrs[i].type, node->rrs[i].ttl,
				node->rrs[i].rdata);
			if (ret != KD_OK) {
				return ret;
			}
		}
	}
	return KD_OK;
}

kd_result
zone_image_format_master(const zone_image *img, FILE *out, kd_err *err)
{
	bool failed = fprintf(out, "$ORIGIN %s.\n$TTL %" PRIu32 "\n",
		img->zone, img->ttl) < 0;

	for (size_t n = 0; !failed && n < img->node_count; n++) {
		const zone_node *node = &img->nodes[n];
		const bool apex = strcmp(node->name, APEX) == 0;

		for (size_t i = 0; !failed && i < node->rr_count; i++) {
			const zone_rr *rr = &node->rrs[i];
			failed = fprintf(out, "%s%s%s.\t%" PRIu32 "\tIN\t%s\t%s\n",
				apex ? "" : node->name, apex ? "" : ".",
				img->zone, rr->ttl, rr->type, rr->rdata) < 0;
		}
	}
	if (failed || fflush(out) != 0 || ferror(out)) {
		return kd_err_set(err, KD_EIO, "zone %s: writing the master "
			"file failed", img->zone);
	}
	return KD_OK;
}
