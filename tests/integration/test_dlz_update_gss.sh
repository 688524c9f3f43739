#!/bin/bash
# GSS-TSIG dynamic updates (nsupdate -g, real MIT KDC) of a dlz_kmsdns zone:
# host/kms1.example.test@EXAMPLE.TEST granted "self" adds and deletes its
# own SRV and A records and is refused a foreign target; a host covered
# only by the realm wildcard *@EXAMPLE.TEST "self" manages its own record;
# a principal of another realm pattern (a user) is refused.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"
# shellcheck source=dlz_lib.sh
. "$here/dlz_lib.sh"

dlz_require
h_require_cmd krb5kdc kdb5_util kadmin.local kinit klist jq
h_init dlz_update_gss
h_kdc_start EXAMPLE.TEST
NS=$(h_named_dir ns1)
h_kdc_principal DNS/ns1.example.test "$NS/dns.keytab" >/dev/null
KT1=$(h_kdc_principal host/kms1.example.test)
KT2=$(h_kdc_principal host/kms2.example.test)
KTU=$(h_kdc_principal alice)

dlz_registry_init
dlz_reg zone add example.test --ns ns1.example.test=127.0.0.1 --ttl 300 >/dev/null
dlz_reg grant host/kms1.example.test@EXAMPLE.TEST --zone example.test self >/dev/null
dlz_reg grant '*@EXAMPLE.TEST' --zone example.test self >/dev/null
dlz_use_plain_module
H_NAMED_OPTIONS="	tkey-gssapi-keytab \"$NS/dns.keytab\";" dlz_named_start ns1

refused() {
	local out
	if out=$(h_nsupdate "$@" 2>&1); then
		h_fail "update accepted, REFUSED expected"
	fi
	h_assert_contains "$out" "update failed: REFUSED" "rcode of a refused update"
}
signer_of() {
	"$DLZ_TOOL" --db "$DLZ_DB" host list example.test --json |
		jq -r --arg t "$1" '.[] | select(.target == $t) | "\(.origin) \(.signer)"'
}

# --- host/kms1 (its own grant) ---------------------------------------------
h_kinit host/kms1.example.test "$KT1"
h_assert_ok h_nsupdate -g <<'EOF'
zone example.test
update add _vlmcs._tcp.example.test. 300 IN SRV 0 100 1688 kms1.example.test.
update add kms1.example.test. 300 IN A 127.0.0.11
send
EOF
h_assert_eq "0 100 1688 kms1.example.test." "$(dlz_srv example.test)" "GSS-TSIG add of the own SRV"
h_assert_eq "127.0.0.11" "$(h_dig +short kms1.example.test A)" "GSS-TSIG add of the own A"
h_assert_eq "update host/kms1.example.test@EXAMPLE.TEST" "$(signer_of kms1.example.test)" "signer recorded"
grep -qF "(signer host/kms1.example.test@EXAMPLE.TEST)" "$NS/named.log" || h_fail "signer not logged"
s0=$(dlz_serial example.test)
refused -g <<'EOF'
zone example.test
update add _vlmcs._tcp.example.test. 300 IN SRV 0 100 1688 kms2.example.test.
send
EOF
h_assert_eq "0 100 1688 kms1.example.test." "$(dlz_srv example.test)" "foreign target refused"
h_assert_eq "$s0" "$(dlz_serial example.test)" "serial after the refusal"

# --- host/kms2 (only the realm wildcard) --------------------------------------
h_kinit host/kms2.example.test "$KT2"
h_assert_ok h_nsupdate -g <<'EOF'
zone example.test
update add _vlmcs._tcp.example.test. 300 IN SRV 0 50 1688 kms2.example.test.
send
EOF
h_assert_eq "0 100 1688 kms1.example.test.
0 50 1688 kms2.example.test." "$(dlz_srv example.test)" "wildcard-granted host adds its SRV"
refused -g <<'EOF'
zone example.test
update delete _vlmcs._tcp.example.test. IN SRV 0 100 1688 kms1.example.test.
send
EOF
h_assert_ok h_nsupdate -g <<'EOF'
zone example.test
update delete _vlmcs._tcp.example.test. IN SRV 0 50 1688 kms2.example.test.
send
EOF
h_assert_eq "0 100 1688 kms1.example.test." "$(dlz_srv example.test)" "wildcard-granted host deletes its SRV"

# --- a user principal: not a host, refused --------------------------------------
h_kinit alice "$KTU"
refused -g <<'EOF'
zone example.test
update add _vlmcs._tcp.example.test. 300 IN SRV 0 0 1688 kms3.example.test.
send
EOF
grep -qF "update of _vlmcs._tcp.example.test SRV by alice@EXAMPLE.TEST from 127.0.0.1 refused" "$NS/named.log" ||
	h_fail "refusal of alice not logged"

# --- host/kms1 deletes its own records ---------------------------------------------
h_kinit host/kms1.example.test "$KT1"
h_assert_ok h_nsupdate -g <<'EOF'
zone example.test
update delete _vlmcs._tcp.example.test. IN SRV 0 100 1688 kms1.example.test.
update delete kms1.example.test. A
send
EOF
h_assert_eq "" "$(dlz_srv example.test)" "GSS-TSIG delete of the own SRV"
h_assert_eq NXDOMAIN "$(h_rcode kms1.example.test A)" "GSS-TSIG delete of the own A"

h_assert_ok h_named_stop ns1
dlz_assert_clean ns1
exit 0
