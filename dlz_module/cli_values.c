/*
 * cli_values.c -- kmsdns-registry: argument lists, numbers, names and the
 * transfer and notify lists.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/*
 * Parse the decimal TEXT of option OPTION into *VALUE within MIN..MAX.
 * Returns -1 when fine, else the exit code after the message.
 */
int
parse_number(const cli *c, const char *option, const char *text,
	uint32_t min, uint32_t max, uint32_t *value)
{
	uint64_t number = 0;
	bool too_large = false;
	size_t i = 0;

	for (; text[i] >= '0' && text[i] <= '9'; i++) {
		number = number * 10 + (uint64_t)(text[i] - '0');
		if (number > UINT32_MAX) {
			too_large = true;
			number = UINT32_MAX;
		}
	}
	if (i == 0 || text[i] != '\0') {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"%s: \"%s\" is not a number", option, text);
	}
	if (too_large || number < min || number > max) {
		return cli_message(c, REGISTRY_CLI_EXIT_USAGE,
			"%s: %s is out of range %" PRIu32 "-%" PRIu32, option,
			text, min, max);
	}
	*value = (uint32_t)number;
	return -1;
}

/*
 * Check the name TEXT (a WHAT, e.g. "zone") by RULES and write its
 * canonical form to OUT (DNAME_BUF_SIZE). OPTION, when not NULL, goes in
 * front of the message. Returns -1 when fine, else the exit code.
 */
int
check_name(const cli *c, const char *option, const char *what,
	const char *text, dname_rules rules, char *out)
{
	kd_err err;

	if (dname_normalize(text, rules, out, DNAME_BUF_SIZE, &err) != KD_OK) {
		return option != NULL ?
			cli_message(c, REGISTRY_CLI_EXIT_USAGE, "%s: %s %s",
				option, what, err.text) :
			cli_message(c, REGISTRY_CLI_EXIT_USAGE, "%s %s", what,
				err.text);
	}
	return -1;
}

/* Normalize the COUNT texts of OPTION with FN into ITEMS of SIZE bytes. */
int
normalize_list(const cli *c, const char *option, const str_list *list,
	normalize_fn fn, char *items, size_t size)
{
	for (size_t i = 0; i < list->count; i++) {
		kd_err err;
		if (fn(list->items[i], items + i * size, size, &err) != KD_OK) {
			return cli_message(c, REGISTRY_CLI_EXIT_USAGE, "%s: %s",
				option, err.text);
		}
	}
	return -1;
}

bool
peers_option_id(int id)
{
	return id == OPT_ALLOW_TRANSFER || id == OPT_NOTIFY ||
		id == OPT_NO_ALLOW_TRANSFER || id == OPT_NO_NOTIFY;
}

int
peers_option(const cli *c, cli_peers *p, int id, const char *value)
{
	bool pushed = true;

	if (id == OPT_ALLOW_TRANSFER) {
		pushed = str_list_push(&p->transfer, value);
	} else if (id == OPT_NOTIFY) {
		pushed = str_list_push(&p->notify, value);
	} else {
		p->no_transfer = p->no_transfer || id == OPT_NO_ALLOW_TRANSFER;
		p->no_notify = p->no_notify || id == OPT_NO_NOTIFY;
	}
	return pushed ? -1 : cli_no_memory(c);
}

int
peers_check(const cli *c, cli_peers *p)
{
	registry_peers *items = &p->items;

	items->allow_transfer = calloc(p->transfer.count + 1,
		sizeof(*items->allow_transfer));
	items->allow_transfer_count = p->transfer.count;
	items->notify = calloc(p->notify.count + 1, sizeof(*items->notify));
	items->notify_count = p->notify.count;
	if (items->allow_transfer == NULL || items->notify == NULL) {
		return cli_no_memory(c);
	}
	const int code = normalize_list(c, "--allow-transfer", &p->transfer,
		registry_prefix_normalize, items->allow_transfer[0],
		REGISTRY_PREFIX_MAX);
	if (code >= 0) {
		return code;
	}
	return normalize_list(c, "--notify", &p->notify,
		registry_endpoint_normalize, items->notify[0],
		REGISTRY_ENDPOINT_MAX);
}

void
peers_free(cli_peers *p)
{
	registry_peers_free(&p->items);
	str_list_free(&p->transfer);
	str_list_free(&p->notify);
}
