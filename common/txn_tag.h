/*
 * txn_tag.h -- the transaction tag that binds an UPDATE to its signer.
 *
 * BIND checks every record of an UPDATE (dlz_ssumatch) on the client's
 * thread and applies the UPDATE later on the zone's thread, telling the
 * DLZ module nothing that ties the two together. A cooperating publisher
 * (kmsdns-publish) therefore opens its UPDATE with one extra record and
 * closes it with another, both TXT "kmsdns-txn":
 *
 *   <hex of the signer>._kmsdns-txn.<zone>       (first in the update section)
 *   end.<hex of the signer>._kmsdns-txn.<zone>   (last)
 *
 * "<hex of the signer>" is the signer identity in canonical form (key names
 * lower case without trailing dot, Kerberos principals unchanged) written
 * as lower-case hexadecimal, split into labels of at most 62 digits. The
 * encoding is one-to-one: the module checks the name against the verified
 * signer in dlz_ssumatch() and reads the signer back from the name in the
 * transaction. The module stores and serves nothing under _kmsdns-txn.
 */
#ifndef KMSDNS_TXN_TAG_H
#define KMSDNS_TXN_TAG_H

#include <stdbool.h>
#include <stddef.h>

#include "kd_result.h"

/* The label under the zone apex that holds the tags. */
#define TXN_TAG_LABEL "_kmsdns-txn"
/* The label that marks the closing tag. */
#define TXN_TAG_END_LABEL "end"
/* The TXT data of a tag (the module does not read it). */
#define TXN_TAG_TEXT "kmsdns-txn"

/*
 * Write the canonical form of the signer IDENTITY to OUT of OUTLEN bytes:
 * without '@' a key name, lower-cased with one trailing dot removed; with
 * '@' a Kerberos principal, unchanged. Returns KD_EFULL when OUT is too
 * small.
 */
kd_result txn_tag_canonical(const char *identity, char *out, size_t outlen,
	kd_err *err);

/*
 * Write the owner name of the opening (CLOSING false) or closing tag of
 * IDENTITY in ZONE (absolute, no trailing dot) to OUT of OUTLEN bytes
 * (DNAME_BUF_SIZE is enough). Returns KD_EINVAL naming IDENTITY when the
 * name would be longer than a domain name may be (the publisher then sends
 * no tag), KD_EFULL when OUT is too small.
 */
kd_result txn_tag_owner(const char *identity, const char *zone, bool closing,
	char *out, size_t outlen, kd_err *err);

/*
 * True when OWNER (any case, trailing dot optional) is below
 * _kmsdns-txn.<ZONE>.
 */
bool txn_tag_is_tag(const char *owner, const char *zone);

/*
 * Read the tag name OWNER in ZONE: the signer identity it encodes goes to
 * IDENTITY of IDLEN bytes, *CLOSING says whether it is the closing tag.
 * Returns KD_ENOENT when OWNER is not below _kmsdns-txn.<ZONE>, KD_EINVAL
 * naming OWNER and the reason for a malformed tag.
 */
kd_result txn_tag_parse(const char *owner, const char *zone, char *identity,
	size_t idlen, bool *closing, kd_err *err);

#endif /* KMSDNS_TXN_TAG_H */
