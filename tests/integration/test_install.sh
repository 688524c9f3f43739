#!/bin/bash
# Verifies the install layout: `make install DESTDIR=TMP` of this build puts
# the DLZ module in $(dlzmoduledir) (default /usr/lib/bind, the directory
# Debian's AppArmor profile lets named map modules from) without its libtool
# .la, the admin tools kmsdns-registry and kmsdns-publish in $(sbindir), the
# checker in $(bindir), its man page in $(mandir)/man1 and the others in
# $(mandir)/man8 and the systemd units in $(systemdsystemunitdir), and
# nothing else (the table below); the installed tools run from there and need
# no library of the build tree (kmsdns-registry builds a registry, the
# publisher and checker answer --help); as root, named loads the installed
# module and serves that registry, the installed kmsdns-check finds its host
# there and the installed kmsdns-publish computes an update against it
# (--dry-run); kmsdns-publish.service runs the installed publisher with the
# installed config path; every installed man page renders with man -l and
# groff -ww without a warning, also when generated for a very long prefix, and names the configured paths (config.h's
# KD_DEFAULT_REGISTRY for the registry); make uninstall removes every file.
set -euo pipefail
# shellcheck source=harness.sh
. "$(cd "$(dirname "$0")" && pwd)/harness.sh"

h_require_cmd make man groff nm named-checkzone
src=$(cd "${abs_top_srcdir:-$(dirname "$0")/../..}" && pwd)
build=${abs_top_builddir:-$src}
[ -f "$build/Makefile" ] || h_skip "no configured build in $build"
H_TEST_TIMEOUT=${H_TEST_TIMEOUT:-180} h_init install
dest="$H_TMP/dest"

# makevar NAME: the value of make variable NAME in the top Makefile, expanded
printf 'kd-print-%%:\n\t@echo $($*)\n' >"$H_TMP/print.mk"
makevar() {
	make -s --no-print-directory -C "$build" -f Makefile -f "$H_TMP/print.mk" "kd-print-$1"
}
bindir=$(makevar bindir)
sbindir=$(makevar sbindir)
dlzmoduledir=$(makevar dlzmoduledir)
mandir=$(makevar mandir)
unitdir=$(makevar systemdsystemunitdir)
sysconfdir=$(makevar sysconfdir)
for v in bindir sbindir dlzmoduledir mandir unitdir; do
	case ${!v} in /*) ;; *) h_fail "$v is not an absolute path: '${!v}'" ;; esac
done
h_log "bindir=$bindir sbindir=$sbindir dlzmoduledir=$dlzmoduledir mandir=$mandir unitdir=$unitdir"
# the configure default is the AppArmor-approved directory
if ! grep -q -- '--with-dlz-module-dir' "$build/config.status" 2>/dev/null ||
	grep -q -- "--with-dlz-module-dir=/usr/lib/bind['\" ]" "$build/config.status"; then
	h_assert_eq /usr/lib/bind "$dlzmoduledir" "default module directory"
fi

if ! make -s -C "$build" install DESTDIR="$dest" >"$H_TMP/install.out" 2>&1; then
	cat "$H_TMP/install.out" >&2
	h_fail "make install DESTDIR=$dest failed"
fi
h_log "make install DESTDIR=$dest: $(find "$dest" -type f | wc -l) files"

# --- the module ---------------------------------------------------------------
so="$dest$dlzmoduledir/dlz_kmsdns.so"
[ -f "$so" ] || h_fail "module not installed at $dlzmoduledir/dlz_kmsdns.so"
[ ! -e "$dest$dlzmoduledir/dlz_kmsdns.la" ] || h_fail "libtool archive dlz_kmsdns.la installed beside the module"
syms=$(nm -D --defined-only "$so")
for s in dlz_version dlz_create dlz_destroy dlz_findzonedb dlz_lookup dlz_allowzonexfr dlz_allnodes \
	dlz_newversion dlz_closeversion dlz_configure dlz_ssumatch dlz_addrdataset dlz_subrdataset; do
	h_assert_contains "$syms" " T $s" "installed module exports $s"
done

# --- the tools ------------------------------------------------------------------
# the admin tools in sbin, the checker (any user's tool) in bin
tools=("$sbindir/kmsdns-registry" "$sbindir/kmsdns-publish" "$bindir/kmsdns-check")
for tool in "${tools[@]}"; do
	name=${tool##*/}
	[ -x "$dest$tool" ] || h_fail "$name not installed in ${tool%/*}"
	out=$("$dest$tool" --help 2>&1) || h_fail "installed $name --help failed: $out"
	printf '%s\n' "$out" | grep -qi usage || h_fail "installed $name --help printed no usage: $out"
	# nothing installed may need a library of the build tree
	libs=$(ldd "$dest$tool" 2>&1 || true)
	h_assert_not_contains "$libs" "$build/" "installed $name links a library of the build tree"
	h_log "installed $name --help: OK"
done

