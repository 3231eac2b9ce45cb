"""SR-4/SR-5 off the chain (issue 10, finding 9): the franchise as a verdict.

A v2 log carries no birth date, category, ground of exclusion or name of a
member who holds no office. The service keeps those in an erasable table and
records on the chain only what the rules decided from them: the person's
**verdict** — the spans in which they hold the franchise and, where they do
not, the rule that denies it (``SR-4`` or ``SR-5``, never the ground) — with a
salted commitment (HMAC-SHA256 under the member's secret, ``services.personal``)
to the record it was judged from. ``franchise_spans`` is the judgement: the
same ``eligibility`` as a v1 log, evaluated at every day the answer can change.

``enrol_elector`` enters a person on a register with their verdict;
``record_verdict`` replaces it (an exclusion recorded, a voting age lowered, a
constitution adopted); ``publish_name`` puts the name of a candidate or an
office holder on the chain. The fold never needs the erased data.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Annotated

from sovet.domain.franchise.eligibility import (
    FranchiseParams,
    FranchiseSpan,
    Person,
    eligibility,
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
from sovet.errors import NotFound, RuleViolation

if TYPE_CHECKING:
    from sovet.domain.kernel.state import FederationState

__all__ = [
    "ElectorEnrolled",
    "EnrolElector",
    "NamePublished",
    "PublishName",
    "RecordVerdict",
    "VerdictRecorded",
    "VerdictSpan",
    "coming_of_age",
    "franchise_spans",
    "spans_of",
    "verdict_of",
]

_RULES = frozenset({"SR-4", "SR-5"})


@dataclass(frozen=True, slots=True)
class VerdictSpan:
    """SR-4/SR-5: one span of a verdict as commands and events carry it."""

    since: Annotated[
        str | None, "the ISO date the span starts (empty: from the start)"
    ] = None
    until: Annotated[str | None, "the ISO date it ends (empty: no end)"] = None
    rules: Annotated[
        tuple[str, ...],
        "the rules that deny the franchise in the span (SR-4, SR-5); empty: "
        "the person holds it",
    ] = ()

    def span(self) -> FranchiseSpan:
        """The domain's span (``RuleViolation`` on a bad date or rule)."""
        bad = [r for r in self.rules if r not in _RULES]
        if bad:
            raise RuleViolation("SR-4", f"a verdict cites {bad[0]!r}", bad[0])
        return FranchiseSpan(_day(self.since), _day(self.until), self.rules)


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RuleViolation("SR-4", f"{value!r} is not an ISO date", value) from None


def spans_of(verdict: tuple[VerdictSpan, ...]) -> tuple[FranchiseSpan, ...]:
    """SR-4: the domain spans of ``verdict``, refused unless they cover all time
    in order with no gap (``RuleViolation``)."""
    spans = tuple(v.span() for v in verdict)
    edges = [(s.since, s.until) for s in spans]
    if not spans or edges[0][0] is not None or edges[-1][1] is not None:
        raise RuleViolation("SR-4", "a verdict must cover all time", len(spans))
    for (_, until), (since, _) in itertools.pairwise(edges):
        if until is None or until != since:
            raise RuleViolation("SR-4", "a verdict's spans must meet", until)
    return spans


def verdict_of(spans: tuple[FranchiseSpan, ...]) -> tuple[VerdictSpan, ...]:
    """The carried form of domain spans."""
    return tuple(
        VerdictSpan(
            s.since.isoformat() if s.since else None,
            s.until.isoformat() if s.until else None,
            s.rules,
        )
        for s in spans
    )


def coming_of_age(birth: date, years: int) -> date:
    """SR-4: the first day of ``years`` completed years (29 Feb → 1 Mar)."""
    year = birth.year + years
    try:
        return birth.replace(year=year)
    except ValueError:
        return date(year, 3, 1)


def franchise_spans(
    person: Person, params: FranchiseParams, min_age: int, floor: date
) -> tuple[FranchiseSpan, ...]:
    """SR-4/SR-5: ``person``'s franchise as spans, judged from ``floor`` (the
    day of registration) on; a day before ``floor`` gets ``floor``'s verdict,
    so a member of age when registered publishes no birthday."""
    if person.birth_date is None:
        raise RuleViolation("SR-4", f"{person.id!r} has no birth date", person.id)
    excluded = frozenset(params.excluded_categories)
    cuts = {coming_of_age(person.birth_date, min_age)}
    for mark in person.marks:
        if mark.category in excluded:
            cuts |= {d for d in (mark.since, mark.until) if d is not None}
    days = sorted(d for d in cuts if d > floor)
    spans: list[FranchiseSpan] = []
    for since, until in zip([None, *days], [*days, None], strict=True):
        found = eligibility(person, params, since or floor, min_age=min_age)
        rules = tuple(sorted({r.rule for r in found.reasons}))
        if spans and spans[-1].rules == rules:
            spans[-1] = replace(spans[-1], until=until)
        else:
            spans.append(FranchiseSpan(since, until, rules))
    return tuple(spans)


