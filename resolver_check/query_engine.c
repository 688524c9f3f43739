/*
 * query_engine.c -- many DNS queries at once, over UDP with TCP fallback.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "dname.h"
#include "dns_tcp.h"
#include "kd_array.h"
#include "poll_wait.h"
#include "query_engine.h"

/* Largest UDP datagram we accept. */
#define UDP_BUFFER_SIZE 65535
/* UDP sends per query: the first and two retransmissions. */
#define UDP_SENDS 3
/* Datagrams read per wake-up, so a flood cannot hold off the deadlines. */
#define UDP_READS_PER_WAKE 64

typedef enum query_state {
	STATE_PENDING,
	STATE_UDP,
	STATE_TCP,
	STATE_DONE,
} query_state;

typedef struct query {
	ldns_rdf *qname;
	ldns_rr_type type;
	endpoint server;
	uint16_t id;
	uint8_t *wire;          /* the query message */
	size_t wire_len;
	query_state state;
	bool tcp_only;          /* ask over TCP without trying UDP */
	int fd;                 /* the UDP socket */
	dns_tcp tcp;            /* the TCP exchange, in STATE_TCP */
	uint64_t start_ms;
	uint64_t deadline_ms;
	unsigned sends;
	unsigned mismatched;    /* answers ignored: other ID or question */
	query_result result;
	uint64_t hash;          /* of the question, server and transport */
} query;

struct query_engine {
	query **queries;
	size_t count;
	size_t capacity;
	unsigned timeout_ms;
	size_t max_inflight;
	uint8_t *udp_buffer;
	size_t *table;          /* open addressing: query index + 1, or 0 */
	size_t table_size;      /* a power of two, > 2 * count */
	uint64_t deadline_ms;   /* 0: none */
	bool deadline_reached;
};

const char *
query_status_name(query_status status)
{
	switch (status) {
	case QUERY_PENDING: return "pending";
	case QUERY_ANSWERED: return "answered";
	case QUERY_TIMEOUT: return "timeout";
	case QUERY_NETERROR: return "network error";
	case QUERY_MALFORMED: return "malformed answer";
	case QUERY_SKIPPED: return "not checked (deadline)";
	}
	return "unknown";
}

kd_result
query_engine_new(unsigned timeout_ms, size_t max_inflight,
	query_engine **engine, kd_err *err)
{
	query_engine *e = calloc(1, sizeof(*e));

	if (e == NULL || (e->udp_buffer = malloc(UDP_BUFFER_SIZE)) == NULL) {
		free(e);
		return kd_err_set(err, KD_ENOMEM, "query engine: out of memory");
	}
	e->timeout_ms = timeout_ms;
	e->max_inflight = max_inflight > 0 ? max_inflight : 1;
	*engine = e;
	return KD_OK;
}

static void
close_socket(query *q)
{
	if (q->fd >= 0) {
		close(q->fd);
	}
	q->fd = -1;
	if (q->state == STATE_TCP) {
		dns_tcp_close(&q->tcp);
	}
}

void
query_engine_free(query_engine *engine)
{
	if (engine == NULL) {
		return;
	}
	for (size_t i = 0; i < engine->count; i++) {
		query *q = engine->queries[i];

		close_socket(q);
		ldns_rdf_deep_free(q->qname);
		free(q->wire);
		if (q->result.answer != NULL) {
			ldns_pkt_free(q->result.answer);
		}
		free(q);
	}
	free(engine->queries);
	free(engine->udp_buffer);
	free(engine->table);
	free(engine);
}

static uint16_t
random_id(void)
{
	uint16_t id;

	if (getrandom(&id, sizeof(id), GRND_NONBLOCK) !=
		(ssize_t)sizeof(id)) {
		id = (uint16_t)(kd_clock_ms() * 2654435761u >> 7);
	}
	return id;
}

