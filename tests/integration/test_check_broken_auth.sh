#!/bin/bash
# kmsdns-check against a misbehaving authoritative server (check_lib.sh
# ck_broken_auth, python3 on 127.0.0.71) for what no named in this lab does:
# _tcp.<zone> answered NXDOMAIN while _vlmcs._tcp.<zone> has data, negative
# answers without SOA, a resolver copy that no authoritative server gives,
# and a reply that cannot be parsed.
set -euo pipefail
# shellcheck source=harness.sh
. "$(cd "$(dirname "$0")" && pwd)/harness.sh"
# shellcheck source=check_lib.sh
. "$(cd "$(dirname "$0")" && pwd)/check_lib.sh"

h_require_root
h_require_cmd dig jq python3 timeout
h_init check_broken_auth

PORT=$(h_free_port)
ck_broken_auth fake 127.0.0.71 "$PORT" b.test
# the double does misbehave as described
fake_status() { # NAME TYPE [DIG OPTIONS]
	timeout 10 dig @127.0.0.71 -p "$PORT" +time=2 +tries=1 "$@" |
		sed -n 's/.*status: \([A-Z]*\),.*/\1/p'
}
h_assert_eq "NXDOMAIN" "$(fake_status _tcp.b.test SRV)" "_tcp.b.test is denied"
h_assert_eq "NOERROR" "$(fake_status _vlmcs._tcp.b.test SRV)" "the SRV name below it has data"
h_assert_eq "NXDOMAIN" "$(fake_status _vlmcs._tcp.stale.b.test SRV +recurse)"
h_assert_eq "NOERROR" "$(fake_status _vlmcs._tcp.stale.b.test SRV +norecurse)"

SRV=(--server "127.0.0.71#$PORT" --ns-port "$PORT" --no-probe --authoritative)

# --- _tcp.<zone> NXDOMAIN although _vlmcs._tcp.<zone> exists ------------------
ck_run --suffix b.test "${SRV[@]}" --json
ck_expect_rc 1 "_tcp NXDOMAIN"
h_assert_eq "true" "$(ck_json '.activates')" "the resolver path still finds the host"
h_assert_eq "ns1.b.test 127.0.0.71 true" \
	"$(ck_json '.suffixes[0].authoritative.servers[] | "\(.name) \(.address) \(.tcp_nxdomain)"')"
h_assert_eq "warning tcp_nxdomain ns1.b.test 0x8007232B" \
	"$(ck_json '.findings[] | select(.id=="tcp_nxdomain") | [.severity, .id, .target, .code] | join(" ")')"
h_assert_contains "$(ck_json '.findings[] | select(.id=="tcp_nxdomain") | .message')" \
	"_vlmcs._tcp.b.test: ns1.b.test (127.0.0.71) answers NXDOMAIN for _tcp.b.test although _vlmcs._tcp.b.test exists"
h_assert_eq "cache_ttl tcp_nxdomain" "$(ck_json '[.findings[].id] | sort | join(" ")')" \
	"nothing else is wrong with b.test"
ck_run --suffix b.test "${SRV[@]}"
h_assert_contains "$CK_OUT" "[warning] tcp_nxdomain: _vlmcs._tcp.b.test: ns1.b.test (127.0.0.71) answers NXDOMAIN"
h_assert_contains "$CK_OUT" "      fix: make the server answer NOERROR for the empty non-terminal _tcp.<zone>"

# --- a negative answer without SOA --------------------------------------------
ck_run --suffix nosoa.b.test "${SRV[@]}" --json
ck_expect_rc 2 "NXDOMAIN, no suffix left"
h_assert_eq "b.test true null" "$(ck_json '.suffixes[0].authoritative | "\(.zone) \(.servers[0].negative_without_soa) \(.servers[0].srv_ttl)"')"
h_assert_eq "warning negative_without_soa ns1.b.test" \
	"$(ck_json '.findings[] | select(.id=="negative_without_soa") | [.severity, .id, .target] | join(" ")')"
h_assert_contains "$(ck_json '.findings[] | select(.id=="negative_without_soa") | .message')" \
	"ns1.b.test (127.0.0.71) answers NXDOMAIN without the zone's SOA"
ck_run --suffix nosoa.b.test "${SRV[@]}"
h_assert_contains "$CK_OUT" "    ns1.b.test (127.0.0.71): serial 5, SRV NXDOMAIN, no records"
# b.test's NXDOMAIN for _tcp.b.test carries its SOA: no such finding there
ck_run --suffix b.test "${SRV[@]}" --json
h_assert_eq "false" "$(ck_json '.suffixes[0].authoritative.servers[0].negative_without_soa')"

