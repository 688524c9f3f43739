# shellcheck shell=bash
# Helpers for the kmsdns-check integration tests; sourced after harness.sh.
#
#   ck_run ARGS...      run kmsdns-check ARGS (bounded); its stdout goes to
#                       $CK_OUT, its stderr to $CK_ERR, its exit status to $CK_RC;
#                       with --json, stdout must be exactly one JSON document
#                       whose exit_status is $CK_RC and whose findings all
#                       have a remedy (usage errors, exit 64: stdout empty)
#   ck_json FILTER      jq FILTER applied to $CK_OUT (a --json run)
#   ck_listen LABEL ADDR PORT [BACKLOG_FULL]
#                       start a TCP listener (python3) on ADDR:PORT, wait until
#                       it listens; with BACKLOG_FULL=1 it never accepts and
#                       fills its accept queue, so further SYNs are dropped
#                       (a "filtered" port without firewall rules)
CK_BIN="${abs_top_builddir:?}/resolver_check/kmsdns-check"
CK_OUT=""
CK_ERR=""
CK_RC=0

ck_run() {
	[ -x "$CK_BIN" ] || h_fail "kmsdns-check not built: $CK_BIN"
	CK_RC=0
	CK_OUT=$(timeout 60 "$CK_BIN" "$@" 2>"$H_TMP/ck.err") || CK_RC=$?
	CK_ERR=$(cat "$H_TMP/ck.err")
	[ "$CK_RC" -ne 124 ] || h_fail "kmsdns-check timed out: $*"
	[ "${H_VERBOSE:-0}" = 1 ] && printf '+ kmsdns-check %s\n%s\n%s\n' "$*" "$CK_OUT" "$CK_ERR" >&2
	case " $* " in *" --json "*) ck_check_json ;; esac
	return 0
}

ck_check_json() {
	if [ "$CK_RC" = 64 ]; then
		[ -z "$CK_OUT" ] || h_fail "usage error with --json wrote to stdout: $CK_OUT"
		return 0
	fi
	h_assert_eq "1 $CK_RC 0" \
		"$(printf '%s\n' "$CK_OUT" | jq -s -r '"\(length) \(.[0].exit_status) \([.[0].findings // [] | .[] | select(.remedy == null)] | length)"')" \
		"--json: one document, its exit_status, a remedy for every finding"
}

ck_json() {
	printf '%s\n' "$CK_OUT" | jq -r "$1" || h_fail "jq '$1' failed on: $CK_OUT"
}

# ck_expect_rc RC MSG: the last run exited with RC.
ck_expect_rc() {
	[ "$CK_RC" = "$1" ] || h_fail "${2:-exit status}: expected $1, got $CK_RC
stdout: $CK_OUT
stderr: $CK_ERR"
}

ck_listen() {
	local label=$1 addr=$2 port=$3 full=${4:-0}
	h_spawn "$label" "$H_TMP/$label.log" python3 -c '
import socket, sys, time
addr, port, full = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((addr, port))
s.listen(0 if full else 16)
held = []
if full:
    # fill the accept queue (backlog 0 holds one connection); never accept
    for _ in range(2):
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.setblocking(False)
        c.connect_ex((addr, port))
        held.append(c)
    time.sleep(0.5)
print("listening", flush=True)
while True:
    if full:
        time.sleep(1)
    else:
        c, _ = s.accept()
        c.close()
' "$addr" "$port" "$full"
	h_wait_until 10 grep -q listening "$H_TMP/$label.log" ||
		h_fail "listener $label on $addr:$port did not start"
}

# ck_relay LABEL ADDR PORT UPSTREAM_PORT: relay DNS over UDP and TCP from
# ADDR#PORT to 127.0.0.1#UPSTREAM_PORT (a python3 process).  named only
# listens on interface addresses (127.0.0.1 here), so authoritative tests
# that need several servers on one port at 127.0.0.x put a harness named
# behind a relay at each extra address; the answers stay named's own.
ck_relay() {
	local label=$1 addr=$2 port=$3 upstream=$4
	h_spawn "$label" "$H_TMP/$label.log" python3 -c '
import socket, sys, threading
addr, port, up = sys.argv[1], int(sys.argv[2]), ("127.0.0.1", int(sys.argv[3]))

def udp_one(server, data, client):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    try:
        s.sendto(data, up)
        server.sendto(s.recv(65535), client)
    except OSError:
        pass
    s.close()

def udp_loop():
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind((addr, port))
    while True:
        data, client = server.recvfrom(65535)
        threading.Thread(target=udp_one, args=(server, data, client), daemon=True).start()

def pipe(a, b):
    try:
        while True:
            data = a.recv(65535)
            if not data:
                break
            b.sendall(data)
    except OSError:
        pass
    for s in (a, b):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

def tcp_loop(listener):
    while True:
        c, _ = listener.accept()
        u = socket.create_connection(up, timeout=5)
        threading.Thread(target=pipe, args=(c, u), daemon=True).start()
        threading.Thread(target=pipe, args=(u, c), daemon=True).start()

listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind((addr, port))
listener.listen(16)
threading.Thread(target=udp_loop, daemon=True).start()
print("relaying", flush=True)
tcp_loop(listener)
' "$addr" "$port" "$upstream"
	h_wait_until 10 grep -q relaying "$H_TMP/$label.log" ||
		h_fail "relay $label on $addr:$port did not start"
}
