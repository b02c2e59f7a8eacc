#!/usr/bin/env python3
# udpround.py VIP PORT NFLOWS BASEPORT: one datagram from each of NFLOWS
# client ports (BASEPORT, BASEPORT+1, ...) to VIP:PORT, each with its own
# payload; waits up to 10 s for the echoes and prints
# {"sent": N, "echoed": N, "bad": N} (bad: an echo that differs).
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
pending = set(socks)
end = time.monotonic() + 10
while pending and time.monotonic() < end:
    r, _, _ = select.select([socks[f] for f in pending], [], [], 0.5)
    for s in r:
        data = s.recv(2048)
        if data == want[s.fileno()]:
            echoed += 1
        else:
            bad += 1
        pending.discard(s.fileno())
for s in socks.values():
    s.close()
print(json.dumps({"sent": n, "echoed": echoed, "bad": bad}))
