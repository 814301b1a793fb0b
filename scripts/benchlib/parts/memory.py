"""memory: private memory per throttled stream, after the burst."""

import os
import time

from ..media import moov_bytes
from ..procs import children, cmdline, memory_kib, wait_children_gone
from ..report import Result
from ..settings import env_int
from ..stats import all_met, commas, kib, median, ratio, times, verdict
from .viewing import Viewers

SHORT = "long-2min.mp4"
LIMIT_KIB = 256


def throttle_keys():
    """The throttle keys of a throttled server: the shipped `throttle = 20` unless
    BENCH_THROTTLE says otherwise, and BENCH_THROTTLE_RATE when given."""
    keys = {}
    if os.environ.get("BENCH_THROTTLE"):
        keys["throttle"] = os.environ["BENCH_THROTTLE"]
    if os.environ.get("BENCH_THROTTLE_RATE"):
        keys["throttle_rate"] = os.environ["BENCH_THROTTLE_RATE"]
    return keys


def run(bench):
    """memory: Private_Dirty + Anonymous per streamer, 2-hour and 2-minute seeks"""
    n = env_int("BENCH_STREAMS", 50)
    s = bench.settings
    cases = [(bench.media(s.file), f"?start={s.start:g}"), (bench.media(SHORT), "?start=60")]
    res = Result("Memory per stream")
    res.config = [f"memory: `loomiere-stream`, the shipped throttle settings{_keys_note()} "
                  f"(`target/bench/conf/memory.conf`, port {s.port('memory')})"] + bench.common_config()
    t = res.table("request", "file", "streamers", "private median / max", "Pss median", "nginx (moov)",
                  "ours/nginx (median)")
    verdicts, figures = [], []
    for film, query in cases:
        got = measure(bench, f"/{film.name}{query}", n)
        moov = moov_bytes(film) / 1024
        res.raw[film.name] = {**got, "moov_kib": moov, "file_bytes": film.stat().st_size}
        priv = [m["private"] for m in got["streamers"]]
        med, top = median(priv), max(priv) if priv else None
        figures.append(f"{commas(med)} / {commas(top)}")
        verdicts += [verdict(med, "<=", LIMIT_KIB), verdict(top, "<=", LIMIT_KIB)]
        t.add(f"`/{film.name}{query}`", f"{film.stat().st_size / 1e6:.1f} MB", len(priv),
              f"{commas(med)} / {kib(top)}", kib(median(m["pss"] for m in got["streamers"])), kib(moov),
              times(ratio(med, moov)))
    res.text.append(
        f"{n} concurrent streams of each request through tcpsvd; the clients read what arrives, so after "
        "the burst each streamer sits in its throttled loop. Per `loomiere-mp4`, from "
        "`/proc/PID/smaps_rollup`: \"private\" is `Private_Dirty + Anonymous` (as issue 5 asks; the two "
        "mostly count the same pages), Pss the share really owned. nginx holds the whole `moov` per "
        "request (`ngx_http_mp4_module` reads it into one buffer): its figure is the moov's size, not a "
        "measurement."
    )
    res.target("memory per stream, private median and max (2-hour and 2-minute seeks)",
               f"2-hour {figures[0]}, 2-minute {figures[1]} KiB (median / max)", "≤ 256 KiB", all_met(verdicts))
    return res


def _keys_note():
    keys = throttle_keys()
    return "".join(f", `{k} = {v}`" for k, v in keys.items())


def measure(bench, path, n):
    """N throttled streams of PATH; the memory of each streamer once all are in their
    throttled loop."""
    port = bench.settings.port("memory")
    server = bench.loomiere("memory", port, maxconn=n + 20, **throttle_keys())
    try:
        viewers = Viewers(port, path, n, 120)
        viewers.wait_ready(90)
        time.sleep(2)
        rows = []
        for pid in children(server.pid):
            m = memory_kib(pid)
            if m and "loomiere-mp4" in cmdline(pid):
                rows.append(m)
        viewers.finish(stop=True)
    finally:
        wait_children_gone(server.pid, 10)
        bench.procs.stop(server.proc)
    return {"path": path, "streams": n, "streamers": rows}
