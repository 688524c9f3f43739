#!/bin/bash
# The registry's file system fills up while named runs: an UPDATE whose
# commit fails is answered SERVFAIL and stored nowhere, never acknowledged
# and lost; queries keep being answered from the last good data; once
# there is room again, updates succeed. The registry lives on a 4 MiB
# tmpfs mounted in a private mount namespace (gone when the test ends).
set -euo pipefail
if [ -z "${KD_PRIVATE_MOUNTS:-}" ] && [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null; then
	KD_PRIVATE_MOUNTS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"
# shellcheck source=dlz_lib.sh
. "$here/dlz_lib.sh"

dlz_require
h_require_cmd unshare mount jq
[ -n "${KD_PRIVATE_MOUNTS:-}" ] || h_skip "needs unshare -m"
h_init dlz_disk_full
small=$H_TMP/small
mkdir -p "$small"
mount -t tmpfs -o size=4m tmpfs "$small" || h_skip "cannot mount a tmpfs"
# unmount before the harness removes $H_TMP (keeping the exit status)
trap 'rc=$?; set +e; umount -l "$small"; (exit $rc); h__cleanup' EXIT
dlz_registry_init "$small/registry.db"
dlz_reg zone add example.test --ns ns1.example.test=127.0.0.1 --ttl 60 >/dev/null
dlz_reg grant admin-key --zone example.test any >/dev/null
KEY=$(h_tsig_key admin-key)
dlz_named_start ns1 - <<EOF
include "$KEY";
EOF

add() { # PORT: prints nsupdate's outcome: ok or the rcode
	local out
	if out=$(h_nsupdate -k "$KEY" 2>&1 <<EOF
zone example.test
update add _vlmcs._tcp.example.test. 60 IN SRV 0 0 $1 kms1.example.test.
send
EOF
	); then
		echo ok
	else
		echo "$out" | sed -n 's/.*update failed: \([A-Z]*\).*/\1/p'
	fi
}
stored_ports() {
	"$DLZ_TOOL" --db "$DLZ_DB" host list example.test --json | jq -r '.[].port' | sort -n | paste -sd' ' -
}

acked="2001"
h_assert_eq ok "$(add 2001)" "UPDATE with room on the disk"
# fill the file system
dd if=/dev/zero of="$small/fill" bs=64k 2>/dev/null || true
[ "$(df --output=avail "$small" | tail -n 1)" -eq 0 ] || h_fail "tmpfs not full"
failed=0
for p in 2002 2003 2004 2005 2006; do
	r=$(add "$p")
	case $r in
	ok) acked="$acked $p" ;;
	SERVFAIL) failed=$((failed + 1)) ;;
	*) h_fail "UPDATE on a full disk answered [$r]" ;;
	esac
done
[ "$failed" -gt 0 ] || h_fail "no UPDATE failed on a full file system: the test proves nothing"
grep -q "cannot be stored, refused" "$H_TMP/ns1/named.log" || h_fail "failed commit not logged"
h_assert_eq NOERROR "$(h_rcode _vlmcs._tcp.example.test SRV)" "queries on a full disk"
rm -f "$small/fill"
h_assert_eq ok "$(add 2007)" "UPDATE once there is room again"
acked="$acked 2007"
# every acknowledged UPDATE is stored and served, no failed one is
h_assert_eq "$acked" "$(stored_ports)" "stored registrations = acknowledged UPDATEs"
served=$(h_dig +tcp +short _vlmcs._tcp.example.test SRV | awk '{print $3}' | sort -n | paste -sd' ' -)
h_assert_eq "$acked" "$served" "served records = acknowledged UPDATEs"
h_log "full disk: $failed of 5 UPDATEs answered SERVFAIL; stored: $(stored_ports)"
h_assert_ok h_named_stop ns1
dlz_assert_clean ns1
exit 0
