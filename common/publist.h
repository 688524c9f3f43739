/*
 * publist.h -- the publish list: where a KMS host publishes its SRV record.
 *
 * The Windows DnsDomainPublishList format, one entry per line:
 *     domain[,priority,weight]
 * with optional blanks around the fields ("corp.example.test, 10, 50"), and
 * priority and weight 0-65535 defaulting to 0. A lone priority
 * ("domain,10") is accepted with weight 0. Blank lines and comments (from '#'
 * or ';' to the end of the line) are ignored. A domain listed twice is an
 * error. Every error names SOURCE:LINE and the reason.
 */
#ifndef KMSDNS_PUBLIST_H
#define KMSDNS_PUBLIST_H

#include <stddef.h>
#include <stdint.h>
#include "dname.h"
#include "kd_result.h"

typedef struct publist_entry {
	char domain[DNAME_BUF_SIZE]; /* canonical (dname.h) */
	uint16_t priority;
	uint16_t weight;
	unsigned line; /* 1-based line in the source, 0 when not from a file */
} publist_entry;

/* A parsed list; owns ENTRIES (free with publist_free). */
typedef struct publist {
	publist_entry *entries;
	size_t count;
} publist;

/* Initialise LIST as empty. */
void publist_init(publist *list);

/* Release LIST's entries; LIST is empty afterwards. */
void publist_free(publist *list);

/*
 * Parse one entry TEXT ("domain[,priority[,weight]]", no comment) into OUT.
 * Errors name the field and reason but no position (used for --domain).
 */
kd_result publist_parse_entry(const char *text, publist_entry *out,
	kd_err *err);

/*
 * Parse the entry of LEN bytes at TEXT (no NUL needed) like
 * publist_parse_entry().
 */
kd_result publist_parse_span(const char *text, size_t len,
	publist_entry *out, kd_err *err);

/* The entry of LIST for the canonical DOMAIN, or NULL. */
const publist_entry *publist_find(const publist *list, const char *domain);

/*
 * Append the COUNT ENTRIES to LIST in one allocation, without duplicate
 * checks. Returns KD_ENOMEM with LIST unchanged when allocation fails.
 */
kd_result publist_append(publist *list, const publist_entry *entries,
	size_t count);

/*
 * Append ENTRY to LIST. Returns KD_EEXIST (with ERR naming both lines) when
 * the domain is already listed, KD_ENOMEM when allocation fails.
 */
kd_result publist_add(publist *list, const publist_entry *entry, kd_err *err);

/*
 * Parse LEN bytes of TEXT, named SOURCE in errors, appending to LIST.
 * On error LIST is left as it was before the call.
 */
kd_result publist_parse_text(const char *text, size_t len, const char *source,
	publist *list, kd_err *err);

#endif /* KMSDNS_PUBLIST_H */
