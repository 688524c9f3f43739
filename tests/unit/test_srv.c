/*
 * test_srv.c -- unit tests of common/srv.c: the seeded generator, rdata
 * text, priority sort, RFC 2782 ordering and first-contact shares.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kd_result.h"
#include "srv.h"

#define ARRAY_LENGTH(array) (sizeof(array) / sizeof((array)[0]))

/* Records are told apart by their port in these tests. */
static srv_record
make_record(uint16_t priority, uint16_t weight, uint16_t port,
	const char *target)
{
	srv_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.priority = priority;
	rec.weight = weight;
	rec.port = port;
	rec.ttl = 300;
	snprintf(rec.target, sizeof(rec.target), "%s", target);
	return rec;
}

static void
assert_ports(const srv_record *recs, size_t n, const uint16_t *ports)
{
	for (size_t i = 0; i < n; i++) {
		if (recs[i].port != ports[i]) {
			fail_msg("position %zu: port %u, expected %u", i,
				(unsigned)recs[i].port, (unsigned)ports[i]);
		}
	}
}

/*
 * A scripted random source: each call must ask for the next expected bound
 * and gets the next scripted value.
 */
typedef struct scripted_draw {
	uint32_t bound;
	uint32_t value;
} scripted_draw;

typedef struct script {
	const scripted_draw *draws;
	size_t count;
	size_t next;
} script;

static uint32_t
scripted_random(void *ctx, uint32_t bound)
{
	script *s = ctx;

	if (s->next >= s->count)
		fail_msg("unscripted draw with bound %u", bound);
	const scripted_draw *draw = &s->draws[s->next++];
	if (draw->bound != bound) {
		fail_msg("draw %zu: bound %u, expected %u", s->next - 1, bound,
			draw->bound);
	}
	return draw->value;
}

static void
run_script(srv_record *recs, size_t n, const scripted_draw *draws, size_t count)
{
	script s = { draws, count, 0 };

	srv_order_rfc2782(recs, n, scripted_random, &s);
	assert_int_equal(s.next, count);
}

/* --- the seeded generator --- */

static void
test_rng_reference_values(void **state)
{
	srv_rng rng;

	(void)state;
	/* splitmix64 reference outputs, high 32 bits. */
	srv_rng_seed(&rng, 0);
	assert_int_equal(srv_rng_uniform(&rng, UINT32_MAX), 0xe220a839u);
	assert_int_equal(srv_rng_uniform(&rng, UINT32_MAX), 0x6e789e6au);
	srv_rng_seed(&rng, 1234567);
	assert_int_equal(srv_rng_uniform(&rng, UINT32_MAX), 0x599ed017u);
}

static void
test_rng_deterministic(void **state)
{
	srv_rng a;
	srv_rng b;
	srv_rng c;
	bool differ = false;

	(void)state;
	srv_rng_seed(&a, 42);
	srv_rng_seed(&b, 42);
	srv_rng_seed(&c, 43);
	for (int i = 0; i < 1000; i++) {
		const uint32_t from_a = srv_rng_uniform(&a, 1000000);
		assert_int_equal(from_a, srv_rng_uniform(&b, 1000000));
		differ |= from_a != srv_rng_uniform(&c, 1000000);
	}
	assert_true(differ);
}

static void
test_rng_bounds(void **state)
{
	static const uint32_t bounds[] = {
		0, 1, 2, 6, 100, 65535, 65536, 196605, 0x80000000u,
		UINT32_MAX - 1, UINT32_MAX,
	};
	srv_rng rng;

	(void)state;
	srv_rng_seed(&rng, 7);
	for (size_t b = 0; b < ARRAY_LENGTH(bounds); b++) {
		for (int i = 0; i < 2000; i++) {
			assert_true(srv_rng_uniform(&rng, bounds[b]) <=
				bounds[b]);
		}
	}
	/* Both ends of a small range come out. */
	bool seen[3] = { false, false, false };
	for (int i = 0; i < 100; i++)
		seen[srv_rng_uniform(&rng, 2)] = true;
	assert_true(seen[0] && seen[1] && seen[2]);
}

