"""hls: playlists and segments of the 2-hour film, nginx-vod-module against Loomiere
(issue 12's "Speed and memory")."""

import os

from .. import servers, tools
from ..install import log
from ..report import Result
from ..settings import OUT, env_int
from ..stats import MISSED, NO_FIGURE, commas, kib, ms, ratio, times, verdict
from .common import interleaved, medians, series, warm

SHORT = "long-2min.mp4"
LIMIT_KIB = 256


def requests(film, n):
    """(entry name, server, path, what) of every timed request. nginx-vod muxes its
    renditions (`-v1-a1`: video and audio in one playlist and one segment); ours are
    demuxed, so our video rendition is what the targets compare, our audio one is
    reported, and nginx-vod's own video-only variant (`-v1`) is shown beside."""
    f = film.name
    return [
        ("nginx_vod playlist", "nginx_vod", f"/hls/{f}/index-v1-a1.m3u8", "media playlist, video + audio"),
        ("nginx_vod playlist-v", "nginx_vod", f"/hls/{f}/index-v1.m3u8", "media playlist, video"),
        ("front playlist", "front", f"/{f}/index-v1.m3u8", "media playlist, video"),
        ("front playlist-a", "front", f"/{f}/index-a1.m3u8", "media playlist, audio"),
        ("nginx_vod segment", "nginx_vod", f"/hls/{f}/seg-{n}-v1-a1.m4s", f"segment {n}, video + audio"),
        ("nginx_vod segment-v", "nginx_vod", f"/hls/{f}/seg-{n}-v1.m4s", f"segment {n}, video"),
        ("front segment", "front", f"/{f}/seg-{n}-v1.m4s", f"segment {n}, video"),
        ("front segment-a", "front", f"/{f}/seg-{n}-a1.m4s", f"segment {n}, audio"),
        ("hls_direct playlist", "hls_direct", f"/{f}/index-v1.m3u8", "media playlist, video"),
        ("hls_direct segment", "hls_direct", f"/{f}/seg-{n}-v1.m4s", f"segment {n}, video"),
        ("floor2 floor", "floor2", "/", "the two-exec floor: what two execs per request cost here"),
    ]


def run(bench):
    """hls: media playlists and a mid-film segment (time to last byte), memory and instructions per request"""
    s = bench.settings
    film, short = bench.media(s.file), bench.media(SHORT)
    seg = env_int("BENCH_HLS_SEGMENT", 600)
    missing = servers.nginx_vod_missing(s.nginx_vod_dir)
    if missing:
        log(f"hls: {missing}: nginx-vod rows not measured")
    reqs = [r for r in requests(film, seg) if not (missing and r[1] == "nginx_vod")]
    entries = [(name, bench.port(server), path) for name, server, path, _ in reqs]
    # Alike for all, twice: nginx-vod's metadata cache and Loomiere's sample index
    # (`index_dir`) are filled by the first request, the page cache by both.
    warmed = warm(entries, times=2)
    got = interleaved(s.runs, entries, bench.supervisors(entries), until="end")
    med = {name: medians(f) for name, f in got.items()}
    res = Result("HLS: playlists and segments against nginx-vod-module")
    res.raw = {"runs": s.runs, "segment": seg, "requests": [list(r) for r in reqs], "medians": med,
               "content_length": {n: f.content_length for n, f in warmed.items()},
               "seconds": {n: series(f) for n, f in got.items()}, "nginx_vod_missing": missing}
    res.config = bench.describe(*(["nginx_vod"] if not missing else []), "front", "hls_direct", "floor2")
    describe(res, film, s.runs, missing)
    timing_table(res, reqs, med, warmed)
    timing_targets(res, med, missing)
    memory(bench, res, film, short, seg)
    instructions(bench, res, film, seg)
    syscalls(bench, res, film, seg)
    return res


def describe(res, film, runs, missing):
    res.text.append(
        f"On `{film.name}` ({commas(film.stat().st_size)} bytes, 2 hours). One Python process times every "
        "request (`client.get`) from `connect()` to the first response byte and to the last byte (the server "
        f"closes; `Connection: close`). Median and lower quartile of {runs} requests each, in interleaved "
        "rounds (each round one request to each, the first moving by one each round; after a request to "
        "Loomiere the next waits until its process has exited), after two warm-up requests to each alike: "
        "nginx-vod's metadata cache and Loomiere's sample index in `index_dir` are warm, as in production. "
        "nginx-vod muxes video and audio (`-v1-a1`, the URLs its README gives); ours are demuxed renditions, "
        "so the targets compare our video rendition with its muxed one, and its video-only variant (`-v1`) "
        "is shown beside. Ratios are ours/nginx-vod (muxed) of the medians, then of the lower quartiles."
    )
    if missing:
        res.text.append(f"**nginx-vod-module not measured**: {missing} (set BENCH_NGINX_VOD).")


