/*
 * publist_win.c -- reg query output, .reg exports and plain publish lists.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli_conv.h"
#include "kd_file.h"
#include "publist_win.h"

/* Largest file read; a publish list is a few lines (UTF-16: twice). */
#define PUBLIST_WIN_FILE_MAX (2 * 1024 * 1024)

/* A parse in progress: where it reads, what it adds to. */
typedef struct win_parse {
	const char *source;
	publist *list;     /* the caller's list, untouched until the end */
	publist added;     /* entries of this parse */
} win_parse;

/* Add the entry of LEN bytes at TEXT from LINE (entry NUMBER of COUNT). */
static kd_result
add_entry(win_parse *p, const char *text, size_t len, unsigned line,
	unsigned number, bool several, kd_err *err)
{
	char where[64], shown[CLI_QUOTE_MAX];
	const publist_entry *old;
	publist_entry entry;
	kd_err detail;
	kd_result ret;

	while (len > 0 && (*text == ' ' || *text == '\t')) {
		text++;
		len--;
	}
	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t')) {
		len--;
	}
	if (len == 0) {
		return KD_OK;
	}
	if (several) {
		snprintf(where, sizeof(where), "%u: entry %u", line, number);
	} else {
		snprintf(where, sizeof(where), "%u", line);
	}
	for (size_t i = 0; i < len; i++) {
		const unsigned char c = (unsigned char)text[i];

		/* the parsers below would echo such bytes raw */
		if ((c < 0x20 && c != '\t') || c >= 0x7f) {
			return kd_err_set(err, KD_ESYNTAX,
				"%s:%s: %s holds a byte that is not printable "
				"ASCII", p->source, where, cli_quote(text, len,
				shown, sizeof(shown)));
		}
	}
	ret = publist_parse_span(text, len, &entry, &detail);
	if (ret != KD_OK) {
		return kd_err_set(err, ret, "%s:%s: %s: %s", p->source, where,
			cli_quote(text, len, shown, sizeof(shown)), detail.text);
	}
	entry.line = line;
	if (publist_find(p->list, entry.domain) != NULL) {
		return kd_err_set(err, KD_EEXIST,
			"%s:%s: domain %s is already listed", p->source, where,
			entry.domain);
	}
	old = publist_find(&p->added, entry.domain);
	if (old != NULL) {
		return kd_err_set(err, KD_EEXIST,
			"%s:%s: domain %s is already listed on line %u",
			p->source, where, entry.domain, old->line);
	}
	if (publist_add(&p->added, &entry, &detail) != KD_OK) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	return KD_OK;
}

/* Add the entries of a value of LEN bytes at TEXT split by SEP (SEPLEN). */
static kd_result
add_split(win_parse *p, const char *text, size_t len, const char *sep,
	size_t seplen, unsigned line, kd_err *err)
{
	const char *end = text + len;
	bool several = false;
	unsigned number = 1;

	for (const char *s = text; s + seplen <= end; s++) {
		if (memcmp(s, sep, seplen) == 0) {
			several = true;
			break;
		}
	}
	while (text <= end) {
		const char *next = NULL;
		kd_result ret;

		for (const char *s = text; s + seplen <= end; s++) {
			if (memcmp(s, sep, seplen) == 0) {
				next = s;
				break;
			}
		}
		ret = add_entry(p, text, (size_t)((next != NULL ? next : end) -
			text), line, number++, several, err);
		if (ret != KD_OK || next == NULL) {
			return ret;
		}
		text = next + seplen;
	}
	return KD_OK;
}

/* Decode UTF-16LE TEXT (LEN bytes, BOM skipped) to new ASCII *OUT. */
static kd_result
utf16_to_ascii(const char *source, const unsigned char *text, size_t len,
	char **out, size_t *outlen, kd_err *err)
{
	char *buf;
	size_t n = 0;

	if (len % 2 != 0) {
		return kd_err_set(err, KD_ESYNTAX,
			"%s: UTF-16 text of an odd number of bytes", source);
	}
	buf = malloc(len / 2 + 1);
	if (buf == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < len; i += 2) {
		unsigned unit = text[i] | (unsigned)text[i + 1] << 8;

		if (unit >= 0x80 || unit == 0) {
			free(buf);
			return kd_err_set(err, KD_ESYNTAX,
				"%s: character U+%04X at byte %zu is not ASCII",
				source, unit, i);
		}
		buf[n++] = (char)unit;
	}
	buf[n] = '\0';
	*out = buf;
	*outlen = n;
	return KD_OK;
}