static void
test_rng_unbiased(void **state)
{
	enum { DRAWS = 60000 };
	unsigned counts[6] = { 0 };
	srv_rng rng;

	(void)state;
	srv_rng_seed(&rng, 2782);
	for (int i = 0; i < DRAWS; i++)
		counts[srv_rng_uniform(&rng, 5)]++;
	for (size_t v = 0; v < ARRAY_LENGTH(counts); v++) {
		const double share = (double)counts[v] / DRAWS;
		assert_true(share > 1.0 / 6 - 0.01 && share < 1.0 / 6 + 0.01);
	}

	/*
	 * With range 3 * 2^30 + 1 a plain modulo of 32 bits would return
	 * values below 2^30 half of the time instead of a third.
	 */
	unsigned low = 0;
	for (int i = 0; i < DRAWS; i++)
		low += srv_rng_uniform(&rng, 3u << 30) < (1u << 30);
	const double share = (double)low / DRAWS;
	assert_true(share > 1.0 / 3 - 0.01 && share < 1.0 / 3 + 0.01);
}

/* --- rdata text --- */

static void
assert_parsed(const char *text, uint16_t priority, uint16_t weight,
	uint16_t port, const char *target)
{
	srv_record rec = make_record(9, 9, 9, "old.example");
	kd_err err = { "" };

	rec.ttl = 4242;
	if (srv_parse_rdata(text, &rec, &err) != KD_OK)
		fail_msg("\"%s\" rejected: %s", text, err.text);
	assert_int_equal(rec.priority, priority);
	assert_int_equal(rec.weight, weight);
	assert_int_equal(rec.port, port);
	assert_string_equal(rec.target, target);
	assert_int_equal(rec.ttl, 4242);
}

/* Reject TEXT with CODE, leave the record alone, and name REASON. */
static void
assert_rejected(const char *text, kd_result code, const char *reason)
{
	srv_record rec = make_record(9, 9, 9, "old.example");
	const srv_record before = rec;
	kd_err err = { "" };

	const kd_result ret = srv_parse_rdata(text, &rec, &err);
	if (ret != code) {
		fail_msg("\"%s\": result %d, expected %d (%s)", text, ret,
			code, err.text);
	}
	if (strstr(err.text, reason) == NULL) {
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", text, err.text,
			reason);
	}
	assert_memory_equal(&rec, &before, sizeof(rec));
}

static void
test_parse_valid(void **state)
{
	(void)state;
	assert_parsed("0 100 1688 kms1.example.test.", 0, 100, 1688,
		"kms1.example.test");
	assert_parsed("10 0 1688 KMS1.Example.TEST", 10, 0, 1688,
		"kms1.example.test");
	assert_parsed("  1\t2   3 a-b.example \n", 1, 2, 3, "a-b.example");
	assert_parsed("0 0 0 .", 0, 0, 0, ".");
	assert_parsed("65535 65535 65535 a", 65535, 65535, 65535, "a");
	assert_parsed("007 010 01688 a.", 7, 10, 1688, "a");
}

static void
test_parse_out_of_range(void **state)
{
	kd_err err;
	srv_record rec;

	(void)state;
	assert_int_equal(srv_parse_rdata("65536 0 1688 a", &rec, &err),
		KD_ERANGE);
	assert_string_equal(err.text,
		"SRV priority 65536 is out of range 0-65535");
	assert_rejected("0 65536 1688 a", KD_ERANGE, "SRV weight 65536");
	assert_rejected("0 0 65536 a", KD_ERANGE, "SRV port 65536");
	assert_rejected("0 70000 1688 a", KD_ERANGE,
		"weight 70000 is out of range 0-65535");
	assert_rejected("0 0 99999999999999999999999 a", KD_ERANGE,
		"port 99999999999999999999999 is out of range");
	assert_rejected("0 0 4294967297 a", KD_ERANGE, "port 4294967297");
}

