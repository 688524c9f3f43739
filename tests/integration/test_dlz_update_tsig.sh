#!/bin/bash
# Dynamic updates of a dlz_kmsdns zone signed with TSIG (nsupdate -k), as
# authorised by `kmsdns-registry grant`: an "any" key adds and deletes any
# _vlmcs._tcp record; a "self" key named like a host manages its own SRV
# and A records and is refused a foreign target; keys without a grant,
# unsigned updates and records outside _vlmcs._tcp are refused and change
# nothing. Re-publishing an unchanged record refreshes the registration
# (refreshed time moves) without changing the zone serial, for a self key
# and for an any key.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"
# shellcheck source=dlz_lib.sh
. "$here/dlz_lib.sh"

dlz_require
h_require_cmd jq
h_init dlz_update_tsig
dlz_registry_init
dlz_reg zone add example.test --ns ns1.example.test=127.0.0.1 --ttl 300 >/dev/null
dlz_reg host add example.test kms0.example.test --address 127.0.0.10 >/dev/null
dlz_reg grant admin-key --zone example.test any >/dev/null
dlz_reg grant kms1.example.test --zone example.test self >/dev/null
ADMIN=$(h_tsig_key admin-key)
KMS1=$(h_tsig_key kms1.example.test)
ROGUE=$(h_tsig_key rogue-key)
dlz_named_start ns1 - <<EOF
include "$ADMIN";
include "$KMS1";
include "$ROGUE";
EOF

# host_json TARGET: the registration of TARGET in example.test as JSON.
host_json() {
	"$DLZ_TOOL" --db "$DLZ_DB" host list example.test --json |
		jq -c --arg t "$1" '.[] | select(.target == $t)'
}
# refused NSUPDATE-OPTION...: the update on stdin must be answered REFUSED.
refused() {
	local out
	if out=$(h_nsupdate "$@" 2>&1); then
		h_fail "update accepted, REFUSED expected"
	fi
	h_assert_contains "$out" "update failed: REFUSED" "rcode of a refused update"
}
log_has() {
	grep -qF -- "$1" "$H_TMP/ns1/named.log"
}

# --- an "any" key adds and deletes ---------------------------------------
s0=$(dlz_serial example.test)
h_assert_ok h_nsupdate -k "$ADMIN" <<'EOF'
zone example.test
update add _vlmcs._tcp.example.test. 300 IN SRV 10 50 1688 kms5.other.test.
send
EOF
h_assert_eq "0 0 1688 kms0.example.test.
10 50 1688 kms5.other.test." "$(dlz_srv example.test)" "SRV after the add"
h_assert_eq $((s0 + 1)) "$(dlz_serial example.test)" "serial after the add"
j=$(host_json kms5.other.test)
h_assert_eq "update admin-key active" "$(echo "$j" | jq -r '"\(.origin) \(.signer) \(.state)"')" "registration of the add"
log_has "zone example.test: added _vlmcs._tcp.example.test 300 SRV 10 50 1688 kms5.other.test. (signer admin-key)" ||
	h_fail "the applied change was not logged with its signer"

# re-publishing the unchanged record refreshes what the any key registered
r0=$(host_json kms5.other.test | jq -r .refreshed)
sleep 1.1
h_assert_ok h_nsupdate -k "$ADMIN" <<'EOF'
zone example.test
update add _vlmcs._tcp.example.test. 300 IN SRV 10 50 1688 kms5.other.test.
send
EOF
r1=$(host_json kms5.other.test | jq -r .refreshed)
[ "$r1" \> "$r0" ] || h_fail "record re-published by the any key not refreshed: $r0 -> $r1"
h_assert_eq $((s0 + 1)) "$(dlz_serial example.test)" "serial after the re-publish by the any key"

h_assert_ok h_nsupdate -k "$ADMIN" <<'EOF'
zone example.test
update delete _vlmcs._tcp.example.test. IN SRV 10 50 1688 kms5.other.test.
send
EOF
h_assert_eq "0 0 1688 kms0.example.test." "$(dlz_srv example.test)" "SRV after the delete"
h_assert_eq "" "$(host_json kms5.other.test)" "registration deleted"
h_assert_eq $((s0 + 2)) "$(dlz_serial example.test)" "serial after the delete"
# the audit log of the registry: both changes with their signer, in the
# UPDATE's transaction; the re-publish only refreshed and is not a change
audit=$("$DLZ_TOOL" --db "$DLZ_DB" log --zone example.test --json |
	jq -r '.[] | select(.user == "admin-key") | [.command, .object, .old, .new] | join("|")')
h_assert_eq "update add|_vlmcs._tcp.example.test||300 SRV 10 50 1688 kms5.other.test.
update delete|_vlmcs._tcp.example.test|$(echo "$audit" | sed -n '2s/^update delete|[^|]*|\([^|]*\)|.*/\1/p')|" \
	"$audit" "audit entries of the any key"
h_assert_contains "$audit" "SRV 10 50 1688 kms5.other.test.|" "the delete names the old record"

