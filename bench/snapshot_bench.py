"""Cold start with snapshots (issue 13, item 2): ``sovet legitimacy`` and
``sovet serve``'s first answer, whole processes, paired run by run.

Each case is ``LABEL=DB`` with an optional ``@SRC`` (a ``src`` folder put first
on ``PYTHONPATH``: the code under test; without it, the installed ``sovet``)::

    .venv/bin/python bench/snapshot_bench.py -n 7 \\
        --case demo=/tmp/b/demo.db --case big=/tmp/b/s01.db \\
        --case big-main=/tmp/b/s01-base.db@/path/to/main/src

For every round the cases run one after the other (so a change in the
machine's load touches all of them alike): ``legitimacy`` is
``sovet legitimacy --db DB --format json`` (with ``--at`` if given), from the
process's start to its exit; ``serve`` starts ``sovet serve`` on a free port
and times from the start to the first ``200`` of ``GET /api/legitimacy``, then
stops it. Prints JSON: each case's median seconds and its ratio to the first
case, round by round then the median of those ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

SOVET = str(Path(sys.executable).with_name("sovet"))


def _env(src: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
    return env


def _legitimacy(db: str, src: str | None, at: str | None) -> float:
    command = [SOVET, "legitimacy", "--db", db, "--format", "json"]
    command += ["--at", at] if at else []
    started = time.perf_counter()
    subprocess.run(command, env=_env(src), check=True, capture_output=True)
    return time.perf_counter() - started


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _serve(db: str, src: str | None, at: str | None, limit: float = 600.0) -> float:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api/legitimacy" + (f"?at={at}" if at else "")
    started = time.perf_counter()
    server = subprocess.Popen(
        [SOVET, "serve", "--db", db, "--port", str(port), "--host", "127.0.0.1"],
        env=_env(src),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while time.perf_counter() - started < limit:
            try:
                with urllib.request.urlopen(url, timeout=limit) as answer:
                    if answer.status == 200:
                        return time.perf_counter() - started
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.02)
        raise TimeoutError(f"no answer from {url} in {limit} s")
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=120)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", action="append", required=True)
    parser.add_argument("-n", type=int, default=5, help="rounds")
    parser.add_argument("--at", default=None, help="the question's time")
    parser.add_argument("--what", choices=["legitimacy", "serve", "both"])
    args = parser.parse_args()
    cases = []
    for text in args.case:
        label, _, rest = text.partition("=")
        db, _, src = rest.partition("@")
        cases.append((label, db, src or None))
    kinds = ["legitimacy", "serve"] if args.what in (None, "both") else [args.what]
    report: dict[str, dict[str, object]] = {}
    for kind in kinds:
        run = _legitimacy if kind == "legitimacy" else _serve
        times: dict[str, list[float]] = {label: [] for label, _, _ in cases}
        for _label, db, src in cases:  # one warm-up each (page cache, .pyc)
            run(db, src, args.at)
        for _ in range(args.n):
            for label, db, src in cases:
                times[label].append(run(db, src, args.at))
        first = cases[0][0]
        report[kind] = {
            label: {
                "median_s": round(statistics.median(series), 3),
                "min_s": round(min(series), 3),
                "max_s": round(max(series), 3),
                f"ratio_to_{first}": round(
                    statistics.median(
                        a / b for a, b in zip(series, times[first], strict=True)
                    ),
                    2,
                ),
            }
            for label, series in times.items()
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
