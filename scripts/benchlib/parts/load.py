"""wrk runs in interleaved rounds, with the server's CPU seconds over each run."""

from .. import servers, tools
from ..procs import cpu_seconds, wait_children_gone


def server_pids(bench, name):
    """The pids whose CPU counts for the server NAME: nginx's master and workers, or
    tcpsvd (its reaped children count through cutime + cstime)."""
    pid = bench.pid(name)
    return servers.nginx_pids(pid) if name == "nginx" else [pid]


def wrk_rounds(bench, entries, rounds, seconds, conns):
    """ROUNDS rounds of `wrk -c CONNS -d SECONDS` on each (name, url) of ENTRIES in
    turn (the first moving by one each round). Returns {name: [run, ...]}, each run
    wrk's summary plus "cpu_s": the server's CPU seconds over it (measured once every
    streamer of the run has exited and been reaped)."""
    got = {name: [] for name, _ in entries}
    for r in range(rounds):
        for i in range(len(entries)):
            name, url = entries[(r + i) % len(entries)]
            pids = server_pids(bench, name)
            c0 = cpu_seconds(pids)
            run = tools.wrk(url, conns, seconds)
            if name != "nginx":
                wait_children_gone(pids[0], 10.0)
            run["cpu_s"] = cpu_seconds(server_pids(bench, name)) - c0
            got[name].append(run)
    return got


def totals(runs):
    """Sums of requests, bytes, seconds (wrk's duration), errors and CPU over RUNS,
    with requests/s, GB/s (10^9 bytes) and CPU seconds per GB and per 1000 requests."""
    req = sum(r["requests"] for r in runs)
    byt = sum(r["bytes"] for r in runs)
    sec = sum(r["duration_us"] for r in runs) / 1e6
    cpu = sum(r["cpu_s"] for r in runs)
    return {
        "requests": req, "bytes": byt, "seconds": sec, "errors": sum(r["errors"] for r in runs), "cpu_s": cpu,
        "rps": req / sec if sec else None, "gbps": byt / sec / 1e9 if sec else None,
        "cpu_s_per_gb": cpu / (byt / 1e9) if byt else None,
        "cpu_ms_per_request": cpu * 1000 / req if req else None,
    }
