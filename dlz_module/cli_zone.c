/*
 * cli_zone.c -- kmsdns-registry zone add, remove and list.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_out.h"
#include "registry_catalog.h"

typedef struct zone_add_args {
	str_list ns;
	str_list transfer;
	str_list notify;
	const char *mname;
	const char *rname;
	uint32_t ttl;
	bool no_catalog;
	/* Built from the above. */
	registry_ns *ns_items;
	size_t ns_count;
	char (*transfer_items)[REGISTRY_PREFIX_MAX];
	char (*notify_items)[REGISTRY_ENDPOINT_MAX];
	registry_zone zone;
	/* What the registry then holds. */
	char added[DNAME_BUF_SIZE];
	uint32_t serial;
} zone_add_args;

static void
zone_add_init(void *args)
{
	zone_add_args *a = args;

	a->ttl = REGISTRY_DEFAULT_TTL;
}

static void
zone_add_free(void *args)
{
	zone_add_args *a = args;

	for (size_t i = 0; i < a->ns_count; i++) {
		free(a->ns_items[i].addresses);
	}
	free(a->ns_items);
	free(a->transfer_items);
	free(a->notify_items);
	str_list_free(&a->ns);
	str_list_free(&a->transfer);
	str_list_free(&a->notify);
}

static int
zone_add_option(const cli *c, void *args, int id, const char *option,
	const char *value)
{
	zone_add_args *a = args;
	bool pushed = true;

	switch (id) {
	case OPT_NS:
		pushed = str_list_push(&a->ns, value);
		break;
	case OPT_ALLOW_TRANSFER:
		pushed = str_list_push(&a->transfer, value);
		break;
	case OPT_NOTIFY:
		pushed = str_list_push(&a->notify, value);
		break;
	case OPT_SOA_MNAME:
		a->mname = value;
		break;
	case OPT_SOA_RNAME:
		a->rname = value;
		break;
	case OPT_TTL:
		return parse_number(c, option, value, 0, CLI_TTL_MAX, &a->ttl);
	case OPT_NO_CATALOG:
		a->no_catalog = true;
		break;
	default:
		return no_options(c, args, id, option, value);
	}
	return pushed ? -1 : cli_no_memory(c);
}

/* "NAME[=ADDR[,ADDR...]]" of --ns into NS. */
static int
parse_ns(const cli *c, const char *text, registry_ns *ns)
{
	char name[DNAME_BUF_SIZE + 1];
	const char *equals = strchr(text, '=');
	const size_t name_len = equals != NULL ? (size_t)(equals - text) :
		strlen(text);

	if (name_len >= sizeof(name)) {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"--ns: name server \"%.40s...\" is too long", text);
	}
	memcpy(name, text, name_len);
	name[name_len] = '\0';
	const int code = check_name(c, "--ns", "name server", name, DNAME_HOST,
		ns->name);
	if (code >= 0 || equals == NULL) {
		return code;
	}

	const char *list = equals + 1;
	size_t count = 1;
	for (const char *p = list; *p != '\0'; p++) {
		count += *p == ',';
	}
	ns->addresses = calloc(count, sizeof(*ns->addresses));
	if (ns->addresses == NULL) {
		return cli_no_memory(c);
	}
	while (ns->address_count < count) {
		char address[REGISTRY_ADDR_MAX + 1];
		const size_t len = strcspn(list, ",");
		kd_err err;
		if (len == 0) {
			return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
				"--ns: \"%s\": empty address", text);
		}
		(void)snprintf(address, sizeof(address), "%.*s", (int)len,
			list);
		if (len >= sizeof(address) ||
			registry_address_normalize(address,
			ns->addresses[ns->address_count], REGISTRY_ADDR_MAX,
			&err) != KD_OK) {
			return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
				"--ns: \"%.*s\" is not an IPv4 or IPv6 address",
				(int)len, list);
		}
		ns->address_count++;
		list += len + (list[len] == ',');
	}
	return -1;
}

/*
 * The SOA RNAME from --soa-rname: a mailbox "hostmaster@example.test"
 * becomes "hostmaster.example.test"; a name stays as it is.
 */
static int
parse_rname(const cli *c, const char *text, char *out)
{
	char name[DNAME_BUF_SIZE + 2];
	const char *at = strchr(text, '@');

	if (at == NULL) {
		return check_name(c, "--soa-rname", "mailbox", text,
			DNAME_OWNER, out);
	}
	const size_t local_len = (size_t)(at - text);
	if (local_len == 0 || memchr(text, '.', local_len) != NULL ||
		strchr(at + 1, '@') != NULL) {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"--soa-rname: \"%s\" is not a mailbox like "
			"hostmaster@example.test (no '.' before the '@')",
			text);
	}
	const int n = snprintf(name, sizeof(name), "%.*s.%s", (int)local_len,
		text, at + 1);
	if (n < 0 || (size_t)n >= sizeof(name)) {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"--soa-rname: \"%.40s...\" is too long", text);
	}
	return check_name(c, "--soa-rname", "mailbox", name, DNAME_OWNER,
		out);
}

