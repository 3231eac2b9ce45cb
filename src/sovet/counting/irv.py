"""Instant-runoff voting (alternative vote), single seat.

Rule: count first preferences; a candidate holding more than half of the votes
still held by continuing candidates (exhausted ballots are not counted) is
elected. Otherwise the candidate with the fewest votes is excluded and each of
their ballots passes to its next preference for a continuing candidate, as a
new round. Declared tie rule for the lowest: the candidate lowest at the most
recent earlier round at which the tied candidates differed (as Scottish STV
rule 51(2)(a)), else by lot with ``tie_break.seed``; every tie is reported.
The last continuing candidate is elected.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from sovet.counting._ranked import (
    IntArray,
    TieBreaker,
    as_fractions,
    check_seats,
    continuing_mask,
    earlier_stage,
    int_tally,
    next_preference,
)
from sovet.counting.ballots import RANKING
from sovet.counting.registry import counting_method
from sovet.counting.types import CountResult, Profile, Round, TieBreak, Transfer

__all__ = ["irv"]


@counting_method(
    "irv",
    multi_winner=False,
    ranked=True,
    tie_kinds=("exclude",),
    rule="IRV: majority of continuing votes; exclude the lowest; ties by "
    "most recent differing round, then lot",
    ballot=RANKING,
    properties=frozenset(
        {"fills-seats", "anonymity", "neutrality", "vote-conservation"}
    ),
)
def irv(profile: Profile, *, seats: int, tie_break: TieBreak) -> CountResult:
    """SR-7: instant-runoff — exclude the lowest until one holds a majority."""
    check_seats(profile, seats, "irv", multi=False)
    names = profile.candidates
    n = len(names)
    cont = continuing_mask(profile)
    rows = profile.rankings.shape[0]
    weights = profile.weights.astype(np.int64)
    pos, holder = next_preference(profile.rankings, np.zeros(rows, np.int64), cont)
    tally = int_tally(holder, weights, n)
    exhausted = profile.total - int(tally.sum())
    breaker = TieBreaker(tie_break, names, use_order=False)
    history: list[IntArray] = [tally.copy()]
    rounds: list[Round] = []
    excluded: tuple[str, ...] = ()
    transfer: Transfer | None = None
    while True:
        number = len(history)
        live = [int(c) for c in np.flatnonzero(cont)]
        held = int(tally[cont].sum())
        top = max(live, key=lambda c: int(tally[c]))
        if 2 * int(tally[top]) > held or len(live) == 1:
            stage = Round(
                number,
                as_fractions(names, tally, cont),
                (names[top],),
                excluded,
                transfer,
                Fraction(exhausted),
            )
            rounds.append(stage)
            break
        rounds.append(
            Round(
                number,
                as_fractions(names, tally, cont),
                (),
                excluded,
                transfer,
                Fraction(exhausted),
            )
        )
        low = _lowest(live, tally, history, breaker, number + 1)
        moved = np.flatnonzero(holder == low)
        cont[low] = False
        transfer = Transfer(names[low], "exclusion", Fraction(int(tally[low])))
        excluded = (names[low],)
        new_pos, new_holder = next_preference(
            profile.rankings, pos[moved] + 1, cont, moved
        )
        pos[moved] = new_pos
        holder[moved] = new_holder
        tally = tally + int_tally(new_holder, weights[moved], n)
        exhausted += int(weights[moved][new_holder < 0].sum())
        tally[low] = 0
        history.append(tally.copy())
    return CountResult(
        method="irv",
        seats=1,
        candidates=names,
        elected=(names[top],),
        rounds=tuple(rounds),
        exhausted=Fraction(exhausted),
        ties=tuple(breaker.records),
    )


def _lowest(
    live: list[int],
    tally: IntArray,
    history: list[IntArray],
    breaker: TieBreaker,
    number: int,
) -> int:
    """The candidate to exclude: the lowest, ties by earlier round, then lot."""
    least = min(int(tally[c]) for c in live)
    tied = [c for c in live if int(tally[c]) == least]
    if len(tied) == 1:
        return tied[0]
    left = earlier_stage(tied, history[:-1], lowest=True)
    if len(left) == 1:
        breaker.record(tied, number, "exclude", "earlier-stage", left[0])
        return left[0]
    return breaker.lot(left, number, "exclude", f"equal at every round: {least}")
