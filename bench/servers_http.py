"""One server or two on one PostgreSQL (issue 13, item 5): ballots and reads per
second over HTTP.

Usage::

    .venv/bin/python bench/servers_http.py [--pg URL] [--voters 300]
        [--concurrency 16] [--reads 600] [--rounds 2]

The approach of ``bench/sign_http.py``: a fresh schema holding the h8 town
(election ``e1``) with one account and bearer token per elector; each server
is ``create_app`` under uvicorn in its own process (throttle windows in the
database, as ``sovet serve`` has them, with limits too roomy to refuse). An
httpx ``AsyncClient`` casts one ballot per elector, ``--concurrency`` in
flight, sending them round-robin to the servers; then ``--reads`` reads of
``GET /api/elections/e1`` the same way. Rounds alternate the order.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.scale_bench import DEFAULT_PG, _drop_pg, _pg_schema, machine
from bench.scale_http import RANKINGS, _free_port, _stop, prepare


def serve(location: str, port: int) -> None:
    """Run one sovet server (child process) until stopped."""
    import uvicorn

    from sovet.api.throttle import Limits
    from sovet.server import create_app
    from sovet.services.bootstrap import bootstrap

    roomy = Limits(requests_per_minute=10**7, refusals=10**7)
    app = create_app(bootstrap(location), limits=roomy)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def _start(location: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    child = subprocess.Popen([sys.executable, __file__, "--serve", location, str(port)])
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            httpx.get(f"{base}/api/openapi.json")
            return child, base
        except httpx.TransportError:
            time.sleep(0.1)
    child.kill()
    raise RuntimeError("the server did not start")


async def _load(
    requests: list[tuple[str, str, dict[str, str], dict[str, Any] | None]],
    concurrency: int,
) -> dict[str, Any]:
    """Send every ``(method, url, headers, body)``, ``concurrency`` in flight."""
    gate = asyncio.Semaphore(concurrency)
    took: list[float] = []
    codes: dict[int, int] = {}
    async with httpx.AsyncClient(timeout=120) as client:

        async def one(
            method: str, url: str, headers: dict[str, str], body: dict[str, Any] | None
        ) -> None:
            async with gate:
                started = time.perf_counter()
                answer = await client.request(method, url, json=body, headers=headers)
                took.append((time.perf_counter() - started) * 1000)
                codes[answer.status_code] = codes.get(answer.status_code, 0) + 1

        began = time.perf_counter()
        await asyncio.gather(*(one(*r) for r in requests))
        elapsed = time.perf_counter() - began
    took.sort()
    return {
        "requests": len(requests),
        "seconds": round(elapsed, 2),
        "per_s": round(len(requests) / elapsed, 1),
        "p50_ms": round(statistics.median(took), 1),
        "p99_ms": round(took[int(0.99 * (len(took) - 1))], 1),
        "codes": codes,
    }


def one_run(
    servers: int, pg: str, voters: int, concurrency: int, reads: int
) -> dict[str, Any]:
    """A fresh town, ``servers`` servers on it; cast every ballot, then read."""
    location, handle = _pg_schema(pg)
    started: list[subprocess.Popen[bytes]] = []
    try:
        secretary, heads = prepare(location, voters)
        bases = []
        for _ in range(servers):
            child, base = _start(location)
            started.append(child)
            bases.append(base)
        httpx.post(
            f"{bases[0]}/api/elections/e1/open", headers=secretary
        ).raise_for_status()
        casts = [
            (
                "POST",
                f"{bases[i % servers]}/api/elections/e1/ballots",
                h,
                {"ranking": RANKINGS[i % len(RANKINGS)]},
            )
            for i, h in enumerate(heads)
        ]
        cast = asyncio.run(_load(casts, concurrency))
        gets = [
            ("GET", f"{bases[i % servers]}/api/elections/e1", {}, None)
            for i in range(reads)
        ]
        read = asyncio.run(_load(gets, concurrency))
        seen = [httpx.get(f"{b}/api/elections/e1").json()["voted"] for b in bases]
        return {"casts": cast, "reads": read, "voted_seen_by_each": seen}
    finally:
        for child in started:
            _stop(child)
        _drop_pg(handle)


def main() -> None:
    """Alternate one and two servers over ``--rounds``; print JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", default=os.environ.get("SOVET_TEST_DATABASE_URL"))
    parser.add_argument("--voters", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--reads", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--serve", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return
    pg = args.pg or DEFAULT_PG
    report: dict[str, Any] = {
        "date": time.strftime("%F %T UTC", time.gmtime()),
        "machine": {k: v for k, v in machine().items() if k != "lscpu"},
        "load_average": os.getloadavg(),
        "voters": args.voters,
        "concurrency": args.concurrency,
        "runs": {"1": [], "2": []},
    }
    with tempfile.TemporaryDirectory() as keys:
        os.environ["SOVET_KEY_FILE"] = str(Path(keys) / "bench.key")
        for round_ in range(args.rounds):
            for servers in (1, 2) if round_ % 2 == 0 else (2, 1):
                run = one_run(servers, pg, args.voters, args.concurrency, args.reads)
                report["runs"][str(servers)].append(run)
                print(servers, json.dumps(run), file=sys.stderr, flush=True)
    for what in ("casts", "reads"):
        best = {
            k: max(r[what]["per_s"] for r in runs) for k, runs in report["runs"].items()
        }
        report[f"best_{what}_per_s"] = best
        report[f"{what}_two_over_one"] = round(best["2"] / best["1"], 3)
    report["load_average_after"] = os.getloadavg()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
