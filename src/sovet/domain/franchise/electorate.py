"""SR-4/SR-5 as commands: the register of electors and the roll of a constituency.

``register_elector`` records a person's birth date, categories, constituency and
any exclusions (SR-5, each with its span); ``record_exclusion`` adds one later.
``roll_of`` is the auditable roll of a constituency on a day: everyone in it,
with the franchise verdict and every reason (``franchise.electoral_roll``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Annotated

from sovet.domain.franchise.eligibility import (
    ExclusionMark,
    Person,
    Roll,
    effective_min_age,
    electoral_roll,
    polling_date,
)
from sovet.domain.kernel.messages import (
    ADMINISTRATOR,
    SECRETARY,
    Command,
    DomainEvent,
    EventRef,
    Issuers,
    command,
    event,
)
from sovet.domain.kernel.registry import decides, evolves
from sovet.errors import NotFound, RuleViolation, says

if TYPE_CHECKING:
    from sovet.domain.kernel.state import FederationState

__all__ = [
    "ElectorRegistered",
    "Exclusion",
    "ExclusionRecorded",
    "LowerVotingAge",
    "RecordExclusion",
    "RegisterElector",
    "VotingAgeLowered",
    "roll_of",
]


@dataclass(frozen=True, slots=True)
class Exclusion:
    """SR-5: an exclusion as commands and events carry it (ISO dates)."""

    category: Annotated[
        str,
        "SR-5: the ground, one of the constitution's excluded_categories (e.g. "
        "in_arrears, clergy)",
    ]
    since: Annotated[
        str | None,
        "the ISO 8601 date (YYYY-MM-DD) from which it applies; empty = from the start",
    ] = None
    until: Annotated[
        str | None,
        "the ISO 8601 date on which it stops applying (that day is free of it); "
        "empty = no end",
    ] = None
    note: Annotated[
        str,
        "free text for the record, e.g. the sentence or the dues owed",
    ] = ""

    def mark(self) -> ExclusionMark:
        """The ``ExclusionMark`` this stands for (``RuleViolation`` on bad dates)."""
        return ExclusionMark(
            self.category,
            _day(self.since, "since"),
            _day(self.until, "until"),
            self.note,
        )


def _day(value: str | None, key: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise RuleViolation(
            "SR-5",
            says("{key} {value!r} is not an ISO date", key=key, value=value),
            value,
        ) from None


@command(
    resource="members",
    issuers=Issuers(SECRETARY, field="constituency", reach="constituency"),
)
class RegisterElector(Command):
    """SR-4/SR-5: record a person's franchise facts and constituency."""

    person: Annotated[str, "the id of a registered person"]
    birth_date: Annotated[
        str,
        "SR-4: date of birth, ISO 8601 (YYYY-MM-DD); age is counted on each polling "
        "day",
    ]
    constituency: Annotated[
        str,
        "the id of the constituency whose register the person joins",
    ]
    categories: Annotated[
        tuple[str, ...],
        "SR-4: the eligible categories the person belongs to (from the constitution's "
        "eligible_categories, e.g. member)",
    ] = ()
    exclusions: Annotated[
        tuple[Exclusion, ...],
        "SR-5: grounds of exclusion already on record, each with its dates",
    ] = ()


