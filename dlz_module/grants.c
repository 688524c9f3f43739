/*
 * grants.c -- who may change which records of a zone by dynamic update.
 */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "dname.h"
#include "grants.h"
#include "kd_result.h"
#include "rdata.h"
#include "registry.h"
#include "srv.h"
#include "text.h"

/* How much of an offending text a message shows before "...". */
#define GRANTS_SHOWN_MAX 200

/* The printf arguments for "%.*s%s" that show TEXT shortened. */
#define GRANTS_SHOWN(text) \
	KD_TEXT_SHORT((text), strlen(text), GRANTS_SHOWN_MAX)

/* The Kerberos service name of host principals. */
#define GRANTS_HOST_PRIMARY "host"

/* The parts of a principal, pointing into a caller's copy. */
typedef struct principal_parts {
	const char *primary;
	size_t primary_len;
	const char *instance;   /* NULL when there is none */
	size_t instance_len;
	const char *realm;
} principal_parts;

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

kd_result
grants_signer_unescape(const char *signer, char *out, size_t outlen,
	kd_err *err)
{
	size_t used = 0;
	bool last_escaped = false;

	if (out == NULL || outlen == 0) {
		return kd_err_set(err, KD_EFULL,
			"signer: no room for the unescaped text");
	}
	if (signer == NULL) {
		out[0] = '\0';
		return KD_OK;
	}

	for (size_t i = 0; signer[i] != '\0'; i++) {
		unsigned value = (unsigned char)signer[i];

		last_escaped = false;
		if (signer[i] == '\\') {
			if (signer[i + 1] == '\0') {
				return kd_err_set(err, KD_EINVAL,
					"signer \"%.*s%s\": ends with a lone "
					"backslash", GRANTS_SHOWN(signer));
			}
			if (is_digit(signer[i + 1])) {
				if (!is_digit(signer[i + 2]) ||
				    !is_digit(signer[i + 3])) {
					return kd_err_set(err, KD_EINVAL,
						"signer \"%.*s%s\": a \\DDD "
						"escape needs three digits",
						GRANTS_SHOWN(signer));
				}
				value = (unsigned)(signer[i + 1] - '0') * 100 +
					(unsigned)(signer[i + 2] - '0') * 10 +
					(unsigned)(signer[i + 3] - '0');
				if (value > 255) {
					return kd_err_set(err, KD_EINVAL,
						"signer \"%.*s%s\": escape "
						"\\%.3s is above 255",
						GRANTS_SHOWN(signer),
						signer + i + 1);
				}
				i += 3;
			} else {
				value = (unsigned char)signer[i + 1];
				i += 1;
			}
			last_escaped = true;
		}
		if (value < 0x20 || value == 0x7f) {
			return kd_err_set(err, KD_EINVAL,
				"signer \"%.*s%s\": holds the control byte "
				"0x%02x", GRANTS_SHOWN(signer), value);
		}
		if (used + 1 >= outlen) {
			return kd_err_set(err, KD_EFULL,
				"signer \"%.*s%s\": longer than %zu characters",
				GRANTS_SHOWN(signer), outlen - 1);
		}
		out[used++] = (char)value;
	}
	if (used > 1 && out[used - 1] == '.' && !last_escaped) {
		used--;
	}
	out[used] = '\0';
	return KD_OK;
}

/* Principal parts may hold printable ASCII except space, '/', '@', '\'. */
static bool
principal_character(char c)
{
	return c > 0x20 && c < 0x7f && c != '/' && c != '@' && c != '\\';
}

static bool
realm_character(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		is_digit(c) || c == '.' || c == '-' || c == '_';
}

/* Check the LEN characters of PART; the reason goes to REASON. */
static bool
check_principal_part(const char *part, size_t len, const char *what,
	char *reason, size_t reasonlen)
{
	if (len == 0) {
		(void)snprintf(reason, reasonlen, "empty %s", what);
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		if (!principal_character(part[i])) {
			(void)snprintf(reason, reasonlen,
				"%s \"%.*s\" holds a character not allowed "
				"in a principal", what, (int)len, part);
			return false;
		}
		if (part[i] == '*') {
			(void)snprintf(reason, reasonlen,
				"%s \"%.*s\" holds '*' (only \"*@REALM\" is "
				"a wildcard)", what, (int)len, part);
			return false;
		}
	}
	return true;
}

