#!/bin/bash
# kmsdns-check --authoritative with three named instances that all listen
# on one NS port (--ns-port) at 127.0.0.1/.12/.13: ns1 and ns2 serve z.test
# with different serials, SRV RRsets and target addresses (a stale
# replica), ns3 is listed as NS but does not serve the zone (lame).
# named listens only on interface addresses, so ns2 and ns3 are reached
# through loopback relays (check_lib.sh ck_relay) at .12 and .13.
# good.test is served identically by ns1 and ns2.
# The parent zone "test" is served by ns1 and by ns4 (relay at .14), its
# only NS: it delegates z.test and good.test as their zones list them,
# deleg.test to one NS more than deleg.test lists, and not orphan.test.
set -euo pipefail
# shellcheck source=harness.sh
. "$(cd "$(dirname "$0")" && pwd)/harness.sh"
# shellcheck source=check_lib.sh
. "$(cd "$(dirname "$0")" && pwd)/check_lib.sh"

h_require_root
h_require_cmd named named-checkconf dig jq python3 ss timeout
h_init check_authoritative

# zone_text SERIAL KMS1_ADDRESS EXTRA_SRV_TARGET
zone_text() {
	cat <<ZONE
\$TTL 600
@               IN SOA ns1.z.test. hostmaster.z.test. ( $1 3600 600 86400 60 )
                IN NS  ns1.z.test.
                IN NS  ns2.z.test.
                IN NS  ns3.z.test.
ns1             IN A   127.0.0.1
ns2             IN A   127.0.0.12
ns3             IN A   127.0.0.13
kms1            IN A   $2
$3              IN A   127.0.0.42
_vlmcs._tcp     IN SRV 0 0 1688 kms1.z.test.
_vlmcs._tcp     IN SRV 0 0 1688 $3.z.test.
ZONE
}
good_zone() {
	cat <<'ZONE'
$TTL 900
@               IN SOA ns1.z.test. hostmaster.z.test. ( 7 3600 600 86400 120 )
                IN NS  ns1.z.test.
                IN NS  ns2.z.test.
kms             IN A   127.0.0.51
_vlmcs._tcp 600 IN SRV 0 0 1688 kms.good.test.
ZONE
}

D1=$(h_named_dir ns1)
D2=$(h_named_dir ns2)
h_named_dir ns3 >/dev/null
D4=$(h_named_dir ns4)
cat >"$D1/test.db" <<'ZONE'
$TTL 600
@               IN SOA ns4.test. hostmaster.test. ( 1 3600 600 86400 60 )
                IN NS  ns4.test.
ns4             IN A   127.0.0.14
z               IN NS  ns1.z.test.
z               IN NS  ns2.z.test.
z               IN NS  ns3.z.test.
ns1.z           IN A   127.0.0.1
ns2.z           IN A   127.0.0.12
ns3.z           IN A   127.0.0.13
good            IN NS  ns1.z.test.
good            IN NS  ns2.z.test.
deleg           IN NS  ns1.z.test.
deleg           IN NS  nsold.z.test.
ZONE
cp "$D1/test.db" "$D4/test.db"
# child zones on ns1 only, with one NS
for child in deleg orphan; do
	cat >"$D1/$child.test.db" <<ZONE
\$TTL 600
@               IN SOA ns1.z.test. hostmaster.z.test. ( 1 3600 600 86400 60 )
                IN NS  ns1.z.test.
kms             IN A   127.0.0.52
_vlmcs._tcp     IN SRV 0 0 1688 kms.$child.test.
ZONE
done
# nsaddr.test's only NS name has no address anywhere
cat >"$D1/nsaddr.test.db" <<'ZONE'
$TTL 600
@               IN SOA ns1.z.test. hostmaster.z.test. ( 1 3600 600 86400 60 )
                IN NS  ghost.z.test.
kms             IN A   127.0.0.53
_vlmcs._tcp     IN SRV 0 0 1688 kms.nsaddr.test.
ZONE
zone_text 10 127.0.0.41 kms2 >"$D1/z.test.db"
zone_text 9 127.0.0.49 kmsold >"$D2/z.test.db"
good_zone >"$D1/good.test.db"
good_zone >"$D2/good.test.db"

# ns1 is also the --server (127.0.0.1); ns2 and ns3 are harness instances
# on their own ports behind relays at 127.0.0.12 and .13 on ns1's port
h_named_start ns1 - <<CONF
zone "z.test" { type primary; file "z.test.db"; };
zone "good.test" { type primary; file "good.test.db"; };
zone "test" { type primary; file "test.db"; };
zone "deleg.test" { type primary; file "deleg.test.db"; };
zone "orphan.test" { type primary; file "orphan.test.db"; };
zone "nsaddr.test" { type primary; file "nsaddr.test.db"; };
CONF
NSPORT=$(h_named_port ns1)
h_named_start ns2 - <<CONF
zone "z.test" { type primary; file "z.test.db"; };
zone "good.test" { type primary; file "good.test.db"; };
CONF
# ns3 serves no zone at all
h_named_start ns3
ck_relay relay2 127.0.0.12 "$NSPORT" "$(h_named_port ns2)"
ck_relay relay3 127.0.0.13 "$NSPORT" "$(h_named_port ns3)"
h_named_start ns4 - <<CONF
zone "test" { type primary; file "test.db"; };
CONF
ck_relay relay4 127.0.0.14 "$NSPORT" "$(h_named_port ns4)"
h_assert_eq "REFUSED" "$(timeout 10 dig @127.0.0.13 -p "$NSPORT" +time=2 +tries=1 z.test SOA | sed -n 's/.*status: \([A-Z]*\),.*/\1/p')" \
	"ns3 is lame for z.test"

