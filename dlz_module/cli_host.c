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

	switch (id) {
	case OPT_PORT:
		return parse_number(c, option, value, 1, 65535, &a->port);
	case OPT_PRIORITY:
		return parse_number(c, option, value, 0, 65535, &a->priority);
	case OPT_WEIGHT:
		return parse_number(c, option, value, 0, 65535, &a->weight);
	case OPT_TTL:
		a->has_ttl = true;
		return parse_number(c, option, value, 0, CLI_TTL_MAX, &a->ttl);
	case OPT_ADDRESS:
		return str_list_push(&a->addresses, value) ? -1 :
			cli_no_memory(c);
	case OPT_SITE:
		a->site = value;
		return -1;
	default:
		return no_options(c, args, id, option, value);
	}
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
 * Store the SRV registration and (when given) the addresses of the
 * target; the TTL is the zone's unless --ttl gives one.
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
	return ret;
}

static int
run_host_add(cli *c, const cli_command *cmd, void *args, char **pos,
	int count)
{
	host_add_args *a = args;
	registry_host *host = &a->host;
	kd_err err = { "" };

	(void)cmd;
	(void)count;
	int code = check_zone_target(c, pos, host->zone, host->srv.target);
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
		(void)fprintf(c->out, "registered %s in zone %s: %s\n",
			host->srv.target, host->zone, rdata);
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

	(void)c;
	if (ret != KD_OK) {
		return ret;
	}
	if (!target_registered(&ds, key->target)) {
		ret = kd_err_set(err, KD_ENOENT,
			"%s is not registered in zone %s", key->target,
			key->zone);
	} else {
		ret = registry_remove_target(reg, key->zone, key->target, err);
	}
	registry_dataset_free(&ds);
	return ret;
}

static int
run_host_remove(cli *c, const cli_command *cmd, void *args, char **pos,
	int count)
{
	host_key key;

	(void)cmd;
	(void)args;
	(void)count;
	int code = check_zone_target(c, pos, key.zone, key.target);
	if (code < 0) {
		code = cli_session(c, false, host_remove_change, &key);
	}
	if (code < 0) {
		(void)fprintf(c->out, "removed %s from zone %s\n", key.target,
			key.zone);
	}
	return code;
}

static void
host_list_json(const cli *c, const registry_dataset *ds)
{
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
		json_object_end(&w);
	}
	json_array_end(&w);
	json_end_document(&w);
}

static int
host_list_text(const cli *c, const registry_dataset *ds)
{
	static const char *const header[] = {
		"ZONE", "TARGET", "PRIORITY", "WEIGHT", "PORT", "TTL", "SITE",
		"ORIGIN", "SIGNER", "CREATED", "REFRESHED", "STATE",
	};
	table t;

	table_init(&t, 12, header);
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
		const char *row[] = {
			h->zone, h->srv.target, priority, weight, port, ttl,
			h->site, registry_origin_name(h->origin), h->signer,
			created, refreshed, registry_state_name(h->state),
		};
		table_add(&t, row);
	}
	return table_finish(c, &t);
}

/* ---- the command table ----------------------------------------------- */

static const struct option options_host_add[] = {
	{ "port", required_argument, NULL, OPT_PORT },
	{ "priority", required_argument, NULL, OPT_PRIORITY },
	{ "weight", required_argument, NULL, OPT_WEIGHT },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "address", required_argument, NULL, OPT_ADDRESS },
	{ "site", required_argument, NULL, OPT_SITE },
	OPTIONS_COMMON,
};

const cli_command cli_host_commands[] = {
	{
		.group = "host", .action = "add",
		.synopsis = "ZONE TARGET [--port PORT] [--priority N]\n"
			"    [--weight N] [--ttl SECONDS] [--address IP]... "
			"[--site NAME]",
		.positional = "ZONE TARGET",
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
			"\nStatic registrations never go stale.\n",
		.options = options_host_add, .min_args = 2, .max_args = 2,
		.run = run_host_add, .on_option = host_add_option,
		.args_size = sizeof(host_add_args),
		.init_args = host_add_init, .free_args = host_add_free,
	},
	{
		.group = "host", .action = "remove",
		.synopsis = "ZONE TARGET",
		.positional = "ZONE TARGET",
		.summary = "Remove every SRV registration and address of "
			"TARGET in ZONE.",
		.details = "",
		.options = options_none, .min_args = 2, .max_args = 2,
		.run = run_host_remove, .on_option = no_options,
	},
	{
		.group = "host", .action = "list",
		.synopsis = "[ZONE] [--json]",
		.positional = "ZONE",
		.summary = "List the SRV registrations (of ZONE, or of all "
			"zones) with their state\nnow.",
		.details =
			"Columns: zone, target, priority, weight, port, ttl, "
			"site, origin (static or\n"
			"update), signer, created, refreshed (ISO 8601 UTC), "
			"state (active, stale,\n"
			"expired).\n"
			"JSON: [{\"zone\", \"target\", \"priority\", "
			"\"weight\", \"port\", \"ttl\", \"site\",\n"
			"  \"origin\", \"signer\", \"created\", "
			"\"refreshed\", \"state\"}]\n",
		.options = options_list, .min_args = 0, .max_args = 1,
		.run = run_list, .on_option = list_option,
		.list_json = host_list_json, .list_text = host_list_text,
		.args_size = sizeof(list_args),
	},
	CLI_COMMANDS_END,
};