@command(
    resource="members",
    issuers=Issuers(SECRETARY, field="constituency", reach="constituency"),
)
class EnrolElector(Command):
    """SR-4/SR-5: enter a person on a register with the service's verdict (v2:
    the facts stay in the erasable table; ``register_elector`` is converted)."""

    person: Annotated[str, "the id of a registered person"]
    constituency: Annotated[str, "the id of the constituency whose register"]
    commitment: Annotated[
        str, "the HMAC-SHA256 (hex) of the personal record under the member's secret"
    ]
    verdict: Annotated[
        tuple[VerdictSpan, ...], "SR-4/SR-5: the spans of the franchise, in order"
    ]
    min_age: Annotated[int, "SR-4: the voting age the verdict was judged at"]


@event()
class ElectorEnrolled(DomainEvent):
    """SR-4/SR-5: a person on a register from ``at``, with their verdict."""

    person: str
    constituency: str
    commitment: str
    verdict: tuple[VerdictSpan, ...]
    min_age: int

    @property
    def stream_id(self) -> str:
        """The person's stream."""
        return f"person:{self.person}"

    def describe(self) -> str:
        """One line."""
        return f"{self.person} on the register of {self.constituency}"


@decides(EnrolElector)
def _enrol(state: FederationState, cmd: EnrolElector) -> list[DomainEvent]:
    state.person(cmd.person)
    if cmd.person in state.electors:
        raise RuleViolation("SR-4", f"{cmd.person!r} is already registered", cmd.person)
    if cmd.constituency not in state.constituencies:
        raise NotFound(
            "SR-4", f"unknown constituency {cmd.constituency!r}", cmd.constituency
        )
    spans_of(cmd.verdict)
    return [
        ElectorEnrolled(
            at=cmd.at,
            person=cmd.person,
            constituency=cmd.constituency,
            commitment=cmd.commitment,
            verdict=cmd.verdict,
            min_age=cmd.min_age,
        )
    ]


@evolves(ElectorEnrolled)
def _enrolled(state: FederationState, evt: ElectorEnrolled, _ref: EventRef) -> None:
    state.electors[evt.person] = Person(
        evt.person, None, constituency=evt.constituency, verdict=spans_of(evt.verdict)
    )


@command(resource="members", issuers=Issuers(ADMINISTRATOR))
class RecordVerdict(Command):
    """SR-4/SR-5: replace an enrolled person's verdict (an exclusion recorded,
    a voting age lowered); ``record_exclusion`` is converted to this."""

    person: Annotated[str, "the id of a person on a register of electors"]
    commitment: Annotated[str, "the HMAC-SHA256 (hex) of the personal record now"]
    verdict: Annotated[
        tuple[VerdictSpan, ...], "SR-4/SR-5: the spans of the franchise, in order"
    ]
    min_age: Annotated[int, "SR-4: the voting age the verdict was judged at"]
    cause: Annotated[str, "why it changed: exclusion, voting_age or constitution"] = (
        "exclusion"
    )


@event()
class VerdictRecorded(DomainEvent):
    """SR-4/SR-5: a person's franchise verdict from now on (no ground)."""

    person: str
    commitment: str
    verdict: tuple[VerdictSpan, ...]
    min_age: int
    cause: str = "exclusion"

    @property
    def stream_id(self) -> str:
        """The person's stream."""
        return f"person:{self.person}"

    def describe(self) -> str:
        """One line."""
        return f"{self.person}: franchise verdict recorded ({self.cause})"


@decides(RecordVerdict)
def _record(state: FederationState, cmd: RecordVerdict) -> list[DomainEvent]:
    person = state.electors.get(cmd.person)
    if person is None or person.verdict is None:
        raise NotFound("SR-5", f"{cmd.person!r} is not enrolled", cmd.person)
    spans_of(cmd.verdict)
    return [
        VerdictRecorded(
            at=cmd.at,
            person=cmd.person,
            commitment=cmd.commitment,
            verdict=cmd.verdict,
            min_age=cmd.min_age,
            cause=cmd.cause,
        )
    ]


@evolves(VerdictRecorded)
def _recorded(state: FederationState, evt: VerdictRecorded, _ref: EventRef) -> None:
    person = state.electors[evt.person]
    state.electors[evt.person] = replace(person, verdict=spans_of(evt.verdict))


@command(resource="members", issuers=Issuers(ADMINISTRATOR))
class PublishName(Command):
    """Put the name of a candidate or an office holder on the chain (v2: names
    of members who hold no office stay in the erasable table)."""

    person: Annotated[str, "the id of a registered person"]
    name: Annotated[str, "the person's display name"]


@event()
class NamePublished(DomainEvent):
    """A person's display name, public from ``at``."""

    person: str
    name: str

    @property
    def stream_id(self) -> str:
        """The person's stream."""
        return f"person:{self.person}"

    def describe(self) -> str:
        """One line."""
        return f"{self.person} is {self.name}"


@decides(PublishName)
def _publish(state: FederationState, cmd: PublishName) -> list[DomainEvent]:
    state.person(cmd.person)
    if not cmd.name.strip():
        raise RuleViolation("SR-4", "the name is empty", cmd.name)
    return [NamePublished(at=cmd.at, person=cmd.person, name=cmd.name)]


@evolves(NamePublished)
def _published(state: FederationState, evt: NamePublished, _ref: EventRef) -> None:
    state.persons[evt.person].name = evt.name
