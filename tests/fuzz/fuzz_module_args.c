/*
 * fuzz_module_args.c -- libFuzzer target for module_args_parse() and
 * duration_parse() (dlz_module/module_args.c, dlz_module/duration.c).
 *
 * The input is split on spaces into the words BIND would pass to
 * dlz_create() after the module path. Accepted arguments must give a
 * configuration inside the documented ranges; rejected ones a single-line
 * message. Each word is also tried as a duration, which must survive
 * duration_format() unchanged.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "kd_result.h"
#include "module_args.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* More words than any useful configuration, to bound the work. */
#define FUZZ_WORDS_MAX 64

static void
require(bool condition)
{
	if (!condition)
		abort();
}

static void
check_duration(const char *word)
{
	int64_t seconds;
	int64_t again;
	char text[DURATION_TEXT_MAX];

	if (duration_parse(word, &seconds, NULL) != KD_OK)
		return;
	require(seconds >= 0 && seconds <= DURATION_MAX_SECONDS);
	duration_format(seconds, text, sizeof(text));
	require(duration_parse(text, &again, NULL) == KD_OK);
	require(again == seconds);
}

static bool
duration_ok(int64_t seconds)
{
	return seconds == -1 || (seconds > 0 &&
		seconds <= DURATION_MAX_SECONDS);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	char *argv[FUZZ_WORDS_MAX + 1];
	unsigned argc = 0;
	static module_args args;
	kd_err err;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	argv[argc++] = (char *)"/usr/lib/bind/dlz_kmsdns.so";
	char *cursor = text;
	while (argc < FUZZ_WORDS_MAX) {
		char *space = strchr(cursor, ' ');
		if (space != NULL)
			*space = '\0';
		if (cursor[0] != '\0')
			argv[argc++] = cursor;
		if (space == NULL)
			break;
		cursor = space + 1;
	}
	argv[argc] = NULL;

	for (unsigned i = 1; i < argc; i++) {
		const char *equals = strchr(argv[i], '=');
		check_duration(argv[i]);
		if (equals != NULL)
			check_duration(equals + 1);
	}

	if (module_args_parse(argc, argv, &args, &err) == KD_OK) {
		require(args.registry_path[0] != '\0');
		require(strchr(args.registry_path, '=') == NULL);
		require(args.poll_interval_ms >= MODULE_ARGS_POLL_MIN &&
			args.poll_interval_ms <= MODULE_ARGS_POLL_MAX);
		require(args.debug <= MODULE_ARGS_DEBUG_MAX);
		require(duration_ok(args.stale_after));
		require(duration_ok(args.scavenge_after));
		if (args.stale_after > 0 && args.scavenge_after > 0)
			require(args.scavenge_after >= args.stale_after);
	} else {
		require(strncmp(err.text, "dlz_kmsdns: ", 12) == 0);
		require(strchr(err.text, '\n') == NULL);
	}

	free(text);
	return 0;
}
