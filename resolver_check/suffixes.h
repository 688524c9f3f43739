/*
 * suffixes.h -- the DNS suffix list a client walks to find _vlmcs._tcp.
 *
 * Three ways to build it: names given one by one (--suffix), the Windows
 * DNS client rules (kms-discovery.md 5.2: a search list is used alone;
 * otherwise the primary suffix, each connection-specific suffix, then the
 * primary suffix devolved down to N labels), or a resolv.conf (resolv_conf.h).
 * Names are kept in canonical form (dname.h), in order, without duplicates:
 * a client asks for a name once.
 */
#ifndef KMSDNS_SUFFIXES_H
#define KMSDNS_SUFFIXES_H

#include <stdbool.h>
#include <stddef.h>
#include "dname.h"
#include "kd_result.h"

/* Most suffixes a list holds; a longer list is refused, not cut. */
#define SUFFIX_LIST_MAX 4096

/* Default and highest Windows DomainNameDevolutionLevel; 0 turns it off. */
#define SUFFIX_DEVOLUTION_DEFAULT 2
#define SUFFIX_DEVOLUTION_MAX 127

/*
 * An ordered list of canonical suffixes. Owns NAMES. The names from
 * DEVOLVED_FROM on were added by devolution (suffix_list_add_devolved()):
 * no Microsoft source says KMS discovery uses them (kms-discovery.md 1.2).
 */
typedef struct suffix_list {
	char (*names)[DNAME_BUF_SIZE];
	size_t count;
	size_t capacity;
	size_t devolved_from;   /* SIZE_MAX when no name is devolved */
} suffix_list;

/* The Windows inputs (kms-discovery.md 5.3). Pointers are borrowed. */
typedef struct suffix_windows_config {
	const char *primary;            /* primary DNS suffix, NULL if none */
	const char *search;             /* "a.test,b.test" search list or NULL */
	const char *const *connections; /* connection-specific suffixes */
	size_t connection_count;
	unsigned devolution;            /* level; 0 = devolution off */
} suffix_windows_config;

/* Make LIST empty (no allocation). */
void suffix_list_init(suffix_list *list);

/* Free what LIST holds and make it empty. */
void suffix_list_free(suffix_list *list);

/*
 * Append NAME (with or without trailing dot, any case) in canonical form,
 * unless LIST already holds it (then nothing changes and KD_OK). SOURCE
 * prefixes the error ("--suffix", "resolv.conf:3"). Returns KD_EINVAL for
 * an invalid name, KD_EFULL beyond SUFFIX_LIST_MAX, KD_ENOMEM.
 */
kd_result suffix_list_add(suffix_list *list, const char *name,
	const char *source, kd_err *err);

/* True when name INDEX of LIST was only reached by devolution. */
bool suffix_list_devolved(const suffix_list *list, size_t index);

/* True when LIST holds NAME (compared without regard to case). */
bool suffix_list_contains(const suffix_list *list, const char *name);

/*
 * Append the comma-separated names of TEXT ("a.test,b.test"; blanks around
 * names are ignored; an empty item is an error). SOURCE as above.
 */
kd_result suffix_list_add_csv(suffix_list *list, const char *text,
	const char *source, kd_err *err);

/*
 * Append the parents of NAME that a Windows client tries when devolution
 * is on with LEVEL: each parent with at least LEVEL labels, nearest first.
 * NAME itself is not added. LEVEL 0 adds nothing; LEVEL 1 is refused with
 * KD_ERANGE (it would query a top-level domain).
 */
kd_result suffix_list_add_devolved(suffix_list *list, const char *name,
	unsigned level, kd_err *err);

/*
 * Build the list a Windows client uses from CONFIG into LIST (appended).
 * A search list is used alone (no primary, connection or devolved names);
 * otherwise: primary, connection-specific suffixes, devolved primary.
 */
kd_result suffix_list_windows(suffix_list *list,
	const suffix_windows_config *config, kd_err *err);

#endif /* KMSDNS_SUFFIXES_H */
