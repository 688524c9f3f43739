/*
 * dname.h -- DNS names in presentation format, as the tools exchange them.
 *
 * The canonical form used everywhere in kmsdns: lower case, no trailing dot,
 * at most 253 characters, labels of 1-63 characters. The root is ".".
 * Backslash escapes are not accepted in the names we handle (host names,
 * zone names, service owners); they are rejected as invalid characters.
 */
#ifndef KMSDNS_DNAME_H
#define KMSDNS_DNAME_H

#include <stdbool.h>
#include <stddef.h>
#include "kd_result.h"

/* Longest name text without trailing dot, and a buffer size that holds it. */
#define DNAME_TEXT_MAX 253
#define DNAME_BUF_SIZE (DNAME_TEXT_MAX + 2)
#define DNAME_LABEL_MAX 63

/* What characters a name may hold. */
typedef enum dname_rules {
	/* Host names (RFC 952/1123): letters, digits, hyphen; no label starts
	 * or ends with a hyphen. SRV targets, NS names, KMS host names. */
	DNAME_HOST = 0,
	/* Zone and owner names: host-name rules, plus labels that start with
	 * an underscore ("_vlmcs", "_tcp") and underscores inside labels. */
	DNAME_OWNER = 1,
} dname_rules;

/*
 * Check NAME (with or without one trailing dot, any case) against RULES.
 * Returns KD_OK or KD_EINVAL with ERR naming the name and the reason
 * ("label 'a-' ends with a hyphen"). The root "." is rejected.
 */
kd_result dname_validate(const char *name, dname_rules rules, kd_err *err);

/*
 * Validate NAME like dname_validate() and write its canonical form (lower
 * case, no trailing dot) to OUT of OUTLEN bytes (DNAME_BUF_SIZE is enough).
 */
kd_result dname_normalize(const char *name, dname_rules rules, char *out,
	size_t outlen, kd_err *err);

/* Lower-case ASCII letters of NAME in place. */
void dname_tolower(char *name);

/* Remove one trailing dot from NAME in place (not from the root "."). */
void dname_strip_dot(char *name);

/* Number of labels of NAME (canonical form); 0 for "." or "". */
size_t dname_label_count(const char *name);

/*
 * True when CHILD is PARENT or below it, comparing label by label without
 * regard to case or a trailing dot. Every name is below the root ".".
 */
bool dname_is_subdomain(const char *child, const char *parent);

/* True when A and B are the same name, ignoring case and a trailing dot. */
bool dname_equal(const char *a, const char *b);

/*
 * The parent of NAME (canonical form): a pointer into NAME after its first
 * label, or "." for a one-label name.
 */
const char *dname_parent(const char *name);

#endif /* KMSDNS_DNAME_H */