static void
test_parse_syntax(void **state)
{
	(void)state;
	assert_rejected("", KD_EINVAL, "the priority is missing");
	assert_rejected("   ", KD_EINVAL, "the priority is missing");
	assert_rejected("0", KD_EINVAL, "the weight is missing");
	assert_rejected("0 0", KD_EINVAL, "\"0 0\": the port is missing");
	assert_rejected("0 0 1688", KD_EINVAL, "the target is missing");
	assert_rejected("0 0 1688 a.example b", KD_EINVAL,
		"unexpected \"b\" after the target");
	assert_rejected("0 0 1688 a.example. 3600", KD_EINVAL,
		"unexpected \"3600\"");
	assert_rejected("-1 0 1688 a", KD_EINVAL,
		"SRV priority \"-1\" is not a number");
	assert_rejected("+1 0 1688 a", KD_EINVAL, "\"+1\" is not a number");
	assert_rejected("1x 0 1688 a", KD_EINVAL, "\"1x\" is not a number");
	assert_rejected("0 ten 1688 a", KD_EINVAL,
		"SRV weight \"ten\" is not a number");
	assert_rejected("0 0 0x698 a", KD_EINVAL, "SRV port \"0x698\"");
}

static void
test_parse_bad_target(void **state)
{
	char text[400];
	char target[300];

	(void)state;
	assert_rejected("0 0 1688 kms1..example.test", KD_EINVAL,
		"SRV target \"kms1..example.test\": empty label");
	assert_rejected("0 0 1688 _vlmcs._tcp.example", KD_EINVAL,
		"label \"_vlmcs\" holds the character '_'");
	assert_rejected("0 0 1688 a-.example", KD_EINVAL,
		"ends with a hyphen");
	assert_rejected("0 0 1688 ..", KD_EINVAL, "empty label");
	assert_rejected("0 0 1688 a\\.b", KD_EINVAL, "character '\\'");

	memset(target, 'a', sizeof(target) - 1);
	target[sizeof(target) - 1] = '\0';
	snprintf(text, sizeof(text), "0 0 1688 %s", target);
	assert_rejected(text, KD_EINVAL, "name is 299 characters long");

	/* 254 characters plus a dot: too long even without the dot. */
	for (size_t i = 63; i < 254; i += 64)
		target[i] = '.';
	target[254] = '.';
	target[255] = '\0';
	snprintf(text, sizeof(text), "0 0 1688 %s", target);
	assert_rejected(text, KD_EINVAL, "254 characters long, more than 253");
	/* 253 characters plus a dot is the longest target. */
	target[253] = '.';
	target[254] = '\0';
	snprintf(text, sizeof(text), "0 0 1688 %s", target);
	target[253] = '\0';
	assert_parsed(text, 0, 0, 1688, target);
}

static void
test_format(void **state)
{
	char out[300];
	srv_record rec = make_record(10, 60, 1688, "kms1.example.test");
	srv_record parsed;

	(void)state;
	assert_int_equal(srv_format_rdata(&rec, out, sizeof(out)), KD_OK);
	assert_string_equal(out, "10 60 1688 kms1.example.test.");
	assert_int_equal(srv_parse_rdata(out, &parsed, NULL), KD_OK);
	assert_int_equal(parsed.priority, 10);
	assert_int_equal(parsed.weight, 60);
	assert_int_equal(parsed.port, 1688);
	assert_string_equal(parsed.target, rec.target);

	rec = make_record(0, 0, 0, ".");
	assert_int_equal(srv_format_rdata(&rec, out, sizeof(out)), KD_OK);
	assert_string_equal(out, "0 0 0 .");

	rec = make_record(65535, 65535, 65535, "a");
	assert_int_equal(srv_format_rdata(&rec, out, sizeof(out)), KD_OK);
	assert_string_equal(out, "65535 65535 65535 a.");

	/* "1 2 3 a." needs 9 bytes with its NUL. */
	rec = make_record(1, 2, 3, "a");
	assert_int_equal(srv_format_rdata(&rec, out, 9), KD_OK);
	assert_string_equal(out, "1 2 3 a.");
	assert_int_equal(srv_format_rdata(&rec, out, 8), KD_EFULL);
	assert_int_equal(srv_format_rdata(&rec, out, 0), KD_EFULL);
}

