/*
 * discovery.c -- the queries and probes of kmsdns-check, all concurrent.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authoritative.h"
#include "check_limits.h"
#include "clock.h"
#include "delegation.h"
#include "discovery.h"
#include "dns_answer.h"
#include "kd_array.h"
#include "query_engine.h"
#include "verdict.h"

/* A target name asked once for all suffixes. */
typedef struct target_lookup {
	char name[DNAME_BUF_SIZE];
	size_t query_a;
	size_t query_aaaa;
} target_lookup;

/* The distinct targets of every suffix: room for one per host. */
typedef struct target_table {
	target_lookup *items;
	size_t count;
} target_table;

/*
 * How the SRV query that ended with RESULT went, when no records are read
 * from it: not answered, or answered with an rcode other than NOERROR.
 */
static suffix_outcome
outcome_of(const query_result *result)
{
	if (result->status == QUERY_ANSWERED) {
		switch (ldns_pkt_get_rcode(result->answer)) {
		case LDNS_RCODE_NXDOMAIN: return OUTCOME_NXDOMAIN;
		case LDNS_RCODE_SERVFAIL: return OUTCOME_SERVFAIL;
		case LDNS_RCODE_REFUSED: return OUTCOME_REFUSED;
		default: return OUTCOME_OTHER_RCODE;
		}
	}
	switch (result->status) {
	case QUERY_TIMEOUT: return OUTCOME_TIMEOUT;
	case QUERY_MALFORMED: return OUTCOME_MALFORMED;
	case QUERY_SKIPPED: return OUTCOME_NOT_CHECKED;
	default: return OUTCOME_NETERROR;
	}
}

/* Order hosts: priority, then larger share, then name. */
static int
compare_hosts(const void *a, const void *b)
{
	const host_entry *x = a;
	const host_entry *y = b;

	if (x->rec.priority != y->rec.priority) {
		return x->rec.priority < y->rec.priority ? -1 : 1;
	}
	if (x->share != y->share) {
		return x->share > y->share ? -1 : 1;
	}
	if (x->rec.weight != y->rec.weight) {
		return x->rec.weight > y->rec.weight ? -1 : 1;
	}
	return strcmp(x->rec.target, y->rec.target);
}

/* Order SRV records: priority, then larger weight, then target. */
static int
compare_records(const void *a, const void *b)
{
	const srv_record *x = a;
	const srv_record *y = b;

	if (x->priority != y->priority) {
		return x->priority < y->priority ? -1 : 1;
	}
	if (x->weight != y->weight) {
		return x->weight > y->weight ? -1 : 1;
	}
	return strcmp(x->target, y->target);
}

/*
 * Keep the first CHECK_SRV_MAX of the USABLE records RECS by priority;
 * a finding says how many the answer had. Returns the number kept.
 */
static size_t
cap_records(check_report *report, suffix_report *suffix, srv_record *recs,
	size_t usable, kd_result *ret)
{
	suffix->srv_found = usable;
	if (usable <= CHECK_SRV_MAX) {
		return usable;
	}
	qsort(recs, usable, sizeof(*recs), compare_records);
	*ret = check_report_add(report, SEVERITY_WARNING, "too_many_srv", 0,
		suffix->suffix, NULL, "%s: the answer holds %zu SRV records: "
		"only the first %d by priority are checked (limit)",
		suffix->qname, usable, CHECK_SRV_MAX);
	return CHECK_SRV_MAX;
}

