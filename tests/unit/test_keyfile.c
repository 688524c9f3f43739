/*
 * test_keyfile.c -- unit tests of common/keyfile.c.
 *
 * The files tests/unit/data/tsig-*.key are real `tsig-keygen -a ALG` output
 * (BIND 9.18), three-keys.key is three of them concatenated.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "keyfile.h"
#include "kd_result.h"

/* A valid hmac-sha256 secret (32 bytes). */
#define SECRET256 "JAmQSAI1yAsaDaUKbSTI0bXMIMEied9JnuLZkGmYXps="

static const struct {
	const char *file;
	const char *name;
	tsig_algorithm algorithm;
	const char *alg_name;
	const char *wire_name;
	size_t secret_len;
} generated[] = {
	{ "tsig-hmac-md5.key", "kms-hmac-md5.example.test", TSIG_HMAC_MD5,
	  "hmac-md5", "hmac-md5.sig-alg.reg.int", 16 },
	{ "tsig-hmac-sha1.key", "kms-hmac-sha1.example.test", TSIG_HMAC_SHA1,
	  "hmac-sha1", "hmac-sha1", 20 },
	{ "tsig-hmac-sha224.key", "kms-hmac-sha224.example.test",
	  TSIG_HMAC_SHA224, "hmac-sha224", "hmac-sha224", 28 },
	{ "tsig-hmac-sha256.key", "kms-hmac-sha256.example.test",
	  TSIG_HMAC_SHA256, "hmac-sha256", "hmac-sha256", 32 },
	{ "tsig-hmac-sha384.key", "kms-hmac-sha384.example.test",
	  TSIG_HMAC_SHA384, "hmac-sha384", "hmac-sha384", 48 },
	{ "tsig-hmac-sha512.key", "kms-hmac-sha512.example.test",
	  TSIG_HMAC_SHA512, "hmac-sha512", "hmac-sha512", 64 },
};

#define GENERATED_COUNT (sizeof(generated) / sizeof(generated[0]))

/* Read the test data file NAME into a new NUL-terminated buffer. */
static char *
read_data(const char *name, size_t *len)
{
	char path[1024];
	FILE *file;
	char *text;
	long size;

	snprintf(path, sizeof(path), "%s/%s", TEST_DATA_DIR, name);
	file = fopen(path, "rb");
	assert_non_null(file);
	assert_int_equal(fseek(file, 0, SEEK_END), 0);
	size = ftell(file);
	assert_true(size >= 0);
	rewind(file);
	text = malloc((size_t)size + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)size, file), (size_t)size);
	text[size] = '\0';
	fclose(file);
	*len = (size_t)size;
	return text;
}

/* Base64 of LEN bytes at DATA into OUT: an encoder independent of the
 * parser's decoder, to check the decoded secrets. */
static void
base64_encode(const unsigned char *data, size_t len, char *out)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789+/";
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		*out++ = digits[data[i] >> 2];
		*out++ = digits[((data[i] & 3) << 4) | (data[i + 1] >> 4)];
		*out++ = digits[((data[i + 1] & 15) << 2) | (data[i + 2] >> 6)];
		*out++ = digits[data[i + 2] & 63];
	}
	if (len - i == 1) {
		*out++ = digits[data[i] >> 2];
		*out++ = digits[(data[i] & 3) << 4];
		*out++ = '=';
		*out++ = '=';
	} else if (len - i == 2) {
		*out++ = digits[data[i] >> 2];
		*out++ = digits[((data[i] & 3) << 4) | (data[i + 1] >> 4)];
		*out++ = digits[(data[i + 1] & 15) << 2];
		*out++ = '=';
	}
	*out = '\0';
}

/* Write KEY as tsig-keygen does into OUT. */
static size_t
format_key(const tsig_key *key, char *out, size_t outlen)
{
	int n = snprintf(out, outlen,
		"key \"%s\" {\n\talgorithm %s;\n\tsecret \"%s\";\n};\n",
		key->name, tsig_algorithm_name(key->algorithm),
		key->secret_base64);

	assert_true(n > 0 && (size_t)n < outlen);
	return (size_t)n;
}

