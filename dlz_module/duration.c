/*
 * duration.c -- durations in the short text form admins write.
 */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "duration.h"
#include "kd_result.h"
#include "text.h"

/* How much of an offending text an error message shows before "...". */
#define DURATION_SHOWN_MAX 64

/* The printf arguments for "%.*s%s" that show TEXT shortened. */
#define DURATION_SHOWN(text) \
	KD_TEXT_SHORT((text), strlen(text), DURATION_SHOWN_MAX)

typedef struct duration_unit {
	char letter;
	int64_t seconds;
} duration_unit;

/* Largest first: duration_format() takes the first exact one. */
static const duration_unit duration_units[] = {
	{ 'w', 7 * 86400 },
	{ 'd', 86400 },
	{ 'h', 3600 },
	{ 'm', 60 },
	{ 's', 1 },
};

#define DURATION_UNIT_COUNT \
	(sizeof(duration_units) / sizeof(duration_units[0]))

static const duration_unit *
find_unit(char letter)
{
	for (size_t i = 0; i < DURATION_UNIT_COUNT; i++) {
		if (duration_units[i].letter == letter) {
			return &duration_units[i];
		}
	}
	return NULL;
}

kd_result
duration_parse(const char *text, int64_t *seconds, kd_err *err)
{
	if (text == NULL || text[0] == '\0') {
		return kd_err_set(err, KD_EINVAL, "duration \"\": empty");
	}

	if (text[0] == '-') {
		return kd_err_set(err, KD_EINVAL,
			"duration \"%.*s%s\": negative durations are not "
			"allowed", DURATION_SHOWN(text));
	}
	if (text[0] < '0' || text[0] > '9') {
		return kd_err_set(err, KD_EINVAL,
			"duration \"%.*s%s\": not a number",
			DURATION_SHOWN(text));
	}

	/* Count in a wide enough type to notice overflow before it happens. */
	int64_t count = 0;
	size_t i = 0;
	bool too_large = false;
	for (; text[i] >= '0' && text[i] <= '9'; i++) {
		if (!too_large) {
			count = count * 10 + (text[i] - '0');
			if (count > DURATION_MAX_SECONDS) {
				too_large = true;
			}
		}
	}

	int64_t factor = 1;
	if (text[i] != '\0') {
		const duration_unit *unit = find_unit(text[i]);
		if (unit == NULL) {
			const unsigned char byte = (unsigned char)text[i];
			if (byte >= 0x20 && byte < 0x7f) {
				return kd_err_set(err, KD_EINVAL,
					"duration \"%.*s%s\": unknown unit "
					"'%c' (use s, m, h, d or w)",
					DURATION_SHOWN(text), text[i]);
			}
			return kd_err_set(err, KD_EINVAL,
				"duration \"%.*s%s\": unknown unit 0x%02x "
				"(use s, m, h, d or w)",
				DURATION_SHOWN(text), byte);
		}
		if (text[i + 1] != '\0') {
			return kd_err_set(err, KD_EINVAL,
				"duration \"%.*s%s\": junk after the unit '%c'",
				DURATION_SHOWN(text), text[i]);
		}
		factor = unit->seconds;
	}

	if (too_large || count > DURATION_MAX_SECONDS / factor) {
		return kd_err_set(err, KD_ERANGE,
			"duration \"%.*s%s\": more than %" PRId64 " seconds",
			DURATION_SHOWN(text), DURATION_MAX_SECONDS);
	}
	*seconds = count * factor;
	return KD_OK;
}

void
duration_format(int64_t seconds, char *out, size_t len)
{
	if (out == NULL || len == 0) {
		return;
	}
	if (seconds <= 0) {
		(void)snprintf(out, len, "%" PRId64 "s", seconds);
		return;
	}
	/* Skip weeks (index 0): see duration.h. */
	for (size_t i = 1; i < DURATION_UNIT_COUNT; i++) {
		const duration_unit *unit = &duration_units[i];
		if (seconds % unit->seconds == 0) {
			(void)snprintf(out, len, "%" PRId64 "%c",
				seconds / unit->seconds, unit->letter);
			return;
		}
	}
}