/* Fill SUFFIX's hosts from its SRV answer; "." records are dropped. */
static kd_result
take_srv_answer(check_report *report, suffix_report *suffix,
	const ldns_pkt *pkt, kd_err *err)
{
	srv_record *recs;
	size_t count;
	size_t usable = 0;
	double *shares;

	if (!dns_answer_srv(pkt, &recs, &count)) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	if (count == 0) {
		suffix->outcome = OUTCOME_NODATA;
		free(recs);
		return KD_OK;
	}
	suffix->ttl = recs[0].ttl;
	for (size_t i = 0; i < count; i++) {
		if (recs[i].ttl < suffix->ttl) {
			suffix->ttl = recs[i].ttl;
		}
		if (strcmp(recs[i].target, ".") != 0) {
			recs[usable++] = recs[i];
		}
	}
	if (usable == 0) {
		suffix->outcome = OUTCOME_UNAVAILABLE;
		free(recs);
		return KD_OK;
	}
	if (usable < count &&
		check_report_add(report, SEVERITY_WARNING, "root_target_mixed",
			0, suffix->suffix, ".", "%s: %zu SRV record(s) with "
			"target \".\" next to real hosts: \".\" means \"no "
			"service\" only as the single record of the RRset",
			suffix->qname, count - usable)
		!= KD_OK) {
		free(recs);
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	{
		kd_result ret = KD_OK;

		usable = cap_records(report, suffix, recs, usable, &ret);
		if (ret != KD_OK) {
			free(recs);
			return kd_err_set(err, KD_ENOMEM, "out of memory");
		}
	}
	shares = calloc(usable, sizeof(*shares));
	suffix->hosts = calloc(usable, sizeof(*suffix->hosts));
	if (shares == NULL || suffix->hosts == NULL) {
		free(shares);
		free(recs);
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	srv_first_contact_shares(recs, usable, shares);
	for (size_t i = 0; i < usable; i++) {
		suffix->hosts[i].rec = recs[i];
		suffix->hosts[i].share = shares[i];
	}
	suffix->host_count = usable;
	qsort(suffix->hosts, usable, sizeof(*suffix->hosts), compare_hosts);
	suffix->outcome = OUTCOME_RECORDS;
	free(shares);
	free(recs);
	return KD_OK;
}

static kd_result
take_srv_result(check_report *report, suffix_report *suffix,
	const query_result *result, kd_err *err)
{
	ldns_pkt_rcode rcode;

	suffix->truncated = result->truncated;
	suffix->query_ms = result->elapsed_ms;
	if (result->status != QUERY_ANSWERED) {
		suffix->outcome = outcome_of(result);
		snprintf(suffix->rcode, sizeof(suffix->rcode), "%s",
			query_status_name(result->status));
		snprintf(suffix->error, sizeof(suffix->error), "%s",
			result->error);
		return KD_OK;
	}
	dns_answer_rcode(result->answer, suffix->rcode, sizeof(suffix->rcode));
	rcode = ldns_pkt_get_rcode(result->answer);
	if (rcode == LDNS_RCODE_NOERROR || rcode == LDNS_RCODE_NXDOMAIN) {
		uint32_t max_ttl;

		suffix->srv_rrset = rcode == LDNS_RCODE_NOERROR ?
			dns_answer_srv_rrset(result->answer, &max_ttl) :
			strdup("");
		if (suffix->srv_rrset == NULL) {
			return kd_err_set(err, KD_ENOMEM, "out of memory");
		}
	}
	if (rcode == LDNS_RCODE_NOERROR) {
		return take_srv_answer(report, suffix, result->answer, err);
	}
	suffix->outcome = outcome_of(result);
	return KD_OK;
}

/* Count the SRV records of a NOERROR RESULT into *COUNT. */
static kd_result
count_srv(const query_result *result, size_t *count, kd_err *err)
{
	srv_record *recs;

	*count = 0;
	if (result->status != QUERY_ANSWERED ||
		ldns_pkt_get_rcode(result->answer) != LDNS_RCODE_NOERROR) {
		return KD_OK;
	}
	if (!dns_answer_srv(result->answer, &recs, count)) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	free(recs);
	return KD_OK;
}

/*
 * C3: note in REPORT when the --server answered the first suffix's query
 * over UDP (UDP query) but not the same question over TCP (TCP query).
 */
static void
check_tcp(check_report *report, const query_result *udp,
	const query_result *tcp)
{
	if (udp->status != QUERY_ANSWERED || udp->truncated ||
		tcp->status == QUERY_ANSWERED) {
		return;
	}
	snprintf(report->tcp_error, sizeof(report->tcp_error), "%s%s%s",
		query_status_name(tcp->status), tcp->error[0] ? ": " : "",
		tcp->error);
}

/* Parents of the suffixes that the list does not hold, and their queries. */
typedef struct parent_names {
	suffix_list names;
	size_t *ids;
} parent_names;

/*
 * C6: add SRV queries for the parents (two labels or more) of every suffix
 * that are not on the list themselves: records there are found by
 * nslookup and dig, never by the clients.
 */
static kd_result
add_parent_queries(const check_config *config, query_engine *engine,
	check_report *report, parent_names *parents, kd_err *err)
{
	kd_result ret = KD_OK;

	for (size_t i = 0; i < report->suffix_count; i++) {
		const char *name = report->suffixes[i].suffix;

		while (dname_label_count(name = dname_parent(name)) >= 2) {
			if (suffix_list_contains(config->suffixes, name) ||
				suffix_list_contains(&parents->names, name) ||
				parents->names.count >= SUFFIX_LIST_MAX) {
				continue;
			}
			ret = suffix_list_add(&parents->names, name, "parent",
				err);
			if (ret != KD_OK) {
				return ret;
			}
		}
	}
	parents->ids = calloc(parents->names.count ? parents->names.count : 1,
		sizeof(*parents->ids));
	if (parents->ids == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	for (size_t i = 0; ret == KD_OK && i < parents->names.count; i++) {
		char qname[DNAME_BUF_SIZE * 2];

		snprintf(qname, sizeof(qname), "%s.%s", config->service,
			parents->names.names[i]);
		ret = query_engine_add(engine, qname, LDNS_RR_TYPE_SRV,
			&config->server, true, &parents->ids[i], err);
	}
	return ret;
}

/* The parents whose SRV query gave records, into REPORT. */
static kd_result
take_parent_results(query_engine *engine, check_report *report,
	const parent_names *parents, kd_err *err)
{
	for (size_t i = 0; i < parents->names.count; i++) {
		size_t records;
		kd_result ret = count_srv(query_engine_result(engine,
			parents->ids[i]), &records, err);

		if (ret != KD_OK) {
			return ret;
		}
		if (records == 0) {
			continue;
		}
		if (report->unasked == NULL) {
			report->unasked = calloc(parents->names.count,
				sizeof(*report->unasked));
			if (report->unasked == NULL) {
				return kd_err_set(err, KD_ENOMEM, "out of "
					"memory");
			}
		}
		snprintf(report->unasked[report->unasked_count].suffix,
			DNAME_BUF_SIZE, "%s", parents->names.names[i]);
		report->unasked[report->unasked_count++].records = records;
	}
	return KD_OK;
}

/*
 * Ask SRV for every suffix, for the parents of the suffixes that are not
 * on the list, and for the bare service name (records there
 * are found by tools with a search list, never by a Windows client, C6);
 * fill the suffix reports.
 */
static kd_result
query_suffixes(const check_config *config, query_engine *engine,
	check_report *report, kd_err *err)
{
	size_t *ids = calloc(report->suffix_count ? report->suffix_count : 1,
		sizeof(*ids));
	parent_names parents = { { NULL, 0, 0, SIZE_MAX }, NULL };
	size_t bare;
	size_t tcp = 0;
	kd_result ret;

	if (ids == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	ret = query_engine_add(engine, config->service, LDNS_RR_TYPE_SRV,
		&config->server, true, &bare, err);
	if (ret == KD_OK) {
		ret = add_parent_queries(config, engine, report, &parents, err);
	}
	/* C3: the first suffix again over TCP, as a truncated answer is */
	if (ret == KD_OK && report->suffix_count > 0) {
		ret = query_engine_add_tcp(engine, report->suffixes[0].qname,
			LDNS_RR_TYPE_SRV, &config->server, true, &tcp, err);
	}
	for (size_t i = 0; ret == KD_OK && i < report->suffix_count; i++) {
		ret = query_engine_add(engine, report->suffixes[i].qname,
			LDNS_RR_TYPE_SRV, &config->server, true, &ids[i], err);
	}
	if (ret == KD_OK) {
		ret = query_engine_run(engine, err);
	}
	if (ret == KD_OK) {
		ret = count_srv(query_engine_result(engine, bare),
			&report->bare_records, err);
	}
	if (ret == KD_OK) {
		ret = take_parent_results(engine, report, &parents, err);
	}
	for (size_t i = 0; ret == KD_OK && i < report->suffix_count; i++) {
		ret = take_srv_result(report, &report->suffixes[i],
			query_engine_result(engine, ids[i]), err);
	}
	if (ret == KD_OK && report->suffix_count > 0) {
		check_tcp(report, query_engine_result(engine, ids[0]),
			query_engine_result(engine, tcp));
	}
	suffix_list_free(&parents.names);
	free(parents.ids);
	free(ids);
	return ret;
}

/* The index of NAME in TABLE, added if it is new. */
static size_t
add_target(target_table *table, const char *name)
{
	for (size_t i = 0; i < table->count; i++) {
		if (strcmp(table->items[i].name, name) == 0) {
			return i;
		}
	}
	snprintf(table->items[table->count].name, DNAME_BUF_SIZE, "%s", name);
	return table->count++;
}

/* Adds an address of one answer to the host entry CTX; false: ENOMEM. */
static bool
collect_address(const char *text, int family, const void *bytes, void *ctx)
{
	host_entry *host = ctx;
	host_address *grown;
	host_address *a;
	endpoint at;

	for (size_t i = 0; i < host->address_count; i++) {
		if (strcmp(host->addresses[i].text, text) == 0) {
			return true;
		}
	}
	if (host->address_count == CHECK_ADDRESS_MAX) {
		host->addresses_capped = true;
		return true;
	}
	grown = kd_array_resize(host->addresses, host->address_count + 1,
		sizeof(*grown));
	if (grown == NULL) {
		return false;
	}
	host->addresses = grown;
	a = &host->addresses[host->address_count++];
	memset(a, 0, sizeof(*a));
	snprintf(a->text, sizeof(a->text), "%s", text);
	endpoint_from_address(family, bytes, host->rec.port, &at);
	a->addr = at.addr;
	a->addrlen = at.addrlen;
	a->probe = PROBE_NOT_RUN;
	return true;
}

/* True when RESULT is a usable answer (NOERROR or NXDOMAIN). */
static bool
lookup_answered(const query_result *result)
{
	ldns_pkt_rcode rcode;

	if (result->status != QUERY_ANSWERED) {
		return false;
	}
	rcode = ldns_pkt_get_rcode(result->answer);
	return rcode == LDNS_RCODE_NOERROR || rcode == LDNS_RCODE_NXDOMAIN;
}

static kd_result
fill_host(host_entry *host, const query_result *a, const query_result *aaaa,
	kd_err *err)
{
	const query_result *both[2] = { a, aaaa };

	for (size_t i = 0; i < 2; i++) {
		bool too_long;

		if (both[i]->status == QUERY_SKIPPED) {
			host->not_checked = true;
			continue;
		}
		if (both[i]->status == QUERY_MALFORMED) {
			snprintf(host->lookup_error, sizeof(host->lookup_error),
				"%s", both[i]->error);
		}
		if (!lookup_answered(both[i])) {
			host->lookup_failed = true;
			continue;
		}
		dns_answer_chain(both[i]->answer, &too_long);
		host->chain_too_long |= too_long;
		if (!host->cname) {
			host->cname = dns_answer_cname(both[i]->answer,
				host->rec.target, host->cname_target,
				sizeof(host->cname_target));
		}
		if (!dns_answer_addresses(both[i]->answer, collect_address,
			host)) {
			return kd_err_set(err, KD_ENOMEM, "out of memory");
		}
	}
	if (host->address_count > 0 || host->not_checked) {
		host->lookup_failed = false;
	}
	return KD_OK;
}

/*
 * Put the first CHECK_TARGET_MAX distinct targets of SUFFIX (in its
 * order: the best priorities first) into TABLE; mark the hosts of the
 * others not checked, with a finding.
 */
static kd_result
cap_targets(check_report *report, suffix_report *suffix, target_table *table,
	kd_err *err)
{
	char (*seen)[DNAME_BUF_SIZE] = calloc(CHECK_TARGET_MAX,
		sizeof(*seen));

	if (seen == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	suffix->targets_found = 0;
	for (size_t h = 0; h < suffix->host_count; h++) {
		host_entry *host = &suffix->hosts[h];
		bool known = false;

		for (size_t i = 0; !known && i < suffix->targets_found &&
			i < CHECK_TARGET_MAX; i++) {
			known = strcmp(seen[i], host->rec.target) == 0;
		}
		if (!known && suffix->targets_found++ < CHECK_TARGET_MAX) {
			snprintf(seen[suffix->targets_found - 1], DNAME_BUF_SIZE,
				"%s", host->rec.target);
		} else if (!known) {
			host->not_checked = true;
		}
		if (!host->not_checked) {
			(void)add_target(table, host->rec.target);
		}
	}
	free(seen);
	if (suffix->targets_found > CHECK_TARGET_MAX &&
		check_report_add(report, SEVERITY_WARNING, "too_many_targets", 0,
			suffix->suffix, NULL, "%s: the SRV records name more "
			"than %d distinct targets: only the first %d by "
			"priority are looked up and probed (limit)",
			suffix->qname, CHECK_TARGET_MAX, CHECK_TARGET_MAX) != KD_OK) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	return KD_OK;
}

/* Ask A and AAAA for every distinct target; fill the hosts. */
static kd_result
lookup_targets(const check_config *config, query_engine *engine,
	check_report *report, kd_err *err)
{
	target_table table = { NULL, 0 };
	size_t hosts = 0;
	kd_result ret = KD_OK;

	for (size_t s = 0; s < report->suffix_count; s++) {
		hosts += report->suffixes[s].host_count;
	}
	table.items = calloc(hosts ? hosts : 1, sizeof(*table.items));
	if (table.items == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	for (size_t s = 0; ret == KD_OK && s < report->suffix_count; s++) {
		suffix_report *suffix = &report->suffixes[s];

		ret = cap_targets(report, suffix, &table, err);
	}
	for (size_t t = 0; ret == KD_OK && t < table.count; t++) {
		ret = query_engine_add(engine, table.items[t].name,
			LDNS_RR_TYPE_A, &config->server, true,
			&table.items[t].query_a, err);
		if (ret == KD_OK) {
			ret = query_engine_add(engine, table.items[t].name,
				LDNS_RR_TYPE_AAAA, &config->server, true,
				&table.items[t].query_aaaa, err);
		}
	}
	if (ret == KD_OK) {
		ret = query_engine_run(engine, err);
	}
	for (size_t s = 0; ret == KD_OK && s < report->suffix_count; s++) {
		suffix_report *suffix = &report->suffixes[s];

		for (size_t h = 0; ret == KD_OK && h < suffix->host_count; h++) {
			host_entry *host = &suffix->hosts[h];
			size_t t;

			if (host->not_checked) {
				continue;
			}
			t = add_target(&table, host->rec.target);
			ret = fill_host(host,
				query_engine_result(engine, table.items[t].query_a),
				query_engine_result(engine,
					table.items[t].query_aaaa), err);
		}
	}
	free(table.items);
	return ret;
}

static bool
same_address(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family) {
		return false;
	}
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const struct sockaddr_in *)a;
		const struct sockaddr_in *y = (const struct sockaddr_in *)b;

		return x->sin_port == y->sin_port &&
			x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a;
	const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)b;

	return x->sin6_port == y->sin6_port &&
		memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
}

/* Index of ADDR in TARGETS[0..N), or N. */
static size_t
find_probe(const probe_target *targets, size_t n,
	const struct sockaddr_storage *addr)
{
	for (size_t i = 0; i < n; i++) {
		if (same_address(&targets[i].addr, addr)) {
			return i;
		}
	}
	return n;
}

/* Probe every distinct address:port of every host, until DEADLINE_MS. */
static kd_result
probe_hosts(const check_config *config, check_report *report,
	uint64_t deadline_ms, kd_err *err)
{
	size_t total = 0;
	size_t n = 0;
	probe_target *targets;
	kd_result ret;

	for (size_t s = 0; s < report->suffix_count; s++) {
		for (size_t h = 0; h < report->suffixes[s].host_count; h++) {
			total += report->suffixes[s].hosts[h].address_count;
		}
	}
	targets = calloc(total ? total : 1, sizeof(*targets));
	if (targets == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	for (size_t s = 0; s < report->suffix_count; s++) {
		suffix_report *suffix = &report->suffixes[s];

		for (size_t h = 0; h < suffix->host_count; h++) {
			host_entry *host = &suffix->hosts[h];

			for (size_t a = 0; a < host->address_count; a++) {
				host_address *addr = &host->addresses[a];

				if (host->not_checked ||
					find_probe(targets, n, &addr->addr) < n) {
					continue;
				}
				targets[n].addr = addr->addr;
				targets[n].addrlen = addr->addrlen;
				n++;
			}
		}
	}
	ret = probe_run(targets, n, &(probe_settings) {
		.timeout_ms = config->timeout_ms,
		.max_inflight = config->max_inflight,
		.rpc = config->rpc,
		.deadline_ms = deadline_ms,
	}, err);
	for (size_t s = 0; ret == KD_OK && s < report->suffix_count; s++) {
		suffix_report *suffix = &report->suffixes[s];

		for (size_t h = 0; h < suffix->host_count; h++) {
			host_entry *host = &suffix->hosts[h];

			for (size_t a = 0; a < host->address_count; a++) {
				host_address *addr = &host->addresses[a];
				size_t i = find_probe(targets, n, &addr->addr);

				if (i == n) {
					continue;
				}
				addr->probe = targets[i].state;
				addr->probe_ms = targets[i].elapsed_ms;
				addr->probe_errno = targets[i].error;
				snprintf(addr->probe_detail,
					sizeof(addr->probe_detail), "%s",
					targets[i].detail);
				if (addr->probe == PROBE_OPEN ||
					addr->probe == PROBE_KMS) {
					host->reachable = true;
				}
			}
		}
	}
	free(targets);
	return ret;
}

/* Make one suffix report per suffix of CONFIG. */
static kd_result
init_suffixes(const check_config *config, check_report *report, kd_err *err)
{
	const suffix_list *list = config->suffixes;

	report->suffixes = calloc(list->count ? list->count : 1,
		sizeof(*report->suffixes));
	if (report->suffixes == NULL) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	report->suffix_count = list->count;
	for (size_t i = 0; i < list->count; i++) {
		suffix_report *suffix = &report->suffixes[i];

		size_t service_len = strlen(config->service);
		size_t name_len = strlen(list->names[i]);

		snprintf(suffix->suffix, sizeof(suffix->suffix), "%s",
			list->names[i]);
		suffix->devolved = suffix_list_devolved(list, i);
		if (service_len + 1 + name_len > DNAME_TEXT_MAX) {
			return kd_err_set(err, KD_EINVAL, "%s.%s is longer than "
				"%d characters", config->service,
				list->names[i], DNAME_TEXT_MAX);
		}
		memcpy(suffix->qname, config->service, service_len);
		suffix->qname[service_len] = '.';
		memcpy(suffix->qname + service_len + 1, list->names[i],
			name_len + 1);
	}
	return KD_OK;
}

/*
 * The run reached its deadline: say what was not checked, as an error
 * finding (the verdict rests on what is missing).
 */
static kd_result
note_deadline(const check_config *config, check_report *report,
	bool skipped_authoritative, kd_err *err)
{
	size_t suffixes = 0, targets = 0, probes = 0;

	for (size_t s = 0; s < report->suffix_count; s++) {
		const suffix_report *suffix = &report->suffixes[s];

		suffixes += suffix->outcome == OUTCOME_NOT_CHECKED;
		for (size_t h = 0; h < suffix->host_count; h++) {
			const host_entry *host = &suffix->hosts[h];

			targets += host->not_checked;
			for (size_t a = 0; a < host->address_count; a++) {
				probes += host->addresses[a].probe ==
					PROBE_SKIPPED;
			}
		}
	}
	report->deadline_reached = true;
	snprintf(report->not_checked, sizeof(report->not_checked), "the SRV "
		"records of %zu suffix(es), the addresses of %zu host(s), the "
		"probes of %zu address(es)%s", suffixes, targets, probes,
		config->authoritative ? (skipped_authoritative ? ", the "
		"authoritative servers" : ", part of the authoritative "
		"checks") : "");
	if (check_report_add(report, SEVERITY_ERROR, "deadline_reached", 0,
		NULL, NULL, "the run reached its deadline of %llu ms (--timeout "
		"x (%d + %zu suffixes)); not checked: %s",
		(unsigned long long)report->deadline_ms, config->authoritative ?
		CHECK_DEADLINE_ROUNDS_AUTHORITATIVE : CHECK_DEADLINE_ROUNDS,
		report->suffix_count, report->not_checked) != KD_OK) {
		return kd_err_set(err, KD_ENOMEM, "out of memory");
	}
	return KD_OK;
}

kd_result
check_run(const check_config *config, check_report *report, kd_err *err)
{
	query_engine *engine = NULL;
	uint64_t deadline;
	bool skip_auth = false;
	kd_result ret;

	snprintf(report->service, sizeof(report->service), "%s",
		config->service);
	endpoint_format(&config->server, report->server,
		sizeof(report->server));
	report->probed = config->probe;
	report->rpc = config->probe && config->rpc;
	report->authoritative = config->authoritative;
	report->deadline_ms = check_deadline_budget_ms(config->timeout_ms,
		config->suffixes->count, config->authoritative);
	deadline = config->deadline_ms ? config->deadline_ms :
		kd_clock_ms() + report->deadline_ms;
	ret = init_suffixes(config, report, err);
	if (ret == KD_OK) {
		ret = query_engine_new(config->timeout_ms, config->max_inflight,
			&engine, err);
		if (ret == KD_OK) {
			query_engine_set_deadline(engine, deadline);
			ret = query_suffixes(config, engine, report, err);
		}
		if (ret == KD_OK) {
			ret = lookup_targets(config, engine, report, err);
		}
		if (ret == KD_OK && config->probe) {
			ret = probe_hosts(config, report, deadline, err);
		}
		skip_auth = kd_clock_ms() >= deadline;
		if (ret == KD_OK && config->authoritative && !skip_auth) {
			ret = authoritative_check(config, engine, report, err);
		}
		if (ret == KD_OK && config->authoritative && !skip_auth) {
			ret = delegation_check(config, engine, report, err);
		}
		if (engine != NULL && query_engine_deadline_reached(engine)) {
			report->deadline_reached = true;
		}
		query_engine_free(engine);
	}
	if (ret == KD_OK && (report->deadline_reached ||
		kd_clock_ms() >= deadline)) {
		ret = note_deadline(config, report, skip_auth, err);
	}
	if (ret == KD_OK) {
		ret = verdict_judge(config, report, err);
	}
	if (ret == KD_OK) {
		check_report_sort_findings(report);
	}
	return ret;
}
