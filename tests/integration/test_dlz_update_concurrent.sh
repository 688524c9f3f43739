#!/bin/bash
# Concurrent UPDATEs of one zone by different signers: an "any" key
# (three clients) and a "self" key named like host kms9 (one client adding
# its own records, one trying a foreign target). BIND does not tell the
# module which transaction belongs to which check, so this is where a
# transaction could be attributed to the wrong signer. Asserts: the
# foreign target is never stored; every stored registration carries the
# signer that sent it; every acknowledged UPDATE of the "any" key is stored
# and every stored one was acknowledged, and the self key's one SRV record
# (each add replaces the previous one) is its last acknowledged one; refusals are REFUSED, never SERVFAIL; UPDATEs by
# the two signers one after the other are all accepted.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"
# shellcheck source=dlz_lib.sh
. "$here/dlz_lib.sh"

dlz_require
h_require_cmd jq
h_init dlz_update_concurrent
dlz_registry_init
dlz_reg zone add example.test --ns ns1.example.test=127.0.0.1 --ttl 60 >/dev/null
dlz_reg grant admin-key --zone example.test any >/dev/null
dlz_reg grant kms9.example.test --zone example.test self >/dev/null
ADMIN=$(h_tsig_key admin-key)
SELF=$(h_tsig_key kms9.example.test)
dlz_named_start ns1 - <<EOF
include "$ADMIN";
include "$SELF";
EOF
port=$(h_named_port ns1)
N=40

# sender LABEL KEYFILE TARGET FIRST: N UPDATEs adding SRV records of TARGET
# with ports FIRST..; the outcome of each goes to $H_TMP/out.LABEL as
# "PORT ok" or "PORT RCODE".
sender() {
	local label=$1 key=$2 target=$3 p=$4 end=$(($4 + N)) out
	while [ "$p" -lt "$end" ]; do
		if out=$(printf 'server 127.0.0.1 %s\nzone example.test\nupdate add _vlmcs._tcp.example.test. 60 IN SRV 0 0 %s %s.\nsend\n' \
			"$port" "$p" "$target" | timeout 10 nsupdate -t 3 -u 1 -r 0 -k "$key" 2>&1); then
			echo "$p ok"
		else
			echo "$p $(echo "$out" | sed -n 's/.*update failed: \([A-Z]*\).*/\1/p')"
		fi
		p=$((p + 1))
	done >"$H_TMP/out.$label"
}

# Sequential UPDATEs alternating between the signers are never refused.
for i in $(seq 1 10); do
	for k in "$ADMIN kms1.example.test" "$SELF kms9.example.test"; do
		set -- $k
		printf 'server 127.0.0.1 %s\nzone example.test\nupdate add _vlmcs._tcp.example.test. 60 IN SRV 0 0 %s %s.\nsend\n' \
			"$port" $((9000 + i)) "$2" | timeout 10 nsupdate -t 3 -u 1 -r 0 -k "$1" ||
			h_fail "sequential UPDATE $i for $2 failed"
		echo "$((9000 + i)) ok" >>"$H_TMP/out.sequential"
	done
done

pids=()
for i in 1 2 3; do
	sender "admin$i" "$ADMIN" "kms$i.example.test" $((10000 + i * 1000)) &
	pids+=($!)
done
sender own "$SELF" kms9.example.test 19000 &
pids+=($!)
sender foreign "$SELF" victim.example.test 29000 &
pids+=($!)
for p in "${pids[@]}"; do wait "$p"; done

outcomes=$(cat "$H_TMP"/out.* | awk '{print $2}' | sort | uniq -c | tr -s ' ' | paste -sd, -)
h_log "outcomes: $outcomes"
h_assert_not_contains "$(cat "$H_TMP"/out.*)" "SERVFAIL" "SERVFAIL for an UPDATE"
h_assert_eq "" "$(awk '$2 != "ok" && $2 != "REFUSED"' "$H_TMP"/out.*)" "UPDATE outcomes other than ok or REFUSED"
h_assert_eq "" "$(awk '$2 == "ok"' "$H_TMP/out.foreign")" "foreign-target UPDATEs acknowledged"

json=$("$DLZ_TOOL" --db "$DLZ_DB" host list example.test --json)
h_assert_eq "" "$(echo "$json" | jq -r '.[] | select(.target == "victim.example.test") | .port')" \
	"foreign target stored"
h_assert_eq "" "$(echo "$json" | jq -r '.[] | select((.target == "kms9.example.test") != (.signer == "kms9.example.test")) | "\(.target) \(.signer)"')" \
	"registrations attributed to the wrong signer"
stored=$(echo "$json" | jq -r '.[] | select(.target != "kms9.example.test") | .port' | sort -n)
acked=$(cat "$H_TMP"/out.admin* | awk '$2 == "ok" {print $1}' | sort -n)
acked="$( (echo "$acked"; seq 9001 9010) | sed '/^$/d' | sort -n)"
h_assert_eq "$acked" "$stored" "acknowledged UPDATEs = stored registrations"
# A self signer holds one SRV record: each acknowledged add replaced the
# previous one, so the last acknowledged is what is stored.
last_own=$(awk '$2 == "ok" {p = $1} END {print p}' "$H_TMP/out.own")
h_assert_eq "${last_own:-9010}" \
	"$(echo "$json" | jq -r '.[] | select(.target == "kms9.example.test") | .port')" \
	"the self signer's one SRV record is its last acknowledged one"
n_own=$(awk '$2 == "ok"' "$H_TMP/out.own" | wc -l)
n_admin=$(cat "$H_TMP"/out.admin* | awk '$2 == "ok"' | wc -l)
[ "$n_own" -gt 0 ] && [ "$n_admin" -gt 0 ] || h_fail "a signer got nothing through: own $n_own, admin $n_admin"

h_assert_ok h_named_stop ns1
dlz_assert_clean ns1
exit 0
