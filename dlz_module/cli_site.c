/*
 * cli_site.c -- kmsdns-registry site add, remove and list.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json_out.h"

/* The prefixes of SITE in the registry: "10.1.0.0/16, 10.2.0.0/16". */
static kd_result
site_prefixes(registry *reg, const char *site, char **text, kd_err *err)
{
	registry_dataset ds;
	kd_result ret = registry_load_policy(reg, &ds, err);

	*text = NULL;
	if (ret != KD_OK) {
		return ret;
	}
	*text = strdup("");
	for (size_t i = 0; *text != NULL && i < ds.site_count; i++) {
		if (strcmp(ds.sites[i].site, site) != 0) {
			continue;
		}
		char *grown = cli_strdup_printf("%s%s%s", *text,
			(*text)[0] != '\0' ? ", " : "", ds.sites[i].prefix);
		free(*text);
		*text = grown;
	}
	registry_dataset_free(&ds);
	return *text != NULL ? KD_OK :
		kd_err_set(err, KD_ENOMEM, "out of memory");
}

/* Whether the list TEXT ("a, b") holds ITEM. */
static bool
list_has(const char *text, const char *item)
{
	const size_t len = strlen(item);

	for (const char *p = text; *p != '\0';) {
		const size_t n = strcspn(p, ",");
		if (n == len && strncmp(p, item, len) == 0) {
			return true;
		}
		p += n + (p[n] == ',' ? 2 : 0);
	}
	return false;
}

/* Note the change of SITE from OLD_TEXT to what REG holds now. */
static kd_result
site_note(const cli *c, registry *reg, const char *site, char *old_text,
	kd_err *err)
{
	char *new_text = NULL;
	const kd_result ret = site_prefixes(reg, site, &new_text, err);

	cli_changed(c, NULL, site, old_text[0] != '\0' ? old_text : NULL,
		new_text != NULL && new_text[0] != '\0' ? new_text : NULL);
	if (old_text[0] == '\0') {
		free(old_text);
	}
	if (new_text != NULL && new_text[0] == '\0') {
		free(new_text);
	}
	return ret;
}

/* Add the prefixes of site add (NAME PREFIX...) the site does not have. */
static kd_result
site_add_change(const cli *c, registry *reg, void *ctx, kd_err *err)
{
	const char *site = c->pos[0];
	char *old_text = NULL;
	bool changed = false;
	kd_result ret = site_prefixes(reg, site, &old_text, err);

	(void)ctx;
	for (int i = 1; ret == KD_OK && i < c->pos_count; i++) {
		char prefix[REGISTRY_PREFIX_MAX];
		ret = registry_prefix_normalize(c->pos[i], prefix,
			sizeof(prefix), err);
		if (ret == KD_OK && !list_has(old_text, prefix)) {
			ret = registry_add_site_prefix(reg, site, prefix, err);
			changed = true;
		}
	}
	if (ret == KD_OK && changed) {
		return site_note(c, reg, site, old_text, err);
	}
	free(old_text);
	return ret;
}

/* Check the words of site add and remove: NAME, then prefixes. */
static int
site_words_check(const cli *c)
{
	kd_err err = { "" };
	kd_result ret = registry_site_validate(c->pos[0], &err);

	for (int i = 1; ret == KD_OK && i < c->pos_count; i++) {
		char prefix[REGISTRY_PREFIX_MAX];
		ret = registry_prefix_normalize(c->pos[i], prefix,
			sizeof(prefix), &err);
	}
	return ret == KD_OK ? -1 :
		cli_message(c, REGISTRY_CLI_EXIT_USAGE, "%s", err.text);
}

static int
run_site_add(cli *c)
{
	const char *site = c->pos[0];
	int code = site_words_check(c);

	if (code < 0) {
		code = cli_session(c, false, site_add_change, NULL);
	}
	if (code < 0) {
		change_report(c, "site", site, change_text(c,
			"site %s: prefixes added",
			"site %s has these prefixes already, unchanged"), site);
	}
	return code;
}

