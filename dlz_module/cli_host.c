/*
 * cli_host.c -- kmsdns-registry host add, remove and list.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_out.h"
#include "srv.h"

typedef struct host_add_args {
	uint32_t port, priority, weight, ttl;
	bool has_ttl;
	str_list addresses;
	const char *site;
	/* Built from the above. */
	registry_host host;
	char (*address_items)[REGISTRY_ADDR_MAX];
} host_add_args;

static void
host_add_init(void *args)
{
	host_add_args *a = args;

	a->port = SRV_KMS_PORT;
}

static void
host_add_free(void *args)
{
	host_add_args *a = args;

	str_list_free(&a->addresses);
	free(a->address_items);
}

static int
host_add_option(const cli *c, void *args, int id, const char *option,
	const char *value)
{
	host_add_args *a = args;

	if (id == OPT_ADDRESS) {
		return str_list_push(&a->addresses, value) ? -1 :
			cli_no_memory(c);
	}
	return text_option(c, args, id, option, value);
}

/* ZONE and TARGET of the host commands, checked. */
static int
check_zone_target(const cli *c, char **pos, char *zone, char *target)
{
	int code = check_name(c, NULL, "zone", pos[0], DNAME_OWNER, zone);

	if (code < 0) {
		code = check_name(c, NULL, "target", pos[1], DNAME_HOST,
			target);
	}
	if (code < 0 && dname_label_count(target) < 2) {
		code = cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"target \"%s\" is a single label: give the host's fully "
			"qualified name", pos[1]);
	}
	return code;
}

/*
 * What zone ZONE of DS holds for TARGET, as text for the audit log:
 * "SRV 0 0 1688 kms1.example.test. ttl 3600 site x static; A 192.0.2.1
 * ttl 3600 static"; allocated ("" when nothing), NULL when memory ran out.
 */
static char *
target_text(const registry_dataset *ds, const char *target)
{
	char *text = strdup("");

	for (size_t i = 0; text != NULL && i < ds->host_count; i++) {
		const registry_host *h = &ds->hosts[i];
		char rdata[DNAME_BUF_SIZE + 32];
		if (strcmp(h->srv.target, target) != 0 ||
			srv_format_rdata(&h->srv, rdata, sizeof(rdata)) != KD_OK) {
			continue;
		}
		char *grown = cli_strdup_printf("%s%sSRV %s ttl %" PRIu32
			"%s%s %s", text, text[0] != '\0' ? "; " : "", rdata,
			h->srv.ttl, h->site[0] != '\0' ? " site " : "", h->site,
			registry_origin_name(h->origin));
		free(text);
		text = grown;
	}
	for (size_t i = 0; text != NULL && i < ds->address_count; i++) {
		const registry_address *addr = &ds->addresses[i];
		if (strcmp(addr->name, target) != 0) {
			continue;
		}
		char *grown = cli_strdup_printf("%s%s%s ttl %" PRIu32 " %s",
			text, text[0] != '\0' ? "; " : "", addr->address,
			addr->ttl, registry_origin_name(addr->origin));
		free(text);
		text = grown;
	}
	return text;
}

/*
 * Whether DS holds exactly what host add A asks for: the registration as
 * given and static, no other of TARGET with its port, and (when given)
 * exactly the addresses given, static with the TTL.
 */
static bool
host_as_asked(const host_add_args *a, const registry_dataset *ds)
{
	const registry_host *want = &a->host;
	bool found = false;

	for (size_t i = 0; i < ds->host_count; i++) {
		const registry_host *h = &ds->hosts[i];
		if (strcmp(h->srv.target, want->srv.target) != 0 ||
			h->srv.port != want->srv.port) {
			continue;
		}
		if (found || h->srv.priority != want->srv.priority ||
			h->srv.weight != want->srv.weight ||
			h->srv.ttl != want->srv.ttl ||
			strcmp(h->site, want->site) != 0 ||
			h->origin != REGISTRY_ORIGIN_STATIC) {
			return false;
		}
		found = true;
	}
	if (!found || a->addresses.count == 0) {
		return found;
	}
	size_t matched = 0;
	for (size_t i = 0; i < ds->address_count; i++) {
		const registry_address *addr = &ds->addresses[i];
		if (strcmp(addr->name, want->srv.target) != 0) {
			continue;
		}
		bool given = false;
		for (size_t j = 0; j < a->addresses.count; j++) {
			given = given ||
				strcmp(addr->address, a->address_items[j]) == 0;
		}
		if (!given || addr->ttl != want->srv.ttl ||
			addr->origin != REGISTRY_ORIGIN_STATIC) {
			return false;
		}
		matched++;
	}
	return matched == a->addresses.count;
}

