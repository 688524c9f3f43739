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

/*
 * SQL that takes a registry of the current schema back to version 2: no
 * audit table (version 3), no catalog (version 4). The test then sets the
 * schema_version it wants (2, or 1 with version 2's constraints left).
 */
#define TMP_REGISTRY_TO_V2_SQL \
	"DROP TABLE audit;" \
	"DROP TRIGGER zones_catalog_id; DROP TRIGGER zones_not_catalog;" \
	"DROP TRIGGER catalog_member_added;" \
	"DROP TRIGGER catalog_member_removed;" \
	"DROP TRIGGER catalog_member_changed;" \
	"DROP INDEX zones_by_catalog_id;" \
	"DROP TABLE catalog; DROP TABLE catalog_allow_transfer;" \
	"DROP TABLE catalog_notify;" \
	"ALTER TABLE zones DROP COLUMN catalog_id;" \
	"ALTER TABLE zones DROP COLUMN catalog_member;"

#endif /* KMSDNS_TMP_REGISTRY_H */
