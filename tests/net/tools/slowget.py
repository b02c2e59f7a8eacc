#!/usr/bin/env python3
"""Many slow HTTP downloads at once, each checked byte for byte.

  slowget.py [options] HOST PORT PATH

Opens N connections together (one process, non-blocking sockets and
selectors), sends each "GET PATH HTTP/1.0" with "Connection: close", and
reads every response at most RATE bytes per second (small recv()s, then the
connection waits its turn; a small receive buffer makes TCP flow control
hold the server back too, so the transfer really lasts). Each body is
checked against the expected sha256. Prints a summary:

  started N, completed N, byte-exact N, failed N
  one line per failure: the connection, its local port and the reason:
    connect  the connection could not be opened (refused, unreachable)
    reset    the connection was reset
    timeout  the overall deadline passed first
    short    EOF before Content-Length bytes, or a bad or non-200 response
    checksum the body's sha256 differs
  duration min/median/max of the completed downloads

--json prints one JSON object instead. Exits 0 only if all N downloads
completed byte-exact, 1 otherwise, 2 on bad usage.
"""
import argparse
import errno
import hashlib
import json
import selectors
import socket
import statistics
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(
        description="N parallel rate-limited HTTP GETs with sha256 checks")
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("path")
    p.add_argument("-n", "--count", type=int, default=1,
                   help="parallel connections (default 1)")
    p.add_argument("--rate", type=float, default=0,
                   help="most bytes per second read per connection "
                        "(default 0: unlimited)")
    p.add_argument("--chunk", type=int, default=0,
                   help="most bytes per recv (default rate/20, 512..16384)")
    p.add_argument("--rcvbuf", type=int, default=-1,
                   help="SO_RCVBUF of each socket (default 16384 with "
                        "--rate, else the system's; 0: the system's)")
    p.add_argument("--deadline", type=float, default=120,
                   help="seconds for everything (default 120)")
    p.add_argument("--sha", help="expected sha256 of each body (hex)")
    p.add_argument("--sha-of", metavar="FILE",
                   help="expect the sha256 of this file's content")
    p.add_argument("--sport-base", type=int, default=0,
                   help="bind connection i to local port SPORT_BASE+i")
    p.add_argument("--bind", default="0.0.0.0",
                   help="local address (default any)")
    p.add_argument("--spread", type=float, default=0,
                   help="seconds over which to open the connections "
                        "(default 0: all at once)")
    p.add_argument("--json", action="store_true",
                   help="print the summary as one JSON object")
    a = p.parse_args()
    if a.count < 1:
        p.error("--count must be at least 1")
    if a.sport_base and not 0 < a.sport_base <= 65536 - a.count:
        p.error("--sport-base: ports SPORT_BASE..SPORT_BASE+N-1 must be valid")
    if a.sha and a.sha_of:
        p.error("give --sha or --sha-of, not both")
    if a.sha_of:
        with open(a.sha_of, "rb") as f:
            a.sha = hashlib.sha256(f.read()).hexdigest()
    if a.sha:
        a.sha = a.sha.lower()
    if not a.chunk:
        a.chunk = min(16384, max(512, int(a.rate / 20))) if a.rate else 65536
    if a.rcvbuf < 0:
        a.rcvbuf = 16384 if a.rate else 0
    return a


class Conn:
    def __init__(self, idx, sport):
        self.idx = idx
        self.sport = sport
        self.sock = None
        self.t0 = None          # when connect() started
        self.t_end = None
        self.t_body = None      # when the rate limit starts counting
        self.state = "new"      # new, connecting, sending, reading, done
        self.req = b""
        self.head = b""
        self.status = None
        self.clen = None
        self.body_len = 0
        self.read_total = 0     # bytes read, headers included
        self.sha = hashlib.sha256()
        self.result = None      # ok, connect, reset, timeout, short, checksum
        self.detail = ""
        self.wake = 0.0         # rate limit: not before this time
        self.registered = None  # selector events now registered

    def label(self):
        return "conn %d (local port %s)" % (self.idx, self.sport or "?")