/* --- priority sort and RFC 2782 ordering --- */

static void
test_sort_by_priority_stable(void **state)
{
	srv_record recs[] = {
		make_record(10, 1, 1, "a"),
		make_record(0, 2, 2, "a"),
		make_record(10, 3, 3, "a"),
		make_record(0, 4, 4, "a"),
		make_record(5, 5, 5, "a"),
		make_record(0, 6, 6, "a"),
	};
	static const uint16_t expected[] = { 2, 4, 6, 5, 1, 3 };

	(void)state;
	srv_sort_by_priority(recs, ARRAY_LENGTH(recs));
	assert_ports(recs, ARRAY_LENGTH(recs), expected);
	srv_sort_by_priority(recs, ARRAY_LENGTH(recs));
	assert_ports(recs, ARRAY_LENGTH(recs), expected);
	srv_sort_by_priority(recs, 0);
	srv_sort_by_priority(recs, 1);
	assert_ports(recs, ARRAY_LENGTH(recs), expected);
}

/*
 * Group {A w10, B w0, C w20}. Shuffle: swap 2<->0 (C B A), swap 1<->0
 * (B C A). Weight 0 first: B C A. Sum 30, draw 0: B. Sum 30 over C A,
 * draw 21: C's running sum 20 < 21, A's 30 >= 21: A. Last: C.
 */
static void
test_order_scripted_zero_draw(void **state)
{
	srv_record recs[] = {
		make_record(0, 10, 1, "a"),
		make_record(0, 0, 2, "b"),
		make_record(0, 20, 3, "c"),
	};
	static const scripted_draw draws[] = {
		{ 2, 0 }, { 1, 0 }, { 30, 0 }, { 30, 21 },
	};
	static const uint16_t expected[] = { 2, 1, 3 };

	(void)state;
	run_script(recs, 3, draws, ARRAY_LENGTH(draws));
	assert_ports(recs, 3, expected);
}

/*
 * Group {A w0, B w5, C w0}, shuffle leaves it as is. Weight 0 first:
 * A C B. Sum 5, draw 3: A 0, C 0, B 5 >= 3: B. Sum 0, draw 0: A, then C.
 * Group {D w5, E w0}, shuffle leaves it: E D. Draw 0 selects E, not D.
 */
static void
test_order_scripted_weight_zero_first(void **state)
{
	srv_record recs[] = {
		make_record(0, 0, 1, "a"),
		make_record(0, 5, 2, "b"),
		make_record(0, 0, 3, "c"),
	};
	static const scripted_draw draws[] = {
		{ 2, 2 }, { 1, 1 }, { 5, 3 }, { 0, 0 },
	};
	static const uint16_t expected[] = { 2, 1, 3 };
	srv_record pair[] = {
		make_record(0, 5, 4, "d"),
		make_record(0, 0, 5, "e"),
	};
	static const scripted_draw pair_draws[] = { { 1, 1 }, { 5, 0 } };
	static const uint16_t pair_expected[] = { 5, 4 };

	(void)state;
	run_script(recs, 3, draws, ARRAY_LENGTH(draws));
	assert_ports(recs, 3, expected);
	run_script(pair, 2, pair_draws, ARRAY_LENGTH(pair_draws));
	assert_ports(pair, 2, pair_expected);
}

