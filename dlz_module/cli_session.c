/*
 * cli_session.c -- kmsdns-registry: running a command in the registry.
 */
#include "config.h"

#include "cli.h"

/* ---- opening the registry -------------------------------------------- */

/* -1 when a registry is given, else the usage error. */
int
cli_need_db(const cli *c)
{
	if (c->db == NULL || c->db[0] == '\0') {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"no registry given: use --db FILE or set "
			"KMSDNS_REGISTRY");
	}
	return -1;
}

/*
 * Open the registry, run BODY on it and close it. Unless READ_ONLY, BODY
 * runs in one transaction, committed only when it succeeds. Returns -1
 * when all went well, else the exit code after the message.
 */
int
cli_session(const cli *c, bool read_only, cli_body_fn body, void *ctx)
{
	registry *reg = NULL;
	kd_err err = { "" };
	int code = cli_need_db(c);

	if (code >= 0) {
		return code;
	}
	kd_result ret = registry_open(c->db, read_only, &reg, &err);
	if (ret != KD_OK) {
		return cli_fail(c, ret, &err);
	}
	if (!read_only) {
		ret = registry_begin(reg, &err);
	}
	if (ret == KD_OK) {
		ret = body(c, reg, ctx, &err);
	}
	if (ret == KD_OK && !read_only) {
		ret = registry_commit(reg, &err);
	}
	if (ret != KD_OK) {
		code = cli_fail(c, ret, &err);
		registry_rollback(reg);
	}
	registry_close(reg);
	return code;
}

/* Check the zone name TEXT into ZONE, then run BODY on it (cli_session()). */
int
zone_session(const cli *c, const char *text, bool read_only,
	cli_body_fn body, char *zone)
{
	const int code = check_name(c, NULL, "zone", text, DNAME_OWNER, zone);

	return code >= 0 ? code : cli_session(c, read_only, body, zone);
}
