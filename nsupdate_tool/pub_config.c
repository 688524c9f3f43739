/*
 * pub_config.c -- the settings of kmsdns-publish.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <netdb.h>
#include <unistd.h>

#include "cli_conv.h"
#include "kd_file.h"
#include "publist_win.h"
#include "pub_config.h"
#include "text.h"

#define PUB_CONFIG_FILE_MAX (1024 * 1024)

/*
 * Each setting's key; for a number its range, for a text (file names and
 * principals, the only values that may hold 8-bit bytes) the char array of
 * pub_config it fills.
 */
typedef struct setting {
	const char *name;
	uint64_t min, max;    /* max 0: not a number */
	size_t offset, size;  /* size 0: not a text */
} setting;

/* The offset and size of the char array FIELD of pub_config. */
#define TEXT_FIELD(field) .offset = offsetof(pub_config, field), \
	.size = sizeof(((pub_config *)NULL)->field)

static const setting settings[PUB_SET_COUNT] = {
	[PUB_SET_HOST] = { .name = "host" },
	[PUB_SET_PORT] = { .name = "port", .min = 1, .max = 65535 },
	/* RFC 2181: TTLs are 0 to 2^31-1. */
	[PUB_SET_TTL] = { .name = "ttl", .min = 0, .max = 2147483647UL },
	[PUB_SET_SERVER] = { .name = "server" },
	[PUB_SET_AUTH] = { .name = "auth" },
	[PUB_SET_TSIG_KEY] = { .name = "tsig-key", TEXT_FIELD(tsig_key) },
	[PUB_SET_KEY_NAME] = { .name = "key-name" },
	[PUB_SET_KEYTAB] = { .name = "keytab", TEXT_FIELD(keytab) },
	[PUB_SET_PRINCIPAL] = { .name = "principal", TEXT_FIELD(principal) },
	[PUB_SET_SERVER_PRINCIPAL] = { .name = "server-principal",
		TEXT_FIELD(server_principal) },
	[PUB_SET_JOBS] = { .name = "jobs", .min = 1, .max = PUB_MAX_JOBS },
	[PUB_SET_TIMEOUT] = { .name = "timeout", .min = 1, .max = 600000 },
	[PUB_SET_REGISTER_ADDRESS] = { .name = "register-address" },
	[PUB_SET_RESOLVER] = { .name = "resolver" },
	[PUB_SET_DOMAINS_FROM] = { .name = "domains-from",
		TEXT_FIELD(domains_from) },
};

void
pub_config_init(pub_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->port = 1688;
	cfg->ttl = PUB_DEFAULT_TTL;
	cfg->jobs = PUB_DEFAULT_JOBS;
	cfg->timeout_ms = PUB_DEFAULT_TIMEOUT_MS;
	publist_init(&cfg->domains);
}

void
pub_config_free(pub_config *cfg)
{
	publist_free(&cfg->domains);
}

/* The names of the auth setting's values, both ways. */
static const char *const auth_names[] = {
	[PUB_AUTH_UNSET] = "unset",
	[PUB_AUTH_NONE] = "none",
	[PUB_AUTH_TSIG] = "tsig",
	[PUB_AUTH_GSS] = "gss",
};

#define AUTH_COUNT (sizeof(auth_names) / sizeof(auth_names[0]))

const char *
pub_auth_name(pub_auth auth)
{
	return (size_t)auth < AUTH_COUNT ? auth_names[auth] : "unset";
}

/* Set *AUTH from its NAME ("tsig", "gss", "none"); false when unknown. */
static bool
auth_from_name(const char *name, pub_auth *auth)
{
	for (size_t i = PUB_AUTH_NONE; i < AUTH_COUNT; i++) {
		if (strcmp(name, auth_names[i]) == 0) {
			*auth = (pub_auth)i;
			return true;
		}
	}
	return false;
}

/* Parse VALUE as a decimal number in [MIN, MAX] into *OUT (kd_parse_uint). */
static kd_result
parse_number(const char *key, const char *value, uint64_t min, uint64_t max,
	uint64_t *out, kd_err *err)
{
	char shown[CLI_QUOTE_MAX];
	kd_result ret = kd_parse_uint(value, KD_TEXT_NUL, min, max, key, out,
		err);

	if (ret == KD_ESYNTAX) {
		return kd_err_set(err, KD_EINVAL, "%s %s is not a number", key,
			cli_quote_str(value, shown, sizeof(shown)));
	}
	return ret;
}

