#!/usr/bin/env python3
"""Send crafted ilb cluster messages, wire version 2 (kmod/wire.h).

clmsg.py [options] DST PORT KIND [COUNT] [ME]

sends COUNT (default 1) datagrams of KIND to DST:PORT and prints how many
were sent. ME (default 198.18.4.99, or the address of --from-hello) is the
address a hello claims in its ADDR record, the sender's own. Messages leave with TTL 255 (--ttl), as
members send them (GTSM), from an ordinary UDP socket, or with --src from a
raw socket (IP_HDRINCL) with that spoofed source address.

Options:
  --key FILE         the cluster key (base64, as `ilbadm cluster genkey`):
                     messages are tagged with it unless KIND says otherwise
  --src ADDR         spoofed IP source (raw socket; --dev for multicast)
  --dev IFNAME       the interface of raw sends and of --from-hello (eth0)
  --ttl N            IP TTL (default 255)
  --sender N, --incarnation N, --seq N, --epoch N, --cluster N
                     header fields (sender 77, incarnation 1, seq 1 then +1
                     per datagram, epoch 1, cluster 1)
  --receiver N       the member ID of the receiver, which the tag of every
                     message but a hello covers (0)
  --from-hello ADDR  first hear a hello that ADDR sends to the group and take
                     its sender, incarnation, epoch and seq (+1000) as the
                     header (forging as that member)
  --msg TYPE         hello|sync|ack|fwd: the message of untagged, badtag,
                     wrongkey, otherkey, lowttl, notforus, valid (hello)
  --weight N         weight of hellos (1)
  --session N, --sync-seq N
                     session and seq of sync messages (5, 1); their one
                     record is a connection of 198.18.1.101:40000 to
                     198.51.100.1:80 owned by the sender
  --recs KIND        the sync's one record: conn (that connection),
                     persist (198.18.1.0/24 to 198.18.3.101, kept by the
                     sender), count (the sender holds 2^24 connections to
                     198.18.3.101:80, both active and inactive: the cap),
                     count-over (one above the cap)
  --seed N           of the random generator (42: reproducible)
  --key-id           print the id of --key and exit
  --same-id-key      print a random key (base64) with the id of --key, exit
  --dump             print each message in hex instead of sending it

Kinds, and the counter each one hits on a keyed receiver (the order of the
receiver's checks is in kmod/cl_socket.c):
  garbage         3 bytes                                        bad_msg
  version         a version 1 hello                              bad_msg
  short           a version 2 header cut at 20 bytes             bad_msg
  flags           a hello with a header flag set                 bad_msg
  sync-empty      a tagged sync with no record: from a known sender
                  (--sender, --incarnation above the known one,
                  --receiver the receiver's ID)                  bad_msg
  hello-badfield  a tagged hello, hello_ms 0                     bad_msg
  foreign         a tagged hello of cluster 99                   foreign
  self            a tagged hello from the receiver's own ID
                  (--sender)                                     foreign
  spoof           a tagged hello whose ADDR is not its source    foreign
  heavy           a tagged hello with weight 65535 (receiver's
                  max-weight below it)                           foreign
  sync-nonmember, ack-nonmember, fwd-nonmember
                  tagged messages from an ID never heard         foreign
  untagged        a well-formed untagged message (--msg)         unknown_key
  otherkey        tagged with a random key of another id         unknown_key
  badtag          the key's id, a random tag                     mac_fail
  wrongkey        the key's id, tagged with a random other key   mac_fail
  lowttl          a valid tagged message, TTL 64 (--ttl)         ttl
  notforus        a valid tagged message to the broadcast address of
                  DST's /24 (not the receiver's cluster address: every
                  node of the link counts it)                    not_for_us
  replay          with --from-hello: that hello itself, resent   replay
  stale           with --from-hello: it with incarnation - 1,
                  tagged again                                   stale_incarnation
  leave-newer     with --from-hello: LEAVING, incarnation + 1,
                  tagged again                                   stale_incarnation
  valid           a valid tagged message (--msg)
  random          random bytes, 1..200 long (seeded: reproducible)
"""
import argparse
import random
import socket
import struct
import sys

import clwire as w


