/*
 * pub_plan.c -- the change one domain needs.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pub_plan.h"

const char *
pub_action_name(pub_action action)
{
	switch (action) {
	case PUB_ACTION_ADDED:
		return "added";
	case PUB_ACTION_UPDATED:
		return "updated";
	case PUB_ACTION_UNCHANGED:
		return "unchanged";
	case PUB_ACTION_REFRESHED:
		return "refreshed";
	case PUB_ACTION_WITHDRAWN:
		return "withdrawn";
	}
	return "unknown";
}

void
pub_plan_ttl_note(const pub_plan *plan, char *buf, size_t len)
{
	if (!plan->ttl_kept) {
		if (len > 0) {
			buf[0] = '\0';
		}
		return;
	}
	snprintf(buf, len, "ttl=%u, the RRset's; --ttl %u not applied",
		(unsigned)plan->rrset_ttl, (unsigned)plan->desired_ttl);
}

bool
pub_plan_sends(const pub_plan *plan)
{
	return plan->delete_count > 0 || plan->add;
}

/* Same rdata (priority, weight, port, target). */
static bool
same_rdata(const srv_record *a, const srv_record *b)
{
	return a->priority == b->priority && a->weight == b->weight &&
		a->port == b->port && dname_equal(a->target, b->target);
}

kd_result
pub_plan_compute(const srv_record *current, size_t count,
	const srv_record *desired, pub_mode mode, bool refresh,
	pub_plan *plan, kd_err *err)
{
	bool have_exact = false;
	size_t i;

	memset(plan, 0, sizeof(*plan));
	plan->desired_ttl = desired->ttl;
	for (i = 0; i < count; i++) {
		if (!dname_equal(current[i].target, desired->target)) {
			continue;
		}
		if (mode == PUB_MODE_PUBLISH &&
		    same_rdata(&current[i], desired)) {
			have_exact = true;
			continue;
		}
		if (plan->delete_count == PUB_PLAN_MAX_DELETES) {
			return kd_err_set(err, KD_EFULL,
				"more than %d SRV records name %s",
				PUB_PLAN_MAX_DELETES, desired->target);
		}
		plan->deletes[plan->delete_count++] = current[i];
	}
	if (mode == PUB_MODE_WITHDRAW) {
		plan->action = plan->delete_count > 0 ?
			PUB_ACTION_WITHDRAWN : PUB_ACTION_UNCHANGED;
		return KD_OK;
	}
	plan->add_record = *desired;
	if (count > 0 && current[0].ttl != desired->ttl) {
		/* the server's RRset TTL stays: see pub_plan.h */
		plan->add_record.ttl = current[0].ttl;
		plan->rrset_ttl = current[0].ttl;
		plan->ttl_kept = true;
	}
	if (plan->delete_count > 0) {
		plan->add = true;
		plan->action = PUB_ACTION_UPDATED;
	} else if (!have_exact) {
		plan->add = true;
		plan->action = PUB_ACTION_ADDED;
	} else if (refresh) {
		plan->add = true;
		plan->action = PUB_ACTION_REFRESHED;
	} else {
		plan->action = PUB_ACTION_UNCHANGED;
	}
	return KD_OK;
}
