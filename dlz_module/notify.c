/*
 * notify.c -- DNS NOTIFY sender (RFC 1996), built with ldns.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "clock.h"
#include "endpoint.h"
#include "notify.h"

#define NOTIFY_DEFAULT_PORT 53
#define NOTIFY_ATTEMPTS 3

/* Build the NOTIFY message for ZONE/SERIAL with ID into a wire buffer. */
static kd_result
notify_build(const char *zone, uint32_t serial, uint16_t id, uint8_t **wire,
	size_t *wirelen, kd_err *err)
{
	ldns_rdf *owner = ldns_dname_new_frm_str(zone);
	if (owner == NULL) {
		return kd_err_set(err, KD_EINVAL, "zone \"%s\": bad name", zone);
	}
	ldns_pkt *pkt = ldns_pkt_query_new(owner, LDNS_RR_TYPE_SOA,
		LDNS_RR_CLASS_IN, LDNS_AA);
	if (pkt == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	ldns_pkt_set_opcode(pkt, LDNS_PACKET_NOTIFY);
	ldns_pkt_set_id(pkt, id);

	/* RFC 1996 3.7: the answer section may carry the new SOA serial. */
	char soa_text[DNAME_BUF_SIZE + 64];
	ldns_rr *soa = NULL;
	snprintf(soa_text, sizeof(soa_text), "%s. 0 IN SOA . . %u 0 0 0 0",
		zone, serial);
	if (ldns_rr_new_frm_str(&soa, soa_text, 0, NULL, NULL) ==
	    LDNS_STATUS_OK) {
		ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER, soa);
	}

	ldns_status st = ldns_pkt2wire(wire, pkt, wirelen);
	ldns_pkt_free(pkt);
	if (st != LDNS_STATUS_OK) {
		return kd_err_set(err, KD_EDNS, "NOTIFY for %s: %s", zone,
			ldns_get_errorstr_by_id(st));
	}
	return KD_OK;
}

/* One endpoint's state during a NOTIFY round. */
typedef struct notify_peer {
	endpoint ep;
	int fd;
	bool acked;
} notify_peer;

static void
notify_send_round(notify_peer *peers, size_t count, const uint8_t *wire,
	size_t wirelen)
{
	for (size_t i = 0; i < count; i++) {
		if (peers[i].acked || peers[i].fd < 0) {
			continue;
		}
		(void)send(peers[i].fd, wire, wirelen, 0);
	}
}

/* Wait up to WAIT_MS for answers with ID; mark the endpoints that answered. */
static void
notify_collect(notify_peer *peers, size_t count, uint16_t id,
	unsigned wait_ms)
{
	struct pollfd *fds = calloc(count, sizeof(*fds));
	if (fds == NULL) {
		return;
	}
	const uint64_t deadline = kd_clock_ms() + wait_ms;
	for (;;) {
		size_t pending = 0;
		for (size_t i = 0; i < count; i++) {
			fds[i].fd = (peers[i].acked || peers[i].fd < 0) ?
				-1 : peers[i].fd;
			fds[i].events = POLLIN;
			fds[i].revents = 0;
			if (fds[i].fd >= 0) {
				pending++;
			}
		}
		const int left = kd_clock_until(kd_clock_ms(), deadline);
		if (pending == 0 || left <= 0) {
			break;
		}
		if (poll(fds, count, left) <= 0) {
			break;
		}
		for (size_t i = 0; i < count; i++) {
			uint8_t buf[512];
			if (!(fds[i].revents & POLLIN)) {
				continue;
			}
			ssize_t got = recv(peers[i].fd, buf, sizeof(buf), 0);
			/* An answer: same ID, QR set, opcode NOTIFY (4). */
			if (got >= 12 && ((buf[0] << 8) | buf[1]) == id &&
			    (buf[2] & 0x80) && ((buf[2] >> 3) & 0x0f) == 4) {
				peers[i].acked = true;
			}
		}
	}
	free(fds);
}

kd_result
notify_send(const char *zone, uint32_t serial, const char *const *endpoints,
	size_t count, unsigned timeout_ms, size_t *acked, kd_err *err)
{
	*acked = 0;
	if (count == 0) {
		return KD_OK;
	}
	notify_peer *peers = calloc(count, sizeof(*peers));
	if (peers == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	kd_result res = KD_OK;
	for (size_t i = 0; i < count; i++) {
		peers[i].fd = -1;
		if (res == KD_OK) {
			res = endpoint_parse(endpoints[i], NOTIFY_DEFAULT_PORT,
				&peers[i].ep, err);
		}
	}
	uint8_t *wire = NULL;
	size_t wirelen = 0;
	uint16_t id = (uint16_t)ldns_get_random();
	if (res == KD_OK) {
		res = notify_build(zone, serial, id, &wire, &wirelen, err);
	}
	for (size_t i = 0; res == KD_OK && i < count; i++) {
		/* A connected socket only accepts answers from that peer. */
		peers[i].fd = socket(peers[i].ep.addr.ss_family,
			SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (peers[i].fd >= 0 &&
		    connect(peers[i].fd, (struct sockaddr *)&peers[i].ep.addr,
			    peers[i].ep.addrlen) != 0) {
			close(peers[i].fd);
			peers[i].fd = -1;
		}
	}
	for (int attempt = 0; res == KD_OK && attempt < NOTIFY_ATTEMPTS;
	     attempt++) {
		notify_send_round(peers, count, wire, wirelen);
		notify_collect(peers, count, id,
			timeout_ms / NOTIFY_ATTEMPTS);
	}
	if (res == KD_OK) {
		for (size_t i = 0; i < count; i++) {
			if (peers[i].acked) {
				(*acked)++;
			} else if (res == KD_OK) {
				res = kd_err_set(err, KD_ETIMEOUT,
					"NOTIFY for %s to %s: no answer", zone,
					endpoints[i]);
			}
		}
	}
	for (size_t i = 0; i < count; i++) {
		if (peers[i].fd >= 0) {
			close(peers[i].fd);
		}
	}
	free(wire);
	free(peers);
	return res;
}
