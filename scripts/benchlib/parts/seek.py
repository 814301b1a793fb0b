"""seek: `?start=` latency, nginx's mp4 module against Loomiere (issue 16's method)."""

from ..report import Result
from ..settings import MIB
from ..stats import MISSED, ms, ratio, times, verdict, commas
from .common import interleaved, medians, series, warm

SHORT = "long-2min.mp4"
SERVERS = [
    ("nginx", "nginx"),
    ("front", "**Loomiere (front)**"),
    ("direct", "loomiere-mp4 direct"),
    ("front_throttled", "Loomiere (front), `throttle = 20`"),
]


def run(bench):
    """seek: 2-hour and 2-minute `?start=` seeks, first byte and first MiB"""
    s = bench.settings
    film, short = bench.media(s.file), bench.media(SHORT)
    long_path, short_path = f"/{film.name}?start={s.start:g}", f"/{short.name}?start=60"
    entries = [(f"{name} long", bench.port(name), long_path) for name, _ in SERVERS]
    entries += [(f"{name} short", bench.port(name), short_path) for name in ("nginx", "front", "direct")]
    # Alike for all: two reads to the first MiB (the first seek of a film, through
    # Loomiere, also writes its sample index).
    warmed = warm(entries, times=2, until="mark")
    got = interleaved(s.runs, entries, bench.supervisors(entries), until="mark")
    med = {name: medians(f, MIB) for name, f in got.items()}
    res = Result("Seek latency")
    res.raw = {
        "runs": s.runs, "paths": [long_path, short_path],
        "content_length": {n: f.content_length for n, f in warmed.items()},
        "medians": med, "seconds": {n: series(f) for n, f in got.items()},
    }
    res.config = bench.describe(*[n for n, _ in SERVERS])
    res.text.append(
        f"`{long_path}` on `{film.name}` ({commas(film.stat().st_size)} bytes, 2 hours) and `{short_path}` "
        f"on `{short.name}` ({commas(short.stat().st_size)} bytes, the first 2 minutes of it, made by the "
        f"bench). One Python process times every request (`client.get`, sockets and "
        f"`time.perf_counter`) from `connect()` to the first response byte and to the "
        f"1,048,576th body byte, then closes. Median of {s.runs} requests each, taken in interleaved "
        "rounds (each round one request to each server, the first server moving by one each round; a "
        "request to Loomiere is followed by a wait until its process has exited), "
        "after two warm-up requests to each server alike (the first seek of a film through Loomiere "
        "writes its sample index into `index_dir`). Ratios are ours/nginx of the medians."
    )
    t = res.table("server", "request", "first byte", "first MiB", "ratio to nginx (first byte / first MiB)",
                  "body bytes (Content-Length)", "failed")
    for which, path in (("long", long_path), ("short", short_path)):
        for name, label in SERVERS:
            key = f"{name} {which}"
            if key not in med:
                continue
            m, n = med[key], med[f"nginx {which}"]
            cell = "" if name == "nginx" else f"{times(ratio(m['first_byte'], n['first_byte']))} / {times(ratio(m['at_mark'], n['at_mark']))}"
            t.add(label, f"`{path}`", ms(m["first_byte"]), ms(m["at_mark"]), cell,
                  commas(warmed[key].content_length), m["failed"])
    targets(res, med)
    return res


def targets(res, med):
    """Issue 16's seek rows."""
    def r(a, b, metric):
        return ratio(med[a][metric], med[b][metric])

    rows = [
        ("2-hour seek, time to first byte (front)", r("front long", "nginx long", "first_byte"), "≤ 0.8× nginx", 0.8),
        ("2-hour seek, time to the first MiB (front)", r("front long", "nginx long", "at_mark"), "≤ 0.8× nginx", 0.8),
        ("2-minute seek, time to the first MiB (front)", r("front short", "nginx short", "at_mark"), "≤ 1.2× nginx", 1.2),
    ]
    for measure, x, target, bound in rows:
        res.target(measure, times(x), target, verdict(x, "<=", bound))
    x = r("front_throttled long", "front long", "at_mark")
    res.target("throttled 2-hour seek (`throttle = 20`), first MiB against `throttle = 0`", times(x),
               "≤ 1.10× (within 10 %)", verdict(x, "<=", 1.10))
    d1, d2 = r("direct long", "nginx long", "first_byte"), r("direct long", "nginx long", "at_mark")
    res.notes.append(
        f"`loomiere-mp4` run directly (no front): first byte {times(d1)}, first MiB {times(d2)} nginx "
        f"(2-minute seek first MiB: {times(r('direct short', 'nginx short', 'at_mark'))}); the front's exec "
        f"costs {ms(_diff(med, 'front long', 'direct long'))} of first byte."
    )
    q = [times(r(a, b, m)) for a, b, m in (("front long", "nginx long", "first_byte_p25"),
                                          ("front long", "nginx long", "at_mark_p25"),
                                          ("front short", "nginx short", "at_mark_p25"),
                                          ("front_throttled long", "front long", "at_mark_p25"))]
    res.notes.append(
        "The same rows from the lower quartiles instead of the medians (less sensitive to the other work "
        f"on this machine, which delays a new process more than nginx's running worker): 2-hour first byte "
        f"{q[0]}, first MiB {q[1]}; 2-minute first MiB {q[2]}; throttled against unthrottled first MiB {q[3]}."
    )
    if any(t.verdict == MISSED for t in res.targets):
        res.notes.append("Where the time goes: see the `instructions` and `profile` parts (instructions, system calls, "
                         "the writes that carry the first MiB, instructions by function).")


def _diff(med, a, b):
    x, y = med[a]["first_byte"], med[b]["first_byte"]
    return None if x is None or y is None else x - y
