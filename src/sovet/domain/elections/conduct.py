"""SR-7/SR-8: elections of deputies, their count, verification and annulment.

An election fills ``seats`` of a constituency by the counting method the
constitution or the call names (looked up in ``sovet.counting.registry``; an
unknown name is refused with ``UnknownCountingMethod``, SR-7). Candidates must
hold the franchise (passive = active, SR-4/SR-5); ballots come only from the
roll, once each. The count is kept whole in the result, so every stage can be
shown. The council's credentials commission then reports on each elected
deputy; the council decides contested seats; an unconfirmed seat gets a new
election (SR-8); the next higher body may annul a wholly irregular election.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Annotated

from sovet.counting.ballots import MarkedBallot, check_ballot
from sovet.counting.methods import get_method
from sovet.counting.types import CountResult, Profile, TieBreak
from sovet.domain.bodies.ladder import (
    CITY_DIRECT_LEVELS_1918,
    LEVELS_1918,
    higher_level,
)
from sovet.domain.franchise.eligibility import (
    FranchiseParams,
    Person,
    Roll,
    require_eligible,
)
from sovet.errors import NotEligible, RuleViolation, joined, says

__all__ = [
    "Ballot",
    "Conduct",
    "CredentialsReport",
    "ElectionResult",
    "Stage",
    "Verification",
    "check_annulment",
    "check_candidates",
    "check_conduct",
    "count_election",
    "count_profile",
    "stages_of",
    "tally_profile",
    "verify_election",
]


@dataclass(frozen=True, slots=True)
class Conduct:
    """SR-7: who set the polling day, the election commission, the minutes."""

    day_set_by: Annotated[
        str,
        "SR-7: the id of the council that set the polling day (the constituency's "
        "council)",
    ]
    commission: Annotated[
        tuple[str, ...],
        "SR-7: the members of the election commission (ids or names)",
    ]
    council_representative: Annotated[
        str | None,
        "SR-7: the council's representative at the poll (id or name)",
    ]
    minutes_signed_by: Annotated[
        tuple[str, ...],
        "SR-7: who signed the minutes; they are given with the count, so empty when "
        "the election is called",
    ] = ()


def check_conduct(
    conduct: Conduct,
    *,
    council: str,
    commission_required: bool = True,
    minutes: bool = True,
) -> None:
    """SR-7: the day is set by the local council; a commission and a council
    representative attend; both sign the minutes (checked when ``minutes``)."""
    if conduct.day_set_by != council:
        raise RuleViolation(
            "SR-7",
            says(
                "the polling day is set by the council {council!r}, not by "
                "{day_set_by!r}",
                council=council,
                day_set_by=conduct.day_set_by,
            ),
            conduct.day_set_by,
        )
    if not commission_required:
        return
    if not conduct.commission:
        raise RuleViolation("SR-7", says("the election has no election commission"), ())
    if not conduct.council_representative:
        raise RuleViolation(
            "SR-7", says("no representative of the council attended"), None
        )
    signed = set(conduct.minutes_signed_by)
    unsigned = conduct.council_representative not in signed or not (
        signed & set(conduct.commission)
    )
    if minutes and unsigned:
        raise RuleViolation(
            "SR-7",
            says(
                "the minutes must be signed by the commission and the "
                "council's representative"
            ),
            tuple(conduct.minutes_signed_by),
        )


def check_candidates(
    candidates: Sequence[Person],
    params: FranchiseParams,
    polling_day: date,
    *,
    barred: Collection[str] = (),
) -> None:
    """SR-4/SR-5 (passive = active franchise), SR-10 (``recalled_may_stand``):
    every candidate must hold the franchise and not be barred; names are unique."""
    seen: set[str] = set()
    for person in candidates:
        if person.id in seen:
            raise RuleViolation(
                "SR-7", says("candidate {id!r} listed twice", id=person.id), person.id
            )
        seen.add(person.id)
        if person.id in barred:
            raise NotEligible(
                "SR-10",
                says(
                    "candidate {id!r} was recalled from this seat and recalled "
                    "deputies may not stand",
                    id=person.id,
                ),
                person.id,
            )
        require_eligible(person, params, polling_day, role="candidate")


@dataclass(frozen=True, slots=True)
class Ballot:
    """A voter's ballot: candidate names in order (empty = blank ballot)."""

    voter: Annotated[
        str,
        "the id of the elector who cast it, on the roll of the polling day",
    ]
    ranking: Annotated[
        tuple[str, ...],
        "candidate ids in order of preference (one for plurality; empty = a blank "
        "ballot)",
    ]


