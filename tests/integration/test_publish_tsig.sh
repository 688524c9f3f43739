#!/bin/bash
# kmsdns-publish with TSIG against a real named (native zones):
# publish to 3 domains, idempotence (no UPDATE, serial unchanged), a changed
# weight replaces only our record, dry-run, withdraw, every TSIG algorithm,
# and the failures: BADSIG, BADKEY, clock skew (BADTIME corrected), REFUSED,
# a secondary (not the primary), no such zone, server down (timeout),
# connection refused, and config-file errors (exit 2 with file:line).
set -euo pipefail
# shellcheck source=harness.sh
. "$(cd "$(dirname "$0")" && pwd)/harness.sh"

h_require_root
h_require_cmd named named-checkconf dig tsig-keygen ss timeout python3
PUBLISH=${abs_top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)/_build}/nsupdate_tool/kmsdns-publish
[ -x "$PUBLISH" ] || h_skip "kmsdns-publish not built ($PUBLISH)"
h_init publish_tsig

NS=$(h_named_dir ns1)
PORT=$(h_named_port ns1)
KEYS="$H_TMP/keys"
mkdir -p "$KEYS"
TSIG=$(h_tsig_key kms-tsig.example.test hmac-sha256)
for alg in hmac-md5 hmac-sha1 hmac-sha224 hmac-sha384 hmac-sha512; do
	h_tsig_key "kms-$alg.example.test" "$alg" >/dev/null
done
# the same key name with another secret, and a key the server lacks
WRONG=$(h_tsig_key kms-tsig.example.test hmac-sha256 "$H_TMP/wrong.key")
UNKNOWN=$(h_tsig_key unknown.example.test hmac-sha256 "$H_TMP/unknown.key")

zone_file() { # ZONE [EXTRA LINES]
	cat >"$NS/$1.db" <<EOF
\$TTL 300
@               IN SOA ns1.$1. hostmaster.$1. ( 1 3600 600 86400 300 )
                IN NS  ns1.$1.
ns1             IN A   127.0.0.1
${2:-}
EOF
}
grants() { # ZONE
	local g="grant kms-tsig.example.test. name _vlmcs._tcp.$1. SRV;" alg
	for alg in hmac-md5 hmac-sha1 hmac-sha224 hmac-sha384 hmac-sha512; do
		g="$g grant kms-$alg.example.test. name _vlmcs._tcp.$1. SRV;"
	done
	echo "$g"
}
zone_file a.test "_vlmcs._tcp IN SRV 0 100 1688 kms0.a.test."
zone_file b.test
zone_file c.test
zone_file refuse.test
zone_file parent.test
zone_file example.test
zone_file open.test
# a zone that says it is served by the kmsdns DLZ module (freshness rule)
zone_file dlz.test '_kmsdns IN TXT "v=kmsdns1" "other text"'
{
	echo "include \"$TSIG\";"
	for alg in hmac-md5 hmac-sha1 hmac-sha224 hmac-sha384 hmac-sha512; do
		echo "include \"$KEYS/kms-$alg.example.test.key\";"
	done
	for z in a.test b.test c.test; do
		echo "zone \"$z\" { type primary; file \"$z.db\"; update-policy { $(grants $z) }; };"
	done
	# carries the marker: the publisher adds its transaction tags (TXT)
	echo "zone \"dlz.test\" { type primary; file \"dlz.test.db\"; update-policy { $(grants dlz.test)
		grant kms-tsig.example.test. subdomain _kmsdns-txn.dlz.test. TXT; }; };"
	echo "zone \"open.test\" { type primary; file \"open.test.db\"; allow-update { 127.0.0.1; }; };"
	echo "zone \"example.test\" { type primary; file \"example.test.db\";"
	echo "	update-policy { grant kms-tsig.example.test. name kms1.example.test. A AAAA; }; };"
	echo "zone \"parent.test\" { type primary; file \"parent.test.db\"; update-policy { $(grants parent.test) }; };"
	echo "zone \"refuse.test\" { type primary; file \"refuse.test.db\";"
	echo "	update-policy { grant kms-tsig.example.test. name other.refuse.test. A; }; };"
} >"$H_TMP/zones.conf"
h_named_start ns1 "$H_TMP/zones.conf"

