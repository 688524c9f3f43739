/*
 * keyfile.c -- parse BIND key files (the output of tsig-keygen).
 *
 * The grammar is the key statement of named.conf:
 *     key NAME { algorithm ALG; secret "BASE64"; };
 * A small lexer turns the text into words, quoted strings and the
 * punctuation { } ;, skipping blanks and comments; a recursive-descent
 * parser reads key statements from the tokens.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kd_file.h"
#include "keyfile.h"
#include "text.h"

/* Largest file keyfile_parse_file() reads; key files are a few lines. */
#define KEYFILE_FILE_MAX (1024 * 1024)

/* How many characters of a bad token an error message shows. */
#define KEYFILE_SHOWN_MAX 64

typedef struct algorithm_names {
	const char *name;       /* as BIND writes it in key files */
	const char *wire_name;  /* as a TSIG record names it */
} algorithm_names;

/* The names of each tsig_algorithm, indexed by it. */
static const algorithm_names algorithms[] = {
	[TSIG_HMAC_MD5] = { "hmac-md5", "hmac-md5.sig-alg.reg.int" },
	[TSIG_HMAC_SHA1] = { "hmac-sha1", "hmac-sha1" },
	[TSIG_HMAC_SHA224] = { "hmac-sha224", "hmac-sha224" },
	[TSIG_HMAC_SHA256] = { "hmac-sha256", "hmac-sha256" },
	[TSIG_HMAC_SHA384] = { "hmac-sha384", "hmac-sha384" },
	[TSIG_HMAC_SHA512] = { "hmac-sha512", "hmac-sha512" },
};

#define ALGORITHM_COUNT (sizeof(algorithms) / sizeof(algorithms[0]))

typedef enum token_type {
	TOKEN_END,        /* end of the text */
	TOKEN_WORD,       /* unquoted word */
	TOKEN_STRING,     /* quoted string; TEXT excludes the quotes */
	TOKEN_OPEN,       /* { */
	TOKEN_CLOSE,      /* } */
	TOKEN_SEMICOLON,  /* ; */
} token_type;

typedef struct token {
	token_type type;
	const char *text;
	size_t len;
	unsigned line;
} token;

typedef struct lexer {
	const char *pos;
	const char *limit;
	unsigned line;
	const char *source;
} lexer;

/* Growable array of keys, private to a parse. */
typedef struct key_array {
	tsig_key *keys;
	size_t count;
	size_t capacity;
} key_array;

/* What a key statement has collected so far. */
typedef struct key_state {
	tsig_key key;
	int has_algorithm;
	int has_secret;
} key_state;

/* Overwrite LEN bytes at P; volatile so the compiler keeps the stores. */
static void
wipe(void *p, size_t len)
{
	volatile unsigned char *byte = p;

	while (len-- > 0) {
		*byte++ = 0;
	}
}

void
keyfile_init(keyfile *kf)
{
	kf->keys = NULL;
	kf->count = 0;
}

void
keyfile_free(keyfile *kf)
{
	if (kf->keys != NULL) {
		wipe(kf->keys, kf->count * sizeof(*kf->keys));
	}
	free(kf->keys);
	keyfile_init(kf);
}

/* True when the LEN characters at TEXT equal the string WORD in any case. */
static int
equal_nocase(const char *text, size_t len, const char *word)
{
	size_t i;

	if (strlen(word) != len) {
		return 0;
	}
	for (i = 0; i < len; i++) {
		if (kd_ascii_lower(text[i]) != kd_ascii_lower(word[i])) {
			return 0;
		}
	}
	return 1;
}

kd_result
tsig_algorithm_from_name(const char *name, tsig_algorithm *alg)
{
	size_t i;

	if (name == NULL) {
		return KD_EINVAL;
	}
	for (i = 0; i < ALGORITHM_COUNT; i++) {
		if (equal_nocase(name, strlen(name), algorithms[i].name) ||
		    equal_nocase(name, strlen(name), algorithms[i].wire_name)) {
			if (alg != NULL) {
				*alg = (tsig_algorithm)i;
			}
			return KD_OK;
		}
	}
	return KD_EINVAL;
}

