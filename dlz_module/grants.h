/*
 * grants.h -- who may change which records of a zone by dynamic update.
 *
 * BIND asks dlz_ssumatch() once per record of an UPDATE, before the
 * transaction starts, and then hands each change to dlz_addrdataset() or
 * dlz_subrdataset(). grants_decide() answers the first question from the
 * registry's grants; grants_check_record() checks each change against that
 * answer, where the record data is known.
 *
 * Identities (registry_grant.identity):
 *   - a TSIG key name: "kms-tsig.example.test" (no '@'; compared without
 *     regard to case; stored lower case without trailing dot);
 *   - a Kerberos principal: "primary[/instance]@REALM", compared exactly
 *     (case matters in Kerberos);
 *   - a realm wildcard: "*@REALM", matching the host principals of REALM:
 *     "host/<fqdn>@REALM" and machine accounts "NAME$@REALM" (realm
 *     compared exactly).
 *
 * The host a signer stands for (grants_signer_host()):
 *   - "host/kms1.example.test@REALM" -> kms1.example.test;
 *   - "KMS1$@EXAMPLE.TEST" -> kms1.example.test (the Active Directory
 *     convention: the machine's DNS domain is its realm in lower case);
 *   - a TSIG key named like a host, "kms1.example.test" -> that host: a key
 *     named after a host may manage the records that target the host;
 *   - anything else stands for no host.
 *
 * Scopes: SELF allows SRV records at _vlmcs._tcp.<zone> whose target is the
 * signer's host, and A/AAAA records at the signer's host when that host is
 * inside the zone. ANY allows every SRV record at _vlmcs._tcp.<zone>, plus
 * what SELF allows. When several grants match, ANY wins. The SOA at the
 * apex may always change inside an allowed update (BIND bumps the serial).
 */
#ifndef KMSDNS_GRANTS_H
#define KMSDNS_GRANTS_H

#include <stdbool.h>
#include <stddef.h>
#include "dname.h"
#include "kd_result.h"
#include "rdata.h"
#include "registry.h"

/* A buffer size for a denial reason. */
#define GRANTS_REASON_MAX 768

/* The kinds of grant identities. */
typedef enum grants_identity_kind {
	GRANTS_IDENTITY_KEY,       /* TSIG key name */
	GRANTS_IDENTITY_PRINCIPAL, /* Kerberos principal */
	GRANTS_IDENTITY_REALM,     /* "*@REALM" */
} grants_identity_kind;

/* The answer of grants_decide(). */
typedef struct grants_decision {
	bool allowed;
	registry_scope scope;          /* when ALLOWED: the widest match */
	char host[DNAME_BUF_SIZE];     /* the signer's host, "" for none */
	char reason[GRANTS_REASON_MAX];/* when not ALLOWED: why */
} grants_decision;

/*
 * Turn SIGNER as BIND passes it (master-file presentation form: "\@",
 * "\$", "\." and "\DDD" escapes, case preserved) into plain text in OUT of
 * OUTLEN bytes (REGISTRY_IDENTITY_MAX is enough): "KMS1\$\@EXAMPLE.TEST"
 * -> "KMS1$@EXAMPLE.TEST". One trailing unescaped dot is removed (key names
 * may be given absolute). An empty SIGNER gives "". Returns KD_EINVAL
 * naming SIGNER for a dangling backslash, a \DDD above 255 or giving a
 * NUL or control byte, and KD_EFULL when OUT is too small.
 */
kd_result grants_signer_unescape(const char *signer, char *out,
	size_t outlen, kd_err *err);

/*
 * Check the grant identity IDENTITY, set *KIND and write its canonical form
 * to OUT of OUTLEN bytes (REGISTRY_IDENTITY_MAX is enough): key names lower
 * case without trailing dot, principals and realm wildcards unchanged.
 * Principal parts may hold printable ASCII except space, '/', '@' and '\';
 * the realm letters, digits, '.', '-' and '_'. Returns KD_EINVAL with ERR
 * naming IDENTITY and the reason ("identity \"host/@R\": empty instance"),
 * KD_EFULL when OUT is too small.
 */
kd_result grants_identity_parse(const char *identity,
	grants_identity_kind *kind, char *out, size_t outlen, kd_err *err);

/*
 * The host SIGNER (plain text, see grants_signer_unescape()) stands for, as
 * described above, written canonical to HOST of HOSTLEN bytes
 * (DNAME_BUF_SIZE is enough). Returns KD_ENOENT with ERR naming SIGNER when
 * it stands for no host, KD_EINVAL when it is not a valid identity.
 */
kd_result grants_signer_host(const char *signer, char *host, size_t hostlen,
	kd_err *err);

/*
 * True when GRANT_IDENTITY (as stored) matches SIGNER (plain text): equal
 * key names ignoring case, equal principals exactly, or a realm wildcard
 * whose realm equals SIGNER's and SIGNER is a host principal or machine
 * account.
 */
bool grants_identity_matches(const char *grant_identity, const char *signer);

/*
 * Decide whether SIGNER (plain text, "" when unsigned) may change records
 * of type TYPE (mnemonic, see rdata_type_parse(); "ANY" for "delete all"
 * requests) at OWNER (absolute, any case, trailing dot optional) in ZONE,
 * from the GRANT_COUNT grants in GRANTS (all zones; only ZONE's count).
 * Fills *OUT and returns OUT->allowed. Reasons: "unsigned update",
 * "no grant for host/x@R in zone example.test", "owner foo.example.test is
 * not _vlmcs._tcp.example.test", "type TXT is not allowed at
 * _vlmcs._tcp.example.test", ...
 */
bool grants_decide(const registry_grant *grants, size_t grant_count,
	const char *zone, const char *signer, const char *owner,
	const char *type, grants_decision *out);

/*
 * Check the change of record REC in ZONE under DECISION (from
 * grants_decide() for the same signer). Returns KD_OK when allowed, or
 * KD_EPERM with ERR saying why ("target kms2.example.test is not the
 * signer's host kms1.example.test").
 */
kd_result grants_check_record(const grants_decision *decision,
	const char *zone, const rdata_record *rec, kd_err *err);

#endif /* KMSDNS_GRANTS_H */
