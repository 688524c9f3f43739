#!/bin/bash
# Plain UPDATEs (nsupdate -k, as Windows KMS hosts send) against the module
# in a real named, and the limits that keep one host from breaking a zone:
#  - a multi-record UPDATE (delete 2 + add 2) in a zone with 300 other SRV
#    records, then another signer's UPDATE 100 ms after the answer: accepted;
#  - a check whose transaction never comes (BIND refuses the UPDATE at a
#    later record, outside the zone) holds the zone for a short bounded
#    time, which is measured and printed;
#  - 20 plain signers at once: every acknowledged change is stored under its
#    own signer (the REFUSED count is printed, not asserted);
#  - the unsigned-delete race, 5 tries: the record the granted signer added
#    is never lost, and no log line attributes a deletion to it;
#  - a forged transaction tag (another signer's name) is refused; a
#    tag-only UPDATE is accepted and keeps the serial; tags are never
#    served, transferred or stored;
#  - a 2,000-record flood by a self signer (two UPDATEs of 1,000: nsupdate
#    cannot build one of 2,000) is refused at once, and the SRV answer over
#    UDP (EDNS) and TCP still holds every other host;
#  - a 1,000-record UPDATE is answered (refused: max-update-records) in < 1 s.
# Queries during all of this: never SERVFAIL.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"
# shellcheck source=dlz_lib.sh
. "$here/dlz_lib.sh"

dlz_require
h_require_cmd jq
h_init dlz_update_plain
dlz_registry_init
N=20
Z=big.test    # 300 other records
S=small.test  # N hosts
dlz_reg zone add $Z --ns ns1.$Z=127.0.0.1 --ttl 60 >/dev/null
dlz_reg zone add $S --ns ns1.$S=127.0.0.1 --ttl 60 >/dev/null
dlz_reg config set max-srv-answer-bytes 65535 >/dev/null
declare -A KEYZ KEYS
conf=""
for i in $(seq -w 1 $N); do
	dlz_reg grant "kms$i.$S" --zone $S self >/dev/null
	KEYS[$i]=$(h_tsig_key "kms$i.$S")
	conf+="include \"${KEYS[$i]}\";"$'\n'
done
for i in 01 02 03 04 05 06 07; do
	dlz_reg grant "kms$i.$Z" --zone $Z self >/dev/null
	KEYZ[$i]=$(h_tsig_key "kms$i.$Z")
	conf+="include \"${KEYZ[$i]}\";"$'\n'
done
ADMIN=$(h_tsig_key admin-key)
dlz_reg grant admin-key --zone $Z any >/dev/null
conf+="include \"$ADMIN\";"$'\n'
dlz_named_start ns1 - <<<"$conf"
port=$(h_named_port ns1)
log="$H_TMP/ns1/named.log"

# upd KEY ZONE [OPTION]: nsupdate -k KEY [OPTION] of the update lines on
# stdin; prints ok or the rcode (TIMEOUT when there was no answer).
upd() {
	local key=$1 zone=$2 out
	if out=$( { echo "server 127.0.0.1 $port"; echo "zone $zone"; cat; echo send; } |
		timeout 20 nsupdate -t 5 -u 2 -r 0 ${3:-} -k "$key" 2>&1); then
		echo ok
	else
		out=$(echo "$out" | sed -n 's/.*update failed: \([A-Z]*\).*/\1/p' | head -n 1)
		echo "${out:-TIMEOUT}"
	fi
}

# queries all along: their rcodes go to $H_TMP/rcodes
( while [ -d "$H_TMP/ns1" ]; do
	h_rcode "_vlmcs._tcp.$S" SRV >>"$H_TMP/rcodes" 2>/dev/null || true
	h_rcode +tcp "_vlmcs._tcp.$Z" SRV >>"$H_TMP/rcodes" 2>/dev/null || true
	sleep 0.05
done ) &
QUERIER=$!
h__register querier $QUERIER

# 300 other records, by the "any" key in UPDATEs of 60 records
for b in 0 1 2 3 4; do
	for i in $(seq $((b * 60 + 1)) $((b * 60 + 60))); do
		echo "update add _vlmcs._tcp.$Z. 60 IN SRV 0 0 $((2000 + i)) other$i.other.test."
	done >"$H_TMP/other"
	h_assert_eq ok "$(upd "$ADMIN" $Z -v <"$H_TMP/other")" "60 other records"
