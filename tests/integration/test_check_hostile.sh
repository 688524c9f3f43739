#!/bin/bash
# kmsdns-check against a hostile DNS server (hostile_dns_check.py on loopback, the
# zones of issue 15 item 6): a 2,000-deep CNAME chain, 1,770 SRV records
# naming one target behind a 100- or 2,000-deep chain, 1,000 SRV records,
# 300 NS names, TC over TCP, an A record with RDLENGTH 3. Every run must end
# within its deadline (--timeout x (8 + suffixes), x (24 + suffixes) with
# --authoritative), send at most the documented number of queries
# (kmsdns-check(1), LIMITS), ask each server each question once, and name
# the limit it hit.
set -euo pipefail
# shellcheck source=harness.sh
. "$(cd "$(dirname "$0")" && pwd)/harness.sh"
# shellcheck source=check_lib.sh
. "$(cd "$(dirname "$0")" && pwd)/check_lib.sh"

h_require_cmd jq python3 ss timeout
h_init check_hostile

PORT=$(h_free_port)
CLOSED=$(h_free_port)
h_spawn hostile "$H_TMP/hostile.log" python3 \
	"$(cd "$(dirname "$0")" && pwd)/hostile_dns_check.py" 127.0.0.1 "$PORT" "$CLOSED"
h_wait_until 10 grep -q serving "$H_TMP/hostile.log" || h_fail "hostile DNS server did not start"
SRV=(--server "127.0.0.1#$PORT" --timeout 2000)

# hostile_run BOUND ARGS...: run kmsdns-check; check the deadline, that at
# most BOUND packets reached the server, and that no server got a question
# more often than 3 times over UDP (first send and two retransmissions) and
# twice over TCP (after TC, and the TCP check of the first suffix).
hostile_run() {
	local bound=$1 before after start elapsed deadline sent worst
	shift
	before=$(grep -c '^Q ' "$H_TMP/hostile.log" || true)
	start=$(date +%s%N)
	ck_run "$@" "${SRV[@]}" --json
	elapsed=$((($(date +%s%N) - start) / 1000000))
	after=$(grep -c '^Q ' "$H_TMP/hostile.log" || true)
	sent=$((after - before))
	deadline=$(ck_json '.deadline_ms')
	[ "$(ck_json '.deadline_reached')" = false ] || h_fail "$*: the deadline was reached: $(ck_json '.not_checked')"
	[ "$elapsed" -le "$deadline" ] || h_fail "$*: took $elapsed ms, deadline $deadline ms"
	[ "$elapsed" -le 10000 ] || h_fail "$*: took $elapsed ms"
	[ "$sent" -le "$bound" ] || h_fail "$*: $sent packets, more than the bound $bound"
	worst=$(tail -n "$sent" "$H_TMP/hostile.log" | sort | uniq -c | sort -rn | awk '
		($3 == "udp" && $1 > 3) || ($3 == "tcp" && $1 > 2) { print; exit }')
	[ -z "$worst" ] || h_fail "$*: a question asked too often: $worst"
	printf '# %s: %d ms (deadline %d ms), %d packets (bound %d)\n' "$*" "$elapsed" "$deadline" "$sent" "$bound"
}
findings() { ck_json '[.findings[].id] | unique | join(" ")'; }

# bounds (kmsdns-check(1), LIMITS), one suffix with one parent (h.test):
# questions 2 + parents + suffixes x (1 + 2 x 32), x 4 packets
PLAIN=$((4 * (2 + 1 + 1 * (1 + 2 * 32))))
# plus per suffix (2 + 2 x 8) + 64 x (3 + 2 x 32) + (2 + 2 x 8) + 64
AUTH=$((PLAIN + 4 * (18 + 64 * 67 + 18 + 64)))

# --- a 2,000-deep CNAME chain: followed to 8 links, a finding ---------------------
hostile_run "$PLAIN" --suffix chain.h.test
h_assert_contains "$(findings)" "cname_chain_too_long"
h_assert_contains "$(ck_json '.findings[] | select(.id=="cname_chain_too_long") | .message')" \
	"target t.chain.h.test is behind more than 8 CNAMEs (limit)"
hostile_run "$AUTH" --suffix chain.h.test --authoritative --ns-port "$PORT"
h_assert_contains "$(findings)" "cname_chain_too_long"
# 300 NS names, all at one address: 8 names taken, the address asked once
h_assert_contains "$(findings)" "too_many_ns"
h_assert_eq "1" "$(ck_json '.suffixes[0].authoritative.servers | length')"
h_assert_eq "zone h.test has 300 NS names: only the first 8 are asked (limit)" \
	"$(ck_json '[.findings[] | select(.id=="too_many_ns") | .message] | first')"

# --- 1,770 SRV records, one target behind 100 or 2,000 CNAMEs ----------------------
for zone in many many2; do
	hostile_run "$PLAIN" --suffix "$zone.h.test"
	h_assert_contains "$(findings)" "too_many_srv"
	h_assert_eq "_vlmcs._tcp.$zone.h.test: the answer holds 1770 SRV records: only the first 64 by priority are checked (limit)" \
		"$(ck_json '.findings[] | select(.id=="too_many_srv") | .message')"
	# the one target is looked up once (A: UDP, then TCP after TC)
	h_assert_eq "2" "$(tail -n 200 "$H_TMP/hostile.log" | grep -c " rd one.$zone.h.test 1$")"
done
h_assert_contains "$(findings)" "cname_chain_too_long"

# --- 1,000 SRV records with distinct targets, --authoritative ----------------------
hostile_run "$AUTH" --suffix wide.h.test --authoritative --ns-port "$PORT"
h_assert_contains "$(findings)" "too_many_srv"
h_assert_contains "$(findings)" "too_many_targets"
h_assert_contains "$(findings)" "too_many_ns"
h_assert_eq "32 32" "$(ck_json '[.suffixes[0].hosts[] | select(.checked)] | length'
	) $(ck_json '[.suffixes[0].hosts[] | select(.checked | not)] | length')"

