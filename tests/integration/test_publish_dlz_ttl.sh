#!/bin/bash
# The module side of the TTL rule (issue 16, item 1): a signer with an `any`
# grant adds a record with another TTL; BIND rewrites the whole RRset (a
# delete and an add of every record) with the new TTL. In the module that
# rewrite must change the served TTL and nothing else: a static
# registration stays static, every record keeps its signer and its
# created/refreshed times.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"
# shellcheck source=dlz_lib.sh
. "$here/dlz_lib.sh"

dlz_require
h_require_cmd jq
h_init publish_dlz_ttl

ANY=$(h_tsig_key kms-any.example.test hmac-sha256)
dlz_registry_init
dlz_reg zone add m.test --ns "ns1.m.test=127.0.0.1" >/dev/null
dlz_reg host add m.test kms1.example.test --ttl 300 --weight 10 >/dev/null
dlz_reg grant kms-any.example.test --zone m.test any >/dev/null
dlz_named_start ns1 - <<<"include \"$ANY\";"
state() { # the registration of kms1.example.test: origin, signer, created, refreshed
	dlz_reg host list m.test --json |
		jq -r '.[] | select(.target == "kms1.example.test") | "\(.origin) \(.signer) \(.created) \(.refreshed)"'
}
BEFORE=$(state)
h_assert_contains "$BEFORE" "static" "static registration before"
sleep 1.1 # the registry keeps whole seconds: a rewrite would show
h_nsupdate -k "$ANY" <<EOF || h_fail "nsupdate of the any signer failed"
zone m.test
update add _vlmcs._tcp.m.test. 600 IN SRV 0 0 1688 kms2.example.test.
send
EOF
h_assert_eq "600 " "$(h_dig +noall +answer _vlmcs._tcp.m.test SRV | awk '{print $2}' | sort -u | tr '\n' ' ')" \
	"the RRset's TTL after the rewrite"
h_assert_eq "$BEFORE" "$(state)" "the static registration after BIND's TTL rewrite"
h_assert_contains "$(cat "$H_TMP/ns1/named.log")" \
	"ttl of _vlmcs._tcp.m.test SRV 0 10 1688 kms1.example.test. set to 600 by kms-any.example.test (origin static kept)" \
	"the TTL-only change logged as such"
dlz_assert_clean ns1
h_log "publish_dlz_ttl: a TTL rewrite by an any signer kept the static registration"
