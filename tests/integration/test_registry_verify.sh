#!/bin/bash
# kmsdns-registry verify (issue 10): passes a clean set-up (exit 0) and
# finds, one line each with exit 1: an argument the module rejects, a
# registry zone named.conf declares too, a row the module cannot serve, a
# catalog zone that cannot be served as stored (issue 14), a registry the
# user cannot write; exit 2 when named.conf cannot be read.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"
# shellcheck source=dlz_lib.sh
. "$here/dlz_lib.sh"

dlz_require
h_require_cmd sqlite3 jq
id bind >/dev/null 2>&1 || h_skip "no user bind"
h_init registry_verify
chmod 755 "$H_TMP"
mkdir "$H_TMP/reg"
dlz_registry_init "$H_TMP/reg/registry.db"
dlz_reg zone add example.test --ns ns1.example.test=127.0.0.1 >/dev/null
dlz_reg host add example.test kms1.example.test >/dev/null
dlz_reg zone add other.test --ns ns1.other.test=127.0.0.1 >/dev/null
dlz_reg catalog set catalog.example.test >/dev/null
chown -R bind "$H_TMP/reg"
conf=$H_TMP/named.conf
write_conf() { # write_conf [MODULE-ARG...]: named.conf with the module
	{
		echo 'options { directory "/tmp"; };'
		dlz_named_conf "$@"
	} >"$conf"
}
verify() { # verify [OPTION...]: run verify, print its output, set $rc
	rc=0
	out=$("$DLZ_TOOL" verify --named-conf "$conf" "$@" 2>&1) || rc=$?
}

write_conf
verify
h_assert_eq 0 "$rc" "clean set-up: exit ($out)"
h_assert_contains "$out" "verify: 0 errors" "clean set-up: summary"

write_conf stale-after=5x
verify
h_assert_eq 1 "$rc" "bad argument: exit"
h_assert_contains "$out" 'error: dlz "kmsdns": dlz_kmsdns: argument "stale-after=5x": ' "bad argument named as the module does"

write_conf
echo 'zone "example.test" { type primary; file "/dev/null"; };' >>"$conf"
verify --json
h_assert_eq 1 "$rc" "clash: exit"
h_assert_contains "$(echo "$out" | jq -r '.findings[] | select(.severity == "error") | .message')" \
	"zone example.test is in registry $DLZ_DB and in $conf" "clash found"

write_conf
sqlite3 "$DLZ_DB" "PRAGMA ignore_check_constraints = ON;
INSERT INTO hosts VALUES ('example.test', 0, 0, 1700, 'a b', 60, '', 'static', '', 0, 0, 'active');"
verify
h_assert_eq 1 "$rc" "bad row: exit"
h_assert_contains "$out" "error: registry $DLZ_DB: zone example.test: table hosts, row zone=\"example.test\" priority=0 weight=0 port=1700 target=\"a b\"" \
	"bad row named"
sqlite3 "$DLZ_DB" "DELETE FROM hosts WHERE port = 1700"

sqlite3 "$DLZ_DB" "DROP INDEX zones_by_catalog_id;
UPDATE zones SET catalog_id = '0011223344556677';
INSERT INTO catalog_notify VALUES (1, 'not an address');"
verify
h_assert_eq 1 "$rc" "catalog: exit"
h_assert_contains "$out" "error: registry $DLZ_DB: catalog zone: table catalog_notify, row endpoint=\"not an address\": " \
	"catalog: bad notify row named"
h_assert_contains "$out" "error: registry $DLZ_DB: catalog zone catalog.example.test: zones example.test and other.test share the id 0011223344556677" \
	"catalog: shared id named"
h_assert_contains "$out" "verify: 2 errors" "catalog: one line per problem"
sqlite3 "$DLZ_DB" "DELETE FROM catalog_notify;
UPDATE zones SET catalog_id = lower(hex(randomblob(8)));
CREATE UNIQUE INDEX zones_by_catalog_id ON zones(catalog_id);"

chown root "$DLZ_DB"
verify
h_assert_eq 1 "$rc" "unwritable: exit"
h_assert_contains "$out" "error: registry $DLZ_DB: user bind: registry $DLZ_DB is not writable by uid $(id -u bind): Permission denied" \
	"unwritable registry found"
verify --user root
h_assert_eq 0 "$rc" "writable for root: exit ($out)"
chown bind "$DLZ_DB"

verify --named-conf "$H_TMP/missing.conf"
h_assert_eq 2 "$rc" "named.conf missing: exit"
h_assert_contains "$out" "cannot check: named-checkconf -p $H_TMP/missing.conf failed" "named.conf missing: message"
exit 0