/* Parse the C string TEXT, named SOURCE, into KF. */
static kd_result
parse_as(const char *text, const char *source, keyfile *kf, kd_err *err)
{
	return keyfile_parse_text(text, strlen(text), source, kf, err);
}

static kd_result
parse(const char *text, keyfile *kf, kd_err *err)
{
	return parse_as(text, "tsig.key", kf, err);
}

/* Parse TEXT into an empty keyfile and check it fails with CODE, MESSAGE. */
static void
assert_text_error(const char *text, kd_result code, const char *message)
{
	keyfile kf;
	kd_err err;

	keyfile_init(&kf);
	kd_err_clear(&err);
	assert_int_equal(parse(text, &kf, &err), code);
	assert_string_equal(err.text, message);
	assert_int_equal(kf.count, 0);
	assert_null(kf.keys);
	keyfile_free(&kf);
}

/* Check that a key file with SECRET (quoted) fails as not base64. */
static void
assert_bad_secret(const char *secret)
{
	char text[256];

	snprintf(text, sizeof(text),
		"key k1 {\n algorithm hmac-sha256;\n secret \"%s\";\n};\n",
		secret);
	assert_text_error(text, KD_EINVAL,
		"tsig.key:3: secret of key \"k1\" is not valid base64");
}

static void
test_generated_files(void **state)
{
	(void)state;
	for (size_t i = 0; i < GENERATED_COUNT; i++) {
		char path[1024];
		char encoded[KEYFILE_SECRET_MAX * 2];
		char formatted[2048];
		char *text;
		size_t len;
		keyfile kf;
		kd_err err;
		const tsig_key *key;

		snprintf(path, sizeof(path), "%s/%s", TEST_DATA_DIR,
			generated[i].file);
		keyfile_init(&kf);
		kd_err_clear(&err);
		assert_int_equal(keyfile_parse_file(path, &kf, &err), KD_OK);
		assert_string_equal(err.text, "");
		assert_int_equal(kf.count, 1);
		key = &kf.keys[0];
		assert_string_equal(key->name, generated[i].name);
		assert_int_equal(key->algorithm, generated[i].algorithm);
		assert_int_equal(key->secret_len, generated[i].secret_len);
		assert_int_equal(key->line, 1);
		assert_string_equal(tsig_algorithm_name(key->algorithm),
			generated[i].alg_name);
		assert_string_equal(tsig_algorithm_wire_name(key->algorithm),
			generated[i].wire_name);
		base64_encode(key->secret, key->secret_len, encoded);
		assert_string_equal(encoded, key->secret_base64);

		/* Round trip: writing the key back gives the same file. */
		text = read_data(generated[i].file, &len);
		assert_int_equal(format_key(key, formatted, sizeof(formatted)),
			len);
		assert_string_equal(formatted, text);
		free(text);
		keyfile_free(&kf);
		assert_int_equal(kf.count, 0);
		assert_null(kf.keys);
	}
}

