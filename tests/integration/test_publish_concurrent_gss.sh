#!/bin/bash
# test_publish_concurrent.sh with GSS-TSIG: 5 Kerberos host principals
# from a real MIT KDC (granted `self` through the realm wildcard) run
# kmsdns-publish into one module zone at the same moment, 4 rounds, a new
# weight each round. Asserts: every run exits 0, no REFUSED on the wire,
# the served RRset is exactly the 5 hosts with the last round's weights,
# each stored under its own principal. named loads the uninstrumented
# module copy (GSS under ASan deadlocks, see dlz_module/Makefile.am).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"
# shellcheck source=dlz_lib.sh
. "$here/dlz_lib.sh"

dlz_require
h_require_cmd krb5kdc kdb5_util kadmin.local jq
PUBLISH=${abs_top_builddir:-$(cd "$here/../.." && pwd)/_build}/nsupdate_tool/kmsdns-publish
[ -x "$PUBLISH" ] || h_skip "kmsdns-publish not built ($PUBLISH)"
h_init publish_concurrent_gss
N=5 ROUNDS=4 Z=example.test
h_kdc_start EXAMPLE.TEST
NS=$(h_named_dir ns1)
h_kdc_principal DNS/ns1.$Z "$NS/dns.keytab" >/dev/null
declare -A KT
for i in $(seq 1 $N); do KT[$i]=$(h_kdc_principal "host/kms$i.$Z"); done
rm -f "$H_TMP/ccache"
dlz_registry_init
dlz_reg zone add $Z --ns ns1.$Z=127.0.0.1 --ttl 60 >/dev/null
dlz_reg grant '*@EXAMPLE.TEST' --zone $Z self >/dev/null
dlz_use_plain_module
H_NAMED_OPTIONS="	tkey-gssapi-keytab \"$NS/dns.keytab\";" dlz_named_start ns1
PORT=$(h_named_port ns1)
log="$NS/named.log"

for round in $(seq 1 $ROUNDS); do
	pids=()
	for i in $(seq 1 $N); do
		( rc=0
		  timeout 60 "$PUBLISH" --host "kms$i.$Z" --server "127.0.0.1#$PORT" --gss \
			--keytab "${KT[$i]}" --timeout 5000 --domain "$Z,0,$((round * 100 + i))" \
			>"$H_TMP/out.$round.$i" 2>&1 || rc=$?
		  echo "$rc" >"$H_TMP/rc.$round.$i" ) &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p"; done
	h_log "round $round: $(cat "$H_TMP"/rc.$round.* | sort | uniq -c | tr -s ' ' | paste -sd,) (exit status: count)"
done
for f in "$H_TMP"/out.*; do sed 's/^/  | /' "$f" >&2; done
h_assert_eq "$((N * ROUNDS))" "$(cat "$H_TMP"/rc.* | grep -c '^0$')" "publishers that exited 0"
h_assert_eq 0 "$(grep -c 'REFUSED' "$log" || true)" "REFUSED on the wire (named's log)"
expect=$(for i in $(seq 1 $N); do echo "0 $((ROUNDS * 100 + i)) 1688 kms$i.$Z."; done | sort)
h_assert_eq "$expect" "$(dlz_srv $Z)" "the served RRset: $N hosts with the last round's weights"
h_assert_eq "" "$(dlz_reg host list $Z --json |
	jq -r '.[] | select(.signer != "host/" + .target + "@EXAMPLE.TEST") | "\(.target) \(.signer)"')" \
	"registrations under another signer"
grep -q "(signer host/kms1.$Z@EXAMPLE.TEST, tagged)" "$log" || h_fail "no tagged change logged"
h_assert_ok h_named_stop ns1
dlz_assert_clean ns1
exit 0
