"""SR-12…SR-14: how many decisive mandates each sending unit holds at a congress.

The rule of each congress and the count (groups, bases, caps) are in
``apportion_rules``; their names are importable from here too.

Command ``apportion_congress`` records the result for a congress body; the
credentials of its next session may seat at most that many decisive delegates
per sender (``check_mandates``, SR-12; ``mandates_of`` reads them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Annotated

from sovet.counting.types import TieBreak
from sovet.domain.bodies.ladder import check_sends_to
from sovet.domain.congress.apportion_rules import (
    BASES,
    LOWER_1918,
    CongressRule,
    DelegateApportionment,
    DelegateGroup,
    SendingUnit,
    apportion_senders,
    check_mandates,
    congress_rule,
)
from sovet.domain.kernel.messages import (
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
    "BASES",
    "LOWER_1918",
    "ApportionCongress",
    "ApportionmentRecord",
    "CongressApportioned",
    "CongressRule",
    "DelegateApportionment",
    "DelegateGroup",
    "SendingUnit",
    "apportion_senders",
    "apportioned_total",
    "check_mandates",
    "check_sender_mandates",
    "congress_rule",
    "mandates_of",
]


@dataclass(slots=True)
class ApportionmentRecord:
    """SR-12: the mandates apportioned for a congress body's next session."""

    congress: str
    snapshot: str
    allocation: dict[str, int]
    ref: EventRef


def mandates_of(state: FederationState, congress: str) -> dict[str, int] | None:
    """SR-12: the latest apportionment of ``congress`` (``None`` if none made)."""
    record = state.apportionments.get(congress)
    return dict(record.allocation) if record else None


def check_sender_mandates(
    state: FederationState, congress: str, sender: str, decisive: int
) -> None:
    """SR-12: refuse ``decisive`` mandates for ``sender`` at ``congress`` beyond its
    apportionment (no limit until ``apportion_congress`` has been recorded)."""
    allocation = mandates_of(state, congress)
    if allocation is not None:
        check_mandates(sender, decisive, allocation)


def apportioned_total(state: FederationState, congress: str) -> int | None:
    """SR-16: the decisive votes apportioned for ``congress`` (the quorum basis)."""
    allocation = mandates_of(state, congress)
    return None if allocation is None else sum(allocation.values())


@command(
    resource="congress", issuers=Issuers(SECRETARY, field="congress", reach="assembly")
)
class ApportionCongress(Command):
    """SR-12…SR-14: apportion the decisive mandates of a congress's senders."""

    congress: Annotated[
        str,
        "the id of the congress body (not a session) whose next session's mandates "
        "are apportioned",
    ]
    snapshot: Annotated[
        str,
        "SR-14: the ISO 8601 date (YYYY-MM-DD) the figures are taken at, not after "
        "the act",
    ]
    units: Annotated[
        tuple[SendingUnit, ...],
        "SR-12: the sending bodies with their figures",
    ]
    tie_order: Annotated[
        tuple[str, ...],
        "sender ids in order of priority for ties the method cannot break itself "
        "(first is favoured)",
    ] = ()
    not_held: Annotated[
        tuple[str, ...],
        "SR-12 fallback: levels whose congress was not held, so the bodies below them "
        "send directly",
    ] = ()


@event()
class CongressApportioned(DomainEvent):
    """SR-12…SR-14: mandates per sender for the congress's next session."""

    congress: str
    snapshot: str
    method: str
    allocation: dict[str, int]
    notes: tuple[str, ...] = ()

    @property
    def stream_id(self) -> str:
        """The congress body's stream."""
        return f"body:{self.congress}"

    def describe(self) -> str:
        """One line."""
        total = sum(self.allocation.values())
        return (
            f"{self.congress}: {total} decisive mandates apportioned among "
            f"{len(self.allocation)} senders ({self.method}, "
            f"figures of {self.snapshot})"
        )


@decides(ApportionCongress)
def _apportion(state: FederationState, cmd: ApportionCongress) -> list[DomainEvent]:
    body = state.body(cmd.congress)
    if body.kind != "congress":
        raise RuleViolation(
            "SR-12",
            says(
                "{congress!r} is a {kind}, not a congress",
                congress=cmd.congress,
                kind=body.kind,
            ),
            cmd.congress,
        )
    try:
        date.fromisoformat(cmd.snapshot)
    except ValueError:
        raise RuleViolation(
            "SR-14",
            says("snapshot {snapshot!r} is not an ISO date", snapshot=cmd.snapshot),
            cmd.snapshot,
        ) from None
    if cmd.snapshot > cmd.at[:10]:
        raise RuleViolation(
            "SR-14",
            says(
                "snapshot {snapshot} lies after the act ({at})",
                snapshot=cmd.snapshot,
                at=cmd.at,
            ),
            cmd.snapshot,
        )
    levels = state.constitution.levels
    params = state.constitution.apportionment
    for unit in cmd.units:
        if unit.name not in state.bodies:
            raise NotFound(
                "SR-12",
                says("unknown sending body {name!r}", name=unit.name),
                unit.name,
            )
        sender = state.bodies[unit.name]
        check_sends_to(
            sender.level,
            body.level,
            city=unit.kind == "city" and sender.kind == "council",
            not_held=cmd.not_held,
            levels=levels,
            city_direct_levels=params.city_direct_levels,
        )
    rule = congress_rule(params, body.level, body.level == levels[-1])
    tie_break = TieBreak(order=cmd.tie_order) if cmd.tie_order else None
    result = apportion_senders(cmd.units, rule, tie_break=tie_break)
    notes = [n for a in result.groups.values() for n in a.notes]
    if result.capped is not None:
        notes.append(f"cap {rule.cap} reached: {rule.cap_rule} rule applied")
    method = ", ".join(sorted({a.method for a in result.groups.values()}))
    return [
        CongressApportioned(
            at=cmd.at,
            congress=cmd.congress,
            snapshot=cmd.snapshot,
            method=method,
            allocation=dict(result.allocation),
            notes=tuple(notes),
        )
    ]


@evolves(CongressApportioned)
def _apportioned(
    state: FederationState, evt: CongressApportioned, ref: EventRef
) -> None:
    state.apportionments[evt.congress] = ApportionmentRecord(
        evt.congress, evt.snapshot, dict(evt.allocation), ref
    )
    state.bodies[evt.congress].refs.append(ref)