def timing_table(res, reqs, med, warmed):
    t = res.table("server", "request", "first byte", "last byte", "last byte, lower quartile",
                  "ratio to nginx-vod (median / lower quartile)", "body bytes", "failed")
    for name, server, path, what in reqs:
        m = med[name]
        peer = med.get(("nginx_vod " + name.split()[1]).split("-")[0])
        cell = "" if server in ("nginx_vod", "floor2") or peer is None else (
            f"{times(ratio(m['last_byte'], peer['last_byte']))} / {times(ratio(m['last_byte_p25'], peer['last_byte_p25']))}")
        label = {"nginx_vod": "nginx-vod-module", "front": "**Loomiere (front)**", "floor2": "floor (two execs)"}
        label = label.get(server, "`loomiere-hls` direct")
        t.add(label, f"`{path}` ({what})", ms(m["first_byte"]), ms(m["last_byte"]), ms(m["last_byte_p25"]), cell,
              commas(warmed[name].content_length), m["failed"])


def timing_targets(res, med, missing):
    """Issue 12's two time rows, on the medians (the lower quartiles in a note)."""
    rows = [("playlist", "video media playlist, time to last byte (front)", "≤ 1.0× nginx-vod", 1.0),
            ("segment", "mid-film video segment, time to last byte (front)", "≤ 1.5× nginx-vod", 1.5)]
    quartiles = []
    for key, measure, target, bound in rows:
        if missing:
            res.target(measure, "not measured (no nginx-vod-module)", target, NO_FIGURE)
            continue
        ours, peer = med[f"front {key}"], med[f"nginx_vod {key}"]
        x = ratio(ours["last_byte"], peer["last_byte"])
        res.target(measure, f"{times(x)} ({ms(ours['last_byte'])} / {ms(peer['last_byte'])})", target,
                   verdict(x, "<=", bound))
        q = ratio(ours["last_byte_p25"], peer["last_byte_p25"])
        quartiles.append(f"{key} {times(q)} ({ms(ours['last_byte_p25'])} / {ms(peer['last_byte_p25'])}, "
                         f"{verdict(q, '<=', bound)})")
    if not missing:
        v = {k: ratio(med[f"front {k}"]["last_byte"], med[f"nginx_vod {k}-v"]["last_byte"]) for k in ("playlist", "segment")}
        d = {k: ratio(med[f"hls_direct {k}"]["last_byte"], med[f"nginx_vod {k}"]["last_byte"]) for k in ("playlist", "segment")}
        res.notes.append(f"Against nginx-vod's video-only variant (`-v1`, a like-for-like body): playlist "
                         f"{times(v['playlist'])}, segment {times(v['segment'])}. `loomiere-hls` run directly "
                         f"(no front, one exec less) against the muxed one: playlist {times(d['playlist'])}, "
                         f"segment {times(d['segment'])}.")
    if quartiles:
        res.notes.append("The same rows from the lower quartiles (less sensitive to the other work on this "
                         "machine, which delays a new process more than nginx's running worker): "
                         + "; ".join(quartiles) + ".")
    if any(t.verdict == MISSED for t in res.targets):
        res.notes.append(f"Where the time goes: the two-exec floor (a static C program execing itself, then "
                         f"writing 2 bytes) takes {ms(med['floor2 floor']['last_byte'])} to last byte in the same "
                         "rounds, the process start every Loomiere request pays; then the instruction counts and "
                         "the system calls below.")


def config_env(bench, name):
    """The environment of a program run alone (tools.one_connection): LOOMIERE_CONFIG
    naming target/bench/conf/NAME.conf, the front's config (`index_dir`, `throttle = 0`)."""
    conf = servers.write_config(OUT / "conf" / f"{name}.conf", bench.settings.media, throttle=0)
    return {"LOOMIERE_CONFIG": str(conf)}


