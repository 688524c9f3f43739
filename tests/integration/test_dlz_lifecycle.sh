#!/bin/bash
# Every module instance named creates is destroyed, and a registry zone that
# named.conf also declares never takes named down (issue 10, items 1-2):
# a reload with an argument the module rejects fails; a reload that adds a
# named.conf zone the registry also holds succeeds (the clash is logged, the
# native zone served); a fixed reload, then SIGTERM: exit 0 within 10 s, no
# assertion, one "stopped" line per instance created, no doubled log lines.
# A cold start with the clash starts and serves both zones.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"
# shellcheck source=dlz_lib.sh
. "$here/dlz_lib.sh"

dlz_require
h_init dlz_lifecycle
dlz_registry_init
dlz_reg zone add mod.test --ns ns1.mod.test=127.0.0.1 >/dev/null
dlz_reg host add mod.test kms1.mod.test --address 127.0.0.11 >/dev/null
dlz_reg zone add clash.test --ns ns1.clash.test=127.0.0.1 >/dev/null
d=$(h_named_dir ns1)
log=$d/named.log
cat >"$d/clash.db" <<EOF
\$TTL 300
@ IN SOA ns1.clash.test. hostmaster.clash.test. 7 3600 600 86400 300
@ IN NS ns1.clash.test.
ns1 IN A 127.0.0.1
@ IN TXT "native"
EOF
clash_zone="zone \"clash.test\" { type primary; file \"$d/clash.db\"; };"

# count_lines TEXT: how many lines of named.log contain TEXT.
count_lines() {
	grep -cF -- "$1" "$log" || true
}

# reload_and_wait WHAT: SIGHUP, then wait (10 s) for named's verdict WHAT
# ("succeeded" or "failed") on one more reload.
reload_and_wait() {
	local before
	before=$(grep -c 'reloading configuration \(succeeded\|failed\)' "$log" || true)
	h_named_reload ns1
	h_wait_until 10 eval "[ \$(grep -c 'reloading configuration \\(succeeded\\|failed\\)' '$log') -gt $before ]" ||
		h_fail "named gave no verdict on the reload within 10 s"
	grep 'reloading configuration \(succeeded\|failed\)' "$log" | tail -n 1 | grep -q "configuration $1" ||
		h_fail "reload did not end with '$1': $(grep 'reloading configuration' "$log" | tail -n 1)"
}

dlz_named_start ns1
conf=$(h_named_conf ns1)
cp "$conf" "$d/good.conf"
h_assert_eq "0 0 1688 kms1.mod.test." "$(dlz_srv mod.test)" "module zone served"

# 1. a reload the module rejects fails; named keeps serving
sed 's|\(database "dlopen [^"]*\)"|\1 stale-after=5x"|' "$d/good.conf" >"$conf"
reload_and_wait failed
h_assert_contains "$(cat "$log")" 'dlz_kmsdns: argument "stale-after=5x"' "rejected argument logged"
h_assert_eq "0 0 1688 kms1.mod.test." "$(dlz_srv mod.test)" "served after the failed reload"

# 2. a reload adding the clashing zone to named.conf succeeds
{ cat "$d/good.conf"; echo "$clash_zone"; } >"$conf"
reload_and_wait succeeded
h_assert_contains "$(cat "$log")" "dlz_kmsdns: zone clash.test: named.conf declares it too: left to named.conf" \
	"clash logged"
h_assert_eq '"native"' "$(h_dig +short clash.test TXT)" "named.conf's zone served"
h_assert_eq "0 0 1688 kms1.mod.test." "$(dlz_srv mod.test)" "module zone served beside the clash"

# 3. the fixed configuration
cp "$d/good.conf" "$conf"
reload_and_wait succeeded
[ "$(dlz_serial clash.test)" != 7 ] || h_fail "clash.test still served from named.conf's file"
h_assert_eq "" "$(h_dig +short clash.test TXT)" "module's clash.test has no TXT"
marker="zone mod.test changed"
dlz_reg host add mod.test kms2.mod.test >/dev/null
h_wait_until 5 eval "grep -qF '$marker' '$log'" || h_fail "change not logged within 5 s"
sleep 1 # an older instance polling too would log it within its poll interval
h_assert_eq 1 "$(count_lines "$marker")" "a change is logged once (one live instance)"

# the cold start's instance logs before named's logging is set up
created=$((1 + $(count_lines "dlz_kmsdns: registry $DLZ_DB:")))
H_STOP_TIMEOUT=10 h_named_stop ns1 || h_fail "named did not exit 0 within 10 s after SIGTERM"
stopped=$(count_lines "dlz_kmsdns: instance kmsdns stopped")
h_assert_eq "$created" "$stopped" "every instance created ($created) was destroyed"
dlz_assert_clean ns1

# 4. cold start with the clash in named.conf
echo "$clash_zone" | dlz_named_start ns1 -
h_assert_eq '"native"' "$(h_dig +short clash.test TXT)" "cold start: named.conf's zone served"
h_assert_eq "0 0 1688 kms1.mod.test.
0 0 1688 kms2.mod.test." "$(dlz_srv mod.test)" "cold start: module zone served"
# (named logs nothing of a cold start's configuration to its log file)
reload_and_wait succeeded
h_assert_eq 2 "$(count_lines "zone clash.test: named.conf declares it too")" "clash logged again"
H_STOP_TIMEOUT=10 h_named_stop ns1 || h_fail "named did not exit 0 after SIGTERM"
dlz_assert_clean ns1
exit 0
