/*
 * query_engine.h -- many DNS queries at once, over UDP with TCP fallback.
 *
 * Queries are added, then run together: each has its own non-blocking
 * socket, all are driven by one poll() loop. A UDP query is sent again at
 * a third and two thirds of the timeout; an answer with TC set is asked
 * again over TCP (with a fresh timeout). An answer counts only when its
 * ID and question match the query; a TCP answer with TC set is malformed.
 * The same question (name, type, RD) to the same server is asked once:
 * adding it again gives the first one's id. Queries are sent without EDNS, so the
 * 512-byte limit (and the TCP fallback) applies as for the oldest client.
 * Results stay valid until the engine is freed; more queries may be added
 * and run after a run.
 */
#ifndef KMSDNS_QUERY_ENGINE_H
#define KMSDNS_QUERY_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <ldns/ldns.h>
#include "endpoint.h"
#include "kd_result.h"

typedef enum query_status {
	QUERY_PENDING,   /* added, not run yet */
	QUERY_ANSWERED,  /* a matching answer is in ANSWER (any rcode) */
	QUERY_TIMEOUT,   /* no answer within the timeout */
	QUERY_NETERROR,  /* socket, send, connect or receive failed */
	QUERY_MALFORMED, /* the answer could not be parsed */
	QUERY_SKIPPED,   /* not finished: the engine's deadline came first */
} query_status;

typedef struct query_result {
	query_status status;
	ldns_pkt *answer;      /* owned by the engine; set when ANSWERED */
	bool truncated;        /* UDP answer had TC: ANSWER came over TCP */
	unsigned elapsed_ms;   /* from first send to the end */
	char error[128];       /* reason for NETERROR and MALFORMED */
} query_result;

typedef struct query_engine query_engine;

/*
 * Create an engine whose queries time out after TIMEOUT_MS, with at most
 * MAX_INFLIGHT sockets open at once. Returns KD_ENOMEM.
 */
kd_result query_engine_new(unsigned timeout_ms, size_t max_inflight,
	query_engine **engine, kd_err *err);

/* Free ENGINE, its queries and their answers. */
void query_engine_free(query_engine *engine);

/*
 * Add a query of QNAME (canonical or absolute name) and TYPE, class IN, to
 * SERVER, with the RD bit when RECURSION_DESIRED. *ID identifies it for
 * query_engine_result(); a question already added to SERVER gets the id
 * it has. Returns KD_EINVAL for a bad name, KD_ENOMEM.
 */
kd_result query_engine_add(query_engine *engine, const char *qname,
	ldns_rr_type type, const endpoint *server, bool recursion_desired,
	size_t *id, kd_err *err);

/* As query_engine_add(), but asked over TCP only, without UDP first. */
kd_result query_engine_add_tcp(query_engine *engine, const char *qname,
	ldns_rr_type type, const endpoint *server, bool recursion_desired,
	size_t *id, kd_err *err);

/*
 * Make every run end at DEADLINE_MS (kd_clock_ms() time): queries still
 * running or waiting then end QUERY_SKIPPED. 0: no deadline.
 */
void query_engine_set_deadline(query_engine *engine, uint64_t deadline_ms);

/* True when a run ended at the deadline with queries skipped. */
bool query_engine_deadline_reached(const query_engine *engine);

/* Distinct questions added so far (each one is asked once). */
size_t query_engine_count(const query_engine *engine);

/*
 * Run every query not run yet until each is answered or timed out.
 * Per-query failures are in the results; returns KD_OK, or KD_ENET when
 * poll() itself fails.
 */
kd_result query_engine_run(query_engine *engine, kd_err *err);

/* The result of query ID (from query_engine_add). */
const query_result *query_engine_result(const query_engine *engine,
	size_t id);

/* The answer to query ID when it was answered (any rcode), else NULL. */
const ldns_pkt *query_engine_answer(const query_engine *engine, size_t id);

/* Short name of STATUS ("answered", "timeout", ...). */
const char *query_status_name(query_status status);

#endif /* KMSDNS_QUERY_ENGINE_H */
