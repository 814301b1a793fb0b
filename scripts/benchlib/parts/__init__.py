"""The parts of `scripts/bench`, in their default order.

A part is one function `run(bench) -> report.Result` (its docstring's first line is
what the bench logs) and one entry in PARTS. `bench` (run.Bench) gives the settings,
the binaries, shared servers by name (`bench.port("nginx")`, started on first use),
`bench.loomiere(...)` for a server of the part's own, and `bench.media(NAME)`. The
timed client is `client.get`; `common.interleaved` takes requests in rounds. The
result's targets go to the scoreboard; BENCHMARKS.md is rendered from the JSON.

A new part is a module like parts/hls.py (nginx-vod-module against Loomiere: a server
of its own in settings.PORT_OFFSETS and servers.py, requests in interleaved rounds,
medians and lower quartiles, `res.target(...)` rows) plus an entry below.
"""

from . import hls, instructions, memory, profile, scoreboard, seek, small, startup, throttle, throughput, tls, viewers

PARTS = {
    "seek": seek.run,
    "throttle": throttle.run,
    "startup": startup.run,
    "small": small.run,
    "memory": memory.run,
    "throughput": throughput.run,
    "viewers": viewers.run,
    "instructions": instructions.run,
    "hls": hls.run,
    "scoreboard": scoreboard.run,
    "profile": profile.run,
    "tls": tls.run,
}
# The parts `scripts/bench` runs without arguments (profile builds the binaries again;
# tls needs stunnel4 and is asked for by name).
DEFAULT = [name for name in PARTS if name not in ("profile", "tls")]