# --- the --server's copy differs from every authoritative server ----------------
ck_run --suffix stale.b.test "${SRV[@]}" --json
ck_expect_rc 2 "stale negative copy"
h_assert_eq "nxdomain" "$(ck_json '.suffixes[0].outcome')"
h_assert_eq "0 0 1688 kms.b.test" "$(ck_json '.suffixes[0].authoritative.servers[0].srv_rrset | rtrimstr("\n")')"
h_assert_eq "5 300" "$(ck_json '.suffixes[0].authoritative.servers[0] | "\(.serial) \(.srv_ttl)"')"
h_assert_eq "warning resolver_stale 0x8007232B" \
	"$(ck_json '.findings[] | select(.id=="resolver_stale") | [.severity, .id, .code] | join(" ")')"
h_assert_contains "$(ck_json '.findings[] | select(.id=="resolver_stale") | .message')" \
	"_vlmcs._tcp.stale.b.test: the --server 127.0.0.71#$PORT answers with no SRV records (NXDOMAIN), unlike every authoritative server of b.test"
h_assert_eq "_vlmcs._tcp.stale.b.test: a removed or changed record stays in resolver caches up to 300 s (its TTL); a missing name is cached up to 30 s (SOA minimum)" \
	"$(ck_json '.findings[] | select(.id=="cache_ttl") | .message')" \
	"no TTL 'left' is claimed for a copy the --server does not have"

# --- records with empty rdata (an A record, an NS record): no crash, no address
h_assert_contains "$(timeout 10 dig @127.0.0.71 -p "$PORT" +time=2 +tries=1 b.test NS)" "ANSWER: 2" \
	"the NS answer holds the empty record"
ck_run --suffix emptyrr.b.test "${SRV[@]}" --json
ck_expect_rc 2 "target whose A record has empty rdata"
h_assert_eq "hollow.b.test 0" "$(ck_json '.suffixes[0].hosts[0] | "\(.target) \(.addresses | length)"')"
h_assert_eq "no_kms_reachable target_no_address" \
	"$(ck_json '[.findings[] | select(.id=="target_no_address" or .id=="no_kms_reachable") | .id] | sort | join(" ")')"
h_assert_eq "ns1.b.test" "$(ck_json '[.suffixes[0].authoritative.servers[].name] | join(" ")')" \
	"the empty NS record is skipped"

# --- records of other names in an answer are ignored (RFC 2181 5.4.1) ---------
ck_run --suffix extra.b.test --server "127.0.0.71#$PORT" --no-probe --json
ck_expect_rc 0 "foreign records ignored"
h_assert_eq "kms2.b.test 127.0.0.62" \
	"$(ck_json '[.suffixes[0].hosts[] | .target, (.addresses[] | .address)] | join(" ")')"

# --- an rcode clients cannot use; a suffix outside the served zone -------------
ck_run --suffix notimp.b.test --server "127.0.0.71#$PORT" --no-probe --json
ck_expect_rc 2 "NOTIMP"
h_assert_eq "other_rcode NOTIMPL 0x8007232A" "$(ck_json '.suffixes[0] | [.outcome, .rcode, .code] | join(" ")')"
ck_run --suffix elsewhere.test "${SRV[@]}" --json
ck_expect_rc 2 "REFUSED, zone unknown"
h_assert_eq "refused warning zone_unknown" \
	"$(ck_json '.suffixes[0].outcome, (.findings[] | select(.id=="zone_unknown") | .severity, .id)' | paste -sd' ')"

# --- answers with another message ID only: a timeout that says why -----------
ck_run --suffix wrongid.b.test --server "127.0.0.71#$PORT" --no-probe --timeout 600 --json
ck_expect_rc 2 "wrong ID"
h_assert_eq "timeout|3 answer(s) with another ID or question ignored" \
	"$(ck_json '.suffixes[0] | "\(.outcome)|\(.error)"')" "one answer per UDP send, all ignored"

# --- a reply that cannot be parsed --------------------------------------------
ck_run --suffix garbage.b.test --server "127.0.0.71#$PORT" --no-probe --json
ck_expect_rc 2 "malformed answer"
h_assert_eq "malformed|malformed answer|0x8007232A" "$(ck_json '.suffixes[0] | [.outcome, .rcode, .code] | join("|")')"
h_assert_eq "45-byte answer from 127.0.0.71#$PORT: answer section incomplete" "$(ck_json '.suffixes[0].error')"
ck_run --suffix garbage.b.test --server "127.0.0.71#$PORT" --no-probe
h_assert_contains "$CK_OUT" "[error] malformed: _vlmcs._tcp.garbage.b.test SRV: the answer could not be parsed: 45-byte answer from 127.0.0.71#$PORT: answer section incomplete;"

h_stop fake || true
exit 0
