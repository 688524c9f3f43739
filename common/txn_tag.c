/*
 * txn_tag.c -- the transaction tag's owner names (see txn_tag.h).
 */
#include "config.h"

#include <ctype.h>
#include <strings.h>
#include <stdio.h>
#include <string.h>

#include "dname.h"
#include "txn_tag.h"

/* Hex digits per label: an even number, so no byte spans two labels. */
#define TXN_TAG_DIGITS 62

kd_result
txn_tag_canonical(const char *identity, char *out, size_t outlen, kd_err *err)
{
	const size_t len = strlen(identity);

	if (len + 1 > outlen) {
		return kd_err_set(err, KD_EFULL, "signer %.100s is too long",
			identity);
	}
	memcpy(out, identity, len + 1);
	if (strchr(out, '@') == NULL) {
		dname_tolower(out);
		dname_strip_dot(out);
	}
	return KD_OK;
}

/* Length of ZONE without one trailing dot. */
static size_t
zone_len(const char *zone)
{
	const size_t len = strlen(zone);

	return len > 0 && zone[len - 1] == '.' ? len - 1 : len;
}

kd_result
txn_tag_owner(const char *identity, const char *zone, bool closing,
	char *out, size_t outlen, kd_err *err)
{
	char canon[512];
	kd_result ret = txn_tag_canonical(identity, canon, sizeof(canon), err);

	if (ret != KD_OK) {
		return ret;
	}
	const size_t n = strlen(canon);
	if (n == 0) {
		return kd_err_set(err, KD_EINVAL, "no signer for a tag");
	}
	const size_t digits = 2 * n;
	const size_t labels = (digits + TXN_TAG_DIGITS - 1) / TXN_TAG_DIGITS;
	const size_t need = (closing ? strlen(TXN_TAG_END_LABEL) + 1 : 0) +
		digits + labels + strlen(TXN_TAG_LABEL) + 1 + zone_len(zone);
	if (need > DNAME_TEXT_MAX) {
		return kd_err_set(err, KD_EINVAL, "signer %.100s is too long for "
			"a transaction tag in zone %s", canon, zone);
	}
	if (need + 1 > outlen) {
		return kd_err_set(err, KD_EFULL, "no room for the tag of %.100s",
			canon);
	}
	size_t pos = 0;
	if (closing) {
		pos += (size_t)snprintf(out, outlen, "%s.", TXN_TAG_END_LABEL);
	}
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (2 * i) % TXN_TAG_DIGITS == 0) {
			out[pos++] = '.';
		}
		pos += (size_t)snprintf(out + pos, outlen - pos, "%02x",
			(unsigned char)canon[i]);
	}
	snprintf(out + pos, outlen - pos, ".%s.%.*s", TXN_TAG_LABEL,
		(int)zone_len(zone), zone);
	return KD_OK;
}

/*
 * The length of OWNER's part before ".<TXN_TAG_LABEL>.<ZONE>", or -1 when
 * OWNER is not below that name.
 */
static long
tag_prefix_len(const char *owner, const char *zone)
{
	const size_t olen = zone_len(owner);
	const size_t zlen = zone_len(zone);
	const size_t slen = strlen(TXN_TAG_LABEL);

	if (olen < zlen + slen + 2) {
		return -1;
	}
	const char *tail = owner + olen - zlen;
	if (strncasecmp(tail, zone, zlen) != 0 || tail[-1] != '.') {
		return -1;
	}
	const char *label = tail - 1 - slen;
	if (strncasecmp(label, TXN_TAG_LABEL, slen) != 0) {
		return -1;
	}
	if (label == owner) {
		return 0;
	}
	if (label[-1] != '.') {
		return -1;
	}
	return (long)(label - 1 - owner);
}

bool
txn_tag_is_tag(const char *owner, const char *zone)
{
	return tag_prefix_len(owner, zone) >= 0;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

kd_result
txn_tag_parse(const char *owner, const char *zone, char *identity,
	size_t idlen, bool *closing, kd_err *err)
{
	const long prefix = tag_prefix_len(owner, zone);

	if (prefix < 0) {
		return kd_err_set(err, KD_ENOENT, "%s is not a transaction tag",
			owner);
	}
	const char *p = owner;
	const char *end = owner + prefix;
	const size_t elen = strlen(TXN_TAG_END_LABEL);
	*closing = (size_t)(end - p) > elen &&
		strncasecmp(p, TXN_TAG_END_LABEL, elen) == 0 && p[elen] == '.';
	if (*closing) {
		p += elen + 1;
	}
	size_t n = 0;
	while (p < end) {
		const char *dot = memchr(p, '.', (size_t)(end - p));
		const char *stop = dot != NULL ? dot : end;
		const size_t digits = (size_t)(stop - p);
		if (digits == 0 || digits % 2 != 0 || digits > TXN_TAG_DIGITS ||
		    (dot != NULL && digits != TXN_TAG_DIGITS)) {
			return kd_err_set(err, KD_EINVAL, "tag %s: label of %zu "
				"hex digits", owner, digits);
		}
		for (; p < stop; p += 2) {
			const int hi = hex_value(p[0]), lo = hex_value(p[1]);
			if (hi < 0 || lo < 0) {
				return kd_err_set(err, KD_EINVAL, "tag %s: not "
					"hexadecimal", owner);
			}
			const int byte = hi * 16 + lo;
			if (byte < 0x21 || byte > 0x7e) {
				return kd_err_set(err, KD_EINVAL, "tag %s: byte "
					"0x%02x in the signer", owner, byte);
			}
			if (n + 1 >= idlen) {
				return kd_err_set(err, KD_EINVAL, "tag %s: signer "
					"too long", owner);
			}
			identity[n++] = (char)byte;
		}
		p = dot != NULL ? dot + 1 : end;
	}
	if (n == 0) {
		return kd_err_set(err, KD_EINVAL, "tag %s: no signer", owner);
	}
	identity[n] = '\0';
	return KD_OK;
}
