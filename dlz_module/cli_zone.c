/*
 * cli_zone.c -- kmsdns-registry zone add, set, remove and list.
 *
 * zone add and zone set share their options (one table, one handler): add
 * starts from the defaults, set from the zone as it is; both then compare
 * the zone asked for with the one stored, setting by setting, and change
 * only what differs.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_out.h"
#include "registry_catalog.h"

/* The settings of a zone, in the order messages and the audit name them. */
enum {
	ZS_NS, ZS_MNAME, ZS_RNAME, ZS_TTL, ZS_REFRESH, ZS_RETRY, ZS_EXPIRE,
	ZS_MINIMUM, ZS_TRANSFER, ZS_NOTIFY, ZS_COUNT
};

static const char *const zone_setting_names[ZS_COUNT] = {
	"ns", "soa-mname", "soa-rname", "ttl", "soa-refresh", "soa-retry",
	"soa-expire", "soa-minimum", "allow-transfer", "notify",
};

/* The options of zone add and zone set, as given. */
typedef struct zone_args {
	str_list ns;
	cli_peers peers;             /* --allow-transfer, --notify */
	const char *mname;
	const char *rname;
	uint32_t number[ZS_COUNT];   /* ZS_TTL to ZS_MINIMUM */
	bool has_number[ZS_COUNT];
	int catalog;                 /* 0 as is, 1 --catalog, 2 --no-catalog */
	/* Built from the above. */
	registry_ns *ns_items;
	size_t ns_count;
	char mname_c[DNAME_BUF_SIZE];
	char rname_c[DNAME_BUF_SIZE];
	char name[DNAME_BUF_SIZE];
	bool set;                    /* zone set, else zone add */
	/* What the registry then holds. */
	uint32_t serial;
	char differ[160];            /* the settings that differ: "ns, ttl" */
} zone_args;

static void
zone_args_free(void *args)
{
	zone_args *a = args;

	for (size_t i = 0; i < a->ns_count; i++) {
		free(a->ns_items[i].addresses);
	}
	free(a->ns_items);
	str_list_free(&a->ns);
	peers_free(&a->peers);
}

/* The option handler of zone add and zone set. */
static int
zone_option(const cli *c, void *args, int id, const char *option,
	const char *value)
{
	zone_args *a = args;

	if (peers_option_id(id)) {
		return peers_option(c, &a->peers, id, value);
	}
	if (id == OPT_CATALOG || id == OPT_NO_CATALOG) {
		if (a->catalog != 0) {
			return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
				"%s: give --catalog or --no-catalog once", option);
		}
		a->catalog = id == OPT_CATALOG ? 1 : 2;
		return -1;
	}
	if (id == OPT_NS) {
		return str_list_push(&a->ns, value) ? -1 : cli_no_memory(c);
	}
	return text_option(c, args, id, option, value);
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

/* Check every option of A and the zone NAME (of COMMAND) before the registry. */
static int
zone_args_check(const cli *c, const char *command, zone_args *a,
	const char *name)
{
	int code = check_name(c, NULL, "zone", name, DNAME_OWNER, a->name);

	if (code >= 0) {
		return code;
	}
	if (!a->set && a->ns.count == 0) {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"zone add: at least one --ns is required");
	}
	const cli_peers *p = &a->peers;
	if ((p->no_transfer && p->transfer.count > 0) ||
		(p->no_notify && p->notify.count > 0)) {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"%s: --no-%s contradicts --%s", command,
			p->no_notify ? "notify" : "allow-transfer",
			p->no_notify ? "notify" : "allow-transfer");
	}
	a->ns_items = calloc(a->ns.count + 1, sizeof(*a->ns_items));
	if (a->ns_items == NULL) {
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
			DNAME_HOST, a->mname_c);
	}
	if (code < 0 && a->rname != NULL) {
		code = parse_rname(c, a->rname, a->rname_c);
	}
	if (code < 0) {
		code = peers_check(c, &a->peers);
	}
	return code;
}