# --- a "self" key: own records yes, foreign target no ----------------------
h_assert_ok h_nsupdate -k "$KMS1" <<'EOF'
zone example.test
update add _vlmcs._tcp.example.test. 300 IN SRV 0 100 1688 kms1.example.test.
update add kms1.example.test. 300 IN A 127.0.0.11
send
EOF
h_assert_contains "$(dlz_srv example.test)" "0 100 1688 kms1.example.test." "self add of own SRV"
h_assert_eq "127.0.0.11" "$(h_dig +short kms1.example.test A)" "self add of own A"
s1=$(dlz_serial example.test)
refused -k "$KMS1" <<'EOF'
zone example.test
update add _vlmcs._tcp.example.test. 300 IN SRV 0 100 1688 kms2.example.test.
send
EOF
h_assert_not_contains "$(dlz_srv example.test)" "kms2.example.test" "foreign target added by a self key"
h_assert_eq "$s1" "$(dlz_serial example.test)" "serial after a refused update"
h_assert_not_contains "$("$DLZ_TOOL" --db "$DLZ_DB" log --json)" "kms2.example.test" \
	"a refused update in the audit log"
log_has "target kms2.example.test is not the signer's host kms1.example.test" ||
	h_fail "refusal of the foreign target not logged with its reason"
# a refused record makes the whole UPDATE fail: the own record with it is not added
refused -k "$KMS1" <<'EOF'
zone example.test
update add _vlmcs._tcp.example.test. 300 IN SRV 0 100 1689 kms1.example.test.
update add _vlmcs._tcp.example.test. 300 IN SRV 0 100 1688 kms2.example.test.
send
EOF
h_assert_not_contains "$(dlz_srv example.test)" "1689 kms1.example.test" "partial UPDATE applied"
# a self key may not delete another host's record
refused -k "$KMS1" <<'EOF'
zone example.test
update delete _vlmcs._tcp.example.test. IN SRV 0 0 1688 kms0.example.test.
send
EOF
h_assert_contains "$(dlz_srv example.test)" "0 0 1688 kms0.example.test." "foreign record deleted by a self key"

# --- refused: no grant, unsigned, outside _vlmcs._tcp -----------------------
refused -k "$ROGUE" <<'EOF'
zone example.test
update add _vlmcs._tcp.example.test. 300 IN SRV 0 0 1688 kms9.example.test.
send
EOF
log_has "no grant for rogue-key in zone example.test" || h_fail "refusal of a key without grant not logged"
refused <<'EOF'
zone example.test
update add _vlmcs._tcp.example.test. 300 IN SRV 0 0 1688 kms9.example.test.
send
EOF
refused -v <<'EOF'
zone example.test
update add _vlmcs._tcp.example.test. 300 IN SRV 0 0 1688 kms9.example.test.
send
EOF
log_has "by (unsigned) from 127.0.0.1 refused: unsigned update" || h_fail "unsigned TCP update refusal not logged"
refused -k "$ADMIN" <<'EOF'
zone example.test
update add www.example.test. 300 IN A 192.0.2.1
send
EOF
refused -k "$ADMIN" <<'EOF'
zone example.test
update add _vlmcs._tcp.example.test. 300 IN TXT "hello"
send
EOF
refused -k "$ADMIN" <<'EOF'
zone example.test
update delete example.test. NS
send
EOF
h_assert_not_contains "$(dlz_srv example.test)" "kms9" "refused SRV added"
h_assert_eq NXDOMAIN "$(h_rcode www.example.test A)" "refused A added"
h_assert_eq "ns1.example.test." "$(h_dig +short example.test NS)" "NS after a refused delete"
h_assert_eq "$s1" "$(dlz_serial example.test)" "serial after refused updates"

# --- re-publishing an unchanged record refreshes it --------------------------
r0=$(host_json kms1.example.test | jq -r .refreshed)
sleep 1.2
h_assert_ok h_nsupdate -k "$KMS1" <<'EOF'
zone example.test
update add _vlmcs._tcp.example.test. 300 IN SRV 0 100 1688 kms1.example.test.
send
EOF
r1=$(host_json kms1.example.test | jq -r .refreshed)
[ "$r1" \> "$r0" ] || h_fail "re-published record not refreshed: $r0 -> $r1"
h_assert_eq "$s1" "$(dlz_serial example.test)" "serial after an unchanged re-publish"
h_assert_eq "update kms1.example.test" "$(host_json kms1.example.test | jq -r '"\(.origin) \(.signer)"')" \
	"origin and signer after the refresh"

# --- "delete the RRset" by the any key: every SRV goes ------------------------
h_assert_ok h_nsupdate -k "$ADMIN" <<'EOF'
zone example.test
update delete _vlmcs._tcp.example.test. SRV
send
EOF
h_assert_eq NXDOMAIN "$(h_rcode _vlmcs._tcp.example.test SRV)" "rcode after deleting the RRset (no name left, as in the AXFR)"
h_assert_eq "" "$(dlz_srv example.test)" "SRV RRset after deleting it"

h_assert_ok h_named_stop ns1
dlz_assert_clean ns1
exit 0