# a secondary of a.test on another named: not the primary
PORT2=$(h_named_port ns2)
h_named_start ns2 - <<EOF
include "$TSIG";
zone "a.test" { type secondary; file "a.test.bk"; primaries { 127.0.0.1 port $PORT; }; };
EOF
h_wait_until 10 h_dig +short a.test SOA || h_fail "secondary ns2 did not load a.test"
h_use ns1

pub() { # ARGS...: run the publisher against ns1; output in $OUT, status in $RC
	RC=0
	OUT=$(timeout 60 "$PUBLISH" --host kms1.example.test --server "127.0.0.1#$PORT" \
		--timeout 2000 "$@" 2>&1) || RC=$?
	printf '%s\n' "$OUT" | sed 's/^/  | /' >&2
}
srv() { h_dig +short "_vlmcs._tcp.$1" SRV | sort; }
serial() { h_dig +short "$1" SOA | awk '{print $3}'; }
DOMAINS=(--domain a.test,0,100 --domain b.test,10,50 --domain c.test,20,0)

# --- dry run: nothing sent ---------------------------------------------------
pub --tsig-key "$TSIG" --dry-run "${DOMAINS[@]}"
h_assert_eq 0 "$RC" "dry-run exit status"
h_assert_contains "$OUT" "update add _vlmcs._tcp.b.test. 3600 SRV 10 50 1688 kms1.example.test." "dry-run script"
h_assert_contains "$OUT" "server 127.0.0.1 $PORT" "dry-run server line"
h_assert_contains "$OUT" "a.test zone=a.test server=127.0.0.1#$PORT action=added result=dry-run" "dry-run report"
h_assert_eq "" "$(srv b.test)" "dry-run changed b.test"

# --- publish to 3 domains ----------------------------------------------------
pub --tsig-key "$TSIG" "${DOMAINS[@]}"
h_assert_eq 0 "$RC" "first publish exit status"
for d in a.test b.test c.test; do
	h_assert_contains "$OUT" "$d zone=$d server=127.0.0.1#$PORT action=added result=ok" "report for $d"
done
h_assert_eq "0 100 1688 kms0.a.test.
0 100 1688 kms1.example.test." "$(srv a.test)" "a.test RRset"
h_assert_eq "10 50 1688 kms1.example.test." "$(srv b.test)" "b.test RRset"
h_assert_eq "20 0 1688 kms1.example.test." "$(srv c.test)" "c.test RRset"

# --- second run: unchanged, no UPDATE, serials unchanged ---------------------
S1="$(serial a.test) $(serial b.test) $(serial c.test)"
pub --tsig-key "$TSIG" --json "${DOMAINS[@]}"
h_assert_eq 0 "$RC" "second run exit status"
printf '%s\n' "$OUT" | python3 -c '
import json, sys
doc = json.load(sys.stdin)
assert doc["failed"] == 0, doc
assert [d["action"] for d in doc["domains"]] == ["unchanged"] * 3, doc
assert all(d["updates_sent"] == 0 and d["result"] == "ok" for d in doc["domains"]), doc
' || h_fail "JSON report of the second run"
h_assert_eq "$S1" "$(serial a.test) $(serial b.test) $(serial c.test)" "serials after an unchanged run"

# --- unsigned updates where the server allows them by address --------------
pub --no-auth --domain open.test,1,2
h_assert_contains "$OUT" "open.test zone=open.test server=127.0.0.1#$PORT action=added result=ok" "unsigned update"
h_assert_eq "1 2 1688 kms1.example.test." "$(srv open.test)" "open.test RRset"
pub --no-auth --domain b.test,1,2
h_assert_contains "$OUT" "b.test zone=b.test server=127.0.0.1#$PORT action=updated result=failed error=REFUSED" "unsigned update to a signed-only zone"