static void
test_three_keys(void **state)
{
	keyfile kf;
	kd_err err;
	char formatted[4096];
	size_t used = 0;
	size_t len;
	char *text;

	(void)state;
	keyfile_init(&kf);
	assert_int_equal(keyfile_parse_file(TEST_DATA_DIR "/three-keys.key",
		&kf, &err), KD_OK);
	assert_int_equal(kf.count, 3);
	assert_string_equal(kf.keys[0].name, "kms1.corp.example.test");
	assert_int_equal(kf.keys[0].algorithm, TSIG_HMAC_SHA256);
	assert_int_equal(kf.keys[0].line, 1);
	assert_string_equal(kf.keys[0].secret_base64, SECRET256);
	assert_string_equal(kf.keys[1].name, "kms2.corp.example.test");
	assert_int_equal(kf.keys[1].algorithm, TSIG_HMAC_SHA512);
	assert_int_equal(kf.keys[1].secret_len, 64);
	assert_int_equal(kf.keys[1].line, 5);
	assert_string_equal(kf.keys[2].name, "kms3.corp.example.test");
	assert_int_equal(kf.keys[2].algorithm, TSIG_HMAC_SHA1);
	assert_int_equal(kf.keys[2].secret_len, 20);
	assert_int_equal(kf.keys[2].line, 9);

	assert_ptr_equal(keyfile_find(&kf, "kms2.corp.example.test"),
		&kf.keys[1]);
	assert_ptr_equal(keyfile_find(&kf, "KMS3.Corp.Example.Test."),
		&kf.keys[2]);
	assert_null(keyfile_find(&kf, "kms4.corp.example.test"));
	assert_null(keyfile_find(&kf, "kms1.corp.example"));
	assert_null(keyfile_find(&kf, NULL));
	assert_null(keyfile_find(NULL, "kms1.corp.example.test"));

	for (size_t i = 0; i < kf.count; i++)
		used += format_key(&kf.keys[i], formatted + used,
			sizeof(formatted) - used);
	text = read_data("three-keys.key", &len);
	assert_int_equal(used, len);
	assert_string_equal(formatted, text);
	free(text);
	keyfile_free(&kf);
}

static void
test_algorithm_names(void **state)
{
	static const char *const unknown[] = {
		"hmac-foo", "", "hmac-sha", "hmac-sha256-128", "sha256",
		"hmac-md5.sig-alg.reg", "hmac-sha256 ", "gss-tsig",
	};
	tsig_algorithm alg;

	(void)state;
	for (size_t i = 0; i < GENERATED_COUNT; i++) {
		char upper[64];

		alg = (tsig_algorithm)99;
		assert_int_equal(tsig_algorithm_from_name(
			generated[i].alg_name, &alg), KD_OK);
		assert_int_equal(alg, generated[i].algorithm);
		alg = (tsig_algorithm)99;
		assert_int_equal(tsig_algorithm_from_name(
			generated[i].wire_name, &alg), KD_OK);
		assert_int_equal(alg, generated[i].algorithm);
		for (size_t j = 0; j <= strlen(generated[i].alg_name); j++) {
			char c = generated[i].alg_name[j];

			upper[j] = (c >= 'a' && c <= 'z') ?
				(char)(c - 'a' + 'A') : c;
		}
		assert_int_equal(tsig_algorithm_from_name(upper, &alg),
			KD_OK);
		assert_int_equal(alg, generated[i].algorithm);
	}
	assert_int_equal(tsig_algorithm_from_name("HMAC-MD5.SIG-ALG.REG.INT",
		&alg), KD_OK);
	assert_int_equal(alg, TSIG_HMAC_MD5);
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		assert_int_equal(tsig_algorithm_from_name(unknown[i], &alg),
			KD_EINVAL);
	assert_int_equal(tsig_algorithm_from_name(NULL, &alg), KD_EINVAL);
}

