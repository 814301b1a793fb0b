"""A part's result: raw figures plus what the renderer prints, saved as JSON.

A part function returns a `Result`; the bench adds the run's context (date, command,
machine, build) and writes OUT/<part>.json. The renderer needs nothing else, so a
summary can be re-rendered (scripts/bench-report) without measuring again.
"""

import json
import os
import platform
import subprocess
import time
from dataclasses import asdict, dataclass, field

from .settings import OUT, REPO


@dataclass
class Target:
    """One target row: what is measured, the figure, the target, the verdict."""

    measure: str
    figure: str
    target: str
    verdict: str  # stats.MET, stats.MISSED or stats.NO_FIGURE


@dataclass
class Table:
    head: list
    rows: list = field(default_factory=list)

    def add(self, *cells):
        self.rows.append([str(c) for c in cells])


@dataclass
class Result:
    """What a part measured. text: paragraphs (markdown) before the tables; config: one
    line per server or program measured (which config, which binary, which supervisor
    flags); notes: paragraphs after the targets."""

    title: str
    text: list = field(default_factory=list)
    config: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    raw: dict = field(default_factory=dict)

    def table(self, *head):
        t = Table(list(head))
        self.tables.append(t)
        return t

    def target(self, measure, figure, target, verdict):
        self.targets.append(Target(measure, figure, target, verdict))


def machine(niceness):
    """"nproc N, Linux RELEASE, CPU MODEL, load average L1 L5 L15 at start, niceness N"."""
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    return (f"nproc {os.cpu_count()}, Linux {platform.release()}, {model}, load average {load} at start; "
            f"bench, servers and clients at niceness {niceness}")


def head_commit():
    done = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "crates", "src", "Cargo.lock"],
                           capture_output=True, text=True).stdout.strip()
    return (done.stdout.strip() or "unknown") + (" (crates/src modified)" if dirty else "")


def context(command, bins, nginx_version, niceness):
    """The run's context, recorded at a part's start."""
    built = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime((bins.dir / "loomiere-stream").stat().st_mtime))
    where = str(bins.dir.relative_to(REPO)) if bins.dir.is_relative_to(REPO) else str(bins.dir)
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "command": command,
        "machine": machine(niceness),
        "build": f"`{where}` ({bins.kind}), built {built}; HEAD {head_commit()}; {nginx_version}",
    }


def save(part, ctx, result):
    """Writes OUT/PART.json (atomically) and returns its path."""
    OUT.mkdir(parents=True, exist_ok=True)
    data = {"part": part, **ctx, **asdict(result)}
    path = OUT / f"{part}.json"
    tmp = path.with_suffix(".json.partial")
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    os.replace(tmp, path)
    return path


def load_all(order):
    """Every OUT/*.json result, the parts in ORDER first, then others by name."""
    found = {p.stem: p for p in OUT.glob("*.json")}
    names = [p for p in order if p in found] + sorted(n for n in found if n not in order)
    out = []
    for name in names:
        try:
            out.append(json.loads(found[name].read_text()))
        except (OSError, ValueError):
            continue
    return out
