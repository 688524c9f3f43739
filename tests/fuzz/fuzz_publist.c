/*
 * fuzz_publist.c -- libFuzzer target for common/publist.c.
 *
 * The input is parsed as a publish list appended to a list that already
 * holds one entry. Properties that must hold abort, so the fuzzer reports
 * them like a crash: a failed parse leaves the list as it was; an accepted
 * list holds canonical, distinct domains and formats back to text that
 * parses to the same entries; every error names its source.
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
#include "publist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SOURCE "fuzz.conf"

static void
require(bool condition)
{
	if (!condition)
		abort();
}

/* The entries of LIST from FIRST on are canonical and all distinct. */
static void
check_entries(const publist *list, size_t first)
{
	for (size_t i = first; i < list->count; i++) {
		char canonical[DNAME_BUF_SIZE];

		require(dname_normalize(list->entries[i].domain, DNAME_OWNER,
			canonical, sizeof(canonical), NULL) == KD_OK);
		require(strcmp(canonical, list->entries[i].domain) == 0);
		require(list->entries[i].line > 0);
		for (size_t j = 0; j < i; j++)
			require(strcmp(list->entries[i].domain,
				list->entries[j].domain) != 0);
	}
}

/* Write the entries of LIST from FIRST on back as text and parse it. */
static void
check_round_trip(const publist *list, size_t first)
{
	const size_t line_max = DNAME_BUF_SIZE + 16;
	const size_t count = list->count - first;
	char *text = malloc(count * line_max + 1);
	size_t used = 0;
	publist again;

	require(text != NULL);
	for (size_t i = first; i < list->count; i++) {
		const publist_entry *entry = &list->entries[i];

		used += (size_t)snprintf(text + used, line_max, "%s,%u,%u\n",
			entry->domain, (unsigned)entry->priority,
			(unsigned)entry->weight);
	}
	publist_init(&again);
	require(publist_parse_text(text, used, SOURCE, &again, NULL) ==
		KD_OK);
	require(again.count == count);
	for (size_t i = 0; i < count; i++) {
		const publist_entry *a = &list->entries[first + i];
		const publist_entry *b = &again.entries[i];

		require(strcmp(a->domain, b->domain) == 0);
		require(a->priority == b->priority && a->weight == b->weight);
	}
	publist_free(&again);
	free(text);
}

/* A single line is also tried as one entry (no comment handling). */
static void
check_entry(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	publist_entry entry;
	kd_err err;

	require(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	if (publist_parse_entry(text, &entry, &err) == KD_OK) {
		require(entry.line == 0);
		require(dname_validate(entry.domain, DNAME_OWNER, NULL) ==
			KD_OK);
	} else {
		require(err.text[0] != '\0');
	}
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	publist list;
	publist_entry seed;
	kd_err err;
	kd_result ret;

	publist_init(&list);
	require(publist_parse_entry("seed.example.test,1,2", &seed, NULL) ==
		KD_OK);
	seed.line = 1;
	require(publist_add(&list, &seed, NULL) == KD_OK);

	kd_err_clear(&err);
	ret = publist_parse_text((const char *)data, size, SOURCE, &list,
		&err);
	if (ret == KD_OK) {
		check_entries(&list, 0);
		check_round_trip(&list, 1);
	} else {
		require(list.count == 1);
		require(strcmp(list.entries[0].domain, seed.domain) == 0);
		require(list.entries[0].priority == seed.priority &&
			list.entries[0].weight == seed.weight &&
			list.entries[0].line == seed.line);
		require(strncmp(err.text, SOURCE ":", strlen(SOURCE) + 1) ==
			0);
	}
	publist_free(&list);

	if (memchr(data, '\n', size) == NULL)
		check_entry(data, size);
	return 0;
}
