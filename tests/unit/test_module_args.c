/*
 * test_module_args.c -- unit tests of dlz_module/module_args.c and
 * dlz_module/duration.c.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "duration.h"
#include "kd_result.h"
#include "module_args.h"
#include "registry.h"

#define MODULE "/usr/lib/bind/dlz_kmsdns.so"
#define REGISTRY_DB "/var/lib/bind/kmsdns/registry.db"

/* ---- duration ------------------------------------------------------- */

static void
assert_duration(const char *text, int64_t expected)
{
	int64_t seconds = -1;
	kd_err err = { "" };

	if (duration_parse(text, &seconds, &err) != KD_OK) {
		fail_msg("\"%s\" rejected: %s", text, err.text);
	}
	assert_int_equal(seconds, expected);
}

static void
assert_duration_fails(const char *text, kd_result code, const char *message)
{
	int64_t seconds = 42;
	kd_err err = { "" };

	assert_int_equal(duration_parse(text, &seconds, &err), code);
	assert_string_equal(err.text, message);
	assert_int_equal(seconds, 42);
}

static void
test_duration_parse(void **state)
{
	(void)state;
	assert_duration("3600", 3600);
	assert_duration("90s", 90);
	assert_duration("15m", 900);
	assert_duration("72h", 259200);
	assert_duration("14d", 1209600);
	assert_duration("2w", 1209600);
	assert_duration("0", 0);
	assert_duration("0s", 0);
	assert_duration("007", 7);
	assert_duration("2147483647", INT64_C(2147483647));
	assert_duration("2147483647s", INT64_C(2147483647));
	assert_duration("24855d", INT64_C(2147472000));
	assert_duration("3550w", INT64_C(2147040000));
}

static void
test_duration_errors(void **state)
{
	(void)state;
	assert_duration_fails("", KD_EINVAL, "duration \"\": empty");
	assert_duration_fails("-5", KD_EINVAL,
		"duration \"-5\": negative durations are not allowed");
	assert_duration_fails("-5h", KD_EINVAL,
		"duration \"-5h\": negative durations are not allowed");
	assert_duration_fails("+5", KD_EINVAL, "duration \"+5\": not a number");
	assert_duration_fails("h", KD_EINVAL, "duration \"h\": not a number");
	assert_duration_fails(" 5", KD_EINVAL, "duration \" 5\": not a number");
	assert_duration_fails("5x", KD_EINVAL,
		"duration \"5x\": unknown unit 'x' (use s, m, h, d or w)");
	assert_duration_fails("5H", KD_EINVAL,
		"duration \"5H\": unknown unit 'H' (use s, m, h, d or w)");
	assert_duration_fails("5 h", KD_EINVAL,
		"duration \"5 h\": unknown unit ' ' (use s, m, h, d or w)");
	assert_duration_fails("1.5h", KD_EINVAL,
		"duration \"1.5h\": unknown unit '.' (use s, m, h, d or w)");
	assert_duration_fails("5\001", KD_EINVAL,
		"duration \"5\001\": unknown unit 0x01 (use s, m, h, d or w)");
	assert_duration_fails("5hh", KD_EINVAL,
		"duration \"5hh\": junk after the unit 'h'");
	assert_duration_fails("5s ", KD_EINVAL,
		"duration \"5s \": junk after the unit 's'");
	assert_duration_fails("1h30m", KD_EINVAL,
		"duration \"1h30m\": junk after the unit 'h'");
	assert_duration_fails("2147483648", KD_ERANGE,
		"duration \"2147483648\": more than 2147483647 seconds");
	assert_duration_fails("24856d", KD_ERANGE,
		"duration \"24856d\": more than 2147483647 seconds");
	assert_duration_fails("99999999999999999999999999w", KD_ERANGE,
		"duration \"99999999999999999999999999w\": more than "
		"2147483647 seconds");
	assert_duration_fails(NULL, KD_EINVAL, "duration \"\": empty");
}

