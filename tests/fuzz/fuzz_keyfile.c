/*
 * fuzz_keyfile.c -- libFuzzer target for common/keyfile.c.
 *
 * The input is parsed as a key file appended to a keyfile that already
 * holds one key. Properties that must hold abort, so the fuzzer reports
 * them like a crash: a failed parse leaves the keys as they were; accepted
 * keys have canonical, distinct names and a non-empty secret, and writing
 * them back as tsig-keygen does parses to the same keys.
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
#include "keyfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SOURCE "fuzz.key"

static const char seed_text[] =
	"key \"seed.example.test\" {\n"
	"\talgorithm hmac-sha256;\n"
	"\tsecret \"JAmQSAI1yAsaDaUKbSTI0bXMIMEied9JnuLZkGmYXps=\";\n"
	"};\n";

static void
require(bool condition)
{
	if (!condition)
		abort();
}

static void
check_keys(const keyfile *kf)
{
	for (size_t i = 0; i < kf->count; i++) {
		const tsig_key *key = &kf->keys[i];
		char canonical[DNAME_BUF_SIZE];
		tsig_algorithm alg;

		require(dname_normalize(key->name, DNAME_OWNER, canonical,
			sizeof(canonical), NULL) == KD_OK);
		require(strcmp(canonical, key->name) == 0);
		require(key->secret_len > 0);
		require(key->secret_len <= KEYFILE_SECRET_MAX);
		require(strlen(key->secret_base64) ==
			(key->secret_len + 2) / 3 * 4);
		require(tsig_algorithm_from_name(
			tsig_algorithm_name(key->algorithm), &alg) == KD_OK);
		require(alg == key->algorithm);
		require(keyfile_find(kf, key->name) == key);
	}
}

/* Write KF's keys as tsig-keygen does and parse the text again. */
static void
check_round_trip(const keyfile *kf)
{
	const size_t key_max = DNAME_BUF_SIZE +
		sizeof(kf->keys[0].secret_base64) + KEYFILE_ALG_MAX + 64;
	char *text = malloc(kf->count * key_max + 1);
	size_t used = 0;
	keyfile again;

	require(text != NULL);
	for (size_t i = 0; i < kf->count; i++) {
		const tsig_key *key = &kf->keys[i];

		used += (size_t)snprintf(text + used, key_max,
			"key \"%s\" {\n\talgorithm %s;\n\tsecret \"%s\";\n};\n",
			key->name, tsig_algorithm_name(key->algorithm),
			key->secret_base64);
	}
	keyfile_init(&again);
	require(keyfile_parse_text(text, used, SOURCE, &again, NULL) ==
		KD_OK);
	require(again.count == kf->count);
	for (size_t i = 0; i < kf->count; i++) {
		const tsig_key *a = &kf->keys[i];
		const tsig_key *b = &again.keys[i];

		require(strcmp(a->name, b->name) == 0);
		require(a->algorithm == b->algorithm);
		require(a->secret_len == b->secret_len);
		require(memcmp(a->secret, b->secret, a->secret_len) == 0);
	}
	keyfile_free(&again);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	keyfile kf;
	tsig_key seed;
	kd_err err;

	keyfile_init(&kf);
	require(keyfile_parse_text(seed_text, sizeof(seed_text) - 1, "seed",
		&kf, NULL) == KD_OK);
	require(kf.count == 1);
	seed = kf.keys[0];

	kd_err_clear(&err);
	if (keyfile_parse_text((const char *)data, size, SOURCE, &kf, &err) ==
	    KD_OK) {
		check_keys(&kf);
		check_round_trip(&kf);
	} else {
		require(kf.count == 1);
		require(strcmp(kf.keys[0].name, seed.name) == 0);
		require(kf.keys[0].algorithm == seed.algorithm &&
			kf.keys[0].secret_len == seed.secret_len &&
			kf.keys[0].line == seed.line);
		require(memcmp(kf.keys[0].secret, seed.secret,
			seed.secret_len) == 0);
		require(strncmp(err.text, SOURCE ":", strlen(SOURCE) + 1) ==
			0);
	}
	keyfile_free(&kf);
	return 0;
}
