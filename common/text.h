/*
 * text.h -- small text jobs every kmsdns component shares: input shown
 * shortened in an error message, ASCII case folding, decimal numbers.
 */
#ifndef KMSDNS_TEXT_H
#define KMSDNS_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include "kd_result.h"

/* LEN argument that means "TEXT is NUL-terminated": its length is strlen(). */
#define KD_TEXT_NUL SIZE_MAX

/* Characters of an input kd_parse_uint() shows in its messages. */
#define KD_TEXT_SHOWN_NUMBER 64

/*
 * Precision for printf's "%.*s" that prints at most MAX of the LEN
 * characters of an input, so that the reason after it still fits.
 */
int kd_text_shown(size_t len, size_t max);

/* "..." when an input of LEN characters is longer than MAX, else "". */
const char *kd_text_ellipsis(size_t len, size_t max);

/*
 * The three printf arguments for "%.*s%s" that print TEXT of LEN characters
 * shortened to MAX and "..." where it was cut:
 * `kd_err_set(err, KD_ESYNTAX, "\"%.*s%s\" is bad", KD_TEXT_SHORT(t, n, 64))`.
 */
#define KD_TEXT_SHORT(text, len, max) \
	kd_text_shown((len), (max)), (text), kd_text_ellipsis((len), (max))

/*
 * Check TEXT of LEN bytes read from SOURCE before a parse: KD_OK;
 * KD_EINVAL "SOURCE: no text given" when TEXT is NULL but LEN is not 0;
 * KD_ESYNTAX "SOURCE:LINE: NUL byte in the text" when it holds a NUL.
 */
kd_result kd_text_check_input(const char *text, size_t len,
	const char *source, kd_err *err);

/* C lower-cased when it is an ASCII letter; unlike tolower(), no locale. */
char kd_ascii_lower(char c);

/*
 * Parse TEXT of LEN characters (KD_TEXT_NUL: up to its NUL) as a decimal
 * number of digits only, no sign or blanks, in [MIN, MAX], into *OUT.
 * Returns KD_OK; KD_ESYNTAX "WHAT is empty" or "WHAT \"TEXT\" is not a
 * decimal number"; KD_ERANGE "WHAT TEXT is out of range MIN-MAX" (TEXT
 * shortened to KD_TEXT_SHOWN_NUMBER characters). *OUT is untouched on error.
 * Callers with their own wording test the code and pass a NULL ERR.
 */
kd_result kd_parse_uint(const char *text, size_t len, uint64_t min,
	uint64_t max, const char *what, uint64_t *out, kd_err *err);

#endif /* KMSDNS_TEXT_H */