# --- a kmsdns DLZ zone: an unchanged record is refreshed (re-added) -------
pub --tsig-key "$TSIG" --domain dlz.test,5,5
h_assert_contains "$OUT" "dlz.test zone=dlz.test server=127.0.0.1#$PORT action=added result=ok" "first publish to dlz.test"
S2=$(serial dlz.test)
pub --tsig-key "$TSIG" --domain dlz.test,5,5 --json
printf '%s\n' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)["domains"][0]
assert d["kmsdns_zone"] is True and d["action"] == "refreshed", d
assert d["updates_sent"] == 1 and d["result"] == "ok", d
' || h_fail "refresh of an unchanged record in a kmsdns zone"
h_assert_eq "$S2" "$(serial dlz.test)" "serial after a refresh (identical re-add is a no-op)"
h_assert_eq "5 5 1688 kms1.example.test." "$(srv dlz.test)" "dlz.test after the refresh"
# withdraw needs no refresh
pub --tsig-key "$TSIG" --domain dlz.test --withdraw
h_assert_contains "$OUT" "dlz.test zone=dlz.test server=127.0.0.1#$PORT action=withdrawn result=ok" "withdraw from dlz.test"

# --- --refresh sends an identical re-add: zone unchanged ----------------------
pub --tsig-key "$TSIG" --refresh --domain b.test,10,50
h_assert_contains "$OUT" "b.test zone=b.test server=127.0.0.1#$PORT action=refreshed result=ok" "refresh"
h_assert_eq "10 50 1688 kms1.example.test." "$(srv b.test)" "b.test after refresh"

# --- changed weight: only our record replaced --------------------------------
pub --tsig-key "$TSIG" --domain a.test,0,70
h_assert_contains "$OUT" "a.test zone=a.test server=127.0.0.1#$PORT action=updated result=ok" "weight change"
h_assert_eq "0 100 1688 kms0.a.test.
0 70 1688 kms1.example.test." "$(srv a.test)" "a.test after weight change"
grep -q "updating zone 'a.test/IN': deleting an RR at _vlmcs._tcp.a.test SRV" "$NS/named.log" ||
	h_fail "named did not log the delete of one RR"
if grep -q "deleting rrset" "$NS/named.log"; then h_fail "the publisher deleted a whole RRset"; fi

# --- every TSIG algorithm (sha224/sha384 too, which ldns lacks) --------------
for alg in hmac-md5 hmac-sha1 hmac-sha224 hmac-sha384 hmac-sha512; do
	pub --tsig-key "$KEYS/kms-$alg.example.test.key" --refresh --domain c.test,20,0
	h_assert_contains "$OUT" "action=refreshed result=ok" "refresh signed with $alg"
done

# --- clock skew: BADTIME, offset corrected from the server's time once --------
RC=0
OUT=$(KMSDNS_PUBLISH_CLOCK_OFFSET=-4000 timeout 60 "$PUBLISH" --host kms1.example.test \
	--server "127.0.0.1#$PORT" --tsig-key "$TSIG" --domain c.test,30,0 --json 2>&1) || RC=$?
printf '%s\n' "$OUT" | sed 's/^/  | /' >&2
h_assert_eq 0 "$RC" "publish with a skewed clock"
printf '%s\n' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)["domains"][0]
assert d["action"] == "updated" and d["result"] == "ok", d
assert d["updates_sent"] == 2, d
' || h_fail "BADTIME correction: two UPDATEs, success"
grep -q "BADTIME\|clock skew\|expired" "$NS/named.log" || h_fail "named did not see the skewed request"
h_assert_eq "30 0 1688 kms1.example.test." "$(srv c.test)" "c.test after the BADTIME retry"

# --- failures ----------------------------------------------------------------
pub --tsig-key "$WRONG" --domain b.test,1,1
h_assert_eq 1 "$RC" "wrong secret exit status"
h_assert_contains "$OUT" "result=failed error=BADSIG windows=0x80072338 event=12293" "wrong secret"
pub --tsig-key "$UNKNOWN" --domain b.test,1,1
h_assert_eq 1 "$RC" "unknown key exit status"
h_assert_contains "$OUT" "result=failed error=BADKEY windows=0x80072331 event=12293" "unknown key"
h_assert_contains "$OUT" 'hint="the server does not know the key' "unknown key hint"
pub --tsig-key "$TSIG" --domain refuse.test
h_assert_eq 1 "$RC" "refused exit status"
h_assert_contains "$OUT" "refuse.test zone=refuse.test server=127.0.0.1#$PORT action=added result=failed error=REFUSED windows=0x8007232D event=12293" "policy refusal"
h_assert_contains "$OUT" "update policy" "REFUSED hint"
pub --tsig-key "$TSIG" --domain nosuch.parent.test
h_assert_eq 1 "$RC" "no such zone exit status"
h_assert_contains "$OUT" "nosuch.parent.test zone=- server=- action=- result=failed error=no-zone windows=0x80072332 event=12293" "no such zone"
h_assert_contains "$OUT" "nosuch.parent.test does not exist" "no such zone: no fallback to the parent zone"
h_assert_eq "10 50 1688 kms1.example.test." "$(srv b.test)" "b.test after the failures"

