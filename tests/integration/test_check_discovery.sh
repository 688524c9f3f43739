#!/bin/bash
# kmsdns-check against a real named with fixture zones, DNS checks only
# (--no-probe): NXDOMAIN, NODATA, SERVFAIL, timeout, "." target, CNAME
# target, target without address, several suffixes answering differently,
# Windows suffix rules with devolution, resolv.conf, weight shares,
# duplicates and weight 0, truncation + TCP, rogue/missing hosts, usage.
set -euo pipefail
# shellcheck source=harness.sh
. "$(cd "$(dirname "$0")" && pwd)/harness.sh"
# shellcheck source=check_lib.sh
. "$(cd "$(dirname "$0")" && pwd)/check_lib.sh"

h_require_root
h_require_cmd named named-checkconf dig jq python3 ss timeout
h_init check_discovery

NS=$(h_named_dir ns1)
DEAD=$(h_free_port)
{
	cat <<'ZONE'
$TTL 300
@               IN SOA ns1.a.test. hostmaster.a.test. ( 1 3600 600 86400 60 )
                IN NS  ns1.a.test.
ns1             IN A   127.0.0.1
kms1            IN A   127.0.0.21
kms2            IN A   127.0.0.22
kms3            IN A   127.0.0.23
alias           IN CNAME kms1
_vlmcs._tcp     IN SRV 0 60 1688 kms1.a.test.
_vlmcs._tcp     IN SRV 0 40 1688 kms2.a.test.
_vlmcs._tcp.nodata IN TXT "no srv here"
_vlmcs._tcp.dot IN SRV 0 0 0 .
_vlmcs._tcp.cname IN SRV 0 0 1688 alias.a.test.
_vlmcs._tcp.noaddr IN SRV 0 0 1688 ghost.a.test.
_vlmcs._tcp.other IN SRV 0 0 1688 kms3.a.test.
_vlmcs._tcp.mixed IN SRV 0 0 1688 kms1.a.test.
_vlmcs._tcp.mixed IN SRV 0 10 1688 kms2.a.test.
_vlmcs._tcp.mixed IN SRV 0 10 1689 kms2.a.test.
_vlmcs._tcp.mixed2 IN SRV 0 0 1689 kms2.a.test.
_vlmcs._tcp.longttl 172800 IN SRV 0 0 1688 kms1.a.test.
_vlmcs._tcp.rootmix IN SRV 0 0 0 .
_vlmcs._tcp.rootmix IN SRV 0 0 1688 kms1.a.test.
_vlmcs._tcp.lookupfail IN SRV 0 0 1688 kms.fail.test.
ZONE
	# 30 records with long targets: more than 512 bytes, so TC over UDP
	for i in $(seq 1 30); do
		printf '_vlmcs._tcp.big IN SRV 0 %d 1688 kms-host-with-a-long-name-%02d.a.test.\n' "$i" "$i"
		printf 'kms-host-with-a-long-name-%02d IN A 127.0.1.%d\n' "$i" "$i"
	done
} >"$NS/a.test.db"
# fail.test: a secondary whose primary is dead answers SERVFAIL
h_named_start ns1 - <<CONF
zone "a.test" { type primary; file "a.test.db"; };
zone "fail.test" { type secondary; primaries { 127.0.0.1 port $DEAD; }; file "fail.test.bak"; };
CONF
PORT=$(h_named_port ns1)
SRV=(--server "127.0.0.1#$PORT")

# --- one good suffix: exit 0, exact shares ---------------------------------
ck_run --suffix a.test "${SRV[@]}" --no-probe --json
ck_expect_rc 0 "good suffix"
h_assert_eq "a.test true " "$(ck_json '[.chosen_suffix, .activates, .client_code] | map(tostring) | join(" ") | sub("null$"; "")')"
h_assert_eq "kms1.a.test 0.599 kms2.a.test 0.401" \
	"$(ck_json '[.suffixes[0].hosts[] | .target, (.share * 1000 | round / 1000 | tostring)] | join(" ")')" \
	"RFC 2782 first-contact shares of weights 60/40"
h_assert_eq "note weights_and_caching" "$(ck_json '.findings[] | "\(.severity) \(.id)"')" \
	"only the note that host caching makes weights shape first contacts only"
