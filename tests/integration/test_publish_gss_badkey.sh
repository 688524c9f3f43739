#!/bin/bash
# kmsdns-publish with GSS-TSIG when the server loses the negotiated key in
# the middle of a run: named is killed (SIGKILL loses its GSS keys) and
# restarted while the publisher waits on a stopped server for another
# zone; the next UPDATE with the reused context gets BADKEY, and the
# publisher renegotiates once and succeeds. Primaries are reached by their
# SOA MNAME on port 53 of 127.x.y.z addresses added to lo for the test.
set -euo pipefail
# shellcheck source=harness.sh
. "$(cd "$(dirname "$0")" && pwd)/harness.sh"

h_require_root
h_require_cmd named named-checkconf dig krb5kdc kdb5_util kadmin.local ss timeout ip python3
PUBLISH=${abs_top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)/_build}/nsupdate_tool/kmsdns-publish
[ -x "$PUBLISH" ] || h_skip "kmsdns-publish not built ($PUBLISH)"
if ss -Hlntu 'sport = :53' | awk '{print $5}' | grep -qE '^(0\.0\.0\.0|\*|\[::\]):53$'; then
	h_skip "something listens on port 53 of every address"
fi
h_init publish_gss_badkey

pick_ip() {
	local ip
	for _ in 1 2 3 4 5 6 7 8; do
		ip="127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))"
		if ! ip addr show dev lo | grep -qF " $ip/"; then
			echo "$ip"
			return 0
		fi
	done
	h_fail "no free 127/8 address"
}
IP1=$(pick_ip)
IP3=$(pick_ip)
[ "$IP1" != "$IP3" ] || h_fail "picked the same address twice"
# (set +e first: under set -e the `(exit $rc)` would end the trap itself)
trap 'rc=$?; set +e; ip addr del "$IP1/32" dev lo 2>/dev/null; ip addr del "$IP3/32" dev lo 2>/dev/null; (exit $rc); h__cleanup' EXIT
ip addr add "$IP1/32" dev lo || h_fail "cannot add $IP1 to lo"
ip addr add "$IP3/32" dev lo || h_fail "cannot add $IP3 to lo"

h_kdc_start EXAMPLE.TEST
NS1=$(h_named_dir ns1)
PORT1=$(h_named_port ns1)
h_kdc_principal DNS/ns1.example.test "$NS1/dns.keytab" >/dev/null
HOST_KT=$(h_kdc_principal host/kms1.example.test)

soa() { # ZONE MNAME
	cat >"$NS1/$1.db" <<EOF
\$TTL 300
@   IN SOA $2. hostmaster.$1. ( 1 3600 600 86400 300 )
    IN NS  ns1.example.test.
EOF
}
soa example.test ns1.example.test
printf 'ns1 IN A %s\nns3 IN A %s\n' "$IP1" "$IP3" >>"$NS1/example.test.db"
soa a.test ns1.example.test
soa b.test ns1.example.test
soa slow.test ns3.example.test
{
	for z in example.test a.test b.test slow.test; do
		echo "zone \"$z\" { type primary; file \"$z.db\"; update-policy {"
		echo "	grant EXAMPLE.TEST krb5-subdomain-self-rhs _vlmcs._tcp.$z. SRV; }; };"
	done
} >"$H_TMP/ns1.conf"
NS1_OPTIONS="	listen-on port 53 { $IP1; };
	tkey-gssapi-keytab \"$NS1/dns.keytab\";"
H_NAMED_OPTIONS=$NS1_OPTIONS h_named_start ns1 "$H_TMP/ns1.conf"
# ns3 accepts TCP connections on $IP3:53 but, stopped, never answers
H_NAMED_OPTIONS="	listen-on port 53 { $IP3; };" h_named_start ns3 - </dev/null
kill -STOP "$(h_named_pid ns3)"

# a.test first, then slow.test (5 s on the stopped ns3), then b.test
"$PUBLISH" --host kms1.example.test --resolver "127.0.0.1#$PORT1" --gss --keytab "$HOST_KT" \
	--jobs 1 --timeout 5000 --json --domain a.test,0,100 --domain slow.test \
	--domain b.test,10,50 >"$H_TMP/out" 2>"$H_TMP/err" &
PUB_PID=$!
h_wait_until 20 grep -q "updating zone 'a.test/IN': adding an RR" "$NS1/named.log" ||
	h_fail "the publisher did not update a.test"
sleep 0.5   # let it confirm a.test and start waiting on ns3
# named forgets its GSS keys when it dies without a clean shutdown
kill -KILL "$(h_named_pid ns1)"
h_named_stop ns1 || true
H_NAMED_OPTIONS=$NS1_OPTIONS h_named_start ns1 "$H_TMP/ns1.conf"
RC=0
wait "$PUB_PID" || RC=$?
kill -CONT "$(h_named_pid ns3)"
sed 's/^/  | /' "$H_TMP/out" "$H_TMP/err" >&2
h_assert_eq 1 "$RC" "exit status (slow.test timed out)"
python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
a, slow, b = doc["domains"]
assert a["action"] == "added" and a["result"] == "ok", a
assert slow["result"] == "failed" and slow["error"] == "timeout", slow
# the reused context got BADKEY; one renegotiation, then the UPDATE went in
assert b["action"] == "added" and b["result"] == "ok", b
assert b["updates_sent"] == 2, b
assert doc["gss_negotiations"] == 2, doc
' "$H_TMP/out" || h_fail "JSON report of the BADKEY run"
grep -q "BADKEY" "$NS1/named.log" || h_fail "named logged no BADKEY"
h_use ns1
h_assert_eq "10 50 1688 kms1.example.test." "$(h_dig +short _vlmcs._tcp.b.test SRV)" "b.test after the renegotiation"

h_assert_ok h_named_stop ns3
h_assert_ok h_named_stop ns1
exit 0
