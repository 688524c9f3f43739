#!/bin/bash
# kmsdns-publish checks every answer it reads (a scripted hostile server on
# loopback, hostile_dns.py): an SRV RRset owned by another name, one behind
# a CNAME, an answer to another question and a TC answer over TCP each fail
# their domain (never "unchanged" or "no records"); SERVFAIL on the SRV or
# on the marker TXT fails with 0x8007232A; a REFUSED address read fails the
# address job instead of planning a replace; another host's odd but legal
# SRV target (a"b\c) is carried through untouched; a signed UPDATE answered
# with an unsigned REFUSED (PowerDNS) gets a key hint, NOTAUTH from a zone
# with the kmsdns marker hints at rndc reconfig.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"

h_require_cmd python3 timeout
PUBLISH=${abs_top_builddir:-$(cd "$here/../.." && pwd)/_build}/nsupdate_tool/kmsdns-publish
[ -x "$PUBLISH" ] || h_skip "kmsdns-publish not built ($PUBLISH)"
h_init publish_hostile

PORT=$(h_free_port)
h_spawn hostile "$H_TMP/hostile.log" python3 "$here/hostile_dns.py" "$PORT"
h_wait_until 10 h_port_listening "$PORT" || h_fail "hostile_dns.py did not listen on $PORT"

pub() { # ARGS...: publish kms1.example.test at the hostile server; $OUT, $RC
	RC=0
	OUT=$(timeout 60 "$PUBLISH" --host kms1.example.test --server "127.0.0.1#$PORT" \
		--no-auth --timeout 3000 "$@" 2>&1) || RC=$?
	printf '%s\n' "$OUT" | sed 's/^/  | /' >&2
}
line() { printf '%s\n' "$OUT" | grep "^$1 "; }

pub --domain owner.test --domain cname.test --domain question.test --domain tc.test \
	--domain servfail.test --domain marker.test
h_assert_eq 1 "$RC" "hostile answers: exit status"
h_assert_contains "$(line owner.test)" "action=- result=failed error=error" "SRV of another owner"
h_assert_contains "$(line owner.test)" "the answer holds a record of _vlmcs._tcp.elsewhere.test., not of _vlmcs._tcp.owner.test" "SRV of another owner: detail"
h_assert_contains "$(line cname.test)" "result=failed error=error" "SRV behind a CNAME"
h_assert_contains "$(line cname.test)" "_vlmcs._tcp.cname.test is behind an alias (CNAME)" "CNAME detail"
h_assert_contains "$(line question.test)" "answered another question" "answer to another question"
h_assert_contains "$(line tc.test)" "result=failed error=error" "TC over TCP"
h_assert_contains "$(line tc.test)" "truncated (TC) answer over TCP" "TC detail"
h_assert_contains "$(line servfail.test)" "result=failed error=SERVFAIL windows=0x8007232A event=12293" "SERVFAIL on SRV"
h_assert_contains "$(line marker.test)" "result=failed error=SERVFAIL windows=0x8007232A" "SERVFAIL on the marker"
h_assert_contains "$(line marker.test)" "TXT query _kmsdns.marker.test" "marker detail"
h_assert_contains "$OUT" 'hint="the server'"'"'s answer was malformed or did not fit the question' "malformed hint"
h_assert_not_contains "$OUT" "action=unchanged" "a hostile answer taken as the RRset"
h_assert_not_contains "$OUT" "action=added" "a hostile answer taken as no records"

# another host's odd target: ours is found, theirs carried through
pub --domain odd.test,0,0
h_assert_eq 0 "$RC" "odd target: exit status"
h_assert_contains "$OUT" "odd.test zone=odd.test server=127.0.0.1#$PORT action=unchanged result=ok" "odd target: ours unchanged"
pub --domain odd.test,0,5 --dry-run
h_assert_contains "$OUT" "update delete _vlmcs._tcp.odd.test. SRV 0 0 1688 kms1.example.test.
update add _vlmcs._tcp.odd.test. 300 SRV 0 5 1688 kms1.example.test." "odd target: only ours replaced"
h_assert_not_contains "$OUT" 'a"b' "odd target touched"

# a REFUSED address read fails the address job (no replace is planned)
RC=0
OUT=$(timeout 60 "$PUBLISH" --host kms1.refused.test --server "127.0.0.1#$PORT" --no-auth \
	--timeout 3000 --domain odd.test --register-address --address 192.0.2.1 --dry-run 2>&1) || RC=$?
printf '%s\n' "$OUT" | sed 's/^/  | /' >&2
h_assert_eq 1 "$RC" "refused address read: exit status"
h_assert_contains "$OUT" "kms1.refused.test zone=refused.test server=127.0.0.1#$PORT action=- result=failed records=address error=NOTAUTH" "refused address read"
h_assert_not_contains "$OUT" "update add kms1.refused.test" "an address replace planned from a refused read"

# UPDATE answers: an unsigned REFUSED to a signed UPDATE (PowerDNS)
KEY=$(h_tsig_key kms-tsig.example.test hmac-sha256)
pub_update() { # ARGS...: a publish that sends its UPDATE; $OUT, $RC
	RC=0
	OUT=$(timeout 60 "$PUBLISH" --host kms1.example.test --server "127.0.0.1#$PORT" \
		--timeout 3000 "$@" 2>&1) || RC=$?
	printf '%s\n' "$OUT" | sed 's/^/  | /' >&2
}
pub_update --tsig-key "$KEY" --domain pdns.test
h_assert_eq 1 "$RC" "unsigned REFUSED: exit status"
h_assert_contains "$OUT" "pdns.test zone=pdns.test server=127.0.0.1#$PORT action=added result=failed error=REFUSED windows=0x8007232D event=12293 hint=\"the server answered the signed UPDATE with an unsigned REFUSED" "unsigned REFUSED: key hint"
# NOTAUTH from a zone with the kmsdns marker: rndc reconfig
pub_update --no-auth --domain module.test
h_assert_eq 1 "$RC" "module NOTAUTH: exit status"
h_assert_contains "$OUT" "module.test zone=module.test server=127.0.0.1#$PORT action=added result=failed error=NOTAUTH windows=0x80072331" "NOTAUTH from a module zone"
h_assert_contains "$OUT" "run rndc reconfig" "module NOTAUTH: rndc reconfig hint"

h_assert_ok h_stop hostile
h_log "publish_hostile: every read checked (owner, alias, question, TC, rcode); odd foreign targets kept"
