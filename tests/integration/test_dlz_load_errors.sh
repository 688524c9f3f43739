#!/bin/bash
# named refuses to load a configuration whose dlz_kmsdns module gets a bad
# argument, a missing registry, a file that is not a registry, or a
# registry of an unknown schema version; the module logs exactly one line
# naming the problem and writes nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"
# shellcheck source=dlz_lib.sh
. "$here/dlz_lib.sh"

dlz_require
h_require_cmd sqlite3 sha256sum
h_init dlz_load_errors
dlz_registry_init
dlz_reg zone add example.test --ns ns1.example.test=127.0.0.1 >/dev/null
d=$(h_named_dir ns1)
port=$(h_named_port ns1)
asan=$(dlz_asan_runtime)

# try_load DB ARGS...: run named -g with the module on DB and ARGS; it must
# exit non-zero on its own (bounded); prints the module's log lines.
try_load() {
	local db=${1:-} rc=0
	[ "$#" -gt 0 ] && shift
	cat >"$d/named.conf" <<EOF
options {
	directory "$d";
	pid-file none;
	listen-on port $port { 127.0.0.1; };
	listen-on-v6 { none; };
	recursion no;
};
dlz "kmsdns" { database "dlopen $DLZ_SO${db:+ $db}${*:+ $*}"; };
EOF
	LD_PRELOAD=$asan ASAN_OPTIONS="log_path=$d/asan:detect_leaks=1" \
		timeout 20 named -g -c "$d/named.conf" >"$d/out" 2>&1 || rc=$?
	[ "$rc" -ne 0 ] || h_fail "named loaded the module with: $db $*"
	[ "$rc" -ne 124 ] || h_fail "named did not exit within 20 s with: $db $*"
	grep -q "loading configuration: " "$d/out" || { cat "$d/out" >&2; h_fail "named did not fail on its configuration"; }
	grep 'dlz_kmsdns' "$d/out" | sed 's/^[^ ]* [^ ]* //'
}

sum0=$(sha256sum <"$DLZ_DB")
out=$(try_load "$DLZ_DB" bogus=1)
h_assert_eq 'dlz_kmsdns: argument "bogus=1": unknown key "bogus" (known: stale-after, scavenge-after, poll-interval, notify, debug)' \
	"$out" "unknown argument"
out=$(try_load "$DLZ_DB" stale-after=5x)
h_assert_eq 1 "$(echo "$out" | wc -l)" "one log line for a bad value"
h_assert_contains "$out" 'dlz_kmsdns: argument "stale-after=5x": ' "bad value named"
out=$(try_load "$DLZ_DB" poll-interval=5)
h_assert_contains "$out" 'argument "poll-interval=5"' "out-of-range value named"
out=$(try_load "$DLZ_DB" stale-after=2h scavenge-after=1h)
h_assert_eq 1 "$(echo "$out" | wc -l)" "one log line for inconsistent settings"
h_assert_contains "$out" "scavenge-after" "inconsistent settings named"
out=$(try_load)
h_assert_contains "$out" "dlz_kmsdns: " "no registry path"
h_assert_eq "$sum0" "$(sha256sum <"$DLZ_DB")" "registry unchanged by failed loads"

out=$(try_load "$H_TMP/missing.db")
h_assert_eq "dlz_kmsdns: registry $H_TMP/missing.db does not exist" "$out" "missing registry"
[ ! -e "$H_TMP/missing.db" ] || h_fail "a missing registry was created"

echo "not a database" >"$H_TMP/text.db"
out=$(try_load "$H_TMP/text.db")
h_assert_eq 1 "$(echo "$out" | wc -l)" "one log line for a non-registry"
h_assert_contains "$out" "dlz_kmsdns: registry $H_TMP/text.db: not a kmsdns registry" "non-registry file"
h_assert_eq "not a database" "$(cat "$H_TMP/text.db")" "non-registry file unchanged"

cp "$DLZ_DB" "$H_TMP/future.db"
sqlite3 "$H_TMP/future.db" "UPDATE meta SET value = '99' WHERE key = 'schema_version'"
sum1=$(sha256sum <"$H_TMP/future.db")
out=$(try_load "$H_TMP/future.db")
h_assert_eq "dlz_kmsdns: registry $H_TMP/future.db: schema version 99 is not supported (this kmsdns reads version 3)" \
	"$out" "unknown schema version"
h_assert_eq "$sum1" "$(sha256sum <"$H_TMP/future.db")" "registry of another schema unchanged"

for f in "$d"/asan.*; do
	[ -e "$f" ] && { cat "$f" >&2; h_fail "sanitizer report $f"; }
done
exit 0
