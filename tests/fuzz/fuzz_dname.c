/*
 * fuzz_dname.c -- libFuzzer target for common/dname.c and srv_parse_rdata().
 *
 * The input is taken as one C string. When it holds a newline, the text
 * before it is also tried as a child name and the text after it as a parent
 * for dname_is_subdomain(). Properties that must hold for every accepted
 * input abort, so the fuzzer reports them like a crash.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dname.h"
#include "kd_result.h"
#include "srv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
require(bool condition)
{
	if (!condition)
		abort();
}

/* A canonical name is valid again, unchanged, and below its parent. */
static void
check_canonical(const char *input, const char *canonical, dname_rules rules)
{
	char again[DNAME_BUF_SIZE];

	require(strlen(canonical) <= DNAME_TEXT_MAX);
	require(dname_normalize(canonical, rules, again, sizeof(again),
		NULL) == KD_OK);
	require(strcmp(again, canonical) == 0);
	require(dname_equal(input, canonical));
	require(dname_is_subdomain(input, canonical));
	require(dname_is_subdomain(canonical, dname_parent(canonical)));
	require(dname_label_count(canonical) ==
		dname_label_count(dname_parent(canonical)) + 1);
}

static void
fuzz_name(const char *text)
{
	static const dname_rules all_rules[] = { DNAME_HOST, DNAME_OWNER };
	const size_t rule_count = sizeof(all_rules) / sizeof(all_rules[0]);
	char canonical[DNAME_BUF_SIZE];
	kd_err err;

	for (size_t i = 0; i < rule_count; i++) {
		const kd_result valid = dname_validate(text, all_rules[i], &err);
		const kd_result normalized = dname_normalize(text, all_rules[i],
			canonical, sizeof(canonical), &err);
		require(valid == normalized);
		if (normalized == KD_OK)
			check_canonical(text, canonical, all_rules[i]);
	}
	/* A valid host name is a valid owner name. */
	if (dname_validate(text, DNAME_HOST, NULL) == KD_OK)
		require(dname_validate(text, DNAME_OWNER, NULL) == KD_OK);

	require(dname_is_subdomain(text, "."));
	(void)dname_is_subdomain(text, "example.test");
	(void)dname_is_subdomain("kms1.example.test", text);
	(void)dname_label_count(text);
	(void)dname_parent(text);
}

/* Accepted rdata formats back to text that parses to the same record. */
static void
fuzz_rdata(const char *text)
{
	srv_record rec;
	srv_record again;
	char formatted[DNAME_BUF_SIZE + 32];
	kd_err err;

	memset(&rec, 0, sizeof(rec));
	if (srv_parse_rdata(text, &rec, &err) != KD_OK)
		return;
	require(srv_format_rdata(&rec, formatted, sizeof(formatted)) == KD_OK);
	memset(&again, 0, sizeof(again));
	require(srv_parse_rdata(formatted, &again, &err) == KD_OK);
	require(memcmp(&rec, &again, sizeof(rec)) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	fuzz_name(text);
	fuzz_rdata(text);

	char *newline = strchr(text, '\n');
	if (newline != NULL) {
		*newline = '\0';
		const char *child = text;
		const char *parent = newline + 1;
		const bool below = dname_is_subdomain(child, parent);
		/* Equal names are below each other, and only those. */
		require(dname_equal(child, parent) ==
			(below && dname_is_subdomain(parent, child)));
	}

	free(text);
	return 0;
}
