#!/bin/bash
# make bench-cluster: the cluster's figures (issue 4, "Figures to report"),
# measured in one VM boot on ILBs behind an ECMP router (tests/net/lib.sh's
# topo_ecmp, two more ILBs added for the 5-node runs), direct routing to 3
# nginx servers:
#
#   1. connections lost when an ILB fails, of all connections (goal 0):
#      rate-limited downloads through the router; one ILB loses its front
#      and server links, then its cluster link eth2 alone; one round per
#      ILB, the cut ILB rejoining between rounds;
#   2. detection time (goal <= 3 x hello): one ILB's cluster link eth2
#      goes down and the survivors' view change is timed from it: now -
#      view_age_ms, as `ilbadm -j cluster show` reports it, but read over
#      generic netlink by the helper itself, and the link set down by the
#      helper with one ioctl, because starting `ip` or `ilbadm` costs
#      0.1-0.5 s in the VM, more than the precision wanted; also, exactly,
#      in kernel time: the last heartbeat heard to the view change
#      (heard_ms - view_age_ms), the worst case over the phase of the
#      failure; idle and under downloads, hello/dead 100/300 and 50/150;
#      eth2 comes back up after each round;
#   3. control messages and bytes per new connection, targeted and
#      broadcast sync (and cache 0), 3 and 5 ILBs, from every node's
#      counters, heartbeats subtracted; and 3 ILBs joined insecure, for
#      the bytes the MAC costs (goal: at most 10% more);
#   4. the share of packets forwarded to a peer: sum(fwd_tx) / sum(direct)
#      over all nodes, short connections and long downloads.
#
# Prints one table per figure, a summary and the command that made them.
# A benchmark, not a test: it exits 0 whenever it could measure; goals
# missed are printed as such. TCG makes everything slow and noisy.
# shellcheck source=tests/net/lib.sh
. "$(dirname "$0")/../../tests/net/lib.sh"

# The sizes (BC_* override them, for trying the script out).
NDL=${BC_NDL:-90}		# downloads per failover round (3 clients)
DL_RATE=${BC_DL_RATE:-70000}	# bytes/s each: 1 MiB in ~15 s
CUT_AFTER=${BC_CUT_AFTER:-6}	# seconds into the downloads
DET_ROUNDS=${BC_DET_ROUNDS:-12}	# detection rounds per (hello, load) cell
SHORT_SECS=${BC_SHORT_SECS:-5}	# wrk run of short connections
LONG_N=${BC_LONG_N:-30}		# downloads per long sync run (250 kB/s)
NCLI=3

for c in nginx python3; do
	command -v $c >/dev/null || { echo "1..0 # SKIP $c not installed"; exit 4; }
done
[ -x "$ILBADM" ] || { echo "1..0 # SKIP ilbadm not built"; exit 4; }
require_ilb

TMPD=$(mktemp -d "/tmp/${ILB_PREFIX}bc.XXXXXX")
RES=$TMPD/results.jsonl
: >"$RES"
export ILB_PREFIX ILBADM ILB_REPO
BC="python3 $TMPD/bc.py"
T0=$SECONDS
say() { printf '[%4ds] %s\n' $((SECONDS - T0)) "$*"; }

# --- the measuring side, in one Python helper ----------------------------------
cat >"$TMPD/bc.py" <<'PY'
"""bench-cluster helper: snapshots, timed cuts, tables.

Commands run in a node's netns by setns() from this process (cheaper and
steadier than `ip netns exec`, which matters for the timings)."""
import ctypes
import fcntl
import json
import os
import re
import socket
import statistics
import struct
import subprocess
import sys
import time

PFX = os.environ["ILB_PREFIX"]
ILBADM = os.environ["ILBADM"]
# UDP payload bytes, wire v2: header 28, tag 16 when keyed; a hello has
# 14 fixed bytes, its ADDR record (7) and, keyed, its KEYS record (3)
HELLO_BYTES = {True: 28 + 16 + 14 + 7 + 3, False: 28 + 14 + 7}
ACK_BYTES = {True: 28 + 16 + 9, False: 28 + 9}


def keyed(mode):
    """Is a sync run's cluster keyed? (the "insecure" run is not)"""
    return mode != "insecure"
CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)
_fds = {}


def enter(n):
    fd = _fds.get(n)
    if fd is None:
        fd = _fds[n] = os.open("/run/netns/" + PFX + n, os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET):
        raise OSError(ctypes.get_errno(), "setns " + n)


def run_in(n, argv, **kw):
    enter(n)
    return subprocess.run(argv, **kw)


# --- `ilbadm -j cluster show`'s timing figures over generic netlink ----------

def uapi():
    """The enums of include/uapi/linux/ilb.h, name -> value."""
    txt = open(os.path.join(os.environ["ILB_REPO"],
                            "include/uapi/linux/ilb.h")).read()
    txt = re.sub(r"/\*.*?\*/", "", txt, flags=re.S)
    e = {}
    for m in re.finditer(r"enum\s+(\w+)\s*\{(.*?)\}", txt, re.S):
        v, names = 0, {}
        for item in m.group(2).split(","):
            item = item.strip()
            if not item:
                continue
            k, _, val = item.partition("=")
            if val.strip():
                v = int(val.strip(), 0)
            names[k.strip()] = v
            v += 1
        e[m.group(1)] = names
    return e


U = uapi()


def lower_names(enum, prefix):
    return {v: k[len(prefix):].lower() for k, v in U[enum].items()
            if k.startswith(prefix) and not k.endswith(("_PAD", "_UNSPEC"))}


CLS_NAMES = lower_names("ilb_cl_stats_attr", "ILB_CLS_A_")
STATE_NAMES = lower_names("ilb_member_state", "ILB_MEMBER_")


def nla(t, payload):
    n = 4 + len(payload)
    return struct.pack("HH", n, t) + payload + b"\0" * (-n % 4)


def nlas(buf):
    out, off = [], 0
    while off + 4 <= len(buf):
        n, t = struct.unpack_from("HH", buf, off)
        if n < 4:
            break
        out.append((t & 0x3fff, buf[off + 4:off + n]))
        off += (n + 3) & ~3
    return out


def u32(b):
    return struct.unpack_from("I", b)[0]


