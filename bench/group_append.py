"""Group commit (issue 13, item 4), in one process: concurrent acts appended
with the hash chain against concurrent bare one-row INSERTs.

Usage::

    .venv/bin/python bench/group_append.py [--db sqlite|postgresql://…]
        [--electors 400] [--threads 16,64] [--rounds 2]

The world is the h8 town (``putilov``) with ``--electors`` electors and one
open election per run. Three kinds of run, each with ``--threads`` threads
taking the electors from one queue:

- ``grouped``: every elector's ``cast_ballot`` (its ``votes_cast`` row, its
  ballot and its chained ``VoteCast`` event, committed by the process's
  ``GroupCommitter``, ``SOVET_GROUP_COMMIT_MAX``);
- ``alone``: the same with groups of one (each cast its own transaction, as
  before group commit);
- ``bare``: ``INSERT INTO bare_votes (voter, ranking)`` and a commit per row,
  through a SQLAlchemy engine on the same database (what the bare HTTP
  endpoint does).

Each round runs alone / bare / grouped (reversed every other round), so each
ratio pairs runs measured next to each other.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.group_http import town
from bench.scale_bench import DEFAULT_PG, _drop_pg, _pg_schema, machine

from sovet.services.ballots import ballot_units, cast_ballot
from sovet.services.bootstrap import Services, bootstrap
from sovet.services.group_commit import committer_for

RANKINGS = (["a", "b"], ["b", "c"], ["c", "a"], ["a"])


def casts(services: Services, election: str, electors: int, threads: int) -> float:
    """Acts per second: every elector casts once into ``election``."""

    def one(i: int) -> None:
        cast_ballot(services, election, f"v{i}", RANKINGS[i % 4])

    began = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, range(electors)))
    return electors / (time.perf_counter() - began)


def bare(services: Services, tag: str, electors: int, threads: int) -> float:
    """Rows per second: one INSERT and commit per elector."""
    engine = services.engine
    assert engine is not None

    def one(i: int) -> None:
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO bare_votes VALUES (:v, :r)"),
                {"v": f"{tag}-v{i}", "r": json.dumps(RANKINGS[i % 4])},
            )

    began = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, range(electors)))
    return electors / (time.perf_counter() - began)


def runs(services: Services, location: str, args: argparse.Namespace) -> list[Any]:
    """Paired rounds on one database; one election per sovet run."""
    levels = [int(t) for t in args.threads.split(",")]
    town(location, args.electors, args.rounds * len(levels) * 2)
    assert services.engine is not None
    with services.engine.begin() as conn:
        conn.execute(text("CREATE TABLE bare_votes (voter text, ranking text)"))
    committer = committer_for(services.cache, lambda: ballot_units(services))
    grouped_max = committer.max_group
    sizes: list[int] = []
    committer.on_commit.append(lambda groups: sizes.append(len(groups)))
    out: list[Any] = []
    election = 0
    for round_ in range(args.rounds):
        order = ["alone", "bare", "grouped"]
        for level in levels:
            run: dict[str, Any] = {"round": round_ + 1, "threads": level}
            for kind in order if round_ % 2 == 0 else order[::-1]:
                if kind == "bare":
                    tag = f"r{round_}t{level}"
                    run[kind] = bare(services, tag, args.electors, level)
                    continue
                election += 1
                committer.max_group = grouped_max if kind == "grouped" else 1
                sizes.clear()
                run[kind] = casts(services, f"e{election}", args.electors, level)
                run[f"{kind}_transactions"] = len(sizes)
            for kind in ("alone", "grouped"):
                run[kind] = round(run[kind], 1)
                run[f"{kind}_over_bare"] = round(run[kind] / run["bare"], 3)
            run["bare"] = round(run["bare"], 1)
            run["load"] = os.getloadavg()[0]
            print(json.dumps(run), file=sys.stderr, flush=True)
            out.append(run)
    return out


def main() -> None:
    """Run on SQLite (a temporary file) or PostgreSQL (a fresh schema)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--electors", type=int, default=400)
    parser.add_argument("--threads", default="16,64")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    report: dict[str, Any] = {
        "date": time.strftime("%F %T UTC", time.gmtime()),
        "machine": {k: v for k, v in machine().items() if k != "lscpu"},
        "electors": args.electors,
    }
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SOVET_KEY_FILE"] = str(Path(tmp) / "bench.key")
        if args.db == "sqlite":
            location, handle = str(Path(tmp) / "group.db"), None
            report["db"] = "sqlite"
        else:
            pg = (args.db if "://" in args.db else DEFAULT_PG).replace(
                "postgresql://", "postgresql+psycopg://", 1
            )
            location, handle = _pg_schema(pg)
            report["db"] = "postgresql"
        try:
            with bootstrap(location, create=True) as services:
                report["runs"] = runs(services, location, args)
        finally:
            if handle is not None:
                _drop_pg(handle)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