/* Build Q's wire form from its name and type. */
static kd_result
build_wire(query *q, bool recursion_desired, kd_err *err)
{
	ldns_pkt *pkt = ldns_pkt_query_new(ldns_rdf_clone(q->qname), q->type,
		LDNS_RR_CLASS_IN, recursion_desired ? LDNS_RD : 0);
	ldns_status status;

	if (pkt == NULL) {
		return kd_err_set(err, KD_ENOMEM, "query: out of memory");
	}
	ldns_pkt_set_id(pkt, q->id);
	status = ldns_pkt2wire(&q->wire, pkt, &q->wire_len);
	ldns_pkt_free(pkt);
	/* over TCP the message must fit a two-byte length prefix */
	if (status != LDNS_STATUS_OK || q->wire_len > 65535) {
		free(q->wire);
		q->wire = NULL;
		return kd_err_set(err, KD_ENOMEM, "query: cannot encode");
	}
	return KD_OK;
}

/* FNV-1a over LEN bytes of DATA, continuing from HASH. */
static uint64_t
hash_bytes(uint64_t hash, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++) {
		hash = (hash ^ p[i]) * 1099511628211u;
	}
	return hash;
}

/*
 * The question of Q: its message after the ID (flags and question
 * section, so name, type and RD), its server and its transport.
 */
static uint64_t
question_hash(const query *q)
{
	uint64_t hash = 14695981039346656037u;

	hash = hash_bytes(hash, q->wire + 2, q->wire_len - 2);
	hash = hash_bytes(hash, &q->server.addr, q->server.addrlen);
	return hash_bytes(hash, &q->tcp_only, sizeof(q->tcp_only));
}

static bool
same_question(const query *a, const query *b)
{
	return a->hash == b->hash && a->tcp_only == b->tcp_only &&
		a->wire_len == b->wire_len &&
		memcmp(a->wire + 2, b->wire + 2, a->wire_len - 2) == 0 &&
		a->server.addrlen == b->server.addrlen &&
		memcmp(&a->server.addr, &b->server.addr,
		a->server.addrlen) == 0;
}

/* The slot of ENGINE's table where Q is, or where it would go. */
static size_t *
table_slot(const query_engine *engine, const query *q)
{
	size_t mask = engine->table_size - 1;

	for (size_t i = (size_t)q->hash & mask;; i = (i + 1) & mask) {
		size_t *slot = &engine->table[i];

		if (*slot == 0 || same_question(engine->queries[*slot - 1], q)) {
			return slot;
		}
	}
}

/* Make room for one more query in ENGINE's array and table. */
static bool
grow(query_engine *engine)
{
	query **grown = kd_array_grow(engine->queries, engine->count,
		&engine->capacity, sizeof(*grown));

	if (grown == NULL) {
		return false;
	}
	engine->queries = grown;
	if (2 * (engine->count + 1) >= engine->table_size) {
		size_t size = engine->table_size ? engine->table_size * 2 : 256;
		size_t *old = engine->table;

		engine->table = calloc(size, sizeof(*engine->table));
		if (engine->table == NULL) {
			engine->table = old;
			return false;
		}
		free(old);
		engine->table_size = size;
		for (size_t i = 0; i < engine->count; i++) {
			*table_slot(engine, engine->queries[i]) = i + 1;
		}
	}
	return true;
}

static void
free_query(query *q)
{
	ldns_rdf_deep_free(q->qname);
	free(q->wire);
	free(q);
}

static kd_result
add_query(query_engine *engine, const char *qname, ldns_rr_type type,
	const endpoint *server, bool recursion_desired, bool tcp_only,
	size_t *id, kd_err *err)
{
	char absolute[DNAME_BUF_SIZE + 1];
	size_t *slot;
	query *q;
	kd_result ret;

	if (strlen(qname) > DNAME_TEXT_MAX + 1 || qname[0] == '\0') {
		return kd_err_set(err, KD_EINVAL, "query name \"%.60s\" is too "
			"long or empty", qname);
	}
	snprintf(absolute, sizeof(absolute), "%s%s", qname,
		qname[strlen(qname) - 1] == '.' ? "" : ".");
	if (!grow(engine)) {
		return kd_err_set(err, KD_ENOMEM, "query engine: out of "
			"memory");
	}
	q = calloc(1, sizeof(*q));
	if (q == NULL) {
		return kd_err_set(err, KD_ENOMEM, "query engine: out of memory");
	}
	q->fd = -1;
	q->type = type;
	q->server = *server;
	q->tcp_only = tcp_only;
	q->id = random_id();
	q->qname = ldns_dname_new_frm_str(absolute);
	if (q->qname == NULL) {
		free(q);
		return kd_err_set(err, KD_EINVAL, "query name \"%.60s\" is not "
			"a domain name", qname);
	}
	ret = build_wire(q, recursion_desired, err);
	if (ret != KD_OK) {
		free_query(q);
		return ret;
	}
	q->hash = question_hash(q);
	slot = table_slot(engine, q);
	if (*slot != 0) {
		*id = *slot - 1;
		free_query(q);
		return KD_OK;
	}
	q->result.status = QUERY_PENDING;
	*id = engine->count;
	engine->queries[engine->count++] = q;
	*slot = engine->count;
	return KD_OK;
}

