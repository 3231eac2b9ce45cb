"""Plurality (first-past-the-post; block of ``seats`` for multi-seat).

Rule: each ballot counts once, for its first preference among candidates
standing (a withdrawn first preference passes to the next one); the ``seats``
candidates with the highest tallies are elected, highest first. A tie for the
last seat is broken by the declared priority order if one is given, else by
lot with ``tie_break.seed``, and reported.
"""

from __future__ import annotations

from fractions import Fraction

from sovet.counting._ranked import (
    TieBreaker,
    as_fractions,
    check_seats,
    continuing_mask,
    first_marks,
    top_by_tally,
)
from sovet.counting.registry import counting_method
from sovet.counting.types import CountResult, Profile, Round, TieBreak

__all__ = ["plurality"]


@counting_method(
    "plurality",
    multi_winner=True,
    ranked=False,
    tie_kinds=("seat",),
    rule="Plurality: the `seats` highest first-preference tallies; ties by the "
    "declared order, else by seeded lot",
)
def plurality(profile: Profile, *, seats: int, tie_break: TieBreak) -> CountResult:
    """SR-7: plurality — the ``seats`` highest first-preference tallies win."""
    check_seats(profile, seats, "plurality", multi=True)
    cont = continuing_mask(profile)
    tally = first_marks(profile, cont)
    breaker = TieBreaker(tie_break, profile.candidates, use_order=True)
    winners = top_by_tally(tally, cont, seats, breaker, 1)
    names = profile.candidates
    elected = tuple(names[c] for c in winners)
    counted = int(tally.sum())
    exhausted = Fraction(profile.total - counted)
    stage = Round(1, as_fractions(names, tally, cont), elected, (), None, exhausted)
    return CountResult(
        method="plurality",
        seats=seats,
        candidates=names,
        elected=elected,
        rounds=(stage,),
        exhausted=exhausted,
        ties=tuple(breaker.records),
    )
