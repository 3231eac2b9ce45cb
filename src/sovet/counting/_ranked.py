"""Shared helpers of the ranked and single-mark methods (vectorised, integer-only).

Everything here works on the compressed ``Profile`` (one row per distinct
ranking, with its weight) with numpy integer arrays: no Python loop over
ballots, no binary floats in any total.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from fractions import Fraction
from typing import Literal

import numpy as np
import numpy.typing as npt

from sovet.counting.types import Profile, TieBreak, TieHow, TieKind, TieRecord
from sovet.errors import RuleViolation, says

__all__ = [
    "BoolArray",
    "How",
    "IntArray",
    "TieBreaker",
    "TieKind",
    "as_fractions",
    "check_seats",
    "continuing_mask",
    "first_marks",
    "int_tally",
    "next_preference",
    "pairwise_wins",
    "top_by_tally",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
How = TieHow


def check_seats(profile: Profile, seats: int, method: str, *, multi: bool) -> int:
    """SR-7: refuse a seat number the method cannot fill; return the candidates."""
    standing = len(profile.candidates) - len(profile.withdrawn)
    if seats < 1:
        raise RuleViolation(
            "SR-7", says("{method}: seats must be at least 1", method=method), seats
        )
    if not multi and seats != 1:
        raise RuleViolation(
            "SR-7",
            says(
                "{method} is a single-winner method; got seats={seats}",
                method=method,
                seats=seats,
            ),
            seats,
        )
    if seats > standing:
        raise RuleViolation(
            "SR-7",
            says(
                "{method}: {seats} seats but only {standing} candidates standing",
                method=method,
                seats=seats,
                standing=standing,
            ),
            seats,
        )
    return standing


def continuing_mask(profile: Profile) -> BoolArray:
    """Candidates not withdrawn (``True`` = still in the count)."""
    mask = np.ones(len(profile.candidates), dtype=np.bool_)
    for c in profile.withdrawn:
        mask[c] = False
    return mask


def next_preference(
    rankings: npt.NDArray[np.int32],
    start: npt.NDArray[np.int64],
    cont: BoolArray,
    rows: npt.NDArray[np.int64] | None = None,
) -> tuple[IntArray, IntArray]:
    """For each row, the first position ``>= start`` that names a continuing candidate.

    ``rows`` selects rows of ``rankings`` (all if ``None``; ``start`` is given per
    selected row). Returns ``(position, candidate)`` per selected row; a row with
    none (a non-transferable paper) gets candidate -1. Steps one preference at a
    time over the rows still looking, so the cost follows the preferences
    skipped, not the ballot width.
    """
    width = rankings.shape[1]
    flat = rankings.reshape(-1)
    where = np.arange(rankings.shape[0]) if rows is None else rows
    pos = start.astype(np.int64, copy=True)
    cand = np.full(where.shape[0], -1, dtype=np.int64)
    lookup = np.append(cont, False)  # index -1 (padding) maps to False
    todo = np.flatnonzero(pos < width)
    cell = where[todo] * width + pos[todo]  # flat index of each row's position
    while todo.size:
        here = flat[cell]
        found = lookup[here]
        cand[todo[found]] = here[found]
        going = ~found & (here >= 0)  # padding ends the ballot
        todo, cell = todo[going], cell[going] + 1
        pos[todo] += 1
        inside = pos[todo] < width
        todo, cell = todo[inside], cell[inside]
    return pos, cand


def int_tally(holder: IntArray, amounts: IntArray, n: int) -> IntArray:
    """Sum ``amounts`` per candidate index in ``holder`` (-1 = nobody), in int64."""
    out = np.zeros(n + 1, dtype=np.int64)
    np.add.at(out, holder, amounts)  # index -1 lands in the spare last slot
    return out[:n]


def first_marks(profile: Profile, cont: BoolArray) -> IntArray:
    """First-preference tally among continuing candidates (plurality, IRV stage 1)."""
    rows = profile.rankings.shape[0]
    _, cand = next_preference(profile.rankings, np.zeros(rows, np.int64), cont)
    return int_tally(cand, profile.weights.astype(np.int64), len(profile.candidates))


def pairwise_wins(profile: Profile, chunk: int = 65536) -> IntArray:
    """``d[a, b]``: ballots ranking ``a`` above ``b`` (ranked above unranked)."""
    n = len(profile.candidates)
    rows, width = profile.rankings.shape
    d = np.zeros((n, n), dtype=np.int64)
    for lo in range(0, rows, chunk):
        part = profile.rankings[lo : lo + chunk]
        w = profile.weights[lo : lo + chunk].astype(np.int64)
        k = part.shape[0]
        pos = np.full((k, n + 1), width, dtype=np.int32)
        ranks = np.broadcast_to(np.arange(width, dtype=np.int32), (k, width))
        pos[np.arange(k)[:, None], part] = ranks  # padding (-1) lands in column n
        pos = pos[:, :n]
        for a in range(n):
            d[a] += w @ (pos[:, a : a + 1] < pos).astype(np.int64)
    return d


def top_by_tally(
    tally: IntArray,
    cont: BoolArray,
    seats: int,
    breaker: TieBreaker,
    rnd: int,
) -> list[int]:
    """The ``seats`` highest tallies among ``cont``, highest first.

    A group of equal tallies that straddles the last seat is broken by the
    declared rule (``TieBreaker.lot``), one seat at a time, each recorded.
    """
    chosen: list[int] = []
    for value in sorted({int(tally[c]) for c in np.flatnonzero(cont)}, reverse=True):
        group = [int(c) for c in np.flatnonzero(cont & (tally == value))]
        if len(chosen) + len(group) <= seats:
            chosen.extend(group)
        else:
            while len(chosen) < seats:
                pick = breaker.lot(group, rnd, "seat", f"equal tally {value}")
                group.remove(pick)
                chosen.append(pick)
        if len(chosen) == seats:
            break
    return chosen


def as_fractions(
    names: Sequence[str], values: IntArray, keep: BoolArray, scale: int = 1
) -> dict[str, Fraction]:
    """``{name: value / scale}`` for the candidates in ``keep``."""
    return {
        names[c]: Fraction(int(values[c]), scale) for c in range(len(names)) if keep[c]
    }


class TieBreaker:
    """Breaks ties by the declared rule: a priority order if given, else a seeded lot.

    Every decision is appended to ``records`` as a ``TieRecord``.
    """

    def __init__(
        self, tie_break: TieBreak, names: Sequence[str], *, use_order: bool
    ) -> None:
        self.names = tuple(names)
        self.rng = random.Random(tie_break.seed)
        self.order = tie_break.order if use_order else None
        if self.order is not None:
            unknown = sorted(set(self.order) - set(self.names))
            if unknown:
                raise RuleViolation(
                    "SR-7",
                    says(
                        "tie-break order names unknown candidates {unknown}",
                        unknown=unknown,
                    ),
                )
        self.records: list[TieRecord] = []

    def lot(self, tied: Sequence[int], rnd: int, kind: TieKind, note: str = "") -> int:
        """Pick one of ``tied`` by the declared order, else by seeded lot; record it."""
        ordered = sorted(tied)
        if self.order is not None and all(self.names[c] in self.order for c in ordered):
            chosen = min(ordered, key=lambda c: self.order.index(self.names[c]))  # type: ignore[union-attr]
            how: Literal["order", "lot"] = "order"
        else:
            chosen = ordered[self.rng.randrange(len(ordered))]
            how = "lot"
        self.record(ordered, rnd, kind, how, chosen, note)
        return chosen

    def record(
        self,
        tied: Sequence[int],
        rnd: int,
        kind: TieKind,
        how: How,
        chosen: int,
        note: str = "",
    ) -> None:
        """Append a ``TieRecord`` for a tie broken by ``how``."""
        self.records.append(
            TieRecord(
                round=rnd,
                kind=kind,
                candidates=tuple(self.names[c] for c in sorted(tied)),
                resolved_by=how,
                chosen=self.names[chosen],
                note=note,
            )
        )


def earlier_stage(
    tied: Sequence[int], history: Sequence[IntArray], *, lowest: bool
) -> list[int]:
    """Narrow ``tied`` by the most recent earlier stage at which they differed.

    Walks back from the latest stage; at a stage where the tied candidates had
    unequal totals keeps those with the lowest (``lowest=True``) or highest
    total there, and goes on walking back while more than one remains. Returns
    the survivors (one candidate, or several if equal at every stage).
    """
    left = list(tied)
    for totals in reversed(history):
        values = totals[left]
        best = values.min() if lowest else values.max()
        narrowed = [c for c, v in zip(left, values, strict=True) if v == best]
        if len(narrowed) < len(left):
            left = narrowed
            if len(left) == 1:
                break
    return left