/* Note the change of TARGET in ZONE from OLD_TEXT to what REG holds now. */
static kd_result
host_note_change(const cli *c, registry *reg, const char *zone,
	const char *target, char *old_text, kd_err *err)
{
	registry_dataset ds;
	kd_result ret = registry_load(reg, zone, &ds, err);

	if (ret != KD_OK) {
		free(old_text);
		return ret;
	}
	char *new_text = target_text(&ds, target);
	if (old_text == NULL || new_text == NULL) {
		ret = kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	cli_changed(c, zone, target, old_text, new_text);
	registry_dataset_free(&ds);
	return ret;
}

/* The result of host add and host remove, as text or JSON. */
static void
host_report(const cli *c, const char *zone, const char *target,
	const char *rdata, const char *what)
{
	if (c->json) {
		json_out w;
		change_json_begin(c, &w);
		json_kv_string(&w, "zone", zone);
		json_kv_string(&w, "target", target);
		if (rdata != NULL) {
			json_kv_string(&w, "srv", rdata);
		}
		change_json_end(&w);
	} else if (rdata != NULL) {
		(void)fprintf(c->out, "%s %s in zone %s: %s\n", what, target,
			zone, rdata);
	} else {
		(void)fprintf(c->out, "%s %s in zone %s\n", what, target, zone);
	}
}

/*
 * Store the SRV registration and (when given) the addresses of the
 * target; the TTL is the zone's unless --ttl gives one. Nothing is
 * written when the registry holds them so already.
 */
static kd_result
host_add_change(const cli *c, registry *reg, void *args, kd_err *err)
{
	host_add_args *a = args;
	registry_host *host = &a->host;
	const size_t address_count = a->addresses.count;
	registry_dataset ds;
	kd_result ret = registry_load(reg, host->zone, &ds, err);

	if (ret != KD_OK) {
		return ret;
	}
	host->srv.ttl = a->has_ttl ? a->ttl : ds.zones[0].ttl;
	if (host_as_asked(a, &ds)) {
		registry_dataset_free(&ds);
		return KD_OK;
	}
	char *old_text = target_text(&ds, host->srv.target);
	ret = registry_put_host(reg, host, true, c->now, err);
	/* --address replaces the addresses the name had. */
	for (size_t i = 0; ret == KD_OK && address_count > 0 &&
		i < ds.address_count; i++) {
		const registry_address *old = &ds.addresses[i];
		bool kept = false;
		for (size_t j = 0; j < address_count; j++) {
			kept = kept ||
				strcmp(old->address, a->address_items[j]) == 0;
		}
		if (!kept && strcmp(old->name, host->srv.target) == 0) {
			ret = registry_remove_address(reg, old->zone, old->name,
				old->address, err);
		}
	}
	for (size_t i = 0; ret == KD_OK && i < address_count; i++) {
		registry_address addr;
		memset(&addr, 0, sizeof(addr));
		(void)snprintf(addr.zone, sizeof(addr.zone), "%s", host->zone);
		(void)snprintf(addr.name, sizeof(addr.name), "%s",
			host->srv.target);
		(void)snprintf(addr.address, sizeof(addr.address), "%s",
			a->address_items[i]);
		addr.ttl = host->srv.ttl;
		addr.origin = REGISTRY_ORIGIN_STATIC;
		ret = registry_put_address(reg, &addr, c->now, err);
	}
	registry_dataset_free(&ds);
	if (ret != KD_OK) {
		free(old_text);
		return ret;
	}
	return host_note_change(c, reg, host->zone, host->srv.target,
		old_text, err);
}

static int
run_host_add(cli *c)
{
	host_add_args *a = c->args;
	registry_host *host = &a->host;
	kd_err err = { "" };

	int code = check_zone_target(c, c->pos, host->zone,
		host->srv.target);
	if (code < 0 && a->site != NULL) {
		if (registry_site_validate(a->site, &err) != KD_OK) {
			code = cli_message(c, REGISTRY_CLI_EXIT_USAGE,
				"--site: %s", err.text);
		} else {
			(void)snprintf(host->site, sizeof(host->site), "%s",
				a->site);
		}
	}
	a->address_items = calloc(a->addresses.count + 1,
		sizeof(*a->address_items));
	if (code < 0 && a->address_items == NULL) {
		code = cli_no_memory(c);
	}
	if (code < 0) {
		code = normalize_list(c, "--address", &a->addresses,
			registry_address_normalize, a->address_items[0],
			REGISTRY_ADDR_MAX);
	}
	host->srv.port = (uint16_t)a->port;
	host->srv.priority = (uint16_t)a->priority;
	host->srv.weight = (uint16_t)a->weight;
	host->origin = REGISTRY_ORIGIN_STATIC;
	if (code < 0) {
		code = cli_session(c, false, host_add_change, a);
	}
	if (code < 0) {
		char rdata[DNAME_BUF_SIZE + 32];
		(void)srv_format_rdata(&host->srv, rdata, sizeof(rdata));
		host_report(c, host->zone, host->srv.target, rdata,
			change_text(c, "registered",
			"already registered, unchanged:"));
	}
	return code;
}

static bool
target_registered(const registry_dataset *ds, const char *target)
{
	for (size_t i = 0; i < ds->host_count; i++) {
		if (strcmp(ds->hosts[i].srv.target, target) == 0) {
			return true;
		}
	}
	for (size_t i = 0; i < ds->address_count; i++) {
		if (strcmp(ds->addresses[i].name, target) == 0) {
			return true;
		}
	}
	return false;
}

/* ZONE and TARGET of host remove. */
typedef struct host_key {
	char zone[DNAME_BUF_SIZE];
	char target[DNAME_BUF_SIZE];
} host_key;

static kd_result
host_remove_change(const cli *c, registry *reg, void *ctx, kd_err *err)
{
	const host_key *key = ctx;
	registry_dataset ds;
	kd_result ret = registry_load(reg, key->zone, &ds, err);

	if (ret != KD_OK) {
		return ret;
	}
	if (target_registered(&ds, key->target)) {
		char *old_text = target_text(&ds, key->target);
		ret = registry_remove_target(reg, key->zone, key->target, err);
		if (ret == KD_OK && old_text == NULL) {
			ret = kd_err_set(err, KD_ENOMEM, "out of memory");
		}
		if (ret == KD_OK) {
			cli_changed(c, key->zone, key->target, old_text, NULL);
		} else {
			free(old_text);
		}
	}
	registry_dataset_free(&ds);
	return ret;
}

static int
run_host_remove(cli *c)
{
	host_key key;

	int code = check_zone_target(c, c->pos, key.zone, key.target);
	if (code < 0) {
		code = cli_session(c, false, host_remove_change, &key);
	}
	if (code < 0) {
		host_report(c, key.zone, key.target, NULL, change_text(c,
			"removed", "not registered, unchanged:"));
	}
	return code;
}

/* The A/AAAA records of NAME in ZONE of DS, as the JSON "addresses". */
static void
json_addresses(json_out *w, const registry_dataset *ds, const char *zone,
	const char *name)
{
	char created[CLI_TIME_MAX], refreshed[CLI_TIME_MAX];

	json_key(w, "addresses");
	json_array_begin(w);
	for (size_t j = 0; j < ds->address_count; j++) {
		const registry_address *addr = &ds->addresses[j];
		if (strcmp(addr->zone, zone) != 0 ||
			strcmp(addr->name, name) != 0) {
			continue;
		}
		format_time(addr->created, created, sizeof(created));
		format_time(addr->refreshed, refreshed, sizeof(refreshed));
		json_object_begin(w);
		json_kv_string(w, "address", addr->address);
		json_kv_string(w, "type",
			strchr(addr->address, ':') != NULL ? "AAAA" : "A");
		json_kv_int(w, "ttl", addr->ttl);
		json_kv_string(w, "origin", registry_origin_name(addr->origin));
		json_kv_string(w, "signer", addr->signer);
		json_kv_string(w, "created", created);
		json_kv_string(w, "refreshed", refreshed);
		json_kv_string(w, "state", registry_state_name(addr->state));
		json_object_end(w);
	}
	json_array_end(w);
}

/*
 * Whether address INDEX of DS is the first one of a name without SRV
 * registration in its zone (listed once, after the registrations).
 */
static bool
address_only_name(const registry_dataset *ds, size_t index)
{
	const registry_address *addr = &ds->addresses[index];

	for (size_t i = 0; i < ds->host_count; i++) {
		if (strcmp(ds->hosts[i].zone, addr->zone) == 0 &&
			strcmp(ds->hosts[i].srv.target, addr->name) == 0) {
			return false;
		}
	}
	for (size_t i = 0; i < index; i++) {
		if (strcmp(ds->addresses[i].zone, addr->zone) == 0 &&
			strcmp(ds->addresses[i].name, addr->name) == 0) {
			return false;
		}
	}
	return true;
}

/*
 * Every SRV registration with the addresses of its target, then every
 * other name with addresses, its SRV keys null: all that export serves.
 */
static void
host_list_json(const cli *c, const registry_dataset *ds)
{
	static const char *const srv_keys[] = {
		"priority", "weight", "port", "ttl", "site", "origin", "signer",
		"created", "refreshed", "state",
	};
	json_out w;
	char created[CLI_TIME_MAX], refreshed[CLI_TIME_MAX];

	json_init(&w, c->out);
	json_array_begin(&w);
	for (size_t i = 0; i < ds->host_count; i++) {
		const registry_host *h = &ds->hosts[i];
		format_time(h->created, created, sizeof(created));
		format_time(h->refreshed, refreshed, sizeof(refreshed));
		json_object_begin(&w);
		json_kv_string(&w, "zone", h->zone);
		json_kv_string(&w, "target", h->srv.target);
		json_kv_int(&w, "priority", h->srv.priority);
		json_kv_int(&w, "weight", h->srv.weight);
		json_kv_int(&w, "port", h->srv.port);
		json_kv_int(&w, "ttl", h->srv.ttl);
		json_kv_string(&w, "site", h->site);
		json_kv_string(&w, "origin", registry_origin_name(h->origin));
		json_kv_string(&w, "signer", h->signer);
		json_kv_string(&w, "created", created);
		json_kv_string(&w, "refreshed", refreshed);
		json_kv_string(&w, "state", registry_state_name(h->state));
		json_addresses(&w, ds, h->zone, h->srv.target);
		json_object_end(&w);
	}
	for (size_t i = 0; i < ds->address_count; i++) {
		const registry_address *addr = &ds->addresses[i];
		if (!address_only_name(ds, i)) {
			continue;
		}
		json_object_begin(&w);
		json_kv_string(&w, "zone", addr->zone);
		json_kv_string(&w, "target", addr->name);
		for (size_t k = 0; k < sizeof(srv_keys) / sizeof(srv_keys[0]);
			k++) {
			json_key(&w, srv_keys[k]);
			json_null(&w);
		}
		json_addresses(&w, ds, addr->zone, addr->name);
		json_object_end(&w);
	}
	json_array_end(&w);
	json_end_document(&w);
}

/* The addresses of TARGET in ZONE of DS: "192.0.2.1, 2001:db8::1". */
static char *
host_addresses(const registry_dataset *ds, const char *zone,
	const char *target)
{
	char *text = strdup("");

	for (size_t i = 0; text != NULL && i < ds->address_count; i++) {
		const registry_address *addr = &ds->addresses[i];
		if (strcmp(addr->zone, zone) != 0 ||
			strcmp(addr->name, target) != 0) {
			continue;
		}
		char *grown = cli_strdup_printf("%s%s%s", text,
			text[0] != '\0' ? ", " : "", addr->address);
		free(text);
		text = grown;
	}
	return text;
}

static int
host_list_text(const cli *c, const registry_dataset *ds)
{
	static const char *const header[] = {
		"ZONE", "TARGET", "PRIORITY", "WEIGHT", "PORT", "TTL", "SITE",
		"ORIGIN", "SIGNER", "CREATED", "REFRESHED", "STATE", "ADDRESSES",
	};
	table t;

	table_init(&t, 13, header);
	for (size_t i = 0; i < ds->host_count; i++) {
		const registry_host *h = &ds->hosts[i];
		char priority[8], weight[8], port[8], ttl[16];
		char created[CLI_TIME_MAX], refreshed[CLI_TIME_MAX];
		(void)snprintf(priority, sizeof(priority), "%u",
			(unsigned)h->srv.priority);
		(void)snprintf(weight, sizeof(weight), "%u",
			(unsigned)h->srv.weight);
		(void)snprintf(port, sizeof(port), "%u", (unsigned)h->srv.port);
		(void)snprintf(ttl, sizeof(ttl), "%" PRIu32, h->srv.ttl);
		format_time(h->created, created, sizeof(created));
		format_time(h->refreshed, refreshed, sizeof(refreshed));
		char *addresses = host_addresses(ds, h->zone, h->srv.target);
		const char *row[] = {
			h->zone, h->srv.target, priority, weight, port, ttl,
			h->site, registry_origin_name(h->origin), h->signer,
			created, refreshed, registry_state_name(h->state),
			addresses,
		};
		t.failed = t.failed || addresses == NULL;
		table_add(&t, row);
		free(addresses);
	}
	for (size_t i = 0; i < ds->address_count; i++) {
		const registry_address *addr = &ds->addresses[i];
		if (!address_only_name(ds, i)) {
			continue;
		}
		char *addresses = host_addresses(ds, addr->zone, addr->name);
		const char *row[13] = { addr->zone, addr->name };
		row[12] = addresses;
		t.failed = t.failed || addresses == NULL;
		table_add(&t, row);
		free(addresses);
	}
	return table_finish(c, &t);
}

/* ---- the command table ----------------------------------------------- */

static const struct option options_host_add[] = {
	{ "address", required_argument, NULL, OPT_ADDRESS },
	OPTIONS_COMMON,
};

const cli_command cli_host_commands[] = {
	{
		.group = "host", .action = "add", .run = run_host_add,
		.positional = "ZONE TARGET", .min_args = 2, .max_args = 2,
		.options = options_host_add, .on_option = host_add_option,
		.texts = CLI_TEXTS(CLI_TEXT("site", OPT_SITE, host_add_args,
			site)),
		.numbers = CLI_NUMBERS(
			CLI_NUMBER("port", OPT_PORT, host_add_args, port, 1,
				65535),
			CLI_NUMBER("priority", OPT_PRIORITY, host_add_args,
				priority, 0, 65535),
			CLI_NUMBER("weight", OPT_WEIGHT, host_add_args, weight,
				0, 65535),
			CLI_NUMBER_NOTED("ttl", OPT_TTL, host_add_args, ttl,
				has_ttl, 0, CLI_TTL_MAX)),
		.args_size = sizeof(host_add_args),
		.init_args = host_add_init, .free_args = host_add_free,
		.synopsis = "ZONE TARGET [--port PORT] [--priority N]\n"
			"    [--weight N] [--ttl SECONDS] [--address IP]... "
			"[--site NAME]",
		.summary = "Register the KMS host TARGET (its fully qualified "
			"name) in ZONE as a\nstatic _vlmcs._tcp SRV record, "
			"replacing other registrations of TARGET\nwith the "
			"same port.",
		.details =
			"  --port PORT        KMS port (default 1688)\n"
			"  --priority N       SRV priority, 0-65535 (default 0)\n"
			"  --weight N         SRV weight, 0-65535 (default 0)\n"
			"  --ttl SECONDS      TTL (default: the zone's TTL)\n"
			"  --address IP       an A/AAAA record of TARGET, which "
			"must then be inside\n"
			"                     ZONE; given addresses replace the "
			"ones TARGET had\n"
			"  --site NAME        the site of the host (see site "
			"add)\n"
			"\nStatic registrations never go stale. Registering "
			"what is registered\n"
			"already changes nothing (\"changed\": false).\n"
			"JSON: {\"changed\", \"command\", \"zone\", "
			"\"target\", \"srv\"}\n",
	},
	{
		.group = "host", .action = "remove", .run = run_host_remove,
		.synopsis = "ZONE TARGET", .positional = "ZONE TARGET",
		.min_args = 2, .max_args = 2,
		.summary = "Remove every SRV registration and address of "
			"TARGET in ZONE; nothing\nregistered is fine "
			"(\"changed\": false).",
	},
	{
		.group = "host", .action = "list", .max_args = 1,
		.synopsis = "[ZONE] [--json]",
		CLI_LIST(host_list_json, host_list_text),
		.summary = "List the SRV registrations (of ZONE, or of all "
			"zones) with their state\nnow and their addresses, "
			"then the names with addresses but no SRV\n"
			"registration.",
		.details =
			"Columns: zone, target, priority, weight, port, ttl, "
			"site, origin (static or\n"
			"update), signer, created, refreshed (ISO 8601 UTC), "
			"state (active, stale,\n"
			"expired), addresses (the A/AAAA records of the "
			"target); a name without SRV\n"
			"registration shows only its zone, name and "
			"addresses.\n"
			"JSON: [{\"zone\", \"target\", \"priority\", "
			"\"weight\", \"port\", \"ttl\", \"site\",\n"
			"  \"origin\", \"signer\", \"created\", "
			"\"refreshed\", \"state\", \"addresses\":\n"
			"  [{\"address\", \"type\", \"ttl\", \"origin\", "
			"\"signer\", \"created\", \"refreshed\",\n"
			"  \"state\"}]}]; for a name without SRV "
			"registration \"priority\" to \"state\"\n"
			"  are null.\n",
	},
	CLI_COMMANDS_END,
};
