"""What the generated block of BENCHMARKS.md keeps of parts this checkout has no JSON for.

Results live in target/bench/*.json, which no commit carries: a clone that runs one
part has only that part's JSON. So that its run does not drop every other part's
figures from BENCHMARKS.md, the renderer keeps, from the block it replaces, the section
and the scoreboard rows of each part without a JSON here, as they were (each section
names its own date, command and build).
"""

import re

SECTION = re.compile(r"^### .*\(`scripts/bench ([a-z_]+)`\)\s*$")
BOARD = "### Targets"
ROW = re.compile(r"^\| ([a-z_]+) \(\d{4}-\d\d-\d\d\) \|")


def old_parts(block):
    """{part: {"section": markdown, "rows": [scoreboard table lines]}} of an old
    generated BLOCK (the text between the markers)."""
    found, current = {}, None
    for line in block.splitlines():
        if line.startswith("### "):
            m = SECTION.match(line)
            current = m.group(1) if m else (BOARD if line.strip() == BOARD else None)
            if m:
                found.setdefault(current, {"section": [], "rows": []})["section"] = []
        if current == BOARD:
            m = ROW.match(line)
            if m:
                found.setdefault(m.group(1), {"section": [], "rows": []})["rows"].append(line)
        elif current:
            found[current]["section"].append(line)
    return {p: {"section": "\n".join(v["section"]).strip("\n") + "\n" if v["section"] else "", "rows": v["rows"]}
            for p, v in found.items()}
