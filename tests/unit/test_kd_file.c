/*
 * test_kd_file.c -- unit tests of common/kd_file.c: whole-file reads of
 * regular files only, with one-line errors naming the path.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "kd_file.h"

typedef struct fixture {
	char dir[64];
	char path[128];
} fixture;

static int
setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/kd_file.XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fixture *f = *state;

	(void)unlink(f->path);
	(void)rmdir(f->dir);
	free(f);
	return 0;
}

static void
write_file(fixture *f, const char *name, const char *text)
{
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, name);
	FILE *file = fopen(f->path, "w");
	assert_non_null(file);
	assert_int_equal(fputs(text, file) >= 0, 1);
	assert_int_equal(fclose(file), 0);
}

static void
test_regular_file(void **state)
{
	fixture *f = *state;
	char *text = NULL;
	size_t len = 0;
	kd_err err;

	write_file(f, "conf", "host kms1.example.test\n");
	assert_int_equal(kd_file_read(f->path, 1024, &text, &len, &err), KD_OK);
	assert_int_equal(len, 23);
	assert_memory_equal(text, "host kms1.example.test\n", 23);
	free(text);
}

static void
test_missing_file(void **state)
{
	fixture *f = *state;
	char *text = NULL;
	size_t len = 0;
	kd_err err;
	char want[256];

	snprintf(f->path, sizeof(f->path), "%s/none", f->dir);
	assert_int_equal(kd_file_read(f->path, 1024, &text, &len, &err),
		KD_ENOENT);
	snprintf(want, sizeof(want), "cannot open %s: No such file or "
		"directory", f->path);
	assert_string_equal(err.text, want);
	assert_null(text);
}

static void
test_directory_refused(void **state)
{
	fixture *f = *state;
	char *text = NULL;
	size_t len = 0;
	kd_err err;
	char want[256];

	assert_int_equal(kd_file_read(f->dir, 1024, &text, &len, &err),
		KD_EIO);
	snprintf(want, sizeof(want), "cannot read %s: not a regular file",
		f->dir);
	assert_string_equal(err.text, want);
}

/* A FIFO without a writer must fail at once, not block the tool. */
static void
test_fifo_refused(void **state)
{
	fixture *f = *state;
	char *text = NULL;
	size_t len = 0;
	kd_err err;

	snprintf(f->path, sizeof(f->path), "%s/fifo", f->dir);
	assert_int_equal(mkfifo(f->path, 0600), 0);
	alarm(5); /* a regression would hang here: fail the test instead */
	assert_int_equal(kd_file_read(f->path, 1024, &text, &len, &err),
		KD_EIO);
	alarm(0);
	assert_non_null(strstr(err.text, "not a regular file"));
}

static void
test_too_large(void **state)
{
	fixture *f = *state;
	char *text = NULL;
	size_t len = 0;
	kd_err err;

	write_file(f, "big", "0123456789abcdef");
	assert_int_equal(kd_file_read(f->path, 8, &text, &len, &err),
		KD_ERANGE);
	assert_non_null(strstr(err.text, "file is larger than 8 bytes"));
	assert_int_equal(kd_file_read(f->path, 16, &text, &len, &err), KD_OK);
	assert_int_equal(len, 16);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_regular_file, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_directory_refused, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_fifo_refused, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_too_large, setup,
			teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
