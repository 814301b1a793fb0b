"""startup: time to first byte of a small file, and the static binaries' sizes."""

from ..report import Result
from ..stats import MET, MISSED, commas, ms, ratio, times, verdict
from .common import interleaved, medians, series, warm

SERVERS = [
    ("nginx", "nginx"),
    ("front", "**Loomiere (front)**: fork, exec `loomiere-stream`, which serves the file itself"),
    ("file_direct", "`loomiere-file` directly: fork, one exec"),
    ("floor1", "floor, one exec (static C, 2-byte body)"),
    ("floor2", "floor, two execs"),
]
BINARIES = ["loomiere-stream", "loomiere-file", "loomiere-flv", "loomiere-mp4"]
LIMIT = 262144


def run(bench):
    """startup: /poster.jpg time to first and last byte; binary sizes"""
    s = bench.settings
    poster = bench.media("poster.jpg")
    entries = [(n, bench.port(n), "/poster.jpg" if not n.startswith("floor") else "/") for n, _ in SERVERS]
    warm(entries)
    got = interleaved(s.runs, entries, bench.supervisors(entries), until="end")
    med = {n: medians(f) for n, f in got.items()}
    res = Result("Start-up and binary size")
    res.raw = {"runs": s.runs, "medians": med, "seconds": {n: series(f) for n, f in got.items()}, "sizes": {}}
    res.config = bench.describe(*[n for n, _ in SERVERS])
    res.text.append(
        f"`/poster.jpg` ({commas(poster.stat().st_size)} bytes): from `connect()` to the first and the last "
        f"byte (one Python client, median of {s.runs} requests each, interleaved rounds, each request "
        "to a tcpsvd server followed by a wait until its process has exited). Loomiere pays a fork "
        "and one exec per image (the front serves plain files itself; an MP4 costs a second exec); "
        "nginx answers from a running worker. The floors answer `/` with a "
        "fixed 2-byte body."
    )
    t = res.table("server", "first byte", "last byte", "ratio to nginx (first byte)", "ratio to one-exec floor")
    for n, label in SERVERS:
        m = med[n]
        t.add(label, ms(m["first_byte"]), ms(m["last_byte"]),
              "" if n == "nginx" else times(ratio(m["first_byte"], med["nginx"]["first_byte"])),
              times(ratio(m["first_byte"], med["floor1"]["first_byte"])))
    sizes = res.table("binary", "bytes", "KiB", f"target ≤ {LIMIT:,} bytes")
    verdicts = []
    for b in BINARIES:
        path = bench.bins.path(b)
        if not path.exists():
            continue
        size = path.stat().st_size
        res.raw["sizes"][b] = size
        verdicts.append(verdict(size, "<=", LIMIT))
        sizes.add(f"`{b}`", commas(size), f"{size / 1024:.1f}", verdicts[-1])
    over = sum(v != MET for v in verdicts)
    res.target("each static binary ≤ 256 KiB (issue 5)", f"{over} of {len(verdicts)} over",
               "0 over", MET if verdicts and not over else MISSED)
    return res