kd_result
query_engine_add(query_engine *engine, const char *qname, ldns_rr_type type,
	const endpoint *server, bool recursion_desired, size_t *id, kd_err *err)
{
	return add_query(engine, qname, type, server, recursion_desired, false,
		id, err);
}

kd_result
query_engine_add_tcp(query_engine *engine, const char *qname,
	ldns_rr_type type, const endpoint *server, bool recursion_desired,
	size_t *id, kd_err *err)
{
	return add_query(engine, qname, type, server, recursion_desired, true,
		id, err);
}

void
query_engine_set_deadline(query_engine *engine, uint64_t deadline_ms)
{
	engine->deadline_ms = deadline_ms;
}

bool
query_engine_deadline_reached(const query_engine *engine)
{
	return engine->deadline_reached;
}

size_t
query_engine_count(const query_engine *engine)
{
	return engine->count;
}

const query_result *
query_engine_result(const query_engine *engine, size_t id)
{
	return id < engine->count ? &engine->queries[id]->result : NULL;
}

const ldns_pkt *
query_engine_answer(const query_engine *engine, size_t id)
{
	const query_result *r = query_engine_result(engine, id);

	return r->status == QUERY_ANSWERED ? r->answer : NULL;
}

/* End Q with STATUS and a reason. */
static void
finish(query *q, query_status status, uint64_t now, const char *reason)
{
	close_socket(q);
	q->state = STATE_DONE;
	q->result.status = status;
	q->result.elapsed_ms = (unsigned)(now - q->start_ms);
	if (reason != NULL) {
		snprintf(q->result.error, sizeof(q->result.error), "%s", reason);
	}
}

static void
finish_errno(query *q, uint64_t now, const char *what, int error)
{
	char reason[128];

	snprintf(reason, sizeof(reason), "%s: %s", what, strerror(error));
	finish(q, QUERY_NETERROR, now, reason);
}

