# shellcheck shell=bash
# Helpers for the kmsdns-check integration tests; sourced after harness.sh.
#
#   ck_run ARGS...      run kmsdns-check ARGS (bounded); its stdout goes to
#                       $CK_OUT, its stderr to $CK_ERR, its exit status to $CK_RC;
#                       with --json, stdout must be exactly one JSON document
#                       whose exit_status is $CK_RC and whose findings all
#                       have a remedy (usage errors, exit 64: stdout empty;
#                       --help: the usage text)
#   ck_json FILTER      jq FILTER applied to $CK_OUT (a --json run)
#   ck_listen LABEL ADDR PORT [BACKLOG_FULL]
#                       start a TCP listener (python3) on ADDR:PORT, wait until
#                       it listens; with BACKLOG_FULL=1 it never accepts and
#                       fills its accept queue, so further SYNs are dropped
#                       (a "filtered" port without firewall rules: Linux
#                       drops a SYN for a listener whose accept queue is
#                       full, so the connect times out as behind a DROP rule)
#   ck_kms LABEL ADDR PORT MODE
#                       start kms_responder.py (what answers a DCE/RPC bind
#                       like a KMS host, or like something else: MODE kms,
#                       reject, nak, http, close) on ADDR:PORT
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
	case " $* " in
	*" --help "* | *" -h "*) ;; # the usage text, also with --json
	*" --json "*) ck_check_json ;;
	esac
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