static int
zone_add_build(const cli *c, zone_add_args *a, const char *name,
	registry_zone *zone)
{
	memset(zone, 0, sizeof(*zone));
	int code = check_name(c, NULL, "zone", name, DNAME_OWNER, zone->name);
	if (code >= 0) {
		return code;
	}
	if (a->ns.count == 0) {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"zone add: at least one --ns is required");
	}
	a->ns_items = calloc(a->ns.count, sizeof(*a->ns_items));
	a->transfer_items = calloc(a->transfer.count + 1,
		sizeof(*a->transfer_items));
	a->notify_items = calloc(a->notify.count + 1,
		sizeof(*a->notify_items));
	if (a->ns_items == NULL || a->transfer_items == NULL ||
		a->notify_items == NULL) {
		return cli_no_memory(c);
	}
	for (size_t i = 0; i < a->ns.count; i++) {
		a->ns_count++;
		code = parse_ns(c, a->ns.items[i], &a->ns_items[i]);
		if (code >= 0) {
			return code;
		}
	}
	if (a->mname != NULL) {
		code = check_name(c, "--soa-mname", "name", a->mname,
			DNAME_HOST, zone->soa_mname);
	}
	if (code < 0 && a->rname != NULL) {
		code = parse_rname(c, a->rname, zone->soa_rname);
	}
	if (code < 0) {
		code = normalize_list(c, "--allow-transfer", &a->transfer,
			registry_prefix_normalize, a->transfer_items[0],
			REGISTRY_PREFIX_MAX);
	}
	if (code < 0) {
		code = normalize_list(c, "--notify", &a->notify,
			registry_endpoint_normalize, a->notify_items[0],
			REGISTRY_ENDPOINT_MAX);
	}
	zone->ns = a->ns_items;
	zone->ns_count = a->ns_count;
	zone->allow_transfer = a->transfer_items;
	zone->allow_transfer_count = a->transfer.count;
	zone->notify = a->notify_items;
	zone->notify_count = a->notify.count;
	zone->ttl = a->ttl;
	zone->refresh = REGISTRY_DEFAULT_SOA_REFRESH;
	zone->retry = REGISTRY_DEFAULT_SOA_RETRY;
	zone->expire = REGISTRY_DEFAULT_SOA_EXPIRE;
	zone->minimum = a->ttl;
	return code;
}

static kd_result
zone_add_change(const cli *c, registry *reg, void *args, kd_err *err)
{
	zone_add_args *a = args;
	registry_dataset ds;
	kd_result ret = registry_add_zone(reg, &a->zone, c->now, err);

	if (ret == KD_OK && a->no_catalog) {
		ret = registry_set_zone_catalog(reg, a->zone.name, false, err);
	}
	if (ret == KD_OK) {
		ret = registry_load(reg, a->zone.name, &ds, err);
	}
	if (ret == KD_OK) {
		(void)snprintf(a->added, sizeof(a->added), "%s",
			ds.zones[0].name);
		a->serial = ds.zones[0].serial;
		registry_dataset_free(&ds);
	}
	return ret;
}

static int
run_zone_add(cli *c, const cli_command *cmd, void *args, char **pos,
	int count)
{
	zone_add_args *a = args;

	(void)cmd;
	(void)count;
	int code = zone_add_build(c, a, pos[0], &a->zone);
	if (code < 0) {
		code = cli_session(c, false, zone_add_change, a);
	}
	if (code < 0) {
		(void)fprintf(c->out, "added zone %s (serial %" PRIu32 ")\n",
			a->added, a->serial);
		/* BIND makes a DLZ zone updatable only when it configures
		 * the module (shared/reference/dlz-update-flow.md, 5). */
		(void)fprintf(c->out, "note: a running named serves zone %s "
			"at its next registry poll; dynamic updates to it are "
			"refused (NOTAUTH) until `rndc reconfig`\n", a->added);
	}
	return code;
}

static kd_result
zone_remove_change(const cli *c, registry *reg, void *zone, kd_err *err)
{
	(void)c;
	return registry_remove_zone(reg, zone, err);
}

static int
run_zone_remove(cli *c, const cli_command *cmd, void *args, char **pos,
	int count)
{
	char zone[DNAME_BUF_SIZE];

	(void)cmd;
	(void)args;
	(void)count;
	const int code = zone_session(c, pos[0], false, zone_remove_change,
		zone);
	if (code < 0) {
		(void)fprintf(c->out, "removed zone %s\n", zone);
	}
	return code;
}