class SlowGet:
    def __init__(self, a):
        self.a = a
        self.sel = selectors.DefaultSelector()
        self.conns = [Conn(i, a.sport_base + i if a.sport_base else None)
                      for i in range(a.count)]
        self.start = time.monotonic()
        self.deadline = self.start + a.deadline
        self.left = a.count

    def events(self, c, ev):
        """Register c for ev (0 = not at all)."""
        if ev == c.registered:
            return
        if c.registered:
            if ev:
                self.sel.modify(c.sock, ev, c)
            else:
                self.sel.unregister(c.sock)
        elif ev:
            self.sel.register(c.sock, ev, c)
        c.registered = ev or None

    def finish(self, c, result, detail=""):
        if c.state == "done":
            return
        c.state = "done"
        c.result = result
        c.detail = detail
        c.t_end = time.monotonic()
        if c.sock is not None:
            self.events(c, 0)
            c.sock.close()
        self.left -= 1

    def fail_os(self, c, e):
        if isinstance(e, (ConnectionResetError, ConnectionAbortedError,
                          BrokenPipeError)) or \
                getattr(e, "errno", None) in (errno.ECONNRESET, errno.EPIPE):
            self.finish(c, "reset", str(e))
        elif getattr(e, "errno", None) == errno.ETIMEDOUT:
            self.finish(c, "timeout", str(e))
        elif c.state == "connecting":
            self.finish(c, "connect", str(e))
        else:
            self.finish(c, "short", "%s after %d body bytes" %
                        (e, c.body_len))

    def open(self, c):
        a = self.a
        c.t0 = time.monotonic()
        try:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        except OSError as e:
            self.finish(c, "connect", str(e))
            return
        c.sock = s
        try:
            if a.rcvbuf:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, a.rcvbuf)
            if c.sport or a.bind != "0.0.0.0":
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind((a.bind, c.sport or 0))
            s.setblocking(False)
            rc = s.connect_ex((a.host, a.port))
        except OSError as e:
            self.finish(c, "connect", str(e))
            return
        if not c.sport:
            try:
                c.sport = s.getsockname()[1]
            except OSError:
                pass
        if rc not in (0, errno.EINPROGRESS):
            self.finish(c, "connect", "connect: %s"
                        % errno.errorcode.get(rc, rc))
            return
        host = a.host if a.port == 80 else "%s:%d" % (a.host, a.port)
        c.req = ("GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n"
                 "User-Agent: slowget\r\n\r\n" % (a.path, host)).encode()
        c.state = "connecting"
        self.events(c, selectors.EVENT_WRITE)

    def on_write(self, c):
        if c.state == "connecting":
            err = c.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                self.fail_os(c, OSError(err, "connect: %s"
                                        % errno.errorcode.get(err, err)))
                return
            c.state = "sending"
        try:
            n = c.sock.send(c.req)
        except BlockingIOError:
            return
        except OSError as e:
            self.fail_os(c, e)
            return
        c.req = c.req[n:]
        if not c.req:
            c.state = "reading"
            c.t_body = time.monotonic()
            self.events(c, selectors.EVENT_READ)

    def allowance(self, c, now):
        """Bytes c may read now: RATE per second since the request went
        out, plus one chunk of burst."""
        if not self.a.rate:
            return self.a.chunk
        allowed = self.a.rate * (now - c.t_body) + self.a.chunk
        return int(allowed) - c.read_total

    def on_read(self, c, now):
        want = min(self.a.chunk, self.allowance(c, now))
        if want <= 0:
            self.pause(c, now)
            return
        try:
            data = c.sock.recv(want)
        except BlockingIOError:
            return
        except OSError as e:
            self.fail_os(c, e)
            return
        if not data:
            self.eof(c)
            return
        c.read_total += len(data)
        if c.status is None:
            c.head += data
            end = c.head.find(b"\r\n\r\n")
            if end < 0:
                if len(c.head) > 65536:
                    self.finish(c, "short", "no end of headers")
                return
            data = c.head[end + 4:]
            if not self.parse_head(c, c.head[:end]):
                return
            c.head = b""
        c.body_len += len(data)
        c.sha.update(data)
        if c.clen is not None and c.body_len > c.clen:
            self.finish(c, "short", "%d body bytes, more than Content-Length %d"
                        % (c.body_len, c.clen))
            return
        if self.allowance(c, time.monotonic()) <= 0:
            self.pause(c, time.monotonic())

    def parse_head(self, c, head):
        lines = head.split(b"\r\n")
        parts = lines[0].split(None, 2)
        try:
            c.status = int(parts[1])
        except (IndexError, ValueError):
            self.finish(c, "short", "bad status line %r" % lines[0][:80])
            return False
        if c.status != 200:
            self.finish(c, "short", "HTTP status %d" % c.status)
            return False
        for ln in lines[1:]:
            k, _, v = ln.partition(b":")
            if k.strip().lower() == b"content-length":
                try:
                    c.clen = int(v.strip())
                except ValueError:
                    self.finish(c, "short", "bad Content-Length")
                    return False
        return True

    def pause(self, c, now):
        """Out of allowance: sleep until a quarter chunk is due again."""
        due = c.read_total - self.a.chunk + max(1, self.a.chunk // 4)
        c.wake = max(c.t_body + due / self.a.rate, now + 0.001)
        self.events(c, 0)

    def eof(self, c):
        if c.status is None:
            self.finish(c, "short", "EOF before the end of the headers")
        elif c.clen is not None and c.body_len != c.clen:
            self.finish(c, "short", "EOF after %d of %d body bytes"
                        % (c.body_len, c.clen))
        elif self.a.sha and c.sha.hexdigest() != self.a.sha:
            self.finish(c, "checksum", "sha256 %s, %d bytes"
                        % (c.sha.hexdigest(), c.body_len))
        else:
            self.finish(c, "ok")

    def run(self):
        a = self.a
        pending = list(self.conns)
        step = a.spread / a.count if a.spread else 0
        next_open = self.start
        while self.left:
            now = time.monotonic()
            if now >= self.deadline:
                break
            while pending and now >= next_open:
                self.open(pending.pop(0))
                next_open += step
            # Wake connections whose rate-limit pause is over.
            wake = self.deadline
            for c in self.conns:
                if c.state == "reading" and not c.registered:
                    if c.wake <= now:
                        self.events(c, selectors.EVENT_READ)
                    else:
                        wake = min(wake, c.wake)
            if pending:
                wake = min(wake, next_open)
            if not self.sel.get_map():
                time.sleep(max(0, min(wake, self.deadline) - now))
                continue
            for key, ev in self.sel.select(max(0, wake - now)):
                c = key.data
                if c.state == "done":
                    continue
                if ev & selectors.EVENT_WRITE and c.state in ("connecting",
                                                              "sending"):
                    self.on_write(c)
                elif ev & selectors.EVENT_READ and c.state == "reading":
                    self.on_read(c, time.monotonic())
        for c in self.conns:
            if c.state != "done":
                self.finish(c, "timeout", "deadline while %s, %d of %s "
                            "body bytes" % (c.state, c.body_len,
                                            c.clen if c.clen is not None
                                            else "?"))

    def summary(self):
        done = [c for c in self.conns if c.result == "ok"]
        failed = [c for c in self.conns if c.result != "ok"]
        dur = sorted(c.t_end - c.t0 for c in done)
        reasons = {}
        for c in failed:
            reasons[c.result] = reasons.get(c.result, 0) + 1
        # completed: the whole body arrived (the checksum may still differ)
        completed = len(done) + reasons.get("checksum", 0)
        return {
            "started": sum(1 for c in self.conns if c.t0 is not None),
            "completed": completed,
            "exact": len(done),
            "failed": len(failed),
            "reasons": reasons,
            "failures": ["%s: %s: %s" % (c.label(), c.result, c.detail)
                         for c in failed],
            "bytes": sum(c.body_len for c in self.conns),
            "dur_min": round(dur[0], 3) if dur else None,
            "dur_median": round(statistics.median(dur), 3) if dur else None,
            "dur_max": round(dur[-1], 3) if dur else None,
            "elapsed": round(time.monotonic() - self.start, 3),
        }


def main():
    a = parse_args()
    g = SlowGet(a)
    g.run()
    s = g.summary()
    if a.json:
        print(json.dumps(s, sort_keys=True))
    else:
        print("started %d, completed %d, byte-exact %d, failed %d"
              % (s["started"], s["completed"], s["exact"], s["failed"]))
        for f in s["failures"]:
            print("  " + f)
        if s["dur_min"] is not None:
            print("duration min %.3f s, median %.3f s, max %.3f s"
                  % (s["dur_min"], s["dur_median"], s["dur_max"]))
    return 0 if s["exact"] == a.count else 1


if __name__ == "__main__":
    sys.exit(main())