h_assert_eq "300 not probed null" "$(ck_json '.suffixes[0] | "\(.ttl) \(.hosts[0].addresses[0].probe) \(.hosts[0].addresses[0].probe_ms)"')"
ck_run --suffix a.test "${SRV[@]}" --no-probe
h_assert_contains "$CK_OUT" "1. kms1.a.test:1688  priority 0 weight 60  first contact 59.9%"
h_assert_contains "$CK_OUT" "a client uses this suffix and contacts the hosts below in this order"
h_assert_contains "$CK_OUT" "Verdict: clients find a KMS host through _vlmcs._tcp.a.test (hosts not probed); nothing wrong, 1 note"
CK_RC=0
CK_OUT=$(timeout 60 "$CK_BIN" --suffix a.test "${SRV[@]}" --no-probe 2>&1 >/dev/full) || CK_RC=$?
ck_expect_rc 2 "stdout is full"
h_assert_contains "$CK_OUT" "kmsdns-check: cannot write the report to standard output: No space left on device"

# --- NXDOMAIN / NODATA / SERVFAIL / "." ------------------------------------
check_negative() { # SUFFIX OUTCOME CODE
	ck_run --suffix "$1" "${SRV[@]}" --no-probe --json
	ck_expect_rc 2 "$1"
	h_assert_eq "$2 $3 $3 false" \
		"$(ck_json '[.suffixes[0].outcome, .suffixes[0].code, .client_code, .activates] | map(tostring) | join(" ")')" "$1"
	h_assert_eq "error $2 $3" \
		"$(ck_json '.findings[0] | [.severity, .id, .code] | join(" ")')" "$1 finding"
}
check_negative missing.a.test nxdomain 0x8007232B
h_assert_eq "null" "$(ck_json '.suffixes[0].ttl')" "no TTL is made up for a name without records"
check_negative nodata.a.test nodata 0x8007251D
check_negative fail.test servfail 0x8007232A
check_negative dot.a.test unavailable 0x8007251D
ck_run --suffix missing.a.test "${SRV[@]}" --no-probe
h_assert_contains "$CK_OUT" "a client has no suffix left: activation fails"
h_assert_contains "$CK_OUT" "[error] nxdomain: _vlmcs._tcp.missing.a.test SRV: the name does not exist (NXDOMAIN); no suffix gives usable records
      client code 0x8007232B DNS name does not exist
      fix: if clients should find KMS hosts here, publish the SRV records"
h_assert_contains "$CK_OUT" "Verdict: clients fail with 0x8007232B DNS name does not exist; 1 error"

# --- no answer at all: ICMP refused, and a server that never answers --------
ck_run --suffix a.test --server "127.0.0.1#$DEAD" --no-probe --timeout 300 --json
ck_expect_rc 2 "dead server"
h_assert_eq "network_error 0x8007232A" "$(ck_json '[.suffixes[0].outcome, .client_code] | join(" ")')"
h_assert_eq "UDP receive: Connection refused" "$(ck_json '.suffixes[0].error')"
h_assert_contains "$(ck_json '.findings[0].message')" "the query failed (network error): UDP receive: Connection refused"
SILENT=$(h_free_port)
h_spawn silent "$H_TMP/silent.log" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
print("bound", flush=True)
while True:
    s.recv(4096)
' "$SILENT"
h_wait_until 10 grep -q bound "$H_TMP/silent.log" || h_fail "silent UDP server did not start"
ck_run --suffix a.test --server "127.0.0.1#$SILENT" --no-probe --timeout 300 --json
ck_expect_rc 2 "silent server"
h_assert_eq "timeout 0x8007232A" "$(ck_json '[.suffixes[0].outcome, .client_code] | join(" ")')"
h_stop silent || true
# a UDP server that always truncates, with nothing on TCP: the retry fails
TCONLY=$(h_free_port)
h_spawn tconly "$H_TMP/tconly.log" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
print("bound", flush=True)
while True:
    query, client = s.recvfrom(4096)
    answer = bytearray(query)
    answer[2] |= 0x82  # QR and TC
    answer[3] = 0
    s.sendto(bytes(answer), client)