/* A draw equal to a running sum selects that record, one more the next. */
static void
test_order_scripted_running_sum_boundary(void **state)
{
	srv_record recs[] = {
		make_record(0, 10, 1, "a"),
		make_record(0, 20, 2, "b"),
	};
	static const scripted_draw at_sum[] = { { 1, 1 }, { 30, 10 } };
	static const scripted_draw past_sum[] = { { 1, 1 }, { 30, 11 } };
	static const uint16_t first_a[] = { 1, 2 };
	static const uint16_t first_b[] = { 2, 1 };

	(void)state;
	run_script(recs, 2, at_sum, ARRAY_LENGTH(at_sum));
	assert_ports(recs, 2, first_a);
	recs[0] = make_record(0, 10, 1, "a");
	recs[1] = make_record(0, 20, 2, "b");
	run_script(recs, 2, past_sum, ARRAY_LENGTH(past_sum));
	assert_ports(recs, 2, first_b);
}

/*
 * Unsorted input with two groups: priority 0 {Y w1, Z w3} comes first.
 * Shuffle swaps 1<->0 (Z Y); sum 4, draw 4: Z 3 < 4, Y 4: Y, then Z.
 * The one-record group of priority 10 takes no draw.
 */
static void
test_order_scripted_priority_groups(void **state)
{
	srv_record recs[] = {
		make_record(10, 1, 10, "x"),
		make_record(0, 1, 20, "y"),
		make_record(0, 3, 30, "z"),
	};
	static const scripted_draw draws[] = { { 1, 0 }, { 4, 4 } };
	static const uint16_t expected[] = { 20, 30, 10 };

	(void)state;
	run_script(recs, 3, draws, ARRAY_LENGTH(draws));
	assert_ports(recs, 3, expected);
}

/* Weight sums beyond 16 bits reach the random source whole. */
static void
test_order_scripted_large_weights(void **state)
{
	srv_record recs[] = {
		make_record(0, 65535, 1, "a"),
		make_record(0, 65535, 2, "b"),
		make_record(0, 65535, 3, "c"),
	};
	static const scripted_draw draws[] = {
		{ 2, 2 }, { 1, 1 }, { 196605, 131071 }, { 131070, 65535 },
	};
	static const uint16_t expected[] = { 3, 1, 2 };

	(void)state;
	run_script(recs, 3, draws, ARRAY_LENGTH(draws));
	assert_ports(recs, 3, expected);
}

static void
test_order_empty_and_single(void **state)
{
	srv_record rec = make_record(3, 7, 1, "a");

	(void)state;
	run_script(NULL, 0, NULL, 0);
	run_script(&rec, 1, NULL, 0);
	assert_int_equal(rec.port, 1);
}

static bool
same_record(const srv_record *a, const srv_record *b)
{
	return a->priority == b->priority && a->weight == b->weight &&
		a->port == b->port && a->ttl == b->ttl &&
		strcmp(a->target, b->target) == 0;
}

/* Seeded runs: a permutation, priorities ascending, reproducible. */
static void
test_order_seeded_invariants(void **state)
{
	enum { COUNT = 20 };
	static const uint16_t priorities[] = { 20, 0, 10 };
	static const uint16_t weights[] = { 0, 1, 5, 0, 60, 65535, 3 };
	srv_record original[COUNT];
	srv_record recs[COUNT];
	srv_record again[COUNT];
	srv_rng rng;
	srv_rng rng_again;

	(void)state;
	for (size_t i = 0; i < COUNT; i++) {
		original[i] = make_record(priorities[i % 3],
			weights[i % ARRAY_LENGTH(weights)], (uint16_t)i, "a");
	}
	srv_rng_seed(&rng, 99);
	srv_rng_seed(&rng_again, 99);
	for (int run = 0; run < 1000; run++) {
		memcpy(recs, original, sizeof(recs));
		memcpy(again, original, sizeof(again));
		srv_order_rfc2782(recs, COUNT, srv_rng_uniform, &rng);
		srv_order_rfc2782(again, COUNT, srv_rng_uniform, &rng_again);
		assert_memory_equal(recs, again, sizeof(recs));

		bool used[COUNT] = { false };
		for (size_t i = 0; i < COUNT; i++) {
			if (i > 0) {
				assert_true(recs[i - 1].priority <=
					recs[i].priority);
			}
			assert_true(recs[i].port < COUNT);
			assert_false(used[recs[i].port]);
			used[recs[i].port] = true;
			assert_true(same_record(&recs[i],
				&original[recs[i].port]));
		}
	}
}