ck_kms() {
	local label=$1 addr=$2 port=$3 mode=$4
	h_spawn "$label" "$H_TMP/$label.log" python3 \
		"$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/kms_responder.py" "$addr" "$port" "$mode"
	h_wait_until 10 grep -q listening "$H_TMP/$label.log" ||
		h_fail "KMS responder $label ($mode) on $addr:$port did not start"
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

# ck_broken_auth LABEL ADDR PORT ZONE: a small authoritative DNS server
# (python3, UDP and TCP) for ZONE at ADDR#PORT that misbehaves in ways no named in
# this lab does. It serves ZONE's SOA (serial 5, minimum 30), NS ns1.ZONE
# (= ADDR), _vlmcs._tcp.ZONE SRV 0 0 1688 kms.ZONE, kms.ZONE A 127.0.0.61,
# and answers:
#   _tcp.ZONE                  NXDOMAIN (an empty non-terminal denied)
#   _vlmcs._tcp.nosoa.ZONE     NXDOMAIN without SOA in the authority section
#   _vlmcs._tcp.stale.ZONE     SRV data without RD; NXDOMAIN with RD (what
#                              a resolver with a stale negative copy says)
#   _vlmcs._tcp.garbage.ZONE   a reply whose answer record is cut off
#   _vlmcs._tcp.notimp.ZONE    rcode NOTIMP
#   _vlmcs._tcp.wrongid.ZONE   an answer with another message ID
#   _vlmcs._tcp.emptyrr.ZONE   SRV 0 0 1688 hollow.ZONE, whose A record has
#                              empty rdata (RDLENGTH 0)
#   NS ZONE                    also an NS record with empty rdata
#   _vlmcs._tcp.extra.ZONE     SRV 0 0 1688 kms2.ZONE plus, in the same
#                              answer, an SRV record of another owner; the
#                              A answer of kms2.ZONE (127.0.0.62) also holds
#                              an A record of another name
# Other names in ZONE: NODATA or NXDOMAIN with SOA; outside: REFUSED.
ck_broken_auth() {
	local label=$1 addr=$2 port=$3 zone=$4
	h_spawn "$label" "$H_TMP/$label.log" python3 -c '
import socket, struct, sys, threading
addr, port, zone = sys.argv[1], int(sys.argv[2]), sys.argv[3].lower().rstrip(".")

def wire(name):
    return b"".join(bytes([len(l)]) + l.encode() for l in name.split(".") if l) + b"\0"

def rr(name, rtype, ttl, rdata):
    return wire(name) + struct.pack(">HHIH", rtype, 1, ttl, len(rdata)) + rdata

A, NS, SOA, AAAA, SRV = 1, 2, 6, 28, 33
soa = rr(zone, SOA, 300, wire("ns1." + zone) + wire("hostmaster." + zone) +
         struct.pack(">IIIII", 5, 3600, 600, 86400, 30))
srv = struct.pack(">HHH", 0, 0, 1688) + wire("kms." + zone)
data = {
    (zone, SOA): [soa],
    (zone, NS): [rr(zone, NS, 300, wire("ns1." + zone)), rr(zone, NS, 300, b"")],
    ("hollow." + zone, A): [rr("hollow." + zone, A, 300, b"")],
    ("_vlmcs._tcp.extra." + zone, SRV): [
        rr("_vlmcs._tcp.extra." + zone, SRV, 300, struct.pack(">HHH", 0, 0, 1688) + wire("kms2." + zone)),
        rr("_vlmcs._tcp.other." + zone, SRV, 300, struct.pack(">HHH", 0, 0, 1688) + wire("rogue." + zone))],
    ("kms2." + zone, A): [rr("kms2." + zone, A, 300, socket.inet_aton("127.0.0.62")),
                          rr("other." + zone, A, 300, socket.inet_aton("127.0.0.99"))],
    ("_vlmcs._tcp.emptyrr." + zone, SRV): [rr("_vlmcs._tcp.emptyrr." + zone, SRV, 300,
                                           struct.pack(">HHH", 0, 0, 1688) + wire("hollow." + zone))],
    ("ns1." + zone, A): [rr("ns1." + zone, A, 300, socket.inet_aton(addr))],
    ("kms." + zone, A): [rr("kms." + zone, A, 300, socket.inet_aton("127.0.0.61"))],
    ("_vlmcs._tcp." + zone, SRV): [rr("_vlmcs._tcp." + zone, SRV, 300, srv)],
    ("_vlmcs._tcp.stale." + zone, SRV): [rr("_vlmcs._tcp.stale." + zone, SRV, 300, srv)],
}
names = {n for n, _ in data} | {"stale." + zone, "_tcp.stale." + zone,
                                "emptyrr." + zone, "_tcp.emptyrr." + zone,
                                "extra." + zone, "_tcp.extra." + zone}

def reply(query):
    qid, flags = query[:2], struct.unpack(">H", query[2:4])[0]
    rd, pos, labels = flags & 0x0100, 12, []
    while query[pos]:
        labels.append(query[pos + 1:pos + 1 + query[pos]].decode().lower())
        pos += 1 + query[pos]
    qname, qtype = ".".join(labels), struct.unpack(">H", query[pos + 1:pos + 3])[0]
    question = query[12:pos + 5]

    def packet(rcode, answer=(), authority=(), aa=0x0400, ancount=None):
        head = struct.pack(">HHHHH", 0x8000 | aa | rd | rcode, 1,
                           len(answer) if ancount is None else ancount, len(authority), 0)
        return qid + head + question + b"".join(answer) + b"".join(authority)

    if qname != zone and not qname.endswith("." + zone):
        return packet(5, aa=0)
    if qname == "_vlmcs._tcp.garbage." + zone:
        return packet(0, ancount=1) + b"\xc0"
    if qname == "_vlmcs._tcp.notimp." + zone:
        return packet(4)
    if qname == "_vlmcs._tcp.wrongid." + zone:
        answer = packet(3, authority=[soa])
        return bytes([answer[0] ^ 0xFF, answer[1]]) + answer[2:]
    if qname == "_tcp." + zone:
        return packet(3, authority=[soa])
    if qname == "_vlmcs._tcp.nosoa." + zone:
        return packet(3)
    if qname == "_vlmcs._tcp.stale." + zone and rd:
        return packet(3, authority=[soa])
    if (qname, qtype) in data:
        return packet(0, answer=data[(qname, qtype)])
    if qname in names:
        return packet(0, authority=[soa])
    return packet(3, authority=[soa])

def tcp_one(c):
    try:
        size = struct.unpack(">H", c.recv(2))[0]
        query = b""
        while len(query) < size:
            query += c.recv(size - len(query))
        answer = reply(query)
        c.sendall(struct.pack(">H", len(answer)) + answer)
    except (OSError, IndexError, UnicodeDecodeError, struct.error):
        pass
    c.close()

def tcp_loop(t):
    while True:
        c, _ = t.accept()
        threading.Thread(target=tcp_one, args=(c,), daemon=True).start()

t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind((addr, port))
t.listen(16)
threading.Thread(target=tcp_loop, args=(t,), daemon=True).start()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((addr, port))
print("serving", flush=True)
while True:
    query, client = s.recvfrom(4096)
    try:
        s.sendto(reply(query), client)
    except (IndexError, UnicodeDecodeError, struct.error):
        pass
' "$addr" "$port" "$zone"
	h_wait_until 10 grep -q serving "$H_TMP/$label.log" ||
		h_fail "broken authoritative server $label on $addr#$port did not start"
}
