#!/bin/bash
# kmsdns-check TCP probes against real listeners on loopback: an open port
# (a listener started here), a closed port (nothing listens), a "filtered"
# port (a listener whose accept queue is full, so the kernel drops our SYN
# and the connect times out, as behind a dropping firewall), all hosts of
# the best priority down while a lower priority is up, and one of two
# hosts down.
set -euo pipefail
# shellcheck source=harness.sh
. "$(cd "$(dirname "$0")" && pwd)/harness.sh"
# shellcheck source=check_lib.sh
. "$(cd "$(dirname "$0")" && pwd)/check_lib.sh"

h_require_root
h_require_cmd named named-checkconf dig jq python3 ss timeout
h_init check_probe

OPEN=$(h_free_port)
CLOSED=$(h_free_port)
FULL=$(h_free_port)
NS=$(h_named_dir ns1)
cat >"$NS/p.test.db" <<ZONE
\$TTL 300
@               IN SOA ns1.p.test. hostmaster.p.test. ( 1 3600 600 86400 60 )
                IN NS  ns1.p.test.
ns1             IN A   127.0.0.1
kms-open        IN A   127.0.0.31
kms-closed      IN A   127.0.0.32
kms-full        IN A   127.0.0.33
kms-mcast       IN A   224.0.0.1
_vlmcs._tcp.open     IN SRV 0 0 $OPEN kms-open.p.test.
_vlmcs._tcp.closed   IN SRV 0 0 $CLOSED kms-closed.p.test.
_vlmcs._tcp.filtered IN SRV 0 0 $FULL kms-full.p.test.
_vlmcs._tcp.prio     IN SRV 0 0 $CLOSED kms-closed.p.test.
_vlmcs._tcp.prio     IN SRV 10 0 $OPEN kms-open.p.test.
_vlmcs._tcp.half     IN SRV 0 50 $CLOSED kms-closed.p.test.
_vlmcs._tcp.half     IN SRV 0 50 $OPEN kms-open.p.test.
_vlmcs._tcp.mcast    IN SRV 0 0 1688 kms-mcast.p.test.
ZONE
h_named_start ns1 - <<CONF
zone "p.test" { type primary; file "p.test.db"; };
CONF
SRV=(--server "127.0.0.1#$(h_named_port ns1)")
ck_listen open 127.0.0.31 "$OPEN"
ck_listen full 127.0.0.33 "$FULL" 1

# --- open port: clients activate; only the non-default port is noted -----------
ck_run --suffix open.p.test "${SRV[@]}" --timeout 1000 --json
ck_expect_rc 0 "open port"
h_assert_eq "open true true" \
	"$(ck_json '[.suffixes[0].hosts[0].addresses[0].probe, .suffixes[0].hosts[0].reachable, .activates] | map(tostring) | join(" ")')"
h_assert_eq "port_not_default" "$(ck_json '[.findings[].id] | join(" ")')"
ck_run --suffix open.p.test "${SRV[@]}" --timeout 1000
h_assert_contains "$CK_OUT" "127.0.0.31  open"
h_assert_contains "$CK_OUT" "Verdict: clients find a KMS host through _vlmcs._tcp.open.p.test; nothing wrong, 1 note"

# --- closed port: RST -> 0x800706BA, no host -> 0xC004F074 --------------------
ck_run --suffix closed.p.test "${SRV[@]}" --timeout 1000 --json
ck_expect_rc 2 "closed port"
h_assert_eq "closed" "$(ck_json '.suffixes[0].hosts[0].addresses[0].probe')"
h_assert_eq "warning port_closed 0x800706BA" \
	"$(ck_json '.findings[] | select(.id=="port_closed") | [.severity, .id, .code] | join(" ")')"
h_assert_eq "error no_kms_reachable 0xC004F074 0xC004F074" \
	"$(ck_json '(.findings[] | select(.severity=="error") | [.severity, .id, .code]) + [.client_code] | join(" ")')"

