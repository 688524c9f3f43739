#!/bin/bash
# A Knot DNS secondary configured with the module's catalog zone only
# (catalog-role: interpret, a member template with a notify ACL): after
# `kmsdns-registry zone add` on the primary it serves the new zone within
# 5 s, after `zone remove` the zone is gone within 5 s. Knot asks for IXFR
# and refuses catalogs of another version than "2": this checks both fit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"
# shellcheck source=dlz_lib.sh
. "$here/dlz_lib.sh"

dlz_require
h_require_cmd knotd
h_init dlz_catalog_knot
p1=$(h_named_port ns1)
knot_port=$(h_free_port)
catalog=catalog.kmsdns.test
dlz_registry_init

# zone_add ZONE: a zone transferable to and NOTIFYing the Knot secondary.
zone_add() {
	dlz_reg zone add "$1" --ns "ns1.$1=127.0.0.1" \
		--allow-transfer 127.0.0.1 --notify "127.0.0.1#$knot_port" >/dev/null
}
zone_add example.test
dlz_reg host add example.test kms1.example.test --address 127.0.0.11 >/dev/null
dlz_reg catalog set "$catalog" --allow-transfer 127.0.0.1 --notify "127.0.0.1#$knot_port" >/dev/null
dlz_named_start ns1

kd=$H_TMP/knot
mkdir -p "$kd"
cat >"$kd/knot.conf" <<CONF
server:
    listen: 127.0.0.1@$knot_port
    rundir: $kd
database:
    storage: $kd
log:
  - target: $kd/knot.log
    any: info
remote:
  - id: primary
    address: 127.0.0.1@$p1
acl:
  - id: notify-from-primary
    address: 127.0.0.1
    action: notify
template:
  - id: default
    storage: $kd
  - id: member
    storage: $kd
    master: primary
    acl: notify-from-primary
zone:
  - domain: $catalog
    master: primary
    acl: notify-from-primary
    catalog-role: interpret
    catalog-template: member
CONF
h_spawn knotd "$kd/knotd.out" knotd -c "$kd/knot.conf"

# served ZONE: Knot answers ZONE's SOA with authority.
served() {
	timeout 5 dig @127.0.0.1 -p "$knot_port" +time=1 +tries=1 +norec "$1" SOA 2>/dev/null |
		grep -q 'flags: qr aa'
}
h_wait_until 15 served example.test || {
	cat "$kd/knot.log" >&2
	h_fail "Knot did not load example.test from the catalog"
}
h_assert_eq "0 0 1688 kms1.example.test." \
	"$(timeout 5 dig @127.0.0.1 -p "$knot_port" +short _vlmcs._tcp.example.test SRV)" \
	"member zone data on the Knot secondary"

zone_add new.test
ms=$(dlz_wait_ms 5000 served new.test) || {
	tail -n 20 "$kd/knot.log" >&2
	h_fail "Knot did not serve new.test within 5 s of zone add"
}
h_log "zone add: Knot serves new.test after ${ms} ms"

dlz_reg zone remove new.test >/dev/null
ms=$(dlz_wait_ms 5000 eval '! served new.test') ||
	h_fail "Knot still serves new.test 5 s after zone remove"
h_log "zone remove: Knot dropped new.test after ${ms} ms"
served example.test || h_fail "Knot lost example.test"

h_assert_ok h_stop knotd
h_assert_ok h_named_stop ns1
dlz_assert_clean ns1
exit 0
