"""The ilb cluster wire protocol, version 2, for the test tools (kmod/wire.h
is the reference): keys and their ids, the header and its BLAKE2s tag,
message bodies, and sending from a spoofed source through a raw socket.
Standard library only; imported by clmsg.py and clreplay.py.
"""
import base64
import hashlib
import os
import select
import socket
import struct
import time

VERSION = 2
HDR_LEN = 28
TAG_LEN = 16
KEY_LEN = 32
HDR_FMT = "!BBBBIIIQI"          # ver type flags key_id cluster sender inc seq epoch
GROUP = "239.255.76.66"
PORT = 7219

HELLO, SYNC, ACK, FWD = 1, 2, 3, 4
TYPE_NAMES = {HELLO: "hello", SYNC: "sync", ACK: "ack", FWD: "fwd"}
TYPE_BY_NAME = {v: k for k, v in TYPE_NAMES.items()}

RT_ADDR, RT_KEYS, RT_CONN, RT_ACK, RT_PERSIST, RT_COUNT = 1, 2, 3, 4, 5, 6
HELLO_F_LEAVING, HELLO_F_NOCACHE = 1, 2
ACK_F_NAK = 1
AF4 = 4


# --- keys ---------------------------------------------------------------------

def load_key(path):
    """The 32-byte key of a key file (base64, as `ilbadm cluster genkey`)."""
    with open(path, "rb") as f:
        k = base64.b64decode(f.read().strip(), validate=True)
    if len(k) != KEY_LEN:
        raise ValueError("%s: a key of %d bytes, not %d" % (path, len(k),
                                                            KEY_LEN))
    return k


def key_b64(key):
    return base64.b64encode(key).decode()


def mac(key, hdr28, body, receiver=0):
    """The tag: keyed BLAKE2s-128 over the 28 header bytes, the receiver's
    member ID (4 bytes big-endian; 0 for a HELLO, which is for everyone),
    then the body."""
    return hashlib.blake2s(hdr28 + struct.pack("!I", receiver) + body,
                           key=key, digest_size=TAG_LEN).digest()


def key_id(key):
    """First byte of the MAC of "ilb key id v2" padded to 28 bytes, for
    receiver 0, no body; 1 if 0."""
    label = b"ilb key id v2"
    b = mac(key, label + bytes(HDR_LEN - len(label)), b"")[0]
    return b or 1


def key_with_id(kid, rnd):
    """A random key whose id is @kid (a wrong key that passes the id test)."""
    while True:
        k = bytes(rnd.getrandbits(8) for _ in range(KEY_LEN))
        if key_id(k) == kid:
            return k


def key_without_id(kid, rnd):
    """A random key whose id is not @kid."""
    while True:
        k = bytes(rnd.getrandbits(8) for _ in range(KEY_LEN))
        if key_id(k) != kid:
            return k


# --- messages -----------------------------------------------------------------

def pack_hdr(mtype, cluster, sender, inc, seq, epoch, key_id_=0, version=VERSION,
             flags=0):
    return struct.pack(HDR_FMT, version, mtype, flags, key_id_, cluster,
                       sender, inc, seq, epoch)


def parse_hdr(msg):
    """The header fields of @msg as a dict, or None if shorter than 28."""
    if len(msg) < HDR_LEN:
        return None
    f = struct.unpack(HDR_FMT, msg[:HDR_LEN])
    h = dict(zip(("version", "type", "flags", "key_id", "cluster", "sender",
                  "incarnation", "seq", "epoch"), f))
    h["hlen"] = HDR_LEN + (TAG_LEN if h["key_id"] else 0)
    return h


def seal(hdr28, body, key=None, kid=None, tag_key=None, tag=None, receiver=0):
    """A message: the header, a tag if keyed, the body.

    key: the key to tag with (its id goes in the header unless @kid);
    tag_key: tag with this key instead (id still @kid or key's);
    tag: this literal tag. Without key and kid: untagged (key_id 0)."""
    if kid is None:
        kid = key_id(key) if key is not None else 0
    hdr28 = hdr28[:3] + bytes([kid]) + hdr28[4:]
    if not kid:
        return hdr28 + body
    if tag is None:
        tag = mac(tag_key if tag_key is not None else key, hdr28, body,
                  receiver)
    return hdr28 + tag + body


