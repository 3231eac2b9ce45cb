"""Ballots over HTTP (issue 5): the sovet API vs a bare FastAPI endpoint doing
one INSERT, both under uvicorn on PostgreSQL, a bounded async httpx client on
loopback.

Usage::

    .venv/bin/python bench/scale_http.py [--pg URL] [--voters 300] [--concurrency 16]
        [--profile /tmp/sovet-server.prof]

sovet: the app ``sovet serve`` runs (``create_app``) on a fresh schema holding the
h8 town (``putilov``, election ``e1``, IRV over a, b, c) with one account and
bearer token per elector; its per-address limit is raised because every client
is 127.0.0.1. Bare: ``POST /ballots`` inserting ``(voter, ranking)`` into one
table of another fresh schema. Each server runs in its own process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from pydantic import BaseModel

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.scale_bench import DEFAULT_PG, _drop_pg, _pg_schema

PASSWORD = "a long enough password for the bench"
RANKINGS = (["a", "b"], ["b", "c"], ["c", "a"], ["a"])


class Cast(BaseModel):
    """The bare endpoint's body."""

    voter: str
    ranking: list[str]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def serve(kind: str, location: str, port: int) -> None:
    """Run one server (child process) until killed."""
    import uvicorn

    if kind == "sovet":
        from sovet.api.throttle import Limits
        from sovet.server import create_app
        from sovet.services.bootstrap import bootstrap

        roomy = Limits(requests_per_minute=10**7, refusals=10**7)
        app: Any = create_app(bootstrap(location), limits=roomy)
    else:
        from fastapi import FastAPI
        from sqlalchemy import create_engine, text

        engine = create_engine(location, pool_size=20)
        with engine.begin() as conn:
            conn.execute(
                text("CREATE TABLE IF NOT EXISTS ballots (voter text, ranking text)")
            )
        bare = FastAPI()
        app = bare

        @bare.post("/ballots", status_code=201)
        def cast(body: Cast) -> dict[str, str]:
            with engine.begin() as conn:
                conn.execute(
                    text("INSERT INTO ballots VALUES (:v, :r)"),
                    {"v": body.voter, "r": json.dumps(body.ranking)},
                )
            return {"ok": "stored"}

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def prepare(location: str, voters: int) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The town with election ``e1``; a secretary's and each elector's headers."""
    from tests.unit.services.ballot_world import town_with_election

    from sovet.services.accounts import open_accounts
    from sovet.services.bootstrap import bootstrap

    with bootstrap(location, create=True) as services:
        town_with_election(services, electors=voters)
        accounts = open_accounts(services)
        accounts.create_account("sec", PASSWORD)
        accounts.grant("sec", "secretary", "petrograd")
        secretary = accounts.issue_token("sec", ("read", "commands:write"))
        heads = []
        for i in range(voters):
            name = f"v{i}"
            accounts.create_account(name, PASSWORD, person=name)
            accounts.grant(name, "member", "petrograd")
            token = accounts.issue_token(name, ("read", "ballots:cast"))
            heads.append({"Authorization": f"Bearer {token}"})
    return {"Authorization": f"Bearer {secretary}"}, heads


async def load(
    url: str, bodies: list[tuple[dict[str, str], dict[str, Any]]], concurrency: int
) -> dict[str, Any]:
    """POST every body with at most ``concurrency`` in flight; latencies, codes."""
    gate = asyncio.Semaphore(concurrency)
    took: list[float] = []
    codes: dict[int, int] = {}
    async with httpx.AsyncClient(timeout=60) as client:

        async def one(headers: dict[str, str], body: dict[str, Any]) -> None:
            async with gate:
                started = time.perf_counter()
                answer = await client.post(url, json=body, headers=headers)
                took.append((time.perf_counter() - started) * 1000)
                codes[answer.status_code] = codes.get(answer.status_code, 0) + 1

        began = time.perf_counter()
        await asyncio.gather(*(one(h, b) for h, b in bodies))
        elapsed = time.perf_counter() - began
    took.sort()
    return {
        "requests": len(bodies),
        "seconds": round(elapsed, 2),
        "per_s": round(len(bodies) / elapsed, 1),
        "p50_ms": round(statistics.median(took), 1),
        "p99_ms": round(took[int(0.99 * (len(took) - 1))], 1),
        "codes": codes,
    }


def _start(
    kind: str, location: str, profile: str | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    profiler = ["-m", "cProfile", "-o", profile] if profile else []
    child = subprocess.Popen(
        [sys.executable, *profiler, __file__, "--serve", kind, location, str(port)]
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(f"{base}/docs" if kind == "bare" else f"{base}/api/openapi.json")
            return child, base
        except httpx.TransportError:
            time.sleep(0.1)
    child.kill()
    raise RuntimeError(f"the {kind} server did not start")


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Stop a server the way Ctrl-C does (a profiled one then writes its stats)."""
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


def main() -> None:
    """Prepare, serve, load both, print JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", default=os.environ.get("SOVET_TEST_DATABASE_URL"))
    parser.add_argument("--voters", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--profile", help="write a cProfile of the sovet server here")
    parser.add_argument("--serve", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], args.serve[1], int(args.serve[2]))
        return
    pg = args.pg or DEFAULT_PG
    result: dict[str, Any] = {"voters": args.voters, "concurrency": args.concurrency}
    location, handle = _pg_schema(pg)
    bare_location, bare_handle = _pg_schema(pg)
    try:
        began = time.perf_counter()
        secretary, heads = prepare(location, args.voters)
        result["prepare_s"] = round(time.perf_counter() - began, 1)
        server, base = _start("sovet", location, args.profile)
        try:
            opened = httpx.post(f"{base}/api/elections/e1/open", headers=secretary)
            opened.raise_for_status()
            casts: list[tuple[dict[str, str], dict[str, Any]]] = [
                (h, {"ranking": RANKINGS[i % len(RANKINGS)]})
                for i, h in enumerate(heads)
            ]
            result["sovet"] = asyncio.run(
                load(f"{base}/api/elections/e1/ballots", casts, args.concurrency)
            )
        finally:
            _stop(server)
        server, base = _start("bare", bare_location)
        try:
            bodies: list[tuple[dict[str, str], dict[str, Any]]] = [
                ({}, {"voter": f"v{i}", "ranking": RANKINGS[i % len(RANKINGS)]})
                for i in range(args.voters)
            ]
            result["bare"] = asyncio.run(
                load(f"{base}/ballots", bodies, args.concurrency)
            )
        finally:
            server.kill()
        result["ratio"] = round(result["sovet"]["per_s"] / result["bare"]["per_s"], 3)
    finally:
        _drop_pg(handle)
        _drop_pg(bare_handle)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