class Genl:
    """A generic netlink socket in node n's netns, family "ilb"."""

    def __init__(self, n):
        enter(n)
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
        self.s.bind((0, 0))
        self.seq = 0
        a = dict(self.req(0x10, 3, 1, nla(2, b"ilb\0")))  # GETFAMILY
        self.fam = struct.unpack_from("H", a[1])[0]

    def req(self, typ, cmd, ver, attrs=b""):
        self.seq += 1
        body = struct.pack("BBH", cmd, ver, 0) + attrs
        self.s.send(struct.pack("IHHII", 16 + len(body), typ, 1, self.seq,
                                0) + body)
        while True:
            data = self.s.recv(1 << 16)
            n, t, _, seq, _ = struct.unpack_from("IHHII", data)
            if seq != self.seq:
                continue
            if t == 2:          # NLMSG_ERROR
                raise OSError(-struct.unpack_from("i", data, 16)[0],
                              "netlink")
            return nlas(data[20:n])

    def show(self):
        """The fields of `ilbadm -j cluster show` the timings need."""
        cl = U["ilb_cl_attr"]
        mb = U["ilb_mbr_attr"]
        top = dict(self.req(self.fam, U["ilb_cmd"]["ILB_CMD_CLUSTER_GET"],
                            1))
        c = dict(nlas(top[U["ilb_attr"]["ILB_A_CLUSTER"]]))
        r = {"view_age_ms": u32(c[cl["ILB_CL_A_VIEW_AGE_MS"]]),
             "epoch": u32(c[cl["ILB_CL_A_EPOCH"]]),
             "dead_ms": u32(c[cl["ILB_CL_A_DEAD_MS"]]), "members": [],
             "stats": {}}
        for _, b in nlas(c.get(cl["ILB_CL_A_MEMBERS"], b"")):
            m = dict(nlas(b))
            r["members"].append({
                "id": u32(m[mb["ILB_MBR_A_ID"]]),
                "state": STATE_NAMES[m[mb["ILB_MBR_A_STATE"]][0]],
                "heard_ms": u32(m[mb["ILB_MBR_A_HEARD_MS"]]),
                "owned": u32(m[mb["ILB_MBR_A_OWNED"]]),
                "epoch": u32(m[mb["ILB_MBR_A_EPOCH"]])})
        for t, b in nlas(c.get(cl["ILB_CL_A_STATS"], b"")):
            if t in CLS_NAMES:
                r["stats"][CLS_NAMES[t]] = struct.unpack_from("Q", b)[0]
        return r


_genl = {}


def fshow(n):
    if n not in _genl:
        _genl[n] = Genl(n)
    return _genl[n].show()


def selftest(n):
    """The netlink reader agrees with ilbadm (else say so)."""
    a, b = show(n), fshow(n)
    bad = [k for k in ("epoch",) if a[k] != b[k]]
    if sorted((m["id"], m["state"]) for m in a["members"]) != \
            sorted((m["id"], m["state"]) for m in b["members"]):
        bad.append("members")
    if abs(a["view_age_ms"] - b["view_age_ms"]) > 2000:
        bad.append("view_age_ms")
    for k in ("view_changes", "bad_msg", "fwd_loop"):
        if b["stats"].get(k) != a["stats"][k]:
            bad.append(k)
    if bad:
        print("bench-cluster: netlink reader and ilbadm disagree on %s: %s"
              % (n, ", ".join(bad)), file=sys.stderr)


SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 1


def set_link(n, dev, up):
    """dev of node n up or down (SIOCSIFFLAGS); the times around the call"""
    enter(n)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        ifr = struct.pack("16sH22x", dev.encode(), 0)
        fl = struct.unpack_from("16sH", fcntl.ioctl(s, SIOCGIFFLAGS, ifr))[1]
        fl = fl | IFF_UP if up else fl & ~IFF_UP
        t0 = time.time()
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH22x", dev.encode(), fl))
        return t0, time.time()


def show(n):
    for i in range(5):
        r = run_in(n, [ILBADM, "-j", "cluster", "show"],
                   capture_output=True, text=True)
        try:
            return json.loads(r.stdout)
        except ValueError:
            if i == 4:
                raise
            time.sleep(0.05)


def conns(n):
    r = run_in(n, [ILBADM, "-j", "conn", "show"], capture_output=True,
               text=True)
    try:
        return json.loads(r.stdout)
    except ValueError:
        return []


def nid(n):
    return int(n.replace("ilb", ""))


def member(c, i):
    for m in c["members"]:
        if m["id"] == i:
            return m
    return None


def converged(nodes, want):
    epochs = set()
    for n in nodes:
        try:
            c = fshow(n)
        except (OSError, KeyError):
            return False
        up = [m for m in c["members"] if m["state"] in ("self", "alive")]
        if len(up) != want:
            return False
        epochs.add(c["epoch"])
        epochs.update(m["epoch"] for m in up)
    return len(epochs) == 1


def detect(victim, survivors, first=(), ports=None, timeout=10.0):
    """Take victim's links in first down, then eth2; time the survivors'
    view change. Per survivor: est_ms, from the start of the eth2 down
    call to the view change (now - view_age_ms, at the midpoint of the
    poll that saw it), err_ms, half that poll's duration, and kern_ms,
    exactly, from the last heartbeat it heard from victim to its view
    change."""
    vid = nid(victim)
    d = {"victim": victim}
    if ports:   # this round's connections each node owns, just before
        d["owned"] = {}
        for n in [victim] + survivors:
            d["owned"][n] = sum(1 for e in conns(n)
                                if e.get("role") == "owned" and
                                int(e["client"].rsplit(":", 1)[1]) in ports)
    pre = {s: fshow(s) for s in survivors}
    vc0 = {s: pre[s]["stats"]["view_changes"] for s in survivors}
    for dev in first:
        set_link(victim, dev, False)
    t0, t1 = set_link(victim, "eth2", False)
    res = {}
    end = t1 + timeout
    while len(res) < len(survivors) and time.time() < end:
        for s in survivors:
            if s in res:
                continue
            a = time.time()
            c = fshow(s)
            b = time.time()
            m = member(c, vid)
            if c["stats"]["view_changes"] > vc0[s] and \
                    (m is None or m["state"] != "alive"):
                age = c["view_age_ms"] / 1000.0
                res[s] = {
                    "est_ms": round(((a + b) / 2 - age - t0) * 1000, 1),
                    "err_ms": round((b - a) / 2 * 1000, 1),
                    "kern_ms": (m["heard_ms"] - c["view_age_ms"]
                                if m else None)}
                if m and res[s]["kern_ms"] < c["dead_ms"]:
                    # impossible by design: a member leaves the view only
                    # after dead_ms of silence; keep the evidence
                    res[s]["odd"] = {
                        "before_cut": brief(pre[s]),
                        "seen %.0f ms after the cut" % ((a - t0) * 1000):
                        brief(c)}
        time.sleep(0.003)
    time.sleep(0.5)     # a flapping view would change again by now
    for s in survivors:
        res.setdefault(s, {"est_ms": None, "kern_ms": None})
        res[s]["view_changes"] = fshow(s)["stats"]["view_changes"] - vc0[s]
    d["cut_ms"] = round((t1 - t0) * 1000, 1)
    d["survivors"] = res
    return d


