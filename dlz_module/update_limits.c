/*
 * update_limits.c -- checks of an UPDATE's changes against the registry's
 * limits (update_limits.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "registry_limits.h"
#include "srv.h"
#include "update_limits.h"

#define SRV_OWNER_REL "_vlmcs._tcp"

/* Wire length of the name TEXT (absolute, trailing dot optional). */
static size_t
name_wire_len(const char *text)
{
	size_t len = strlen(text);
	if (len > 0 && text[len - 1] == '.') {
		len--;
	}
	return len == 0 ? 1 : len + 2;
}

/* The target of an SRV rdata text: its last word. */
static const char *
srv_target(const char *rdata)
{
	const char *sp = strrchr(rdata, ' ');
	return sp ? sp + 1 : rdata;
}

static bool
same_name(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 0 && a[la - 1] == '.') {
		la--;
	}
	if (lb > 0 && b[lb - 1] == '.') {
		lb--;
	}
	return la == lb && strncasecmp(a, b, la) == 0;
}

typedef struct srv_count {
	const char *host;   /* count the records targeting it, or NULL */
	size_t records;
	size_t bytes;
	size_t host_records;
	size_t host_bytes;
	size_t addresses;
	const srv_record *keep; /* with OUT: collect HOST's others */
	srv_record *out;
	size_t max;
} srv_count;

static kd_result
count_rr(void *ctx, const char *owner, const char *type, uint32_t ttl,
	const char *rdata)
{
	srv_count *c = ctx;
	(void)owner;
	(void)ttl;
	if (strcmp(type, "SRV") == 0) {
		c->records++;
		c->bytes += 2 + 10 + 6 + name_wire_len(srv_target(rdata));
		if (c->host != NULL && same_name(srv_target(rdata), c->host)) {
			srv_record rec;
			kd_err err;
			c->host_bytes += 2 + 10 + 6 +
				name_wire_len(srv_target(rdata));
			if (c->out == NULL) {
				c->host_records++;
			} else if (srv_parse_rdata(rdata, &rec, &err) == KD_OK &&
				   !(c->keep != NULL && srv_same_rdata(&rec, c->keep))) {
				if (c->host_records < c->max) {
					c->out[c->host_records] = rec;
				}
				c->host_records++;
			}
		}
	} else if (strcmp(type, "A") == 0 || strcmp(type, "AAAA") == 0) {
		c->addresses++;
	}
	return KD_OK;
}

size_t
update_limits_srv_answer_bytes(const version_view *view,
	const srv_record *extra)
{
	srv_count c = { 0 };
	char owner[DNAME_BUF_SIZE + 16];
	snprintf(owner, sizeof(owner), SRV_OWNER_REL ".%s", view->zone);
	(void)version_view_emit(view, SRV_OWNER_REL, count_rr, &c);
	if (extra != NULL) {
		c.bytes += 2 + 10 + 6 + name_wire_len(extra->target);
	}
	/* header, question (name, type, class), answers, OPT */
	return 12 + name_wire_len(owner) + 4 + c.bytes + 11;
}

size_t
update_limits_self_srv(const version_view *view, const char *host,
	const srv_record *keep, srv_record *out, size_t max)
{
	srv_count c = { .host = host, .keep = keep, .out = out, .max = max };
	(void)version_view_emit(view, SRV_OWNER_REL, count_rr, &c);
	return c.host_records;
}

kd_result
update_limits_check(const version_view *view, const registry_limits *limits,
	const grants_decision *decision, const rdata_record *rec, bool add,
	kd_err *err)
{
	const bool self = decision->scope == REGISTRY_SCOPE_SELF;
	if (!add) {
		return KD_OK;
	}
	if (rec->type == RDATA_TYPE_SRV) {
		srv_count c = { .host = self ? decision->host : NULL };
		(void)version_view_emit(view, SRV_OWNER_REL, count_rr, &c);
		const int64_t max = registry_limit_value(limits,
			registry_limit_find("max-srv-answer-bytes"));
		/* a SELF signer's add replaces its host's other records */
		const size_t bytes = update_limits_srv_answer_bytes(view,
			&rec->data.srv) - c.host_bytes;
		c.records -= c.host_records;
		if ((int64_t)bytes > max) {
			return kd_err_set(err, KD_EPERM, "the SRV answer would be "
				"%zu bytes with %zu records, over the limit "
				"max-srv-answer-bytes %lld", bytes, c.records + 1,
				(long long)max);
		}
		return KD_OK;
	}
	if (self && (rec->type == RDATA_TYPE_A ||
		     rec->type == RDATA_TYPE_AAAA)) {
		char rel[DNAME_BUF_SIZE + 2];
		srv_count c = { 0 };
		version_view_relname(view, rec->owner, rel, sizeof(rel));
		(void)version_view_emit(view, rel, count_rr, &c);
		const int64_t max = registry_limit_value(limits,
			registry_limit_find("max-self-addresses"));
		if ((int64_t)c.addresses >= max) {
			return kd_err_set(err, KD_EPERM, "%s already has %zu "
				"addresses, the limit max-self-addresses is %lld",
				rec->owner, c.addresses, (long long)max);
		}
	}
	return KD_OK;
}
