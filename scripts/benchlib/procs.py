"""The processes the bench starts (and only those), and /proc figures about them."""

import os
import signal
import subprocess
import time

from .install import BenchError, log

CLK_TCK = os.sysconf("SC_CLK_TCK")


class Processes:
    """Every process the bench started, so that each one (and nothing else) is
    stopped at the end, by its pid."""

    def __init__(self):
        self.live = []

    def start(self, argv, log_path=None, **kw):
        """Popen(argv) with stdout and stderr to LOG_PATH (or discarded)."""
        out = open(log_path, "wb") if log_path else subprocess.DEVNULL
        try:
            p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, **kw)
        finally:
            if log_path:
                out.close()
        self.live.append(p)
        return p

    def stop(self, p, sig=signal.SIGTERM, wait=5.0):
        """Signals P and waits for it (KILL after WAIT seconds)."""
        if p.poll() is None:
            p.send_signal(sig)
            try:
                p.wait(wait)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if p in self.live:
            self.live.remove(p)

    def stop_all(self):
        for p in list(reversed(self.live)):
            self.stop(p)


def children(pid):
    """The pids whose parent is PID (from /proc/PID/task/*/children)."""
    kids = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                kids.extend(int(k) for k in f.read().split())
    except OSError:
        pass
    return kids


def stat_fields(pid):
    """/proc/PID/stat's fields after the command name (field 3 onwards), or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def cpu_seconds(pids, waited=True):
    """User + system CPU seconds of PIDS, plus (waited) those of their children that
    they have waited for (cutime + cstime); gone pids count 0."""
    ticks = 0
    for pid in pids:
        f = stat_fields(pid)
        if f:
            # Fields 14-17 of proc(5): utime stime cutime cstime (index 11.. here).
            ticks += int(f[11]) + int(f[12]) + (int(f[13]) + int(f[14]) if waited else 0)
    return ticks / CLK_TCK


def voluntary_switches(pids):
    """Sum of voluntary_ctxt_switches of PIDS."""
    n = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches:"):
                        n += int(line.split()[1])
        except OSError:
            pass
    return n


def memory_kib(pid):
    """{"private": Private_Dirty + Anonymous, "pss", "rss"} in KiB from
    /proc/PID/smaps_rollup, or None when PID is gone."""
    got = {"private": 0, "pss": 0, "rss": 0}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key in ("Private_Dirty", "Anonymous"):
                    got["private"] += int(rest.split()[0])
                elif key in ("Pss", "Rss"):
                    got[key.lower()] = int(rest.split()[0])
    except OSError:
        return None
    return got


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def wait_children_gone(pid, seconds=5.0):
    """Waits up to SECONDS for PID to have no children; kills (and names) those left.
    Returns how many were left."""
    deadline = time.monotonic() + seconds
    while children(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = children(pid)
    for kid in left:
        log(f"left over, killed: {kid} {cmdline(kid)}")
        try:
            os.kill(kid, signal.SIGKILL)
        except OSError:
            pass
    if left:
        time.sleep(0.2)
    return len(left)


def wait_for_text(path, text, seconds=5.0, proc=None):
    """Waits until file PATH contains TEXT (or PROC exits); BenchError otherwise."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with open(path, "rb") as f:
                if text.encode() in f.read():
                    return
        except OSError:
            pass
        if proc is not None and proc.poll() is not None:
            break
        time.sleep(0.05)
    try:
        with open(path, errors="replace") as f:
            tail = f.read()[-400:]
    except OSError:
        tail = ""
    raise BenchError(f"no {text!r} in {path} after {seconds} s: {tail.strip()}")
