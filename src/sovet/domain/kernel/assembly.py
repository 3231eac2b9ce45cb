"""The records of a body in session and the quorum of its votes (SR-16…SR-19).

An ``Assembly`` is any body sitting to decide — a congress session or an
executive committee — with its delegates (``DelegateRecord``) and the named
seats fallen vacant until refilled (``Vacancy``); its motions
(``MotionRecord``) and binding decisions (``DecisionRecord``) are recorded
here too, so that any room may read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from sovet.domain.kernel.messages import EventRef
from sovet.errors import QuorumNotMet, RuleViolation, says

if TYPE_CHECKING:
    from sovet.domain.kernel.state import FederationState

__all__ = [
    "Assembly",
    "AssemblyKind",
    "DecisionRecord",
    "DelegateRecord",
    "MotionRecord",
    "MotionStatus",
    "Vacancy",
    "leave_committee",
    "open_assembly",
    "require_quorum",
    "vacate_seat",
]


AssemblyKind = Literal["congress", "executive_committee", "sitting"]
"""A congress session, an executive committee, or a sitting of any body."""

MotionStatus = Literal["open", "adopted", "rejected"]
"""A motion before an assembly, then carried or lost."""


@dataclass(slots=True)
class DelegateRecord:
    """SR-17: a delegate credentialed by name (``kind`` decisive or consultative).

    ``ref`` is the event that gave the seat; ``basis`` the seats below it came
    from (``elections.seats`` keys, bottom first), which it lasts no longer
    than when one of them is lost early (SR-11).
    """

    person: str
    faction: str
    kind: str
    sender: str | None
    present: bool = True
    instructions: dict[str, str] = field(default_factory=dict)  # SR-11: motion → choice
    ref: EventRef | None = None
    basis: tuple[str, ...] = ()


@dataclass(slots=True)
class Vacancy:
    """SR-11/SR-20: a named seat of an assembly fallen vacant, until refilled.

    ``rule`` and ``cause`` say why (the loss that caused it), ``ref`` the event
    that recorded it; ``filled``/``filled_by`` the event and person that took
    the seat again.
    """

    person: str
    faction: str
    kind: str
    sender: str | None
    rule: str
    cause: str
    ref: EventRef
    filled_by: str | None = None
    filled: EventRef | None = None


@dataclass(slots=True)
class Assembly:
    """SR-16…SR-19: a voting body in session — a congress or an executive committee.

    ``seated``/``consultative`` count credentialed delegates per faction (named
    ones included); ``absent`` counts decisive delegates who walked out (they
    stay seated, SR-19).
    """

    id: str
    body: str
    kind: AssemblyKind
    name: str
    opened_at: str
    made_by: EventRef
    number: int = 0
    apportioned: int = 0
    congress: str | None = None  # for an executive committee: who elected it
    size: int = 0
    chair: str | None = None
    credentials_committee: EventRef | None = None
    seated: dict[str, int] = field(default_factory=dict)
    consultative: dict[str, int] = field(default_factory=dict)
    absent: dict[str, int] = field(default_factory=dict)
    delegates: dict[str, DelegateRecord] = field(default_factory=dict)
    credentials: list[EventRef] = field(default_factory=list)
    closed_at: str | None = None
    executive: str | None = None  # the executive committee this congress elected
    sent: dict[str, int] = field(default_factory=dict)  # SR-12: decisive per sender
    vacancies: list[Vacancy] = field(default_factory=list)
    aggregate: bool = False  # some seats recorded as counts without names

    def open_vacancies(self) -> list[Vacancy]:
        """SR-11/SR-20: the vacant named seats not yet refilled, oldest first."""
        return [v for v in self.vacancies if v.filled is None]

    def seated_total(self) -> int:
        """Credentialed decisive delegates."""
        return sum(self.seated.values())

    def present(self, faction: str) -> int:
        """Decisive delegates of ``faction`` present (seated minus walked out)."""
        return self.seated.get(faction, 0) - self.absent.get(faction, 0)

    def present_total(self) -> int:
        """All decisive delegates present."""
        return self.seated_total() - sum(self.absent.values())


@dataclass(slots=True)
class MotionRecord:
    """SR-19: a motion put to an assembly; ``kind`` selects its effect when carried."""

    id: str
    assembly: str
    kind: str
    text: str
    subject: str | None
    majority: str
    basis: str
    proposed: EventRef
    office: str | None = None
    person: str | None = None
    status: MotionStatus = "open"
    votes: dict[str, str] = field(default_factory=dict)  # person → yes|no|abstain
    yes: int = 0
    no: int = 0
    abstain: int = 0
    unrecorded: bool = False
    supported_by: tuple[str, ...] = ()
    supporters_seats: int = 0  # seats of ``supported_by`` present at the vote
    closed: EventRef | None = None
    seated_at_vote: int = 0
    composition: dict[str, int] = field(default_factory=dict)
    """SR-18: the decisive seats per faction it was checked against when carried
    (for a committee's motion, its electing congress's)."""


@dataclass(slots=True)
class DecisionRecord:
    """SR-31/SR-32: a binding decision with the written dissent recorded with it."""

    motion: str
    body: str
    text: str
    ref: EventRef
    dissent: dict[str, str] = field(default_factory=dict)


def require_quorum(state: FederationState, assembly: Assembly) -> None:
    """SR-16: refuse votes unless ``quorum_share`` of the basis is present."""
    params = state.constitution.congress
    if assembly.kind in ("executive_committee", "sitting"):
        basis = assembly.size  # a committee or a body's sitting: its members
    elif params.quorum_basis == "apportioned":
        basis = assembly.apportioned
        if basis == 0:
            raise QuorumNotMet(
                "SR-16",
                says(
                    "{name} has no apportioned decisive votes on record; "
                    "quorum_basis 'apportioned' cannot be checked",
                    name=assembly.name,
                ),
                0,
            )
    else:
        basis = assembly.seated_total()
    present = assembly.present_total()
    need = params.quorum_share * basis
    ok = present > need if params.quorum_strict else present >= need and present > 0
    if not ok:
        relation = says("more than") if params.quorum_strict else says("at least")
        raise QuorumNotMet(
            "SR-16",
            says(
                "{name} is inquorate: {present} present, {relation} "
                "{quorum_share} of {basis} needed",
                name=assembly.name,
                present=present,
                relation=relation,
                quorum_share=params.quorum_share,
                basis=basis,
            ),
            present,
        )


def vacate_seat(
    assembly: Assembly, person: str, *, rule: str, cause: str, ref: EventRef
) -> DelegateRecord | None:
    """SR-11/SR-20: ``person``'s named seat in ``assembly`` falls vacant: the
    counts per faction lose it, and the vacancy is kept until refilled."""
    place = assembly.delegates.pop(person, None)
    if place is None:
        return None
    table = assembly.seated if place.kind == "decisive" else assembly.consultative
    _minus(table, place.faction)
    if not place.present:
        _minus(assembly.absent, place.faction)
    assembly.vacancies.append(
        Vacancy(person, place.faction, place.kind, place.sender, rule, cause, ref)
    )
    return place


def _minus(table: dict[str, int], faction: str) -> None:
    left = table.get(faction, 0) - 1
    if left > 0:
        table[faction] = left
    else:
        table.pop(faction, None)


def leave_committee(
    committee: Assembly, person: str, *, rule: str, cause: str, ref: EventRef
) -> None:
    """SR-20: ``person``'s named place on ``committee`` falls vacant (resignation
    or recall); the committee keeps its size, one seat fewer filled, until the
    electing congress or the committee fills the place (``Vacancy``)."""
    vacate_seat(committee, person, rule=rule, cause=cause, ref=ref)


def open_assembly(state: FederationState, assembly_id: str) -> Assembly:
    """SR-19/SR-27: the assembly, if it is in session (a superseded one never acts)."""
    assembly = state.assembly(assembly_id)
    if assembly.closed_at is None:
        return assembly
    superseded = any(
        other.body == assembly.body
        and other.kind == assembly.kind
        and other.made_by.seq > assembly.made_by.seq
        for other in state.assemblies.values()
    )
    if superseded:
        raise RuleViolation(
            "SR-27",
            says(
                "{name} has been superseded: power passes only through the "
                "current congress or its executive committee",
                name=assembly.name,
            ),
            assembly_id,
        )
    raise RuleViolation(
        "SR-19", says("{name} is not in session", name=assembly.name), assembly_id
    )
