/*
 * pub_gss.h -- GSS-TSIG (RFC 3645) with MIT Kerberos: credentials from a
 * keytab without kinit, TKEY negotiation of one security context with a
 * DNS server, GSS-API MIC signers for TSIG (pub_tsig.h), TKEY delete.
 *
 * The negotiation is the one round Kerberos needs: a TKEY query (mode 3,
 * algorithm gss-tsig, names uncompressed) carrying the initiator token over
 * TCP; the answer's TKEY token completes the context, and the answer's TSIG
 * (signed with the new context) is verified before the context is used.
 */
#ifndef KMSDNS_PUB_GSS_H
#define KMSDNS_PUB_GSS_H

#include <time.h>
#include <gssapi/gssapi.h>
#include "endpoint.h"
#include "kd_result.h"
#include "pub_tsig.h"

/* The client's Kerberos credentials. */
typedef struct pub_gss_creds {
	gss_cred_id_t cred;
	char principal[512];   /* as GSS displays it: host/fqdn@REALM */
	char realm[256];
} pub_gss_creds;

/* One negotiated context with one server (opaque). */
typedef struct pub_gss_context pub_gss_context;

/*
 * Acquire credentials for PRINCIPAL (NULL or "": host/HOST in the default
 * realm) from KEYTAB (NULL or "": the default client keytab or ccache),
 * with a private in-memory ccache when a keytab is given, so no kinit is
 * needed. Errors carry the GSS-API / Kerberos message.
 */
kd_result pub_gss_acquire(const char *keytab, const char *principal,
	const char *host, pub_gss_creds *creds, kd_err *err);

/* Release CREDS. */
void pub_gss_release(pub_gss_creds *creds);

/*
 * Negotiate a context with SERVER for the service principal
 * SERVER_PRINCIPAL ("DNS/ns1.example.test@EXAMPLE.TEST") using CREDS, under
 * a fresh key name "<random>.sig-<PRIMARY>", within TIMEOUT_MS per
 * exchange; CLOCK_OFFSET seconds are added to our time. The answer's
 * TKEY error (BADKEY when named cannot accept the ticket) and TSIG are
 * checked. On success *OUT (free with pub_gss_context_free) signs TSIG.
 */
kd_result pub_gss_negotiate(const pub_gss_creds *creds, const endpoint *server,
	const char *primary, const char *server_principal, unsigned timeout_ms,
	long clock_offset, pub_gss_context **out, kd_err *err);

/*
 * When CTX stops being usable (time(2) clock): the earlier of the end of
 * the Kerberos context and the key lifetime named gave in its TKEY answer.
 */
time_t pub_gss_expiry(const pub_gss_context *ctx);

/* The TSIG signer of CTX (valid while CTX lives; thread-safe). */
const tsig_signer *pub_gss_signer(pub_gss_context *ctx);

/*
 * Ask the server to delete CTX's key (TKEY mode 5, signed) within
 * TIMEOUT_MS. The answer's signature and TKEY error are checked.
 */
kd_result pub_gss_delete(pub_gss_context *ctx, const endpoint *server,
	unsigned timeout_ms, long clock_offset, kd_err *err);

/* Free CTX and its GSS-API context. Safe with NULL. */
void pub_gss_context_free(pub_gss_context *ctx);

#endif /* KMSDNS_PUB_GSS_H */
