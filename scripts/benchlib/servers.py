"""The servers a part measures: nginx, nginx-vod-module, Loomiere under tcpsvd, the
floor responders.

Loomiere runs as the shipped runit/loomiere-stream/run has it, with the changes a
benchmark on one machine needs (each is stated in the summaries through FLAGS_NOTE):
`tcpsvd -v -c N -b 1024 -u nobody -i PEERS -l localhost 127.0.0.1 PORT PROGRAM`,
LOOMIERE_CONFIG in the environment (as the run file's `chpst -e ./env`). The config is
the shipped etc/loomiere/stream.conf with `root`, `index_dir` (a private cache
directory, owned by the streamers' user, mode 0700) and the part's own keys appended.
"""

import os
import pwd
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .install import BenchError, log, need
from .procs import children, wait_for_text
from .settings import OUT, REPO, SERVICE_ENV, STATIC_DIR

USER = "nobody"
PEERS = REPO / "runit" / "loomiere-stream" / "peers"
SHIPPED_CONF = REPO / "etc" / "loomiere" / "stream.conf"
INDEX_DIR = OUT / "index"
FLAGS_NOTE = (
    f"`tcpsvd -v -c N -b 1024 -u {USER} -i runit/loomiere-stream/peers -l localhost`: the shipped "
    "run file's flags with `-l localhost` added (without it tcpsvd looks the local address up "
    "in DNS at every connection), no `-C 20` (every client here is 127.0.0.1), `-c`/`-b` sized "
    f"for the load, and `-u {USER}` for `-u loomiere`"
)


def port_open(port):
    """True when something accepts connections on 127.0.0.1:PORT."""
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def check_free(port):
    if port_open(port):
        raise BenchError(f"port {port} is already in use")


@dataclass
class Binaries:
    """Where the Loomiere programs are, and how they were built."""

    dir: Path
    kind: str  # "static" or "cargo --release"

    def path(self, name):
        return self.dir / name


def binaries(bin_dir_env):
    """BENCH_BIN_DIR, else the static build (scripts/build-static) when present, else
    a fresh `cargo build --release`."""
    if bin_dir_env:
        return Binaries(Path(bin_dir_env).resolve(), "BENCH_BIN_DIR")
    if (STATIC_DIR / "loomiere-stream").exists():
        return Binaries(STATIC_DIR, "static (scripts/build-static)")
    log("no static build (scripts/build-static); building with cargo build --release")
    if subprocess.run(["cargo", "build", "--release"], cwd=REPO).returncode != 0:
        raise BenchError("cargo build --release failed")
    target = Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")
    if not target.is_absolute():
        target = REPO / target
    return Binaries(target / "release", "cargo build --release (no static build)")


def user_ids():
    entry = pwd.getpwnam(USER)
    return entry.pw_uid, entry.pw_gid


def private_index_dir():
    """INDEX_DIR, owned by USER with mode 0700 (as README's `install -d -o loomiere -m
    0700`), so the streamers keep and trust their sample indexes there."""
    INDEX_DIR.mkdir(parents=True, exist_ok=True)
    uid, gid = user_ids()
    os.chown(INDEX_DIR, uid, gid)
    os.chmod(INDEX_DIR, 0o700)
    return INDEX_DIR


def write_config(path, media, **keys):
    """The shipped stream.conf, then `root`, `index_dir` and KEYS (key = value)."""
    text = SHIPPED_CONF.read_text()
    extra = {"root": media, "index_dir": private_index_dir(), **keys}
    text += "\n# ---- set by scripts/bench\n" + "".join(f"{k} = {v}\n" for k, v in extra.items())
    Path(path).write_text(text)
    os.chmod(path, 0o644)
    return path


def readable_by_user(path):
    """Checks that the streamers' USER can reach PATH (media, binaries): every
    directory on the way must be searchable by others. Directories under target/ are
    made so; others are left alone (BenchError)."""
    p = Path(path).resolve()
    for d in [p] + list(p.parents):
        if not d.is_dir() or os.stat(d).st_mode & 0o001:
            continue
        if not d.is_relative_to(REPO / "target"):
            raise BenchError(f"{d} is not searchable by others: {USER} cannot reach {p}")
        os.chmod(d, os.stat(d).st_mode | 0o005)


class Tcpsvd:
    """A program under tcpsvd on 127.0.0.1:PORT (see the module's doc)."""

    def __init__(self, procs, name, port, argv, env=None, maxconn=1000):
        need("tcpsvd:ipsvd")
        check_free(port)
        self.name, self.port, self.log = name, port, OUT / "logs" / f"tcpsvd-{name}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        cmd = ["tcpsvd", "-v", "-c", str(maxconn), "-b", "1024", "-u", USER, "-i", str(PEERS)]
        cmd += ["-l", "localhost", "127.0.0.1", str(port)] + [str(a) for a in argv]
        self.argv = cmd
        self.proc = procs.start(cmd, self.log, env=dict(SERVICE_ENV, **(env or {})))
        # Not a probe connection: it would start a streamer of its own.
        wait_for_text(self.log, "listening on", proc=self.proc)

    @property
    def pid(self):
        return self.proc.pid


