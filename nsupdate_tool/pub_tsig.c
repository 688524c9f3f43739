/*
 * pub_tsig.c -- TSIG digest input, signing and response verification.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>

#include "pub_tsig.h"
#include "text.h"

/* Largest TSIG digest input: a DNS message, a request MAC, the variables. */
#define DIGEST_MAX (65535 + TSIG_MAC_MAX + 2 * 256 + 64)

/* The 48-bit number at P (a TSIG time), in network order. */
static uint64_t
get48(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 6; i++) {
		v = v << 8 | p[i];
	}
	return v;
}

const char *
tsig_error_name(uint16_t error)
{
	switch (error) {
	case TSIG_ERROR_BADSIG:
		return "BADSIG";
	case TSIG_ERROR_BADKEY:
		return "BADKEY";
	case TSIG_ERROR_BADTIME:
		return "BADTIME";
	default:
		return "unknown TSIG error";
	}
}

size_t
tsig_name_to_wire(const char *name, uint8_t *out)
{
	size_t pos = 0;

	if (strcmp(name, ".") != 0) {
		while (*name != '\0') {
			const char *dot = strchr(name, '.');
			size_t label = dot != NULL ? (size_t)(dot - name) :
				strlen(name);

			out[pos++] = (uint8_t)label;
			for (size_t i = 0; i < label; i++) {
				out[pos++] = (uint8_t)kd_ascii_lower(name[i]);
			}
			name += label;
			if (*name == '.') {
				name++;
			}
		}
	}
	out[pos++] = 0;
	return pos;
}

size_t
tsig_skip_name(const uint8_t *wire, size_t len, size_t pos)
{
	while (pos < len) {
		uint8_t label = wire[pos];

		if ((label & 0xc0) == 0xc0) {
			return pos + 2 <= len ? pos + 2 : 0;
		}
		if ((label & 0xc0) != 0) {
			return 0;
		}
		pos += 1 + (size_t)label;
		if (label == 0) {
			return pos <= len ? pos : 0;
		}
	}
	return 0;
}

/*
 * Append the TSIG variables (RFC 8945 4.3.3) to DIGEST at *POS: key name,
 * class ANY, TTL 0, algorithm, time, fudge, error, other.
 */
static void
put_variables(uint8_t *digest, size_t *pos, const tsig_signer *signer,
	uint64_t time_signed, uint16_t fudge, uint16_t error,
	const uint8_t *other, uint16_t other_len)
{
	size_t p = *pos;

	p += tsig_name_to_wire(signer->key_name, digest + p);
	ldns_write_uint16(digest + p, 255);
	p += 2;
	memset(digest + p, 0, 4);
	p += 4;
	p += tsig_name_to_wire(signer->algorithm, digest + p);
	ldns_write_uint64_as_uint48(digest + p, time_signed);
	p += 6;
	ldns_write_uint16(digest + p, fudge);
	p += 2;
	ldns_write_uint16(digest + p, error);
	p += 2;
	ldns_write_uint16(digest + p, other_len);
	p += 2;
	if (other_len > 0) {
		memcpy(digest + p, other, other_len);
	}
	p += other_len;
	*pos = p;
}

