/*
 * srv.c -- the SRV record model and RFC 2782 target selection.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dname.h"
#include "kd_result.h"
#include "text.h"
#include "srv.h"

/* How much of an offending text an error message shows before "...". */
#define SRV_SHOWN_MAX 300
#define SRV_FIELD_MAX 65535u

/* splitmix64 (Steele, Lea, Flood 2014): every seed, including 0, is good. */
static uint64_t
rng_next(srv_rng *rng)
{
	uint64_t z = (rng->state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

void
srv_rng_seed(srv_rng *rng, uint64_t seed)
{
	rng->state = seed;
}

/*
 * Rejection sampling: accept only 32-bit values below the largest multiple
 * of the range size, so that every result is equally likely.
 */
uint32_t
srv_rng_uniform(void *ctx, uint32_t bound)
{
	srv_rng *rng = ctx;
	const uint64_t range = (uint64_t)bound + 1;
	const uint64_t limit = (UINT64_C(1) << 32) -
		((UINT64_C(1) << 32) % range);

	for (;;) {
		const uint64_t value = rng_next(rng) >> 32;
		if (value < limit) {
			return (uint32_t)(value % range);
		}
	}
}

/*
 * A uniform number in [0, BOUND] from RANDOM. A DNS message cannot carry
 * enough records for a weight sum beyond 32 bits, but an array can: then
 * two 32-bit draws make a 64-bit one, masked and rejected until in range.
 */
static uint64_t
draw_inclusive(srv_random_fn random, void *ctx, uint64_t bound)
{
	if (bound <= UINT32_MAX) {
		return random(ctx, (uint32_t)bound);
	}

	uint64_t mask = bound;
	for (unsigned shift = 1; shift < 64; shift *= 2) {
		mask |= mask >> shift;
	}
	for (;;) {
		const uint64_t high = random(ctx, UINT32_MAX);
		const uint64_t low = random(ctx, UINT32_MAX);
		const uint64_t value = ((high << 32) | low) & mask;
		if (value <= bound) {
			return value;
		}
	}
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Skip blanks from *CURSOR; return the next token and its length in *LEN. */
static const char *
next_token(const char **cursor, size_t *len)
{
	const char *start = *cursor;

	while (is_blank(*start)) {
		start++;
	}
	const char *end = start;
	while (*end != '\0' && !is_blank(*end)) {
		end++;
	}
	*len = (size_t)(end - start);
	*cursor = end;
	return start;
}

/* Parse the decimal FIELD of LEN characters at TOKEN into *VALUE. */
static kd_result
parse_field(const char *token, size_t len,
	const char *field, uint16_t *value, kd_err *err)
{
	uint32_t number = 0;

	for (size_t i = 0; i < len; i++) {
		if (token[i] < '0' || token[i] > '9') {
			return kd_err_set(err, KD_EINVAL,
				"SRV %s \"%.*s%s\" is not a number", field,
				KD_TEXT_SHORT(token, len, SRV_SHOWN_MAX));
		}
		if (number <= SRV_FIELD_MAX) {
			number = number * 10 + (uint32_t)(token[i] - '0');
		}
	}
	if (number > SRV_FIELD_MAX) {
		return kd_err_set(err, KD_ERANGE,
			"SRV %s %.*s%s is out of range 0-%u", field,
			KD_TEXT_SHORT(token, len, SRV_SHOWN_MAX),
			SRV_FIELD_MAX);
	}
	*value = (uint16_t)number;
	return KD_OK;
}

/* Canonicalise the target of LEN characters at TOKEN into TARGET. */
static kd_result
parse_target(const char *token, size_t len, char target[DNAME_BUF_SIZE],
	kd_err *err)
{
	char name[DNAME_BUF_SIZE + 1];

	if (len == 1 && token[0] == '.') {
		strcpy(target, ".");
		return KD_OK;
	}
	/* Too long for any name with a trailing dot: say so without a copy. */
	if (len > DNAME_TEXT_MAX + 1) {
		const size_t name_len = len - (token[len - 1] == '.');
		return kd_err_set(err, KD_EINVAL,
			"SRV target \"%.*s%s\": name is %zu characters long, "
			"more than %d",
			KD_TEXT_SHORT(token, len, SRV_SHOWN_MAX), name_len,
			DNAME_TEXT_MAX);
	}
	memcpy(name, token, len);
	name[len] = '\0';

	kd_err detail;
	const kd_result ret = dname_normalize(name, DNAME_HOST, target,
		DNAME_BUF_SIZE, &detail);
	if (ret != KD_OK) {
		return kd_err_set(err, ret, "SRV target %s", detail.text);
	}
	return KD_OK;
}

kd_result
srv_parse_rdata(const char *text, srv_record *rec, kd_err *err)
{
	static const char *const field_names[] = {
		"priority", "weight", "port", "target",
	};
	const size_t text_len = strlen(text);
	const char *cursor = text;
	uint16_t numbers[3];
	char target[DNAME_BUF_SIZE] = "";

	for (size_t field = 0; field < 4; field++) {
		size_t len;
		const char *token = next_token(&cursor, &len);
		if (len == 0) {
			return kd_err_set(err, KD_EINVAL,
				"SRV rdata \"%.*s%s\": the %s is missing",
				KD_TEXT_SHORT(text, text_len, SRV_SHOWN_MAX),
				field_names[field]);
		}
		const kd_result ret = field < 3 ?
			parse_field(token, len, field_names[field],
				&numbers[field], err) :
			parse_target(token, len, target, err);
		if (ret != KD_OK) {
			return ret;
		}
	}

	size_t extra_len;
	const char *extra = next_token(&cursor, &extra_len);
	if (extra_len > 0) {
		return kd_err_set(err, KD_EINVAL,
			"SRV rdata \"%.*s%s\": unexpected \"%.*s%s\" after the "
			"target", KD_TEXT_SHORT(text, text_len, SRV_SHOWN_MAX),
			KD_TEXT_SHORT(extra, extra_len, SRV_SHOWN_MAX));
	}

	rec->priority = numbers[0];
	rec->weight = numbers[1];
	rec->port = numbers[2];
	memcpy(rec->target, target, sizeof(rec->target));
	return KD_OK;
}

bool
srv_same_rdata(const srv_record *a, const srv_record *b)
{
	return a->priority == b->priority && a->weight == b->weight &&
		a->port == b->port && strcasecmp(a->target, b->target) == 0;
}

kd_result
srv_format_rdata(const srv_record *rec, char *out, size_t outlen)
{
	const char *target = rec->target;
	const size_t target_len = strlen(target);
	const bool has_dot = target_len > 0 && target[target_len - 1] == '.';

	if (target_len == 0) {
		target = ".";
	}
	const int written = snprintf(out, outlen, "%u %u %u %s%s",
		(unsigned)rec->priority, (unsigned)rec->weight,
		(unsigned)rec->port, target,
		(has_dot || target_len == 0) ? "" : ".");
	if (written < 0 || (size_t)written >= outlen) {
		return KD_EFULL;
	}
	return KD_OK;
}

/*
 * Move RECS[FROM] to RECS[TO] (TO <= FROM), shifting the records between
 * them up by one, so that their relative order is kept.
 */
static void
move_record(srv_record *recs, size_t from, size_t to)
{
	if (from == to) {
		return;
	}
	srv_record moved = recs[from];
	memmove(&recs[to + 1], &recs[to], (from - to) * sizeof(*recs));
	recs[to] = moved;
}

/* Insertion sort: stable and in place; SRV sets are small. */
void
srv_sort_by_priority(srv_record *recs, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		size_t to = i;
		while (to > 0 && recs[to - 1].priority > recs[i].priority) {
			to--;
		}
		move_record(recs, i, to);
	}
}

/* Fisher-Yates: every arrangement of the N records is equally likely. */
static void
shuffle_records(srv_record *recs, size_t n, srv_random_fn random, void *ctx)
{
	for (size_t i = n; i > 1; i--) {
		const size_t j = (size_t)draw_inclusive(random, ctx, i - 1);
		if (j != i - 1) {
			srv_record swapped = recs[i - 1];
			recs[i - 1] = recs[j];
			recs[j] = swapped;
		}
	}
}

/* Stable partition: the weight-0 records first, each side in its order. */
static void
put_weight_zero_first(srv_record *recs, size_t n)
{
	size_t zeros = 0;

	for (size_t i = 0; i < n; i++) {
		if (recs[i].weight == 0) {
			move_record(recs, i, zeros);
			zeros++;
		}
	}
}

/*
 * Among RECS[FIRST..N-1], the record a draw in [0, sum of weights] selects:
 * the first whose running sum of weights is at least the draw.
 */
static size_t
select_weighted(const srv_record *recs, size_t first,
	size_t n, srv_random_fn random, void *ctx)
{
	uint64_t sum = 0;
	for (size_t i = first; i < n; i++) {
		sum += recs[i].weight;
	}

	const uint64_t target = draw_inclusive(random, ctx, sum);
	uint64_t running = 0;
	for (size_t i = first; i < n; i++) {
		running += recs[i].weight;
		if (running >= target) {
			return i;
		}
	}
	return n - 1;
}

/* Order one priority group of N records (RFC 2782, "Usage rules"). */
static void
order_group(srv_record *recs, size_t n, srv_random_fn random, void *ctx)
{
	shuffle_records(recs, n, random, ctx);
	put_weight_zero_first(recs, n);
	/* Removing the selected record keeps the rest in order, so the
	 * weight-0 records stay first; the last one needs no draw. */
	for (size_t next = 0; next + 1 < n; next++) {
		const size_t selected = select_weighted(recs, next, n, random,
			ctx);
		move_record(recs, selected, next);
	}
}

void
srv_order_rfc2782(srv_record *recs, size_t n, srv_random_fn random,
	void *ctx)
{
	srv_sort_by_priority(recs, n);

	size_t start = 0;
	while (start < n) {
		size_t end = start + 1;
		while (end < n && recs[end].priority == recs[start].priority) {
			end++;
		}
		order_group(recs + start, end - start, random, ctx);
		start = end;
	}
}

/* True when every record has target "." (RFC 2782: no service here). */
static bool
all_targets_root(const srv_record *recs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(recs[i].target, ".") != 0) {
			return false;
		}
	}
	return true;
}