def brief(c):
    return "epoch %08x view_age_ms %d view_changes %d members %s" % (
        c["epoch"], c["view_age_ms"], c["stats"]["view_changes"],
        " ".join("%d:%s:heard %d:epoch %08x" % (m["id"], m["state"],
                                                m["heard_ms"], m["epoch"])
                 for m in c["members"]))


def hb_rate(nodes):
    return time.time(), sum(fshow(n)["stats"]["hello_tx"] for n in nodes)


def wait_converged(nodes, timeout=20.0):
    t = time.time()
    while time.time() < t + timeout:
        if converged(nodes, len(nodes)):
            return round((time.time() - t) * 1000)
        time.sleep(0.05)
    return None


def cmd_detect(a):
    """detect METHOD HELLO DEAD LOAD ROUNDS NODE...: ROUNDS eth2 cuts,
    each healed before the next; one JSON line per round."""
    method, hello, dead, load, rounds = a[0], int(a[1]), int(a[2]), a[3], \
        int(a[4])
    nodes = a[5:]
    selftest(nodes[0])
    if load == "idle":  # heartbeats sent per node and second, undisturbed
        t, h = hb_rate(nodes)
        time.sleep(3)
        t2, h2 = hb_rate(nodes)
        print(json.dumps({"part": "hb", "hello": hello,
                          "interval_ms": round(1000 * (t2 - t) * len(nodes)
                                               / max(1, h2 - h), 1)}))
    for r in range(rounds):
        v = nodes[r % len(nodes)]
        d = detect(v, [n for n in nodes if n != v])
        set_link(v, "eth2", True)
        d["heal_ms"] = wait_converged(nodes)
        d.update(part="detect", hello=hello, dead=dead, load=load,
                 round=r + 1, method=method)
        print(json.dumps(d), flush=True)
        time.sleep(0.5)


def cmd_failover(a):
    """failover VICTIM PORT0 NPORTS NODE...: cut front and server links,
    then eth2; the round's client ports are PORT0..PORT0+NPORTS-1."""
    victim, p0, np, nodes = a[0], int(a[1]), int(a[2]), a[3:]
    d = detect(victim, [n for n in nodes if n != victim],
               first=("eth0", "eth1"), ports=range(p0, p0 + np))
    d["method"] = "link"
    print(json.dumps(d))


def cmd_converge(a):
    """converge NODE...: wait for one view of all of them; ms or exit 1"""
    ms = wait_converged(a)
    print(ms)
    sys.exit(0 if ms is not None else 1)


def cmd_snap(a):
    """snap NODE...: every node's cluster show, with the time."""
    print(json.dumps({"t": time.time(),
                      "nodes": {n: show(n) for n in a}}))


def dl_sum(files):
    t = {"started": 0, "exact": 0, "failed": 0, "reasons": {},
         "failures": [], "dur": []}
    for f in files:
        try:
            s = json.load(open(f))
        except (OSError, ValueError) as e:
            t["failures"].append("%s: no summary (%s)" % (f, e))
            continue
        for k in ("started", "exact", "failed"):
            t[k] += s[k]
        for k, v in s["reasons"].items():
            t["reasons"][k] = t["reasons"].get(k, 0) + v
        t["failures"] += s["failures"]
        if s["dur_min"] is not None:
            t["dur"] += [s["dur_min"], s["dur_max"]]
    return t


STATS = ("hello_tx", "sync_tx", "sync_tx_bytes", "sync_rx", "recs_tx",
         "recs_rx", "ack_tx", "ack_rx", "retrans", "sync_drop", "fwd_tx",
         "fwd_rx", "fwd_loop", "fwd_adopt", "direct", "bad_msg", "foreign",
         "view_changes", "promoted", "transferred", "cache_evict",
         "epoch_mismatch", "ctrl_tx_bytes")


def delta(before, after):
    b, e = json.load(open(before)), json.load(open(after))
    d = {k: 0 for k in STATS}
    for n in e["nodes"]:
        for k in STATS:
            d[k] += e["nodes"][n]["stats"].get(k, 0) - \
                b["nodes"][n]["stats"].get(k, 0)
    return d, round(e["t"] - b["t"], 2)


def cmd_failround(a):
    """failround ROUND CUTFILE BEFORE AFTER DLFILE...: one failover round"""
    r = dl_sum(a[4:])
    r["cut"] = json.load(open(a[1]))
    r["d"], r["secs"] = delta(a[2], a[3])
    r.update(part="failover", round=int(a[0]))
    print(json.dumps(r))


def cmd_diag(a):
    """diag LABEL NODES FILE...: where the failed downloads' connections
    stand on every node (NODES comma-separated)"""
    label, nodes = a[0], a[1].split(",")
    bad = []
    for f in a[2:]:
        c = int(re.search(r"-c(\d+)$", f).group(1))
        try:
            s = json.load(open(f))
        except (OSError, ValueError):
            continue
        for x in s["failures"]:
            m = re.search(r"local port (\d+)", x)
            if m:
                bad.append("198.18.1.%d:%s" % (100 + c, m.group(1)))
    if not bad:
        return
    lines = []
    for n in nodes:
        es = {e["client"]: e for e in conns(n) if e["client"] in bad}
        st = json.loads(run_in(n, [ILBADM, "-j", "stats", "show"],
                               capture_output=True, text=True).stdout or
                        "{}")
        lines.append("%s: no_conn %s; %s" % (n, st.get("no_conn", "?"), "; ".join(
            "%s %s" % (k, " ".join("%s=%s" % (f, es[k].get(f)) for f in
                                   ("role", "state", "server", "primary",
                                    "backup", "expires_ms")))
            if k in es else "%s none" % k for k in bad[:6])))
    print(json.dumps({"part": "diag", "label": label, "lines": lines}))