/* --- first-contact shares --- */

static void
assert_shares(const srv_record *recs, size_t n, const double *expected)
{
	double shares[16];

	assert_true(n <= ARRAY_LENGTH(shares));
	srv_first_contact_shares(recs, n, shares);
	for (size_t i = 0; i < n; i++) {
		if (shares[i] < expected[i] - 1e-12 ||
			shares[i] > expected[i] + 1e-12) {
			fail_msg("record %zu: share %.15f, expected %.15f", i,
				shares[i], expected[i]);
		}
	}
}

static void
test_shares_hand_computed(void **state)
{
	(void)state;
	{
		const srv_record recs[] = {
			make_record(0, 0, 1, "a"), make_record(0, 0, 2, "b"),
		};
		const double expected[] = { 0.5, 0.5 };
		assert_shares(recs, 2, expected);
	}
	{
		/* Fixed order would give 2/3 and 1/3. */
		const srv_record recs[] = {
			make_record(0, 1, 1, "a"), make_record(0, 1, 2, "b"),
		};
		const double expected[] = { 0.5, 0.5 };
		assert_shares(recs, 2, expected);
	}
	{
		/* T = 2, Z = 1: (0 + 1) / 3, (1 + 0) / 3, (1 + 0) / 3. */
		const srv_record recs[] = {
			make_record(0, 0, 1, "a"), make_record(0, 1, 2, "b"),
			make_record(0, 1, 3, "c"),
		};
		const double expected[] = { 1.0 / 3, 1.0 / 3, 1.0 / 3 };
		assert_shares(recs, 3, expected);
	}
	{
		/* T = 100, Z = 0, M = 2: (10 + 1/2) / 101, (90 + 1/2) / 101. */
		const srv_record recs[] = {
			make_record(0, 10, 1, "a"), make_record(0, 90, 2, "b"),
		};
		const double expected[] = { 10.5 / 101, 90.5 / 101 };
		assert_shares(recs, 2, expected);
	}
	{
		const srv_record recs[] = {
			make_record(0, 5, 1, "a"), make_record(0, 5, 2, "b"),
			make_record(0, 90, 3, "c"),
		};
		const double expected[] = {
			(5 + 1.0 / 3) / 101, (5 + 1.0 / 3) / 101,
			(90 + 1.0 / 3) / 101,
		};
		assert_shares(recs, 3, expected);
	}
	{
		/* T = 5, Z = 2: the weight-0 records split the extra 1/6. */
		const srv_record recs[] = {
			make_record(0, 0, 1, "a"), make_record(0, 5, 2, "b"),
			make_record(0, 0, 3, "c"),
		};
		const double expected[] = { 0.5 / 6, 5.0 / 6, 0.5 / 6 };
		assert_shares(recs, 3, expected);
	}
}

static void
test_shares_priority_groups(void **state)
{
	(void)state;
	{
		const srv_record recs[] = {
			make_record(0, 0, 1, "a"), make_record(0, 10, 2, "b"),
			make_record(0, 30, 3, "c"), make_record(0, 60, 4, "d"),
			make_record(10, 100, 5, "e"),
		};
		const double expected[] = {
			1.0 / 101, 10.0 / 101, 30.0 / 101, 60.0 / 101, 0.0,
		};
		assert_shares(recs, 5, expected);
	}
	{
		/* Unsorted: the lowest priority is 1, not the first record. */
		const srv_record recs[] = {
			make_record(5, 3, 1, "a"), make_record(1, 1, 2, "b"),
			make_record(1, 0, 3, "c"), make_record(7, 0, 4, "d"),
		};
		const double expected[] = { 0.0, 0.5, 0.5, 0.0 };
		assert_shares(recs, 4, expected);
	}
}