static int
open_udp_socket(const query *q)
{
	int fd = socket(q->server.addr.ss_family,
		SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		return -1;
	}
	if (connect(fd, (const struct sockaddr *)&q->server.addr,
		q->server.addrlen) != 0 && errno != EINPROGRESS) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static void
start_udp(query *q, uint64_t now, unsigned timeout_ms)
{
	q->start_ms = now;
	q->deadline_ms = now + timeout_ms;
	q->fd = open_udp_socket(q);
	if (q->fd < 0) {
		finish_errno(q, now, "UDP socket", errno);
		return;
	}
	q->state = STATE_UDP;
	q->sends = 1;
	if (send(q->fd, q->wire, q->wire_len, 0) < 0) {
		finish_errno(q, now, "UDP send", errno);
	}
}

/* End Q, whose TCP exchange failed, with the reason in our words. */
static void
finish_tcp_failure(query *q, uint64_t now)
{
	const dns_tcp *x = &q->tcp;

	if (x->failed_in == DNS_TCP_CONNECTING) {
		finish_errno(q, now, "TCP connect", x->error);
	} else if (x->failed_in == DNS_TCP_WRITING) {
		finish_errno(q, now, "TCP send", x->error);
	} else if (x->error == ENOMEM) {
		finish(q, QUERY_NETERROR, now, "out of memory");
	} else if (x->error != 0) {
		finish_errno(q, now, "TCP receive", x->error);
	} else if (x->prefix_done < 2) {
		finish(q, QUERY_NETERROR, now, "TCP: server closed the "
			"connection");
	} else {
		finish(q, QUERY_NETERROR, now, "TCP: server closed the "
			"connection mid-answer");
	}
}

static void
start_tcp(query *q, uint64_t now, unsigned timeout_ms)
{
	close_socket(q);
	q->deadline_ms = now + timeout_ms;
	q->state = STATE_TCP;
	if (dns_tcp_start(&q->tcp, &q->server, q->wire, q->wire_len) != KD_OK) {
		finish_tcp_failure(q, now);
	}
}

/*
 * Parse an answer of LEN bytes for Q. Returns 1 when Q is finished, 0 when
 * the datagram is not ours (ignored), and sets *TRUNCATED for a TC answer.
 */
static int
take_answer(query *q, const uint8_t *data, size_t len, uint64_t now,
	bool *truncated)
{
	ldns_pkt *pkt = NULL;
	ldns_rr *question;
	ldns_status status;

	*truncated = false;
	if (len < 12 || ((uint16_t)(data[0] << 8 | data[1])) != q->id) {
		q->mismatched++;
		return 0;
	}
	status = ldns_wire2pkt(&pkt, data, len);
	if (status != LDNS_STATUS_OK) {
		char reason[128];
		char server[ENDPOINT_TEXT_MAX];

		endpoint_format(&q->server, server, sizeof(server));
		snprintf(reason, sizeof(reason), "%zu-byte answer from %s: %s",
			len, server, ldns_get_errorstr_by_id(status));
		finish(q, QUERY_MALFORMED, now, reason);
		return 1;
	}
	question = ldns_rr_list_rr(ldns_pkt_question(pkt), 0);
	if (!ldns_pkt_qr(pkt) || question == NULL ||
		ldns_rr_get_type(question) != q->type ||
		ldns_dname_compare(ldns_rr_owner(question), q->qname) != 0) {
		ldns_pkt_free(pkt);
		q->mismatched++;
		return 0;
	}
	if (ldns_pkt_tc(pkt) && q->state == STATE_UDP) {
		ldns_pkt_free(pkt);
		*truncated = true;
		return 0;
	}
	if (ldns_pkt_tc(pkt)) {
		char reason[128];
		char server[ENDPOINT_TEXT_MAX];

		/* over TCP nothing is cut: TC there is a broken server */
		ldns_pkt_free(pkt);
		endpoint_format(&q->server, server, sizeof(server));
		snprintf(reason, sizeof(reason), "TC set in the TCP answer from "
			"%s", server);
		finish(q, QUERY_MALFORMED, now, reason);
		return 1;
	}
	q->result.answer = pkt;
	finish(q, QUERY_ANSWERED, now, NULL);
	return 1;
}

static void
on_udp_readable(query_engine *engine, query *q, uint64_t now)
{
	for (int reads = 0; reads < UDP_READS_PER_WAKE; reads++) {
		ssize_t got = recv(q->fd, engine->udp_buffer, UDP_BUFFER_SIZE,
			0);
		bool truncated;

		if (got < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
				errno != EINTR) {
				finish_errno(q, now, "UDP receive", errno);
			}
			return;
		}
		if (take_answer(q, engine->udp_buffer, (size_t)got, now,
			&truncated) == 1) {
			return;
		}
		if (truncated) {
			q->result.truncated = true;
			start_tcp(q, now, engine->timeout_ms);
			return;
		}
	}
}

static void
on_tcp_event(query *q, uint64_t now)
{
	dns_tcp_state state = dns_tcp_step(&q->tcp);
	uint8_t *answer;
	size_t len;
	bool truncated;

	if (state == DNS_TCP_FAILED) {
		finish_tcp_failure(q, now);
	}
	if (state != DNS_TCP_DONE) {
		return;
	}
	answer = dns_tcp_take_answer(&q->tcp, &len);
	if (take_answer(q, answer, len, now, &truncated) == 0) {
		finish(q, QUERY_MALFORMED, now, "TCP answer does not match the "
			"query");
	}
	free(answer);
}

