/*
 * kd_file.h -- reading small configuration files whole.
 */
#ifndef KMSDNS_KD_FILE_H
#define KMSDNS_KD_FILE_H

#include <stddef.h>
#include "kd_result.h"

/*
 * Read the file PATH into a new buffer *TEXT (owned by the caller, free()
 * it) of *LEN bytes; the buffer is not NUL-terminated. Files larger than
 * MAX bytes are refused with KD_ERANGE. A missing file gives KD_ENOENT, a
 * read error KD_EIO; ERR names PATH and the reason.
 */
kd_result kd_file_read(const char *path, size_t max, char **text, size_t *len,
	kd_err *err);

#endif /* KMSDNS_KD_FILE_H */
