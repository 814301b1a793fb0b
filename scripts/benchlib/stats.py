"""Medians, ratios, verdicts and the number formats the summaries use."""

import statistics

MET, MISSED, NO_FIGURE = "met", "MISSED", "no figure"


def median(values):
    """The median of the numbers in values, or None when there are none."""
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def quantile(values, q):
    """The Q-quantile (0..1, by linear interpolation) of the numbers in values, or None."""
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    at = q * (len(values) - 1)
    lo = int(at)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (at - lo)


def ratio(a, b):
    """a / b, or None when either is missing or b is not positive."""
    if a is None or b is None or b <= 0:
        return None
    return a / b


def verdict(figure, op, bound):
    """MET when `figure OP bound` holds (op: "<=", "<", ">=", "=="), MISSED when not,
    NO_FIGURE when figure is None."""
    if figure is None:
        return NO_FIGURE
    ok = {"<=": figure <= bound, "<": figure < bound, ">=": figure >= bound, "==": figure == bound}[op]
    return MET if ok else MISSED


def all_met(verdicts):
    """MET when every verdict is, else MISSED (NO_FIGURE when one has no figure)."""
    verdicts = list(verdicts)
    if NO_FIGURE in verdicts:
        return NO_FIGURE
    return MET if verdicts and all(v == MET for v in verdicts) else MISSED


def ms(seconds, digits=3):
    """"1.234 ms" from seconds, or "-"."""
    return "-" if seconds is None else f"{seconds * 1000:.{digits}f} ms"


def times(r, digits=2):
    """"0.82×", or "-"."""
    return "-" if r is None else f"{r:.{digits}f}×"


def commas(n):
    """An integer with thousands separators, or "-"."""
    return "-" if n is None else f"{round(n):,}"


def kib(n):
    """"123 KiB" from KiB, or "-"."""
    return "-" if n is None else f"{round(n):,} KiB"
