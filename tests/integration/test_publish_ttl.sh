#!/bin/bash
# The TTL rule of kmsdns-publish (a server keeps one TTL per RRset):
# against a native BIND zone, a record of ours that differs only in TTL is
# unchanged (note "ttl=300, the RRset's; --ttl 600 not applied", also in
# JSON) and a second run bumps no serial; two hosts publishing --ttl 600 and
# --ttl 300 into one zone settle in one round. Against the DLZ module, a
# static registration of our host with --ttl 300 stays static under
# `kmsdns-publish --ttl 600`.
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
h_init publish_ttl

# --- native BIND zone ----------------------------------------------------------
NS=$(h_named_dir ns1)
PORT=$(h_named_port ns1)
TSIG=$(h_tsig_key kms-tsig.example.test hmac-sha256)
for z in a.test b.test; do
	cat >"$NS/$z.db" <<EOF
\$TTL 300
@           IN SOA ns1.$z. hostmaster.$z. ( 1 3600 600 86400 300 )
            IN NS  ns1.$z.
ns1         IN A   127.0.0.1
_vlmcs._tcp IN SRV 0 0 1688 kms1.example.test.
EOF
done
{
	echo "include \"$TSIG\";"
	for z in a.test b.test; do
		echo "zone \"$z\" { type primary; file \"$z.db\"; update-policy { grant kms-tsig.example.test. name _vlmcs._tcp.$z. SRV; }; };"
	done
} >"$H_TMP/zones.conf"
h_named_start ns1 "$H_TMP/zones.conf"

pub() { # HOST TTL ARGS...: publish HOST with TTL at ns1; $OUT, $RC
	local host=$1 ttl=$2
	shift 2
	RC=0
	OUT=$(timeout 60 "$PUBLISH" --host "$host" --ttl "$ttl" --server "127.0.0.1#$PORT" \
		--tsig-key "$TSIG" --timeout 3000 "$@" 2>&1) || RC=$?
	printf '%s\n' "$OUT" | sed 's/^/  | /' >&2
}
serial() { h_dig +short "$1" SOA | awk '{print $3}'; }
ttls() { h_dig +noall +answer "_vlmcs._tcp.$1" SRV | awk '{print $2}' | sort -u | tr '\n' ' '; }

# our record exists with TTL 300 (the zone file's): --ttl 600 changes nothing
S0=$(serial a.test)
pub kms1.example.test 600 --domain a.test
h_assert_eq 0 "$RC" "TTL-only difference: exit status"
h_assert_contains "$OUT" "a.test zone=a.test server=127.0.0.1#$PORT action=unchanged result=ok note=\"ttl=300, the RRset's; --ttl 600 not applied\"" "TTL-only difference is unchanged"
h_assert_eq "$S0" "$(serial a.test)" "serial after a TTL-only difference"
pub kms1.example.test 600 --domain a.test --json
printf '%s\n' "$OUT" | jq -e '.domains[0] | .action == "unchanged" and .updates_sent == 0 and
	.note == "ttl=300, the RRset'"'"'s; --ttl 600 not applied"' >/dev/null ||
	h_fail "JSON note of the kept TTL"
# the same TTL: no note
pub kms1.example.test 300 --domain a.test
h_assert_not_contains "$OUT" "note=" "no note when the TTLs agree"

# two hosts with different TTLs settle in one round, the RRset keeps one TTL
pub kms2.example.test 600 --domain b.test,0,10
h_assert_contains "$OUT" "action=added result=ok note=\"ttl=300, the RRset's; --ttl 600 not applied\"" "second host joins with the RRset's TTL"
S1=$(serial b.test)
for round in 1 2 3; do
	pub kms1.example.test 600 --domain b.test
	h_assert_contains "$OUT" "action=unchanged" "host 1, round $round"
	pub kms2.example.test 300 --domain b.test,0,10
	h_assert_contains "$OUT" "action=unchanged" "host 2, round $round"
done
h_assert_eq "$S1" "$(serial b.test)" "serial after three rounds of two hosts"
h_assert_eq "300 " "$(ttls b.test)" "one TTL in b.test"
# a real change still goes through, with the RRset's TTL
pub kms2.example.test 600 --domain b.test,0,20
h_assert_contains "$OUT" "action=updated result=ok" "weight change of host 2"
h_assert_eq "300 " "$(ttls b.test)" "the weight change kept the RRset TTL"
h_assert_ok h_named_stop ns1

# --- the DLZ module: a static registration stays static ------------------------
HOST=kms1.example.test
KEY=$(h_tsig_key "$HOST" hmac-sha256 "$H_TMP/self.key")
dlz_registry_init
dlz_reg zone add m.test --ns "ns1.m.test=127.0.0.1" >/dev/null
dlz_reg host add m.test "$HOST" --ttl 300 >/dev/null
dlz_reg grant "$HOST" --zone m.test self >/dev/null
dlz_named_start ns2 - <<<"include \"$KEY\";"
PORT=$(h_named_port ns2)
origin() { dlz_reg host list m.test --json | jq -r --arg t "$HOST" '.[] | select(.target == $t) | "\(.origin) \(.ttl)"'; }
h_assert_eq "static 300" "$(origin)" "static registration before"
S2=$(dlz_serial m.test)
RC=0
OUT=$("$PUBLISH" --host "$HOST" --ttl 600 --server "127.0.0.1#$PORT" --tsig-key "$KEY" \
	--timeout 3000 --domain m.test --json 2>&1) || RC=$?
h_assert_eq 0 "$RC" "module: exit status ($OUT)"
printf '%s\n' "$OUT" | jq -e '.domains[0] | .kmsdns_zone and .result == "ok" and
	.note == "ttl=300, the RRset'"'"'s; --ttl 600 not applied"' >/dev/null ||
	h_fail "module: the RRset's TTL kept ($OUT)"
h_assert_eq "static 300" "$(origin)" "static registration after kmsdns-publish --ttl 600"
h_assert_eq "$S2" "$(dlz_serial m.test)" "module serial after the publish"
dlz_assert_clean ns2
h_log "publish_ttl: the RRset's TTL kept (native BIND and the module), two hosts settle"
