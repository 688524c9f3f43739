#!/bin/bash
# The module serves a catalog zone (RFC 9432) of the registry's zones; a
# BIND secondary configured with the catalog only follows the registry: a
# zone added with kmsdns-registry is served by the secondary within 5 s, a
# removed one is gone within 5 s, a registration change converges as for
# any zone. The catalog's AXFR passes named-checkzone and lists exactly
# the member zones under the ids of `catalog show`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"
# shellcheck source=dlz_lib.sh
. "$here/dlz_lib.sh"

dlz_require
h_require_cmd named-checkzone python3
h_init dlz_catalog
p1=$(h_named_port ns1)
p2=$(h_named_port ns2)
catalog=catalog.kmsdns.test
dlz_registry_init

# zone_add ZONE [ARG...]: a zone transferable to and NOTIFYing ns2.
zone_add() {
	local zone=$1
	shift
	dlz_reg zone add "$zone" --ns "ns1.$zone=127.0.0.1" \
		--allow-transfer 127.0.0.1 --notify "127.0.0.1#$p2" "$@" >/dev/null
}
zone_add example.test
dlz_reg host add example.test kms1.example.test --address 127.0.0.11 >/dev/null
zone_add private.test --no-catalog
dlz_reg catalog set "$catalog" --allow-transfer 127.0.0.1 --notify "127.0.0.1#$p2" >/dev/null

dlz_named_start ns1
# The secondary knows nothing but the catalog.
H_NAMED_OPTIONS="	catalog-zones {
		zone \"$catalog\" default-primaries { 127.0.0.1 port $p1; }
			min-update-interval 1;
	};" h_named_start ns2 - <<CONF
zone "$catalog" {
	type secondary;
	primaries { 127.0.0.1 port $p1; };
	file "catalog.db";
};
CONF

# served ZONE: ns2 answers ZONE's SOA with authority.
served() {
	h_use ns2
	h_dig +norec "$1" SOA | grep -q 'flags: qr aa'
}

h_wait_until 10 served example.test || h_fail "secondary did not load example.test from the catalog"
h_use ns2
h_assert_eq "0 0 1688 kms1.example.test." "$(dlz_srv example.test)" "member zone data on the secondary"
if served private.test; then h_fail "private.test (--no-catalog) is on the secondary"; fi

# catalog_ptrs INSTANCE: "ID ZONE." per catalog member in INSTANCE's AXFR.
catalog_ptrs() {
	h_use "$1"
	h_dig +nocmd +nostats +onesoa "$catalog" AXFR |
		awk -v suffix=".zones.$catalog." '$4 == "PTR" {
			n = length($1) - length(suffix)
			if (n > 0 && substr($1, n + 1) == suffix) print substr($1, 1, n), $5 }' | sort
}
# registry_members: "ID ZONE." per member zone, as kmsdns-registry shows them.
registry_members() {
	"$DLZ_TOOL" --db "$DLZ_DB" catalog show --json |
		python3 -c 'import json, sys
for z in json.load(sys.stdin)["zones"]:
    if z["member"]:
        print(z["id"], z["zone"] + ".")' | sort
}

# 1. A zone added on the primary appears on the secondary.
zone_add new.test
dlz_reg host add new.test kms1.new.test --address 127.0.0.21 >/dev/null
ms=$(dlz_wait_ms 5000 served new.test) ||
	h_fail "new.test not served by the secondary within 5 s of zone add"
h_log "zone add: the secondary serves new.test after ${ms} ms"
h_assert_contains "$(cat "$H_TMP/ns2/named.log")" "received notify for zone '$catalog'" \
	"the secondary got the catalog's NOTIFY"

# 2. A registration change of a member converges as today.
dlz_reg host add new.test kms2.new.test --weight 7 --address 127.0.0.22 >/dev/null
want="0 0 1688 kms1.new.test.
0 7 1688 kms2.new.test."
h_use ns2
ms=$(dlz_wait_ms 2000 eval '[ "$(dlz_srv new.test)" = "$want" ]') ||
	h_fail "new.test did not converge on the secondary within 2 s: $(dlz_srv new.test)"
h_log "registration change: converged after ${ms} ms"

# 3. The catalog's AXFR is a valid zone listing exactly the members.
h_use ns1
h_dig +nocmd +nostats "$catalog" AXFR >"$H_TMP/catalog.axfr"
out=$(named-checkzone "$catalog" "$H_TMP/catalog.axfr" 2>&1) ||
	h_fail "named-checkzone rejected the catalog: $out"
h_assert_eq "$(registry_members)" "$(catalog_ptrs ns1)" "catalog PTRs = registry members"
h_assert_eq 2 "$(catalog_ptrs ns1 | wc -l)" "two members (private.test opted out)"
h_use ns1
h_assert_eq '"2"' "$(h_dig +short "version.$catalog" TXT)" "catalog schema version"
h_assert_eq "$(catalog_ptrs ns1)" "$(catalog_ptrs ns2)" "the secondary's copy of the catalog"

# 4. A removed zone disappears from the secondary.
h_use ns1
serial=$(dlz_serial "$catalog")
dlz_reg zone remove new.test >/dev/null
ms=$(dlz_wait_ms 5000 eval '! served new.test') ||
	h_fail "new.test still served by the secondary 5 s after zone remove"
h_log "zone remove: the secondary dropped new.test after ${ms} ms"
h_use ns1
[ "$(dlz_serial "$catalog")" -gt "$serial" ] || h_fail "catalog serial did not go up"
h_assert_eq "$(registry_members)" "$(catalog_ptrs ns1)" "catalog after the removal"

# 5. Added again, the zone gets a new id (RFC 9432 section 4.4) and comes
# back; an untouched member keeps its id.
before=$(catalog_ptrs ns1)
zone_add new.test
dlz_wait_ms 5000 served new.test >/dev/null || h_fail "re-added new.test not served within 5 s"
after=$(catalog_ptrs ns1)
h_assert_eq "$(grep example.test <<<"$before")" "$(grep example.test <<<"$after")" \
	"example.test keeps its id"
h_assert_eq 1 "$(grep -c new.test <<<"$after")" "new.test listed once"

# The catalog transfers only to its allow-transfer list, and takes no UPDATE.
h_use ns1
h_assert_eq REFUSED "$(h_rcode -b 127.0.0.2 "$catalog" AXFR)" "AXFR from outside the list"
h_assert_fails eval "h_nsupdate <<<'update add x.$catalog 60 TXT x
send'"

# Unset, the catalog is no longer served; set again while named runs, it is
# back with a higher serial.
serial=$(dlz_serial "$catalog")
dlz_reg catalog unset >/dev/null
h_wait_until 5 eval '[ "$(h_rcode "$catalog" SOA)" = REFUSED ]' ||
	h_fail "catalog still served after catalog unset"
dlz_reg catalog set "$catalog" --allow-transfer 127.0.0.1 --notify "127.0.0.1#$p2" >/dev/null
h_wait_until 5 eval '[ "$(dlz_serial "$catalog")" -gt "$serial" ] 2>/dev/null' ||
	h_fail "catalog not served again after catalog set"
h_assert_eq "$(registry_members)" "$(catalog_ptrs ns1)" "catalog set again"

h_assert_ok h_named_stop ns2
h_assert_ok h_named_stop ns1
dlz_assert_clean ns1
exit 0
