#!/usr/bin/env python3
"""Tiny HTTP client for ilb's tests: one new TCP connection per request.

  httpc.py HOST PORT N [PATH]      GET PATH N times; print a JSON object
                                   {"ok": n, "fail": n, "by_body": {body: count}}
  httpc.py --sha HOST PORT PATH    GET PATH once; print the sha256 of the body
"""
import hashlib
import http.client
import json
import sys


def get(host, port, path):
    c = http.client.HTTPConnection(host, int(port), timeout=20)
    try:
        c.request("GET", path, headers={"Connection": "close"})
        r = c.getresponse()
        body = r.read()
        return r.status, body
    finally:
        c.close()


def main():
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
