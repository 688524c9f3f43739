#!/bin/bash
# Freshness of dynamic registrations in a real named, with short settings
# given as module arguments (stale-after=3s scavenge-after=6s): a host that
# re-publishes its unchanged record by UPDATE stays served; one that stops
# publishing is no longer served after stale-after (the serial grows, so
# secondaries learn it) and is deleted from the registry after
# scavenge-after; static registrations never age. `kmsdns-registry
# scavenge` deletes expired registrations too.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"
# shellcheck source=dlz_lib.sh
. "$here/dlz_lib.sh"

dlz_require
h_require_cmd jq
h_init dlz_freshness
dlz_registry_init
dlz_reg zone add example.test --ns ns1.example.test=127.0.0.1 --ttl 60 >/dev/null
dlz_reg host add example.test kms0.example.test >/dev/null
dlz_reg grant kms1.example.test --zone example.test self >/dev/null
dlz_reg grant kms2.example.test --zone example.test self >/dev/null
K1=$(h_tsig_key kms1.example.test)
K2=$(h_tsig_key kms2.example.test)
dlz_named_start ns1 stale-after=3s scavenge-after=6s - <<EOF
include "$K1";
include "$K2";
EOF

h_assert_eq '"v=kmsdns1" "stale-after=3"' "$(h_dig +short _kmsdns.example.test TXT)" \
	"marker with the stale-after module argument"

publish() { # KEYFILE HOST
	h_nsupdate -k "$1" <<EOF
zone example.test
update add _vlmcs._tcp.example.test. 60 IN SRV 0 0 1688 $2.
send
EOF
}
registered() { # TARGET: its state in the registry, "" when gone
	"$DLZ_TOOL" --db "$DLZ_DB" host list example.test --json |
		jq -r --arg t "$1" '.[] | select(.target == $t) | .state'
}

h_assert_ok publish "$K1" kms1.example.test
h_assert_ok publish "$K2" kms2.example.test
h_assert_eq "0 0 1688 kms0.example.test.
0 0 1688 kms1.example.test.
0 0 1688 kms2.example.test." "$(dlz_srv example.test)" "all three served"
s0=$(dlz_serial example.test)
t0=$(dlz_ms)

# kms1 re-publishes its unchanged record every second; kms2 stays silent.
gone=""
while [ $(($(dlz_ms) - t0)) -lt 6000 ]; do
	h_assert_ok publish "$K1" kms1.example.test
	srv=$(dlz_srv example.test)
	h_assert_contains "$srv" "kms1.example.test." "refreshed host served at $(($(dlz_ms) - t0)) ms"
	h_assert_contains "$srv" "kms0.example.test." "static host served at $(($(dlz_ms) - t0)) ms"
	if [ -z "$gone" ] && ! echo "$srv" | grep -qF kms2.example.test; then
		gone=$(($(dlz_ms) - t0))
		# times are whole seconds: stale at most 1 s early
		[ "$gone" -ge 1900 ] || h_fail "kms2 stopped being served after only $gone ms"
	fi
	sleep 1
done
[ -n "$gone" ] || h_fail "kms2 still served 6 s after its last update (stale-after=3s)"
h_log "silent host no longer served after $gone ms"
[ "$(dlz_serial example.test)" -gt "$s0" ] || h_fail "serial did not grow when kms2 went stale"

# kms2 is deleted once past scavenge-after (6 s after its last update)
ms=$(dlz_wait_ms 4000 eval '[ -z "$(registered kms2.example.test)" ]') ||
	h_fail "kms2 not scavenged: state $(registered kms2.example.test)"
h_log "silent host deleted $ms ms after the check"
grep -qF "registration SRV 0 0 1688 kms2.example.test. (signer kms2.example.test) is expired and deleted" \
	"$H_TMP/ns1/named.log" || h_fail "deletion not logged"
grep -qF "registration SRV 0 0 1688 kms2.example.test. (signer kms2.example.test) is stale and no longer served" \
	"$H_TMP/ns1/named.log" || h_fail "staleness not logged"
h_assert_eq active "$(registered kms1.example.test)" "refreshed host still active"
h_assert_eq active "$(registered kms0.example.test)" "static host still active"

# a stale host that publishes again is served again
h_assert_ok publish "$K2" kms2.example.test
h_assert_contains "$(dlz_srv example.test)" "kms2.example.test." "re-published host served again"

# kmsdns-registry scavenge (its own settings: the default 14 days)
dlz_reg host add example.test kms3.other.test >/dev/null
future=$(($(date +%s) + 15 * 86400))
out=$(KMSDNS_NOW=$future "$DLZ_TOOL" --db "$DLZ_DB" scavenge --json)
h_assert_eq "kms1.example.test. kms2.example.test." \
	"$(echo "$out" | jq -r '[.registrations[] | select(.deleted) | .data | split(" ")[3]] | sort | join(" ")')" \
	"dynamic registrations deleted by kmsdns-registry scavenge"
ms=$(dlz_wait_ms 1000 eval '[ "$(dlz_srv example.test)" = "0 0 1688 kms0.example.test.
0 0 1688 kms3.other.test." ]') || h_fail "scavenge not served within 1 s: $(dlz_srv example.test)"

h_assert_ok h_named_stop ns1
dlz_assert_clean ns1
exit 0
