"""Start-up cost of ``sovet``'s modules against Typer and Rich (issue 13, item 1).

Run from the repository root::

    .venv/bin/python bench/startup.py            # 15 runs of each, medians
    .venv/bin/python bench/startup.py -n 31

Each statement runs in a fresh interpreter under ``python -X importtime``; its
cost is the sum of the cumulative times of the top-level imports it triggered
(the interpreter's own start-up, ``site`` and ``encodings``, left out). The runs
of the statements are interleaved, so a change in the machine's load touches
all of them alike; the ratio is taken run by run, then its median printed.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

BASELINE = "import typer, rich.console"
STATEMENTS = {
    "typer + rich": BASELINE,
    "sovet.cli.app": "import sovet.cli.app",
    "sovet.counting": "import sovet.counting",
    "sovet.counting.methods": "import sovet.counting.methods",
    "sovet.domain": "import sovet.domain",
}
SKIP = {"site", "encodings", "_frozen_importlib_external", "zipimport"}


def import_seconds(statement: str) -> float:
    """Seconds of imports ``statement`` costs in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        capture_output=True,
        text=True,
        check=True,
    )
    total = 0
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _self, cumulative, name = line.split("|")
        top = cumulative.strip().isdigit() and not name.startswith("  ")
        if top and name.strip() not in SKIP:
            total += int(cumulative)
    return total / 1e6


def main() -> None:
    """Print the median of each statement and its ratio to Typer + Rich."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=15, help="runs of each statement")
    runs = parser.parse_args().n
    times: dict[str, list[float]] = {label: [] for label in STATEMENTS}
    for _ in range(runs):
        for label, statement in STATEMENTS.items():
            times[label].append(import_seconds(statement))
    base = times["typer + rich"]
    print(f"{runs} runs each; median seconds of imports, median ratio to typer + rich")
    for label, seconds in times.items():
        ratios = [s / b for s, b in zip(seconds, base, strict=True)]
        print(
            f"{label:24} {statistics.median(seconds):7.3f} s  "
            f"{statistics.median(ratios):5.2f}x  "
            f"(min {min(seconds):.3f}, max {max(seconds):.3f})"
        )


if __name__ == "__main__":
    main()