done
h_assert_eq 300 "$(h_dig +tcp +short "_vlmcs._tcp.$Z" SRV | wc -l)" "300 other records served"

# --- multi-record UPDATE, then another signer 100 ms later ---------------
h_assert_eq ok "$(upd "${KEYZ[01]}" $Z <<EOF
update add _vlmcs._tcp.$Z. 60 IN SRV 0 0 1688 kms01.$Z.
update add kms01.$Z. 60 IN A 192.0.2.1
EOF
)" "kms01 registers"
h_assert_eq ok "$(upd "${KEYZ[01]}" $Z <<EOF
update delete _vlmcs._tcp.$Z. IN SRV 0 0 1688 kms01.$Z.
update delete kms01.$Z. IN A 192.0.2.1
update add _vlmcs._tcp.$Z. 60 IN SRV 0 0 1689 kms01.$Z.
update add kms01.$Z. 60 IN A 192.0.2.2
EOF
)" "kms01 deletes 2 and adds 2"
sleep 0.1
h_assert_eq ok "$(upd "${KEYZ[02]}" $Z <<<"update add _vlmcs._tcp.$Z. 60 IN SRV 0 0 1688 kms02.$Z.")" \
	"another signer 100 ms after a multi-record UPDATE"
h_assert_eq "update kms01.$Z 1689" "$(dlz_reg host list $Z --json |
	jq -r '.[] | select(.target == "kms01.'$Z'") | "\(.origin) \(.signer) \(.port)"')" "kms01's record"

# --- an orphaned check: how long does it hold the zone? -------------------
# The first record is allowed; BIND refuses the UPDATE at the second (not in
# the zone) without telling the module. Another signer probes until it is
# accepted; the hold is read from named's log (millisecond times): from the
# refusal of the orphaned UPDATE to the end of the hold the last refusal
# naming kms03 announced.
ts() { sed -n 's/^[0-9A-Za-z-]* \([0-9:.]*\) .*/\1/p' | head -n 1 | awk -F: '{printf "%d\n", ($1 * 3600 + $2 * 60 + $3) * 1000}'; }
h_assert_eq NOTZONE "$(upd "${KEYZ[03]}" $Z <<EOF
update add _vlmcs._tcp.$Z. 60 IN SRV 0 0 1688 kms03.$Z.
update add elsewhere.example. 60 IN A 192.0.2.3
EOF
)" "UPDATE refused by BIND after an allowed check"
t0=$(dlz_ms)
r=REFUSED
while [ "$r" = REFUSED ] && [ $(($(dlz_ms) - t0)) -lt 5000 ]; do
	r=$(upd "${KEYZ[04]}" $Z <<<"update add _vlmcs._tcp.$Z. 60 IN SRV 0 0 1688 kms04.$Z.")
done
h_assert_eq ok "$r" "another signer accepted after the orphaned check"
t_orphan=$(grep "kms03.$Z: updating zone '$Z/IN': update failed: update RR is outside zone" "$log" | ts)
refusal=$(grep "refused: zone held by kms03.$Z for [0-9]* ms more" "$log" | tail -n 1 || true)
if [ -n "$refusal" ]; then
	left=$(echo "$refusal" | sed 's/.*for \([0-9]*\) ms more.*/\1/')
	held=$(($(echo "$refusal" | ts) + left - t_orphan))
	h_log "an orphaned check held the zone $held ms after BIND refused its UPDATE"
	[ "$held" -le 1500 ] || h_fail "an orphaned check held the zone $held ms"
else
	h_log "an orphaned check: the first probe came $(($(grep "kms04.$Z: updating zone" "$log" | head -n 1 | ts) - t_orphan)) ms after BIND refused the UPDATE and found the zone free"
fi

# --- 20 plain signers at once ----------------------------------------------
pids=()
for i in $(seq -w 1 $N); do
	( upd "${KEYS[$i]}" $S <<<"update add _vlmcs._tcp.$S. 60 IN SRV 0 0 1688 kms$i.$S." >"$H_TMP/plain.$i" ) &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