/* The timers of Z by setting number. */
static uint32_t *
zone_number(registry_zone *z, int setting)
{
	switch (setting) {
	case ZS_TTL: return &z->ttl;
	case ZS_REFRESH: return &z->refresh;
	case ZS_RETRY: return &z->retry;
	case ZS_EXPIRE: return &z->expire;
	default: return &z->minimum;
	}
}

/*
 * The zone A asks for, starting from BASE (the stored zone for zone set,
 * the defaults for zone add) into Z; its lists point into A or BASE.
 */
static void
zone_wanted(const zone_args *a, const registry_zone *base, registry_zone *z)
{
	*z = *base;
	if (a->ns.count > 0) {
		z->ns = a->ns_items;
		z->ns_count = a->ns_count;
	}
	const cli_peers *p = &a->peers;
	if (p->transfer.count > 0 || p->no_transfer) {
		z->peers.allow_transfer = p->items.allow_transfer;
		z->peers.allow_transfer_count = p->items.allow_transfer_count;
	}
	if (p->notify.count > 0 || p->no_notify) {
		z->peers.notify = p->items.notify;
		z->peers.notify_count = p->items.notify_count;
	}
	for (int s = ZS_TTL; s <= ZS_MINIMUM; s++) {
		if (a->has_number[s]) {
			*zone_number(z, s) = a->number[s];
		}
	}
	/* The SOA minimum follows the TTL unless given, as it started. */
	if (a->has_number[ZS_TTL] && !a->has_number[ZS_MINIMUM] &&
		base->minimum == base->ttl) {
		z->minimum = z->ttl;
	}
	if (a->mname != NULL) {
		(void)snprintf(z->soa_mname, sizeof(z->soa_mname), "%s",
			a->mname_c);
	} else if (z->soa_mname[0] == '\0') {
		(void)snprintf(z->soa_mname, sizeof(z->soa_mname), "%s",
			z->ns[0].name);
	}
	if (a->rname != NULL) {
		(void)snprintf(z->soa_rname, sizeof(z->soa_rname), "%s",
			a->rname_c);
	} else if (z->soa_rname[0] == '\0') {
		char rname[DNAME_BUF_SIZE + 16];
		const int n = snprintf(rname, sizeof(rname), "hostmaster.%s",
			z->name);
		/* Too long: registry_add_zone() says so. */
		if (n > 0 && (size_t)n < sizeof(z->soa_rname)) {
			memcpy(z->soa_rname, rname, (size_t)n + 1);
		}
	}
}

/* Setting S of Z as text, allocated; NULL when memory ran out. */
static char *
zone_setting_text(const registry_zone *z, int s)
{
	switch (s) {
	case ZS_NS:
		return join_ns(z);
	case ZS_MNAME:
		return strdup(z->soa_mname);
	case ZS_RNAME:
		return strdup(z->soa_rname);
	case ZS_TRANSFER:
		return join_list((const char *)z->peers.allow_transfer,
			REGISTRY_PREFIX_MAX, z->peers.allow_transfer_count);
	case ZS_NOTIFY:
		return join_list((const char *)z->peers.notify,
			REGISTRY_ENDPOINT_MAX, z->peers.notify_count);
	default:
		return cli_strdup_printf("%" PRIu32,
			*zone_number((registry_zone *)(uintptr_t)z, s));
	}
}

/* Append "; NAME=VALUE" (or "NAME=VALUE" first) to *TEXT. */
static bool
append_setting(char **text, const char *name, const char *value)
{
	char *grown = cli_strdup_printf("%s%s%s=%s", *text != NULL ? *text : "",
		*text != NULL ? "; " : "", name, value);

	free(*text);
	*text = grown;
	return grown != NULL;
}