def v1_hello(addr):
    """A hello of wire version 1 (16-byte header, no tag)."""
    hdr = struct.pack("!BBBBIII", 1, 1, 0, 0, 1, 77, 1)
    body = struct.pack("!4sHBBHHIHHII", socket.inet_aton(addr), 1, 0, 0,
                       100, 300, 0, 1, 0, 0x1234567, 1)
    return hdr + body


def body_of(mtype, me, a, **kw):
    if mtype == w.HELLO:
        return w.hello_body(me, weight=kw.get("weight", a.weight),
                            hello_ms=kw.get("hello_ms", 100),
                            flags=kw.get("flags", 0))
    if mtype == w.SYNC:
        sender = kw.get("sender", a.sender)
        recs = {
            # c1's connection to the VIP, owned by the sender
            "conn": lambda: w.conn_rec(primary=sender),
            # 198.18.1.0/24 to the first server, kept by the sender
            "persist": lambda: w.persist_rec(primary=sender),
            # the sender's connections to the first server: the cap
            "count": lambda: w.count_rec(),
            # one more than the cap: a field out of range
            "count-over": lambda: w.count_rec(active=(1 << 24) + 1),
        }[a.recs]()
        return w.sync_body(a.session, a.sync_seq, recs)
    if mtype == w.ACK:
        return w.ack_body()
    return w.fwd_body()


def parse_args():
    p = argparse.ArgumentParser(usage="%(prog)s [options] DST PORT KIND "
                                "[COUNT] [ME]")
    p.add_argument("dst", nargs="?")
    p.add_argument("port", nargs="?", type=int)
    p.add_argument("kind", nargs="?")
    p.add_argument("count", nargs="?", type=int, default=1)
    p.add_argument("me", nargs="?")
    p.add_argument("--key")
    p.add_argument("--src")
    p.add_argument("--dev", default="eth0")
    p.add_argument("--ttl", type=int, default=255)
    p.add_argument("--sender", type=int, default=77)
    p.add_argument("--incarnation", type=int, default=1)
    p.add_argument("--seq", type=int, default=1)
    p.add_argument("--epoch", type=int, default=1)
    p.add_argument("--cluster", type=int, default=1)
    p.add_argument("--receiver", type=int, default=0)
    p.add_argument("--from-hello", metavar="ADDR")
    p.add_argument("--msg", default="hello", choices=sorted(w.TYPE_BY_NAME))
    p.add_argument("--weight", type=int, default=1)
    p.add_argument("--session", type=int, default=5)
    p.add_argument("--sync-seq", type=int, default=1)
    p.add_argument("--recs", default="conn",
                   choices=("conn", "persist", "count", "count-over"))
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--key-id", action="store_true")
    p.add_argument("--same-id-key", action="store_true")
    p.add_argument("--dump", action="store_true")
    a = p.parse_args()
    if not (a.key_id or a.same_id_key) and a.kind is None:
        p.error("DST PORT KIND are needed")
    return a


KINDS = ("garbage", "version", "short", "flags", "sync-empty",
         "hello-badfield", "foreign", "self", "spoof", "heavy",
         "sync-nonmember", "ack-nonmember", "fwd-nonmember", "untagged",
         "otherkey", "badtag", "wrongkey", "lowttl", "notforus", "replay",
         "stale", "leave-newer", "valid", "random")
NEEDS_KEY = ("badtag", "wrongkey", "otherkey", "replay", "stale",
             "leave-newer")


