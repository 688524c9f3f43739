#!/bin/bash
# Many KMS hosts publish into one zone of the DLZ module at the same
# moment (a patch-day reboot): 20 hosts with 20 TSIG keys granted `self`
# run kmsdns-publish together, 10 rounds, each round a real change (a new
# weight). kmsdns-publish tags its UPDATEs (the zone carries the module's
# marker), so the module ties each UPDATE to its signer exactly and never
# makes one host wait for another. Asserts: 200/200 exit 0, no REFUSED on
# the wire (named's log) nor in the publishers' reports, the served RRset
# is exactly the 20 hosts with the last round's weights, each stored under
# its own signer; queries meanwhile never SERVFAIL.
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
h_init publish_concurrent
N=20 ROUNDS=10 Z=example.test
dlz_registry_init
dlz_reg zone add $Z --ns ns1.$Z=127.0.0.1 --ttl 60 >/dev/null
declare -A KEY
conf=""
for i in $(seq -w 1 $N); do
	dlz_reg grant "kms$i.$Z" --zone $Z self >/dev/null
	KEY[$i]=$(h_tsig_key "kms$i.$Z")
	conf+="include \"${KEY[$i]}\";"$'\n'
done
dlz_named_start ns1 - <<<"$conf"
PORT=$(h_named_port ns1)
log="$H_TMP/ns1/named.log"

( while [ -d "$H_TMP/ns1" ]; do h_rcode "_vlmcs._tcp.$Z" SRV >>"$H_TMP/rcodes" 2>/dev/null || true; sleep 0.05; done ) &
QUERIER=$!
h__register querier $QUERIER

for round in $(seq 1 $ROUNDS); do
	pids=()
	for i in $(seq -w 1 $N); do
		( rc=0
		  "$PUBLISH" --host "kms$i.$Z" --server "127.0.0.1#$PORT" --tsig-key "${KEY[$i]}" \
			--timeout 5000 --domain "$Z,0,$((round * 100 + 10#$i))" >"$H_TMP/out.$round.$i" 2>&1 || rc=$?
		  echo "$rc" >"$H_TMP/rc.$round.$i" ) &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p"; done
	h_log "round $round: $(cat "$H_TMP"/rc.$round.* | sort | uniq -c | tr -s ' ' | paste -sd,) (exit status: count)"
done
kill $QUERIER 2>/dev/null || true
wait $QUERIER 2>/dev/null || true

h_assert_eq "$((N * ROUNDS))" "$(cat "$H_TMP"/rc.* | grep -c '^0$')" "publishers that exited 0"
h_assert_eq "" "$(grep -l REFUSED "$H_TMP"/out.* || true)" "reports with REFUSED"
h_assert_eq 0 "$(grep -c -e 'REFUSED' "$log" || true)" "REFUSED on the wire (named's log)"
expect=$(for i in $(seq -w 1 $N); do echo "0 $((ROUNDS * 100 + 10#$i)) 1688 kms$i.$Z."; done | sort)
h_assert_eq "$expect" "$(dlz_srv $Z)" "the served RRset: 20 hosts with the last round's weights"
h_assert_eq "" "$(dlz_reg host list $Z --json | jq -r '.[] | select(.signer != .target) | "\(.target) \(.signer)"')" \
	"registrations under another signer"
h_assert_eq "$N" "$(grep -c "(signer kms[0-9]*.$Z, tagged)" "$log" | awk -v n=$N '{print ($1 >= n) ? n : $1}')" \
	"the module logged tagged changes"
# Before the first registration the zone has no _vlmcs._tcp name
# (NXDOMAIN, as its secondaries see it); from the first NOERROR on, every
# answer is NOERROR.
h_assert_eq "" "$(awk '/NOERROR/ { seen = 1 } (seen && !/NOERROR/) || (!seen && !/NXDOMAIN/)' "$H_TMP/rcodes" | sort | uniq -c)" \
	"query answers other than NOERROR once the zone had records"
h_assert_ok h_named_stop ns1
dlz_assert_clean ns1
h_log "publish_concurrent: $((N * ROUNDS)) publications by $N signers, none refused"
exit 0