# --- filtered port: no answer within the timeout -> 0xC004F039 ------------------
ck_run --suffix filtered.p.test "${SRV[@]}" --timeout 500 --json
ck_expect_rc 2 "filtered port"
h_assert_eq "filtered" "$(ck_json '.suffixes[0].hosts[0].addresses[0].probe')"
h_assert_eq "port_filtered 0xC004F039" \
	"$(ck_json '.findings[] | select(.id=="port_filtered") | [.id, .code] | join(" ")')"
ms=$(ck_json '.suffixes[0].hosts[0].addresses[0].probe_ms')
if [ "$ms" -lt 450 ] || [ "$ms" -ge 3000 ]; then
	h_fail "filtered probe took $ms ms, expected about the 500 ms timeout"
fi

# --- an address connect() refuses locally (multicast): the error is named ------
ck_run --suffix mcast.p.test "${SRV[@]}" --timeout 1000 --json
ck_expect_rc 2 "unreachable address"
h_assert_eq "error Network is unreachable" \
	"$(ck_json '.suffixes[0].hosts[0].addresses[0] | "\(.probe) \(.probe_error)"')"
h_assert_eq "warning probe_error 0x800706BA _vlmcs._tcp.mcast.p.test: kms-mcast.p.test (224.0.0.1) cannot be reached on TCP port 1688: Network is unreachable" \
	"$(ck_json '.findings[] | select(.id=="probe_error") | [.severity, .id, .code, .message] | join(" ")')"
ck_run --suffix mcast.p.test "${SRV[@]}" --timeout 1000
h_assert_contains "$CK_OUT" "       224.0.0.1  error: Network is unreachable ("
ck_run --suffix open.p.test "${SRV[@]}" --timeout 1000 --json
h_assert_eq "null" "$(ck_json '.suffixes[0].hosts[0].addresses[0].probe_error')" "no error for an open port"

# --- best priority down, lower priority up: works, but a warning ----------------
ck_run --suffix prio.p.test "${SRV[@]}" --timeout 1000 --json
ck_expect_rc 1 "best priority down"
h_assert_eq "true" "$(ck_json '.activates')"
h_assert_eq "warning best_priority_down" \
	"$(ck_json '.findings[] | select(.id=="best_priority_down") | [.severity, .id] | join(" ")')"
h_assert_eq "kms-closed.p.test:1 kms-open.p.test:0" \
	"$(ck_json '[.suffixes[0].hosts[] | "\(.target):\(.share)"] | join(" ")')" \
	"only the best priority gets first contacts"

# --- one of two equal hosts down: warning, not a failure --------------------------
ck_run --suffix half.p.test "${SRV[@]}" --timeout 1000 --json
ck_expect_rc 1 "one host down"
h_assert_eq "port_closed" "$(ck_json '[.findings[] | select(.severity!="note") | .id] | join(" ")')"

# --- probes run concurrently: the filtered and the others in one timeout ---------
start=$(date +%s%N)
ck_run --suffix filtered.p.test --suffix open.p.test --suffix closed.p.test --suffix half.p.test \
	"${SRV[@]}" --timeout 800 --json
elapsed=$((($(date +%s%N) - start) / 1000000))
[ "$elapsed" -lt 2500 ] || h_fail "4 suffixes with a filtered host took $elapsed ms"
h_assert_eq "filtered open closed" "$(ck_json '[.suffixes[0,1,2].hosts[0].addresses[0].probe] | join(" ")')"
ck_run --suffix closed.p.test "${SRV[@]}" --no-probe --json
ck_expect_rc 0 "--no-probe does not connect"
h_assert_eq "not probed null" \
	"$(ck_json '[.suffixes[0].hosts[0].addresses[0].probe, .suffixes[0].hosts[0].reachable] | map(tostring) | join(" ")')"

h_stop open || true
h_stop full || true
h_assert_ok h_named_stop ns1
exit 0
