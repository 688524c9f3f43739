#!/bin/bash
# The module serves and writes the registry at the configured path (issue
# 10, item 3): a registry replaced with `mv` while named runs is served
# within 2 s (logged at notice, its stale -wal not mixed in); an UPDATE
# acknowledged afterwards is in the file at the path after a restart; a
# deleted registry is logged once, its UPDATEs are refused (SERVFAIL) and
# it is served again when a file is back. A zone added while named runs
# is served; the tool and the module say its updates start after a
# reconfig (item 6).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"
# shellcheck source=dlz_lib.sh
. "$here/dlz_lib.sh"

dlz_require
h_init dlz_file_watch
dlz_registry_init
dlz_reg zone add example.test --ns ns1.example.test=127.0.0.1 --ttl 300 >/dev/null
dlz_reg host add example.test kms-old.example.test >/dev/null
dlz_reg grant admin-key --zone example.test any >/dev/null
ADMIN=$(h_tsig_key admin-key)
log=$H_TMP/ns1/named.log

# new_registry PATH TARGET: a registry like $DLZ_DB serving TARGET.
new_registry() {
	"$DLZ_TOOL" --db "$1" init >/dev/null &&
		"$DLZ_TOOL" --db "$1" zone add example.test --ns ns1.example.test=127.0.0.1 \
			--ttl 300 >/dev/null &&
		"$DLZ_TOOL" --db "$1" host add example.test "$2" >/dev/null &&
		"$DLZ_TOOL" --db "$1" grant admin-key --zone example.test any >/dev/null ||
		h_fail "cannot make the registry $1"
}
add_srv() { dlz_add_srv "$ADMIN" example.test "$1"; }
start() {
	dlz_named_start ns1 poll-interval=200 - <<EOF
include "$ADMIN";
EOF
}

start
h_assert_eq "0 0 1688 kms-old.example.test." "$(dlz_srv example.test)" "first registry served"
h_assert_ok add_srv kms-a.example.test
[ -s "$DLZ_DB-wal" ] || h_log "note: no -wal beside the first registry"

# --- replaced with mv: served within 2 s, logged at notice -------------------
new_registry "$H_TMP/new.db" kms-new.example.test
mv "$H_TMP/new.db" "$DLZ_DB"
ms=$(dlz_wait_ms 2000 eval '[ "$(dlz_srv example.test)" = "0 0 1688 kms-new.example.test." ]') ||
	h_fail "the replaced registry is not served within 2 s: $(dlz_srv example.test)"
h_log "replaced registry served after $ms ms"
h_assert_contains "$(cat "$log")" "notice: dlz_kmsdns: registry $DLZ_DB was replaced by another file: reopened, serving its 1 zones" \
	"replacement logged at notice"

# an UPDATE acknowledged now is in the file at the path, also after a restart
h_assert_ok add_srv kms-b.example.test
h_assert_ok h_named_stop ns1
targets=$("$DLZ_TOOL" --db "$DLZ_DB" host list example.test | grep -o 'kms-[a-z]*\.example\.test' | sort -u | tr '\n' ' ')
h_assert_eq "kms-b.example.test kms-new.example.test " "$targets" "the file at the path holds the acknowledged UPDATE, not the old data"
start
h_assert_eq "0 0 1688 kms-b.example.test.
0 0 1688 kms-new.example.test." "$(dlz_srv example.test)" "served after the restart"

# --- deleted: logged once, UPDATEs refused, served again when back ----------
cp "$DLZ_DB" "$H_TMP/keep.db"
rm -f "$DLZ_DB" "$DLZ_DB-wal" "$DLZ_DB-shm"
h_wait_until 5 grep -qF "registry $DLZ_DB was deleted" "$log" || h_fail "deletion not logged within 5 s"
out=$(add_srv kms-c.example.test 2>&1) && h_fail "UPDATE accepted with the registry deleted"
h_assert_contains "$out" "SERVFAIL" "UPDATE without a registry"
h_assert_contains "$(cat "$log")" "registry $DLZ_DB: No such file or directory" "refused UPDATE names the file and the cause"
h_assert_eq "0 0 1688 kms-b.example.test.
0 0 1688 kms-new.example.test." "$(dlz_srv example.test)" "last data served while the file is gone"
sleep 0.5
h_assert_eq 1 "$(grep -cF "registry $DLZ_DB was deleted" "$log")" "deletion logged once"
mv "$H_TMP/keep.db" "$DLZ_DB"
h_wait_until 5 grep -qF "registry $DLZ_DB is back: reopened" "$log" || h_fail "return of the file not logged within 5 s"
h_assert_ok add_srv kms-c.example.test
h_assert_contains "$(dlz_srv example.test)" "kms-c.example.test." "UPDATE after the file is back"

# --- a zone added while named runs (item 6): served at once, its UPDATEs
# NOTAUTH until a reconfig, and both the tool and the module say so -------
out=$("$DLZ_TOOL" --db "$DLZ_DB" zone add new.test --ns ns1.new.test=127.0.0.1 2>&1) ||
	h_fail "zone add failed: $out"
h_assert_contains "$out" "dynamic updates to it are refused (NOTAUTH) until \`rndc reconfig\`" "zone add says reconfig"
dlz_reg grant admin-key --zone new.test any >/dev/null
h_wait_until 5 eval '[ "$(h_rcode new.test SOA)" = NOERROR ]' || h_fail "new zone not served within 5 s"
h_assert_contains "$(cat "$log")" "notice: dlz_kmsdns: zone new.test added, serial" "module logs the new zone"
h_assert_contains "$(cat "$log")" "dynamic updates to it start after \`rndc reconfig\`" "module says reconfig"
out=$(dlz_add_srv "$ADMIN" new.test kms1.new.test 2>&1) && h_fail "UPDATE of a new zone accepted before a reconfig"
h_assert_contains "$out" "NOTAUTH" "UPDATE of a new zone before a reconfig"
h_named_reload ns1
h_wait_until 10 grep -q "reloading configuration succeeded" "$log" || h_fail "reload did not succeed"
h_assert_ok dlz_add_srv "$ADMIN" new.test kms1.new.test
h_assert_eq "0 0 1688 kms1.new.test." "$(dlz_srv new.test)" "UPDATE of the new zone after the reconfig"
h_assert_ok h_named_stop ns1
h_assert_contains "$("$DLZ_TOOL" --db "$DLZ_DB" host list example.test)" "kms-c.example.test" "stored in the file at the path"
dlz_assert_clean ns1
exit 0
