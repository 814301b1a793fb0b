"""throughput: wrk, 100 clients, a 12 MB MP4 whole, unthrottled, `Connection: close`."""

from ..report import Result
from ..settings import env_int
from ..stats import commas, ratio, times, verdict
from .common import warm
from .load import totals, wrk_rounds

FILE = "bench-12mb.mp4"


def run(bench):
    """throughput: wrk -c 100 on a 12 MB MP4, GB/s and CPU seconds per GB"""
    conns = env_int("BENCH_CONNS", 100)
    rounds, seconds = env_int("BENCH_TP_ROUNDS", 3), env_int("BENCH_DURATION", 5)
    film = bench.media(FILE)
    servers = [("nginx", "nginx"), ("front", "**Loomiere (front)**")]
    warm([(n, bench.port(n), f"/{FILE}") for n, _ in servers])
    entries = [(n, f"http://127.0.0.1:{bench.port(n)}/{FILE}") for n, _ in servers]
    got = wrk_rounds(bench, entries, rounds, seconds, conns)
    tot = {n: totals(runs) for n, runs in got.items()}
    res = Result("Throughput")
    res.raw = {"conns": conns, "rounds": rounds, "seconds": seconds, "runs": got, "totals": tot}
    res.config = bench.describe("nginx", "front")
    res.text.append(
        f"`/{FILE}` ({commas(film.stat().st_size)} bytes, made by the bench), the whole file, `throttle = 0`: "
        f"`wrk -c {conns} -t 2 -d {seconds}s --timeout 10s -H 'Connection: close'` (as issue 16 measured), "
        f"{rounds} interleaved rounds per server. GB/s is bytes wrk read (headers included) over wrk's "
        "own duration, 10^9 bytes. Server CPU: user + system seconds from /proc/PID/stat, read before and "
        "after each run (nginx: master + worker; Loomiere: tcpsvd's own plus its reaped streamers' "
        "`cutime + cstime`, read once every streamer of the run has exited). wrk runs on the same 2 cores."
    )
    t = res.table("server", "GB/s", "requests", "errors", "server CPU", "CPU seconds per GB", "CPU per request")
    for n, label in servers:
        x = tot[n]
        t.add(label, f"{x['gbps']:.3f}", commas(x["requests"]), x["errors"], f"{x['cpu_s']:.2f} s",
              f"{x['cpu_s_per_gb']:.3f} s", f"{x['cpu_ms_per_request']:.2f} ms")
    g = ratio(tot["front"]["gbps"], tot["nginx"]["gbps"])
    c = ratio(tot["front"]["cpu_s_per_gb"], tot["nginx"]["cpu_s_per_gb"])
    t.add("ours/nginx", f"**{times(g)}**", "", "", "", times(c), "")
    res.target("throughput, 100 clients, 12 MB file, unthrottled (GB/s)", times(g), "≥ 1.0× nginx", verdict(g, ">=", 1.0))
    res.notes.append(
        f"CPU seconds per GB: nginx {tot['nginx']['cpu_s_per_gb']:.3f} s, Loomiere {tot['front']['cpu_s_per_gb']:.3f} s "
        f"({times(c)}). Errors count wrk's connect, read, write, timeout and non-2xx errors."
    )
    return res