def cmd_dl(a):
    """dl PART EXTRA_JSON FILE...: slowget summaries summed."""
    t = dl_sum(a[2:])
    t.update(json.loads(a[1]))
    t["part"] = a[0]
    print(json.dumps(t))


def wrk_count(text):
    """requests and errors of one `wrk` output"""
    req = err = 0
    for ln in text.splitlines():
        f = ln.split()
        if "requests in" in ln:
            req = int(f[0])
        elif ln.strip().startswith("Socket errors:"):
            err += sum(int(x.strip(",")) for x in f[3::2])
        elif ln.strip().startswith("Non-2xx"):
            err += int(f[-1])
    return req, err


def cmd_sync(a):
    """sync NODES MODE RUN SECS BEFORE AFTER CLIENTFILE...: counter deltas;
    SECS the traffic's duration (0: unknown)."""
    nnodes, mode, run, dur, before, after = a[0], a[1], a[2], \
        float(a[3]), a[4], a[5]
    d, secs = delta(before, after)
    n = failed = 0
    for f in a[6:]:
        text = open(f).read()
        try:
            s = json.loads(text)
        except ValueError:      # wrk
            req, err = wrk_count(text)
            n += req
            failed += err
            continue
        if "ok" in s:           # httpc
            n += s["ok"] + s["fail"]
            failed += s["fail"]
        else:                   # slowget
            n += s["started"]
            failed += s["failed"]
    print(json.dumps({"part": "sync", "nodes": int(nnodes), "mode": mode,
                      "run": run, "conns": n, "failed": failed,
                      "secs": secs, "dur": dur, "d": d}))


def cmd_last(a):
    """last FILE: one line about the last result"""
    r = json.loads(open(a[0]).read().splitlines()[-1])
    if r["part"] == "sync":
        d, n = r["d"], max(1, r["conns"])
        print("%d conns (%d failed) in %.1f s: %.2f sync msgs, %.2f records,"
              " %.2f acks per conn; fwd_tx/direct %d/%d" % (
                  r["conns"], r["failed"], r["secs"], d["sync_tx"] / n,
                  d["recs_tx"] / n, d["ack_tx"] / n, d["fwd_tx"],
                  d["direct"]))
    elif r["part"] == "failover":
        c = r["cut"]
        print("%d/%d byte-exact; %s owned %d of the %d at the cut;"
              " view change after the last heartbeat: %s ms" % (
                  r["exact"], r["started"], c["victim"],
                  c["owned"][c["victim"]], sum(c["owned"].values()),
                  ", ".join("%s %s" % (k, v["kern_ms"]) for k, v in
                            sorted(c["survivors"].items()))))
    else:
        print("%d/%d byte-exact" % (r["exact"], r["started"]))


# --- tables ------------------------------------------------------------------

def table(rows, head, right=None):
    """Aligned plain text; columns in right are right-aligned."""
    right = set(range(1, len(head))) if right is None else right
    w = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
    for r in [head] + rows:
        print("  " + "  ".join(
            (str(c).rjust(w[i]) if i in right else str(c).ljust(w[i]))
            for i, c in enumerate(r)).rstrip())


def q(v, nd=0):
    return "-" if v is None else ("%.*f" % (nd, v))


def mmm(v, nd=0):
    return "%s/%s/%s" % (q(min(v), nd), q(statistics.median(v), nd),
                         q(max(v), nd)) if v else "-"


