/*
 * rdata.c -- the record text BIND hands to a DLZ module during updates.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "dname.h"
#include "kd_result.h"
#include "rdata.h"
#include "srv.h"
#include "text.h"

/* How many characters of a record an error message shows before "...". */
#define RDATA_SHOWN_MAX 120
/* Room for the shown record with escapes (\t is two characters). */
#define RDATA_SHOWN_BUF (RDATA_SHOWN_MAX * 4 + 8)
/* RFC 2181 section 8: a TTL is a 31-bit number. */
#define RDATA_TTL_MAX UINT32_C(2147483647)
/* The fields before the RDATA: owner, TTL, class, type. */
#define RDATA_HEAD_FIELDS 4
/* The number fields of an SOA after MNAME and RNAME. */
#define RDATA_SOA_NUMBERS 5

typedef struct rdata_type_entry {
	rdata_type type;
	const char *name;
	unsigned number;
} rdata_type_entry;

static const rdata_type_entry rdata_types[] = {
	{ RDATA_TYPE_SRV, "SRV", 33 },
	{ RDATA_TYPE_A, "A", 1 },
	{ RDATA_TYPE_AAAA, "AAAA", 28 },
	{ RDATA_TYPE_SOA, "SOA", 6 },
	{ RDATA_TYPE_NS, "NS", 2 },
	{ RDATA_TYPE_ANY, "ANY", 255 },
};

#define RDATA_TYPE_COUNT (sizeof(rdata_types) / sizeof(rdata_types[0]))

/* A piece of the input: not terminated. */
typedef struct span {
	const char *start;
	size_t len;
} span;

