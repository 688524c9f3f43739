/*
 * cli_catalog.c -- kmsdns-registry catalog set, unset and show: the
 * catalog zone (RFC 9432) that lists the registry's zones for secondaries.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_out.h"
#include "registry_catalog.h"

typedef struct catalog_set_args {
	cli_peers peers;
	registry_catalog catalog;
} catalog_set_args;

static void
catalog_set_free(void *args)
{
	peers_free(&((catalog_set_args *)args)->peers);
}

static int
catalog_set_option(const cli *c, void *args, int id, const char *option,
	const char *value)
{
	catalog_set_args *a = args;

	return peers_option_id(id) ? peers_option(c, &a->peers, id, value) :
		no_options(c, args, id, option, value);
}

static kd_result
catalog_set_change(const cli *c, registry *reg, void *args, kd_err *err)
{
	catalog_set_args *a = args;
	bool found = false;
	kd_result ret = registry_catalog_set(reg, &a->catalog, c->now, err);

	if (ret == KD_OK) { /* the serial it got */
		registry_catalog stored;
		ret = registry_catalog_get(reg, &stored, &found, err);
		a->catalog.serial = stored.serial;
		registry_catalog_free(&stored);
	}
	return ret;
}

static int
run_catalog_set(cli *c)
{
	catalog_set_args *a = c->args;

	int code = check_name(c, NULL, "catalog zone", c->pos[0],
		DNAME_OWNER, a->catalog.name);
	if (code < 0) {
		code = peers_check(c, &a->peers);
	}
	if (code >= 0) {
		return code;
	}
	a->catalog.peers = a->peers.items; /* still owned by a->peers */
	code = cli_session(c, false, catalog_set_change, a);
	if (code < 0) {
		(void)fprintf(c->out, "catalog zone %s (serial %" PRIu32 ")\n",
			a->catalog.name, a->catalog.serial);
	}
	return code;
}

static kd_result
catalog_unset_change(const cli *c, registry *reg, void *args, kd_err *err)
{
	(void)c;
	(void)args;
	return registry_catalog_unset(reg, err);
}

static int
run_catalog_unset(cli *c)
{
	const int code = cli_session(c, false, catalog_unset_change, NULL);
	if (code < 0) {
		(void)fprintf(c->out, "catalog zone removed\n");
	}
	return code;
}

/* ---- show ------------------------------------------------------------- */

typedef struct catalog_show_args {
	registry_catalog catalog;
	bool found;
	registry_catalog_entry *entries;
	size_t count;
} catalog_show_args;

static void
catalog_show_free(void *args)
{
	catalog_show_args *a = args;

	registry_catalog_free(&a->catalog);
	free(a->entries);
}

static kd_result
catalog_show_read(const cli *c, registry *reg, void *args, kd_err *err)
{
	catalog_show_args *a = args;
	kd_result ret = registry_catalog_get(reg, &a->catalog, &a->found, err);

	(void)c;
	if (ret == KD_OK) {
		ret = registry_catalog_entries(reg, false, &a->entries,
			&a->count, err);
	}
	return ret;
}

static const cli_field catalog_fields[] = {
	CLI_FIELD("zone", "ZONE", registry_catalog_entry, zone),
	CLI_FIELD("id", "ID", registry_catalog_entry, id),
	CLI_FIELD("member", "MEMBER", registry_catalog_entry, member),
};

static void
catalog_show_json(const cli *c, const catalog_show_args *a,
	const cli_rows *rows)
{
	json_out w;

	json_init(&w, c->out);
	json_object_begin(&w);
	json_key(&w, "catalog");
	if (a->found) {
		json_string(&w, a->catalog.name);
	} else {
		json_null(&w);
	}
	json_key(&w, "serial");
	if (a->found) {
		json_uint(&w, a->catalog.serial);
	} else {
		json_null(&w);
	}
	json_kv_list(&w, "allow_transfer",
		(const char *)a->catalog.peers.allow_transfer,
		REGISTRY_PREFIX_MAX, a->catalog.peers.allow_transfer_count);
	json_kv_list(&w, "notify", (const char *)a->catalog.peers.notify,
		REGISTRY_ENDPOINT_MAX, a->catalog.peers.notify_count);
	json_key(&w, "zones");
	cli_rows_json(&w, rows);
	json_object_end(&w);
	json_end_document(&w);
}

static int
catalog_show_text(const cli *c, const catalog_show_args *a,
	const cli_rows *rows)
{
	const registry_peers *peers = &a->catalog.peers;

	if (!a->found) {
		(void)fprintf(c->out, "no catalog zone is set\n");
	} else {
		(void)fprintf(c->out, "catalog zone    %s\nserial          %"
			PRIu32 "\n", a->catalog.name, a->catalog.serial);
		for (size_t i = 0; i < peers->allow_transfer_count; i++) {
			(void)fprintf(c->out, "allow-transfer  %s\n",
				peers->allow_transfer[i]);
		}
		for (size_t i = 0; i < peers->notify_count; i++) {
			(void)fprintf(c->out, "notify          %s\n",
				peers->notify[i]);
		}
	}
	(void)fprintf(c->out, "\n");
	return cli_rows_table(c, rows);
}

static int
run_catalog_show(cli *c)
{
	catalog_show_args *a = c->args;

	const int code = cli_session(c, true, catalog_show_read, a);
	if (code >= 0) {
		return code;
	}
	const cli_rows rows = CLI_ROWS(catalog_fields, a->entries,
		a->count);
	if (c->json) {
		catalog_show_json(c, a, &rows);
		return -1;
	}
	return catalog_show_text(c, a, &rows);
}

/* ---- the command table ----------------------------------------------- */

static const struct option options_catalog_set[] = {
	OPTIONS_PEERS,
	OPTIONS_COMMON,
};

const cli_command cli_catalog_commands[] = {
	{
		.group = "catalog", .action = "set", .run = run_catalog_set,
		.positional = "NAME", .min_args = 1, .max_args = 1,
		.options = options_catalog_set,
		.on_option = catalog_set_option,
		.args_size = sizeof(catalog_set_args),
		.free_args = catalog_set_free,
		.synopsis = "NAME [--allow-transfer ADDR[/LEN]]... "
			"[--notify ADDR[#PORT]]...",
		.summary = "Serve the catalog zone NAME (RFC 9432) listing "
			"the registry's zones,\nso that secondaries follow "
			"them; replaces the catalog set before.",
		.details =
			"  --allow-transfer ADDR[/LEN]  who may transfer the "
			"catalog (AXFR/IXFR)\n"
			"  --notify ADDR[#PORT]    where to send NOTIFY when the "
			"member zones change\n"
			"\nEvery zone is a member unless added with --no-catalog. "
			"The serial starts at\nthe current UNIX time and grows "
			"whenever the member zones change.\n",
	},
	{
		.group = "catalog", .action = "unset", .synopsis = "",
		.run = run_catalog_unset,
		.summary = "Stop serving the catalog zone.",
	},
	{
		.group = "catalog", .action = "show", .synopsis = "[--json]",
		.run = run_catalog_show, .args_size = sizeof(catalog_show_args),
		.free_args = catalog_show_free,
		.summary = "Show the catalog zone and every zone's id and "
			"membership.",
		.details = "JSON: {\"catalog\" (null when none is set), "
			"\"serial\", \"allow_transfer\": [],\n"
			"  \"notify\": [], \"zones\": [{\"zone\", \"id\", "
			"\"member\"}]}\n",
	},
	CLI_COMMANDS_END,
};
