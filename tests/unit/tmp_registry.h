/*
 * tmp_registry.h -- a temporary directory with a registry path in it, for
 * the unit tests of the registry and its tool.
 */
#ifndef KMSDNS_TMP_REGISTRY_H
#define KMSDNS_TMP_REGISTRY_H

#define TMP_REGISTRY_DIR_MAX 64
#define TMP_REGISTRY_PATH_MAX 128

/*
 * Make a new directory /tmp/kd-test-NAME-XXXXXX into DIR and the path of
 * registry.db in it into PATH (no file is made). Returns 0, or -1.
 */
int tmp_registry_make(const char *name, char dir[TMP_REGISTRY_DIR_MAX],
	char path[TMP_REGISTRY_PATH_MAX]);

/* Remove the file PATH with its -wal, -shm and -journal. */
void tmp_registry_remove_db(const char *path);

/* tmp_registry_remove_db(PATH), then remove DIR (when it is empty). */
void tmp_registry_remove(const char *dir, const char *path);

#endif /* KMSDNS_TMP_REGISTRY_H */