acked=$(grep -l '^ok$' "$H_TMP"/plain.* | sed 's/.*plain\.//' | sort || true)
refused=$(grep -l '^REFUSED$' "$H_TMP"/plain.* | wc -l)
h_log "20 plain signers at once: $(echo "$acked" | grep -c . || true) ok, $refused REFUSED"
h_assert_eq "" "$(cat "$H_TMP"/plain.* | grep -v -e '^ok$' -e '^REFUSED$' || true)" "outcomes other than ok/REFUSED"
json=$(dlz_reg host list $S --json)
h_assert_eq "" "$(echo "$json" | jq -r '.[] | select(.signer != .target) | "\(.target) \(.signer)"')" \
	"registrations under another signer"
h_assert_eq "$acked" "$(echo "$json" | jq -r '.[] | .target' | sed 's/^kms\([0-9]*\)\..*/\1/' | sort)" \
	"acknowledged = stored"

# --- the unsigned-delete race ----------------------------------------------
for try in 1 2 3 4 5; do
	( { echo "server 127.0.0.1 $port"; echo "zone $Z"
		echo "update delete _vlmcs._tcp.$Z. IN SRV 0 0 1688 kms05.$Z."; echo send; } |
		timeout 20 nsupdate -v -t 5 >/dev/null 2>&1 || true ) &
	u=$!
	r=$(upd "${KEYZ[05]}" $Z <<<"update add _vlmcs._tcp.$Z. 60 IN SRV 0 0 1688 kms05.$Z.")
	wait "$u"
	h_log "race try $try: kms05 $r"
	[ "$r" = ok ] || [ "$r" = REFUSED ] || h_fail "race try $try: $r"
	if [ "$r" = ok ]; then
		h_assert_eq "0 0 1688 kms05.$Z." "$(h_dig +short +tcp "_vlmcs._tcp.$Z" SRV | grep kms05 || true)" \
			"try $try: the acknowledged record of kms05 is there"
		h_assert_eq ok "$(upd "${KEYZ[05]}" $Z <<<"update delete _vlmcs._tcp.$Z. IN SRV 0 0 1688 kms05.$Z.")" \
			"try $try: kms05 deletes its record"
	fi
done
n_del=$(grep -c "deleted _vlmcs._tcp.$Z [0-9]* SRV 0 0 1688 kms05.$Z. (signer kms05.$Z" "$log" || true)
h_log "race: kms05's own deletions logged $n_del"
n_add=$(grep -c "added _vlmcs._tcp.$Z [0-9]* SRV 0 0 1688 kms05.$Z. (signer kms05.$Z" "$log" || true)
h_assert_eq "$n_add" "$n_del" "deletions attributed to kms05 = the deletions kms05 sent"

# --- transaction tags --------------------------------------------------------
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
tag06=$(hex "kms06.$Z")._kmsdns-txn.$Z.
tag07=$(hex "kms07.$Z")._kmsdns-txn.$Z.
serial=$(dlz_serial $Z)
h_assert_eq REFUSED "$(upd "${KEYZ[06]}" $Z <<EOF
update add $tag07 0 IN TXT "kmsdns-txn"
update add _vlmcs._tcp.$Z. 60 IN SRV 0 0 1688 kms06.$Z.
update add end.$tag07 0 IN TXT "kmsdns-txn"
EOF
)" "a tag naming another signer"
h_assert_contains "$(cat "$log")" "the transaction tag names kms07.$Z, not the signer" "forged tag logged"
h_assert_eq ok "$(upd "${KEYZ[06]}" $Z <<EOF
update add $tag06 0 IN TXT "kmsdns-txn"
update add end.$tag06 0 IN TXT "kmsdns-txn"
EOF
)" "a tag-only UPDATE"
h_assert_eq "$serial" "$(dlz_serial $Z)" "serial kept by a tag-only UPDATE"
h_assert_eq ok "$(upd "${KEYZ[06]}" $Z <<EOF
update add $tag06 0 IN TXT "kmsdns-txn"
update add _vlmcs._tcp.$Z. 60 IN SRV 0 0 1688 kms06.$Z.
update add end.$tag06 0 IN TXT "kmsdns-txn"
EOF
)" "a tagged UPDATE"
h_assert_contains "$(cat "$log")" "added _vlmcs._tcp.$Z 60 SRV 0 0 1688 kms06.$Z. (signer kms06.$Z, tagged)" "tagged add logged"
h_assert_eq NXDOMAIN "$(h_rcode "$tag06" TXT)" "a tag is never served"
h_assert_not_contains "$(h_dig +noall +answer AXFR $Z)" "_kmsdns-txn" "a tag is never transferred"
h_assert_not_contains "$("$DLZ_TOOL" --db "$DLZ_DB" export $Z 2>&1)" "_kmsdns-txn" "a tag is never stored"

