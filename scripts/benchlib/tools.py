"""wrk, callgrind, strace and peak-memory (peakmem.py) runs, with their output parsed.

`one_connection` runs a program the way tcpsvd does (stdin and stdout a TCP socket,
the tcp-environ(5) variables set), so a streamer behaves as it does in service: it
sees a socket, throttles when told to, and uses TCP_CORK.
"""

import json
import os
import pwd
import re
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from .client import request
from .install import BenchError, need
from .settings import MIB, OUT, SERVICE_ENV

WRK_LUA = """done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"requests": %d, "bytes": %d, "duration_us": %d, "connect": %d, ' ..
    '"read": %d, "write": %d, "status": %d, "timeout": %d}\\n', summary.requests, summary.bytes,
    summary.duration, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def wrk(url, conns, seconds, threads=2, headers=("Connection: close",)):
    """wrk's summary of a run: requests, bytes, duration_us and error counts (errors:
    their sum)."""
    need("wrk:wrk")
    lua = OUT / "wrk-summary.lua"
    if not lua.exists() or lua.read_text() != WRK_LUA:
        lua.write_text(WRK_LUA)
    cmd = ["wrk", "-c", str(conns), "-t", str(threads), "-d", f"{seconds}s", "--timeout", "10s", "-s", str(lua)]
    for h in headers:
        cmd += ["-H", h]
    done = subprocess.run(cmd + [url], capture_output=True, text=True)
    for line in done.stdout.splitlines():
        if line.startswith("WRK "):
            got = json.loads(line[4:])
            got["errors"] = sum(got[k] for k in ("connect", "read", "write", "status", "timeout"))
            return got
    raise BenchError(f"wrk printed no summary: {done.stdout[-300:]} {done.stderr[-300:]}")


def one_connection(argv, path, env=None, mark=None, timeout=120.0, user=None):
    """Runs ARGV (as USER, when given) with stdin and stdout one end of a loopback TCP
    connection, sends GET PATH from the other end and reads the response (up to MARK
    body bytes, then closes; else to its end). Returns (exit status, body bytes read,
    head bytes)."""
    with socket.socket() as lsock:
        lsock.bind(("127.0.0.1", 0))
        lsock.listen(1)
        client = socket.create_connection(lsock.getsockname())
        conn, peer = lsock.accept()
    local = conn.getsockname()
    tcp_env = {"PROTO": "TCP", "TCPREMOTEIP": peer[0], "TCPREMOTEPORT": str(peer[1]),
               "TCPLOCALIP": local[0], "TCPLOCALPORT": str(local[1]), "TCPLOCALHOST": "localhost"}
    with conn:
        ids = {"user": user, "group": "nogroup", "extra_groups": []} if user else {}
        p = subprocess.Popen(argv, stdin=conn, stdout=conn, stderr=subprocess.DEVNULL,
                             env=dict(SERVICE_ENV, **tcp_env, **(env or {})), **ids)
    body, head, head_len = 0, b"", 0
    with client:
        client.settimeout(timeout)
        client.sendall(request(path))
        while True:
            chunk = client.recv(1 << 18)
            if not chunk:
                break
            if head is not None:
                head += chunk
                end = head.find(b"\r\n\r\n")
                if end < 0:
                    continue
                body, head_len, head = len(head) - end - 4, end + 4, None
            else:
                body += len(chunk)
            if mark is not None and body >= mark:
                break
    try:
        status = p.wait(timeout)
    except subprocess.TimeoutExpired:
        p.terminate()
        status = p.wait()
    return status, body, head_len


def _scratch(user):
    """A temporary directory USER can write to."""
    tmp = tempfile.TemporaryDirectory(dir=OUT)
    if user:
        entry = pwd.getpwnam(user)
        os.chown(tmp.name, entry.pw_uid, entry.pw_gid)
    return tmp


def callgrind(argv, path, env=None, mark=None, children=False, user=None):
    """Instructions callgrind counts (`totals`) for one request served by ARGV (see
    one_connection). children: follow execve (the count is then the last program's
    only: valgrind does not dump an image that execs)."""
    need("valgrind:valgrind")
    with _scratch(user) as tmp:
        out = Path(tmp) / "callgrind.out"
        vg = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", f"--log-file={Path(tmp) / 'log'}"]
        if children:
            vg.append("--trace-children=yes")
        one_connection(vg + [str(a) for a in argv], path, env, mark, user=user)
        try:
            m = re.search(r"^totals: (\d+)", out.read_text(), re.M)
        except OSError:
            m = None
        return int(m.group(1)) if m else None


def python_for(user):
    """A Python 3 that USER can run: Debian's /usr/bin/python3 when there (the bench's
    own may live under root's home), else this one."""
    return "/usr/bin/python3" if user and os.access("/usr/bin/python3", os.X_OK) else sys.executable


