"""List proportional representation as counting methods (SR-14 over a ``Profile``).

Registers ``dhondt``, ``sainte-lague``, ``sainte-lague-1.4`` and ``hare`` with
``@counting_method``. The candidates of the profile are the party lists; each
ballot's vote goes to its first preference that is not withdrawn. The seats
come from ``divisor_methods`` / ``largest_remainder``, so an election and a
congress apportionment share one exact implementation.

The stages, as count sheets publish them:

* divisor methods: one ``Round`` per seat, in award order. ``tallies`` holds
  every party's quotient (votes ÷ its next published divisor: 1, 2, 3 … for
  D'Hondt; 1, 3, 5 … or 1.4, 3, 5 … for Sainte-Laguë) before the seat is
  given; ``elected`` is the party that takes it.
* ``hare`` (largest remainder, Hare quota): round 1 has the votes and the
  full-quota seats (parties by votes, highest first); round 2 has the
  remainders and the remainder seats, largest remainder first.

``CountResult.elected`` lists one party name per seat, in that order.
"""

from __future__ import annotations

from fractions import Fraction

from sovet.counting.apportion_ties import TieBreaker
from sovet.counting.ballots import CLOSED_LIST
from sovet.counting.divisor_methods import highest_averages, published_divisor
from sovet.counting.largest_remainder import largest_remainder
from sovet.counting.registry import counting_method
from sovet.counting.types import CountResult, Profile, Round, TieBreak, TieKind
from sovet.errors import RuleViolation, says

__all__ = ["dhondt", "hare", "party_votes", "sainte_lague", "sainte_lague_14"]

_TIES: tuple[TieKind, ...] = ("seat",)


def party_votes(profile: Profile) -> dict[str, int]:
    """SR-14: votes per party: each ballot's first preference not withdrawn."""
    votes = dict.fromkeys(profile.candidates, 0)
    for ranking, weight in profile.ballots():
        for index in ranking:
            if index not in profile.withdrawn:
                votes[profile.candidates[index]] += weight
                break
    return votes


def _check_seats(seats: int) -> None:
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 0:
        raise RuleViolation(
            "SR-14",
            says("seats must be a whole number ≥ 0: {seats!r}", seats=seats),
            seats,
        )


def _divisor_count(
    method: str, profile: Profile, seats: int, tie_break: TieBreak
) -> CountResult:
    _check_seats(seats)
    votes = party_votes(profile)
    ties = TieBreaker(tie_break)
    run = highest_averages(votes, seats, method, ties, stepwise=True)
    held = dict.fromkeys(votes, 0)
    rounds: list[Round] = []
    for award in run.awards:
        tallies = {
            party: Fraction(v) / published_divisor(method, held[party])
            for party, v in votes.items()
        }
        rounds.append(Round(award.seat, tallies, elected=(award.unit,)))
        held[award.unit] += 1
    return CountResult(
        method=method,
        seats=seats,
        candidates=profile.candidates,
        elected=tuple(award.unit for award in run.awards),
        rounds=tuple(rounds),
        ties=tuple(ties.records),
    )


@counting_method(
    "dhondt",
    multi_winner=True,
    ranked=False,
    tie_kinds=_TIES,
    rule="D'Hondt highest averages, divisors 1, 2, 3, … (SR-14)",
    ballot=CLOSED_LIST,
    properties=frozenset(
        {"fills-seats-by-list", "anonymity", "neutrality", "monotonicity"}
    ),
)
def dhondt(profile: Profile, *, seats: int, tie_break: TieBreak) -> CountResult:
    """SR-14: party-list seats by D'Hondt, one round per seat."""
    return _divisor_count("dhondt", profile, seats, tie_break)


@counting_method(
    "sainte-lague",
    multi_winner=True,
    ranked=False,
    tie_kinds=_TIES,
    rule="Sainte-Laguë highest averages, divisors 1, 3, 5, … (SR-14)",
    ballot=CLOSED_LIST,
    properties=frozenset(
        {"fills-seats-by-list", "anonymity", "neutrality", "monotonicity"}
    ),
)
def sainte_lague(profile: Profile, *, seats: int, tie_break: TieBreak) -> CountResult:
    """SR-14: party-list seats by Sainte-Laguë, one round per seat."""
    return _divisor_count("sainte-lague", profile, seats, tie_break)


@counting_method(
    "sainte-lague-1.4",
    multi_winner=True,
    ranked=False,
    tie_kinds=_TIES,
    rule="modified Sainte-Laguë, divisors 1.4, 3, 5, … (Scandinavian; SR-14)",
    ballot=CLOSED_LIST,
    properties=frozenset(
        {"fills-seats-by-list", "anonymity", "neutrality", "monotonicity"}
    ),
)
def sainte_lague_14(
    profile: Profile, *, seats: int, tie_break: TieBreak
) -> CountResult:
    """SR-14: party-list seats by modified Sainte-Laguë (first divisor 1.4)."""
    return _divisor_count("sainte-lague-1.4", profile, seats, tie_break)


@counting_method(
    "hare",
    multi_winner=True,
    ranked=False,
    tie_kinds=_TIES,
    rule="largest remainder with the Hare quota votes/seats (Hare–Niemeyer; SR-14)",
    ballot=CLOSED_LIST,
    properties=frozenset({"fills-seats-by-list", "anonymity", "neutrality"}),
)
def hare(profile: Profile, *, seats: int, tie_break: TieBreak) -> CountResult:
    """SR-14: party-list seats by Hare quota and largest remainders, two rounds."""
    _check_seats(seats)
    votes = party_votes(profile)
    ties = TieBreaker(tie_break)
    run = largest_remainder(votes, seats, "hare", ties)
    by_votes = sorted(votes, key=lambda party: -votes[party])
    full = tuple(party for party in by_votes for _ in range(run.full[party]))
    rounds = (
        Round(1, {party: Fraction(v) for party, v in votes.items()}, elected=full),
        Round(
            2,
            {party: run.remainders.get(party, Fraction(0)) for party in votes},
            elected=run.remainder_order,
        ),
    )
    return CountResult(
        method="hare",
        seats=seats,
        candidates=profile.candidates,
        elected=full + run.remainder_order,
        rounds=rounds,
        quota=run.quota,
        ties=tuple(ties.records),
    )