static void
test_duration_long_text(void **state)
{
	char text[300];
	int64_t seconds;
	kd_err err;

	(void)state;
	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(duration_parse(text, &seconds, &err), KD_EINVAL);
	assert_non_null(strstr(err.text, "xxx...\": not a number"));
	assert_true(strlen(err.text) < 120);
	assert_int_equal(duration_parse("5x", &seconds, NULL), KD_EINVAL);
}

static void
assert_formats(int64_t seconds, const char *expected)
{
	char out[DURATION_TEXT_MAX];

	duration_format(seconds, out, sizeof(out));
	assert_string_equal(out, expected);
}

static void
test_duration_format(void **state)
{
	char small[3];

	(void)state;
	assert_formats(0, "0s");
	assert_formats(1, "1s");
	assert_formats(90, "90s");
	assert_formats(900, "15m");
	assert_formats(3600, "1h");
	assert_formats(3601, "3601s");
	assert_formats(5400, "90m");
	assert_formats(259200, "3d");
	assert_formats(1209600, "14d");
	assert_formats(604800, "7d");
	assert_formats(90000, "25h");
	assert_formats(INT64_C(2147483647), "2147483647s");
	assert_formats(-5, "-5s");

	duration_format(1209600, small, sizeof(small));
	assert_string_equal(small, "14");
	duration_format(1209600, small, 1);
	assert_string_equal(small, "");
	duration_format(1, NULL, 0);
}

static void
test_duration_round_trip(void **state)
{
	static const int64_t values[] = {
		0, 1, 59, 60, 61, 3599, 3600, 86399, 86400, 604800, 1209600,
		259200, 90061, INT64_C(2147483647), INT64_C(2147472000),
	};
	char text[DURATION_TEXT_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		int64_t back = -1;

		duration_format(values[i], text, sizeof(text));
		assert_int_equal(duration_parse(text, &back, NULL), KD_OK);
		assert_int_equal(back, values[i]);
	}
}

/* ---- module arguments ----------------------------------------------- */

/* Parse the COUNT words of WORDS (ARGV[0] first). */
static kd_result
parse_words(unsigned count, const char *const *words, module_args *out,
	kd_err *err)
{
	char *argv[16];

	assert_true(count <= 16);
	for (unsigned i = 0; i < count; i++) {
		argv[i] = (char *)words[i];
	}
	return module_args_parse(count, argv, out, err);
}

/* MODULE REGISTRY_DB ARG must fail with MESSAGE. */
static void
assert_arg_fails(const char *arg, const char *message)
{
	const char *const words[] = { MODULE, REGISTRY_DB, arg };
	module_args args;
	kd_err err = { "" };

	assert_int_equal(parse_words(3, words, &args, &err), KD_EINVAL);
	assert_string_equal(err.text, message);
}

static void
test_args_defaults(void **state)
{
	const char *const words[] = { MODULE, REGISTRY_DB };
	module_args args;
	kd_err err = { "" };

	(void)state;
	assert_int_equal(parse_words(2, words, &args, &err), KD_OK);
	assert_string_equal(args.registry_path, REGISTRY_DB);
	assert_int_equal(args.stale_after, -1);
	assert_int_equal(args.scavenge_after, -1);
	assert_int_equal(args.poll_interval_ms, 250);
	assert_true(args.notify);
	assert_int_equal(args.debug, 0);
}

static void
test_args_all(void **state)
{
	const char *const words[] = {
		MODULE, "stale-after=72h", REGISTRY_DB, "scavenge-after=14d",
		"poll-interval=1000", "notify=no", "debug=3",
	};
	const char *const on_words[] = {
		MODULE, "relative.db", "notify=on", "poll-interval=10",
	};
	const char *const off_words[] = {
		MODULE, "x.db", "notify=off", "poll-interval=60000",
		"stale-after=1h", "scavenge-after=1h",
	};
	module_args args;
	kd_err err = { "" };

	(void)state;
	assert_int_equal(parse_words(7, words, &args, &err), KD_OK);
	assert_string_equal(args.registry_path, REGISTRY_DB);
	assert_int_equal(args.stale_after, 259200);
	assert_int_equal(args.scavenge_after, 1209600);
	assert_int_equal(args.poll_interval_ms, 1000);
	assert_false(args.notify);
	assert_int_equal(args.debug, 3);

	assert_int_equal(parse_words(4, on_words, &args, &err), KD_OK);
	assert_string_equal(args.registry_path, "relative.db");
	assert_true(args.notify);
	assert_int_equal(args.poll_interval_ms, 10);

	assert_int_equal(parse_words(6, off_words, &args, &err), KD_OK);
	assert_false(args.notify);
	assert_int_equal(args.poll_interval_ms, 60000);
	assert_int_equal(args.stale_after, 3600);
	assert_int_equal(args.scavenge_after, 3600);
}