' "$TCONLY"
h_wait_until 10 grep -q bound "$H_TMP/tconly.log" || h_fail "truncating UDP server did not start"
ck_run --suffix a.test --server "127.0.0.1#$TCONLY" --no-probe --timeout 500 --json
ck_expect_rc 2 "TCP retry fails"
h_assert_eq "network_error true 0x8007232A" \
	"$(ck_json '.suffixes[0] | [.outcome, .truncated, .code] | map(tostring) | join(" ")')"
h_assert_contains "$(ck_json '.findings[0].message')" "after a truncated UDP answer"
h_stop tconly || true
# a server that answers over UDP only (TCP port 53 blocked): a finding
UDPONLY=$(h_free_port)
h_spawn udponly "$H_TMP/udponly.log" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
print("bound", flush=True)
while True:
    query, client = s.recvfrom(4096)
    reply = bytearray(query)
    reply[2] |= 0x80  # QR: NOERROR, no records
    reply[3] = 0
    s.sendto(bytes(reply), client)
' "$UDPONLY"
h_wait_until 10 grep -q bound "$H_TMP/udponly.log" || h_fail "UDP-only server did not start"
ck_run --suffix a.test --server "127.0.0.1#$UDPONLY" --no-probe --timeout 500 --json
ck_expect_rc 2 "UDP only: NODATA, and TCP fails"
h_assert_eq "nodata|network error: TCP connect: Connection refused" \
	"$(ck_json '"\(.suffixes[0].outcome)|\(.tcp_error)"')"
h_assert_eq "warning tcp_failed 0x8007232A" \
	"$(ck_json '.findings[] | select(.id=="tcp_failed") | [.severity, .id, .code] | join(" ")')"
h_assert_contains "$(ck_json '.findings[] | select(.id=="tcp_failed") | .message')" \
	"the --server 127.0.0.1#$UDPONLY answers over UDP but not over TCP (network error: TCP connect: Connection refused)"
h_stop udponly || true
ck_run --suffix a.test "${SRV[@]}" --no-probe --json
h_assert_eq "null" "$(ck_json '.tcp_error')" "named answers over TCP"
# a server that truncates over UDP and, over TCP, sends the length prefix
# one byte at a time a second apart: the wait must not spin on the CPU
SLOWTCP=$(h_free_port)
h_spawn slowtcp "$H_TMP/slowtcp.log" python3 -c '
import socket, struct, sys, threading, time
port = int(sys.argv[1])
def answer(query):
    reply = bytearray(query)
    reply[2] |= 0x80  # QR: NOERROR, no records
    reply[3] = 0
    return bytes(reply)
def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    while True:
        query, client = s.recvfrom(4096)
        reply = bytearray(answer(query))
        reply[2] |= 0x02  # TC
        s.sendto(bytes(reply), client)
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("127.0.0.1", port))
t.listen(8)
threading.Thread(target=udp, daemon=True).start()
print("bound", flush=True)
def serve(c):
    size = struct.unpack(">H", c.recv(2))[0]
    query = b""
    while len(query) < size:
        query += c.recv(size - len(query))
    reply = answer(query)
    prefix = struct.pack(">H", len(reply))
    c.sendall(prefix[:1])
    time.sleep(1)
    c.sendall(prefix[1:] + reply)
    c.close()
while True:
    c, _ = t.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
' "$SLOWTCP"
h_wait_until 10 grep -q bound "$H_TMP/slowtcp.log" || h_fail "slow TCP server did not start"
cpu=$(timeout 60 /usr/bin/time -f '%U %S' "$CK_BIN" --suffix a.test --server "127.0.0.1#$SLOWTCP" \
	--no-probe --timeout 3000 --json 2>&1 >"$H_TMP/slowtcp.json" | tail -1) || true
h_assert_eq "nodata true" "$(jq -r '.suffixes[0] | "\(.outcome) \(.truncated)"' "$H_TMP/slowtcp.json")" \
	"answer read after a split length prefix"
awk -v t="$cpu" 'BEGIN { split(t, f, " "); exit !(f[1] + f[2] < 0.5) }' ||
	h_fail "waiting 1 s for the second prefix byte used $cpu s of CPU (user sys)"
h_stop slowtcp || true