const char *
tsig_algorithm_name(tsig_algorithm alg)
{
	return (size_t)alg < ALGORITHM_COUNT ? algorithms[alg].name : "unknown";
}

const char *
tsig_algorithm_wire_name(tsig_algorithm alg)
{
	return (size_t)alg < ALGORITHM_COUNT ? algorithms[alg].wire_name :
		"unknown";
}

/* Value of base64 digit C, or -1 when C is not one. */
static int
base64_value(char c)
{
	if (c >= 'A' && c <= 'Z') {
		return c - 'A';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 26;
	}
	if (c >= '0' && c <= '9') {
		return c - '0' + 52;
	}
	if (c == '+') {
		return 62;
	}
	if (c == '/') {
		return 63;
	}
	return -1;
}

/*
 * Decode the LEN base64 characters at TEXT (padded, canonical: unused bits
 * zero) into OUT of OUTLEN bytes. Returns KD_EINVAL for bad base64,
 * KD_ERANGE when OUT is too small.
 */
static kd_result
base64_decode(const char *text, size_t len, unsigned char *out,
	size_t outlen, size_t *decoded)
{
	size_t used = 0;
	size_t i;

	if (len == 0 || len % 4 != 0) {
		return KD_EINVAL;
	}
	for (i = 0; i < len; i += 4) {
		const int last = i + 4 == len;
		int digits[4];
		size_t ndigits = 0;
		unsigned long group;
		size_t j;

		for (j = 0; j < 4; j++) {
			digits[j] = base64_value(text[i + j]);
			if (digits[j] >= 0 && ndigits == j) {
				ndigits++;
			} else if (digits[j] < 0 && !(last && text[i + j] == '=')) {
				return KD_EINVAL;
			}
		}
		/* Padding only at the end, after two or three digits. */
		for (j = ndigits; j < 4; j++) {
			if (text[i + j] != '=') {
				return KD_EINVAL;
			}
		}
		if (ndigits < 2) {
			return KD_EINVAL;
		}
		group = 0;
		for (j = 0; j < ndigits; j++) {
			group |= (unsigned long)digits[j] << (18 - 6 * j);
		}
		if ((ndigits == 2 && (group & 0xFFFFUL) != 0) ||
		    (ndigits == 3 && (group & 0xFFUL) != 0)) {
			return KD_EINVAL;
		}
		if (used + ndigits - 1 > outlen) {
			return KD_ERANGE;
		}
		for (j = 0; j + 1 < ndigits; j++) {
			out[used++] = (unsigned char)(group >> (16 - 8 * j));
		}
	}
	*decoded = used;
	return KD_OK;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
		c == '\f' || c == '\v';
}

/* True when a comment starts at the lexer's position. */
static int
at_comment(const lexer *lx)
{
	if (*lx->pos == '#') {
		return 1;
	}
	return *lx->pos == '/' && lx->pos + 1 < lx->limit &&
		(lx->pos[1] == '/' || lx->pos[1] == '*');
}

/* Skip one comment at the lexer's position. */
static kd_result
skip_comment(lexer *lx, kd_err *err)
{
	const unsigned start_line = lx->line;

	if (*lx->pos == '#' || lx->pos[1] == '/') {
		while (lx->pos < lx->limit && *lx->pos != '\n') {
			lx->pos++;
		}
		return KD_OK;
	}
	for (lx->pos += 2; lx->pos < lx->limit; lx->pos++) {
		if (*lx->pos == '\n') {
			lx->line++;
		} else if (*lx->pos == '*' && lx->pos + 1 < lx->limit &&
		    lx->pos[1] == '/') {
			lx->pos += 2;
			return KD_OK;
		}
	}
	return kd_err_set(err, KD_ESYNTAX,
		"%s:%u: comment \"/*\" is not closed", lx->source, start_line);
}

