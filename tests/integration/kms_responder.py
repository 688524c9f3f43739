#!/usr/bin/env python3
"""A stand-in for what listens on a KMS host's TCP port, for the tests.

No Windows KMS host can run on this machine, so this small responder
answers a DCE/RPC bind as shared/reference/kms-rpc.md describes (written
from those protocol facts only). It never reads or answers an activation
request.

usage: kms_responder.py ADDR PORT MODE
       kms_responder.py ADDR FIRST:COUNT:STEP MODE   (COUNT ports FIRST,
                                                     FIRST+STEP, ...)
  kms     bind_ack accepting the context when the bind offers the KMS
          interface 51c82175-844e-4750-b0d8-ec255555bc06, else rejecting
          it (result 2, reason 1: abstract syntax not supported)
  reject  bind_ack rejecting every context (an RPC server without KMS)
  nak     bind_nak
  http    an HTTP server: answers "HTTP/1.1 400 Bad Request"
  close   accepts and closes at once
Prints "listening" once it listens; runs until killed.
"""
import selectors
import socket
import struct
import sys
import threading

KMS_UUID = bytes.fromhex("7521c8514e845047b0d8ec255555bc06")
NDR = bytes.fromhex("045d888aeb1cc9119fe808002b104860") + struct.pack("<I", 2)


def read_bind(conn):
    """The bind PDU the client sent, or None."""
    data = b""
    while len(data) < 16:
        chunk = conn.recv(1024)
        if not chunk:
            return None
        data += chunk
    frag = struct.unpack("<H", data[8:10])[0]
    while len(data) < frag:
        chunk = conn.recv(1024)
        if not chunk:
            return None
        data += chunk
    return data


def header(ptype, call_id, body):
    return struct.pack("<BBBB4sHHI", 5, 0, ptype, 3, b"\x10\0\0\0",
                       16 + len(body), 0, call_id) + body


def bind_ack(call_id, port, accept):
    secondary = str(port).encode() + b"\0"
    body = struct.pack("<HHIH", 5840, 5840, 0x1234, len(secondary)) + secondary
    while (16 + len(body)) % 4:
        body += b"\0"
    body += struct.pack("<B3x", 1)
    if accept:
        body += struct.pack("<HH", 0, 0) + NDR
    else:
        body += struct.pack("<HH", 2, 1) + b"\0" * 20
    return header(12, call_id, body)


def serve(conn, mode, port):
    try:
        if mode == "close":
            return
        if mode == "http":
            conn.recv(1024)
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            return
        bind = read_bind(conn)
        if bind is None or bind[2] != 11:
            return
        call_id = struct.unpack("<I", bind[12:16])[0]
        if mode == "nak":
            conn.sendall(header(13, call_id, struct.pack("<HB", 0, 0)))
        else:
            offers_kms = bind[32:48] == KMS_UUID
            conn.sendall(bind_ack(call_id, port, mode == "kms" and offers_kms))
        conn.recv(1024)  # until the client hangs up
    except OSError:
        pass
    finally:
        conn.close()


def main():
    addr, ports, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    if ":" in ports:
        first, count, step = (int(x) for x in ports.split(":"))
        ports = [first + i * step for i in range(count)]
    else:
        ports = [int(ports)]
    sel = selectors.DefaultSelector()
    for port in ports:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((addr, port))
        listener.listen(64)
        sel.register(listener, selectors.EVENT_READ, port)
    print("listening", flush=True)
    while True:
        for key, _ in sel.select():
            try:
                conn, _ = key.fileobj.accept()
            except OSError:
                continue
            threading.Thread(target=serve, args=(conn, mode, key.data), daemon=True).start()


if __name__ == "__main__":
    main()
