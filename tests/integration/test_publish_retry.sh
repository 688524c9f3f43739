#!/bin/bash
# kmsdns-publish retries an UPDATE whose exchange was cut: a TCP proxy in
# front of a real named closes the connection of the first UPDATE it sees
# without answering; the publisher sends the UPDATE again, re-signed under
# a new message ID (a byte-identical resend would be a replay to BIND), and
# named applies it once. A proxy that cuts every UPDATE makes the publisher
# give up after one retry and report the failure.
set -euo pipefail
# shellcheck source=harness.sh
. "$(cd "$(dirname "$0")" && pwd)/harness.sh"

h_require_root
h_require_cmd named dig tsig-keygen python3 timeout
PUBLISH=${abs_top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)/_build}/nsupdate_tool/kmsdns-publish
[ -x "$PUBLISH" ] || h_skip "kmsdns-publish not built ($PUBLISH)"
h_init publish_retry

NS=$(h_named_dir ns1)
TSIG=$(h_tsig_key kms-tsig.example.test hmac-sha256)
cat >"$NS/a.test.db" <<'ZONE'
$TTL 300
@    IN SOA ns1.a.test. hostmaster.a.test. ( 1 3600 600 86400 300 )
     IN NS  ns1.a.test.
ns1  IN A   127.0.0.1
ZONE
cat >"$H_TMP/zones.conf" <<CONF
include "$TSIG";
zone "a.test" { type primary; file "a.test.db";
	update-policy { grant kms-tsig.example.test. name _vlmcs._tcp.a.test. SRV; }; };
CONF
h_named_start ns1 "$H_TMP/zones.conf"
PORT=$(h_named_port ns1)

# proxy LABEL CUT: a TCP proxy on a free port to named; it cuts the first
# CUT UPDATEs (opcode 5) and logs "opcode id action" for every message
proxy() {
	local label=$1 cut=$2 port
	port=$(h_free_port)
	h_spawn "$label" "$H_TMP/$label.log" python3 -u -c '
import socket, struct, sys, threading
listen_port, named_port, cut = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
lock = threading.Lock()
seen = {"updates": 0}
def read_msg(s):
    head = b""
    while len(head) < 2:
        part = s.recv(2 - len(head))
        if not part:
            return None
        head += part
    (n,) = struct.unpack("!H", head)
    body = b""
    while len(body) < n:
        part = s.recv(n - len(body))
        if not part:
            return None
        body += part
    return body
def serve(c):
    with c:
        msg = read_msg(c)
        if msg is None or len(msg) < 12:
            return
        mid, opcode = struct.unpack("!H", msg[:2])[0], (msg[2] >> 3) & 15
        with lock:
            drop = opcode == 5 and seen["updates"] < cut
            if opcode == 5:
                seen["updates"] += 1
        print(opcode, mid, "cut" if drop else "forwarded", flush=True)
        if drop:
            return
        with socket.create_connection(("127.0.0.1", named_port), timeout=5) as u:
            u.sendall(struct.pack("!H", len(msg)) + msg)
            answer = read_msg(u)
        if answer is not None:
            c.sendall(struct.pack("!H", len(answer)) + answer)
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", listen_port))
s.listen(16)
print("listening", flush=True)
while True:
    conn, _ = s.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
' "$port" "$PORT" "$cut"
	h_wait_until 5 grep -q listening "$H_TMP/$label.log" || h_fail "proxy $label did not start"
	echo "$port"
}

# one cut: the UPDATE is retried under a new ID and applied
PPORT=$(proxy cut1 1)
RC=0
OUT=$("$PUBLISH" --host kms1.a.test --server "127.0.0.1#$PPORT" --tsig-key "$TSIG" \
	--timeout 3000 --domain a.test,0,50 2>&1) || RC=$?
h_assert_eq 0 "$RC" "publish through a cut exchange: exit status ($OUT)"
h_assert_contains "$OUT" "action=added result=ok" "added after the retry"
updates=$(awk '$1 == 5' "$H_TMP/cut1.log")
h_assert_eq 2 "$(echo "$updates" | wc -l)" "UPDATE messages seen by the proxy ($updates)"
h_assert_eq "cut forwarded" "$(echo "$updates" | awk '{print $3}' | paste -sd' ')" "first cut, second forwarded"
ids=$(echo "$updates" | awk '{print $2}' | sort -u | wc -l)
h_assert_eq 2 "$ids" "the retry has a new message ID ($updates)"
h_assert_eq "0 50 1688 kms1.a.test." "$(h_dig +short _vlmcs._tcp.a.test SRV)" "record applied once"
h_stop cut1 || true

# every UPDATE cut: one retry, then a reported failure
PPORT=$(proxy cutall 100)
RC=0
OUT=$("$PUBLISH" --host kms1.a.test --server "127.0.0.1#$PPORT" --tsig-key "$TSIG" \
	--timeout 3000 --domain a.test,0,60 2>&1) || RC=$?
h_assert_eq 1 "$RC" "publish when every exchange is cut: exit status ($OUT)"
h_assert_contains "$OUT" "result=failed" "failure reported"
h_assert_eq 2 "$(awk '$1 == 5' "$H_TMP/cutall.log" | wc -l)" "one retry, no more"
h_assert_eq "0 50 1688 kms1.a.test." "$(h_dig +short _vlmcs._tcp.a.test SRV)" "record unchanged"
h_log "publish_retry: a cut UPDATE is re-signed under a new ID and applied once; a second cut is reported"
