"""Counting benchmark (issue 3, speed): sovet against votekit, pref_voting, pyrankvote.

Run from the repository root (the peers are in the ``dev`` extra)::

    .venv/bin/pip install -e '.[dev,bench]'
    .venv/bin/python bench/count_bench.py                 # the full grid
    .venv/bin/python bench/count_bench.py --quick         # 200k x 12 only

Profiles are seeded Plackett–Luce draws (candidate strengths ``1/(i+1)^0.8``,
ballots truncated at a uniform random length 1 … m), grouped into a sovet
``Profile``. Each case times, on the same input:

* the count alone, for each engine (peers' profile objects are built before
  the clock starts; for votekit the clock includes its profile→numpy step,
  which runs inside ``FastSTV(...)``);
* ``read_blt`` alone and the whole ``sovet count FILE --format json`` on a BLT
  file holding one line per ballot: in process (through the Typer app) and as
  separate processes (``sovet`` vs ``python -c 'read_blt(...)'``), interleaved.

Each timing is the best of ``--repeat`` runs (peers: one run). Peers that are
too slow at 1,000,000 ballots (pref_voting, pyrankvote) run only on 200,000.
pref_voting's IRV runs only with 12 candidates (it took 32 s on 20,000 × 20);
pref_voting's STV-Meek is left out (no result on 20,000 × 12 within 300 s).
Elected sets are compared with sovet's (``same``: equal as sets).
"""

from __future__ import annotations

import argparse
import gc
import io
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import redirect_stderr
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from sovet.ballots import BallotFile, read_blt, write_blt
from sovet.counting.methods import COUNTING_METHODS, count
from sovet.counting.types import Profile

SEED = 20261126
PV_IRV_MAX_CANDIDATES = 12
"""pref_voting's IRV for truncated orders takes ~30 s on 20k × 20: run it on 12 only."""


@dataclass
class Row:
    """One timed line of the results table."""

    case: str
    what: str
    seconds: float | None
    elected: frozenset[str] = field(default_factory=frozenset)
    note: str = ""


def plackett_luce(n_ballots: int, n_cands: int, seed: int) -> Profile:
    """Seeded Plackett–Luce ballots truncated at random lengths, grouped."""
    rng = np.random.default_rng(seed)
    strength = 1.0 / np.arange(1, n_cands + 1) ** 0.8
    names = [f"C{i + 1:02d}" for i in range(n_cands)]
    rankings = np.empty((n_ballots, n_cands), dtype=np.int32)
    chunk = 200_000
    for start in range(0, n_ballots, chunk):
        stop = min(n_ballots, start + chunk)
        gumbel = rng.gumbel(size=(stop - start, n_cands)).astype(np.float32)
        keys = np.log(strength, dtype=np.float32) + gumbel
        rankings[start:stop] = np.argsort(-keys, axis=1).astype(np.int32)
    lengths = rng.integers(1, n_cands + 1, size=n_ballots)
    rankings[np.arange(n_cands)[None, :] >= lengths[:, None]] = -1
    distinct, weights = np.unique(rankings, axis=0, return_counts=True)
    return Profile(tuple(names), distinct.astype(np.int32), weights.astype(np.int64))


def write_ballot_lines(profile: Profile, seats: int, path: Path, seed: int) -> None:
    """A BLT file with one line per ballot (weight 1), in shuffled order."""
    rng = np.random.default_rng(seed + 1)
    order = rng.permutation(np.repeat(np.arange(len(profile.weights)), profile.weights))
    lines = [
        "1 " + " ".join(str(c + 1) for c in row if c >= 0) + " 0\n"
        for row in profile.rankings
    ]
    with path.open("w", encoding="utf-8") as out:
        out.write(f"{len(profile.candidates)} {seats}\n")
        out.writelines(lines[i] for i in order)
        out.write("0\n")
        out.writelines(f'"{name}"\n' for name in profile.candidates)
        out.write('"Plackett-Luce benchmark"\n')