# not the primary: the secondary ns2 (BIND refuses, update forwarding is off)
RC=0
OUT=$(timeout 60 "$PUBLISH" --host kms1.example.test --server "127.0.0.1#$PORT2" \
	--tsig-key "$TSIG" --domain a.test,5,5 2>&1) || RC=$?
printf '%s\n' "$OUT" | sed 's/^/  | /' >&2
h_assert_eq 1 "$RC" "secondary exit status"
h_assert_contains "$OUT" "a.test zone=a.test server=127.0.0.1#$PORT2 action=added result=failed error=REFUSED" "update sent to a secondary"
grep -q "update forwarding 'a.test/IN' denied" "$H_TMP/ns2/named.log" || h_fail "ns2 did not deny the forwarding"
# not the primary, nor authoritative at all: ns2 has no b.test
RC=0
OUT=$(timeout 60 "$PUBLISH" --host kms1.example.test --server "127.0.0.1#$PORT2" \
	--tsig-key "$TSIG" --domain b.test 2>&1) || RC=$?
printf '%s\n' "$OUT" | sed 's/^/  | /' >&2
h_assert_eq 1 "$RC" "non-authoritative server exit status"
h_assert_contains "$OUT" "b.test zone=- server=- action=- result=failed error=NOTAUTH windows=0x80072331 event=12293 hint=\"the server is not the zone's primary" "non-authoritative server"

# connection refused: a port nobody listens on
FREE=$(h_free_port)
RC=0
OUT=$(timeout 60 "$PUBLISH" --host kms1.example.test --server "127.0.0.1#$FREE" \
	--tsig-key "$TSIG" --domain a.test 2>&1) || RC=$?
h_assert_eq 1 "$RC" "closed port exit status"
h_assert_contains "$OUT" "error=network windows=0x8007232A" "closed port"

# server down (stopped): timeout within --timeout
kill -STOP "$(h_named_pid ns2)"
T0=$(date +%s%N)
RC=0
OUT=$(timeout 60 "$PUBLISH" --host kms1.example.test --server "127.0.0.1#$PORT2" \
	--tsig-key "$TSIG" --timeout 1000 --domain a.test --domain b.test 2>&1) || RC=$?
T1=$(date +%s%N)
kill -CONT "$(h_named_pid ns2)"
printf '%s\n' "$OUT" | sed 's/^/  | /' >&2
h_assert_eq 1 "$RC" "stopped server exit status"
h_assert_contains "$OUT" 'error=timeout windows=0x8007232A event=12293 hint="no answer: check for a firewall on 53/tcp' "timeout"
[ $(( (T1 - T0) / 1000000 )) -lt 3000 ] || h_fail "timeout took $(( (T1 - T0) / 1000000 )) ms with --timeout 1000"

# --- withdraw: only our record, everywhere ------------------------------------
pub --tsig-key "$TSIG" --withdraw "${DOMAINS[@]}"
h_assert_eq 0 "$RC" "withdraw exit status"
h_assert_contains "$OUT" "a.test zone=a.test server=127.0.0.1#$PORT action=withdrawn result=ok" "withdraw a.test"
h_assert_eq "0 100 1688 kms0.a.test." "$(srv a.test)" "a.test after withdraw"
h_assert_eq "" "$(srv b.test)$(srv c.test)" "b.test and c.test after withdraw"
pub --tsig-key "$TSIG" --withdraw "${DOMAINS[@]}"
h_assert_contains "$OUT" "a.test zone=a.test server=127.0.0.1#$PORT action=unchanged result=ok" "second withdraw"

# --- --register-address: the host's A/AAAA where policy allows ---------------
pub --tsig-key "$TSIG" --domain b.test --register-address --address 127.0.0.11 \
	--address 2001:DB8::11 --dry-run
