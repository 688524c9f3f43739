#!/usr/bin/env python3
"""A scripted, hostile DNS server for the publisher's tests (TCP only).

Usage: hostile_dns.py PORT  -- listens on 127.0.0.1:PORT until SIGTERM.

Every zone is the last two labels of the question; its SOA is served for
any SOA question. The first label of the zone picks how the server answers
the other questions (SRV at _vlmcs._tcp.ZONE, TXT at _kmsdns.ZONE, A/AAAA):

  owner     SRV answer owned by _vlmcs._tcp.elsewhere.test
  cname     a CNAME to _vlmcs._tcp.elsewhere.test, then SRV there
  question  the question section names another owner
  tc        TC set, empty answer (NODATA-looking)
  servfail  SERVFAIL to SRV
  marker    empty SRV answer, SERVFAIL to the marker TXT
  odd       another host's SRV target a"b\\c, plus ours (kms1.example.test)
  refused   REFUSED to A/AAAA (for the address job)
  pdns      UPDATEs answered REFUSED without a TSIG (as PowerDNS answers a
            key it does not know or cannot verify)
  module    the kmsdns marker TXT; UPDATEs answered NOTAUTH (a module zone
            named does not take UPDATEs for yet)
  Other UPDATE messages are answered NOERROR and change nothing.
"""
import signal
import socket
import socketserver
import struct
import sys

TYPE_A, TYPE_SOA, TYPE_CNAME, TYPE_TXT, TYPE_SRV = 1, 6, 5, 16, 33
UPDATE_RCODES = {"pdns": 5, "module": 9}


def name_wire(labels):
    out = b""
    for label in labels:
        out += bytes([len(label)]) + label
    return out + b"\0"


def labels_of(text):
    return [l.encode("latin-1") for l in text.split(".") if l]


def parse_question(msg):
    pos, labels = 12, []
    while msg[pos]:
        n = msg[pos]
        labels.append(msg[pos + 1:pos + 1 + n])
        pos += 1 + n
    qtype, qclass = struct.unpack("!HH", msg[pos + 1:pos + 5])
    return labels, qtype, qclass


def rr(owner_labels, rtype, ttl, rdata):
    return name_wire(owner_labels) + struct.pack("!HHIH", rtype, 1, ttl,
                                                 len(rdata)) + rdata


def srv(owner_labels, prio, weight, port, target_labels, ttl=300):
    return rr(owner_labels, TYPE_SRV, ttl,
              struct.pack("!HHH", prio, weight, port) + name_wire(target_labels))


def soa(zone_labels):
    rdata = (name_wire([b"ns1"] + zone_labels) +
             name_wire([b"hostmaster"] + zone_labels) +
             struct.pack("!IIIII", 1, 3600, 600, 86400, 300))
    return rr(zone_labels, TYPE_SOA, 300, rdata)


def answer(msg):
    qid, flags = struct.unpack("!HH", msg[:4])
    opcode = (flags >> 11) & 0xF
    labels, qtype, qclass = parse_question(msg)
    qsection = name_wire(labels) + struct.pack("!HH", qtype, qclass)
    zone = labels[-2:]
    mode = zone[0].decode("latin-1") if zone else ""
    rcode, tc, ans, auth = 0, 0, [], []
    if opcode == 5:  # UPDATE: change nothing, answer unsigned
        return struct.pack("!HHHHHH", qid, 0x8000 | (5 << 11) |
                           UPDATE_RCODES.get(mode, 0), 0, 0, 0, 0)
    if qtype == TYPE_SOA:
        if labels == zone:
            ans.append(soa(zone))
        else:
            auth.append(soa(zone))
    elif qtype == TYPE_SRV:
        srv_owner = labels
        ours = labels_of("kms1.example.test")
        if mode == "owner":
            ans.append(srv(labels_of("_vlmcs._tcp.elsewhere.test"), 0, 0, 1688, ours))
        elif mode == "cname":
            other = labels_of("_vlmcs._tcp.elsewhere.test")
            ans.append(rr(srv_owner, TYPE_CNAME, 300, name_wire(other)))
            ans.append(srv(other, 0, 0, 1688, ours))
        elif mode == "question":
            qsection = (name_wire(labels_of("_vlmcs._tcp.elsewhere.test")) +
                        struct.pack("!HH", qtype, qclass))
            ans.append(srv(labels_of("_vlmcs._tcp.elsewhere.test"), 0, 0, 1688, ours))
        elif mode == "tc":
            tc = 1
        elif mode == "servfail":
            rcode = 2
        elif mode == "odd":
            ans.append(srv(srv_owner, 0, 10, 1688, [b'a"b\\c', b"example", b"test"]))
            ans.append(srv(srv_owner, 0, 0, 1688, ours))
    elif qtype == TYPE_TXT and mode == "marker":
        rcode = 2
    elif qtype == TYPE_TXT and mode == "module":
        ans.append(rr(labels, TYPE_TXT, 300, b"\x09v=kmsdns1"))
    elif qtype in (TYPE_A, 28) and mode == "refused":
        rcode = 5
    flags = 0x8000 | 0x0400 | (tc << 9) | rcode
    head = struct.pack("!HHHHHH", qid, flags, 1, len(ans), len(auth), 0)
    return head + qsection + b"".join(ans) + b"".join(auth)


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        sock.settimeout(10)
        try:
            while True:
                head = sock.recv(2, socket.MSG_WAITALL)
                if len(head) < 2:
                    return
                (length,) = struct.unpack("!H", head)
                msg = sock.recv(length, socket.MSG_WAITALL)
                reply = answer(msg)
                sock.sendall(struct.pack("!H", len(reply)) + reply)
        except (OSError, ValueError, IndexError, struct.error):
            return


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    server = Server(("127.0.0.1", int(sys.argv[1])), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("listening", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