static kd_result
site_remove_change(const cli *c, registry *reg, void *site, kd_err *err)
{
	char *old_text = NULL;
	kd_result ret = site_prefixes(reg, site, &old_text, err);

	if (ret == KD_OK && old_text[0] != '\0') {
		ret = registry_remove_site(reg, site, err);
		if (ret == KD_OK) {
			cli_changed(c, NULL, site, old_text, NULL);
			return KD_OK;
		}
	}
	free(old_text);
	return ret;
}

static int
run_site_remove(cli *c)
{
	const char *site = c->pos[0];
	int code = site_words_check(c);

	if (code < 0) {
		code = cli_session(c, false, site_remove_change, c->pos[0]);
	}
	if (code < 0) {
		change_report(c, "site", site, change_text(c,
			"removed site %s", "site %s does not exist, unchanged"),
			site);
	}
	return code;
}

/* The number of SRV registrations in site SITE. */
static size_t
hosts_in_site(const registry_dataset *ds, const char *site)
{
	size_t n = 0;

	for (size_t i = 0; i < ds->host_count; i++) {
		n += strcmp(ds->hosts[i].site, site) == 0;
	}
	return n;
}

static int
site_list_text(const cli *c, const registry_dataset *ds)
{
	static const char *const header[] = { "SITE", "PREFIXES", "HOSTS" };
	table t;

	table_init(&t, 3, header);
	for (size_t i = 0; i < ds->site_count;) {
		const char *site = ds->sites[i].site;
		size_t end = i;
		size_t len = 1;
		while (end < ds->site_count &&
			strcmp(ds->sites[end].site, site) == 0) {
			len += strlen(ds->sites[end].prefix) + 2;
			end++;
		}
		char *prefixes = malloc(len);
		if (prefixes == NULL) {
			t.failed = true;
			break;
		}
		prefixes[0] = '\0';
		for (size_t j = i; j < end; j++) {
			strcat(prefixes, j > i ? ", " : "");
			strcat(prefixes, ds->sites[j].prefix);
		}
		char hosts[24];
		(void)snprintf(hosts, sizeof(hosts), "%zu",
			hosts_in_site(ds, site));
		const char *row[] = { site, prefixes, hosts };
		table_add(&t, row);
		free(prefixes);
		i = end;
	}
	return table_finish(c, &t);
}

static void
site_list_json(const cli *c, const registry_dataset *ds)
{
	json_out w;

	json_init(&w, c->out);
	json_array_begin(&w);
	for (size_t i = 0; i < ds->site_count;) {
		const char *site = ds->sites[i].site;
		json_object_begin(&w);
		json_kv_string(&w, "site", site);
		json_key(&w, "prefixes");
		json_array_begin(&w);
		for (; i < ds->site_count &&
			strcmp(ds->sites[i].site, site) == 0; i++) {
			json_string(&w, ds->sites[i].prefix);
		}
		json_array_end(&w);
		json_kv_int(&w, "hosts", (int64_t)hosts_in_site(ds, site));
		json_object_end(&w);
	}
	json_array_end(&w);
	json_end_document(&w);
}

/* ---- the command table ----------------------------------------------- */

const cli_command cli_site_commands[] = {
	{
		.group = "site", .action = "add", .run = run_site_add,
		.synopsis = "NAME ADDR/PREFIX...",
		.positional = "NAME ADDR/PREFIX", .min_args = 2, .max_args = -1,
		.summary = "Add prefixes to site NAME (creating it). Clients "
			"in a site get the hosts\nof their site first. "
			"Prefixes the site has already are fine.",
		.details = "JSON: {\"changed\", \"command\", \"site\"}\n",
	},
	{
		.group = "site", .action = "remove", .run = run_site_remove,
		.synopsis = "NAME", .positional = "NAME", .min_args = 1,
		.max_args = 1,
		.summary = "Remove site NAME; its hosts keep no site. No "
			"such site is fine.",
		.details = "JSON: {\"changed\", \"command\", \"site\"}\n",
	},
	{
		.group = "site", .action = "list", .synopsis = "[--json]",
		CLI_LIST(site_list_json, site_list_text),
		.summary = "List the sites, their prefixes and how many hosts "
			"are in them.",
		.details = "JSON: [{\"site\", \"prefixes\": [], "
			"\"hosts\"}]\n",
	},
	CLI_COMMANDS_END,
};
