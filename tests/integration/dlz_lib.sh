# shellcheck shell=bash
# dlz_lib.sh -- helpers for the dlz_kmsdns integration tests: a real named
# loading the module built in this tree, with a registry made by the real
# kmsdns-registry.  Sourced after harness.sh:
#
#   . "$(cd "$(dirname "$0")" && pwd)/harness.sh"
#   . "$(cd "$(dirname "$0")" && pwd)/dlz_lib.sh"
#   dlz_require            # skips unless root and the tools are there
#   h_init dlz_something
#   dlz_registry_init      # $DLZ_DB in $H_TMP
#   dlz_reg zone add example.test --ns ns1.example.test=127.0.0.1
#   dlz_named_start ns1 [MODULE-ARG...] [- <<EOF extra named.conf EOF]
#
# A module built with --enable-sanitizers needs libasan loaded first in
# named: dlz_named_start then preloads it (H_NAMED_PRELOAD) and has ASan
# write its reports to NAME/asan.*, which dlz_assert_clean checks.

DLZ_SO="${abs_top_builddir:-}/dlz_module/.libs/dlz_kmsdns.so"
DLZ_TOOL="${abs_top_builddir:-}/dlz_module/kmsdns-registry"
DLZ_PLAIN_SO="${abs_top_builddir:-}/dlz_module/.libs/dlz_kmsdns_plain.so"
DLZ_DB=""

# dlz_require: skip unless root, the BIND tools, the module and the tool exist.
dlz_require() {
	h_require_root
	h_require_cmd named named-checkconf dig nsupdate tsig-keygen ss timeout ldd
	[ -n "${abs_top_builddir:-}" ] || h_skip "abs_top_builddir not set (run through make check)"
	[ -f "$DLZ_SO" ] || h_fail "module not built: $DLZ_SO"
	[ -x "$DLZ_TOOL" ] || h_fail "kmsdns-registry not built: $DLZ_TOOL"
}

# dlz_asan_runtime: print the ASan runtime the module needs, or nothing.
dlz_asan_runtime() {
	local lib
	lib=$(ldd "$DLZ_SO" 2>/dev/null | sed -n 's/^[[:space:]]*\(libasan[^ ]*\) => \([^ ]*\).*/\2/p' | head -n 1)
	[ -n "$lib" ] && echo "$lib"
	return 0
}

# dlz_reg ARGS...: run kmsdns-registry --db $DLZ_DB ARGS; fails the test when
# it fails.  Output passes through.
dlz_reg() {
	"$DLZ_TOOL" --db "$DLZ_DB" "$@" || h_fail "kmsdns-registry $* failed (exit $?)"
}

# dlz_registry_init [PATH]: create a registry (default $H_TMP/registry.db).
dlz_registry_init() {
	DLZ_DB=${1:-$H_TMP/registry.db}
	dlz_reg init >/dev/null
}

# dlz_use_plain_module: when the module is built with sanitizers, load the
# uninstrumented copy that `make check` builds (dlz_module/Makefile.am says
# why) from now on.  For tests that need GSS-TSIG.
dlz_use_plain_module() {
	[ -n "$(dlz_asan_runtime)" ] || return 0
	[ -f "$DLZ_PLAIN_SO" ] || h_fail "uninstrumented module not built: $DLZ_PLAIN_SO"
	DLZ_SO=$DLZ_PLAIN_SO
	h_log "using the uninstrumented module $DLZ_SO (ASan breaks libkrb5 in named)"
}

# dlz_named_conf MODULE-ARG...: print the dlz statement loading the module
# with $DLZ_DB and the given key=value arguments.
dlz_named_conf() {
	local args="$DLZ_DB${*:+ $*}"
	printf 'dlz "kmsdns" {\n\tdatabase "dlopen %s %s";\n};\n' "$DLZ_SO" "$args"
}

# dlz_named_start NAME [MODULE-ARG...] [-]: start named instance NAME with the
# module (plus the named.conf text on stdin when the last argument is "-").
dlz_named_start() {
	local n=${1:?dlz_named_start NAME [ARG...] [-]} d asan frag extra=0
	shift
	if [ "$#" -gt 0 ] && [ "${!#}" = - ]; then
		extra=1
		set -- "${@:1:$(($# - 1))}"
	fi
	d=$(h_named_dir "$n") || exit 1
	frag="$d/dlz.conf"
	dlz_named_conf "$@" >"$frag"
	[ "$extra" -eq 1 ] && cat >>"$frag"
	asan=$(dlz_asan_runtime)
	if [ -n "$asan" ]; then
		# named itself is not instrumented, but LSan sees all its memory
		export ASAN_OPTIONS="log_path=$d/asan:detect_leaks=1:abort_on_error=1"
		export UBSAN_OPTIONS="log_path=$d/ubsan:print_stacktrace=1:halt_on_error=1"
		H_NAMED_PRELOAD=$asan h_named_start "$n" "$frag"
		grep -q "/libasan" "/proc/$(h_named_pid "$n")/maps" ||
			h_fail "named '$n' runs without the ASan runtime"
	else
		h_named_start "$n" "$frag"
	fi
	grep -qF "$DLZ_SO" "/proc/$(h_named_pid "$n")/maps" ||
		h_fail "named '$n' did not map $DLZ_SO"
}

# dlz_assert_clean NAME: no sanitizer reports and no assertion in NAME's logs.
dlz_assert_clean() {
	local d="$H_TMP/${1:?dlz_assert_clean NAME}" f
	for f in "$d"/asan.* "$d"/ubsan.*; do
		[ -e "$f" ] || continue
		cat "$f" >&2
		h_fail "sanitizer report in $f"
	done
	if grep -E 'assertion failure|INSIST|REQUIRE' "$d/named.log" "$d/named.stderr" 2>/dev/null; then
		h_fail "named logged an assertion failure"
	fi
	return 0
}

# dlz_serial ZONE: the SOA serial named serves for ZONE.
dlz_serial() {
	h_dig +short "${1:?dlz_serial ZONE}" SOA | awk '{print $3}'
}

# dlz_srv ZONE: the _vlmcs._tcp SRV RRset of ZONE, sorted, one per line.
dlz_srv() {
	h_dig +short "_vlmcs._tcp.${1:?dlz_srv ZONE}" SRV | sort
}

# dlz_ms: milliseconds since the epoch.
dlz_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# dlz_wait_ms LIMIT_MS CMD...: run CMD every 20 ms until it succeeds; print the
# milliseconds it took and return 0, or return 1 after LIMIT_MS.
dlz_wait_ms() {
	local limit=${1:?dlz_wait_ms LIMIT_MS CMD...} t0 now
	shift
	t0=$(dlz_ms)
	while :; do
		if "$@" >/dev/null 2>&1; then
			echo $(($(dlz_ms) - t0))
			return 0
		fi
		now=$(dlz_ms)
		[ $((now - t0)) -ge "$limit" ] && return 1
		sleep 0.02
	done
}

# dlz_add_srv KEYFILE ZONE TARGET: an UPDATE signed with KEYFILE adding the
# SRV record "0 0 1688 TARGET." at _vlmcs._tcp.ZONE (TTL 300) to the
# current instance; fails (returns non-zero) like nsupdate.
dlz_add_srv() {
	h_nsupdate -k "${1:?dlz_add_srv KEYFILE ZONE TARGET}" <<EOT
zone $2
update add _vlmcs._tcp.$2. 300 IN SRV 0 0 1688 $3.
send
EOT
}
