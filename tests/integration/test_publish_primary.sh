#!/bin/bash
# kmsdns-publish without --server: zones and primaries are found through a
# resolver (--resolver, here a secondary), the UPDATE goes to the SOA
# MNAME's address on port 53, and the change is confirmed there. A zone
# whose MNAME names a server that is not authoritative for it gets NOTAUTH.
# The two named instances also listen on port 53 of two random 127.x.y.z
# addresses, added to lo for the test (named binds only to interface
# addresses) and removed at exit; the test skips when something listens on
# port 53 of every address.
set -euo pipefail
# shellcheck source=harness.sh
. "$(cd "$(dirname "$0")" && pwd)/harness.sh"

h_require_root
h_require_cmd named named-checkconf dig tsig-keygen ss timeout ip
PUBLISH=${abs_top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)/_build}/nsupdate_tool/kmsdns-publish
[ -x "$PUBLISH" ] || h_skip "kmsdns-publish not built ($PUBLISH)"
if ss -Hlntu 'sport = :53' | awk '{print $5}' | grep -qE '^(0\.0\.0\.0|\*|\[::\]):53$'; then
	h_skip "something listens on port 53 of every address"
fi
h_init publish_primary

pick_ip() {
	local ip
	for _ in 1 2 3 4 5 6 7 8; do
		ip="127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))"
		if ! ss -Hlntu 'sport = :53' | awk '{print $5}' | grep -qF "$ip:53"; then
			echo "$ip"
			return 0
		fi
	done
	h_fail "no free 127/8 address for port 53"
}
IP1=$(pick_ip)
IP2=$(pick_ip)
[ "$IP1" != "$IP2" ] || IP2=$(pick_ip)
ip addr show dev lo | grep -qF " $IP1/" && h_fail "$IP1 is already on lo"
ip addr show dev lo | grep -qF " $IP2/" && h_fail "$IP2 is already on lo"
# remove the addresses before the harness cleanup, keeping the exit status
# (set +e first: under set -e the `(exit $rc)` would end the trap itself)
trap 'rc=$?; set +e; ip addr del "$IP1/32" dev lo 2>/dev/null; ip addr del "$IP2/32" dev lo 2>/dev/null; (exit $rc); h__cleanup' EXIT
ip addr add "$IP1/32" dev lo || h_fail "cannot add $IP1 to lo"
ip addr add "$IP2/32" dev lo || h_fail "cannot add $IP2 to lo"

NS1=$(h_named_dir ns1)
PORT1=$(h_named_port ns1)
PORT2=$(h_named_port ns2)
TSIG=$(h_tsig_key kms-tsig.example.test hmac-sha256)

soa() { # ZONE MNAME
	cat >"$NS1/$1.db" <<EOF
\$TTL 300
@   IN SOA $2. hostmaster.$1. ( 1 3600 600 86400 300 )
    IN NS  ns1.example.test.
EOF
}
soa example.test ns1.example.test
cat >>"$NS1/example.test.db" <<EOF
ns1 IN A $IP1
ns2 IN A $IP2
EOF
soa a.test ns1.example.test
soa b.test ns1.example.test
# c.test names ns2 as its primary, but ns2 does not serve it
soa c.test ns2.example.test
{
	echo "include \"$TSIG\";"
	for z in example.test a.test b.test c.test; do
		echo "zone \"$z\" { type primary; file \"$z.db\"; also-notify { 127.0.0.1 port $PORT2; };"
		echo "	update-policy { grant kms-tsig.example.test. name _vlmcs._tcp.$z. SRV; }; };"
	done
} >"$H_TMP/ns1.conf"
H_NAMED_OPTIONS="	listen-on port 53 { $IP1; };" h_named_start ns1 "$H_TMP/ns1.conf"
{
	for z in example.test a.test b.test; do
		echo "zone \"$z\" { type secondary; file \"$z.bk\"; primaries { 127.0.0.1 port $PORT1; }; };"
	done
} >"$H_TMP/ns2.conf"
H_NAMED_OPTIONS="	listen-on port 53 { $IP2; };" h_named_start ns2 "$H_TMP/ns2.conf"
for z in example.test a.test b.test; do
	h_wait_until 10 sh -c "dig @127.0.0.1 -p $PORT2 +short +time=1 +tries=1 $z SOA | grep -q ." ||
		h_fail "ns2 did not load $z"
done

pub() {
	RC=0
	OUT=$(timeout 60 "$PUBLISH" --host kms1.example.test --resolver "127.0.0.1#$PORT2" \
		--tsig-key "$TSIG" --timeout 2000 "$@" 2>&1) || RC=$?
	printf '%s\n' "$OUT" | sed 's/^/  | /' >&2
}

# --- found through the secondary, sent to the primary's port 53 --------------
pub --domain a.test,0,100 --domain b.test,10,50
h_assert_eq 0 "$RC" "publish through the resolver"
h_assert_contains "$OUT" "a.test zone=a.test server=$IP1#53 action=added result=ok" "a.test to the primary"
h_assert_contains "$OUT" "b.test zone=b.test server=$IP1#53 action=added result=ok" "b.test to the primary"
h_use ns1
h_assert_eq "10 50 1688 kms1.example.test." "$(h_dig +short _vlmcs._tcp.b.test SRV)" "b.test at the primary"
grep -q "updating zone 'a.test/IN': adding an RR" "$NS1/named.log" || h_fail "ns1 did not apply the update"
if grep -q "update" "$H_TMP/ns2/named.log" | grep -q forwarding; then h_fail "the update went to the secondary"; fi

# --- the MNAME's server is not authoritative: NOTAUTH -------------------------
RC=0
OUT=$(timeout 60 "$PUBLISH" --host kms1.example.test --resolver "127.0.0.1#$PORT1" \
	--tsig-key "$TSIG" --timeout 2000 --domain c.test 2>&1) || RC=$?
printf '%s\n' "$OUT" | sed 's/^/  | /' >&2
h_assert_eq 1 "$RC" "non-primary exit status"
h_assert_contains "$OUT" "c.test zone=c.test server=$IP2#53 action=- result=failed error=NOTAUTH windows=0x80072331 event=12293 hint=\"the server is not the zone's primary" "NOTAUTH from a server that is not the primary"

# --- --server and --resolver exclude each other -------------------------------
rc=0; out=$("$PUBLISH" --server 127.0.0.1 --resolver 127.0.0.1 --domain a.test --dry-run \
	--host kms1.example.test 2>&1) || rc=$?
h_assert_eq 2 "$rc" "--server with --resolver"
h_assert_contains "$out" "server and resolver exclude each other" "--server with --resolver message"

h_assert_ok h_named_stop ns2
h_assert_ok h_named_stop ns1
exit 0
