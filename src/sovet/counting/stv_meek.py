"""Meek STV (``stv-meek``): keep values iterated to convergence.

Algorithm: I. D. Hill, B. A. Wichmann and D. R. Woodall, "Algorithm 123 —
Single Transferable Vote by Meek's method", *The Computer Journal* 30(3),
1987, pp. 277–281, in the fixed-point decimal form that New Zealand's Local
Electoral Regulations 2001, Schedule 1A, and the Proportional Representation
Foundation's *Reference Meek Rule* (prfound.org) publish. The published
variant followed here is the PR Foundation reference rule, step by step:

- A: hopeful candidates get keep value 1, withdrawn ones 0; omega = 10⁻⁶.
- B.1: the count is complete when all seats are filled, or when elected plus
  hopeful candidates do not exceed the seats.
- B.2.a: each ballot starts with weight 1; each candidate in rank order gets
  weight × keep value **rounded up** to 9 decimals, and the weight falls by the
  same amount (what is left when the ranking ends is non-transferable).
- B.2.b: quota = (sum of all candidates' votes) / (seats + 1), **truncated** to
  9 decimals, plus 10⁻⁹ (the Droop quota over non-exhausted votes).
- B.2.c: every hopeful candidate with votes ≥ quota is elected.
- B.2.d: total surplus = Σ (votes − quota) over elected candidates, at least 0.
- B.2.e: if someone was elected, a new round begins; otherwise the iteration
  ends when the surplus is below omega, or (after the first iteration) when
  it no longer falls.
- B.2.f: each elected candidate's keep value becomes keep × quota (rounded up
  to 9 decimals) / votes (rounded up to 9 decimals); iterate again.
- B.3: the hopeful candidate with the fewest votes is defeated. The stored
  copies of the reference rule break off after "defeat the hopeful candidate
  with the lowest vote"; the tie rule used here is that of Droop (J. Lundell's
  implementation of the same rule): candidates whose votes are within the total
  surplus of the lowest are tied, and one is drawn by lot (seeded with
  ``TieBreak.seed``), as Algorithm 123 also draws lots. One candidate is
  defeated per round: the reference rule has no bulk exclusion.
- C: remaining hopefuls are elected if seats remain, else defeated.

Each ``Round`` shows, like a hand count's stage, the tallies after its
action: round 1 the first preferences (with anyone they elect); later the
iteration that elected someone, or (as Droop reports it) one distribution
right after a defeat, with the defeated candidate at 0 and their settled vote
as the ``Transfer`` value.

All arithmetic is int64 fixed point with 10⁹ units per vote; a round costs one
pass over the distinct rankings per iteration (numpy), not over ballots.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import numpy.typing as npt

from sovet.counting._stv_common import IntArray, StvTies, check_stv_seats, fractions_of
from sovet.counting.ballots import RANKING
from sovet.counting.registry import counting_method
from sovet.counting.types import CountResult, Profile, Round, TieBreak, Transfer

__all__ = ["OMEGA", "SCALE", "distribute", "reduce_for_round", "stv_meek"]

SCALE = 10**9
"""Fixed-point units per vote: nine decimal places (reference rule B.2.a)."""
OMEGA = 10**3
"""Convergence limit 10⁻⁶ of a vote, in fixed-point units (reference rule A)."""
HOPEFUL, ELECTED, DEFEATED = 0, 1, 2


def distribute(
    rankings: npt.NDArray[np.int32], weights: IntArray, keep: IntArray
) -> IntArray:
    """B.2.a: every candidate's votes (fixed point) under the keep values ``keep``.

    Vectorised over distinct rankings: at each rank position, the rows whose
    weight is not yet used up give weight × keep (rounded up) to the candidate
    there; rows whose weight reaches 0 or whose ranking ends drop out.
    """
    n = keep.shape[0]
    kf = np.append(keep, 0)  # padding -1 reads the spare slot: keep value 0
    tally = np.zeros(n + 1, dtype=np.int64)
    rows = np.arange(rankings.shape[0])
    weight = np.full(rows.shape[0], SCALE, dtype=np.int64)
    mult = weights.astype(np.int64, copy=False)
    for j in range(rankings.shape[1]):
        if rows.size == 0:
            break
        cand = rankings[rows, j]
        kept = (weight * kf[cand] + (SCALE - 1)) // SCALE
        np.add.at(tally, cand, kept * mult[rows])
        weight -= kept
        alive = (weight > 0) & (cand >= 0)
        rows = rows[alive]
        weight = weight[alive]
    return tally[:n]


def reduce_for_round(
    rankings: npt.NDArray[np.int32], weights: IntArray, status: npt.NDArray[np.int8]
) -> tuple[IntArray, npt.NDArray[np.int32], IntArray] | None:
    """The profile as B.2.a sees it while ``status`` holds (one round), exactly.

    A defeated candidate (keep value 0) takes nothing, so it is dropped from
    every ranking; the first hopeful one (keep value 1) takes all that is
    left, so nothing after it matters. Rows whose first remaining candidate
    is hopeful give it a whole vote in every iteration: they are summed once
    into ``fixed``. The other rows (elected candidates first) are cut after
    their first hopeful one and grouped again, each cut row encoded as one
    int64 key. Returns ``(fixed, rankings, weights)`` with ``fixed +
    distribute(rankings, weights, keep)`` equal to ``distribute`` over the
    whole profile for any keep values consistent with ``status``; ``None``
    when a key could overflow (then the round runs on the whole profile).
    """
    n = status.shape[0]
    base = n + 1
    if base ** (int((status == ELECTED).sum()) + 1) >= 2**62:
        return None
    lookup = np.append(status, DEFEATED).astype(np.int64)
    fixed = np.zeros(n + 1, dtype=np.int64)
    rows = np.arange(rankings.shape[0])
    key = np.zeros(rows.shape[0], dtype=np.int64)
    length = np.zeros(rows.shape[0], dtype=np.int64)
    keys: list[IntArray] = []
    counts: list[IntArray] = []
    for j in range(rankings.shape[1]):
        if rows.size == 0:
            break
        cand = rankings[rows, j].astype(np.int64)
        state = lookup[cand]  # padding -1 reads the spare slot: DEFEATED
        ended = cand < 0
        live = ~ended & (state != DEFEATED)
        key = np.where(live, key * base + cand + 1, key)
        length += live
        finish = ended | (state == HOPEFUL)
        lead = finish & ~ended & (length == 1)
        np.add.at(fixed, cand[lead], weights[rows[lead]] * SCALE)
        cut = finish & ~lead & (length > 0)
        keys.append(key[cut])
        counts.append(weights[rows[cut]])
        stay = ~finish
        rows, key, length = rows[stay], key[stay], length[stay]
    keys.append(key[length > 0])
    counts.append(weights[rows[length > 0]])
    distinct, inverse = np.unique(np.concatenate(keys), return_inverse=True)
    grouped = np.zeros(distinct.shape[0], dtype=np.int64)
    np.add.at(grouped, inverse.ravel(), np.concatenate(counts))
    return fixed[:n], _decode(distinct, base), grouped


def _decode(keys: IntArray, base: int) -> npt.NDArray[np.int32]:
    """Rankings from keys whose base-``base`` digits are candidate + 1."""
    digits: list[IntArray] = []
    rest = keys.copy()
    while rest.any():
        digits.append(rest % base - 1)
        rest //= base
    out = np.full((keys.shape[0], len(digits)), -1, dtype=np.int32)
    size = np.zeros(keys.shape[0], dtype=np.int64)
    for d in digits:
        size += d >= 0
    for i, d in enumerate(digits):  # digit i counts from the end of the row
        at = size - 1 - i
        ok = at >= 0
        out[np.flatnonzero(ok), at[ok]] = d[ok]
    return out


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


class _MeekCount:
    """The state of one Meek count: keep values, status, rounds and ties."""

    def __init__(self, profile: Profile, seats: int, tie_break: TieBreak) -> None:
        self.profile = profile
        self.names = profile.candidates
        self.seats = seats
        n = len(self.names)
        self.status = np.full(n, HOPEFUL, dtype=np.int8)
        self.keep = np.full(n, SCALE, dtype=np.int64)
        for c in profile.withdrawn:
            self.status[c] = DEFEATED
            self.keep[c] = 0
        self.weights = profile.weights.astype(np.int64)
        self.total = profile.total * SCALE
        self.elected: list[int] = []
        self.rounds: list[Round] = []
        self.ties = StvTies(tie_break, self.names)
        self.tally = np.zeros(n, dtype=np.int64)
        self.quota = 0
        self.surplus = 0

    def hopeful(self) -> list[int]:
        return [int(c) for c in np.flatnonzero(self.status == HOPEFUL)]

    def distribute_all(self) -> IntArray:
        """B.2.a over the whole profile (used once per round, for reporting)."""
        return distribute(self.profile.rankings, self.weights, self.keep)

    def iterate(self) -> list[int]:
        """B.2: iterate until someone is elected (returned) or the surplus settles.

        The status of every candidate is fixed within a round, so the profile
        is first reduced to what the iterations can change (exactly).
        """
        reduced = reduce_for_round(self.profile.rankings, self.weights, self.status)
        if reduced is None:
            fixed = np.zeros(len(self.names), dtype=np.int64)
            rankings, weights = self.profile.rankings, self.weights
        else:
            fixed, rankings, weights = reduced
        last: int | None = None
        while True:
            self.tally = fixed + distribute(rankings, weights, self.keep)
            votes = int(self.tally.sum())
            self.quota = votes // (self.seats + 1) + 1  # B.2.b
            reach = [c for c in self.hopeful() if self.tally[c] >= self.quota]
            if reach:
                return self._elect(reach)
            self.surplus = max(
                0, sum(int(self.tally[c]) - self.quota for c in self.elected)
            )
            if self.surplus < OMEGA or (last is not None and self.surplus >= last):
                return []
            last = self.surplus
            for c in self.elected:  # B.2.f (a candidate with no votes keeps its value)
                if self.tally[c] > 0:
                    kept = _ceil_div(int(self.keep[c]) * self.quota, SCALE)
                    self.keep[c] = _ceil_div(kept * SCALE, int(self.tally[c]))

    def _elect(self, reach: list[int]) -> list[int]:
        """B.2.c: elect in descending order of votes, never beyond the seats."""
        order = sorted(reach, key=lambda c: (-int(self.tally[c]), c))
        places = self.seats - len(self.elected)
        if len(order) > places:
            order = self._cut(order, places)
        for c in order:
            self.status[c] = ELECTED
            self.elected.append(c)
        return order

    def _cut(self, order: list[int], places: int) -> list[int]:
        """More candidates reached the quota than seats remain: the highest win,
        a tie at the cut going by lot (recorded)."""
        edge = int(self.tally[order[places - 1]])
        sure = [c for c in order if self.tally[c] > edge]
        tied = [c for c in order if self.tally[c] == edge]
        rnd = len(self.rounds) + 1
        while len(sure) < places:
            pick = self.ties.lot(tied, rnd, "elect", "equal votes at the last seat")
            tied.remove(pick)
            sure.append(pick)
        return sure

    def defeat_lowest(self) -> int:
        """B.3: defeat the lowest hopeful; those within the surplus are tied (lot)."""
        hopeful = self.hopeful()
        low = min(int(self.tally[c]) for c in hopeful)
        tied = [c for c in hopeful if self.tally[c] <= low + self.surplus]
        if len(tied) == 1:
            loser = tied[0]
        else:
            note = "votes within the total surplus of the lowest"
            loser = self.ties.lot(tied, len(self.rounds) + 1, "exclude", note)
        self.status[loser] = DEFEATED
        self.keep[loser] = 0
        return loser

    def record(
        self,
        elected: list[int],
        excluded: tuple[int, ...] = (),
        transferred: Transfer | None = None,
    ) -> None:
        self.rounds.append(
            Round(
                number=len(self.rounds) + 1,
                tallies=fractions_of(self.names, self.tally, SCALE),
                elected=tuple(self.names[c] for c in elected),
                excluded=tuple(self.names[c] for c in excluded),
                transferred=transferred,
                exhausted=Fraction(self.total - int(self.tally.sum()), SCALE),
            )
        )

    def run(self) -> None:
        """Rounds B until complete, then step C."""
        while True:
            hopeful = self.hopeful()
            if len(self.elected) >= self.seats or (
                len(self.elected) + len(hopeful) <= self.seats
            ):
                break
            newly = self.iterate()
            if newly:
                self.record(newly)
                continue
            if not self.rounds:  # stage 1 is the first-preference count
                self.record([])
            loser = self.defeat_lowest()
            moved = Fraction(int(self.tally[loser]), SCALE)
            self.tally = self.distribute_all()
            self.record([], (loser,), Transfer(self.names[loser], "exclusion", moved))
        rest = self.hopeful()
        if rest and len(self.elected) < self.seats:  # C
            self.tally = self.distribute_all()
            self.quota = int(self.tally.sum()) // (self.seats + 1) + 1
            order = sorted(rest, key=lambda c: (-int(self.tally[c]), c))
            for c in order:
                self.status[c] = ELECTED
                self.elected.append(c)
            self.record(order)

    def result(self) -> CountResult:
        """The count as a ``CountResult`` (values exact to 9 decimals)."""
        return CountResult(
            method="stv-meek",
            seats=self.seats,
            candidates=self.names,
            elected=tuple(self.names[c] for c in self.elected),
            rounds=tuple(self.rounds),
            quota=Fraction(self.quota, SCALE),
            exhausted=Fraction(self.total - int(self.tally.sum()), SCALE),
            ties=tuple(self.ties.records),
            decimals=9,
        )


@counting_method(
    "stv-meek",
    multi_winner=True,
    ranked=True,
    tie_kinds=("elect", "exclude"),
    rule=(
        "Hill, Wichmann & Woodall, Algorithm 123: STV by Meek's method, "
        "Computer Journal 30(3) 1987; fixed-point form of the PR Foundation "
        "Reference Meek Rule (9 decimals, omega 1e-6)"
    ),
    ballot=RANKING,
    properties=frozenset(
        {
            "fills-seats",
            "anonymity",
            "neutrality",
            "vote-conservation",
            "fixed-decimals",
        }
    ),
)
def stv_meek(profile: Profile, *, seats: int, tie_break: TieBreak) -> CountResult:
    """SR-7: count ``profile`` for ``seats`` places by Meek's method.

    Ties (equal lowest within the surplus, or too many reaching the quota)
    are resolved by lot seeded with ``tie_break.seed``; every tie is reported.
    """
    check_stv_seats(profile, seats, "stv-meek")
    count = _MeekCount(profile, seats, tie_break)
    count.run()
    return count.result()