/*
 * Compare OLD (NULL: none) and NEW setting by setting: the names of those
 * that differ into DIFFER ("ns, ttl"), and "name=value; ..." of them into
 * *OLD_TEXT and *NEW_TEXT (allocated; NULL when none differ). False when
 * memory ran out.
 */
static bool
zone_compare(const registry_zone *old, const registry_zone *new,
	char *differ, size_t len, char **old_text, char **new_text)
{
	bool ok = true;

	differ[0] = '\0';
	*old_text = NULL;
	*new_text = NULL;
	for (int s = 0; ok && s < ZS_COUNT; s++) {
		char *before = old != NULL ? zone_setting_text(old, s) : NULL;
		char *after = new != NULL ? zone_setting_text(new, s) : NULL;
		ok = (old == NULL || before != NULL) &&
			(new == NULL || after != NULL);
		if (ok && (before == NULL || after == NULL ||
			strcmp(before, after) != 0)) {
			const size_t used = strlen(differ);
			(void)snprintf(differ + used, len - used, "%s%s",
				used > 0 ? ", " : "", zone_setting_names[s]);
			ok = (before == NULL ||
				append_setting(old_text, zone_setting_names[s],
				before)) && (after == NULL ||
				append_setting(new_text, zone_setting_names[s],
				after));
		}
		free(before);
		free(after);
	}
	return ok;
}

/* The zone defaults of zone add for the zone NAME. */
static void
zone_defaults(const char *name, registry_zone *z)
{
	memset(z, 0, sizeof(*z));
	(void)snprintf(z->name, sizeof(z->name), "%s", name);
	z->ttl = REGISTRY_DEFAULT_TTL;
	z->refresh = REGISTRY_DEFAULT_SOA_REFRESH;
	z->retry = REGISTRY_DEFAULT_SOA_RETRY;
	z->expire = REGISTRY_DEFAULT_SOA_EXPIRE;
	z->minimum = REGISTRY_DEFAULT_TTL;
}

/* The serial of zone NAME now into A. */
static kd_result
zone_read_serial(registry *reg, zone_args *a, kd_err *err)
{
	registry_dataset ds;
	kd_result ret = registry_load(reg, a->name, &ds, err);

	if (ret == KD_OK) {
		a->serial = ds.zones[0].serial;
		registry_dataset_free(&ds);
	}
	return ret;
}

/*
 * zone add and zone set in the registry: compare the zone asked for with
 * the stored one and write what differs. A zone add that finds the zone
 * with other settings fails, naming them.
 */
/*
 * Whether ZONE is a member of the catalog zone into *MEMBER (a zone not
 * listed, as in a file without the catalog's columns, is one).
 */
static kd_result
zone_catalog_member(registry *reg, const char *zone, bool *member,
	kd_err *err)
{
	registry_catalog_entry *entries = NULL;
	size_t count = 0;
	kd_result ret = registry_catalog_entries(reg, false, &entries, &count,
		err);

	*member = true;
	for (size_t i = 0; ret == KD_OK && i < count; i++) {
		if (strcmp(entries[i].zone, zone) == 0) {
			*member = entries[i].member;
		}
	}
	free(entries);
	return ret;
}

/* Apply --catalog or --no-catalog of A to its zone, noting a change. */
static kd_result
zone_catalog_apply(const cli *c, registry *reg, const zone_args *a,
	bool exists, kd_err *err)
{
	const bool wanted = a->catalog == 1;
	bool member = true;
	kd_result ret = KD_OK;

	if (a->catalog == 0) {
		return KD_OK;
	}
	if (exists) {
		ret = zone_catalog_member(reg, a->name, &member, err);
	}
	if (ret != KD_OK || member == wanted) {
		return ret;
	}
	if (exists && !a->set) {
		return kd_err_set(err, KD_EEXIST, "zone %s exists with other "
			"settings (catalog): change them with zone set", a->name);
	}
	ret = registry_set_zone_catalog(reg, a->name, wanted, err);
	if (ret == KD_OK && exists) {
		cli_changed(c, a->name, "catalog",
			strdup(member ? "member" : "not a member"),
			strdup(wanted ? "member" : "not a member"));
	}
	return ret;
}

