/*
 * dname.c -- DNS names in presentation format: validation, canonical form,
 * label arithmetic.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "dname.h"
#include "kd_result.h"
#include "text.h"

/* How much of an offending name an error message shows before "...". */
#define DNAME_SHOWN_MAX 256

static bool
is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Length of NAME without one trailing dot; 0 for "." and "". */
static size_t
length_without_dot(const char *name)
{
	size_t len = strlen(name);

	if (len > 0 && name[len - 1] == '.') {
		len--;
	}
	return len;
}

/* Case-insensitive comparison of LEN characters of A and B. */
static bool
equal_ignoring_case(const char *a, const char *b, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (kd_ascii_lower(a[i]) != kd_ascii_lower(b[i])) {
			return false;
		}
	}
	return true;
}

static const char *
rules_noun(dname_rules rules)
{
	return rules == DNAME_OWNER ? "an owner name" : "a host name";
}

static bool
character_allowed(char c, dname_rules rules)
{
	if (is_letter(c) || is_digit(c) || c == '-') {
		return true;
	}
	return rules == DNAME_OWNER && c == '_';
}

/* Describe character C for a message: 'x' when printable, else 0xNN. */
static void
describe_character(char c, char *out, size_t outlen)
{
	unsigned char byte = (unsigned char)c;

	if (byte >= 0x20 && byte < 0x7f) {
		(void)snprintf(out, outlen, "the character '%c'", c);
	} else {
		(void)snprintf(out, outlen, "the byte 0x%02x", byte);
	}
}

/* Check LABEL of LEN characters against RULES; NAME is for the message. */
static kd_result
validate_label(const char *name, const char *label,
	size_t len, dname_rules rules, kd_err *err)
{
	const int shown = kd_text_shown(strlen(name), DNAME_SHOWN_MAX);
	const char *ellipsis = kd_text_ellipsis(strlen(name), DNAME_SHOWN_MAX);

	if (len == 0) {
		return kd_err_set(err, KD_EINVAL, "\"%.*s%s\": empty label",
			shown, name, ellipsis);
	}
	if (len > DNAME_LABEL_MAX) {
		return kd_err_set(err, KD_EINVAL,
			"\"%.*s%s\": label \"%.*s\" is %zu characters long, "
			"more than %d", shown, name, ellipsis, (int)len, label,
			len, DNAME_LABEL_MAX);
	}
	for (size_t i = 0; i < len; i++) {
		if (!character_allowed(label[i], rules)) {
			char what[32];

			describe_character(label[i], what, sizeof(what));
			return kd_err_set(err, KD_EINVAL,
				"\"%.*s%s\": label \"%.*s\" holds %s, "
				"not allowed in %s", shown, name, ellipsis,
				(int)len, label, what, rules_noun(rules));
		}
	}
	if (label[0] == '-') {
		return kd_err_set(err, KD_EINVAL,
			"\"%.*s%s\": label \"%.*s\" starts with a hyphen",
			shown, name, ellipsis, (int)len, label);
	}
	if (label[len - 1] == '-') {
		return kd_err_set(err, KD_EINVAL,
			"\"%.*s%s\": label \"%.*s\" ends with a hyphen",
			shown, name, ellipsis, (int)len, label);
	}
	return KD_OK;
}

kd_result
dname_validate(const char *name, dname_rules rules, kd_err *err)
{
	if (name == NULL || name[0] == '\0') {
		return kd_err_set(err, KD_EINVAL, "\"\": name is empty");
	}
	if (strcmp(name, ".") == 0) {
		return kd_err_set(err, KD_EINVAL,
			"\".\": the root is not allowed here");
	}

	const size_t len = length_without_dot(name);
	if (len > DNAME_TEXT_MAX) {
		return kd_err_set(err, KD_EINVAL,
			"\"%.*s%s\": name is %zu characters long, more than %d",
			KD_TEXT_SHORT(name, strlen(name), DNAME_SHOWN_MAX),
			len, DNAME_TEXT_MAX);
	}

	size_t start = 0;
	while (start <= len) {
		const char *dot = memchr(name + start, '.', len - start);
		const size_t end = dot != NULL ? (size_t)(dot - name) : len;
		const kd_result ret = validate_label(name, name + start,
			end - start, rules, err);
		if (ret != KD_OK) {
			return ret;
		}
		start = end + 1;
	}
	return KD_OK;
}

kd_result
dname_normalize(const char *name, dname_rules rules, char *out,
	size_t outlen, kd_err *err)
{
	const kd_result ret = dname_validate(name, rules, err);
	if (ret != KD_OK) {
		return ret;
	}

	const size_t len = length_without_dot(name);
	if (out == NULL || outlen <= len) {
		return kd_err_set(err, KD_EFULL,
			"\"%s\": %zu bytes are too few to hold the name", name,
			outlen);
	}
	memcpy(out, name, len);
	out[len] = '\0';
	dname_tolower(out);
	return KD_OK;
}

void
dname_tolower(char *name)
{
	for (; *name != '\0'; name++) {
		*name = kd_ascii_lower(*name);
	}
}

void
dname_strip_dot(char *name)
{
	const size_t len = strlen(name);

	if (len > 1 && name[len - 1] == '.') {
		name[len - 1] = '\0';
	}
}

size_t
dname_label_count(const char *name)
{
	const size_t len = length_without_dot(name);
	size_t count = 0;

	if (len == 0) {
		return 0;
	}
	for (size_t i = 0; i < len; i++) {
		if (name[i] == '.') {
			count++;
		}
	}
	return count + 1;
}

/*
 * "" counts as the root here, as in dname_label_count(); dname_validate()
 * rejects both, so a validated zone is never the root by accident.
 */
bool
dname_is_subdomain(const char *child, const char *parent)
{
	const size_t child_len = length_without_dot(child);
	const size_t parent_len = length_without_dot(parent);

	if (parent_len == 0) {
		return true;
	}
	if (child_len < parent_len) {
		return false;
	}

	const size_t offset = child_len - parent_len;
	if (offset > 0 && child[offset - 1] != '.') {
		return false;
	}
	return equal_ignoring_case(child + offset, parent, parent_len);
}

bool
dname_equal(const char *a, const char *b)
{
	const size_t len = length_without_dot(a);

	return len == length_without_dot(b) &&
		equal_ignoring_case(a, b, len);
}

const char *
dname_parent(const char *name)
{
	const char *dot = strchr(name, '.');

	if (dot == NULL || dot[1] == '\0') {
		return ".";
	}
	return dot + 1;
}
