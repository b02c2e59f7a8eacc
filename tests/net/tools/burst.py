#!/usr/bin/env python3
"""N simultaneous first connections: ilb's persistence tests.

  burst.py HOST PORT N [SRC...]

Opens N TCP connections to HOST:PORT at once, from the source addresses
SRC (in turn; default: the route's), each with its own ephemeral port:
every socket connects before any request is sent, so the SYNs race. Then
GETs / on each and prints a JSON object
{"ok": n, "fail": n, "by_body": {body: count}, "errors": [...]}.
"""
import json
import selectors
import socket
import sys
import time


def main():
    host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    srcs = sys.argv[4:] or [None]
    sel = selectors.DefaultSelector()
    socks, errors = [], []
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        src = srcs[i % len(srcs)]
        if src:
            s.bind((src, 0))
        s.setblocking(False)
        socks.append(s)
    # every SYN before any request
    for s in socks:
        s.connect_ex((host, port))
    for s in socks:
        sel.register(s, selectors.EVENT_WRITE)
    state = {s: b"" for s in socks}
    sent = set()
    done = {}
    deadline = time.monotonic() + 30
    while len(done) < n and time.monotonic() < deadline:
        for key, ev in sel.select(timeout=1):
            s = key.fileobj
            if s not in sent:
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    done[s] = None
                    errors.append("connect: %s" % err)
                    sel.unregister(s)
                    continue
                s.send(b"GET / HTTP/1.0\r\nHost: ilb\r\n\r\n")
                sent.add(s)
                sel.modify(s, selectors.EVENT_READ)
                continue
            try:
                chunk = s.recv(65536)
            except OSError as e:
                done[s] = None
                errors.append("recv: %s" % e)
                sel.unregister(s)
                continue
            if chunk:
                state[s] += chunk
                continue
            sel.unregister(s)
            head, _, body = state[s].partition(b"\r\n\r\n")
            ok = head.startswith(b"HTTP/1.") and b" 200 " in head[:16]
            done[s] = body.decode(errors="replace").strip() if ok else None
            if not ok:
                errors.append("reply: %r" % head[:40])
    out = {"ok": 0, "fail": 0, "by_body": {}, "errors": errors[:5]}
    for s in socks:
        b = done.get(s)
        if b is None:
            out["fail"] += 1
        else:
            out["ok"] += 1
            out["by_body"][b] = out["by_body"].get(b, 0) + 1
        s.close()
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