/* The line [START, END) without its CR and with leading blanks skipped. */
static void
trim_line(const char **start, const char **end)
{
	if (*end > *start && (*end)[-1] == '\r') {
		(*end)--;
	}
	while (*start < *end && (**start == ' ' || **start == '\t')) {
		(*start)++;
	}
}

/* Case-insensitive: the line [START, END) begins with PREFIX. */
static bool
starts_with(const char *start, const char *end, const char *prefix)
{
	size_t n = strlen(prefix);

	return (size_t)(end - start) >= n && strncasecmp(start, prefix, n) == 0;
}

/* The position of the value NAME=hex(7): in TEXT, or NULL. */
static const char *
find_reg_value(const char *text, size_t len, unsigned *line)
{
	static const char key[] = "\"" PUBLIST_WIN_VALUE "\"=";
	const char *pos = text, *limit = text + len;

	*line = 1;
	while (pos < limit) {
		const char *nl = memchr(pos, '\n', (size_t)(limit - pos));
		const char *end = nl != NULL ? nl : limit;
		const char *start = pos;

		trim_line(&start, &end);
		if (starts_with(start, end, key)) {
			return start + strlen(key);
		}
		if (nl == NULL) {
			break;
		}
		pos = nl + 1;
		(*line)++;
	}
	return NULL;
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

/*
 * Parse the .reg value at VALUE (after "...=") up to LIMIT, from LINE:
 * hex(7): bytes, UTF-16LE unless ANSI (REGEDIT4).
 */
static kd_result
parse_reg_value(win_parse *p, const char *value, const char *limit,
	unsigned line, bool ansi, kd_err *err)
{
	const unsigned value_line = line;
	unsigned char *bytes;
	char *chars;
	size_t nbytes = 0, nchars = 0;
	const char *s = value;
	kd_result ret;

	if (!starts_with(value, limit, "hex(7):")) {
		return kd_err_set(err, KD_ESYNTAX,
			"%s:%u: " PUBLIST_WIN_VALUE " is not hex(7) "
			"(REG_MULTI_SZ)", p->source, line);
	}
	s += strlen("hex(7):");
	bytes = malloc((size_t)(limit - s) / 2 + 1);
	chars = malloc((size_t)(limit - s) / 2 + 1);
	if (bytes == NULL || chars == NULL) {
		free(bytes);
		free(chars);
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	/* "hh,hh,...,\" CRLF "  hh,..." up to the first line without '\' */
	while (s < limit) {
		int hi, lo;

		if (*s == ',' || *s == ' ' || *s == '\t') {
			s++;
			continue;
		}
		if (*s == '\\') {
			s++;
			while (s < limit && (*s == '\r' || *s == '\n')) {
				line += *s == '\n';
				s++;
			}
			continue;
		}
		if (*s == '\r' || *s == '\n') {
			break;
		}
		hi = hex_digit(s[0]);
		lo = s + 1 < limit ? hex_digit(s[1]) : -1;
		if (hi < 0 || lo < 0) {
			char shown[CLI_QUOTE_MAX];

			free(bytes);
			free(chars);
			return kd_err_set(err, KD_ESYNTAX,
				"%s:%u: %s is not a hex byte", p->source, line,
				cli_quote(s, (size_t)(limit - s) < 2 ?
				(size_t)(limit - s) : 2, shown, sizeof(shown)));
		}
		bytes[nbytes++] = (unsigned char)(hi << 4 | lo);
		s += 2;
	}
	if (!ansi && nbytes % 2 != 0) {
		free(bytes);
		free(chars);
		return kd_err_set(err, KD_ESYNTAX,
			"%s:%u: hex(7) value of an odd number of bytes",
			p->source, line);
	}
	for (size_t i = 0; i < nbytes; i += ansi ? 1 : 2) {
		unsigned unit = ansi ? bytes[i] :
			bytes[i] | (unsigned)bytes[i + 1] << 8;

		if (unit >= 0x80) {
			free(bytes);
			free(chars);
			return kd_err_set(err, KD_ESYNTAX,
				"%s:%u: character U+%04X in the value is not "
				"ASCII", p->source, line, unit);
		}
		chars[nchars++] = (char)unit;
	}
	free(bytes);
	ret = add_split(p, chars, nchars, "", 1, value_line, err);
	free(chars);
	return ret;
}

/* Parse reg query output or a plain list: one line at a time. */
static kd_result
parse_lines(win_parse *p, const char *text, size_t len, kd_err *err)
{
	const char *pos = text, *limit = text + len;
	unsigned line = 1;

	while (pos < limit) {
		const char *nl = memchr(pos, '\n', (size_t)(limit - pos));
		const char *end = nl != NULL ? nl : limit;
		const char *start = pos;
		kd_result ret = KD_OK;

		trim_line(&start, &end);
		for (const char *c = start; c < end; c++) {
			/* a comment, as in publist.h */
			if (*c == '#' || *c == ';') {
				end = c;
				break;
			}
		}
		if (starts_with(start, end, "HKEY_")) {
			/* the key line of reg query output */
		} else if (starts_with(start, end, PUBLIST_WIN_VALUE) ||
		    memmem(start, (size_t)(end - start), "REG_", 4) != NULL) {
			const char *type = memmem(start, (size_t)(end - start),
				"REG_MULTI_SZ", 12);

			if (!starts_with(start, end, PUBLIST_WIN_VALUE) ||
			    type == NULL) {
				return kd_err_set(err, KD_ESYNTAX,
					"%s:%u: not a " PUBLIST_WIN_VALUE
					" REG_MULTI_SZ value line", p->source,
					line);
			}
			start = type + 12;
			ret = add_split(p, start, (size_t)(end - start), "\\0",
				2, line, err);
		} else {
			ret = add_split(p, start, (size_t)(end - start), "\\0",
				2, line, err);
		}
		if (ret != KD_OK) {
			return ret;
		}
		if (nl == NULL) {
			break;
		}
		pos = nl + 1;
		line++;
	}
	return KD_OK;
}

kd_result
publist_win_parse(const char *text, size_t len, const char *source,
	publist *list, kd_err *err)
{
	const unsigned char *bytes = (const unsigned char *)text;
	win_parse p = { source != NULL ? source : "(text)", list,
		{ NULL, 0 } };
	char *decoded = NULL;
	const char *value;
	unsigned line;
	kd_result ret;

	if (len >= 2 && bytes[0] == 0xff && bytes[1] == 0xfe) {
		ret = utf16_to_ascii(p.source, bytes + 2, len - 2, &decoded,
			&len, err);
		if (ret != KD_OK) {
			return ret;
		}
		text = decoded;
	} else if (len >= 3 && memcmp(bytes, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	value = find_reg_value(text, len, &line);
	if (value != NULL) {
		ret = parse_reg_value(&p, value, text + len, line,
			starts_with(text, text + len, "REGEDIT4"), err);
	} else {
		ret = parse_lines(&p, text, len, err);
	}
	free(decoded);
	if (ret == KD_OK && p.added.count == 0) {
		ret = kd_err_set(err, KD_ENOENT, "%s: no domain in it",
			p.source);
	}
	if (ret == KD_OK && publist_append(list, p.added.entries,
	    p.added.count) != KD_OK) {
		ret = kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	publist_free(&p.added);
	return ret;
}

kd_result
publist_win_parse_file(const char *path, publist *list, kd_err *err)
{
	char *text = NULL;
	size_t len = 0;
	kd_result ret;

	ret = kd_file_read(path, PUBLIST_WIN_FILE_MAX, &text, &len, err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = publist_win_parse(text, len, path, list, err);
	free(text);
	return ret;
}
