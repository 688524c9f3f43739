#!/bin/bash
# kmsdns-publish against zones served by the kmsdns DLZ module in a real
# named (the two components together): a TSIG-signed host with a `self`
# grant publishes into two zones; the second run finds the _kmsdns marker
# and refreshes the unchanged record (the registry's refreshed time moves,
# the serial does not); a changed weight replaces only its record; a record
# for another host is REFUSED (0x8007232D) and changes nothing; withdraw
# removes only its record. Another host's static registration stays.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"
# shellcheck source=dlz_lib.sh
. "$here/dlz_lib.sh"

dlz_require
h_require_cmd jq
PUBLISH=${abs_top_builddir:-$(cd "$here/../.." && pwd)/_build}/nsupdate_tool/kmsdns-publish
[ -x "$PUBLISH" ] || h_skip "kmsdns-publish not built ($PUBLISH)"
h_init publish_dlz

HOST=kms1.example.test
KEY=$(h_tsig_key "$HOST" hmac-sha256)
dlz_registry_init
for z in a.test b.test; do
	dlz_reg zone add "$z" --ns "ns1.$z=127.0.0.1" >/dev/null
	dlz_reg host add "$z" "kms0.$z" --weight 10 >/dev/null
	dlz_reg grant "$HOST" --zone "$z" self >/dev/null
done
dlz_named_start ns1 - <<<"include \"$KEY\";"
PORT=$(h_named_port ns1)

# publish ARGS...: kmsdns-publish of $HOST at ns1; output in $OUT, status in $RC
publish() {
	RC=0
	OUT=$("$PUBLISH" --host "$HOST" --server "127.0.0.1#$PORT" --tsig-key "$KEY" \
		--timeout 3000 "$@" 2>&1) || RC=$?
}
# refreshed ZONE TARGET: the registry's last-refreshed time of TARGET in ZONE
refreshed() {
	dlz_reg host list "$1" --json | jq -r --arg t "$2" '.[] | select(.target == $t) | .refreshed'
}

publish --domain a.test,0,60 --domain b.test,10,40
h_assert_eq 0 "$RC" "first publication: exit status ($OUT)"
h_assert_contains "$OUT" "a.test zone=a.test server=127.0.0.1#$PORT action=added result=ok" "added to a.test"
h_assert_contains "$OUT" "b.test zone=b.test server=127.0.0.1#$PORT action=added result=ok" "added to b.test"
h_assert_eq "0 10 1688 kms0.a.test.
0 60 1688 $HOST." "$(dlz_srv a.test)" "a.test SRV RRset"
h_assert_eq "0 10 1688 kms0.b.test.
10 40 1688 $HOST." "$(dlz_srv b.test)" "b.test SRV RRset"
h_assert_eq "update $HOST" "$(dlz_reg host list a.test --json |
	jq -r --arg t "$HOST" '.[] | select(.target == $t) | "\(.origin) \(.signer)"')" "origin and signer recorded"

# unchanged: a kmsdns zone (marker) gets a refresh UPDATE, the serial stays
serial_a=$(dlz_serial a.test)
before=$(refreshed a.test "$HOST")
sleep 1.1 # the registry keeps whole seconds
publish --domain a.test,0,60 --domain b.test,10,40 --json
h_assert_eq 0 "$RC" "second publication: exit status ($OUT)"
h_assert_eq "refreshed refreshed" "$(echo "$OUT" | jq -r '[.domains[].action] | join(" ")')" "actions of the second run"
h_assert_eq "$serial_a" "$(dlz_serial a.test)" "serial unchanged by the refresh"
after=$(refreshed a.test "$HOST")
[[ "$after" > "$before" ]] || h_fail "refreshed time did not move: $before -> $after"

# a changed weight replaces only our record
publish --domain a.test,0,70
h_assert_contains "$OUT" "action=updated result=ok" "weight change ($OUT)"
h_assert_eq "0 10 1688 kms0.a.test.
0 70 1688 $HOST." "$(dlz_srv a.test)" "a.test after the weight change"

# a record for another host: refused by the grant, nothing changes
serial_a=$(dlz_serial a.test)
RC=0
OUT=$("$PUBLISH" --host kms9.example.test --server "127.0.0.1#$PORT" --tsig-key "$KEY" \
	--key-name "$HOST" --timeout 3000 --domain a.test 2>&1) || RC=$?
h_assert_eq 1 "$RC" "foreign target: exit status ($OUT)"
h_assert_contains "$OUT" "error=REFUSED windows=0x8007232D event=12293" "foreign target refused"
h_assert_eq "$serial_a" "$(dlz_serial a.test)" "serial unchanged by the refusal"
h_assert_contains "$(cat "$H_TMP/ns1/named.log")" "refused" "the module logged the refusal"

# withdraw removes only our record, everywhere
publish --domain a.test,0,70 --domain b.test,10,40 --withdraw
h_assert_eq 0 "$RC" "withdraw: exit status ($OUT)"
h_assert_eq "0 10 1688 kms0.a.test." "$(dlz_srv a.test)" "a.test after withdraw"
h_assert_eq "0 10 1688 kms0.b.test." "$(dlz_srv b.test)" "b.test after withdraw"
h_assert_eq "" "$(refreshed a.test "$HOST")" "registration removed from the registry"

dlz_assert_clean ns1
h_log "publish_dlz: added, refreshed (serial kept), updated, refused, withdrawn against the module"
