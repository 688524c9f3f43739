/*
 * test_zonedata.c -- unit tests of dlz_module/zonedata.c.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kd_result.h"
#include "registry.h"
#include "srv.h"
#include "zonedata.h"

#define NOW INT64_C(1700000000)
#define HOUR INT64_C(3600)

static const registry_settings settings = {
	.stale_after = 72 * HOUR,
	.scavenge_after = 14 * 24 * HOUR,
};

/* The test zone, rebuilt for every test by setup(). */
typedef struct fixture {
	char ns1_addresses[3][REGISTRY_ADDR_MAX];
	char ns2_addresses[1][REGISTRY_ADDR_MAX];
	registry_ns ns[2];
	registry_zone zone;
	registry_host hosts[8];
	size_t host_count;
	registry_address addrs[8];
	size_t addr_count;
} fixture;

static void
add_host(fixture *f, const char *rdata, const char *site,
	registry_origin origin, int64_t refreshed)
{
	registry_host *host = &f->hosts[f->host_count++];

	memset(host, 0, sizeof(*host));
	strcpy(host->zone, "example.test");
	assert_int_equal(srv_parse_rdata(rdata, &host->srv, NULL), KD_OK);
	host->srv.ttl = 3600;
	strcpy(host->site, site);
	host->origin = origin;
	host->created = refreshed;
	host->refreshed = refreshed;
}

static void
add_addr(fixture *f, const char *name, const char *address, uint32_t ttl,
	registry_origin origin, int64_t refreshed)
{
	registry_address *addr = &f->addrs[f->addr_count++];

	memset(addr, 0, sizeof(*addr));
	strcpy(addr->zone, "example.test");
	strcpy(addr->name, name);
	strcpy(addr->address, address);
	addr->ttl = ttl;
	addr->origin = origin;
	addr->created = refreshed;
	addr->refreshed = refreshed;
}

static int
setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	strcpy(f->ns1_addresses[0], "192.0.2.53");
	strcpy(f->ns1_addresses[1], "2001:db8::53");
	strcpy(f->ns1_addresses[2], "192.0.2.53");
	strcpy(f->ns2_addresses[0], "198.51.100.53");
	strcpy(f->ns[0].name, "ns1.example.test");
	f->ns[0].addresses = f->ns1_addresses;
	f->ns[0].address_count = 3;
	strcpy(f->ns[1].name, "ns2.elsewhere.test");
	f->ns[1].addresses = f->ns2_addresses;
	f->ns[1].address_count = 1;

	strcpy(f->zone.name, "example.test");
	strcpy(f->zone.soa_mname, "ns1.example.test");
	strcpy(f->zone.soa_rname, "hostmaster.example.test");
	f->zone.serial = 2024010101;
	f->zone.ttl = 3600;
	f->zone.refresh = 3600;
	f->zone.retry = 600;
	f->zone.expire = 1209600;
	f->zone.minimum = 300;
	f->zone.ns = f->ns;
	f->zone.ns_count = 2;

	add_host(f, "20 0 1688 kms.elsewhere.test", "branch",
		REGISTRY_ORIGIN_STATIC, NOW - 1000 * 24 * HOUR);
	add_host(f, "10 50 1688 kms2.site.example.test", "",
		REGISTRY_ORIGIN_UPDATE, NOW - 100);
	add_host(f, "0 100 1688 kms1.example.test", "hq",
		REGISTRY_ORIGIN_STATIC, NOW - 1000 * 24 * HOUR);
	add_host(f, "0 100 1688 kms3.example.test", "hq",
		REGISTRY_ORIGIN_UPDATE, NOW - 73 * HOUR);

	add_addr(f, "kms1.example.test", "2001:db8::10", 600,
		REGISTRY_ORIGIN_STATIC, 0);
	add_addr(f, "kms1.example.test", "192.0.2.10", 600,
		REGISTRY_ORIGIN_STATIC, 0);
	add_addr(f, "kms2.site.example.test", "192.0.2.20", 1200,
		REGISTRY_ORIGIN_UPDATE, NOW - 71 * HOUR);
	add_addr(f, "kms3.example.test", "192.0.2.30", 1200,
		REGISTRY_ORIGIN_UPDATE, NOW - 73 * HOUR);
	add_addr(f, "kms.elsewhere.test", "198.51.100.10", 1200,
		REGISTRY_ORIGIN_STATIC, 0);
	add_addr(f, "ns1.example.test", "192.0.2.53", 60,
		REGISTRY_ORIGIN_STATIC, 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	free(*state);
	return 0;
}

