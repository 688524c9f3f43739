#!/bin/bash
# Integration test of the harness itself: h_free_port never returns a port in
# use, stopping works, and the exit trap cleans up (pass, fail, SIGTERM,
# watchdog, KEEP_TMP) and prints named's log when a test fails.
set -euo pipefail
HARNESS="$(cd "$(dirname "$0")" && pwd)/harness.sh"
# shellcheck source=harness.sh
. "$HARNESS"

h_require_root
h_require_cmd named named-checkconf dig krb5kdc kdb5_util ss timeout perl
h_init harness_ports

NS=$(h_named_dir ns1)
cat >"$NS/example.test.db" <<'EOF'
$TTL 300
@    IN SOA ns1.example.test. hostmaster.example.test. ( 1 3600 600 86400 300 )
     IN NS  ns1.example.test.
ns1  IN A   127.0.0.1
EOF
zone_conf="$H_TMP/zone.conf"
echo 'zone "example.test" { type primary; file "example.test.db"; };' >"$zone_conf"
h_named_start ns1 "$zone_conf"
P=$(h_named_port ns1)
NPID=$(h_named_pid ns1)
h_assert_eq 127.0.0.1 "$(h_dig +short ns1.example.test A)" "named answers"

# free_port_in LO HI: h_free_port restricted to LO..HI (in a subshell: no
# reservation is lost, a failure only ends the subshell); stderr discarded.
free_port_in() { (H_PORT_MIN=$1 H_PORT_MAX=$2 h_free_port) 2>/dev/null; }
# unlock PORT: drop our own reservation of PORT, so that only the socket
# check (ss) can keep h_free_port away from it.
unlock() { rm -f "$(h__port_lock "$1")"; }

h_log "1-5: h_free_port avoids busy ports"
# 1. a port used by named (TCP+UDP) is never returned
unlock "$P"
h_assert_fails free_port_in "$P" "$P"
# 2. with a free neighbour, the neighbour is returned, and then reserved
Q=$((P + 1))
if ! h_port_in_use "$Q" && [ ! -e "$(h__port_lock "$Q")" ]; then
	h_assert_eq "$Q" "$(free_port_in "$P" "$Q")" "free neighbour of named's port"
	h_assert_fails free_port_in "$P" "$Q"
else
	h_log "port $Q busy, neighbour check skipped"
fi
# 3. UDP-only and TCP-only listeners (perl) are avoided too
for proto in udp tcp; do
	R=$(h_free_port)
	# shellcheck disable=SC2016 # perl code
	h_spawn "listen-$proto" "$H_TMP/listen-$proto.stderr" perl -MIO::Socket::INET -e '
		my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $ARGV[0],
			Proto => $ARGV[1], ($ARGV[1] eq "tcp" ? (Listen => 5) : ())) or die "bind: $!";
		sleep 60;' "$R" "$proto"
	h_wait_until 10 h_port_listening "$R" || h_fail "perl $proto listener on $R did not start"
	unlock "$R"
	h_assert_fails free_port_in "$R" "$R"
	h_assert_ok h_stop "listen-$proto"
done
# 4. the KDC's port is avoided
h_kdc_start EXAMPLE.TEST
unlock "$H_KDC_PORT"
h_assert_fails free_port_in "$H_KDC_PORT" "$H_KDC_PORT"
# 5. many ports in a row: all distinct and free
seen=" "
for ((i = 0; i < 30; i++)); do
	x=$(h_free_port)
	h_assert_not_contains "$seen" " $x " "h_free_port returned $x twice"
	h_assert_fails h_port_in_use "$x"
	seen="$seen$x "
done