def best_of(repeat: int, func: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of ``repeat`` runs (garbage collection off while timing)."""
    best, value = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        start = time.perf_counter()
        value = func()
        best = min(best, time.perf_counter() - start)
        gc.enable()
    return best, value


def sovet_rows(case: str, profile: Profile, seats: int, repeat: int) -> list[Row]:
    rows = []
    for method, n in (("stv-scottish", seats), ("irv", 1), ("stv-meek", seats)):
        if method not in COUNTING_METHODS:
            rows.append(Row(case, f"sovet {method}", None, note="not registered"))
            continue
        seconds, result = best_of(repeat, partial(count, method, profile, seats=n))
        rows.append(Row(case, f"sovet {method}", seconds, frozenset(result.elected)))
    return rows


def votekit_rows(case: str, profile: Profile, seats: int) -> list[Row]:
    from votekit import RankBallot, RankProfile
    from votekit.elections.election_types.ranking.stv.stv import FastIRV, FastSTV

    names = profile.candidates
    ballots = [
        RankBallot(ranking=tuple(frozenset({names[c]}) for c in ranking), weight=w)
        for ranking, w in profile.ballots()
    ]
    vk_profile = RankProfile(ballots=ballots, candidates=names)
    rows = []
    for label, make in (
        ("votekit FastSTV", lambda: FastSTV(vk_profile, n_seats=seats, rng_seed=1)),
        ("votekit FastIRV", lambda: FastIRV(vk_profile, rng_seed=1)),
    ):
        seconds, election = best_of(1, make)
        elected = frozenset(c for group in election.get_elected() for c in group)
        rows.append(Row(case, label, seconds, elected))
    return rows


def pref_voting_rows(case: str, profile: Profile, seats: int) -> list[Row]:
    from pref_voting.iterative_methods import (
        instant_runoff_for_truncated_linear_orders as pv_irv,
    )
    from pref_voting.profiles_with_ties import ProfileWithTies
    from pref_voting.proportional_methods import stv_scottish

    rankings = [{c: i + 1 for i, c in enumerate(r)} for r, _ in profile.ballots()]
    counts = [w for _, w in profile.ballots()]
    pv = ProfileWithTies(
        rankings, rcounts=counts, candidates=list(range(len(profile.candidates)))
    )
    names = profile.candidates
    rows = []
    runs: list[tuple[str, Callable[[], Any]]] = [
        ("pref_voting STV-Scottish", lambda: stv_scottish(pv, num_seats=seats))
    ]
    if len(profile.candidates) <= PV_IRV_MAX_CANDIDATES:
        runs.append(("pref_voting IRV", lambda: pv_irv(pv)))
    for label, run in runs:
        seconds, winners = best_of(1, run)
        rows.append(Row(case, label, seconds, frozenset(names[c] for c in winners)))
    return rows


def pyrankvote_rows(case: str, profile: Profile, seats: int) -> list[Row]:
    import pyrankvote
    from pyrankvote import Ballot, Candidate

    people = [Candidate(n) for n in profile.candidates]
    ballots = [
        Ballot(ranked_candidates=[people[c] for c in ranking])
        for ranking, w in profile.ballots()
        for _ in range(w)
    ]
    rows = []
    for label, run in (
        (
            "pyrankvote STV",
            lambda: pyrankvote.single_transferable_vote(people, ballots, seats),
        ),
        ("pyrankvote IRV", lambda: pyrankvote.instant_runoff_voting(people, ballots)),
    ):
        seconds, result = best_of(1, run)
        rows.append(
            Row(case, label, seconds, frozenset(c.name for c in result.get_winners()))
        )
    return rows


def file_rows(case: str, profile: Profile, seats: int, repeat: int) -> list[Row]:
    """``read_blt`` alone vs the whole ``sovet count``, interleaved run by run.

    In process (through the Typer app, output captured) and as a fresh
    ``sovet`` process vs a fresh process that only reads the file (both pay
    the interpreter's start and imports).
    """
    from typer.testing import CliRunner

    from sovet.cli.app import app

    runner = CliRunner()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.blt"
        write_ballot_lines(profile, seats, path, SEED)
        size = path.stat().st_size
        args = ["count", str(path), "--method", "stv-scottish", "--format", "json"]
        sovet = str(Path(sys.executable).with_name("sovet"))
        only_read = f"from sovet.ballots import read_blt; read_blt({str(path)!r})"
        best = {
            "read": float("inf"),
            "cli": float("inf"),
            "pr": float("inf"),
            "pc": float("inf"),
        }
        for _ in range(repeat):
            seconds, read = best_of(1, lambda: read_blt(path))
            assert read.profile.total == profile.total
            best["read"] = min(best["read"], seconds)
            seconds, result = best_of(1, lambda: runner.invoke(app, args))
            assert result.exit_code == 0, result.output
            best["cli"] = min(best["cli"], seconds)
            seconds, _ = best_of(1, lambda: _run([sys.executable, "-c", only_read]))
            best["pr"] = min(best["pr"], seconds)
            seconds, _ = best_of(1, lambda: _run([sovet, *args]))
            best["pc"] = min(best["pc"], seconds)
    ratio = best["cli"] / best["read"]
    ratio_p = best["pc"] / best["pr"]
    return [
        Row(case, "read_blt (parse only)", best["read"], note=f"{size / 1e6:.0f} MB"),
        Row(
            case,
            "sovet count FILE, in process",
            best["cli"],
            note=f"{ratio:.2f}× parse",
        ),
        Row(case, "python -c read_blt (process)", best["pr"]),
        Row(
            case, "sovet count FILE (process)", best["pc"], note=f"{ratio_p:.2f}× parse"
        ),
    ]


def _run(command: list[str]) -> None:
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def blt_round_trip_check(profile: Profile, seats: int) -> None:
    """The file the benchmark writes reads back to the profile it came from."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rt.blt"
        write_blt(
            BallotFile("t", profile.candidates, seats, frozenset(), profile, "", ()),
            path,
        )
        assert read_blt(path).profile.total == profile.total


def run(cases: list[tuple[int, int, int]], repeat: int, peers_cap: int) -> list[Row]:
    rows: list[Row] = []
    for n_ballots, n_cands, seats in cases:
        case = f"{n_ballots // 1000}k×{n_cands}c×{seats}s"
        profile = plackett_luce(n_ballots, n_cands, SEED + n_cands)
        print(f"# {case}: {len(profile.weights)} distinct rankings", flush=True)
        blt_round_trip_check(profile, seats)
        rows += file_rows(case, profile, seats, repeat)
        rows += sovet_rows(case, profile, seats, repeat)
        rows += votekit_rows(case, profile, seats)
        if n_ballots <= peers_cap:
            rows += pref_voting_rows(case, profile, seats)
            rows += pyrankvote_rows(case, profile, seats)
        for row in rows:
            if row.case == case:
                print(format_row(row, rows), flush=True)
    return rows


def reference_for(row: Row) -> str | None:
    """Which sovet method a peer's row is compared with."""
    if "STV" in row.what:
        return "sovet stv-scottish"
    if "IRV" in row.what:
        return "sovet irv"
    return None


def format_row(row: Row, rows: list[Row]) -> str:
    ref_name = reference_for(row)
    ref = next((r for r in rows if r.case == row.case and r.what == ref_name), None)
    speed = same = ""
    if ref is not None and ref.seconds and row.seconds:
        speed = f"{row.seconds / ref.seconds:.1f}×"
        same = "yes" if row.elected == ref.elected else "NO"
    seconds = "—" if row.seconds is None else f"{row.seconds:.3f}"
    return f"| {row.case} | {row.what} | {seconds} | {speed} | {same} | {row.note} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only 200k × 12 × 3")
    parser.add_argument("--repeat", type=int, default=3, help="sovet runs per timing")
    parser.add_argument(
        "--peers-cap", type=int, default=200_000, help="largest size for slow peers"
    )
    parser.add_argument("--sizes", help="comma-separated ballot counts (override)")
    args = parser.parse_args()
    sizes = [200_000] if args.quick else [200_000, 1_000_000]
    if args.sizes:
        sizes = [int(x) for x in args.sizes.split(",")]
    shapes = [(12, 3)] if args.quick else [(12, 3), (20, 5)]
    cases = [(n, m, s) for n in sizes for m, s in shapes]
    print(f"# numpy {np.__version__}, Python {platform.python_version()}")
    sink = io.StringIO()
    with redirect_stderr(sink):
        rows = run(cases, args.repeat, args.peers_cap)
    print("\n| case | what | seconds | × sovet | same elected | note |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(format_row(row, rows))


if __name__ == "__main__":
    main()