# --- malformed answers name the server ---------------------------------------------
hostile_run "$PLAIN" --suffix tc.h.test
h_assert_eq "malformed TC set in the TCP answer from 127.0.0.1#$PORT" \
	"$(ck_json '.suffixes[0] | "\(.outcome) \(.error)"')"
hostile_run "$PLAIN" --suffix badlen.h.test
h_assert_contains "$(ck_json '.findings[] | select(.id=="malformed_answer") | .message')" \
	"the A/AAAA answer for target bad.badlen.h.test is malformed:"
h_assert_contains "$(ck_json '.findings[] | select(.id=="malformed_answer") | .message')" \
	"from 127.0.0.1#$PORT"

# --- hostile input on the command line is shown escaped, never raw ------------------
esc=$'\x1b'
ck_run --suffix "a${esc}[2J.test" --no-probe
h_assert_eq 64 "$CK_RC" "exit status of a bad --suffix"
h_assert_not_contains "$CK_ERR" "$esc" "raw ESC in the error of a bad --suffix"
h_assert_contains "$CK_ERR" '"a\x1b[2J.test"' "the bad --suffix shown escaped"
ck_run --format nagios --suffix "a${esc}.test" --no-probe
h_assert_not_contains "$CK_OUT" "$esc" "raw ESC in the nagios UNKNOWN line"
h_assert_contains "$CK_OUT" 'KMS DISCOVERY UNKNOWN - ' "nagios UNKNOWN line"
ck_run --format "j${esc}x"
h_assert_eq 64 "$CK_RC" "exit status of a bad --format"
h_assert_not_contains "$CK_ERR" "$esc" "raw ESC in the usage error of a bad --format"

h_stop hostile || true
exit 0
