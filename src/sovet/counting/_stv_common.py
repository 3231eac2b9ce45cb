"""Private helpers of the Meek and ERS97 STV counts (integer-only, vectorised).

The compressed ``Profile`` holds one row per distinct ranking with its weight;
these helpers walk rows to their next continuing preference with numpy integer
arrays and resolve ties by the rule each method declares (earlier stages,
then a seeded lot), recording every tie as a ``TieRecord``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from fractions import Fraction
from typing import Literal

import numpy as np
import numpy.typing as npt

from sovet.counting.types import Profile, TieBreak, TieKind, TieRecord
from sovet.errors import RuleViolation, says

__all__ = [
    "BoolArray",
    "IntArray",
    "StvTies",
    "check_stv_seats",
    "fractions_of",
    "next_continuing",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def check_stv_seats(profile: Profile, seats: int, method: str) -> None:
    """SR-7: an STV count needs at least one seat and at least one candidate."""
    if seats < 1:
        raise RuleViolation(
            "SR-7", says("{method}: seats must be at least 1", method=method), seats
        )
    if len(profile.candidates) - len(profile.withdrawn) < 1:
        raise RuleViolation(
            "SR-7", says("{method}: no candidate is standing", method=method), seats
        )


def next_continuing(
    rankings: npt.NDArray[np.int32],
    rows: IntArray,
    after: IntArray,
    continuing: BoolArray,
) -> tuple[IntArray, IntArray]:
    """For each paper (a row of ``rankings``), its next preference after ``after``.

    Returns ``(candidate, position)``: the first candidate at a position greater
    than ``after`` that is continuing, or -1 (a non-transferable paper).
    """
    width = rankings.shape[1]
    dest = np.full(rows.shape[0], -1, dtype=np.int64)
    pos = after.astype(np.int64, copy=True)
    if width == 0 or rows.shape[0] == 0:
        return dest, pos
    lookup = np.append(continuing, False)  # padding (-1) maps to "not continuing"
    pending = np.arange(rows.shape[0])
    while pending.size:
        pos[pending] += 1
        inside = pos[pending] < width
        pending = pending[inside]
        cand = rankings[rows[pending], pos[pending]].astype(np.int64)
        ended = cand < 0
        found = ~ended & lookup[cand]
        dest[pending[found]] = cand[found]
        pending = pending[~ended & ~found]
    return dest, pos


def fractions_of(
    names: Sequence[str], values: IntArray, scale: int
) -> dict[str, Fraction]:
    """``{name: value / scale}`` for every candidate (fixed-point to exact)."""
    return {names[c]: Fraction(int(values[c]), scale) for c in range(len(names))}


class StvTies:
    """Ties by the rule the STV methods declare: earlier stages, then a seeded lot.

    ``history`` is the list of tally vectors at every earlier point of the
    count; each decision is appended to ``records``.
    """

    def __init__(self, tie_break: TieBreak, names: Sequence[str]) -> None:
        self.names = tuple(names)
        self.rng = random.Random(tie_break.seed)
        self.records: list[TieRecord] = []

    def first_difference(
        self, tied: Sequence[int], history: Sequence[IntArray], *, lowest: bool
    ) -> list[int]:
        """Narrow ``tied`` by the first stage (then the earliest point) they differ.

        Walks forward from the first stage; where the tied candidates had
        unequal votes keeps those with the fewest (``lowest``) or the most, and
        walks on while more than one remains. Returns the survivors.
        """
        left = sorted(tied)
        for totals in history:
            if len(left) == 1:
                break
            values = [int(totals[c]) for c in left]
            best = min(values) if lowest else max(values)
            left = [c for c, v in zip(left, values, strict=True) if v == best]
        return left

    def lot(self, tied: Sequence[int], rnd: int, kind: TieKind, note: str) -> int:
        """Draw one of ``tied`` by seeded lot and record it."""
        ordered = sorted(tied)
        chosen = ordered[self.rng.randrange(len(ordered))]
        self.record(ordered, rnd, kind, "lot", chosen, note)
        return chosen

    def pick(
        self,
        tied: Sequence[int],
        history: Sequence[IntArray],
        rnd: int,
        kind: TieKind,
        *,
        lowest: bool,
    ) -> int:
        """Earlier stages first, then lot: the one candidate the rule selects."""
        if len(tied) == 1:
            return tied[0]
        left = self.first_difference(tied, history, lowest=lowest)
        if len(left) == 1:
            which = "fewest" if lowest else "most"
            note = f"{which} votes at the first point where they differed"
            self.record(sorted(tied), rnd, kind, "earlier-stage", left[0], note)
            return left[0]
        return self.lot(left, rnd, kind, "equal at every earlier stage")

    def record(
        self,
        tied: Sequence[int],
        rnd: int,
        kind: TieKind,
        how: Literal["earlier-stage", "lot", "rule"],
        chosen: int | None,
        note: str = "",
    ) -> None:
        """Append a ``TieRecord`` for a tie broken by ``how`` (``None``: no one)."""
        self.records.append(
            TieRecord(
                round=rnd,
                kind=kind,
                candidates=tuple(self.names[c] for c in sorted(tied)),
                resolved_by=how,
                chosen="" if chosen is None else self.names[chosen],
                note=note,
            )
        )
