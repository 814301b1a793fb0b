"""instructions: instructions and system calls per request (do not depend on load)."""

import os
import subprocess
from pathlib import Path

from .. import servers, tools
from ..install import log, need
from ..report import Result
from ..settings import MIB, OUT, REPO
from ..stats import commas

SHORT = "long-2min.mp4"
IMAGE = "image-45k.jpg"


def cut_example():
    """The `cut` example of loomiere-mp4 (`cargo build --release -p loomiere-mp4
    --example cut`), or None when it does not build."""
    target = Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")
    if not target.is_absolute():
        target = REPO / target
    done = subprocess.run(["cargo", "build", "-q", "--release", "-p", "loomiere-mp4", "--example", "cut"], cwd=REPO)
    if done.returncode != 0:
        log("instructions: cargo could not build the cut example; no planning counts")
        return None
    return target / "release" / "examples" / "cut"


def planning(film, start_ms):
    """Callgrind's counts for planning FILM at START_MS with the cut example
    (--plan-only), without and with the time map, without and with the sample index."""
    cut = cut_example()
    if cut is None:
        return {}
    idx = OUT / "cut.idx"
    idx.unlink(missing_ok=True)
    subprocess.run([cut, film, str(start_ms), "--plan-only", f"--index={idx}"], capture_output=True)
    got = {}
    for key, flags in {"no_time_map": ["--no-time-map"], "time_map": [],
                       "indexed_no_time_map": ["--no-time-map", f"--index={idx}"],
                       "indexed_time_map": [f"--index={idx}"]}.items():
        got[key], err = tools.callgrind_plain([cut, film, str(start_ms), "--plan-only"] + flags)
        if got[key] is None:
            log(f"instructions: cut {' '.join(flags)} failed: {err}")
    return got


def run(bench):
    """instructions: callgrind and strace per request, and the sends of the first MiB"""
    need("valgrind:valgrind", "strace:strace")
    s = bench.settings
    film, short, image = bench.media(s.file), bench.media(SHORT), bench.media(IMAGE)
    b = bench.bins
    conf = {name: servers.write_config(OUT / "conf" / f"instr-{name}.conf", s.media, **keys)
            for name, keys in {"off": {"throttle": 0}, "on": {},
                               "no_streamer": {"throttle": 0, "streamer.mp4": "/nonexistent/loomiere-mp4",
                                               "streamer.jpg": "/nonexistent/loomiere-file"}}.items()}
    env = {k: {"LOOMIERE_CONFIG": str(v)} for k, v in conf.items()}
    seek, seek2 = f"/{film.name}?start={s.start:g}", f"/{short.name}?start=60"
    servers.readable_by_user(b.dir)
    # Warm: the sample indexes exist and the pages are cached, as in service.
    for path in (seek, seek2):
        tools.one_connection([b.path("loomiere-mp4")], path, env["off"], user=servers.USER)
    rows = [
        ("`loomiere-mp4`, 2-hour seek, `throttle = 0`, to the last byte", [b.path("loomiere-mp4")], seek, "off", None),
        ("`loomiere-mp4`, 2-hour seek, `throttle = 0`, to the first MiB", [b.path("loomiere-mp4")], seek, "off", MIB),
        ("`loomiere-mp4`, 2-hour seek, `throttle = 20`, to the first MiB", [b.path("loomiere-mp4")], seek, "on", MIB),
        ("`loomiere-mp4`, 2-minute seek, `throttle = 0`, to the last byte", [b.path("loomiere-mp4")], seek2, "off", None),
        ("`loomiere-stream` (the front) up to its `execve` (2-hour seek; measured with the streamer "
         "missing, so it includes writing a 500)", [b.path("loomiere-stream")], seek, "no_streamer", None),
        (f"`loomiere-stream` (the front), `/{IMAGE}`: it serves plain files itself, so this is the "
         "whole request", [b.path("loomiere-stream")], f"/{IMAGE}", "off", None),
        (f"`loomiere-file`, `/{IMAGE}`", [b.path("loomiere-file")], f"/{IMAGE}", "off", None),
        ("floor (static C, 2-byte response)", [servers.floor_binary()], "/", "off", None),
    ]
    res = Result("Instructions and system calls per request")
    res.raw = {"planning": planning(film, round(s.start * 1000)), "requests": []}
    t = res.table("request", "instructions (callgrind)")
    for label, argv, path, mode, mark in rows:
        n = tools.callgrind(argv, path, env[mode], mark, user=servers.USER)
        res.raw["requests"].append({"label": label, "path": path, "config": mode, "instructions": n})
        t.add(label, commas(n))
    syscalls(bench, res, b, seek, image, env)
    first_mib(res, b, seek, env)
    describe(res, bench, film)
    return res


def syscalls(bench, res, b, seek, image, env):
    """strace -f -c of a request through the front (front + streamer)."""
    t = res.table("request (front + streamer, `strace -f -c`)", "system calls", "the most frequent")
    res.raw["syscalls"] = {}
    for label, path in (("2-hour seek, `throttle = 0`", seek), (f"`/{image.name}`", f"/{image.name}")):
        got = tools.strace_counts([b.path("loomiere-stream")], path, env["off"], user=servers.USER)
        res.raw["syscalls"][path] = got
        top = sorted(got["calls"].items(), key=lambda kv: -kv[1])[:10]
        t.add(label, got["total"], ", ".join(f"{k} {v}" for k, v in top))


def first_mib(res, b, seek, env):
    """How the first MiB of the 2-hour seek leaves loomiere-mp4 (strace)."""
    got = tools.sends_to_mark([b.path("loomiere-mp4")], seek, env["off"], user=servers.USER)
    res.raw["first_mib_sends"] = got
    calls = ", ".join(f"{k} {v}" for k, v in got["calls"].items())
    res.notes.append(f"The head and first MiB of the 2-hour seek (`throttle = 0`) leave `loomiere-mp4` in "
                     f"{sum(got['calls'].values())} calls ({calls}; {commas(got['bytes'])} bytes); TCP_CORK set "
                     f"to {got['cork'] or 'never'} on the way (strace -f).")


def describe(res, bench, film):
    p = res.raw["planning"]
    res.config = ["configs: `target/bench/conf/instr-*.conf` (the shipped one plus `root`, `index_dir`, and "
                  "`throttle = 0` or the shipped 20)"] + bench.common_config()[:1]
    res.text.append(
        "Counts that do not depend on the machine's load. Each request is served by the program alone, "
        "run as tcpsvd runs it (stdin and stdout a loopback TCP socket, the tcp-environ variables set, "
        f"as `{servers.USER}`), after a warm-up request that leaves the sample index in `index_dir`; "
        "callgrind counts every user-space instruction of the process from `execve` to exit (start-up "
        "included). Valgrind cannot follow an `execve` and keep the first program's count, so the front "
        "is counted up to its `execve` with a config whose streamer does not exist."
    )
    if p:
        res.text.append(
            f"Planning alone (the `cut` example of `loomiere-mp4`, `cut {film.name} {round(bench.settings.start * 1000)} "
            f"--plan-only`, built `--release` from the working tree): **{commas(p.get('no_time_map'))}** "
            f"instructions without the time map (as with `throttle = 0`), **{commas(p.get('time_map'))}** with it "
            f"(throttled requests build it); with the film's sample index (as with `index_dir`): "
            f"**{commas(p.get('indexed_no_time_map'))}** and **{commas(p.get('indexed_time_map'))}**."
        )