static kd_result
zone_change(const cli *c, registry *reg, void *args, kd_err *err)
{
	zone_args *a = args;
	registry_dataset ds;
	registry_zone base, wanted;
	char *old_text = NULL, *new_text = NULL;
	kd_result ret = registry_load(reg, a->name, &ds, err);
	const bool exists = ret == KD_OK;

	if (ret == KD_ENOENT && !a->set) {
		memset(&ds, 0, sizeof(ds));
		ret = KD_OK;
	}
	if (ret != KD_OK) {
		return ret;
	}
	/* zone add asks for the defaults and its options, set for changes. */
	if (a->set) {
		base = ds.zones[0];
	} else {
		zone_defaults(a->name, &base);
	}
	zone_wanted(a, &base, &wanted);
	if (!zone_compare(exists ? &ds.zones[0] : NULL, &wanted, a->differ,
		sizeof(a->differ), &old_text, &new_text)) {
		ret = kd_err_set(err, KD_ENOMEM, "out of memory");
	} else if (exists && !a->set && a->differ[0] != '\0') {
		ret = kd_err_set(err, KD_EEXIST,
			"zone %s exists with other settings (%s): change them "
			"with zone set", a->name, a->differ);
	} else if (!exists) {
		ret = registry_add_zone(reg, &wanted, c->now, err);
	} else if (a->differ[0] != '\0') {
		ret = registry_update_zone(reg, &wanted, err);
	}
	if (ret == KD_OK && a->differ[0] != '\0') {
		cli_changed(c, a->name, a->name, old_text, new_text);
		old_text = new_text = NULL;
	}
	if (ret == KD_OK) {
		ret = zone_catalog_apply(c, reg, a, exists, err);
	}
	if (ret == KD_OK) {
		ret = zone_read_serial(reg, a, err);
	}
	free(old_text);
	free(new_text);
	registry_dataset_free(&ds);
	return ret;
}

static int
run_zone_change(cli *c)
{
	zone_args *a = c->args;

	a->set = strcmp(c->cmd->action, "set") == 0;
	int code = zone_args_check(c, a->set ? "zone set" : "zone add", a,
		c->pos[0]);
	if (code < 0) {
		code = cli_session(c, false, zone_change, a);
	}
	if (code >= 0) {
		return code;
	}
	if (c->json) {
		json_out w;
		change_json_begin(c, &w);
		json_kv_string(&w, "zone", a->name);
		json_kv_int(&w, "serial", a->serial);
		json_key(&w, "settings");
		json_array_begin(&w);
		for (const char *p = a->differ; *p != '\0';) {
			const size_t len = strcspn(p, ",");
			char name[32];
			(void)snprintf(name, sizeof(name), "%.*s", (int)len, p);
			json_string(&w, name);
			p += len + (p[len] == ',' ? 2 : 0);
		}
		json_array_end(&w);
		change_json_end(&w);
	} else if (!c->change->changed) {
		(void)fprintf(c->out, "zone %s is as asked already (serial %"
			PRIu32 "), unchanged\n", a->name, a->serial);
	} else if (a->set) {
		(void)fprintf(c->out, "changed zone %s: %s (serial %" PRIu32
			")\n", a->name, a->differ, a->serial);
	} else {
		(void)fprintf(c->out, "added zone %s (serial %" PRIu32 ")\n",
			a->name, a->serial);
		/* BIND makes a DLZ zone updatable only when it configures
		 * the module (shared/reference/dlz-update-flow.md, 5). */
		(void)fprintf(c->out, "note: a running named serves zone %s "
			"at its next registry poll; dynamic updates to it are "
			"refused (NOTAUTH) until `rndc reconfig`\n", a->name);
	}
	return -1;
}

