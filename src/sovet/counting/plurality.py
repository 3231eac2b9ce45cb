"""Plurality (first-past-the-post; the ``seats`` highest for several) and block vote.

Plurality's rule: each ballot counts once, for its first preference among
candidates standing (a withdrawn first preference passes to the next one); the
``seats`` candidates with the highest tallies are elected, highest first. Its
ballot is one mark (``MARK_ONE``): with several seats a voter still has one
vote (the single non-transferable vote), so a form never offers more.

Block vote's rule: a ballot marks 1 … ``seats`` candidates and each mark is one
vote (``MARK_UP_TO_SEATS``); read from a ranked ballot file, a ballot's first
``seats`` preferences among candidates standing are its marks. The ``seats``
highest tallies are elected, highest first.

For both, a tie for the last seat is broken by the declared priority order if
one is given, else by lot with ``tie_break.seed``, and reported.
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
from sovet.counting.approval import count_marks
from sovet.counting.ballots import MARK_ONE, MARK_UP_TO_SEATS
from sovet.counting.registry import counting_method
from sovet.counting.types import CountResult, Profile, Round, TieBreak

__all__ = ["block_vote", "plurality"]


@counting_method(
    "plurality",
    multi_winner=True,
    ranked=False,
    tie_kinds=("seat",),
    rule="Plurality: the `seats` highest first-preference tallies; ties by the "
    "declared order, else by seeded lot",
    ballot=MARK_ONE,
    properties=frozenset(
        {"fills-seats", "anonymity", "neutrality", "monotonicity", "vote-conservation"}
    ),
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


@counting_method(
    "block-vote",
    multi_winner=True,
    ranked=False,
    tie_kinds=("seat",),
    rule="Block vote: each ballot marks 1 to `seats` candidates, one vote each; "
    "the `seats` highest tallies; ties by the declared order, else by seeded lot",
    ballot=MARK_UP_TO_SEATS,
    properties=frozenset({"fills-seats", "anonymity", "neutrality", "monotonicity"}),
)
def block_vote(profile: Profile, *, seats: int, tie_break: TieBreak) -> CountResult:
    """SR-7: block vote — every mark (at most ``seats`` a ballot) is one vote."""
    check_seats(profile, seats, "block-vote", multi=True)
    return count_marks(
        profile, seats=seats, tie_break=tie_break, method="block-vote", per_ballot=seats
    )
