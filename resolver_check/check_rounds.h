/*
 * check_rounds.h -- a check that asks in rounds, for every suffix at once.
 *
 * The --authoritative checks learn what to ask from the answers before:
 * the zone from an SOA, its servers from the NS RRset and their
 * addresses, then questions to each server. A check describes itself as
 * a table (NSD's struct tsig_algorithm pattern): the state it keeps per
 * suffix, its rounds and how it judges a suffix once they ran.
 * check_rounds_run() calls each round for every suffix, runs the queries
 * of all suffixes together, and goes on to the next round.
 */
#ifndef KMSDNS_CHECK_ROUNDS_H
#define KMSDNS_CHECK_ROUNDS_H

#include "check_report.h"
#include "discovery.h"
#include "kd_result.h"
#include "query_engine.h"

/*
 * Add the queries of one round for SUFFIX, whose state is ITEM, to
 * ENGINE (reading the answers of the rounds before). Returns KD_ENOMEM
 * or KD_EINVAL.
 */
typedef kd_result (*check_round)(const check_config *config,
	query_engine *engine, suffix_report *suffix, void *item, kd_err *err);

typedef struct check_rounds {
	size_t item_size;             /* the state per suffix, zeroed first */
	const check_round *rounds;
	size_t round_count;
	/* after the rounds: read ITEM's answers into SUFFIX, add findings */
	kd_result (*judge)(check_report *report, query_engine *engine,
		suffix_report *suffix, void *item, kd_err *err);
	void (*free_item)(void *item); /* free what ITEM owns, not ITEM */
} check_rounds;

/*
 * Run CHECK for every suffix of REPORT with ENGINE: every round, then the
 * judging of each suffix. Returns KD_ENOMEM, KD_ENET, or what a round or
 * the judging returned.
 */
kd_result check_rounds_run(const check_rounds *check,
	const check_config *config, query_engine *engine, check_report *report,
	kd_err *err);

#endif /* KMSDNS_CHECK_ROUNDS_H */