def peak_memory(argv, path, env=None, user=None):
    """{"peaks": {program: {"private": KiB, "anonymous": KiB, "samples": n}}, "exit": status}
    for one request served by ARGV (see one_connection) under peakmem.py, which finds
    each program image's peak private memory; None when it wrote nothing."""
    with _scratch(user) as tmp:
        script, out = Path(tmp) / "peakmem.py", Path(tmp) / "peak.json"
        script.write_bytes(Path(__file__).with_name("peakmem.py").read_bytes())
        one_connection([python_for(user), str(script), str(out)] + [str(a) for a in argv], path, env, user=user)
        try:
            return json.loads(out.read_text())
        except (OSError, ValueError):
            return None


def callgrind_plain(argv):
    """Instructions callgrind counts for ARGV run as a plain command (stdout discarded)."""
    need("valgrind:valgrind")
    with tempfile.TemporaryDirectory(dir=OUT) as tmp:
        out = Path(tmp) / "callgrind.out"
        done = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"] + [str(a) for a in argv],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        m = re.search(r"^totals: (\d+)", out.read_text(), re.M) if out.exists() else None
        return (int(m.group(1)) if m and done.returncode == 0 else None), done.stderr[-300:]


def strace_counts(argv, path, env=None, mark=None, user=None):
    """{"total": N, "calls": {name: count}} of the system calls `strace -f -c` counts for
    one request served by ARGV (following execve)."""
    need("strace:strace")
    with _scratch(user) as tmp:
        out = Path(tmp) / "strace"
        one_connection(["strace", "-f", "-c", "-o", str(out)] + [str(a) for a in argv], path, env, mark, user=user)
        calls = {}
        for line in out.read_text().splitlines():
            f = line.split()
            # % time, seconds, usecs/call, calls, [errors], syscall
            if len(f) >= 5 and f[0][0].isdigit() and f[-1] != "total":
                calls[f[-1]] = int(f[3])
        return {"total": sum(calls.values()), "calls": calls}


SEND = re.compile(r"^(?:\d+ +)?(write|writev|sendfile|sendmsg|sendto|pwritev2?|splice)\(1,.*\) += (\d+)")
CORK = re.compile(r"^(?:\d+ +)?setsockopt\(1, SOL_TCP, TCP_CORK, \[(\d)\]")


def sends_to_mark(argv, path, env=None, mark=MIB, user=None):
    """How the first MARK body bytes leave: {"calls": {name: n}, "cork": [values set],
    "bytes": bytes written, head included} up to the call that passes head + MARK, from `strace -f`
    (the head's size comes from the client's side)."""
    need("strace:strace")
    with _scratch(user) as tmp:
        out = Path(tmp) / "strace"
        trace = "trace=write,writev,sendfile,sendmsg,sendto,pwritev,pwritev2,splice,setsockopt"
        _, _, head_len = one_connection(["strace", "-f", "-s", "0", "-e", trace, "-o", str(out)]
                                        + [str(a) for a in argv], path, env, mark, user=user)
        calls, cork, written = {}, [], 0
        for line in out.read_text().splitlines():
            m = CORK.match(line)
            if m:
                cork.append(int(m.group(1)))
                continue
            m = SEND.match(line)
            if not m:
                continue
            calls[m.group(1)] = calls.get(m.group(1), 0) + 1
            written += int(m.group(2))
            if written >= head_len + mark:
                break
        return {"calls": calls, "cork": cork, "bytes": written}
