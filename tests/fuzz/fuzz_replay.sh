#!/bin/sh
# Replay the seed corpora through the fuzz targets built as plain programs
# (configure without --enable-fuzzers). Run by `make check` in tests/fuzz.
# The targets below must exist; any other built ./fuzz_NAME that has a
# corpus/NAME directory is replayed too, so a new target needs no edit here.
srcdir=${srcdir:-.}
required="publist keyfile dname"
status=0

replay() {
	target=./fuzz_$1
	corpus=$srcdir/corpus/$1
	if [ ! -x "$target" ]; then
		echo "fuzz_replay.sh: $target is not built" >&2
		status=1
	elif [ ! -d "$corpus" ]; then
		echo "fuzz_replay.sh: no seed corpus $corpus" >&2
		status=1
	elif ! "$target" "$corpus"; then
		echo "fuzz_replay.sh: $target failed on $corpus" >&2
		status=1
	fi
}

for name in $required; do
	replay "$name"
done
for corpus in "$srcdir"/corpus/*; do
	name=${corpus##*/}
	case " $required " in
	*" $name "*) continue ;;
	esac
	if [ -d "$corpus" ] && [ -x "./fuzz_$name" ]; then
		replay "$name"
	fi
done
exit $status
