"""throttle: a VBR film fetched whole, throttled and not; docs/throttle.png."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from .. import client, servers
from ..install import BenchError, log, need
from ..procs import wait_children_gone
from ..report import Result
from ..settings import OUT, REPO, env_float
from ..stats import commas

HERE = Path(__file__).resolve().parents[1]
SYSTEM_PYTHON = "/usr/bin/python3"


def plot_python():
    """A Python that imports matplotlib: this one, else Debian's python3 (with
    python3-matplotlib installed when missing)."""
    for py in (sys.executable, SYSTEM_PYTHON):
        if subprocess.run([py, "-c", "import matplotlib"], capture_output=True).returncode == 0:
            return py
    need("python3-matplotlib")
    return SYSTEM_PYTHON


def run(bench):
    """throttle: a VBR film through tcpsvd, throttled and not, plotted"""
    ahead, rate = env_float("BENCH_THROTTLE", 20), env_float("BENCH_THROTTLE_RATE", 1)
    leave = env_float("BENCH_LEAVE", 30)
    film = bench.media(os.environ.get("BENCH_VBR_FILE") or "vbr.mp4")
    py = plot_python()
    log(f"throttle: about {80 / rate + leave / rate:.0f} s of streaming")
    modes = {"on": (ahead, 0), "leave": (ahead, leave / rate), "off": (0, 0)}
    got = {mode: stream(bench, film, mode, t, rate, after) for mode, (t, after) in modes.items()}
    need("ffprobe:ffmpeg")
    with open(OUT / "throttle-media.csv", "w") as f:
        subprocess.run(["ffprobe", "-v", "error", "-show_entries", "packet=stream_index,dts_time,size,pos",
                        "-of", "csv=p=0", str(film)], stdout=f, check=True)
    png = REPO / "docs" / "throttle.png"
    png.parent.mkdir(exist_ok=True)
    subprocess.run([py, str(HERE / "plot_throttle.py"), str(OUT), str(png), f"{ahead:g}", f"{rate:g}", f"{leave:g}"],
                   check=True)
    return summary(bench, film, got, ahead, rate, leave)


def stream(bench, film, mode, throttle, rate, leave_after):
    """One GET of FILM through a tcpsvd of its own: the timeline (OUT/throttle-MODE.csv),
    the access-log line, and the streamer's rusage (rusage.py between tcpsvd and it)."""
    port = bench.settings.port("throttle")
    conf = servers.write_config(OUT / "conf" / f"throttle-{mode}.conf", bench.settings.media,
                                throttle=f"{throttle:g}", throttle_rate=f"{rate:g}")
    usage_dir = OUT / "rusage"
    usage_dir.mkdir(exist_ok=True)
    uid, gid = servers.user_ids()
    os.chown(usage_dir, uid, gid)
    usage = usage_dir / f"{mode}.json"
    usage.unlink(missing_ok=True)
    servers.readable_by_user(HERE)
    argv = [SYSTEM_PYTHON, "-S", HERE / "rusage.py", usage, bench.bins.path("loomiere-stream")]
    server = servers.Tcpsvd(bench.procs, f"throttle-{mode}", port, argv, {"LOOMIERE_CONFIG": str(conf)}, 10)
    try:
        f = client.get(port, f"/{film.name}", until="end", record=True, leave_after=leave_after or None,
                       timeout=600)
        wait_children_gone(server.pid, 10)
    finally:
        bench.procs.stop(server.proc)
    with open(OUT / f"throttle-{mode}.csv", "w", newline="") as out:
        w = csv.writer(out)
        w.writerow(["seconds", "body_bytes"])
        w.writerows([f"{t:.4f}", b] for t, b in f.reads)
    line = next((l for l in reversed(server.log.read_text().splitlines()) if '" 200 ' in l), "")
    if not line:
        raise BenchError(f"throttle {mode}: no 200 in {server.log}")
    after = line.split('" 200 ', 1)[1].split()
    return {"reads": len(f.reads), "body_bytes": f.body_bytes, "wall_s": f.reads[-1][0] if f.reads else None,
            "log": line, "logged_bytes": int(after[0]), "log_notes": " ".join(after[2:]),
            "rusage": json.loads(usage.read_text()), "timeline": f.reads}


def bytes_by(timeline, t):
    return max((b for s, b in timeline if s <= t), default=0)


def summary(bench, film, got, ahead, rate, leave):
    res = Result("Throttling")
    res.raw = {"ahead": ahead, "rate": rate, "leave": leave,
               **{m: {k: v for k, v in g.items() if k != "timeline"} for m, g in got.items()}}
    res.config = [f"throttle: `loomiere-stream` with `throttle = {ahead:g}` / `0`, `throttle_rate = {rate:g}` "
                  f"(`target/bench/conf/throttle-*.conf`, port {bench.settings.port('throttle')}), "
                  "run through `scripts/benchlib/rusage.py` (fork + exec + wait4) for the streamer's own CPU"
                  ] + bench.common_config()
    res.text.append(
        f"The VBR film `{film.name}` ({commas(film.stat().st_size)} bytes; 40 s of still bars, then 40 s of noise) "
        "fetched whole by the bench's client, throttled, throttled with a viewer who leaves, and with "
        "`throttle = 0`. CPU is the streamer's own (user + system), wake-ups its voluntary context switches. "
        "Figure: `docs/throttle.png`. nginx has no figure here: it does not throttle."
    )
    labels = {"on": "throttled, watched to the end", "leave": f"throttled, viewer leaves after {leave:g} s",
              "off": "`throttle = 0`"}
    t = res.table("stream", f"bytes by {leave:g} s", "bytes sent (log)", "wall time", "CPU", "wake-ups")
    for mode, g in got.items():
        u = g["rusage"]
        t.add(labels[mode], commas(bytes_by(g["timeline"], leave / rate)),
              f"{commas(g['logged_bytes'])} `{g['log_notes']}`", f"{g['wall_s']:.1f} s",
              f"{(u['user_s'] + u['system_s']) * 1000:.1f} ms", u["voluntary_switches"])
    left, whole = got["leave"]["logged_bytes"], got["off"]["logged_bytes"]
    res.notes.append(f"A viewer who leaves after {leave:g} s costs {commas(left)} bytes throttled against "
                     f"{commas(whole)} unthrottled ({(1 - left / whole) * 100:.0f} % less). No figure target "
                     "for this part; the throttled seek's first MiB is a row of the seek part.")
    return res