static kd_result
zone_remove_change(const cli *c, registry *reg, void *zone, kd_err *err)
{
	registry_dataset ds;
	char *old_text = NULL, *new_text = NULL;
	char differ[160];
	kd_result ret = registry_load(reg, zone, &ds, err);

	if (ret == KD_ENOENT) {
		return KD_OK; /* absent already */
	}
	if (ret != KD_OK) {
		return ret;
	}
	if (!zone_compare(&ds.zones[0], NULL, differ, sizeof(differ),
		&old_text, &new_text)) {
		ret = kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	if (ret == KD_OK) {
		ret = registry_remove_zone(reg, zone, err);
	}
	if (ret == KD_OK) {
		char *summary = cli_strdup_printf("%s; hosts=%zu; "
			"addresses=%zu; grants=%zu",
			old_text != NULL ? old_text : "", ds.host_count,
			ds.address_count, ds.grant_count);
		cli_changed(c, zone, zone, summary, NULL);
	}
	free(old_text);
	free(new_text);
	registry_dataset_free(&ds);
	return ret;
}

static int
run_zone_remove(cli *c)
{
	char zone[DNAME_BUF_SIZE];

	const int code = zone_session(c, c->pos[0], false, zone_remove_change,
		zone);
	if (code < 0) {
		change_report(c, "zone", zone, change_text(c, "removed zone %s",
			"zone %s does not exist, unchanged"), zone);
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
			json_kv_list(&w, "addresses",
				(const char *)z->ns[j].addresses,
				REGISTRY_ADDR_MAX, z->ns[j].address_count);
			json_object_end(&w);
		}
		json_array_end(&w);
		json_kv_list(&w, "allow_transfer",
			(const char *)z->peers.allow_transfer,
			REGISTRY_PREFIX_MAX, z->peers.allow_transfer_count);
		json_kv_list(&w, "notify", (const char *)z->peers.notify,
			REGISTRY_ENDPOINT_MAX, z->peers.notify_count);
		json_kv_int(&w, "hosts", (int64_t)hosts_of_zone(ds, z->name,
			&cursor));
		json_object_end(&w);
	}
	json_array_end(&w);
	json_end_document(&w);
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
		char *transfer = zone_setting_text(z, ZS_TRANSFER);
		char *notify = zone_setting_text(z, ZS_NOTIFY);
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

/* The options of zone add and zone set: one table, one handler. */
static const struct option options_zone[] = {
	{ "ns", required_argument, NULL, OPT_NS },
	OPTIONS_PEERS,
	OPTIONS_NO_PEERS,
	{ "catalog", no_argument, NULL, OPT_CATALOG },
	{ "no-catalog", no_argument, NULL, OPT_NO_CATALOG },
	OPTIONS_COMMON,
};

#define ZONE_OPTIONS_HELP \
	"  --ns NAME[=ADDR,...]    a name server; ADDR gives a name server " \
	"inside ZONE\n" \
	"                          its A/AAAA records\n" \
	"  --soa-mname NAME        SOA primary name server (default: the " \
	"first --ns)\n" \
	"  --soa-rname MAILBOX     SOA contact, hostmaster@ZONE or " \
	"hostmaster.ZONE\n" \
	"                          (default: hostmaster.ZONE)\n" \
	"  --ttl SECONDS           TTL of SOA and NS, default TTL of hosts " \
	"(default 3600);\n" \
	"                          also the SOA minimum unless that is " \
	"given apart\n" \
	"  --soa-refresh, --soa-retry, --soa-expire, --soa-minimum " \
	"SECONDS\n" \
	"                          SOA timers (defaults 3600, 600, 1209600, " \
	"the TTL)\n" \
	"  --allow-transfer ADDR[/LEN]  who may transfer the zone " \
	"(AXFR/IXFR)\n" \
	"  --catalog, --no-catalog  ZONE is (the default) or is not a member of the\n" \
	"                          catalog zone (kmsdns-registry catalog set)\n" \
	"  --notify ADDR[#PORT]    where to send NOTIFY after changes " \
	"(port 53)\n" \
	"  --no-allow-transfer, --no-notify  empty the list\n"

/* The option NAME (ID) of the numeric setting S, in seconds. */
#define ZONE_NUMBER(name, id, s) \
	CLI_NUMBER_NOTED(name, id, zone_args, number[s], has_number[s], 0, \
		CLI_TTL_MAX)

/* What zone add and zone set share in their entries. */
#define ZONE_CHANGE_ENTRY \
	.run = run_zone_change, .positional = "ZONE", .min_args = 1, \
	.max_args = 1, .options = options_zone, .on_option = zone_option, \
	.texts = CLI_TEXTS( \
		CLI_TEXT("soa-mname", OPT_SOA_MNAME, zone_args, mname), \
		CLI_TEXT("soa-rname", OPT_SOA_RNAME, zone_args, rname)), \
	.numbers = CLI_NUMBERS(ZONE_NUMBER("ttl", OPT_TTL, ZS_TTL), \
		ZONE_NUMBER("soa-refresh", OPT_SOA_REFRESH, ZS_REFRESH), \
		ZONE_NUMBER("soa-retry", OPT_SOA_RETRY, ZS_RETRY), \
		ZONE_NUMBER("soa-expire", OPT_SOA_EXPIRE, ZS_EXPIRE), \
		ZONE_NUMBER("soa-minimum", OPT_SOA_MINIMUM, ZS_MINIMUM)), \
	.args_size = sizeof(zone_args), \
	.free_args = zone_args_free

const cli_command cli_zone_commands[] = {
	{
		.group = "zone", .action = "add", ZONE_CHANGE_ENTRY,
		.synopsis = "ZONE --ns NAME[=ADDR[,ADDR...]]... "
			"[ZONE SETTINGS]",
		.summary = "Add ZONE, served by the DLZ module. A zone that "
			"exists with the same\nsettings is left as it is "
			"(\"changed\": false); with other settings it is\n"
			"an error naming them: change them with zone set.",
		.details = ZONE_OPTIONS_HELP
			"\nThe serial starts at the current UNIX time and grows "
			"by one with every\n"
			"command that changes what the zone serves.\n"
			"JSON: {\"changed\", \"command\", \"zone\", "
			"\"serial\", \"settings\": [changed]}\n",
	},
	{
		.group = "zone", .action = "set", ZONE_CHANGE_ENTRY,
		.synopsis = "ZONE [ZONE SETTINGS]",
		.summary = "Change the settings of ZONE in place: its "
			"registrations, grants and\nsites stay; the serial "
			"goes up once. A list given replaces the list.",
		.details = ZONE_OPTIONS_HELP
			"JSON: {\"changed\", \"command\", \"zone\", "
			"\"serial\", \"settings\": [changed]}\n",
	},
	{
		.group = "zone", .action = "remove", .run = run_zone_remove,
		.synopsis = "ZONE", .positional = "ZONE", .min_args = 1,
		.max_args = 1,
		.summary = "Remove ZONE and everything registered in it.",
	},
	{
		.group = "zone", .action = "list", .synopsis = "[--json]",
		CLI_LIST(zone_list_json, zone_list_text),
		.summary = "List the zones: serial, TTL, SRV registrations, "
			"name servers, transfer\nand notify lists.",
		.details =
			"JSON: [{\"zone\", \"serial\", \"ttl\", \"soa\": "
			"{\"mname\", \"rname\", \"refresh\",\n"
			"  \"retry\", \"expire\", \"minimum\"}, \"ns\": "
			"[{\"name\", \"addresses\": []}],\n"
			"  \"allow_transfer\": [], \"notify\": [], "
			"\"hosts\"}]\n",
	},
	CLI_COMMANDS_END,
};