static zone_image *
build(const fixture *f)
{
	zone_image *img = NULL;
	kd_err err = { "" };

	if (zone_image_build(&f->zone, f->hosts, f->host_count, f->addrs,
	    f->addr_count, &settings, NOW, &img, &err) != KD_OK) {
		fail_msg("build failed: %s", err.text);
	}
	assert_non_null(img);
	return img;
}

/* Collects emitted records as "owner type ttl rdata\n" lines. */
typedef struct collector {
	char text[8192];
	size_t count;
	size_t stop_after; /* 0: never */
} collector;

static kd_result
collect(void *ctx, const char *owner, const char *type, uint32_t ttl,
	const char *rdata)
{
	collector *c = ctx;
	const size_t used = strlen(c->text);

	(void)snprintf(c->text + used, sizeof(c->text) - used,
		"%s %s %u %s\n", owner, type, (unsigned)ttl, rdata);
	c->count++;
	if (c->stop_after > 0 && c->count == c->stop_after) {
		return KD_EIO;
	}
	return KD_OK;
}

static void
assert_node(const zone_image *img, const char *relname, size_t rr_count)
{
	const zone_node *node = zone_image_find(img, relname);

	if (node == NULL) {
		fail_msg("node \"%s\" missing", relname);
	}
	assert_int_equal(node->rr_count, rr_count);
}

static void
test_nodes(void **state)
{
	static const char *const order[] = {
		"@", "_kmsdns", "_tcp", "_vlmcs._tcp", "kms1", "ns1", "site",
		"kms2.site",
	};
	zone_image *img = build(*state);

	assert_string_equal(zone_image_name(img), "example.test");
	assert_int_equal(zone_image_serial(img), 2024010101);
	assert_int_equal(zone_image_node_count(img), 8);
	for (size_t i = 0; i < 8; i++) {
		assert_string_equal(zone_image_node(img, i)->name, order[i]);
	}
	assert_null(zone_image_node(img, 8));

	assert_node(img, "@", 3);
	assert_node(img, "_kmsdns", 1);
	assert_node(img, "_tcp", 0);
	assert_node(img, "_vlmcs._tcp", 3);
	assert_node(img, "kms1", 2);
	assert_node(img, "KMS1", 2);
	assert_node(img, "ns1", 2);
	assert_node(img, "site", 0);
	assert_node(img, "kms2.site", 1);

	/* Stale registrations and out-of-zone names are not served. */
	assert_null(zone_image_find(img, "kms3"));
	assert_null(zone_image_find(img, "ns2"));
	assert_null(zone_image_find(img, "kms"));
	/* The wildcard probes BIND makes after a miss. */
	assert_null(zone_image_find(img, "*"));
	assert_null(zone_image_find(img, "*._tcp"));
	assert_null(zone_image_find(img, "x._vlmcs._tcp"));
	assert_null(zone_image_find(img, "kms2"));
	assert_null(zone_image_find(img, ""));
	assert_null(zone_image_find(img, NULL));
	zone_image_free(img);
}

static void
test_apex(void **state)
{
	zone_image *img = build(*state);
	const zone_node *apex = zone_image_find(img, "@");

	assert_string_equal(apex->rrs[0].type, "SOA");
	assert_int_equal(apex->rrs[0].ttl, 3600);
	assert_string_equal(apex->rrs[0].rdata, "ns1.example.test. "
		"hostmaster.example.test. 2024010101 3600 600 1209600 300");
	assert_string_equal(apex->rrs[1].type, "NS");
	assert_string_equal(apex->rrs[1].rdata, "ns1.example.test.");
	assert_string_equal(apex->rrs[2].type, "NS");
	assert_string_equal(apex->rrs[2].rdata, "ns2.elsewhere.test.");
	zone_image_free(img);
}

