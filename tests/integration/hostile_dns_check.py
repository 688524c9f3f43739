#!/usr/bin/env python3
"""A hostile DNS server for the kmsdns-check tests (loopback, UDP and TCP).

It answers as both the resolver (--server, RD set) and the authoritative
server (--authoritative, RD clear) of zone h.test, with the zones of issue
15 item 6 that made the checker's work unbounded:

  _vlmcs._tcp.chain.h.test   SRV -> t.chain.h.test, whose A and AAAA answers
                             are a 2,000-deep CNAME chain
  _vlmcs._tcp.many.h.test    1,770 SRV records naming one.many.h.test, whose
                             address is behind a 100-deep CNAME chain
  _vlmcs._tcp.many2.h.test   the same with a 2,000-deep chain
  _vlmcs._tcp.wide.h.test    1,000 SRV records naming k1..k1000.wide.h.test
  h.test NS                  300 NS names ns1..ns300.h.test, all at ADDR
  _vlmcs._tcp.tc.h.test      TC set over UDP and over TCP, no records
  _vlmcs._tcp.badlen.h.test  SRV -> bad.badlen.h.test, whose A record has
                             RDLENGTH 3
Targets and NS names have the address ADDR; SRV records name PROBE_PORT.
Answers over 512 bytes are truncated (TC) over UDP. Names compress, so the
long chains fit in one TCP answer. Other names in h.test: NXDOMAIN with SOA;
outside: REFUSED. Each query is logged as "Q PROTO RD QNAME QTYPE".

usage: hostile_dns_check.py ADDR PORT PROBE_PORT
"""
import socket
import struct
import sys
import threading

A, NS, CNAME, SOA, AAAA, SRV = 1, 2, 5, 6, 28, 33
ZONE = "h.test"
ADDR, PORT, PROBE_PORT = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
LOG_LOCK = threading.Lock()


def wire(name):
    return b"".join(bytes([len(l)]) + l.encode() for l in name.split(".") if l) + b"\0"


class Message:
    """Builds an answer; names may point back at earlier offsets."""

    def __init__(self, head, question):
        self.data = bytearray(head + question)
        self.count = 0

    def rr(self, owner, rtype, rdata, rdlength=None):
        """OWNER is bytes (a name or a pointer); returns rdata's offset."""
        self.data += owner + struct.pack(">HHIH", rtype, 1, 300,
                                         len(rdata) if rdlength is None else rdlength)
        offset = len(self.data)
        self.data += rdata
        self.count += 1
        return offset


def ptr(offset):
    return struct.pack(">H", 0xC000 | offset)


def chain(msg, qname, depth, label, final_type):
    """DEPTH CNAMEs from the question name, then an A record (for A).

    Compression pointers reach only the first 16 KB, so every name is its
    own label plus a pointer to "h.test" in the question."""
    zone_at = 12 + len(wire(qname)) - len(wire(ZONE))
    owner = ptr(12)
    for i in range(depth):
        name = (label + str(i)).encode()
        target = bytes([len(name)]) + name + ptr(zone_at)
        msg.rr(owner, CNAME, target)
        owner = target
    if final_type == A:
        msg.rr(owner, A, socket.inet_aton(ADDR))


def soa_rdata():
    return wire("ns1." + ZONE) + wire("hostmaster." + ZONE) + struct.pack(">IIIII", 1, 3600, 600, 86400, 30)


def srv_rdata(weight, target):
    return struct.pack(">HHH", 0, weight, PROBE_PORT) + wire(target)


