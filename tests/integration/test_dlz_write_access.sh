#!/bin/bash
# A registry file that named (running as user bind) cannot write (issue
# 10, item 5): the module says so at load with the path and the fix; an
# UPDATE is answered SERVFAIL with a log line naming the file and the
# cause; after `chown bind` the next UPDATE succeeds without a reconfig.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"
# shellcheck source=dlz_lib.sh
. "$here/dlz_lib.sh"

dlz_require
id bind >/dev/null 2>&1 || h_skip "no user bind"
h_init dlz_write_access
mkdir "$H_TMP/reg"
dlz_registry_init "$H_TMP/reg/registry.db"
dlz_reg zone add example.test --ns ns1.example.test=127.0.0.1 --ttl 300 >/dev/null
dlz_reg grant admin-key --zone example.test any >/dev/null
ADMIN=$(h_tsig_key admin-key)
d=$(h_named_dir ns1)
log=$d/named.log
# named -u bind: its own files belong to bind, the registry file stays
# root's (its directory is bind's, where SQLite keeps -wal and -shm)
chmod 755 "$H_TMP"
touch "$d/named.log"
chown -R bind "$d" "$H_TMP/keys"
chown bind "$H_TMP/reg"
# named -u bind maps the module as bind: the build tree may be closed to
# it (a checkout made by mktemp -d is 0700), so it loads a copy from here
cp "$DLZ_SO" "$H_TMP/dlz_kmsdns.so"
chmod 644 "$H_TMP/dlz_kmsdns.so"
DLZ_SO=$H_TMP/dlz_kmsdns.so
add_srv() { dlz_add_srv "$ADMIN" example.test "$1"; }
H_NAMED_ARGS="-u bind" dlz_named_start ns1 poll-interval=200 - <<EOF
include "$ADMIN";
EOF

# named logs nothing of a cold start's configuration to its log file: the
# check at load is seen at a reload
h_named_reload ns1
h_wait_until 10 grep -qF "registry $DLZ_DB is not writable by uid $(id -u bind)" "$log" ||
	h_fail "no log line about the unwritable registry within 5 s"
line=$(grep -F "registry $DLZ_DB is not writable" "$log" | head -n 1)
h_assert_contains "$line" "Permission denied" "the cause"
h_assert_contains "$line" "fix: chown bind" "the fix"
out=$(add_srv kms1.example.test 2>&1) && h_fail "UPDATE accepted by a registry named cannot write"
h_assert_contains "$out" "SERVFAIL" "UPDATE to an unwritable registry"
h_assert_contains "$(grep 'cannot start an update' "$log")" "registry $DLZ_DB is not writable by uid $(id -u bind): Permission denied" \
	"the refused UPDATE's log line names the file and the cause"
h_assert_eq "" "$(dlz_srv example.test)" "nothing served from the refused UPDATE"

chown bind "$DLZ_DB"
h_assert_ok add_srv kms1.example.test
h_assert_eq "0 0 1688 kms1.example.test." "$(dlz_srv example.test)" "UPDATE after chown, no reconfig"
h_assert_ok h_named_stop ns1
h_assert_contains "$("$DLZ_TOOL" --db "$DLZ_DB" host list example.test)" "kms1.example.test" "stored in the registry"
dlz_assert_clean ns1
exit 0
