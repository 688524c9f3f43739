/*
 * text.c -- shortened input in messages, ASCII case folding, decimal
 * numbers.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kd_result.h"
#include "text.h"

int
kd_text_shown(size_t len, size_t max)
{
	const size_t shown = len > max ? max : len;

	return shown > INT32_MAX ? INT32_MAX : (int)shown;
}

const char *
kd_text_ellipsis(size_t len, size_t max)
{
	return len > max ? "..." : "";
}

/* Line number (1-based) of offset POS in TEXT. */
static unsigned
line_of(const char *text, size_t pos)
{
	unsigned line = 1;

	for (size_t i = 0; i < pos; i++) {
		if (text[i] == '\n') {
			line++;
		}
	}
	return line;
}

kd_result
kd_text_check_input(const char *text, size_t len, const char *source,
	kd_err *err)
{
	const char *nul;

	if (text == NULL && len > 0) {
		return kd_err_set(err, KD_EINVAL, "%s: no text given", source);
	}
	nul = len > 0 ? memchr(text, '\0', len) : NULL;
	if (nul != NULL) {
		return kd_err_set(err, KD_ESYNTAX, "%s:%u: NUL byte in the text",
			source, line_of(text, (size_t)(nul - text)));
	}
	return KD_OK;
}

char
kd_ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

kd_result
kd_parse_uint(const char *text, size_t len, uint64_t min, uint64_t max,
	const char *what, uint64_t *out, kd_err *err)
{
	uint64_t value = 0;
	bool too_big = false;

	if (len == KD_TEXT_NUL) {
		len = strlen(text);
	}
	if (len == 0) {
		return kd_err_set(err, KD_ESYNTAX, "%s is empty", what);
	}
	for (size_t i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9') {
			return kd_err_set(err, KD_ESYNTAX,
				"%s \"%.*s%s\" is not a decimal number", what,
				KD_TEXT_SHORT(text, len, KD_TEXT_SHOWN_NUMBER));
		}
		const uint64_t digit = (uint64_t)(text[i] - '0');
		/* Stop adding once past MAX: only "too big" matters then. */
		if (too_big || digit > max || value > (max - digit) / 10) {
			too_big = true;
		} else {
			value = value * 10 + digit;
		}
	}
	if (too_big || value < min) {
		return kd_err_set(err, KD_ERANGE,
			"%s %.*s%s is out of range %llu-%llu", what,
			KD_TEXT_SHORT(text, len, KD_TEXT_SHOWN_NUMBER),
			(unsigned long long)min, (unsigned long long)max);
	}
	*out = value;
	return KD_OK;
}