def cmd_report(a):
    res = [json.loads(ln) for ln in open(a[0]) if ln.strip()]
    summary = []
    checks = []

    # 1. failover
    fo = [x for x in res if x["part"] == "failover"]
    print()
    print("== 1. connections lost when an ILB fails (goal 0)")
    print("  3 ILBs, DR; downloads of 1 MiB through the ECMP router; the cut "
          "ILB loses eth0 and eth1, then eth2; it rejoins between rounds")
    rows = []
    lost_all = tot_all = 0
    for r in fo:
        c = r["cut"]
        lost = r["started"] - r["exact"]
        lost_all += lost
        tot_all += r["started"]
        own = c["owned"]
        tot = sum(own.values())
        v = own[c["victim"]]
        rows.append([r["round"], c["victim"], "%d/%d" % (lost, r["started"]),
                     "%d/%d (%s%%)" % (v, tot, q(100.0 * v / tot if tot
                                                 else None)),
                     ",".join(q(x["kern_ms"]) for x in
                              c["survivors"].values()),
                     "%s..%s" % (q(min(r["dur"]), 1), q(max(r["dur"]), 1))
                     if r["dur"] else "-",
                     r["d"]["promoted"], r["d"]["transferred"],
                     r["d"]["fwd_loop"], r["d"]["retrans"],
                     " ".join("%s=%d" % kv for kv in
                              sorted(r["reasons"].items())) or "-"])
        if lost:
            checks.append("failover round %d: %d connections lost" %
                          (r["round"], lost))
        for k in ("fwd_loop", "bad_msg", "foreign"):
            if r["d"][k]:
                checks.append("failover round %d: %s %d" % (r["round"], k,
                                                            r["d"][k]))
        for s, x in c["survivors"].items():
            if x.get("view_changes", 1) > 1:
                checks.append("failover round %d: %s changed its view %s "
                              "times after the cut" %
                              (r["round"], s, x.get("view_changes")))
    table(rows, ["round", "cut", "lost/total", "owned by the cut ILB",
                 "hb->view ms", "durations s", "promoted", "transferred",
                 "fwd_loop", "retrans", "failures"],
          right={2, 3, 4, 5, 6, 7, 8, 9})
    for r in fo:
        for f in r["failures"][:10]:
            print("    round %d: %s" % (r["round"], f))
    pct = 100.0 * lost_all / tot_all if tot_all else 0
    print("  total: %d of %d connections lost (%.2f%%)" %
          (lost_all, tot_all, pct))
    print("  (owned: entries of role owned of the round's connections, on "
          "each node just before the cut; hb->view: each survivor's last heartbeat heard "
          "from the cut ILB to its view change, kernel time; promoted, "
          "transferred, fwd_loop, retrans: summed over the nodes during "
          "the round)")
    summary.append(["connections lost on an ILB failure", "0",
                    "%d/%d (%.1f%%)" % (lost_all, tot_all, pct),
                    "yes" if tot_all and lost_all == 0 else "NO"])

    # 2. detection
    print()
    print("== 2. detection: an ILB's cluster link down -> the survivors' "
          "view change (goal <= 3 x hello)")
    cells = {}
    for r in [x for x in res if x["part"] == "detect"]:
        cells.setdefault((r["hello"], r["dead"], r["load"]), []).append(r)
    rows = []
    order = sorted(cells, key=lambda k: (-k[0], k[2] != "idle"))
    fo_cuts = [r["cut"] for r in fo]
    for key in order + ([None] if fo_cuts else []):
        if key is None:
            rs, (hello, dead, load) = fo_cuts, (100, 300, "failover")
            cut_what = "all 3"
        else:
            rs, (hello, dead, load) = cells[key], key
            cut_what = "eth2"
        sv = [v for r in rs for v in r["survivors"].values()]
        for r in rs:
            for s, v in r["survivors"].items():
                if "odd" in v:
                    checks.append(
                        "detection %d/%d %s, %s cut, survivor %s: its view "
                        "changed %s ms after it last heard %s, less than "
                        "dead-ms (sample left out of the table): %s" % (
                            hello, dead, load, r["victim"], s,
                            v["kern_ms"], r["victim"], "; ".join(
                                "%s: %s" % kv for kv in v["odd"].items())))
        odd = sum(1 for v in sv if "odd" in v)
        sv = [v for v in sv if "odd" not in v]
        est = [v["est_ms"] for v in sv if v["est_ms"] is not None]
        err = [v["err_ms"] for v in sv if v.get("err_ms") is not None]
        kern = [v["kern_ms"] for v in sv if v["kern_ms"] is not None]
        miss = sum(1 for v in sv if v["est_ms"] is None)
        flaps = sum(1 for v in sv if v.get("view_changes", 1) > 1)
        cut = [r["cut_ms"] for r in rs]
        ok = bool(est) and max(est) <= 3 * hello and not miss
        rows.append(["%d/%d" % (hello, dead), load, cut_what,
                     "%d%s" % (len(sv), "+%d odd" % odd if odd else ""),
                     mmm(est),
                     q(statistics.median(est) / hello if est else None, 2),
                     q(max(est) / hello if est else None, 2),
                     q(max(err), 1) if err else "-",
                     mmm(kern), q(max(kern) / hello if kern else None, 2),
                     q(statistics.median(cut)), miss, flaps,
                     "yes" if ok else "NO"])
        summary.append(["detection %d/%d ms, %s" % (hello, dead, load),
                        "<= %d ms" % (3 * hello),
                        "%s ms (max %s x hello); worst phase %s" %
                        (mmm(est), q(max(est) / hello if est else None, 2),
                         q(max(kern) if kern else None)),
                        "yes" if ok else "NO"])
        if flaps:
            checks.append("detection %d/%d %s: %d survivors changed their "
                          "view more than once per cut" %
                          (hello, dead, load, flaps))
        if miss:
            checks.append("detection %d/%d %s: %d survivors did not change "
                          "their view within 10 s" % (hello, dead, load,
                                                      miss))
    table(rows, ["hello/dead", "load", "cut", "n",
                 "cut->view min/med/max", "med/hello", "max/hello",
                 "poll +-", "last hb->view min/med/max", "max/hello",
                 "down call", "missed", "flaps", "max<=3x"],
          right=set(range(3, 14)))
    hb = ["%s ms (hello-ms %d)" % (q(r["interval_ms"]), r["hello"])
          for r in res if r["part"] == "hb"]
    print("  (ms; n: one sample per survivor and round; cut->view: from "
          "the start of the call that set eth2 down to the view change "
          "(now - view_age_ms, at the midpoint of the netlink poll that "
          "saw it, +- half the longest poll); last hb->view: heard_ms - "
          "view_age_ms in kernel time, the detection time when the failure "
          "comes just after a heartbeat, i.e. its worst case; down call: "
          "how long the SIOCSIFFLAGS call took; failover: the rounds of "
          "table 1, eth0 and eth1 down just before eth2)")
    if hb:
        print("  heartbeats measured every " + ", ".join(hb) +
              " per node (hello_tx over 3 idle seconds)")
    for r in [x for x in res if x["part"] == "hb"]:
        summary.append(["heartbeat interval, hello-ms %d" % r["hello"],
                        "%d ms" % r["hello"], "%s ms" % q(r["interval_ms"]),
                        "-"])
    for key in order:
        print("  %d/%d %s cut->view: %s" % (key[0], key[1], key[2], " ".join(
            q(v["est_ms"]) for r in cells[key]
            for v in r["survivors"].values())))
    for r in [x for x in res if x["part"] == "detect_load"]:
        print(("  downloads during the %s cut/heal rounds: %d/%d "
               "byte-exact %s" % (r["label"], r["exact"], r["started"],
                                  " ".join("%s=%d" % kv for kv in
                                           sorted(r["reasons"].items())))
               ).rstrip())
        if r["exact"] != r["started"]:
            checks.append("%d of %d downloads lost during the %s eth2 "
                          "cut/heal rounds" % (r["started"] - r["exact"],
                                               r["started"], r["label"]))
        for f in r["failures"][:5]:
            print("    " + f)

    # 3. control traffic per new connection
    srows = [x for x in res if x["part"] == "sync"]
    print()
    print("== 3. control traffic per new connection (sums over every node; "
          "heartbeats subtracted)")
    print("  short: wrk, HTTP/1.1 with Connection: close, %d s from each "
          "client, every request a new connection; long: downloads of "
          "1 MiB at 250 kB/s" % int(a[1]))
    rows = []
    mac_cost = {}
    for r in srows:
        d, n = r["d"], max(1, r["conns"])
        hb, ab = HELLO_BYTES[keyed(r["mode"])], ACK_BYTES[keyed(r["mode"])]
        ctrl_ex = d["ctrl_tx_bytes"] - hb * d["hello_tx"]
        other = ctrl_ex - d["sync_tx_bytes"] - ab * d["ack_tx"]
        # first transmissions only: retransmits depend on how late the
        # VM runs the receiver, not on the protocol
        first = ctrl_ex - d["retrans"] * d["sync_tx_bytes"] / max(
            1, d["sync_tx"])
        if r["run"] == "short" and r["mode"] in ("targeted", "insecure") \
                and r["nodes"] == 3:
            mac_cost[r["mode"]] = (ctrl_ex / n, first / n)
        rows.append([r["nodes"], r["mode"], r["run"], r["conns"],
                     q(r["conns"] / r["dur"]) if r.get("dur") else "-",
                     q(d["sync_tx"] / n, 2), q(d["recs_tx"] / n, 2),
                     q(d["sync_tx_bytes"] / n, 1), q(d["ack_tx"] / n, 2),
                     q(ab * d["ack_tx"] / n, 1),
                     q((d["sync_tx"] + d["ack_tx"]) / n, 2),
                     q(ctrl_ex / n, 1), q(first / n, 1),
                     q(d["recs_tx"] / max(1, d["sync_tx"]), 1),
                     q(hb * d["hello_tx"] / r["secs"]),
                     other, d["retrans"]])
        tag = "%d ILBs %s %s" % (r["nodes"], r["mode"], r["run"])
        if other:
            checks.append("%s: %d control bytes are neither hellos, syncs "
                          "nor acks" % (tag, other))
        if d["recs_tx"] != d["recs_rx"]:
            checks.append("%s: records sent %d, applied %d (sync_drop %d)" %
                          (tag, d["recs_tx"], d["recs_rx"], d["sync_drop"]))
        if d["sync_tx"] - d["retrans"] != d["sync_rx"]:
            checks.append("%s: sync messages sent %d (retrans %d), accepted "
                          "%d" % (tag, d["sync_tx"], d["retrans"],
                                  d["sync_rx"]))
        if d["ack_tx"] != d["ack_rx"]:
            checks.append("%s: acks sent %d, received %d" %
                          (tag, d["ack_tx"], d["ack_rx"]))
        if d["fwd_tx"] != d["fwd_rx"]:
            checks.append("%s: packets forwarded %d, received %d" %
                          (tag, d["fwd_tx"], d["fwd_rx"]))
        for k in ("fwd_loop", "bad_msg", "sync_drop", "foreign",
                  "epoch_mismatch", "view_changes"):
            if d[k]:
                checks.append("%s: %s %d" % (tag, k, d[k]))
        if r["failed"]:
            checks.append("%s: %d of %d connections failed" %
                          (tag, r["failed"], r["conns"]))
        if r["run"] == "short" and r["mode"] != "cache0":
            summary.append(["control per new conn, %s, %d ILBs" %
                            (r["mode"], r["nodes"]), "-",
                            "%s msgs (%s sync + %s ack), %s records, %s B" %
                            (q((d["sync_tx"] + d["ack_tx"]) / n, 2),
                             q(d["sync_tx"] / n, 2), q(d["ack_tx"] / n, 2),
                             q(d["recs_tx"] / n, 2), q(ctrl_ex / n)), "-"])
    table(rows, ["ILBs", "sync", "run", "conns", "conn/s", "sync msgs",
                 "records", "sync B", "acks", "ack B", "msgs",
                 "ctrl B", "1st B", "recs/sync", "hello B/s", "other B",
                 "retrans"],
          right=set(range(3, 17)))
    print("  (per new connection, UDP payload bytes; msgs = sync + ack; "
          "ctrl B = ctrl_tx_bytes - hello bytes x hello_tx (%d keyed, %d "
          "insecure), all control bytes but heartbeats; hello B/s: the "
          "heartbeats of all nodes, per second, for scale; other B = ctrl "
          "B - sync B - ack B, must be 0; 1st B: ctrl B less the "
          "retransmitted sync messages; insecure: the same cluster joined "
          "without a key, no tags)" % (HELLO_BYTES[True], HELLO_BYTES[False]))
    if "targeted" in mac_cost and "insecure" in mac_cost:
        (kall, kfirst), (iall, ifirst) = mac_cost["targeted"], \
            mac_cost["insecure"]
        ratio = kfirst / max(1e-9, ifirst)
        print("  the MAC's cost in control bytes, 3 ILBs targeted, short, "
              "first transmissions: %.1f B keyed / %.1f B insecure = %.3f "
              "(goal <= 1.10: %s); with retransmits %.1f / %.1f = %.3f" % (
                  kfirst, ifirst, ratio, "met" if ratio <= 1.10 else
                  "NOT met", kall, iall, kall / max(1e-9, iall)))
        summary.append(["control bytes per new conn, keyed / insecure",
                        "<= 1.10", "%.3f (%.0f / %.0f B)" % (
                            ratio, kfirst, ifirst),
                        "yes" if ratio <= 1.10 else "NO"])

    # 4. forwarding share
    print()
    print("== 4. packets forwarded to a peer under ECMP: sum(fwd_tx) / "
          "sum(direct), every node")
    rows = []
    mac_cost = {}
    for r in srows:
        d = r["d"]
        sh = d["fwd_tx"] / d["direct"] if d["direct"] else None
        rows.append([r["nodes"], r["mode"], r["run"], r["conns"],
                     d["fwd_tx"], d["direct"], q(sh, 3),
                     q(d["direct"] / max(1, r["conns"]), 1),
                     d["fwd_rx"], d["fwd_adopt"], d["fwd_loop"]])
        summary.append(["fwd share, %d ILBs, %s, %s" %
                        (r["nodes"], r["mode"], r["run"]), "-",
                        q(sh, 3), "-"])
    table(rows, ["ILBs", "sync", "run", "conns", "fwd_tx", "direct", "share",
                 "pkts/conn", "fwd_rx", "fwd_adopt", "fwd_loop"],
          right=set(range(3, 11)))
    print("  (direct: packets the ILBs sent to servers, client to server "
          "only with DR; pkts/conn = direct / conns)")

    print()
    print("== consistency checks (counters that should add up)")
    for c in checks or ["all add up: records, sync messages, acks and "
                        "forwarded packets sent = received; fwd_loop, "
                        "bad_msg, sync_drop, foreign, epoch_mismatch 0 and "
                        "no view change during the sync runs; one view "
                        "change per survivor per cut"]:
        print("  " + c)

    for r in [x for x in res if x["part"] == "diag"]:
        print("  failed connections of %s, where they stand on each node:"
              % r["label"])
        for ln in r["lines"]:
            print("    " + ln)

    print()
    print("== summary")
    table(summary, ["figure", "goal", "measured", "met"], right=set())


