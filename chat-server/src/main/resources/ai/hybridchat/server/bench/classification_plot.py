"""Draws the learning curve of `platform bench classification`: test accuracy against training
examples per class, one line per system, the spread over repeated draws as error bars.
Reads the benchmark's JSON (a list of {"system","perClass","examplesPerClass","accuracy"}) and
writes a PNG."""
import json
import statistics
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt


def main(results_file, png_file, title):
    with open(results_file, encoding="utf-8") as f:
        rows = json.load(f)
    systems = list(dict.fromkeys(r["system"] for r in rows))
    fig, ax = plt.subplots(figsize=(7.5, 4.8), dpi=120)
    for system in systems:
        points = {}
        for r in rows:
            if r["system"] == system:
                points.setdefault(r["examplesPerClass"], []).append(r["accuracy"] * 100)
        xs = sorted(points)
        means = [statistics.mean(points[x]) for x in xs]
        spreads = [statistics.stdev(points[x]) if len(points[x]) > 1 else 0 for x in xs]
        ax.errorbar(xs, means, yerr=spreads, marker="o", capsize=3, label=system)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("training examples per class (log scale; the last point is all of them, mean per class)")
    ax.set_ylabel("test accuracy (%)")
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(png_file)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
