/*
 * wincode.c -- the table of Windows activation codes that DNS problems cause.
 *
 * Meanings follow Microsoft's activation error tables and KB 2553863
 * (event 12293); the host-side REFUSED/NOTAUTH/NOTZONE codes are derived with
 * the HRESULT_FROM_WIN32 rule from the DNS_ERROR_RCODE_* Win32 errors.
 */
#include "config.h"

#include <stdio.h>

#include "wincode.h"

static const wincode wincode_entries[] = {
	{
		WINCODE_NXDOMAIN, WINCODE_CLIENT,
		"DNS_ERROR_RCODE_NAME_ERROR",
		"DNS name does not exist",
		"the query for _vlmcs._tcp.<suffix> SRV was answered NXDOMAIN "
		"for every DNS suffix the client tried, or the client's DNS "
		"server has no forwarding or recursion path to the zone that "
		"holds the record",
		"publish _vlmcs._tcp in a zone named by the client's primary "
		"DNS suffix or suffix search list, make sure the empty "
		"non-terminal _tcp.<zone> answers NOERROR, and check that the "
		"client's resolver forwards or recurses to that zone "
		"(dig @resolver _vlmcs._tcp.<suffix> SRV)",
	},
	{
		WINCODE_NO_RECORDS, WINCODE_CLIENT,
		"DNS_INFO_NO_RECORDS",
		"No records found for DNS query",
		"_vlmcs._tcp.<suffix> exists but holds no SRV record (NOERROR "
		"without data), for example only a TXT record or a wrongly "
		"delegated _tcp",
		"add the SRV record (priority, weight, port 1688, host FQDN) "
		"at _vlmcs._tcp.<suffix> and remove any delegation of "
		"_tcp.<zone> that hides it",
	},
	{
		WINCODE_INVALID_NAME, WINCODE_CLIENT,
		"ERROR_INVALID_NAME",
		"DNS name does not exist (the name is invalid)",
		"the client has no DNS suffix to append (empty primary DNS "
		"suffix and no connection-specific suffix), so it sends no "
		"query at all",
		"give the client a primary DNS suffix, or hand out the domain "
		"in DHCP option 15 and publish _vlmcs._tcp in that zone; "
		"slmgr /skms-domain <zone> names the zone directly",
	},
	{
		0x80092328U, WINCODE_CLIENT,
		"(not a Win32 DNS code)",
		"DNS name does not exist",
		"the client could not find the _vlmcs._tcp SRV records "
		"(Microsoft lists this code with 0x8007232B)",
		"treat it like 0x8007232B: publish _vlmcs._tcp in a zone on "
		"the client's DNS suffix search list and check that the "
		"client's resolver can reach that zone",
	},
	{
		WINCODE_SERVER_FAILURE, WINCODE_CLIENT,
		"DNS_ERROR_RCODE_SERVER_FAILURE",
		"DNS server failure",
		"the client's DNS server answered SERVFAIL or did not answer: "
		"UDP/TCP port 53 blocked, wrong or empty DNS server list, a "
		"broken delegation or a failing DLZ backend",
		"make sure every DNS server the client uses answers on UDP and "
		"TCP port 53, check named's log for the SERVFAIL cause (lame "
		"delegation, DNSSEC validation, DLZ module errors) and fix it",
	},
	{
		WINCODE_RPC_UNAVAILABLE, WINCODE_CLIENT,
		"RPC_S_SERVER_UNAVAILABLE",
		"The RPC server is unavailable",
		"the SRV record names a host that does not answer on the KMS "
		"port: a stale record left by a removed or renamed KMS host, a "
		"wrong port, or the host's A/AAAA record is wrong",
		"delete stale _vlmcs._tcp SRV records, check that each target "
		"has a correct A/AAAA record and that the SRV port matches the "
		"host's listening port (TCP 1688 by default, open in the "
		"host's firewall)",
	},
	{
		WINCODE_KMS_NOT_ENABLED, WINCODE_CLIENT,
		"SL_E_VL_BINDING_SERVICE_NOT_ENABLED",
		"The Key Management Service (KMS) is not enabled",
		"the client reached the host named in DNS but the KMS request "
		"was not answered, typically TCP 1688 blocked or filtered",
		"check that the SRV target and port name a running KMS host "
		"and that TCP 1688 (or the published port) is open between "
		"client and host",
	},
	{
		WINCODE_NO_KMS, WINCODE_CLIENT,
		"SL_E_VL_BINDING_SERVICE_UNAVAILABLE",
		"No Key Management Service (KMS) could be contacted",
		"every KMS host the client tried failed: incorrect or old SRV "
		"records, or wrong A/AAAA records for their targets",
		"list _vlmcs._tcp.<suffix> SRV on every authoritative server, "
		"remove records for hosts that no longer exist, fix target "
		"addresses and make sure the zone's secondaries are in sync",
	},
	{
		WINCODE_PUB_REFUSED, WINCODE_HOST,
		"DNS_ERROR_RCODE_REFUSED",
		"DNS operation refused",
		"the DNS UPDATE of _vlmcs._tcp was answered REFUSED: the zone "
		"does not allow this host (its TSIG key or Kerberos identity) "
		"to change the record",
		"grant the host's identity with kmsdns-registry grant or the "
		"zone's update-policy (for example krb5-subdomain-self-rhs); "
		"do not fall back to allow-update { any; }",
	},
	{
		WINCODE_PUB_NOTAUTH, WINCODE_HOST,
		"DNS_ERROR_RCODE_NOTAUTH",
		"DNS server not authoritative for zone",
		"the DNS UPDATE went to a server that is not authoritative for "
		"the zone, or (with TSIG) the request was not authorized",
		"send updates to the zone's primary server (the SOA MNAME), "
		"make sure named loads the zone as primary and that the TSIG "
		"key the host uses is defined on that server",
	},
	{
		WINCODE_PUB_NOTZONE, WINCODE_HOST,
		"DNS_ERROR_RCODE_NOTZONE",
		"DNS name in update or prereq is not in zone",
		"the update named a zone that does not contain _vlmcs._tcp of "
		"the publish-list domain, e.g. the domain lies in a delegated "
		"child zone",
		"fix the domain in the publish list or send the update to the "
		"zone that really contains it (check the delegation with dig "
		"SOA <domain>)",
	},
	{
		WINCODE_PUB_BADSIG, WINCODE_HOST,
		"DNS_ERROR_RCODE_BADSIG",
		"DNS signature failed to verify",
		"the server rejected the update's TSIG or GSS-TSIG signature; "
		"on Windows DNS this is also what a host without rights on an "
		"existing _VLMCS record sees",
		"make sure the host and named share the same key name, "
		"algorithm and secret (compare with tsig-keygen output), and "
		"that the host's clock is within the TSIG fudge of the server",
	},
};

#define WINCODE_COUNT (sizeof(wincode_entries) / sizeof(wincode_entries[0]))

const wincode *
wincode_lookup(uint32_t code)
{
	size_t i;

	for (i = 0; i < WINCODE_COUNT; i++) {
		if (wincode_entries[i].code == code) {
			return &wincode_entries[i];
		}
	}
	return NULL;
}

const wincode *
wincode_table(size_t *count)
{
	if (count != NULL) {
		*count = WINCODE_COUNT;
	}
	return wincode_entries;
}

uint32_t
wincode_for_update_rcode(unsigned rcode)
{
	switch (rcode) {
	case 5:
		return WINCODE_PUB_REFUSED;
	case 9:
		return WINCODE_PUB_NOTAUTH;
	case 10:
		return WINCODE_PUB_NOTZONE;
	case 16:
		return WINCODE_PUB_BADSIG;
	default:
		return 0;
	}
}

void
wincode_format(uint32_t code, char *out, size_t outlen)
{
	if (out == NULL || outlen == 0) {
		return;
	}
	(void)snprintf(out, outlen, "0x%08X", (unsigned)code);
}