# --- per-record findings ----------------------------------------------------
ck_run --suffix cname.a.test "${SRV[@]}" --no-probe --json
ck_expect_rc 1 "CNAME target"
h_assert_eq "warning target_cname alias.a.test" \
	"$(ck_json '.findings[] | select(.id=="target_cname") | [.severity, .id, .target] | join(" ")')"
h_assert_eq "true kms1.a.test 127.0.0.21" \
	"$(ck_json '.suffixes[0].hosts[0] | [.cname, .cname_target, .addresses[0].address] | map(tostring) | join(" ")')"

ck_run --suffix noaddr.a.test "${SRV[@]}" --no-probe --json
ck_expect_rc 2 "target without address"
h_assert_eq "target_no_address 0x800706BA" \
	"$(ck_json '.findings[] | select(.id=="target_no_address") | [.id, .code] | join(" ")')"
h_assert_eq "no_kms_reachable 0xC004F074" \
	"$(ck_json '.findings[] | select(.severity=="error") | [.id, .code] | join(" ")')"
h_assert_eq "true true" "$(ck_json '.suffixes[0].hosts[0] | "\(.no_address) \(.checked)"')"

ck_run --suffix mixed.a.test "${SRV[@]}" --no-probe --json
ck_expect_rc 1 "duplicates and weight 0"
h_assert_eq "duplicate_target kms2.a.test" \
	"$(ck_json '.findings[] | select(.id=="duplicate_target") | [.id, .target] | join(" ")')"
h_assert_eq "weight_zero_mixed kms1.a.test" \
	"$(ck_json '.findings[] | select(.id=="weight_zero_mixed") | [.id, .target] | join(" ")')"
h_assert_eq "note port_not_default" \
	"$(ck_json '.findings[] | select(.id=="port_not_default") | [.severity, .id] | join(" ")')"

# a record under two suffixes: one finding per suffix, each naming its owner
ck_run --suffix mixed.a.test --suffix mixed2.a.test "${SRV[@]}" --no-probe --json
h_assert_eq "mixed.a.test|_vlmcs._tcp.mixed.a.test: kms2.a.test uses port 1689, not 1688: the KMS host must listen there
mixed2.a.test|_vlmcs._tcp.mixed2.a.test: kms2.a.test uses port 1689, not 1688: the KMS host must listen there" \
	"$(ck_json '.findings[] | select(.id=="port_not_default") | "\(.suffix)|\(.message)"')"
ck_run --suffix mixed.a.test --suffix mixed2.a.test "${SRV[@]}" --no-probe
h_assert_eq "2" "$(printf '%s\n' "$CK_OUT" | grep -c 'port_not_default: _vlmcs._tcp.mixed2\?.a.test: kms2.a.test uses port 1689')" \
	"text report: one port_not_default line per owner name"
h_assert_contains "$CK_OUT" "2. _vlmcs._tcp.mixed2.a.test  records
  a client never gets here: it stops at an earlier suffix"

# "." next to a real target; a target whose A/AAAA lookups fail (SERVFAIL)
ck_run --suffix rootmix.a.test "${SRV[@]}" --no-probe --json
ck_expect_rc 1 "root target mixed"
h_assert_eq "warning root_target_mixed kms1.a.test" \
	"$(ck_json '(.findings[] | select(.id=="root_target_mixed") | .severity, .id), (.suffixes[0].hosts[] | .target)' | paste -sd' ')"
h_assert_contains "$(ck_json '.findings[] | select(.id=="root_target_mixed") | .message')" \
	"_vlmcs._tcp.rootmix.a.test: 1 SRV record(s) with target \".\" next to real hosts"
ck_run --suffix lookupfail.a.test "${SRV[@]}" --no-probe --json
ck_expect_rc 2 "target lookup fails"
h_assert_eq "true warning target_lookup_failed 0x8007232A kms.fail.test" \
	"$(ck_json '(.suffixes[0].hosts[0].lookup_failed | tostring), (.findings[] | select(.id=="target_lookup_failed") | .severity, .id, .code, .target)' | paste -sd' ')"

# a TTL of two days: a removed host stays in caches that long
ck_run --suffix longttl.a.test "${SRV[@]}" --no-probe --json
ck_expect_rc 0 "long TTL is a note"
h_assert_eq "note ttl_long longttl.a.test _vlmcs._tcp.longttl.a.test: the SRV TTL is 172800 s, more than a day: a removed KMS host stays in resolver caches that long" \
	"$(ck_json '.findings[] | select(.id=="ttl_long") | [.severity, .id, .suffix, .message] | join(" ")')"
