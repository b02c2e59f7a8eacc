#!/usr/bin/env python3
"""Send crafted ilb cluster messages (Documentation/cluster-protocol.rst).

clmsg.py DST PORT KIND [COUNT]: sends COUNT (default 1) datagrams of KIND
to DST:PORT and prints how many were sent. Kinds:
  garbage      3 bytes
  version      a hello with version 2
  foreign      a valid hello from cluster 99
  spoof        a valid hello whose addr field is not its source
  sync-nonmember, ack-nonmember, fwd-nonmember
               valid messages of cluster 1 from member ID 77, never heard
  sync-count0  a sync message with no record
  random       random bytes, 1..200 long (seeded: reproducible)
"""
import random
import socket
import struct
import sys
import time


def hdr(mtype, cluster=1, sender=77, epoch=1, version=1):
    return struct.pack("!BBBBIII", version, mtype, 0, 0, cluster, sender,
                       epoch)


def hello(addr, cluster=1, sender=77, version=1):
    body = struct.pack("!4sHBBHHIHHII", socket.inet_aton(addr), 1, 0, 0,
                       100, 300, 0, 1, 0, 0x1234567, 1)
    return hdr(1, cluster, sender, version=version) + body


def rec():
    return struct.pack("!BBBB4s4s4sHHHHII", 1, 6, 1, 1,
                       socket.inet_aton("198.18.1.101"),
                       socket.inet_aton("198.51.100.1"),
                       socket.inet_aton("198.18.3.101"),
                       40000, 80, 80, 0, 77, 0)


def main():
    dst, port, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    me = sys.argv[5] if len(sys.argv) > 5 else "198.18.4.99"
    rnd = random.Random(42)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sent = 0
    for i in range(count):
        if kind == "garbage":
            m = b"\x01\x01\x00"
        elif kind == "version":
            m = hello(me, version=2)
        elif kind == "foreign":
            m = hello(me, cluster=99)
        elif kind == "spoof":
            m = hello("198.18.4.2")
        elif kind == "sync-nonmember":
            m = hdr(2) + struct.pack("!IIHH", 5, 1, 1, 0) + rec()
        elif kind == "ack-nonmember":
            m = hdr(3) + struct.pack("!II", 5, 1)
        elif kind == "fwd-nonmember":
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 1, 0, 64, 6, 0,
                             socket.inet_aton("198.18.1.101"),
                             socket.inet_aton("198.51.100.1"))
            m = hdr(4) + ip + bytes(20)
        elif kind == "sync-count0":
            m = hdr(2) + struct.pack("!IIHH", 5, 1, 0, 0)
        elif kind == "random":
            m = bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 200)))
        else:
            sys.exit("unknown kind " + kind)
        s.sendto(m, (dst, port))
        sent += 1
        if i % 20 == 19:
            time.sleep(0.01)	# no burst: every datagram must arrive
    print(sent)


if __name__ == "__main__":
    main()
