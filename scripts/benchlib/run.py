"""`scripts/bench [PART...]`: runs the parts in order, saves each result as JSON,
rewrites BENCHMARKS.md's generated block after each, prints the scoreboard."""

import os
import sys
import time

from . import media, render, report, servers
from .install import BenchError, log, need
from .parts import DEFAULT, PARTS
from .procs import Processes
from .settings import OUT, REPO, Settings, command_line

SHARED = {
    # name: (what it is, how to start it) for servers several parts use.
    "nginx": "nginx 1.22 (Debian), scripts/nginx-bench.conf: mp4 module, sendfile, tcp_nopush, one worker",
    "front": "`loomiere-stream` (the front, execs `loomiere-mp4`/`loomiere-hls`/`loomiere-file`), `throttle = 0`",
    "front_throttled": "`loomiere-stream`, the shipped `throttle = 20`",
    "direct": "`loomiere-mp4` alone under tcpsvd (one port per format), `throttle = 0`",
    "file_direct": "`loomiere-file` alone under tcpsvd",
    "hls_direct": "`loomiere-hls` alone under tcpsvd (a port for segmented names only), `throttle = 0`",
    "floor1": "floor, one exec: a static C program (musl-gcc -static) writing a fixed 2-byte response",
    "floor2": "floor, two execs: the same program run first with an argument, execing itself",
    "nginx_vod": "nginx-vod-module 1.33-13 (kaltura, commit 26f0687) on Debian's nginx 1.22, its "
                 "`nginx-vod.conf.in`: 6 s segments aligned to key frames, metadata cache on, no response "
                 "cache, one worker",
}


class Bench:
    """What a part function gets: settings, binaries, the processes, shared servers."""

    def __init__(self, settings, command):
        self.settings, self.command = settings, command
        self.procs = Processes()
        self.bins = servers.binaries(settings.bin_dir_env)
        self.running = {}

    def media(self, name):
        """OUT/media/NAME (copied or made when missing)."""
        return media.path(self.settings, name)

    def port(self, name):
        """The port of the shared server NAME (see SHARED), started on first use."""
        if name not in self.running:
            self.running[name] = self._start(name)
        return self.settings.port(name)

    def pid(self, name):
        """The pid of the shared server NAME: nginx's master, or tcpsvd's."""
        self.port(name)
        return self.running[name].pid

    def supervisors(self, entries):
        """{entry name: tcpsvd's pid} for ENTRIES ((name, port, path), ...) whose
        server (the name's first word) runs under tcpsvd; for common.interleaved."""
        return {e[0]: self.pid(e[0].split()[0]) for e in entries if not e[0].split()[0].startswith("nginx")}

    def describe(self, *names):
        """The configuration lines for the shared servers NAMES, then how Loomiere's
        configs and tcpsvd are set up (once)."""
        lines = []
        for name in names:
            where = f"port {self.settings.port(name)}"
            if name == "nginx_vod":
                where = f"`target/bench/nginx-vod/run-{self.settings.port(name)}/nginx.conf`, {where}"
            elif name not in ("nginx", "floor1", "floor2"):
                where = f"`target/bench/conf/{name}.conf`, {where}"
            lines.append(f"{name}: {SHARED[name]} ({where})")
        return lines + self.common_config()

    def common_config(self):
        """How every Loomiere server of this run is configured and supervised."""
        return [
            f"Loomiere binaries: `{self.bins.dir.relative_to(REPO) if self.bins.dir.is_relative_to(REPO) else self.bins.dir}` "
            f"({self.bins.kind})",
            "Loomiere config: the shipped `etc/loomiere/stream.conf` with `root`, `index_dir` (a private "
            "cache directory, owned by the streamers' user, mode 0700) and the keys named above appended; "
            "the package will turn `index_dir` on by default, until it does the bench sets it",
            f"supervisor: {servers.FLAGS_NOTE}; the environment is `PATH` plus `LOOMIERE_CONFIG` naming the "
            "config (as runsv and the run file's `chpst -e ./env` give)",
        ]

    def _start(self, name):
        s, port = self.settings, self.settings.port(name)
        if name == "nginx":
            return servers.nginx(self.procs, port, s.media)
        if name == "nginx_vod":
            return servers.nginx_vod(self.procs, port, s.media, s.nginx_vod_dir)
        if name in ("floor1", "floor2"):
            return servers.floor(self.procs, name, port, int(name[-1]))
        program = {"direct": "loomiere-mp4", "file_direct": "loomiere-file", "hls_direct": "loomiere-hls"}
        program = program.get(name, "loomiere-stream")
        keys = {} if name == "front_throttled" else {"throttle": 0}
        return servers.loomiere(self.procs, name, port, self.bins, s.media, program, **keys)

    def loomiere(self, name, port, program="loomiere-stream", maxconn=1000, **keys):
        """A part's own Loomiere under tcpsvd (stop it with self.procs.stop(x.proc))."""
        return servers.loomiere(self.procs, name, port, self.bins, self.settings.media, program, maxconn, **keys)

    def close(self):
        self.procs.stop_all()


def raise_priority():
    """BENCH_NICE (-10 as root, else 0): the niceness of the bench and of everything it
    starts (servers, streamers, wrk, the viewers), all alike, so that other work on the
    shared machine (builds) preempts the measured requests less. Returns the niceness."""
    want = int(os.environ.get("BENCH_NICE") or (-10 if os.geteuid() == 0 else 0))
    try:
        os.nice(want - os.nice(0))
    except OSError as e:
        log(f"cannot set niceness {want}: {e}")
    return os.nice(0)


def usage():
    return f"usage: scripts/bench [PART...]   parts: {' '.join(PARTS)} (default: {' '.join(DEFAULT)})"


def main(argv):
    if any(a in ("-h", "--help") for a in argv):
        print(usage())
        return 0
    unknown = [a for a in argv if a not in PARTS]
    if unknown:
        print(f"bench: unknown part: {' '.join(unknown)}\n{usage()}", file=sys.stderr)
        return 100
    parts = argv or DEFAULT
    need("tcpsvd:ipsvd", "nginx:nginx", "ffmpeg:ffmpeg", "ffprobe:ffmpeg")
    OUT.mkdir(parents=True, exist_ok=True)
    niceness = raise_priority()
    bench = Bench(Settings(), command_line(argv))
    failed = []
    try:
        for name in parts:
            ctx = report.context(bench.command, bench.bins, servers.nginx_version(), niceness)
            log(f"part {name}: {PARTS[name].__doc__.strip().splitlines()[0]}")
            t0 = time.monotonic()
            try:
                result = PARTS[name](bench)
            except BenchError as e:
                log(f"part {name} failed: {e}")
                failed.append(name)
                continue
            path = report.save(name, ctx, result)
            log(f"part {name}: {time.monotonic() - t0:.0f} s; {path.relative_to(REPO)}")
            print(render.section(report.load_all([name])[0]), flush=True)
            render.rewrite(REPO / "BENCHMARKS.md", report.load_all(list(PARTS)), list(PARTS))
    finally:
        bench.close()
    board = render.scoreboard([r for r in report.load_all(list(PARTS)) if r["part"] in parts])
    print(board)
    return 111 if failed else 0