/*
 * In the lowest priority group (T = sum of weights, Z = number of weight-0
 * records, M = size), the shuffled, weight-0-first list puts each record
 * first with chance 1/Z among the weight-0 ones (1/M if Z = 0). A draw of 0
 * selects that first record; a draw in 1..T selects record I for W_I of the
 * T values whatever the order. So
 *     share_I = (W_I + P(I first)) / (T + 1).
 * When every record has target "." the service is declared unavailable and
 * all shares are 0 (so they do not sum to 1). A "." among real targets is
 * counted like any record: a client does draw it.
 */
void
srv_first_contact_shares(const srv_record *recs, size_t n, double *shares)
{
	if (n == 0) {
		return;
	}

	uint16_t lowest = recs[0].priority;
	for (size_t i = 1; i < n; i++) {
		if (recs[i].priority < lowest) {
			lowest = recs[i].priority;
		}
	}

	uint64_t total = 0;
	size_t zeros = 0;
	size_t members = 0;
	for (size_t i = 0; i < n; i++) {
		if (recs[i].priority == lowest) {
			total += recs[i].weight;
			zeros += recs[i].weight == 0;
			members++;
		}
	}

	const bool unavailable = all_targets_root(recs, n);
	for (size_t i = 0; i < n; i++) {
		shares[i] = 0.0;
		if (unavailable || recs[i].priority != lowest) {
			continue;
		}
		double first = 0.0;
		if (zeros == 0) {
			first = 1.0 / (double)members;
		} else if (recs[i].weight == 0) {
			first = 1.0 / (double)zeros;
		}
		shares[i] = ((double)recs[i].weight + first) /
			((double)total + 1.0);
	}
}