SRV=(--server "127.0.0.1#$NSPORT" --ns-port "$NSPORT" --no-probe --authoritative)

# --- the zone with a stale replica and a lame server ----------------------------
ck_run --suffix z.test "${SRV[@]}" --json
ck_expect_rc 1 "stale replica and lame NS"
h_assert_eq "z.test 3" "$(ck_json '.suffixes[0].authoritative | "\(.zone) \(.servers | length)"')"
h_assert_eq "ns1.z.test:10:true ns2.z.test:9:true ns3.z.test:null:false" \
	"$(ck_json '[.suffixes[0].authoritative.servers[] | "\(.name):\(.serial):\(.authoritative)"] | sort | join(" ")')"
h_assert_eq "ns_lame ns3.z.test 0x8007232A" \
	"$(ck_json '.findings[] | select(.id=="ns_lame") | [.id, .target, .code] | join(" ")')"
for id in soa_serial_drift srv_rrset_differs target_addresses_differ; do
	h_assert_eq "warning $id" \
		"$(ck_json ".findings[] | select(.id==\"$id\") | [.severity, .id] | join(\" \")")" "$id"
done
h_assert_eq "0x800706BA" "$(ck_json '.findings[] | select(.id=="srv_rrset_differs") | .code')"
h_assert_contains "$(ck_json '.findings[] | select(.id=="cache_ttl") | .message')" \
	"up to 600 s (its TTL); a missing name is cached up to 60 s (SOA minimum); the --server's copy has 600 s left"
ck_run --suffix z.test "${SRV[@]}"
h_assert_contains "$CK_OUT" "ns2.z.test (127.0.0.12): serial 9, SRV NOERROR, TTL 600"
h_assert_contains "$CK_OUT" "ns3.z.test (127.0.0.13): not authoritative (REFUSED)"

# --- consistent servers: only the cache TTL note --------------------------------
ck_run --suffix good.test "${SRV[@]}" --json
ck_expect_rc 0 "consistent servers"
h_assert_eq "cache_ttl" "$(ck_json '[.findings[].id] | join(" ")')"
h_assert_contains "$(ck_json '.findings[0].message')" "up to 600 s (its TTL); a missing name is cached up to 120 s"

# --- the parent's delegation against the zone's NS RRset ------------------------
ck_run --suffix good.test "${SRV[@]}" --json
h_assert_eq "test|ns1.z.test ns2.z.test|ns1.z.test ns2.z.test" \
	"$(ck_json '.suffixes[0].authoritative | "\(.parent_zone)|\(.ns | rtrimstr("\n") | gsub("\n"; " "))|\(.parent_ns | rtrimstr("\n") | gsub("\n"; " "))"')" \
	"good.test: the parent's referral matches"
ck_run --suffix deleg.test "${SRV[@]}" --json
ck_expect_rc 1 "delegation differs"
h_assert_eq "warning delegation_differs ns4.test 0x8007232A" \
	"$(ck_json '.findings[] | select(.id=="delegation_differs") | [.severity, .id, .target, .code] | join(" ")')"
h_assert_eq "_vlmcs._tcp.deleg.test: ns4.test (127.0.0.14), a server of the parent zone test, delegates deleg.test to ns1.z.test nsold.z.test, but the zone lists ns1.z.test: resolvers may ask servers that do not serve it, or miss some" \
	"$(ck_json '.findings[] | select(.id=="delegation_differs") | .message')"
ck_run --suffix deleg.test "${SRV[@]}"
h_assert_contains "$CK_OUT" "  NS of the zone: ns1.z.test
    ns1.z.test (127.0.0.1): serial 1, SRV NOERROR, TTL 600
  parent zone test delegates it to: ns1.z.test nsold.z.test"
ck_run --suffix orphan.test "${SRV[@]}"
h_assert_contains "$CK_OUT" "  parent zone test delegates it to: (nothing)"
ck_run --suffix orphan.test "${SRV[@]}" --json
ck_expect_rc 1 "not delegated"
h_assert_eq "warning not_delegated ns4.test 0x8007232B" \
	"$(ck_json '.findings[] | select(.id=="not_delegated") | [.severity, .id, .target, .code] | join(" ")')"
h_assert_contains "$(ck_json '.findings[] | select(.id=="not_delegated") | .message')" \
	"has no delegation of orphan.test (answers NXDOMAIN without NS records)"
h_assert_eq "" "$(ck_json '.suffixes[0].authoritative.parent_ns')"
ck_run --suffix nsaddr.test "${SRV[@]}" --json
h_assert_eq "warning ns_unknown" "$(ck_json '.findings[] | select(.id=="ns_unknown") | .severity, .id' | paste -sd' ')"
ck_run --suffix z.test "${SRV[@]}" --json
h_assert_eq "0" "$(ck_json '[.findings[] | select(.id=="delegation_differs" or .id=="not_delegated")] | length')" \
	"z.test is delegated as its zone lists it"

# --- a server that does not answer at all: ns2 stopped behind its relay ----------
h_assert_ok h_named_stop ns2
ck_run --suffix good.test "${SRV[@]}" --timeout 300 --json
ck_expect_rc 1 "unresponsive NS"
h_assert_eq "ns_unresponsive ns2.z.test" \
	"$(ck_json '.findings[] | select(.id=="ns_unresponsive") | [.id, .target] | join(" ")')"

h_assert_ok h_named_stop ns1
h_assert_ok h_named_stop ns3
h_assert_ok h_named_stop ns4
h_stop relay2 || true
h_stop relay3 || true
h_stop relay4 || true
exit 0
