"""small: requests per second for a ~45 KB image, against the process floors."""

from ..report import Result
from ..settings import env_int
from ..stats import commas, ratio, times, verdict
from .common import warm
from .load import totals, wrk_rounds

SERVERS = [
    ("nginx", "nginx"),
    ("front", "**Loomiere (front)**: tcpsvd, exec `loomiere-stream`, which serves the file itself"),
    ("file_direct", "`loomiere-file` run directly by tcpsvd"),
    ("floor1", "floor: one exec"),
    ("floor2", "floor: two execs"),
]
IMAGE = "image-45k.jpg"


def run(bench):
    """small: ~45 KB image, requests/s through the front against the floors (wrk)"""
    conns = env_int("BENCH_RPS_CONNS", 50)
    rounds, seconds = env_int("BENCH_RPS_ROUNDS", 3), env_int("BENCH_RPS_SECONDS", 4)
    image = bench.media(IMAGE)
    paths = {n: "/" if n.startswith("floor") else f"/{IMAGE}" for n, _ in SERVERS}
    warm([(n, bench.port(n), paths[n]) for n, _ in SERVERS])
    entries = [(n, f"http://127.0.0.1:{bench.port(n)}{paths[n]}") for n, _ in SERVERS]
    got = wrk_rounds(bench, entries, rounds, seconds, conns)
    tot = {n: totals(runs) for n, runs in got.items()}
    res = Result("Small files: requests per second")
    res.raw = {"conns": conns, "rounds": rounds, "seconds": seconds, "runs": got, "totals": tot}
    res.config = bench.describe(*[n for n, _ in SERVERS])
    res.text.append(
        f"`/{IMAGE}` ({commas(image.stat().st_size)} bytes, a JPEG the bench makes, the size of issue 16's "
        f"image): `wrk -c {conns} -t 2 -d {seconds}s -H 'Connection: close'`, {rounds} interleaved rounds per "
        "server (each round one run on each server, the first moving by one). The floors are the process "
        "model's own cost: a static C program (`scripts/benchlib/floor.c`, musl-gcc -static) that reads "
        "the request head and writes a fixed 2-byte response, under the same tcpsvd flags, exec'd once, "
        "or exec'ing itself once more first (as the front execs a streamer). Server CPU: user + system "
        "seconds from /proc/PID/stat (nginx: master + worker; tcpsvd: its own plus its reaped children's, "
        "`cutime + cstime`), over the runs. wrk runs on the same 2 cores."
    )
    t = res.table("server", "requests/s", "ratio to one-exec floor", "ratio to nginx", "requests", "errors",
                  "server CPU per request")
    floor = tot["floor1"]["rps"]
    for n, label in SERVERS:
        x = tot[n]
        t.add(label, commas(x["rps"]), times(ratio(x["rps"], floor)), times(ratio(x["rps"], tot["nginx"]["rps"])),
              commas(x["requests"]), x["errors"], f"{x['cpu_ms_per_request']:.3f} ms" if x["cpu_ms_per_request"] else "-")
    r = ratio(tot["front"]["rps"], floor)
    res.target("small image, requests/s through the front", f"{commas(tot['front']['rps'])}/s = {times(r)} floor",
               "≥ 0.9× the one-exec floor", verdict(r, ">=", 0.9))
    return res