static char
ascii_upper(char c)
{
	return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

static bool
span_equal_nocase(span s, const char *word)
{
	size_t i = 0;

	for (; i < s.len; i++) {
		if (word[i] == '\0' || ascii_upper(s.start[i]) !=
		    ascii_upper(word[i])) {
			return false;
		}
	}
	return word[i] == '\0';
}

/*
 * Render TEXT for a message: tabs, newlines and other control bytes as
 * escapes, cut after RDATA_SHOWN_MAX characters with "...".
 */
static void
render_shown(const char *text, char *out, size_t outlen)
{
	const size_t len = strlen(text);
	const size_t shown = (size_t)kd_text_shown(len, RDATA_SHOWN_MAX);
	size_t used = 0;
	size_t i = 0;

	for (; i < shown; i++) {
		const unsigned char c = (unsigned char)text[i];
		char piece[8];

		if (c == '\t') {
			(void)snprintf(piece, sizeof(piece), "\\t");
		} else if (c == '\n') {
			(void)snprintf(piece, sizeof(piece), "\\n");
		} else if (c < 0x20 || c >= 0x7f) {
			(void)snprintf(piece, sizeof(piece), "\\x%02x", c);
		} else {
			piece[0] = (char)c;
			piece[1] = '\0';
		}

		const size_t plen = strlen(piece);
		if (used + plen + 4 >= outlen) {
			break;
		}
		memcpy(out + used, piece, plen);
		used += plen;
	}
	if (i < len && used + 4 <= outlen) {
		memcpy(out + used, "...", 3);
		used += 3;
	}
	out[used] = '\0';
}

/* Fail with "record \"<shown TEXT>\": <REASON>". */
static kd_result
record_error(kd_err *err, kd_result code, const char *text,
	const char *reason)
{
	char shown[RDATA_SHOWN_BUF];

	render_shown(text, shown, sizeof(shown));
	return kd_err_set(err, code, "record \"%s\": %s", shown, reason);
}

/* Copy S into OUT of OUTLEN bytes; false when it does not fit. */
static bool
span_copy(span s, char *out, size_t outlen)
{
	if (s.len >= outlen) {
		return false;
	}
	memcpy(out, s.start, s.len);
	out[s.len] = '\0';
	return true;
}

/*
 * Parse the decimal S (digits only, ten at most) of at most MAX into
 * *VALUE.
 */
static bool
parse_number(span s, uint32_t max, uint32_t *value)
{
	uint64_t number;

	if (s.len > 10 || kd_parse_uint(s.start, s.len, 0, max, NULL, &number,
	    NULL) != KD_OK) {
		return false;
	}
	*value = (uint32_t)number;
	return true;
}

static bool
type_character(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c == '-';
}

/* Map the well-formed mnemonic S (length checked) to a type. */
static rdata_type
type_from_span(span s)
{
	for (size_t i = 0; i < RDATA_TYPE_COUNT; i++) {
		if (span_equal_nocase(s, rdata_types[i].name)) {
			return rdata_types[i].type;
		}
	}

	/* RFC 3597: "TYPE" and the decimal number. */
	const span prefix = { s.start, 4 };
	uint32_t number;
	if (s.len > 4 && span_equal_nocase(prefix, "TYPE") &&
	    parse_number((span){ s.start + 4, s.len - 4 }, 65535, &number)) {
		for (size_t i = 0; i < RDATA_TYPE_COUNT; i++) {
			if (rdata_types[i].number == number) {
				return rdata_types[i].type;
			}
		}
	}
	return RDATA_TYPE_OTHER;
}

/* Check the mnemonic S; the reason goes to REASON. */
static bool
type_well_formed(span s, char *reason, size_t reasonlen)
{
	if (s.len == 0) {
		(void)snprintf(reason, reasonlen, "empty type");
		return false;
	}
	if (s.len >= RDATA_TYPE_TEXT_MAX) {
		(void)snprintf(reason, reasonlen,
			"type is %zu characters long, more than %d", s.len,
			RDATA_TYPE_TEXT_MAX - 1);
		return false;
	}
	for (size_t i = 0; i < s.len; i++) {
		if (!type_character(s.start[i])) {
			(void)snprintf(reason, reasonlen,
				"type \"%.*s\" holds a character other than "
				"letters, digits and '-'", (int)s.len,
				s.start);
			return false;
		}
	}
	return true;
}

kd_result
rdata_type_parse(const char *text, rdata_type *type, kd_err *err)
{
	char reason[128];

	if (text == NULL) {
		return kd_err_set(err, KD_EINVAL, "type \"\": empty type");
	}

	const span s = { text, strlen(text) };
	if (!type_well_formed(s, reason, sizeof(reason))) {
		char shown[RDATA_SHOWN_BUF];

		render_shown(text, shown, sizeof(shown));
		return kd_err_set(err, KD_EINVAL, "type \"%s\": %s", shown,
			reason);
	}
	*type = type_from_span(s);
	return KD_OK;
}

const char *
rdata_type_name(rdata_type type)
{
	for (size_t i = 0; i < RDATA_TYPE_COUNT; i++) {
		if (rdata_types[i].type == type) {
			return rdata_types[i].name;
		}
	}
	return "OTHER";
}

/*
 * Split the RDATA S into at most MAX words separated by runs of spaces.
 * Returns the number of words, or MAX + 1 when there are more.
 */
static size_t
split_words(span s, span *words, size_t max)
{
	size_t count = 0;
	size_t i = 0;

	while (i < s.len) {
		while (i < s.len && s.start[i] == ' ') {
			i++;
		}
		if (i == s.len) {
			break;
		}
		const size_t start = i;
		while (i < s.len && s.start[i] != ' ') {
			i++;
		}
		if (count == max) {
			return max + 1;
		}
		words[count].start = s.start + start;
		words[count].len = i - start;
		count++;
	}
	return count;
}

/*
 * Read the name S (absolute or not) into OUT canonical. WHAT names the field
 * for the message.
 */
static kd_result
parse_name(const char *text, span s, const char *what, char *out,
	kd_err *err)
{
	char name[DNAME_BUF_SIZE + 1];
	char reason[KD_ERR_TEXT_MAX + 64];
	kd_err inner;

	if (!span_copy(s, name, sizeof(name))) {
		(void)snprintf(reason, sizeof(reason),
			"%s is %zu characters long, more than %d", what, s.len,
			DNAME_TEXT_MAX + 1);
		return record_error(err, KD_EINVAL, text, reason);
	}
	if (dname_normalize(name, DNAME_OWNER, out, DNAME_BUF_SIZE,
	    &inner) != KD_OK) {
		(void)snprintf(reason, sizeof(reason), "%s %s", what,
			inner.text);
		return record_error(err, KD_EINVAL, text, reason);
	}
	return KD_OK;
}

static kd_result
parse_srv(const char *text, span data, rdata_record *out, kd_err *err)
{
	char buf[RDATA_SHOWN_BUF];
	char reason[KD_ERR_TEXT_MAX + 64];
	kd_err inner;

	if (!span_copy(data, buf, sizeof(buf))) {
		return record_error(err, KD_EINVAL, text,
			"SRV data is too long");
	}
	const kd_result ret = srv_parse_rdata(buf, &out->data.srv, &inner);
	if (ret != KD_OK) {
		(void)snprintf(reason, sizeof(reason), "%s",
			inner.text);
		return record_error(err, KD_EINVAL, text, reason);
	}
	out->data.srv.ttl = out->ttl;
	return KD_OK;
}

static kd_result
parse_address(const char *text, span data, int family, rdata_record *out,
	kd_err *err)
{
	char buf[RDATA_ADDR_MAX];
	unsigned char bytes[sizeof(struct in6_addr)];
	char reason[160];
	const char *label = family == AF_INET ? "IPv4" : "IPv6";

	if (!span_copy(data, buf, sizeof(buf)) ||
	    inet_pton(family, buf, bytes) != 1) {
		(void)snprintf(reason, sizeof(reason),
			"\"%.*s\" is not an %s address",
			data.len > 60 ? 60 : (int)data.len, data.start, label);
		return record_error(err, KD_EINVAL, text, reason);
	}
	if (inet_ntop(family, bytes, out->data.address,
	    sizeof(out->data.address)) == NULL) {
		return record_error(err, KD_EINVAL, text,
			"the address cannot be written back");
	}
	return KD_OK;
}

static kd_result
parse_soa(const char *text, span data, rdata_record *out, kd_err *err)
{
	static const char *const number_names[RDATA_SOA_NUMBERS] = {
		"serial", "refresh", "retry", "expire", "minimum",
	};
	span words[2 + RDATA_SOA_NUMBERS];
	uint32_t numbers[RDATA_SOA_NUMBERS];
	char reason[160];

	const size_t count = split_words(data, words, 2 + RDATA_SOA_NUMBERS);
	if (count != 2 + RDATA_SOA_NUMBERS) {
		return record_error(err, KD_EINVAL, text,
			"SOA data needs 7 fields (mname rname serial refresh "
			"retry expire minimum)");
	}

	kd_result ret = parse_name(text, words[0], "SOA mname",
		out->data.soa.mname, err);
	if (ret != KD_OK) {
		return ret;
	}
	ret = parse_name(text, words[1], "SOA rname", out->data.soa.rname,
		err);
	if (ret != KD_OK) {
		return ret;
	}
	for (size_t i = 0; i < RDATA_SOA_NUMBERS; i++) {
		if (!parse_number(words[2 + i], UINT32_MAX, &numbers[i])) {
			(void)snprintf(reason, sizeof(reason),
				"SOA %s \"%.*s\" is not a number 0-4294967295",
				number_names[i],
				words[2 + i].len > 40 ? 40 :
				(int)words[2 + i].len, words[2 + i].start);
			return record_error(err, KD_EINVAL, text, reason);
		}
	}
	out->data.soa.serial = numbers[0];
	out->data.soa.refresh = numbers[1];
	out->data.soa.retry = numbers[2];
	out->data.soa.expire = numbers[3];
	out->data.soa.minimum = numbers[4];
	return KD_OK;
}

static kd_result
parse_ns(const char *text, span data, rdata_record *out, kd_err *err)
{
	span words[1];

	if (split_words(data, words, 1) != 1) {
		return record_error(err, KD_EINVAL, text,
			"NS data needs exactly one name");
	}
	return parse_name(text, words[0], "NS name", out->data.ns, err);
}

static kd_result
parse_owner(const char *text, span s, rdata_record *out, kd_err *err)
{
	if (s.len == 0) {
		return record_error(err, KD_EINVAL, text, "empty owner");
	}
	if (s.start[s.len - 1] != '.') {
		return record_error(err, KD_EINVAL, text,
			"owner is not absolute (no trailing dot)");
	}
	if (s.len == 1) {
		return record_error(err, KD_EINVAL, text,
			"owner is the root");
	}
	return parse_name(text, s, "owner", out->owner, err);
}

kd_result
rdata_parse(const char *text, rdata_record *out, kd_err *err)
{
	span fields[RDATA_HEAD_FIELDS + 1];
	char reason[160];

	if (text == NULL) {
		return kd_err_set(err, KD_EINVAL, "record \"\": empty");
	}
	memset(out, 0, sizeof(*out));

	/* One trailing newline, as BIND's master dump ends each line. */
	size_t len = strlen(text);
	if (len > 0 && text[len - 1] == '\n') {
		len--;
	}
	if (len == 0) {
		return record_error(err, KD_EINVAL, text, "empty");
	}

	size_t count = 0;
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || text[i] == '\t') {
			if (count <= RDATA_HEAD_FIELDS) {
				fields[count].start = text + start;
				fields[count].len = i - start;
			}
			count++;
			start = i + 1;
		} else if (text[i] == '\n' || text[i] == '\0') {
			break;
		}
	}
	if (memchr(text, '\n', len) != NULL) {
		return record_error(err, KD_EINVAL, text,
			"holds more than one line");
	}
	if (count != RDATA_HEAD_FIELDS + 1) {
		(void)snprintf(reason, sizeof(reason),
			"has %zu tab-separated fields, expected 5 (owner, TTL, "
			"class, type, data)", count);
		return record_error(err, KD_EINVAL, text, reason);
	}

	kd_result ret = parse_owner(text, fields[0], out, err);
	if (ret != KD_OK) {
		return ret;
	}
	if (!parse_number(fields[1], RDATA_TTL_MAX, &out->ttl)) {
		(void)snprintf(reason, sizeof(reason),
			"TTL \"%.*s\" is not a number 0-2147483647",
			fields[1].len > 40 ? 40 : (int)fields[1].len,
			fields[1].start);
		return record_error(err, KD_EINVAL, text, reason);
	}
	if (!span_equal_nocase(fields[2], "IN")) {
		(void)snprintf(reason, sizeof(reason), "class \"%.*s\" is not IN",
			fields[2].len > 40 ? 40 : (int)fields[2].len,
			fields[2].start);
		return record_error(err, KD_EINVAL, text, reason);
	}
	if (!type_well_formed(fields[3], reason, sizeof(reason))) {
		return record_error(err, KD_EINVAL, text, reason);
	}
	out->type = type_from_span(fields[3]);
	for (size_t i = 0; i < fields[3].len; i++) {
		out->type_text[i] = ascii_upper(fields[3].start[i]);
	}
	out->type_text[fields[3].len] = '\0';

	const span data = fields[4];
	if (split_words(data, NULL, 0) == 0) {
		return record_error(err, KD_EINVAL, text, "empty data");
	}

	switch (out->type) {
	case RDATA_TYPE_SRV:
		return parse_srv(text, data, out, err);
	case RDATA_TYPE_A:
		return parse_address(text, data, AF_INET, out, err);
	case RDATA_TYPE_AAAA:
		return parse_address(text, data, AF_INET6, out, err);
	case RDATA_TYPE_SOA:
		return parse_soa(text, data, out, err);
	case RDATA_TYPE_NS:
		return parse_ns(text, data, out, err);
	case RDATA_TYPE_ANY:
		return record_error(err, KD_EINVAL, text,
			"type ANY is not a record type");
	case RDATA_TYPE_OTHER:
		break;
	}
	return KD_OK;
}
