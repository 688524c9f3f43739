/*
 * pub_txn_tag.h -- the transaction tag kmsdns-publish adds to its UPDATEs
 * of zones served by the kmsdns DLZ module (see common/txn_tag.h and
 * dlz_kmsdns(8)): one TXT record naming the signer first in the update
 * section and one last, so that the module ties the UPDATE to its signer
 * exactly and never makes concurrent publishers wait for each other.
 */
#ifndef KMSDNS_PUB_TXN_TAG_H
#define KMSDNS_PUB_TXN_TAG_H

#include <stddef.h>
#include <stdint.h>

#include "kd_result.h"

/*
 * Add the opening and closing transaction tags of IDENTITY (the signer as
 * the server sees it: TSIG key name or Kerberos principal) in ZONE to the
 * UPDATE *WIRE of *LEN bytes; *WIRE is replaced (caller frees), the
 * message ID kept. An empty IDENTITY (unsigned) or one too long for a tag
 * leaves the UPDATE as it is. Returns KD_EINVAL when *WIRE does not parse,
 * KD_ENOMEM.
 */
kd_result pub_txn_tag_add(uint8_t **wire, size_t *len, const char *zone,
	const char *identity, kd_err *err);

#endif /* KMSDNS_PUB_TXN_TAG_H */
