#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Plot `make bench` results: instructions per call against the number of ops.

    bench_plot.py OUT.png NAME=LOG...

Reads the same "# bench:" lines as bench_table.py; one panel per number of
irrelevant ops (0, 200), one line per kernel, save_regs off.
"""

import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (after the backend is chosen)

from bench_table import parse  # noqa: E402

RELEVANT = (0, 1, 2, 200)


def main(argv):
    out, runs = argv[0], [a.split("=", 1) for a in argv[1:]]
    data = [(name, parse(path)) for name, path in runs]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), sharey=True)
    for ax, irrelevant in zip(axes, (0, 200)):
        for name, values in data:
            keys = [f"ops_r{r}_i{irrelevant}_regs0" for r in RELEVANT]
            if not all(k in values for k in keys):
                continue
            ax.plot(range(len(RELEVANT)), [values[k] for k in keys],
                    marker="o", label=name)
        ax.set_xticks(range(len(RELEVANT)), [str(r) for r in RELEVANT])
        ax.set_xlabel("relevant ops on the traced function")
        ax.set_title(f"{irrelevant} irrelevant ops")
        ax.set_yscale("log")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("instructions per call (qemu -icount)")
    axes[0].legend()
    fig.suptitle("ftrace-ops sample: cost of one call of the traced function")
    fig.tight_layout()
    # No "Software" tag: the file changes only when the numbers do.
    fig.savefig(out, dpi=100, metadata={"Software": None})


if __name__ == "__main__":
    main(sys.argv[1:])
