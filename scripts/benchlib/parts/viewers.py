"""viewers: many throttled viewers at once: server CPU, memory, streams behind."""

import time

from ..procs import children, cpu_seconds, memory_kib, wait_children_gone
from ..report import Result
from ..settings import env_float, env_int
from ..stats import all_met, verdict
from .memory import _keys_note, throttle_keys
from .viewing import Viewers


def run(bench):
    """viewers: BENCH_VIEWERS throttled streams: CPU of one core, none behind"""
    n, secs = env_int("BENCH_VIEWERS", 200), env_float("BENCH_VIEWERS_SECONDS", 30)
    s = bench.settings
    film = bench.media(s.file)
    path, port = f"/{film.name}?start={s.start:g}", s.port("viewers")
    server = bench.loomiere("viewers", port, maxconn=n + 50, **throttle_keys())
    try:
        t_start = time.monotonic()
        viewers = Viewers(port, path, n, secs)
        viewers.wait_ready(max(secs, 300))
        kids = children(server.pid)
        c0, w0 = cpu_seconds([server.pid] + kids), time.monotonic()
        mem = [m for m in (memory_kib(k) for k in kids) if m]
        # The window ends 3 s before the viewers do.
        time.sleep(max(1.0, secs - (time.monotonic() - t_start) - 3))
        c1, w1 = cpu_seconds([server.pid] + kids), time.monotonic()
        alive = sum(1 for k in kids if memory_kib(k))
        rows = viewers.finish()
    finally:
        wait_children_gone(server.pid, 10)
        bench.procs.stop(server.proc)
    cpu = (c1 - c0) / (w1 - w0) * 100
    behind = sum(1 for r in rows if r["late_gaps"] > 0 or r["status"] != "200" or r["closed_early"])
    stalled = sum(1 for r in rows if r["max_gap"] >= 20)
    gap = max((r["max_gap"] for r in rows), default=None)
    res = Result("Many viewers")
    res.raw = {"viewers": n, "seconds": secs, "window_s": w1 - w0, "cpu_percent": cpu, "streamers": len(kids),
               "alive_at_end": alive, "pss_kib": sum(m["pss"] for m in mem),
               "private_kib": sum(m["private"] for m in mem), "behind": behind, "stalled": stalled,
               "max_gap_s": gap, "streams": rows}
    res.config = [f"viewers: `loomiere-stream`, the shipped throttle settings{_keys_note()} "
                  f"(`target/bench/conf/viewers.conf`, `-c {n + 50}`, port {port})"] + bench.common_config()
    res.text.append(
        f"{n} throttled streams of `{path}` for {secs:g} s; one Python client (a child process of the bench, "
        "one selector) reads every socket as data comes. Server CPU: the streamers' and tcpsvd's user + "
        "system ticks over the window (from 3 s after every stream had its head to 3 s before the end; "
        "100 % = one core). Behind: a silence of over 1 s after the burst, or not 200, or closed; stalled: "
        "a silence of 20 s or more. nginx has no figure here: it does not throttle."
    )
    t = res.table("streams", "window", "server CPU", "total Pss", "private", "behind", "stalled", "longest silence")
    t.add(n, f"{w1 - w0:.1f} s", f"{cpu:.1f} %", f"{res.raw['pss_kib'] // 1024:,} MiB",
          f"{res.raw['private_kib'] // 1024:,} MiB", behind, stalled, f"{gap:.3f} s" if gap is not None else "-")
    v = all_met([verdict(cpu, "<", 50), verdict(behind, "==", 0)])
    res.target(f"{n} throttled viewers: server CPU, streams behind", f"{cpu:.1f} % of a core, {behind} behind",
               "< 50 % of one core, none behind (for 2000 viewers)", v)
    if n < 2000 or w1 - w0 < 60:
        res.notes.append(f"This run had {n} streams over a {w1 - w0:.0f} s window, not the 2000 over 60 s the "
                         "target names (`BENCH_VIEWERS=2000 BENCH_VIEWERS_SECONDS=135`).")
    return res
