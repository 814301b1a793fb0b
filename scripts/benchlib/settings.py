"""Paths, ports and the BENCH_* knobs, read once from the environment."""

import os
import shlex
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "target" / "bench"
STATIC_DIR = REPO / "target" / "static" / "x86_64-unknown-linux-musl" / "release"
MIB = 1 << 20

# Ports, one per server; BENCH_PORT_BASE (8081) moves them all.
PORT_OFFSETS = {
    "nginx": 0,
    "front": 1,  # loomiere-stream, throttle = 0
    "throttle": 2,  # the throttle part's own tcpsvd
    "memory": 3,
    "throughput": 4,
    "viewers": 5,
    "direct": 6,  # loomiere-mp4 under its own tcpsvd, throttle = 0
    "front_throttled": 7,  # loomiere-stream with the shipped throttle = 20
    "file_direct": 8,  # loomiere-file under its own tcpsvd
    "floor1": 9,  # the one-exec floor
    "floor2": 10,  # the two-exec floor
    "nginx_vod": 11,  # nginx-vod-module (the hls part's peer)
    "hls_direct": 12,  # loomiere-hls under its own tcpsvd, no front
    "tls": 13,  # stunnel4 in front of loomiere-stream (the tls part)
    "sb_on": 14,  # loomiere-stream with a scoreboard (the scoreboard part)
    "sb_off": 15,  # loomiere-stream with scoreboard = off
    "sb_monitor": 16,  # loomiere-monitor on the scoreboard part's board
}


# The environment of every server and program the bench starts, as runsv gives a
# service (plus what the part sets): the same for each run, so instruction counts do not
# move with the caller's environment (the front copies it to exec a streamer).
SERVICE_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin"}


def env_int(name, default):
    """The integer in environment variable NAME, or default."""
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def env_float(name, default):
    """The number in environment variable NAME, or default."""
    value = os.environ.get(name, "")
    return float(value) if value.strip() else default


@dataclass
class Settings:
    """Everything a part may read about this run."""

    file: str = field(default_factory=lambda: os.environ.get("BENCH_FILE", "long.mp4"))
    start: float = field(default_factory=lambda: env_float("BENCH_START", 3600))
    runs: int = field(default_factory=lambda: env_int("BENCH_RUNS", 51))
    port_base: int = field(default_factory=lambda: env_int("BENCH_PORT_BASE", 8081))
    source_media: Path = field(
        default_factory=lambda: Path(os.environ.get("BENCH_MEDIA", REPO / "media")).resolve()
    )
    bin_dir_env: str = field(default_factory=lambda: os.environ.get("BENCH_BIN_DIR", ""))
    # The nginx-vod-module build files (README, build.sh, nginx-vod.conf.in), issue 12's peer.
    nginx_vod_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("BENCH_NGINX_VOD", "/work/shared/peers/nginx-vod"))
    )

    def port(self, name):
        """The TCP port of the server NAME (see PORT_OFFSETS)."""
        return self.port_base + PORT_OFFSETS[name]

    @property
    def media(self):
        """The bench's own media directory: links to the test media plus made files."""
        return OUT / "media"


def command_line(argv):
    """This run's command as typed from the repository root, BENCH_* settings first."""
    words = [f"{k}={shlex.quote(v)}" for k, v in sorted(os.environ.items()) if k.startswith("BENCH_")]
    return " ".join(words + ["scripts/bench"] + [shlex.quote(a) for a in argv])
