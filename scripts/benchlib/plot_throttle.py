"""`python3 plot_throttle.py OUT PNG AHEAD RATE LEAVE`: draws docs/throttle.png from
OUT/throttle-{on,off}.csv (seconds, body bytes after each read) and
OUT/throttle-media.csv (ffprobe's packets: stream, dts_time, size, pos). Run by a
Python that has matplotlib (the throttle part finds one)."""

import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def series(out, name):
    with open(f"{out}/throttle-{name}.csv") as f:
        rows = [(float(t), int(b)) for t, b in list(csv.reader(f))[1:]]
    return [r[0] for r in rows], [r[1] for r in rows]


def media_curve(out, end_bytes):
    """Bytes due by media time m: those before the first packet decoded after m (the
    rule the server follows), sampled every 0.1 s."""
    packets = []
    with open(f"{out}/throttle-media.csv") as f:
        for row in csv.reader(f):
            try:
                packets.append((float(row[1]), int(row[3])))
            except (ValueError, IndexError):
                pass
    packets.sort(key=lambda p: p[1])
    duration = max(p[0] for p in packets)
    suffix_min, best = [], float("inf")
    for dts, pos in reversed(packets):
        best = min(best, dts)
        suffix_min.append((best, pos))
    suffix_min.reverse()

    def due(m):
        return next((pos for earliest, pos in suffix_min if earliest > m), end_bytes)

    t = [i / 10 for i in range(int(duration * 10) + 2)]
    return t, [due(m) for m in t]


def main(out, png, ahead, rate, leave):
    off_t, off_b = series(out, "off")
    on_t, on_b = series(out, "on")
    end_bytes = max(off_b or [0])
    media_t, media_b = media_curve(out, end_bytes)
    fig, ax = plt.subplots(figsize=(9, 5.2), dpi=110)
    mb = 1e6
    ax.plot(media_t, [b / mb for b in media_b], color="0.55", lw=2.2, label="the film's own bytes against media time")
    ax.plot(on_t, [b / mb for b in on_b], color="tab:blue", lw=1.4,
            label=f"throttled ({ahead:g} s ahead, rate {rate:g}): bytes received against wall time")
    ax.plot(off_t, [b / mb for b in off_b], color="tab:red", lw=1.4, label="throttle = 0: bytes received against wall time")
    ax.axvline(leave / rate, color="0.3", ls=":", lw=1)
    ax.text(leave / rate, end_bytes / mb * 0.45, f" a viewer leaves\n after {leave:g} s", fontsize=8, color="0.3")
    burst = max([b for t, b in zip(on_t, on_b) if t <= 1.0] or [0])
    ax.annotate(f"burst: {burst / mb:.2f} MB (moov + first {ahead:g} s) at once", xy=(0.5, burst / mb),
                xytext=(3, end_bytes / mb * 0.25), fontsize=8, arrowprops={"arrowstyle": "->", "color": "0.3"})
    ax.set_xlabel("seconds (wall time for the streams, media time for the film)")
    ax.set_ylabel("MB")
    ax.set_title(f"Loomiere throttling: a {ahead:g} s burst, then {ahead:g} s ahead of the play head, following the film's VBR")
    ax.title.set_fontsize(10)
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(png)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]))
