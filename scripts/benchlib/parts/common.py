"""Helpers the parts share: interleaved rounds of timed requests, and their medians."""

import time

from .. import client
from ..install import BenchError, log
from ..procs import children
from ..stats import median, quantile


def settle(pid, limit=0.2):
    """Waits (up to LIMIT seconds) until the supervisor PID has no child left: the
    process that served the last request has exited, so it does not compete with the
    next request for the 2 cores."""
    deadline = time.perf_counter() + limit
    while children(pid) and time.perf_counter() < deadline:
        time.sleep(0.0002)


def interleaved(runs, entries, supervisors=None, **get_args):
    """RUNS rounds; each round one request to each of ENTRIES ((name, port, path), ...)
    in turn, the first entry moving by one every round, so that a noisy moment of the
    shared machine falls on every server alike. supervisors: {name: tcpsvd's pid};
    after a request to one of those the next waits until its process has exited
    (`settle`). Returns {name: [Fetch, ...]}."""
    got = {name: [] for name, _, _ in entries}
    supervisors = supervisors or {}
    for r in range(runs):
        for i in range(len(entries)):
            name, port, path = entries[(r + i) % len(entries)]
            got[name].append(client.get(port, path, **get_args))
            if name in supervisors:
                settle(supervisors[name])
    return got


def warm(entries, times=2, **get_args):
    """TIMES requests to each entry (page cache, sample index), alike for all; returns
    {name: the last Fetch}, failing the part when one is not a 200."""
    last = {}
    for _ in range(times):
        for name, port, path in entries:
            last[name] = client.get(port, path, **get_args)
    for name, f in last.items():
        if f.status != "200" or f.error:
            raise BenchError(f"warm-up of {name} ({entries}) got status {f.status} {f.error or ''}")
    return last


def medians(fetches, mark=None):
    """{"first_byte": s, "at_mark": s, "last_byte": s, their lower quartiles "..._p25",
    "failed": n, "n": n} over FETCHES (failed
    ones, not a 200 or short of MARK, are left out of the medians and counted)."""
    good = [f for f in fetches if f.ok(mark)]
    failed = len(fetches) - len(good)
    if failed:
        bad = next(f for f in fetches if not f.ok(mark))
        log(f"{failed} of {len(fetches)} requests failed (e.g. status {bad.status}, {bad.body_bytes} bytes, {bad.error})")
    return {
        "first_byte": median(f.first_byte for f in good),
        "at_mark": median(f.at_mark for f in good),
        "last_byte": median(f.last_byte for f in good),
        "first_byte_p25": quantile((f.first_byte for f in good), 0.25),
        "at_mark_p25": quantile((f.at_mark for f in good), 0.25),
        "last_byte_p25": quantile((f.last_byte for f in good), 0.25),
        "failed": failed,
        "n": len(fetches),
    }


def series(fetches):
    """The raw seconds of FETCHES for the JSON: [[first_byte, at_mark, last_byte, status], ...]."""
    r = lambda x: None if x is None else round(x, 6)
    return [[r(f.first_byte), r(f.at_mark), r(f.last_byte), f.status] for f in fetches]