/* Parse the server endpoint VALUE of setting KEY into OUT (port 53). */
static kd_result
parse_endpoint(const char *key, const char *value, endpoint *out,
	kd_err *err)
{
	kd_err detail;
	kd_result ret = cli_endpoint_parse(value, 53, out, &detail);

	if (ret != KD_OK) {
		return kd_err_set(err, ret, "%s %s", key, detail.text);
	}
	return KD_OK;
}

/* Copy VALUE of the text setting WHICH into CFG, refusing empty or too
 * long text. */
static kd_result
apply_text(pub_config *cfg, enum pub_setting which, const char *value,
	kd_err *err)
{
	const setting *s = &settings[which];
	size_t len = strlen(value);

	if (len == 0) {
		return kd_err_set(err, KD_EINVAL, "%s is empty", s->name);
	}
	if (len >= s->size) {
		return kd_err_set(err, KD_ERANGE,
			"%s is longer than %zu characters", s->name, s->size - 1);
	}
	memcpy((char *)cfg + s->offset, value, len + 1);
	return KD_OK;
}

/* Parse VALUE of the number setting WHICH in its range into CFG. */
static kd_result
apply_number(pub_config *cfg, enum pub_setting which, const char *value,
	kd_err *err)
{
	const setting *s = &settings[which];
	uint64_t number;
	kd_result ret = parse_number(s->name, value, s->min, s->max, &number,
		err);

	if (ret != KD_OK) {
		return ret;
	}
	if (which == PUB_SET_PORT) {
		cfg->port = (uint16_t)number;
	} else if (which == PUB_SET_TTL) {
		cfg->ttl = (uint32_t)number;
	} else if (which == PUB_SET_JOBS) {
		cfg->jobs = (unsigned)number;
	} else {
		cfg->timeout_ms = (unsigned)number;
	}
	return KD_OK;
}

/* Apply one setting; ERR gets the reason without a position. */
static kd_result
apply(pub_config *cfg, enum pub_setting which, const char *value, kd_err *err)
{
	const char *key = settings[which].name;
	char shown[CLI_QUOTE_MAX];
	kd_result ret;

	cli_quote_str(value, shown, sizeof(shown));
	switch (which) {
	case PUB_SET_HOST:
		ret = dname_normalize(value, DNAME_HOST, cfg->host,
			sizeof(cfg->host), err);
		/* a single label would publish "SRV 0 0 1688 kms2." */
		if (ret == KD_OK && dname_label_count(cfg->host) < 2) {
			cfg->host[0] = '\0';
			return kd_err_set(err, KD_EINVAL,
				"host %s is not a fully qualified name: give "
				"the host's FQDN", shown);
		}
		return ret;
	case PUB_SET_PORT:
	case PUB_SET_TTL:
	case PUB_SET_JOBS:
	case PUB_SET_TIMEOUT:
		return apply_number(cfg, which, value, err);
	case PUB_SET_SERVER:
		ret = parse_endpoint(key, value, &cfg->server, err);
		if (ret == KD_OK) {
			cfg->has_server = true;
			endpoint_format(&cfg->server, cfg->server_text,
				sizeof(cfg->server_text));
		}
		return ret;
	case PUB_SET_RESOLVER:
		ret = parse_endpoint(key, value, &cfg->resolver, err);
		if (ret == KD_OK) {
			cfg->has_resolver = true;
		}
		return ret;
	case PUB_SET_AUTH:
		if (!auth_from_name(value, &cfg->auth)) {
			return kd_err_set(err, KD_EINVAL,
				"auth %s is not one of tsig, gss, none",
				shown);
		}
		return KD_OK;
	case PUB_SET_TSIG_KEY:
	case PUB_SET_KEYTAB:
	case PUB_SET_DOMAINS_FROM:
	case PUB_SET_PRINCIPAL:
	case PUB_SET_SERVER_PRINCIPAL:
		return apply_text(cfg, which, value, err);
	case PUB_SET_KEY_NAME:
		return dname_normalize(value, DNAME_OWNER, cfg->key_name,
			sizeof(cfg->key_name), err);
	case PUB_SET_REGISTER_ADDRESS:
		if (strcmp(value, "yes") == 0) {
			cfg->register_address = true;
		} else if (strcmp(value, "no") == 0) {
			cfg->register_address = false;
		} else {
			return kd_err_set(err, KD_EINVAL,
				"register-address %s is not yes or no",
				shown);
		}
		return KD_OK;
	case PUB_SET_COUNT:
		break;
	}
	return kd_err_set(err, KD_EINVAL, "unknown setting");
}