/* The number of SRV registrations of each zone, in zone order. */
static size_t
hosts_of_zone(const registry_dataset *ds, const char *zone, size_t *cursor)
{
	size_t n = 0;

	while (*cursor < ds->host_count &&
		strcmp(ds->hosts[*cursor].zone, zone) < 0) {
		(*cursor)++;
	}
	while (*cursor < ds->host_count &&
		strcmp(ds->hosts[*cursor].zone, zone) == 0) {
		n++;
		(*cursor)++;
	}
	return n;
}

static void
zone_list_json(const cli *c, const registry_dataset *ds)
{
	json_out w;
	size_t cursor = 0;

	json_init(&w, c->out);
	json_array_begin(&w);
	for (size_t i = 0; i < ds->zone_count; i++) {
		const registry_zone *z = &ds->zones[i];
		json_object_begin(&w);
		json_kv_string(&w, "zone", z->name);
		json_kv_int(&w, "serial", z->serial);
		json_kv_int(&w, "ttl", z->ttl);
		json_key(&w, "soa");
		json_object_begin(&w);
		json_kv_string(&w, "mname", z->soa_mname);
		json_kv_string(&w, "rname", z->soa_rname);
		json_kv_int(&w, "refresh", z->refresh);
		json_kv_int(&w, "retry", z->retry);
		json_kv_int(&w, "expire", z->expire);
		json_kv_int(&w, "minimum", z->minimum);
		json_object_end(&w);
		json_key(&w, "ns");
		json_array_begin(&w);
		for (size_t j = 0; j < z->ns_count; j++) {
			json_object_begin(&w);
			json_kv_string(&w, "name", z->ns[j].name);
			json_key(&w, "addresses");
			json_array_begin(&w);
			for (size_t k = 0; k < z->ns[j].address_count; k++) {
				json_string(&w, z->ns[j].addresses[k]);
			}
			json_array_end(&w);
			json_object_end(&w);
		}
		json_array_end(&w);
		json_key(&w, "allow_transfer");
		json_array_begin(&w);
		for (size_t j = 0; j < z->allow_transfer_count; j++) {
			json_string(&w, z->allow_transfer[j]);
		}
		json_array_end(&w);
		json_key(&w, "notify");
		json_array_begin(&w);
		for (size_t j = 0; j < z->notify_count; j++) {
			json_string(&w, z->notify[j]);
		}
		json_array_end(&w);
		json_kv_int(&w, "hosts", (int64_t)hosts_of_zone(ds, z->name,
			&cursor));
		json_object_end(&w);
	}
	json_array_end(&w);
	json_end_document(&w);
}

/* Join COUNT strings of SIZE bytes at ITEMS with ", " into a new string. */
static char *
join_list(const char *items, size_t size, size_t count)
{
	size_t len = 1;

	for (size_t i = 0; i < count; i++) {
		len += strlen(items + i * size) + 2;
	}
	char *text = malloc(len);
	if (text == NULL) {
		return NULL;
	}
	text[0] = '\0';
	for (size_t i = 0; i < count; i++) {
		if (i > 0) {
			strcat(text, ", ");
		}
		strcat(text, items + i * size);
	}
	return text;
}

/* "ns1.example.test (192.0.2.53), ns.provider.test" */
static char *
join_ns(const registry_zone *z)
{
	size_t len = 1;

	for (size_t i = 0; i < z->ns_count; i++) {
		len += strlen(z->ns[i].name) + 5;
		for (size_t j = 0; j < z->ns[i].address_count; j++) {
			len += strlen(z->ns[i].addresses[j]) + 2;
		}
	}
	char *text = malloc(len);
	if (text == NULL) {
		return NULL;
	}
	text[0] = '\0';
	for (size_t i = 0; i < z->ns_count; i++) {
		strcat(text, i > 0 ? ", " : "");
		strcat(text, z->ns[i].name);
		for (size_t j = 0; j < z->ns[i].address_count; j++) {
			strcat(text, j == 0 ? " (" : " ");
			strcat(text, z->ns[i].addresses[j]);
		}
		strcat(text, z->ns[i].address_count > 0 ? ")" : "");
	}
	return text;
}

