/*
 * cli_export.c -- kmsdns-registry export: a zone as a master file.
 */
#include "config.h"

#include <stdlib.h>

#include "cli.h"
#include "json_out.h"
#include "zonedata.h"

kd_result
registry_cli_export(registry *reg, const char *zone, int64_t now, FILE *out,
	kd_err *err)
{
	registry_dataset ds;
	zone_image *img = NULL;
	kd_result ret = zone_image_load(reg, zone, NULL, now, &ds, &img, err);

	if (ret == KD_OK) {
		ret = zone_image_format_master(img, out, err);
	}
	zone_image_free(img);
	registry_dataset_free(&ds);
	return ret;
}

/* The master file, or with --json {"zone", "master_file"}. */
static kd_result
export_zone(const cli *c, registry *reg, void *zone, kd_err *err)
{
	if (!c->json) {
		return registry_cli_export(reg, zone, c->now, c->out, err);
	}
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (mem == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	kd_result ret = registry_cli_export(reg, zone, c->now, mem, err);
	if (fclose(mem) != 0 && ret == KD_OK) {
		ret = kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	if (ret == KD_OK) {
		json_out w;
		json_init(&w, c->out);
		json_object_begin(&w);
		json_kv_string(&w, "zone", zone);
		json_kv_string(&w, "master_file", text);
		json_object_end(&w);
		json_end_document(&w);
	}
	free(text);
	return ret;
}

static int
run_export(cli *c)
{
	char zone[DNAME_BUF_SIZE];

	return zone_session(c, c->pos[0], true, export_zone, zone);
}

/* ---- the command table ----------------------------------------------- */

const cli_command cli_export_commands[] = {
	{
		.group = "export", .run = run_export, .synopsis = "ZONE",
		.positional = "ZONE", .min_args = 1, .max_args = 1,
		.summary = "Print ZONE as a master file, as the DLZ module "
			"serves it now.",
		.details = "JSON: {\"zone\", \"master_file\"}\n",
	},
	CLI_COMMANDS_END,
};
