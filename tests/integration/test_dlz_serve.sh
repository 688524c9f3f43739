#!/bin/bash
# A real named loading dlz_kmsdns.so from the build tree serves the zones of
# a registry made with kmsdns-registry: SOA, NS, SRV, A/AAAA of targets and
# in-zone name servers, the empty non-terminal _tcp, NXDOMAIN with the SOA,
# also at _vlmcs._tcp of a zone without registrations; a registry change is served
# within 1 s without a reload; AXFR follows each zone's allow-transfer list.
# With a sanitizer build the module runs under ASan/UBSan inside named.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"
# shellcheck source=dlz_lib.sh
. "$here/dlz_lib.sh"

dlz_require
h_init dlz_serve
dlz_registry_init
dlz_reg zone add example.test --ns ns1.example.test=127.0.0.1,::1 \
	--ns ns2.elsewhere.test --ttl 600 --allow-transfer 127.0.0.0/8 >/dev/null
dlz_reg host add example.test kms1.example.test --weight 100 \
	--address 127.0.0.11 --address 2001:db8::11 >/dev/null
dlz_reg host add example.test kms2.other.test --priority 10 --port 11688 >/dev/null
dlz_reg zone add empty.test --ns ns1.example.test --allow-transfer 192.0.2.1 >/dev/null
dlz_reg zone add closed.test --ns ns1.closed.test=127.0.0.1 >/dev/null
dlz_reg host add closed.test kms1.closed.test >/dev/null

dlz_named_start ns1

# --- positive answers ------------------------------------------------------
h_assert_eq "0 100 1688 kms1.example.test.
10 0 11688 kms2.other.test." "$(dlz_srv example.test)" "SRV RRset"
ans=$(h_dig +norec _vlmcs._tcp.example.test SRV)
h_assert_contains "$ans" "flags: qr aa;" "authoritative SRV answer"
h_assert_contains "$ans" "_vlmcs._tcp.example.test. 600	IN	SRV	0 100 1688 kms1.example.test." "SRV TTL from the zone"
# additional section: the in-zone target's addresses, nothing for the foreign one
h_assert_contains "$ans" "kms1.example.test.	600	IN	A	127.0.0.11" "target A in additional"
h_assert_contains "$ans" "kms1.example.test.	600	IN	AAAA	2001:db8::11" "target AAAA in additional"

soa=$(h_dig +short example.test SOA)
h_assert_eq "ns1.example.test. hostmaster.example.test." "$(echo "$soa" | awk '{print $1, $2}')" "SOA names"
h_assert_eq "3600 600 1209600 600" "$(echo "$soa" | awk '{print $4, $5, $6, $7}')" "SOA timers"
h_assert_eq "ns1.example.test.
ns2.elsewhere.test." "$(h_dig +short example.test NS | sort)" "NS RRset"
h_assert_eq "127.0.0.1" "$(h_dig +short ns1.example.test A)" "in-zone NS A"
h_assert_eq "::1" "$(h_dig +short ns1.example.test AAAA)" "in-zone NS AAAA"
h_assert_eq "127.0.0.11" "$(h_dig +short kms1.example.test A)" "target A"
h_assert_eq "2001:db8::11" "$(h_dig +short kms1.example.test AAAA)" "target AAAA"

# --- the kmsdns marker --------------------------------------------------------
h_assert_eq '"v=kmsdns1" "stale-after=259200"' "$(h_dig +short _kmsdns.example.test TXT)" "marker TXT"
h_assert_eq '"v=kmsdns1" "stale-after=259200"' "$(h_dig +short _kmsdns.empty.test TXT)" "marker TXT of an empty zone"
dlz_reg config set stale-after 2d >/dev/null
ms=$(dlz_wait_ms 1000 eval '[ "$(h_dig +short _kmsdns.example.test TXT)" = "\"v=kmsdns1\" \"stale-after=172800\"" ]') ||
	h_fail "marker not updated within 1 s after config set: $(h_dig +short _kmsdns.example.test TXT)"
h_assert_contains "$(cat "$H_TMP/ns1/named.log")" \
	"dlz_kmsdns: freshness settings changed: stale-after 172800s, scavenge-after 1209600s; 3 zones rebuilt" \
	"settings change logged"

# --- negative answers --------------------------------------------------------
h_assert_eq NOERROR "$(h_rcode _tcp.example.test SRV)" "rcode of the empty non-terminal _tcp"
h_assert_eq "" "$(h_dig +short _tcp.example.test SRV)" "no data at _tcp"
h_assert_eq NOERROR "$(h_rcode kms1.example.test SRV)" "rcode of a type the name lacks"
nx=$(h_dig +norec nope.example.test A)
h_assert_contains "$nx" "status: NXDOMAIN" "unknown name"
h_assert_contains "$nx" "example.test.		600	IN	SOA	ns1.example.test. hostmaster.example.test." \
	"SOA in the authority section of NXDOMAIN"