# the installed kmsdns-registry really works
reg() { "$dest$sbindir/kmsdns-registry" --db "$H_TMP/registry.db" "$@"; }
h_assert_ok reg init >/dev/null
h_assert_ok reg zone add corp.example.test --ns ns1.corp.example.test=127.0.0.1 >/dev/null
h_assert_ok reg host add corp.example.test kms1.corp.example.test --priority 5 --weight 50 \
	--address 127.0.0.11 >/dev/null
reg export corp.example.test >"$H_TMP/corp.db" || h_fail "installed kmsdns-registry export failed"
h_assert_contains "$(cat "$H_TMP/corp.db")" "SRV	5 50 1688 kms1.corp.example.test." "exported SRV record"
named-checkzone corp.example.test "$H_TMP/corp.db" >/dev/null || h_fail "export is not a valid zone file"

# the installed module serves that registry in a real named (root only)
libs=$(ldd "$so" 2>&1 || true)
h_assert_not_contains "$libs" "$build/" "installed module links a library of the build tree"
if [ "$(id -u)" -eq 0 ] && command -v named >/dev/null 2>&1 && command -v dig >/dev/null 2>&1; then
	if nm -D "$so" | grep -w __asan_init >/dev/null; then
		export H_NAMED_PRELOAD=${H_NAMED_PRELOAD:-$(gcc -print-file-name=libasan.so)}
		export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
	fi
	h_named_start ns - <<EOF
dlz "kmsdns" { database "dlopen $so $H_TMP/registry.db"; };
EOF
	h_assert_eq "5 50 1688 kms1.corp.example.test." "$(h_dig +short _vlmcs._tcp.corp.example.test SRV)" \
		"SRV served by the installed module"
	ns="127.0.0.1#$(h_named_port ns)"
	# the installed checker finds the host (no probe: nothing listens on 1688)
	st=0
	out=$("$dest$bindir/kmsdns-check" --suffix corp.example.test --server "$ns" --no-probe --json) || st=$?
	h_assert_eq 0 "$st" "installed kmsdns-check exit status: $out"
	h_assert_contains "$out" '"chosen_suffix":"corp.example.test"' "installed kmsdns-check's chosen suffix"
	h_assert_contains "$out" '"target":"kms1.corp.example.test"' "installed kmsdns-check's host"
	# the installed publisher reads the zone and computes kms2's update
	out=$("$dest$sbindir/kmsdns-publish" --dry-run --server "$ns" --host kms2.corp.example.test \
		--domain corp.example.test,10,50 2>&1) || h_fail "installed kmsdns-publish --dry-run failed: $out"
	h_assert_contains "$out" "update add _vlmcs._tcp.corp.example.test. 3600 SRV 10 50 1688 kms2.corp.example.test." \
		"installed kmsdns-publish --dry-run's update"
	h_assert_contains "$out" "corp.example.test zone=corp.example.test server=$ns action=added result=dry-run" \
		"installed kmsdns-publish --dry-run's report"
	h_log "installed kmsdns-check and kmsdns-publish --dry-run against the installed module: OK"
	h_assert_ok h_named_stop ns
else
	h_log "not root or no named/dig: the installed module is not loaded into named"
fi

# --- man pages -------------------------------------------------------------------
# every man page of the source tree is installed in the directory of its
# section (1: kmsdns-check, 8: the rest) and renders cleanly
shopt -s nullglob
for f in "$src"/man/*.[18] "$src"/man/*.[18].in; do
	b=${f##*/}; b=${b%.in}
	[ -f "$dest$mandir/man${b##*.}/$b" ] || h_fail "man page $b not installed in $mandir/man${b##*.}"
done
pages=("$dest$mandir"/man*/*)
for p in "${pages[@]}"; do
	case $p in "$dest$mandir"/man1/*.1 | "$dest$mandir"/man8/*.8) ;;
	*) h_fail "man page outside man1/man8 or not in its section's directory: ${p#"$dest"}" ;; esac
	err=$(MANWIDTH=80 MAN_KEEP_STDERR=1 man -l --warnings=w "$p" 2>&1 >/dev/null) ||
		h_fail "man -l ${p##*/} failed: $err"
	h_assert_eq "" "$err" "warnings of man -l ${p##*/}"
	err=$(groff -man -ww -z "$p" 2>&1) || h_fail "groff -man ${p##*/} failed: $err"
	h_assert_eq "" "$err" "warnings of groff -man -ww ${p##*/}"
	h_log "man page ${p##*/}: renders without warnings"
done
# the same pages generated for a very long prefix (a CI checkout, make
# distcheck's _inst) still render without a warning: the build's man rule,
# run in a scratch directory with every configured path made long
long=$(printf '/long-prefix-%02d' {1..12})/_inst # 186 characters, 13 directories
mkdir -p "$H_TMP/man-long"
cp "$build/man/Makefile" "$H_TMP/man-long/Makefile"
in_pages=()
for f in "$src"/man/*.[18].in; do b=${f##*/}; in_pages+=("${b%.in}"); done
make -s -C "$H_TMP/man-long" top_builddir="$build" srcdir="$src/man" VPATH="$src/man" \
	sysconfdir="$long/etc" sbindir="$long/sbin" bindir="$long/bin" dlzmoduledir="$long/lib/bind" \
	KD_DEFAULT_REGISTRY="$long/var/lib/bind/kmsdns/registry.db" "${in_pages[@]}" >"$H_TMP/man-long.out" 2>&1 ||
	{ cat "$H_TMP/man-long.out" >&2; h_fail "generating the man pages for a long prefix failed"; }
