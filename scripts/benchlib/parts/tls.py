"""tls: time to first byte added by HTTPS through stunnel4 (exec mode), next to plain
tcpsvd, both running `loomiere-stream` with the same config."""

import socket
import ssl
import subprocess
import time

from .. import client
from ..install import BenchError, need
from ..procs import wait_for_text
from ..report import Result
from ..servers import SERVICE_ENV, USER
from ..settings import OUT, REPO
from ..stats import median, ms, quantile, ratio, times
from .common import settle

TARGETS = [("/poster.jpg", "image"), ("/h264-aac.mp4?start=10", "seek")]


def make_certificate(tls_dir):
    """A self-signed certificate for 127.0.0.1 in TLS_DIR (RSA 2048): (cert, key)."""
    tls_dir.mkdir(parents=True, exist_ok=True)
    cert, key = tls_dir / "cert.pem", tls_dir / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout", key,
         "-out", cert, "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True)
    return cert, key


def stunnel(bench, port, conf_for_streamer):
    """stunnel4 on 127.0.0.1:PORT from the shipped etc/stunnel/loomiere.conf, running
    loomiere-stream as USER with CONF_FOR_STREAMER; returns (process, cert)."""
    cert, key = make_certificate(OUT / "tls")
    set_to = {"setuid": USER, "setgid": "nogroup", "accept": f"127.0.0.1:{port}", "cert": cert,
              "key": key, "exec": bench.bins.path("loomiere-stream"),
              "execArgs": f"loomiere-stream --config {conf_for_streamer}"}
    lines = []
    for line in (REPO / "etc/stunnel/loomiere.conf").read_text().splitlines():
        k = line.split("=")[0].strip()
        lines.append(f"{k} = {set_to[k]}" if k in set_to else line)
    conf = OUT / "conf" / "stunnel.conf"
    conf.write_text("\n".join(lines) + "\n")
    log = OUT / "logs" / "stunnel.log"
    proc = bench.procs.start(["stunnel4", conf], log, env=dict(SERVICE_ENV))
    wait_for_text(log, "Configuration successful", proc=proc)
    time.sleep(0.2)
    return proc, cert


def timed(port, path, context=None):
    """Seconds from just before connect() to the first response byte and to the last;
    over TLS (a full handshake, no session resumption) when CONTEXT is given."""
    t0 = time.perf_counter()
    s = socket.create_connection((client.HOST, port))
    if context:
        s = context.wrap_socket(s, server_hostname="localhost")
    s.sendall(client.request(path))
    first = s.recv(1 << 16)
    t1 = time.perf_counter()
    if not first.startswith(b"HTTP/1.1 200 "):
        raise BenchError(f"{path} on port {port}: {first[:40]!r}")
    while s.recv(1 << 18):
        pass
    t2 = time.perf_counter()
    s.close()
    return t1 - t0, t2 - t0


def run(bench):
    """tls: first byte and last byte over stunnel4 (HTTPS) against plain tcpsvd"""
    need("stunnel4:stunnel4", "openssl:openssl")
    s = bench.settings
    for name in ("poster.jpg", "h264-aac.mp4"):
        bench.media(name)
    plain_port = bench.port("front")
    conf = OUT / "conf" / "front.conf"
    proc, cert = stunnel(bench, s.port("tls"), conf)
    context = ssl.create_default_context(cafile=str(cert))
    pid = bench.pid("front")
    got = {}
    for path, _ in TARGETS:
        for _ in range(2):
            timed(plain_port, path), timed(s.port("tls"), path, context)
        for r in range(s.runs):
            order = [("tcpsvd", None), ("stunnel", context)]
            for name, ctx in order[r % 2:] + order[: r % 2]:
                port = s.port("tls") if ctx else plain_port
                got.setdefault((path, name), []).append(timed(port, path, ctx))
                settle(pid)
                time.sleep(0.002)
    bench.procs.stop(proc)
    res = Result("HTTPS through stunnel")
    res.config = bench.describe("front") + [
        f"stunnel: stunnel4 (Debian) with the shipped `etc/stunnel/loomiere.conf` (accept, cert, key, exec "
        f"paths and `setuid = {USER}` set by the bench), port {s.port('tls')}, RSA 2048 self-signed, TLS 1.3"]
    res.text.append(
        f"From just before `connect()` to the first and last byte, one Python client, median (and lower "
        f"quartile) of {s.runs} requests each, alternating plain and TLS. Every TLS request is a new "
        "connection with a full handshake (no session resumption), as a first visit is.")
    t = res.table("request", "tcpsvd first byte", "stunnel first byte", "added by stunnel",
                  "ratio", "tcpsvd last byte", "stunnel last byte")
    res.raw = {"runs": s.runs, "seconds": {f"{p} {n}": v for (p, n), v in got.items()}}
    for path, what in TARGETS:
        plain = [f for f, _ in got[(path, "tcpsvd")]]
        tls = [f for f, _ in got[(path, "stunnel")]]
        added = median(tls) - median(plain)
        t.add(f"{what} `{path}`", f"{ms(median(plain))} ({ms(quantile(plain, 0.25))})",
              f"{ms(median(tls))} ({ms(quantile(tls, 0.25))})", ms(added), times(ratio(median(tls), median(plain))),
              ms(median(l for _, l in got[(path, "tcpsvd")])), ms(median(l for _, l in got[(path, "stunnel")])))
    return res
