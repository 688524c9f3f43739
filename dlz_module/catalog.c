/*
 * catalog.c -- building the catalog zone's image from the registry's
 * catalog and its member zones.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "dname.h"

/* Owner "<id>.zones" and rdata "<zone>." of one member. */
typedef struct member_text {
	char owner[REGISTRY_CATALOG_ID_MAX + 8];
	char target[DNAME_BUF_SIZE + 1];
} member_text;

/* True when ID can be a label of the catalog: letters, digits, '-'. */
static bool
id_is_label(const char *id)
{
	size_t n = 0;

	for (; id[n] != '\0'; n++) {
		const char c = id[n];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || c == '-')) {
			return false;
		}
	}
	return n > 0 && n <= DNAME_LABEL_MAX;
}

kd_result
catalog_image_build(const registry_catalog *catalog,
	const registry_catalog_entry *entries, size_t count, zone_image **out,
	kd_err *err)
{
	enum { FIXED = 3 }; /* SOA, NS, version */
	char soa[64];
	zone_record *records = calloc(count + FIXED, sizeof(*records));
	member_text *texts = calloc(count ? count : 1, sizeof(*texts));

	if (records == NULL || texts == NULL) {
		free(records);
		free(texts);
		return kd_err_set(err, KD_ENOMEM, "catalog zone %s: out of "
			"memory", catalog->name);
	}
	(void)snprintf(soa, sizeof(soa), "invalid. invalid. %" PRIu32
		" 600 60 2419200 0", catalog->serial);
	records[0] = (zone_record){ "@", "SOA", 0, soa };
	records[1] = (zone_record){ "@", "NS", 0, "invalid." };
	records[2] = (zone_record){ "version", "TXT", 0,
		"\"" CATALOG_SCHEMA_VERSION "\"" };
	size_t n = FIXED;
	kd_result ret = KD_OK;
	for (size_t i = 0; i < count && ret == KD_OK; i++) {
		if (!entries[i].member) {
			continue;
		}
		if (!id_is_label(entries[i].id)) {
			ret = kd_err_set(err, KD_EINVAL, "catalog zone %s: zone "
				"%s has the id \"%s\", which is not a DNS label",
				catalog->name, entries[i].zone, entries[i].id);
			break;
		}
		member_text *t = &texts[i];
		(void)snprintf(t->owner, sizeof(t->owner), "%s.zones",
			entries[i].id);
		(void)snprintf(t->target, sizeof(t->target), "%s%s",
			entries[i].zone, strcmp(entries[i].zone, ".") == 0 ?
			"" : ".");
		records[n++] = (zone_record){ t->owner, "PTR", 0, t->target };
	}
	if (ret == KD_OK) {
		ret = zone_image_build_records(catalog->name, catalog->serial, 0,
			records, n, out, err);
	}
	free(records);
	free(texts);
	return ret;
}