static void
test_shares_root_target(void **state)
{
	(void)state;
	{
		const srv_record recs[] = { make_record(0, 0, 0, ".") };
		const double expected[] = { 0.0 };
		assert_shares(recs, 1, expected);
	}
	{
		const srv_record recs[] = {
			make_record(0, 10, 0, "."), make_record(0, 0, 0, "."),
		};
		const double expected[] = { 0.0, 0.0 };
		assert_shares(recs, 2, expected);
	}
	{
		/* A "." among real targets is drawn like any record. */
		const srv_record recs[] = {
			make_record(0, 1, 0, "."), make_record(0, 1, 1, "a"),
		};
		const double expected[] = { 0.5, 0.5 };
		assert_shares(recs, 2, expected);
	}
	{
		const srv_record recs[] = { make_record(4, 0, 1, "a") };
		const double expected[] = { 1.0 };
		assert_shares(recs, 1, expected);
	}
	srv_first_contact_shares(NULL, 0, NULL);
}

/*
 * Exact check of the ordering against the shares: a random source that
 * walks every sequence of answers, depth first, so that each run is one
 * path with probability the product of 1 / (bound + 1) over its draws.
 */
typedef struct enumerator {
	uint32_t bounds[64];
	uint32_t values[64];
	size_t depth;
	size_t calls;
} enumerator;

static uint32_t
enumerating_random(void *ctx, uint32_t bound)
{
	enumerator *e = ctx;

	assert_true(e->calls < ARRAY_LENGTH(e->values));
	if (e->calls == e->depth) {
		e->bounds[e->depth] = bound;
		e->values[e->depth] = 0;
		e->depth++;
	}
	assert_int_equal(e->bounds[e->calls], bound);
	return e->values[e->calls++];
}

/* Step to the next path; false when all were walked. */
static bool
enumerator_advance(enumerator *e)
{
	while (e->depth > 0 && e->values[e->depth - 1] ==
		e->bounds[e->depth - 1]) {
		e->depth--;
	}
	if (e->depth == 0)
		return false;
	e->values[e->depth - 1]++;
	return true;
}

static void
assert_shares_match_enumeration(const srv_record *recs, size_t n)
{
	double expected[8];
	double observed[8] = { 0 };
	double total = 0.0;
	srv_record work[8];
	enumerator e;

	assert_true(n <= ARRAY_LENGTH(work));
	memset(&e, 0, sizeof(e));
	do {
		memcpy(work, recs, n * sizeof(*recs));
		e.calls = 0;
		srv_order_rfc2782(work, n, enumerating_random, &e);
		assert_int_equal(e.calls, e.depth);

		double probability = 1.0;
		for (size_t k = 0; k < e.calls; k++)
			probability /= (double)e.bounds[k] + 1.0;
		observed[work[0].port] += probability;
		total += probability;
	} while (enumerator_advance(&e));

	srv_first_contact_shares(recs, n, expected);
	assert_true(total > 1.0 - 1e-12 && total < 1.0 + 1e-12);
	for (size_t i = 0; i < n; i++) {
		if (observed[i] < expected[i] - 1e-12 ||
			observed[i] > expected[i] + 1e-12) {
			fail_msg("record %zu: enumerated %.15f, formula %.15f",
				i, observed[i], expected[i]);
		}
	}
}