static bool
check_realm(const char *realm, char *reason, size_t reasonlen)
{
	const size_t len = strlen(realm);

	if (len == 0) {
		(void)snprintf(reason, reasonlen, "empty realm");
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		if (!realm_character(realm[i])) {
			(void)snprintf(reason, reasonlen,
				"realm \"%s\" holds a character other than "
				"letters, digits, '.', '-' and '_'", realm);
			return false;
		}
	}
	if (realm[0] == '.' || realm[len - 1] == '.' ||
	    strstr(realm, "..") != NULL) {
		(void)snprintf(reason, reasonlen,
			"realm \"%s\" has an empty component", realm);
		return false;
	}
	return true;
}

/*
 * Split and check the principal TEXT (holding '@'). *IS_WILDCARD is set for
 * "*@REALM". The reason of a failure goes to REASON.
 */
static bool
split_principal(const char *text, principal_parts *parts, bool *is_wildcard,
	char *reason, size_t reasonlen)
{
	const char *at = strchr(text, '@');

	if (strchr(at + 1, '@') != NULL) {
		(void)snprintf(reason, reasonlen, "more than one '@'");
		return false;
	}
	memset(parts, 0, sizeof(*parts));
	parts->realm = at + 1;
	if (!check_realm(parts->realm, reason, reasonlen)) {
		return false;
	}

	const size_t name_len = (size_t)(at - text);
	*is_wildcard = name_len == 1 && text[0] == '*';
	if (*is_wildcard) {
		return true;
	}

	const char *slash = memchr(text, '/', name_len);
	parts->primary = text;
	parts->primary_len = slash != NULL ? (size_t)(slash - text) : name_len;
	if (!check_principal_part(parts->primary, parts->primary_len,
	    "primary", reason, reasonlen)) {
		return false;
	}
	if (slash != NULL) {
		parts->instance = slash + 1;
		parts->instance_len = (size_t)(at - parts->instance);
		if (!check_principal_part(parts->instance,
		    parts->instance_len, "instance", reason, reasonlen)) {
			return false;
		}
	}
	return true;
}

kd_result
grants_identity_parse(const char *identity, grants_identity_kind *kind,
	char *out, size_t outlen, kd_err *err)
{
	char reason[KD_ERR_TEXT_MAX];
	kd_err inner;

	if (identity == NULL || identity[0] == '\0') {
		return kd_err_set(err, KD_EINVAL, "identity \"\": empty");
	}

	const size_t len = strlen(identity);

	if (len >= REGISTRY_IDENTITY_MAX) {
		return kd_err_set(err, KD_EINVAL,
			"identity \"%.*s%s\": %zu characters long, more than %d",
			GRANTS_SHOWN(identity), len,
			REGISTRY_IDENTITY_MAX - 1);
	}
	if (outlen <= len) {
		return kd_err_set(err, KD_EFULL,
			"identity \"%.*s%s\": %zu bytes are too few to hold it",
			GRANTS_SHOWN(identity), outlen);
	}

	if (strchr(identity, '@') == NULL) {
		if (dname_normalize(identity, DNAME_OWNER, out, outlen,
		    &inner) != KD_OK) {
			return kd_err_set(err, KD_EINVAL,
				"identity \"%.*s%s\": not a principal (no "
				"'@') and not a key name: %s",
				GRANTS_SHOWN(identity), inner.text);
		}
		*kind = GRANTS_IDENTITY_KEY;
		return KD_OK;
	}

	principal_parts parts;
	bool is_wildcard;
	if (!split_principal(identity, &parts, &is_wildcard, reason,
	    sizeof(reason))) {
		return kd_err_set(err, KD_EINVAL, "identity \"%.*s%s\": %s",
			GRANTS_SHOWN(identity), reason);
	}
	memcpy(out, identity, len + 1);
	*kind = is_wildcard ? GRANTS_IDENTITY_REALM :
		GRANTS_IDENTITY_PRINCIPAL;
	return KD_OK;
}