static void
test_srv_and_addresses(void **state)
{
	zone_image *img = build(*state);
	const zone_node *srv = zone_image_find(img, "_vlmcs._tcp");
	const zone_node *kms1 = zone_image_find(img, "kms1");
	const zone_node *ns1 = zone_image_find(img, "ns1");
	const zone_node *kms2 = zone_image_find(img, "kms2.site");

	assert_string_equal(srv->rrs[0].type, "SRV");
	assert_string_equal(srv->rrs[0].rdata, "0 100 1688 kms1.example.test.");
	assert_int_equal(srv->rrs[0].priority, 0);
	assert_string_equal(srv->rrs[0].site, "hq");
	assert_int_equal(srv->rrs[0].ttl, 3600);
	assert_string_equal(srv->rrs[1].rdata,
		"10 50 1688 kms2.site.example.test.");
	assert_int_equal(srv->rrs[1].priority, 10);
	assert_string_equal(srv->rrs[1].site, "");
	assert_string_equal(srv->rrs[2].rdata,
		"20 0 1688 kms.elsewhere.test.");
	assert_string_equal(srv->rrs[2].site, "branch");

	assert_string_equal(kms1->rrs[0].type, "A");
	assert_string_equal(kms1->rrs[0].rdata, "192.0.2.10");
	assert_int_equal(kms1->rrs[0].ttl, 600);
	assert_string_equal(kms1->rrs[1].type, "AAAA");
	assert_string_equal(kms1->rrs[1].rdata, "2001:db8::10");

	/* The NS address given twice and in the registry: once, lowest TTL. */
	assert_string_equal(ns1->rrs[0].type, "A");
	assert_string_equal(ns1->rrs[0].rdata, "192.0.2.53");
	assert_int_equal(ns1->rrs[0].ttl, 60);
	assert_string_equal(ns1->rrs[1].rdata, "2001:db8::53");
	assert_int_equal(ns1->rrs[1].ttl, 3600);

	assert_string_equal(kms2->rrs[0].rdata, "192.0.2.20");
	assert_int_equal(kms2->rrs[0].ttl, 1200);
	zone_image_free(img);
}

static void
test_emit_sites(void **state)
{
	zone_image *img = build(*state);
	const zone_node *srv = zone_image_find(img, "_vlmcs._tcp");
	collector c;

	memset(&c, 0, sizeof(c));
	assert_int_equal(zone_node_emit(srv, NULL, collect, &c), KD_OK);
	assert_string_equal(c.text,
		"_vlmcs._tcp SRV 3600 0 100 1688 kms1.example.test.\n"
		"_vlmcs._tcp SRV 3600 10 50 1688 kms2.site.example.test.\n"
		"_vlmcs._tcp SRV 3600 20 0 1688 kms.elsewhere.test.\n");

	/* hq has priority 0: the others move to 1 and 11. */
	memset(&c, 0, sizeof(c));
	assert_int_equal(zone_node_emit(srv, "hq", collect, &c), KD_OK);
	assert_string_equal(c.text,
		"_vlmcs._tcp SRV 3600 0 100 1688 kms1.example.test.\n"
		"_vlmcs._tcp SRV 3600 1 50 1688 kms2.site.example.test.\n"
		"_vlmcs._tcp SRV 3600 11 0 1688 kms.elsewhere.test.\n");

	/* branch has priority 20: the others move to 21 and 31. */
	memset(&c, 0, sizeof(c));
	assert_int_equal(zone_node_emit(srv, "branch", collect, &c), KD_OK);
	assert_string_equal(c.text,
		"_vlmcs._tcp SRV 3600 21 100 1688 kms1.example.test.\n"
		"_vlmcs._tcp SRV 3600 31 50 1688 kms2.site.example.test.\n"
		"_vlmcs._tcp SRV 3600 20 0 1688 kms.elsewhere.test.\n");

	/* A site without records changes nothing. */
	memset(&c, 0, sizeof(c));
	assert_int_equal(zone_node_emit(srv, "nowhere", collect, &c), KD_OK);
	assert_non_null(strstr(c.text, " 10 50 1688 kms2.site"));

	/* Other nodes ignore the site. */
	memset(&c, 0, sizeof(c));
	assert_int_equal(zone_node_emit(zone_image_find(img, "kms1"), "hq",
		collect, &c), KD_OK);
	assert_string_equal(c.text, "kms1 A 600 192.0.2.10\n"
		"kms1 AAAA 600 2001:db8::10\n");

	/* An error from the callback stops the walk. */
	memset(&c, 0, sizeof(c));
	c.stop_after = 1;
	assert_int_equal(zone_node_emit(srv, "hq", collect, &c), KD_EIO);
	assert_int_equal(c.count, 1);

	memset(&c, 0, sizeof(c));
	assert_int_equal(zone_node_emit(zone_image_find(img, "_tcp"), "hq",
		collect, &c), KD_OK);
	assert_int_equal(c.count, 0);
	zone_image_free(img);
}

