/*
 * pub_krb5.h -- the client's Kerberos login from a keytab (no kinit).
 *
 * GSS-API would fetch the ticket-granting ticket lazily and report a KDC
 * refusal as "No credentials were supplied". The publisher logs in first,
 * with the krb5 API, so that it can pick the client principal and show the
 * KDC's own reason. Without a principal the candidates are, in order,
 * host/FQDN (what kinit -k and BIND's krb5-self use) and SHORTNAME$ (the
 * machine account an Active Directory join writes, "KMS1$"), each in the
 * realm the keytab names it with: the first that the keytab holds and the
 * KDC accepts is used.
 */
#ifndef KMSDNS_PUB_KRB5_H
#define KMSDNS_PUB_KRB5_H

#include <stddef.h>
#include "kd_result.h"

/*
 * Log in from KEYTAB as PRINCIPAL (NULL or "": the candidates above for
 * HOST) and store the TGT in the credential cache CCACHE ("MEMORY:..."),
 * writing the principal used to CHOSEN (LEN bytes). KD_EGSS with ERR
 * naming every principal tried and, for each, "not in the keytab" or the
 * KDC's reason.
 */
kd_result pub_krb5_login(const char *keytab, const char *principal,
	const char *host, const char *ccache, char *chosen, size_t len,
	kd_err *err);

#endif /* KMSDNS_PUB_KRB5_H */