h_assert_contains "$OUT" "update delete kms1.example.test. AAAA
update add kms1.example.test. 3600 AAAA 2001:db8::11" "address dry-run script"
h_assert_eq "" "$(h_dig +short kms1.example.test A)" "dry-run registered an address"
pub --tsig-key "$TSIG" --domain b.test --register-address --address 127.0.0.11 \
	--address 2001:DB8::11
h_assert_eq 0 "$RC" "register-address exit status"
h_assert_contains "$OUT" "kms1.example.test zone=example.test server=127.0.0.1#$PORT action=added result=ok records=address" "addresses added"
h_assert_eq "127.0.0.11" "$(h_dig +short kms1.example.test A)" "A record"
h_assert_eq "2001:db8::11" "$(h_dig +short kms1.example.test AAAA)" "AAAA record"
S3=$(serial example.test)
pub --tsig-key "$TSIG" --domain b.test --register-address --address 127.0.0.11 \
	--address 2001:db8::11
h_assert_contains "$OUT" "kms1.example.test zone=example.test server=127.0.0.1#$PORT action=unchanged result=ok records=address" "addresses unchanged"
h_assert_eq "$S3" "$(serial example.test)" "serial after unchanged addresses"
# a new IPv4 address replaces the A RRset; the AAAA (no IPv6 given) stays
pub --tsig-key "$TSIG" --domain b.test --register-address --address 127.0.0.12
h_assert_contains "$OUT" "action=updated result=ok records=address" "address changed"
h_assert_eq "127.0.0.12" "$(h_dig +short kms1.example.test A)" "A record after the change"
h_assert_eq "2001:db8::11" "$(h_dig +short kms1.example.test AAAA)" "AAAA record kept"
# the policy of refuse.test does not let the key write kms1.refuse.test A:
# noted, not a failure
RC=0
OUT=$(timeout 60 "$PUBLISH" --host kms1.refuse.test --server "127.0.0.1#$PORT" --tsig-key "$TSIG" \
	--domain b.test --register-address --address 127.0.0.13 2>&1) || RC=$?
printf '%s\n' "$OUT" | sed 's/^/  | /' >&2
h_assert_eq 0 "$RC" "refused address exit status"
h_assert_contains "$OUT" "kms1.refuse.test zone=refuse.test server=127.0.0.1#$PORT action=added result=not-allowed records=address" "refused address"
h_assert_eq "" "$(h_dig +short kms1.refuse.test A)" "refused address written"
# withdrawing leaves the addresses alone
pub --tsig-key "$TSIG" --domain b.test --register-address --withdraw
h_assert_not_contains "$OUT" "records=address" "withdraw touched addresses"
h_assert_eq "127.0.0.12" "$(h_dig +short kms1.example.test A)" "A record after withdraw"

# --- publish lists as Windows gives them; no list: the host's parent domain ---
printf '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\SoftwareProtectionPlatform\r\n    DnsDomainPublishList    REG_MULTI_SZ    a.test,0,100\\0b.test,10,50\r\n\r\n' \
	>"$H_TMP/reg-query.txt"
pub --tsig-key "$TSIG" --domains-from "$H_TMP/reg-query.txt" --dry-run
h_assert_eq 0 "$RC" "reg query list: exit status"
h_assert_contains "$OUT" "a.test zone=a.test server=127.0.0.1#$PORT action=added result=dry-run" "reg query list: a.test"
h_assert_contains "$OUT" "b.test zone=b.test server=127.0.0.1#$PORT action=added result=dry-run" "reg query list: b.test"
python3 - "$H_TMP/export.reg" <<'PY'
import sys
data = "c.test,20,0\0b.test,3,3\0\0".encode("utf-16le")
hexs = ",".join("%02x" % b for b in data)
text = ("Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\r\n"
        '"DnsDomainPublishList"=hex(7):' + hexs[:60] + "\\\r\n  " + hexs[60:] + "\r\n")
