/*
 * cli_list.c -- kmsdns-registry: what the listing commands share.
 */
#include "config.h"

#include "cli.h"

/*
 * Load the registrations of A->zone (or of every zone), with the state of
 * each host now, as the module serves it.
 */
static kd_result
list_load(const cli *c, registry *reg, void *args, kd_err *err)
{
	list_args *a = args;
	const kd_result ret = registry_load(reg, a->zone, &a->ds, err);

	for (size_t i = 0; ret == KD_OK && i < a->ds.host_count; i++) {
		registry_host *h = &a->ds.hosts[i];
		h->state = registry_state_at(&a->ds.settings, h->origin,
			h->refreshed, c->now);
	}
	for (size_t i = 0; ret == KD_OK && i < a->ds.address_count; i++) {
		registry_address *addr = &a->ds.addresses[i];
		addr->state = registry_state_at(&a->ds.settings, addr->origin,
			addr->refreshed, c->now);
	}
	return ret;
}

/* The listing commands: [ZONE], then the command's table or JSON. */
int
run_list(cli *c)
{
	list_args *a = c->args;
	char zone[DNAME_BUF_SIZE];

	int code = c->pos_count > 0 ?
		check_name(c, NULL, "zone", c->pos[0], DNAME_OWNER, zone) : -1;
	a->zone = c->pos_count > 0 ? zone : NULL;
	if (code < 0) {
		code = cli_session(c, true, list_load, a);
	}
	if (code >= 0) {
		return code;
	}
	if (c->cmd->list_rows != NULL) {
		const cli_rows rows = c->cmd->list_rows(&a->ds);
		code = cli_rows_print(c, &rows);
	} else if (c->json) {
		c->cmd->list_json(c, &a->ds);
		code = REGISTRY_CLI_EXIT_OK;
	} else {
		code = c->cmd->list_text(c, &a->ds);
	}
	registry_dataset_free(&a->ds);
	return code;
}
