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

__all__ = ["approval"]


@counting_method(
    "approval",
    multi_winner=True,
    ranked=False,
    tie_kinds=("seat",),
    rule="Approval: the `seats` highest approval tallies; ties by the declared "
    "order, else by seeded lot",
    ballot=MARK_ANY,
)
def approval(profile: Profile, *, seats: int, tie_break: TieBreak) -> CountResult:
    """SR-7: approval — the ``seats`` most approved candidates win."""
    check_seats(profile, seats, "approval", multi=True)
    cont = continuing_mask(profile)
    n = len(profile.candidates)
    marks = profile.rankings.astype(np.int64)
    weights = np.broadcast_to(profile.weights.astype(np.int64)[:, None], marks.shape)
    lookup = np.append(cont, False)
    keep = lookup[marks]
    tally = int_tally(marks[keep], weights[keep], n)
    breaker = TieBreaker(tie_break, profile.candidates, use_order=True)
    winners = top_by_tally(tally, cont, seats, breaker, 1)
    names = profile.candidates
    elected = tuple(names[c] for c in winners)
    blank = Fraction(int(profile.weights[~keep.any(axis=1)].sum()))
    stage = Round(1, as_fractions(names, tally, cont), elected, (), None, blank)
    return CountResult(
        method="approval",
        seats=seats,
        candidates=names,
        elected=elected,
        rounds=(stage,),
        exhausted=blank,
        ties=tuple(breaker.records),
    )