static void
test_comments_and_forms(void **state)
{
	keyfile kf;
	kd_err err;

	(void)state;
	keyfile_init(&kf);
	assert_int_equal(parse("# shell comment\n"
		"// C++ comment\n"
		"/* block\n   comment */ key /* inline */ \"K1.Example.Test.\"\n"
		"{ # after brace\n"
		"\tALGORITHM HMAC-SHA256; // upper case\n"
		"\tsecret \"" SECRET256 "\"; /* trailing */\n"
		"};\n"
		"key k2{algorithm \"hmac-md5.sig-alg.reg.int\";secret "
		"MGZ8UOHsG+GM9BqHS84f5g==;};"
		"KEY k3 { secret \"" SECRET256 "\"; algorithm hmac-sha224; };",
		&kf, &err), KD_OK);
	assert_int_equal(kf.count, 3);
	assert_string_equal(kf.keys[0].name, "k1.example.test");
	assert_int_equal(kf.keys[0].algorithm, TSIG_HMAC_SHA256);
	assert_int_equal(kf.keys[0].secret_len, 32);
	assert_int_equal(kf.keys[0].line, 4);
	assert_string_equal(kf.keys[1].name, "k2");
	assert_int_equal(kf.keys[1].algorithm, TSIG_HMAC_MD5);
	assert_int_equal(kf.keys[1].secret_len, 16);
	assert_int_equal(kf.keys[1].line, 9);
	assert_string_equal(kf.keys[2].name, "k3");
	assert_int_equal(kf.keys[2].algorithm, TSIG_HMAC_SHA224);
	assert_int_equal(kf.keys[2].line, 9);
	keyfile_free(&kf);

	/* '/' is a base64 digit: no comment inside an unquoted secret. */
	assert_int_equal(parse("key k4 { algorithm hmac-sha1; secret "
		"AA//79//;}; // comment\n/* comment */", &kf, &err), KD_OK);
	assert_int_equal(kf.count, 1);
	assert_int_equal(kf.keys[0].secret_len, 6);
	assert_memory_equal(kf.keys[0].secret, "\x00\x0f\xff\xef\xdf\xff",
		6);
	keyfile_free(&kf);
}

static void
test_empty_text(void **state)
{
	keyfile kf;
	kd_err err;

	(void)state;
	keyfile_init(&kf);
	assert_int_equal(keyfile_parse_text("", 0, "e", &kf, &err), KD_OK);
	assert_int_equal(keyfile_parse_text(NULL, 0, "e", &kf, &err), KD_OK);
	assert_int_equal(parse("# nothing\n/* at all */\n// here\n", &kf,
		&err), KD_OK);
	assert_int_equal(kf.count, 0);
	keyfile_free(&kf);
}

static void
test_crlf(void **state)
{
	keyfile kf;
	kd_err err;
	char *text;
	char *crlf;
	size_t len;
	size_t used = 0;

	(void)state;
	text = read_data("three-keys.key", &len);
	crlf = malloc(len * 2 + 1);
	assert_non_null(crlf);
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n')
			crlf[used++] = '\r';
		crlf[used++] = text[i];
	}
	keyfile_init(&kf);
	assert_int_equal(keyfile_parse_text(crlf, used, "crlf.key", &kf,
		&err), KD_OK);
	assert_int_equal(kf.count, 3);
	assert_int_equal(kf.keys[2].line, 9);
	assert_string_equal(kf.keys[1].name, "kms2.corp.example.test");
	keyfile_free(&kf);
	free(crlf);
	free(text);

	assert_text_error("key k1 {\r\n\talgorithm hmac-sha256;\r\n"
		"\tsecret \"" SECRET256 "\";\r\n};\r\nkey k2 {\r\n"
		"\talgorithm hmac-foo;\r\n", KD_EINVAL,
		"tsig.key:6: unknown algorithm \"hmac-foo\"");
}

