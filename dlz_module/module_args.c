/*
 * module_args.c -- the arguments of the DLZ module in named.conf.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "duration.h"
#include "kd_result.h"
#include "module_args.h"
#include "registry.h"
#include "text.h"

/* How much of an offending argument a message shows before "...". */
#define ARGS_SHOWN_MAX 120
#define ARGS_PREFIX "dlz_kmsdns: "
/* How much of an unknown key a message shows. */
#define ARGS_KEY_SHOWN_MAX 40

typedef enum args_key {
	ARGS_KEY_STALE_AFTER,
	ARGS_KEY_SCAVENGE_AFTER,
	ARGS_KEY_POLL_INTERVAL,
	ARGS_KEY_NOTIFY,
	ARGS_KEY_DEBUG,
	ARGS_KEY_COUNT,
} args_key;

static const char *const args_key_names[ARGS_KEY_COUNT] = {
	"stale-after", "scavenge-after", "poll-interval", "notify", "debug",
};

/* Room for a shown argument: every byte may become "\xNN". */
#define ARGS_SHOWN_BUF (ARGS_SHOWN_MAX * 4 + 4)

/*
 * Render TEXT of LEN bytes for a message: at most MAX bytes, "..." when
 * cut, control bytes as \xNN so the message stays on one line.
 */
static const char *
show_cut(const char *text, size_t len, size_t max, char *out,
	size_t outlen)
{
	const size_t shown = (size_t)kd_text_shown(len, max);
	size_t used = 0;
	size_t i = 0;

	for (; i < shown; i++) {
		const unsigned char c = (unsigned char)text[i];

		if (used + 8 >= outlen) {
			break;
		}
		if (c < 0x20 || c == 0x7f) {
			used += (size_t)snprintf(out + used, outlen - used,
				"\\x%02x", c);
		} else {
			out[used++] = (char)c;
		}
	}
	if (i < len && used + 4 <= outlen) {
		memcpy(out + used, "...", 3);
		used += 3;
	}
	out[used] = '\0';
	return out;
}

/* ARG rendered by show_cut(), at most ARGS_SHOWN_MAX bytes. */
static const char *
show(const char *arg, char *out, size_t outlen)
{
	return show_cut(arg, strlen(arg), ARGS_SHOWN_MAX, out, outlen);
}

/* Fail with "dlz_kmsdns: argument \"ARG\": REASON". */
static kd_result
argument_error(kd_err *err, kd_result code, const char *arg,
	const char *reason)
{
	char shown[ARGS_SHOWN_BUF];

	return kd_err_set(err, code, ARGS_PREFIX "argument \"%s\": %s",
		show(arg, shown, sizeof(shown)), reason);
}

/* Parse the decimal VALUE (digits only) into *NUMBER, at most MAX. */
static kd_result
parse_unsigned(const char *arg, const char *value, unsigned min,
	unsigned max, unsigned *number, kd_err *err)
{
	char reason[96];
	uint64_t parsed = 0;
	const kd_result ret = kd_parse_uint(value, KD_TEXT_NUL, min, max, NULL,
		&parsed, NULL);

	if (ret == KD_ESYNTAX) {
		return argument_error(err, KD_EINVAL, arg, "not a number");
	}
	if (ret != KD_OK) {
		(void)snprintf(reason, sizeof(reason),
			"out of range %u-%u", min, max);
		return argument_error(err, KD_EINVAL, arg, reason);
	}
	*number = (unsigned)parsed;
	return KD_OK;
}

static kd_result
parse_duration_value(const char *arg, const char *value, int64_t *seconds,
	kd_err *err)
{
	char reason[KD_ERR_TEXT_MAX];
	kd_err inner;

	if (duration_parse(value, seconds, &inner) != KD_OK) {
		/* inner: "duration \"x\": reason"; keep only the reason. */
		const char *because = strstr(inner.text, "\": ");
		(void)snprintf(reason, sizeof(reason), "%s",
			because != NULL ? because + 3 : inner.text);
		return argument_error(err, KD_EINVAL, arg, reason);
	}
	if (*seconds == 0) {
		return argument_error(err, KD_EINVAL, arg,
			"must be more than 0");
	}
	return KD_OK;
}

static kd_result
parse_switch(const char *arg, const char *value, bool *on, kd_err *err)
{
	if (strcmp(value, "yes") == 0 || strcmp(value, "on") == 0) {
		*on = true;
		return KD_OK;
	}
	if (strcmp(value, "no") == 0 || strcmp(value, "off") == 0) {
		*on = false;
		return KD_OK;
	}
	return argument_error(err, KD_EINVAL, arg,
		"not yes, no, on or off");
}