for b in "${in_pages[@]}"; do
	p="$H_TMP/man-long/$b"
	h_assert_contains "$(cat "$p")" "long-prefix-" "$b generated with the long prefix"
	err=$(MANWIDTH=80 MAN_KEEP_STDERR=1 man -l --warnings=w "$p" 2>&1 >/dev/null) ||
		h_fail "man -l $b (long prefix) failed: $err"
	h_assert_eq "" "$err" "warnings of man -l $b with a long prefix"
	err=$(groff -man -ww -z "$p" 2>&1) || h_fail "groff -man $b (long prefix) failed: $err"
	h_assert_eq "" "$err" "warnings of groff -man -ww $b with a long prefix"
done
h_log "man pages with a ${#long}-character prefix: render without warnings"
[ -f "$dest$mandir/man8/kmsdns-publish.8" ] || h_fail "no man page kmsdns-publish.8 installed"
[ -f "$dest$mandir/man1/kmsdns-check.1" ] || h_fail "no man page kmsdns-check.1 installed"
# the pages name the configured paths: no placeholder is left, the module
# and config paths are this build's, the default registry is config.h's
for p in "${pages[@]}"; do
	left=$(grep -Eno '@[A-Za-z_]+@|SYSCONFDIR' "$p" || true)
	h_assert_eq "" "$left" "placeholders left in the installed ${p##*/}"
done
registry=$(sed -n 's/^#define KD_DEFAULT_REGISTRY "\(.*\)"$/\1/p' "$build/config.h")
h_assert_eq "$(makevar localstatedir)/lib/bind/kmsdns/registry.db" "$registry" "KD_DEFAULT_REGISTRY in config.h"
# (the pages put a break point \: after each '/' of a path)
page=$(sed 's/\\://g' "$dest$mandir/man8/dlz_kmsdns.8")
h_assert_contains "$page" "dlopen $dlzmoduledir/dlz_kmsdns.so" "dlz_kmsdns(8) synopsis"
h_assert_contains "$page" ".I $registry" "dlz_kmsdns(8) FILES: the default registry"
page=$(sed 's/\\://g' "$dest$mandir/man8/kmsdns-publish.8")
h_assert_contains "$page" ".I $sysconfdir/kmsdns/publish.conf" "kmsdns-publish(8) FILES: the config file"
h_assert_contains "$page" "kmsdns-publish -c $sysconfdir/kmsdns/publish.conf" "kmsdns-publish(8): the unit's command"

# --- systemd units -------------------------------------------------------------------
for f in $(find "$src" "$build" -path "$build/*/_inst" -prune -o \
	\( -name '*.service' -o -name '*.timer' -o -name '*.service.in' -o -name '*.timer.in' \) \
	-not -path "$dest/*" -not -path '*/_build/*' -print 2>/dev/null | sort -u); do
	b=${f##*/}; b=${b%.in}
	[ -f "$dest$unitdir/$b" ] || h_fail "systemd unit $b not installed in $unitdir"
	h_log "systemd unit $b: installed"
done
# the service runs the installed publisher with the installed config file
svc="$dest$unitdir/kmsdns-publish.service"
[ -f "$svc" ] || h_fail "kmsdns-publish.service not installed in $unitdir"
[ -f "$dest$unitdir/kmsdns-publish.timer" ] || h_fail "kmsdns-publish.timer not installed in $unitdir"
h_assert_eq "ExecStart=$sbindir/kmsdns-publish -c $sysconfdir/kmsdns/publish.conf" \
	"$(grep '^ExecStart=' "$svc")" "kmsdns-publish.service ExecStart"
h_assert_contains "$(cat "$dest$unitdir/kmsdns-publish.timer")" "OnCalendar=daily" "kmsdns-publish.timer: daily"

# --- exactly the files of the table, nothing anywhere else ---------------------------
expected=$(printf '%s\n' \
	"$dlzmoduledir/dlz_kmsdns.so" "$sbindir/kmsdns-registry" "$sbindir/kmsdns-publish" \
	"$bindir/kmsdns-check" \
	"$mandir/man8/dlz_kmsdns.8" "$mandir/man8/kmsdns-registry.8" "$mandir/man8/kmsdns-publish.8" \
	"$mandir/man1/kmsdns-check.1" \
	"$unitdir/kmsdns-publish.service" "$unitdir/kmsdns-publish.timer" | sort)
installed=$(cd "$dest" && find . -type f -o -type l | sed 's|^\.||' | sort)
h_assert_eq "$expected" "$installed" "installed files"

# uninstall removes every file again
make -s -C "$build" uninstall DESTDIR="$dest" >"$H_TMP/uninstall.out" 2>&1 ||
	{ cat "$H_TMP/uninstall.out" >&2; h_fail "make uninstall failed"; }
left=$(find "$dest" -type f -o -type l)
h_assert_eq "" "$left" "files left after make uninstall"
exit 0