def memory(bench, res, film, short, seg):
    """Peak private memory of each program of a request through the front (peakmem.py
    under ptrace), on the 2-hour film and on its first 2 minutes."""
    env = config_env(bench, "hls-memory")
    front = bench.bins.path("loomiere-stream")
    servers.readable_by_user(bench.bins.dir)
    names = ["master.m3u8", "index-v1.m3u8", "index-a1.m3u8", "init-v1.mp4", "SEG-v1.m4s", "SEG-a1.m4s"]
    t = res.table("request (through the front)", "film", "`loomiere-hls` peak private (anonymous)",
                  "`loomiere-stream` peak private (anonymous)")
    res.raw["memory"] = []
    # Written-back pages: a dirty page-cache page (a film or index just written) mapped
    # by one process counts as Private_Dirty.
    os.sync()
    for f, n in ((film, seg), (short, 10)):
        for name in names:
            path = f"/{f.name}/{name.replace('SEG', f'seg-{n}')}"
            tools.one_connection([front], path, env, user=servers.USER)  # the sample index is kept
            got = tools.peak_memory([front], path, env, user=servers.USER) or {"peaks": {}}
            hls, fr = got["peaks"].get("loomiere-hls"), got["peaks"].get("loomiere-stream")
            res.raw["memory"].append({"path": path, "film": f.name, **got})
            if hls is None or got.get("exit") != 0:
                log(f"hls: no memory figure for {path}: {got}")
            t.add(f"`{path.rsplit('/', 1)[1]}`", f.name, _kib(hls), _kib(fr))
    memory_targets(res, film.name, short.name)
    res.text.append(
        "Memory: each request is served once by the front alone (stdin and stdout a loopback TCP socket, as "
        f"tcpsvd runs it, as `{servers.USER}`, the front's config with `index_dir`), traced by "
        "`scripts/benchlib/peakmem.py`: ptrace(2) stops the process at every system call that can give memory "
        "back (munmap, mremap, madvise, brk), at its `execve` and at its exit, and reads "
        "`/proc/PID/smaps_rollup` there, which gives the exact peak of each program image, however short it "
        "lives. \"private\" is `Private_Dirty + Anonymous`, as the memory part counts it (the two mostly count "
        "the same pages, so it counts most of them twice), stack, data and heap included; `Anonymous` alone "
        "in brackets, the figure issue 12's target names. The page cache is written back (`sync`) first: a "
        "dirty page of a just-written film mapped by one process counts as `Private_Dirty` too."
    )


def memory_targets(res, long_name, short_name):
    """Issue 12's row: the peak `Anonymous` of `loomiere-hls`, over every name and film;
    a note on the memory part's measure (Private_Dirty + Anonymous) beside it."""
    def peak(key, name=None):
        rows = [m["peaks"].get("loomiere-hls") for m in res.raw["memory"] if name in (None, m["film"])]
        return None if not rows or None in rows else max(r[key] for r in rows)

    top = peak("anonymous")
    res.target("anonymous memory per request, peak `Anonymous` of `loomiere-hls` (every name, 2-hour and "
               "2-minute film)", f"max {kib(top)} (2-hour {kib(peak('anonymous', long_name))}, 2-minute "
               f"{kib(peak('anonymous', short_name))})", "≤ 256 KiB", verdict(top, "<=", LIMIT_KIB))
    rows = [m["peaks"]["loomiere-hls"] for m in res.raw["memory"] if m["peaks"].get("loomiere-hls")]
    twice = rows and all(r["private"] == 2 * r["anonymous"] for r in rows)
    res.notes.append(
        f"The memory part's measure, `Private_Dirty + Anonymous`, peaks at {kib(peak('private'))} (2-hour "
        f"{kib(peak('private', long_name))}, 2-minute {kib(peak('private', short_name))}); "
        + ("in every row here it is exactly twice `Anonymous`: every dirty private page is an anonymous one, "
           "counted once in each field." if twice else "it counts the anonymous pages twice (once in each field).")
    )


def _kib(p):
    return "-" if p is None else f"{commas(p['private'])} KiB ({commas(p['anonymous'])} KiB)"


def instructions(bench, res, film, seg):
    """Callgrind's counts for `loomiere-hls` alone (as run directly under tcpsvd) per name."""
    env = config_env(bench, "hls-instr")
    hls = bench.bins.path("loomiere-hls")
    t = res.table("request (`loomiere-hls` alone)", "instructions (callgrind)")
    res.raw["instructions"] = []
    for name in ("master.m3u8", "index-v1.m3u8", "index-a1.m3u8", "init-v1.mp4", f"seg-{seg}-v1.m4s",
                 f"seg-{seg}-a1.m4s"):
        path = f"/{film.name}/{name}"
        tools.one_connection([hls], path, env, user=servers.USER)
        n = tools.callgrind([hls], path, env, user=servers.USER)
        res.raw["instructions"].append({"path": path, "instructions": n})
        t.add(f"`{path}`", commas(n))
    res.text.append(
        "Instructions: callgrind counts every user-space instruction of `loomiere-hls` from `execve` to exit "
        "(start-up included), run alone as tcpsvd would run it, after a warm-up request that leaves the "
        "film's sample index in `index_dir`. The front's own share is in the `instructions` part."
    )


def syscalls(bench, res, film, seg):
    """strace -f -c of a playlist and a segment through the front (front + loomiere-hls)."""
    env = config_env(bench, "hls-strace")
    t = res.table("request (front + `loomiere-hls`, `strace -f -c`)", "system calls", "the most frequent")
    res.raw["syscalls"] = {}
    for name in ("index-v1.m3u8", f"seg-{seg}-v1.m4s"):
        path = f"/{film.name}/{name}"
        got = tools.strace_counts([bench.bins.path("loomiere-stream")], path, env, user=servers.USER)
        res.raw["syscalls"][path] = got
        top = sorted(got["calls"].items(), key=lambda kv: -kv[1])[:8]
        t.add(f"`{path}`", got["total"], ", ".join(f"{k} {v}" for k, v in top))
