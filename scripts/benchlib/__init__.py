"""The benchmark behind `scripts/bench`: Loomiere against nginx on loopback.

Modules, from the bottom up (a module imports only those above it):

- `settings`: paths, ports and the BENCH_* knobs read from the environment.
- `install`: Debian packages a part needs (apt-get, as scripts/lib.sh's `need`).
- `stats`: medians, ratios and the "met" / "MISSED" verdicts.
- `client`: the one timed HTTP client (sockets + time.perf_counter).
- `procs`: processes the bench starts (and only those), /proc figures about them.
- `servers`: nginx, Loomiere under tcpsvd, the floor responders.
- `media`: the bench's own media directory (links to the read-only test media).
- `tools`: wrk and callgrind runs, parsed.
- `report`: a part's result (raw figures, tables, targets) as JSON.
- `kept`: what the generated block keeps of parts with no JSON in this checkout.
- `render`: the generated block of BENCHMARKS.md from the JSON results.
- `parts`: one module per part and the PARTS table (`scripts/bench PART...`).
- `run`: `main`, and `Bench`, the context a part function gets.

Not imported: `floor.c` (the floor responder), `rusage.py` (run between tcpsvd and a
streamer by the throttle part), `plot_throttle.py` (run by a Python with matplotlib).
"""
