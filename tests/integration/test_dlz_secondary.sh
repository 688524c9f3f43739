#!/bin/bash
# What a secondary gets is what the primary answers (issue 10, item 7): a
# BIND secondary fed by the module's AXFR gives the same rcode and answers
# as the primary for a list of names after each publish and withdraw step,
# down to the last registration withdrawn (no empty _vlmcs._tcp or _tcp
# left on the primary that the AXFR lacks).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"
# shellcheck source=dlz_lib.sh
. "$here/dlz_lib.sh"

dlz_require
h_init dlz_secondary
p1=$(h_named_port ns1)
p2=$(h_named_port ns2)
dlz_registry_init
dlz_reg zone add example.test --ns ns1.example.test=127.0.0.1 \
	--allow-transfer 127.0.0.1 --notify "127.0.0.1#$p2" >/dev/null
dlz_reg grant admin-key --zone example.test any >/dev/null
ADMIN=$(h_tsig_key admin-key)
dlz_named_start ns1 - <<EOF
include "$ADMIN";
EOF
h_named_start ns2 - <<EOF
zone "example.test" {
	type secondary;
	primaries { 127.0.0.1 port $p1; };
	file "example.test.bk";
};
EOF

names="_vlmcs._tcp.example.test/SRV _tcp.example.test/SRV _tcp.example.test/TXT
example.test/SOA example.test/NS ns1.example.test/A kms1.example.test/A
kms1.site.example.test/A site.example.test/A x._vlmcs._tcp.example.test/SRV
nope.example.test/A _kmsdns.example.test/TXT"
# answers INSTANCE: rcode and sorted answer of every name, one per line.
answers() {
	local nt
	h_use "$1"
	for nt in $names; do
		printf '%s %s %s\n' "$nt" "$(h_rcode "${nt%/*}" "${nt#*/}")" \
			"$(h_dig +short "${nt%/*}" "${nt#*/}" | sort | tr '\n' ' ')"
	done
}
serial_of() {
	h_use "$1"
	dlz_serial example.test
}
# step WHAT: wait (5 s) until the secondary has the primary's serial, then
# compare the answers.
step() {
	local s1
	s1=$(serial_of ns1)
	h_wait_until 5 eval '[ "$(serial_of ns2)" = "$s1" ]' ||
		h_fail "$1: secondary at serial $(serial_of ns2), primary at $s1"
	h_assert_eq "$(answers ns1)" "$(answers ns2)" "$1: secondary answers as the primary"
}
update() {
	h_use ns1
	h_nsupdate -k "$ADMIN" || h_fail "update failed"
}

# registry ARGS...: a change made with kmsdns-registry, seen by the
# primary (its serial moves at its next poll).
registry() {
	local s0
	s0=$(serial_of ns1)
	dlz_reg "$@" >/dev/null
	h_wait_until 5 eval '[ "$(serial_of ns1)" != "$s0" ]' || h_fail "primary did not see: $*"
}

step "no registration"
registry host add example.test kms1.site.example.test --address 127.0.0.21
step "first publish (registry)"
h_assert_contains "$(answers ns1)" "_vlmcs._tcp.example.test/SRV NOERROR 0 0 1688 kms1.site.example.test." "published"
update <<EOF
zone example.test
update add _vlmcs._tcp.example.test. 300 IN SRV 0 0 1688 kms2.other.test.
send
EOF
step "second publish (UPDATE)"
registry host remove example.test kms1.site.example.test
step "first withdrawn (registry)"
update <<EOF
zone example.test
update delete _vlmcs._tcp.example.test. SRV
send
EOF
step "last withdrawn (UPDATE)"
h_assert_contains "$(answers ns1)" "_vlmcs._tcp.example.test/SRV NXDOMAIN" "no name left at _vlmcs._tcp"
h_assert_contains "$(answers ns1)" "_tcp.example.test/SRV NXDOMAIN" "no name left at _tcp"
dlz_assert_clean ns1
exit 0