static void
test_args_values(void **state)
{
	(void)state;
	assert_arg_fails("poll-interval=abc",
		"dlz_kmsdns: argument \"poll-interval=abc\": not a number");
	assert_arg_fails("poll-interval=9",
		"dlz_kmsdns: argument \"poll-interval=9\": out of range "
		"10-60000");
	assert_arg_fails("poll-interval=60001",
		"dlz_kmsdns: argument \"poll-interval=60001\": out of range "
		"10-60000");
	assert_arg_fails("poll-interval=99999999999999999999999",
		"dlz_kmsdns: argument \"poll-interval=99999999999999999999999\""
		": out of range 10-60000");
	assert_arg_fails("poll-interval=-5",
		"dlz_kmsdns: argument \"poll-interval=-5\": not a number");
	assert_arg_fails("poll-interval=25ms",
		"dlz_kmsdns: argument \"poll-interval=25ms\": not a number");
	assert_arg_fails("notify=maybe",
		"dlz_kmsdns: argument \"notify=maybe\": not yes, no, on or off");
	assert_arg_fails("notify=YES",
		"dlz_kmsdns: argument \"notify=YES\": not yes, no, on or off");
	assert_arg_fails("debug=4",
		"dlz_kmsdns: argument \"debug=4\": out of range 0-3");
	assert_arg_fails("debug=x",
		"dlz_kmsdns: argument \"debug=x\": not a number");
	assert_arg_fails("stale-after=0",
		"dlz_kmsdns: argument \"stale-after=0\": must be more than 0");
	assert_arg_fails("stale-after=-1h",
		"dlz_kmsdns: argument \"stale-after=-1h\": negative durations "
		"are not allowed");
	assert_arg_fails("scavenge-after=5x",
		"dlz_kmsdns: argument \"scavenge-after=5x\": unknown unit 'x' "
		"(use s, m, h, d or w)");
	assert_arg_fails("stale-after=3000000000",
		"dlz_kmsdns: argument \"stale-after=3000000000\": more than "
		"2147483647 seconds");
	assert_arg_fails("stale-after=",
		"dlz_kmsdns: argument \"stale-after=\": empty value");
	/* Control bytes are shown escaped: the message stays one line. */
	assert_arg_fails("notify=\n",
		"dlz_kmsdns: argument \"notify=\\x0a\": not yes, no, on or off");
	assert_arg_fails("debug=\t1",
		"dlz_kmsdns: argument \"debug=\\x091\": not a number");
}

