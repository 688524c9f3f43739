#!/bin/bash
# The module sends NOTIFY to the zone's notify list after every change, so a
# plain BIND secondary (refresh timer one hour) converges within 2 s of a
# change made with kmsdns-registry; the secondary's copy equals the AXFR of
# the primary.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"
# shellcheck source=dlz_lib.sh
. "$here/dlz_lib.sh"

dlz_require
h_init dlz_notify
p1=$(h_named_port ns1)
p2=$(h_named_port ns2)
dlz_registry_init
dlz_reg zone add example.test --ns ns1.example.test=127.0.0.1 \
	--allow-transfer 127.0.0.1 --notify "127.0.0.1#$p2" >/dev/null
dlz_reg host add example.test kms1.example.test --address 127.0.0.11 >/dev/null

dlz_named_start ns1
h_named_start ns2 - <<EOF
zone "example.test" {
	type secondary;
	primaries { 127.0.0.1 port $p1; };
	file "example.test.bk";
};
EOF
h_use ns2
h_wait_until 5 eval '[ -n "$(dlz_srv example.test)" ]' || h_fail "secondary did not load the zone"
h_assert_eq "0 0 1688 kms1.example.test." "$(dlz_srv example.test)" "secondary's first copy"

# axfr_body INSTANCE: the zone's records as INSTANCE transfers them, sorted.
axfr_body() {
	h_use "$1"
	h_dig +nocmd +nostats +onesoa example.test AXFR | grep -v '^;' | grep -v '^$' | sort
}

for step in 1 2 3; do
	# shellcheck disable=SC2034 # WANT is read by the eval below
	case $step in
	1) dlz_reg host add example.test kms2.example.test --weight 7 --address 127.0.0.12 >/dev/null
	   want="0 0 1688 kms1.example.test.
0 7 1688 kms2.example.test." ;;
	2) dlz_reg host remove example.test kms1.example.test >/dev/null
	   want="0 7 1688 kms2.example.test." ;;
	3) dlz_reg host add example.test kms3.example.test --priority 5 >/dev/null
	   want="0 7 1688 kms2.example.test.
5 0 1688 kms3.example.test." ;;
	esac
	h_use ns2
	ms=$(dlz_wait_ms 2000 eval '[ "$(dlz_srv example.test)" = "$want" ]') ||
		h_fail "step $step: secondary did not converge within 2 s: $(dlz_srv example.test)"
	h_log "step $step: secondary converged after ${ms} ms"
	h_assert_eq "$(axfr_body ns1)" "$(axfr_body ns2)" "step $step: secondary equals primary"
done

h_assert_contains "$(cat "$H_TMP/ns2/named.log")" "received notify for zone 'example.test'" \
	"secondary got NOTIFY"
h_use ns2
h_assert_eq "127.0.0.12" "$(h_dig +short kms2.example.test A)" "A on the secondary"
h_assert_eq NXDOMAIN "$(h_rcode kms1.example.test A)" "removed host gone from the secondary"

h_assert_ok h_named_stop ns2
h_assert_ok h_named_stop ns1
dlz_assert_clean ns1
exit 0
