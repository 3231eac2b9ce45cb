"""SR-25: demands (ultimatums) are recorded and bind nothing.

A demand backed by a threat changes nothing by itself; only a majority decision
of the competent body — a motion of kind ``adopt_demand`` — acts on it.
"""

from __future__ import annotations

from typing import Annotated

from sovet.domain.government.records import DemandRecord
from sovet.domain.kernel.assembly import Assembly, MotionRecord
from sovet.domain.kernel.messages import (
    SECRETARY,
    Command,
    DomainEvent,
    EventRef,
    Issuers,
    command,
    event,
)
from sovet.domain.kernel.motions import ProposeMotion, motion_kind
from sovet.domain.kernel.registry import decides, evolves
from sovet.domain.kernel.state import FederationState
from sovet.errors import RuleViolation, says

__all__ = ["DemandRecorded", "RecordDemand"]


@command(resource="demands", issuers=Issuers(SECRETARY, field="addressed_to"))
class RecordDemand(Command):
    """SR-25: record a demand (ultimatum); it changes nothing by itself."""

    demand: Annotated[str, "a new id for the demand"]
    by: Annotated[str, "who makes the demand, as text (a name; need not be registered)"]
    addressed_to: Annotated[str, "the id of the body or session it is addressed to"]
    conditions: Annotated[
        tuple[str, ...],
        "the demand's conditions, one text each",
    ] = ()
    threat: Annotated[
        str,
        "SR-25: what is threatened if it is refused (walk-out, resignation, strike), "
        "as text",
    ] = ""


@event()
class DemandRecorded(DomainEvent):
    """SR-25: a demand was made; it binds nothing."""

    demand: str
    by: str
    addressed_to: str
    conditions: tuple[str, ...] = ()
    threat: str = ""

    @property
    def stream_id(self) -> str:
        """The demand's stream."""
        return f"demand:{self.demand}"

    def describe(self) -> str:
        """One line."""
        return (
            f"demand by {self.n(self.by)} to {self.n(self.addressed_to)} recorded "
            "(not binding, SR-25)"
        )


@decides(RecordDemand)
def _demand(state: FederationState, cmd: RecordDemand) -> list[DomainEvent]:
    if cmd.demand in state.demands:
        raise RuleViolation(
            "SR-25",
            says("demand {demand!r} already exists", demand=cmd.demand),
            cmd.demand,
        )
    if (
        cmd.addressed_to not in state.bodies
        and cmd.addressed_to not in state.assemblies
    ):
        state.body(cmd.addressed_to)
    return [
        DemandRecorded(
            at=cmd.at,
            demand=cmd.demand,
            by=cmd.by,
            addressed_to=cmd.addressed_to,
            conditions=cmd.conditions,
            threat=cmd.threat,
        )
    ]


@evolves(DemandRecorded)
def _demand_recorded(
    state: FederationState, evt: DemandRecorded, ref: EventRef
) -> None:
    state.demands[evt.demand] = DemandRecord(
        evt.demand, evt.by, evt.addressed_to, evt.conditions, evt.threat, ref
    )


def _check_adopt(
    state: FederationState, _assembly: Assembly, cmd: ProposeMotion
) -> None:
    demand = state.demands.get(cmd.subject or "")
    if demand is None:
        raise RuleViolation(
            "SR-25",
            says("unknown demand {subject!r}", subject=cmd.subject),
            cmd.subject,
        )
    if demand.adopted_by is not None:
        raise RuleViolation(
            "SR-25", says("demand {id!r} already adopted", id=demand.id), demand.id
        )


def _adopt(state: FederationState, motion: MotionRecord, _ref: EventRef) -> None:
    state.demands[motion.subject or ""].adopted_by = motion.id


motion_kind("adopt_demand", "SR-25")((_check_adopt, _adopt))