@event()
class ElectorRegistered(DomainEvent):
    """SR-4/SR-5: a person's franchise facts, from ``at``."""

    person: str
    birth_date: str
    constituency: str
    categories: tuple[str, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()

    @property
    def stream_id(self) -> str:
        """The person's stream."""
        return f"person:{self.person}"

    def describe(self) -> str:
        """One line."""
        return f"{self.person} on the register of {self.constituency}"


@decides(RegisterElector)
def _register(state: FederationState, cmd: RegisterElector) -> list[DomainEvent]:
    state.person(cmd.person)
    if cmd.person in state.electors:
        raise RuleViolation(
            "SR-4",
            says("{person!r} is already registered", person=cmd.person),
            cmd.person,
        )
    if cmd.constituency not in state.constituencies:
        raise NotFound(
            "SR-4",
            says(
                "unknown constituency {constituency!r}", constituency=cmd.constituency
            ),
            cmd.constituency,
        )
    born = _day(cmd.birth_date, "birth_date")
    if born is None or born > polling_date(cmd.at):
        raise RuleViolation(
            "SR-4",
            says("birth date {birth_date!r} is invalid", birth_date=cmd.birth_date),
            born,
        )
    for exclusion in cmd.exclusions:
        exclusion.mark()
    return [
        ElectorRegistered(
            at=cmd.at,
            person=cmd.person,
            birth_date=born.isoformat(),
            constituency=cmd.constituency,
            categories=cmd.categories,
            exclusions=cmd.exclusions,
        )
    ]


_CATEGORIES: dict[tuple[str, ...], frozenset[str]] = {}
"""One frozenset per distinct list of categories (a register repeats a few:
a frozenset costs 216 bytes, a shared one nothing per elector)."""


@evolves(ElectorRegistered)
def _registered(state: FederationState, evt: ElectorRegistered, _ref: EventRef) -> None:
    categories = _CATEGORIES.get(evt.categories)
    if categories is None:
        categories = frozenset(evt.categories)
        if len(_CATEGORIES) < 4096:
            _CATEGORIES[evt.categories] = categories
    # The ids' texts of the records already held (one object per id, not one
    # per event: a million-elector state is a fifth smaller, issue 13).
    person = state.persons.get(evt.person)
    seat = state.constituencies.get(evt.constituency)
    key = evt.person if person is None else person.id
    state.electors[key] = Person(
        key,
        date.fromisoformat(evt.birth_date),
        categories,
        tuple(e.mark() for e in evt.exclusions) if evt.exclusions else (),
        evt.constituency if seat is None else seat.id,
    )


@command(resource="members", issuers=Issuers(ADMINISTRATOR))
class RecordExclusion(Command):
    """SR-5: record a ground of exclusion for a registered person."""

    person: Annotated[str, "the id of a person on a register of electors"]
    exclusion: Annotated[Exclusion, "SR-5: the ground of exclusion with its dates"]


@event()
class ExclusionRecorded(DomainEvent):
    """SR-5: a ground of exclusion recorded, with its span."""

    person: str
    exclusion: Exclusion

    @property
    def stream_id(self) -> str:
        """The person's stream."""
        return f"person:{self.person}"

    def describe(self) -> str:
        """One line."""
        return f"{self.person}: exclusion {self.exclusion.category} recorded"


@decides(RecordExclusion)
def _exclude(state: FederationState, cmd: RecordExclusion) -> list[DomainEvent]:
    if cmd.person not in state.electors:
        raise NotFound(
            "SR-5",
            says("{person!r} is not on any register", person=cmd.person),
            cmd.person,
        )
    cmd.exclusion.mark()
    return [ExclusionRecorded(at=cmd.at, person=cmd.person, exclusion=cmd.exclusion)]


@evolves(ExclusionRecorded)
def _excluded(state: FederationState, evt: ExclusionRecorded, _ref: EventRef) -> None:
    person = state.electors[evt.person]
    state.electors[evt.person] = replace(
        person, marks=(*person.marks, evt.exclusion.mark())
    )


def roll_of(state: FederationState, constituency: str, at: str) -> Roll:
    """SR-4/SR-5: the roll of ``constituency`` on the day of ``at`` (with its
    council's lowered voting age, if any)."""
    record = state.constituencies.get(constituency)
    council = state.bodies.get(record.council) if record else None
    return electoral_roll(
        state.electors_in(constituency),
        constituency,
        state.constitution.franchise,
        polling_date(at),
        min_age=council.voting_age if council else None,
    )


@command(resource="members", issuers=Issuers(SECRETARY, field="council"))
class LowerVotingAge(Command):
    """SR-4 (art 64 note 2): a local council lowers the voting age, with the
    approval of a central body (the national congress or its executive)."""

    council: Annotated[str, "the id of the local council lowering its voting age"]
    min_age: Annotated[
        int,
        "SR-4: the new voting age in years, below the constitution's min_age",
    ]
    approved_by: Annotated[
        str | None,
        "SR-4: the id of the central body approving it (the top congress or its "
        "executive committee), where approval is needed",
    ] = None


@event()
class VotingAgeLowered(DomainEvent):
    """SR-4: the council's voting age from ``at``."""

    council: str
    min_age: int
    approved_by: str | None = None

    @property
    def stream_id(self) -> str:
        """The council's stream."""
        return f"body:{self.council}"

    def describe(self) -> str:
        """One line."""
        by = f", approved by {self.approved_by}" if self.approved_by else ""
        return f"{self.council} lowers the voting age to {self.min_age}{by}"


@decides(LowerVotingAge)
def _lower(state: FederationState, cmd: LowerVotingAge) -> list[DomainEvent]:
    council = state.body(cmd.council)
    if council.kind != "council":
        raise RuleViolation(
            "SR-4",
            says("{council!r} is not a council", council=cmd.council),
            cmd.council,
        )
    central = False
    if cmd.approved_by is not None:
        approver = state.body(cmd.approved_by)
        top = state.constitution.levels[-1]
        central = approver.level == top and approver.kind in (
            "congress",
            "executive_committee",
        )
        if not central:
            raise RuleViolation(
                "SR-4",
                says(
                    "{approved_by!r} is not a central body ({top} congress or "
                    "its executive committee)",
                    approved_by=cmd.approved_by,
                    top=top,
                ),
                cmd.approved_by,
            )
    franchise = state.constitution.franchise
    if cmd.min_age >= franchise.min_age:
        raise RuleViolation(
            "SR-4",
            says(
                "{lower} does not lower the voting age of {min_age}",
                lower=cmd.min_age,
                min_age=franchise.min_age,
            ),
            cmd.min_age,
        )
    effective_min_age(
        franchise,
        cmd.min_age,
        centrally_approved=central,
        needs_approval=franchise.age_lowering_needs_approval,
    )
    return [
        VotingAgeLowered(
            at=cmd.at,
            council=cmd.council,
            min_age=cmd.min_age,
            approved_by=cmd.approved_by,
        )
    ]


@evolves(VotingAgeLowered)
def _lowered(state: FederationState, evt: VotingAgeLowered, ref: EventRef) -> None:
    council = state.bodies[evt.council]
    council.voting_age = evt.min_age
    council.refs.append(ref)