/* Skip blanks, line ends and comments. */
static kd_result
skip_space(lexer *lx, kd_err *err)
{
	while (lx->pos < lx->limit) {
		if (*lx->pos == '\n') {
			lx->line++;
			lx->pos++;
		} else if (is_space(*lx->pos)) {
			lx->pos++;
		} else if (at_comment(lx)) {
			kd_result ret = skip_comment(lx, err);

			if (ret != KD_OK) {
				return ret;
			}
		} else {
			break;
		}
	}
	return KD_OK;
}

static kd_result
lex_string(lexer *lx, token *tok, kd_err *err)
{
	const char *start = ++lx->pos;

	while (lx->pos < lx->limit && *lx->pos != '"' && *lx->pos != '\n') {
		lx->pos++;
	}
	if (lx->pos == lx->limit || *lx->pos == '\n') {
		return kd_err_set(err, KD_ESYNTAX,
			"%s:%u: quoted string is not closed on its line",
			lx->source, tok->line);
	}
	tok->type = TOKEN_STRING;
	tok->text = start;
	tok->len = (size_t)(lx->pos - start);
	lx->pos++;
	return KD_OK;
}

static void
lex_word(lexer *lx, token *tok)
{
	const char *start = lx->pos;

	/* '/' is a base64 digit, so a slash starts a comment only between
	 * tokens: an unquoted secret may hold "//". */
	while (lx->pos < lx->limit && !is_space(*lx->pos) &&
	    *lx->pos != '{' && *lx->pos != '}' && *lx->pos != ';' &&
	    *lx->pos != '"' && *lx->pos != '#') {
		lx->pos++;
	}
	tok->type = TOKEN_WORD;
	tok->text = start;
	tok->len = (size_t)(lx->pos - start);
}

/* Read the next token into TOK. */
static kd_result
lex_next(lexer *lx, token *tok, kd_err *err)
{
	kd_result ret = skip_space(lx, err);

	if (ret != KD_OK) {
		return ret;
	}
	tok->line = lx->line;
	tok->text = lx->pos;
	tok->len = 1;
	if (lx->pos == lx->limit) {
		tok->type = TOKEN_END;
		tok->len = 0;
		return KD_OK;
	}
	switch (*lx->pos) {
	case '{':
		tok->type = TOKEN_OPEN;
		break;
	case '}':
		tok->type = TOKEN_CLOSE;
		break;
	case ';':
		tok->type = TOKEN_SEMICOLON;
		break;
	case '"':
		return lex_string(lx, tok, err);
	default:
		lex_word(lx, tok);
		return KD_OK;
	}
	lx->pos++;
	return KD_OK;
}

/* Describe TOK for a message: "end of text" or the token in quotes. */
static void
describe_token(const token *tok, char *out, size_t outlen)
{
	if (tok->type == TOKEN_END) {
		(void)snprintf(out, outlen, "end of text");
	} else if (tok->type == TOKEN_STRING) {
		(void)snprintf(out, outlen, "the string \"%.*s%s\"",
			KD_TEXT_SHORT(tok->text, tok->len, KEYFILE_SHOWN_MAX));
	} else {
		(void)snprintf(out, outlen, "\"%.*s%s\"",
			KD_TEXT_SHORT(tok->text, tok->len, KEYFILE_SHOWN_MAX));
	}
}

/* Fail with "SOURCE:LINE: expected WHAT, found TOK". */
static kd_result
unexpected(const lexer *lx, const token *tok, const char *what, kd_err *err)
{
	char found[KEYFILE_SHOWN_MAX + 32];

	describe_token(tok, found, sizeof(found));
	return kd_err_set(err, KD_ESYNTAX, "%s:%u: expected %s, found %s",
		lx->source, tok->line, what, found);
}

/*
 * Read the next token into TOK; it must be of type A or B, WHAT names them
 * in the error.
 */
static kd_result
expect_either(lexer *lx, token_type a, token_type b, const char *what,
	token *tok, kd_err *err)
{
	kd_result ret = lex_next(lx, tok, err);

	if (ret == KD_OK && tok->type != a && tok->type != b) {
		ret = unexpected(lx, tok, what, err);
	}
	return ret;
}