static void
test_shares_match_enumeration(void **state)
{
	static const uint16_t weight_sets[][4] = {
		{ 0, 0, 0, 0 }, { 1, 1, 0, 0 }, { 0, 1, 1, 0 },
		{ 0, 1, 2, 0 }, { 2, 0, 3, 0 }, { 3, 1, 2, 0 },
		{ 1, 4, 0, 7 },
	};
	static const size_t sizes[] = { 2, 2, 3, 3, 4, 3, 4 };

	(void)state;
	for (size_t s = 0; s < ARRAY_LENGTH(sizes); s++) {
		srv_record recs[4];
		for (size_t i = 0; i < sizes[s]; i++) {
			recs[i] = make_record(0, weight_sets[s][i],
				(uint16_t)i, "a");
		}
		assert_shares_match_enumeration(recs, sizes[s]);
	}

	/* Two groups; the shares ignore the later one. */
	const srv_record groups[] = {
		make_record(1, 0, 0, "a"), make_record(0, 2, 1, "a"),
		make_record(1, 5, 2, "a"), make_record(0, 0, 3, "a"),
		make_record(0, 1, 4, "a"),
	};
	assert_shares_match_enumeration(groups, ARRAY_LENGTH(groups));
}

/* 100000 seeded orderings: who comes first matches the shares. */
static void
assert_first_contact_statistics(const srv_record *recs, size_t n, uint64_t seed)
{
	enum { RUNS = 100000 };
	unsigned firsts[8] = { 0 };
	double expected[8];
	srv_record work[8];
	srv_rng rng;

	assert_true(n <= ARRAY_LENGTH(work));
	srv_rng_seed(&rng, seed);
	for (int run = 0; run < RUNS; run++) {
		memcpy(work, recs, n * sizeof(*recs));
		srv_order_rfc2782(work, n, srv_rng_uniform, &rng);
		firsts[work[0].port]++;
	}
	srv_first_contact_shares(recs, n, expected);
	for (size_t i = 0; i < n; i++) {
		const double observed = (double)firsts[i] / RUNS;
		if (observed < expected[i] - 0.01 ||
			observed > expected[i] + 0.01) {
			fail_msg("record %zu: first in %.4f of runs, expected "
				"%.4f", i, observed, expected[i]);
		}
	}
}

static void
test_shares_match_statistics(void **state)
{
	const srv_record kms_set[] = {
		make_record(0, 0, 0, "kms0.example.test"),
		make_record(0, 10, 1, "kms1.example.test"),
		make_record(0, 30, 2, "kms2.example.test"),
		make_record(0, 60, 3, "kms3.example.test"),
		make_record(10, 100, 4, "backup.example.test"),
	};
	const srv_record small_weights[] = {
		make_record(0, 5, 0, "a"), make_record(0, 5, 1, "b"),
		make_record(0, 90, 2, "c"),
	};
	const srv_record equal_weights[] = {
		make_record(0, 1, 0, "a"), make_record(0, 1, 1, "b"),
	};

	(void)state;
	assert_first_contact_statistics(kms_set, ARRAY_LENGTH(kms_set), 1);
	assert_first_contact_statistics(small_weights,
		ARRAY_LENGTH(small_weights), 2782);
	assert_first_contact_statistics(equal_weights,
		ARRAY_LENGTH(equal_weights), 1688);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rng_reference_values),
		cmocka_unit_test(test_rng_deterministic),
		cmocka_unit_test(test_rng_bounds),
		cmocka_unit_test(test_rng_unbiased),
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_out_of_range),
		cmocka_unit_test(test_parse_syntax),
		cmocka_unit_test(test_parse_bad_target),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_sort_by_priority_stable),
		cmocka_unit_test(test_order_scripted_zero_draw),
		cmocka_unit_test(test_order_scripted_weight_zero_first),
		cmocka_unit_test(test_order_scripted_running_sum_boundary),
		cmocka_unit_test(test_order_scripted_priority_groups),
		cmocka_unit_test(test_order_scripted_large_weights),
		cmocka_unit_test(test_order_empty_and_single),
		cmocka_unit_test(test_order_seeded_invariants),
		cmocka_unit_test(test_shares_hand_computed),
		cmocka_unit_test(test_shares_priority_groups),
		cmocka_unit_test(test_shares_root_target),
		cmocka_unit_test(test_shares_match_enumeration),
		cmocka_unit_test(test_shares_match_statistics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
