#!/bin/bash
# kmsdns-check probes against real listeners on loopback: a KMS host (no
# Windows host can run here, so kms_responder.py answers the DCE/RPC bind as
# kms-rpc.md describes), an HTTP server, a listener that closes at once, an
# RPC server that rejects the KMS interface or naks the bind (not_kms,
# 0xC004F039), a closed port (nothing listens) and a "filtered" port (a
# listener whose accept queue is full, so the kernel drops our SYN and the
# connect times out, as behind a dropping firewall; both 0x800706BA), all
# hosts of the best priority down while a lower priority is up, one of two
# hosts down, and --no-rpc (connect only).
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
kms-http        IN A   127.0.0.34
kms-close       IN A   127.0.0.35
kms-reject      IN A   127.0.0.36
kms-nak         IN A   127.0.0.37
_vlmcs._tcp.open     IN SRV 0 0 $OPEN kms-open.p.test.
_vlmcs._tcp.closed   IN SRV 0 0 $CLOSED kms-closed.p.test.
_vlmcs._tcp.filtered IN SRV 0 0 $FULL kms-full.p.test.
_vlmcs._tcp.prio     IN SRV 0 0 $CLOSED kms-closed.p.test.
_vlmcs._tcp.prio     IN SRV 10 0 $OPEN kms-open.p.test.
_vlmcs._tcp.half     IN SRV 0 50 $CLOSED kms-closed.p.test.
_vlmcs._tcp.half     IN SRV 0 50 $OPEN kms-open.p.test.
_vlmcs._tcp.mcast    IN SRV 0 0 1688 kms-mcast.p.test.
_vlmcs._tcp.http     IN SRV 0 0 $OPEN kms-http.p.test.
_vlmcs._tcp.close    IN SRV 0 0 $OPEN kms-close.p.test.
_vlmcs._tcp.reject   IN SRV 0 0 $OPEN kms-reject.p.test.
_vlmcs._tcp.nak      IN SRV 0 0 $OPEN kms-nak.p.test.
_vlmcs._tcp.notkms   IN SRV 0 0 $OPEN kms-http.p.test.
_vlmcs._tcp.notkms   IN SRV 10 0 $OPEN kms-open.p.test.
ZONE
h_named_start ns1 - <<CONF
zone "p.test" { type primary; file "p.test.db"; };
CONF
SRV=(--server "127.0.0.1#$(h_named_port ns1)")
ck_kms open 127.0.0.31 "$OPEN" kms
ck_listen full 127.0.0.33 "$FULL" 1
ck_kms http 127.0.0.34 "$OPEN" http
ck_kms close 127.0.0.35 "$OPEN" close
ck_kms reject 127.0.0.36 "$OPEN" reject
ck_kms nak 127.0.0.37 "$OPEN" nak

# --- a KMS host accepts the bind: clients activate; the port is noted -----------
ck_run --suffix open.p.test "${SRV[@]}" --timeout 1000 --json
ck_expect_rc 0 "KMS host"
h_assert_eq "kms true true true" \
	"$(ck_json '[.suffixes[0].hosts[0].addresses[0].probe, .suffixes[0].hosts[0].reachable, .activates, .rpc_probed] | map(tostring) | join(" ")')"
h_assert_eq "port_not_default" "$(ck_json '[.findings[].id] | join(" ")')"
ck_run --suffix open.p.test "${SRV[@]}" --timeout 1000
h_assert_contains "$CK_OUT" "127.0.0.31  kms"
h_assert_contains "$CK_OUT" "Verdict: clients find a KMS host through _vlmcs._tcp.open.p.test; nothing wrong, 1 note"

