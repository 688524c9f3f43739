/*
 * kd_file.c -- reading small configuration files whole.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kd_file.h"

kd_result
kd_file_read(const char *path, size_t max, char **text, size_t *len,
	kd_err *err)
{
	FILE *file = fopen(path, "rb");
	char *buf = NULL;
	size_t used = 0;
	size_t capacity = 0;

	if (file == NULL)
		return kd_err_set(err, errno == ENOENT ? KD_ENOENT : KD_EIO,
			"cannot open %s: %s", path, strerror(errno));
	for (;;) {
		size_t got;

		if (used == capacity) {
			char *grown;

			if (capacity >= max) {
				fclose(file);
				free(buf);
				return kd_err_set(err, KD_ERANGE,
					"%s: file is larger than %zu bytes",
					path, max);
			}
			capacity = capacity == 0 ? 4096 : capacity * 2;
			if (capacity > max)
				capacity = max + 1;
			grown = realloc(buf, capacity);
			if (grown == NULL) {
				fclose(file);
				free(buf);
				return kd_err_set(err, KD_ENOMEM,
					"%s: out of memory", path);
			}
			buf = grown;
		}
		got = fread(buf + used, 1, capacity - used, file);
		used += got;
		if (got == 0)
			break;
	}
	if (ferror(file)) {
		int saved = errno;

		fclose(file);
		free(buf);
		return kd_err_set(err, KD_EIO, "cannot read %s: %s", path,
			strerror(saved));
	}
	fclose(file);
	*text = buf;
	*len = used;
	return KD_OK;
}