static void
test_error_messages(void **state)
{
	(void)state;
	assert_text_error("key \"k1\" {\n\tsecret \"" SECRET256 "\";\n"
		"\n\talgorithm hmac-foo;\n};\n", KD_EINVAL,
		"tsig.key:4: unknown algorithm \"hmac-foo\"");
	assert_text_error("# key for kms1\nkey \"k1\" {\n"
		"\talgorithm hmac-sha256;\n};\n", KD_ESYNTAX,
		"tsig.key:2: key \"k1\" has no secret");
	assert_text_error("key \"k1\" {\n\tsecret \"" SECRET256 "\";\n};\n",
		KD_ESYNTAX, "tsig.key:1: key \"k1\" has no algorithm");
	assert_text_error("key k1 { algorithm hmac-sha256; secret \"\"; };",
		KD_EINVAL, "tsig.key:1: key \"k1\" has an empty secret");
	assert_text_error("options {\n\tdirectory \"/tmp\";\n};\n",
		KD_ESYNTAX, "tsig.key:1: \"options\" statement is not allowed "
		"in a key file (only \"key\")");
	assert_text_error("key k1 { algorithm hmac-sha256; secret \""
		SECRET256 "\"; };\n\ninclude \"/etc/other.key\";\n", KD_ESYNTAX,
		"tsig.key:3: \"include\" statement is not allowed in a key "
		"file (only \"key\")");
	assert_text_error("key \"bad..name\" { algorithm hmac-sha256; };",
		KD_EINVAL, "tsig.key:1: key name \"bad..name\": empty label");
	assert_text_error("key \"\" { algorithm hmac-sha256; };", KD_EINVAL,
		"tsig.key:1: key name \"\": name is empty");
	assert_text_error("key k1 {\n algorithm hmac-sha256;\n secret \""
		SECRET256 "\";\n};\nkey K1. {\n algorithm hmac-sha256;\n"
		" secret \"" SECRET256 "\";\n};\n", KD_EEXIST,
		"tsig.key:5: key \"k1\" is already defined on line 1");
	assert_text_error("key k1 { algorithm hmac-sha256; algorithm "
		"hmac-sha1; };", KD_ESYNTAX,
		"tsig.key:1: key \"k1\" has more than one algorithm");
	assert_text_error("key k1 { secret \"" SECRET256 "\";\nsecret \""
		SECRET256 "\"; };", KD_ESYNTAX,
		"tsig.key:2: key \"k1\" has more than one secret");
	assert_text_error("key k1 {\n\tfoo bar;\n};", KD_ESYNTAX,
		"tsig.key:2: key \"k1\": unknown option \"foo\"");
}

static void
test_syntax_errors(void **state)
{
	(void)state;
	assert_text_error("key k1 { algorithm hmac-sha256; secret \""
		SECRET256 "\"; }\n", KD_ESYNTAX,
		"tsig.key:2: expected \";\" after \"}\", found end of text");
	assert_text_error("key k1 algorithm hmac-sha256;", KD_ESYNTAX,
		"tsig.key:1: expected \"{\" after the key name, found "
		"\"algorithm\"");
	assert_text_error("key {", KD_ESYNTAX,
		"tsig.key:1: expected a key name after \"key\", found \"{\"");
	assert_text_error("key", KD_ESYNTAX,
		"tsig.key:1: expected a key name after \"key\", found end of "
		"text");
	assert_text_error("key k1 {\n algorithm hmac-sha256;\n", KD_ESYNTAX,
		"tsig.key:3: expected \"algorithm\", \"secret\" or \"}\", "
		"found end of text");
	assert_text_error("key k1 { algorithm hmac-sha256 secret \"x\"; };",
		KD_ESYNTAX, "tsig.key:1: expected \";\" after the algorithm, "
		"found \"secret\"");
	assert_text_error("key k1 { secret \"" SECRET256 "\" };",
		KD_ESYNTAX, "tsig.key:1: expected \";\" after the secret, "
		"found \"}\"");
	assert_text_error("key k1 { algorithm ; };", KD_ESYNTAX,
		"tsig.key:1: expected an algorithm name, found \";\"");
	assert_text_error("key k1 { secret { };", KD_ESYNTAX,
		"tsig.key:1: expected a base64 secret, found \"{\"");
	assert_text_error("key k1 { \"algorithm\" hmac-sha1; };", KD_ESYNTAX,
		"tsig.key:1: expected \"algorithm\", \"secret\" or \"}\", "
		"found the string \"algorithm\"");
	assert_text_error(";", KD_ESYNTAX,
		"tsig.key:1: expected a key statement, found \";\"");
	assert_text_error("\n\"key\" k1 {};", KD_ESYNTAX,
		"tsig.key:2: expected a key statement, found the string "
		"\"key\"");
	assert_text_error("key \"k1 {\n algorithm hmac-sha1;", KD_ESYNTAX,
		"tsig.key:1: quoted string is not closed on its line");
	assert_text_error("key k1 { secret \"abc", KD_ESYNTAX,
		"tsig.key:1: quoted string is not closed on its line");
	assert_text_error("key k1 {\n/* algorithm hmac-sha1;\n};\n",
		KD_ESYNTAX, "tsig.key:2: comment \"/*\" is not closed");
	assert_text_error("key k1 { algorithm hmac-sha1; } /", KD_ESYNTAX,
		"tsig.key:1: expected \";\" after \"}\", found \"/\"");
	assert_text_error("key k1 { algorithm hmac-sha1// comment\n; };",
		KD_EINVAL, "tsig.key:1: unknown algorithm \"hmac-sha1//\"");
}