static void
test_format_srv(void **state)
{
	zone_image *img = build(*state);
	const zone_node *srv = zone_image_find(img, "_vlmcs._tcp");
	const zone_node *kms1 = zone_image_find(img, "kms1");
	char out[ZONE_SRV_RDATA_MAX];
	char small[8];

	assert_int_equal(zone_rr_format_srv(&srv->rrs[1], 65535, out,
		sizeof(out)), KD_OK);
	assert_string_equal(out, "65535 50 1688 kms2.site.example.test.");
	assert_int_equal(zone_rr_format_srv(&srv->rrs[1], 0, out,
		sizeof(out)), KD_OK);
	assert_string_equal(out, "0 50 1688 kms2.site.example.test.");
	assert_int_equal(zone_rr_format_srv(&srv->rrs[1], 7, small,
		sizeof(small)), KD_EFULL);
	assert_int_equal(zone_rr_format_srv(&kms1->rrs[0], 7, out,
		sizeof(out)), KD_EINVAL);
	zone_image_free(img);
}

static const char expected_axfr[] =
	"@ SOA 3600 ns1.example.test. hostmaster.example.test. 2024010101 "
	"3600 600 1209600 300\n"
	"@ NS 3600 ns1.example.test.\n"
	"@ NS 3600 ns2.elsewhere.test.\n"
	"_kmsdns TXT 3600 \"v=kmsdns1\" \"stale-after=259200\"\n"
	"_vlmcs._tcp SRV 3600 0 100 1688 kms1.example.test.\n"
	"_vlmcs._tcp SRV 3600 10 50 1688 kms2.site.example.test.\n"
	"_vlmcs._tcp SRV 3600 20 0 1688 kms.elsewhere.test.\n"
	"kms1 A 600 192.0.2.10\n"
	"kms1 AAAA 600 2001:db8::10\n"
	"ns1 A 60 192.0.2.53\n"
	"ns1 AAAA 3600 2001:db8::53\n"
	"kms2.site A 1200 192.0.2.20\n";

static void
test_foreach(void **state)
{
	zone_image *img = build(*state);
	collector c;

	memset(&c, 0, sizeof(c));
	assert_int_equal(zone_image_foreach(img, collect, &c), KD_OK);
	assert_string_equal(c.text, expected_axfr);
	assert_int_equal(c.count, 12);

	memset(&c, 0, sizeof(c));
	c.stop_after = 4;
	assert_int_equal(zone_image_foreach(img, collect, &c), KD_EIO);
	assert_int_equal(c.count, 4);
	zone_image_free(img);
}