# --- something else listens: not_kms 0xC004F039; the only host: 0xC004F074 ------
for kind in http close reject nak; do
	ck_run --suffix "$kind.p.test" "${SRV[@]}" --timeout 1000 --json
	ck_expect_rc 2 "$kind on the KMS port"
	h_assert_eq "not_kms false" \
		"$(ck_json '.suffixes[0].hosts[0] | "\(.addresses[0].probe) \(.reachable)"')"
	h_assert_eq "error no_kms_reachable 0xC004F074,warning not_kms 0xC004F039" \
		"$(ck_json '[.findings[] | select(.severity != "note") | "\(.severity) \(.id) \(.code)"] | join(",")')"
	h_assert_eq "0xC004F074" "$(ck_json '.client_code')"
	case $kind in
	http) why='not DCE/RPC: starts with "HTTP/1.1 400 Bad"' ;;
	close) # the FIN or, when the bind arrives after the close, an RST
		why=$(ck_json '.suffixes[0].hosts[0].addresses[0].probe_error')
		case $why in
		'closed the connection without answering the bind' | \
			'reset the connection instead of answering the bind') ;;
		*) h_fail "close at once: unexpected reason: $why" ;;
		esac ;;
	reject) why='bind_ack rejects the KMS interface (result 2 reason 1)' ;;
	nak) why='bind_nak: the RPC server refused the association' ;;
	esac
	h_assert_eq "$why" "$(ck_json '.suffixes[0].hosts[0].addresses[0].probe_error')"
done
ck_run --suffix http.p.test "${SRV[@]}" --timeout 1000
h_assert_contains "$CK_OUT" "127.0.0.34  not_kms: not DCE/RPC: starts with \"HTTP/1.1 400 Bad\""
h_assert_contains "$CK_OUT" "none of its 1 host(s) answers as a KMS host"
# a web server in front, the KMS host behind it: works, with a warning
ck_run --suffix notkms.p.test "${SRV[@]}" --timeout 1000 --json
ck_expect_rc 1 "not_kms first, KMS host second"
h_assert_eq "not_kms best_priority_down" \
	"$(ck_json '[.findings[] | select(.severity == "warning") | .id] | join(" ")')"
# --no-rpc: connect only, an open port counts
ck_run --suffix close.p.test "${SRV[@]}" --timeout 1000 --no-rpc --json
ck_expect_rc 0 "--no-rpc: connect only"
h_assert_eq "open true false" \
	"$(ck_json '[.suffixes[0].hosts[0].addresses[0].probe, .activates, .rpc_probed] | map(tostring) | join(" ")')"

# --- closed port: RST -> 0x800706BA, no host -> 0xC004F074 --------------------
ck_run --suffix closed.p.test "${SRV[@]}" --timeout 1000 --json
ck_expect_rc 2 "closed port"
h_assert_eq "closed" "$(ck_json '.suffixes[0].hosts[0].addresses[0].probe')"
h_assert_eq "warning port_closed 0x800706BA" \
	"$(ck_json '.findings[] | select(.id=="port_closed") | [.severity, .id, .code] | join(" ")')"
h_assert_eq "error no_kms_reachable 0xC004F074 0xC004F074" \
	"$(ck_json '(.findings[] | select(.severity=="error") | [.severity, .id, .code]) + [.client_code] | join(" ")')"

# --- filtered port: no answer to the SYN -> 0x800706BA (kms-rpc.md 5) -----------
ck_run --suffix filtered.p.test "${SRV[@]}" --timeout 500 --json
ck_expect_rc 2 "filtered port"
h_assert_eq "filtered" "$(ck_json '.suffixes[0].hosts[0].addresses[0].probe')"
h_assert_eq "port_filtered 0x800706BA" \
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
h_assert_eq "null" "$(ck_json '.suffixes[0].hosts[0].addresses[0].probe_error')" "no error for a KMS host"

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
h_assert_eq "filtered kms closed" "$(ck_json '[.suffixes[0,1,2].hosts[0].addresses[0].probe] | join(" ")')"
ck_run --suffix closed.p.test "${SRV[@]}" --no-probe --json
ck_expect_rc 0 "--no-probe does not connect"
h_assert_eq "not probed null" \
	"$(ck_json '[.suffixes[0].hosts[0].addresses[0].probe, .suffixes[0].hosts[0].reachable] | map(tostring) | join(" ")')"

for p in open full http close reject nak; do h_stop "$p" || true; done
h_assert_ok h_named_stop ns1
exit 0
