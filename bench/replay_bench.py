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


def child(db: str, mode: str) -> dict[str, Any]:
    """One run: replay as the services do, then read alone and fold alone.

    ``mode`` "rows" (this code's services path: ``fold_source`` over the
    store's rows, no event kept) or "events" (``fold(store.read())``: stored
    events, kept — the path of main before issue 13 item 3)."""
    from sovet.adapters.sql.engine import make_engine
    from sovet.adapters.sql.event_store import SqlEventStore
    from sovet.domain import fold

    engine = make_engine(db)
    rows = mode == "rows"
    if rows:
        from sovet.domain.kernel.replay import Selection, fold_source
        from sovet.services.handlers import OpenStore

    cpu = time.process_time()
    with engine.connect() as conn:
        store = SqlEventStore(conn)
        if rows:
            state = fold_source(OpenStore(store), Selection(store.head()[0]))
        else:
            state = fold(store.read())
    replay = time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    count = state.head[0] if state.head else 0
    del state
    cpu = time.process_time()
    with engine.connect() as conn:
        store = SqlEventStore(conn)
        events: list[Any] = list(store.read_rows() if rows else store.read())
    read = time.process_time() - cpu
    cpu = time.process_time()
    if rows:
        fold_source(_Listed(events), Selection(count))
    else:
        fold(events)
    folded = time.process_time() - cpu
    engine.dispose()
    return {
        "mode": mode,
        "events": count,
        "replay_cpu_s": round(replay, 3),
        "replay_per_cpu_s": round(count / replay),
        "peak_rss_mib": round(peak),
        "read_cpu_s": round(read, 3),
        "fold_cpu_s": round(folded, 3),
        "fold_per_cpu_s": round(count / folded),
    }


class _Listed:
    """Rows already read, as a ``LogSource`` (the fold alone)."""

    def __init__(self, rows: list[Any]) -> None:
        self._rows = rows

    def rows(self, upto: int) -> Any:
        return iter(self._rows[:upto])

    def rows_at(self, seqs: Any) -> Any:
        return (self._rows[s - 1] for s in seqs)

    def events(self, upto: int, after: int = 0) -> Any:
        raise NotImplementedError


def main() -> None:
    """Run ``--runs`` fresh interpreters and print their medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="a SQLite file or a postgresql:// URL")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--mode",
        choices=("rows", "events"),
        default="rows",
        help="rows: the services' fold (no event kept); events: fold(store.read())",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.db, args.mode)))
        return
    runs = []
    for _ in range(args.runs):
        done = subprocess.run(
            [sys.executable, __file__, "--child", "--mode", args.mode, args.db],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(done.stdout))
        print(done.stdout.strip())
    medians = {k: statistics.median(r[k] for r in runs) for k in runs[0] if k != "mode"}
    print("median", json.dumps(medians))


if __name__ == "__main__":
    main()
