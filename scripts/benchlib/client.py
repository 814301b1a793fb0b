"""The one timed HTTP client of the bench: plain sockets and time.perf_counter.

Every figure of time counts from just before connect() (so neither a client's start-up
nor DNS is in it) to the first byte of the response, to the moment the MARK-th body
byte (1,048,576 by default) arrives, and to the last byte (end of stream) when the
client reads that far. The same parser (`Response`) serves the many-viewer pool.
"""

import selectors
import socket
import time
from dataclasses import dataclass, field

from .settings import MIB

HOST = "127.0.0.1"
BUFFER = 1 << 18


def request(path, headers=(), close=True):
    """The bytes of `GET PATH HTTP/1.1` with Host (and `Connection: close`)."""
    lines = [f"GET {path} HTTP/1.1", f"Host: {HOST}"]
    if close:
        lines.append("Connection: close")
    lines.extend(headers)
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@dataclass
class Response:
    """A response read incrementally: the head, then a count of body bytes."""

    head: bytes = b""
    body_bytes: int = -1  # -1 until the head is complete
    status: str = "none"

    @property
    def has_head(self):
        return self.body_bytes >= 0

    def header(self, name):
        """The value of the first header NAME (case-insensitive), or None."""
        want = name.lower().encode() + b":"
        for line in self.head.split(b"\r\n")[1:]:
            if line.lower().startswith(want):
                return line[len(want) :].strip().decode(errors="replace")
        return None

    def feed(self, chunk):
        """Adds CHUNK (bytes or a memoryview) read from the socket."""
        if self.body_bytes >= 0:
            self.body_bytes += len(chunk)
            return
        self.head += bytes(chunk)
        end = self.head.find(b"\r\n\r\n")
        if end >= 0:
            self.body_bytes = len(self.head) - end - 4
            self.head = self.head[:end]
            parts = self.head.split(b" ", 2)
            self.status = parts[1].decode(errors="replace") if len(parts) > 1 else "none"


@dataclass
class Fetch:
    """One timed GET: seconds from connect() to each event (None: not reached)."""

    status: str
    body_bytes: int
    first_byte: float = None
    at_mark: float = None
    last_byte: float = None
    error: str = None
    reads: list = field(default_factory=list)  # (seconds, body bytes) when asked for
    content_length: int = None

    def ok(self, mark=None):
        """True for a 200 with at least MARK body bytes (if given)."""
        return self.status == "200" and self.error is None and (mark is None or self.body_bytes >= mark)


def get(port, path, mark=MIB, until="end", headers=(), leave_after=None, record=False, timeout=120.0):
    """GET PATH on 127.0.0.1:PORT, timed with perf_counter from connect().

    until: "mark" closes the connection once MARK body bytes have come (the rest is
    not read), "end" reads to the end of the stream. leave_after: seconds after which
    the client closes (a viewer who leaves). record: keep (seconds, body bytes) after
    every read in Fetch.reads."""
    req = request(path, headers)
    buf = bytearray(BUFFER)
    view = memoryview(buf)
    resp = Response()
    out = Fetch(status="none", body_bytes=0)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.settimeout(0.05 if leave_after else timeout)
        t0 = time.perf_counter()
        sock.connect((HOST, port))
        sock.sendall(req)
        while True:
            try:
                n = sock.recv_into(buf)
            except socket.timeout:
                if leave_after and time.perf_counter() - t0 >= leave_after:
                    break
                if not leave_after:
                    out.error = "timeout"
                    break
                continue
            now = time.perf_counter() - t0
            if n == 0:
                out.last_byte = now
                break
            if out.first_byte is None:
                out.first_byte = now
            resp.feed(view[:n])
            if record and resp.has_head:
                out.reads.append((now, resp.body_bytes))
            if out.at_mark is None and resp.body_bytes >= mark:
                out.at_mark = now
                if until == "mark":
                    break
            if leave_after and now >= leave_after:
                break
    except OSError as e:
        out.error = f"{type(e).__name__}: {e}"
    finally:
        sock.close()
    out.status, out.body_bytes = resp.status, max(resp.body_bytes, 0)
    length = resp.header("Content-Length")
    out.content_length = int(length) if length and length.isdigit() else None
    return out


@dataclass
class Viewer:
    """One stream of a ViewerPool: what came, and its silences after the burst."""

    sock: socket.socket
    resp: Response = field(default_factory=Response)
    head_at: float = 0.0
    last: float = 0.0
    gap: float = 0.0  # the longest silence from 3 s after the head
    late: int = 0  # silences over 1 s in that time
    open: bool = True

    def silence(self, now):
        calm = self.head_at + 3
        if now > calm:
            g = now - max(self.last, calm)
            self.gap = max(self.gap, g)
            self.late += g > 1


class ViewerPool:
    """N connections reading PATH as data comes (a player at real time: the server's
    throttle sets the pace), all in this process with one selector."""

    def __init__(self, port, path):
        self.port, self.req = port, request(path, close=False)
        self.sel, self.viewers = selectors.DefaultSelector(), []
        self.t0 = time.perf_counter()
        self.headed, self.all_headed_at = 0, None
        self.buf = bytearray(1 << 16)

    def now(self):
        return time.perf_counter() - self.t0

    def open(self, n):
        """Connects N viewers one by one, reading what has come in between."""
        for _ in range(n):
            s = socket.create_connection((HOST, self.port))
            s.sendall(self.req)
            s.setblocking(False)
            v = Viewer(sock=s)
            self.viewers.append(v)
            self.sel.register(s, selectors.EVENT_READ, v)
            self.pump(0)

    def pump(self, timeout):
        """Reads whatever is ready within TIMEOUT seconds."""
        for key, _ in self.sel.select(timeout):
            v = key.data
            try:
                n = v.sock.recv_into(self.buf)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                n = 0
            now = self.now()
            if n == 0:
                self.sel.unregister(v.sock)
                v.sock.close()
                v.open = False
                continue
            had_head = v.resp.has_head
            v.resp.feed(memoryview(self.buf)[:n])
            if not had_head:
                if v.resp.has_head:
                    v.head_at = v.last = now
                    self.headed += 1
                    if self.headed == len(self.viewers):
                        self.all_headed_at = now
                continue
            v.silence(now)
            v.last = now

    def run_until(self, seconds, ready=None, stop=None):
        """Pumps until SECONDS after the pool's start, or until stop() is true; calls
        ready() once, 3 s after every stream has its head."""
        called = False
        while self.now() < seconds and not (stop and stop()):
            if ready and not called and self.all_headed_at is not None and self.now() - self.all_headed_at >= 3:
                ready()
                called = True
            self.pump(0.1)

    def close(self):
        """Closes every stream; returns one dict per viewer."""
        now, rows = self.now(), []
        for v in self.viewers:
            if v.open and v.resp.has_head:
                v.silence(now)
            rows.append(
                {
                    "body_bytes": max(v.resp.body_bytes, 0),
                    "head_at": round(v.head_at, 3),
                    "max_gap": round(v.gap, 3),
                    "late_gaps": v.late,
                    "status": v.resp.status,
                    "closed_early": not v.open,
                }
            )
            if v.open:
                v.sock.close()
        return rows