ck_run --suffix a.test "${SRV[@]}" --no-probe --json
h_assert_eq "0" "$(ck_json '[.findings[] | select(.id=="ttl_long")] | length')" "TTL 300 is fine"

# --- truncation: the answer is fetched again over TCP -------------------------
h_assert_contains "$(h_dig +ignore +noedns _vlmcs._tcp.big.a.test SRV)" " tc" "UDP answer is truncated"
ck_run --suffix big.a.test "${SRV[@]}" --no-probe --json
ck_expect_rc 0 "truncated answer"
h_assert_eq "records true 30" \
	"$(ck_json '.suffixes[0] | [.outcome, .truncated, (.hosts | length)] | map(tostring) | join(" ")')"
h_assert_eq "note truncated" "$(ck_json '.findings[] | select(.id=="truncated") | [.severity, .id] | join(" ")')"
h_assert_eq "127.0.1.30" "$(ck_json '.suffixes[0].hosts[0].addresses[0].address')" \
	"heaviest host first, its address looked up"

# --- several suffixes: first usable wins, disagreement is a warning ------------
ck_run --suffix missing.a.test --suffix a.test --suffix other.a.test "${SRV[@]}" --no-probe --json
ck_expect_rc 1 "several suffixes"
h_assert_eq "a.test" "$(ck_json '.chosen_suffix')"
h_assert_eq "nxdomain:true records:true records:false" \
	"$(ck_json '[.suffixes[] | "\(.outcome):\(.queried_by_client)"] | join(" ")')"
h_assert_eq "note nxdomain missing.a.test" \
	"$(ck_json '.findings[] | select(.id=="nxdomain") | [.severity, .id, .suffix] | join(" ")')"
h_assert_eq "warning other.a.test" \
	"$(ck_json '.findings[] | select(.id=="suffixes_disagree") | [.severity, .suffix] | join(" ")')"
ck_run --suffix a.test --suffix A.TEST. "${SRV[@]}" --no-probe --json
h_assert_eq "1" "$(ck_json '.suffixes | length')" "duplicate suffix asked once"

# --- Windows rules: primary, connection suffix, devolution ---------------------
# records only at a parent reached by devolution: undocumented for KMS, so a
# warning, and the verdict is what a client gets without devolution
ck_run --primary-suffix site.missing.a.test "${SRV[@]}" --no-probe --json
ck_expect_rc 1 "devolution reaches a.test"
h_assert_eq "site.missing.a.test missing.a.test a.test" "$(ck_json '[.suffixes[].suffix] | join(" ")')"
h_assert_eq "false true true" "$(ck_json '[.suffixes[].devolved] | map(tostring) | join(" ")')"
h_assert_eq "a.test false true 0x8007232B" "$(ck_json '"\(.chosen_suffix) \(.activates) \(.via_devolution) \(.client_code)"')"
h_assert_eq "warning devolution_only 0x8007232B" \
	"$(ck_json '[.findings[] | select(.severity != "note") | "\(.severity) \(.id) \(.code)"] | join(",")')"
h_assert_contains "$(ck_json '.findings[] | select(.id=="devolution_only") | .message')" \
	"publish into site.missing.a.test as well"
ck_run --primary-suffix site.missing.a.test "${SRV[@]}" --no-probe
h_assert_contains "$CK_OUT" "Verdict: clients find a KMS host only if they devolve to _vlmcs._tcp.a.test (undocumented); without it they fail with 0x8007232B"
ck_run --primary-suffix a.test "${SRV[@]}" --no-probe --json
ck_expect_rc 0 "records at the primary suffix itself"
ck_run --primary-suffix site.missing.a.test --connection-suffix other.a.test "${SRV[@]}" --no-probe --json
h_assert_eq "site.missing.a.test other.a.test missing.a.test a.test" "$(ck_json '[.suffixes[].suffix] | join(" ")')"
h_assert_eq "other.a.test" "$(ck_json '.chosen_suffix')" "connection suffix comes before devolution"
ck_run --primary-suffix site.missing.a.test --devolution 0 "${SRV[@]}" --no-probe --json
ck_expect_rc 2 "devolution off"
h_assert_eq "1 0x8007232B" "$(ck_json '"\(.suffixes | length) \(.client_code)"')"
# the records are at a parent the list does not hold: the failure's cause
h_assert_eq "a.test:2" "$(ck_json '[.unasked_suffixes[] | "\(.suffix):\(.records)"] | join(" ")')"
h_assert_eq "warning records_not_asked a.test" \
	"$(ck_json '.findings[] | select(.id=="records_not_asked") | [.severity, .id, .suffix] | join(" ")')"
