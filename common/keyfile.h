/*
 * keyfile.h -- BIND key files as written by tsig-keygen.
 *
 *     key "kms-tsig.example.test" {
 *         algorithm hmac-sha256;
 *         secret "base64==";
 *     };
 *
 * Several keys per file; comments in all three BIND styles (#, //, and
 * C block comments); the name may be quoted or not. ldns has no parser for
 * this, so we write one. Every error names SOURCE:LINE and the reason.
 */
#ifndef KMSDNS_KEYFILE_H
#define KMSDNS_KEYFILE_H

#include <stddef.h>
#include <stdint.h>
#include "dname.h"
#include "kd_result.h"

/* Largest secret we accept, in bytes (hmac-sha512 keys are 64 bytes). */
#define KEYFILE_SECRET_MAX 512
#define KEYFILE_ALG_MAX 32

/* TSIG algorithms BIND's tsig-keygen writes. */
typedef enum tsig_algorithm {
	TSIG_HMAC_MD5,
	TSIG_HMAC_SHA1,
	TSIG_HMAC_SHA224,
	TSIG_HMAC_SHA256,
	TSIG_HMAC_SHA384,
	TSIG_HMAC_SHA512,
} tsig_algorithm;

typedef struct tsig_key {
	char name[DNAME_BUF_SIZE];        /* canonical, no trailing dot */
	tsig_algorithm algorithm;
	char secret_base64[((KEYFILE_SECRET_MAX + 2) / 3) * 4 + 1];
	unsigned char secret[KEYFILE_SECRET_MAX];
	size_t secret_len;
	unsigned line;                    /* line of the key statement */
} tsig_key;

/* The keys of one or more files; owns KEYS (free with keyfile_free). */
typedef struct keyfile {
	tsig_key *keys;
	size_t count;
} keyfile;

void keyfile_init(keyfile *kf);
void keyfile_free(keyfile *kf);

/*
 * Parse LEN bytes of TEXT, named SOURCE in errors, appending its keys to KF.
 * A key without algorithm or secret, an unknown algorithm, a secret that is
 * not base64, a duplicate key name, or a syntax error fails the whole text;
 * KF is then left as before the call.
 */
kd_result keyfile_parse_text(const char *text, size_t len, const char *source,
	keyfile *kf, kd_err *err);

/* Read and parse the file PATH like keyfile_parse_text(). */
kd_result keyfile_parse_file(const char *path, keyfile *kf, kd_err *err);

/* The key named NAME (any case, trailing dot optional), or NULL. */
const tsig_key *keyfile_find(const keyfile *kf, const char *name);

/* Algorithm from its BIND name ("hmac-sha256", case-insensitive; also
 * "hmac-md5.sig-alg.reg.int"). Returns KD_EINVAL for an unknown name. */
kd_result tsig_algorithm_from_name(const char *name, tsig_algorithm *alg);

/* The algorithm's name as BIND writes it in key files ("hmac-sha256"). */
const char *tsig_algorithm_name(tsig_algorithm alg);

/* The algorithm's domain-name form used on the wire ("hmac-sha256",
 * "hmac-md5.sig-alg.reg.int"). */
const char *tsig_algorithm_wire_name(tsig_algorithm alg);

#endif /* KMSDNS_KEYFILE_H */