static void
test_args_structure(void **state)
{
	const char *const only_module[] = { MODULE };
	const char *const only_options[] = { MODULE, "notify=yes" };
	const char *const two_paths[] = { MODULE, REGISTRY_DB, "other.db" };
	const char *const twice[] = {
		MODULE, REGISTRY_DB, "notify=yes", "notify=no",
	};
	const char *const shorter[] = {
		MODULE, REGISTRY_DB, "scavenge-after=1h", "stale-after=72h",
	};
	module_args args;
	kd_err err = { "" };

	(void)state;
	assert_arg_fails("foo=1", "dlz_kmsdns: argument \"foo=1\": unknown "
		"key \"foo\" (known: stale-after, scavenge-after, "
		"poll-interval, notify, debug)");
	assert_arg_fails("stale_after=1h", "dlz_kmsdns: argument "
		"\"stale_after=1h\": unknown key \"stale_after\" (known: "
		"stale-after, scavenge-after, poll-interval, notify, debug)");
	assert_arg_fails("=5", "dlz_kmsdns: argument \"=5\": unknown key \"\" "
		"(known: stale-after, scavenge-after, poll-interval, notify, "
		"debug)");
	assert_arg_fails("", "dlz_kmsdns: argument \"\": empty argument");

	assert_int_equal(parse_words(1, only_module, &args, &err), KD_EINVAL);
	assert_string_equal(err.text, "dlz_kmsdns: no registry path: write "
		"database \"dlopen <module> <registry.db> [key=value ...]\"");
	assert_int_equal(parse_words(0, only_module, &args, &err), KD_EINVAL);
	assert_int_equal(parse_words(2, only_options, &args, &err), KD_EINVAL);
	assert_non_null(strstr(err.text, "no registry path"));

	assert_int_equal(parse_words(3, two_paths, &args, &err), KD_EINVAL);
	assert_string_equal(err.text, "dlz_kmsdns: argument \"other.db\": a "
		"second registry path (the first is "
		"\"/var/lib/bind/kmsdns/registry.db\"); options are KEY=VALUE");

	assert_int_equal(parse_words(4, twice, &args, &err), KD_EINVAL);
	assert_string_equal(err.text,
		"dlz_kmsdns: argument \"notify=no\": key given twice");

	assert_int_equal(parse_words(4, shorter, &args, &err), KD_EINVAL);
	assert_string_equal(err.text, "dlz_kmsdns: argument "
		"\"scavenge-after=1h\": shorter than \"stale-after=72h\"");
}

static void
test_args_long_path(void **state)
{
	static char path[MODULE_ARGS_PATH_MAX + 1];
	const char *words[] = { MODULE, path };
	module_args args;
	kd_err err = { "" };

	(void)state;
	memset(path, 'p', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(parse_words(2, words, &args, &err), KD_EINVAL);
	assert_non_null(strstr(err.text, "ppp...\": registry path is too "
		"long"));
	assert_true(strlen(err.text) < 200);

	path[MODULE_ARGS_PATH_MAX - 1] = '\0';
	assert_int_equal(parse_words(2, words, &args, &err), KD_OK);
	assert_int_equal(strlen(args.registry_path), MODULE_ARGS_PATH_MAX - 1);
}

static void
test_args_null_terminated(void **state)
{
	char *argv[] = { (char *)MODULE, (char *)REGISTRY_DB, NULL };
	module_args args;

	(void)state;
	/* A NULL word ends the list even when ARGC says more. */
	assert_int_equal(module_args_parse(5, argv, &args, NULL), KD_OK);
	assert_string_equal(args.registry_path, REGISTRY_DB);
}

static void
test_args_apply(void **state)
{
	const char *const stale_only[] = { MODULE, REGISTRY_DB,
		"stale-after=2h" };
	const char *const none[] = { MODULE, REGISTRY_DB };
	registry_settings settings = { .stale_after = 100, .scavenge_after = 200 };
	module_args args;

	(void)state;
	assert_int_equal(parse_words(3, stale_only, &args, NULL), KD_OK);
	module_args_apply(&args, &settings);
	assert_int_equal(settings.stale_after, 7200);
	assert_int_equal(settings.scavenge_after, 200);

	settings.stale_after = 100;
	assert_int_equal(parse_words(2, none, &args, NULL), KD_OK);
	module_args_apply(&args, &settings);
	assert_int_equal(settings.stale_after, 100);
	assert_int_equal(settings.scavenge_after, 200);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_parse),
		cmocka_unit_test(test_duration_errors),
		cmocka_unit_test(test_duration_long_text),
		cmocka_unit_test(test_duration_format),
		cmocka_unit_test(test_duration_round_trip),
		cmocka_unit_test(test_args_defaults),
		cmocka_unit_test(test_args_all),
		cmocka_unit_test(test_args_values),
		cmocka_unit_test(test_args_structure),
		cmocka_unit_test(test_args_long_path),
		cmocka_unit_test(test_args_null_terminated),
		cmocka_unit_test(test_args_apply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
