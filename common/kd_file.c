/*
 * kd_file.c -- reading small configuration files whole.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kd_file.h"

/*
 * Open PATH for reading only when it is a regular file: a FIFO without a
 * writer would block the open (and the tool) for ever, a directory or a
 * device is no configuration file.
 */
static FILE *
open_regular(const char *path, kd_err *err, kd_result *code)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		*code = kd_err_set(err, errno == ENOENT ? KD_ENOENT : KD_EIO,
			"cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		*code = kd_err_set(err, KD_EIO, "cannot read %s: not a regular "
			"file", path);
		return NULL;
	}
	FILE *file = fdopen(fd, "rb");
	if (file == NULL) {
		*code = kd_err_set(err, KD_EIO, "cannot open %s: %s", path,
			strerror(errno));
		close(fd);
	}
	return file;
}

kd_result
kd_file_read(const char *path, size_t max, char **text, size_t *len,
	kd_err *err)
{
	kd_result code = KD_OK;
	FILE *file = open_regular(path, err, &code);
	char *buf = NULL;
	size_t used = 0;
	size_t capacity = 0;

	if (file == NULL) {
		return code;
	}
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
			if (capacity > max) {
				capacity = max + 1;
			}
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
		if (got == 0) {
			break;
		}
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