/* Read a token that must be of TYPE; WHAT names it in the error. */
static kd_result
expect(lexer *lx, token_type type, const char *what, kd_err *err)
{
	token tok;

	return expect_either(lx, type, type, what, &tok, err);
}

/*
 * The value of the CLAUSE ("algorithm", "secret") of the key in STATE into
 * TOK, refused when the key already had one (SEEN).
 */
static kd_result
expect_clause_value(lexer *lx, const key_state *state, int seen,
	const char *clause, const char *what, token *tok, kd_err *err)
{
	kd_result ret = expect_either(lx, TOKEN_WORD, TOKEN_STRING, what, tok,
		err);

	if (ret != KD_OK) {
		return ret;
	}
	if (seen) {
		return kd_err_set(err, KD_ESYNTAX,
			"%s:%u: key \"%s\" has more than one %s", lx->source,
			tok->line, state->key.name, clause);
	}
	return KD_OK;
}

/* The key named NAME in KF or ARRAY, or NULL. */
static const tsig_key *
find_key(const keyfile *kf, const key_array *array, const char *name)
{
	size_t i;

	for (i = 0; i < kf->count; i++) {
		if (strcmp(kf->keys[i].name, name) == 0) {
			return &kf->keys[i];
		}
	}
	for (i = 0; i < array->count; i++) {
		if (strcmp(array->keys[i].name, name) == 0) {
			return &array->keys[i];
		}
	}
	return NULL;
}

/* Parse the key name token TOK into STATE. */
static kd_result
parse_key_name(const lexer *lx, const token *tok, const keyfile *kf,
	const key_array *array, key_state *state, kd_err *err)
{
	const tsig_key *old;
	kd_err detail;
	char *name;
	kd_result ret;

	name = malloc(tok->len + 1);
	if (name == NULL) {
		return kd_err_set(err, KD_ENOMEM, "%s:%u: out of memory",
			lx->source, tok->line);
	}
	memcpy(name, tok->text, tok->len);
	name[tok->len] = '\0';
	ret = dname_normalize(name, DNAME_OWNER, state->key.name,
		sizeof(state->key.name), &detail);
	free(name);
	if (ret != KD_OK) {
		return kd_err_set(err, ret, "%s:%u: key name %s", lx->source,
			tok->line, detail.text);
	}
	old = find_key(kf, array, state->key.name);
	if (old != NULL) {
		return kd_err_set(err, KD_EEXIST,
			"%s:%u: key \"%s\" is already defined on line %u",
			lx->source, tok->line, state->key.name, old->line);
	}
	return KD_OK;
}

static kd_result
parse_algorithm(lexer *lx, key_state *state, kd_err *err)
{
	char name[KEYFILE_ALG_MAX];
	token tok;
	kd_result ret;

	ret = expect_clause_value(lx, state, state->has_algorithm,
		"algorithm", "an algorithm name", &tok, err);
	if (ret != KD_OK) {
		return ret;
	}
	if (tok.len >= sizeof(name)) {
		return kd_err_set(err, KD_EINVAL,
			"%s:%u: unknown algorithm \"%.*s%s\"", lx->source,
			tok.line,
			KD_TEXT_SHORT(tok.text, tok.len, KEYFILE_SHOWN_MAX));
	}
	memcpy(name, tok.text, tok.len);
	name[tok.len] = '\0';
	if (tsig_algorithm_from_name(name, &state->key.algorithm) != KD_OK) {
		return kd_err_set(err, KD_EINVAL,
			"%s:%u: unknown algorithm \"%s\"", lx->source, tok.line,
			name);
	}
	state->has_algorithm = 1;
	return expect(lx, TOKEN_SEMICOLON, "\";\" after the algorithm", err);
}