@dataclass(frozen=True, slots=True)
class ElectionResult:
    """SR-7: the outcome of an election with the whole count that made it."""

    constituency: str
    method: str
    seats: int
    elected: tuple[str, ...]
    count: CountResult
    ballots_cast: int
    registered: int


def _profile(
    candidates: Sequence[str],
    ballots: Iterable[Ballot],
    roll: Roll,
    *,
    method: str,
    seats: int,
) -> tuple[Profile, int]:
    """The profile of the roll's ballots, each checked against the method's
    ballot as a secret poll's is (``check_ballot``); a blank named ballot counts
    in the turnout and names nobody."""
    shape = get_method(method).ballot
    index = {name: i for i, name in enumerate(candidates)}
    voted: set[str] = set()
    rankings: list[tuple[list[int], int]] = []
    voters = roll.voters
    for ballot in ballots:
        if ballot.voter not in voters:
            entry = roll.entry(ballot.voter)
            why = (
                joined("; ", (r.said() for r in entry.reasons))
                if entry
                else says(
                    "not on the roll of {constituency!r}",
                    constituency=roll.constituency,
                )
            )
            rule = (
                "SR-5"
                if entry and any(r.rule == "SR-5" for r in entry.reasons)
                else "SR-4"
            )
            raise NotEligible(
                rule,
                says("ballot of {voter!r} refused: {why}", voter=ballot.voter, why=why),
                ballot.voter,
            )
        if ballot.voter in voted:
            raise RuleViolation(
                "SR-7", says("{voter!r} voted twice", voter=ballot.voter), ballot.voter
            )
        voted.add(ballot.voter)
        if ballot.ranking:
            marked = MarkedBallot(shape.kind, tuple(ballot.ranking))
            check_ballot(method, shape, marked, candidates, seats)
        rankings.append(([index[c] for c in ballot.ranking], 1))
    return Profile.from_ballots(candidates, rankings), len(voted)


def tally_profile(candidates: Sequence[str], tallies: Mapping[str, int]) -> Profile:
    """SR-7: a profile from first-preference tallies (results the sources give)."""
    index = {name: i for i, name in enumerate(candidates)}
    unknown = sorted(set(tallies) - set(index))
    if unknown:
        raise RuleViolation(
            "SR-7",
            says("tallies for non-candidates {unknown}", unknown=unknown),
            unknown,
        )
    if any(n < 0 for n in tallies.values()):
        raise RuleViolation(
            "SR-7",
            says("negative tallies {tallies}", tallies=dict(tallies)),
            dict(tallies),
        )
    return Profile.from_ballots(
        candidates, (([index[c]], n) for c, n in tallies.items())
    )


def count_profile(
    method: str, profile: Profile, *, seats: int, tie_break: TieBreak | None = None
) -> CountResult:
    """SR-7: count ``profile`` by the registered method ``method``."""
    info = get_method(method)
    if seats < 1:
        raise RuleViolation(
            "SR-7", says("an election for {seats} seats", seats=seats), seats
        )
    if seats > 1 and not info.multi_winner:
        raise RuleViolation(
            "SR-7",
            says(
                "method {method!r} elects one, not {seats} seats",
                method=method,
                seats=seats,
            ),
            method,
        )
    if seats > len(profile.candidates):
        raise RuleViolation(
            "SR-7",
            says(
                "{seats} seats for {count} candidates",
                seats=seats,
                count=len(profile.candidates),
            ),
            seats,
        )
    return info.func(profile, seats=seats, tie_break=tie_break or TieBreak())


