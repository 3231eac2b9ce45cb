"""Secret-ballot benchmark (issue 4): concurrent casting, close + count, receipts.

Usage (from the repository root)::

    .venv/bin/python bench/ballots_bench.py                      # SQLite, temp file
    .venv/bin/python bench/ballots_bench.py --db postgresql://127.0.0.1:5432/test

A PostgreSQL run works in a fresh schema it drops afterwards. The world: one
council, one constituency with ``--voters`` electors, an IRV election of three
candidates; every elector casts one ballot from ``--threads`` threads at once.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text

import sovet.counting.irv  # registers "irv"
from sovet.domain import Command
from sovet.domain.bodies.registration import (
    RegisterBody,
    RegisterFaction,
    RegisterPerson,
)
from sovet.domain.elections.conduct import Conduct
from sovet.domain.elections.deputies import RegisterConstituency
from sovet.domain.elections.polling import CallElection
from sovet.domain.franchise.electorate import RegisterElector
from sovet.services.ballots import (
    cast_ballot,
    close_poll,
    election_view,
    open_poll,
    verify_receipt,
)
from sovet.services.bootstrap import Services, bootstrap
from sovet.services.handlers import StateCache, execute

assert sovet.counting.irv
AT = "1917-10-01"
DAY = "1917-11-05"
RANKINGS = [["a", "b"], ["b", "c"], ["c", "a"], ["a"], ["b"], ["c", "b", "a"]]


def world(voters: int) -> list[Command]:
    """The commands of the benchmark's town."""
    commands: list[Command] = [
        RegisterBody(
            at=AT, body="soviet", name="Soviet", kind="council", level="gubernia"
        ),
        RegisterFaction(at=AT, faction="f", name="F"),
        RegisterConstituency(at=AT, constituency="ward", council="soviet", seats=1),
        RegisterConstituency(at=AT, constituency="other", council="soviet", seats=1),
    ]
    people = [("a", "other"), ("b", "other"), ("c", "other")]
    people += [(f"v{i}", "ward") for i in range(voters)]
    for pid, where in people:
        commands.append(RegisterPerson(at=AT, person=pid, name=pid, faction="f"))
        commands.append(
            RegisterElector(
                at=AT,
                person=pid,
                birth_date="1890-01-01",
                constituency=where,
                categories=("labour",),
            )
        )
    commands.append(
        CallElection(
            at="1917-11-01",
            election="e1",
            constituency="ward",
            seats=1,
            polling_day=DAY,
            candidates=("a", "b", "c"),
            conduct=Conduct("soviet", ("k1",), "rep", ()),
            method="irv",
        )
    )
    return commands


def run(services: Services, voters: int, threads: int) -> None:
    """Build the world, cast every ballot concurrently, close, check a receipt."""
    cache = StateCache()
    start = time.perf_counter()
    for command in world(voters):
        execute(services.uow(), command, cache=cache)
    open_poll(services, "e1", at=DAY)
    print(f"setup: {voters + 3} electors in {time.perf_counter() - start:.1f} s")
    rng = random.Random(20261126)
    choices = [rng.choice(RANKINGS) for _ in range(voters)]
    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        receipts = list(
            pool.map(
                lambda i: cast_ballot(services, "e1", f"v{i}", choices[i], at=DAY),
                range(voters),
            )
        )
    took = time.perf_counter() - start
    print(
        f"cast: {voters} ballots from {threads} threads in {took:.2f} s "
        f"({voters / took:.0f} ballots/s)"
    )
    start = time.perf_counter()
    close_poll(services, "e1", ("k1", "rep"), at="1917-11-06")
    print(f"close + count + publish: {time.perf_counter() - start:.2f} s")
    view = election_view(services, "e1")
    start = time.perf_counter()
    proof = verify_receipt(services, receipts[-1].receipt)
    print(
        f"receipt proof: {len(proof['proof'])} hashes, verified={proof['verified']} "
        f"in {time.perf_counter() - start:.3f} s; elected "
        f"{view['result']['elected']}, {view['turnout']['ballots_cast']} ballots"
    )


def main() -> None:
    """Parse the arguments and run on SQLite or PostgreSQL."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="", help="postgresql:// URL (default SQLite)")
    parser.add_argument("--voters", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=20)
    args = parser.parse_args()
    if not args.db.startswith("postgres"):
        with tempfile.TemporaryDirectory() as tmp:
            db = args.db or str(Path(tmp) / "bench.db")
            print(f"SQLite {db}")
            with bootstrap(db, create=True) as services:
                run(services, args.voters, args.threads)
        return
    url = args.db.replace("postgresql://", "postgresql+psycopg://", 1)
    schema = f"sovet_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["SOVET_KEY_FILE"] = str(Path(tmp) / "bench.key")
            separator = "&" if "?" in url else "?"
            options = quote(f"-csearch_path={schema}")
            print(f"PostgreSQL {args.db} (schema {schema})")
            with bootstrap(f"{url}{separator}options={options}", create=True) as svc:
                run(svc, args.voters, args.threads)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
