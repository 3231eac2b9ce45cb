"""Approval voting (single or block of ``seats``).

Rule: each row of the profile is the set of candidates a voter approves (order
is ignored); each approved standing candidate gets the ballot's weight; the
``seats`` highest approval tallies are elected, highest first. A tie for the
last seat is broken by the declared priority order if given, else by lot with
``tie_break.seed``, and reported.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from sovet.counting._ranked import (
    TieBreaker,
    as_fractions,
    check_seats,
    continuing_mask,
    int_tally,
    top_by_tally,
)
from sovet.counting.ballots import MARK_ANY
from sovet.counting.registry import counting_method
from sovet.counting.types import CountResult, Profile, Round, TieBreak

__all__ = ["approval", "count_marks"]


@counting_method(
    "approval",
    multi_winner=True,
    ranked=False,
    tie_kinds=("seat",),
    rule="Approval: the `seats` highest approval tallies; ties by the declared "
    "order, else by seeded lot",
    ballot=MARK_ANY,
    properties=frozenset({"fills-seats", "anonymity", "neutrality", "monotonicity"}),
)
def approval(profile: Profile, *, seats: int, tie_break: TieBreak) -> CountResult:
    """SR-7: approval — the ``seats`` most approved candidates win."""
    check_seats(profile, seats, "approval", multi=True)
    return count_marks(profile, seats=seats, tie_break=tie_break, method="approval")


def count_marks(
    profile: Profile,
    *,
    seats: int,
    tie_break: TieBreak,
    method: str,
    per_ballot: int | None = None,
) -> CountResult:
    """Each standing mark is one vote (the first ``per_ballot`` of a ballot, when
    given); the ``seats`` highest tallies win. Approval and block vote."""
    cont = continuing_mask(profile)
    n = len(profile.candidates)
    marks = profile.rankings.astype(np.int64)
    weights = np.broadcast_to(profile.weights.astype(np.int64)[:, None], marks.shape)
    keep = np.append(cont, False)[marks]  # padding (-1) is not standing
    if per_ballot is not None:
        keep &= np.cumsum(keep, axis=1) <= per_ballot
    tally = int_tally(marks[keep], weights[keep], n)
    breaker = TieBreaker(tie_break, profile.candidates, use_order=True)
    winners = top_by_tally(tally, cont, seats, breaker, 1)
    names = profile.candidates
    elected = tuple(names[c] for c in winners)
    blank = Fraction(int(profile.weights[~keep.any(axis=1)].sum()))
    stage = Round(1, as_fractions(names, tally, cont), elected, (), None, blank)
    return CountResult(
        method=method,
        seats=seats,
        candidates=names,
        elected=elected,
        rounds=(stage,),
        exhausted=blank,
        ties=tuple(breaker.records),
    )