static void
test_master_file(void **state)
{
	zone_image *img = build(*state);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	kd_err err;

	assert_non_null(out);
	assert_int_equal(zone_image_format_master(img, out, &err), KD_OK);
	assert_int_equal(fclose(out), 0);
	assert_string_equal(text,
		"$ORIGIN example.test.\n"
		"$TTL 3600\n"
		"example.test.\t3600\tIN\tSOA\tns1.example.test. "
		"hostmaster.example.test. 2024010101 3600 600 1209600 300\n"
		"example.test.\t3600\tIN\tNS\tns1.example.test.\n"
		"example.test.\t3600\tIN\tNS\tns2.elsewhere.test.\n"
		"_kmsdns.example.test.\t3600\tIN\tTXT\t\"v=kmsdns1\" "
		"\"stale-after=259200\"\n"
		"_vlmcs._tcp.example.test.\t3600\tIN\tSRV\t0 100 1688 "
		"kms1.example.test.\n"
		"_vlmcs._tcp.example.test.\t3600\tIN\tSRV\t10 50 1688 "
		"kms2.site.example.test.\n"
		"_vlmcs._tcp.example.test.\t3600\tIN\tSRV\t20 0 1688 "
		"kms.elsewhere.test.\n"
		"kms1.example.test.\t600\tIN\tA\t192.0.2.10\n"
		"kms1.example.test.\t600\tIN\tAAAA\t2001:db8::10\n"
		"ns1.example.test.\t60\tIN\tA\t192.0.2.53\n"
		"ns1.example.test.\t3600\tIN\tAAAA\t2001:db8::53\n"
		"kms2.site.example.test.\t1200\tIN\tA\t192.0.2.20\n");
	free(text);

	/* A stream that cannot be written. */
	out = fopen("/dev/full", "w");
	if (out != NULL) {
		assert_int_equal(zone_image_format_master(img, out, &err),
			KD_EIO);
		assert_string_equal(err.text,
			"zone example.test: writing the master file failed");
		(void)fclose(out);
	}
	zone_image_free(img);
}

static void
test_input_order_irrelevant(void **state)
{
	fixture *f = *state;
	zone_image *img;
	collector first;
	collector second;

	memset(&first, 0, sizeof(first));
	memset(&second, 0, sizeof(second));
	img = build(f);
	assert_int_equal(zone_image_foreach(img, collect, &first), KD_OK);
	zone_image_free(img);

	/* Reverse hosts and addresses. */
	for (size_t i = 0; i < f->host_count / 2; i++) {
		registry_host tmp = f->hosts[i];
		f->hosts[i] = f->hosts[f->host_count - 1 - i];
		f->hosts[f->host_count - 1 - i] = tmp;
	}
	for (size_t i = 0; i < f->addr_count / 2; i++) {
		registry_address tmp = f->addrs[i];
		f->addrs[i] = f->addrs[f->addr_count - 1 - i];
		f->addrs[f->addr_count - 1 - i] = tmp;
	}
	img = build(f);
	assert_int_equal(zone_image_foreach(img, collect, &second), KD_OK);
	zone_image_free(img);
	assert_string_equal(first.text, second.text);
}

/*
 * Every node of IMG either has records or is an ancestor of one that has:
 * the names a secondary derives from the AXFR, no more.
 */
static void
assert_nodes_in_axfr(const zone_image *img)
{
	const size_t count = zone_image_node_count(img);

	for (size_t i = 0; i < count; i++) {
		const zone_node *node = zone_image_node(img, i);
		bool held = node->rr_count > 0 || strcmp(node->name, "@") == 0;
		const size_t len = strlen(node->name);
		for (size_t j = 0; j < count && !held; j++) {
			const zone_node *below = zone_image_node(img, j);
			const size_t blen = strlen(below->name);
			held = below->rr_count > 0 && blen > len + 1 &&
				below->name[blen - len - 1] == '.' &&
				strcmp(below->name + blen - len, node->name) == 0;
		}
		if (!held) {
			fail_msg("node %s has no record and no descendant "
				"with one: not in the AXFR", node->name);
		}
	}
}

