"""Scale benchmarks (issue 5): append with the chain vs a bare INSERT, replay,
legitimacy at random T, SQLite vs PostgreSQL — side by side in one run.

Usage (from the repository root)::

    .venv/bin/sovet generate --db /tmp/scale/fed.db            # ~2.07M events
    .venv/bin/python bench/scale_bench.py /tmp/scale/fed.db [--pg URL] [--append N]

Each replay runs in a fresh process so that its peak RSS
(``resource.getrusage``) is its own. ``--pg`` (default ``$SOVET_TEST_DATABASE_URL``
or the local test server) gets a fresh schema, dropped at the end. Prints one
JSON document (the figures of ``bench/RESULTS.md``). Ballots over HTTP are
measured by ``bench/scale_http.py``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import create_engine, text

from sovet.adapters.sql.engine import make_engine
from sovet.adapters.sql.event_store import SqlEventStore
from sovet.adapters.sql.migrate import migrate
from sovet.adapters.sql.uow import SqlUnitOfWork
from sovet.domain.government.legitimacy import legitimacy
from sovet.domain.kernel.calendar import parse_at
from sovet.domain.kernel.replay import Selection, fold_source
from sovet.ledger.envelope import NewEvent, StoredEvent
from sovet.services.handlers import FreshUnits, OpenStore, StateCache

DEFAULT_PG = "postgresql+psycopg://127.0.0.1:5432/test"
BATCH = 20_000
COLUMNS = "seq, stream_id, version, type, payload, recorded_at, prev_hash, hash"


def machine() -> dict[str, Any]:
    """nproc, lscpu head, memory, Python and SQLite versions."""
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False)
    mem = Path("/proc/meminfo").read_text().splitlines()[0]
    return {
        "nproc": os.cpu_count(),
        "lscpu": lscpu.stdout.splitlines()[:20],
        "memory": mem,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load": os.getloadavg(),
    }


def read_log(db: str, limit: int | None = None) -> list[StoredEvent]:
    """The stored events of ``db`` (the first ``limit``)."""
    engine = make_engine(db)
    with engine.connect() as conn:
        events = list(SqlEventStore(conn).read(limit=limit))
    engine.dispose()
    return events


# --- append: hash chain vs bare INSERT ---------------------------------------


def _fresh_sqlite() -> str:
    return str(Path(tempfile.mkdtemp(prefix="scale-bench-")) / "append.db")


def _pg_schema(url: str) -> tuple[str, Any]:
    admin = create_engine(url)
    schema = f"scale_bench_{os.getpid()}_{random.randrange(10**6)}"
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options={quote(f'-csearch_path={schema}')}", (admin, schema)


def _drop_pg(handle: Any) -> None:
    admin, schema = handle
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def append_chain(location: str, events: list[StoredEvent]) -> float:
    """Seconds to append ``events`` through ``SqlEventStore.append`` (chain)."""
    engine = make_engine(location)
    migrate(engine)
    new = [NewEvent(e.stream_id, e.type, e.payload, e.recorded_at) for e in events]
    started = time.perf_counter()
    for i in range(0, len(new), BATCH):
        with SqlUnitOfWork(engine) as unit:
            unit.events.append(new[i : i + BATCH])
            unit.commit()
    elapsed = time.perf_counter() - started
    with SqlUnitOfWork(engine) as unit:
        # The same seqs; not the same hashes: each event is stamped with the
        # time it is appended now (``appended_at``, part of its hash).
        assert unit.events.head()[0] == events[-1].seq
    engine.dispose()
    return elapsed


def append_bare(location: str, events: list[StoredEvent], payloads: list[str]) -> float:
    """Seconds to INSERT the same rows with the raw driver, no chain, no checks."""
    engine = make_engine(location)
    migrate(engine)
    rows = [
        (e.seq, e.stream_id, e.version, e.type, p, e.recorded_at, e.prev_hash, e.hash)
        for e, p in zip(events, payloads, strict=True)
    ]
    mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO events ({COLUMNS}) VALUES ({', '.join([mark] * 8)})"
    started = time.perf_counter()
    for i in range(0, len(rows), BATCH):
        with engine.begin() as conn:
            conn.exec_driver_sql(sql, rows[i : i + BATCH])
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def payload_texts(db: str, count: int) -> list[str]:
    """The stored canonical payload texts of the first ``count`` events."""
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT payload FROM events ORDER BY seq LIMIT ?", (count,)
    ).fetchall()
    conn.close()
    return [r[0] for r in rows]


def bench_append(db: str, count: int, pg: str | None) -> list[dict[str, Any]]:
    """Chain vs bare INSERT on SQLite (and PostgreSQL), alternating, best of 2."""
    events = read_log(db, count)
    payloads = payload_texts(db, count)
    out = []
    targets: list[str] = ["sqlite"] + (["postgresql"] if pg else [])
    for target in targets:
        best = {"chain": float("inf"), "bare": float("inf")}
        for _ in range(2):
            for kind in ("chain", "bare"):
                handle = None
                if target == "sqlite":
                    location = _fresh_sqlite()
                else:
                    location, handle = _pg_schema(pg or "")
                try:
                    run = append_chain if kind == "chain" else append_bare
                    args = (events,) if kind == "chain" else (events, payloads)
                    best[kind] = min(best[kind], run(location, *args))
                finally:
                    if handle is not None:
                        _drop_pg(handle)
        out.append(
            {
                "db": target,
                "events": len(events),
                "chain_s": round(best["chain"], 3),
                "bare_s": round(best["bare"], 3),
                "chain_per_s": round(len(events) / best["chain"]),
                "bare_per_s": round(len(events) / best["bare"]),
                "ratio": round(best["bare"] / best["chain"], 3),
            }
        )
    return out


# --- replay and legitimacy (run in a child process) --------------------------


def replay_child(location: str, queries: int, profile: bool) -> dict[str, Any]:
    """Replay as the services do (``StateCache.fold``: the store's rows, no
    event kept); then the read alone; then legitimacy at ``queries`` random T."""
    result: dict[str, Any] = {}
    engine = make_engine(location)
    cache = StateCache(FreshUnits(lambda: SqlUnitOfWork(engine)))
    started, cpu = time.perf_counter(), time.process_time()
    with engine.connect() as conn:
        state = cache.fold(SqlEventStore(conn))
    replay_s = time.perf_counter() - started
    replay_cpu = time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    count = state.size
    started, cpu = time.perf_counter(), time.process_time()
    with engine.connect() as conn:
        events = sum(1 for _ in SqlEventStore(conn).read())
    read_s = time.perf_counter() - started
    read_cpu = time.process_time() - cpu
    result |= {
        "events": count,
        "replay_s": round(replay_s, 2),
        "replay_per_s": round(count / replay_s),
        "replay_per_cpu_s": round(count / replay_cpu),
        "peak_rss_mib": round(peak),
        "read_only_s": round(read_s, 2),
        "read_per_s": round(events / read_s),
        "read_per_cpu_s": round(events / read_cpu),
    }
    if queries:
        rng = random.Random(20261126)
        first = parse_at(state.first_at or "")
        last = parse_at(state.last_at or "")
        span = int((last - first).total_seconds())
        times = [
            (first + timedelta(seconds=rng.randrange(span))).isoformat()
            for _ in range(queries)
        ]
        began = time.perf_counter()
        legitimacy(state, times[0])  # builds the time index
        result["index_build_s"] = round(time.perf_counter() - began, 2)
        took, cpu_took = [], []
        for at in times:
            t0, c0 = time.perf_counter(), time.process_time()
            legitimacy(state, at)
            took.append((time.perf_counter() - t0) * 1000)
            cpu_took.append((time.process_time() - c0) * 1000)
        took.sort()
        result["legitimacy_ms"] = {
            "p50": round(statistics.median(took), 3),
            "p99": round(took[int(0.99 * (len(took) - 1))], 3),
            "max": round(took[-1], 3),
            "cpu_p99": round(sorted(cpu_took)[int(0.99 * (len(cpu_took) - 1))], 3),
        }
        state.time_indexes.clear()
        began = time.perf_counter()
        state.as_of(times[0])
        result["refold_as_of_s"] = round(time.perf_counter() - began, 2)
    if profile:
        result["profile"] = _profile(location)
    engine.dispose()
    result["peak_rss_mib_end"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    )
    return result


def _profile(location: str, limit: int = 300_000) -> str:
    """cProfile of reading and folding the first ``limit`` events as the
    services do (rows, no event kept), top 18."""
    engine = make_engine(location)
    profiler = cProfile.Profile()
    with engine.connect() as conn:
        profiler.enable()
        fold_source(OpenStore(SqlEventStore(conn)), Selection(limit))
        profiler.disable()
    engine.dispose()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(18)
    return out.getvalue()


def run_child(location: str, queries: int, profile: bool) -> dict[str, Any]:
    """``replay_child`` in a fresh interpreter (its own peak RSS)."""
    args = [sys.executable, __file__, "--child", location, "--queries", str(queries)]
    if profile:
        args.append("--profile")
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    loaded: dict[str, Any] = json.loads(done.stdout)
    return loaded


def copy_to_pg(db: str, pg: str) -> tuple[str, Any, float]:
    """The whole log copied row by row into a fresh PostgreSQL schema."""
    location, handle = _pg_schema(pg)
    engine = make_engine(location)
    migrate(engine)
    source = sqlite3.connect(db)
    cursor = source.execute(f"SELECT {COLUMNS} FROM events ORDER BY seq")
    sql = f"INSERT INTO events ({COLUMNS}) VALUES ({', '.join(['%s'] * 8)})"
    started = time.perf_counter()
    while rows := cursor.fetchmany(BATCH):
        with engine.begin() as conn:
            conn.exec_driver_sql(sql, rows)
    source.close()
    engine.dispose()
    return location, handle, time.perf_counter() - started


def pg_version(pg: str) -> str:
    """``SELECT version()`` of the server."""
    engine = create_engine(pg)
    with engine.connect() as conn:
        version = str(conn.execute(text("SELECT version()")).scalar())
    engine.dispose()
    return version


def main() -> None:
    """Run every measurement and print the JSON result."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("db", help="a SQLite log written by `sovet generate`")
    parser.add_argument("--pg", default=os.environ.get("SOVET_TEST_DATABASE_URL"))
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument(
        "--append", type=int, default=200_000, help="events appended (0: skip)"
    )
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(replay_child(args.db, args.queries, args.profile)))
        return
    pg = None if args.no_pg else (args.pg or DEFAULT_PG)
    report: dict[str, Any] = {"machine": machine(), "date": time.strftime("%F %TZ")}
    if pg:
        try:
            report["machine"]["postgresql"] = pg_version(pg)
        except Exception as error:  # report and go on without it
            report["machine"]["postgresql"] = f"unavailable: {error}"
            pg = None
    if args.append:
        report["append"] = bench_append(args.db, args.append, pg)
    report["replay_sqlite"] = run_child(args.db, args.queries, profile=True)
    if pg:
        location, handle, copy_s = copy_to_pg(args.db, pg)
        try:
            report["pg_copy_s"] = round(copy_s, 1)
            report["replay_postgresql"] = run_child(location, 0, profile=True)
        finally:
            _drop_pg(handle)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
