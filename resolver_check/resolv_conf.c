/*
 * resolv_conf.c -- search/domain/nameserver lines of resolv.conf(5).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kd_file.h"
#include "resolv_conf.h"

/* Longest line handled; glibc reads lines of any length, so do we up to this. */
#define RESOLV_CONF_LINE_MAX 8192

void
resolv_conf_init(resolv_conf *conf)
{
	suffix_list_init(&conf->search);
	conf->server_count = 0;
}

void
resolv_conf_free(resolv_conf *conf)
{
	suffix_list_free(&conf->search);
	conf->server_count = 0;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Copy the next blank-separated word of *CURSOR into WORD; false at end. */
static bool
next_word(const char **cursor, char *word, size_t size, bool *too_long)
{
	const char *p = *cursor;
	size_t len = 0;

	while (is_space(*p)) {
		p++;
	}
	if (*p == '\0') {
		return false;
	}
	while (*p != '\0' && !is_space(*p)) {
		if (len + 1 < size) {
			word[len] = *p;
		}
		len++;
		p++;
	}
	*too_long = len + 1 > size;
	word[len + 1 > size ? size - 1 : len] = '\0';
	*cursor = p;
	return true;
}

/* Replace CONF's search list with the names after the keyword in REST. */
static kd_result
parse_search(resolv_conf *conf, const char *rest, bool single,
	const char *where, kd_err *err)
{
	char word[DNAME_BUF_SIZE + 2];
	bool too_long;
	size_t words = 0;
	kd_result ret;

	suffix_list_free(&conf->search);
	while (next_word(&rest, word, sizeof(word), &too_long)) {
		if (single && words == 1) {
			return kd_err_set(err, KD_ESYNTAX, "%s: domain takes one "
				"name", where);
		}
		words++;
		if (too_long) {
			return kd_err_set(err, KD_EINVAL, "%s: name \"%.40s...\" "
				"is longer than %d characters", where, word,
				DNAME_TEXT_MAX);
		}
		if (strcmp(word, ".") == 0) {
			continue;
		}
		ret = suffix_list_add(&conf->search, word, where, err);
		if (ret != KD_OK) {
			return ret;
		}
	}
	return KD_OK;
}

static kd_result
parse_nameserver(resolv_conf *conf, const char *rest, const char *where,
	kd_err *err)
{
	char word[ENDPOINT_TEXT_MAX + 8];
	bool too_long;
	endpoint server;
	kd_err reason;

	if (!next_word(&rest, word, sizeof(word), &too_long)) {
		return kd_err_set(err, KD_ESYNTAX, "%s: nameserver without "
			"address", where);
	}
	if (too_long || strchr(word, '#') != NULL ||
		endpoint_parse(word, 53, &server, &reason) != KD_OK) {
		return kd_err_set(err, KD_EINVAL, "%s: nameserver \"%.60s\" is "
			"not an IP address", where, word);
	}
	if (conf->server_count < RESOLV_CONF_SERVERS) {
		conf->servers[conf->server_count++] = server;
	}
	return KD_OK;
}

/* If LINE starts with KEYWORD and a blank (or ends), return what follows. */
static const char *
after_keyword(const char *line, const char *keyword)
{
	size_t len = strlen(keyword);

	if (strncmp(line, keyword, len) != 0) {
		return NULL;
	}
	if (line[len] != '\0' && !is_space(line[len])) {
		return NULL;
	}
	return line + len;
}

static kd_result
parse_line(resolv_conf *conf, const char *line, const char *where,
	kd_err *err)
{
	const char *rest;

	if (line[0] == '#' || line[0] == ';') {
		return KD_OK;
	}
	if ((rest = after_keyword(line, "search")) != NULL) {
		return parse_search(conf, rest, false, where, err);
	}
	if ((rest = after_keyword(line, "domain")) != NULL) {
		return parse_search(conf, rest, true, where, err);
	}
	if ((rest = after_keyword(line, "nameserver")) != NULL) {
		return parse_nameserver(conf, rest, where, err);
	}
	return KD_OK;
}

kd_result
resolv_conf_parse(const char *text, size_t len, const char *source,
	resolv_conf *conf, kd_err *err)
{
	size_t pos = 0;
	unsigned long lineno = 0;

	if (memchr(text, '\0', len) != NULL) {
		return kd_err_set(err, KD_ESYNTAX, "%s: holds a NUL byte; not a "
			"text file", source);
	}
	while (pos < len) {
		const char *start = text + pos;
		const char *newline = memchr(start, '\n', len - pos);
		size_t linelen = newline ? (size_t)(newline - start) : len - pos;
		char where[96];
		char *line;
		kd_result ret;

		lineno++;
		snprintf(where, sizeof(where), "%.80s:%lu", source, lineno);
		if (linelen > RESOLV_CONF_LINE_MAX) {
			return kd_err_set(err, KD_ESYNTAX, "%s: line longer than "
				"%d bytes", where, RESOLV_CONF_LINE_MAX);
		}
		line = malloc(linelen + 1);
		if (line == NULL) {
			return kd_err_set(err, KD_ENOMEM, "%s: out of memory",
				where);
		}
		memcpy(line, start, linelen);
		line[linelen] = '\0';
		ret = parse_line(conf, line, where, err);
		free(line);
		if (ret != KD_OK) {
			return ret;
		}
		pos += linelen + (newline ? 1 : 0);
	}
	return KD_OK;
}

kd_result
resolv_conf_load(const char *path, resolv_conf *conf, kd_err *err)
{
	char *text;
	size_t len;
	kd_result ret = kd_file_read(path, RESOLV_CONF_MAX_BYTES, &text, &len,
		err);

	if (ret != KD_OK) {
		return ret;
	}
	ret = resolv_conf_parse(text, len, path, conf, err);
	free(text);
	return ret;
}