# --- a flood by a self signer; the zone keeps answering ------------------
for i in $(seq -w 1 $N); do
	r=$(upd "${KEYS[$i]}" $S <<<"update add _vlmcs._tcp.$S. 60 IN SRV 0 0 1688 kms$i.$S.")
	[ "$r" = ok ] || h_fail "kms$i alone: $r"
done
h_assert_eq $N "$(h_dig +short "_vlmcs._tcp.$S" SRV | wc -l)" "$N hosts before the flood"
# nsupdate cannot build one UPDATE of 2,000 records ("ran out of space"):
# the flood is two UPDATEs of 1,000
for b in 0 1; do
	for i in $(seq 1 1000); do echo "update add _vlmcs._tcp.$S. 60 IN SRV 0 0 $((3000 + b * 1000 + i)) kms01.$S."; done >"$H_TMP/flood"
	t0=$(dlz_ms)
	h_assert_eq REFUSED "$(upd "${KEYS[01]}" $S -v <"$H_TMP/flood")" "flood by a self signer, UPDATE $((b + 1)) of 1,000 records"
	h_log "flood UPDATE $((b + 1)) answered in $(($(dlz_ms) - t0)) ms (nsupdate included)"
done
h_assert_contains "$(cat "$log")" "limit max-update-records" "the refusal names the limit"
udp=$(h_dig +bufsize=1232 +ignore +noall +answer +comments "_vlmcs._tcp.$S" SRV)
h_assert_not_contains "$udp" "flags: qr aa tc" "UDP answer not truncated"
h_assert_eq $N "$(echo "$udp" | grep -c "IN.SRV")" "every host over UDP"
h_assert_eq $N "$(h_dig +tcp +short "_vlmcs._tcp.$S" SRV | wc -l)" "every host over TCP"

# --- 1,000 records in one UPDATE -------------------------------------------
# Over max-update-records (64): refused at its checks, before any work. (An
# accepted UPDATE of 1,000 SRV records costs BIND itself one read of the
# whole RRset per record; see dlz_kmsdns(8), limits.)
for i in $(seq 1 1000); do echo "update add _vlmcs._tcp.$Z. 60 IN SRV 0 0 $((5000 + i)) bulk$i.other.test."; done >"$H_TMP/bulk"
t0=$(dlz_ms)
r=$(upd "$ADMIN" $Z -v <"$H_TMP/bulk")
ms=$(($(dlz_ms) - t0))
h_log "1,000-record UPDATE: $r in $ms ms (nsupdate included)"
h_assert_eq REFUSED "$r" "1,000-record UPDATE answered"
[ "$ms" -lt 1000 ] || h_fail "1,000-record UPDATE took $ms ms"
h_assert_eq 0 "$(dlz_reg host list $Z --json | jq '[.[] | select(.target | startswith("bulk"))] | length')" "nothing stored"

kill $QUERIER 2>/dev/null || true
wait $QUERIER 2>/dev/null || true
# NXDOMAIN is right while a zone has no registration at all (no empty
# _vlmcs._tcp node, as its secondaries see it); SERVFAIL or anything else
# is not.
h_assert_eq "" "$(grep -v -e NOERROR -e NXDOMAIN "$H_TMP/rcodes" | sort | uniq -c || true)" "query answers other than NOERROR or NXDOMAIN"
h_assert_ok h_named_stop ns1
dlz_assert_clean ns1
exit 0