def reseal(msg, key, **changes):
    """@msg with header fields changed and tagged again with @key."""
    h = parse_hdr(msg)
    body = msg[h["hlen"]:]
    for k, v in changes.items():
        h[k] = v
    hdr = pack_hdr(h["type"], h["cluster"], h["sender"], h["incarnation"],
                   h["seq"], h["epoch"], h["key_id"], h["version"], h["flags"])
    return seal(hdr, body, key=key, kid=h["key_id"] if key is not None else 0)


def tlv(t, v):
    return struct.pack("!BB", t, len(v)) + v


def hello_body(addr, weight=1, hello_ms=100, dead_ms=275, nmembers=1, owned=0,
               mode=0, flags=0, keys=()):
    b = struct.pack("!HHHHIBB", weight, hello_ms, dead_ms, nmembers, owned,
                    mode, flags)
    b += tlv(RT_ADDR, bytes([AF4]) + socket.inet_aton(addr))
    if keys:
        b += tlv(RT_KEYS, bytes(keys))
    return b


def conn_rec(caddr="198.18.1.101", vaddr="198.51.100.1", raddr="198.18.3.101",
             cport=40000, vport=80, rport=80, primary=77, backup=0, op=1,
             proto=6, state=1, fwd=1, idle=0):
    v = struct.pack("!BBBBBH", op, proto, state, fwd, AF4, idle)
    v += struct.pack("!HHHII", cport, vport, rport, primary, backup)
    v += socket.inet_aton(caddr) + socket.inet_aton(vaddr)
    v += socket.inet_aton(raddr)
    return tlv(RT_CONN, v)


def persist_rec(caddr="198.18.1.0", vaddr="198.51.100.1", raddr="198.18.3.101",
                group=80, plen=24, ttl=300, idle=0, primary=77, backup=0, op=1,
                proto=6):
    v = struct.pack("!BBBBHHIII", op, proto, plen, AF4, group, idle, ttl,
                    primary, backup)
    v += socket.inet_aton(caddr) + socket.inet_aton(vaddr)
    v += socket.inet_aton(raddr)
    return tlv(RT_PERSIST, v)


def count_rec(vaddr="198.51.100.1", raddr="198.18.3.101", vport=80, rport=80,
              active=1 << 24, inactive=1 << 24, proto=6):
    v = struct.pack("!BBHHII", proto, AF4, vport, rport, active, inactive)
    v += socket.inet_aton(vaddr) + socket.inet_aton(raddr)
    return tlv(RT_COUNT, v)


def sync_body(session=5, seq=1, recs=None):
    b = struct.pack("!II", session, seq)
    return b + (conn_rec() if recs is None else recs)


def ack_body(session=5, ack=1, flags=0):
    return struct.pack("!IIB", session, ack, flags)


def ip_csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def ipv4_packet(src, dst, proto, payload, ttl=64, ident=1, frag=0):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, frag,
                    ttl, proto, 0, socket.inet_aton(src), socket.inet_aton(dst))
    h = h[:10] + struct.pack("!H", ip_csum(h)) + h[12:]
    return h + payload


def fwd_body(caddr="198.18.1.101", vaddr="198.51.100.1", cport=40000,
             vport=80):
    """A TCP ACK segment from a client to the VIP, as FWD carries it."""
    tcp = struct.pack("!HHIIBBHHH", cport, vport, 1, 1, 5 << 4, 0x10, 65535,
                      0, 0)
    ph = socket.inet_aton(caddr) + socket.inet_aton(vaddr) + struct.pack(
        "!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", ip_csum(ph + tcp)) + tcp[18:]
    return ipv4_packet(caddr, vaddr, 6, tcp)