if __name__ == "__main__":
    globals()["cmd_" + sys.argv[1]](sys.argv[2:])
PY

# --- topology and services -------------------------------------------------------

# service_on NS: the DR service with the 3 servers
service_on() {
	local j
	ilbadm "$1" service add tcp "$ILB_VIP:80" sched wlc fwd dr || return 1
	for j in 1 2 3; do
		ilbadm "$1" server add tcp "$ILB_VIP:80" "$(server_addr "$j")" ||
			return 1
	done
}

# add_ilb I: one more ILB on the topo_ecmp topology (router side
# eth(10+I), its own /30 as topo_ecmp numbers them); not yet a nexthop
add_ilb() {
	local i=$1
	ns_add "ilb$i" || return 1
	ns "ilb$i" sysctl -qw net.ipv4.ip_forward=1
	veth rt "eth$((10 + i))" "$(ecmp_rt_addr "$i")/30" \
		"ilb$i" eth0 "$(ecmp_ilb_addr "$i")/30" || return 1
	ns rt sysctl -qw "net.ipv4.conf.eth$((10 + i)).ignore_routes_with_linkdown=1"
	bridge_attach back "ilb$i" eth1 "$NET_BACK.$i/24" || return 1
	bridge_attach sync "ilb$i" eth2 "$NET_SYNC.$i/24" || return 1
	ns "ilb$i" ip route add default via "$(ecmp_rt_addr "$i")"
	service_on "ilb$i"
}

