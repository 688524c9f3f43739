# build.sh -- configure and build kmsdns out of tree, in $KD_BUILD_DIR.
# Sourced by scripts/test and scripts/demo.

kd_build() {
	local src=$1 build=$2
	shift 2
	( cd "$src" && autoreconf -fi >/dev/null 2>&1 ) ||
		{ echo "kmsdns: autoreconf failed (run 'autoreconf -fi' in $src to see why)" >&2; return 1; }
	mkdir -p "$build"
	( cd "$build" && "$src/configure" -q "$@" >/dev/null ) ||
		{ echo "kmsdns: configure failed, see $build/config.log" >&2; return 1; }
	make -C "$build" -s -j"$(nproc)" >/dev/null ||
		{ echo "kmsdns: build failed (run 'make -C $build' to see why)" >&2; return 1; }
}
