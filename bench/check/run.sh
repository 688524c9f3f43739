#!/bin/bash
# bench/check/run.sh -- kmsdns-check against a sequential dig + TCP-connect
# shell loop doing the same checks, in the same run, on loopback only.
#
#   bench/check/run.sh [BUILD_DIR]        (default: ./_build; needs root,
#                                          named, dig, python3, ss)
#   SUFFIXES=200 TARGETS=4 RUNS=3 bench/check/run.sh
#
# Fixture: one named zone with SUFFIXES suffixes, each with TARGETS SRV
# records; every target has its own A record (127.0.0.1) and its own port,
# half of them open (one python3 process listens on them), half closed.
# Both sides ask, per suffix, SRV, then A and AAAA of each target, then
# TCP-connect each target's address and port (timeout 2 s); kmsdns-check
# also sends its DCE/RPC bind and reads the bind_ack (the open ports answer
# as a KMS host), the loop only connects.
# Prints both times and the ratio; kmsdns-check's time is the median of RUNS.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
check="$build/resolver_check/kmsdns-check"
SUFFIXES=${SUFFIXES:-200}
TARGETS=${TARGETS:-4}
RUNS=${RUNS:-3}
[ -x "$check" ] || { echo "run.sh: $check is not built" >&2; exit 1; }
# The integration harness starts and stops named (by PID) in a temp dir.
# shellcheck source=../../tests/integration/harness.sh
. "$top/tests/integration/harness.sh"
h_require_root
h_require_cmd named named-checkconf dig python3 ss timeout
H_TEST_TIMEOUT=900
h_init bench_check

total=$((SUFFIXES * TARGETS))
# a block of TOTAL free consecutive ports for the targets
base=""
for try in $(seq 1 50); do
	b=$((20000 + (RANDOM * 32768 + RANDOM) % (32767 - 20000 - total)))
	used=$(ss -Htan "( sport >= :$b and sport < :$((b + total)) )" | wc -l)
	if [ "$used" -eq 0 ]; then base=$b; break; fi
done
[ -n "$base" ] || h_fail "no block of $total free ports"

NS=$(h_named_dir ns1)
{
	echo '$TTL 300'
	echo '@ IN SOA ns1.bench.test. hostmaster.bench.test. ( 1 3600 600 86400 60 )'
	echo '  IN NS ns1.bench.test.'
	echo 'ns1 IN A 127.0.0.1'
	for s in $(seq 1 "$SUFFIXES"); do
		for t in $(seq 1 "$TARGETS"); do
			i=$(((s - 1) * TARGETS + t - 1))
			printf '_vlmcs._tcp.s%d IN SRV 0 %d %d k%d-%d.s%d.bench.test.\n' \
				"$s" "$((t * 10))" "$((base + i))" "$s" "$t" "$s"
			printf 'k%d-%d.s%d IN A 127.0.0.1\n' "$s" "$t" "$s"
		done
	done
} >"$NS/bench.test.db"
h_named_start ns1 - <<CONF
zone "bench.test" { type primary; file "bench.test.db"; };
CONF
PORT=$(h_named_port ns1)

# even target indexes are open and answer the DCE/RPC bind as a KMS host
# (tests/integration/kms_responder.py, written from kms-rpc.md)
h_spawn listeners "$H_TMP/listeners.log" python3 "$top/tests/integration/kms_responder.py" \
	127.0.0.1 "$base:$(((total + 1) / 2)):2" kms
h_wait_until 20 grep -q listening "$H_TMP/listeners.log" || h_fail "listeners did not start"
ulimit -n 4096 2>/dev/null || true

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# --- kmsdns-check ---------------------------------------------------------
args=()
for s in $(seq 1 "$SUFFIXES"); do args+=(--suffix "s$s.bench.test"); done
times=()
for r in $(seq 1 "$RUNS"); do
	t0=$(now_ms)
	rc=0
	"$check" "${args[@]}" --server "127.0.0.1#$PORT" --timeout 2000 --json >"$H_TMP/check.json" || rc=$?
	times+=($(($(now_ms) - t0)))
	[ "$rc" -le 1 ] || h_fail "kmsdns-check exit $rc"
done
check_ms=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
open_check=$(grep -o '"probe":"kms"' "$H_TMP/check.json" | wc -l)
closed_check=$(grep -o '"probe":"closed"' "$H_TMP/check.json" | wc -l)

# --- sequential shell loop: same queries, same connects -------------------
t0=$(now_ms)
open_loop=0
closed_loop=0
for s in $(seq 1 "$SUFFIXES"); do
	while read -r _ _ port target; do
		[ -n "$target" ] || continue
		for addr in $(dig @127.0.0.1 -p "$PORT" +time=2 +tries=1 +short "$target" A) \
			$(dig @127.0.0.1 -p "$PORT" +time=2 +tries=1 +short "$target" AAAA); do
			if timeout 2 bash -c "exec 3<>/dev/tcp/$addr/$port" 2>/dev/null; then
				open_loop=$((open_loop + 1))
			else
				closed_loop=$((closed_loop + 1))
			fi
		done
	done < <(dig @127.0.0.1 -p "$PORT" +time=2 +tries=1 +short "_vlmcs._tcp.s$s.bench.test" SRV)
done
loop_ms=$(($(now_ms) - t0))

h_stop listeners || true
h_named_stop ns1 >/dev/null || true
[ "$open_check" -eq "$open_loop" ] && [ "$closed_check" -eq "$closed_loop" ] ||
	h_fail "the two sides disagree: check open/closed $open_check/$closed_check, loop $open_loop/$closed_loop"
echo "suffixes=$SUFFIXES targets/suffix=$TARGETS probes=$total (kms $open_check, closed $closed_check)"
echo "kmsdns-check: ${check_ms} ms (median of $RUNS: ${times[*]})"
echo "sequential dig + TCP-connect loop: ${loop_ms} ms"
awk -v a="$loop_ms" -v b="$check_ms" 'BEGIN { printf "ratio: %.1fx\n", a / (b > 0 ? b : 1) }'
