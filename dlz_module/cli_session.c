/*
 * cli_session.c -- kmsdns-registry: running a command in the registry.
 */
#include "config.h"

#include "cli.h"

/* ---- opening the registry -------------------------------------------- */

/*
 * Open the registry, run BODY on it and close it. Unless READ_ONLY, BODY
 * runs in one transaction, committed only when it succeeds (and not
 * --dry-run), with the audit entry of what it changed; the change then
 * goes to syslog. Returns
 * -1 when all went well, else the exit code after the message.
 */
int
cli_session(const cli *c, bool read_only, cli_body_fn body, void *ctx)
{
	registry *reg = NULL;
	kd_err err = { "" };
	int code = -1;
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
	/* --dry-run: the body says what it would change, then undone. */
	const bool write = !read_only && !c->dry_run;
	if (ret == KD_OK && write) {
		ret = cli_change_audit(c, reg, &err);
	}
	if (ret == KD_OK && write) {
		ret = registry_commit(reg, &err);
	}
	if (ret == KD_OK && write) {
		cli_change_syslog(c);
	}
	if (ret == KD_OK && !write) {
		registry_rollback(reg);
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
