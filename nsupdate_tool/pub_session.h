/*
 * pub_session.h -- the credentials of one publisher run and the TSIG
 * signer each server gets.
 *
 * TSIG: one HMAC signer from the key file, shared by all servers (HMAC is
 * stateless). GSS-TSIG: one negotiated security context per server, made on
 * first use and reused for every zone on that server; a context the server
 * forgot (BADKEY) is dropped and renegotiated; at the end every context is
 * deleted on its server (TKEY mode 5). Safe to call from several threads.
 */
#ifndef KMSDNS_PUB_SESSION_H
#define KMSDNS_PUB_SESSION_H

#include "endpoint.h"
#include "kd_result.h"
#include "pub_config.h"
#include "pub_tsig.h"

typedef struct pub_session pub_session;

/*
 * Open a session for CFG into *OUT: read and pick the TSIG key (key-name,
 * or the only key of the file), or prepare Kerberos credentials. Errors
 * name the key file or the Kerberos setting.
 */
kd_result pub_session_open(const pub_config *cfg, pub_session **out,
	kd_err *err);

/*
 * The signer for UPDATEs to SERVER whose zone names PRIMARY (SOA MNAME) in
 * *SIGNER, or NULL for unsigned updates (auth none). GSS-TSIG negotiates a
 * context the first time a server is seen, and again when the context ends
 * within a minute (ticket or key lifetime); a negotiation that failed is
 * not tried again in this run (the same error is returned for the server's
 * other zones). *GENERATION identifies the context, for
 * pub_session_forget().
 */
kd_result pub_session_signer(pub_session *session, const endpoint *server,
	const char *primary, const tsig_signer **signer, unsigned *generation,
	kd_err *err);

/* Drop SERVER's GSS context GENERATION (after BADKEY); no-op for TSIG. */
void pub_session_forget(pub_session *session, const endpoint *server,
	unsigned generation);

/*
 * The offset in seconds to add to our clock when signing for SERVER: what
 * a BADTIME answer taught (pub_session_learn_offset), else the configured
 * test offset.
 */
long pub_session_clock_offset(pub_session *session, const endpoint *server);

/* Remember OFFSET for SERVER, learned from its signed BADTIME answer. */
void pub_session_learn_offset(pub_session *session, const endpoint *server,
	long offset);

/*
 * The signer identity the server sees: the TSIG key name or the GSS
 * principal ("" when the session does not sign).
 */
const char *pub_session_identity(const pub_session *session);

/* True when the session signs with GSS-TSIG. */
bool pub_session_is_gss(const pub_session *session);

/* Number of GSS negotiations tried so far (for the report). */
unsigned pub_session_negotiations(const pub_session *session);

/*
 * Delete every GSS context the server still has (TKEY mode 5, signed)
 * within TIMEOUT_MS each (0: do not contact the servers), and free
 * SESSION. Returns the first delete failure (ERR names the key); SESSION
 * is freed anyway. Safe with NULL.
 */
kd_result pub_session_close(pub_session *session, unsigned timeout_ms,
	kd_err *err);

#endif /* KMSDNS_PUB_SESSION_H */