# ecmp_route N: the router's VIP route over ilb1..ilbN
ecmp_route() {
	local i dev nh=()
	for i in $(seq 1 "$1"); do
		dev=eth$i
		[ "$i" -gt 3 ] && dev=eth$((10 + i))
		nh+=(nexthop via "$(ecmp_ilb_addr "$i")" dev "$dev" weight 1)
	done
	ns rt ip route replace "$ILB_VIP/32" "${nh[@]}"
}

# join_all N [ARGS...]: ilb1..ilbN join with ARGS, wait for one view
join_all() {
	local nl=$1 i
	shift
	NODES=()
	for i in $(seq 1 "$nl"); do
		cluster_join "ilb$i" "$i" "$@" || return 1
		NODES+=("ilb$i")
	done
	$BC converge "${NODES[@]}" >/dev/null
}

leave_all() {
	local n
	for n in "${NODES[@]}"; do ilbadm "$n" cluster leave; done
	sleep 1
}

# rejoin NS I: bring the cut ILB's links back, wait for one view
rejoin() {
	local n=$1 i=$2
	ip -n "$(ns_name "$n")" -batch - <<-EOF
	link set dev eth0 up
	link set dev eth1 up
	link set dev eth2 up
	EOF
	ns "$n" ip route replace default via "$(ecmp_rt_addr "$i")"
	$BC converge "${NODES[@]}" >/dev/null
}

# downloads NPER RATE DEADLINE TAG [SPORT]: NPER downloads of /big from
# every client in the background (from ports SPORT.. if given); their
# PIDs in DL_PIDS, summaries in $TMPD/TAG-cN
DL_PIDS=()
downloads() {
	local nper=$1 rate=$2 dl=$3 tag=$4 i sp=()
	[ -n "${5:-}" ] && sp=(--sport-base "$5")
	DL_PIDS=()
	for i in $(seq 1 $NCLI); do
		# shellcheck disable=SC2086 # $SLOWGET is a command line
		ip netns exec "$(ns_name "c$i")" $SLOWGET --json -n "$nper" \
			--rate "$rate" --deadline "$dl" --sha "$BIGSHA" "${sp[@]}" \
			"$ILB_VIP" 80 /big >"$TMPD/$tag-c$i" 2>&1 &
		DL_PIDS+=($!)
	done
}

dl_files() {	# dl_files TAG
	local i
	for i in $(seq 1 $NCLI); do echo "$TMPD/$1-c$i"; done
}

die() {
	say "bench-cluster: $*"
	echo "not ok 1 - bench-cluster: $*"
	exit 1
}

head -c 1048576 /dev/urandom >/tmp/ilb-big.bin
BIGSHA=$(sha256sum </tmp/ilb-big.bin | cut -d' ' -f1)
say "bench-cluster: $(uname -r), $(nproc) vCPU, qemu TCG"
topo_ecmp $NCLI 3 || die "topo_ecmp"
for i in 1 2 3; do
	nginx_start "srv$i" 80 "srv$i" || die "nginx on srv$i"
	dr_server "srv$i" "$ILB_VIP"
	# clients reuse ports across runs: no server TIME_WAIT in the way
	ns "srv$i" sysctl -qw net.ipv4.tcp_max_tw_buckets=0
	ns "c$i" sysctl -qw net.ipv4.ip_local_port_range="1024 65535"
done
for i in 1 2 3; do service_on "ilb$i" || die "service on ilb$i"; done
join_all 3 || die "3 ILBs did not converge"
say "3 ILBs up: $(ecmp_nexthops | tr -s '\n\t ' ' ')"

