"""Condorcet methods over pairwise margins: Schulze and ranked pairs (Tideman).

Both build ``d[a, b]`` (ballots ranking ``a`` above ``b``; a ranked candidate is
above every unranked one, unranked candidates are equal) once, vectorised over
the distinct rankings, and work on the margins ``d[a, b] - d[b, a]``.

For ``seats > 1`` both rank by repeated application: the winner is taken out
and the method is applied again to the remaining candidates (a documented
extension, not a proportional method); each application is one ``Round``.
"""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np

from sovet.counting._ranked import (
    BoolArray,
    How,
    IntArray,
    TieBreaker,
    check_seats,
    continuing_mask,
    pairwise_wins,
)
from sovet.counting.ballots import RANKING
from sovet.counting.registry import counting_method
from sovet.counting.types import CountResult, Profile, Round, TieBreak
from sovet.errors import RuleViolation, says

__all__ = ["ranked_pairs", "schulze", "schulze_strengths"]


def schulze_strengths(margins: IntArray, live: BoolArray) -> IntArray:
    """Strongest (widest) path strengths ``p[a, b]`` among ``live`` candidates.

    Schulze (2011), §2.1–2.3 with the margin as link strength: a link ``a → b``
    exists when the margin is positive; Floyd–Warshall, vectorised per step.
    """
    p = np.where(margins > 0, margins, 0).astype(np.int64)
    p[~live, :] = 0
    p[:, ~live] = 0
    np.fill_diagonal(p, 0)
    for k in np.flatnonzero(live):
        p = np.maximum(p, np.minimum(p[:, k : k + 1], p[k : k + 1, :]))
        np.fill_diagonal(p, 0)
    return p


@counting_method(
    "schulze",
    multi_winner=True,
    ranked=True,
    tie_kinds=("winner",),
    rule="Schulze (2011) beatpath, margins as strength; seats > 1 by repeated "
    "application; ties by order, else lot",
    ballot=RANKING,
    properties=frozenset({"fills-seats", "anonymity", "neutrality", "monotonicity"}),
)
def schulze(profile: Profile, *, seats: int, tie_break: TieBreak) -> CountResult:
    """SR-7: Schulze — a candidate whose strongest paths beat or equal all others."""
    check_seats(profile, seats, "schulze", multi=True)
    names = profile.candidates
    d = pairwise_wins(profile)
    margins = d - d.T
    live = continuing_mask(profile)
    breaker = TieBreaker(tie_break, names, use_order=True)
    winners: list[int] = []
    rounds: list[Round] = []
    for number in range(1, seats + 1):
        p = schulze_strengths(margins, live)
        idx = np.flatnonzero(live)
        beats = (p > p.T)[np.ix_(idx, idx)].sum(axis=1)
        best = [
            int(a)
            for a in idx
            if all(p[a, b] >= p[b, a] for b in idx if b != a)  # Schulze §2.3
        ]
        win = best[0] if len(best) == 1 else breaker.lot(best, number, "winner")
        winners.append(win)
        tallies = {names[a]: Fraction(int(s)) for a, s in zip(idx, beats, strict=True)}
        rounds.append(Round(number, tallies, (names[win],)))
        live[win] = False
    return CountResult(
        method="schulze",
        seats=seats,
        candidates=names,
        elected=tuple(names[c] for c in winners),
        rounds=tuple(rounds),
        ties=tuple(breaker.records),
    )


def _tie_ranking(names: tuple[str, ...], tie_break: TieBreak) -> tuple[list[int], How]:
    """Zavist–Tideman TBRC: the declared order if it names everyone, else a lot."""
    if tie_break.order is not None:
        unknown = sorted(set(tie_break.order) - set(names))
        if unknown:
            raise RuleViolation(
                "SR-7",
                says(
                    "tie-break order names unknown candidates {unknown}",
                    unknown=unknown,
                ),
            )
        if len(set(tie_break.order)) == len(names):
            return [names.index(x) for x in tie_break.order], "order"
    order = list(range(len(names)))
    random.Random(tie_break.seed).shuffle(order)
    return order, "lot"


def _reaches(locked: list[set[int]], start: int, goal: int) -> bool:
    """Whether ``goal`` can be reached from ``start`` along locked edges."""
    seen = {start}
    todo = [start]
    while todo:
        x = todo.pop()
        if x == goal:
            return True
        for y in locked[x] - seen:
            seen.add(y)
            todo.append(y)
    return False


def _lock(
    margins: IntArray, live: BoolArray, rank: list[int]
) -> tuple[list[set[int]], list[tuple[int, ...]]]:
    """Lock pairs by descending margin, skipping cycles (Tideman 1987).

    Equal margins are ordered by the TBRC (Zavist & Tideman 1989): the pair
    whose winner ranks higher first; same winner — the pair whose loser ranks
    lower first. Returns the locked graph and every equal-margin group in which
    some pair was skipped (the order of the group could matter: a tie).
    """
    place = {c: i for i, c in enumerate(rank)}
    idx = [int(c) for c in np.flatnonzero(live)]
    pairs = [(a, b) for a in idx for b in idx if margins[a, b] > 0]
    pairs.sort(key=lambda ab: (-int(margins[ab]), place[ab[0]], -place[ab[1]]))
    locked: list[set[int]] = [set() for _ in range(len(margins))]
    contested: list[tuple[int, ...]] = []
    i = 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and margins[pairs[j]] == margins[pairs[i]]:
            j += 1
        skipped = False
        for a, b in pairs[i:j]:
            if _reaches(locked, b, a):
                skipped = True
            else:
                locked[a].add(b)
        if skipped and j - i > 1:
            contested.append(tuple(sorted({c for ab in pairs[i:j] for c in ab})))
        i = j
    return locked, contested


@counting_method(
    "ranked-pairs",
    multi_winner=True,
    ranked=True,
    tie_kinds=("winner",),
    rule="Ranked pairs (Tideman 1987), equal margins by a tie-breaking ranking "
    "(Zavist & Tideman 1989): the declared order, else a seeded lot",
    ballot=RANKING,
    properties=frozenset({"fills-seats", "anonymity", "neutrality", "monotonicity"}),
)
def ranked_pairs(profile: Profile, *, seats: int, tie_break: TieBreak) -> CountResult:
    """SR-7: ranked pairs — lock majorities by size; the unbeaten candidate wins."""
    check_seats(profile, seats, "ranked-pairs", multi=True)
    names = profile.candidates
    d = pairwise_wins(profile)
    margins = d - d.T
    live = continuing_mask(profile)
    rank, how = _tie_ranking(names, tie_break)
    ties = TieBreaker(tie_break, names, use_order=False)
    winners: list[int] = []
    rounds: list[Round] = []
    for number in range(1, seats + 1):
        locked, contested = _lock(margins, live, rank)
        idx = [int(c) for c in np.flatnonzero(live)]
        beaten = {b for a in idx for b in locked[a]}
        sources = [c for c in idx if c not in beaten]
        win = min(sources, key=rank.index)
        for group in contested:
            note = "equal margins ordered by the tie-breaking ranking"
            ties.record(group, number, "winner", how, win, note)
        if len(sources) > 1:
            note = "several unbeaten candidates (zero margins)"
            ties.record(sources, number, "winner", how, win, note)
        winners.append(win)
        tallies = {names[a]: Fraction(len(locked[a])) for a in idx}
        rounds.append(Round(number, tallies, (names[win],)))
        live[win] = False
    return CountResult(
        method="ranked-pairs",
        seats=seats,
        candidates=names,
        elected=tuple(names[c] for c in winners),
        rounds=tuple(rounds),
        ties=tuple(ties.records),
    )
