#!/usr/bin/env python3
"""Open long-lived HTTP connections in paced batches and hold them open.

  hold.py [options] HOST PORT N

Opens N TCP connections to HOST:PORT, BATCH at a time (the SYNs of a batch
race), waiting GAP seconds between batches. Each connection GETs / with
HTTP/1.1 keep-alive and reads the answer (the servers of ilb's tests
answer with their name), then stays open, idle. A connection that is not
answered within TIMEOUT seconds counts as refused.

Once every batch is done, writes a JSON object to OUT (or stdout):
  {"ok": n, "refused": n, "by_body": {body: count}, "order": [body|null...]}
then holds the answered connections open until killed (SIGTERM), or for
HOLD seconds, and closes them.
"""
import argparse
import json
import os
import selectors
import signal
import socket
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("n", type=int)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--gap", type=float, default=0.0)
    p.add_argument("--timeout", type=float, default=3.0)
    p.add_argument("--hold", type=float, default=600.0)
    p.add_argument("--out")
    return p.parse_args()


def response_body(buf):
    """The body of a complete HTTP response in buf, or None if not yet."""
    head, sep, rest = buf.partition(b"\r\n\r\n")
    if not sep:
        return None
    length = None
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v.strip())
    if length is None or len(rest) < length:
        return None
    return rest[:length].decode(errors="replace").strip()


def batch(host, port, n, timeout):
    """n racing connections: [(socket, body)], body None if refused."""
    sel = selectors.DefaultSelector()
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex((host, port))
        sel.register(s, selectors.EVENT_WRITE)
        socks.append(s)
    buf = {s: b"" for s in socks}
    body = {}
    deadline = time.monotonic() + timeout
    while len(body) < n:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        for key, ev in sel.select(timeout=left):
            s = key.fileobj
            if ev & selectors.EVENT_WRITE:
                if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                    body[s] = None
                    sel.unregister(s)
                    continue
                s.send(b"GET / HTTP/1.1\r\nHost: ilb\r\n\r\n")
                sel.modify(s, selectors.EVENT_READ)
                continue
            try:
                chunk = s.recv(65536)
            except OSError:
                chunk = b""
            if not chunk:
                body[s] = None
                sel.unregister(s)
                continue
            buf[s] += chunk
            b = response_body(buf[s])
            if b is not None:
                body[s] = b
                sel.unregister(s)
    sel.close()
    out = []
    for s in socks:
        b = body.get(s)
        if b is None:
            s.close()
        out.append((s, b))
    return out


def main():
    a = parse_args()
    held, order = [], []
    left = a.n
    while left > 0:
        k = min(a.batch, left)
        for s, b in batch(a.host, a.port, k, a.timeout):
            order.append(b)
            if b is not None:
                held.append(s)
        left -= k
        if left > 0 and a.gap > 0:
            time.sleep(a.gap)
    by_body = {}
    for b in order:
        if b is not None:
            by_body[b] = by_body.get(b, 0) + 1
    res = json.dumps({"ok": len(held), "refused": order.count(None),
                      "by_body": by_body, "order": order})
    if a.out:
        tmp = a.out + ".tmp"
        with open(tmp, "w") as f:
            f.write(res + "\n")
        os.rename(tmp, a.out)
    else:
        print(res, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        time.sleep(a.hold)
    finally:
        for s in held:
            s.close()


if __name__ == "__main__":
    main()
