/*
 * replay_main.c -- main() for a fuzz target built without libFuzzer.
 *
 * Feeds every file named on the command line, or found in a directory named
 * there, to LLVMFuzzerTestOneInput() once, so the targets are built and run
 * by `make check` even without clang. With libFuzzer (KD_LIBFUZZER) the
 * fuzzer supplies main() and this file is empty.
 */
#include "config.h"

#ifndef KD_LIBFUZZER

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Largest input replayed; libFuzzer's default -max_len is far below. */
#define REPLAY_INPUT_MAX (1024 * 1024)

/* Read PATH into a new buffer and run it; 0 on success. */
static int
replay_file(const char *path, unsigned long *count)
{
	FILE *file = fopen(path, "rb");
	uint8_t *data;
	size_t size;

	if (file == NULL) {
		fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	/* One byte more than the limit tells a too-large file. */
	data = malloc(REPLAY_INPUT_MAX + 1);
	if (data == NULL) {
		fclose(file);
		fprintf(stderr, "%s: out of memory\n", path);
		return -1;
	}
	size = fread(data, 1, REPLAY_INPUT_MAX + 1, file);
	if (ferror(file) || size > REPLAY_INPUT_MAX) {
		fprintf(stderr, "cannot read %s: %s\n", path,
			ferror(file) ? strerror(errno) : "file too large");
		fclose(file);
		free(data);
		return -1;
	}
	fclose(file);
	(void)LLVMFuzzerTestOneInput(data, size);
	free(data);
	(*count)++;
	return 0;
}

static int replay_path(const char *path, unsigned long *count);

/* Run every entry of the directory PATH; 0 on success. */
static int
replay_directory(const char *path, unsigned long *count)
{
	DIR *dir = opendir(path);
	struct dirent *entry;
	int status = 0;

	if (dir == NULL) {
		fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((entry = readdir(dir)) != NULL) {
		size_t len;
		char *child;

		if (entry->d_name[0] == '.')
			continue;
		len = strlen(path) + strlen(entry->d_name) + 2;
		child = malloc(len);
		if (child == NULL) {
			status = -1;
			break;
		}
		snprintf(child, len, "%s/%s", path, entry->d_name);
		if (replay_path(child, count) != 0)
			status = -1;
		free(child);
	}
	closedir(dir);
	return status;
}

/* Run the file PATH, or every file below the directory PATH. */
static int
replay_path(const char *path, unsigned long *count)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "cannot stat %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return replay_directory(path, count);
	return replay_file(path, count);
}

int
main(int argc, char **argv)
{
	unsigned long count = 0;
	int status = 0;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIRECTORY...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (replay_path(argv[i], &count) != 0)
			status = 1;
	}
	printf("%s: ran %lu inputs\n", argv[0], count);
	return status;
}

#endif /* KD_LIBFUZZER */