/* HOST from "host/<fqdn>@REALM" or "NAME$@REALM"; false when neither. */
static bool
host_of_principal(const principal_parts *parts, char *host, size_t hostlen,
	char *reason, size_t reasonlen)
{
	char name[DNAME_BUF_SIZE + 1];
	kd_err inner;

	if (parts->instance != NULL) {
		if (parts->primary_len != strlen(GRANTS_HOST_PRIMARY) ||
		    memcmp(parts->primary, GRANTS_HOST_PRIMARY,
		    parts->primary_len) != 0) {
			(void)snprintf(reason, reasonlen,
				"only host/<fqdn>@REALM and NAME$@REALM "
				"principals stand for a host");
			return false;
		}
		if (parts->instance_len >= sizeof(name)) {
			(void)snprintf(reason, reasonlen,
				"instance is too long for a host name");
			return false;
		}
		memcpy(name, parts->instance, parts->instance_len);
		name[parts->instance_len] = '\0';
		if (name[parts->instance_len - 1] == '.' ||
		    dname_normalize(name, DNAME_HOST, host, hostlen,
		    &inner) != KD_OK) {
			(void)snprintf(reason, reasonlen,
				"instance \"%s\" is not a host name", name);
			return false;
		}
		return true;
	}

	if (parts->primary_len < 2 ||
	    parts->primary[parts->primary_len - 1] != '$') {
		(void)snprintf(reason, reasonlen,
			"only host/<fqdn>@REALM and NAME$@REALM principals "
			"stand for a host");
		return false;
	}

	const size_t label_len = parts->primary_len - 1;
	const int written = snprintf(name, sizeof(name), "%.*s.%s",
		(int)label_len, parts->primary, parts->realm);
	if (written < 0 || (size_t)written >= sizeof(name) ||
	    memchr(parts->primary, '.', label_len) != NULL ||
	    dname_normalize(name, DNAME_HOST, host, hostlen, &inner) !=
	    KD_OK) {
		(void)snprintf(reason, reasonlen,
			"machine account \"%.*s\" with realm \"%s\" makes no "
			"host name", (int)parts->primary_len, parts->primary,
			parts->realm);
		return false;
	}
	return true;
}

kd_result
grants_signer_host(const char *signer, char *host, size_t hostlen,
	kd_err *err)
{
	char canonical[REGISTRY_IDENTITY_MAX];
	char reason[KD_ERR_TEXT_MAX];
	grants_identity_kind kind;
	kd_err inner;

	const kd_result ret = grants_identity_parse(signer, &kind, canonical,
		sizeof(canonical), err);
	if (ret != KD_OK) {
		return ret;
	}

	switch (kind) {
	case GRANTS_IDENTITY_KEY:
		if (dname_normalize(canonical, DNAME_HOST, host, hostlen,
		    &inner) != KD_OK) {
			return kd_err_set(err, KD_ENOENT,
				"signer \"%.*s%s\": key name is not a host "
				"name", GRANTS_SHOWN(signer));
		}
		return KD_OK;
	case GRANTS_IDENTITY_REALM:
		return kd_err_set(err, KD_ENOENT,
			"signer \"%.*s%s\": a realm wildcard stands for no "
			"host", GRANTS_SHOWN(signer));
	case GRANTS_IDENTITY_PRINCIPAL:
		break;
	}

	principal_parts parts;
	bool is_wildcard;
	(void)split_principal(canonical, &parts, &is_wildcard, reason,
		sizeof(reason));
	if (!host_of_principal(&parts, host, hostlen, reason,
	    sizeof(reason))) {
		return kd_err_set(err, KD_ENOENT, "signer \"%.*s%s\": %s",
			GRANTS_SHOWN(signer), reason);
	}
	return KD_OK;
}