def answer(query, proto):
    qid, flags = query[:2], struct.unpack(">H", query[2:4])[0]
    rd, pos, labels = flags & 0x0100, 12, []
    while query[pos]:
        labels.append(query[pos + 1:pos + 1 + query[pos]].decode().lower())
        pos += 1 + query[pos]
    qname, qtype = ".".join(labels), struct.unpack(">H", query[pos + 1:pos + 3])[0]
    with LOG_LOCK:
        print("Q %s %s %s %d" % (proto, "rd" if rd else "nord", qname, qtype), flush=True)
    question = query[12:pos + 5]
    rcode, tc, authority = 0, False, []
    msg = Message(b"", question)
    q_at = 12
    if qname != ZONE and not qname.endswith("." + ZONE):
        rcode = 5
    elif qname == "_vlmcs._tcp.tc." + ZONE:
        tc = True
    elif qname == ZONE and qtype == SOA:
        msg.rr(ptr(q_at), SOA, soa_rdata())
    elif qname == ZONE and qtype == NS:
        for i in range(1, 301):
            msg.rr(ptr(q_at), NS, bytes([len("ns%d" % i)]) + b"ns%d" % i + ptr(q_at))
    elif qname.startswith("ns") and qname.endswith("." + ZONE) and qname.count(".") == 2 and qtype == A:
        msg.rr(ptr(q_at), A, socket.inet_aton(ADDR))
    elif qname == "_vlmcs._tcp.chain." + ZONE and qtype == SRV:
        msg.rr(ptr(q_at), SRV, srv_rdata(0, "t.chain." + ZONE))
    elif qname == "t.chain." + ZONE and qtype in (A, AAAA):
        chain(msg, qname, 2000, "c", qtype)
    elif qname in ("_vlmcs._tcp.many." + ZONE, "_vlmcs._tcp.many2." + ZONE) and qtype == SRV:
        target = "one." + qname.split(".")[2] + "." + ZONE
        for i in range(1, 1771):  # SRV targets are not compressed (RFC 2782)
            msg.rr(ptr(q_at), SRV, srv_rdata(i, target))
    elif qname == "one.many." + ZONE and qtype in (A, AAAA):
        chain(msg, qname, 100, "m", qtype)
    elif qname == "one.many2." + ZONE and qtype in (A, AAAA):
        chain(msg, qname, 2000, "n", qtype)
    elif qname == "_vlmcs._tcp.wide." + ZONE and qtype == SRV:
        for i in range(1, 1001):
            msg.rr(ptr(q_at), SRV, srv_rdata(i, "k%d.wide.%s" % (i, ZONE)))
    elif qname.startswith("k") and qname.endswith(".wide." + ZONE) and qtype == A:
        msg.rr(ptr(q_at), A, socket.inet_aton(ADDR))
    elif qname == "_vlmcs._tcp.badlen." + ZONE and qtype == SRV:
        msg.rr(ptr(q_at), SRV, srv_rdata(0, "bad.badlen." + ZONE))
    elif qname == "bad.badlen." + ZONE and qtype == A:
        msg.rr(ptr(q_at), A, b"\x7f\x00\x00", 3)
    elif qname in ("chain." + ZONE, "many." + ZONE, "many2." + ZONE, "wide." + ZONE,
                   "tc." + ZONE, "badlen." + ZONE) or qtype in (A, AAAA):
        authority = [soa_rdata()]   # NODATA
    else:
        rcode, authority = 3, [soa_rdata()]
    answers = msg.count
    for rdata in authority:
        msg.rr(wire(ZONE), SOA, rdata)
    body = bytes(msg.data)
    if proto == "udp" and len(body) + 12 > 512:
        tc, body, answers, authority = True, question, 0, []
    aa = 0x0400 if rcode != 5 else 0
    head = qid + struct.pack(">HHHHH", 0x8000 | aa | (0x0200 if tc else 0) | rd | 0x0080 | rcode,
                             1, answers, len(authority), 0)
    return head + body


def tcp_one(conn):
    try:
        while True:
            prefix = conn.recv(2)
            if len(prefix) < 2:
                break
            size = struct.unpack(">H", prefix)[0]
            query = b""
            while len(query) < size:
                chunk = conn.recv(size - len(query))
                if not chunk:
                    return
                query += chunk
            reply = answer(query, "tcp")
            conn.sendall(struct.pack(">H", len(reply)) + reply)
    except (OSError, IndexError, UnicodeDecodeError, struct.error):
        pass
    finally:
        conn.close()


def tcp_loop(listener):
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=tcp_one, args=(conn,), daemon=True).start()


def main():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((ADDR, PORT))
    listener.listen(64)
    threading.Thread(target=tcp_loop, args=(listener,), daemon=True).start()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((ADDR, PORT))
    print("serving", flush=True)
    while True:
        query, client = udp.recvfrom(4096)
        try:
            udp.sendto(answer(query, "udp"), client)
        except (IndexError, UnicodeDecodeError, struct.error):
            pass


if __name__ == "__main__":
    main()
