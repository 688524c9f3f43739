/*
 * registry_v1.h -- SQL that takes a new registry back to schema version 1
 * as far as an upgrade can tell (version 4's catalog gone, the version
 * mark 1), for the tests of the upgrade: test_registry.c, test_catalog.c.
 */
#ifndef KMSDNS_TEST_REGISTRY_V1_H
#define KMSDNS_TEST_REGISTRY_V1_H

#define TEST_REGISTRY_TO_V1_SQL \
	"DROP TRIGGER zones_catalog_id; DROP TRIGGER zones_not_catalog;" \
	"DROP TRIGGER catalog_member_added;" \
	"DROP TRIGGER catalog_member_removed;" \
	"DROP TRIGGER catalog_member_changed;" \
	"DROP INDEX zones_by_catalog_id;" \
	"DROP TABLE catalog; DROP TABLE catalog_allow_transfer;" \
	"DROP TABLE catalog_notify;" \
	"ALTER TABLE zones DROP COLUMN catalog_id;" \
	"ALTER TABLE zones DROP COLUMN catalog_member;" \
	"UPDATE meta SET value = '1' WHERE key = 'schema_version';"

#endif /* KMSDNS_TEST_REGISTRY_V1_H */