h_assert_eq NXDOMAIN "$(h_rcode _foo._tcp.example.test SRV)" "unknown name below _tcp"
h_assert_eq NXDOMAIN "$(h_rcode x._vlmcs._tcp.example.test SRV)" "unknown name below _vlmcs._tcp"
# a zone without registrations has no _vlmcs._tcp (nor does its AXFR)
nodata=$(h_dig +norec _vlmcs._tcp.empty.test SRV)
h_assert_contains "$nodata" "status: NXDOMAIN" "zone without registrations: rcode"
h_assert_contains "$nodata" "ANSWER: 0," "zone without registrations: no answer"
h_assert_contains "$nodata" "empty.test.		3600	IN	SOA	ns1.example.test." "zone without registrations: SOA"
h_assert_eq REFUSED "$(h_rcode www.not-served.test A)" "name of no zone"

# --- changes through kmsdns-registry, no reload ------------------------------
serial0=$(dlz_serial example.test)
dlz_reg host add example.test kms3.example.test --weight 5 --address 127.0.0.13 >/dev/null
ms=$(dlz_wait_ms 1000 eval 'dlz_srv example.test | grep -qxF "0 5 1688 kms3.example.test."') ||
	h_fail "registry change (host add) not served within 1 s"
h_log "host add served after ${ms} ms"
h_assert_eq "127.0.0.13" "$(h_dig +short kms3.example.test A)" "A of the new host"
serial1=$(dlz_serial example.test)
[ "$serial1" -gt "$serial0" ] || h_fail "serial did not grow: $serial0 -> $serial1"

dlz_reg host remove example.test kms2.other.test >/dev/null
ms=$(dlz_wait_ms 1000 eval '! dlz_srv example.test | grep -qF kms2.other.test') ||
	h_fail "registry change (host remove) not served within 1 s"
h_log "host remove served after ${ms} ms"

dlz_reg zone add new.test --ns ns1.example.test >/dev/null
dlz_reg host add new.test kms1.example.test >/dev/null
ms=$(dlz_wait_ms 1000 eval 'dlz_srv new.test | grep -qxF "0 0 1688 kms1.example.test."') ||
	h_fail "new zone not served within 1 s"
h_log "new zone served after ${ms} ms"
dlz_reg zone remove new.test >/dev/null
ms=$(dlz_wait_ms 1000 eval '[ "$(h_rcode new.test SOA)" = REFUSED ]') ||
	h_fail "removed zone still served after 1 s"

# --- zone transfer -------------------------------------------------------------
axfr=$(h_dig +nocmd +nostats example.test AXFR)
h_assert_eq 2 "$(echo "$axfr" | grep -c '	SOA	')" "AXFR bracketed by the SOA"
h_assert_contains "$axfr" "_vlmcs._tcp.example.test. 600	IN	SRV	0 100 1688 kms1.example.test." "SRV in AXFR"
h_assert_contains "$axfr" "kms3.example.test.	600	IN	A	127.0.0.13" "A in AXFR"
h_assert_contains "$axfr" "ns1.example.test.	600	IN	AAAA	::1" "NS AAAA in AXFR"
h_assert_contains "$axfr" '_kmsdns.example.test.	600	IN	TXT	"v=kmsdns1" "stale-after=172800"' "marker in AXFR"
h_assert_eq "$(h_dig +short example.test SOA | awk '{print $3}')" \
	"$(echo "$axfr" | awk '$4 == "SOA" {print $7; exit}')" "AXFR serial"
h_assert_contains "$(h_dig empty.test AXFR)" "Transfer failed." "AXFR from an address not in allow-transfer"
h_assert_contains "$(h_dig closed.test AXFR)" "Transfer failed." "AXFR of a zone without allow-transfer"
h_assert_contains "$(cat "$H_TMP/ns1/named.log")" \
	"zone empty.test: transfer to 127.0.0.1 refused (not in the zone's allow-transfer list)" "refusal logged"

# --- reload (SIGHUP): a new instance takes over, the old one stops ----------------
h_named_reload ns1
h_wait_until 10 grep -q "dlz_kmsdns: instance kmsdns stopped" "$H_TMP/ns1/named.log" ||
	h_fail "old module instance not stopped after the reload"
h_assert_contains "$(dlz_srv example.test)" "0 5 1688 kms3.example.test." "SRV after the reload"
dlz_reg host add example.test kms4.example.test >/dev/null
ms=$(dlz_wait_ms 1000 eval 'dlz_srv example.test | grep -qF kms4.example.test') ||
	h_fail "registry change not served within 1 s after the reload"

h_assert_ok h_named_stop ns1
dlz_assert_clean ns1
exit 0