bool
grants_identity_matches(const char *grant_identity, const char *signer)
{
	if (grant_identity == NULL || signer == NULL || signer[0] == '\0') {
		return false;
	}
	if (strchr(grant_identity, '@') == NULL) {
		return strchr(signer, '@') == NULL &&
			dname_equal(grant_identity, signer);
	}
	if (grant_identity[0] != '*' || grant_identity[1] != '@') {
		return strcmp(grant_identity, signer) == 0;
	}

	const char *at = strrchr(signer, '@');
	char host[DNAME_BUF_SIZE];
	if (at == NULL || strcmp(at + 1, grant_identity + 2) != 0) {
		return false;
	}
	return grants_signer_host(signer, host, sizeof(host), NULL) == KD_OK;
}

/* Lower-case copy of NAME without trailing dot; false when too long. */
static bool
canonical_copy(const char *name, char *out, size_t outlen)
{
	size_t len = strlen(name);

	if (len > 1 && name[len - 1] == '.') {
		len--;
	}
	if (len >= outlen) {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		out[i] = kd_ascii_lower(name[i]);
	}
	out[len] = '\0';
	return true;
}

/* "_vlmcs._tcp.<ZONE>" into OUT; false when too long. */
static bool
service_name(const char *zone, char *out, size_t outlen)
{
	char canonical_zone[DNAME_BUF_SIZE];

	if (!canonical_copy(zone, canonical_zone, sizeof(canonical_zone))) {
		return false;
	}
	const int written = snprintf(out, outlen, "%s.%s", SRV_KMS_SERVICE,
		canonical_zone);
	return written > 0 && (size_t)written < outlen;
}

