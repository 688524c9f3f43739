/*
 * fuzz_publist_win.c -- libFuzzer target for common/publist_win.c.
 *
 * The input is read as a publish list in any Windows form (reg query
 * output, .reg export, plain lines) appended to a list that already holds
 * one entry. Properties that must hold abort, so the fuzzer reports them
 * like a crash: a failed parse leaves the list as it was and its error
 * names the source and holds no byte outside printable ASCII; an accepted
 * list holds canonical, distinct domains, and written back as plain lines
 * it parses to the same entries.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dname.h"
#include "kd_result.h"
#include "publist_win.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SOURCE "fuzz.reg"

static void
require(bool condition)
{
	if (!condition)
		abort();
}

/* Every byte of TEXT is printable ASCII (errors never echo raw bytes). */
static void
check_printable(const char *text)
{
	for (const unsigned char *c = (const unsigned char *)text; *c != '\0';
	     c++)
		require(*c >= 0x20 && *c < 0x7f);
}

/* The entries from 1 on, as plain lines, parse back to the same list. */
static void
check_round_trip(const publist *list)
{
	const size_t line_max = DNAME_BUF_SIZE + 16;
	char *text = malloc(list->count * line_max + 1);
	size_t used = 0;
	publist again;

	require(text != NULL);
	for (size_t i = 1; i < list->count; i++) {
		char canonical[DNAME_BUF_SIZE];

		require(dname_normalize(list->entries[i].domain, DNAME_OWNER,
			canonical, sizeof(canonical), NULL) == KD_OK);
		require(strcmp(canonical, list->entries[i].domain) == 0);
		for (size_t j = 0; j < i; j++)
			require(strcmp(list->entries[i].domain,
				list->entries[j].domain) != 0);
		used += (size_t)snprintf(text + used, line_max, "%s,%u,%u\r\n",
			list->entries[i].domain,
			(unsigned)list->entries[i].priority,
			(unsigned)list->entries[i].weight);
	}
	publist_init(&again);
	require(publist_win_parse(text, used, SOURCE, &again, NULL) == KD_OK);
	require(again.count == list->count - 1);
	for (size_t i = 0; i < again.count; i++) {
		const publist_entry *a = &list->entries[i + 1];
		const publist_entry *b = &again.entries[i];

		require(strcmp(a->domain, b->domain) == 0);
		require(a->priority == b->priority && a->weight == b->weight);
	}
	publist_free(&again);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	publist list;
	publist_entry seed;
	kd_err err;

	publist_init(&list);
	require(publist_parse_entry("seed.example.test,1,2", &seed, NULL) ==
		KD_OK);
	seed.line = 1;
	require(publist_add(&list, &seed, NULL) == KD_OK);
	kd_err_clear(&err);
	if (publist_win_parse((const char *)data, size, SOURCE, &list,
	    &err) == KD_OK) {
		require(list.count > 1);
		check_round_trip(&list);
	} else {
		require(list.count == 1);
		require(strcmp(list.entries[0].domain, seed.domain) == 0);
		require(strncmp(err.text, SOURCE, strlen(SOURCE)) == 0);
		check_printable(err.text);
	}
	publist_free(&list);
	return 0;
}