static int
zone_list_text(const cli *c, const registry_dataset *ds)
{
	static const char *const header[] = {
		"ZONE", "SERIAL", "TTL", "HOSTS", "NAME SERVERS",
		"ALLOW-TRANSFER", "NOTIFY",
	};
	table t;
	size_t cursor = 0;

	table_init(&t, 7, header);
	for (size_t i = 0; i < ds->zone_count; i++) {
		const registry_zone *z = &ds->zones[i];
		char serial[16], ttl[16], hosts[24];
		(void)snprintf(serial, sizeof(serial), "%" PRIu32, z->serial);
		(void)snprintf(ttl, sizeof(ttl), "%" PRIu32, z->ttl);
		(void)snprintf(hosts, sizeof(hosts), "%zu",
			hosts_of_zone(ds, z->name, &cursor));
		char *ns = join_ns(z);
		char *transfer = join_list((const char *)z->allow_transfer,
			REGISTRY_PREFIX_MAX, z->allow_transfer_count);
		char *notify = join_list((const char *)z->notify,
			REGISTRY_ENDPOINT_MAX, z->notify_count);
		const char *row[] = {
			z->name, serial, ttl, hosts, ns, transfer, notify,
		};
		if (ns == NULL || transfer == NULL || notify == NULL) {
			t.failed = true;
		}
		table_add(&t, row);
		free(ns);
		free(transfer);
		free(notify);
	}
	return table_finish(c, &t);
}

/* ---- the command table ----------------------------------------------- */

static const struct option options_zone_add[] = {
	{ "ns", required_argument, NULL, OPT_NS },
	{ "soa-mname", required_argument, NULL, OPT_SOA_MNAME },
	{ "soa-rname", required_argument, NULL, OPT_SOA_RNAME },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "allow-transfer", required_argument, NULL, OPT_ALLOW_TRANSFER },
	{ "notify", required_argument, NULL, OPT_NOTIFY },
	{ "no-catalog", no_argument, NULL, OPT_NO_CATALOG },
	OPTIONS_COMMON,
};

const cli_command cli_zone_commands[] = {
	{
		.group = "zone", .action = "add",
		.synopsis = "ZONE --ns NAME[=ADDR[,ADDR...]]...\n"
			"    [--soa-mname NAME] [--soa-rname MAILBOX] "
			"[--ttl SECONDS]\n"
			"    [--allow-transfer ADDR[/LEN]]... "
			"[--notify ADDR[#PORT]]...\n"
			"    [--no-catalog]",
		.positional = "ZONE",
		.summary = "Add ZONE, served by the DLZ module.",
		.details =
			"  --ns NAME[=ADDR,...]    a name server (at least one); "
			"ADDR gives a name\n"
			"                          server inside ZONE its A/AAAA "
			"records\n"
			"  --soa-mname NAME        SOA primary name server "
			"(default: the first --ns)\n"
			"  --soa-rname MAILBOX     SOA contact, hostmaster@ZONE "
			"or hostmaster.ZONE\n"
			"                          (default: hostmaster.ZONE)\n"
			"  --ttl SECONDS           TTL of SOA and NS, default TTL "
			"of hosts, SOA minimum\n"
			"                          (default 3600)\n"
			"  --allow-transfer ADDR[/LEN]  who may transfer the zone "
			"(AXFR/IXFR)\n"
			"  --notify ADDR[#PORT]    where to send NOTIFY after "
			"changes (port 53)\n"
			"  --no-catalog            leave ZONE out of the catalog "
			"zone (catalog set)\n"
			"\nSOA timers: refresh 3600, retry 600, expire 1209600 "
			"(14d), minimum = TTL.\n"
			"The serial starts at the current UNIX time and grows by "
			"one with every\n"
			"command that changes what the zone serves.\n",
		.options = options_zone_add, .min_args = 1, .max_args = 1,
		.run = run_zone_add, .on_option = zone_add_option,
		.args_size = sizeof(zone_add_args),
		.init_args = zone_add_init, .free_args = zone_add_free,
	},
	{
		.group = "zone", .action = "remove",
		.synopsis = "ZONE",
		.positional = "ZONE",
		.summary = "Remove ZONE and everything registered in it.",
		.details = "",
		.options = options_none, .min_args = 1, .max_args = 1,
		.run = run_zone_remove, .on_option = no_options,
	},
	{
		.group = "zone", .action = "list",
		.synopsis = "[--json]",
		.positional = "",
		.summary = "List the zones: serial, TTL, SRV registrations, "
			"name servers, transfer\nand notify lists.",
		.details =
			"JSON: [{\"zone\", \"serial\", \"ttl\", \"soa\": "
			"{\"mname\", \"rname\", \"refresh\",\n"
			"  \"retry\", \"expire\", \"minimum\"}, \"ns\": "
			"[{\"name\", \"addresses\": []}],\n"
			"  \"allow_transfer\": [], \"notify\": [], "
			"\"hosts\"}]\n",
		.options = options_list, .min_args = 0, .max_args = 0,
		.run = run_list, .on_option = list_option,
		.list_json = zone_list_json, .list_text = zone_list_text,
		.args_size = sizeof(list_args),
	},
	CLI_COMMANDS_END,
};
