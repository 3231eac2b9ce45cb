"""Group commit (issue 13, item 4): ballots over HTTP before and after, each
against a bare FastAPI endpoint doing one INSERT, at several concurrencies.

Usage::

    .venv/bin/python bench/group_http.py [--pg URL] [--voters 200]
        [--concurrency 16,32,64] [--rounds 2] [--before DIR]

One fresh PostgreSQL schema holds the h8 town (``putilov``) with one account
and bearer token per elector and one open election per run (``e1``, ``e2``
…); each sovet run casts one ballot per elector into its own election.
``--before`` names a checkout whose ``src`` the "before" server runs (e.g. an
archive of the previous commit); the "after" server runs ``--after``'s (default
this tree's).
The bare server (``bench/scale_http.py``'s: one ``INSERT`` per request,
SQLAlchemy pool of 20) writes to a table of another schema. Every server is
uvicorn in its own process; an httpx ``AsyncClient`` keeps ``--concurrency``
requests in flight. Each round runs, per concurrency, before / bare / after
(the order reversed every other round), so each sovet figure has a bare
figure measured next to it on the same loaded machine: the ratios pair them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.scale_bench import DEFAULT_PG, _drop_pg, _pg_schema, machine
from bench.scale_http import PASSWORD, RANKINGS, _free_port, _stop, load
from bench.scale_http import serve as serve_one

HERE = Path(__file__).resolve().parents[1]


def serve_counted(location: str, port: int, groups: str) -> None:
    """A sovet server (child process) that writes the size of every group it
    committed to ``groups`` (one per line) when stopped."""
    import uvicorn

    from sovet.api.throttle import Limits
    from sovet.server import create_app
    from sovet.services.ballots import ballot_units
    from sovet.services.bootstrap import bootstrap
    from sovet.services.group_commit import committer_for

    services = bootstrap(location)
    sizes: list[int] = []
    committer = committer_for(services.cache, lambda: ballot_units(services))
    committer.on_commit.append(lambda done: sizes.append(len(done)))
    roomy = Limits(requests_per_minute=10**7, refusals=10**7)
    app = create_app(services, limits=roomy)
    try:
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
    finally:
        Path(groups).write_text("".join(f"{n}\n" for n in sizes))


def _start(
    kind: str, location: str, src: Path | None, groups: str = ""
) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = f"{src}{os.pathsep}{HERE}"
    serving = [kind, location, str(port)] + ([groups] if groups else [])
    child = subprocess.Popen([sys.executable, __file__, "--serve", *serving], env=env)
    base = f"http://127.0.0.1:{port}"
    probe = f"{base}/docs" if kind == "bare" else f"{base}/api/openapi.json"
    for _ in range(600):
        try:
            httpx.get(probe)
            return child, base
        except httpx.TransportError:
            time.sleep(0.1)
    child.kill()
    raise RuntimeError(f"the {kind} server did not start")


def town(location: str, voters: int, elections: int) -> None:
    """The h8 town with ``putilov`` of ``elections`` seats and its electors
    ``v0`` …; elections ``e1`` … ``e<elections>`` of one seat each, all open."""
    from tests.unit.services.ballot_world import ServiceWorld
    from tests.world import CONDUCT

    from sovet.domain.elections.polling import CallElection
    from sovet.services.ballots import open_poll
    from sovet.services.bootstrap import bootstrap

    with bootstrap(location, create=True) as services:
        flow = ServiceWorld(services)
        flow.town(electors=voters, seats=elections)
        for k in range(1, elections + 1):
            flow.run(
                CallElection(
                    at="1917-11-01",
                    election=f"e{k}",
                    constituency="putilov",
                    seats=1,
                    polling_day="1917-11-05",
                    candidates=("a", "b", "c"),
                    conduct=CONDUCT,
                    method="irv",
                )
            )
        for k in range(1, elections + 1):
            open_poll(services, f"e{k}")


def accounts(location: str, voters: int) -> list[dict[str, str]]:
    """One account (argon2id) and bearer token per elector: their headers."""
    from sovet.services.accounts import open_accounts
    from sovet.services.bootstrap import bootstrap

    heads = []
    with bootstrap(location) as services:
        found = open_accounts(services)
        for i in range(voters):
            name = f"v{i}"
            found.create_account(name, PASSWORD, person=name)
            found.grant(name, "member", "petrograd")
            token = found.issue_token(name, ("read", "ballots:cast"))
            heads.append({"Authorization": f"Bearer {token}"})
    return heads


def sovet_run(
    location: str,
    src: Path | None,
    election: str,
    heads: list[dict[str, str]],
    concurrency: int,
    counted: bool = False,
) -> dict[str, Any]:
    """Start a sovet server from ``src``, cast every elector's ballot, stop it
    (``counted``: the sizes of the groups it committed, from a server that has
    group commit)."""
    with tempfile.TemporaryDirectory() as tmp:
        groups = str(Path(tmp) / "groups") if counted else ""
        server, base = _start("sovet", location, src, groups)
        try:
            casts = [
                (h, {"ranking": RANKINGS[i % len(RANKINGS)]})
                for i, h in enumerate(heads)
            ]
            url = f"{base}/api/elections/{election}/ballots"
            found = asyncio.run(load(url, casts, concurrency))
        finally:
            _stop(server)
        if counted:
            sizes = [int(n) for n in Path(groups).read_text().split()]
            found["transactions"] = len(sizes)
            found["largest_group"] = max(sizes, default=0)
        return found


def bare_run(base: str, voters: int, concurrency: int, tag: str) -> dict[str, Any]:
    """POST one body per elector to the bare endpoint."""
    bodies: list[tuple[dict[str, str], dict[str, Any]]] = [
        ({}, {"voter": f"{tag}-v{i}", "ranking": RANKINGS[i % len(RANKINGS)]})
        for i in range(voters)
    ]
    return asyncio.run(load(f"{base}/ballots", bodies, concurrency))


def main() -> None:
    """Prepare once, then paired runs per round and concurrency; print JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", default=os.environ.get("SOVET_TEST_DATABASE_URL"))
    parser.add_argument("--voters", type=int, default=200)
    parser.add_argument("--concurrency", default="16,32,64")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--before", type=Path, help="a checkout to run as 'before'")
    parser.add_argument("--after", type=Path, help="a checkout to run as 'after'")
    parser.add_argument("--serve", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve and len(args.serve) == 4:
        serve_counted(args.serve[1], int(args.serve[2]), args.serve[3])
        return
    if args.serve:
        serve_one(args.serve[0], args.serve[1], int(args.serve[2]))
        return
    pg = (args.pg or DEFAULT_PG).replace("postgresql://", "postgresql+psycopg://", 1)
    levels = [int(c) for c in args.concurrency.split(",")]
    trees: dict[str, Path | None] = {"after": (args.after or HERE).resolve() / "src"}
    if args.before is not None:
        trees["before"] = args.before.resolve() / "src"
    report: dict[str, Any] = {
        "date": time.strftime("%F %T UTC", time.gmtime()),
        "machine": {k: v for k, v in machine().items() if k != "lscpu"},
        "voters": args.voters,
        "runs": [],
    }
    location, handle = _pg_schema(pg)
    bare_location, bare_handle = _pg_schema(pg)
    bare, bare_base = _start("bare", bare_location, None)
    try:
        with tempfile.TemporaryDirectory() as keys:
            os.environ["SOVET_KEY_FILE"] = str(Path(keys) / "bench.key")
            began = time.perf_counter()
            town(location, args.voters, args.rounds * len(levels) * len(trees))
            heads = accounts(location, args.voters)
            report["prepare_s"] = round(time.perf_counter() - began, 1)
            election = 0
            for round_ in range(args.rounds):
                order = (
                    ["before", "bare", "after"]
                    if round_ % 2 == 0
                    else [
                        "after",
                        "bare",
                        "before",
                    ]
                )
                for level in levels:
                    run: dict[str, Any] = {
                        "round": round_ + 1,
                        "concurrency": level,
                        "load_before": os.getloadavg()[0],
                    }
                    for kind in order:
                        if kind == "bare":
                            tag = f"r{round_}c{level}"
                            run[kind] = bare_run(bare_base, args.voters, level, tag)
                        elif kind in trees:
                            election += 1
                            run[kind] = sovet_run(
                                location,
                                trees[kind],
                                f"e{election}",
                                heads,
                                level,
                                counted=kind == "after",
                            )
                    for kind in trees:
                        run[f"{kind}_over_bare"] = round(
                            run[kind]["per_s"] / run["bare"]["per_s"], 3
                        )
                    run["load_after"] = os.getloadavg()[0]
                    report["runs"].append(run)
                    print(json.dumps(run), file=sys.stderr, flush=True)
    finally:
        bare.kill()
        _drop_pg(handle)
        _drop_pg(bare_handle)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