def describe(msg):
    """One line about a cluster message (for tools' listings)."""
    h = parse_hdr(msg)
    if not h:
        return "short %d" % len(msg)
    s = "v%d %s key 0x%02x cluster %d sender %d inc %d seq %d epoch 0x%08x" % (
        h["version"], TYPE_NAMES.get(h["type"], "type%d" % h["type"]),
        h["key_id"], h["cluster"], h["sender"], h["incarnation"], h["seq"],
        h["epoch"])
    body = msg[h["hlen"]:]
    try:
        if h["type"] == HELLO:
            w, hm, dm, nm, own, mode, fl = struct.unpack("!HHHHIBB", body[:14])
            s += " weight %d members %d owned %d flags %d" % (w, nm, own, fl)
        elif h["type"] == SYNC:
            s += " session %d seq %d" % struct.unpack("!II", body[:8])
        elif h["type"] == ACK:
            s += " session %d ack %d flags %d" % struct.unpack("!IIB", body[:9])
    except struct.error:
        s += " (short body)"
    return s + " len %d" % len(msg)


# --- sending ------------------------------------------------------------------

def udp_datagram(src, dst, sport, dport, payload):
    ph = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack(
        "!BBH", 0, 17, 8 + len(payload))
    u = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    c = ip_csum(ph + u) or 0xffff
    return u[:6] + struct.pack("!H", c) + u[8:]


class RawSender:
    """IPv4 with IP_HDRINCL: any source address, any TTL; fragments what
    does not fit the MTU (the kernel does not for IP_HDRINCL)."""

    def __init__(self, dev=None, mtu=1500):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_RAW,
                               socket.IPPROTO_RAW)
        self.s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        if dev:
            # multicast leaves through the bound device (raw_sendmsg takes
            # sk_bound_dev_if as the output interface)
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE,
                              dev.encode())
            idx = socket.if_nametoindex(dev)
            self.s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                              struct.pack("4s4si", bytes(4), bytes(4), idx))
        self.mtu = mtu
        self.ident = int.from_bytes(os.urandom(2), "big")

    def send(self, src, dst, payload, ttl=255, sport=PORT, dport=PORT):
        u = udp_datagram(src, dst, sport, dport, payload)
        self.ident = (self.ident + 1) & 0xffff
        room = (self.mtu - 20) & ~7
        if len(u) <= self.mtu - 20:
            pkts = [ipv4_packet(src, dst, 17, u, ttl, self.ident)]
        else:
            pkts = []
            for off in range(0, len(u), room):
                more = 0x2000 if off + room < len(u) else 0
                pkts.append(ipv4_packet(src, dst, 17, u[off:off + room], ttl,
                                        self.ident, more | (off // 8)))
        for p in pkts:
            self.s.sendto(p, (dst, 0))
        return 1


class UdpSender:
    """An ordinary UDP socket (the sender's own address), with a TTL."""

    def __init__(self, ttl=255, bind=None, dev=None):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        self.s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, ttl)
        self.s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, ttl)
        if dev:
            idx = socket.if_nametoindex(dev)
            self.s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                              struct.pack("4s4si", bytes(4), bytes(4), idx))
        if bind:
            self.s.bind((bind, 0))

    def send(self, dst, port, payload):
        self.s.sendto(payload, (dst, port))
        return 1


def pace(i, every=20, pause=0.01):
    """No burst: every datagram must arrive (veth backlog, TCG VM)."""
    if i % every == every - 1:
        time.sleep(pause)


def listen_hello(src, dev=None, port=PORT, timeout=10.0):
    """The next hello (v2) that @src sends to the group, as bytes, heard on
    a socket joined to the group (the bridge floods heartbeats)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((GROUP, port))
    idx = socket.if_nametoindex(dev) if dev else 0
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                 struct.pack("4s4si", socket.inet_aton(GROUP), bytes(4), idx))
    end = time.monotonic() + timeout
    try:
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("no hello from %s within %.0f s" %
                                   (src, timeout))
            r, _, _ = select.select([s], [], [], left)
            if not r:
                continue
            m, (a, _) = s.recvfrom(65535)
            if a == src and len(m) >= HDR_LEN and m[0] == VERSION and \
                    m[1] == HELLO:
                return m
    finally:
        s.close()