static void
test_freshness(void **state)
{
	fixture *f = *state;
	zone_image *img;

	/* Just inside stale-after: served; just past it: not. */
	f->hosts[3].refreshed = NOW - 72 * HOUR + 1;
	f->addrs[3].refreshed = NOW - 72 * HOUR + 1;
	img = build(f);
	assert_node(img, "_vlmcs._tcp", 4);
	assert_node(img, "kms3", 1);
	zone_image_free(img);

	f->hosts[3].refreshed = NOW - 72 * HOUR - 1;
	f->addrs[3].refreshed = NOW - 72 * HOUR - 1;
	img = build(f);
	assert_node(img, "_vlmcs._tcp", 3);
	assert_null(zone_image_find(img, "kms3"));
	zone_image_free(img);

	/* Static registrations never go stale. */
	f->hosts[3].origin = REGISTRY_ORIGIN_STATIC;
	f->hosts[3].refreshed = 0;
	img = build(f);
	assert_node(img, "_vlmcs._tcp", 4);
	zone_image_free(img);

	/* Every registration stale: no _vlmcs._tcp, no _tcp. */
	for (size_t i = 0; i < f->host_count; i++) {
		f->hosts[i].origin = REGISTRY_ORIGIN_UPDATE;
		f->hosts[i].refreshed = NOW - 72 * HOUR - 1;
	}
	img = build(f);
	assert_null(zone_image_find(img, "_vlmcs._tcp"));
	assert_null(zone_image_find(img, "_tcp"));
	assert_nodes_in_axfr(img);
	zone_image_free(img);
}

static void
test_empty_zone(void **state)
{
	fixture *f = *state;
	zone_image *img = NULL;
	kd_err err;
	collector c;

	f->zone.ns_count = 1;
	f->ns[0].address_count = 0;
	assert_int_equal(zone_image_build(&f->zone, NULL, 0, NULL, 0,
		&settings, NOW, &img, &err), KD_OK);
	/*
	 * NXDOMAIN at _vlmcs._tcp and _tcp, as on a secondary: the AXFR
	 * holds no name below them. The marker is there.
	 */
	assert_int_equal(zone_image_node_count(img), 2);
	assert_node(img, "@", 2);
	assert_node(img, "_kmsdns", 1);
	assert_null(zone_image_find(img, "_tcp"));
	assert_null(zone_image_find(img, "_vlmcs._tcp"));
	assert_null(zone_image_find(img, "ns1"));
	assert_nodes_in_axfr(img);
	memset(&c, 0, sizeof(c));
	assert_int_equal(zone_image_foreach(img, collect, &c), KD_OK);
	assert_int_equal(c.count, 3);
	zone_image_free(img);
}

static void
test_deep_names(void **state)
{
	fixture *f = *state;
	zone_image *img;

	f->addr_count = 0;
	f->ns[0].address_count = 0;
	add_addr(f, "a.b.c.example.test", "192.0.2.1", 60,
		REGISTRY_ORIGIN_STATIC, 0);
	add_addr(f, "Example.Test", "192.0.2.2", 60, REGISTRY_ORIGIN_STATIC,
		0);
	add_addr(f, "_x.b.c.example.test", "192.0.2.3", 60,
		REGISTRY_ORIGIN_STATIC, 0);
	img = build(f);
	assert_node(img, "c", 0);
	assert_node(img, "b.c", 0);
	assert_node(img, "a.b.c", 1);
	assert_node(img, "_x.b.c", 1);
	assert_node(img, "@", 4);
	assert_string_equal(zone_image_find(img, "@")->rrs[3].rdata,
		"192.0.2.2");
	assert_string_equal(zone_image_node(img,
		zone_image_node_count(img) - 1)->name, "a.b.c");
	zone_image_free(img);
}

