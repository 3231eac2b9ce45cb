"""Where a ballot over HTTP spends its CPU (issue 13, item 4): the sovet server
against a bare FastAPI endpoint, per request, by process.

Usage::

    .venv/bin/python bench/request_cpu.py [--voters 200] [--elections 4]
        [--concurrency 32]

One fresh PostgreSQL schema holds the h8 town with one account and bearer
token per elector (``group_http``'s); a sovet server and the bare server
(``scale_http``'s: one INSERT per request) run under uvicorn in processes of
their own. Three loads, one after the other, each with ``--concurrency``
requests in flight from an httpx client in this process:

- ``bare``: one POST per elector and election to the bare endpoint;
- ``me``: one ``GET /api/auth/me`` per elector and election — an
  authenticated request that does nothing: the address and account
  throttles, the refusals window, the head check, the token lookup;
- ``sovet``: one ballot per elector and election.

For each: requests per second and the CPU seconds per request of the server
process, of every PostgreSQL process together, and of this client (from
``/proc``), so the floor of a ballot over HTTP can be read off: what the
authenticated no-op already costs against the bare endpoint.
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.group_http import _start, accounts, bare_run, town
from bench.scale_bench import DEFAULT_PG, _drop_pg, _pg_schema
from bench.scale_http import RANKINGS, _stop, load


def _cpu(pid: int | str) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _postgres_cpu() -> float:
    total = 0.0
    for comm in glob.glob("/proc/[0-9]*/comm"):
        try:
            if Path(comm).read_text().startswith("postgres"):
                total += _cpu(comm.split("/")[2])
        except OSError:
            pass  # a backend that ended meanwhile
    return total


def _mine() -> float:
    times = os.times()
    return times.user + times.system


async def _gets(url: str, heads: list[dict[str, str]], concurrency: int) -> None:
    async with httpx.AsyncClient() as client:
        slots = asyncio.Semaphore(concurrency)

        async def one(head: dict[str, str]) -> None:
            async with slots:
                answer = await client.get(url, headers=head)
                answer.raise_for_status()

        await asyncio.gather(*(one(h) for h in heads))


def main() -> None:
    """Run the three loads; print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=200)
    parser.add_argument("--elections", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    location, handle = _pg_schema(DEFAULT_PG)
    bare_location, bare_handle = _pg_schema(DEFAULT_PG)
    with tempfile.TemporaryDirectory() as keys:
        os.environ["SOVET_KEY_FILE"] = str(Path(keys) / "bench.key")
        try:
            town(location, args.voters, args.elections)
            heads = accounts(location, args.voters)
            server, base = _start("sovet", location, None)
            bare, bare_base = _start("bare", bare_location, None)
            try:
                for kind in ("bare", "me", "sovet"):
                    pid = bare.pid if kind == "bare" else server.pid
                    before = (_cpu(pid), _postgres_cpu(), _mine(), time.perf_counter())
                    done = 0
                    for e in range(1, args.elections + 1):
                        if kind == "bare":
                            bare_run(bare_base, args.voters, args.concurrency, f"x{e}")
                        elif kind == "me":
                            me = f"{base}/api/auth/me"
                            asyncio.run(_gets(me, heads, args.concurrency))
                        else:
                            casts: list[tuple[dict[str, str], dict[str, Any]]] = [
                                (h, {"ranking": RANKINGS[i % len(RANKINGS)]})
                                for i, h in enumerate(heads)
                            ]
                            url = f"{base}/api/elections/e{e}/ballots"
                            asyncio.run(load(url, casts, args.concurrency))
                        done += args.voters
                    after = (_cpu(pid), _postgres_cpu(), _mine(), time.perf_counter())
                    server_s, pg_s, client_s, wall = (
                        (b - a) / done for a, b in zip(before, after, strict=True)
                    )
                    print(
                        f"{kind}: {1 / wall:.0f}/s; CPU ms per request: server "
                        f"{1000 * server_s:.2f}, postgres {1000 * pg_s:.2f}, "
                        f"client {1000 * client_s:.2f} (load {os.getloadavg()[0]:.1f})"
                    )
            finally:
                _stop(server)
                bare.kill()
        finally:
            _drop_pg(handle)
            _drop_pg(bare_handle)


if __name__ == "__main__":
    main()
