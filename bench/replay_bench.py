"""Replay speed and memory (issue 13, item 3): events folded per CPU-second.

Usage (from the repository root)::

    .venv/bin/sovet generate --db /tmp/fed/fed.db --scale 0.1     # ~200k events
    .venv/bin/python bench/replay_bench.py /tmp/fed/fed.db         # 3 runs

Each run is a fresh interpreter (its peak RSS its own) that times, in CPU
seconds of that process: the replay as the services do it
(``fold(store.read())``), then the read alone (``store.read()`` into a list)
and the fold alone over that list. Prints one JSON line per run and the
median rates.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from typing import Any


def child(db: str) -> dict[str, Any]:
    """One run: replay, read alone, fold alone."""
    from sovet.adapters.sql.engine import make_engine
    from sovet.adapters.sql.event_store import SqlEventStore
    from sovet.domain import fold

    engine = make_engine(db)
    cpu = time.process_time()
    with engine.connect() as conn:
        state = fold(SqlEventStore(conn).read())
    replay = time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    count = state.head[0] if state.head else 0
    del state
    cpu = time.process_time()
    with engine.connect() as conn:
        events = list(SqlEventStore(conn).read())
    read = time.process_time() - cpu
    cpu = time.process_time()
    fold(events)
    folded = time.process_time() - cpu
    engine.dispose()
    return {
        "events": count,
        "replay_cpu_s": round(replay, 3),
        "replay_per_cpu_s": round(count / replay),
        "peak_rss_mib": round(peak),
        "read_cpu_s": round(read, 3),
        "fold_cpu_s": round(folded, 3),
        "fold_per_cpu_s": round(count / folded),
    }


def main() -> None:
    """Run ``--runs`` fresh interpreters and print their medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="a SQLite file or a postgresql:// URL")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.db)))
        return
    runs = []
    for _ in range(args.runs):
        done = subprocess.run(
            [sys.executable, __file__, "--child", args.db],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(done.stdout))
        print(done.stdout.strip())
    medians = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print("median", json.dumps(medians))


if __name__ == "__main__":
    main()