h_log "6: stop/restart"
# 6. stopping: the PID is gone and the port is free
h_assert_ok h_named_stop ns1
h_assert_fails h_alive "$NPID"
! kill -0 "$NPID" 2>/dev/null || h_fail "kill -0 $NPID works after h_named_stop"
h_assert_fails h_port_listening "$P"
# ... and a restart on the same port works
h_named_start ns1 "$zone_conf"
h_assert_eq "$P" "$(h_named_port ns1)" "port after restart"
h_assert_eq 127.0.0.1 "$(h_dig +short ns1.example.test A)" "named answers after restart"
h_assert_ok h_named_stop ns1

# 7. cleanup of whole tests: run child tests that use the harness
CHILD="$H_TMP/child.sh"
cat >"$CHILD" <<EOF
#!/bin/bash
set -euo pipefail
. "$HARNESS"
h_init child
D=\$(h_named_dir ns1)
cp "$NS/example.test.db" "\$D/"
h_named_start ns1 "$zone_conf"
echo "\$H_TMP \$(h_named_pid ns1)" >"$H_TMP/child.info"
case \$1 in
pass) ;;
fail) h_assert_eq "wrong" "\$(h_dig +short ns1.example.test A)" "deliberate failure" ;;
wait | term) h_spawn sleeper /dev/null sleep 60; wait "\$(h_pid sleeper)" ;;
esac
exit 0
EOF
mkdir "$H_TMP/childtmp"
# shellcheck disable=SC2317 # called through h_wait_until
gone() { ! h_alive "$1"; }
# run_child MODE [ENV...]: run the child in the background, wait (bounded);
# sets CRC (exit code), CTMP and CPID (child's temp dir and named PID).
run_child() {
	local mode=$1 pid
	shift
	rm -f "$H_TMP/child.info"
	env TMPDIR="$H_TMP/childtmp" "$@" bash "$CHILD" "$mode" \
		>"$H_TMP/child.out" 2>"$H_TMP/child.err" &
	pid=$!
	if [ "$mode" = term ]; then
		h_wait_until 20 test -s "$H_TMP/child.info" || h_fail "child did not start"
		kill -TERM "$pid"
	fi
	h_wait_until 30 gone "$pid" || h_fail "child ($mode) did not finish"
	CRC=0
	wait "$pid" || CRC=$?
	read -r CTMP CPID <"$H_TMP/child.info" || h_fail "no child info"
}
check_clean() {
	h_assert_fails h_alive "$CPID"
	[ ! -e "$CTMP" ] || h_fail "child temp dir $CTMP not removed ($1)"
}

h_log "7: child tests: pass, fail, SIGTERM, watchdog, KEEP_TMP"
run_child pass
h_assert_eq 0 "$CRC" "child pass: exit code"
check_clean pass

run_child fail
h_assert_eq 1 "$CRC" "child fail: exit code"
err=$(cat "$H_TMP/child.err")
h_assert_contains "$err" "FAIL: deliberate failure: expected [wrong], got [127.0.0.1]"
h_assert_contains "$err" "----- ns1/named.log -----" "named log printed on failure"
h_assert_contains "$err" "zone example.test/IN: loaded serial 1" "named log content printed on failure"
check_clean fail

run_child term
h_assert_eq 143 "$CRC" "child killed by SIGTERM: exit code"
h_assert_contains "$(cat "$H_TMP/child.err")" "----- ns1/named.log -----" "named log printed on SIGTERM"
check_clean term

run_child wait H_TEST_TIMEOUT=2
h_assert_eq 143 "$CRC" "child stopped by the watchdog: exit code"
h_assert_contains "$(cat "$H_TMP/child.err")" "watchdog" "watchdog message"
check_clean watchdog

run_child pass KEEP_TMP=1
h_assert_eq 0 "$CRC" "child KEEP_TMP=1: exit code"
h_assert_fails h_alive "$CPID"
[ -d "$CTMP" ] || h_fail "KEEP_TMP=1 did not keep $CTMP"
rm -rf "$CTMP"

h_assert_eq "" "$(ls -A "$H_TMP/childtmp")" "child temp dirs left over"
exit 0
