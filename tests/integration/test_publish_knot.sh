#!/bin/bash
# kmsdns-publish against Knot DNS (Debian `knot`) as a non-BIND primary,
# started by the test on a loopback port and stopped by PID: publish,
# idempotent rerun (no UPDATE, serial unchanged), the RRset's TTL kept when
# --ttl differs (Knot would otherwise log "TTL mismatch" and rewrite it),
# withdraw (another host's record stays) and a wrong secret (BADSIG).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"

h_require_cmd knotd tsig-keygen dig timeout python3
PUBLISH=${abs_top_builddir:-$(cd "$here/../.." && pwd)/_build}/nsupdate_tool/kmsdns-publish
[ -x "$PUBLISH" ] || h_skip "kmsdns-publish not built ($PUBLISH)"
h_init publish_knot

DIR="$H_TMP/knot"
mkdir -p "$DIR/db"
PORT=$(h_free_port)
KEY=$(h_tsig_key kms-tsig.example.test hmac-sha256)
WRONG=$(h_tsig_key kms-tsig.example.test hmac-sha256 "$H_TMP/wrong.key")
secret() { sed -n 's/.*secret "\([^"]*\)".*/\1/p' "$1"; }
cat >"$DIR/k.test.zone" <<ZONE
\$TTL 300
@           IN SOA ns1.k.test. hostmaster.k.test. ( 1 3600 600 86400 300 )
            IN NS  ns1.k.test.
ns1         IN A   127.0.0.1
_vlmcs._tcp IN SRV 0 10 1688 kms0.k.test.
ZONE
cat >"$DIR/knot.conf" <<CONF
server:
    rundir: "$DIR"
    listen: 127.0.0.1@$PORT
log:
  - target: "$DIR/knot.log"
    any: info
database:
    storage: "$DIR/db"
control:
    listen: "$DIR/knot.sock"
key:
  - id: kms-tsig.example.test
    algorithm: hmac-sha256
    secret: $(secret "$KEY")
acl:
  - id: kms_update
    key: kms-tsig.example.test
    action: update
template:
  - id: default
    storage: "$DIR"
    file: "%s.zone"
zone:
  - domain: k.test
    acl: kms_update
CONF
h_spawn knot "$DIR/knotd.out" knotd -c "$DIR/knot.conf"
if ! h_wait_until 15 h_port_listening "$PORT"; then
	cat "$DIR/knotd.out" "$DIR/knot.log" >&2 || true
	h_fail "knotd did not listen on $PORT"
fi

q() { timeout 10 dig +tcp +time=2 +tries=1 -p "$PORT" @127.0.0.1 "$@"; }
serial() { q +short k.test SOA | awk '{print $3}'; }
srv() { q +short _vlmcs._tcp.k.test SRV | sort; }
ttls() { q +noall +answer _vlmcs._tcp.k.test SRV | awk '{print $2}' | sort -u | tr '\n' ' '; }
loaded() { [ -n "$(serial)" ]; }
h_wait_until 15 loaded || h_fail "knotd did not load k.test"
pub() { # ARGS...: publish kms1.example.test at knotd; $OUT, $RC
	RC=0
	OUT=$(timeout 60 "$PUBLISH" --host kms1.example.test --server "127.0.0.1#$PORT" \
		--timeout 3000 "$@" 2>&1) || RC=$?
	printf '%s\n' "$OUT" | sed 's/^/  | /' >&2
}

# publish: the RRset (TTL 300) takes our record with its TTL, not --ttl 600
S0=$(serial)
pub --tsig-key "$KEY" --ttl 600 --domain k.test,0,50
h_assert_eq 0 "$RC" "publish to Knot: exit status"
h_assert_contains "$OUT" "k.test zone=k.test server=127.0.0.1#$PORT action=added result=ok note=\"ttl=300, the RRset's; --ttl 600 not applied\"" "publish to Knot"
h_assert_eq "0 10 1688 kms0.k.test.
0 50 1688 kms1.example.test." "$(srv)" "k.test RRset"
h_assert_eq "300 " "$(ttls)" "the RRset's TTL kept"
if grep -qi "TTL mismatch" "$DIR/knot.log"; then h_fail "Knot saw a TTL mismatch"; fi
S1=$(serial)
[ "$S1" -gt "$S0" ] || h_fail "serial did not move on the add: $S0 -> $S1"

# idempotent: twice more, no UPDATE, no serial change
for run in 1 2; do
	pub --tsig-key "$KEY" --ttl 600 --domain k.test,0,50 --json
	h_assert_eq 0 "$RC" "rerun $run: exit status"
	printf '%s\n' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)["domains"][0]
assert d["action"] == "unchanged" and d["updates_sent"] == 0 and d["result"] == "ok", d
assert d["note"] == "ttl=300, the RRset'"'"'s; --ttl 600 not applied", d
' || h_fail "rerun $run against Knot"
done
h_assert_eq "$S1" "$(serial)" "serial after the reruns"

# a wrong secret: BADSIG, nothing changes
pub --tsig-key "$WRONG" --domain k.test,0,60
h_assert_eq 1 "$RC" "wrong secret: exit status"
h_assert_contains "$OUT" "result=failed error=BADSIG windows=0x80072338 event=12293" "wrong secret"
h_assert_eq "$S1" "$(serial)" "serial after the wrong secret"

# withdraw: ours goes, kms0 stays; a second withdraw changes nothing
pub --tsig-key "$KEY" --withdraw --domain k.test
h_assert_eq 0 "$RC" "withdraw: exit status"
h_assert_contains "$OUT" "k.test zone=k.test server=127.0.0.1#$PORT action=withdrawn result=ok" "withdraw from Knot"
h_assert_eq "0 10 1688 kms0.k.test." "$(srv)" "k.test after withdraw"
S2=$(serial)
pub --tsig-key "$KEY" --withdraw --domain k.test
h_assert_contains "$OUT" "action=unchanged result=ok" "second withdraw"
h_assert_eq "$S2" "$(serial)" "serial after the second withdraw"

h_assert_ok h_stop knot
h_log "publish_knot: published, idempotent, TTL kept, BADSIG, withdrawn against knotd"