h_assert_eq "_vlmcs._tcp.a.test has 2 SRV record(s), but a.test is not on the clients' suffix list: nslookup and dig may find them, clients never ask there" \
	"$(ck_json '.findings[] | select(.id=="records_not_asked") | .message')"
ck_run --suffix other.a.test "${SRV[@]}" --no-probe --json
ck_expect_rc 0 "records at an unasked parent, clients activate anyway"
h_assert_eq "note records_not_asked a.test" \
	"$(ck_json '.findings[] | select(.id=="records_not_asked") | [.severity, .id, .suffix] | join(" ")')"
ck_run --suffix site.missing.a.test --suffix missing.a.test --suffix a.test "${SRV[@]}" --no-probe --json
h_assert_eq "0" "$(ck_json '.unasked_suffixes | length')" "parents on the list are not asked twice"
ck_run --primary-suffix site.missing.a.test --search missing.a.test,a.test "${SRV[@]}" --no-probe --json
h_assert_eq "missing.a.test a.test" "$(ck_json '[.suffixes[].suffix] | join(" ")')" "search list alone"
# no primary suffix: a warning in every Windows form (search list alone too)
for form in --connection-suffix --search; do
	ck_run "$form" a.test "${SRV[@]}" --no-probe --json
	ck_expect_rc 1 "no primary suffix ($form)"
	h_assert_eq "no_primary_suffix 0x8007007B true" \
		"$(ck_json '"\(.findings[0].id) \(.findings[0].code) \(.activates)"')"
done

# --- resolv.conf: search list; empty list ------------------------------------
printf 'search missing.a.test a.test\nnameserver 127.0.0.1\n' >"$H_TMP/resolv.conf"
ck_run --resolv-conf "$H_TMP/resolv.conf" "${SRV[@]}" --no-probe --json
ck_expect_rc 0 "resolv.conf search list"
h_assert_eq "missing.a.test a.test" "$(ck_json '[.suffixes[].suffix] | join(" ")')"
printf 'nameserver 127.0.0.1\n' >"$H_TMP/empty.conf"
ck_run --resolv-conf "$H_TMP/empty.conf" "${SRV[@]}" --no-probe --json
ck_expect_rc 2 "empty suffix list"
h_assert_eq "error no_suffix 0x8007007B 0x8007007B" \
	"$(ck_json '[.findings[0].severity, .findings[0].id, .findings[0].code, .client_code] | join(" ")')"

# --- records only at the bare name (dnsmasq srv-host without a domain): ns2
# serves the root zone with _vlmcs._tcp. SRV, which clients never ask ----------
NS2=$(h_named_dir ns2)
cat >"$NS2/root.db" <<'ZONE'
$TTL 300
@               IN SOA ns.root.test. hostmaster.root.test. ( 1 3600 600 86400 60 )
                IN NS  ns.root.test.
ns.root.test.   IN A   127.0.0.1
kms.lan.        IN A   127.0.0.81
_vlmcs._tcp     IN SRV 0 0 1688 kms.lan.
ZONE
h_named_start ns2 - <<CONF
zone "." { type primary; file "root.db"; };
CONF
SRV2=(--server "127.0.0.1#$(h_named_port ns2)")
h_assert_contains "$(timeout 10 dig @127.0.0.1 -p "$(h_named_port ns2)" +short _vlmcs._tcp. SRV)" "0 0 1688 kms.lan." \
	"dig finds the bare name"