def count_election(
    constituency: str,
    *,
    seats: int,
    method: str,
    candidates: Sequence[str],
    roll: Roll,
    ballots: Iterable[Ballot],
    tie_break: TieBreak | None = None,
) -> ElectionResult:
    """SR-7: count the ballots of the roll's voters by the method named ``method``."""
    get_method(method)
    if roll.constituency != constituency:
        raise RuleViolation(
            "SR-7",
            says(
                "the roll of {roll!r} is not the roll of {constituency!r}",
                roll=roll.constituency,
                constituency=constituency,
            ),
            roll.constituency,
        )
    profile, cast = _profile(candidates, ballots, roll, method=method, seats=seats)
    result = count_profile(method, profile, seats=seats, tie_break=tie_break)
    return ElectionResult(
        constituency, method, seats, tuple(result.elected), result, cast, roll.size
    )


@dataclass(frozen=True, slots=True)
class Stage:
    """SR-7: one published stage of a count (its tallies travel beside it)."""

    number: int
    elected: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    exhausted: Fraction = Fraction(0)


def stages_of(result: CountResult) -> tuple[Stage, ...]:
    """SR-7: who was elected and excluded at each stage of ``result``."""
    return tuple(
        Stage(r.number, tuple(r.elected), tuple(r.excluded), r.exhausted)
        for r in result.rounds
    )


@dataclass(frozen=True, slots=True)
class CredentialsReport:
    """SR-8: the credentials commission's report: seats it confirms or contests."""

    confirmed: frozenset[str]
    contested: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Verification:
    """SR-8: deputies seated, and seats left for a new election."""

    seated: tuple[str, ...]
    unconfirmed: tuple[str, ...]

    @property
    def new_election_seats(self) -> int:
        """Seats that go to a new election (one per unconfirmed deputy)."""
        return len(self.unconfirmed)


def verify_election(
    elected: Sequence[str],
    report: CredentialsReport,
    decisions: Mapping[str, bool],
) -> Verification:
    """SR-8: the council rules on every contested seat; unconfirmed seats are
    elected anew. The report must cover each elected deputy exactly once."""
    both = report.confirmed & report.contested
    if both:
        raise RuleViolation(
            "SR-8",
            says("seats both confirmed and contested: {both}", both=sorted(both)),
            sorted(both),
        )
    covered = report.confirmed | report.contested
    if covered != set(elected):
        missing = sorted(set(elected) - covered)
        extra = sorted(covered - set(elected))
        raise RuleViolation(
            "SR-8",
            says(
                "the report must cover the elected deputies (missing "
                "{missing}, not elected {extra})",
                missing=missing,
                extra=extra,
            ),
            (tuple(missing), tuple(extra)),
        )
    undecided = sorted(report.contested - set(decisions))
    if undecided:
        raise RuleViolation(
            "SR-8",
            says(
                "the council has not decided contested seats {undecided}",
                undecided=undecided,
            ),
            undecided,
        )
    stray = sorted(set(decisions) - report.contested)
    if stray:
        raise RuleViolation(
            "SR-8",
            says("decisions on seats nobody contested: {stray}", stray=stray),
            stray,
        )
    seated = tuple(d for d in elected if d in report.confirmed or decisions.get(d))
    unconfirmed = tuple(d for d in elected if d not in seated)
    return Verification(seated, unconfirmed)


def check_annulment(
    annulling_level: str,
    council_level: str,
    *,
    annulling_is_final_instance: bool = False,
    levels: Sequence[str] = LEVELS_1918,
    city_direct_levels: Sequence[str] = CITY_DIRECT_LEVELS_1918,
) -> None:
    """SR-8: only the next higher body (``annul_by``) or the final instance (the
    national executive committee) may annul a council's election. A city
    council's next higher body is the first of ``city_direct_levels``."""
    if annulling_is_final_instance:
        return
    if council_level == "city":
        above: str | None = city_direct_levels[0]
    else:
        above = higher_level(council_level, levels)
    if annulling_level != above:
        raise RuleViolation(
            "SR-8",
            says(
                "an election of a {council_level} council is annulled by the "
                "{above} body, not by a {annulling_level} body",
                council_level=council_level,
                above=above or says("final instance"),
                annulling_level=annulling_level,
            ),
            annulling_level,
        )
