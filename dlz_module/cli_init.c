/*
 * cli_init.c -- kmsdns-registry init: create a registry.
 */
#include "config.h"

#include <stdio.h>

#include "cli.h"

/*
 * Create the registry; one that exists and opens as a registry (brought
 * to the current schema) is left as it is.
 */
static int
run_init(cli *c)
{
	kd_err err = { "" };

	kd_result ret = KD_OK;
	if (c->dry_run) {
		registry *reg = NULL;
		ret = registry_open(c->db, true, &reg, &err);
		registry_close(reg);
		ret = ret == KD_OK ? KD_EEXIST : ret == KD_ENOENT ? KD_OK : ret;
	} else {
		ret = registry_create(c->db, &err);
	}
	if (ret == KD_EEXIST) {
		registry *reg = NULL;
		kd_err open_err = { "" };
		if (!c->dry_run &&
			registry_open(c->db, false, &reg, &open_err) != KD_OK) {
			return cli_fail(c, ret, &err);
		}
		registry_close(reg);
	} else if (ret != KD_OK) {
		return cli_fail(c, ret, &err);
	} else {
		c->change->changed = true;
	}
	change_report(c, "registry", c->db, change_text(c,
		"created registry %s", "registry %s exists already, unchanged"),
		c->db);
	return REGISTRY_CLI_EXIT_OK;
}

/* ---- the command table ----------------------------------------------- */

const cli_command cli_init_commands[] = {
	{
		.group = "init", .synopsis = "", .run = run_init,
		.summary = "Create a new, empty registry at FILE (WAL mode, "
			"default settings);\na registry there already is left "
			"as it is.",
	},
	CLI_COMMANDS_END,
};