ck_run --suffix lan "${SRV2[@]}" --no-probe --json
ck_expect_rc 2 "records only at the bare name"
h_assert_eq "1 nxdomain" "$(ck_json '"\(.bare_records) \(.suffixes[0].outcome)"')"
h_assert_eq "warning bare_name_records 0x8007232B" \
	"$(ck_json '.findings[] | select(.id=="bare_name_records") | [.severity, .id, .code] | join(" ")')"
h_assert_contains "$(ck_json '.findings[] | select(.id=="bare_name_records") | .message')" \
	"_vlmcs._tcp. (without a domain) has 1 SRV record(s): nslookup or dig with a search list may show them, but Windows clients only ask _vlmcs._tcp.<suffix>"
ck_run --resolv-conf "$H_TMP/empty.conf" "${SRV2[@]}" --no-probe --json
ck_expect_rc 2 "empty suffix list, bare-name records"
h_assert_eq "no_suffix bare_name_records" "$(ck_json '[.findings[].id] | join(" ")')"
ck_run --suffix a.test "${SRV[@]}" --no-probe --json
h_assert_eq "0" "$(ck_json '.bare_records')" "ns1 has nothing at the bare name"
h_assert_ok h_named_stop ns2

# --- --expect: rogue and missing hosts ------------------------------------------
ck_run --suffix a.test "${SRV[@]}" --no-probe --expect kms1.a.test --expect KMS9.a.test --json
ck_expect_rc 1 "rogue host"
h_assert_eq "rogue_host kms2.a.test" \
	"$(ck_json '.findings[] | select(.id=="rogue_host") | [.id, .target] | join(" ")')"
h_assert_eq "expected_missing kms9.a.test" \
	"$(ck_json '.findings[] | select(.id=="expected_missing") | [.id, .target] | join(" ")')"
ck_run --suffix a.test "${SRV[@]}" --no-probe --expect kms1.a.test --expect kms2.a.test
ck_expect_rc 0 "all expected"
ck_run --suffix a.test "${SRV[@]}" --no-probe --expect kms1
ck_expect_rc 64 "--expect takes FQDNs only"
h_assert_eq 'kmsdns-check: --expect: "kms1" is not a fully qualified host name (e.g. kms1.example.test) (see kmsdns-check --help)' \
	"$CK_ERR" "one line pointing to --help"

# --- usage errors and bad input: exit 64, one line naming the input -------------
ck_run --suffix a.test --resolv-conf /x
ck_expect_rc 64 "mixed suffix modes"
h_assert_contains "$CK_ERR" "kmsdns-check: --resolv-conf cannot be combined with --suffix"
ck_run --suffix 'bad..name' "${SRV[@]}"
ck_expect_rc 64 "bad suffix"
h_assert_contains "$CK_ERR" "--suffix: bad suffix"
printf 'search a.test\nnameserver not-an-ip\n' >"$H_TMP/bad.conf"
ck_run --resolv-conf "$H_TMP/bad.conf"
ck_expect_rc 64 "bad resolv.conf"
h_assert_contains "$CK_ERR" "$H_TMP/bad.conf:2: nameserver \"not-an-ip\" is not an IP address"
ck_run --timeout 0 --suffix a.test "${SRV[@]}"
ck_expect_rc 64 "bad timeout"
# with --json too: nothing on stdout (ck_run checks), one line on stderr
ck_run --resolv-conf "$H_TMP/bad.conf" --json
ck_expect_rc 64 "bad resolv.conf, --json"
h_assert_eq "1" "$(printf '%s\n' "$CK_ERR" | wc -l)" "one line on stderr"
long=$(printf 'abcdefghij.%.0s' $(seq 1 22))test
ck_run --suffix "$long" "${SRV[@]}" --json
ck_expect_rc 64 "suffix too long for the service name, --json"
h_assert_contains "$CK_ERR" "kmsdns-check: _vlmcs._tcp.$long is longer than 253 characters"
ck_run --help --json
ck_expect_rc 0 "--help wins over --json"
h_assert_contains "$CK_OUT" "usage: kmsdns-check"
ck_run --help
ck_expect_rc 0 "--help"
h_assert_contains "$CK_OUT" "usage: kmsdns-check"
ck_run --version
ck_expect_rc 0 "--version"
h_assert_contains "$CK_OUT" "kmsdns-check (kmsdns) "

h_assert_ok h_named_stop ns1
exit 0
