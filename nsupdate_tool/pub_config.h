/*
 * pub_config.h -- the settings of kmsdns-publish: config file and defaults.
 *
 * The config file holds one setting per line, "KEY VALUE", with blanks
 * between; '#' at the start of a line or after a blank starts a comment
(so "192.0.2.53#5353" keeps its port); blank lines are ignored:
 *
 *     host kms1.example.test
 *     port 1688
 *     ttl 3600
 *     domain example.test,0,100       (repeatable: DOMAIN[,PRIORITY,WEIGHT])
 *     domains-from /etc/kmsdns/publish-list.txt
 *                                     (a DnsDomainPublishList as Windows
 *                                     exports it: publist_win.h; domain
 *                                     lines and --domain add to it)
 *     server 192.0.2.53#53           (send everything there)
 *     resolver 192.0.2.1              (find zones and primaries there)
 *     auth tsig | gss | none
 *     tsig-key /etc/kmsdns/kms.key
 *     key-name kms-tsig.example.test
 *     keytab /etc/krb5.keytab
 *     principal host/kms1.example.test@EXAMPLE.TEST
 *     server-principal DNS/ns1.example.test@EXAMPLE.TEST
 *     jobs 8
 *     timeout 5000                    (milliseconds)
 *     register-address yes            (also keep the host's A/AAAA)
 *     address 192.0.2.10              (repeatable; default: interfaces)
 *
 * Every error names SOURCE:LINE and the reason. Command-line flags are
 * applied on top with pub_config_set() (source NULL), so both share one
 * validation.
 */
#ifndef KMSDNS_PUB_CONFIG_H
#define KMSDNS_PUB_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include "dname.h"
#include "endpoint.h"
#include "kd_result.h"
#include "publist.h"
#include "pub_addr.h"

#define PUB_DEFAULT_TTL 3600
#define PUB_DEFAULT_JOBS 8
#define PUB_MAX_JOBS 64
#define PUB_DEFAULT_TIMEOUT_MS 5000
#define PUB_PATH_MAX 1024

/* How UPDATEs are signed. */
typedef enum pub_auth {
	PUB_AUTH_UNSET = 0, /* not chosen: an error unless --dry-run */
	PUB_AUTH_NONE,      /* unsigned (servers that allow by address) */
	PUB_AUTH_TSIG,      /* HMAC TSIG from a tsig-keygen key file */
	PUB_AUTH_GSS,       /* GSS-TSIG with Kerberos */
} pub_auth;

/* Which settings were given, so a file cannot set one twice. */
enum pub_setting {
	PUB_SET_HOST, PUB_SET_PORT, PUB_SET_TTL, PUB_SET_SERVER, PUB_SET_AUTH,
	PUB_SET_TSIG_KEY, PUB_SET_KEY_NAME, PUB_SET_KEYTAB, PUB_SET_PRINCIPAL,
	PUB_SET_SERVER_PRINCIPAL, PUB_SET_JOBS, PUB_SET_TIMEOUT,
	PUB_SET_REGISTER_ADDRESS, PUB_SET_RESOLVER, PUB_SET_DOMAINS_FROM,
	PUB_SET_COUNT
};

typedef struct pub_config {
	char host[DNAME_BUF_SIZE];        /* canonical; "" = this machine */
	uint16_t port;                    /* SRV port */
	uint32_t ttl;
	publist domains;                  /* owned */
	char domains_from[PUB_PATH_MAX];  /* publish-list file, "" = none */
	bool default_domain;              /* none given: the host's parent */
	bool has_server;
	endpoint server;
	char server_text[ENDPOINT_TEXT_MAX];
	bool has_resolver;                /* else /etc/resolv.conf */
	endpoint resolver;
	pub_auth auth;
	char tsig_key[PUB_PATH_MAX];      /* key file path */
	char key_name[DNAME_BUF_SIZE];    /* canonical; "" = first key */
	char keytab[PUB_PATH_MAX];
	char principal[512];
	char server_principal[512];
	unsigned jobs;
	unsigned timeout_ms;
	bool register_address;
	pub_addr_set addresses;           /* empty: this machine's */
	/* Flags only the command line sets. */
	bool withdraw, dry_run, json, refresh;
	/* Seconds added to the TSIG signing time; set by main() from the
	 * test-only environment variable KMSDNS_PUBLISH_CLOCK_OFFSET. */
	long clock_offset;
	/* The command line gave --domain / --address: its list replaces
	 * the file's. */
	bool cli_domains, cli_addresses;
	/* Line of each setting in the file (0 = not set there). */
	unsigned set_line[PUB_SET_COUNT];
} pub_config;

/* Fill CFG with the defaults (port 1688, TTL 3600, 8 jobs, 5000 ms). */
void pub_config_init(pub_config *cfg);

/* Release what CFG owns. */
void pub_config_free(pub_config *cfg);

/*
 * Apply the setting KEY (a config-file key, e.g. "ttl") with VALUE to CFG.
 * SOURCE/LINE name where it comes from: a file line (then a setting given
 * twice is an error) or, with SOURCE NULL, the command line (overrides).
 * "domain" and "address" append to their lists. Errors: KD_EINVAL/KD_ERANGE/
 * KD_EEXIST with ERR "SOURCE:LINE: reason" (just "reason" for flags).
 */
kd_result pub_config_set(pub_config *cfg, const char *key, const char *value,
	const char *source, unsigned line, kd_err *err);

/*
 * Parse LEN bytes of TEXT, named SOURCE in errors, into CFG. On error CFG
 * may hold the settings of the lines before the bad one; callers exit.
 */
kd_result pub_config_parse_text(pub_config *cfg, const char *text, size_t len,
	const char *source, kd_err *err);

/* Read and parse the file PATH like pub_config_parse_text(). */
kd_result pub_config_parse_file(pub_config *cfg, const char *path,
	kd_err *err);

/*
 * Complete and check CFG once everything is applied: the domains-from file
 * is read and its entries added to the list; a key file implies auth tsig,
 * a keytab or principal auth gss; then an authentication (unless dry_run)
 * and a key file for TSIG are required, and addresses need
 * register-address. ERR says what is missing or wrong.
 */
kd_result pub_config_finish(pub_config *cfg, kd_err *err);

/*
 * When CFG has no host, set it to this machine's FQDN (host name, or its
 * canonical name from the resolver). Fails when no FQDN can be found.
 */
kd_result pub_config_default_host(pub_config *cfg, kd_err *err);

/*
 * When CFG lists no domain, publish into the parent domain of its host (as
 * a Windows KMS host does with its primary DNS suffix): add it with
 * priority 0 and weight 0 and set CFG->default_domain. KD_EINVAL when that
 * parent is a top-level domain. Call after pub_config_default_host().
 */
kd_result pub_config_default_domain(pub_config *cfg, kd_err *err);

/* The name of AUTH as the config file writes it ("tsig"). */
const char *pub_auth_name(pub_auth auth);

#endif /* KMSDNS_PUB_CONFIG_H */
