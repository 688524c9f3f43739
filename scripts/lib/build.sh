# shellcheck shell=bash
# build.sh -- configure and build kmsdns out of tree, in $KD_BUILD_DIR.
# Sourced by scripts/test and scripts/demo.

# kd_autoreconf_needed SRC: true when SRC has no configure script yet or
# configure.ac or a Makefile.am is newer than it.  Regenerating only then
# keeps a build running from another directory of the same tree (scripts/test
# while scripts/demo starts) from seeing its build system change under it.
kd_autoreconf_needed() {
	local src=$1 f
	[ -x "$src/configure" ] && [ -f "$src/build-aux/missing" ] || return 0
	[ "$src/configure.ac" -nt "$src/configure" ] && return 0
	while IFS= read -r f; do
		[ "$f" -nt "$src/configure" ] && return 0
	done < <(find "$src" -name _build -prune -o -name Makefile.am -print)
	return 1
}

kd_build() {
	local src=$1 build=$2
	shift 2
	if kd_autoreconf_needed "$src"; then
		( cd "$src" && autoreconf -fi >/dev/null 2>&1 ) ||
			{ echo "kmsdns: autoreconf failed (run 'autoreconf -fi' in $src to see why)" >&2; return 1; }
	fi
	mkdir -p "$build"
	( cd "$build" && "$src/configure" -q "$@" >/dev/null ) ||
		{ echo "kmsdns: configure failed, see $build/config.log" >&2; return 1; }
	make -C "$build" -s -j"$(nproc)" >/dev/null ||
		{ echo "kmsdns: build failed (run 'make -C $build' to see why)" >&2; return 1; }
}
