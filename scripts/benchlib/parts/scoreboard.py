"""scoreboard: what the scoreboard costs (scoreboard on against `scoreboard = off`):
an image's time to first byte through the front, and the server CPU of throttled
viewers; and how fast the monitor answers with those viewers open."""

import os
import time

from pathlib import Path

from ..procs import children, wait_children_gone
from ..report import Result
from ..servers import user_ids
from ..settings import env_float, env_int
from ..stats import median, ratio, times, verdict
from .common import interleaved, medians, warm
from .small import IMAGE
from .viewing import Viewers

# tmpfs, as the default /run/loomiere is: a shared file mapping on a disk file system
# would add the page cache's dirty tracking and writeback to every stream.
BOARD_DIR = Path(os.environ.get("BENCH_SB_DIR", "/run/loomiere-bench"))


def board():
    """A scoreboard path in a fresh directory the streamers' user owns (as the runit
    services make /run/loomiere)."""
    BOARD_DIR.mkdir(parents=True, exist_ok=True)
    for old in BOARD_DIR.iterdir():
        old.unlink()
    uid, gid = user_ids()
    os.chown(BOARD_DIR, uid, gid)
    os.chmod(BOARD_DIR, 0o755)
    return BOARD_DIR / "board"


def run(bench):
    """scoreboard: image first byte and throttled viewers' CPU, scoreboard on vs off; /metrics, /status.json"""
    s = bench.settings
    path = board()
    on = bench.loomiere("sb_on", s.port("sb_on"), scoreboard=path, throttle=0)
    off = bench.loomiere("sb_off", s.port("sb_off"), scoreboard="off", throttle=0)
    bench.media(IMAGE)
    try:
        entries = [("on", on.port, f"/{IMAGE}"), ("off", off.port, f"/{IMAGE}")]
        warm(entries)
        got = interleaved(s.runs, entries, supervisors={"on": on.pid, "off": off.pid})
    finally:
        bench.procs.stop(on.proc)
        bench.procs.stop(off.proc)
    ttfb = {name: medians(f) for name, f in got.items()}
    cpu, answers = viewers_cpu(bench, path)
    res = Result("Scoreboard overhead")
    res.raw = {"runs": s.runs, "ttfb": ttfb, "viewers": cpu, "monitor": answers}
    res.config = [f"`loomiere-stream` with `scoreboard = {path}` (on) or `scoreboard = off`, `throttle = 0` "
                  f"for the image, `throttle = {os.environ.get('BENCH_SB_THROTTLE', '4')}` for the viewers of "
                  f"`{os.environ.get('BENCH_SB_FILE', 'h264-aac.mp4')}`"] + bench.common_config()
    res.text.append(
        f"`/{IMAGE}` through the front, {s.runs} interleaved rounds (each round one request to each server, "
        "the next after the last one's process exited). Viewers: the same throttled streams once with the "
        "scoreboard and once without, server CPU (tcpsvd and every streamer: time on a CPU from "
        "/proc/PID/schedstat) over the same window; the scoreboard is on tmpfs (as /run/loomiere is); with them open (scoreboard on), `/metrics` and `/status.json` from `loomiere-monitor`."
    )
    t = res.table("measure", "scoreboard on", "off", "ratio")
    fb = ratio(ttfb["on"]["first_byte"], ttfb["off"]["first_byte"])
    t.add("image, median first byte", ms(ttfb["on"]["first_byte"]), ms(ttfb["off"]["first_byte"]), times(fb, 3))
    cr = ratio(cpu["on"]["cpu_percent"], cpu["off"]["cpu_percent"])
    t.add(f"{cpu['n']} throttled viewers, server CPU", f"{cpu['on']['cpu_percent']:.2f} %",
          f"{cpu['off']['cpu_percent']:.2f} %", times(cr, 3))
    for page, secs in answers.items():
        t.add(f"`{page}` with {cpu['n']} open, median last byte", ms(secs), "-", "-")
    res.target("image first byte, scoreboard on / off", times(fb, 3), "≤ 1.03×", verdict(fb, "<=", 1.03))
    res.target(f"{cpu['n']} throttled viewers' CPU, on / off", times(cr, 3), "≤ 1.03×", verdict(cr, "<=", 1.03))
    slowest = max(answers.values())
    res.target(f"/metrics and /status.json with {cpu['n']} viewers open", ms(slowest), "≤ 50 ms",
               verdict(slowest, "<=", 0.050))
    if cpu["n"] < 2000:
        res.notes.append(f"This run had {cpu['n']} viewers, not the 2000 the target names "
                         "(`BENCH_SB_VIEWERS=2000`).")
    return res


def viewers_cpu(bench, path):
    """BENCH_SB_VIEWERS (200) throttled viewers of BENCH_SB_FILE (h264-aac.mp4, with
    `throttle = BENCH_SB_THROTTLE`, 4, so it stays throttled) for BENCH_SB_SECONDS (25), on then
    off; with them open (on), the monitor's pages, BENCH_RUNS times each."""
    n, secs = env_int("BENCH_SB_VIEWERS", 200), env_float("BENCH_SB_SECONDS", 25)
    film = bench.media(os.environ.get("BENCH_SB_FILE", "h264-aac.mp4"))
    out, answers = {"n": n, "seconds": secs}, {}
    for mode in ("on", "off"):
        port = bench.settings.port(f"sb_{mode}")
        board_key = path if mode == "on" else "off"
        server = bench.loomiere(f"sb_viewers_{mode}", port, maxconn=n + 50, scoreboard=board_key, throttle=os.environ.get("BENCH_SB_THROTTLE", "4"))
        try:
            t0 = time.monotonic()
            viewers = Viewers(port, f"/{film.name}", n, secs)
            viewers.wait_ready(max(secs, 300))
            pids = [server.pid] + children(server.pid)
            c0, w0 = cpu_ns(pids), time.monotonic()
            if mode == "on":
                answers = monitor_pages(bench, path)
            time.sleep(max(1.0, secs - (time.monotonic() - t0) - 3))
            c1, w1 = cpu_ns(pids), time.monotonic()
            viewers.finish()
        finally:
            wait_children_gone(server.pid, 10)
            bench.procs.stop(server.proc)
        out[mode] = {"cpu_percent": (c1 - c0) / 1e9 / (w1 - w0) * 100, "window_s": w1 - w0}
    return out, answers


def cpu_ns(pids):
    """Nanoseconds on a CPU of PIDS so far (/proc/PID/schedstat, field 1: exact, where
    /proc/PID/stat's clock ticks round each short-lived streamer's share down to 0)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/schedstat") as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


def monitor_pages(bench, path):
    """Median last byte of `/metrics` and `/status.json` from a monitor on `path`."""
    s = bench.settings
    mon = bench.loomiere("sb_monitor", s.port("sb_monitor"), program="loomiere-monitor", scoreboard=path)
    try:
        entries = [("/metrics", mon.port, "/metrics"), ("/status.json", mon.port, "/status.json")]
        warm(entries)
        got = interleaved(min(s.runs, 21), entries, supervisors={"/metrics": mon.pid, "/status.json": mon.pid})
    finally:
        bench.procs.stop(mon.proc)
    return {page: median(f.last_byte for f in fetches) for page, fetches in got.items()}


def ms(seconds):
    return "-" if seconds is None else f"{seconds * 1000:.3f} ms"
