"""The cost of signing while serving (issue 9, item 4): ballots per second over
HTTP with the server's checkpoint signer on and off, on PostgreSQL.

Usage::

    .venv/bin/python bench/sign_http.py [--pg URL] [--voters 200] [--concurrency 16]
        [--rounds 2]

The approach of ``bench/scale_http.py``: the app ``sovet serve`` runs
(``create_app``) under uvicorn in its own process, on a fresh schema holding the
h8 town (election ``e1``) with one account and bearer token per elector; an
httpx ``AsyncClient`` casts one ballot per elector, 16 in flight. Three servers:

- ``unsigned``: ``create_app(..., checkpoints=None)``, no signer at all;
- ``signed``: the default policy (at least every 1,000 events, within 10 s of a
  write, and at shutdown) — what ``sovet serve`` does;
- ``eager``: a checkpoint every 20 events or 0.25 s, far more often than the
  default, to bound the cost from above.

Each round runs the three in turn on fresh schemas (``--rounds`` rounds,
alternating the order), and the ratio compares the best rate of each. The
signing key of every server is a temporary file (``SOVET_KEY_FILE``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.scale_bench import DEFAULT_PG, _drop_pg, _pg_schema, machine
from bench.scale_http import RANKINGS, _free_port, _stop, load, prepare

POLICIES: dict[str, tuple[int, float] | None] = {
    "unsigned": None,
    "signed": (1_000, 10.0),
    "eager": (20, 0.25),
}


def serve(kind: str, location: str, port: int) -> None:
    """Run one sovet server (child process) until stopped."""
    import uvicorn

    from sovet.api.throttle import Limits
    from sovet.server import create_app
    from sovet.services.bootstrap import bootstrap
    from sovet.services.checkpoints import CheckpointPolicy

    roomy = Limits(requests_per_minute=10**7, refusals=10**7)
    policy = POLICIES[kind]
    checkpoints = None if policy is None else CheckpointPolicy(*policy)
    app = create_app(bootstrap(location), limits=roomy, checkpoints=checkpoints)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def _start(kind: str, location: str) -> tuple[Any, str]:
    import subprocess

    port = _free_port()
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", kind, location, str(port)]
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(f"{base}/api/openapi.json")
            return child, base
        except httpx.TransportError:
            time.sleep(0.1)
    child.kill()
    raise RuntimeError(f"the {kind} server did not start")


def _checkpoints(location: str) -> int:
    from sovet.services.bootstrap import bootstrap

    with bootstrap(location) as services, services.uow() as uow:
        return len(uow.checkpoints.list())


def one_run(kind: str, pg: str, voters: int, concurrency: int) -> dict[str, Any]:
    """Prepare a fresh town, serve it as ``kind``, cast every ballot."""
    location, handle = _pg_schema(pg)
    try:
        secretary, heads = prepare(location, voters)
        before = _checkpoints(location)
        server, base = _start(kind, location)
        try:
            httpx.post(
                f"{base}/api/elections/e1/open", headers=secretary
            ).raise_for_status()
            casts = [
                (h, {"ranking": RANKINGS[i % len(RANKINGS)]})
                for i, h in enumerate(heads)
            ]
            result = asyncio.run(
                load(f"{base}/api/elections/e1/ballots", casts, concurrency)
            )
            during = _checkpoints(location) - before
        finally:
            _stop(server)
        result["checkpoints_while_casting"] = during
        result["checkpoints_after_stop"] = _checkpoints(location) - before
        return result
    finally:
        _drop_pg(handle)


def main() -> None:
    """Alternate the three servers over ``--rounds``; print JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", default=os.environ.get("SOVET_TEST_DATABASE_URL"))
    parser.add_argument("--voters", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--serve", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], args.serve[1], int(args.serve[2]))
        return
    pg = args.pg or DEFAULT_PG
    report: dict[str, Any] = {
        "date": time.strftime("%F %T UTC", time.gmtime()),
        "machine": {k: v for k, v in machine().items() if k != "lscpu"},
        "voters": args.voters,
        "concurrency": args.concurrency,
        "runs": {kind: [] for kind in POLICIES},
    }
    with tempfile.TemporaryDirectory() as keys:
        os.environ["SOVET_KEY_FILE"] = str(Path(keys) / "bench.key")
        for round_ in range(args.rounds):
            order = list(POLICIES) if round_ % 2 == 0 else list(reversed(POLICIES))
            for kind in order:
                run = one_run(kind, pg, args.voters, args.concurrency)
                report["runs"][kind].append(run)
                print(kind, json.dumps(run), file=sys.stderr, flush=True)
    best = {k: max(r["per_s"] for r in runs) for k, runs in report["runs"].items()}
    report["best_per_s"] = best
    report["signed_over_unsigned"] = round(best["signed"] / best["unsigned"], 3)
    report["eager_over_unsigned"] = round(best["eager"] / best["unsigned"], 3)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
