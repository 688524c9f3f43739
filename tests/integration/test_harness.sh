#!/bin/bash
# Integration test of the harness itself, against a native BIND zone:
# KDC + named with a _vlmcs._tcp SRV record, TSIG and GSS-TSIG updates
# under the update-policy the project recommends (krb5-subdomain-self-rhs).
set -euo pipefail
# shellcheck source=harness.sh
. "$(cd "$(dirname "$0")" && pwd)/harness.sh"

h_require_root
h_require_cmd named named-checkconf dig nsupdate tsig-keygen krb5kdc kdb5_util \
	kadmin.local kinit klist ss timeout
h_init harness

# --- Kerberos --------------------------------------------------------------
h_kdc_start EXAMPLE.TEST
NS=$(h_named_dir ns1)
h_kdc_principal DNS/ns1.example.test "$NS/dns.keytab" >/dev/null
HOST_KT=$(h_kdc_principal host/kms1.example.test)

# --- named: native primary zone --------------------------------------------
TSIG=$(h_tsig_key kms-tsig.example.test hmac-sha256)
cat >"$NS/example.test.db" <<'EOF'
$TTL 300
@               IN SOA ns1.example.test. hostmaster.example.test. ( 1 3600 600 86400 300 )
                IN NS  ns1.example.test.
ns1             IN A   127.0.0.1
kms0            IN A   127.0.0.10
kms1            IN A   127.0.0.11
_vlmcs._tcp     IN SRV 0 100 1688 kms0.example.test.
EOF
H_NAMED_OPTIONS="	tkey-gssapi-keytab \"$NS/dns.keytab\";" \
	h_named_start ns1 - <<EOF
include "$TSIG";
zone "example.test" {
	type primary;
	file "example.test.db";
	update-policy {
		grant EXAMPLE.TEST krb5-subdomain-self-rhs _vlmcs._tcp.example.test. SRV;
		grant kms-tsig.example.test. name _vlmcs._tcp.example.test. SRV;
	};
};
EOF

# --- queries ---------------------------------------------------------------
h_assert_eq "0 100 1688 kms0.example.test." "$(h_dig +short _vlmcs._tcp.example.test SRV)" \
	"SRV record from the zone file"
h_assert_eq "127.0.0.11" "$(h_dig +short kms1.example.test A)" "A record"
# _tcp is an empty non-terminal: NOERROR with no answer, not NXDOMAIN
h_assert_eq NOERROR "$(h_rcode _tcp.example.test SRV)" "rcode of empty non-terminal _tcp"
h_assert_eq "" "$(h_dig +short _tcp.example.test SRV)" "answer for _tcp"
h_assert_eq NXDOMAIN "$(h_rcode _nope._tcp.example.test SRV)" "rcode of a missing name"

srv() { h_dig +short _vlmcs._tcp.example.test SRV | sort; }

# --- TSIG update -----------------------------------------------------------
h_assert_ok h_nsupdate -k "$TSIG" <<'EOF'
zone example.test
update add _vlmcs._tcp.example.test. 300 IN SRV 10 50 1688 kms9.example.test.
send
EOF
h_assert_contains "$(srv)" "10 50 1688 kms9.example.test." "TSIG-added SRV"

# same key name, wrong secret -> BADSIG, update not applied
WRONG=$(h_tsig_key kms-tsig.example.test hmac-sha256 "$H_TMP/wrong.key")
h_assert_fails h_nsupdate -k "$WRONG" <<'EOF'
zone example.test
update add _vlmcs._tcp.example.test. 300 IN SRV 10 50 1688 kms8.example.test.
send
EOF
h_assert_not_contains "$(srv)" "kms8.example.test." "SRV added with a wrong TSIG secret"
# and the policy: an allowed key may not write outside _vlmcs._tcp
h_assert_fails h_nsupdate -k "$TSIG" <<'EOF'
zone example.test
update add _other._tcp.example.test. 300 IN SRV 10 50 1688 kms9.example.test.
send
EOF

# --- GSS-TSIG update -------------------------------------------------------
h_kinit host/kms1.example.test "$HOST_KT"
h_assert_ok h_nsupdate -g <<'EOF'
zone example.test
update add _vlmcs._tcp.example.test. 300 IN SRV 0 100 1688 kms1.example.test.
send
EOF
h_assert_contains "$(srv)" "0 100 1688 kms1.example.test." "GSS-TSIG-added SRV with own target"
h_assert_fails h_nsupdate -g <<'EOF'
zone example.test
update add _vlmcs._tcp.example.test. 300 IN SRV 0 100 1688 kms2.example.test.
send
EOF
h_assert_not_contains "$(srv)" "kms2.example.test." "GSS-TSIG SRV with a foreign target"
h_assert_eq "0 100 1688 kms0.example.test.
0 100 1688 kms1.example.test.
10 50 1688 kms9.example.test." "$(srv)" "final SRV RRset"

log=$(cat "$NS/named.log")
h_assert_contains "$log" "host/kms1.example.test\\@EXAMPLE.TEST: updating zone 'example.test/IN': adding an RR at '_vlmcs._tcp.example.test' SRV" \
	"named log of the GSS-TSIG update"

h_assert_ok h_named_stop ns1
exit 0