/* Handle timeouts and retransmissions of Q at NOW. */
static void
on_time(query_engine *engine, query *q, uint64_t now)
{
	if (now >= q->deadline_ms) {
		char reason[128];

		/* say why, when answers came that were not for this query */
		snprintf(reason, sizeof(reason), "%u answer(s) with another ID "
			"or question ignored", q->mismatched);
		finish(q, QUERY_TIMEOUT, now, q->mismatched ? reason : NULL);
		return;
	}
	if (q->state == STATE_UDP && q->sends < UDP_SENDS &&
		now >= q->start_ms + engine->timeout_ms * q->sends / UDP_SENDS) {
		q->sends++;
		if (send(q->fd, q->wire, q->wire_len, 0) < 0) {
			finish_errno(q, now, "UDP send", errno);
		}
	}
}

/* The next time on_time() has something to do for Q. */
static uint64_t
next_event(const query_engine *engine, const query *q)
{
	uint64_t next = q->deadline_ms;

	if (q->state == STATE_UDP && q->sends < UDP_SENDS) {
		uint64_t resend = q->start_ms +
			engine->timeout_ms * q->sends / UDP_SENDS;

		if (resend < next) {
			next = resend;
		}
	}
	return next;
}

/* Fill PFD with the socket Q waits on and what for. */
static void
watch(const query *q, struct pollfd *pfd)
{
	bool tcp = q->state == STATE_TCP;

	pfd->fd = tcp ? dns_tcp_fd(&q->tcp) : q->fd;
	pfd->events = tcp ? dns_tcp_events(&q->tcp) : POLLIN;
	pfd->revents = 0;
}

/* The deadline came: every query not done ends skipped. */
static void
skip_unfinished(query_engine *engine, uint64_t now)
{
	for (size_t i = 0; i < engine->count; i++) {
		query *q = engine->queries[i];

		if (q->state == STATE_DONE) {
			continue;
		}
		if (q->state == STATE_PENDING) {
			q->start_ms = now;
		}
		finish(q, QUERY_SKIPPED, now, "the run's deadline was reached");
		engine->deadline_reached = true;
	}
}

kd_result
query_engine_run(query_engine *engine, kd_err *err)
{
	struct pollfd *fds = calloc(engine->max_inflight, sizeof(*fds));
	query **active = calloc(engine->max_inflight, sizeof(*active));
	size_t next_pending = 0;
	kd_result ret = KD_OK;

	if (fds == NULL || active == NULL) {
		free(fds);
		free(active);
		return kd_err_set(err, KD_ENOMEM, "query engine: out of memory");
	}
	for (;;) {
		uint64_t now = kd_clock_ms();
		uint64_t wake = engine->deadline_ms ? engine->deadline_ms :
			UINT64_MAX;
		size_t n = 0;

		if (engine->deadline_ms != 0 && now >= engine->deadline_ms) {
			skip_unfinished(engine, now);
			break;
		}
		/* keep the running ones, then fill free slots */
		for (size_t i = 0; i < engine->count && n < engine->max_inflight;
			i++) {
			query *q = engine->queries[i];

			if (q->state == STATE_PENDING && i >= next_pending) {
				if (q->tcp_only) {
					q->start_ms = now;
					start_tcp(q, now, engine->timeout_ms);
				} else {
					start_udp(q, now, engine->timeout_ms);
				}
				next_pending = i + 1;
			}
			if (q->state == STATE_DONE || q->state == STATE_PENDING) {
				continue;
			}
			active[n] = q;
			watch(q, &fds[n]);
			if (next_event(engine, q) < wake) {
				wake = next_event(engine, q);
			}
			n++;
		}
		if (n == 0) {
			bool pending = false;

			for (size_t i = next_pending; i < engine->count; i++) {
				pending |= engine->queries[i]->state ==
					STATE_PENDING;
			}
			if (!pending) {
				break;
			}
			continue;
		}
		ret = poll_wait(fds, n, wake, &now, err);
		if (ret != KD_OK) {
			break;
		}
		for (size_t i = 0; i < n; i++) {
			query *q = active[i];

			if (fds[i].revents == 0) {
				continue;
			}
			if (q->state == STATE_UDP) {
				on_udp_readable(engine, q, now);
			} else {
				on_tcp_event(q, now);
			}
		}
		for (size_t i = 0; i < n; i++) {
			if (active[i]->state != STATE_DONE) {
				on_time(engine, active[i], now);
			}
		}
	}
	free(fds);
	free(active);
	return ret;
}
