#!/usr/bin/env python3
# udpround.py VIP PORT NFLOWS BASEPORT: one datagram from each of NFLOWS
# client ports (BASEPORT, BASEPORT+1, ...) to VIP:PORT, each with its own
# payload; waits up to 30 s for the answers and prints
# {"sent": N, "echoed": N, "bad": N, "by_port": {"PORT": "NAME", ...}}.
# An answer is the payload itself, or the payload, a space and the name of
# the server that answered (udpname.py), which by_port records.
import json
import os
import select
import socket
import sys
import time

vip, port, n, base = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
socks, want = {}, {}
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", base + i))
    s.setblocking(False)
    payload = b"flow %d " % (base + i) + os.urandom(32).hex().encode()
    s.sendto(payload, (vip, port))
    socks[s.fileno()] = s
    want[s.fileno()] = payload
echoed = bad = 0
by_port = {}
pending = set(socks)
end = time.monotonic() + 30
while pending and time.monotonic() < end:
    r, _, _ = select.select([socks[f] for f in pending], [], [], 0.5)
    for s in r:
        data = s.recv(2048)
        p = want[s.fileno()]
        if data == p:
            echoed += 1
        elif data.startswith(p + b" "):
            echoed += 1
            by_port[str(s.getsockname()[1])] = data[len(p) + 1:].decode()
        else:
            bad += 1
        pending.discard(s.fileno())
for s in socks.values():
    s.close()
print(json.dumps({"sent": n, "echoed": echoed, "bad": bad, "by_port": by_port}))
