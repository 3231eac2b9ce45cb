"""Whole-process ``sovet count`` against votekit FastSTV and pref_voting STV-Scottish.

One seeded profile: 200,000 ballots over 12 candidates for 3 seats, a contested race
(five candidates near the quota), written to a BLT file that sovet reads; the peers get
the same profile already aggregated in memory and are timed building their profile and
counting. sovet's time is the whole process (start, read, count, print).

Run from the repository root (the peers are in the ``dev`` extra)::

    .venv/bin/python bench/speed_vs_peers.py                 # sovet beside this python
    .venv/bin/python bench/speed_vs_peers.py path/to/sovet   # another sovet command
    .venv/bin/python bench/speed_vs_peers.py --write-blt contested.blt   # keep the file

Prints the times and the ratios; exits 0 when the elected sets agree, sovet is at least
3x faster than votekit and 5x faster than pref_voting (issue 13, item 1). Issue 13's
figures came from the same script (its seed, weights and timings are unchanged here).
"""

from __future__ import annotations

import argparse
import collections
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

N, SEATS, SEED = 200_000, 3, 20251126
W = [10.0, 9.0, 8.6, 8.5, 8.4, 3.0, 2.0, 1.5, 1.0, 0.7, 0.5, 0.3]  # a contested race
C = [f"c{i:02d}" for i in range(len(W))]
BAR_VOTEKIT, BAR_PREF_VOTING = 3.0, 5.0

Ballot = tuple[int, ...]


def draw_ballots() -> list[Ballot]:
    """The seeded profile: Plackett–Luce orders, cut at 1 + Bin(11, 1/4) places."""
    rng = np.random.default_rng(SEED)
    keys = np.log(np.asarray(W))[None, :] + rng.gumbel(size=(N, len(W)))
    orders = np.argsort(-keys, axis=1)
    lengths = 1 + rng.binomial(len(W) - 1, 0.25, size=N)
    return [
        tuple(row[:ln])
        for row, ln in zip(orders.tolist(), lengths.tolist(), strict=True)
    ]


def write_blt(path: Path, ballots: list[Ballot]) -> None:
    """One BLT line per ballot, weight 1."""
    with path.open("w") as fh:
        fh.write(f"{len(C)} {SEATS}\n")
        fh.writelines("1 " + " ".join(str(i + 1) for i in b) + " 0\n" for b in ballots)
        fh.write("0\n" + "".join(f'"{c}"\n' for c in C) + '"speed check"\n')


def _cpu() -> float:
    """CPU seconds of this process and of its finished children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def best_of(n: int, fn: Callable[[], list[str]]) -> tuple[float, float, list[str]]:
    """The shortest wall and CPU seconds of ``n`` runs, and the last answer."""
    times, cpus, out = [], [], []
    for _ in range(n):
        c, t = _cpu(), time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
        cpus.append(_cpu() - c)
    return min(times), min(cpus), out


def run_sovet(command: str, path: Path) -> list[str]:
    """Whole process: ``sovet count FILE --method stv-scottish --format json``."""
    args = [command, "count", str(path), "--method", "stv-scottish"]
    args += ["--seats", str(SEATS), "--format", "json"]
    p = subprocess.run(args, capture_output=True, text=True, timeout=600, check=False)
    if p.returncode:
        raise SystemExit("sovet count failed: " + (p.stderr or p.stdout).strip()[-200:])
    return sorted(json.loads(p.stdout)["elected"])


def run_votekit(prof: collections.Counter[tuple[str, ...]]) -> list[str]:
    """votekit's FastSTV, building its profile from the aggregated one."""
    from votekit.ballot import RankBallot
    from votekit.elections import FastSTV
    from votekit.pref_profile import RankProfile

    bl = [
        RankBallot(ranking=tuple(frozenset([c]) for c in r), weight=w)
        for r, w in prof.items()
    ]
    e: Any = FastSTV(RankProfile(ballots=bl, candidates=C), n_seats=SEATS)
    return sorted(c for s in e.get_elected() for c in s)


def run_pref_voting(prof: collections.Counter[tuple[str, ...]]) -> list[str]:
    """pref_voting's STV-Scottish, building its profile from the aggregated one."""
    from pref_voting.profiles_with_ties import ProfileWithTies
    from pref_voting.proportional_methods import stv_scottish

    items = list(prof.items())
    p = ProfileWithTies(
        [{c: k + 1 for k, c in enumerate(r)} for r, _ in items],
        rcounts=[w for _, w in items],
        candidates=C,
    )
    return sorted(stv_scottish(p, num_seats=SEATS))


def main() -> int:
    """Time the three, print times and ratios; 0 when the bars are met."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = str(Path(sys.executable).with_name("sovet"))
    parser.add_argument("sovet", nargs="?", default=default, help="the sovet command")
    parser.add_argument("--write-blt", type=Path, help="write the BLT file here, stop")
    parser.add_argument("--runs", type=int, default=3, help="sovet runs (best of)")
    args = parser.parse_args()
    ballots = draw_ballots()
    if args.write_blt:
        write_blt(args.write_blt, ballots)
        return 0
    prof = collections.Counter(tuple(C[i] for i in b) for b in ballots)
    path = Path(tempfile.mkdtemp()) / "contested.blt"
    write_blt(path, ballots)

    ts, cs, es = best_of(args.runs, lambda: run_sovet(args.sovet, path))
    tv, cv, ev = best_of(2, lambda: run_votekit(prof))
    tp, cp, ep = best_of(2, lambda: run_pref_voting(prof))
    same = es == ev == ep
    rv, rp = tv / ts, tp / ts
    agree = "same" if same else f"DIFFERENT: votekit {ev} pref_voting {ep}"
    print(
        f"sovet {ts:.3f}s (whole process) vs votekit FastSTV {tv:.3f}s, "
        f"pref_voting STV-Scottish {tp:.3f}s (in memory); elected {es} {agree}"
    )
    print(
        f"speed: {rv:.1f}x votekit, {rp:.1f}x pref_voting "
        f"(bar: {BAR_VOTEKIT:g}x, {BAR_PREF_VOTING:g}x)"
    )
    print(
        f"CPU seconds: sovet {cs:.3f}, votekit {cv:.3f}, pref_voting {cp:.3f}: "
        f"{cv / cs:.1f}x, {cp / cs:.1f}x (steadier than wall on a loaded machine)"
    )
    return 0 if same and rv >= BAR_VOTEKIT and rp >= BAR_PREF_VOTING else 1


if __name__ == "__main__":
    sys.exit(main())
