"""The parts of `scripts/bench`, in their default order.

A part is one function `run(bench) -> report.Result` (its docstring's first line is
what the bench logs) and one entry in PARTS. `bench` (run.Bench) gives the settings,
the binaries, shared servers by name (`bench.port("nginx")`, started on first use),
`bench.loomiere(...)` for a server of the part's own, and `bench.media(NAME)`. The
timed client is `client.get`; `common.interleaved` takes requests in rounds. The
result's targets go to the scoreboard; BENCHMARKS.md is rendered from the JSON.

A new part, say `hls` (nginx-vod-module against Loomiere), is a module like this
plus `"hls": hls.run` below (and a port in settings.PORT_OFFSETS for a new server):

    def run(bench):
        '''hls: media playlist and a mid-film segment, first byte and last byte'''
        entries = [("nginx-vod", VOD_PORT, "/vod/long.mp4/index-v1-a1.m3u8"),
                   ("front", bench.port("front"), "/long.mp4/index.m3u8")]
        warm(entries)
        got = interleaved(bench.settings.runs, entries, until="end")
        med = {name: medians(f) for name, f in got.items()}
        res = Result("HLS")
        res.raw = {"medians": med}
        res.config = bench.describe("front")
        t = res.table("server", "first byte", "last byte")
        ...
        res.target("media playlist, last byte", times(r), "≤ 1.0× nginx-vod", verdict(r, "<=", 1.0))
        return res
"""

from . import instructions, memory, profile, seek, small, startup, throttle, throughput, tls, viewers

PARTS = {
    "seek": seek.run,
    "throttle": throttle.run,
    "startup": startup.run,
    "small": small.run,
    "memory": memory.run,
    "throughput": throughput.run,
    "viewers": viewers.run,
    "instructions": instructions.run,
    "profile": profile.run,
    "tls": tls.run,
}
# The parts `scripts/bench` runs without arguments (profile builds the binaries again;
# tls needs stunnel4 and is asked for by name).
DEFAULT = [name for name in PARTS if name not in ("profile", "tls")]
