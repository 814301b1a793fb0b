"""profile: where the instructions of a request go, by function (callgrind).

Not in the default run (it builds the binaries once more): `scripts/bench profile`.
The static build is stripped, so this part builds the same code with symbols, for the
host (glibc, dynamically linked: start-up differs, the request's own work does not):
`cargo build --release --bins` with CARGO_PROFILE_RELEASE_STRIP=false and debug line
tables, into target/prof.
"""

import os
import re
import subprocess
import tempfile
from pathlib import Path

from .. import servers, tools
from ..install import BenchError, need
from ..report import Result
from ..settings import MIB, OUT, REPO
from ..stats import commas

PROF = REPO / "target" / "prof"
LINE = re.compile(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*?)(?: \[[^\]]*\])?$")
TOP = 8


def build():
    env = dict(os.environ, CARGO_TARGET_DIR=str(PROF), CARGO_PROFILE_RELEASE_STRIP="false",
               CARGO_PROFILE_RELEASE_DEBUG="line-tables-only")
    if subprocess.run(["cargo", "build", "-q", "--release", "--bins"], cwd=REPO, env=env).returncode != 0:
        raise BenchError("cargo build --release --bins (with symbols) failed")
    return PROF / "release"


def by_function(out):
    """{function: instructions} of a callgrind output, self cost, the lines of one
    function (inlined from several files) summed; and the total."""
    done = subprocess.run(["callgrind_annotate", "--inclusive=no", "--auto=no", "--threshold=100", str(out)],
                          capture_output=True, text=True)
    funcs, total, seen_header = {}, None, False
    for line in done.stdout.splitlines():
        if seen_header and funcs and not line.strip():
            break  # the end of the function table
        m = LINE.match(line)
        if not m:
            seen_header = seen_header or "file:function" in line
            continue
        n, where = int(m.group(1).replace(",", "")), m.group(2)
        if where.endswith("PROGRAM TOTALS"):
            total = n
        elif seen_header:
            name = where.split(":", 1)[1] if ":" in where else where
            funcs[name] = funcs.get(name, 0) + n
    return funcs, total


def run(bench):
    """profile: instructions by function for a seek, a small file, an HLS playlist and segment (symbolized build)"""
    need("valgrind:valgrind")
    s = bench.settings
    film, image = bench.media(s.file), bench.media("image-45k.jpg")
    bins = build()
    servers.readable_by_user(bins)
    conf = {k: servers.write_config(OUT / "conf" / f"profile-{k}.conf", s.media, **keys)
            for k, keys in {"off": {"throttle": 0}, "on": {},
                            "no_streamer": {"throttle": 0, "streamer.mp4": "/nonexistent/loomiere-mp4"}}.items()}
    seek = f"/{film.name}?start={s.start:g}"
    cases = [
        ("`loomiere-mp4`, 2-hour seek, `throttle = 0`, to the first MiB", "loomiere-mp4", seek, "off", MIB),
        ("`loomiere-mp4`, 2-hour seek, `throttle = 20`, to the first MiB", "loomiere-mp4", seek, "on", MIB),
        (f"`loomiere-file`, `/{image.name}`", "loomiere-file", f"/{image.name}", "off", None),
        ("`loomiere-stream` (the front) up to its `execve` (the streamer missing: it writes a 500)",
         "loomiere-stream", seek, "no_streamer", None),
        ("`loomiere-hls`, 2-hour film, video media playlist", "loomiere-hls", f"/{film.name}/index-v1.m3u8", "off", None),
        ("`loomiere-hls`, 2-hour film, mid-film video segment (600)", "loomiere-hls", f"/{film.name}/seg-600-v1.m4s",
         "off", None),
    ]
    res = Result("Profile: instructions by function")
    res.config = ["binaries: `target/prof/release` (`cargo build --release --bins` with symbols: glibc, "
                  "dynamically linked, otherwise the release profile), configs `target/bench/conf/profile-*.conf`"]
    res.text.append(
        "Callgrind's self cost per function (the lines of a function inlined from several files summed), "
        f"the {TOP} largest, for one request each, served as in the instructions part. Start-up costs of "
        "this build (ld.so, glibc) are not those of the static build; the request's own work is."
    )
    for label, prog, path, mode, mark in cases:
        env = {"LOOMIERE_CONFIG": str(conf[mode])}
        tools.one_connection([bins / prog], path, env, mark or MIB, user=servers.USER)  # warm: index, cache
        with tempfile.TemporaryDirectory(dir=OUT) as tmp:
            os.chown(tmp, *servers.user_ids())
            out = Path(tmp) / "callgrind.out"
            tools.one_connection(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--log-file=/dev/null",
                                  bins / prog], path, env, mark, user=servers.USER)
            funcs, total = by_function(out)
        res.raw[label] = {"total": total, "functions": funcs}
        t = res.table(f"{label}: function", "instructions", "share")
        for name, n in sorted(funcs.items(), key=lambda kv: -kv[1])[:TOP]:
            t.add(f"`{name[:110]}`", commas(n), f"{n / total * 100:.1f} %" if total else "-")
        t.add("total", commas(total), "")
    return res