/* Apply a "domain" setting from SOURCE:LINE (SOURCE NULL: a flag). */
static kd_result
apply_domain(pub_config *cfg, const char *value, const char *source,
	unsigned line, kd_err *err)
{
	const publist_entry *old;
	publist_entry entry;
	kd_err detail;
	kd_result ret;

	if (source == NULL && !cfg->cli_domains) {
		/* --domain replaces the file's list rather than extending it */
		publist_free(&cfg->domains);
		cfg->cli_domains = true;
	}
	ret = publist_parse_entry(value, &entry, &detail);
	if (ret != KD_OK && strstr(value, "\\0") != NULL) {
		/* a REG_MULTI_SZ value pasted from reg query */
		kd_err_set(&detail, ret, "it holds \\0 separators (a "
			"DnsDomainPublishList value from reg query): put it in a "
			"file and give domains-from FILE (--domains-from FILE)");
	}
	if (ret != KD_OK) {
		char shown[CLI_QUOTE_MAX];

		if (source == NULL) {
			return kd_err_set(err, ret, "--domain %s: %s",
				cli_quote_str(value, shown, sizeof(shown)),
				detail.text);
		}
		return kd_err_set(err, ret, "%s:%u: %s", source, line,
			detail.text);
	}
	entry.line = line;
	old = publist_find(&cfg->domains, entry.domain);
	if (old != NULL) {
		if (source == NULL) {
			return kd_err_set(err, KD_EEXIST,
				"--domain %s: domain %s is given twice", value,
				entry.domain);
		}
		return kd_err_set(err, KD_EEXIST,
			"%s:%u: domain %s is already listed on line %u",
			source, line, entry.domain, old->line);
	}
	ret = publist_add(&cfg->domains, &entry, &detail);
	if (ret != KD_OK) {
		return kd_err_set(err, ret, "%s", detail.text);
	}
	return KD_OK;
}

/*
 * KD_EINVAL when VALUE of setting KEY (WHICH, PUB_SET_COUNT for none)
 * holds a control byte, or an 8-bit one where only text settings take them.
 */
static kd_result
check_bytes(const char *key, int which, const char *value, kd_err *err)
{
	const bool takes_8bit = which < PUB_SET_COUNT &&
		settings[which].size != 0;
	char shown[CLI_QUOTE_MAX];

	for (const unsigned char *c = (const unsigned char *)value; *c != '\0';
	     c++) {
		if (*c < 0x20 || *c == 0x7f || (*c >= 0x80 && !takes_8bit)) {
			return kd_err_set(err, KD_EINVAL,
				"%s %s holds a byte that is not printable ASCII",
				key, cli_quote_str(value, shown, sizeof(shown)));
		}
	}
	return KD_OK;
}

