/*
 * fuzz_resolv_conf.c -- libFuzzer target for resolver_check/resolv_conf.c
 * and the comma-separated suffix options of suffixes.c.
 *
 * The input is parsed as a resolv.conf and, when it is one line, as a
 * --search list. Properties that must hold abort: an accepted file gives
 * canonical, distinct suffixes and at most RESOLV_CONF_SERVERS servers;
 * a refused one names its source; an accepted list round-trips.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dname.h"
#include "kd_result.h"
#include "resolv_conf.h"
#include "suffixes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SOURCE "fuzz.conf"

static void
require(bool condition)
{
	if (!condition)
		abort();
}

static void
check_canonical(const suffix_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		char canonical[DNAME_BUF_SIZE];

		require(dname_normalize(list->names[i], DNAME_OWNER, canonical,
			sizeof(canonical), NULL) == KD_OK);
		require(strcmp(canonical, list->names[i]) == 0);
		for (size_t j = 0; j < i; j++)
			require(strcmp(list->names[i], list->names[j]) != 0);
	}
}

/* Join LIST with commas, parse it again, and compare. */
static void
check_round_trip(const suffix_list *list)
{
	char *text = malloc(list->count * DNAME_BUF_SIZE + 1);
	suffix_list again;
	size_t used = 0;

	require(text != NULL);
	text[0] = '\0';
	for (size_t i = 0; i < list->count; i++) {
		size_t len = strlen(list->names[i]);

		if (i > 0)
			text[used++] = ',';
		memcpy(text + used, list->names[i], len + 1);
		used += len;
	}
	suffix_list_init(&again);
	require(suffix_list_add_csv(&again, text, "again", NULL) == KD_OK);
	require(again.count == list->count);
	for (size_t i = 0; i < list->count; i++)
		require(strcmp(again.names[i], list->names[i]) == 0);
	suffix_list_free(&again);
	free(text);
}

static void
check_csv(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	suffix_list list;
	kd_err err;

	require(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	suffix_list_init(&list);
	kd_err_clear(&err);
	if (suffix_list_add_csv(&list, text, "--search", &err) == KD_OK) {
		require(list.count > 0);
		check_canonical(&list);
		check_round_trip(&list);
	} else {
		require(strncmp(err.text, "--search:", 9) == 0);
	}
	suffix_list_free(&list);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	resolv_conf conf;
	kd_err err;

	resolv_conf_init(&conf);
	kd_err_clear(&err);
	if (resolv_conf_parse((const char *)data, size, SOURCE, &conf, &err) ==
		KD_OK) {
		check_canonical(&conf.search);
		require(conf.server_count <= RESOLV_CONF_SERVERS);
		if (conf.search.count > 0)
			check_round_trip(&conf.search);
	} else {
		require(strncmp(err.text, SOURCE ":", strlen(SOURCE) + 1) == 0);
	}
	resolv_conf_free(&conf);
	if (memchr(data, '\n', size) == NULL && memchr(data, '\0', size) ==
		NULL)
		check_csv(data, size);
	return 0;
}
