#!/usr/bin/env python3
"""Replay captured ilb cluster traffic (wire version 2).

clreplay.py list PCAP
    one line per captured cluster datagram: index, seconds from the first,
    source, destination, and the message (clwire.describe)
clreplay.py replay PCAP [--members A,B,...]
    resend every captured datagram, unchanged, with its genuine IP source
    and destination and TTL 255, from a raw socket (IP_HDRINCL): heartbeats
    to the group too, out of --dev (raw sends of multicast leave by the
    bound device)
clreplay.py flip PCAP [--max N] [--bit] [--members A,B,...]
    take up to N (10) captured messages, as many of each type as there are
    types (hello, sync, ack, fwd), and send each once for every byte of its
    UDP payload, that byte flipped (xor 0xff; --bit: its low bit only),
    from the genuine source to the genuine destination

PCAP is the classic libpcap format that `tcpdump -w` writes (either byte
order, micro- or nanosecond stamps), link type Ethernet (1), Linux cooked
(113) or Linux cooked v2 (276). IPv4 fragments are put back together.
Only UDP datagrams to --port (7219) are taken.

replay and flip print one JSON object: "sent", the datagrams sent, and "to",
per receiver in --members, how many of them it should get: those sent to
its address and those sent to the group (a node never gets those with its
own address as source: the kernel drops them as martians); and "by_type".
"""
import argparse
import json
import socket
import struct
import sys

import clwire as w


def pcap_records(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise ValueError("%s: not a pcap file" % path)
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        raise ValueError("%s: not a classic pcap file (magic %s)" %
                         (path, magic.hex()))
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    linktype = struct.unpack(e + "I", data[20:24])[0] & 0x0fffffff
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        pkt = data[off:off + incl]
        off += incl
        yield sec + frac / (1e9 if nano else 1e6), linktype, pkt


def l3(linktype, pkt):
    """The IPv4 packet of a captured frame, or None."""
    if linktype == 1:
        if len(pkt) < 14:
            return None
        et, o = struct.unpack("!H", pkt[12:14])[0], 14
        while et in (0x8100, 0x88a8) and len(pkt) >= o + 4:
            et, o = struct.unpack("!H", pkt[o + 2:o + 4])[0], o + 4
    elif linktype == 113:
        if len(pkt) < 16:
            return None
        et, o = struct.unpack("!H", pkt[14:16])[0], 16
    elif linktype == 276:
        if len(pkt) < 20:
            return None
        et, o = struct.unpack("!H", pkt[0:2])[0], 20
    else:
        raise ValueError("link type %d not supported" % linktype)
    return pkt[o:] if et == 0x0800 else None


def datagrams(path, port):
    """(time, src, dst, udp payload) of every UDP datagram to @port."""
    frags = {}
    for t, lt, pkt in pcap_records(path):
        ip = l3(lt, pkt)
        if not ip or len(ip) < 20 or ip[0] >> 4 != 4:
            continue
        ihl = (ip[0] & 15) * 4
        tot = struct.unpack("!H", ip[2:4])[0]
        ip = ip[:tot]
        if ip[9] != 17 or len(ip) < ihl:
            continue
        ident, fo = struct.unpack("!HH", ip[4:8])
        src, dst = socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20])
        payload = ip[ihl:]
        if fo & 0x3fff:
            k = (src, dst, ident)
            parts = frags.setdefault(k, {})
            parts[(fo & 0x1fff) * 8] = (payload, bool(fo & 0x2000))
            whole, o = b"", 0
            while o in parts:
                p, more = parts[o]
                whole += p
                o += len(p)
                if not more:
                    break
            else:
                continue
            if more:
                continue
            del frags[k]
            payload = whole
        if len(payload) < 8:
            continue
        _sport, dport, ulen = struct.unpack("!HHH", payload[:6])
        if dport != port:
            continue
        yield t, src, dst, payload[8:ulen]


def receivers(src, dst, members):
    if dst == w.GROUP:
        return [m for m in members if m != src]
    return [dst] if dst in members and dst != src else []


def pick(msgs, n):
    """Up to @n messages, the types taking turns (hello, sync, ack, fwd)."""
    by = {}
    for m in msgs:
        by.setdefault(m[3][1] if len(m[3]) > 1 else 0, []).append(m)
    order = [t for t in (w.HELLO, w.SYNC, w.ACK, w.FWD) if by.get(t)]
    out, i = [], 0
    while len(out) < n and any(i < len(by[t]) for t in order):
        for t in order:
            if i < len(by[t]) and len(out) < n:
                out.append(by[t][i])
        i += 1
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=("list", "replay", "flip"))
    p.add_argument("pcap")
    p.add_argument("--port", type=int, default=w.PORT)
    p.add_argument("--dev", default="eth0")
    p.add_argument("--members", default="198.18.4.1,198.18.4.2,198.18.4.3")
    p.add_argument("--max", type=int, default=10)
    p.add_argument("--bit", action="store_true")
    p.add_argument("--ttl", type=int, default=255)
    a = p.parse_args()
    msgs = list(datagrams(a.pcap, a.port))
    members = [m for m in a.members.split(",") if m]
    if a.mode == "list":
        t0 = msgs[0][0] if msgs else 0
        for i, (t, src, dst, m) in enumerate(msgs):
            print("%d %.6f %s %s %s" % (i, t - t0, src, dst, w.describe(m)))
        return
    tx = w.RawSender(a.dev)
    to = {m: 0 for m in members}
    by_type = {}
    sent = 0

    def send(src, dst, m, orig):
        nonlocal sent
        tx.send(src, dst, m, ttl=a.ttl, dport=a.port)
        for r in receivers(src, dst, members):
            to[r] += 1
        t = w.TYPE_NAMES.get(orig[1], "other") if len(orig) > 1 else "other"
        by_type[t] = by_type.get(t, 0) + 1
        w.pace(sent)
        sent += 1

    chosen = []
    if a.mode == "replay":
        for _t, src, dst, m in msgs:
            send(src, dst, m, m)
    else:
        chosen = pick(msgs, a.max)
        for _t, src, dst, m in chosen:
            for i in range(len(m)):
                b = bytearray(m)
                b[i] ^= 0x01 if a.bit else 0xff
                send(src, dst, bytes(b), m)
    out = {"captured": len(msgs), "sent": sent, "to": to, "by_type": by_type}
    if chosen:
        out["messages"] = ["%s>%s %s" % (s, d, w.describe(m))
                           for _t, s, d, m in chosen]
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