static bool
deny(grants_decision *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static bool
deny(grants_decision *out, const char *fmt, ...)
{
	va_list ap;

	out->allowed = false;
	va_start(ap, fmt);
	(void)vsnprintf(out->reason, sizeof(out->reason), fmt, ap);
	va_end(ap);
	return false;
}

static bool
allow(grants_decision *out, registry_scope scope)
{
	out->allowed = true;
	out->scope = scope;
	out->reason[0] = '\0';
	return true;
}

/* True when HOST is non-empty and inside ZONE. */
static bool
host_in_zone(const char *host, const char *zone)
{
	return host[0] != '\0' && dname_is_subdomain(host, zone);
}

bool
grants_decide(const registry_grant *grants, size_t grant_count,
	const char *zone, const char *signer, const char *owner,
	const char *type, grants_decision *out)
{
	char service[DNAME_BUF_SIZE + 16];
	char owner_name[DNAME_BUF_SIZE];
	rdata_type rtype;

	memset(out, 0, sizeof(*out));
	if (signer == NULL || signer[0] == '\0') {
		return deny(out, "unsigned update");
	}
	if (zone == NULL || !service_name(zone, service, sizeof(service))) {
		return deny(out, "zone \"%.*s%s\" is not usable",
			GRANTS_SHOWN(zone != NULL ? zone : ""));
	}

	const char *const shown_zone = service + strlen(SRV_KMS_SERVICE) + 1;
	bool matched = false;
	registry_scope best = REGISTRY_SCOPE_SELF;
	for (size_t i = 0; i < grant_count; i++) {
		if (dname_equal(grants[i].zone, zone) &&
		    grants_identity_matches(grants[i].identity, signer)) {
			matched = true;
			if (grants[i].scope == REGISTRY_SCOPE_ANY) {
				best = REGISTRY_SCOPE_ANY;
			}
		}
	}
	if (!matched) {
		return deny(out, "no grant for %.*s%s in zone %s",
			GRANTS_SHOWN(signer),
			shown_zone);
	}
	if (grants_signer_host(signer, out->host, sizeof(out->host), NULL) !=
	    KD_OK) {
		out->host[0] = '\0';
	}
	if (best == REGISTRY_SCOPE_SELF && out->host[0] == '\0') {
		return deny(out, "%.*s%s has a self grant in zone %s but "
			"stands for no host", GRANTS_SHOWN(signer), shown_zone);
	}

	if (type == NULL || rdata_type_parse(type, &rtype, NULL) != KD_OK) {
		return deny(out, "type \"%.*s%s\" is not a record type",
			GRANTS_SHOWN(type != NULL ? type : ""));
	}
	if (owner == NULL || dname_normalize(owner, DNAME_OWNER, owner_name,
	    sizeof(owner_name), NULL) != KD_OK) {
		const char *raw = owner != NULL ? owner : "";
		return deny(out, "owner %.*s%s is not %s",
			GRANTS_SHOWN(raw), service);
	}

	if (strcmp(owner_name, service) == 0) {
		if (rtype == RDATA_TYPE_SRV || rtype == RDATA_TYPE_ANY) {
			return allow(out, best);
		}
		return deny(out, "type %s is not allowed at %s", type,
			service);
	}
	if (host_in_zone(out->host, zone) &&
	    strcmp(owner_name, out->host) == 0) {
		if (rtype == RDATA_TYPE_A || rtype == RDATA_TYPE_AAAA ||
		    rtype == RDATA_TYPE_ANY) {
			return allow(out, best);
		}
		return deny(out, "type %s is not allowed at %s", type,
			owner_name);
	}
	if (host_in_zone(out->host, zone)) {
		return deny(out, "owner %s is neither %s nor the signer's "
			"host %s", owner_name, service, out->host);
	}
	return deny(out, "owner %s is not %s", owner_name, service);
}

kd_result
grants_check_record(const grants_decision *decision, const char *zone,
	const rdata_record *rec, kd_err *err)
{
	char service[DNAME_BUF_SIZE + 16];
	char zone_name[DNAME_BUF_SIZE];

	if (!decision->allowed) {
		return kd_err_set(err, KD_EPERM, "update not allowed: %s",
			decision->reason);
	}
	if (zone == NULL || !canonical_copy(zone, zone_name,
	    sizeof(zone_name)) || !service_name(zone, service,
	    sizeof(service))) {
		return kd_err_set(err, KD_EPERM, "zone \"%.*s%s\" is not "
			"usable", GRANTS_SHOWN(zone != NULL ? zone : ""));
	}

	switch (rec->type) {
	case RDATA_TYPE_SOA:
		if (strcmp(rec->owner, zone_name) == 0) {
			return KD_OK;
		}
		break;
	case RDATA_TYPE_SRV:
		if (strcmp(rec->owner, service) != 0) {
			return kd_err_set(err, KD_EPERM,
				"SRV record at %s is not at %s", rec->owner,
				service);
		}
		if (decision->scope == REGISTRY_SCOPE_ANY) {
			return KD_OK;
		}
		if (strcmp(rec->data.srv.target, decision->host) != 0) {
			return kd_err_set(err, KD_EPERM,
				"target %s is not the signer's host %s",
				rec->data.srv.target, decision->host[0] != '\0' ?
				decision->host : "(none)");
		}
		return KD_OK;
	case RDATA_TYPE_A:
	case RDATA_TYPE_AAAA:
		if (decision->host[0] == '\0') {
			return kd_err_set(err, KD_EPERM,
				"%s record at %s: the signer stands for no host",
				rec->type_text, rec->owner);
		}
		if (strcmp(rec->owner, decision->host) != 0) {
			return kd_err_set(err, KD_EPERM,
				"%s record at %s is not at the signer's host %s",
				rec->type_text, rec->owner, decision->host);
		}
		if (!host_in_zone(decision->host, zone_name)) {
			return kd_err_set(err, KD_EPERM,
				"%s record at %s is outside zone %s",
				rec->type_text, rec->owner, zone_name);
		}
		return KD_OK;
	case RDATA_TYPE_NS:
	case RDATA_TYPE_ANY:
	case RDATA_TYPE_OTHER:
		break;
	}
	return kd_err_set(err, KD_EPERM, "type %s is not allowed at %s",
		rec->type_text, rec->owner);
}