static kd_result
parse_secret(lexer *lx, key_state *state, kd_err *err)
{
	tsig_key *key = &state->key;
	token tok;
	kd_result ret;

	ret = expect_clause_value(lx, state, state->has_secret, "secret",
		"a base64 secret", &tok, err);
	if (ret != KD_OK) {
		return ret;
	}
	if (tok.len == 0) {
		return kd_err_set(err, KD_EINVAL,
			"%s:%u: key \"%s\" has an empty secret", lx->source,
			tok.line, key->name);
	}
	if (tok.len >= sizeof(key->secret_base64)) {
		return kd_err_set(err, KD_ERANGE,
			"%s:%u: secret of key \"%s\" is longer than %d bytes",
			lx->source, tok.line, key->name, KEYFILE_SECRET_MAX);
	}
	ret = base64_decode(tok.text, tok.len, key->secret,
		sizeof(key->secret), &key->secret_len);
	if (ret == KD_ERANGE) {
		return kd_err_set(err, KD_ERANGE,
			"%s:%u: secret of key \"%s\" is longer than %d bytes",
			lx->source, tok.line, key->name, KEYFILE_SECRET_MAX);
	}
	if (ret != KD_OK) {
		return kd_err_set(err, KD_EINVAL,
			"%s:%u: secret of key \"%s\" is not valid base64",
			lx->source, tok.line, key->name);
	}
	memcpy(key->secret_base64, tok.text, tok.len);
	key->secret_base64[tok.len] = '\0';
	state->has_secret = 1;
	return expect(lx, TOKEN_SEMICOLON, "\";\" after the secret", err);
}

/* Parse the clauses between { and } of a key statement. */
static kd_result
parse_key_body(lexer *lx, key_state *state, kd_err *err)
{
	for (;;) {
		token tok;
		kd_result ret = expect_either(lx, TOKEN_WORD, TOKEN_CLOSE,
			"\"algorithm\", \"secret\" or \"}\"", &tok, err);

		if (ret != KD_OK || tok.type == TOKEN_CLOSE) {
			return ret;
		}
		if (equal_nocase(tok.text, tok.len, "algorithm")) {
			ret = parse_algorithm(lx, state, err);
		} else if (equal_nocase(tok.text, tok.len, "secret")) {
			ret = parse_secret(lx, state, err);
		} else {
			ret = kd_err_set(err, KD_ESYNTAX,
				"%s:%u: key \"%s\": unknown option \"%.*s%s\"",
				lx->source, tok.line, state->key.name,
				KD_TEXT_SHORT(tok.text, tok.len,
					KEYFILE_SHOWN_MAX));
		}
		if (ret != KD_OK) {
			return ret;
		}
	}
}

static kd_result
array_push(key_array *array, const tsig_key *key)
{
	if (array->count == array->capacity) {
		size_t capacity = array->capacity == 0 ? 4 : array->capacity * 2;
		tsig_key *grown;

		grown = malloc(capacity * sizeof(*grown));
		if (grown == NULL) {
			return KD_ENOMEM;
		}
		if (array->count > 0) {
			memcpy(grown, array->keys,
				array->count * sizeof(*grown));
			wipe(array->keys, array->count * sizeof(*grown));
		}
		free(array->keys);
		array->keys = grown;
		array->capacity = capacity;
	}
	array->keys[array->count++] = *key;
	return KD_OK;
}