static void
test_nul_byte(void **state)
{
	static const char text[] = "key k1 {\n algorithm hmac-sha1;\n"
		" secret \"a\0b\";\n};\n";
	keyfile kf;
	kd_err err;

	(void)state;
	keyfile_init(&kf);
	assert_int_equal(keyfile_parse_text(text, sizeof(text) - 1,
		"tsig.key", &kf, &err), KD_ESYNTAX);
	assert_string_equal(err.text, "tsig.key:3: NUL byte in the text");
	assert_int_equal(kf.count, 0);
	keyfile_free(&kf);
}

static void
test_bad_base64(void **state)
{
	(void)state;
	assert_bad_secret("abc");
	assert_bad_secret("abcde");
	assert_bad_secret("ab!d");
	assert_bad_secret("ab d");
	assert_bad_secret("a===");
	assert_bad_secret("====");
	assert_bad_secret("ab=c");
	assert_bad_secret("ab==abcd");
	assert_bad_secret("YR==");   /* unused bits are not zero */
	assert_bad_secret("YWF=");
	assert_bad_secret("YQ=");
	assert_bad_secret("YQ");
	assert_bad_secret("YQ==\t");
	assert_bad_secret("-_-_");   /* base64url is not base64 */
}

static void
test_good_base64(void **state)
{
	static const struct {
		const char *base64;
		const char *bytes;
		size_t len;
	} cases[] = {
		{ "YQ==", "a", 1 },
		{ "YWI=", "ab", 2 },
		{ "YWJj", "abc", 3 },
		{ "YWJjZA==", "abcd", 4 },
		{ "//79", "\xff\xfe\xfd", 3 },
		{ "+/+/AA==", "\xfb\xff\xbf\x00", 4 },
		{ "AAAA", "\0\0\0", 3 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[256];
		keyfile kf;
		kd_err err;

		snprintf(text, sizeof(text), "key k { algorithm hmac-sha1; "
			"secret \"%s\"; };", cases[i].base64);
		keyfile_init(&kf);
		assert_int_equal(parse(text, &kf, &err), KD_OK);
		assert_int_equal(kf.keys[0].secret_len, cases[i].len);
		assert_memory_equal(kf.keys[0].secret, cases[i].bytes,
			cases[i].len);
		assert_string_equal(kf.keys[0].secret_base64,
			cases[i].base64);
		keyfile_free(&kf);
	}
}

static void
test_secret_size_limit(void **state)
{
	unsigned char bytes[KEYFILE_SECRET_MAX + 3];
	char encoded[(sizeof(bytes) / 3 + 1) * 4 + 1];
	char text[2048];
	keyfile kf;
	kd_err err;

	(void)state;
	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (unsigned char)(i * 7 + 1);

	/* Exactly KEYFILE_SECRET_MAX bytes is accepted. */
	base64_encode(bytes, KEYFILE_SECRET_MAX, encoded);
	snprintf(text, sizeof(text), "key big { algorithm hmac-sha512; "
		"secret \"%s\"; };", encoded);
	keyfile_init(&kf);
	assert_int_equal(parse(text, &kf, &err), KD_OK);
	assert_int_equal(kf.keys[0].secret_len, KEYFILE_SECRET_MAX);
	assert_memory_equal(kf.keys[0].secret, bytes, KEYFILE_SECRET_MAX);
	keyfile_free(&kf);

	/* One byte more still fits the base64 buffer but not the secret. */
	base64_encode(bytes, KEYFILE_SECRET_MAX + 1, encoded);
	snprintf(text, sizeof(text), "key big { algorithm hmac-sha512; "
		"secret \"%s\"; };", encoded);
	assert_text_error(text, KD_ERANGE,
		"tsig.key:1: secret of key \"big\" is longer than 512 bytes");

	base64_encode(bytes, KEYFILE_SECRET_MAX + 3, encoded);
	snprintf(text, sizeof(text), "key big { algorithm hmac-sha512; "
		"secret \"%s\"; };", encoded);
	assert_text_error(text, KD_ERANGE,
		"tsig.key:1: secret of key \"big\" is longer than 512 bytes");
}

static void
test_atomic_and_appending(void **state)
{
	keyfile kf;
	kd_err err;

	(void)state;
	keyfile_init(&kf);
	assert_int_equal(keyfile_parse_file(TEST_DATA_DIR
		"/tsig-hmac-sha256.key", &kf, &err), KD_OK);
	assert_int_equal(kf.count, 1);

	/* A good key before the error is not added. */
	assert_int_equal(parse_as("key a { algorithm hmac-sha1; secret \""
		SECRET256 "\"; };\nkey b { algorithm hmac-foo; };",
		"second.key", &kf, &err), KD_EINVAL);
	assert_string_equal(err.text,
		"second.key:2: unknown algorithm \"hmac-foo\"");
	assert_int_equal(kf.count, 1);
	assert_string_equal(kf.keys[0].name, "kms-hmac-sha256.example.test");

	/* A key name from an earlier file is a duplicate too. */
	assert_int_equal(parse_as("key a { algorithm hmac-sha1; secret \""
		SECRET256 "\"; };\n\n\n"
		"key \"KMS-hmac-sha256.example.test.\" {};", "second.key", &kf,
		&err), KD_EEXIST);
	assert_string_equal(err.text, "second.key:4: key "
		"\"kms-hmac-sha256.example.test\" is already defined on line 1");
	assert_int_equal(kf.count, 1);

	assert_int_equal(keyfile_parse_file(TEST_DATA_DIR "/three-keys.key",
		&kf, &err), KD_OK);
	assert_int_equal(kf.count, 4);
	assert_ptr_equal(keyfile_find(&kf, "kms-hmac-sha256.example.test"),
		&kf.keys[0]);
	assert_ptr_equal(keyfile_find(&kf, "kms3.corp.example.test"),
		&kf.keys[3]);
	keyfile_free(&kf);
}

static void
test_file_errors(void **state)
{
	keyfile kf;
	kd_err err;

	(void)state;
	keyfile_init(&kf);
	assert_int_equal(keyfile_parse_file(TEST_DATA_DIR "/missing.key",
		&kf, &err), KD_ENOENT);
	assert_string_equal(err.text, "cannot open " TEST_DATA_DIR
		"/missing.key: No such file or directory");
	assert_int_equal(keyfile_parse_file(TEST_DATA_DIR, &kf, &err),
		KD_EIO);
	assert_string_equal(err.text, "cannot read " TEST_DATA_DIR
		": not a regular file");
	assert_int_equal(keyfile_parse_file(TEST_DATA_DIR "/publish.conf",
		&kf, &err), KD_ESYNTAX);
	assert_string_equal(err.text, TEST_DATA_DIR "/publish.conf:2: "
		"\"corp.example.test\" statement is not allowed in a key file "
		"(only \"key\")");
	assert_int_equal(kf.count, 0);
	keyfile_free(&kf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generated_files),
		cmocka_unit_test(test_three_keys),
		cmocka_unit_test(test_algorithm_names),
		cmocka_unit_test(test_comments_and_forms),
		cmocka_unit_test(test_empty_text),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_error_messages),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_bad_base64),
		cmocka_unit_test(test_good_base64),
		cmocka_unit_test(test_secret_size_limit),
		cmocka_unit_test(test_atomic_and_appending),
		cmocka_unit_test(test_file_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
