/*
 * cli_init.c -- kmsdns-registry init: create a registry.
 */
#include "config.h"

#include <stdio.h>

#include "cli.h"

static int
run_init(cli *c, const cli_command *cmd, void *args, char **pos, int count)
{
	kd_err err = { "" };

	(void)cmd;
	(void)args;
	(void)pos;
	(void)count;
	const int code = cli_need_db(c);
	if (code >= 0) {
		return code;
	}
	const kd_result ret = registry_create(c->db, &err);
	if (ret != KD_OK) {
		return cli_fail(c, ret, &err);
	}
	(void)fprintf(c->out, "created registry %s\n", c->db);
	return REGISTRY_CLI_EXIT_OK;
}

/* ---- the command table ----------------------------------------------- */

const cli_command cli_init_commands[] = {
	{
		.group = "init",
		.synopsis = "",
		.positional = "",
		.summary = "Create a new, empty registry at FILE (WAL mode, "
			"default settings).",
		.details = "",
		.options = options_none, .min_args = 0, .max_args = 0,
		.run = run_init, .on_option = no_options,
	},
	CLI_COMMANDS_END,
};
