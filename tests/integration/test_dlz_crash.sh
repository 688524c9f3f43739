#!/bin/bash
# Durability and availability of dynamic updates through a real named:
#  1. dnsperf queries (SRV, SOA, NXDOMAIN names) while four clients send a
#     burst of TSIG updates: no query is answered SERVFAIL, none is lost;
#  2. kill -9 of named during a second burst: every acknowledged update is
#     in the registry; a registration without acknowledgement can only be
#     one in flight at the kill (at most one per client); the registry is
#     intact and a restarted named serves every acknowledged record.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"
# shellcheck source=dlz_lib.sh
. "$here/dlz_lib.sh"

dlz_require
h_require_cmd dnsperf jq sqlite3
h_init dlz_crash
dlz_registry_init
dlz_reg zone add example.test --ns ns1.example.test=127.0.0.1 --ttl 60 >/dev/null
dlz_reg host add example.test kms0.example.test >/dev/null
dlz_reg grant admin-key --zone example.test any >/dev/null
# 240+ SRV records in one RRset: over the default SRV answer limit
dlz_reg config set max-srv-answer-bytes 65535 >/dev/null
KEY=$(h_tsig_key admin-key)
dlz_named_start ns1 - <<EOF
include "$KEY";
EOF
port=$(h_named_port ns1)
CLIENTS=4

# sender ID FIRST COUNT: add SRV records with ports FIRST.. one UPDATE each;
# append the port of every acknowledged update to $H_TMP/acked.ID.
sender() {
	local id=$1 p=$2 end=$(($2 + $3))
	while [ "$p" -lt "$end" ] && [ ! -e "$H_TMP/stop" ]; do
		if printf 'server 127.0.0.1 %s\nzone example.test\nupdate add _vlmcs._tcp.example.test. 60 IN SRV 0 0 %s kms%s.example.test.\nsend\n' \
			"$port" "$p" "$id" | timeout 10 nsupdate -t 3 -u 1 -r 0 -k "$KEY" >/dev/null 2>&1; then
			echo "$p" >>"$H_TMP/acked.$id"
		fi
		p=$((p + 1))
	done
}
registered_ports() {
	"$DLZ_TOOL" --db "$DLZ_DB" host list example.test --json |
		jq -r '.[] | select(.origin == "update") | .port' | sort -n
}

# --- 1. queries during an update burst ------------------------------------
printf '_vlmcs._tcp.example.test SRV\nexample.test SOA\nnope.example.test A\n_tcp.example.test SRV\n' >"$H_TMP/queries"
pids=()
for i in $(seq 1 "$CLIENTS"); do
	: >"$H_TMP/acked.$i"
	sender "$i" $((10000 + i * 1000)) 60 &
	pids+=($!)
done
dnsperf -s 127.0.0.1 -p "$port" -d "$H_TMP/queries" -l 4 -c 2 -Q 2000 >"$H_TMP/dnsperf.out" 2>&1 ||
	{ cat "$H_TMP/dnsperf.out" >&2; h_fail "dnsperf failed"; }
for p in "${pids[@]}"; do wait "$p"; done
codes=$(sed -n 's/^ *Response codes: *//p' "$H_TMP/dnsperf.out")
h_log "dnsperf during updates: $codes"
h_assert_not_contains "$codes" "SERVFAIL" "SERVFAIL answers during updates"
sent=$(awk '/Queries sent:/ {print $3}' "$H_TMP/dnsperf.out")
done_=$(awk '/Queries completed:/ {print $3}' "$H_TMP/dnsperf.out")
[ "$sent" -gt 1000 ] || h_fail "too few queries sent: $sent"
h_assert_eq "$sent" "$done_" "every query answered"
acked=$(cat "$H_TMP"/acked.* | sort -n)
h_assert_eq $((CLIENTS * 60)) "$(echo "$acked" | grep -c .)" "all updates of the first burst acknowledged"
h_assert_eq "$acked" "$(registered_ports)" "registry after the first burst"

# --- 2. kill -9 during a burst -----------------------------------------------
pids=()
for i in $(seq 1 "$CLIENTS"); do
	sender "$i" $((20000 + i * 1000)) 400 &
	pids+=($!)
done
sleep 1.5
kill -KILL "$(h_named_pid ns1)"
touch "$H_TMP/stop"
for p in "${pids[@]}"; do wait "$p"; done
h_stop named-ns1 2>/dev/null || true
h_log "named killed"

acked=$(cat "$H_TMP"/acked.* | sort -n)
stored=$(registered_ports)
n_acked=$(echo "$acked" | grep -c .)
[ "$n_acked" -gt $((CLIENTS * 60)) ] || h_fail "no update of the second burst was acknowledged before the kill"
missing=$(comm -23 <(echo "$acked") <(echo "$stored"))
[ -z "$missing" ] || h_fail "acknowledged updates missing from the registry: $missing"
extra=$(comm -13 <(echo "$acked") <(echo "$stored"))
n_extra=$(echo "$extra" | grep -c . || true)
[ "$n_extra" -le "$CLIENTS" ] || h_fail "$n_extra unacknowledged registrations (at most $CLIENTS in flight): $extra"
h_log "second burst: $((n_acked - CLIENTS * 60)) acknowledged before the kill, all stored; $n_extra stored while in flight"
h_assert_eq ok "$(sqlite3 "$DLZ_DB" 'PRAGMA integrity_check')" "registry integrity after kill -9"

# --- restart: everything acknowledged is served ----------------------------------
dlz_named_start ns1 - <<EOF
include "$KEY";
EOF
served=$(h_dig +tcp +short _vlmcs._tcp.example.test SRV | awk '$4 != "kms0.example.test." {print $3}' | sort -n)
h_assert_eq "$stored" "$served" "SRV RRset after the restart"
h_assert_ok h_named_stop ns1
dlz_assert_clean ns1
exit 0