def main():
    a = parse_args()
    rnd = random.Random(a.seed)
    key = w.load_key(a.key) if a.key else None
    if a.key_id or a.same_id_key:
        if key is None:
            sys.exit("clmsg: --key FILE is needed")
        if a.key_id:
            print(w.key_id(key))
        else:
            print(w.key_b64(w.key_with_id(w.key_id(key), rnd)))
        return
    kind = a.kind
    me = a.me or a.from_hello or "198.18.4.99"
    if kind not in KINDS:
        sys.exit("clmsg: unknown kind " + kind)
    if kind in NEEDS_KEY and key is None:
        sys.exit("clmsg: %s needs --key" % kind)
    if kind in ("replay", "stale", "leave-newer") and not a.from_hello:
        sys.exit("clmsg: %s needs --from-hello" % kind)
    kid = w.key_id(key) if key is not None else 0

    cluster, sender, inc, epoch, seq0 = (a.cluster, a.sender, a.incarnation,
                                         a.epoch, a.seq)
    heard = None
    if a.from_hello:
        heard = w.listen_hello(a.from_hello, a.dev)
        h = w.parse_hdr(heard)
        cluster, sender, inc, epoch = (h["cluster"], h["sender"],
                                       h["incarnation"], h["epoch"])
        seq0 = h["seq"] + 1000
        a.sender = sender
    mtype = w.TYPE_BY_NAME[a.msg]
    ttl = 64 if kind == "lowttl" and a.ttl == 255 else a.ttl
    dst = a.dst
    if kind == "notforus":
        dst = ".".join(a.dst.split(".")[:3] + ["255"])

    def hdr(t, i, **kw):
        return w.pack_hdr(t, kw.get("cluster", cluster),
                          kw.get("sender", sender), kw.get("inc", inc),
                          seq0 + i, epoch, flags=kw.get("flags", 0),
                          version=kw.get("version", w.VERSION))

    def rcv(t):
        # the MAC covers the receiver's member ID; 0 for heartbeats
        return 0 if t == w.HELLO else a.receiver

    def tagged(t, i, body, **kw):
        return w.seal(hdr(t, i, **kw), body, key=key, receiver=rcv(t))

    def build(i):
        if kind == "garbage":
            return b"\x02\x01\x00"
        if kind == "version":
            return v1_hello(me)
        if kind == "short":
            return hdr(w.HELLO, i)[:20]
        if kind == "flags":
            return tagged(w.HELLO, i, body_of(w.HELLO, me, a), flags=1)
        if kind == "sync-empty":
            return tagged(w.SYNC, i, struct.pack("!II", 5, 1))
        if kind == "hello-badfield":
            return tagged(w.HELLO, i, body_of(w.HELLO, me, a, hello_ms=0))
        if kind == "foreign":
            return tagged(w.HELLO, i, body_of(w.HELLO, me, a), cluster=99)
        if kind == "self":
            return tagged(w.HELLO, i, body_of(w.HELLO, me, a))
        if kind == "spoof":
            return tagged(w.HELLO, i, body_of(w.HELLO, "198.18.4.2", a))
        if kind == "heavy":
            return tagged(w.HELLO, i, body_of(w.HELLO, me, a, weight=65535))
        if kind in ("sync-nonmember", "ack-nonmember", "fwd-nonmember"):
            t = w.TYPE_BY_NAME[kind.split("-")[0]]
            return tagged(t, i, body_of(t, me, a))
        if kind == "untagged":
            return w.seal(hdr(mtype, i), body_of(mtype, me, a))
        if kind == "otherkey":
            return w.seal(hdr(mtype, i), body_of(mtype, me, a),
                          key=w.key_without_id(kid, rnd))
        if kind == "badtag":
            return w.seal(hdr(mtype, i), body_of(mtype, me, a), kid=kid,
                          receiver=rcv(mtype),
                          tag=bytes(rnd.getrandbits(8)
                                    for _ in range(w.TAG_LEN)))
        if kind == "wrongkey":
            return w.seal(hdr(mtype, i), body_of(mtype, me, a), kid=kid,
                          tag_key=w.key_without_id(-1, rnd))
        if kind in ("lowttl", "notforus", "valid"):
            return tagged(mtype, i, body_of(mtype, me, a))
        if kind == "replay":
            return heard
        if kind == "stale":
            return w.reseal(heard, key, incarnation=inc - 1, seq=seq0 + i)
        if kind == "leave-newer":
            h = w.parse_hdr(heard)
            body = bytearray(heard[h["hlen"]:])
            body[13] |= w.HELLO_F_LEAVING
            return w.seal(hdr(w.HELLO, i, inc=inc + 1), bytes(body), key=key)
        # random
        return bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 200)))

    if a.dump:
        for i in range(a.count):
            m = build(i)
            print(m.hex(), "#", kind, w.describe(m))
        return
    if a.src:
        tx = w.RawSender(a.dev)
        send = lambda m: tx.send(a.src, dst, m, ttl=ttl, dport=a.port)
    else:
        tx = w.UdpSender(ttl, dev=a.dev if dst == w.GROUP else None)
        send = lambda m: tx.send(dst, a.port, m)
    sent = 0
    for i in range(a.count):
        sent += send(build(i))
        w.pace(i)
    print(sent)


if __name__ == "__main__":
    main()