kd_result
pub_config_set(pub_config *cfg, const char *key, const char *value,
	const char *source, unsigned line, kd_err *err)
{
	kd_err detail;
	kd_result ret;
	int which;

	/* PUB_SET_COUNT: "domain", "address" or an unknown key */
	for (which = 0; which < PUB_SET_COUNT; which++) {
		if (strcmp(key, settings[which].name) == 0) {
			break;
		}
	}
	ret = check_bytes(key, which, value, &detail);
	if (ret != KD_OK) {
		if (source == NULL) {
			return kd_err_set(err, ret, "%s", detail.text);
		}
		return kd_err_set(err, ret, "%s:%u: %s", source, line,
			detail.text);
	}
	if (strcmp(key, "domain") == 0) {
		return apply_domain(cfg, value, source, line, err);
	}
	if (strcmp(key, "address") == 0) {
		if (source == NULL && !cfg->cli_addresses) {
			/* --address replaces the file's list */
			memset(&cfg->addresses, 0, sizeof(cfg->addresses));
			cfg->cli_addresses = true;
		}
		ret = pub_addr_add(&cfg->addresses, value, &detail);
		if (ret == KD_OK) {
			return KD_OK;
		}
		if (source == NULL) {
			return kd_err_set(err, ret, "--address: %s",
				detail.text);
		}
		return kd_err_set(err, ret, "%s:%u: address %s", source, line,
			detail.text);
	}
	if (which == PUB_SET_COUNT) {
		char shown[CLI_QUOTE_MAX];

		cli_quote_str(key, shown, sizeof(shown));
		if (source == NULL) {
			return kd_err_set(err, KD_EINVAL,
				"unknown setting %s", shown);
		}
		return kd_err_set(err, KD_EINVAL,
			"%s:%u: unknown setting %s", source, line, shown);
	}
	if (source != NULL && cfg->set_line[which] != 0) {
		return kd_err_set(err, KD_EEXIST,
			"%s:%u: %s is already set on line %u", source, line,
			key, cfg->set_line[which]);
	}
	ret = apply(cfg, (enum pub_setting)which, value, &detail);
	if (ret != KD_OK) {
		if (source == NULL) {
			return kd_err_set(err, ret, "%s", detail.text);
		}
		return kd_err_set(err, ret, "%s:%u: %s", source, line,
			detail.text);
	}
	if (source != NULL) {
		cfg->set_line[which] = line;
	}
	return KD_OK;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Parse one line (no newline) of LEN bytes. */
static kd_result
parse_line(pub_config *cfg, const char *text, size_t len, const char *source,
	unsigned line, kd_err *err)
{
	char buf[PUB_PATH_MAX + 64];
	char *key, *value, *end;
	size_t i;

	for (i = 0; i < len; i++) {
		/* "#" after a blank starts a comment; in "ADDR#PORT" it does not */
		if (text[i] == '#' && (i == 0 || is_blank(text[i - 1]))) {
			break;
		}
		if (text[i] == '\0') {
			return kd_err_set(err, KD_ESYNTAX,
				"%s:%u: NUL byte in the line", source, line);
		}
		if ((unsigned char)text[i] < 0x20 && !is_blank(text[i])) {
			return kd_err_set(err, KD_ESYNTAX,
				"%s:%u: control byte \\x%02x in the line",
				source, line, (unsigned char)text[i]);
		}
	}
	len = i;
	while (len > 0 && is_blank(text[len - 1])) {
		len--;
	}
	i = 0;
	while (i < len && is_blank(text[i])) {
		i++;
	}
	if (i == len) {
		return KD_OK;
	}
	if (len - i >= sizeof(buf)) {
		return kd_err_set(err, KD_ERANGE,
			"%s:%u: line is longer than %zu characters", source,
			line, sizeof(buf) - 1);
	}
	memcpy(buf, text + i, len - i);
	buf[len - i] = '\0';
	key = buf;
	end = key;
	while (*end != '\0' && !is_blank(*end)) {
		end++;
	}
	if (*end == '\0') {
		char shown[CLI_QUOTE_MAX];

		/* a setting's name as it is, anything else quoted */
		return kd_err_set(err, KD_ESYNTAX, "%s:%u: %s has no value",
			source, line, strspn(key, "abcdefghijklmnopqrstuvwxyz-") ==
			strlen(key) ? key : cli_quote_str(key, shown,
			sizeof(shown)));
	}
	*end = '\0';
	value = end + 1;
	while (is_blank(*value)) {
		value++;
	}
	return pub_config_set(cfg, key, value, source, line, err);
}

kd_result
pub_config_parse_text(pub_config *cfg, const char *text, size_t len,
	const char *source, kd_err *err)
{
	size_t start = 0;
	unsigned line = 1;

	while (start < len) {
		const char *nl = memchr(text + start, '\n', len - start);
		size_t end = nl != NULL ? (size_t)(nl - text) : len;
		kd_result ret;

		ret = parse_line(cfg, text + start, end - start, source, line,
			err);
		if (ret != KD_OK) {
			return ret;
		}
		start = end + 1;
		line++;
	}
	return KD_OK;
}

kd_result
pub_config_parse_file(pub_config *cfg, const char *path, kd_err *err)
{
	char *text;
	size_t len;
	kd_result ret;

	ret = kd_file_read(path, PUB_CONFIG_FILE_MAX, &text, &len, err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = pub_config_parse_text(cfg, text, len, path, err);
	free(text);
	return ret;
}

kd_result
pub_config_finish(pub_config *cfg, kd_err *err)
{
	if (cfg->domains_from[0] != '\0') {
		kd_result ret = publist_win_parse_file(cfg->domains_from,
			&cfg->domains, err);

		if (ret != KD_OK) {
			return ret;
		}
	}
	/* a key file or Kerberos settings imply the authentication */
	if (cfg->auth == PUB_AUTH_UNSET && cfg->tsig_key[0] != '\0') {
		cfg->auth = PUB_AUTH_TSIG;
	} else if (cfg->auth == PUB_AUTH_UNSET && (cfg->keytab[0] != '\0' ||
	    cfg->principal[0] != '\0')) {
		cfg->auth = PUB_AUTH_GSS;
	}
	if (cfg->auth == PUB_AUTH_UNSET && !cfg->dry_run) {
		return kd_err_set(err, KD_EINVAL,
			"no authentication: give --tsig-key FILE, --gss or 'auth none'");
	}
	if (cfg->auth == PUB_AUTH_TSIG && cfg->tsig_key[0] == '\0') {
		return kd_err_set(err, KD_EINVAL,
			"auth tsig needs a key file: give --tsig-key FILE or a 'tsig-key' line");
	}
	if (cfg->auth != PUB_AUTH_TSIG && cfg->tsig_key[0] != '\0') {
		return kd_err_set(err, KD_EINVAL,
			"a TSIG key file needs auth tsig, not %s (--tsig-key and "
			"--gss exclude each other)", pub_auth_name(cfg->auth));
	}
	if (cfg->auth != PUB_AUTH_GSS && (cfg->keytab[0] != '\0' ||
	    cfg->principal[0] != '\0' || cfg->server_principal[0] != '\0')) {
		return kd_err_set(err, KD_EINVAL,
			"keytab, principal and server-principal need auth gss (--gss)");
	}
	if (cfg->auth != PUB_AUTH_TSIG && cfg->key_name[0] != '\0') {
		return kd_err_set(err, KD_EINVAL,
			"key-name needs auth tsig (--tsig-key)");
	}
	if (cfg->has_server && cfg->has_resolver) {
		return kd_err_set(err, KD_EINVAL,
			"server and resolver exclude each other: server already "
			"answers every query");
	}
	if (cfg->addresses.count > 0 && !cfg->register_address) {
		return kd_err_set(err, KD_EINVAL,
			"address needs register-address (--register-address)");
	}
	return KD_OK;
}

kd_result
pub_config_default_domain(pub_config *cfg, kd_err *err)
{
	publist_entry entry;
	kd_err detail;

	if (cfg->domains.count > 0) {
		return KD_OK;
	}
	if (dname_label_count(cfg->host) < 3) {
		return kd_err_set(err, KD_EINVAL,
			"no domain to publish in, and the parent domain of %s "
			"is a top-level domain: give --domain, a 'domain' line "
			"or domains-from", cfg->host);
	}
	memset(&entry, 0, sizeof(entry));
	snprintf(entry.domain, sizeof(entry.domain), "%s",
		dname_parent(cfg->host));
	if (publist_add(&cfg->domains, &entry, &detail) != KD_OK) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	cfg->default_domain = true;
	return KD_OK;
}

kd_result
pub_config_default_host(pub_config *cfg, kd_err *err)
{
	struct addrinfo hints, *list = NULL;
	char name[256];
	kd_err detail;
	kd_result ret;

	if (cfg->host[0] != '\0') {
		return KD_OK;
	}
	if (gethostname(name, sizeof(name)) != 0) {
		return kd_err_set(err, KD_EIO,
			"cannot read this machine's host name: give --host");
	}
	name[sizeof(name) - 1] = '\0';
	if (strchr(name, '.') == NULL) {
		memset(&hints, 0, sizeof(hints));
		hints.ai_flags = AI_CANONNAME;
		if (getaddrinfo(name, NULL, &hints, &list) == 0 &&
		    list != NULL && list->ai_canonname != NULL) {
			snprintf(name, sizeof(name), "%s", list->ai_canonname);
		}
		if (list != NULL) {
			freeaddrinfo(list);
		}
	}
	if (strchr(name, '.') == NULL) {
		return kd_err_set(err, KD_EINVAL,
			"this machine's name \"%s\" is not a FQDN: give --host",
			name);
	}
	ret = dname_normalize(name, DNAME_HOST, cfg->host, sizeof(cfg->host),
		&detail);
	if (ret != KD_OK) {
		return kd_err_set(err, ret,
			"this machine's name is unusable (%s): give --host",
			detail.text);
	}
	return KD_OK;
}
