/*
 * resolv_conf.h -- the parts of resolv.conf(5) a Linux client's suffix
 * list and server come from.
 *
 * `search` and `domain` lines set the suffix list; the last of them wins
 * (as in glibc); `domain` is a one-name search list. A root "." entry is
 * skipped (it adds no suffix). `nameserver` lines give up to
 * RESOLV_CONF_SERVERS servers (later ones are ignored, as by glibc).
 * Comments start with '#' or ';' at the beginning of a line; other
 * keywords (options, sortlist) are ignored.
 */
#ifndef KMSDNS_RESOLV_CONF_H
#define KMSDNS_RESOLV_CONF_H

#include <stddef.h>
#include "endpoint.h"
#include "kd_result.h"
#include "suffixes.h"

#define RESOLV_CONF_DEFAULT_PATH "/etc/resolv.conf"
#define RESOLV_CONF_SERVERS 3
/* Larger files are refused. */
#define RESOLV_CONF_MAX_BYTES (1024 * 1024)

typedef struct resolv_conf {
	suffix_list search;                       /* owned */
	endpoint servers[RESOLV_CONF_SERVERS];
	size_t server_count;
} resolv_conf;

/* Make CONF empty. */
void resolv_conf_init(resolv_conf *conf);

/* Free what CONF holds. */
void resolv_conf_free(resolv_conf *conf);

/*
 * Parse TEXT (LEN bytes, not NUL-terminated, may hold NUL bytes which are
 * refused) into CONF (initialised by the caller; on failure its content is
 * unspecified but still freeable). SOURCE names the file in errors:
 * "resolv.conf:4: nameserver \"x\": \"x\" is not an IP address".
 */
kd_result resolv_conf_parse(const char *text, size_t len, const char *source,
	resolv_conf *conf, kd_err *err);

/* Read and parse the file PATH into CONF (initialised by the caller). */
kd_result resolv_conf_load(const char *path, resolv_conf *conf, kd_err *err);

#endif /* KMSDNS_RESOLV_CONF_H */