# --- 1. connections lost when an ILB fails -------------------------------------
nper=$((NDL / NCLI))
for r in 1 2 3; do
	v=ilb$r
	say "failover round $r: $((nper * NCLI)) downloads at $DL_RATE B/s, cut $v after ${CUT_AFTER}s"
	$BC snap "${NODES[@]}" >"$TMPD/fo-before"
	sport=$((20000 + 1000 * r))
	downloads $nper "$DL_RATE" 60 "fo$r" $sport
	sleep "$CUT_AFTER"
	$BC failover $v $sport $nper "${NODES[@]}" >"$TMPD/fo-cut"
	wait "${DL_PIDS[@]}"
	# shellcheck disable=SC2046 # one file a word
	$BC diag "failover round $r" "$(IFS=,; echo "${NODES[*]}")" \
		$(dl_files "fo$r") >>"$RES"
	$BC snap "${NODES[@]}" >"$TMPD/fo-after"
	# shellcheck disable=SC2046 # one file a word
	$BC failround $r "$TMPD/fo-cut" "$TMPD/fo-before" "$TMPD/fo-after" \
		$(dl_files "fo$r") >>"$RES"
	say "  $($BC last "$RES")"
	rejoin $v $r || die "$v did not rejoin"
	sleep 2
done

# --- 2. detection time, hello 100 ms -----------------------------------------------
# detection HELLO DEAD: idle rounds, then rounds under 60 downloads
detection() {
	local hello=$1 dead=$2
	say "detection, hello $hello ms, dead $dead ms: $DET_ROUNDS idle rounds"
	$BC detect eth2 "$hello" "$dead" idle "$DET_ROUNDS" "${NODES[@]}" >>"$RES"
	say "detection, hello $hello ms, dead $dead ms: $DET_ROUNDS rounds under 60 downloads"
	downloads 20 20000 90 "det$hello"
	sleep 3
	$BC detect eth2 "$hello" "$dead" load "$DET_ROUNDS" "${NODES[@]}" >>"$RES"
	wait "${DL_PIDS[@]}"
	# shellcheck disable=SC2046 # one file a word
	$BC diag "the $hello/$dead cut/heal rounds" "$(IFS=,; echo "${NODES[*]}")" \
		$(dl_files "det$hello") >>"$RES"
	# shellcheck disable=SC2046 # one file a word
	$BC dl detect_load "{\"label\": \"$hello/$dead\"}" $(dl_files "det$hello") >>"$RES"
	say "  downloads during the cuts: $($BC last "$RES")"
}
detection 100 300 || die "detection, hello 100"

# --- 3 and 4. sync modes: control traffic and forwarding share -----------------
# short_run NILBS MODE: SHORT_SECS of new connections from every client
short_run() {
	local nl=$1 mode=$2 i pids=() files=()
	$BC snap "${NODES[@]}" >"$TMPD/s-before"
	for i in $(seq 1 $NCLI); do
		if command -v wrk >/dev/null; then
			ns "c$i" wrk -t1 -c4 -d"${SHORT_SECS}s" \
				-H "Connection: close" "http://$ILB_VIP/" \
				>"$TMPD/w$i" 2>&1 &
		else
			# shellcheck disable=SC2086 # $HTTPC is a command line
			ns "c$i" $HTTPC "$ILB_VIP" 80 300 >"$TMPD/w$i" 2>&1 &
		fi
		pids+=($!)
		files+=("$TMPD/w$i")
	done
	wait "${pids[@]}"
	sleep 1		# the last records and acks
	$BC snap "${NODES[@]}" >"$TMPD/s-after"
	$BC sync "$nl" "$mode" short "$SHORT_SECS" "$TMPD/s-before" "$TMPD/s-after" \
		"${files[@]}" >>"$RES"
}

# long_run NILBS MODE: LONG_N downloads of 1 MiB at 250 kB/s
long_run() {
	local nl=$1 mode=$2
	$BC snap "${NODES[@]}" >"$TMPD/s-before"
	downloads $((LONG_N / NCLI)) 250000 60 long
	wait "${DL_PIDS[@]}"
	sleep 1
	$BC snap "${NODES[@]}" >"$TMPD/s-after"
	# shellcheck disable=SC2046 # one file a word
	$BC sync "$nl" "$mode" long 0 "$TMPD/s-before" "$TMPD/s-after" \
		$(dl_files long) >>"$RES"
}

sync_mode() {	# sync_mode MODE: on every node
	local n
	for n in "${NODES[@]}"; do
		case $1 in
		targeted) ilbadm "$n" cluster set sync targeted ;;
		broadcast) ilbadm "$n" cluster set sync broadcast ;;
		cache0) ilbadm "$n" cluster set sync targeted cache 0 ;;
		insecure) ilbadm "$n" cluster set sync targeted ;;
		esac || return 1
	done
	sleep 0.5	# the heartbeats tell the others (cache 0)
}

sync_runs() {	# sync_runs NILBS MODE...
	local nl=$1 m
	shift
	for m in "$@"; do
		sync_mode "$m" || return 1
		say "$nl ILBs, $m: short connections for ${SHORT_SECS}s from $NCLI clients"
		short_run "$nl" "$m"
		say "  $($BC last "$RES")"
		say "$nl ILBs, $m: $LONG_N downloads"
		long_run "$nl" "$m"
		say "  $($BC last "$RES")"
	done
}
sync_runs 3 targeted broadcast cache0 || die "sync runs on 3 ILBs"
# the same without a key: what the MAC costs, in the same boot
leave_all
join_all 3 insecure || die "3 ILBs did not converge insecure"
sync_runs 3 insecure || die "sync runs on 3 insecure ILBs"

# --- 2. detection time, hello 50 ms ------------------------------------------------
leave_all
join_all 3 hello-ms 50 dead-ms 150 || die "rejoin with hello 50"
detection 50 150 || die "detection, hello 50"

# --- 3 and 4 on 5 ILBs ---------------------------------------------------------------
leave_all
add_ilb 4 || die "adding ilb4"
add_ilb 5 || die "adding ilb5"
ecmp_route 5 || die "the router's route over 5 ILBs"
join_all 5 || die "5 ILBs did not converge"
say "5 ILBs up: $(ecmp_nexthops | tr -s '\n\t ' ' ')"
sync_runs 5 targeted broadcast || die "sync runs on 5 ILBs"
cleanup_ns
say "measurements done"

# --- tables ------------------------------------------------------------------------
$BC report "$RES" "$SHORT_SECS"
echo
echo "  $(uname -r), $(nproc) vCPU (qemu TCG), $((SECONDS - T0)) s in the VM"
echo "  reproduce: make bench-cluster   (= scripts/vm-run -t 1800 scripts/vm/bench-cluster.sh)"
rm -rf "$TMPD"
echo "ok 1 - cluster benchmark ran"
