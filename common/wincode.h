/*
 * wincode.h -- the Windows activation codes that DNS problems cause.
 *
 * Both tools print these so an admin can match our findings with the codes
 * in the Windows event log (client events 12288/12289, host event 12293).
 * Facts: shared/reference/kms-discovery.md section 1.4 and 2.
 */
#ifndef KMSDNS_WINCODE_H
#define KMSDNS_WINCODE_H

#include <stddef.h>
#include <stdint.h>

/* Where a code is logged. */
typedef enum wincode_side {
	WINCODE_CLIENT,  /* a KMS client's activation error */
	WINCODE_HOST,    /* a KMS host's publishing failure (event 12293) */
} wincode_side;

typedef struct wincode {
	uint32_t code;            /* e.g. 0x8007232B */
	wincode_side side;
	const char *symbol;       /* e.g. "DNS_ERROR_RCODE_NAME_ERROR" */
	const char *meaning;      /* what Windows says */
	const char *dns_cause;    /* which DNS condition causes it */
	const char *remedy;       /* what the admin should do */
} wincode;

/* Well-known codes, for readable call sites. */
#define WINCODE_NXDOMAIN        0x8007232BU /* 9003: name does not exist */
#define WINCODE_NO_RECORDS      0x8007251DU /* 9501: no records (NODATA) */
#define WINCODE_INVALID_NAME    0x8007007BU /* 123: no suffix to query */
#define WINCODE_SERVER_FAILURE  0x8007232AU /* 9002: SERVFAIL / unreachable */
#define WINCODE_RPC_UNAVAILABLE 0x800706BAU /* 1722: host unreachable */
#define WINCODE_KMS_NOT_ENABLED 0xC004F039U /* request not answered */
#define WINCODE_NO_KMS          0xC004F074U /* no KMS could be contacted */
#define WINCODE_PUB_REFUSED     0x8007232DU /* 9005: update REFUSED */
#define WINCODE_PUB_NOTAUTH     0x80072331U /* 9009: NOTAUTH */
#define WINCODE_PUB_NOTZONE     0x80072332U /* 9010: NOTZONE */
#define WINCODE_PUB_BADSIG      0x80072338U /* 9016: BADSIG */

/* The KMS host event that reports a publishing failure. */
#define WINCODE_EVENT_PUBLISH_FAILED 12293
#define WINCODE_EVENT_PUBLISH_OK 12294

/* The entry for CODE, or NULL when it is not in the table. */
const wincode *wincode_lookup(uint32_t code);

/* The whole table (for --help texts and man pages) and its length. */
const wincode *wincode_table(size_t *count);

/*
 * The code a KMS host would log in event 12293 for a DNS UPDATE answered
 * with RCODE (RFC 2136/8945 numbers: 5 REFUSED, 9 NOTAUTH, 10 NOTZONE,
 * 16 BADSIG); 0 when there is no Windows equivalent.
 */
uint32_t wincode_for_update_rcode(unsigned rcode);

/* Format CODE as "0x8007232B" into OUT (at least 11 bytes). */
void wincode_format(uint32_t code, char *out, size_t outlen);

#endif /* KMSDNS_WINCODE_H */