open(sys.argv[1], "wb").write(b"\xff\xfe" + text.encode("utf-16le"))
PY
pub --tsig-key "$TSIG" --domains-from "$H_TMP/export.reg" --domain a.test,0,70
h_assert_eq 0 "$RC" ".reg list: exit status"
h_assert_contains "$OUT" "c.test zone=c.test server=127.0.0.1#$PORT action=added result=ok" ".reg list: c.test"
h_assert_contains "$OUT" "b.test zone=b.test server=127.0.0.1#$PORT action=added result=ok" ".reg list: b.test"
h_assert_contains "$OUT" "a.test zone=a.test server=127.0.0.1#$PORT action=added result=ok" "--domain adds to the list"
h_assert_contains "$(srv b.test)" "3 3 1688 kms1.example.test." ".reg list: b.test RRset"
RC=0
OUT=$("$PUBLISH" --host kms1.example.test --server "127.0.0.1#$PORT" --tsig-key "$TSIG" \
	--domain 'a.test,0,100\0b.test,10,50' 2>&1) || RC=$?
h_assert_eq 2 "$RC" "pasted value in --domain: exit status"
h_assert_contains "$OUT" "put it in a file and give domains-from FILE (--domains-from FILE)" "pasted value hint"
RC=0
OUT=$(timeout 60 "$PUBLISH" --host kms9.c.test --server "127.0.0.1#$PORT" --tsig-key "$TSIG" --json 2>&1) || RC=$?
printf '%s\n' "$OUT" | sed 's/^/  | /' >&2
h_assert_eq 0 "$RC" "no domain: exit status"
printf '%s\n' "$OUT" | python3 -c '
import json, sys
doc = json.load(sys.stdin)
assert doc["domain_source"] == "host-parent", doc
d = doc["domains"][0]
assert d["domain"] == "c.test" and d["action"] == "added" and d["result"] == "ok", d
assert d["note"].startswith("no domain given: the host'"'"'s parent domain"), d
' || h_fail "no domain: the host's parent domain, said in the report"
h_assert_contains "$(srv c.test)" "1688 kms9.c.test." "no domain: published in c.test"
RC=0
OUT=$(timeout 60 "$PUBLISH" --host kms9.c.test --server "127.0.0.1#$PORT" --tsig-key "$TSIG" --withdraw 2>&1) || RC=$?
h_assert_contains "$OUT" "c.test zone=c.test server=127.0.0.1#$PORT action=withdrawn result=ok note=\"no domain given: the host's parent domain\"" "no domain: withdrawn, said in the report"

# --- config file errors: exit 2, file:line and reason ------------------------
conf_error() { # EXPECTED-TEXT CONFIG-LINES...
	local want=$1 rc=0 out
	shift
	printf '%s\n' "$@" >"$H_TMP/bad.conf"
	out=$("$PUBLISH" -c "$H_TMP/bad.conf" --dry-run 2>&1) || rc=$?
	h_assert_eq 2 "$rc" "exit status for: $*"
	h_assert_contains "$out" "$want" "error text for: $*"
}
conf_error "bad.conf:2: unknown setting \"colour\"" "host kms1.example.test" "colour blue"
conf_error "bad.conf:1: port 70000 is out of range 1-65535" "port 70000"
conf_error "bad.conf:1: ttl \"1h\" is not a number" "ttl 1h"
conf_error "bad.conf:2: port is already set on line 1" "port 1688" "port 1689"
conf_error "bad.conf:1: ttl has no value" "ttl"
conf_error "bad.conf:3: domain a.test is already listed on line 2" "host k.example.test" "domain a.test" "domain a.test,1,1"
conf_error "bad.conf:1: weight" "domain a.test,1,70000"
conf_error "bad.conf:1: auth \"kerberos\" is not one of tsig, gss, none" "auth kerberos"
conf_error "bad.conf:1: server \"1.2.3.4#99999\" has a port out of range" "server 1.2.3.4#99999"
conf_error "bad.conf:1: server \"127.0.0.1:20053\" is not an IP address: a port follows '#', not ':' (accepted forms: ADDR, ADDR#PORT, [V6]#PORT)" "server 127.0.0.1:20053"
conf_error "bad.conf:1: host \"kms2\" is not a fully qualified name" "host kms2" "domain a.test"
printf 'host k.example.test\n\377\376garbage x\n' >"$H_TMP/garbage.conf"
rc=0; out=$("$PUBLISH" -c "$H_TMP/garbage.conf" --dry-run 2>&1) || rc=$?
h_assert_eq 2 "$rc" "garbage config file"
h_assert_eq "kmsdns-publish: $H_TMP/garbage.conf:2: unknown setting \"\\xff\\xfegarbage\"" "$out" "garbage quoted escaped"
conf_error "bad.conf:1: jobs 0 is out of range 1-64" "jobs 0"
conf_error "bad.conf:1: " "host -bad-.example.test"
conf_error "the parent domain of k.test is a top-level domain" "host k.test"
conf_error "bad.conf:2: address \"192.0.2\" is not an IP address" "register-address yes" "address 192.0.2"
conf_error "bad.conf:1: register-address \"maybe\" is not yes or no" "register-address maybe"
conf_error "address needs register-address" "domain a.test" "address 192.0.2.1"
# --host must be a FQDN: exit 2, nothing sent
S4=$(serial b.test)
RC=0
OUT=$("$PUBLISH" --host kms2 --server "127.0.0.1#$PORT" --tsig-key "$TSIG" --domain b.test,0,0 2>&1) || RC=$?
h_assert_eq 2 "$RC" "--host kms2 exit status"
h_assert_eq "kmsdns-publish: host \"kms2\" is not a fully qualified name: give the host's FQDN" "$OUT" "--host kms2"
h_assert_eq "$S4" "$(serial b.test)" "serial after --host kms2"
h_assert_not_contains "$(srv b.test)" "kms2." "a single-label target"
# usage errors: one line, exit 64; --version exits 0
usage_error() { # EXPECTED-LINE ARGS...
	local want=$1 rc=0 out
	shift
	out=$("$PUBLISH" "$@" 2>&1) || rc=$?
	h_assert_eq 64 "$rc" "exit status of: $*"
	h_assert_eq "kmsdns-publish: $want (see kmsdns-publish --help)" "$out" "usage error of: $*"
}
usage_error 'unknown option "--bogus"' --bogus
usage_error 'option "--ttl" needs an argument' --domain a.test --ttl
usage_error 'unknown option "--weight"' --weight 10
usage_error '--ttl is given twice' --ttl 10 --ttl 20
usage_error 'unexpected argument "extra"' --dry-run extra
rc=0; out=$("$PUBLISH" --version) || rc=$?
h_assert_eq 0 "$rc" "--version exit status"
h_assert_contains "$out" "kmsdns-publish (kmsdns) " "--version line"
rc=0; out=$("$PUBLISH" -c "$H_TMP/missing.conf" 2>&1) || rc=$?
h_assert_eq 2 "$rc" "missing config file"
h_assert_contains "$out" "missing.conf" "missing config file named"
# a key file with two keys needs --key-name
cat "$TSIG" "$UNKNOWN" >"$H_TMP/two.key"
rc=0; out=$("$PUBLISH" --tsig-key "$H_TMP/two.key" --server "127.0.0.1#$PORT" --domain b.test \
	--host kms1.example.test 2>&1) || rc=$?
h_assert_eq 2 "$rc" "two keys without --key-name"
h_assert_contains "$out" "two.key holds 2 keys: give --key-name" "two keys"
pub --tsig-key "$H_TMP/two.key" --key-name KMS-TSIG.example.test. --domain b.test,3,3
h_assert_eq 0 "$RC" "--key-name picks the key"
rc=0; out=$("$PUBLISH" --tsig-key "$H_TMP/two.key" --key-name nokey.test --domain b.test \
	--host kms1.example.test 2>&1) || rc=$?
h_assert_eq 2 "$rc" "--key-name of a missing key"
h_assert_contains "$out" "two.key: no key named nokey.test" "missing key named"
rc=0; out=$("$PUBLISH" --tsig-key "$TSIG" --gss --domain b.test --host kms1.example.test 2>&1) || rc=$?
h_assert_eq 2 "$rc" "--tsig-key with --gss"
h_assert_contains "$out" "exclude each other" "--tsig-key with --gss message"
printf 'key "broken" { algorithm hmac-sha256; };\n' >"$H_TMP/broken.key"
rc=0; out=$("$PUBLISH" --tsig-key "$H_TMP/broken.key" --domain a.test --host k.example.test 2>&1) || rc=$?
h_assert_eq 2 "$rc" "bad key file"
h_assert_contains "$out" "broken.key:1:" "bad key file named with line"

h_assert_ok h_named_stop ns2
h_assert_ok h_named_stop ns1
exit 0
