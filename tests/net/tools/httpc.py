#!/usr/bin/env python3
"""Tiny HTTP client for ilb's tests: one new TCP connection per request.

  httpc.py HOST PORT N [PATH]      GET PATH N times; print a JSON object
                                   {"ok": n, "fail": n, "by_body": {body: count}}
  httpc.py --sha HOST PORT PATH    GET PATH once; print the sha256 of the body
  httpc.py --ports FIRST N HOST PORT
                                   one GET from each source port FIRST..FIRST+N-1;
                                   print {"port": body} as JSON
"""
import hashlib
import http.client
import json
import socket
import struct
import sys


def get(host, port, path, sport=None):
    src = ("0.0.0.0", sport) if sport else None
    c = http.client.HTTPConnection(host, int(port), timeout=20,
                                   source_address=src)
    try:
        if sport:
            # close with RST: no TIME_WAIT keeps the port from a next round
            c.connect()
            c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                              struct.pack("ii", 1, 0))
        c.request("GET", path, headers={"Connection": "close"})
        r = c.getresponse()
        body = r.read()
        return r.status, body
    finally:
        c.close()


def main():
    if sys.argv[1] == "--ports":
        first, n = int(sys.argv[2]), int(sys.argv[3])
        out = {}
        for p in range(first, first + n):
            try:
                status, body = get(sys.argv[4], sys.argv[5], "/", p)
                out[str(p)] = body.decode(errors="replace").strip()
            except OSError as e:
                out[str(p)] = "error: %s" % e
        print(json.dumps(out, sort_keys=True))
        return
    if sys.argv[1] == "--sha":
        status, body = get(sys.argv[2], sys.argv[3], sys.argv[4])
        if status != 200:
            sys.exit("HTTP status %d" % status)
        print(hashlib.sha256(body).hexdigest())
        return
    host, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    path = sys.argv[4] if len(sys.argv) > 4 else "/"
    res = {"ok": 0, "fail": 0, "by_body": {}}
    for _ in range(n):
        try:
            status, body = get(host, port, path)
        except OSError as e:
            res["fail"] += 1
            res.setdefault("errors", []).append(str(e))
            continue
        if status != 200:
            res["fail"] += 1
            continue
        res["ok"] += 1
        key = body.decode(errors="replace").strip()
        res["by_body"][key] = res["by_body"].get(key, 0) + 1
    print(json.dumps(res, sort_keys=True))


if __name__ == "__main__":
    main()