kd_result
tsig_sign_message(const tsig_signer *signer, const uint8_t *msg, size_t len,
	uint64_t now, uint8_t **out, size_t *out_len, tsig_request *req,
	kd_err *err)
{
	uint8_t *digest, *buf;
	size_t pos = 0, rdlen_at;
	kd_result ret;

	if (len < 12 || len > 65535 - 1024) {
		return kd_err_set(err, KD_EINVAL,
			"message of %zu bytes cannot be signed", len);
	}
	digest = malloc(DIGEST_MAX);
	if (digest == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	memcpy(digest, msg, len);
	pos = len;
	put_variables(digest, &pos, signer, now, TSIG_FUDGE, 0, NULL, 0);
	req->mac_len = 0;
	ret = signer->mac(signer->ctx, digest, pos, req->mac, &req->mac_len,
		err);
	free(digest);
	if (ret != KD_OK) {
		return ret;
	}
	req->id = ldns_read_uint16(msg);
	req->time_signed = now;

	buf = malloc(len + 2 * 256 + 32 + req->mac_len);
	if (buf == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	memcpy(buf, msg, len);
	ldns_write_uint16(buf + 10, (uint16_t)(ldns_read_uint16(msg + 10) + 1));
	pos = len;
	pos += tsig_name_to_wire(signer->key_name, buf + pos);
	ldns_write_uint16(buf + pos, TSIG_RR_TYPE);
	ldns_write_uint16(buf + pos + 2, 255);
	memset(buf + pos + 4, 0, 4);
	rdlen_at = pos + 8;
	pos += 10;
	pos += tsig_name_to_wire(signer->algorithm, buf + pos);
	ldns_write_uint64_as_uint48(buf + pos, now);
	ldns_write_uint16(buf + pos + 6, TSIG_FUDGE);
	ldns_write_uint16(buf + pos + 8, (uint16_t)req->mac_len);
	pos += 10;
	memcpy(buf + pos, req->mac, req->mac_len);
	pos += req->mac_len;
	ldns_write_uint16(buf + pos, req->id);
	ldns_write_uint16(buf + pos + 2, 0);
	ldns_write_uint16(buf + pos + 4, 0);
	pos += 6;
	ldns_write_uint16(buf + rdlen_at, (uint16_t)(pos - rdlen_at - 2));
	*out = buf;
	*out_len = pos;
	return KD_OK;
}

/* Where the last RR of WIRE starts, or 0 for a malformed message. */
static size_t
last_rr_offset(const uint8_t *wire, size_t len)
{
	unsigned qd, rrs;
	size_t pos = 12, last = 0;

	if (len < 12) {
		return 0;
	}
	qd = ldns_read_uint16(wire + 4);
	rrs = (unsigned)ldns_read_uint16(wire + 6) +
		ldns_read_uint16(wire + 8) + ldns_read_uint16(wire + 10);
	for (unsigned i = 0; i < qd; i++) {
		pos = tsig_skip_name(wire, len, pos);
		if (pos == 0 || pos + 4 > len) {
			return 0;
		}
		pos += 4;
	}
	for (unsigned i = 0; i < rrs; i++) {
		last = pos;
		pos = tsig_skip_name(wire, len, pos);
		if (pos == 0 || pos + 10 > len) {
			return 0;
		}
		pos += 10 + (size_t)ldns_read_uint16(wire + pos + 8);
		if (pos > len) {
			return 0;
		}
	}
	return pos == len ? last : 0;
}

/*
 * Compare the name at POS in WIRE (LEN bytes; compression pointers are
 * followed, backwards only) with the text NAME, ignoring case.
 */
static bool
wire_name_is(const uint8_t *wire, size_t len, size_t pos, const char *name)
{
	uint8_t expect[256];
	size_t n = tsig_name_to_wire(name, expect), at = 0;

	while (pos < len) {
		uint8_t label = wire[pos];

		if ((label & 0xc0) == 0xc0) {
			size_t target;

			if (pos + 1 >= len) {
				return false;
			}
			target = (size_t)(label & 0x3f) << 8 | wire[pos + 1];
			if (target >= pos) {
				return false;
			}
			pos = target;
			continue;
		}
		if ((label & 0xc0) != 0 || pos + 1 + label > len ||
		    at + 1 + label > n || expect[at] != label) {
			return false;
		}
		for (size_t i = 1; i <= label; i++) {
			if ((uint8_t)kd_ascii_lower((char)wire[pos + i]) !=
			    expect[at + i]) {
				return false;
			}
		}
		at += 1 + (size_t)label;
		pos += 1 + (size_t)label;
		if (label == 0) {
			return at == n;
		}
	}
	return false;
}

kd_result
tsig_verify_response(const tsig_signer *signer, const uint8_t *wire,
	size_t len, const tsig_request *req, uint64_t now, tsig_response *resp,
	kd_err *err)
{
	size_t start, pos, rdata, rdend, alg_end, mac_len, other_len;
	const uint8_t *mac, *other;
	uint8_t *digest;
	size_t dpos = 0;
	uint16_t original_id;
	kd_result ret;

	memset(resp, 0, sizeof(*resp));
	if (len < 12 || ldns_read_uint16(wire + 10) == 0) {
		return kd_err_set(err, KD_ENOENT, "the answer is not signed");
	}
	start = last_rr_offset(wire, len);
	if (start == 0) {
		return kd_err_set(err, KD_EDNS, "malformed answer");
	}
	pos = tsig_skip_name(wire, len, start);
	if (ldns_read_uint16(wire + pos) != TSIG_RR_TYPE) {
		return kd_err_set(err, KD_ENOENT, "the answer is not signed");
	}
	resp->present = true;
	rdata = pos + 10;
	rdend = rdata + ldns_read_uint16(wire + pos + 8);
	alg_end = tsig_skip_name(wire, rdend, rdata);
	if (alg_end == 0 || alg_end + 10 > rdend) {
		return kd_err_set(err, KD_EDNS, "malformed TSIG in the answer");
	}
	resp->time_signed = get48(wire + alg_end);
	resp->fudge = ldns_read_uint16(wire + alg_end + 6);
	mac_len = ldns_read_uint16(wire + alg_end + 8);
	mac = wire + alg_end + 10;
	pos = alg_end + 10 + mac_len;
	if (pos + 6 > rdend) {
		return kd_err_set(err, KD_EDNS, "malformed TSIG in the answer");
	}
	original_id = ldns_read_uint16(wire + pos);
	resp->error = ldns_read_uint16(wire + pos + 2);
	other_len = ldns_read_uint16(wire + pos + 4);
	other = wire + pos + 6;
	if (pos + 6 + other_len != rdend) {
		return kd_err_set(err, KD_EDNS, "malformed TSIG in the answer");
	}
	if (other_len == 6) {
		resp->has_server_time = true;
		resp->server_time = get48(other);
	}
	if (!wire_name_is(wire, len, start, signer->key_name) ||
	    !wire_name_is(wire, rdend, rdata, signer->algorithm)) {
		return kd_err_set(err, KD_EBADSIG,
			"the answer is signed with another key or algorithm");
	}
	if (mac_len == 0) {
		return kd_err_set(err, KD_ENOENT,
			"the answer's TSIG has no MAC (TSIG error %u)",
			resp->error);
	}
	if (mac_len > TSIG_MAC_MAX) {
		return kd_err_set(err, KD_EDNS, "TSIG MAC too long");
	}

	digest = malloc(DIGEST_MAX);
	if (digest == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	ret = KD_EBADSIG;
	for (int layout = TSIG_LAYOUT_RFC8945; layout <= TSIG_LAYOUT_LAST &&
	     ret == KD_EBADSIG; layout++) {
		/* the second layout only for signers that allow it */
		if (layout != TSIG_LAYOUT_RFC8945 &&
		    (req == NULL || !signer->allow_unprefixed_request_mac)) {
			break;
		}
		dpos = 0;
		if (req != NULL && layout == TSIG_LAYOUT_RFC8945) {
			ldns_write_uint16(digest, (uint16_t)req->mac_len);
			dpos = 2;
		}
		if (req != NULL) {
			memcpy(digest + dpos, req->mac, req->mac_len);
			dpos += req->mac_len;
		}
		memcpy(digest + dpos, wire, start);
		ldns_write_uint16(digest + dpos, original_id);
		ldns_write_uint16(digest + dpos + 10,
			(uint16_t)(ldns_read_uint16(wire + 10) - 1));
		dpos += start;
		put_variables(digest, &dpos, signer, resp->time_signed,
			resp->fudge, resp->error, other, (uint16_t)other_len);
		ret = signer->verify(signer->ctx, digest, dpos, mac, mac_len,
			err);
		if (ret == KD_OK) {
			resp->layout = (tsig_layout)layout;
		}
	}
	free(digest);
	if (ret != KD_OK) {
		return ret;
	}
	if (resp->error == 0 && (now > resp->time_signed + resp->fudge ||
	    resp->time_signed > now + resp->fudge)) {
		return kd_err_set(err, KD_EBADTIME,
			"the answer was signed at %llu, %lld s from our clock",
			(unsigned long long)resp->time_signed,
			(long long)(resp->time_signed - now));
	}
	return KD_OK;
}
