/*
 * kd_result.h -- the one result-code type of kmsdns and its error text.
 *
 * Every function that can fail returns a kd_result. KD_OK is zero, errors are
 * negative. kd_strerror() gives a short fixed text for a code; functions that
 * can say more (which file, which line, which argument) also fill a kd_err.
 */
#ifndef KMSDNS_KD_RESULT_H
#define KMSDNS_KD_RESULT_H

#include <stddef.h>

typedef enum kd_result {
	KD_OK = 0,
	KD_ENOMEM = -1,      /* out of memory */
	KD_EINVAL = -2,      /* invalid argument or input */
	KD_ERANGE = -3,      /* number out of range */
	KD_ESYNTAX = -4,     /* syntax error in a file or text */
	KD_ENOENT = -5,      /* no such item */
	KD_EEXIST = -6,      /* item already exists */
	KD_EIO = -7,         /* read or write failed */
	KD_ETIMEOUT = -8,    /* no answer in time */
	KD_ENET = -9,        /* network error (connect, send, receive) */
	KD_ESTORE = -10,     /* the registry store failed */
	KD_ESCHEMA = -11,    /* the registry has an unknown schema version */
	KD_EPERM = -12,      /* not allowed */
	KD_ESERVFAIL = -13,  /* DNS SERVFAIL */
	KD_ENXDOMAIN = -14,  /* DNS NXDOMAIN */
	KD_ENODATA = -15,    /* DNS NOERROR without data */
	KD_EREFUSED = -16,   /* DNS REFUSED */
	KD_ENOTAUTH = -17,   /* DNS NOTAUTH */
	KD_ENOTZONE = -18,   /* DNS NOTZONE */
	KD_EBADSIG = -19,    /* TSIG BADSIG */
	KD_EBADKEY = -20,    /* TSIG BADKEY */
	KD_EBADTIME = -21,   /* TSIG BADTIME */
	KD_EDNS = -22,       /* other DNS error (malformed answer, other rcode) */
	KD_EGSS = -23,       /* GSS-API / Kerberos error */
	KD_EFULL = -24,      /* a fixed-size buffer or table is full */
} kd_result;

/* Length of the text buffer of a kd_err. */
#define KD_ERR_TEXT_MAX 512

/*
 * A detailed error message, filled by functions that can name the input and
 * the reason ("publish.conf:12: weight 70000 is out of range 0-65535").
 * Owned by the caller, usually on the stack.
 */
typedef struct kd_err {
	char text[KD_ERR_TEXT_MAX];
} kd_err;

/* Return a short constant text for CODE ("out of memory"); never NULL. */
const char *kd_strerror(kd_result code);

/*
 * Format a message into ERR (may be NULL: then nothing happens) and return
 * CODE, so that a failing path reads `return kd_err_set(err, KD_EINVAL, ...)`.
 */
kd_result kd_err_set(kd_err *err, kd_result code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Clear ERR (may be NULL). */
void kd_err_clear(kd_err *err);

#endif /* KMSDNS_KD_RESULT_H */