def loomiere(procs, name, port, bins, media, program="loomiere-stream", maxconn=1000, **keys):
    """PROGRAM (the front by default) under tcpsvd with the shipped config plus KEYS."""
    (OUT / "conf").mkdir(parents=True, exist_ok=True)
    conf = write_config(OUT / "conf" / f"{name}.conf", media, **keys)
    readable_by_user(bins.dir)
    readable_by_user(media)
    return Tcpsvd(procs, name, port, [bins.path(program)], {"LOOMIERE_CONFIG": str(conf)}, maxconn)


def nginx(procs, port, media):
    """Debian's nginx (mp4 and flv modules) from scripts/nginx-bench.conf, in the
    foreground, one worker; returns its Popen (the master)."""
    need("nginx:nginx")
    check_free(port)
    prefix = OUT / "nginx"
    prefix.mkdir(parents=True, exist_ok=True)
    user = "user root root;" if os.geteuid() == 0 else ""
    text = (REPO / "scripts" / "nginx-bench.conf").read_text()
    conf = fill(text, prefix / "nginx.conf", {"@PREFIX@": prefix, "@ROOT@": media, "@PORT@": port, "@USER@": user})
    argv = ["nginx", "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(conf), "-g", "daemon off;"]
    return start_listening(procs, argv, prefix / "stdout.log", port, f"nginx did not start: see {prefix / 'error.log'}")


def fill(template, path, values):
    """Writes TEMPLATE with each key of VALUES (`@NAME@`) replaced to PATH; returns PATH."""
    for key, value in values.items():
        template = template.replace(key, str(value))
    path.write_text(template)
    return path


def start_listening(procs, argv, log_path, port, failure):
    """Starts ARGV (a server in the foreground) and waits up to 5 s until it accepts on
    PORT; returns its Popen, or raises BenchError(FAILURE)."""
    p = procs.start(argv, log_path)
    for _ in range(100):
        if port_open(port):
            return p
        if p.poll() is not None:
            break
        time.sleep(0.05)
    raise BenchError(failure)


def nginx_vod_missing(peer_dir):
    """Why nginx-vod-module cannot run here (its build files are not in PEER_DIR), or None."""
    wanted = ("build.sh", "nginx-vod.conf.in")
    missing = [n for n in wanted if not (Path(peer_dir) / n).is_file()]
    return f"no nginx-vod-module build files ({', '.join(missing)}) in {peer_dir}" if missing else None


def nginx_vod(procs, port, media, peer_dir):
    """kaltura's nginx-vod-module on Debian's nginx: PEER_DIR's build.sh builds the
    module (once, into OUT/nginx-vod), then nginx runs PEER_DIR's nginx-vod.conf.in
    (filled in as its start.sh does) in the foreground, so the bench stops it as it
    stops nginx. Returns the master's Popen."""
    why = nginx_vod_missing(peer_dir)
    if why:
        raise BenchError(why)
    need("nginx:nginx")
    check_free(port)
    out = OUT / "nginx-vod"
    built = subprocess.run(["bash", str(Path(peer_dir) / "build.sh"), str(out)], capture_output=True, text=True)
    if built.returncode != 0 or not built.stdout.strip():
        raise BenchError(f"nginx-vod-module did not build (see {out}/make.log): {built.stderr[-300:]}")
    so = built.stdout.strip().splitlines()[-1]
    prefix = out / f"run-{port}"
    for d in ("logs", "tmp"):
        (prefix / d).mkdir(parents=True, exist_ok=True)
    user = "user root root;" if os.geteuid() == 0 else ""
    text = (Path(peer_dir) / "nginx-vod.conf.in").read_text().replace("daemon on;", "daemon off;")
    values = {"@PREFIX@": prefix, "@MEDIA@": f"{media}/", "@PORT@": port, "@SO@": so, "@USER@": user}
    conf = fill(text, prefix / "nginx.conf", values)
    return start_listening(procs, ["nginx", "-c", str(conf), "-p", f"{prefix}/"], prefix / "stdout.log", port,
                           f"nginx-vod did not start: see {prefix / 'logs' / 'error.log'}")


def nginx_version():
    done = subprocess.run(["nginx", "-v"], capture_output=True, text=True)
    return done.stderr.strip().removeprefix("nginx version: ")


def nginx_pids(master):
    """The master and its workers."""
    return [master] + children(master)


def floor_binary():
    """The static C responder (floor.c), built with musl-gcc -static into OUT/floor."""
    need("musl-gcc:musl-tools")
    src = Path(__file__).with_name("floor.c")
    out = OUT / "floor" / "floor"
    if not out.exists() or out.stat().st_mtime < src.stat().st_mtime:
        out.parent.mkdir(parents=True, exist_ok=True)
        cmd = ["musl-gcc", "-static", "-O2", "-s", "-D_GNU_SOURCE", "-o", str(out), str(src)]
        if subprocess.run(cmd).returncode != 0:
            raise BenchError("musl-gcc could not build the floor responder")
    readable_by_user(out.parent)
    return out


def floor(procs, name, port, execs):
    """The floor responder under tcpsvd: one exec, or two (a first run of the program
    that execs the second, as the front execs a streamer)."""
    prog = floor_binary()
    argv = [prog] if execs == 1 else [prog, prog]
    return Tcpsvd(procs, name, port, argv)