/* Parse the key statement of LINE into STATE. */
static kd_result
parse_key_statement(lexer *lx, unsigned line, const keyfile *kf,
	const key_array *array, key_state *state, kd_err *err)
{
	token tok;
	kd_result ret;

	state->key.line = line;
	ret = expect_either(lx, TOKEN_WORD, TOKEN_STRING,
		"a key name after \"key\"", &tok, err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = parse_key_name(lx, &tok, kf, array, state, err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = expect(lx, TOKEN_OPEN, "\"{\" after the key name", err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = parse_key_body(lx, state, err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = expect(lx, TOKEN_SEMICOLON, "\";\" after \"}\"", err);
	if (ret != KD_OK) {
		return ret;
	}
	if (!state->has_algorithm) {
		return kd_err_set(err, KD_ESYNTAX,
			"%s:%u: key \"%s\" has no algorithm", lx->source, line,
			state->key.name);
	}
	if (!state->has_secret) {
		return kd_err_set(err, KD_ESYNTAX,
			"%s:%u: key \"%s\" has no secret", lx->source, line,
			state->key.name);
	}
	return KD_OK;
}

/* Parse a key statement whose "key" word is on line LINE into ARRAY. */
static kd_result
parse_key(lexer *lx, unsigned line, const keyfile *kf, key_array *array,
	kd_err *err)
{
	key_state state;
	kd_result ret;

	memset(&state, 0, sizeof(state));
	ret = parse_key_statement(lx, line, kf, array, &state, err);
	if (ret == KD_OK && array_push(array, &state.key) != KD_OK) {
		ret = kd_err_set(err, KD_ENOMEM, "%s:%u: out of memory",
			lx->source, line);
	}
	wipe(&state, sizeof(state));
	return ret;
}

/* Parse every statement of the lexer's text into ARRAY. */
static kd_result
parse_statements(lexer *lx, const keyfile *kf, key_array *array,
	kd_err *err)
{
	for (;;) {
		token tok;
		kd_result ret = expect_either(lx, TOKEN_WORD, TOKEN_END,
			"a key statement", &tok, err);

		if (ret != KD_OK || tok.type == TOKEN_END) {
			return ret;
		}
		if (!equal_nocase(tok.text, tok.len, "key")) {
			return kd_err_set(err, KD_ESYNTAX,
				"%s:%u: \"%.*s%s\" statement is not allowed in a "
				"key file (only \"key\")", lx->source, tok.line,
				KD_TEXT_SHORT(tok.text, tok.len,
					KEYFILE_SHOWN_MAX));
		}
		ret = parse_key(lx, tok.line, kf, array, err);
		if (ret != KD_OK) {
			return ret;
		}
	}
}

/* Move the keys of ARRAY to the end of KF in one allocation. */
static kd_result
append_array(keyfile *kf, const key_array *array)
{
	tsig_key *grown;

	if (array->count == 0) {
		return KD_OK;
	}
	/* Not realloc: the old block holds secrets and must be wiped. */
	grown = malloc((kf->count + array->count) * sizeof(*grown));
	if (grown == NULL) {
		return KD_ENOMEM;
	}
	if (kf->count > 0) {
		memcpy(grown, kf->keys, kf->count * sizeof(*grown));
		wipe(kf->keys, kf->count * sizeof(*grown));
	}
	memcpy(grown + kf->count, array->keys, array->count * sizeof(*grown));
	free(kf->keys);
	kf->keys = grown;
	kf->count += array->count;
	return KD_OK;
}

kd_result
keyfile_parse_text(const char *text, size_t len, const char *source,
	keyfile *kf, kd_err *err)
{
	key_array array = { NULL, 0, 0 };
	lexer lx;
	kd_result ret;

	if (source == NULL) {
		source = "(text)";
	}
	ret = kd_text_check_input(text, len, source, err);
	if (ret != KD_OK) {
		return ret;
	}
	lx.pos = text;
	lx.limit = text + len;
	lx.line = 1;
	lx.source = source;
	ret = parse_statements(&lx, kf, &array, err);
	if (ret == KD_OK && append_array(kf, &array) != KD_OK) {
		ret = kd_err_set(err, KD_ENOMEM, "%s: out of memory", source);
	}
	if (array.keys != NULL) {
		wipe(array.keys, array.count * sizeof(*array.keys));
	}
	free(array.keys);
	return ret;
}

kd_result
keyfile_parse_file(const char *path, keyfile *kf, kd_err *err)
{
	char *text = NULL;
	size_t len = 0;
	kd_result ret;

	ret = kd_file_read(path, KEYFILE_FILE_MAX, &text, &len, err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = keyfile_parse_text(text, len, path, kf, err);
	/* The text holds secrets: wipe it before it goes back to malloc. */
	if (text != NULL) {
		wipe(text, len);
	}
	free(text);
	return ret;
}

const tsig_key *
keyfile_find(const keyfile *kf, const char *name)
{
	size_t i;

	if (kf == NULL || name == NULL) {
		return NULL;
	}
	for (i = 0; i < kf->count; i++) {
		if (dname_equal(kf->keys[i].name, name)) {
			return &kf->keys[i];
		}
	}
	return NULL;
}