static kd_result
parse_option(const char *arg, const char *equals, bool *seen,
	module_args *out, kd_err *err)
{
	const size_t key_len = (size_t)(equals - arg);
	const char *value = equals + 1;
	args_key key = ARGS_KEY_COUNT;
	char reason[ARGS_SHOWN_BUF + 128];

	for (size_t i = 0; i < ARGS_KEY_COUNT; i++) {
		if (strlen(args_key_names[i]) == key_len &&
		    memcmp(args_key_names[i], arg, key_len) == 0) {
			key = (args_key)i;
		}
	}
	if (key == ARGS_KEY_COUNT) {
		char shown[ARGS_SHOWN_BUF];

		(void)snprintf(reason, sizeof(reason),
			"unknown key \"%s\" (known: stale-after, "
			"scavenge-after, poll-interval, notify, debug)",
			show_cut(arg, key_len, ARGS_KEY_SHOWN_MAX, shown,
			sizeof(shown)));
		return argument_error(err, KD_EINVAL, arg, reason);
	}
	if (seen[key]) {
		return argument_error(err, KD_EINVAL, arg,
			"key given twice");
	}
	seen[key] = true;
	if (value[0] == '\0') {
		return argument_error(err, KD_EINVAL, arg, "empty value");
	}

	switch (key) {
	case ARGS_KEY_STALE_AFTER:
		return parse_duration_value(arg, value, &out->stale_after,
			err);
	case ARGS_KEY_SCAVENGE_AFTER:
		return parse_duration_value(arg, value, &out->scavenge_after,
			err);
	case ARGS_KEY_POLL_INTERVAL:
		return parse_unsigned(arg, value, MODULE_ARGS_POLL_MIN,
			MODULE_ARGS_POLL_MAX, &out->poll_interval_ms, err);
	case ARGS_KEY_NOTIFY:
		return parse_switch(arg, value, &out->notify, err);
	case ARGS_KEY_DEBUG:
		return parse_unsigned(arg, value, 0, MODULE_ARGS_DEBUG_MAX,
			&out->debug, err);
	case ARGS_KEY_COUNT:
		break;
	}
	return argument_error(err, KD_EINVAL, arg, "unknown key");
}

/* The argument of ARGV that starts with PREFIX; "" when none. */
static const char *
find_option(unsigned argc, char *const argv[], const char *prefix)
{
	for (unsigned i = 1; i < argc && argv[i] != NULL; i++) {
		if (strncmp(argv[i], prefix, strlen(prefix)) == 0) {
			return argv[i];
		}
	}
	return "";
}

static void
set_defaults(module_args *out)
{
	memset(out, 0, sizeof(*out));
	out->stale_after = -1;
	out->scavenge_after = -1;
	out->poll_interval_ms = MODULE_ARGS_POLL_DEFAULT;
	out->notify = true;
	out->debug = 0;
}

kd_result
module_args_parse(unsigned argc, char *const argv[], module_args *out,
	kd_err *err)
{
	bool seen[ARGS_KEY_COUNT] = { false };
	bool have_path = false;

	set_defaults(out);
	for (unsigned i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (arg == NULL) {
			break;
		}
		if (arg[0] == '\0') {
			return argument_error(err, KD_EINVAL, arg,
				"empty argument");
		}

		const char *equals = strchr(arg, '=');
		if (equals != NULL) {
			const kd_result ret = parse_option(arg, equals, seen,
				out, err);
			if (ret != KD_OK) {
				return ret;
			}
			continue;
		}
		if (have_path) {
			char first[ARGS_SHOWN_BUF];
			char reason[ARGS_SHOWN_BUF + 80];

			(void)snprintf(reason, sizeof(reason), "a second "
				"registry path (the first is \"%s\"); options "
				"are KEY=VALUE", show(out->registry_path,
				first, sizeof(first)));
			return argument_error(err, KD_EINVAL, arg, reason);
		}
		if (strlen(arg) >= sizeof(out->registry_path)) {
			return argument_error(err, KD_EINVAL, arg,
				"registry path is too long");
		}
		memcpy(out->registry_path, arg, strlen(arg) + 1);
		have_path = true;
	}

	if (!have_path) {
		return kd_err_set(err, KD_EINVAL, ARGS_PREFIX
			"no registry path: write database \"dlopen "
			"<module> <registry.db> [key=value ...]\"");
	}
	if (out->stale_after > 0 && out->scavenge_after > 0 &&
	    out->scavenge_after < out->stale_after) {
		char stale[ARGS_SHOWN_BUF];
		char reason[ARGS_SHOWN_BUF + 32];

		(void)snprintf(reason, sizeof(reason), "shorter than \"%s\"",
			show(find_option(argc, argv, "stale-after="), stale,
			sizeof(stale)));
		return argument_error(err, KD_EINVAL,
			find_option(argc, argv, "scavenge-after="), reason);
	}
	return KD_OK;
}

void
module_args_apply(const module_args *args, registry_settings *settings)
{
	if (args->stale_after >= 0) {
		settings->stale_after = args->stale_after;
	}
	if (args->scavenge_after >= 0) {
		settings->scavenge_after = args->scavenge_after;
	}
}