static void
test_bad_input(void **state)
{
	fixture *f = *state;
	zone_image *img = NULL;
	kd_err err;

	strcpy(f->hosts[1].zone, "other.test");
	assert_int_equal(zone_image_build(&f->zone, f->hosts, f->host_count,
		f->addrs, f->addr_count, &settings, NOW, &img, &err),
		KD_EINVAL);
	assert_null(img);
	assert_string_equal(err.text, "zone example.test: the registration "
		"of kms2.site.example.test belongs to zone other.test");
	strcpy(f->hosts[1].zone, "example.test");

	strcpy(f->addrs[2].zone, "other.test");
	assert_int_equal(zone_image_build(&f->zone, f->hosts, f->host_count,
		f->addrs, f->addr_count, &settings, NOW, &img, &err),
		KD_EINVAL);
	assert_string_equal(err.text, "zone example.test: the address of "
		"kms2.site.example.test belongs to zone other.test");
	strcpy(f->addrs[2].zone, "example.test");

	strcpy(f->addrs[0].address, "192.0.2.300");
	assert_int_equal(zone_image_build(&f->zone, f->hosts, f->host_count,
		f->addrs, f->addr_count, &settings, NOW, &img, &err),
		KD_EINVAL);
	assert_string_equal(err.text, "zone example.test: address "
		"\"192.0.2.300\" of kms1.example.test is not an IPv4 or IPv6 "
		"address");
	strcpy(f->addrs[0].address, "192.0.2.10");

	strcpy(f->zone.name, "bad..zone");
	assert_int_equal(zone_image_build(&f->zone, f->hosts, f->host_count,
		f->addrs, f->addr_count, &settings, NOW, &img, &err),
		KD_EINVAL);
	assert_string_equal(err.text, "zone \"bad..zone\": empty label");
	assert_null(img);
	zone_image_free(NULL);
}

static void
test_many_hosts(void **state)
{
	enum { COUNT = 3000 };
	fixture *f = *state;
	registry_host *hosts = calloc(COUNT, sizeof(*hosts));
	registry_address *addrs = calloc(COUNT, sizeof(*addrs));
	zone_image *img = NULL;
	kd_err err = { "" };

	assert_non_null(hosts);
	assert_non_null(addrs);
	for (size_t i = 0; i < COUNT; i++) {
		strcpy(hosts[i].zone, "example.test");
		hosts[i].srv.priority = (uint16_t)(i % 7);
		hosts[i].srv.weight = 10;
		hosts[i].srv.port = 1688;
		hosts[i].srv.ttl = 600;
		(void)snprintf(hosts[i].srv.target, sizeof(hosts[i].srv.target),
			"kms%zu.s%zu.example.test", i, i % 10);
		hosts[i].origin = REGISTRY_ORIGIN_STATIC;
		strcpy(addrs[i].zone, "example.test");
		memcpy(addrs[i].name, hosts[i].srv.target,
			sizeof(addrs[i].name));
		(void)snprintf(addrs[i].address, sizeof(addrs[i].address),
			"10.0.%zu.%zu", i / 256, i % 256);
		addrs[i].ttl = 600;
		addrs[i].origin = REGISTRY_ORIGIN_STATIC;
	}
	assert_int_equal(zone_image_build(&f->zone, hosts, COUNT, addrs,
		COUNT, &settings, NOW, &img, &err), KD_OK);
	/* @, _kmsdns, _tcp, _vlmcs._tcp, ns1, s0-s9, and one per host. */
	assert_int_equal(zone_image_node_count(img), 5 + 10 + COUNT);
	assert_node(img, "_vlmcs._tcp", COUNT);
	for (size_t i = 0; i < COUNT; i++) {
		char rel[64];

		(void)snprintf(rel, sizeof(rel), "kms%zu.s%zu", i, i % 10);
		assert_node(img, rel, 1);
	}
	for (size_t i = 1; i < zone_image_node_count(img); i++) {
		assert_ptr_not_equal(zone_image_node(img, i - 1),
			zone_image_node(img, i));
	}
	zone_image_free(img);
	free(hosts);
	free(addrs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nodes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apex, setup, teardown),
		cmocka_unit_test_setup_teardown(test_srv_and_addresses, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_emit_sites, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_format_srv, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_foreach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_master_file, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_input_order_irrelevant,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_freshness, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_empty_zone, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_deep_names, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_many_hosts, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
